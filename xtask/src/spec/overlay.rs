//! Overlays: our fixes for plain mistakes in an upstream spec.
//!
//! An overlay file (`openapi/overlays/<api>.yaml`) lists fixes; each fix has a
//! `reason` and an RFC 6902 JSON Patch. A fix applies whole or not at all: when
//! its patch does not apply (a `test` fails, or a path is gone because Sumo
//! fixed or removed the schema), the document is left as it was and the fix is
//! reported as not applicable. Put a `test` first to pin the mistake, so a fix
//! never lands on a spec that changed under it.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use crate::spec::load::parse_document;

/// One overlay file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overlay {
    /// For readers of the file; not used by the tool.
    #[serde(default)]
    #[allow(dead_code)]
    pub description: Option<String>,
    pub fixes: Vec<Fix>,
}

/// A fix: why, and the patch.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fix {
    pub reason: String,
    pub patch: json_patch::Patch,
}

/// What applying an overlay did.
#[derive(Debug, Default)]
pub struct OverlayReport {
    pub applied: Vec<String>,
    pub not_applicable: Vec<(String, String)>,
}

#[derive(Debug, thiserror::Error)]
pub enum OverlayError {
    #[error("cannot read overlay {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("overlay {path} is invalid: {reason}")]
    Invalid { path: PathBuf, reason: String },
}

impl Overlay {
    /// Reads an overlay; a missing file is an empty overlay.
    pub fn load(path: &Path) -> Result<Overlay, OverlayError> {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Overlay {
                    description: None,
                    fixes: Vec::new(),
                });
            }
            Err(source) => {
                return Err(OverlayError::Read {
                    path: path.to_owned(),
                    source,
                });
            }
        };
        let invalid = |reason: String| OverlayError::Invalid {
            path: path.to_owned(),
            reason,
        };
        let value = parse_document(&bytes).map_err(|e| invalid(format!("{e:#}")))?;
        serde_json::from_value(value).map_err(|e| invalid(e.to_string()))
    }

    /// Applies every fix that applies.
    pub fn apply(&self, document: &mut Value) -> OverlayReport {
        let mut report = OverlayReport::default();
        for fix in &self.fixes {
            // json_patch::patch undoes its own partial work on failure.
            match json_patch::patch(document, &fix.patch) {
                Ok(()) => report.applied.push(fix.reason.clone()),
                Err(e) => report
                    .not_applicable
                    .push((fix.reason.clone(), e.to_string())),
            }
        }
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn overlay(text: &str) -> Overlay {
        let value = parse_document(text.as_bytes()).unwrap();
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn applies_fixes_whose_test_passes_and_skips_the_rest_whole() {
        let o = overlay(
            "fixes:
  - reason: capital type
    patch:
      - {op: test, path: /s/A/type, value: String}
      - {op: replace, path: /s/A/type, value: string}
  - reason: already fixed upstream
    patch:
      - {op: remove, path: /s/B/extra}
      - {op: test, path: /s/B/type, value: Integer}
  - reason: gone
    patch:
      - {op: remove, path: /s/C/discriminator}
",
        );
        let mut doc = json!({"s": {"A": {"type": "String"}, "B": {"type": "integer", "extra": 1}}});
        let report = o.apply(&mut doc);
        assert_eq!(report.applied, vec!["capital type".to_string()]);
        assert_eq!(report.not_applicable.len(), 2);
        assert_eq!(doc["s"]["A"]["type"], "string");
        // The failed fix removed `extra` before its test failed: undone.
        assert_eq!(doc["s"]["B"], json!({"type": "integer", "extra": 1}));
    }

    #[test]
    fn malformed_overlay_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("regional.yaml");
        std::fs::write(
            &path,
            "fixes:\n  - reason: x\n    patch: [{op: frobnicate, path: /a}]\n",
        )
        .unwrap();
        let err = Overlay::load(&path).unwrap_err().to_string();
        assert!(err.contains("regional.yaml"), "{err}");
        assert!(err.contains("frobnicate"), "{err}");
        assert!(
            Overlay::load(&dir.path().join("absent.yaml"))
                .unwrap()
                .fixes
                .is_empty()
        );
    }
}
