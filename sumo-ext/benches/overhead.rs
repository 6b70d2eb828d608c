//! Request overhead (issue 6): one `users().get(id)` through sumo-ext
//! against a loopback server, versus the same request sent with bare
//! reqwest (same headers, same `reqwest::Client` settings, body parsed into
//! the same `UserModel`). Goal: at most 5% at the median.
//!
//! ```sh
//! CARGO_TARGET_DIR=/work/target-bench cargo bench -p sumo-ext --bench overhead
//! ```
//!
//! Sequential requests on a single-threaded runtime, the server on its own
//! thread. After a warm-up, `ROUNDS` rounds each run a batch of `BATCH`
//! requests per variant, the variants' order rotating every round so drift
//! (other processes, CPU frequency) falls on all of them alike. Environment:
//! `ROUNDS` (default 40), `BATCH` (250), `WARMUP` (1000 per variant);
//! `SUMO_BENCH_TRACING=1` installs a `tracing_subscriber::fmt` subscriber
//! at INFO writing to a sink (an application that logs), so sumo-ext's
//! `sumo_request` span is really created and recorded; `ONLY=i` runs
//! `ROUNDS * BATCH` requests of variant `i` (0-based, table order) and
//! prints nothing, for `perf record`.
//!
//! Variants: bare reqwest; the generated client without a transport
//! (progenitor's own cost); the generated client with a transport that only
//! sends (the cost of the hook); sumo-ext with no limits and no retries;
//! sumo-ext with the default retries and concurrency cap (the default rate
//! of 4 per second would time the limiter, see `benches/limiter.rs`). The
//! last column is the CPU time of the client thread per request
//! (`/proc/thread-self/schedstat`), less noisy than latency on a busy host.

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use bytes::Bytes;
use common::{Answer, Server};
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue};
use sumo_ext::raw::regional;
use sumo_ext::raw::regional::types::UserModel;
use sumo_ext::{Credentials, Deployment, Limits, RetryPolicy, SumoClient};

const ID: &str = "00000000000004D2";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Variant {
    Bare,
    Raw,
    PassThrough,
    Ext,
    ExtDefaults,
}

const VARIANTS: [Variant; 5] = [
    Variant::Bare,
    Variant::Raw,
    Variant::PassThrough,
    Variant::Ext,
    Variant::ExtDefaults,
];

/// A `Transport` that only sends: the cost of the hook itself.
struct PassThrough;

impl sumo_ext::raw::Transport for PassThrough {
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        _operation_id: &'static str,
    ) -> sumo_ext::raw::TransportFuture<'a> {
        Box::pin(client.execute(request))
    }
}

impl Variant {
    fn label(self) -> &'static str {
        match self {
            Variant::Bare => "bare reqwest + serde_json",
            Variant::Raw => "generated client, no transport",
            Variant::PassThrough => "generated client, pass-through transport",
            Variant::Ext => "sumo-ext: unlimited, no retries",
            Variant::ExtDefaults => "sumo-ext: default retries, 10 in flight, rate off",
        }
    }
}

struct Clients {
    base: String,
    bare: reqwest::Client,
    raw: regional::Client,
    pass_through: regional::Client,
    ext: SumoClient,
    ext_defaults: SumoClient,
}

/// The `reqwest::Client` exactly as `SumoClientBuilder::build` makes it.
fn reqwest_client(access_id: &str) -> reqwest::Client {
    let mut headers = HeaderMap::new();
    headers.insert(
        AUTHORIZATION,
        HeaderValue::from_str(&common::basic_auth(access_id, common::ACCESS_KEY)).unwrap(),
    );
    reqwest::Client::builder()
        .default_headers(headers)
        .user_agent("sumo-ext/0.1.0")
        .timeout(Duration::from_secs(60))
        .connect_timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

impl Clients {
    fn new(base: &str) -> Self {
        let deployment = Deployment::custom(base).unwrap();
        let ext = SumoClient::builder(Credentials::new("bench-overhead", common::ACCESS_KEY))
            .deployment(deployment.clone())
            .limits(Limits::unlimited())
            .retry(RetryPolicy::none())
            .build()
            .unwrap();
        let ext_defaults =
            SumoClient::builder(Credentials::new("bench-overhead-d", common::ACCESS_KEY))
                .deployment(deployment)
                // The default limits but the rate: 4 per second would make
                // this a benchmark of the limiter (see benches/limiter.rs).
                .limits(Limits::default().requests_per_second(0))
                .retry(RetryPolicy::default())
                .build()
                .unwrap();
        Self {
            base: base.to_string(),
            bare: reqwest_client("bench-overhead-b"),
            raw: regional::Client::new_with_client(
                base,
                reqwest_client("bench-overhead-r"),
                sumo_ext::raw::Hooks::default(),
            ),
            pass_through: regional::Client::new_with_client(
                base,
                reqwest_client("bench-overhead-p"),
                sumo_ext::raw::Hooks::new(std::sync::Arc::new(PassThrough)),
            ),
            ext,
            ext_defaults,
        }
    }

    /// One request; its latency.
    async fn one(&self, variant: Variant) -> Duration {
        let started = Instant::now();
        let user: UserModel = match variant {
            Variant::Bare => {
                let response = self
                    .bare
                    .get(format!("{}/v1/users/{ID}", self.base))
                    .header(ACCEPT, HeaderValue::from_static("application/json"))
                    .header("api-version", HeaderValue::from_static("1.0.0"))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status().as_u16(), 200);
                let body = response.bytes().await.unwrap();
                serde_json::from_slice(&body).unwrap()
            }
            Variant::Raw => self
                .raw
                .get_user()
                .id(ID)
                .send()
                .await
                .unwrap()
                .into_inner(),
            Variant::PassThrough => self
                .pass_through
                .get_user()
                .id(ID)
                .send()
                .await
                .unwrap()
                .into_inner(),
            Variant::Ext => self.ext.users().get(ID).await.unwrap(),
            Variant::ExtDefaults => self.ext_defaults.users().get(ID).await.unwrap(),
        };
        let elapsed = started.elapsed();
        black_box(user);
        elapsed
    }
}

