//! The transport every request goes through (progenitor's `ClientHooks`,
//! via [`sumo_generated_client::Transport`]): availability check, limiter,
//! retries with backoff, tracing.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use reqwest::{Method, Response, StatusCode};
use sumo_generated_client::{Transport, TransportFuture};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tracing::Instrument;

use crate::{Availability, Deployment};

/// When and how often to retry.
///
/// Retried: 429, 502, 503, 504 and connection failures. Requests that are
/// not idempotent (POST) are retried only where the server cannot have
/// acted: 429 and failures to connect.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 disables retries).
    pub max_attempts: u32,
    /// Delay before the first retry; doubled each time.
    pub initial_backoff: Duration,
    /// Upper bound of one delay (also caps `Retry-After`).
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// No retries.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Attempts in all, the first included (1 disables retries).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// Delay before the first retry; doubled each time.
    pub fn initial_backoff(mut self, delay: Duration) -> Self {
        self.initial_backoff = delay;
        self
    }

    /// Upper bound of one delay (also caps `Retry-After`).
    pub fn max_backoff(mut self, delay: Duration) -> Self {
        self.max_backoff = delay;
        self
    }

    /// Full-jitter exponential backoff before retry number `retry` (1-based).
    fn backoff(&self, retry: u32) -> Duration {
        let exp = self
            .initial_backoff
            .saturating_mul(1u32 << retry.saturating_sub(1).min(20))
            .min(self.max_backoff);
        // Full jitter between half and all of the exponential delay.
        exp.mul_f64(0.5 + fastrand::f64() * 0.5)
    }
}

/// Sumo Logic's documented limits, enforced on the client side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Limits {
    /// Requests per second, per user (Sumo: 4), as the server counts them:
    /// a request holds its place in the window from its start and, once its
    /// answer arrives, from its answer. `0` = unlimited.
    pub requests_per_second: u32,
    /// Requests in flight, per access key (Sumo: 10). `0` = unlimited.
    pub max_concurrent: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            requests_per_second: 4,
            max_concurrent: 10,
        }
    }
}

impl Limits {
    /// No client-side limits.
    pub fn unlimited() -> Self {
        Self {
            requests_per_second: 0,
            max_concurrent: 0,
        }
    }

    /// Requests per second (`0` = unlimited).
    pub fn requests_per_second(mut self, rate: u32) -> Self {
        self.requests_per_second = rate;
        self
    }

    /// Requests in flight (`0` = unlimited).
    pub fn max_concurrent(mut self, count: u32) -> Self {
        self.max_concurrent = count;
        self
    }
}

/// A sliding-window rate limiter plus a concurrency cap. Hand-written (about
/// 50 lines) rather than `governor`: it guarantees "no more than N requests
/// in any window of one second" as the server counts them, and it also
/// needs the concurrency semaphore, which `governor` does not offer. The
/// server sees a request some time between its start and its answer (a new
/// connection or a scheduling delay can make that milliseconds), so a
/// request's place in the window counts from its start and, once its
/// answer arrives, from its answer: a server counting arrivals never sees
/// more than N in a second, at the cost of a rate of N per (1 s + latency)
/// when requests wait for earlier answers.
#[derive(Debug)]
pub(crate) struct Limiter {
    limits: Limits,
    window: Duration,
    /// The requests of the last window: an id and when the request
    /// started, moved to when its answer arrived once it has (the server
    /// saw the request at some time in between).
    starts: Mutex<(u64, Vec<(u64, Instant)>)>,
    in_flight: Option<Arc<Semaphore>>,
}

/// A request's place in the limiter's window (see [`Limiter::finished`]).
pub(crate) struct Slot(Option<u64>);

impl Limiter {
    pub(crate) fn new(limits: Limits) -> Self {
        Self {
            limits,
            window: Duration::from_secs(1),
            starts: Mutex::new((0, Vec::new())),
            in_flight: (limits.max_concurrent > 0)
                .then(|| Arc::new(Semaphore::new(limits.max_concurrent as usize))),
        }
    }

    /// The limiter shared by every client of this process using `access_id`
    /// with the same limits.
    pub(crate) fn shared(access_id: &str, limits: Limits) -> Arc<Self> {
        type Registry = Mutex<HashMap<(String, Limits), Arc<Limiter>>>;
        static REGISTRY: OnceLock<Registry> = OnceLock::new();
        let registry = REGISTRY.get_or_init(Default::default);
        let mut map = registry.lock().unwrap_or_else(|e| e.into_inner());
        map.entry((access_id.to_string(), limits))
            .or_insert_with(|| Arc::new(Limiter::new(limits)))
            .clone()
    }

