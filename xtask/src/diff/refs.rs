//! Local `$ref` resolution (`#/components/...` JSON pointers).

use serde_json::Value;

/// Longest `$ref` chain followed before giving up (a ref to itself loops).
const MAX_HOPS: usize = 32;

/// Follows `$ref`s from `value` to the referenced object. Returns the target
/// and the component name of the last ref followed (`#/components/x/Name`).
/// A dangling, external or looping ref resolves to `value` itself.
pub fn follow<'a>(doc: &'a Value, value: &'a Value) -> (&'a Value, Option<&'a str>) {
    let mut current = value;
    let mut name = None;
    for _ in 0..MAX_HOPS {
        let Some(reference) = current.get("$ref").and_then(Value::as_str) else {
            return (current, name);
        };
        match lookup(doc, reference) {
            Some(target) => {
                name = component_name(reference);
                current = target;
            }
            None => return (current, name),
        }
    }
    (current, name)
}

/// The value a local `#/...` reference points at.
pub fn lookup<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    doc.pointer(pointer)
}

/// `Name` of `#/components/<section>/Name`.
pub fn component_name(reference: &str) -> Option<&str> {
    let rest = reference.strip_prefix("#/components/")?;
    let (_, name) = rest.split_once('/')?;
    (!name.contains('/')).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn follows_chains_and_survives_loops() {
        let doc = json!({"components": {"schemas": {
            "A": {"$ref": "#/components/schemas/B"},
            "B": {"type": "string"},
            "L": {"$ref": "#/components/schemas/L"},
        }}});
        let start = json!({"$ref": "#/components/schemas/A"});
        let (target, name) = follow(&doc, &start);
        assert_eq!(target, &json!({"type": "string"}));
        assert_eq!(name, Some("B"));
        let looping = json!({"$ref": "#/components/schemas/L"});
        let (target, name) = follow(&doc, &looping);
        assert_eq!(name, Some("L"));
        assert!(target.get("$ref").is_some());
        let dangling = json!({"$ref": "#/components/schemas/Nope"});
        assert_eq!(follow(&doc, &dangling), (&dangling, None));
        let external = json!({"$ref": "other.yaml#/X"});
        assert_eq!(follow(&doc, &external).1, None);
    }
}
