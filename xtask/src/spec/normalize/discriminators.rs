//! Discriminated base schemas become tagged unions with a fallback.
//!
//! Sumo models polymorphism the OpenAPI way: a base schema with a
//! `discriminator`, and subtypes that are `allOf: [$ref base, {...}]`. typify
//! ignores `discriminator`, so a field of the base type reads only the base's
//! fields: every subtype field is silently dropped, and cannot be sent.
//!
//! For a base `B` with discriminator property `p`:
//! - the base's own fields move to `BCommon` (without `p`), and every
//!   `allOf` that extended `B` extends `BCommon` instead;
//! - each subtype gains `p` as a required single-value enum holding its tag
//!   (the `mapping` key, or the subtype's name when there is no mapping);
//! - `B` becomes `oneOf: [subtypes..., BOther]`, where `BOther` is any JSON
//!   object: a subtype the server adds later is kept whole instead of failing
//!   the response. The generated Rust type is an untagged enum whose variant
//!   is chosen by the tag.
//!
//! A base with no subtypes loses its `discriminator` and stays a struct.

use serde_json::{Map, Value, json};

use super::walk::{for_each_object_mut, schema_ref, schema_ref_name, schemas_mut};
use super::{Pass, PassReport};

pub struct Discriminators;

impl Pass for Discriminators {
    fn name(&self) -> &'static str {
        "discriminators"
    }

    fn summary(&self) -> &'static str {
        "discriminated bases become tagged unions with a fallback variant"
    }

    fn run(&self, document: &mut Value) -> anyhow::Result<PassReport> {
        let mut report = PassReport::default();
        let bases: Vec<String> = match schemas_mut(document) {
            Some(schemas) => schemas
                .iter()
                .filter(|(_, schema)| schema.get("discriminator").is_some())
                .map(|(name, _)| name.clone())
                .collect(),
            None => return Ok(report),
        };
        let mut childless = Vec::new();
        let mut renames = std::collections::HashMap::new();
        for base in bases {
            match rewrite_base(document, &base)? {
                Some(common) => {
                    renames.insert(schema_ref(&base), json!({"$ref": schema_ref(&common)}));
                    report.changes += 1;
                }
                None => childless.push(base),
            }
        }
        // Everything that extended a base now extends its common fields.
        for_each_object_mut(document, &mut |map| {
            if let Some(Value::Array(members)) = map.get_mut("allOf") {
                for member in members {
                    let target = member.get("$ref").and_then(Value::as_str);
                    if let Some(common) = target.and_then(|t| renames.get(t)) {
                        *member = common.clone();
                    }
                }
            }
        });
        if !childless.is_empty() {
            report.notes.push(format!(
                "no subtypes, left as structs: {}",
                childless.join(", ")
            ));
        }
        Ok(report)
    }
}

/// Rewrites one base and returns the name of its common-fields schema;
/// `Ok(None)` when it has no subtypes.
fn rewrite_base(document: &mut Value, base: &str) -> anyhow::Result<Option<String>> {
    let schemas = schemas_mut(document).ok_or_else(|| anyhow::anyhow!("no component schemas"))?;
    let mut base_schema = match schemas.get(base) {
        Some(Value::Object(map)) => map.clone(),
        _ => return Err(anyhow::anyhow!("schema {base} is not a mapping")),
    };
    let discriminator = base_schema
        .remove("discriminator")
        .ok_or_else(|| anyhow::anyhow!("{base} has no discriminator"))?;
    let property = discriminator
        .get("propertyName")
        .and_then(Value::as_str)
        .ok_or_else(|| anyhow::anyhow!("{base}: discriminator without a propertyName"))?
        .to_string();
    let variants = variants(schemas, base, &discriminator)?;
    if variants.is_empty() {
        schemas.insert(base.to_string(), Value::Object(base_schema));
        return Ok(None);
    }

    let common = unused_name(schemas, &format!("{base}Common"));
    let other = unused_name(schemas, &format!("{base}Other"));
    let description = base_schema.get("description").cloned();
    remove_property(&mut base_schema, &property);
    schemas.insert(common.clone(), Value::Object(base_schema));

    for (tag, subtype) in &variants {
        let Some(Value::Object(sub)) = schemas.get_mut(subtype) else {
            return Err(anyhow::anyhow!(
                "{base}: subtype {subtype} is not a mapping"
            ));
        };
        add_tag(sub, &property, tag);
    }

    let mut union = Map::new();
    if let Some(description) = description {
        union.insert("description".into(), description);
    }
    let mut one_of: Vec<Value> = variants
        .iter()
        .map(|(_, subtype)| json!({"$ref": schema_ref(subtype)}))
        .collect();
    one_of.push(json!({"$ref": schema_ref(&other)}));
    union.insert("oneOf".into(), Value::Array(one_of));
    schemas.insert(base.to_string(), Value::Object(union));
    schemas.insert(
        other.clone(),
        json!({
            "type": "object",
            "description": format!(
                "A `{base}` whose `{property}` this client does not know; kept as raw JSON."
            ),
            "additionalProperties": true
        }),
    );
    Ok(Some(common))
}

