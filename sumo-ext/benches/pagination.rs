//! Pagination (issue 6): streaming users page by page from a loopback
//! server through `client.users().list().stream()` (which is
//! `sumo_ext::pagination::items` over `pages`), counting them. Reports time
//! and peak heap; the goal is that memory does not grow with the page count
//! (one page in memory at a time).
//!
//! ```sh
//! CARGO_TARGET_DIR=/work/target-bench cargo bench -p sumo-ext --bench pagination
//! ```
//!
//! The server answers `GET /v1/users?limit=100[&token=pN]` with 100 users in
//! Sumo's `ListUserModelsResponse` shape (`data` + `next`), every field of
//! `UserModel` filled. Heap is measured by a counting global allocator (live
//! bytes and their peak) that leaves out the server's thread, so the figures
//! are the client's. Each size runs `REPS` times (default 3) after an
//! untimed warm-up of 100 pages, which leaves one idle pooled connection
//! (and its buffers) in the baseline; the run with the default limits uses
//! a new client, so its connection is counted.
//! Environment: `PAGES` (comma-separated page counts, default
//! `10,50,100,1000`), `REPS`, `SKIP_LIMITED=1` skips the run with the
//! default limits (100 pages at 4 requests per second, about 25 s).

mod common;

use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

use bytes::Bytes;
use common::heap::{self, ALLOCATED, ALLOCATIONS, CURRENT, PEAK};
use common::{Answer, Server};
use futures::TryStreamExt;
use sumo_ext::{Credentials, Deployment, Limits, RetryPolicy, SumoClient};

const PAGE_SIZE: usize = 100;

#[global_allocator]
static GLOBAL: heap::Counting = heap::Counting;

/// The page `index` (0-based) of `total`, as Sumo sends it.
fn page(index: usize, total: usize) -> Bytes {
    let mut body = String::with_capacity(PAGE_SIZE * 400);
    body.push_str(r#"{"data":["#);
    for i in 0..PAGE_SIZE {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&common::user_json(index * PAGE_SIZE + i));
    }
    body.push(']');
    if index + 1 < total {
        body.push_str(&format!(r#","next":"p{}""#, index + 1));
    }
    body.push('}');
    Bytes::from(body)
}

struct Run {
    users: usize,
    elapsed: Duration,
    /// Peak live bytes above the baseline.
    peak: isize,
    /// Live bytes above the baseline after the stream is dropped.
    retained: isize,
    allocated: usize,
    allocations: usize,
}

async fn stream_users(client: &SumoClient) -> Run {
    let baseline = CURRENT.load(Relaxed);
    PEAK.store(baseline, Relaxed);
    let allocated = ALLOCATED.load(Relaxed);
    let allocations = ALLOCATIONS.load(Relaxed);
    let started = Instant::now();
    let mut users = 0usize;
    {
        let stream = client
            .users()
            .list()
            .page_size(NonZeroU32::new(PAGE_SIZE as u32).unwrap())
            .stream();
        let mut stream = std::pin::pin!(stream);
        while let Some(user) = stream.try_next().await.expect("a user") {
            users += 1;
            std::hint::black_box(user);
        }
    }
    let elapsed = started.elapsed();
    Run {
        users,
        elapsed,
        peak: PEAK.load(Relaxed) - baseline,
        retained: CURRENT.load(Relaxed) - baseline,
        allocated: ALLOCATED.load(Relaxed) - allocated,
        allocations: ALLOCATIONS.load(Relaxed) - allocations,
    }
}

fn kib(bytes: isize) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}

fn main() {
    let sizes: Vec<usize> = std::env::var("PAGES")
        .ok()
        .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
        .filter(|v: &Vec<usize>| !v.is_empty())
        .unwrap_or_else(|| vec![10, 50, 100, 1000]);
    let reps = common::env_usize("REPS", 3);
    let skip_limited = std::env::var("SKIP_LIMITED").is_ok_and(|v| v == "1");

    let total_pages = Arc::new(AtomicUsize::new(1));
    let pages = total_pages.clone();
    let server = Server::start(Arc::new(move |target: &str| {
        let total = pages.load(Relaxed);
        let index = target
            .split(['?', '&'])
            .find_map(|kv| kv.strip_prefix("token=p"))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        if target.starts_with("/v1/users?") && index < total {
            Answer::json(page(index, total))
        } else {
            Answer::not_found()
        }
    }));
    let page_bytes = page(0, 2).len();

    common::print_conditions("pagination: users().list().stream(), 100 users per page");
    println!(
        "   page body {page_bytes} bytes ({:.1} KiB); {reps} runs per size after a warm-up; \
         heap of the client side (server thread excluded), above the idle baseline",
        page_bytes as f64 / 1024.0
    );

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let deployment = Deployment::custom(&server.url).unwrap();
    let client = SumoClient::builder(Credentials::new("bench-pages", common::ACCESS_KEY))
        .deployment(deployment.clone())
        .limits(Limits::unlimited())
        .retry(RetryPolicy::default())
        .build()
        .unwrap();

    println!();
    println!(
        "| pages | users | time (median of {reps}) | users/s | peak heap (max of {reps}) | retained after | allocated in all | allocations |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    runtime.block_on(async {
        total_pages.store(100, Relaxed);
        stream_users(&client).await;
        for &size in &sizes {
            total_pages.store(size, Relaxed);
            let mut runs = Vec::new();
            for _ in 0..reps {
                let run = stream_users(&client).await;
                assert_eq!(run.users, size * PAGE_SIZE);
                runs.push(run);
            }
            runs.sort_by_key(|r| r.elapsed);
            let median = &runs[runs.len() / 2];
            let peak = runs.iter().map(|r| r.peak).max().unwrap();
            let retained = runs.iter().map(|r| r.retained).max().unwrap();
            println!(
                "| {size} | {} | {:.1} ms | {:.0} | {} | {} | {:.1} MiB | {} |",
                median.users,
                median.elapsed.as_secs_f64() * 1e3,
                median.users as f64 / median.elapsed.as_secs_f64(),
                kib(peak),
                kib(retained),
                median.allocated as f64 / (1024.0 * 1024.0),
                median.allocations,
            );
        }
        if !skip_limited {
            // The default limits: 4 requests per second, 10 in flight.
            let limited =
                SumoClient::builder(Credentials::new("bench-pages-limited", common::ACCESS_KEY))
                    .deployment(deployment)
                    .build()
                    .unwrap();
            total_pages.store(100, Relaxed);
            let run = stream_users(&limited).await;
            println!(
                "| 100, default limits (4/s) | {} | {:.2} s | {:.0} | {} | {} | {:.1} MiB | {} |",
                run.users,
                run.elapsed.as_secs_f64(),
                run.users as f64 / run.elapsed.as_secs_f64(),
                kib(run.peak),
                kib(run.retained),
                run.allocated as f64 / (1024.0 * 1024.0),
                run.allocations,
            );
        }
    });
    println!();
    println!("   goal: peak heap does not grow with the page count");
}
