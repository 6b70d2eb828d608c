//! When a search starts and ends.

use chrono::{DateTime, TimeZone};

use crate::Error;

/// A bound of a search's time range: epoch milliseconds, or a date-time
/// (sent as epoch milliseconds, so it needs no time zone on the server).
///
/// ```
/// use sumo_ext::search::SearchTime;
///
/// let from = SearchTime::parse("2026-12-01T00:00:00Z").unwrap();
/// assert_eq!(from, SearchTime::from(1_796_083_200_000));
/// assert_eq!(SearchTime::parse("1796083200000").unwrap(), from);
/// assert!(SearchTime::parse("yesterday").is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct SearchTime(i64);

impl SearchTime {
    /// Epoch milliseconds (digits, optionally negative) or an RFC 3339
    /// date-time with its offset (`2026-12-01T00:00:00Z`).
    pub fn parse(text: &str) -> Result<SearchTime, Error> {
        let text = text.trim();
        if let Ok(millis) = text.parse::<i64>() {
            return Ok(SearchTime(millis));
        }
        DateTime::parse_from_rfc3339(text)
            .map(SearchTime::from)
            .map_err(|e| Error::InvalidRequest {
                operation: "search",
                message: format!(
                    "`{text}` is neither epoch milliseconds nor an RFC 3339 date-time: {e}"
                ),
            })
    }

    /// Milliseconds since the epoch.
    pub fn epoch_millis(self) -> i64 {
        self.0
    }
}

impl From<i64> for SearchTime {
    fn from(millis: i64) -> SearchTime {
        SearchTime(millis)
    }
}

impl<Tz: TimeZone> From<DateTime<Tz>> for SearchTime {
    fn from(time: DateTime<Tz>) -> SearchTime {
        SearchTime(time.timestamp_millis())
    }
}

impl std::fmt::Display for SearchTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}
