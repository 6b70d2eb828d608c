//! An additive spec release, end to end (issue 11): a release made at test
//! time from the locked regional spec that only adds things (an optional
//! query parameter, an optional response property, an enum value, a
//! discriminator subtype, a paginated operation and a server) must be a
//! minor version for our users:
//! - `diff` reports no breaking change and a minor bump;
//! - `sync` takes it as a release, in a scratch copy of the workspace under
//!   `target/`: sumo-ext and its examples compile unchanged against the new
//!   client, both crates move by a minor step (measured by
//!   cargo-semver-checks; without it the bump is predicted and a notice
//!   printed, except under `CI=true`, where it fails) and the changelogs
//!   list the six additions once each.
//!
//! The release is never committed: it is built here from the shared spec.

mod common;

use std::path::Path;
use std::process::Command;

use common::{root, scratch_workspace, succeed, xtask, xtask_with};
use serde_json::{Value, json};

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

    // sync takes it as a release, in a scratch copy of the workspace: the
    // guards let it through, sumo-ext and its examples compile unchanged
    // against the new client, the versions move by a minor step (measured by
    // cargo-semver-checks when installed) and the changelogs say what changed.
    let ws = scratch_workspace("additive-sync");
    let mirror = ws.join("../mirror");
    std::fs::create_dir_all(mirror.join("us2")).unwrap();
    std::fs::create_dir_all(mirror.join("organizations")).unwrap();
    std::fs::copy(&new_path, mirror.join("us2/sumologic-api.yaml")).unwrap();
    std::fs::copy(
        root.join("../shared/sumo-specs/organizations/2024-10-29/openapi.yaml"),
        mirror.join("organizations/openapi.yaml"),
    )
    .unwrap();
    let out = xtask_with(
        &[
            "sync",
            "--workspace",
            ws.to_str().unwrap(),
            "--mirror",
            mirror.to_str().unwrap(),
            "--region",
            "us2",
            "--region",
            "organizations",
        ],
        // The candidate builds where the workspace builds.
        &[("CARGO_TARGET_DIR", &root.join("target"))],
    );
    let stdout = succeed("sync", &out);
    assert!(stdout.contains("362 → 363 operations"), "{stdout}");
    assert!(
        stdout.contains("the whole workspace compiles against the new client"),
        "{stdout}"
    );
    let module = std::fs::read_to_string(
        ws.join("generated-client/src/regional/client/dashboard-management.rs"),
    )
    .unwrap();
    assert!(
        module.contains("pub fn list_holograms"),
        "the new operation is generated"
    );
    // And mocked, behind its area: one more method of the sealed
    // `MockServerExt`, which the measured minor bump above includes.
    let mocks = std::fs::read_to_string(ws.join("generated-client/src/regional/mock.rs")).unwrap();
    assert!(
        mocks.contains("#[cfg(feature = \"dashboard-management\")]\n    fn list_holograms<F>"),
        "the new operation is mocked"
    );
    assert!(mocks.contains("pub trait MockServerExt: sealed::Sealed"));
    let lock = std::fs::read_to_string(ws.join("openapi/lock.toml")).unwrap();
    assert!(
        lock.contains("source = \".cache/specs/us2.yaml\""),
        "{lock}"
    );

    // A minor step of both crates, in their manifests and in Cargo.lock.
    let read = |path: &str| std::fs::read_to_string(ws.join(path)).unwrap();
    for (manifest, name) in [
        ("generated-client/Cargo.toml", "sumo-generated-client"),
        ("sumo-ext/Cargo.toml", "sumo-ext"),
    ] {
        let before = version_of(&std::fs::read_to_string(root.join(manifest)).unwrap());
        let expected = minor_step(&before);
        assert_eq!(version_of(&read(manifest)), expected, "{manifest}");
        assert!(
            read("Cargo.lock").contains(&format!("name = \"{name}\"\nversion = \"{expected}\"")),
            "Cargo.lock moves {name} to {expected}"
        );
    }
    let expected = minor_step(&version_of(
        &std::fs::read_to_string(root.join("generated-client/Cargo.toml")).unwrap(),
    ));

    // The changelogs.
    let generated = read("generated-client/CHANGELOG.md");
    assert!(
        generated.contains(&format!("## {expected} (")),
        "{generated}"
    );
    if semver_checks_installed() {
        assert!(
            generated.contains("a minor change (measured by cargo-semver-checks"),
            "{generated}"
        );
    } else {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "cargo-semver-checks is not installed (CI=true)"
        );
        eprintln!("notice: cargo-semver-checks not installed; the bump was predicted");
        assert!(
            generated.contains("a minor change (predicted"),
            "{generated}"
        );
    }
    assert!(
        generated.contains("- regional: `GET /v1/holograms`"),
        "{generated}"
    );
    let subtype: Vec<&str> = generated
        .lines()
        .filter(|l| l.contains("HologramPanel"))
        .collect();
    assert_eq!(subtype.len(), 1, "the subtype is listed once:\n{generated}");
    assert!(subtype[0].contains("operations"), "{generated}");
    let extension = read("sumo-ext/CHANGELOG.md");
    assert!(
        extension.contains("nickName"),
        "listUsers' new parameter:\n{extension}"
    );
    assert!(
        !extension.contains("holograms"),
        "dashboards are not wrapped by sumo-ext:\n{extension}"
    );
}

fn version_of(manifest: &str) -> String {
    let table: toml::Table = toml::from_str(manifest).unwrap();
    table["package"]["version"].as_str().unwrap().to_string()
}

/// The next version for additions: Cargo's rule below 1.0 moves the patch.
fn minor_step(version: &str) -> String {
    let parts: Vec<u64> = version.split('.').map(|p| p.parse().unwrap()).collect();
    match parts[..] {
        [0, minor, patch] => format!("0.{minor}.{}", patch + 1),
        [major, minor, _] => format!("{major}.{}.0", minor + 1),
        _ => panic!("{version} is not x.y.z"),
    }
}

fn semver_checks_installed() -> bool {
    Command::new("cargo")
        .args(["semver-checks", "--version"])
        .output()
        .is_ok_and(|out| out.status.success())
}
