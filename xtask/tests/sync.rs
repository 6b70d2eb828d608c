//! `cargo xtask sync` refusing a release (issue 12): each fault ends with
//! a clear message and a working tree unchanged since before sync. Each
//! test syncs a scratch copy of the workspace (under `target/xtask/`) from
//! a directory mirror holding a spec made here from the locked one; the
//! release that goes through is in `additive.rs`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{changed_paths, root, scratch_workspace, snapshot, succeed, text, xtask_with};
use serde_json::{Value, json};

/// The locked regional spec as JSON, without the overlay.
fn base_spec(ws: &Path) -> Value {
    let path = ws.join("../base.json");
    succeed(
        "spec-json",
        &xtask_with(
            &["spec-json", "--out", path.to_str().unwrap(), "--no-overlay"],
            &[],
        ),
    );
    serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap()
}

/// A mirror with `regional` as US2's spec and, unless left out, the locked
/// organizations spec.
fn mirror(ws: &Path, regional: &Value, organizations: bool) -> PathBuf {
    let dir = ws.join("../mirror");
    std::fs::create_dir_all(dir.join("us2")).unwrap();
    std::fs::write(
        dir.join("us2/sumologic-api.yaml"),
        serde_json::to_vec(regional).unwrap(),
    )
    .unwrap();
    if organizations {
        std::fs::create_dir_all(dir.join("organizations")).unwrap();
        std::fs::copy(
            root().join("../shared/sumo-specs/organizations/2024-10-29/openapi.yaml"),
            dir.join("organizations/openapi.yaml"),
        )
        .unwrap();
    }
    dir
}

/// `xtask sync` of `ws` from `mirror` (US2 and the organizations spec).
fn sync(ws: &Path, mirror: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "sync",
        "--workspace",
        ws.to_str().unwrap(),
        "--mirror",
        mirror.to_str().unwrap(),
        "--region",
        "us2",
        "--region",
        "organizations",
    ];
    args.extend(extra);
    // The candidate builds where the workspace builds: no dependency is
    // built twice.
    xtask_with(&args, &[("CARGO_TARGET_DIR", &root().join("target"))])
}

/// Asserts that `out` failed with every one of `needles` in its stderr and
/// that nothing under `ws` changed (the spec cache and `target/` aside).
fn refused(
    out: &Output,
    needles: &[&str],
    ws: &Path,
    before: &std::collections::BTreeMap<PathBuf, Vec<u8>>,
) -> String {
    let stderr = text(&out.stderr);
    assert!(
        !out.status.success(),
        "sync went ahead:\n{}\n{stderr}",
        text(&out.stdout)
    );
    for needle in needles {
        assert!(stderr.contains(needle), "`{needle}` in:\n{stderr}");
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
    let changed = changed_paths(before, &snapshot(ws));
    assert!(changed.is_empty(), "sync changed {changed:?}");
    stderr
}

#[test]
fn a_shrunken_spec_is_refused_even_with_accept_breaking() {
    let ws = scratch_workspace("sync-shrunken");
    let mut spec = base_spec(&ws);
    let paths = spec["paths"].as_object_mut().unwrap();
    let kept: serde_json::Map<String, Value> = paths
        .iter()
        .take(3)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    *paths = kept;
    let mirror = mirror(&ws, &spec, true);
    let before = snapshot(&ws);
    let out = sync(&ws, &mirror, &["--accept-breaking"]);
    let stderr = refused(
        &out,
        &[
            "refused: regional: the new spec has",
            "of the pinned 362",
            "--max-operation-loss",
            "nothing was written",
        ],
        &ws,
        &before,
    );
    // --accept-breaking lets the removals through, not the loss.
    assert!(!stderr.contains("--accept-breaking goes ahead"), "{stderr}");
}

#[test]
fn a_removed_operation_is_refused_then_sumo_ext_no_longer_compiling_rolls_back() {
    let ws = scratch_workspace("sync-removed");
    let mut spec = base_spec(&ws);
    // getUser, which sumo-ext's users API wraps.
    let user = spec["paths"]["/v1/users/{id}"].as_object_mut().unwrap();
    assert_eq!(
        user["get"]["operationId"], "getUser",
        "the base spec changed"
    );
    user.remove("get");
    let mirror = mirror(&ws, &spec, true);
    let before = snapshot(&ws);

    let out = sync(&ws, &mirror, &[]);
    refused(
        &out,
        &[
            "refused: regional: 1 operation(s) removed",
            "GET /v1/users/{id}",
            "--accept-breaking goes ahead",
        ],
        &ws,
        &before,
    );

    // Accepted, it regenerates, and sumo-ext no longer compiles: nothing is
    // written and the candidate stays under target/ for inspection.
    let out = sync(&ws, &mirror, &["--accept-breaking"]);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("accepted (--accept-breaking): regional: 1 operation(s) removed"),
        "{stdout}"
    );
    refused(
        &out,
        &[
            "sumo-ext does not compile against the regenerated client",
            "get_user",
            "target/sync/candidate",
        ],
        &ws,
        &before,
    );
    let candidate = std::fs::read_dir(ws.join("target/sync/candidate"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.is_dir())
        .expect("the candidate's crates")
        .join("generated-client/src/regional");
    let users = std::fs::read_to_string(candidate.join("client/user-management.rs")).unwrap();
    assert!(
        !users.contains("pub fn get_user("),
        "the candidate lacks it"
    );
    assert!(users.contains("pub fn list_users("));
}

#[test]
fn a_spec_that_does_not_generate_is_refused() {
    let ws = scratch_workspace("sync-broken");
    let mut spec = base_spec(&ws);
    // Additive, so the guards let it through; progenitor cannot resolve it.
    spec["paths"]["/v1/broken"] = json!({"get": {
        "operationId": "getBroken",
        "tags": ["userManagement"],
        "responses": {"200": {"description": "A missing schema.", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/DoesNotExist"}}}}}
    }});
    let mirror = mirror(&ws, &spec, true);
    let before = snapshot(&ws);
    let out = sync(&ws, &mirror, &[]);
    refused(
        &out,
        &[
            "the new spec does not generate a client; nothing was written",
            "#/components/schemas/DoesNotExist",
        ],
        &ws,
        &before,
    );
}

#[test]
fn a_failed_fetch_writes_nothing_without_allow_partial() {
    let ws = scratch_workspace("sync-fetch");
    let spec = base_spec(&ws);
    // The mirror lacks the organizations spec; US2's is fetched.
    let mirror = mirror(&ws, &spec, false);
    let before = snapshot(&ws);
    let out = sync(&ws, &mirror, &[]);
    refused(
        &out,
        &[
            "not regenerating: 1 spec(s) could not be fetched: ORGANIZATIONS",
            "Nothing was written",
        ],
        &ws,
        &before,
    );
    assert!(
        ws.join(".cache/specs/us2.yaml").is_file(),
        "US2 was fetched"
    );

    // With --allow-partial: US2 serves the pinned spec as JSON, another
    // document with the same content: it generates the same client, so
    // there is no release; only the lock's records are written.
    let out = sync(&ws, &mirror, &["--allow-partial"]);
    let stdout = succeed("sync --allow-partial", &out);
    assert!(
        stdout.contains("the new spec generates the same client: no release"),
        "{stdout}"
    );
    let changed = changed_paths(&before, &snapshot(&ws));
    assert!(
        changed.iter().all(|p| p.starts_with("openapi")),
        "only data files: {changed:?}"
    );
    let lock = std::fs::read_to_string(ws.join("openapi/lock.toml")).unwrap();
    assert!(lock.contains("[deployments.us2]"), "{lock}");
}
