//! A schema seen as one flat view: `$ref`s followed, `allOf` members merged.
//! Members that contradict each other (SCIMPatchUserDefinition's `value`,
//! string in one member and array in the other) are kept side by side
//! instead of aborting. Nested schemas stay references into the document,
//! so self-referencing schemas cost nothing here.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{enums, refs};

/// Deepest `allOf` nesting merged; deeper members are ignored.
const MAX_DEPTH: usize = 48;

/// A property's schema, or every contradicting schema the `allOf` members gave it.
#[derive(Debug, Clone, PartialEq)]
pub enum Slot<'a> {
    One(&'a Value),
    Conflict(Vec<&'a Value>),
}

/// Numeric and boolean constraints, by keyword.
pub type Constraints = BTreeMap<&'static str, Value>;

/// Keywords compared as constraints.
pub const CONSTRAINTS: [&str; 12] = [
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "multipleOf",
];

/// The merged view of one schema.
#[derive(Debug, Default, Clone)]
pub struct Flat<'a> {
    /// Component name when the schema was reached through a `$ref`.
    pub name: Option<&'a str>,
    /// `type`, or the type implied by `properties` / `items` when absent.
    pub ty: Option<&'a str>,
    /// Types of `allOf` members that contradict `ty`.
    pub type_conflicts: Vec<&'a str>,
    pub format: Option<&'a str>,
    pub nullable: bool,
    pub enum_values: Option<Vec<String>>,
    /// A pattern that is not an enumeration.
    pub pattern: Option<&'a str>,
    pub constraints: Constraints,
    pub default: Option<&'a Value>,
    pub properties: BTreeMap<&'a str, Slot<'a>>,
    pub required: BTreeSet<&'a str>,
    pub items: Option<&'a Value>,
    pub additional: Option<&'a Value>,
    pub one_of: Vec<&'a Value>,
    pub any_of: Vec<&'a Value>,
    /// The schema's own discriminator: top level or in an inline `allOf`
    /// member, never one inherited through a `$ref`.
    pub discriminator: Option<&'a Value>,
}

/// Flattens `schema` (following `$ref`s) within `doc`.
pub fn flatten<'a>(doc: &'a Value, schema: &'a Value) -> Flat<'a> {
    let (target, name) = refs::follow(doc, schema);
    let mut flat = Flat {
        name,
        discriminator: target.get("discriminator").filter(|d| d.is_object()),
        ..Flat::default()
    };
    let mut seen = vec![target as *const Value];
    merge_into(&mut flat, doc, target, 0, &mut seen);
    if flat.ty.is_none() {
        flat.ty = if !flat.properties.is_empty() || flat.additional.is_some() {
            Some("object")
        } else if flat.items.is_some() {
            Some("array")
        } else {
            None
        };
    }
    flat
}

fn merge_into<'a>(
    flat: &mut Flat<'a>,
    doc: &'a Value,
    schema: &'a Value,
    depth: usize,
    seen: &mut Vec<*const Value>,
) {
    let Some(map) = schema.as_object() else {
        return;
    };
    if let Some(ty) = map.get("type").and_then(Value::as_str) {
        match flat.ty {
            None => flat.ty = Some(ty),
            Some(existing) if existing != ty => flat.type_conflicts.push(ty),
            Some(_) => {}
        }
    }
    set_once(&mut flat.format, map.get("format").and_then(Value::as_str));
    if map.get("nullable") == Some(&Value::Bool(true)) {
        flat.nullable = true;
    }
    if flat.enum_values.is_none() {
        flat.enum_values = enums::values(schema);
    }
    if flat.enum_values.is_none() {
        set_once(
            &mut flat.pattern,
            map.get("pattern").and_then(Value::as_str),
        );
    }
    for keyword in CONSTRAINTS {
        if let Some(value) = map.get(keyword) {
            flat.constraints
                .entry(keyword)
                .or_insert_with(|| value.clone());
        }
    }
    set_once(&mut flat.default, map.get("default"));
    if let Some(properties) = map.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            add_property(flat, name, property);
        }
    }
    if let Some(required) = map.get("required").and_then(Value::as_array) {
        flat.required
            .extend(required.iter().filter_map(Value::as_str));
    }
    set_once(&mut flat.items, map.get("items"));
    set_once(
        &mut flat.additional,
        map.get("additionalProperties").filter(|v| !v.is_null()),
    );
    for (key, list) in [("oneOf", &mut flat.one_of), ("anyOf", &mut flat.any_of)] {
        if let Some(members) = map.get(key).and_then(Value::as_array) {
            list.extend(members.iter());
        }
    }
    if depth >= MAX_DEPTH {
        return;
    }
    for member in map
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let (target, _) = refs::follow(doc, member);
        if depth == 0 && flat.discriminator.is_none() && member.get("$ref").is_none() {
            // An inline member is the schema's own; a referenced one is inherited.
            flat.discriminator = target.get("discriminator").filter(|d| d.is_object());
        }
        let pointer = target as *const Value;
        if seen.contains(&pointer) {
            continue; // an allOf cycle: the member is already merged
        }
        seen.push(pointer);
        merge_into(flat, doc, target, depth + 1, seen);
    }
}

