//! Arguments from the spec itself: a parameter's `example` / `examples`,
//! else a value built from its schema (`example`, `default`, `enum`,
//! `format`, `type`); a request body from its examples or from the schema's
//! required properties.
//!
//! Works on the normalized document (what the generated types come from):
//! pattern enums are `enum`s there, and a discriminated base is a `oneOf` of
//! its subtypes, each pinning its tag. An example is used only when it fits
//! its schema ([`Spec::fits`]), since some of Sumo's do not.

use serde_json::{Map, Value, json};

use crate::spec::normalize::CONSTRAINTS_EXTENSION;

/// How deep schemas are followed (Sumo's schemas nest, some recursively).
const MAX_DEPTH: usize = 16;
/// How many `$ref` hops are followed before giving up on a chain.
const MAX_HOPS: usize = 32;

/// The text of the file part of a multipart body.
const FILE_CONTENT: &str = "name,value\nconformance,1\n";

/// A spec document, for resolving references.
#[derive(Clone, Copy)]
pub struct Spec<'a> {
    document: &'a Value,
}

impl<'a> Spec<'a> {
    pub fn new(document: &'a Value) -> Self {
        Spec { document }
    }

    /// `value`, following local `$ref`s (a dangling one resolves to itself).
    pub fn resolve(&self, value: &'a Value) -> &'a Value {
        let mut current = value;
        for _ in 0..MAX_HOPS {
            let next = current
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix('#'))
                .and_then(|pointer| self.document.pointer(pointer));
            match next {
                Some(next) => current = next,
                None => break,
            }
        }
        current
    }

    /// The value to pass for a parameter, or `None` to leave an optional
    /// parameter unset (when the spec gives it no example, default or enum).
    pub fn parameter_value(&self, parameter: &'a Value) -> Option<Value> {
        let parameter = self.resolve(parameter);
        let schema = parameter
            .get("schema")
            .map_or(&Value::Null, |s| self.resolve(s));
        let explicit = parameter
            .get("example")
            .into_iter()
            .chain(examples(parameter.get("examples")).map(|e| self.example_value(e)))
            .map(|example| coerce(schema, example))
            .find(|example| self.fits(schema, example));
        if explicit.is_some() {
            return explicit;
        }
        let required = parameter.get("required").and_then(Value::as_bool) == Some(true);
        (required || self.hinted(schema)).then(|| self.schema_value(schema))
    }

    /// Candidate request bodies for a JSON media type, best first: the media
    /// type's examples that fit the schema, then a value built from the
    /// schema. The test uses the first one that parses into the setter's type.
    pub fn body_candidates(&self, media: &'a Value) -> Vec<Value> {
        let schema = media
            .get("schema")
            .map_or(&Value::Null, |s| self.resolve(s));
        let mut candidates: Vec<Value> = Vec::new();
        let examples = media
            .get("example")
            .into_iter()
            .chain(examples(media.get("examples")).map(|e| self.example_value(e)));
        for example in examples {
            if self.fits(schema, example) && !candidates.contains(example) {
                candidates.push(example.clone());
            }
        }
        let built = self.schema_value(schema);
        if !candidates.contains(&built) {
            candidates.push(built);
        }
        candidates
    }

    /// A `multipart/form-data` body for a media type (as kept under
    /// `x-sumo-multipart`): one part per required property (every property
    /// when none is required); binary properties become a small CSV file.
    pub fn multipart_body(&self, media: &'a Value, boundary: &str) -> String {
        let schema = media
            .get("schema")
            .map_or(&Value::Null, |s| self.resolve(s));
        let (properties, required) = self.object_shape(schema, 0);
        let names: Vec<&String> = if required.is_empty() {
            properties.keys().collect()
        } else {
            required.iter().collect()
        };
        let mut body = String::new();
        for name in names {
            let property = properties.get(name.as_str()).map(|s| self.resolve(s));
            let binary = property
                .is_some_and(|p| matches!(p.get("format").and_then(Value::as_str), Some("binary")));
            body.push_str(&format!("--{boundary}\r\n"));
            if binary {
                body.push_str(&format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"conformance.csv\"\r\n\
                     Content-Type: text/csv\r\n\r\n{FILE_CONTENT}\r\n"
                ));
            } else {
                let value = property.map_or(Value::Null, |p| self.schema_value(p));
                let text = match value {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                body.push_str(&format!(
                    "Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{text}\r\n"
                ));
            }
        }
        body.push_str(&format!("--{boundary}--\r\n"));
        body
    }

