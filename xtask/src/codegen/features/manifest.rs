//! The `[features]` tables of `generated-client/Cargo.toml` and
//! `sumo-ext/Cargo.toml`: one feature per spec tag and `full`, regenerated
//! (and drift-checked) with the code. Hand-written keys (`default`,
//! `schemars`, `mock`, `rustls`, `testing`, ...) are kept as they are;
//! every other key is the generator's.

use std::collections::BTreeMap;

use toml_edit::{Array, DocumentMut, Item, Key, Value};

use super::{FULL, TagFeature};

/// `generated-client/Cargo.toml`.
pub const GENERATED_CLIENT: &str = "generated-client/Cargo.toml";
/// `sumo-ext/Cargo.toml`.
pub const SUMO_EXT: &str = "sumo-ext/Cargo.toml";

/// The name under which sumo-ext depends on the generated client.
const GENERATED_CRATE: &str = "sumo-generated-client";

/// Keys of each manifest's `[features]` that are written by hand.
pub const HAND_WRITTEN: [(&str, &[&str]); 2] = [
    (GENERATED_CLIENT, &["default", "schemars", "mock"]),
    (SUMO_EXT, &["default", "rustls", "testing"]),
];

/// The tag features of one API, by feature name.
pub struct ApiFeatures<'a> {
    /// The API's title in comments ("regional", "organizations").
    pub api: &'a str,
    pub tags: &'a BTreeMap<String, TagFeature>,
}

/// Every tag feature of every API, in name order; a name used by two APIs
/// is an error.
fn all_features<'a>(
    apis: &'a [ApiFeatures<'a>],
) -> anyhow::Result<BTreeMap<&'a str, (&'a str, &'a TagFeature)>> {
    let mut all = BTreeMap::new();
    for api in apis {
        for (name, tag) in api.tags {
            if name == FULL
                || HAND_WRITTEN
                    .iter()
                    .any(|(_, keys)| keys.contains(&name.as_str()))
            {
                return Err(anyhow::anyhow!(
                    "the {} tag `{}` becomes the feature `{name}`, which is reserved",
                    api.api,
                    tag.tag
                ));
            }
            if let Some((other, _)) = all.insert(name.as_str(), (api.api, tag)) {
                return Err(anyhow::anyhow!(
                    "the feature `{name}` comes from a tag of both the {other} and the {} API",
                    api.api
                ));
            }
        }
    }
    Ok(all)
}

/// `manifest` (the text of `path`, one of the two manifests) with its
/// generated features replaced by those of `apis`.
pub fn regenerate(path: &str, manifest: &str, apis: &[ApiFeatures<'_>]) -> anyhow::Result<String> {
    let hand_written = HAND_WRITTEN
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, keys)| *keys)
        .ok_or_else(|| anyhow::anyhow!("{path}: not a manifest with generated features"))?;
    let forward = path == SUMO_EXT;
    let all = all_features(apis)?;
    let mut doc: DocumentMut = manifest
        .parse()
        .map_err(|e| anyhow::anyhow!("{path} is not valid TOML: {e}"))?;
    let table = doc
        .get_mut("features")
        .and_then(Item::as_table_mut)
        .ok_or_else(|| anyhow::anyhow!("{path} has no [features] table"))?;
    let stale: Vec<String> = table
        .iter()
        .map(|(key, _)| key.to_string())
        .filter(|key| !hand_written.contains(&key.as_str()))
        .collect();
    for key in stale {
        table.remove(&key);
    }
    let enables = |name: &str| match forward {
        true => vec![format!("{GENERATED_CRATE}/{name}")],
        false => Vec::new(),
    };
    let full_enables = match forward {
        true => enables(FULL),
        false => all.keys().map(|name| name.to_string()).collect(),
    };
    let full_doc = match forward {
        true => "Every API area of `sumo-generated-client`.",
        false => "Every API area, and the schemas no operation reaches.",
    };
    table.insert_formatted(&documented(FULL, full_doc), array(full_enables));
    for (name, (api, tag)) in &all {
        let doc = format!(
            "`{}` ({api} API): {} operation{}.",
            tag.tag,
            tag.operations,
            if tag.operations == 1 { "" } else { "s" }
        );
        table.insert_formatted(&documented(name, &doc), array(enables(name)));
    }
    // Hand-written lists may only name features that exist.
    for key in hand_written {
        let Some(list) = table.get(key).and_then(Item::as_array) else {
            continue;
        };
        for entry in list.iter().filter_map(Value::as_str) {
            if !entry.contains('/') && !entry.starts_with("dep:") && !table.contains_key(entry) {
                return Err(anyhow::anyhow!(
                    "{path}: feature `{key}` names `{entry}`, which is no longer a feature (a tag of the specs was renamed or removed?)"
                ));
            }
        }
    }
    Ok(doc.to_string())
}