fn set_once<T>(slot: &mut Option<T>, value: Option<T>) {
    if slot.is_none() {
        *slot = value;
    }
}

fn add_property<'a>(flat: &mut Flat<'a>, name: &'a str, schema: &'a Value) {
    let slot = flat
        .properties
        .entry(name)
        .or_insert(Slot::Conflict(Vec::new()));
    let replacement = match slot {
        Slot::Conflict(list) if list.is_empty() => Some(Slot::One(schema)),
        Slot::One(existing) if *existing != schema => Some(Slot::Conflict(vec![*existing, schema])),
        Slot::One(_) => None,
        Slot::Conflict(list) => {
            if !list.contains(&schema) {
                list.push(schema);
            }
            None
        }
    };
    if let Some(replacement) = replacement {
        *slot = replacement;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::testutil::doc;

    const SPEC: &str = r##"
components:
  schemas:
    Base:
      type: object
      required: [id]
      discriminator: {propertyName: kind}
      properties: {id: {type: string}, kind: {type: string}}
    Sub:
      allOf:
        - $ref: '#/components/schemas/Base'
        - type: object
          properties: {extra: {type: integer}}
    Scim:
      type: object
      allOf:
        - {type: object, properties: {value: {type: string}}}
        - {type: object, properties: {value: {type: array, items: {type: string}}}}
    Untyped:
      properties: {a: {type: string}}
    Loop:
      allOf: [{$ref: '#/components/schemas/Loop'}, {properties: {x: {type: string}}}]
"##;

    fn flat<'a>(d: &'a Value, name: &str) -> Flat<'a> {
        let schema = &d["components"]["schemas"][name];
        flatten(d, schema)
    }

    #[test]
    fn merges_all_of_without_inheriting_the_discriminator() {
        let d = doc(SPEC);
        let sub = flat(&d, "Sub");
        assert_eq!(sub.ty, Some("object"));
        assert_eq!(
            sub.properties.keys().copied().collect::<Vec<_>>(),
            ["extra", "id", "kind"]
        );
        assert!(sub.required.contains("id"));
        assert!(sub.discriminator.is_none());
        assert!(flat(&d, "Base").discriminator.is_some());
    }

    #[test]
    fn contradicting_members_are_kept_side_by_side() {
        let d = doc(SPEC);
        let scim = flat(&d, "Scim");
        match &scim.properties["value"] {
            Slot::Conflict(list) => assert_eq!(list.len(), 2),
            other => panic!("expected a conflict, got {other:?}"),
        }
    }

    #[test]
    fn missing_type_is_inferred_and_all_of_cycles_end() {
        let d = doc(SPEC);
        assert_eq!(flat(&d, "Untyped").ty, Some("object"));
        let looping = flat(&d, "Loop");
        assert!(looping.properties.contains_key("x"));
    }
}
