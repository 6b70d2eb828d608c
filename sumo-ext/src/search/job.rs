//! A running search job: its cookies, its polls, its deletion.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::cookie::{CookieStore, Jar};
use reqwest::header::{COOKIE, SET_COOKIE};
use reqwest::{Method, StatusCode};
use url::Url;

use super::results::{Row, WirePage};
use super::status::{Progress, State, Status, WireStatus};
use crate::{Error, SumoClient};

/// A search job on the server, and the handle's settings.
pub(crate) struct Job {
    pub(crate) client: SumoClient,
    pub(crate) id: String,
    /// `.../v1/search/jobs/<id>`.
    pub(crate) url: Url,
    /// The job's own cookies: follow-up requests without them get 404.
    jar: Jar,
    progress: Arc<Mutex<Progress>>,
    last_request: Mutex<Instant>,
    deleted: AtomicBool,
    pub(crate) poll_interval: Duration,
}

/// `.../v1/search/jobs` of `client`'s deployment.
pub(crate) fn jobs_url(client: &SumoClient) -> Result<Url, Error> {
    let base = client.deployment().api_url().trim_end_matches('/');
    Url::parse(&format!("{base}/v1/search/jobs")).map_err(|e| Error::InvalidRequest {
        operation: "search_create",
        message: format!("cannot make the search jobs URL from {base}: {e}"),
    })
}

/// Sends one request of the Search Job API through the client's transport
/// (credentials, limiter, retries, tracing), with the cookies of `jar`;
/// stores the cookies of the answer. An error status becomes
/// [`Error::Api`] with Sumo's code and message.
pub(crate) async fn send(
    client: &SumoClient,
    jar: &Jar,
    method: Method,
    url: &Url,
    body: Option<Vec<u8>>,
    operation: &'static str,
) -> Result<(StatusCode, Bytes), Error> {
    let mut request = client.http.request(method, url.clone());
    if let Some(cookies) = jar.cookies(url) {
        request = request.header(COOKIE, cookies);
    }
    if let Some(body) = body {
        request = request
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body);
    }
    let request = request
        .header(reqwest::header::ACCEPT, "application/json")
        .build()
        .map_err(|e| Error::InvalidRequest {
            operation,
            message: e.to_string(),
        })?;
    let response = client
        .transport
        .send(&client.http, request, operation)
        .await
        .map_err(|source| Error::Transport { operation, source })?;
    jar.set_cookies(&mut response.headers().get_all(SET_COOKIE).iter(), url);
    let status = response.status();
    if !status.is_success() {
        return Err(Error::from_response(operation, response).await);
    }
    let body = response
        .bytes()
        .await
        .map_err(|source| Error::Transport { operation, source })?;
    Ok((status, body))
}

/// `DELETE`s the job at `url`; a job already gone (404: cancelled by Sumo,
/// or deleted) counts as deleted.
async fn delete(client: &SumoClient, jar: &Jar, url: &Url) -> Result<(), Error> {
    match send(client, jar, Method::DELETE, url, None, "search_delete").await {
        Ok(_) => Ok(()),
        Err(e) if e.status() == Some(StatusCode::NOT_FOUND) => Ok(()),
        Err(e) => Err(e),
    }
}

/// `url` with one more path segment.
pub(crate) fn child(url: &Url, segment: &str, operation: &'static str) -> Result<Url, Error> {
    let mut child = url.clone();
    child
        .path_segments_mut()
        .map_err(|()| Error::InvalidRequest {
            operation,
            message: format!("{url} cannot take a path"),
        })?
        .push(segment);
    Ok(child)
}

/// Parses a JSON answer, or says what is wrong with it.
pub(crate) fn parse<T: serde::de::DeserializeOwned>(
    operation: &'static str,
    status: StatusCode,
    body: &Bytes,
) -> Result<T, Error> {
    serde_json::from_slice(body).map_err(|e| Error::InvalidResponse {
        operation,
        status: status.as_u16(),
        message: e.to_string(),
        body: body.slice(..body.len().min(crate::error::MAX_ERROR_BODY)),
    })
}

impl Job {
    pub(crate) fn new(
        client: SumoClient,
        id: String,
        url: Url,
        jar: Jar,
        poll_interval: Duration,
    ) -> Job {
        Job {
            client,
            id,
            url,
            jar,
            progress: Arc::new(Mutex::new(Progress::default())),
            last_request: Mutex::new(Instant::now()),
            deleted: AtomicBool::new(false),
            poll_interval,
        }
    }

