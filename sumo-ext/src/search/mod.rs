//! The Search Job API: run a log search and read its messages or records.
//!
//! Sumo does not describe this API in its OpenAPI specs, so the generated
//! client cannot reach it; this module speaks its protocol on the client's
//! transport (credentials, limiter, retries, tracing) and takes care of
//! its traps:
//! - each job has its own cookie store: follow-up requests without the
//!   job's cookies get 404;
//! - the job is polled while it runs, and kept alive while a slow reader
//!   takes its time (Sumo cancels a job not asked about for about 30 s);
//! - each poll reports only the errors, warnings and histogram buckets that
//!   are new: [`Progress`] adds them up;
//! - results come as streams that hold one page in memory;
//! - the job is deleted when its stream ends, when the handle is dropped
//!   (a cancelled future included), or by [`SearchJob::delete`], so jobs do
//!   not pile up against the organization's limit;
//! - a 429 on creation (too many active jobs) is retried within the
//!   client's [`RetryPolicy`](crate::RetryPolicy);
//! - optionally, a search that Sumo force-pauses at its message limit is
//!   split in halves until each part completes ([`Search::split_force_paused`]).
//!
//! ```no_run
//! use futures::TryStreamExt;
//!
//! # async fn example(client: sumo_ext::SumoClient) -> Result<(), sumo_ext::Error> {
//! let messages: Vec<_> = client
//!     .search("_sourceCategory=prod/app error")
//!     .from("2026-12-01T00:00:00Z".parse::<chrono::DateTime<chrono::Utc>>().unwrap())
//!     .to(1_796_086_800_000)
//!     .time_zone("Europe/Zurich")
//!     .messages()
//!     .try_collect()
//!     .await?;
//! for message in &messages {
//!     println!("{}", message.get("_raw").unwrap_or_default());
//! }
//! # Ok(()) }
//! ```

mod job;
mod results;
mod status;
mod stream;
mod time;

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use futures::Stream;
use reqwest::Method;
use reqwest::cookie::Jar;
use serde::{Deserialize, Serialize};

pub use results::{Field, FieldType, Message, Record, Row};
pub use status::{HistogramBucket, Progress, State, Status};
pub use time::SearchTime;

use crate::{Error, SumoClient};
use job::{Job, Kind};

/// The largest page Sumo serves.
pub const MAX_PAGE: u32 = 10_000;

/// How Sumo parses JSON messages at search time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[non_exhaustive]
pub enum AutoParsing {
    /// No field extraction at search time (Sumo's default).
    #[default]
    Manual,
    /// Fields are extracted from JSON messages.
    AutoParse,
}

impl SumoClient {
    /// A log search: set the time range, then [`Search::start`] it or
    /// stream its [`Search::messages`] or [`Search::records`].
    pub fn search(&self, query: impl Into<String>) -> Search {
        Search {
            client: self.clone(),
            query: query.into(),
            from: None,
            to: None,
            time_zone: "UTC".into(),
            by_receipt_time: false,
            auto_parsing: AutoParsing::Manual,
            poll_interval: Duration::from_secs(1),
            keep_alive: Duration::from_secs(20),
            page_size: MAX_PAGE,
            split_force_paused: false,
        }
    }
}

/// A search to run; see [`SumoClient::search`].
#[derive(Debug, Clone)]
#[must_use]
pub struct Search {
    client: SumoClient,
    query: String,
    from: Option<SearchTime>,
    to: Option<SearchTime>,
    time_zone: String,
    by_receipt_time: bool,
    auto_parsing: AutoParsing,
    poll_interval: Duration,
    keep_alive: Duration,
    page_size: u32,
    split_force_paused: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreateBody<'a> {
    query: &'a str,
    from: String,
    to: String,
    time_zone: &'a str,
    by_receipt_time: bool,
    auto_parsing_mode: AutoParsing,
}

#[derive(Deserialize)]
struct Created {
    id: String,
}

impl Search {
    /// Start of the range (epoch milliseconds or a date-time). Required.
    pub fn from(mut self, from: impl Into<SearchTime>) -> Self {
        self.from = Some(from.into());
        self
    }

    /// End of the range. Required.
    pub fn to(mut self, to: impl Into<SearchTime>) -> Self {
        self.to = Some(to.into());
        self
    }

    /// The time zone of the search (`UTC` by default), an IANA name such as
    /// `America/Los_Angeles`; Sumo checks it.
    pub fn time_zone(mut self, time_zone: impl Into<String>) -> Self {
        self.time_zone = time_zone.into();
        self
    }

    /// Search by the time messages were received instead of their own time.
    pub fn by_receipt_time(mut self, yes: bool) -> Self {
        self.by_receipt_time = yes;
        self
    }

    /// How JSON messages are parsed at search time.
    pub fn auto_parsing(mut self, mode: AutoParsing) -> Self {
        self.auto_parsing = mode;
        self
    }

