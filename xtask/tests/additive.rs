//! An additive spec release, end to end (issue 11): a release made at test
//! time from the locked regional spec that only adds things (an optional
//! query parameter, an optional response property, an enum value, a
//! discriminator subtype, a paginated operation and a server) must be a
//! minor version for our users:
//! - `diff` reports no breaking change and a minor bump;
//! - `semver` measures minor (needs cargo-semver-checks; without it this
//!   part prints a notice, except under `CI=true`, where it fails);
//! - the crate generates with no code change, and sumo-ext with its
//!   examples compiles unchanged against it (in a scratch copy of the
//!   workspace under `target/`).
//!
//! The release is never committed: it is built here from the shared spec.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{root, text, xtask};
use serde_json::{Value, json};

fn succeed(what: &str, out: &Output) -> String {
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}\n{}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// The additions, applied to the locked regional spec (as JSON).
fn additive_release(base: &Value) -> Value {
    let mut spec = base.clone();
    let schemas = &mut spec["components"]["schemas"];
    // An optional response property.
    schemas["ListUserModelsResponse"]["properties"]["totalCount"] =
        json!({"type": "integer", "format": "int64", "description": "Users in all pages."});
    // An enum value (Sumo writes enums as pattern alternations).
    let source_type = &mut schemas["ContentPermissionAssignment"]["properties"]["sourceType"];
    assert_eq!(
        source_type["pattern"], "^(user|role|org)$",
        "the base spec changed"
    );
    source_type["pattern"] = json!("^(user|role|org|team)$");
    // A discriminator subtype of `Panel` (subtypes extend it with allOf).
    assert_eq!(
        schemas["Panel"]["discriminator"]["propertyName"],
        "panelType"
    );
    schemas["HologramPanel"] = json!({"allOf": [
        {"$ref": "#/components/schemas/Panel"},
        {"type": "object", "properties": {"depth": {"type": "integer", "format": "int32"}},
         "description": "A panel in three dimensions."}
    ]});
    // A paginated operation, in an existing API area.
    schemas["Hologram"] = json!({"type": "object", "required": ["id"], "properties": {
        "id": {"type": "string"}, "depth": {"type": "integer", "format": "int32"}}});
    schemas["ListHologramsResponse"] = json!({"type": "object", "required": ["data"], "properties": {
        "data": {"type": "array", "items": {"$ref": "#/components/schemas/Hologram"}},
        "next": {"type": "string"}}});
    spec["paths"]["/v1/holograms"] = json!({"get": {
        "operationId": "listHolograms",
        "summary": "List holograms.",
        "tags": ["dashboardManagement"],
        "parameters": [
            {"name": "limit", "in": "query", "required": false,
             "schema": {"type": "integer", "format": "int32", "default": 100}},
            {"name": "token", "in": "query", "required": false, "schema": {"type": "string"}}
        ],
        "responses": {
            "200": {"description": "A page of holograms.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ListHologramsResponse"}}}},
            "default": {"description": "An error.",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}}
        }
    }});
    // An optional query parameter of an existing operation.
    let list_users = &mut spec["paths"]["/v1/users"]["get"]["parameters"];
    list_users.as_array_mut().unwrap().push(json!({
        "name": "nickName", "in": "query", "required": false,
        "description": "Find users by nick name.", "schema": {"type": "string"}
    }));
    // A server.
    spec["servers"]
        .as_array_mut()
        .unwrap()
        .push(json!({"url": "https://api.zrh.sumologic.com/api/", "description": "ZRH deployment API server"}));
    spec
}

fn write_json(path: &Path, value: &Value) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, serde_json::to_vec_pretty(value).unwrap()).unwrap();
}

/// Copies `from` into `to` (files only, recursively).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

