//! `cargo xtask generate` end to end: the checked-in client matches its specs,
//! and bad input fails with a message naming the file and the reason while
//! writing nothing.

mod common;

use std::path::Path;

use common::{root, text, xtask};

fn organizations_spec() -> String {
    root()
        .join("../shared/sumo-specs/organizations/2024-10-29/openapi.yaml")
        .display()
        .to_string()
}

#[test]
fn checked_in_client_matches_the_locked_specs() {
    let out = xtask(&["generate", "--check"]);
    assert!(
        out.status.success(),
        "{}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let stdout = text(&out.stdout);
    assert!(stdout.contains("files match the specs"), "{stdout}");
    assert!(stdout.contains("362 operations"), "{stdout}");
    assert!(stdout.contains("15 operations"), "{stdout}");
}

#[test]
fn check_fails_with_a_diff_when_the_spec_is_not_the_locked_one() {
    let older = root().join("../shared/sumo-specs/api/2024-06-13/sumologic-api.yaml");
    let out = xtask(&["generate", "--check", "--regional", older.to_str().unwrap()]);
    assert!(!out.status.success());
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    assert!(
        stdout.contains("--- a/generated-client/src/regional.rs (checked in)"),
        "{stdout}"
    );
    assert!(stdout.contains("@@"), "{stdout}");
    assert!(stderr.contains("the lock records"), "{stderr}");
    assert!(stderr.contains("regional.rs differs"), "{stderr}");
}

/// Runs `generate --out-dir` on a bad regional spec; asserts the message and
/// that nothing was written.
fn assert_rejected(spec: &Path, needles: &[&str]) {
    let out_dir = tempfile::tempdir().unwrap();
    let lock_before = std::fs::read(root().join("openapi/lock.toml")).unwrap();
    let out = xtask(&[
        "generate",
        "--regional",
        spec.to_str().unwrap(),
        "--organizations",
        &organizations_spec(),
        "--out-dir",
        out_dir.path().to_str().unwrap(),
    ]);
    let stderr = text(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains(&spec.display().to_string()),
        "names the file: {stderr}"
    );
    for needle in needles {
        assert!(stderr.contains(needle), "{needle}: {stderr}");
    }
    assert_eq!(
        std::fs::read_dir(out_dir.path()).unwrap().count(),
        0,
        "nothing written"
    );
    assert_eq!(
        std::fs::read(root().join("openapi/lock.toml")).unwrap(),
        lock_before
    );
}

#[test]
fn bad_input_is_named_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, body: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, body).unwrap();
        path
    };
    assert_rejected(
        &dir.path().join("missing.yaml"),
        &["cannot read spec", "No such file"],
    );
    assert_rejected(
        &write("broken.yaml", "openapi: 3.0.0\npaths: {/a: [\n"),
        &["invalid YAML"],
    );
    assert_rejected(
        &write(
            "swagger.yaml",
            "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n",
        ),
        &["not an OpenAPI 3.0 document", "Swagger 2.0"],
    );
    assert_rejected(
        &write(
            "rejected.yaml",
            "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {type: Strng}\n",
        ),
        &["progenitor rejected the spec", "Strng"],
    );
}

#[test]
fn semver_names_bad_input_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let lock_before = std::fs::read(root().join("openapi/lock.toml")).unwrap();
    let missing = dir.path().join("missing.yaml");
    let out = xtask(&["semver", missing.to_str().unwrap(), "pinned"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.starts_with("error: OLD: "), "{stderr}");
    assert!(stderr.contains("missing.yaml"), "{stderr}");
    // A spec that loads but does not generate: named, with the reason.
    let rejected = dir.path().join("rejected.yaml");
    std::fs::write(
        &rejected,
        "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {type: Strng}\n",
    )
    .unwrap();
    let out = xtask(&["semver", "pinned", rejected.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("rejected.yaml does not generate"),
        "{stderr}"
    );
    assert!(stderr.contains("Strng"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        std::fs::read(root().join("openapi/lock.toml")).unwrap(),
        lock_before
    );
}

#[test]
fn out_dir_writes_a_complete_crate_source_and_leaves_the_lock_alone() {
    let out_dir = tempfile::tempdir().unwrap();
    let lock_before = std::fs::read(root().join("openapi/lock.toml")).unwrap();
    let out = xtask(&["generate", "--out-dir", out_dir.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Every file: the module roots, the parts of each feature, the manifest.
    let mut files = Vec::new();
    let mut stack = vec![out_dir.path().to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path.strip_prefix(out_dir.path()).unwrap().to_path_buf());
            }
        }
    }
    assert!(files.len() > 100, "{files:?}");
    for file in [
        "src/lib.rs",
        "src/regional.rs",
        "src/organizations.rs",
        "Cargo.toml",
    ] {
        assert!(
            files.iter().any(|f| f.as_path() == Path::new(file)),
            "{file}"
        );
    }
    for file in &files {
        let generated = std::fs::read_to_string(out_dir.path().join(file)).unwrap();
        let checked_in =
            std::fs::read_to_string(root().join("generated-client").join(file)).unwrap();
        // Same input, same bytes: generation is deterministic.
        assert!(
            generated == checked_in,
            "{} differs from the checked-in file",
            file.display()
        );
    }
    assert_eq!(
        std::fs::read(root().join("openapi/lock.toml")).unwrap(),
        lock_before
    );
}
