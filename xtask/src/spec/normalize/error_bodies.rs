//! Error responses keep their status and their whole body.
//!
//! Sumo answers errors in two shapes: `{id, errors: [{code, message, detail?,
//! meta?}]}` (the documented `ErrorResponse`) and an older
//! `{status, id, code, message}`; proxies in front of it answer with HTML.
//! progenitor parses a typed error body with serde and, when that fails,
//! returns the bytes without the HTTP status. So:
//! - error responses (`4XX`, `5XX`, 4xx/5xx codes) become raw bodies: the
//!   caller gets `Error::ErrorResponse` with status, headers and every byte;
//! - each schema those responses named accepts both shapes (every field
//!   optional, the legacy fields added), so `serde_json::from_slice` into it
//!   never fails on a JSON error from Sumo; it is compiled whatever the
//!   cargo features (`x-sumo-always-compiled`).

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::walk::{for_each_operation_mut, schema_ref_name, schemas_mut};
use super::{Pass, PassReport};

/// Marks a schema compiled whatever the cargo features: the error schemas,
/// which no operation references once error bodies are raw (read by the
/// code generator's feature plan).
pub const ALWAYS_EXTENSION: &str = "x-sumo-always-compiled";

pub struct ErrorBodies;

/// Fields of the older error shape, added to every error schema.
const LEGACY_FIELDS: [(&str, &str, &str); 4] = [
    (
        "status",
        "integer",
        "HTTP status, in the older error shape.",
    ),
    (
        "id",
        "string",
        "An identifier for the error, unique to the request.",
    ),
    ("code", "string", "Error code, in the older error shape."),
    (
        "message",
        "string",
        "Error message, in the older error shape.",
    ),
];

impl Pass for ErrorBodies {
    fn name(&self) -> &'static str {
        "error-bodies"
    }

    fn summary(&self) -> &'static str {
        "error responses stay raw (status + body); error schemas accept both shapes"
    }

    fn run(&self, document: &mut Value) -> anyhow::Result<PassReport> {
        let mut report = PassReport::default();
        let mut error_schemas = BTreeSet::new();
        let mut shared_responses = BTreeSet::new();
        for_each_operation_mut(document, |_, _, operation| {
            let Some(Value::Object(responses)) = operation.get_mut("responses") else {
                return;
            };
            for (status, response) in responses.iter_mut() {
                if !is_error_status(status) {
                    continue;
                }
                match response.get("$ref").and_then(Value::as_str) {
                    Some(reference) => {
                        shared_responses.insert(reference.to_string());
                    }
                    None => {
                        if make_raw(response, &mut error_schemas) {
                            report.changes += 1;
                        }
                    }
                }
            }
        });
        for reference in shared_responses {
            let name = reference
                .strip_prefix("#/components/responses/")
                .ok_or_else(|| anyhow::anyhow!("unsupported response reference {reference}"))?;
            let response = document
                .pointer_mut(&format!("/components/responses/{}", escape(name)))
                .ok_or_else(|| {
                    anyhow::anyhow!("response reference {reference} does not resolve")
                })?;
            if make_raw(response, &mut error_schemas) {
                report.changes += 1;
            }
        }
        let schemas = schemas_mut(document);
        let mut widened = Vec::new();
        if let Some(schemas) = schemas {
            for name in &error_schemas {
                if let Some(Value::Object(schema)) = schemas.get_mut(name) {
                    accept_both_shapes(schema);
                    widened.push(name.as_str());
                }
            }
        }
        if !widened.is_empty() {
            report
                .notes
                .push(format!("accept both error shapes: {}", widened.join(", ")));
        }
        Ok(report)
    }
}

fn is_error_status(status: &str) -> bool {
    let first = status.as_bytes().first();
    matches!(first, Some(b'4' | b'5')) && status.len() == 3
}

/// Replaces a response's JSON content by a raw body; records the schema it
/// named. Returns whether anything changed.
fn make_raw(response: &mut Value, error_schemas: &mut BTreeSet<String>) -> bool {
    let Some(Value::Object(content)) = response.get_mut("content") else {
        return false;
    };
    let json_types: Vec<String> = content
        .keys()
        .filter(|k| k.as_str() == "application/json" || k.starts_with("application/json;"))
        .cloned()
        .collect();
    if json_types.is_empty() {
        return false;
    }
    for key in json_types {
        if let Some(media) = content.shift_remove(&key)
            && let Some(name) = media
                .pointer("/schema/$ref")
                .and_then(Value::as_str)
                .and_then(schema_ref_name)
        {
            error_schemas.insert(name.to_string());
        }
    }
    content.insert(
        "*/*".into(),
        json!({"schema": {"type": "string", "format": "binary"}}),
    );
    true
}

/// Every field optional, and the legacy shape's fields present. Marked as
/// compiled with any cargo features: callers parse error bodies of every
/// operation with it, though no operation names it any more.
fn accept_both_shapes(schema: &mut Map<String, Value>) {
    schema.remove("required");
    schema.insert(ALWAYS_EXTENSION.into(), Value::Bool(true));
    let properties = schema
        .entry("properties")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(properties) = properties {
        for (name, kind, description) in LEGACY_FIELDS {
            properties
                .entry(name.to_string())
                .or_insert_with(|| json!({"type": kind, "description": description}));
        }
    }
}

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_responses_become_raw_and_error_schema_accepts_both_shapes() {
        let json_error = json!({"description": "failed", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/ErrorResponse"}}}});
        let mut doc = json!({
            "paths": {"/a": {"get": {"responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}},
                "4XX": json_error,
                "503": {"$ref": "#/components/responses/Unavailable"},
                "5XX": {"description": "no body"}
            }}}},
            "components": {
                "responses": {"Unavailable": json_error},
                "schemas": {"ErrorResponse": {
                    "type": "object", "required": ["id", "errors"],
                    "properties": {"id": {"type": "string", "description": "kept"}, "errors": {"type": "array", "items": {}}}
                }}
            }
        });
        let report = ErrorBodies.run(&mut doc).unwrap();
        assert_eq!(report.changes, 2);
        let raw = json!({"*/*": {"schema": {"type": "string", "format": "binary"}}});
        let responses = &doc["paths"]["/a"]["get"]["responses"];
        assert_eq!(responses["4XX"]["content"], raw);
        assert_eq!(responses["4XX"]["description"], "failed");
        assert_eq!(
            doc["components"]["responses"]["Unavailable"]["content"],
            raw
        );
        // Success bodies and body-less errors are untouched.
        assert!(responses["200"]["content"]["application/json"].is_object());
        assert!(responses["5XX"].get("content").is_none());
        let schema = &doc["components"]["schemas"]["ErrorResponse"];
        assert!(schema.get("required").is_none());
        assert_eq!(schema["properties"]["id"]["description"], "kept");
        for field in ["errors", "status", "code", "message"] {
            assert!(schema["properties"].get(field).is_some(), "{field}");
        }
        assert_eq!(schema["properties"]["status"]["type"], "integer");
    }

    #[test]
    fn status_classes() {
        for (status, error) in [
            ("4XX", true),
            ("5XX", true),
            ("404", true),
            ("200", false),
            ("default", false),
            ("2XX", false),
        ] {
            assert_eq!(is_error_status(status), error, "{status}");
        }
    }
}
