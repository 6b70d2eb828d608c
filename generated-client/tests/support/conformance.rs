//! The hand-written part of the generated conformance sweep
//! (`tests/conformance.rs`, which declares it as `mod support`): running the
//! calls against Prism, classifying each outcome, and checking them against
//! `openapi/conformance.toml`. Not generated: edit it here.

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use progenitor_client::{ByteStream, Error, ResponseValue};
use serde::de::DeserializeOwned;
use sumo_generated_client::{Hooks, Transport, TransportFuture};

/// The known failures, relative to this crate, and as messages name them.
const KNOWN_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/conformance.toml");
const KNOWN: &str = "openapi/conformance.toml";
/// Operations in flight at once.
const CONCURRENCY: usize = 4;
/// Characters of a body quoted in a report.
const EXCERPT: usize = 240;

/// What one call returns.
pub type Call = Pin<Box<dyn Future<Output = Result<Outcome, String>> + Send>>;

/// One operation of the sweep.
pub struct Operation<C> {
    pub id: &'static str,
    /// The id the generated client gives its `Transport`.
    pub operation_id: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    pub call: fn(C) -> Call,
}

/// How a call went.
#[derive(Debug)]
pub enum Outcome {
    /// Accepted, and the response parsed into its generated type.
    Parsed,
    /// Accepted (2xx), but the response did not parse.
    NotParsed(String),
    /// Prism answered this status (422: the request violates the spec).
    NotAccepted(u16, String),
    /// The call could not be made (an argument, the connection).
    Failed(String),
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Parsed => f.write_str("accepted and parsed"),
            Outcome::NotParsed(detail) => {
                write!(f, "accepted, the response does not parse: {detail}")
            }
            Outcome::NotAccepted(status, body) => write!(f, "not accepted: {status} {body}"),
            Outcome::Failed(detail) => write!(f, "not called: {detail}"),
        }
    }
}

/// A Prism URL exported by `cargo xtask test`. Without it the sweep is
/// skipped with a notice, except under `CI=true`, where it fails.
pub fn prism_url(variable: &str) -> Option<String> {
    match std::env::var(variable) {
        Ok(url) => Some(url),
        Err(_) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("{variable} is not set: run `cargo xtask test`")
        }
        Err(_) => {
            eprintln!(
                "notice: conformance sweep skipped ({variable} not set; `cargo xtask test` starts Prism)"
            );
            None
        }
    }
}

/// A `reqwest::Client` sending basic credentials (Prism checks the scheme).
pub fn http() -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        reqwest::header::HeaderValue::from_static("Basic Y29uZm9ybWFuY2U6cHJpc20="),
    );
    reqwest::Client::builder()
        .default_headers(headers)
        .timeout(Duration::from_secs(60))
        .build()
        .expect("a reqwest client")
}

/// What Prism said was wrong with its own successful answers (its
/// `sl-violations` header: the spec's example violates the spec's schema),
/// by operation.
#[derive(Clone, Default)]
pub struct Violations(Arc<Mutex<BTreeMap<&'static str, String>>>);

impl Violations {
    fn take(&self, operation_id: &str) -> Option<String> {
        self.0.lock().expect("violations lock").remove(operation_id)
    }
}

/// Sends every request as generated, except that the operations listed
/// (multipart bodies, sent by the generated client as raw bytes) get their
/// real content type; records Prism's violations.
struct Recorder {
    content_types: &'static [(&'static str, &'static str)],
    violations: Violations,
}

impl Transport for Recorder {
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        mut request: reqwest::Request,
        operation_id: &'static str,
    ) -> TransportFuture<'a> {
        if let Some((_, content_type)) = self
            .content_types
            .iter()
            .find(|(id, _)| *id == operation_id)
        {
            request.headers_mut().insert(
                reqwest::header::CONTENT_TYPE,
                reqwest::header::HeaderValue::from_static(content_type),
            );
        }
        Box::pin(async move {
            let response = client.execute(request).await?;
            if response.status().is_success()
                && let Some(violations) = response.headers().get("sl-violations")
            {
                self.violations
                    .0
                    .lock()
                    .expect("violations lock")
                    .insert(operation_id, excerpt(violations.as_bytes()));
            }
            Ok(response)
        })
    }
}

/// The hooks of a swept client: `(operation_id, content type)` overrides,
/// and where Prism's violations go.
pub fn hooks(
    content_types: &'static [(&'static str, &'static str)],
    violations: &Violations,
) -> Hooks {
    Hooks::new(Arc::new(Recorder {
        content_types,
        violations: violations.clone(),
    }))
}

