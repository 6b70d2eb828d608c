//! In-process tests (wiremock) of the transport, errors, pagination,
//! redaction, availability and deployment discovery.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt};
use sumo_ext::{
    Availability, Credentials, Deployment, Error, Limits, RetryPolicy, SumoClient, deployment,
};
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ID: &str = "suTESTACCESSID";
const KEY: &str = "Super-Secret-Access-Key-0123456789";

fn user(id: &str, email: &str) -> serde_json::Value {
    serde_json::json!({
        "firstName": "Ada", "lastName": "Lovelace", "email": email, "roleIds": ["r1"],
        "createdAt": "2024-01-01T00:00:00Z", "createdBy": "x",
        "modifiedAt": "2024-01-01T00:00:00Z", "modifiedBy": "x",
        "id": id, "isActive": true
    })
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(3)
        .initial_backoff(Duration::from_millis(10))
        .max_backoff(Duration::from_secs(5))
}

/// A client for `server` with its own access id (so limiters are not shared
/// between tests) and no client-side limits unless given.
fn client(server: &MockServer, access_id: &str, limits: Limits, retry: RetryPolicy) -> SumoClient {
    SumoClient::builder(Credentials::new(access_id, KEY))
        .deployment(Deployment::custom(&server.uri()).unwrap())
        .limits(limits)
        .retry(retry)
        .build()
        .unwrap()
}

#[tokio::test]
async fn retries_503_then_succeeds_with_basic_auth() {
    let server = MockServer::start().await;
    // "suTESTACCESSID:Super-Secret-Access-Key-0123456789" in base64.
    let auth = "Basic c3VURVNUQUNDRVNTSUQ6U3VwZXItU2VjcmV0LUFjY2Vzcy1LZXktMDEyMzQ1Njc4OQ==";
    Mock::given(method("GET"))
        .and(path("/v1/users/u1"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/users/u1"))
        .and(header("authorization", auth))
        .respond_with(ResponseTemplate::new(200).set_body_json(user("u1", "a@b.c")))
        .mount(&server)
        .await;
    let c = client(&server, ID, Limits::unlimited(), fast_retries());
    let got = c.users().get("u1").await.unwrap();
    assert_eq!(got.id, "u1");
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn attempts_are_bounded_and_the_last_error_is_typed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(504).set_body_string("gateway timeout"))
        .mount(&server)
        .await;
    let c = client(&server, ID, Limits::unlimited(), fast_retries());
    let err = c.users().get("u1").await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(504));
    assert_eq!(err.api().unwrap().operation, "get_user");
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn post_is_retried_on_429_but_not_on_503() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/users/u1/unlock"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/users/u2/unlock"))
        .respond_with(ResponseTemplate::new(429))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/users/u2/unlock"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let c = client(&server, ID, Limits::unlimited(), fast_retries());
    let err = c.users().unlock("u1").await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    c.users().unlock("u2").await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let count = |p: &str| requests.iter().filter(|r| r.url.path() == p).count();
    assert_eq!(count("/v1/users/u1/unlock"), 1);
    assert_eq!(count("/v1/users/u2/unlock"), 2);
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(user("u1", "a@b.c")))
        .mount(&server)
        .await;
    let c = client(&server, ID, Limits::unlimited(), fast_retries());
    let started = Instant::now();
    c.users().get("u1").await.unwrap();
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(990), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
}

#[tokio::test]
async fn connection_refused_is_retried_then_reported() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let c = SumoClient::builder(Credentials::new("conn-refused", KEY))
        .deployment(Deployment::custom(&url).unwrap())
        .limits(Limits::unlimited())
        .retry(
            RetryPolicy::default()
                .max_attempts(3)
                .initial_backoff(Duration::from_millis(100))
                .max_backoff(Duration::from_secs(1)),
        )
        .build()
        .unwrap();
    let started = Instant::now();
    // A POST: connection refused means the server cannot have acted.
    let err = c.users().unlock("u1").await.unwrap_err();
    assert!(
        started.elapsed() >= Duration::from_millis(100),
        "two backoffs of at least 50 ms and 100 ms"
    );
    match &err {
        Error::Transport { operation, source } => {
            assert_eq!(*operation, "unlock_user");
            assert!(source.is_connect(), "{source:?}");
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert!(!format!("{err} {err:?}").contains(KEY));
}

#[tokio::test]
async fn timeouts_end_an_attempt() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(user("u1", "a@b.c"))
                .set_delay(Duration::from_secs(3)),
        )
        .mount(&server)
        .await;
    let c = SumoClient::builder(Credentials::new("timeouts", KEY))
        .deployment(Deployment::custom(&server.uri()).unwrap())
        .limits(Limits::unlimited())
        .retry(RetryPolicy::none())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = c.users().get("u1").await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    match err {
        Error::Transport { source, .. } => assert!(source.is_timeout(), "{source:?}"),
        other => panic!("expected a timeout, got {other:?}"),
    }
}

