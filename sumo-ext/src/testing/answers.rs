//! What Sumo Logic answers besides a success: its error bodies in both
//! shapes, a 429 with `Retry-After`, the 301 `moved` answer.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use httpmock::{HttpMockResponse, Then};
use serde::Serialize;
use serde_json::{Value, json};

use crate::Deployment;

/// The error id of every error body the kit makes.
pub const ERROR_ID: &str = "TESTK-ITERR-0R1D0";

/// Sumo's current error body: `{"id", "errors": [{"code", "message"}]}`.
pub fn error_body(code: &str, message: &str) -> Value {
    json!({"id": ERROR_ID, "errors": [{"code": code, "message": message}]})
}

/// The older error body some endpoints still send: `{"status", "id",
/// "code", "message"}`.
pub fn legacy_error_body(status: u16, code: &str, message: &str) -> Value {
    json!({"status": status, "id": ERROR_ID, "code": code, "message": message})
}

/// Sumo's answers on httpmock's [`Then`] (a typed mock's
/// `then.into_inner()`).
pub trait SumoAnswers: Sized {
    /// `status` with the current error body ([`error_body`]).
    fn sumo_error(self, status: u16, code: &str, message: &str) -> Self;
    /// `status` with the older error body ([`legacy_error_body`]).
    fn legacy_sumo_error(self, status: u16, code: &str, message: &str) -> Self;
    /// `429 Too Many Requests` with `Retry-After` (in whole seconds,
    /// rounded up) and Sumo's `rate.limit.exceeded` error, every time.
    fn rate_limited(self, retry_after: Duration) -> Self;
    /// [`rate_limited`](Self::rate_limited) for the first `times` calls,
    /// then `200 OK` with `body`: a client that retries gets the body.
    fn rate_limited_then_ok(
        self,
        times: usize,
        retry_after: Duration,
        body: &impl Serialize,
    ) -> Self;
    /// `301 Moved Permanently` to `deployment`, as Sumo answers an access
    /// key of another deployment: `Location` is the deployment's API URL
    /// followed by `path` (the request's path, `/v1/users`).
    fn moved(self, deployment: &Deployment, path: &str) -> Self;
}

impl SumoAnswers for Then {
    fn sumo_error(self, status: u16, code: &str, message: &str) -> Self {
        self.status(status)
            .header("content-type", "application/json")
            .json_body(error_body(code, message))
    }

    fn legacy_sumo_error(self, status: u16, code: &str, message: &str) -> Self {
        self.status(status)
            .header("content-type", "application/json")
            .json_body(legacy_error_body(status, code, message))
    }

    fn rate_limited(self, retry_after: Duration) -> Self {
        self.status(429)
            .header("content-type", "application/json")
            .header("retry-after", seconds(retry_after))
            .json_body(rate_limit_body())
    }

    fn rate_limited_then_ok(
        self,
        times: usize,
        retry_after: Duration,
        body: &impl Serialize,
    ) -> Self {
        let ok = match serde_json::to_vec(body) {
            Ok(bytes) => bytes,
            Err(e) => panic!("SumoAnswers::rate_limited_then_ok: the body does not serialize: {e}"),
        };
        let limited = rate_limit_body().to_string();
        let retry_after = seconds(retry_after);
        let calls = Arc::new(AtomicUsize::new(0));
        self.respond_with(move |_| {
            let builder = HttpMockResponse::builder().header("content-type", "application/json");
            if calls.fetch_add(1, Ordering::SeqCst) < times {
                builder
                    .status(429)
                    .header("retry-after", retry_after.as_str())
                    .body(limited.clone())
                    .build()
            } else {
                builder.status(200).body(ok.clone()).build()
            }
        })
    }

    fn moved(self, deployment: &Deployment, path: &str) -> Self {
        let location = format!("{}{path}", deployment.api_url());
        self.status(301)
            .header("location", location.as_str())
            .header("content-type", "application/json")
            .json_body(legacy_error_body(
                301,
                "moved",
                &format!("The resource is on another deployment: {location}"),
            ))
    }
}

fn rate_limit_body() -> Value {
    error_body("rate.limit.exceeded", "Rate limit exceeded.")
}

/// Whole seconds, rounded up.
fn seconds(delay: Duration) -> String {
    let whole = delay.as_secs() + u64::from(delay.subsec_nanos() > 0);
    whole.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_whole_seconds_rounded_up() {
        assert_eq!(seconds(Duration::ZERO), "0");
        assert_eq!(seconds(Duration::from_secs(2)), "2");
        assert_eq!(seconds(Duration::from_millis(1500)), "2");
    }

    #[test]
    fn both_error_shapes_parse_as_the_client_reads_them() {
        for body in [
            error_body("user:not_found", "User not found."),
            legacy_error_body(404, "user:not_found", "User not found."),
        ] {
            let bytes = body.to_string();
            let error = crate::ApiError::from_parts(
                "get_user",
                reqwest::StatusCode::NOT_FOUND,
                None,
                bytes.as_bytes(),
                false,
            );
            assert_eq!(error.codes(), ["user:not_found"], "{body}");
            assert_eq!(error.messages(), ["User not found."], "{body}");
            assert_eq!(error.id.as_deref(), Some(ERROR_ID), "{body}");
        }
    }
}
