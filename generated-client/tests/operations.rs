//! Every operation of each locked spec has a generated method.
//!
//! The list of operations comes from the spec file named in
//! openapi/lock.toml (read from ../shared, never copied), not from a number
//! written here; the lock's recorded count and the generated file are checked
//! against it.

use std::path::{Path, PathBuf};

use heck::ToSnakeCase;
use serde_json::Value;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `(source, recorded operation count)` for one API in the lock.
fn locked(api: &str) -> (PathBuf, usize) {
    let text = std::fs::read_to_string(root().join("openapi/lock.toml")).expect("lock readable");
    let lock: toml::Table = toml::from_str(&text).expect("lock parses");
    let entry = &lock["api"][api];
    let source = entry["source"].as_str().expect("source");
    let count = entry["operations"].as_integer().expect("operations");
    (root().join(source), usize::try_from(count).expect("count"))
}

/// `(METHOD, path, operationId)` of every operation in the spec.
fn spec_operations(path: &Path) -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let doc: Value = serde_norway::from_str(&text).expect("spec parses");
    let mut out = Vec::new();
    for (p, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                let id = op["operationId"].as_str().expect("operationId").to_string();
                out.push((method.to_uppercase(), p.clone(), id));
            }
        }
    }
    out
}

/// A generated module's whole text: `src/<module>.rs`, then every part it
/// includes (`src/<module>/**.rs`, the items of each cargo feature), in path
/// order.
fn module_text(module: &str) -> String {
    fn files_under(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                files_under(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let src = root().join("generated-client/src");
    let mut parts = Vec::new();
    files_under(&src.join(module), &mut parts);
    parts.sort();
    let mut text =
        std::fs::read_to_string(src.join(format!("{module}.rs"))).expect("generated file");
    for part in parts {
        text.push_str(&std::fs::read_to_string(&part).expect("generated part"));
    }
    text
}

fn assert_every_operation_generated(api: &str, module: &str) -> usize {
    let (source, recorded) = locked(api);
    let operations = spec_operations(&source);
    assert_eq!(
        operations.len(),
        recorded,
        "{api}: the lock's operation count disagrees with {}",
        source.display()
    );
    let generated = module_text(module);
    // Compare without whitespace: the formatter wraps long signatures.
    let compact: String = generated
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .replace("(&self,)", "(&self)");
    let mut missing = Vec::new();
    for (method, path, id) in &operations {
        let function = format!("pubfn{}(&self)->builder::", id.to_snake_case());
        let doc = format!("Sends a `{method}` request to `{path}`");
        if !compact.contains(&function) || !generated.contains(&doc) {
            missing.push(format!("{id} ({method} {path})"));
        }
    }
    assert!(
        missing.is_empty(),
        "{api}: no generated method for {missing:?}"
    );
    // And no method without an operation: one builder method per operation.
    let methods = compact.matches("(&self)->builder::").count();
    assert_eq!(
        methods,
        operations.len(),
        "{api}: generated methods vs operations"
    );
    operations.len()
}

#[test]
fn every_regional_operation_has_a_method() {
    let count = assert_every_operation_generated("regional", "regional");
    eprintln!("regional: {count} operations, all generated");
}

#[test]
fn every_organizations_operation_has_a_method() {
    let count = assert_every_operation_generated("organizations", "organizations");
    eprintln!("organizations: {count} operations, all generated");
}

#[test]
fn hand_written_sources_do_not_carry_the_header() {
    for file in [
        "lib.rs",
        "transport.rs",
        "page.rs",
        "responses.rs",
        "paths.rs",
    ] {
        let text = std::fs::read_to_string(root().join("generated-client/src").join(file)).unwrap();
        assert!(!text.contains("Do not edit"), "{file} is hand-written");
    }
}

#[test]
fn generated_files_carry_the_do_not_edit_header() {
    let mut files: Vec<String> = ["regional.rs", "organizations.rs"]
        .map(String::from)
        .to_vec();
    for module in ["regional", "organizations"] {
        let dir = root().join("generated-client/src").join(module);
        for context in ["types", "types/builder", "builder", "client"] {
            for entry in std::fs::read_dir(dir.join(context))
                .into_iter()
                .flatten()
                .flatten()
            {
                if entry.path().is_file() {
                    files.push(format!(
                        "{module}/{context}/{}",
                        entry.file_name().to_string_lossy()
                    ));
                }
            }
        }
    }
    assert!(
        files.len() > 100,
        "the parts of every feature: {}",
        files.len()
    );
    for file in files {
        let text =
            std::fs::read_to_string(root().join("generated-client/src").join(&file)).unwrap();
        assert!(
            text.starts_with("// This file is generated by `cargo xtask generate`"),
            "{file}"
        );
        assert!(
            text.lines().take(4).any(|l| l.contains("Do not edit")),
            "{file}"
        );
    }
}

/// A few methods named statically, so a rename breaks the build, not just a test.
#[cfg(feature = "full")]
#[allow(dead_code)]
fn methods_exist(
    regional: &sumo_generated_client::regional::Client,
    orgs: &sumo_generated_client::organizations::Client,
) {
    let _ = regional.list_users().limit(10);
    let _ = regional.get_user().id("id");
    let _ = regional.upload_file().id("table");
    let _ = orgs.list_organizations().parent_deployment_id("us2");
}

/// Every operation that pages with a `token` query parameter has a page type
/// implementing `Page`, unless its response has no list to page through.
#[test]
fn every_token_paged_response_implements_page() {
    let (source, _) = locked("regional");
    let text = std::fs::read_to_string(&source).unwrap();
    let doc: Value = serde_norway::from_str(&text).unwrap();
    let generated = module_text("regional");
    let mut paged = 0;
    let mut without = Vec::new();
    for (_, item) in doc["paths"].as_object().unwrap() {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            if !params
                .iter()
                .any(|p| p["name"] == "token" && p["in"] == "query")
            {
                continue;
            }
            paged += 1;
            let schema = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
                .as_str()
                .and_then(|r| r.rsplit('/').next())
                .unwrap_or("?");
            if !generated.contains(&format!("impl crate::Page for {schema} {{")) {
                without.push(op["operationId"].as_str().unwrap().to_string());
            }
        }
    }
    assert!(paged >= 31, "{paged} token-paged operations");
    // TraceLightEventsResponse carries `next` but no array of items.
    assert_eq!(without, ["getTraceLightEvents"]);
}