/// Records when each request arrives at the server.
struct Arrivals(Arc<Mutex<Vec<Instant>>>);

impl wiremock::Respond for Arrivals {
    fn respond(&self, _: &wiremock::Request) -> ResponseTemplate {
        self.0.lock().unwrap().push(Instant::now());
        ResponseTemplate::new(200).set_body_json(user("u1", "a@b.c"))
    }
}

#[tokio::test]
async fn no_more_than_four_starts_in_any_second_across_clones() {
    let server = MockServer::start().await;
    let arrivals = Arc::new(Mutex::new(Vec::new()));
    Mock::given(method("GET"))
        .respond_with(Arrivals(arrivals.clone()))
        .mount(&server)
        .await;
    let c = client(
        &server,
        "rate-limited",
        Limits::default(),
        RetryPolicy::none(),
    );
    let clone = c.clone();
    let tasks: Vec<_> = (0..10)
        .map(|i| {
            let c = if i % 2 == 0 { c.clone() } else { clone.clone() };
            tokio::spawn(async move { c.users().get("u1").await.unwrap() })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let mut times = arrivals.lock().unwrap().clone();
    times.sort();
    assert_eq!(times.len(), 10);
    // Any 5 consecutive arrivals span at least (about) a second.
    for w in times.windows(5) {
        let span = w[4] - w[0];
        assert!(span >= Duration::from_millis(950), "{span:?}");
    }
    assert!(times[9] - times[0] >= Duration::from_millis(1950));
}

#[tokio::test]
async fn no_more_than_ten_in_flight() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(user("u1", "a@b.c"))
                .set_delay(Duration::from_millis(500)),
        )
        .mount(&server)
        .await;
    let limits = Limits::default().requests_per_second(0).max_concurrent(10);
    let run = |n: usize, access_id: &'static str| {
        let c = client(&server, access_id, limits, RetryPolicy::none());
        async move {
            let started = Instant::now();
            futures::future::join_all((0..n).map(|_| {
                let c = c.clone();
                async move { c.users().get("u1").await.unwrap() }
            }))
            .await;
            started.elapsed()
        }
    };
    let ten = run(10, "ten-in-flight").await;
    assert!(ten < Duration::from_millis(990), "10 run at once: {ten:?}");
    let eleven = run(11, "eleven-in-flight").await;
    assert!(
        eleven >= Duration::from_millis(800),
        "the 11th waits: {eleven:?}"
    );
}

