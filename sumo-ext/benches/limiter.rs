//! The limiter (issue 6): the sustained rate of a sumo-ext client
//! configured for 4 requests per second (the default `Limits`) against a
//! loopback server that enforces that limit (sliding one-second window,
//! 429 beyond it); the goal is no 429.
//!
//! ```sh
//! CARGO_TARGET_DIR=/work/target-bench cargo bench -p sumo-ext --bench limiter
//! ```
//!
//! The server records when each request arrives and answers 429 (with
//! `Retry-After: 1`) when 4 requests were accepted in the second before it.
//! Scenarios: `REQUESTS` (default 40) sequential `users().get`, the same
//! number all at once, and two clients with the same access ID sending half
//! each at once (they share one limiter), with the server answering at once;
//! then sequential and all at once with the server answering after 100 ms
//! (a remote deployment's latency). Reported per scenario: 429s seen
//! by the server, client errors, the rate over the whole run (requests /
//! elapsed, which counts the initial burst of 4), the steady rate at the
//! server ((N − 4) / (last arrival − first arrival)), and the most arrivals
//! in any one-second window.

mod common;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use common::{Answer, Server};
use futures::future::join_all;
use sumo_ext::{Credentials, Deployment, Limits, RetryPolicy, SumoClient};

const RATE: usize = 4;
const WINDOW: Duration = Duration::from_secs(1);

#[derive(Default)]
struct Seen {
    /// Accepted requests of the last second.
    accepted: VecDeque<Instant>,
    /// Every arrival.
    arrivals: Vec<Instant>,
    rejected: usize,
    /// For each 429: the arrivals of the window it fell in.
    windows: Vec<Vec<Instant>>,
}

/// The most elements of `times` (sorted) in any half-open window
/// `[t, t + WINDOW)`.
fn max_in_window(times: &[Instant]) -> usize {
    let mut best = 0;
    let mut end = 0;
    for start in 0..times.len() {
        while end < times.len() && times[end].duration_since(times[start]) < WINDOW {
            end += 1;
        }
        best = best.max(end - start);
    }
    best
}

#[derive(Clone, Copy)]
enum Mode {
    Sequential,
    AllAtOnce,
    TwoClients,
}

impl Mode {
    fn label(self) -> &'static str {
        match self {
            Mode::Sequential => "sequential",
            Mode::AllAtOnce => "all at once",
            Mode::TwoClients => "two clients, one access ID, all at once",
        }
    }
}

/// Each scenario: how the requests are sent, and the server's latency (ms).
const SCENARIOS: [(Mode, u64); 5] = [
    (Mode::Sequential, 0),
    (Mode::AllAtOnce, 0),
    (Mode::TwoClients, 0),
    (Mode::Sequential, 100),
    (Mode::AllAtOnce, 100),
];

fn main() {
    let n = common::env_usize("REQUESTS", 40);
    let seen = Arc::new(Mutex::new(Seen::default()));
    let ok_body = Bytes::from(common::user_json(7));
    let server_seen = seen.clone();
    // How long the server takes to answer, in milliseconds.
    let latency = Arc::new(AtomicU64::new(0));
    let server_latency = latency.clone();
    let server = Server::start(Arc::new(move |_target: &str| {
        let now = Instant::now();
        let delay = Duration::from_millis(server_latency.load(Relaxed));
        let mut seen = server_seen.lock().unwrap();
        seen.arrivals.push(now);
        while seen
            .accepted
            .front()
            .is_some_and(|t| now.duration_since(*t) >= WINDOW)
        {
            seen.accepted.pop_front();
        }
        if seen.accepted.len() >= RATE {
            seen.rejected += 1;
            let mut window: Vec<Instant> = seen.accepted.iter().copied().collect();
            window.push(now);
            seen.windows.push(window);
            return Answer {
                status: 429,
                headers: "retry-after: 1\r\n",
                body: Bytes::from_static(
                    br#"{"status":429,"id":"BENCH","code":"rate.limit.exceeded","errors":[]}"#,
                ),
                delay,
            };
        }
        seen.accepted.push_back(now);
        Answer {
            delay,
            ..Answer::json(ok_body.clone())
        }
    }));
    let deployment = Deployment::custom(&server.url).unwrap();
    // The default limits (4 per second, 10 in flight) and retries, spelled
    // out; every scenario has its own access ID, so its own limiter.
    let client = |access_id: &str| {
        SumoClient::builder(Credentials::new(access_id, common::ACCESS_KEY))
            .deployment(deployment.clone())
            .limits(
                Limits::default()
                    .requests_per_second(RATE as u32)
                    .max_concurrent(10),
            )
            .retry(RetryPolicy::default())
            .build()
            .unwrap()
    };

    common::print_conditions("limiter: 4 requests per second configured, server enforcing 4/s");
    println!("   {n} requests per scenario; default retries (a 429 would be retried, and counted)");
    println!();
    println!(
        "| scenario | requests | 429s at the server | client errors | elapsed | rate over the run | steady rate at the server | most arrivals in 1 s |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut notes = Vec::new();
    runtime.block_on(async {
        for (k, &(mode, latency_ms)) in SCENARIOS.iter().enumerate() {
            // Let the server's window empty before a new scenario.
            tokio::time::sleep(Duration::from_millis(1100)).await;
            *seen.lock().unwrap() = Seen::default();
            latency.store(latency_ms, Relaxed);
            let scenario = format!("{}, answers after {latency_ms} ms", mode.label());
            let id = format!("bench-limiter-{k}");
            let a = client(&id);
            let b = client(&id);
            let started = Instant::now();
            let results: Vec<Result<_, sumo_ext::Error>> = match mode {
                Mode::Sequential => {
                    let mut results = Vec::new();
                    for _ in 0..n {
                        results.push(a.users().get("u").await);
                    }
                    results
                }
                Mode::AllAtOnce => {
                    join_all((0..n).map(|_| async { a.users().get("u").await })).await
                }
                Mode::TwoClients => {
                    join_all((0..n).map(|i| {
                        let c = if i % 2 == 0 { &a } else { &b };
                        async move { c.users().get("u").await }
                    }))
                    .await
                }
            };
            let elapsed = started.elapsed();
            let errors = results.iter().filter(|r| r.is_err()).count();
            let seen = seen.lock().unwrap();
            let arrivals = &seen.arrivals;
            let span = arrivals[arrivals.len() - 1].duration_since(arrivals[0]);
            let steady = (arrivals.len().saturating_sub(RATE)) as f64 / span.as_secs_f64();
            println!(
                "| {scenario} | {} | {} | {errors} | {:.3} s | {:.2}/s | {:.3}/s | {} |",
                arrivals.len(),
                seen.rejected,
                elapsed.as_secs_f64(),
                n as f64 / elapsed.as_secs_f64(),
                steady,
                max_in_window(arrivals),
            );
            for window in &seen.windows {
                let offsets: Vec<String> = window
                    .iter()
                    .map(|t| format!("{:.4}", t.duration_since(arrivals[0]).as_secs_f64()))
                    .collect();
                notes.push(format!(
                    "{scenario}: 429 at {} s; the accepted arrivals before it at [{}] s",
                    offsets[offsets.len() - 1],
                    offsets[..offsets.len() - 1].join(", ")
                ));
            }
        }
    });
    for note in notes {
        println!("   {note}");
    }
    println!();
    println!(
        "   goal: no 429; at most {RATE} arrivals in any 1 s window; steady rate close to {RATE}/s"
    );
}
