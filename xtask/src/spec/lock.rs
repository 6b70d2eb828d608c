//! `openapi/lock.toml`: which spec each checked-in generated module came from.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::fsutil::write_atomically;

/// The lock file. Sections this version does not know are kept as they are.
#[derive(Debug, Default, Clone, Serialize, Deserialize, PartialEq)]
pub struct Lock {
    /// Per generated API (`regional`, `organizations`).
    #[serde(default)]
    pub api: BTreeMap<String, LockedSpec>,
    /// Per fetch target (lower-case deployment code, or `organizations`): the
    /// spec last accepted by `cargo xtask fetch`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub deployments: BTreeMap<String, FetchedSpec>,
    #[serde(flatten)]
    pub rest: toml::Table,
}

/// The spec one API was generated from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LockedSpec {
    /// Where the spec was read, relative to the workspace root when inside it
    /// or beside it (`../shared/...`).
    pub source: String,
    pub sha256: String,
    pub size: u64,
    pub operations: usize,
}

/// A spec accepted by `cargo xtask fetch`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FetchedSpec {
    pub url: String,
    pub sha256: String,
    pub size: u64,
    /// RFC 3339, UTC.
    pub fetched_at: String,
    pub operations: usize,
}

const HEADER: &str = "# Written by `cargo xtask generate`: the specs the checked-in client in\n# generated-client/ was generated from. `cargo xtask generate --check` fails\n# when a source's sha256 differs from the one recorded here.\n\n";

impl Lock {
    /// Reads the lock; a missing file is an empty lock.
    pub fn read(path: &Path) -> anyhow::Result<Lock> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Lock::default()),
            Err(e) => return Err(anyhow::anyhow!("cannot read lock {}: {e}", path.display())),
        };
        Lock::parse(&text, &path.display().to_string())
    }

    /// Parses a lock's text; `name` says where it came from, for errors.
    pub fn parse(text: &str, name: &str) -> anyhow::Result<Lock> {
        toml::from_str(text).map_err(|e| anyhow::anyhow!("lock {name} is invalid: {e}"))
    }

    /// The file's text, with its explanatory header.
    pub fn render(&self) -> anyhow::Result<String> {
        let body =
            toml::to_string_pretty(self).map_err(|e| anyhow::anyhow!("cannot encode lock: {e}"))?;
        Ok(format!("{HEADER}{body}"))
    }

    /// Writes the lock atomically.
    pub fn write(&self, path: &Path) -> anyhow::Result<()> {
        write_atomically(path, self.render()?.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_keeps_unknown_sections() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lock.toml");
        std::fs::write(
            &path,
            "[api.regional]\nsource = \"a.yaml\"\nsha256 = \"ab\"\nsize = 3\noperations = 2\n\n[future.section]\nurl = \"https://x\"\n",
        )
        .unwrap();
        let mut lock = Lock::read(&path).unwrap();
        assert_eq!(lock.api["regional"].operations, 2);
        lock.api.get_mut("regional").unwrap().operations = 5;
        lock.write(&path).unwrap();
        let again = Lock::read(&path).unwrap();
        assert_eq!(again.api["regional"].operations, 5);
        assert_eq!(
            again.rest["future"]["section"]["url"].as_str(),
            Some("https://x")
        );
        assert!(
            std::fs::read_to_string(&path)
                .unwrap()
                .starts_with("# Written by")
        );
    }

    #[test]
    fn missing_is_empty_and_garbage_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            Lock::read(&dir.path().join("none.toml")).unwrap(),
            Lock::default()
        );
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, "[api.regional\n").unwrap();
        let err = Lock::read(&path).unwrap_err().to_string();
        assert!(err.contains("bad.toml"), "{err}");
    }
}
