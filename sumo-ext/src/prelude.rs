//! Every generated operation the sumo-ext way: `use sumo_ext::prelude::*;`.
//!
//! - [`OperationExt::call`] sends any builder of `client.raw()` (or of
//!   `client.organizations()`'s client) and returns its body or a
//!   [`crate::Error`] with the operation's name, the status, Sumo's codes and
//!   the error id.
//! - [`PagedExt::pages`] and [`PagedExt::items`] stream any `token`-paged
//!   operation (30 regional, 2 organizations), one page in memory.
//! - [`JobExt::wait`] starts any asynchronous job (15 regional), polls it
//!   and reads its result.
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use sumo_ext::prelude::*;
//!
//! # async fn example(client: sumo_ext::SumoClient) -> Result<(), sumo_ext::Error> {
//! let user = client.raw().get_user().id("0000000000000001").call().await?;
//! let users: Vec<_> = client.raw().list_users().limit(100).items().try_collect().await?;
//! # let _ = (user, users);
//! # Ok(()) }
//! ```

use std::future::Future;

use futures::Stream;

pub use sumo_generated_client::{Operation, Page, Paged};

use crate::Error;

/// [`OperationExt::call`] for every generated builder.
pub trait OperationExt: Operation + Send {
    /// Sends the request through the client's transport (credentials,
    /// limiter, retries, tracing); an error answer becomes [`Error::Api`]
    /// naming the operation.
    fn call(self) -> impl Future<Output = Result<Self::Output, Error>> + Send;
}

impl<O: Operation + Send> OperationExt for O {
    fn call(self) -> impl Future<Output = Result<Self::Output, Error>> + Send {
        crate::call(Self::NAME, self.send_request())
    }
}

/// Streams for every `token`-paged builder.
pub trait PagedExt: Paged + Send
where
    Self::Output: Send,
    <Self::Output as Page>::Item: Send,
{
    /// The pages: this request, then the same request with each page's
    /// next token, until a page has none. The stream ends after an error.
    fn pages(self) -> impl Stream<Item = Result<Self::Output, Error>> + Send;

    /// The items of [`PagedExt::pages`], one page in memory at a time.
    fn items(self) -> impl Stream<Item = Result<<Self::Output as Page>::Item, Error>> + Send;
}

impl<P> PagedExt for P
where
    P: Paged + Send,
    P::Output: Send,
    <P::Output as Page>::Item: Send,
{
    fn pages(self) -> impl Stream<Item = Result<Self::Output, Error>> + Send {
        crate::pagination::pages(move |token: Option<String>| {
            let request = match token {
                Some(token) => self.clone().with_token(token),
                None => self.clone(),
            };
            request.call()
        })
    }

    fn items(self) -> impl Stream<Item = Result<<Self::Output as Page>::Item, Error>> + Send {
        crate::pagination::items(self.pages())
    }
}

/// How long [`JobExt::wait`] polls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct WaitOptions {
    /// Between two status requests (1 s by default).
    pub poll_interval: std::time::Duration,
    /// The longest wait for the job, from its start (10 minutes by default).
    pub deadline: std::time::Duration,
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions {
            poll_interval: std::time::Duration::from_secs(1),
            deadline: std::time::Duration::from_secs(600),
        }
    }
}

impl WaitOptions {
    /// Between two status requests.
    pub fn poll_interval(mut self, interval: std::time::Duration) -> Self {
        self.poll_interval = interval;
        self
    }

    /// The longest wait for the job.
    pub fn deadline(mut self, deadline: std::time::Duration) -> Self {
        self.deadline = deadline;
        self
    }
}

/// What a finished job left: its id, its last status, and its result
/// (`()` for a job without a result operation).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct JobDone<S, R> {
    pub job_id: String,
    pub status: S,
    pub result: R,
}

pub use sumo_generated_client::AsyncJob;

/// What [`JobExt::wait`] gives for the job `J`.
pub type JobOutcome<J> = Result<
    JobDone<
        <<J as AsyncJob>::Status as Operation>::Output,
        <<J as AsyncJob>::Result as Operation>::Output,
    >,
    Error,
>;