    /// Waits for a concurrency slot, then for a start slot.
    pub(crate) async fn acquire(&self) -> (Option<OwnedSemaphorePermit>, Slot) {
        let permit = match &self.in_flight {
            // A free permit without the waiting machinery; the semaphore is
            // fair, so none is free while others wait.
            Some(semaphore) => match semaphore.clone().try_acquire_owned() {
                Ok(permit) => Some(permit),
                Err(_) => semaphore.clone().acquire_owned().await.ok(),
            },
            None => None,
        };
        let slot = self.wait_for_start().await;
        (permit, slot)
    }

    async fn wait_for_start(&self) -> Slot {
        let rate = self.limits.requests_per_second as usize;
        if rate == 0 {
            return Slot(None);
        }
        loop {
            let wait = {
                let mut guard = self.starts.lock().unwrap_or_else(|e| e.into_inner());
                let (next_id, starts) = &mut *guard;
                let now = Instant::now();
                starts.retain(|(_, t)| now.saturating_duration_since(*t) < self.window);
                if starts.len() < rate {
                    *next_id += 1;
                    starts.push((*next_id, now));
                    return Slot(Some(*next_id));
                }
                let oldest = starts
                    .iter()
                    .map(|(_, t)| *t)
                    .min()
                    .expect("len >= rate > 0");
                self.window
                    .saturating_sub(now.saturating_duration_since(oldest))
            };
            Box::pin(tokio::time::sleep(wait + Duration::from_millis(1))).await;
        }
    }

    /// The answer to the request of `slot` arrived: the server saw the
    /// request by now, so its place in the window counts from now.
    pub(crate) fn finished(&self, slot: Slot) {
        let Slot(Some(id)) = slot else { return };
        let mut guard = self.starts.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        match guard.1.iter_mut().find(|(i, _)| *i == id) {
            Some(entry) => entry.1 = now,
            None => guard.1.push((id, now)),
        }
    }
}

/// The [`Transport`] of a [`crate::SumoClient`].
pub(crate) struct SumoTransport {
    pub(crate) deployment: Deployment,
    pub(crate) retry: RetryPolicy,
    pub(crate) limiter: Arc<Limiter>,
    pub(crate) availability: Option<Availability>,
}

impl SumoTransport {
    /// Sends `request`, retrying as the policy says, inside a
    /// `sumo_request` span. Without a subscriber that wants the span, the
    /// span and its timing are skipped.
    pub(crate) fn send<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        operation: &'static str,
    ) -> TransportFuture<'a> {
        let span = tracing::info_span!(
            "sumo_request",
            operation,
            deployment = %self.deployment,
            method = %request.method(),
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        if span.is_disabled() {
            return Box::pin(self.attempts(client, request, operation, None));
        }
        let started = Some(Instant::now());
        Box::pin(
            self.attempts(client, request, operation, started)
                .instrument(span),
        )
    }

    /// The attempts at `request`, until one's outcome is final. With
    /// `started`, the outcome is recorded in the current span (`send`'s).
    ///
    /// Written for a small future, since each request's is boxed: the
    /// request lives only in the captured variable (an `async fn` would copy
    /// its parameter into a second slot), and the outcome of a retried
    /// attempt is gone before the wait.
    #[allow(clippy::manual_async_fn)]
    fn attempts<'a>(
        &'a self,
        client: &'a reqwest::Client,
        mut request: reqwest::Request,
        operation: &'static str,
        started: Option<Instant>,
    ) -> impl Future<Output = reqwest::Result<Response>> + Send + 'a {
        async move {
            let idempotent = is_idempotent(request.method());
            let mut attempt = 0u32;
            loop {
                attempt += 1;
                // Keep a copy for the next attempt; a streaming body cannot
                // be copied and is sent once.
                let spare = if attempt < self.retry.max_attempts {
                    spare_copy(&request)
                } else {
                    None
                };
                let (permit, slot) = self.limiter.acquire().await;
                let outcome = client.execute(request).await;
                self.limiter.finished(slot);
                drop(permit);
                let (delay, spare) = match (self.retry_delay(&outcome, idempotent, attempt), spare)
                {
                    (Some(delay), Some(spare)) => {
                        tracing::debug!(
                            attempt,
                            delay_ms = delay.as_millis() as u64,
                            status = outcome.as_ref().ok().map(|r| r.status().as_u16()),
                            "retrying"
                        );
                        (delay, spare)
                    }
                    _ => {
                        report_outcome(&outcome, operation, attempt, started);
                        return outcome;
                    }
                };
                // Boxed: a timer is large, and every request's future would
                // carry it (this one and the limiter's are rare).
                Box::pin(tokio::time::sleep(delay)).await;
                request = spare;
            }
        }
    }

    /// How long to wait before the next attempt, if there is to be one.
    fn retry_delay(
        &self,
        outcome: &reqwest::Result<Response>,
        idempotent: bool,
        attempt: u32,
    ) -> Option<Duration> {
        match outcome {
            Ok(response) => retry_delay_for_status(
                response.status(),
                idempotent,
                response.headers(),
                &self.retry,
                attempt,
            ),
            Err(error) => {
                let can_retry = error.is_connect() || (idempotent && error.is_timeout());
                can_retry.then(|| self.retry.backoff(attempt))
            }
        }
    }
}

