//! A search job's state, and what its status answers carry.

use serde::Deserialize;

/// Where a search job is. Sumo may add states: an unknown one is kept in
/// [`State::Unknown`], never an error.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum State {
    NotStarted,
    GatheringResults,
    DoneGatheringResults,
    /// A non-aggregate search stopped at Sumo's message limit (about 100,000).
    ForcePaused,
    Cancelled,
    /// A state this version does not know, as Sumo wrote it.
    Unknown(String),
}

impl State {
    /// The state Sumo names `text` (`"GATHERING RESULTS"`, ...).
    pub fn from_wire(text: &str) -> State {
        match text {
            "NOT STARTED" => State::NotStarted,
            "GATHERING RESULTS" => State::GatheringResults,
            "DONE GATHERING RESULTS" => State::DoneGatheringResults,
            "FORCE PAUSED" => State::ForcePaused,
            "CANCELLED" => State::Cancelled,
            other => State::Unknown(other.to_string()),
        }
    }

    /// The name Sumo gives the state.
    pub fn as_str(&self) -> &str {
        match self {
            State::NotStarted => "NOT STARTED",
            State::GatheringResults => "GATHERING RESULTS",
            State::DoneGatheringResults => "DONE GATHERING RESULTS",
            State::ForcePaused => "FORCE PAUSED",
            State::Cancelled => "CANCELLED",
            State::Unknown(text) => text,
        }
    }

    /// Whether the job gathers no more results. An unknown state is taken
    /// for a running one: polling goes on.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            State::DoneGatheringResults | State::ForcePaused | State::Cancelled
        )
    }
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Messages found in a stretch of the time range.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HistogramBucket {
    /// Start of the bucket, epoch milliseconds.
    pub start_timestamp: i64,
    /// Width of the bucket, milliseconds.
    pub length: i64,
    pub count: u64,
}

/// One status answer. Errors, warnings and buckets are only those new
/// since the previous poll; [`Progress`] adds them up.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Status {
    pub state: State,
    pub message_count: u64,
    pub record_count: u64,
    pub pending_errors: Vec<String>,
    pub pending_warnings: Vec<String>,
    pub histogram_buckets: Vec<HistogramBucket>,
}

/// The status answer as Sumo writes it. Every field may be missing.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WireStatus {
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    message_count: Option<u64>,
    #[serde(default)]
    record_count: Option<u64>,
    #[serde(default)]
    pending_errors: Vec<serde_json::Value>,
    #[serde(default)]
    pending_warnings: Vec<serde_json::Value>,
    #[serde(default)]
    histogram_buckets: Vec<HistogramBucket>,
}

impl From<WireStatus> for Status {
    fn from(wire: WireStatus) -> Status {
        // Errors and warnings are strings; anything else is kept as JSON.
        let texts = |values: Vec<serde_json::Value>| {
            values
                .into_iter()
                .map(|v| match v {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                })
                .collect()
        };
        Status {
            state: State::from_wire(wire.state.as_deref().unwrap_or("NOT STARTED")),
            message_count: wire.message_count.unwrap_or(0),
            record_count: wire.record_count.unwrap_or(0),
            pending_errors: texts(wire.pending_errors),
            pending_warnings: texts(wire.pending_warnings),
            histogram_buckets: wire.histogram_buckets,
        }
    }
}

/// What a job's polls found so far: the latest state and counts, and every
/// error, warning and histogram bucket of all the polls.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Progress {
    pub state: State,
    pub message_count: u64,
    pub record_count: u64,
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
    pub histogram_buckets: Vec<HistogramBucket>,
    /// Status requests made.
    pub polls: u32,
}

impl Default for Progress {
    fn default() -> Progress {
        Progress {
            state: State::NotStarted,
            message_count: 0,
            record_count: 0,
            errors: Vec::new(),
            warnings: Vec::new(),
            histogram_buckets: Vec::new(),
            polls: 0,
        }
    }
}

impl Progress {
    /// Adds one poll's answer.
    pub(crate) fn add(&mut self, status: &Status) {
        self.state = status.state.clone();
        self.message_count = status.message_count;
        self.record_count = status.record_count;
        self.errors.extend(status.pending_errors.iter().cloned());
        self.warnings
            .extend(status.pending_warnings.iter().cloned());
        self.histogram_buckets
            .extend(status.histogram_buckets.iter().cloned());
        self.polls += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_and_unknown_ones_are_kept() {
        for text in [
            "NOT STARTED",
            "GATHERING RESULTS",
            "DONE GATHERING RESULTS",
            "FORCE PAUSED",
            "CANCELLED",
            "WARMING UP",
        ] {
            assert_eq!(State::from_wire(text).as_str(), text);
        }
        assert!(!State::from_wire("WARMING UP").is_final());
        assert!(State::ForcePaused.is_final());
    }

    #[test]
    fn progress_adds_up_what_each_poll_says_is_new() {
        let poll =
            |json: &str| -> Status { serde_json::from_str::<WireStatus>(json).unwrap().into() };
        let mut progress = Progress::default();
        progress.add(&poll(
            r#"{"state":"GATHERING RESULTS","messageCount":5,"pendingWarnings":["slow"],
               "histogramBuckets":[{"startTimestamp":0,"length":60000,"count":5}]}"#,
        ));
        progress.add(&poll(
            r#"{"state":"DONE GATHERING RESULTS","messageCount":9,"recordCount":1,
               "pendingErrors":["partial"],"pendingWarnings":["slower"],
               "histogramBuckets":[{"startTimestamp":60000,"length":60000,"count":4}],"extra":true}"#,
        ));
        assert_eq!(progress.state, State::DoneGatheringResults);
        assert_eq!((progress.message_count, progress.record_count), (9, 1));
        assert_eq!(progress.warnings, ["slow", "slower"]);
        assert_eq!(progress.errors, ["partial"]);
        assert_eq!(progress.histogram_buckets.len(), 2);
        assert_eq!(progress.polls, 2);
        // A status with nothing in it still parses.
        assert_eq!(poll("{}").state, State::NotStarted);
    }
}
