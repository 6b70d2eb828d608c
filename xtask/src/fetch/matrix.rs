//! The availability matrix: which operations each deployment's spec has,
//! compared with the canonical deployment's. Written to
//! `openapi/availability.toml` for sumo-ext.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::spec::load::operations;

/// Where the matrix lives, relative to the workspace root.
pub const AVAILABILITY_PATH: &str = "openapi/availability.toml";

/// The matrix file.
#[derive(Debug, Serialize, PartialEq)]
pub struct Matrix {
    /// Upper-case code of the canonical deployment.
    pub canonical: String,
    pub canonical_operations: usize,
    /// Per upper-case deployment code.
    pub deployments: BTreeMap<String, Availability>,
}

/// One deployment against the canonical one.
#[derive(Debug, Serialize, PartialEq)]
pub struct Availability {
    pub sha256: String,
    pub operations: usize,
    /// operationIds of the canonical spec this deployment does not publish.
    pub missing: Vec<String>,
    /// operationIds this deployment publishes and the canonical spec lacks.
    pub extra: Vec<String>,
}

/// `"METHOD path"` → operationId (or the key itself when there is none).
fn by_route(document: &Value) -> BTreeMap<String, String> {
    operations(document)
        .map(|(path, method, op)| {
            let key = format!("{} {path}", method.to_uppercase());
            let id = op
                .get("operationId")
                .and_then(Value::as_str)
                .map_or_else(|| key.clone(), str::to_string);
            (key, id)
        })
        .collect()
}

/// Compares every deployment's document with the canonical one. Operations
/// are matched by method and path.
pub fn compute(canonical: &str, specs: &BTreeMap<String, (String, Value)>) -> Option<Matrix> {
    let (_, canonical_doc) = specs.get(canonical)?;
    let reference = by_route(canonical_doc);
    let deployments = specs
        .iter()
        .map(|(code, (sha256, doc))| {
            let routes = by_route(doc);
            let missing = reference
                .iter()
                .filter(|(route, _)| !routes.contains_key(*route))
                .map(|(_, id)| id.clone())
                .collect();
            let extra = routes
                .iter()
                .filter(|(route, _)| !reference.contains_key(*route))
                .map(|(_, id)| id.clone())
                .collect();
            let (mut missing, mut extra): (Vec<String>, Vec<String>) = (missing, extra);
            missing.sort();
            extra.sort();
            let availability = Availability {
                sha256: sha256.clone(),
                operations: routes.len(),
                missing,
                extra,
            };
            (code.clone(), availability)
        })
        .collect();
    Some(Matrix {
        canonical: canonical.to_string(),
        canonical_operations: reference.len(),
        deployments,
    })
}

impl Matrix {
    /// The file's text.
    pub fn render(&self) -> anyhow::Result<String> {
        let body = toml::to_string_pretty(self).map_err(anyhow::Error::from)?;
        Ok(format!(
            "# Written by `cargo xtask fetch` from the fetched specs: per deployment, the\n\
             # operations of the canonical deployment's spec it does not publish\n\
             # (`missing`) and those only it publishes (`extra`), by operationId.\n\n{body}"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn missing_and_extra_by_method_and_path() {
        let full = json!({"paths": {
            "/a": {"get": {"operationId": "getA"}, "post": {"operationId": "createA"}},
            "/b": {"get": {"operationId": "getB"}}
        }});
        let partial = json!({"paths": {
            "/a": {"get": {"operationId": "getA"}},
            "/c": {"get": {"operationId": "getC"}}
        }});
        let specs = BTreeMap::from([
            ("US2".to_string(), ("s1".to_string(), full)),
            ("FED".to_string(), ("s2".to_string(), partial)),
        ]);
        let m = compute("US2", &specs).unwrap();
        assert_eq!(m.canonical_operations, 3);
        assert_eq!(m.deployments["FED"].missing, ["createA", "getB"]);
        assert_eq!(m.deployments["FED"].extra, ["getC"]);
        assert!(m.deployments["US2"].missing.is_empty());
        let text = m.render().unwrap();
        assert!(text.contains("[deployments.FED]"), "{text}");
        assert!(compute("EU", &specs).is_none());
    }
}