fn documented(name: &str, doc: &str) -> Key {
    let mut key = Key::new(name);
    key.leaf_decor_mut().set_prefix(format!("## {doc}\n"));
    key
}

/// A TOML array: inline when short, one entry per line otherwise.
fn array(entries: Vec<String>) -> Item {
    let mut array: Array = entries.iter().map(String::as_str).collect();
    if entries.len() > 3 {
        for value in array.iter_mut() {
            value.decor_mut().set_prefix("\n    ");
        }
        array.set_trailing("\n");
        array.set_trailing_comma(true);
    }
    toml_edit::value(array)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(pairs: &[(&str, &str, usize)]) -> BTreeMap<String, TagFeature> {
        pairs
            .iter()
            .map(|(name, tag, operations)| {
                (
                    name.to_string(),
                    TagFeature {
                        tag: tag.to_string(),
                        operations: *operations,
                    },
                )
            })
            .collect()
    }

    const CLIENT: &str = "[package]\nname = \"x\"\n\n[features]\ndefault = []\n## Derive.\nschemars = [\"dep:schemars\"]\nold-tag = []\n\n[dependencies]\nserde = \"1\"\n";
    const EXT: &str = "[features]\ndefault = [\"rustls\", \"user-management\"]\n## TLS.\nrustls = [\"reqwest/rustls\"]\n\n[dependencies]\nx = \"1\"\n";

    #[test]
    fn features_are_regenerated_and_hand_written_keys_kept() {
        let regional = tags(&[
            ("user-management", "userManagement", 10),
            ("orgs-management", "orgsManagement", 1),
        ]);
        let orgs = tags(&[("organizations-management", "organizationsManagement", 15)]);
        let apis = [
            ApiFeatures {
                api: "regional",
                tags: &regional,
            },
            ApiFeatures {
                api: "organizations",
                tags: &orgs,
            },
        ];
        let client = regenerate(GENERATED_CLIENT, CLIENT, &apis).unwrap();
        assert!(
            client.contains("## Derive.\nschemars = [\"dep:schemars\"]\n"),
            "{client}"
        );
        assert!(!client.contains("old-tag"), "{client}");
        assert!(
            client.contains(
                "## `orgsManagement` (regional API): 1 operation.\norgs-management = []\n"
            ),
            "{client}"
        );
        assert!(
            client.contains(
                "full = [\"organizations-management\", \"orgs-management\", \"user-management\"]"
            ),
            "{client}"
        );
        assert!(
            client.contains("[dependencies]\nserde = \"1\"\n"),
            "{client}"
        );
        // Idempotent: regenerating the output changes nothing.
        assert_eq!(
            regenerate(GENERATED_CLIENT, &client, &apis).unwrap(),
            client
        );

        let ext = regenerate(SUMO_EXT, EXT, &apis).unwrap();
        assert!(
            ext.contains("user-management = [\"sumo-generated-client/user-management\"]"),
            "{ext}"
        );
        assert!(
            ext.contains("full = [\"sumo-generated-client/full\"]"),
            "{ext}"
        );
        assert!(
            ext.contains("## TLS.\nrustls = [\"reqwest/rustls\"]"),
            "{ext}"
        );
        assert_eq!(regenerate(SUMO_EXT, &ext, &apis).unwrap(), ext);
    }

    #[test]
    fn bad_manifests_and_clashing_tags_are_errors() {
        let regional = tags(&[("users", "users", 1)]);
        let apis = [ApiFeatures {
            api: "regional",
            tags: &regional,
        }];
        // The default names a feature that no longer exists.
        let err = regenerate(SUMO_EXT, EXT, &apis).unwrap_err().to_string();
        assert!(err.contains("`default` names `user-management`"), "{err}");
        let err = regenerate(SUMO_EXT, "[features", &apis)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("sumo-ext/Cargo.toml is not valid TOML"),
            "{err}"
        );
        let err = regenerate(SUMO_EXT, "[package]\n", &apis)
            .unwrap_err()
            .to_string();
        assert_eq!(err, "sumo-ext/Cargo.toml has no [features] table");
        let twice = [
            ApiFeatures {
                api: "regional",
                tags: &regional,
            },
            ApiFeatures {
                api: "organizations",
                tags: &regional,
            },
        ];
        let err = regenerate(GENERATED_CLIENT, CLIENT, &twice)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("both the regional and the organizations API"),
            "{err}"
        );
        let reserved = tags(&[("full", "full", 1)]);
        let err = regenerate(
            GENERATED_CLIENT,
            CLIENT,
            &[ApiFeatures {
                api: "regional",
                tags: &reserved,
            }],
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("reserved"), "{err}");
    }
}
