//! Enums written as `pattern: ^(A|B)$` become real `enum`s.
//!
//! Sumo writes most enumerations as an anchored alternation of literals. typify
//! turns such a pattern into a string newtype that validates the regex, so a
//! value the server adds later fails the whole response. As an `enum` the
//! schema becomes a Rust enum, which the generator then opens with an
//! `Unknown(String)` variant (see `generate::open_enums`).
//!
//! Recognised: `^(A|B|C)$`, `^A$`, and either of those followed by `|^$`
//! (empty string also allowed; the open enum accepts it). Alternatives must be
//! plain literals (letters, digits, `_`, `-`); any other pattern is left alone.
//! Alternations whose values differ only by case (`^(light|dark|Light|Dark)$`)
//! cannot become Rust variants; they become plain strings, without the
//! pattern, so no value the server sends is rejected.

use serde_json::{Map, Value};

use super::walk::for_each_object_mut;
use super::{Pass, PassReport};

pub struct PatternEnums;

impl Pass for PatternEnums {
    fn name(&self) -> &'static str {
        "pattern-enums"
    }

    fn summary(&self) -> &'static str {
        "`pattern: ^(A|B)$` string schemas become enums"
    }

    fn run(&self, document: &mut Value) -> anyhow::Result<PassReport> {
        let mut report = PassReport::default();
        let mut kept = 0usize;
        let mut relaxed = 0usize;
        for_each_object_mut(document, &mut |schema| {
            if schema.get("type").and_then(Value::as_str) != Some("string")
                || schema.contains_key("enum")
            {
                return;
            }
            let Some(Value::String(pattern)) = schema.get("pattern") else {
                return;
            };
            match literal_alternatives(pattern).filter(|values| nameable(values)) {
                Some(values) if differ_only_by_case(&values) => {
                    schema.remove("pattern");
                    report.changes += 1;
                    relaxed += 1;
                }
                Some(values) => {
                    rewrite(schema, values);
                    report.changes += 1;
                }
                None => kept += 1,
            }
        });
        if relaxed > 0 {
            report.notes.push(format!(
                "{relaxed} alternation(s) have values differing only by case and become plain strings"
            ));
        }
        if kept > 0 {
            report.notes.push(format!(
                "{kept} pattern(s) are not literal alternations and stay validated strings"
            ));
        }
        Ok(report)
    }
}

fn rewrite(schema: &mut Map<String, Value>, values: Vec<String>) {
    schema.remove("pattern");
    schema.insert(
        "enum".into(),
        Value::Array(values.into_iter().map(Value::String).collect()),
    );
}

/// Whether two values are equal ignoring case (and so map to one variant name).
fn differ_only_by_case(values: &[String]) -> bool {
    let mut folded: Vec<String> = values.iter().map(|v| v.to_ascii_lowercase()).collect();
    folded.sort();
    folded.windows(2).any(|pair| pair[0] == pair[1])
}

/// `^(A|B)$`, `^A$`, either optionally followed by `|^$` → `[A, B]`. Each
/// literal must hold no regex metacharacter; anything else → `None`. Shared
/// with `cargo xtask diff`, which treats such patterns as enums.
pub fn literal_alternatives(pattern: &str) -> Option<Vec<String>> {
    let body = pattern.strip_suffix("|^$").unwrap_or(pattern);
    let body = body.strip_prefix('^')?.strip_suffix('$')?;
    let body = match body.strip_prefix('(') {
        Some(inner) => inner.strip_suffix(')')?,
        None => body,
    };
    let mut values: Vec<String> = Vec::new();
    for literal in body.split('|') {
        let plain = !literal.is_empty() && !literal.chars().any(|c| "\\.^$*+?()[]{}|".contains(c));
        if !plain {
            return None;
        }
        if !values.iter().any(|v| v == literal) {
            values.push(literal.to_string());
        }
    }
    Some(values)
}

/// Whether every value can name a Rust variant (letters, digits, `_`, `-`).
fn nameable(values: &[String]) -> bool {
    values.iter().all(|v| {
        v.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn recognises_literal_alternations_only() {
        let cases: [(&str, Option<&[&str]>); 10] = [
            ("^(Logs|Metrics)$", Some(&["Logs", "Metrics"])),
            (
                "^DirectDownloadReportAction$",
                Some(&["DirectDownloadReportAction"]),
            ),
            ("^(timeseries|table)$|^$", Some(&["timeseries", "table"])),
            (
                "^(RealTime|15Minutes|1Hour)$",
                Some(&["RealTime", "15Minutes", "1Hour"]),
            ),
            ("^(light|dark|light)$", Some(&["light", "dark"])),
            (r"^\s*\S.*$", None),
            (r"^v(0|[1-9]\d*)\.(0|[1-9]\d*)$", None),
            ("^(a|)$", None),
            ("^(<|<=)$", Some(&["<", "<="])),
            ("(a|b)", None),
        ];
        for (pattern, expected) in cases {
            let expected = expected.map(|v| v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
            assert_eq!(literal_alternatives(pattern), expected, "{pattern}");
        }
    }

    #[test]
    fn rewrites_string_schemas_and_leaves_the_rest() {
        let mut doc = json!({
            "components": {"schemas": {
                "Theme": {"type": "string", "pattern": "^(light|dark)$", "example": "dark"},
                "Version": {"type": "string", "pattern": "^v\\d+$"},
                "Mode": {"type": "string", "pattern": "^(light|Light)$"},
                "Op": {"type": "string", "pattern": "^(<|<=)$"},
                "Both": {"type": "string", "pattern": "^(a|b)$", "enum": ["a"]},
                "Obj": {"type": "object", "properties": {
                    "pattern": {"type": "string", "pattern": "^(x|y)$"},
                    "n": {"type": "integer"}
                }}
            }},
            "paths": {"/a": {"get": {"parameters": [
                {"name": "sort", "in": "query", "schema": {"type": "string", "pattern": "^(asc|desc)$"}}
            ]}}}
        });
        let report = PatternEnums.run(&mut doc).unwrap();
        assert_eq!(report.changes, 4);
        assert_eq!(report.notes.len(), 2);
        assert!(
            report.notes[1].starts_with("2 pattern(s)"),
            "{:?}",
            report.notes
        );
        assert_eq!(
            doc["components"]["schemas"]["Mode"],
            json!({"type": "string"})
        );
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["Theme"],
            json!({"type": "string", "enum": ["light", "dark"], "example": "dark"})
        );
        assert_eq!(schemas["Version"]["pattern"], "^v\\d+$");
        assert_eq!(schemas["Both"]["enum"], json!(["a"]));
        assert_eq!(
            schemas["Obj"]["properties"]["pattern"]["enum"],
            json!(["x", "y"])
        );
        assert_eq!(
            doc["paths"]["/a"]["get"]["parameters"][0]["schema"]["enum"],
            json!(["asc", "desc"])
        );
    }
}
