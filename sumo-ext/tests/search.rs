//! The Search Job API against a loopback fake of its protocol
//! (`support/search_fake.rs`): the state machine, cookies, paging, partial
//! results, 429 on create, cancellation of a job not polled, FORCE PAUSED
//! with the split, deletion, both error shapes, bad input. Every test ends
//! with no job left on the fake.

#[path = "support/examples.rs"]
mod examples;
#[path = "support/search_fake.rs"]
mod fake;

use std::collections::HashSet;
use std::num::NonZeroU32;
use std::time::Duration;

use fake::{Config, Fake};
use futures::{StreamExt, TryStreamExt};
use sumo_ext::search::{FieldType, Search, State};
use sumo_ext::{Credentials, Deployment, Error, Limits, RetryPolicy, SumoClient};

const FAST: Duration = Duration::from_millis(5);

fn client_with(fake: &Fake, id: &str, retry: RetryPolicy) -> SumoClient {
    SumoClient::builder(Credentials::new(id, "key"))
        .deployment(Deployment::custom(&fake.uri()).unwrap())
        .limits(Limits::unlimited())
        .retry(retry)
        .build()
        .unwrap()
}

fn client(fake: &Fake) -> SumoClient {
    client_with(fake, "search-tests", RetryPolicy::none())
}

/// The data set's range, both ends included.
fn range(config: &Config) -> (i64, i64) {
    (
        config.start,
        config.start + (config.messages as i64 - 1) * config.step,
    )
}

/// A search of the whole data set of `config`, polled every 5 ms.
fn search(client: &SumoClient, config: &Config) -> Search {
    let (from, to) = range(config);
    client.search("error").from(from).to(to).poll_interval(FAST)
}

/// `_messagetime` of each message, in stream order.
fn times(messages: &[sumo_ext::search::Message]) -> Vec<i64> {
    messages.iter().map(|m| m.message_time().unwrap()).collect()
}

fn api_error(error: &Error) -> &sumo_ext::ApiError {
    error
        .api()
        .unwrap_or_else(|| panic!("not an API error: {error:?}"))
}

#[tokio::test]
async fn the_job_goes_through_its_states_and_progress_adds_up() {
    let config = Config {
        messages: 100,
        polls_before_start: 2,
        found_per_poll: 30,
        unknown_state: Some("WARMING UP".into()),
        ..Config::default()
    };
    let fake = Fake::start(config.clone()).await;
    let job = search(&client(&fake), &config).start().await.unwrap();
    let mut states = Vec::new();
    loop {
        let status = job.poll().await.unwrap();
        states.push(status.state.clone());
        if status.state.is_final() {
            break;
        }
    }
    assert_eq!(
        states,
        [
            State::NotStarted,
            State::NotStarted,
            State::Unknown("WARMING UP".into()),
            State::GatheringResults,
            State::GatheringResults,
            State::DoneGatheringResults,
        ]
    );
    let progress = job.progress();
    assert_eq!(progress.polls, 6);
    assert_eq!(progress.message_count, 100);
    // Each poll reported only its new warnings and buckets.
    assert_eq!(
        progress.warnings,
        ["warning at poll 3", "done: results may be partial"]
    );
    assert_eq!(progress.histogram_buckets.len(), 4);
    let counted: u64 = progress.histogram_buckets.iter().map(|b| b.count).sum();
    assert_eq!(counted, 100);
    job.delete().await.unwrap();
    assert_eq!(fake.jobs_left(), 0);
}

#[tokio::test]
async fn follow_ups_carry_the_jobs_cookies() {
    let config = Config::default();
    let fake = Fake::start(config.clone()).await;
    let job = search(&client(&fake), &config).start().await.unwrap();
    // Without the cookie, the fake answers as Sumo does.
    let plain = reqwest::Client::new()
        .get(format!("{}/v1/search/jobs/{}", fake.uri(), job.id()))
        .header("authorization", fake::basic("search-tests", "key"))
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), 404);
    assert_eq!(fake.log().without_cookie, 1);
    // The handle sends them.
    job.poll().await.unwrap();
    let messages: Vec<_> = job.messages().try_collect().await.unwrap();
    assert_eq!(messages.len(), 100);
    assert_eq!(fake.log().without_cookie, 1);
    assert_eq!(fake.jobs_left(), 0, "the stream's end deleted the job");
}