#[test]
fn an_additive_release_is_a_minor_version() {
    let root = root();
    let work = root.join("target/xtask/additive");
    if work.exists() {
        std::fs::remove_dir_all(&work).unwrap();
    }
    let base_path = work.join("base.json");
    let new_path = work.join("additive.json");
    // The locked regional spec as our loader reads it, without the overlay
    // (generate applies it again).
    std::fs::create_dir_all(&work).unwrap();
    succeed(
        "spec-json",
        &xtask(&[
            "spec-json",
            "--out",
            base_path.to_str().unwrap(),
            "--no-overlay",
        ]),
    );
    let base: Value = serde_json::from_slice(&std::fs::read(&base_path).unwrap()).unwrap();
    write_json(&new_path, &additive_release(&base));
    let (base_arg, new_arg) = (base_path.to_str().unwrap(), new_path.to_str().unwrap());

    // diff: nothing breaking, a minor bump.
    let report = succeed(
        "diff",
        &xtask(&[
            "diff",
            base_arg,
            new_arg,
            "--format",
            "json",
            "--fail-on",
            "breaking",
        ]),
    );
    let report: Value = serde_json::from_str(&report).unwrap();
    let changes = report["changes"].as_array().unwrap();
    let kinds: Vec<&str> = changes.iter().filter_map(|c| c["kind"].as_str()).collect();
    for expected in [
        "operation-added",
        "parameter-added-optional",
        "property-added-optional",
        "enum-value-added",
        "subtype-added",
        "server-added",
    ] {
        assert!(kinds.contains(&expected), "{expected} in {kinds:?}");
    }
    let breaking: Vec<&Value> = changes
        .iter()
        .filter(|c| c["severity"] == "breaking")
        .collect();
    assert!(breaking.is_empty(), "no breaking change: {breaking:#?}");
    // Every change keeps its origin in JSON; the text folds them by origin:
    // the six additions read as six entries (the subtype and the enum value
    // are reached by several operations, in requests and responses).
    let origins: std::collections::BTreeSet<&str> = changes
        .iter()
        .filter_map(|c| c["origin"].as_str())
        .collect();
    assert!(
        origins.contains("#/components/schemas/Panel/discriminator/HologramPanel"),
        "{origins:?}"
    );
    assert_eq!(origins.len(), 6, "{origins:?}");
    let folded = succeed(
        "diff",
        &xtask(&["diff", base_arg, new_arg, "--color", "never"]),
    );
    let entries = folded.lines().filter(|l| l.starts_with("info ")).count();
    assert_eq!(entries, 6, "{folded}");
    assert!(folded.contains("reaches 6 operations"), "{folded}");
    assert_eq!(report["semver"][0]["name"], "sumo-generated-client");
    assert_eq!(report["semver"][0]["bump"], "minor", "{}", report["semver"]);

    // semver: measured minor.
    let has_semver_checks = Command::new("cargo")
        .args(["semver-checks", "--version"])
        .output()
        .is_ok_and(|out| out.status.success());
    if has_semver_checks {
        let out = succeed("semver", &xtask(&["semver", base_arg, new_arg]));
        assert_eq!(out.lines().last(), Some("minor"), "{out}");
    } else {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "cargo-semver-checks is not installed (CI=true)"
        );
        eprintln!("notice: cargo-semver-checks not installed; the measured bump is not checked");
    }

    // The crate generates with no code change; sumo-ext and its examples
    // compile unchanged against it, in a scratch copy of the workspace.
    let ws = work.join("ws");
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let members = "members = [\"generated-client\", \"sumo-ext\", \"xtask\"]";
    assert!(
        manifest.contains(members),
        "the workspace's members changed"
    );
    std::fs::create_dir_all(&ws).unwrap();
    std::fs::write(
        ws.join("Cargo.toml"),
        manifest.replace(members, "members = [\"generated-client\", \"sumo-ext\"]"),
    )
    .unwrap();
    std::fs::copy(root.join("Cargo.lock"), ws.join("Cargo.lock")).unwrap();
    copy_tree(&root.join("sumo-ext"), &ws.join("sumo-ext"));
    copy_tree(&root.join("openapi"), &ws.join("openapi"));
    let organizations = root.join("../shared/sumo-specs/organizations/2024-10-29/openapi.yaml");
    let generated = succeed(
        "generate",
        &xtask(&[
            "generate",
            "--regional",
            new_arg,
            "--organizations",
            organizations.to_str().unwrap(),
            "--out-dir",
            ws.join("generated-client").to_str().unwrap(),
        ]),
    );
    assert!(generated.contains("363 operations"), "{generated}");
    let module = std::fs::read_to_string(ws.join("generated-client/src/regional.rs")).unwrap()
        + &std::fs::read_to_string(
            ws.join("generated-client/src/regional/client/dashboard-management.rs"),
        )
        .unwrap();
    assert!(
        module.contains("pub fn list_holograms"),
        "the new operation is generated"
    );
    for features in [None, Some("--all-features")] {
        let mut check = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        check
            .args([
                "check",
                "--quiet",
                "-p",
                "sumo-ext",
                "--lib",
                "--examples",
                "--manifest-path",
            ])
            .arg(ws.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", work.join("target"))
            .env("CARGO_INCREMENTAL", "0");
        check.args(features);
        let out = check.output().expect("cargo runs");
        succeed(&format!("cargo check -p sumo-ext {features:?}"), &out);
    }
}