    /// A value that fits `schema`, from its examples where they fit.
    pub fn schema_value(&self, schema: &'a Value) -> Value {
        self.value(schema, 0)
    }

    fn value(&self, schema: &'a Value, depth: usize) -> Value {
        let schema = self.resolve(schema);
        if depth > MAX_DEPTH {
            return Value::Null;
        }
        for key in ["example", "default"] {
            if let Some(v) = schema.get(key)
                && self.fits(schema, v)
            {
                return v.clone();
            }
        }
        if let Some(first) = schema
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|values| values.iter().find(|v| !v.is_null()))
        {
            return first.clone();
        }
        if let Some(first) = ["oneOf", "anyOf"]
            .iter()
            .find_map(|k| schema.get(*k).and_then(Value::as_array))
            .and_then(|members| members.first())
        {
            return self.value(first, depth + 1);
        }
        match schema_type(schema) {
            Some("object") => self.object_value(schema, depth),
            Some("array") => {
                let items = schema.get("items").unwrap_or(&Value::Null);
                json!([self.value(items, depth + 1)])
            }
            Some("string") => string_value(schema),
            Some("integer") => Value::from(number_value(schema).round() as i64),
            Some("number") => json!(number_value(schema)),
            Some("boolean") => Value::Bool(false),
            _ => Value::Object(Map::new()),
        }
    }

    /// An object with every required property (through `allOf`). A required
    /// name with no property schema gets `null`.
    fn object_value(&self, schema: &'a Value, depth: usize) -> Value {
        let (properties, required) = self.object_shape(schema, depth);
        let mut object = Map::new();
        for name in required {
            let value = properties
                .get(name.as_str())
                .map_or(Value::Null, |p| self.value(p, depth + 1));
            object.insert(name, value);
        }
        Value::Object(object)
    }

    /// The properties and required names of an object schema, merged
    /// through `allOf`.
    fn object_shape(&self, schema: &'a Value, depth: usize) -> (Map<String, Value>, Vec<String>) {
        let schema = self.resolve(schema);
        let mut properties = Map::new();
        let mut required: Vec<String> = Vec::new();
        if depth > MAX_DEPTH {
            return (properties, required);
        }
        for member in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let (p, r) = self.object_shape(member, depth + 1);
            properties.extend(p);
            for name in r {
                if !required.contains(&name) {
                    required.push(name);
                }
            }
        }
        if let Some(own) = schema.get("properties").and_then(Value::as_object) {
            properties.extend(own.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        for name in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !required.iter().any(|r| r == name) {
                required.push(name.to_string());
            }
        }
        (properties, required)
    }

    /// Whether `value` is valid for `schema`: types, enums, required
    /// properties, numeric and length bounds, through `allOf` / `oneOf` /
    /// `anyOf`, arrays and properties. Formats and patterns are not checked.
    pub fn fits(&self, schema: &'a Value, value: &Value) -> bool {
        self.fits_at(schema, value, 0)
    }

    fn fits_at(&self, schema: &'a Value, value: &Value, depth: usize) -> bool {
        let schema = self.resolve(schema);
        if depth > MAX_DEPTH {
            return true;
        }
        if value.is_null() {
            return schema.get("nullable").and_then(Value::as_bool) == Some(true);
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array)
            && !values.contains(value)
        {
            return false;
        }
        if let Some(members) = schema.get("allOf").and_then(Value::as_array)
            && !members.iter().all(|m| self.fits_at(m, value, depth + 1))
        {
            return false;
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(members) = schema.get(key).and_then(Value::as_array)
                && !members.iter().any(|m| self.fits_at(m, value, depth + 1))
            {
                return false;
            }
        }
        match schema_type(schema) {
            Some("string") => value.as_str().is_some_and(|s| {
                let length = s.chars().count() as u64;
                bound(schema, "minLength").is_none_or(|min| length as f64 >= min)
                    && bound(schema, "maxLength").is_none_or(|max| length as f64 <= max)
            }),
            Some("integer") => {
                value.as_f64().is_some_and(|n| n.fract() == 0.0) && in_range(schema, value)
            }
            Some("number") => value.is_number() && in_range(schema, value),
            Some("boolean") => value.is_boolean(),
            Some("array") => value.as_array().is_some_and(|items| {
                let count = items.len() as f64;
                bound(schema, "minItems").is_none_or(|min| count >= min)
                    && bound(schema, "maxItems").is_none_or(|max| count <= max)
                    && schema.get("items").is_none_or(|item_schema| {
                        items
                            .iter()
                            .all(|i| self.fits_at(item_schema, i, depth + 1))
                    })
            }),
            Some("object") => value.is_object() && self.object_fits(schema, value, depth),
            _ => !value.is_object() || self.object_fits(schema, value, depth),
        }
    }

    fn object_fits(&self, schema: &'a Value, value: &Value, depth: usize) -> bool {
        let Some(object) = value.as_object() else {
            return false;
        };
        let required_present = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .all(|name| object.contains_key(name));
        let properties = schema.get("properties").and_then(Value::as_object);
        let properties_fit = object.iter().all(|(name, v)| {
            properties
                .and_then(|p| p.get(name))
                .is_none_or(|p| self.fits_at(p, v, depth + 1))
        });
        required_present && properties_fit
    }

    /// A named example's value (`{value: ...}` or a `$ref` to one).
    fn example_value(&self, example: &'a Value) -> &'a Value {
        let example = self.resolve(example);
        example.get("value").unwrap_or(&Value::Null)
    }

    /// Whether the schema itself suggests a value for an optional parameter.
    fn hinted(&self, schema: &'a Value) -> bool {
        let schema = self.resolve(schema);
        ["example", "default", "enum"]
            .iter()
            .any(|k| schema.get(*k).is_some())
    }
}

