//! Per-tag cargo features: every spec tag becomes a cargo feature of
//! `generated-client`, and every generated item gets the `#[cfg]` of the
//! features whose operations reach it.
//!
//! - [`SpecFeatures`]: what the spec says: each operation's tags, and the
//!   types compiled whatever the features (the error bodies);
//! - [`plan`]: reachability over the generated syntax tree, from each
//!   operation's builder to every type it mentions, transitively;
//! - [`condition`]: when an item compiles, as typed feature sets, and its
//!   `#[cfg(...)]`;
//! - [`split`]: each item's condition, and the items of each condition moved
//!   into a file of their own;
//! - [`mocks`]: the same conditions on progenitor's typed mocks of the
//!   operations (`src/<module>/mock.rs` and its parts);
//! - [`manifest`]: the `[features]` tables of `generated-client` and
//!   `sumo-ext`, which forwards them.

pub mod condition;
pub mod manifest;
pub mod mocks;
pub mod plan;
pub mod split;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;

use crate::naming::{feature_name, rust_type_name};
use crate::spec::load::operations;
use crate::spec::normalize::ALWAYS_EXTENSION;

/// The feature that enables every API area, plus the schemas no operation
/// reaches.
pub const FULL: &str = "full";

/// One tag feature, for the manifests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagFeature {
    /// The tag, as the spec spells it.
    pub tag: String,
    /// How many operations carry it.
    pub operations: usize,
}

/// What a spec says about features.
#[derive(Debug, Clone, Default)]
pub struct SpecFeatures {
    /// The features of each operation, by (upper-case method, path).
    pub operations: HashMap<(String, String), BTreeSet<String>>,
    /// Every tag feature of the spec, by feature name.
    pub tags: BTreeMap<String, TagFeature>,
    /// Rust names of the types compiled whatever the features.
    pub always: BTreeSet<String>,
}

impl SpecFeatures {
    /// Reads tags and always-compiled schemas from a normalized spec. An
    /// operation without tags belongs to [`FULL`] only.
    pub fn from_spec(document: &Value) -> Self {
        let mut features = SpecFeatures::default();
        for (path, method, operation) in operations(document) {
            let tags: BTreeSet<String> = operation
                .get("tags")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(|tag| {
                    let name = feature_name(tag);
                    features
                        .tags
                        .entry(name.clone())
                        .or_insert_with(|| TagFeature {
                            tag: tag.to_string(),
                            operations: 0,
                        })
                        .operations += 1;
                    name
                })
                .collect();
            let tags = if tags.is_empty() {
                BTreeSet::from([FULL.to_string()])
            } else {
                tags
            };
            features
                .operations
                .insert((method.to_uppercase(), path.to_string()), tags);
        }
        if let Some(schemas) = document
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        {
            for (name, schema) in schemas {
                if schema.get(ALWAYS_EXTENSION) == Some(&Value::Bool(true)) {
                    features.always.insert(rust_type_name(name));
                }
            }
        }
        features
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tags_become_kebab_case_features() {
        let spec = json!({
            "paths": {
                "/v1/users": {
                    "get": {"tags": ["userManagement"]},
                    "post": {"tags": ["userManagement"]},
                    "parameters": []
                },
                "/v1/x": {"put": {"tags": ["fieldManagementV1", "orgsManagement"]}},
                "/v1/untagged": {"delete": {}}
            },
            "components": {"schemas": {
                "ErrorResponse": {"type": "object", ALWAYS_EXTENSION: true},
                "Other": {"type": "object"}
            }}
        });
        let features = SpecFeatures::from_spec(&spec);
        assert_eq!(
            features.tags.keys().collect::<Vec<_>>(),
            ["field-management-v1", "orgs-management", "user-management"]
        );
        assert_eq!(features.tags["user-management"].operations, 2);
        assert_eq!(features.tags["user-management"].tag, "userManagement");
        assert_eq!(
            features.operations[&("PUT".into(), "/v1/x".into())],
            BTreeSet::from(["field-management-v1".into(), "orgs-management".into()])
        );
        assert_eq!(
            features.operations[&("DELETE".into(), "/v1/untagged".into())],
            BTreeSet::from([FULL.to_string()])
        );
        assert_eq!(features.operations.len(), 4);
        assert_eq!(features.always, BTreeSet::from(["ErrorResponse".into()]));
    }
}
