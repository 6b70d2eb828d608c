//! Parameters, matched by location and name (path parameters by position,
//! so a renamed path parameter is one change, not a removal and an addition).

use serde_json::Value;

use super::refs;
use super::rules::Kind;

/// One effective parameter of an operation.
#[derive(Debug, Clone)]
pub struct Param<'a> {
    /// `query/limit`, `header/X-Id`, or `path/0` for the first path parameter.
    pub key: String,
    pub location: &'a str,
    pub name: &'a str,
    pub required: bool,
    pub schema: Option<&'a Value>,
}

/// The parameters of an operation: the path item's, overridden by the
/// operation's own (same `in` and `name`), `$ref`s followed.
pub fn effective<'a>(
    doc: &'a Value,
    path: &str,
    item: &'a Value,
    operation: &'a Value,
) -> Vec<Param<'a>> {
    let mut list: Vec<(&'a str, &'a str, &'a Value)> = Vec::new();
    for source in [item.get("parameters"), operation.get("parameters")] {
        for parameter in source.and_then(Value::as_array).into_iter().flatten() {
            let (p, _) = refs::follow(doc, parameter);
            let (Some(location), Some(name)) = (
                p.get("in").and_then(Value::as_str),
                p.get("name").and_then(Value::as_str),
            ) else {
                continue;
            };
            list.retain(|(l, n, _)| !(*l == location && *n == name));
            list.push((location, name, p));
        }
    }
    let template = path_parameter_names(path);
    list.into_iter()
        .map(|(location, name, p)| {
            let key = match template.iter().position(|t| *t == name) {
                Some(i) if location == "path" => format!("path/{i}"),
                _ => format!("{location}/{name}"),
            };
            Param {
                key,
                location,
                name,
                required: p.get("required") == Some(&Value::Bool(true)) || location == "path",
                schema: p.get("schema"),
            }
        })
        .collect()
}

/// Names in a path template, in order: `/a/{x}/b/{y}` → `[x, y]`.
pub fn path_parameter_names(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

/// `/a/{x}/b/{y}` → `/a/{}/b/{}`: operations match whatever their path
/// parameters are called.
pub fn normalize_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                out.push('{');
            }
            '}' => {
                inside = false;
                out.push('}');
            }
            _ if inside => {}
            _ => out.push(c),
        }
    }
    out
}

/// A parameter-level change (schema changes are reported separately).
#[derive(Debug, Clone, PartialEq)]
pub struct ParamChange {
    pub kind: Kind,
    pub pointer: String,
    /// The parameter's (new) name.
    pub name: String,
    pub message: String,
}

/// Changes between two parameter lists, and the pairs whose schemas need comparing.
pub fn compare<'a>(
    old: &[Param<'a>],
    new: &[Param<'a>],
) -> (Vec<ParamChange>, Vec<(Param<'a>, Param<'a>)>) {
    let mut changes = Vec::new();
    let mut pairs = Vec::new();
    let pointer = |p: &Param<'_>| format!("/parameters/{}/{}", p.location, super::escape(p.name));
    for o in old.iter().filter(|o| !new.iter().any(|n| n.key == o.key)) {
        changes.push(ParamChange {
            kind: Kind::ParameterRemoved,
            pointer: pointer(o),
            name: o.name.to_string(),
            message: format!("{} parameter `{}` removed", o.location, o.name),
        });
    }
    for n in new {
        let Some(o) = old.iter().find(|o| o.key == n.key) else {
            let (kind, what) = if n.required {
                (Kind::ParameterAddedRequired, "required")
            } else {
                (Kind::ParameterAddedOptional, "optional")
            };
            changes.push(ParamChange {
                kind,
                pointer: pointer(n),
                name: n.name.to_string(),
                message: format!("{what} {} parameter `{}` added", n.location, n.name),
            });
            continue;
        };
        if o.name != n.name {
            changes.push(ParamChange {
                kind: Kind::PathParameterRenamed,
                pointer: pointer(n),
                name: n.name.to_string(),
                message: format!("path parameter `{}` renamed `{}`", o.name, n.name),
            });
        }
        match (o.required, n.required) {
            (false, true) => changes.push(ParamChange {
                kind: Kind::ParameterBecameRequired,
                pointer: pointer(n),
                name: n.name.to_string(),
                message: format!("{} parameter `{}` became required", n.location, n.name),
            }),
            (true, false) => changes.push(ParamChange {
                kind: Kind::ParameterBecameOptional,
                pointer: pointer(n),
                name: n.name.to_string(),
                message: format!("{} parameter `{}` became optional", n.location, n.name),
            }),
            _ => {}
        }
        pairs.push((o.clone(), n.clone()));
    }
    (changes, pairs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::testutil::doc;

    #[test]
    fn paths_normalize_and_name_their_parameters() {
        assert_eq!(
            normalize_path("/v1/users/{id}/keys/{keyId}"),
            "/v1/users/{}/keys/{}"
        );
        assert_eq!(
            path_parameter_names("/v1/users/{id}/keys/{keyId}"),
            ["id", "keyId"]
        );
        assert_eq!(normalize_path("/v1/{unclosed"), "/v1/{");
    }

    #[test]
    fn operation_parameters_override_path_item_parameters() {
        let d = doc(r##"
components:
  parameters:
    Limit: {name: limit, in: query, schema: {type: integer}}
paths:
  /a/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
      - {name: q, in: query, schema: {type: string}}
    get:
      parameters:
        - {name: q, in: query, required: true, schema: {type: string}}
        - $ref: '#/components/parameters/Limit'
"##);
        let item = &d["paths"]["/a/{id}"];
        let params = effective(&d, "/a/{id}", item, &item["get"]);
        let keys: Vec<_> = params
            .iter()
            .map(|p| (p.key.as_str(), p.required))
            .collect();
        assert_eq!(
            keys,
            [("path/0", true), ("query/q", true), ("query/limit", false)]
        );
    }

    #[test]
    fn added_removed_renamed_and_required() {
        let old = doc(
            "paths: {'/a/{id}': {get: {parameters: [{name: id, in: path, required: true}, {name: gone, in: query}, {name: opt, in: query}]}}}",
        );
        let new = doc(
            "paths: {'/a/{userId}': {get: {parameters: [{name: userId, in: path, required: true}, {name: opt, in: query, required: true}, {name: must, in: header, required: true}, {name: may, in: query}]}}}",
        );
        let o = effective(
            &old,
            "/a/{id}",
            &old["paths"]["/a/{id}"],
            &old["paths"]["/a/{id}"]["get"],
        );
        let n = effective(
            &new,
            "/a/{userId}",
            &new["paths"]["/a/{userId}"],
            &new["paths"]["/a/{userId}"]["get"],
        );
        let (changes, pairs) = compare(&o, &n);
        let kinds: Vec<_> = changes.iter().map(|c| (c.kind, c.name.as_str())).collect();
        assert_eq!(
            kinds,
            [
                (Kind::ParameterRemoved, "gone"),
                (Kind::PathParameterRenamed, "userId"),
                (Kind::ParameterBecameRequired, "opt"),
                (Kind::ParameterAddedRequired, "must"),
                (Kind::ParameterAddedOptional, "may"),
            ]
        );
        assert_eq!(pairs.len(), 2);
    }
}
