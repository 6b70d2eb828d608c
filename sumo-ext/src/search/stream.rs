//! Results as streams: one page in memory at a time, the job polled while
//! it gathers and deleted at the end; and the split of force-paused
//! searches.

use std::pin::Pin;
use std::sync::Arc;

use futures::{Stream, StreamExt};

use super::job::{Job, Kind};
use super::results::Row;
use super::status::State;
use super::{Search, SearchTime};
use crate::Error;

type Rows = Pin<Box<dyn Stream<Item = Result<Row, Error>> + Send>>;

/// The part of a time range whose messages a stream keeps: `from..to`, and
/// `to` itself when it is the end of the whole search. With halves that
/// share their bound, a message at the bound comes out once.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Window {
    from: i64,
    to: i64,
    inclusive_end: bool,
}

impl Window {
    fn keeps(&self, row: &Row) -> bool {
        match row.message_time() {
            Some(t) => t >= self.from && (t < self.to || (self.inclusive_end && t == self.to)),
            None => true,
        }
    }
}

struct Reader {
    job: Option<Arc<Job>>,
    kind: Kind,
    page_size: u32,
    offset: u64,
    buffer: std::vec::IntoIter<Row>,
    window: Option<Window>,
    polled: bool,
}

/// The rows of `kind` of a job, a page at a time; the job is deleted when
/// they end, or when the stream is dropped (with the last handle).
pub(crate) fn rows(
    job: Arc<Job>,
    kind: Kind,
    page_size: u32,
    window: Option<Window>,
) -> impl Stream<Item = Result<Row, Error>> + Send + 'static {
    let reader = Reader {
        job: Some(job),
        kind,
        page_size,
        offset: 0,
        buffer: Vec::new().into_iter(),
        window,
        polled: false,
    };
    futures::stream::unfold(reader, |mut reader| async move {
        loop {
            if let Some(row) = reader.buffer.next() {
                if reader.window.is_some_and(|w| !w.keeps(&row)) {
                    continue;
                }
                return Some((Ok(row), reader));
            }
            let job = reader.job.clone()?;
            match reader.next_page(&job).await {
                Ok(Some(rows)) => reader.buffer = rows.into_iter(),
                Ok(None) => {
                    reader.job = None;
                    return match job.delete().await {
                        Ok(()) => None,
                        Err(e) => Some((Err(e), reader)),
                    };
                }
                Err(e) => {
                    reader.job = None;
                    // The error is what the caller needs; the job goes anyway.
                    let _ = job.delete().await;
                    return Some((Err(e), reader));
                }
            }
        }
    })
}

impl Reader {
    /// The next page, polling until the job has one; `None` at the end.
    async fn next_page(&mut self, job: &Job) -> Result<Option<Vec<Row>>, Error> {
        loop {
            let (state, messages, records) = job.counts();
            let done = state.is_final();
            let available = match self.kind {
                Kind::Messages => messages,
                // Records change while the job gathers: read them at the end.
                Kind::Records if done => records,
                Kind::Records => 0,
            };
            if self.polled && self.offset < available {
                let limit = (available - self.offset).min(u64::from(self.page_size)) as u32;
                let rows = job.page(self.kind, self.offset, limit).await?;
                if !rows.is_empty() {
                    self.offset += rows.len() as u64;
                    return Ok(Some(rows));
                }
                if done {
                    return Ok(None);
                }
            } else if self.polled && done && self.kind == Kind::Records && self.offset == 0 {
                // No records: ask once, so that Sumo can say the query is
                // not an aggregation (an error) rather than end silently.
                self.offset = 1;
                let rows = job.page(self.kind, 0, 1).await?;
                return Ok((!rows.is_empty()).then_some(rows));
            } else if self.polled && done {
                return match state {
                    State::Cancelled => Err(Error::SearchJob {
                        id: job.id.clone(),
                        message: format!(
                            "the job was cancelled after {} of its results",
                            self.offset
                        ),
                    }),
                    _ => Ok(None),
                };
            }
            if self.polled {
                tokio::time::sleep(job.poll_interval).await;
            }
            job.poll().await?;
            self.polled = true;
        }
    }
}

/// The stream of [`Search::messages`] and [`Search::records`].
pub(crate) fn search(search: Search, kind: Kind) -> Rows {
    if search.split_force_paused && kind == Kind::Messages {
        return split(search);
    }
    let page_size = search.page_size;
    Box::pin(
        futures::stream::once(async move { search.start().await })
            .map(move |started| -> Rows {
                match started {
                    Ok(handle) => Box::pin(rows(handle.job.clone(), kind, page_size, None)),
                    Err(e) => Box::pin(futures::stream::iter([Err(e)])),
                }
            })
            .flatten(),
    )
}

struct Splitter {
    search: Search,
    /// Ranges still to search; the newest on top.
    pending: Vec<(i64, i64)>,
    end: i64,
    current: Option<Rows>,
}

/// Searches the range; a force-paused part is deleted and its halves
/// searched instead, the later half first, so the messages come newest
/// first as in one search.
fn split(search: Search) -> Rows {
    let range = search.range();
    let (from, to) = match range {
        Ok((from, to)) => (from.epoch_millis(), to.epoch_millis()),
        Err(e) => return Box::pin(futures::stream::iter([Err(e)])),
    };
    let splitter = Splitter {
        search,
        pending: vec![(from, to)],
        end: to,
        current: None,
    };
    Box::pin(futures::stream::unfold(splitter, |mut st| async move {
        loop {
            if let Some(current) = &mut st.current {
                match current.next().await {
                    Some(item) => return Some((item, st)),
                    None => st.current = None,
                }
            }
            let (from, to) = st.pending.pop()?;
            match st.part(from, to).await {
                Ok(Some(rows)) => st.current = Some(rows),
                Ok(None) => {}
                Err(e) => {
                    st.pending.clear();
                    return Some((Err(e), st));
                }
            }
        }
    }))
}

impl Splitter {
    /// Runs the search over `from..to`: its messages, or `None` when it was
    /// force-paused and its halves were queued.
    async fn part(&mut self, from: i64, to: i64) -> Result<Option<Rows>, Error> {
        let job = self
            .search
            .start_range(SearchTime::from(from), SearchTime::from(to))
            .await?;
        let progress = job.wait().await?;
        if progress.state != State::ForcePaused {
            let window = Window {
                from,
                to,
                inclusive_end: to == self.end,
            };
            return Ok(Some(Box::pin(rows(
                job.job.clone(),
                Kind::Messages,
                self.search.page_size,
                Some(window),
            ))));
        }
        let id = job.id().to_string();
        job.delete().await?;
        if to - from < 2 {
            return Err(Error::SearchJob {
                id,
                message: format!(
                    "force-paused over {from}..{to} (epoch ms), which cannot be split further"
                ),
            });
        }
        tracing::debug!(job = %id, from, to, "force paused; searching each half");
        let middle = from + (to - from) / 2;
        self.pending.push((from, middle));
        self.pending.push((middle, to));
        Ok(None)
    }
}
