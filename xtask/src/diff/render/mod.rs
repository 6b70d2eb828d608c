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

/// One change as a person reads it: the changes of one origin, kind and
/// severity, wherever they are reached, with the operations that reach
/// them.
pub struct Group<'a> {
    /// The first of them (its id and Rust effect stand for all).
    pub first: &'a Change,
    /// Every operation that reaches it, in order, once each.
    pub operations: Vec<&'a str>,
    /// Whether it is reached both in requests and in responses.
    pub both_sides: bool,
}

impl Group<'_> {
    /// The first change's message, saying so when the change is reached on
    /// both sides (`request and response: ...`).
    pub fn message(&self) -> String {
        let message = &self.first.message;
        if !self.both_sides {
            return message.clone();
        }
        let rest = message
            .strip_prefix("request: ")
            .or_else(|| message.strip_prefix("response: "));
        match rest {
            Some(rest) => format!("request and response: {rest}"),
            None => message.clone(),
        }
    }
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

    /// The shown changes folded by origin, breaking first, then in the order
    /// they were found.
    pub fn groups(&self) -> Vec<Group<'_>> {
        groups(self.shown())
    }

    /// `major (0.1.0 → 0.2.0)` or `major`.
    pub fn bump_text(bump: Bump, current: Option<&str>) -> String {
        match current.and_then(|v| bump.apply(v).map(|next| (v, next))) {
            Some((from, to)) if bump != Bump::None => format!("{} ({from} → {to})", bump.as_str()),
            _ => bump.as_str().to_string(),
        }
    }
}

/// The first `most` items joined by `, `, and how many were left out.
pub fn listed(items: &[&str], most: usize) -> String {
    let mut text = items
        .iter()
        .take(most)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > most {
        text.push_str(&format!(" (+{} more)", items.len() - most));
    }
    text
}

/// `changes` folded by origin, kind and severity: breaking first, then in
/// the order they were found.
pub fn groups<'a>(changes: impl IntoIterator<Item = &'a Change>) -> Vec<Group<'a>> {
    let mut groups: Vec<Group<'a>> = Vec::new();
    let mut index: std::collections::HashMap<_, usize> = std::collections::HashMap::new();
    for change in changes {
        let key = (change.origin.as_str(), change.kind, change.severity);
        match index.get(&key) {
            Some(&at) => {
                let group = &mut groups[at];
                group.both_sides |= change.direction != group.first.direction;
                if !group.operations.contains(&change.operation.as_str()) {
                    group.operations.push(&change.operation);
                }
            }
            None => {
                index.insert(key, groups.len());
                groups.push(Group {
                    first: change,
                    operations: vec![&change.operation],
                    both_sides: false,
                });
            }
        }
    }
    // Stable: within a severity, the order of discovery stays.
    groups.sort_by_key(|g| std::cmp::Reverse(g.first.severity));
    groups
}
