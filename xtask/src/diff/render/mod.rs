//! Output formats: text (coloured on a terminal), Markdown, JSON, GitHub
//! Actions workflow commands.

pub mod github;
pub mod json;
pub mod markdown;
pub mod text;

use serde::Serialize;

use super::semver::{Bump, Semver};
use super::{Change, Diff, Severity};

/// One side of the comparison, as reported.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    /// The argument given (path, `pinned`, …).
    pub input: String,
    pub path: String,
    pub sha256: String,
    pub size: u64,
    pub operations: usize,
}

/// Current versions of the crates, when known (to print the next version).
#[derive(Debug, Clone, Default)]
pub struct Versions {
    pub generated: Option<String>,
    pub extension: Option<String>,
}

/// Everything a renderer needs.
pub struct Report<'a> {
    pub old: Source,
    pub new: Source,
    pub diff: &'a Diff,
    pub semver: Semver,
    pub versions: Versions,
}

/// Change counts by severity (ignored changes counted apart).
#[derive(Debug, Default, Clone, Copy, Serialize, PartialEq)]
pub struct Counts {
    pub breaking: usize,
    pub warning: usize,
    pub info: usize,
    pub ignored: usize,
}

impl Report<'_> {
    pub fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for change in &self.diff.changes {
            match (change.ignored, change.severity) {
                (true, _) => counts.ignored += 1,
                (false, Severity::Breaking) => counts.breaking += 1,
                (false, Severity::Warning) => counts.warning += 1,
                (false, Severity::Info) => counts.info += 1,
            }
        }
        counts
    }

    /// Changes that are not ignored.
    pub fn shown(&self) -> impl Iterator<Item = &Change> {
        self.diff.changes.iter().filter(|c| !c.ignored)
    }

    /// `major (0.1.0 → 0.2.0)` or `major`.
    pub fn bump_text(bump: Bump, current: Option<&str>) -> String {
        match current.and_then(|v| bump.apply(v).map(|next| (v, next))) {
            Some((from, to)) if bump != Bump::None => format!("{} ({from} → {to})", bump.as_str()),
            _ => bump.as_str().to_string(),
        }
    }
}