    /// How often a running job is polled (1 s by default).
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }

    /// The longest time without a request to the job before the handle
    /// polls it to keep it alive (20 s by default; Sumo cancels a job after
    /// about 30 s).
    pub fn keep_alive(mut self, interval: Duration) -> Self {
        self.keep_alive = interval;
        self
    }

    /// Rows per page, at most [`MAX_PAGE`] (larger values are lowered to it).
    pub fn page_size(mut self, size: NonZeroU32) -> Self {
        self.page_size = size.get().min(MAX_PAGE);
        self
    }

    /// When Sumo force-pauses the search at its message limit, search each
    /// half of the time range again, and so on until every part completes;
    /// [`Search::messages`] then yields them in order (newest first, as
    /// Sumo does), without duplicates. Each part's messages come once the
    /// part is done.
    pub fn split_force_paused(mut self, yes: bool) -> Self {
        self.split_force_paused = yes;
        self
    }

    fn range(&self) -> Result<(SearchTime, SearchTime), Error> {
        let missing = |what: &str| Error::InvalidRequest {
            operation: "search_create",
            message: format!("a search needs `{what}`"),
        };
        Ok((
            self.from.ok_or_else(|| missing("from"))?,
            self.to.ok_or_else(|| missing("to"))?,
        ))
    }

    /// Creates the job (`POST /api/v1/search/jobs`).
    pub async fn start(&self) -> Result<SearchJob, Error> {
        let (from, to) = self.range()?;
        self.start_range(from, to).await
    }

    async fn start_range(&self, from: SearchTime, to: SearchTime) -> Result<SearchJob, Error> {
        let body = CreateBody {
            query: &self.query,
            from: from.to_string(),
            to: to.to_string(),
            time_zone: &self.time_zone,
            by_receipt_time: self.by_receipt_time,
            auto_parsing_mode: self.auto_parsing,
        };
        let body = serde_json::to_vec(&body).map_err(|e| Error::InvalidRequest {
            operation: "search_create",
            message: e.to_string(),
        })?;
        let jobs = job::jobs_url(&self.client)?;
        let jar = Jar::default();
        let (status, answer) = job::send(
            &self.client,
            &jar,
            Method::POST,
            &jobs,
            Some(body),
            "search_create",
        )
        .await?;
        let created: Created = job::parse("search_create", status, &answer)?;
        let url = job::child(&jobs, &created.id, "search_create")?;
        let job = Arc::new(Job::new(
            self.client.clone(),
            created.id,
            url,
            jar,
            self.poll_interval,
        ));
        job::keep_alive(&job, self.keep_alive);
        Ok(SearchJob {
            job,
            page_size: self.page_size,
        })
    }

    /// Starts the search and streams its messages, newest first, while the
    /// job gathers them. The job is deleted when the stream ends or is
    /// dropped.
    pub fn messages(self) -> impl Stream<Item = Result<Message, Error>> + Send + 'static {
        stream::search(self, Kind::Messages)
    }

    /// Starts an aggregate search and streams its records once the job is
    /// done (records change while it gathers). The job is deleted when the
    /// stream ends or is dropped.
    pub fn records(self) -> impl Stream<Item = Result<Record, Error>> + Send + 'static {
        stream::search(self, Kind::Records)
    }
}

/// The progress of a job, readable after the handle is gone; see
/// [`SearchJob::watch`].
#[derive(Debug, Clone)]
pub struct Watch(Arc<std::sync::Mutex<Progress>>);

impl Watch {
    /// What the job's polls found so far.
    pub fn progress(&self) -> Progress {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// A search job on the server. Dropping the handle deletes the job.
pub struct SearchJob {
    job: Arc<Job>,
    page_size: u32,
}

impl std::fmt::Debug for SearchJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchJob")
            .field("id", &self.job.id)
            .finish_non_exhaustive()
    }
}

impl SearchJob {
    /// The job's id.
    pub fn id(&self) -> &str {
        &self.job.id
    }

    /// One status request; its errors, warnings and buckets are added to
    /// [`SearchJob::progress`].
    pub async fn poll(&self) -> Result<Status, Error> {
        self.job.poll().await
    }

    /// Polls until the job is done, force-paused or cancelled; returns the
    /// progress then.
    pub async fn wait(&self) -> Result<Progress, Error> {
        loop {
            let status = self.job.poll().await?;
            if status.state.is_final() {
                return Ok(self.job.progress());
            }
            tokio::time::sleep(self.job.poll_interval).await;
        }
    }

    /// What the polls found so far.
    pub fn progress(&self) -> Progress {
        self.job.progress()
    }

    /// A view of the progress that outlives the handle: read it while the
    /// job's [`SearchJob::messages`] stream runs, or after it ended.
    pub fn watch(&self) -> Watch {
        Watch(self.job.progress_cell())
    }

    /// Messages `offset..offset + limit` (`limit` at most [`MAX_PAGE`]),
    /// as far as the job has found them.
    pub async fn messages_page(&self, offset: u64, limit: u32) -> Result<Vec<Message>, Error> {
        self.job
            .page(Kind::Messages, offset, limit.min(MAX_PAGE))
            .await
    }

    /// Records `offset..offset + limit` of an aggregate search (partial
    /// while the job gathers).
    pub async fn records_page(&self, offset: u64, limit: u32) -> Result<Vec<Record>, Error> {
        self.job
            .page(Kind::Records, offset, limit.min(MAX_PAGE))
            .await
    }

    /// Streams the messages, newest first, while the job gathers them;
    /// deletes the job at the end.
    pub fn messages(self) -> impl Stream<Item = Result<Message, Error>> + Send + 'static {
        stream::rows(self.job, Kind::Messages, self.page_size, None)
    }

    /// Streams the records once the job is done; deletes the job at the end.
    pub fn records(self) -> impl Stream<Item = Result<Record, Error>> + Send + 'static {
        stream::rows(self.job, Kind::Records, self.page_size, None)
    }

    /// Deletes the job now.
    pub async fn delete(self) -> Result<(), Error> {
        self.job.delete().await
    }
}