fn main() {
    let tracing_on = std::env::var("SUMO_BENCH_TRACING").is_ok_and(|v| v == "1");
    if tracing_on {
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::INFO)
            .with_writer(std::io::sink)
            .init();
    }
    let rounds = common::env_usize("ROUNDS", 40);
    let batch = common::env_usize("BATCH", 250);
    let warmup = common::env_usize("WARMUP", 1000);

    let body = Bytes::from(common::user_json(1234));
    let body_len = body.len();
    let server = Server::start(std::sync::Arc::new(move |target: &str| {
        if target == format!("/v1/users/{ID}") {
            Answer::json(body.clone())
        } else {
            Answer::not_found()
        }
    }));

    common::print_conditions("request overhead: GET /v1/users/{id}");
    println!(
        "   {rounds} rounds x {batch} sequential requests per variant (warm-up {warmup}), \
         variant order rotated each round; answer {body_len} bytes; tracing subscriber: {}",
        if tracing_on {
            "fmt at INFO to a sink"
        } else {
            "none"
        }
    );

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let clients = Clients::new(&server.url);
    if let Ok(only) = std::env::var("ONLY") {
        // For profiling (`perf record`): one variant, no report.
        let variant = VARIANTS[only.parse::<usize>().expect("ONLY=index")];
        runtime.block_on(async {
            for _ in 0..rounds * batch {
                clients.one(variant).await;
            }
        });
        return;
    }
    let mut samples: Vec<Vec<Duration>> = vec![Vec::with_capacity(rounds * batch); VARIANTS.len()];
    // Per round, each variant's batch median.
    let mut round_medians: Vec<Vec<Duration>> = vec![Vec::with_capacity(rounds); VARIANTS.len()];
    // CPU time of the client thread, per variant.
    let mut cpu = vec![Duration::ZERO; VARIANTS.len()];
    let started = Instant::now();
    runtime.block_on(async {
        for variant in VARIANTS {
            for _ in 0..warmup {
                clients.one(variant).await;
            }
        }
        let mut batch_samples = Vec::with_capacity(batch);
        for round in 0..rounds {
            for k in 0..VARIANTS.len() {
                let index = (k + round) % VARIANTS.len();
                batch_samples.clear();
                let cpu_before = common::thread_cpu();
                for _ in 0..batch {
                    batch_samples.push(clients.one(VARIANTS[index]).await);
                }
                if let (Some(before), Some(after)) = (cpu_before, common::thread_cpu()) {
                    cpu[index] += after - before;
                }
                samples[index].extend_from_slice(&batch_samples);
                batch_samples.sort();
                round_medians[index].push(common::quantile(&batch_samples, 0.5));
            }
        }
    });
    let wall = started.elapsed();

    for s in &mut samples {
        s.sort();
    }
    let bare_median = common::quantile(&samples[0], 0.5);
    println!();
    println!(
        "| variant | median | p90 | p99 | overhead at the median (pooled) | overhead, median of {rounds} per-round ratios [min, max] | client-thread CPU per request |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    for (index, variant) in VARIANTS.iter().enumerate() {
        let s = &samples[index];
        let median = common::quantile(s, 0.5);
        let pooled = (median.as_secs_f64() / bare_median.as_secs_f64() - 1.0) * 100.0;
        let mut ratios: Vec<f64> = round_medians[index]
            .iter()
            .zip(&round_medians[0])
            .map(|(v, b)| (v.as_secs_f64() / b.as_secs_f64() - 1.0) * 100.0)
            .collect();
        let per_round = common::median_f64(&mut ratios);
        let (lo, hi) = (ratios[0], ratios[ratios.len() - 1]);
        let overhead = if *variant == Variant::Bare {
            ("—".to_string(), "—".to_string())
        } else {
            (
                format!("{pooled:+.1}%"),
                format!("{per_round:+.1}% [{lo:+.1}%, {hi:+.1}%]"),
            )
        };
        println!(
            "| {} | {:.1} µs | {:.1} µs | {:.1} µs | {} | {} | {:.1} µs |",
            variant.label(),
            common::micros(median),
            common::micros(common::quantile(s, 0.9)),
            common::micros(common::quantile(s, 0.99)),
            overhead.0,
            overhead.1,
            common::micros(cpu[index]) / s.len() as f64,
        );
    }
    println!();
    println!(
        "   {} requests in {:.1} s; goal: sumo-ext at most +5% over bare reqwest at the median",
        samples.iter().map(Vec::len).sum::<usize>(),
        wall.as_secs_f64()
    );
}