/// Logs a failed request; with `started`, records the outcome in the
/// current span (`sumo_request`).
fn report_outcome(
    outcome: &reqwest::Result<Response>,
    operation: &'static str,
    attempts: u32,
    started: Option<Instant>,
) {
    let Some(started) = started else {
        if let Err(error) = outcome {
            tracing::warn!(operation, error = %error, "request failed");
        }
        return;
    };
    let span = tracing::Span::current();
    span.record("attempts", attempts);
    span.record("duration_ms", started.elapsed().as_millis() as u64);
    match outcome {
        Ok(response) => {
            span.record("status", response.status().as_u16());
            tracing::debug!("done");
        }
        Err(error) => tracing::warn!(error = %error, "request failed"),
    }
}

/// A copy of `request` for a retry; `None` when the body is a stream.
/// A request without a body (GET, DELETE) is copied by hand: method, URL,
/// headers, version, and the timeout only when there is one. reqwest keeps
/// the timeout in the request's private extensions, and `try_clone` sets it
/// even when unset, which allocates that map for every request. The
/// generated client sets no other extension. A request with a body goes
/// through `try_clone`, which alone can share the body.
fn spare_copy(request: &reqwest::Request) -> Option<reqwest::Request> {
    if request.body().is_some() {
        return request.try_clone();
    }
    let mut copy = reqwest::Request::new(request.method().clone(), request.url().clone());
    *copy.headers_mut() = request.headers().clone();
    *copy.version_mut() = request.version();
    if let Some(timeout) = request.timeout() {
        *copy.timeout_mut() = Some(*timeout);
    }
    Some(copy)
}

fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
    )
}

fn retry_delay_for_status(
    status: StatusCode,
    idempotent: bool,
    headers: &reqwest::header::HeaderMap,
    policy: &RetryPolicy,
    attempt: u32,
) -> Option<Duration> {
    let retryable = match status.as_u16() {
        429 => true,
        502..=504 => idempotent,
        _ => false,
    };
    if !retryable || attempt >= policy.max_attempts {
        return None;
    }
    let backoff = policy.backoff(attempt);
    let delay = headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_retry_after)
        .map(|d| d.max(backoff / 4))
        .unwrap_or(backoff);
    Some(delay.min(policy.max_backoff))
}

/// `Retry-After`: delay seconds or an HTTP date.
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