/// `(tag, subtype)` pairs: the mapping when there is one, else every schema
/// whose `allOf` names the base, tagged by its own name.
fn variants(
    schemas: &Map<String, Value>,
    base: &str,
    discriminator: &Value,
) -> anyhow::Result<Vec<(String, String)>> {
    if let Some(Value::Object(mapping)) = discriminator.get("mapping")
        && !mapping.is_empty()
    {
        return mapping
            .iter()
            .map(|(tag, target)| {
                let name = target
                    .as_str()
                    .and_then(schema_ref_name)
                    .filter(|name| schemas.contains_key(*name))
                    .ok_or_else(|| {
                        anyhow::anyhow!("{base}: mapping `{tag}` points at unknown schema {target}")
                    })?;
                Ok((tag.clone(), name.to_string()))
            })
            .collect();
    }
    let base_ref = schema_ref(base);
    Ok(schemas
        .iter()
        .filter(|(_, schema)| {
            schema
                .get("allOf")
                .and_then(Value::as_array)
                .is_some_and(|members| {
                    members
                        .iter()
                        .any(|m| m.get("$ref").and_then(Value::as_str) == Some(base_ref.as_str()))
                })
        })
        .map(|(name, _)| (name.clone(), name.clone()))
        .collect())
}

/// Drops the discriminator property from the common fields: each subtype
/// declares it with its own tag.
fn remove_property(schema: &mut Map<String, Value>, property: &str) {
    if let Some(Value::Object(properties)) = schema.get_mut("properties") {
        properties.shift_remove(property);
    }
    if let Some(Value::Array(required)) = schema.get_mut("required") {
        required.retain(|r| r.as_str() != Some(property));
    }
}

/// Makes `property` a required constant `tag` on a subtype.
fn add_tag(subtype: &mut Map<String, Value>, property: &str, tag: &str) {
    let constraint = json!({
        "type": "object",
        "required": [property],
        "properties": {property: {"type": "string", "enum": [tag]}}
    });
    match subtype.get_mut("allOf") {
        Some(Value::Array(members)) => {
            // An inline member that already declares the property would be
            // merged with ours; let ours be the only declaration.
            for member in members.iter_mut() {
                if let Value::Object(member) = member {
                    remove_property(member, property);
                }
            }
            members.push(constraint);
        }
        _ => {
            remove_property(subtype, property);
            let original = std::mem::take(subtype);
            subtype.insert("allOf".into(), json!([Value::Object(original), constraint]));
        }
    }
}