#[tokio::test]
async fn messages_come_in_pages_of_at_most_the_page_size_newest_first() {
    let config = Config {
        messages: 25_000,
        found_per_poll: 25_000,
        ..Config::default()
    };
    let fake = Fake::start(config.clone()).await;
    let (_, to) = range(&config);
    let messages: Vec<_> = search(&client(&fake), &config)
        .messages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(messages.len(), 25_000);
    let times = times(&messages);
    assert!(times.windows(2).all(|w| w[0] > w[1]), "newest first");
    assert_eq!(times[0], to);
    let log = fake.log();
    assert_eq!(log.pages, 3, "10,000 + 10,000 + 5,000");
    assert_eq!(log.largest_limit, 10_000);
    // The fields and their types come with each message.
    let raw = messages[0]
        .fields()
        .iter()
        .find(|f| f.name == "_raw")
        .unwrap();
    assert_eq!(raw.field_type, FieldType::String);
    assert_eq!(fake.jobs_left(), 0);

    // A smaller page size is kept; a larger one is lowered to 10,000.
    let fake = Fake::start(Config {
        messages: 250,
        found_per_poll: 250,
        ..Config::default()
    })
    .await;
    let count = search(&client(&fake), &config)
        .page_size(NonZeroU32::new(100).unwrap())
        .messages()
        .try_fold(0, |n, _| async move { Ok(n + 1) })
        .await
        .unwrap();
    assert_eq!(
        (count, fake.log().pages, fake.log().largest_limit),
        (250, 3, 100)
    );
    assert_eq!(fake.jobs_left(), 0);
}

#[tokio::test]
async fn messages_are_read_while_the_job_gathers() {
    let config = Config {
        messages: 500,
        found_per_poll: 100,
        ..Config::default()
    };
    let fake = Fake::start(config.clone()).await;
    let (_, to) = range(&config);
    let mut stream = Box::pin(
        search(&client(&fake), &config)
            .page_size(NonZeroU32::new(50).unwrap())
            .messages(),
    );
    let first = stream.next().await.unwrap().unwrap();
    assert_eq!(first.message_time(), Some(to));
    assert_eq!(fake.job_state(), Some("GATHERING RESULTS"));
    let rest: Vec<_> = stream.try_collect().await.unwrap();
    assert_eq!(rest.len(), 499);
    let states = fake.log().page_states;
    assert!(
        states.iter().filter(|s| **s == "GATHERING RESULTS").count() >= 2,
        "pages were served while gathering: {states:?}"
    );
    assert_eq!(fake.jobs_left(), 0);
}

#[tokio::test]
async fn records_of_an_aggregate_query_come_once_it_is_done() {
    let config = Config::default();
    let fake = Fake::start(config.clone()).await;
    let (from, to) = range(&config);
    let records: Vec<_> = client(&fake)
        .search("error | count by _sourcecategory")
        .from(from)
        .to(to)
        .poll_interval(FAST)
        .records()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(records.len(), 3);
    assert_eq!(records[0].get("_sourcecategory"), Some("cat0"));
    assert!(records[0].fields()[0].key_field);
    assert_eq!(records[0].fields()[1].field_type, FieldType::Int);
    assert_eq!(
        fake.log().page_states,
        ["DONE GATHERING RESULTS"],
        "records are read when done"
    );
    assert_eq!(fake.jobs_left(), 0);

    // A non-aggregate query has no records: Sumo's error, typed.
    let error = search(&client(&fake), &config)
        .records()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(
        api_error(&error).has_code("searchjob.no.records.not.an.aggregation.query"),
        "{error}"
    );
    assert_eq!(fake.jobs_left(), 0, "deleted after the error too");
}

