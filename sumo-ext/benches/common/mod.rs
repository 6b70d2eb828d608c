//! Shared by the benchmarks: a minimal HTTP/1.1 keep-alive server on
//! 127.0.0.1:0, run on its own thread (with its own single-threaded tokio
//! runtime) inside the bench process, plus statistics helpers.
//!
//! The server reads request heads (a body is skipped by its
//! `content-length`), asks a handler for the answer and writes it in one `write_all` with a
//! `content-length`, so every answer costs the same few microseconds and
//! the connection stays open.

#![allow(dead_code)]

pub mod heap;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub const ACCESS_KEY: &str = "bench-access-key-0123456789";

/// An answer of the loopback server.
pub struct Answer {
    pub status: u16,
    /// Extra header lines, each ending in `\r\n`.
    pub headers: &'static str,
    pub body: Bytes,
    /// How long the server waits before answering.
    pub delay: Duration,
}

impl Answer {
    pub fn json(body: Bytes) -> Self {
        Self {
            status: 200,
            headers: "",
            body,
            delay: Duration::ZERO,
        }
    }

    pub fn not_found() -> Self {
        Self {
            status: 404,
            headers: "",
            body: Bytes::from_static(b"{}"),
            delay: Duration::ZERO,
        }
    }
}

/// Gets the request target (`/v1/users?token=..`) and answers it.
pub type Handler = Arc<dyn Fn(&str) -> Answer + Send + Sync>;

/// Gets the method and the target, and answers them.
pub type MethodHandler = Arc<dyn Fn(&str, &str) -> Answer + Send + Sync>;

/// A running loopback server; it lives as long as the process.
pub struct Server {
    pub url: String,
}

thread_local! {
    /// Set on the server's thread so a counting allocator can leave the
    /// server's own allocations out.
    pub static SERVER_THREAD: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether the current thread is a loopback server's thread.
pub fn on_server_thread() -> bool {
    SERVER_THREAD.try_with(|c| c.get()).unwrap_or(false)
}

impl Server {
    pub fn start(handler: Handler) -> Self {
        Self::start_with_method(Arc::new(move |_: &str, target: &str| handler(target)))
    }

    /// A server whose handler also sees the method.
    pub fn start_with_method(handler: MethodHandler) -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        std::thread::Builder::new()
            .name("loopback-server".into())
            .spawn(move || {
                SERVER_THREAD.with(|c| c.set(true));
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(async move {
                    let listener = TcpListener::from_std(listener).unwrap();
                    loop {
                        let Ok((stream, _)) = listener.accept().await else {
                            continue;
                        };
                        let handler = handler.clone();
                        tokio::spawn(async move {
                            let _ = serve(stream, handler).await;
                        });
                    }
                });
            })
            .unwrap();
        Self { url }
    }
}

async fn serve(mut stream: TcpStream, handler: MethodHandler) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut buf = Vec::with_capacity(4096);
    let mut out = Vec::with_capacity(64 * 1024);
    loop {
        // Read until a complete request head is buffered.
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let mut chunk = [0u8; 4096];
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        let head = std::str::from_utf8(&buf[..head_end]).unwrap_or("");
        let method = head.split(' ').next().unwrap_or("GET").to_string();
        let target = head.split(' ').nth(1).unwrap_or("/").to_string();
        let close = head
            .lines()
            .any(|l| l.eq_ignore_ascii_case("connection: close"));
        let body = head
            .lines()
            .find_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse::<usize>().ok())?
            })
            .unwrap_or(0);
        buf.drain(..head_end);
        while buf.len() < body {
            let mut chunk = [0u8; 4096];
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        buf.drain(..body);
        let answer = handler(&method, &target);
        if !answer.delay.is_zero() {
            tokio::time::sleep(answer.delay).await;
        }
        out.clear();
        out.extend_from_slice(
            format!(
                "HTTP/1.1 {} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{}\r\n",
                answer.status,
                reason(answer.status),
                answer.body.len(),
                answer.headers
            )
            .as_bytes(),
        );
        out.extend_from_slice(&answer.body);
        stream.write_all(&out).await?;
        if close {
            return Ok(());
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        202 => "Accepted",
        404 => "Not Found",
        429 => "Too Many Requests",
        _ => "Status",
    }
}

/// One user in Sumo's `UserModel` shape (every field the spec defines).
pub fn user_json(i: usize) -> String {
    format!(
        concat!(
            r#"{{"firstName":"First{i}","lastName":"Last{i}","email":"user{i}@example.com","#,
            r#""roleIds":["0000000000000001","0000000000000002"],"#,
            r#""createdAt":"2024-01-01T00:00:00Z","createdBy":"0000000000000000","#,
            r#""modifiedAt":"2024-06-01T12:00:00Z","modifiedBy":"0000000000000000","#,
            r#""id":"{i:016X}","isActive":true,"isLocked":false,"isMfaEnabled":false,"#,
            r#""lastLoginTimestamp":"2024-06-02T08:30:00Z"}}"#
        ),
        i = i
    )
}

/// The value at quantile `q` (0..=1) of `sorted` (nearest rank).
pub fn quantile(sorted: &[Duration], q: f64) -> Duration {
    assert!(!sorted.is_empty());
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

pub fn median_f64(values: &mut [f64]) -> f64 {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

pub fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// A positive number from the environment, or `default`.
pub fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|v| *v > 0)
        .unwrap_or(default)
}

/// Rust version and load, for the header of each report.
pub fn print_conditions(title: &str) {
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    println!("== {title}");
    println!(
        "   {cpus} CPUs available, load average {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
}

/// `Basic base64(id:key)`, as sumo-ext sends it.
pub fn basic_auth(id: &str, key: &str) -> String {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{id}:{key}"))
    )
}

/// CPU time the calling thread has run so far (`/proc/thread-self/schedstat`,
/// nanoseconds), if the kernel exposes it.
pub fn thread_cpu() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos = text.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}
