//! Value constraints are dropped, so responses always parse.
//!
//! typify turns `maxLength`, `minLength`, a `pattern`, `minimum`/`maximum`,
//! `multipleOf`, `minItems`/`maxItems` and `uniqueItems` into newtypes that
//! check them when deserializing: one value outside its declared constraint
//! (an empty name, a long email, a pattern the server stopped following)
//! then fails a whole response, a whole page of users. The server validates
//! what it accepts anyway, and a client-side check would refuse requests a
//! newer server takes, so the constraints are dropped in both directions;
//! the field becomes its plain type (`String`, `i64`, `Vec<T>`). They are
//! kept under [`CONSTRAINTS_EXTENSION`], which typify ignores, for the
//! conformance sweep (its arguments must still satisfy the server).
//!
//! Runs after `pattern-enums`: a pattern that is an enum alternation is an
//! `enum` by then, and stays one.

use serde_json::{Map, Value};

use super::walk::for_each_object_mut;
use super::{Pass, PassReport};

pub struct ValueConstraints;

/// Where a schema's dropped constraints are kept.
pub const CONSTRAINTS_EXTENSION: &str = "x-sumo-constraints";

/// Whether a keyword's value has the JSON type the keyword takes.
type HasType = fn(&Value) -> bool;

/// Constraint keywords, each with the JSON type its value has (a property
/// named like a keyword, inside `properties`, holds a schema object and is
/// left alone).
const CONSTRAINTS: [(&str, HasType); 12] = [
    ("maxLength", Value::is_u64),
    ("minLength", Value::is_u64),
    ("pattern", Value::is_string),
    ("minimum", Value::is_number),
    ("maximum", Value::is_number),
    ("exclusiveMinimum", Value::is_boolean),
    ("exclusiveMaximum", Value::is_boolean),
    ("multipleOf", Value::is_number),
    ("minItems", Value::is_u64),
    ("maxItems", Value::is_u64),
    ("uniqueItems", Value::is_boolean),
    ("minProperties", Value::is_u64),
];

impl Pass for ValueConstraints {
    fn name(&self) -> &'static str {
        "value-constraints"
    }

    fn summary(&self) -> &'static str {
        "value constraints (lengths, patterns, bounds, counts) are not enforced"
    }

    fn run(&self, document: &mut Value) -> anyhow::Result<PassReport> {
        let mut report = PassReport::default();
        // The walk does not enter the `x-sumo-constraints` kept aside.
        for_each_object_mut(document, &mut |schema| {
            report.changes += drop_constraints(schema);
        });
        Ok(report)
    }
}

fn drop_constraints(schema: &mut Map<String, Value>) -> usize {
    let mut kept = Map::new();
    for (key, has_type) in CONSTRAINTS {
        if schema.get(key).is_some_and(has_type)
            && let Some(value) = schema.shift_remove(key)
        {
            kept.insert(key.to_string(), value);
        }
    }
    let dropped = kept.len();
    if dropped > 0 {
        schema.insert(CONSTRAINTS_EXTENSION.to_string(), Value::Object(kept));
    }
    dropped
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn drops_every_value_constraint_and_keeps_the_rest() {
        let mut doc = json!({"components": {"schemas": {
            "Name": {"type": "string", "minLength": 1, "maxLength": 10, "pattern": "^\\S+$"},
            "Count": {"type": "integer", "minimum": 1, "maximum": 100, "multipleOf": 5,
                      "exclusiveMaximum": true},
            "List": {"type": "array", "minItems": 0, "maxItems": 3, "uniqueItems": true,
                     "items": {"type": "string", "minLength": 1}},
            "Map": {"type": "object", "minProperties": 1},
            "Kind": {"type": "string", "enum": ["a", "b"]},
            "Thing": {"type": "object", "properties": {
                "pattern": {"type": "string", "maxLength": 3},
                "minimum": {"type": "integer"}
            }}
        }}});
        let report = ValueConstraints.run(&mut doc).unwrap();
        let s = &mut doc["components"]["schemas"];
        assert_eq!(
            s["Name"][CONSTRAINTS_EXTENSION],
            json!({"maxLength": 10, "minLength": 1, "pattern": "^\\S+$"})
        );
        for schema in ["Name", "Count", "List", "Map"] {
            s[schema]
                .as_object_mut()
                .unwrap()
                .shift_remove(CONSTRAINTS_EXTENSION);
        }
        s["List"]["items"]
            .as_object_mut()
            .unwrap()
            .shift_remove(CONSTRAINTS_EXTENSION);
        s["Thing"]["properties"]["pattern"]
            .as_object_mut()
            .unwrap()
            .shift_remove(CONSTRAINTS_EXTENSION);
        assert_eq!(s["Name"], json!({"type": "string"}));
        assert_eq!(s["Count"], json!({"type": "integer"}));
        assert_eq!(
            s["List"],
            json!({"type": "array", "items": {"type": "string"}})
        );
        assert_eq!(s["Map"], json!({"type": "object"}));
        assert_eq!(s["Kind"], json!({"type": "string", "enum": ["a", "b"]}));
        // Properties named like keywords are schemas, not constraints.
        assert_eq!(
            s["Thing"]["properties"],
            json!({"pattern": {"type": "string"}, "minimum": {"type": "integer"}})
        );
        // Name 3, Count 4, List 3 and its items 1, Map 1, Thing.pattern 1.
        assert_eq!(report.changes, 3 + 4 + 3 + 1 + 1 + 1);
    }
}