impl Transport for SumoTransport {
    fn check(&self, operation_id: &'static str) -> Result<(), String> {
        match &self.availability {
            Some(matrix) if !matrix.publishes(&self.deployment, operation_id) => {
                Err(crate::availability::refusal(operation_id, &self.deployment))
            }
            _ => Ok(()),
        }
    }

    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        operation_id: &'static str,
    ) -> TransportFuture<'a> {
        self.send(client, request, operation_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spare_copy_is_the_same_request() {
        let mut request = reqwest::Request::new(
            Method::GET,
            "http://127.0.0.1:1/v1/users/1?x=y".parse().unwrap(),
        );
        request
            .headers_mut()
            .insert("api-version", "1.0.0".parse().unwrap());
        *request.version_mut() = reqwest::Version::HTTP_2;
        let same = |copy: &reqwest::Request, request: &reqwest::Request| {
            assert_eq!(copy.method(), request.method());
            assert_eq!(copy.url(), request.url());
            assert_eq!(copy.headers(), request.headers());
            assert_eq!(copy.version(), request.version());
            assert_eq!(copy.timeout(), request.timeout());
            assert_eq!(
                copy.body().and_then(|b| b.as_bytes()),
                request.body().and_then(|b| b.as_bytes())
            );
        };
        same(&spare_copy(&request).expect("no body"), &request);

        *request.timeout_mut() = Some(Duration::from_secs(7));
        let copy = spare_copy(&request).expect("no body");
        assert_eq!(copy.timeout(), Some(&Duration::from_secs(7)));
        same(&copy, &request);

        *request.method_mut() = Method::PUT;
        *request.body_mut() = Some(reqwest::Body::from("{\"a\":1}"));
        let copy = spare_copy(&request).expect("a body of bytes can be copied");
        assert_eq!(
            copy.body().and_then(|b| b.as_bytes()),
            Some(&b"{\"a\":1}"[..])
        );
        same(&copy, &request);

        let stream = futures::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from("x"))]);
        *request.body_mut() = Some(reqwest::Body::wrap_stream(stream));
        assert!(spare_copy(&request).is_none(), "a stream is sent once");
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(" 0 "), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("1.5"), Some(Duration::from_millis(1500)));
        let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(60));
        assert_eq!(parse_retry_after(&past), Some(Duration::ZERO));
        let future = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(120));
        let d = parse_retry_after(&future).unwrap();
        assert!(
            d > Duration::from_secs(100) && d <= Duration::from_secs(120),
            "{d:?}"
        );
        assert_eq!(parse_retry_after("soon"), None);
        assert_eq!(parse_retry_after("-1"), None);
    }

    #[test]
    fn which_answers_are_retried() {
        let policy = RetryPolicy::default();
        let h = reqwest::header::HeaderMap::new();
        let s = |code| StatusCode::from_u16(code).unwrap();
        assert!(retry_delay_for_status(s(429), false, &h, &policy, 1).is_some());
        assert!(retry_delay_for_status(s(503), true, &h, &policy, 1).is_some());
        assert!(retry_delay_for_status(s(503), false, &h, &policy, 1).is_none());
        assert!(retry_delay_for_status(s(500), true, &h, &policy, 1).is_none());
        assert!(retry_delay_for_status(s(404), true, &h, &policy, 1).is_none());
        assert!(retry_delay_for_status(s(429), true, &h, &policy, 4).is_none());
    }

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        let policy = RetryPolicy {
            max_attempts: 10,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(1),
        };
        for _ in 0..50 {
            let first = policy.backoff(1);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let third = policy.backoff(3);
            assert!(third >= Duration::from_millis(200) && third <= Duration::from_millis(400));
            assert!(policy.backoff(30) <= Duration::from_secs(1));
        }
    }

    #[tokio::test]
    async fn limiter_allows_rate_starts_per_second() {
        let limiter = Limiter::new(Limits {
            requests_per_second: 4,
            max_concurrent: 0,
        });
        let started = Instant::now();
        for _ in 0..8 {
            limiter.acquire().await;
        }
        let elapsed = started.elapsed();
        assert!(elapsed >= Duration::from_secs(1), "{elapsed:?}");
        assert!(elapsed < Duration::from_millis(1600), "{elapsed:?}");
    }

    #[tokio::test]
    async fn a_place_counts_from_the_answer() {
        let limiter = Limiter::new(Limits {
            requests_per_second: 2,
            max_concurrent: 0,
        });
        let started = Instant::now();
        let (_, a) = limiter.acquire().await;
        let (_, b) = limiter.acquire().await;
        // Both answers arrive 300 ms after the starts.
        tokio::time::sleep(Duration::from_millis(300)).await;
        limiter.finished(a);
        limiter.finished(b);
        limiter.acquire().await;
        let elapsed = started.elapsed();
        assert!(elapsed >= Duration::from_millis(1300), "{elapsed:?}");
        assert!(elapsed < Duration::from_millis(1600), "{elapsed:?}");
    }

    #[test]
    fn shared_limiter_per_access_id() {
        let a = Limiter::shared("id-a", Limits::default());
        let b = Limiter::shared("id-a", Limits::default());
        let c = Limiter::shared("id-c", Limits::default());
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &c));
    }
}