/// A parameter's value, through serde into the setter's type.
pub fn arg<T: DeserializeOwned>(name: &str, json: &str) -> Result<T, String> {
    serde_json::from_str(json)
        .map_err(|e| format!("argument `{name}` = {json} does not parse: {e}"))
}

/// The first candidate body that parses into the setter's type.
pub fn body<T: DeserializeOwned>(candidates: &[&str]) -> Result<T, String> {
    let mut errors = Vec::new();
    for candidate in candidates {
        match serde_json::from_str(candidate) {
            Ok(value) => return Ok(value),
            Err(e) => errors.push(format!("{candidate}: {e}")),
        }
    }
    Err(format!("no request body parses: {}", errors.join("; ")))
}

/// The outcome of a call whose response progenitor parses (JSON, or none).
pub async fn parsed<T>(result: Result<ResponseValue<T>, Error<ByteStream>>) -> Outcome {
    match result {
        Ok(_) => Outcome::Parsed,
        Err(error) => failure(error).await,
    }
}

/// The outcome of a call answered with raw bytes: read whole, of one of
/// the media types the spec declares.
pub async fn bytes(
    result: Result<ResponseValue<ByteStream>, Error<ByteStream>>,
    media_types: &[&str],
) -> Outcome {
    let response = match result {
        Ok(response) => response,
        Err(error) => return failure(error).await,
    };
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    match read(response.into_inner()).await {
        Err(e) => Outcome::NotParsed(format!("the body cannot be read: {e}")),
        Ok(_) if media_types.iter().any(|t| content_type.starts_with(t)) => Outcome::Parsed,
        Ok(_) => Outcome::NotParsed(format!(
            "content type `{content_type}`, the spec declares {media_types:?}"
        )),
    }
}

async fn failure(error: Error<ByteStream>) -> Outcome {
    match error {
        Error::ErrorResponse(response) => {
            let status = response.status().as_u16();
            let violations = violations(response.headers());
            let body = read(response.into_inner())
                .await
                .unwrap_or_else(|e| e.into_bytes());
            Outcome::NotAccepted(status, format!("{violations}{}", excerpt(&body)))
        }
        Error::UnexpectedResponse(response) => {
            let status = response.status();
            let violations = violations(response.headers());
            let body = response
                .bytes()
                .await
                .map(|b| b.to_vec())
                .unwrap_or_default();
            if status.is_success() {
                Outcome::NotParsed(format!(
                    "undeclared status {status}: {violations}{}",
                    excerpt(&body)
                ))
            } else {
                Outcome::NotAccepted(status.as_u16(), format!("{violations}{}", excerpt(&body)))
            }
        }
        Error::InvalidResponsePayload(body, error) => {
            Outcome::NotParsed(format!("{error}; body: {}", excerpt(&body)))
        }
        other => Outcome::Failed(other.to_string()),
    }
}

/// Prism's `sl-violations` header (what it found wrong with the request),
/// followed by "; body: ", or nothing.
fn violations(headers: &reqwest::header::HeaderMap) -> String {
    headers
        .get("sl-violations")
        .map(|v| format!("violations: {}; body: ", excerpt(v.as_bytes())))
        .unwrap_or_default()
}

async fn read(stream: ByteStream) -> Result<Vec<u8>, String> {
    let mut stream = stream.into_inner();
    let mut body = Vec::new();
    while let Some(chunk) = std::future::poll_fn(|cx| stream.as_mut().poll_next(cx)).await {
        body.extend_from_slice(&chunk.map_err(|e| e.to_string())?);
    }
    Ok(body)
}

fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut excerpt: String = text.chars().take(EXCERPT).collect();
    if text.chars().count() > EXCERPT {
        excerpt.push_str("...");
    }
    excerpt
}

/// One call's result.
pub struct Called {
    pub id: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    pub outcome: Outcome,
}

