//! The local spec cache (git-ignored): `<dir>/<key>.yaml` plus
//! `<dir>/<key>.http.json` with the validators for conditional requests.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::fsutil::write_atomically;

/// Where the cache lives, relative to the workspace root.
pub const CACHE_DIR: &str = ".cache/specs";

/// HTTP validators of a cached response.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

impl Validators {
    pub fn is_empty(&self) -> bool {
        self.etag.is_none() && self.last_modified.is_none()
    }
}

/// The cache directory.
#[derive(Debug, Clone)]
pub struct Cache {
    pub dir: PathBuf,
}

impl Cache {
    pub fn new(dir: PathBuf) -> Cache {
        Cache { dir }
    }

    /// The cached spec of `key`.
    pub fn spec_path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.yaml"))
    }

    fn validators_path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.http.json"))
    }

    /// Validators for a conditional request: only when the spec itself is
    /// cached (a lone validators file must not turn into a 304 with nothing
    /// behind it).
    pub fn validators(&self, key: &str) -> Option<Validators> {
        if !self.spec_path(key).is_file() {
            return None;
        }
        let text = std::fs::read_to_string(self.validators_path(key)).ok()?;
        serde_json::from_str::<Validators>(&text)
            .ok()
            .filter(|v| !v.is_empty())
    }

    /// Stores an accepted spec, then its validators; each write is atomic.
    pub fn store(&self, key: &str, bytes: &[u8], validators: &Validators) -> anyhow::Result<()> {
        write_atomically(&self.spec_path(key), bytes)?;
        let json = serde_json::to_vec_pretty(validators).map_err(anyhow::Error::from)?;
        write_atomically(&self.validators_path(key), &json)
    }
}

/// Every spec that was once pinned in the lock, by sha256:
/// `.cache/specs/pinned/<sha256>.yaml`, so earlier releases stay comparable
/// (`cargo xtask diff pinned ...`) after the lock moves on.
pub struct PinnedStore {
    dir: PathBuf,
}

/// The pinned-spec store of the workspace at `root`.
pub fn pinned_store(root: &std::path::Path) -> PinnedStore {
    PinnedStore {
        dir: root.join(CACHE_DIR).join("pinned"),
    }
}

impl PinnedStore {
    /// Where the spec with this sha256 is kept.
    pub fn path(&self, sha256: &str) -> PathBuf {
        self.dir.join(format!("{sha256}.yaml"))
    }

    /// Keeps a copy of `source` (whose sha256 is `sha256`) unless one exists.
    pub fn keep(&self, sha256: &str, source: &std::path::Path) -> anyhow::Result<()> {
        let target = self.path(sha256);
        if target.is_file() {
            return Ok(());
        }
        let bytes = std::fs::read(source)
            .map_err(|e| anyhow::anyhow!("cannot read {} to keep it: {e}", source.display()))?;
        write_atomically(&target, &bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinned_specs_are_kept_once_by_sha() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("spec.yaml");
        std::fs::write(&source, "openapi: 3.0.0").unwrap();
        let store = pinned_store(dir.path());
        store.keep("abc", &source).unwrap();
        std::fs::write(&source, "changed").unwrap();
        store.keep("abc", &source).unwrap();
        assert_eq!(
            std::fs::read_to_string(store.path("abc")).unwrap(),
            "openapi: 3.0.0"
        );
        assert!(store.keep("def", &dir.path().join("missing.yaml")).is_err());
    }

    #[test]
    fn validators_need_the_spec_beside_them() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path().join("specs"));
        let v = Validators {
            etag: Some("\"abc\"".into()),
            last_modified: None,
        };
        cache.store("us2", b"openapi: 3.0.0", &v).unwrap();
        assert_eq!(cache.validators("us2"), Some(v.clone()));
        std::fs::remove_file(cache.spec_path("us2")).unwrap();
        assert_eq!(cache.validators("us2"), None);
    }
}
