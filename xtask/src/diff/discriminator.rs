//! Discriminator subtypes: schemas only reachable through a base's
//! `discriminator` (its `mapping`, or every schema whose `allOf` extends it).

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use super::refs;

/// For each base schema with a discriminator: tag → subtype schema name.
#[derive(Debug, Default)]
pub struct Subtypes<'a> {
    by_base: HashMap<&'a str, BTreeMap<String, &'a str>>,
}

impl<'a> Subtypes<'a> {
    /// Indexes the subtypes of every discriminated schema of `doc`.
    pub fn index(doc: &'a Value) -> Subtypes<'a> {
        let mut by_base: HashMap<&'a str, BTreeMap<String, &'a str>> = HashMap::new();
        let Some(schemas) = doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        else {
            return Subtypes { by_base };
        };
        let mut extenders: HashMap<&'a str, Vec<&'a str>> = HashMap::new();
        for (name, schema) in schemas {
            for member in schema
                .get("allOf")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(base) = member
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(refs::component_name)
                {
                    extenders.entry(base).or_default().push(name);
                }
            }
        }
        for (name, schema) in schemas {
            let inline = schema
                .get("allOf")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter(|m| m.get("$ref").is_none())
                .find_map(|m| m.get("discriminator"));
            let Some(discriminator) = schema.get("discriminator").or(inline) else {
                continue;
            };
            let mut tags = BTreeMap::new();
            if let Some(mapping) = discriminator.get("mapping").and_then(Value::as_object) {
                for (tag, target) in mapping {
                    if let Some(sub) = target.as_str().and_then(refs::component_name) {
                        tags.insert(tag.clone(), sub);
                    }
                }
            }
            if tags.is_empty() {
                for sub in extenders.get(name.as_str()).into_iter().flatten() {
                    tags.insert((*sub).to_string(), *sub);
                }
            }
            by_base.insert(name, tags);
        }
        Subtypes { by_base }
    }

    /// Tag → subtype name for `base` (empty when it has none).
    pub fn of(&self, base: &str) -> Option<&BTreeMap<String, &'a str>> {
        self.by_base.get(base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::testutil::doc;

    #[test]
    fn mapping_wins_and_extenders_fill_in() {
        let d = doc(r##"
components:
  schemas:
    Panel: {type: object, discriminator: {propertyName: panelType}}
    TextPanel: {allOf: [{$ref: '#/components/schemas/Panel'}]}
    ChartPanel: {allOf: [{$ref: '#/components/schemas/Panel'}]}
    Source:
      type: object
      discriminator: {propertyName: kind, mapping: {http: '#/components/schemas/HttpSource'}}
    HttpSource: {allOf: [{$ref: '#/components/schemas/Source'}]}
    OtherSource: {allOf: [{$ref: '#/components/schemas/Source'}]}
"##);
        let index = Subtypes::index(&d);
        let panels: Vec<_> = index
            .of("Panel")
            .into_iter()
            .flatten()
            .map(|(t, s)| (t.as_str(), *s))
            .collect();
        assert_eq!(
            panels,
            [("ChartPanel", "ChartPanel"), ("TextPanel", "TextPanel")]
        );
        let sources: Vec<_> = index
            .of("Source")
            .into_iter()
            .flatten()
            .map(|(t, s)| (t.as_str(), *s))
            .collect();
        assert_eq!(sources, [("http", "HttpSource")]);
        assert!(index.of("TextPanel").is_none());
    }
}
