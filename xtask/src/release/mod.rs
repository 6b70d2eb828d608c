//! What `cargo xtask sync` does once the new specs are fetched: guard them
//! against the pinned ones, check the whole workspace against the client
//! they generate, and record the release (versions, changelogs). Nothing in
//! the working tree changes until every step has passed.

pub mod candidate;
pub mod changelog;
pub mod guards;
pub mod staged;
pub mod version;

use crate::diff::Diff;
use crate::spec::load::LoadedSpec;

/// One API's move from its pinned spec to the fetched one.
pub struct ApiUpdate {
    /// `regional` or `organizations`.
    pub api: &'static str,
    pub old: LoadedSpec,
    pub new: LoadedSpec,
    pub diff: Diff,
}

impl ApiUpdate {
    /// Whether the fetched spec is another document than the pinned one.
    pub fn changed(&self) -> bool {
        self.old.sha256 != self.new.sha256
    }
}