#[tokio::test]
async fn a_429_on_create_is_retried_within_the_policy() {
    let config = Config {
        rejected_creates: 2,
        ..Config::default()
    };
    let fake = Fake::start(config.clone()).await;
    let retrying = RetryPolicy::default()
        .max_attempts(3)
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(10));
    let count = search(&client_with(&fake, "search-tests", retrying), &config)
        .messages()
        .try_fold(0, |n, _| async move { Ok(n + 1) })
        .await
        .unwrap();
    assert_eq!(count, 100);
    assert_eq!((fake.log().rejected_creates, fake.log().creates), (2, 1));
    assert_eq!(fake.jobs_left(), 0);

    // Past the policy, the 429 reaches the caller with Sumo's code.
    let fake = Fake::start(config.clone()).await;
    let error = search(&client(&fake), &config).start().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    assert!(api_error(&error).has_code("rate.limit.exceeded"), "{error}");
    assert_eq!(fake.jobs_left(), 0);
}

#[tokio::test]
async fn a_slow_reader_is_kept_alive_and_an_unpolled_job_is_cancelled() {
    let config = Config {
        messages: 30,
        found_per_poll: 30,
        idle_cancel: Some(Duration::from_millis(700)),
        ..Config::default()
    };
    let fake = Fake::start(config.clone()).await;
    let search = search(&client(&fake), &config).page_size(NonZeroU32::new(10).unwrap());

    // A reader that sleeps 1 s between pages: the handle polls meanwhile.
    let job = search
        .clone()
        .keep_alive(Duration::from_millis(100))
        .start()
        .await
        .unwrap();
    let mut read = 0;
    for offset in [0, 10, 20] {
        tokio::time::sleep(Duration::from_secs(1)).await;
        read += job.messages_page(offset, 10).await.unwrap().len();
    }
    assert_eq!(read, 30);
    assert_eq!(fake.log().cancelled, 0);
    assert!(fake.log().polls >= 6, "kept alive: {:?}", fake.log());
    job.delete().await.unwrap();
    assert_eq!(fake.jobs_left(), 0);

    // Without keep-alive polls in time, Sumo cancels the job: 404.
    let job = search
        .keep_alive(Duration::from_secs(30))
        .start()
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let error = job.poll().await.unwrap_err();
    assert!(api_error(&error).has_code("jobid.invalid"), "{error}");
    assert_eq!(fake.log().cancelled, 1);
    drop(job);
    assert_eq!(fake.settle().await, 0);
}

#[tokio::test]
async fn a_force_paused_search_is_split_until_every_part_completes() {
    let config = Config {
        messages: 1_000,
        found_per_poll: 150,
        force_pause_at: Some(300),
        ..Config::default()
    };
    let fake = Fake::start(config.clone()).await;
    let (from, to) = range(&config);
    let search = search(&client(&fake), &config);

    // Without the split: FORCE PAUSED, and the 300 messages Sumo kept.
    let job = search.start().await.unwrap();
    assert_eq!(job.wait().await.unwrap().state, State::ForcePaused);
    let kept: Vec<_> = job.messages().try_collect().await.unwrap();
    assert_eq!(kept.len(), 300);
    assert_eq!(fake.jobs_left(), 0);

    // With it: every message once, newest first.
    let before = fake.log().creates;
    let messages: Vec<_> = search
        .split_force_paused(true)
        .messages()
        .try_collect()
        .await
        .unwrap();
    let times = times(&messages);
    assert_eq!(times.len(), 1_000, "every message");
    assert!(
        times.windows(2).all(|w| w[0] > w[1]),
        "in order, no duplicate"
    );
    assert_eq!((times[0], times[999]), (to, from));
    let ids: HashSet<_> = messages.iter().map(|m| m.get("_messageid")).collect();
    assert_eq!(ids.len(), 1_000);
    let parts = fake.log().creates - before;
    assert!(
        parts >= 7,
        "1,000 messages at 300 a search: {parts} searches"
    );
    assert_eq!(fake.jobs_left(), 0);
}