/// The values of an `examples` map, in order.
fn examples(examples: Option<&Value>) -> impl Iterator<Item = &Value> {
    examples
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|m| m.values())
}

/// An example written for the wire: a comma-separated string for an array
/// parameter becomes the array; a scalar for an array is a one-item array; a
/// number or boolean for a string parameter becomes its text.
fn coerce(schema: &Value, example: &Value) -> Value {
    match (schema_type(schema), example) {
        (Some("array"), Value::String(s)) => Value::Array(
            s.split(',')
                .map(|part| Value::String(part.trim().to_string()))
                .collect(),
        ),
        (Some("array"), Value::Array(_)) => example.clone(),
        (Some("array"), scalar) => Value::Array(vec![scalar.clone()]),
        (Some("string"), Value::Number(_) | Value::Bool(_)) => Value::String(example.to_string()),
        _ => example.clone(),
    }
}

/// `type`, or `object` when the schema lists properties (or `allOf`
/// members) without one.
fn schema_type(schema: &Value) -> Option<&str> {
    schema.get("type").and_then(Value::as_str).or_else(|| {
        ["properties", "required", "allOf"]
            .iter()
            .any(|k| schema.get(*k).is_some())
            .then_some("object")
    })
}

/// A value constraint of `schema`: its own, or the one the
/// `value-constraints` pass kept aside (the client no longer enforces them,
/// but the server, Prism here, does).
fn constraint<'v>(schema: &'v Value, key: &str) -> Option<&'v Value> {
    schema
        .get(key)
        .or_else(|| schema.get(CONSTRAINTS_EXTENSION)?.get(key))
}

fn bound(schema: &Value, key: &str) -> Option<f64> {
    constraint(schema, key).and_then(Value::as_f64)
}

fn in_range(schema: &Value, value: &Value) -> bool {
    let Some(n) = value.as_f64() else {
        return false;
    };
    let exclusive = |key: &str| constraint(schema, key).and_then(Value::as_bool) == Some(true);
    bound(schema, "minimum").is_none_or(|min| {
        if exclusive("exclusiveMinimum") {
            n > min
        } else {
            n >= min
        }
    }) && bound(schema, "maximum").is_none_or(|max| {
        if exclusive("exclusiveMaximum") {
            n < max
        } else {
            n <= max
        }
    })
}

/// A number the schema allows: 1 (a page size, a count) when in range,
/// else the nearest bound.
fn number_value(schema: &Value) -> f64 {
    let min = bound(schema, "minimum");
    let max = bound(schema, "maximum");
    [
        Some(1.0),
        min,
        min.map(|m| m + 1.0),
        max,
        max.map(|m| m - 1.0),
    ]
    .into_iter()
    .flatten()
    .find(|n| in_range(schema, &json!(n)))
    .unwrap_or(1.0)
}