#[tokio::test]
async fn both_error_shapes_and_html() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/users/current"))
        .respond_with(ResponseTemplate::new(404).set_body_raw(
            r#"{"id":"IUUQI-DGH5I-TJ045","errors":[{"code":"user:not_found","message":"User not found."}]}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    Mock::given(path("/v1/users/legacy"))
        .respond_with(ResponseTemplate::new(500).set_body_raw(
            r#"{"status":500,"id":"Q2ZFU-QEAQ8","code":"internal.error","message":"Internal server error."}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    Mock::given(path("/v1/users/proxy"))
        .respond_with(
            ResponseTemplate::new(502)
                .set_body_raw("<html>".to_string() + &"x".repeat(10_000), "text/html"),
        )
        .mount(&server)
        .await;
    let c = client(&server, ID, Limits::unlimited(), RetryPolicy::none());

    let e = c.users().get("current").await.unwrap_err();
    let api = e.api().unwrap();
    assert_eq!(api.status.as_u16(), 404);
    assert_eq!(api.id.as_deref(), Some("IUUQI-DGH5I-TJ045"));
    assert_eq!(api.codes(), ["user:not_found"]);
    assert_eq!(api.messages(), ["User not found."]);
    assert!(api.has_code("user:not_found"));
    assert_eq!(
        e.to_string(),
        "get_user: HTTP 404 Not Found: user:not_found: User not found. (error id IUUQI-DGH5I-TJ045)"
    );

    let e = c.users().get("legacy").await.unwrap_err();
    let api = e.api().unwrap();
    assert_eq!(api.status.as_u16(), 500);
    assert_eq!(api.codes(), ["internal.error"]);
    assert_eq!(api.id.as_deref(), Some("Q2ZFU-QEAQ8"));

    let e = c.users().get("proxy").await.unwrap_err();
    let api = e.api().unwrap();
    assert_eq!(api.status.as_u16(), 502);
    assert!(api.codes().is_empty());
    assert_eq!(api.body.len(), sumo_ext::error::MAX_ERROR_BODY);
    assert!(api.body_truncated);
    assert!(api.body.starts_with(b"<html>"));
}

#[tokio::test]
async fn users_stream_across_pages() {
    let server = MockServer::start().await;
    let page = |ids: &[&str], next: Option<&str>| {
        serde_json::json!({
            "data": ids.iter().map(|id| user(id, &format!("{id}@x.com"))).collect::<Vec<_>>(),
            "next": next,
        })
    };
    Mock::given(path("/v1/users"))
        .and(query_param_is_missing("token"))
        .and(query_param("sortBy", "email"))
        .and(query_param("limit", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&["a", "b"], Some("t2"))))
        .mount(&server)
        .await;
    Mock::given(path("/v1/users"))
        .and(query_param("token", "t2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&["c", "d"], Some("t3"))))
        .mount(&server)
        .await;
    Mock::given(path("/v1/users"))
        .and(query_param("token", "t3"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&["e"], None)))
        .mount(&server)
        .await;
    let c = client(&server, ID, Limits::unlimited(), RetryPolicy::none());
    let list = c
        .users()
        .list()
        .sort_by(sumo_ext::users::UserSort::Email)
        .page_size(2.try_into().unwrap());
    let ids: Vec<String> = list
        .clone()
        .stream()
        .map_ok(|u| u.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
    let pages: Vec<_> = list.pages().collect().await;
    assert_eq!(pages.len(), 3);
}

/// A log sink the test can read.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Buffer {
    /// A subscriber writing to this buffer, up to `level`.
    fn subscriber(&self, level: tracing::Level) -> impl tracing::Subscriber + Send + Sync {
        tracing_subscriber::fmt()
            .with_max_level(level)
            .with_writer(self.clone())
            .with_ansi(false)
            .finish()
    }

    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

impl std::io::Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Buffer {
    type Writer = Buffer;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn without_the_span_a_failure_is_still_logged() {
    // At WARN the INFO span is disabled, so the transport skips it; the
    // warning must still name the operation.
    let buffer = Buffer::default();
    let _guard = tracing::subscriber::set_default(buffer.subscriber(tracing::Level::WARN));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let c = SumoClient::builder(Credentials::new("warn-only", KEY))
        .deployment(Deployment::custom(&url).unwrap())
        .limits(Limits::unlimited())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = c.users().get("u1").await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    let logs = buffer.text();
    assert!(logs.contains("WARN"), "{logs}");
    assert!(
        logs.contains("request failed") && logs.contains("operation=\"get_user\""),
        "{logs}"
    );
    assert!(!logs.contains("sumo_request"), "no span at WARN: {logs}");
}

#[tokio::test]
async fn the_key_never_reaches_logs_debug_or_errors() {
    let buffer = Buffer::default();
    let _guard = tracing::subscriber::set_default(buffer.subscriber(tracing::Level::TRACE));

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_body_string("down"))
        .mount(&server)
        .await;
    let c = client(&server, "redaction", Limits::unlimited(), fast_retries());
    let err = c.users().get("u1").await.unwrap_err();

    let logs = buffer.text();
    assert!(logs.contains("sumo_request"), "a span was logged: {logs}");
    assert!(
        logs.contains("get_user") && logs.contains("attempts=3"),
        "{logs}"
    );
    let base64_fragment = "U3VwZXItU2VjcmV0"; // "Super-Secret" in base64
    for text in [logs, format!("{err}"), format!("{err:?}"), format!("{c:?}")] {
        assert!(!text.contains(KEY), "key leaked: {text}");
        assert!(
            !text.contains(base64_fragment),
            "encoded key leaked: {text}"
        );
    }
}

#[tokio::test]
async fn unavailable_operations_fail_before_sending() {
    let matrix = Availability::from_toml(
        "canonical = \"US2\"\n[deployments.FED]\nmissing = [\"getUser\", \"uploadFile\"]\n",
    )
    .unwrap();
    // The real FED URL: nothing may be sent.
    let c = SumoClient::builder(Credentials::new("fed", KEY))
        .deployment(deployment::FED)
        .availability(Some(matrix))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = c.users().get("u1").await.unwrap_err();
    assert!(started.elapsed() < Duration::from_millis(100));
    match &err {
        Error::Unavailable {
            operation,
            deployment,
        } => {
            assert_eq!(*operation, "get_user");
            assert_eq!(deployment, "FED");
        }
        other => panic!("expected Unavailable, got {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "operation `get_user` is not available on deployment FED"
    );
    #[cfg(feature = "lookup-management")]
    {
        let err = c
            .upload_lookup_csv("t1", "a.csv", "a\n1\n", Default::default())
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Unavailable { .. }), "{err:?}");
    }
}

#[tokio::test]
async fn discovers_the_deployment_from_a_301() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/users"))
        .respond_with(
            ResponseTemplate::new(301)
                .insert_header("location", "https://api.au.sumologic.com/api/v1/users")
                .set_body_raw(
                    r#"{"status":301,"code":"moved","message":"moved"}"#,
                    "application/json",
                ),
        )
        .mount(&server)
        .await;
    let c = client(&server, ID, Limits::unlimited(), RetryPolicy::none());
    assert_eq!(c.discover_deployment().await.unwrap(), deployment::AU);
    let err = c.users().list().first_page().await.unwrap_err();
    assert!(
        matches!(&err, Error::Moved { deployment: Some(d), .. } if *d == deployment::AU),
        "{err:?}"
    );

    let ok = MockServer::start().await;
    Mock::given(path("/v1/users"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"data": [], "next": null})),
        )
        .mount(&ok)
        .await;
    let c = client(&ok, ID, Limits::unlimited(), RetryPolicy::none());
    assert!(c.discover_deployment().await.unwrap().is_custom());
}

