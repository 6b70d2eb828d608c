//! Enumerations, including Sumo's enums in all but name: `pattern: ^(A|B)$`.

use serde_json::Value;

/// The values a schema enumerates: its `enum` (non-null values, as text), or
/// the literals of an anchored alternation pattern. `None` when neither.
pub fn values(schema: &Value) -> Option<Vec<String>> {
    if let Some(list) = schema.get("enum").and_then(Value::as_array) {
        return Some(
            list.iter()
                .filter(|v| !v.is_null())
                .map(|v| match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect(),
        );
    }
    schema
        .get("pattern")
        .and_then(Value::as_str)
        .and_then(literal_alternatives)
}

pub use crate::spec::normalize::literal_alternatives;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn alternations_are_enums_and_real_patterns_are_not() {
        let v = |p| literal_alternatives(p);
        assert_eq!(v("^(A|B)$"), Some(vec!["A".into(), "B".into()]));
        assert_eq!(v("^(Alert)$|^$"), Some(vec!["Alert".into()]));
        assert_eq!(v("^Both$"), Some(vec!["Both".into()]));
        assert_eq!(v("^(<|<=|>|>=|=|!=)$").map(|v| v.len()), Some(6));
        assert_eq!(v(r"^\s*\S.*$"), None);
        assert_eq!(v("^[a-zA-Z0-9_]+$"), None);
        assert_eq!(v("^[0-9]+(w|d|h|m|s)$"), None);
        assert_eq!(v("[A-Z]"), None);
        assert_eq!(v("^()$"), None);
    }

    #[test]
    fn enum_keyword_wins_and_null_is_skipped() {
        let schema = json!({"enum": ["a", null, 3], "pattern": "^(x|y)$"});
        assert_eq!(values(&schema), Some(vec!["a".into(), "3".into()]));
        assert_eq!(
            values(&json!({"pattern": "^(x|y)$"})).map(|v| v.len()),
            Some(2)
        );
        assert_eq!(values(&json!({"type": "string"})), None);
    }
}