/// Calls every operation, a few at a time; results in operation order. A
/// response that does not parse carries what Prism said was wrong with it.
pub async fn sweep<C: Clone + Send + 'static>(
    client: C,
    operations: Vec<Operation<C>>,
    violations: &Violations,
) -> Vec<Called> {
    let mut results: Vec<Option<Called>> = operations.iter().map(|_| None).collect();
    let mut pending = operations.into_iter().enumerate();
    let mut running = tokio::task::JoinSet::new();
    loop {
        while running.len() < CONCURRENCY {
            let Some((index, operation)) = pending.next() else {
                break;
            };
            let client = client.clone();
            running.spawn(async move {
                let outcome = (operation.call)(client)
                    .await
                    .unwrap_or_else(Outcome::Failed);
                (index, operation, outcome)
            });
        }
        let Some(joined) = running.join_next().await else {
            break;
        };
        let (index, operation, outcome) = joined.expect("a call panicked");
        let prism = violations.take(operation.operation_id);
        let outcome = match (outcome, prism) {
            (Outcome::NotParsed(detail), Some(prism)) => Outcome::NotParsed(format!(
                "{detail}; Prism: its answer violates the spec: {prism}"
            )),
            (outcome, _) => outcome,
        };
        results[index] = Some(Called {
            id: operation.id,
            method: operation.method,
            path: operation.path,
            outcome,
        });
    }
    results.into_iter().flatten().collect()
}

/// An entry of `openapi/conformance.toml`.
struct Known {
    api: String,
    operation: String,
    fails: String,
    reason: String,
}

fn known() -> Vec<Known> {
    let text =
        std::fs::read_to_string(KNOWN_PATH).unwrap_or_else(|e| panic!("cannot read {KNOWN}: {e}"));
    let table: toml::Table =
        toml::from_str(&text).unwrap_or_else(|e| panic!("{KNOWN} is not valid TOML: {e}"));
    let entries = match table.get("known") {
        None => return Vec::new(),
        Some(toml::Value::Array(entries)) => entries,
        Some(_) => panic!("{KNOWN}: `known` must be an array of tables ([[known]])"),
    };
    entries
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            let field = |name: &str| {
                entry
                    .get(name)
                    .and_then(toml::Value::as_str)
                    .filter(|v| !v.trim().is_empty())
                    .unwrap_or_else(|| panic!("{KNOWN}: entry {} has no `{name}`", i + 1))
                    .to_string()
            };
            let known = Known {
                api: field("api"),
                operation: field("operation"),
                fails: field("fails"),
                reason: field("reason"),
            };
            assert!(
                known.fails == "parse" || known.fails == "accept",
                "{KNOWN}: {} {}: `fails` is \"parse\" or \"accept\", not {:?}",
                known.api,
                known.operation,
                known.fails
            );
            known
        })
        .collect()
}

/// Prints the one-line summary, then fails on every call that is not
/// accepted and parsed unless `openapi/conformance.toml` lists it (with its
/// reason), and on every listed operation that now passes or is unknown.
pub fn report(sweeps: &[(&str, Vec<Called>)], seconds: f64) {
    let known = known();
    let mut problems = Vec::new();
    let mut parts = Vec::new();
    for (api, calls) in sweeps {
        let accepted = calls
            .iter()
            .filter(|c| matches!(c.outcome, Outcome::Parsed | Outcome::NotParsed(_)))
            .count();
        let parsed = calls
            .iter()
            .filter(|c| matches!(c.outcome, Outcome::Parsed))
            .count();
        let mut listed = 0;
        for call in calls {
            let entry = known
                .iter()
                .find(|k| k.api == *api && k.operation == call.id);
            let what = format!("{api} {} ({} {})", call.id, call.method, call.path);
            match (&call.outcome, entry) {
                (Outcome::Parsed, None) => {}
                (Outcome::Parsed, Some(entry)) => problems.push(format!(
                    "{what}: passes now, but {KNOWN} lists it (fails = {:?}): remove the entry",
                    entry.fails
                )),
                (Outcome::NotParsed(_), Some(entry)) if entry.fails == "parse" => listed += 1,
                (Outcome::NotAccepted(..), Some(entry)) if entry.fails == "accept" => listed += 1,
                (outcome, Some(entry)) => problems.push(format!(
                    "{what}: {outcome} (listed as failing to {}: {})",
                    entry.fails, entry.reason
                )),
                (outcome, None) => problems.push(format!("{what}: {outcome}")),
            }
        }
        let mut part = format!(
            "{api} {} called, {accepted} accepted, {parsed} parsed",
            calls.len()
        );
        if listed > 0 {
            part.push_str(&format!(" ({listed} listed)"));
        }
        parts.push(part);
    }
    for entry in &known {
        let swept = sweeps
            .iter()
            .any(|(api, calls)| *api == entry.api && calls.iter().any(|c| c.id == entry.operation));
        if !swept {
            problems.push(format!(
                "{KNOWN} lists {} {}, which the sweep does not call",
                entry.api, entry.operation
            ));
        }
    }
    println!("conformance: {} ({seconds:.1} s)", parts.join("; "));
    assert!(
        problems.is_empty(),
        "{} conformance problem(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}