/// Any token-paged operation streams through the generic `pages`/`items`,
/// whatever its page shape (here `dashboards` + `next`).
#[tokio::test]
#[cfg(feature = "dashboard-management")]
async fn any_paged_operation_streams_with_its_generated_page_type() {
    use sumo_ext::pagination::{items, pages};
    let server = MockServer::start().await;
    let dashboard = |id: &str| {
        serde_json::json!({"id": id, "title": id, "folderId": "f", "topologyLabelMap": {"data": {}},
            "refreshInterval": 0, "timeRange": {"type": "BeginBoundedTimeRange",
            "from": {"type": "RelativeTimeRangeBoundary", "relativeTime": "-15m"}},
            "panels": [], "layout": {"layoutType": "Grid", "layoutStructures": []}, "variables": []})
    };
    Mock::given(path("/v2/dashboards"))
        .and(query_param_is_missing("token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            serde_json::json!({"dashboards": [dashboard("a"), dashboard("b")], "next": "p2"}),
        ))
        .mount(&server)
        .await;
    Mock::given(path("/v2/dashboards"))
        .and(query_param("token", "p2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"dashboards": [dashboard("c")]})),
        )
        .mount(&server)
        .await;
    let c = client(
        &server,
        "suPAGEDDASHBOARDS",
        Limits::unlimited(),
        RetryPolicy::none(),
    );
    let raw = c.raw();
    let ids: Vec<String> = items(pages(|token: Option<String>| {
        let mut request = raw.list_dashboards();
        if let Some(token) = token {
            request = request.token(token);
        }
        async move {
            match request.send().await {
                Ok(page) => Ok(page.into_inner()),
                Err(e) => Err(sumo_ext::Error::from_generated("list_dashboards", e).await),
            }
        }
    }))
    .map_ok(|d| d.id.unwrap_or_default())
    .try_collect()
    .await
    .unwrap();
    assert_eq!(ids, ["a", "b", "c"]);
}