fn unused_name(schemas: &Map<String, Value>, wanted: &str) -> String {
    let mut name = wanted.to_string();
    while schemas.contains_key(&name) {
        name.push('_');
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> Value {
        json!({"components": {"schemas": {
            "Panel": {
                "type": "object",
                "description": "A dashboard panel.",
                "required": ["key", "panelType"],
                "properties": {"key": {"type": "string"}, "panelType": {"type": "string"}},
                "discriminator": {"propertyName": "panelType"}
            },
            "TextPanel": {"allOf": [
                {"$ref": "#/components/schemas/Panel"},
                {"type": "object", "properties": {"text": {"type": "string"}}}
            ]},
            "SearchPanel": {"allOf": [
                {"$ref": "#/components/schemas/Panel"},
                {"type": "object", "properties": {
                    "query": {"type": "string"},
                    "panelType": {"type": "string", "enum": ["SearchPanel"]}
                }}
            ]},
            "Dashboard": {"type": "object", "properties": {
                "panels": {"type": "array", "items": {"$ref": "#/components/schemas/Panel"}}
            }},
            "Lonely": {"type": "object", "properties": {"kind": {"type": "string"}},
                       "discriminator": {"propertyName": "kind"}}
        }}})
    }

    #[test]
    fn base_becomes_union_of_subtypes_and_fallback() {
        let mut doc = fixture();
        let report = Discriminators.run(&mut doc).unwrap();
        assert_eq!(report.changes, 1);
        assert!(report.notes[0].contains("Lonely"));
        let s = &doc["components"]["schemas"];
        assert_eq!(
            s["Panel"],
            json!({"description": "A dashboard panel.", "oneOf": [
                {"$ref": "#/components/schemas/TextPanel"},
                {"$ref": "#/components/schemas/SearchPanel"},
                {"$ref": "#/components/schemas/PanelOther"}
            ]})
        );
        // Common fields lose the tag; subtypes extend them and pin their tag.
        assert_eq!(s["PanelCommon"]["required"], json!(["key"]));
        assert!(s["PanelCommon"]["properties"].get("panelType").is_none());
        assert!(s["PanelCommon"].get("discriminator").is_none());
        let text = s["TextPanel"]["allOf"].as_array().unwrap();
        assert_eq!(text[0], json!({"$ref": "#/components/schemas/PanelCommon"}));
        assert_eq!(
            text[2]["properties"]["panelType"]["enum"],
            json!(["TextPanel"])
        );
        assert_eq!(text[2]["required"], json!(["panelType"]));
        // The subtype's own declaration of the tag is replaced by ours.
        let search = s["SearchPanel"]["allOf"].as_array().unwrap();
        assert!(search[1]["properties"].get("panelType").is_none());
        assert_eq!(
            search[2]["properties"]["panelType"]["enum"],
            json!(["SearchPanel"])
        );
        assert_eq!(s["PanelOther"]["additionalProperties"], true);
        // Users of the base now see the union.
        assert_eq!(
            s["Dashboard"]["properties"]["panels"]["items"]["$ref"],
            "#/components/schemas/Panel"
        );
        // A base without subtypes only loses its discriminator.
        assert!(s["Lonely"].get("discriminator").is_none());
        assert_eq!(s["Lonely"]["type"], "object");
    }

    #[test]
    fn mapping_names_tags_and_standalone_subtypes() {
        let mut doc = json!({"components": {"schemas": {
            "Agg": {"type": "object", "properties": {"key": {"type": "string"}},
                    "discriminator": {"propertyName": "key", "mapping": {
                        "sum": "#/components/schemas/SumAgg",
                        "max": "#/components/schemas/MaxAgg"}}},
            "SumAgg": {"allOf": [{"$ref": "#/components/schemas/Agg"}]},
            "MaxAgg": {"type": "object", "properties": {"field": {"type": "string"}}}
        }}});
        Discriminators.run(&mut doc).unwrap();
        let s = &doc["components"]["schemas"];
        assert_eq!(
            s["SumAgg"]["allOf"][1]["properties"]["key"]["enum"],
            json!(["sum"])
        );
        assert_eq!(
            s["MaxAgg"]["allOf"][0]["properties"]["field"]["type"],
            "string"
        );
        assert_eq!(
            s["MaxAgg"]["allOf"][1]["properties"]["key"]["enum"],
            json!(["max"])
        );
        assert_eq!(s["Agg"]["oneOf"].as_array().unwrap().len(), 3);
    }

    #[test]
    fn mapping_to_a_missing_schema_is_an_error() {
        let mut doc = json!({"components": {"schemas": {
            "Agg": {"type": "object", "discriminator": {"propertyName": "key",
                    "mapping": {"sum": "#/components/schemas/Nope"}}}
        }}});
        let err = Discriminators.run(&mut doc).unwrap_err().to_string();
        assert!(err.contains("Agg") && err.contains("Nope"), "{err}");
    }
}