/// A string for the schema's format, within its length bounds.
fn string_value(schema: &Value) -> Value {
    let text = match schema.get("format").and_then(Value::as_str) {
        Some("date-time") => "2024-01-01T00:00:00Z",
        Some("date") => "2024-01-01",
        Some("time") => "00:00:00",
        Some("uuid") => "00000000-0000-4000-8000-000000000001",
        Some("email") => "conformance@example.com",
        Some("uri" | "url") => "https://example.com/conformance",
        Some("hostname") => "example.com",
        Some("ipv4") => "192.0.2.1",
        Some("ipv6") => "2001:db8::1",
        Some("byte") => "Y29uZm9ybWFuY2U=",
        _ => "conformance",
    };
    let mut text = text.to_string();
    let min = bound(schema, "minLength").map_or(0, |m| m as usize);
    while text.chars().count() < min {
        text.push('x');
    }
    if let Some(max) = bound(schema, "maxLength").map(|m| m as usize)
        && text.chars().count() > max
    {
        text = text.chars().take(max).collect();
    }
    Value::String(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document() -> Value {
        json!({
            "components": {
                "schemas": {
                    "Kind": {"type": "string", "enum": ["Login", "Content"]},
                    "Base": {
                        "type": "object",
                        "required": ["name"],
                        "properties": {
                            "name": {"type": "string", "example": "Ada"},
                            "note": {"type": "string", "example": "optional, left out"}
                        }
                    },
                    "User": {
                        "allOf": [
                            {"$ref": "#/components/schemas/Base"},
                            {
                                "type": "object",
                                "required": ["kind", "roles", "limit", "createdAt", "ghost"],
                                "properties": {
                                    "kind": {"$ref": "#/components/schemas/Kind"},
                                    "roles": {"type": "array", "items": {"type": "string", "example": "r1"}},
                                    "limit": {"type": "integer", "minimum": 10, "maximum": 100},
                                    "createdAt": {"type": "string", "format": "date-time"}
                                }
                            }
                        ]
                    },
                    "Page": {
                        "type": "object",
                        "required": ["data"],
                        "example": {"data": [null, null]},
                        "properties": {"data": {"type": "array", "items": {"$ref": "#/components/schemas/Base"}}}
                    },
                    "Panel": {"oneOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object"}]},
                    "Loop": {"type": "object", "required": ["next"], "properties": {"next": {"$ref": "#/components/schemas/Loop"}}}
                }
            }
        })
    }

    fn schema(name: &str) -> Value {
        json!({"$ref": format!("#/components/schemas/{name}")})
    }

    #[test]
    fn builds_required_properties_through_all_of() {
        let doc = document();
        let spec = Spec::new(&doc);
        let user = schema("User");
        let value = spec.schema_value(&user);
        assert_eq!(
            value,
            json!({
                "name": "Ada",
                "kind": "Login",
                "roles": ["r1"],
                "limit": 10,
                "createdAt": "2024-01-01T00:00:00Z",
                "ghost": null
            })
        );
        // `ghost` is required but has no schema: still, the value fits.
        assert!(spec.fits(&user, &value));
    }

    #[test]
    fn an_example_that_violates_its_schema_is_not_used() {
        let doc = document();
        let spec = Spec::new(&doc);
        let page = schema("Page");
        assert!(!spec.fits(&page, &json!({"data": [null, null]})));
        assert_eq!(spec.schema_value(&page), json!({"data": [{"name": "Ada"}]}));
        let media = json!({"schema": schema("Page"), "example": {"data": []}});
        assert_eq!(
            spec.body_candidates(&media),
            vec![json!({"data": []}), json!({"data": [{"name": "Ada"}]})]
        );
        let wrong = json!({"schema": schema("Page"), "examples": {"a": {"value": {"data": 3}}}});
        assert_eq!(
            spec.body_candidates(&wrong),
            vec![json!({"data": [{"name": "Ada"}]})]
        );
    }

    #[test]
    fn unions_take_their_first_member_and_recursion_stops() {
        let doc = document();
        let spec = Spec::new(&doc);
        assert_eq!(spec.schema_value(&schema("Panel")), json!({"name": "Ada"}));
        let looped = spec.schema_value(&schema("Loop"));
        let mut depth = 0;
        let mut cursor = &looped;
        while let Some(next) = cursor.get("next") {
            depth += 1;
            cursor = next;
        }
        assert!(depth > 0 && depth <= MAX_DEPTH + 1, "depth {depth}");
    }

    #[test]
    fn parameters_prefer_their_examples_and_skip_unhinted_optionals() {
        let doc = document();
        let spec = Spec::new(&doc);
        let ids = json!({"name": "ids", "in": "query", "required": true,
            "example": "0001,0002", "schema": {"type": "array", "items": {"type": "string"}}});
        assert_eq!(spec.parameter_value(&ids), Some(json!(["0001", "0002"])));
        let limit = json!({"name": "limit", "in": "query",
            "schema": {"type": "integer", "default": 100, "maximum": 1000}});
        assert_eq!(spec.parameter_value(&limit), Some(json!(100)));
        let too_big = json!({"name": "limit", "in": "query", "required": true, "example": 5000,
            "schema": {"type": "integer", "minimum": 1, "maximum": 1000}});
        assert_eq!(spec.parameter_value(&too_big), Some(json!(1)));
        let admin = json!({"name": "isAdminMode", "in": "header", "schema": {"type": "string"}});
        assert_eq!(spec.parameter_value(&admin), None);
        let id =
            json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"}});
        assert_eq!(spec.parameter_value(&id), Some(json!("conformance")));
        let mode = json!({"name": "mode", "in": "query", "schema": schema("Kind")});
        assert_eq!(spec.parameter_value(&mode), Some(json!("Login")));
        let numeric = json!({"name": "version", "in": "query", "required": true, "example": 2,
            "schema": {"type": "string"}});
        assert_eq!(spec.parameter_value(&numeric), Some(json!("2")));
        let named = json!({"name": "q", "in": "query", "examples": {"one": {"value": "error"}},
            "schema": {"type": "string"}});
        assert_eq!(spec.parameter_value(&named), Some(json!("error")));
    }

    #[test]
    fn strings_follow_format_and_length() {
        assert_eq!(
            string_value(&json!({"type": "string", "format": "uuid"})),
            json!("00000000-0000-4000-8000-000000000001")
        );
        assert_eq!(
            string_value(&json!({"type": "string", "minLength": 14})),
            json!("conformancexxx")
        );
        assert_eq!(
            string_value(&json!({"type": "string", "maxLength": 4})),
            json!("conf")
        );
        assert_eq!(
            number_value(&json!({"minimum": 0, "exclusiveMinimum": true, "maximum": 0.5})),
            0.5
        );
        assert_eq!(number_value(&json!({"minimum": 5})), 5.0);
        // Constraints the value-constraints pass kept aside still count.
        assert_eq!(
            number_value(&json!({CONSTRAINTS_EXTENSION: {"minimum": 5}})),
            5.0
        );
    }

    #[test]
    fn fits_checks_types_bounds_and_required() {
        let doc = document();
        let spec = Spec::new(&doc);
        let base = schema("Base");
        assert!(spec.fits(&base, &json!({"name": "x"})));
        assert!(!spec.fits(&base, &json!({"note": "x"})));
        assert!(!spec.fits(&base, &json!({"name": 1})));
        assert!(!spec.fits(&json!({"type": "integer"}), &json!(1.5)));
        assert!(spec.fits(&json!({"type": "integer"}), &json!(2)));
        assert!(!spec.fits(&json!({"type": "string"}), &Value::Null));
        assert!(spec.fits(&json!({"type": "string", "nullable": true}), &Value::Null));
        assert!(!spec.fits(&schema("Kind"), &json!("Both")));
        assert!(!spec.fits(&json!({"type": "array", "minItems": 1}), &json!([])));
    }

    #[test]
    fn multipart_parts_follow_the_schema() {
        let doc = document();
        let spec = Spec::new(&doc);
        let media = json!({"schema": {"type": "object", "required": ["file", "label"], "properties": {
            "file": {"type": "string", "format": "binary"},
            "label": {"type": "string", "example": "users"},
            "extra": {"type": "string"}
        }}});
        let body = spec.multipart_body(&media, "B");
        assert_eq!(
            body,
            "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"conformance.csv\"\r\n\
             Content-Type: text/csv\r\n\r\nname,value\nconformance,1\n\r\n\
             --B\r\nContent-Disposition: form-data; name=\"label\"\r\n\r\nusers\r\n--B--\r\n"
        );
    }
}
