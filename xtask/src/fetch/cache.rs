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
    pub fn store(&self, key: &str, bytes: &[u8], validators: &Validators) -> Result<(), String> {
        write_atomically(&self.spec_path(key), bytes)?;
        let json = serde_json::to_vec_pretty(validators).map_err(|e| e.to_string())?;
        write_atomically(&self.validators_path(key), &json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
