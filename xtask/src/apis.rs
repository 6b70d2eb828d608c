//! The APIs the workspace generates a client for, and the generated
//! crate's hand-written sources.

use std::path::Path;

use anyhow::{Context, Result};

/// One generated API: where its spec usually comes from, its overlay, and
/// the module it becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Api {
    /// Key in the lock and name of the command-line option.
    pub name: &'static str,
    /// Human title for reports and docs.
    pub title: &'static str,
    /// Our fixes to the upstream spec, relative to the workspace root.
    pub overlay: &'static str,
    /// The generated module, relative to the workspace root.
    pub module_path: &'static str,
    /// Rust module name.
    pub module: &'static str,
}

/// The regional API, served by every deployment.
pub const REGIONAL: Api = Api {
    name: "regional",
    title: "Sumo Logic API, regional: served by every deployment at `https://api.<deployment>.sumologic.com/api`",
    overlay: "openapi/overlays/regional.yaml",
    module_path: "generated-client/src/regional.rs",
    module: "regional",
};

/// The Organizations Management API of the organizations.sumologic.com
/// assembly.
pub const ORGANIZATIONS: Api = Api {
    name: "organizations",
    title: "Sumo Logic Organizations Management API, of the `organizations.sumologic.com` assembly",
    overlay: "openapi/overlays/organizations.yaml",
    module_path: "generated-client/src/organizations.rs",
    module: "organizations",
};

/// Every generated API, in module order.
pub const ALL: [Api; 2] = [REGIONAL, ORGANIZATIONS];

/// The generated crate, relative to the workspace root.
pub const CRATE_DIR: &str = "generated-client";

/// Where the crate's hand-written sources live, relative to [`CRATE_DIR`]:
/// the files directly in `src/` that are not a generated module
/// (`lib.rs`, the transport seam, the helpers the syntax passes call), and
/// the conformance sweep's support module.
const HAND_WRITTEN_DIRS: [&str; 2] = ["src", "tests/support"];

/// The generated crate's hand-written sources, `(path relative to the
/// root, text)`, for a standalone copy of the crate (`generate --out-dir`,
/// `verify-releases`).
pub fn hand_written_sources(root: &Path) -> Result<Vec<(String, String)>> {
    let generated: Vec<&str> = ALL.iter().map(|api| api.module_path).collect();
    let mut found = Vec::new();
    for dir in HAND_WRITTEN_DIRS {
        let relative_dir = format!("{CRATE_DIR}/{dir}");
        let entries = std::fs::read_dir(root.join(&relative_dir))
            .with_context(|| format!("cannot list {relative_dir}"))?;
        for entry in entries {
            let entry = entry.with_context(|| format!("cannot list {relative_dir}"))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = format!("{relative_dir}/{name}");
            if !name.ends_with(".rs") || generated.contains(&path.as_str()) {
                continue;
            }
            let text = std::fs::read_to_string(entry.path())
                .with_context(|| format!("cannot read {path}"))?;
            found.push((path, text));
        }
    }
    found.sort();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fsutil::workspace_root;

    #[test]
    fn the_hand_written_crate_root_declares_every_generated_module() {
        let root = workspace_root();
        let sources = hand_written_sources(&root).unwrap();
        let text = |name: &str| {
            let path = format!("{CRATE_DIR}/{name}");
            &sources
                .iter()
                .find(|(p, _)| *p == path)
                .unwrap_or_else(|| panic!("{path}"))
                .1
        };
        let lib: syn::File = syn::parse_str(text("src/lib.rs")).unwrap();
        for api in ALL {
            assert!(
                lib.items.iter().any(|item| matches!(item,
                    syn::Item::Mod(m) if m.ident == api.module && m.content.is_none())),
                "src/lib.rs declares `pub mod {};`",
                api.module
            );
        }
        // Every module's `Client` is routed through the hooks.
        let transport: syn::File = syn::parse_str(text("src/transport.rs")).unwrap();
        let routed = transport
            .items
            .iter()
            .find_map(|item| match item {
                syn::Item::Macro(call) if call.mac.path.is_ident("route_through_hooks") => {
                    Some(call.mac.tokens.to_string())
                }
                _ => None,
            })
            .expect("route_through_hooks!(...) in src/transport.rs");
        for api in ALL {
            assert!(
                routed.split(',').any(|m| m.trim() == api.module),
                "{routed}"
            );
        }
        assert!(text("tests/support/conformance.rs").contains("pub struct Violations"));
        assert!(!sources.iter().any(|(p, _)| p.ends_with("/regional.rs")));
    }
}
