//! The [`Operation`] and [`Paged`] traits, implemented by the generator for
//! every operation's builder, so that code can handle any request alike
//! (sumo-ext's typed `call()`, its page streams).

use std::future::Future;

use progenitor_client::{ByteStream, Error, ResponseValue};

use crate::Page;

/// A request of one operation, ready to send: every builder of the
/// generated clients (`client.list_users().limit(10)`).
pub trait Operation: Sized {
    /// The body of a successful answer.
    type Output;
    /// The operation's name, as the transport and the errors give it
    /// (`list_users`).
    const NAME: &'static str;
    /// The HTTP method, upper case (`GET`).
    const METHOD: &'static str;
    /// The path template of the spec (`/v1/users/{id}`), after the API's
    /// base URL.
    const PATH: &'static str;
    /// Sends the request (the builder's own `send`).
    fn send_request(
        self,
    ) -> impl Future<Output = Result<ResponseValue<Self::Output>, Error<ByteStream>>> + Send;
}

/// The request of a `token`-paged operation whose answer is a [`Page`]:
/// the same request can ask for the page after a token.
pub trait Paged: Operation<Output: Page> + Clone {
    /// This request, for the page after `token`.
    fn with_token(self, token: String) -> Self;
}

/// The start of one of Sumo's asynchronous jobs (content export, import,
/// copy and delete, app installs, report and lookup jobs, ...): the
/// generator pairs it, from the spec's paths, with the operation that
/// polls the job's status and the one that reads its result.
pub trait AsyncJob: Operation {
    /// The status request (`GET .../{jobId}/status`).
    type Status: Operation + Clone;
    /// The result request (`GET .../{jobId}/result`), or [`NoResult`].
    type Result: Operation + Clone;
    /// The requests that follow this one, for the job it will start: made
    /// before it is sent, since sending consumes it.
    fn follow_ups(&self) -> FollowUps<Self::Status, Self::Result>;
}

/// The status and result requests of a job, waiting for its id.
#[derive(Debug, Clone)]
pub struct FollowUps<S, R> {
    status: S,
    result: R,
    status_for: fn(S, &str) -> S,
    result_for: fn(R, &str) -> R,
}

impl<S: Clone, R: Clone> FollowUps<S, R> {
    /// Requests with every parameter but the job id set, and how to set it.
    pub fn new(
        status: S,
        result: R,
        status_for: fn(S, &str) -> S,
        result_for: fn(R, &str) -> R,
    ) -> Self {
        FollowUps {
            status,
            result,
            status_for,
            result_for,
        }
    }

    /// The status request of the job `job_id`.
    pub fn status(&self, job_id: &str) -> S {
        (self.status_for)(self.status.clone(), job_id)
    }

    /// The result request of the job `job_id`.
    pub fn result(&self, job_id: &str) -> R {
        (self.result_for)(self.result.clone(), job_id)
    }
}

/// The result of a job that has no result operation: nothing to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NoResult;

impl Operation for NoResult {
    type Output = ();
    const NAME: &'static str = "no_result";
    /// Sends nothing.
    const METHOD: &'static str = "";
    /// Sends nothing.
    const PATH: &'static str = "";
    fn send_request(
        self,
    ) -> impl Future<Output = Result<ResponseValue<()>, Error<ByteStream>>> + Send {
        std::future::ready(Ok(ResponseValue::new(
            (),
            reqwest::StatusCode::OK,
            reqwest::header::HeaderMap::new(),
        )))
    }
}
