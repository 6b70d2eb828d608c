//! Constraints that constrain nothing are dropped.
//!
//! `minLength: 0` (and `minItems: 0`, `minProperties: 0`) holds for every
//! value, yet typify turns it into a `len() < 0` check that rustc warns about
//! as a useless comparison. Dropping them changes no behaviour.

use serde_json::Value;

use super::walk::for_each_object_mut;
use super::{Pass, PassReport};

pub struct NoopConstraints;

const ZERO_MINIMUMS: [&str; 3] = ["minLength", "minItems", "minProperties"];

impl Pass for NoopConstraints {
    fn name(&self) -> &'static str {
        "noop-constraints"
    }

    fn summary(&self) -> &'static str {
        "zero minimum lengths and counts are dropped"
    }

    fn run(&self, document: &mut Value) -> anyhow::Result<PassReport> {
        let mut report = PassReport::default();
        for_each_object_mut(document, &mut |schema| {
            for key in ZERO_MINIMUMS {
                if schema.get(key).and_then(Value::as_u64) == Some(0) {
                    schema.shift_remove(key);
                    report.changes += 1;
                }
            }
        });
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn drops_zero_minimums_only() {
        let mut doc = json!({"components": {"schemas": {
            "Name": {"type": "string", "minLength": 0, "maxLength": 10},
            "List": {"type": "array", "minItems": 0, "items": {"type": "string", "minLength": 1}},
            "Map": {"type": "object", "minProperties": 0}
        }}});
        let report = NoopConstraints.run(&mut doc).unwrap();
        assert_eq!(report.changes, 3);
        let s = &doc["components"]["schemas"];
        assert_eq!(s["Name"], json!({"type": "string", "maxLength": 10}));
        assert_eq!(s["List"]["items"]["minLength"], 1);
        assert!(s["List"].get("minItems").is_none());
        assert_eq!(s["Map"], json!({"type": "object"}));
    }
}