/// [`JobExt::wait`] for the start of every asynchronous job (content
/// export, import, copy and delete, app installs, report and lookup jobs):
/// the generator pairs each with its status and result operations.
pub trait JobExt: AsyncJob + Send
where
    Self::Output: serde::Serialize + Send,
    <Self::Status as Operation>::Output: serde::Serialize + Send,
    <Self::Result as Operation>::Output: Send,
    Self::Status: Send + Sync,
    Self::Result: Send + Sync,
{
    /// Starts the job, polls its status until `Success` or `Failed`, and
    /// reads its result. A `Failed` job is [`Error::JobFailed`] with Sumo's
    /// error; one still running at the deadline [`Error::JobTimedOut`].
    fn wait(self, options: WaitOptions) -> impl Future<Output = JobOutcome<Self>> + Send;
}

impl<J> JobExt for J
where
    J: AsyncJob + Send,
    J::Output: serde::Serialize + Send,
    <J::Status as Operation>::Output: serde::Serialize + Send,
    <J::Result as Operation>::Output: Send,
    J::Status: Send + Sync,
    J::Result: Send + Sync,
{
    async fn wait(self, options: WaitOptions) -> JobOutcome<J> {
        let follow_ups = self.follow_ups();
        let started_at = std::time::Instant::now();
        let started = self.call().await?;
        let job_id = job::id(J::NAME, &started)?;
        loop {
            let status = follow_ups.status(&job_id).call().await?;
            match job::state(&status) {
                job::State::Success => {
                    let result = follow_ups.result(&job_id).call().await?;
                    return Ok(JobDone {
                        job_id,
                        status,
                        result,
                    });
                }
                job::State::Failed(message) => {
                    return Err(Error::JobFailed {
                        operation: J::NAME,
                        job_id,
                        message,
                    });
                }
                job::State::Running => {}
            }
            if started_at.elapsed() + options.poll_interval > options.deadline {
                return Err(Error::JobTimedOut {
                    operation: J::NAME,
                    job_id,
                    waited: started_at.elapsed(),
                });
            }
            tokio::time::sleep(options.poll_interval).await;
        }
    }
}

/// Reading Sumo's job answers, whatever their type: as JSON.
mod job {
    use serde_json::Value;

    use crate::Error;

    pub(super) enum State {
        Success,
        Failed(String),
        Running,
    }

    /// The job id of a start answer (`id`, or `jobId`).
    pub(super) fn id<T: serde::Serialize>(
        operation: &'static str,
        started: &T,
    ) -> Result<String, Error> {
        let value = serde_json::to_value(started).unwrap_or(Value::Null);
        value
            .get("id")
            .or_else(|| value.get("jobId"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| Error::InvalidResponse {
                operation,
                status: 200,
                message: "the answer names no job id (`id` or `jobId`)".into(),
                body: bytes::Bytes::from(value.to_string()),
            })
    }

    /// `Success`, `Failed` (with Sumo's error) or anything else: running.
    pub(super) fn state<T: serde::Serialize>(status: &T) -> State {
        let value = serde_json::to_value(status).unwrap_or(Value::Null);
        let text = value["status"].as_str().unwrap_or("");
        if text.eq_ignore_ascii_case("success") {
            State::Success
        } else if text.eq_ignore_ascii_case("failed") {
            State::Failed(error_text(&value))
        } else {
            State::Running
        }
    }

    /// Sumo's error of a failed job: `error`, `errors`, or the status
    /// messages, as `code: message`.
    fn error_text(value: &Value) -> String {
        let one = |e: &Value| -> Option<String> {
            let message = e["message"].as_str().unwrap_or("");
            match e["code"].as_str() {
                Some(code) if !message.is_empty() => Some(format!("{code}: {message}")),
                Some(code) => Some(code.to_string()),
                None => (!message.is_empty()).then(|| message.to_string()),
            }
        };
        let mut texts: Vec<String> = Vec::new();
        texts.extend(one(&value["error"]));
        for e in value["errors"].as_array().into_iter().flatten() {
            texts.extend(one(e));
        }
        if texts.is_empty() {
            texts.extend(value["statusMessage"].as_str().map(str::to_string));
            for m in value["statusMessages"].as_array().into_iter().flatten() {
                texts.extend(m.as_str().map(str::to_string));
            }
        }
        if texts.is_empty() {
            "no error given".into()
        } else {
            texts.join("; ")
        }
    }
}
