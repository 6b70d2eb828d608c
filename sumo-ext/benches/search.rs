//! The Search Job API (issue 13): streaming messages from a loopback server
//! that speaks the protocol (create, status, message pages, delete) through
//! `SearchJob::messages`, counting them. Reports wall time, messages per
//! second and the client's peak heap, beside a baseline in the same run:
//! the same pages fetched with plain reqwest and parsed into
//! `serde_json::Value`, one page at a time. The goal: memory does not grow
//! with the number of pages.
//!
//! ```sh
//! CARGO_TARGET_DIR=/work/target-bench cargo bench -p sumo-ext --bench search
//! ```
//!
//! Each page body is built once per page size (the server's cost is not
//! measured); every message has Sumo's metadata fields and a 60-byte
//! `_raw`. Environment: `RUNS` (`pages x page size`, comma-separated,
//! default `10x10000,100x10000,1000x1000`), `REPS` (default 3).

mod common;

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use common::heap::{self, PEAK};
use common::{Answer, Server};
use futures::TryStreamExt;
use sumo_ext::{Credentials, Deployment, Limits, RetryPolicy, SumoClient};

#[global_allocator]
static GLOBAL: heap::Counting = heap::Counting;

/// A page of `size` messages, as Sumo sends it.
fn page(size: u64) -> Bytes {
    let mut body = String::with_capacity(size as usize * 420);
    body.push_str(r#"{"fields":["#);
    for (i, (name, kind)) in [
        ("_messageid", "long"),
        ("_messagetime", "long"),
        ("_receipttime", "long"),
        ("_raw", "string"),
        ("_sourcecategory", "string"),
        ("_sourcehost", "string"),
        ("_sourcename", "string"),
        ("_collector", "string"),
        ("_size", "long"),
    ]
    .iter()
    .enumerate()
    {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&format!(
            r#"{{"name":"{name}","fieldType":"{kind}","keyField":false}}"#
        ));
    }
    body.push_str(r#"],"messages":["#);
    for i in 0..size {
        if i > 0 {
            body.push(',');
        }
        let time = 1_796_083_200_000 + i as i64;
        body.push_str(&format!(
            r#"{{"map":{{"_messageid":"-92233720368547{i:05}","_messagetime":"{time}","_receipttime":"{time}","_raw":"2026-12-01 00:00:00,000 INFO [service=bench] request {i:08} done","_sourcecategory":"prod/bench/app","_sourcehost":"bench-host-01","_sourcename":"/var/log/bench/app.log","_collector":"bench-collector","_size":"60"}}}}"#
        ));
    }
    body.push_str("]}");
    Bytes::from(body)
}

/// What the server serves: the total of the current job, and the page
/// bodies by size.
struct Data {
    total: AtomicU64,
    pages: Mutex<std::collections::HashMap<u64, Bytes>>,
}

fn answer(data: &Data, method: &str, target: &str) -> Answer {
    let json = |status: u16, body: String| Answer {
        status,
        headers: "",
        body: Bytes::from(body),
        delay: Duration::ZERO,
    };
    let path = target.split('?').next().unwrap_or("");
    match (method, path) {
        ("POST", "/api/v1/search/jobs") => Answer {
            status: 202,
            headers: "set-cookie: JSESSIONID=bench; Path=/api\r\n",
            body: Bytes::from_static(br#"{"id":"BENCH"}"#),
            delay: Duration::ZERO,
        },
        ("GET", "/api/v1/search/jobs/BENCH") => json(
            200,
            format!(
                r#"{{"state":"DONE GATHERING RESULTS","messageCount":{},"recordCount":0,"histogramBuckets":[],"pendingErrors":[],"pendingWarnings":[]}}"#,
                data.total.load(Relaxed)
            ),
        ),
        ("GET", "/api/v1/search/jobs/BENCH/messages") => {
            let number = |name: &str| -> u64 {
                target
                    .split(['?', '&'])
                    .find_map(|kv| kv.strip_prefix(name))
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0)
            };
            let (offset, limit) = (number("offset="), number("limit="));
            let size = limit.min(data.total.load(Relaxed).saturating_sub(offset));
            let mut pages = data.pages.lock().unwrap();
            Answer::json(pages.entry(size).or_insert_with(|| page(size)).clone())
        }
        ("DELETE", "/api/v1/search/jobs/BENCH") => json(200, r#"{"id":"BENCH"}"#.into()),
        _ => Answer::not_found(),
    }
}

struct Run {
    messages: u64,
    elapsed: Duration,
    /// Peak live bytes above the baseline.
    peak: isize,
}

async fn with_sumo_ext(client: &SumoClient, pages: u64, size: u32) -> Run {
    let baseline = heap::reset_peak();
    let started = Instant::now();
    let mut messages = 0u64;
    {
        let job = client
            .search("_sourceCategory=prod/bench/app")
            .from(1_796_083_200_000)
            .to(1_796_083_200_000 + pages as i64 * i64::from(size))
            .page_size(std::num::NonZeroU32::new(size).unwrap())
            .start()
            .await
            .expect("job");
        let stream = job.messages();
        let mut stream = std::pin::pin!(stream);
        while let Some(message) = stream.try_next().await.expect("a message") {
            messages += 1;
            std::hint::black_box(message);
        }
    }
    Run {
        messages,
        elapsed: started.elapsed(),
        peak: PEAK.load(Relaxed) - baseline,
    }
}

/// The baseline: the same pages with plain reqwest, parsed into `Value`.
async fn with_reqwest(http: &reqwest::Client, base: &str, pages: u64, size: u32) -> Run {
    let baseline = heap::reset_peak();
    let started = Instant::now();
    let mut messages = 0u64;
    for index in 0..pages {
        let url = format!(
            "{base}/v1/search/jobs/BENCH/messages?offset={}&limit={size}",
            index * u64::from(size)
        );
        let body = http.get(url).send().await.unwrap().bytes().await.unwrap();
        let page: serde_json::Value = serde_json::from_slice(&body).unwrap();
        for message in page["messages"].as_array().unwrap() {
            messages += 1;
            std::hint::black_box(message);
        }
    }
    Run {
        messages,
        elapsed: started.elapsed(),
        peak: PEAK.load(Relaxed) - baseline,
    }
}

fn mib(bytes: isize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn main() {
    let runs: Vec<(u64, u32)> = std::env::var("RUNS")
        .unwrap_or_else(|_| "10x10000,100x10000,1000x1000".into())
        .split(',')
        .filter_map(|run| {
            let (pages, size) = run.trim().split_once('x')?;
            Some((pages.parse().ok()?, size.parse().ok()?))
        })
        .collect();
    let reps = common::env_usize("REPS", 3);
    let data = Arc::new(Data {
        total: AtomicU64::new(0),
        pages: Mutex::new(Default::default()),
    });
    let served = data.clone();
    let server = Server::start_with_method(Arc::new(move |method: &str, target: &str| {
        answer(&served, method, target)
    }));
    let base = format!("{}/api", server.url);
    common::print_conditions("search: SearchJob::messages() from a loopback Search Job API");
    println!(
        "   page of 10,000 messages: {:.1} MiB; {reps} runs each, medians; peak heap of the client side above its idle baseline",
        page(10_000).len() as f64 / (1024.0 * 1024.0)
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = SumoClient::builder(Credentials::new("bench-search", common::ACCESS_KEY))
        .deployment(Deployment::custom(&base).unwrap())
        .limits(Limits::unlimited())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let http = reqwest::Client::new();
    println!(
        "{:>6} {:>6} {:>10} | {:>9} {:>12} {:>10} | {:>9} {:>12} {:>10}",
        "pages",
        "size",
        "messages",
        "sumo-ext",
        "msg/s",
        "peak MiB",
        "reqwest",
        "msg/s",
        "peak MiB"
    );
    runtime.block_on(async {
        // Warm-up: the connection, the page body, the allocator's arenas.
        data.total.store(10_000, Relaxed);
        with_sumo_ext(&client, 1, 10_000).await;
        for (pages, size) in runs {
            data.total.store(pages * u64::from(size), Relaxed);
            let mut ours = Vec::new();
            let mut theirs = Vec::new();
            for _ in 0..reps {
                ours.push(with_sumo_ext(&client, pages, size).await);
                theirs.push(with_reqwest(&http, &base, pages, size).await);
            }
            for run in ours.iter().chain(&theirs) {
                assert_eq!(run.messages, pages * u64::from(size), "every message");
            }
            let median = |runs: &mut Vec<Run>| -> (f64, f64, f64) {
                runs.sort_by_key(|r| r.elapsed);
                let mid = &runs[runs.len() / 2];
                let peak = runs.iter().map(|r| r.peak).max().unwrap_or(0);
                let seconds = mid.elapsed.as_secs_f64();
                (seconds, mid.messages as f64 / seconds, mib(peak))
            };
            let (s1, r1, m1) = median(&mut ours);
            let (s2, r2, m2) = median(&mut theirs);
            println!(
                "{pages:>6} {size:>6} {:>10} | {s1:>8.2}s {r1:>12.0} {m1:>10.1} | {s2:>8.2}s {r2:>12.0} {m2:>10.1}",
                pages * u64::from(size)
            );
        }
    });
}
