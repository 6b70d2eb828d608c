//! Loading an OpenAPI document from YAML or JSON, with the checks every
//! command needs before it trusts a spec.

use std::path::{Path, PathBuf};

use serde_json::Value;
use sha2::{Digest, Sha256};

/// Why a spec could not be loaded. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read spec {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("spec {path} is not valid YAML or JSON: {reason}")]
    Syntax { path: PathBuf, reason: String },
    #[error("spec {path} is not an OpenAPI 3.0 document: {reason}")]
    NotOpenApi3 { path: PathBuf, reason: String },
}

/// A spec as read from disk: the parsed document plus the facts the lock
/// records about the bytes it came from.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    pub path: PathBuf,
    pub document: Value,
    pub sha256: String,
    pub size: u64,
}

impl LoadedSpec {
    /// Number of operations (method + path pairs) in the document.
    pub fn operation_count(&self) -> usize {
        operation_count(&self.document)
    }
}

/// Reads and parses `path`, then checks that it is an OpenAPI 3.0.x document
/// with paths.
pub fn load_file(path: &Path) -> Result<LoadedSpec, LoadError> {
    let bytes = std::fs::read(path).map_err(|source| LoadError::Read {
        path: path.to_owned(),
        source,
    })?;
    load_bytes(path, &bytes)
}

/// Parses bytes that were read from (or will be written to) `path`.
pub fn load_bytes(path: &Path, bytes: &[u8]) -> Result<LoadedSpec, LoadError> {
    let document = parse_document(bytes).map_err(|e| LoadError::Syntax {
        path: path.to_owned(),
        reason: format!("{e:#}"),
    })?;
    validate_openapi3(&document).map_err(|e| LoadError::NotOpenApi3 {
        path: path.to_owned(),
        reason: format!("{e:#}"),
    })?;
    Ok(LoadedSpec {
        path: path.to_owned(),
        document,
        sha256: sha256_hex(bytes),
        size: bytes.len() as u64,
    })
}

/// Parses YAML or JSON into a JSON value. JSON is tried first when the text
/// starts like JSON because it is faster; YAML is a superset, so everything
/// else goes through the YAML parser. YAML tags that JSON cannot express
/// (Sumo's `!!binary` examples) keep their scalar text.
pub fn parse_document(bytes: &[u8]) -> anyhow::Result<Value> {
    let text = std::str::from_utf8(bytes).map_err(|e| anyhow::anyhow!("not UTF-8: {e}"))?;
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.is_empty() {
        return Err(anyhow::anyhow!("the file is empty"));
    }
    if trimmed.starts_with('{') {
        return serde_json::from_str(trimmed).map_err(|e| anyhow::anyhow!("invalid JSON: {e}"));
    }
    serde_norway::from_str(trimmed).map_err(|e| anyhow::anyhow!("invalid YAML: {e}"))
}

/// Checks the parts of an OpenAPI 3.0 document that later stages rely on.
pub fn validate_openapi3(document: &Value) -> anyhow::Result<()> {
    let Some(root) = document.as_object() else {
        return Err(anyhow::anyhow!(
            "the document is a {}, not a mapping",
            kind_of(document)
        ));
    };
    match root.get("openapi") {
        Some(Value::String(v)) if v.starts_with("3.0.") || v == "3.0" => {}
        Some(Value::String(v)) => {
            return Err(anyhow::anyhow!(
                "`openapi: {v}` is not supported; expected 3.0.x"
            ));
        }
        Some(other) => {
            return Err(anyhow::anyhow!(
                "`openapi` is a {}, expected a version string",
                kind_of(other)
            ));
        }
        None if root.contains_key("swagger") => {
            return Err(anyhow::anyhow!(
                "this is a Swagger 2.0 document; expected OpenAPI 3.0.x"
            ));
        }
        None => return Err(anyhow::anyhow!("the `openapi` version field is missing")),
    }
    match root.get("paths") {
        Some(Value::Object(paths)) if !paths.is_empty() => Ok(()),
        Some(Value::Object(_)) => Err(anyhow::anyhow!("`paths` is empty")),
        Some(other) => Err(anyhow::anyhow!(
            "`paths` is a {}, not a mapping",
            kind_of(other)
        )),
        None => Err(anyhow::anyhow!("`paths` is missing")),
    }
}

/// HTTP methods that OpenAPI 3.0 allows as keys of a path item.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Counts the operations of a document.
pub fn operation_count(document: &Value) -> usize {
    operations(document).count()
}

/// Iterates `(path, method, operation)` over a document's operations.
pub fn operations(document: &Value) -> impl Iterator<Item = (&str, &str, &Value)> {
    document
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|paths| paths.iter())
        .flat_map(|(path, item)| {
            METHODS.iter().filter_map(move |method| {
                item.get(*method)
                    .map(|operation| (path.as_str(), *method, operation))
            })
        })
}

/// Lower-case hexadecimal SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "mapping",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<LoadedSpec, LoadError> {
        load_bytes(Path::new("fixture.yaml"), text.as_bytes())
    }

    const MINIMAL: &str = "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get: {responses: {'200': {description: ok}}}\n    post: {responses: {'200': {description: ok}}}\n";

    #[test]
    fn loads_yaml_and_counts_operations() {
        let spec = load(MINIMAL).expect("minimal spec loads");
        assert_eq!(spec.operation_count(), 2);
        assert_eq!(spec.size, MINIMAL.len() as u64);
        assert_eq!(spec.sha256, sha256_hex(MINIMAL.as_bytes()));
        assert_eq!(spec.sha256.len(), 64);
    }

    #[test]
    fn loads_json() {
        let json = r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"responses":{}}}}}"#;
        let spec = load(json).expect("json loads");
        assert_eq!(spec.operation_count(), 1);
    }

    #[test]
    fn binary_tagged_scalars_keep_their_text() {
        let text = format!(
            "{MINIMAL}components:\n  schemas:\n    A:\n      type: string\n      example: !!binary |-\n        aGVsbG8=\n"
        );
        let spec = load(&text).expect("!!binary loads");
        assert_eq!(
            spec.document["components"]["schemas"]["A"]["example"],
            "aGVsbG8="
        );
    }

    #[test]
    fn rejects_invalid_yaml_naming_the_file() {
        let err = load("openapi: 3.0.0\npaths: [unclosed\n").unwrap_err();
        let message = err.to_string();
        assert!(message.contains("fixture.yaml"), "{message}");
        assert!(message.contains("invalid YAML"), "{message}");
    }

    #[test]
    fn rejects_other_versions_and_shapes() {
        for (text, needle) in [
            ("swagger: '2.0'\npaths: {}\n", "Swagger 2.0"),
            ("openapi: 3.1.0\npaths: {/a: {}}\n", "3.1.0"),
            ("openapi: 3.0.0\n", "`paths` is missing"),
            ("openapi: 3.0.0\npaths: {}\n", "`paths` is empty"),
            ("- a\n- b\n", "list, not a mapping"),
            ("   \n", "empty"),
        ] {
            let message = load(text).unwrap_err().to_string();
            assert!(message.contains(needle), "{text:?}: {message}");
            assert!(message.contains("fixture.yaml"), "{message}");
        }
    }

    #[test]
    fn missing_file_is_a_read_error() {
        let err = load_file(Path::new("/nonexistent/spec.yaml")).unwrap_err();
        assert!(matches!(err, LoadError::Read { .. }));
        assert!(err.to_string().contains("/nonexistent/spec.yaml"));
    }
}
