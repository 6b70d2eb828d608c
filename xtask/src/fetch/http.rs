//! Fetching one spec over HTTP: timeouts, retries with exponential backoff on
//! timeouts, connection failures and 5xx, conditional requests, validation.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::blocking::Client;
use reqwest::header::{CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};

use super::cache::Validators;

/// How hard to try.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts in all (at least 1).
    pub attempts: u32,
    /// Delay before the second attempt; doubles each time, plus jitter.
    pub base_delay: Duration,
}

/// What the server answered, once it answered usefully.
#[derive(Debug)]
pub enum Response {
    /// 304: the cached copy is current.
    NotModified,
    /// 200 with the whole body.
    Body {
        bytes: Vec<u8>,
        content_type: Option<String>,
        validators: Validators,
    },
}

/// Builds the blocking client shared by all fetches.
pub fn client(connect_timeout: Duration, timeout: Duration) -> anyhow::Result<Client> {
    Client::builder()
        .connect_timeout(connect_timeout)
        .timeout(timeout)
        .user_agent(concat!("sumo-xtask/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| anyhow::anyhow!("cannot build the HTTP client: {e}"))
}

/// GETs `url`, conditionally when `cached` validators are given. Retries
/// timeouts, connection failures, truncated bodies and 5xx; never 4xx.
pub fn get(
    client: &Client,
    url: &str,
    cached: Option<&Validators>,
    policy: RetryPolicy,
    on_retry: &dyn Fn(u32, &str),
) -> anyhow::Result<Response> {
    let mut attempt = 1;
    loop {
        match get_once(client, url, cached) {
            Ok(response) => return Ok(response),
            Err(Failure::Final(reason)) => return Err(anyhow::anyhow!(reason)),
            Err(Failure::Transient(reason)) if attempt >= policy.attempts => {
                return Err(anyhow::anyhow!(
                    "{reason} (gave up after {attempt} attempts)"
                ));
            }
            Err(Failure::Transient(reason)) => {
                on_retry(attempt, &reason);
                std::thread::sleep(backoff(policy.base_delay, attempt));
                attempt += 1;
            }
        }
    }
}

enum Failure {
    Transient(String),
    Final(String),
}

fn get_once(client: &Client, url: &str, cached: Option<&Validators>) -> Result<Response, Failure> {
    let mut request = client.get(url);
    if let Some(v) = cached {
        if let Some(etag) = &v.etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        if let Some(modified) = &v.last_modified {
            request = request.header(IF_MODIFIED_SINCE, modified);
        }
    }
    let response = request.send().map_err(|e| classify(&e))?;
    let status = response.status();
    if status == StatusCode::NOT_MODIFIED && cached.is_some() {
        return Ok(Response::NotModified);
    }
    if status.is_server_error() {
        return Err(Failure::Transient(format!("HTTP {status}")));
    }
    if !status.is_success() {
        return Err(Failure::Final(format!("HTTP {status}")));
    }
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let content_type = header(CONTENT_TYPE);
    let validators = Validators {
        etag: header(ETAG),
        last_modified: header(LAST_MODIFIED),
    };
    let bytes = response.bytes().map_err(|e| {
        Failure::Transient(format!("the body could not be read whole: {}", chain(&e)))
    })?;
    Ok(Response::Body {
        bytes: bytes.to_vec(),
        content_type,
        validators,
    })
}

fn classify(error: &reqwest::Error) -> Failure {
    let text = chain(error);
    if error.is_timeout() {
        Failure::Transient(format!("timed out: {text}"))
    } else if error.is_connect() || error.is_request() || error.is_body() {
        Failure::Transient(format!("connection failed: {text}"))
    } else {
        Failure::Final(text)
    }
}

/// An error with its sources, on one line.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// `base · 2^(attempt-1)`, plus up to a quarter of that as jitter.
pub fn backoff(base: Duration, attempt: u32) -> Duration {
    let exponential = base.saturating_mul(1 << attempt.saturating_sub(1).min(10));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let quarter = exponential.as_nanos() / 4;
    let jitter = if quarter == 0 {
        0
    } else {
        u64::from(nanos) % u64::try_from(quarter).unwrap_or(u64::MAX)
    };
    exponential + Duration::from_nanos(jitter)
}

/// Checks that a downloaded body is a spec and not something else served
/// with status 200.
pub fn reject_non_spec(bytes: &[u8], content_type: Option<&str>) -> anyhow::Result<()> {
    if bytes.is_empty() {
        return Err(anyhow::anyhow!("the body is empty"));
    }
    let start = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
    let trimmed = start.trim_start();
    let html_type = content_type.is_some_and(|t| t.to_ascii_lowercase().contains("text/html"));
    if html_type || trimmed.starts_with("<!doctype html") || trimmed.starts_with("<html") {
        return Err(anyhow::anyhow!("the server sent an HTML page, not a spec"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_bounded_jitter() {
        let base = Duration::from_millis(100);
        for attempt in 1..=4 {
            let d = backoff(base, attempt);
            let floor = base * (1 << (attempt - 1));
            assert!(d >= floor && d <= floor + floor / 4, "{attempt}: {d:?}");
        }
        assert_eq!(backoff(Duration::ZERO, 3), Duration::ZERO);
    }

    #[test]
    fn html_and_empty_bodies_are_not_specs() {
        assert!(reject_non_spec(b"openapi: 3.0.0", Some("application/yaml")).is_ok());
        assert!(reject_non_spec(b"openapi: 3.0.0", Some("text/html; charset=utf-8")).is_err());
        let err = reject_non_spec(b"  <!DOCTYPE html><html>", None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("HTML"), "{err}");
        assert!(
            reject_non_spec(b"", None)
                .unwrap_err()
                .to_string()
                .contains("empty")
        );
    }
}