#[tokio::test]
async fn jobs_are_deleted_however_the_reader_ends() {
    let config = Config {
        messages: 200,
        found_per_poll: 20,
        ..Config::default()
    };
    let fake = Fake::start(config.clone()).await;
    let search = search(&client(&fake), &config).page_size(NonZeroU32::new(10).unwrap());

    // The handle dropped.
    let job = search.start().await.unwrap();
    assert_eq!(fake.jobs_left(), 1);
    drop(job);
    assert_eq!(fake.settle().await, 0, "dropped handle");

    // The stream dropped after one message.
    let mut stream = Box::pin(search.clone().messages());
    stream.next().await.unwrap().unwrap();
    assert_eq!(fake.jobs_left(), 1);
    drop(stream);
    assert_eq!(fake.settle().await, 0, "dropped stream");

    // A future cancelled by a timeout.
    let reading = search.clone().messages().try_collect::<Vec<_>>();
    assert!(
        tokio::time::timeout(Duration::from_millis(30), reading)
            .await
            .is_err()
    );
    assert_eq!(fake.settle().await, 0, "cancelled future");

    // An explicit delete.
    let job = search.start().await.unwrap();
    job.delete().await.unwrap();
    assert_eq!(fake.jobs_left(), 0, "deleted at once");
    assert!(fake.log().deletes >= 4, "{:?}", fake.log());
}

#[tokio::test]
async fn both_error_shapes_and_bad_input_reach_the_caller_typed() {
    let config = Config::default();
    let fake = Fake::start(config.clone()).await;
    let (from, to) = range(&config);

    // `to` before `from`: the flat shape of the Search Job API.
    let error = client(&fake)
        .search("error")
        .from(to)
        .to(from)
        .start()
        .await
        .unwrap_err();
    let api = api_error(&error);
    assert_eq!(api.status.as_u16(), 400);
    assert!(api.has_code("searchjob.to.smaller.than.from"), "{error}");
    assert_eq!(api.id.as_deref(), Some("FAKE1-ERROR"));
    assert!(error.to_string().contains("search_create"), "{error}");

    // An unknown time zone.
    let error = search(&client(&fake), &config)
        .time_zone("Mars/Olympus_Mons")
        .start()
        .await
        .unwrap_err();
    assert!(
        api_error(&error).has_code("searchjob.unknown.timezone"),
        "{error}"
    );

    // Refused credentials: the `errors` list of the newer APIs.
    let error = search(&client_with(&fake, "bad", RetryPolicy::none()), &config)
        .start()
        .await
        .unwrap_err();
    let api = api_error(&error);
    assert_eq!(api.status.as_u16(), 401);
    assert!(api.has_code("unauthorized"), "{error}");
    assert_eq!(api.id.as_deref(), Some("FAKE2-AUTH"));
    assert!(
        !format!("{error:?}").contains("key\""),
        "no secret in Debug"
    );

    // Nothing sent without a range.
    let error = client(&fake).search("error").start().await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    assert!(error.to_string().contains("`from`"), "{error}");
    assert_eq!((fake.log().creates, fake.jobs_left()), (0, 0));
}

#[tokio::test]
async fn the_search_example_prints_ndjson_and_a_summary() {
    let config = Config {
        messages: 120,
        ..Config::default()
    };
    let fake = Fake::start(config.clone()).await;
    let (from, to) = range(&config);
    let binary = examples::binary("search", &[]);
    let run = |args: Vec<String>| {
        let binary = binary.clone();
        let uri = fake.uri();
        tokio::task::spawn_blocking(move || {
            std::process::Command::new(binary)
                .args(args)
                .env("SUMO_ACCESS_ID", "example")
                .env("SUMO_ACCESS_KEY", "key")
                .env("SUMO_ENDPOINT", uri)
                .env_remove("SUMO_DEPLOYMENT")
                .output()
                .unwrap()
        })
    };
    let args = |extra: &[&str]| -> Vec<String> {
        let mut args = vec![
            "error".to_string(),
            "--from".into(),
            from.to_string(),
            "--to".into(),
            to.to_string(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        args
    };

    let out = run(args(&[])).await.unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 120);
    assert!(
        lines[0]["_raw"]
            .as_str()
            .unwrap()
            .contains("message number 119")
    );
    assert!(
        stderr.contains("state: DONE GATHERING RESULTS, 120 messages, 2 warning(s)"),
        "{stderr}"
    );

    let out = run(args(&["--records"])).await.unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not.an.aggregation"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = run(args(&["--time-zone", "Nowhere/Else"])).await.unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("searchjob.unknown.timezone"));

    let out = run(vec!["error".into(), "--from".into(), "yesterday".into()])
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--from"));
    assert_eq!(fake.settle().await, 0);
}
