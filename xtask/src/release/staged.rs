//! The files a release writes, applied together: each file's previous
//! content is read first, and when a write fails the files already written
//! are put back, so the working tree ends as it was or fully released.

use std::path::Path;

use anyhow::{Context, Result, anyhow};

use crate::fsutil::write_atomically;

/// A file's new content, or its removal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Write(String),
    Remove,
}

/// Pending changes, by path relative to the workspace root.
#[derive(Debug, Default, Clone)]
pub struct Staged {
    changes: Vec<(String, Change)>,
}

impl Staged {
    /// Stages `text` for `path`, replacing what was staged for it.
    pub fn write(&mut self, path: impl Into<String>, text: String) {
        self.set(path.into(), Change::Write(text));
    }

    /// Stages the removal of `path`.
    pub fn remove(&mut self, path: impl Into<String>) {
        self.set(path.into(), Change::Remove);
    }

    fn set(&mut self, path: String, change: Change) {
        match self.changes.iter_mut().find(|(p, _)| *p == path) {
            Some(slot) => slot.1 = change,
            None => self.changes.push((path, change)),
        }
    }

    /// What is staged for `path`.
    pub fn get(&self, path: &str) -> Option<&Change> {
        self.changes.iter().find(|(p, _)| p == path).map(|(_, c)| c)
    }

    /// Every staged change, in the order staged.
    pub fn changes(&self) -> &[(String, Change)] {
        &self.changes
    }

    /// Applies every change under `root`; returns how many files changed.
    /// On a failure the files already changed get their previous content
    /// back and the error says so.
    pub fn apply(&self, root: &Path) -> Result<usize> {
        let mut done: Vec<(&str, Option<Vec<u8>>)> = Vec::new();
        for (path, change) in &self.changes {
            let target = root.join(path);
            let previous = match std::fs::read(&target) {
                Ok(bytes) => Some(bytes),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => {
                    let error = anyhow!("cannot read {path} before replacing it: {e}");
                    return Err(restore(root, &done, error));
                }
            };
            let result = match change {
                Change::Write(text) if previous.as_deref() == Some(text.as_bytes()) => continue,
                Change::Remove if previous.is_none() => continue,
                Change::Write(text) => write_atomically(&target, text.as_bytes()),
                Change::Remove => {
                    std::fs::remove_file(&target).with_context(|| format!("cannot remove {path}"))
                }
            };
            if let Err(error) = result {
                return Err(restore(root, &done, error));
            }
            done.push((path, previous));
        }
        Ok(done.len())
    }
}

/// Puts back the files in `done`, then returns `error` saying whether that
/// worked.
fn restore(root: &Path, done: &[(&str, Option<Vec<u8>>)], error: anyhow::Error) -> anyhow::Error {
    let mut failed = Vec::new();
    for (path, previous) in done.iter().rev() {
        let target = root.join(path);
        let result = match previous {
            Some(bytes) => write_atomically(&target, bytes),
            None => std::fs::remove_file(&target).map_err(anyhow::Error::from),
        };
        if let Err(e) = result {
            failed.push(format!("{path}: {e:#}"));
        }
    }
    if failed.is_empty() {
        error.context(format!(
            "nothing was released: the {} file(s) already written were put back",
            done.len()
        ))
    } else {
        error.context(format!(
            "the release stopped half-way and these files could not be put back: {}",
            failed.join("; ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_writes_and_removals_and_counts_real_changes() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("same.txt"), "same").unwrap();
        std::fs::write(dir.path().join("old.txt"), "old").unwrap();
        let mut staged = Staged::default();
        staged.write("same.txt", "same".into());
        staged.write("sub/new.txt", "first".into());
        staged.write("sub/new.txt", "new".into());
        staged.remove("old.txt");
        staged.remove("absent.txt");
        assert_eq!(staged.apply(dir.path()).unwrap(), 2);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("sub/new.txt")).unwrap(),
            "new"
        );
        assert!(!dir.path().join("old.txt").exists());
    }

    #[test]
    fn a_failed_write_puts_back_what_was_written() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "a before").unwrap();
        // A directory where a file should go: the write fails.
        std::fs::create_dir_all(dir.path().join("blocked/inner")).unwrap();
        let mut staged = Staged::default();
        staged.write("a.txt", "a after".into());
        staged.write("b.txt", "b after".into());
        staged.write("blocked", "cannot".into());
        let error = format!("{:#}", staged.apply(dir.path()).unwrap_err());
        assert!(error.contains("nothing was released"), "{error}");
        assert!(error.contains("blocked"), "{error}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a.txt")).unwrap(),
            "a before"
        );
        assert!(!dir.path().join("b.txt").exists());
    }
}