    async fn get(&self, url: &Url, operation: &'static str) -> Result<(StatusCode, Bytes), Error> {
        let result = send(&self.client, &self.jar, Method::GET, url, None, operation).await;
        *self.last_request.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
        result
    }

    /// One status request; what it reports is added to the progress.
    pub(crate) async fn poll(&self) -> Result<Status, Error> {
        let (status, body) = self.get(&self.url, "search_status").await?;
        let wire: WireStatus = parse("search_status", status, &body)?;
        let status = Status::from(wire);
        self.progress
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .add(&status);
        Ok(status)
    }

    /// The progress, shared (it outlives the job).
    pub(crate) fn progress_cell(&self) -> Arc<Mutex<Progress>> {
        self.progress.clone()
    }

    /// The latest state and counts, without copying the lists of errors,
    /// warnings and buckets (the readers ask for them at every page).
    pub(crate) fn counts(&self) -> (State, u64, u64) {
        let progress = self.progress.lock().unwrap_or_else(|e| e.into_inner());
        (
            progress.state.clone(),
            progress.message_count,
            progress.record_count,
        )
    }

    pub(crate) fn progress(&self) -> Progress {
        self.progress
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Rows `offset..offset + limit` of `kind` (`messages` or `records`).
    pub(crate) async fn page(
        &self,
        kind: Kind,
        offset: u64,
        limit: u32,
    ) -> Result<Vec<Row>, Error> {
        let mut url = child(&self.url, kind.segment(), kind.operation())?;
        url.query_pairs_mut()
            .append_pair("offset", &offset.to_string())
            .append_pair("limit", &limit.to_string());
        let (status, body) = self.get(&url, kind.operation()).await?;
        let page: WirePage = parse(kind.operation(), status, &body)?;
        Ok(page.rows())
    }

    /// Deletes the job on the server, once; a job already gone (404) counts
    /// as deleted.
    pub(crate) async fn delete(&self) -> Result<(), Error> {
        if self.deleted.swap(true, Ordering::SeqCst) {
            return Ok(());
        }
        delete(&self.client, &self.jar, &self.url).await
    }

    fn is_deleted(&self) -> bool {
        self.deleted.load(Ordering::SeqCst)
    }
}

impl Drop for Job {
    /// A job dropped undeleted (a handle dropped, a stream or future
    /// cancelled) is deleted in the background, so it does not count
    /// against the organization's limit of active jobs.
    fn drop(&mut self) {
        if self.is_deleted() {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::warn!(job = %self.id, "search job dropped outside a Tokio runtime; left on the server");
            return;
        };
        let client = self.client.clone();
        let url = self.url.clone();
        let jar = std::mem::take(&mut self.jar);
        let id = std::mem::take(&mut self.id);
        runtime.spawn(async move {
            match delete(&client, &jar, &url).await {
                Ok(()) => tracing::debug!(job = %id, "dropped search job deleted"),
                Err(e) => {
                    tracing::warn!(job = %id, error = %e, "cannot delete a dropped search job")
                }
            }
        });
    }
}

/// Which results a page holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Messages,
    Records,
}

impl Kind {
    fn segment(self) -> &'static str {
        match self {
            Kind::Messages => "messages",
            Kind::Records => "records",
        }
    }

    fn operation(self) -> &'static str {
        match self {
            Kind::Messages => "search_messages",
            Kind::Records => "search_records",
        }
    }
}

/// Polls the job's status whenever `interval` passed without a request to
/// it, so that a slow reader does not let Sumo cancel the job (about 30 s
/// without a request, finished or not). Ends when the job is deleted or
/// dropped, or a poll fails.
pub(crate) fn keep_alive(job: &Arc<Job>, interval: Duration) {
    let weak: Weak<Job> = Arc::downgrade(job);
    tokio::spawn(async move {
        loop {
            let wait = {
                // A finished job is cancelled when idle too: keep it alive
                // until it is deleted or dropped.
                let Some(job) = weak.upgrade() else { return };
                if job.is_deleted() {
                    return;
                }
                let last = *job.last_request.lock().unwrap_or_else(|e| e.into_inner());
                interval.saturating_sub(last.elapsed())
            };
            if !wait.is_zero() {
                tokio::time::sleep(wait).await;
                continue;
            }
            let Some(job) = weak.upgrade() else { return };
            if let Err(error) = job.poll().await {
                tracing::warn!(job = %job.id, error = %error, "search job keep-alive poll failed");
                return;
            }
        }
    });
}
