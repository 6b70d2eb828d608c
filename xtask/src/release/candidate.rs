//! The whole workspace checked against a release before it is written: a
//! copy of the workspace's crates under `target/sync/candidate/<id>` with
//! the staged files in place, built by `cargo check`. It stays there after
//! a failure, for inspection.
//!
//! `<id>` is a hash of the staged files. The candidate shares the
//! workspace's target directory, so that no dependency is built twice, and
//! cargo tells path crates apart by their path inside the workspace: under
//! `<id>/` the candidate's crates never share an artifact with the
//! workspace's own, or with another candidate's (unless their content is the
//! same).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use super::staged::{Change, Staged};

/// Where the candidate workspace is written, relative to the root.
pub const CANDIDATE_DIR: &str = "target/sync/candidate";

/// What the candidate holds of the workspace.
const COPIED: &[&str] = &["Cargo.lock", "openapi", "generated-client", "sumo-ext"];

/// One build of the candidate.
pub struct Check {
    pub label: &'static str,
    pub args: &'static [&'static str],
}

/// The builds, cheapest first, so that a failure shows early.
pub const CHECKS: &[Check] = &[
    Check {
        label: "sumo-ext with its default features (library and examples)",
        args: &["-p", "sumo-ext", "--lib", "--examples"],
    },
    Check {
        label: "sumo-generated-client with all features",
        args: &["-p", "sumo-generated-client", "--all-features"],
    },
    Check {
        label: "sumo-ext with `full` (library and examples)",
        args: &[
            "-p",
            "sumo-ext",
            "--lib",
            "--examples",
            "--features",
            "full",
        ],
    },
];

/// The first build that failed.
#[derive(Debug)]
pub struct Failure {
    pub check: &'static str,
    /// The crate the first compiler error is in.
    pub krate: String,
    /// That error as the compiler printed it (or cargo's own message).
    pub error: String,
}

/// A candidate workspace on disk.
pub struct Candidate {
    /// The workspace root (holds `Cargo.toml` and `Cargo.lock`).
    pub workspace: PathBuf,
    /// Where the crates are: `<workspace>/<id>`.
    pub crates: PathBuf,
}

/// Writes the candidate workspace: the crates as they are, with `staged`
/// on top.
pub fn prepare(root: &Path, staged: &Staged) -> Result<Candidate> {
    let workspace = root.join(CANDIDATE_DIR);
    if workspace.exists() {
        std::fs::remove_dir_all(&workspace)
            .with_context(|| format!("cannot clear {}", workspace.display()))?;
    }
    let id = id(staged);
    let dir = workspace.join(&id);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    std::fs::write(workspace.join("Cargo.toml"), workspace_manifest(root, &id)?)
        .with_context(|| format!("cannot write {}/Cargo.toml", workspace.display()))?;
    for entry in COPIED {
        let from = root.join(entry);
        let to = match *entry {
            "Cargo.lock" => workspace.join(entry),
            _ => dir.join(entry),
        };
        if from.exists() {
            copy(&from, &to)?;
        }
    }
    for (path, change) in staged.changes() {
        let target = match path.as_str() {
            "Cargo.lock" => workspace.join(path),
            _ => dir.join(path),
        };
        match change {
            Change::Write(text) => crate::fsutil::write_atomically(&target, text.as_bytes())?,
            Change::Remove if target.exists() => std::fs::remove_file(&target)
                .with_context(|| format!("cannot remove {}", target.display()))?,
            Change::Remove => {}
        }
    }
    Ok(Candidate {
        workspace,
        crates: dir,
    })
}

/// The first 12 hex digits of a sha256 over the staged paths and texts.
fn id(staged: &Staged) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for (path, change) in staged.changes() {
        hasher.update(path.as_bytes());
        match change {
            Change::Write(text) => hasher.update(text.as_bytes()),
            Change::Remove => hasher.update([0u8]),
        }
    }
    let digest = hasher.finalize();
    digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// The workspace manifest with only the two library crates, under `id/`,
/// as members (the xtask is not part of a release).
fn workspace_manifest(root: &Path, id: &str) -> Result<String> {
    let path = root.join("Cargo.toml");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let mut manifest: toml::Table =
        toml::from_str(&text).with_context(|| format!("{} is not valid TOML", path.display()))?;
    let Some(workspace) = manifest.get_mut("workspace").and_then(|w| w.as_table_mut()) else {
        bail!("{} has no [workspace]", path.display());
    };
    workspace.insert(
        "members".into(),
        toml::Value::Array(vec![
            format!("{id}/generated-client").into(),
            format!("{id}/sumo-ext").into(),
        ]),
    );
    toml::to_string(&manifest).context("cannot encode the candidate's Cargo.toml")
}

/// Copies a file or a directory (without `target/` directories).
fn copy(from: &Path, to: &Path) -> Result<()> {
    if from.is_file() {
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(from, to)
            .with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))?;
        return Ok(());
    }
    for entry in
        std::fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))?
    {
        let entry = entry?;
        if entry.file_name() == "target" {
            continue;
        }
        copy(&entry.path(), &to.join(entry.file_name()))?;
    }
    Ok(())
}

/// Runs every check of `candidate`, in order; the first failure stops the
/// rest. Builds go to `CARGO_TARGET_DIR`, or the workspace's own `target/`,
/// so that the dependencies are not built again.
pub fn check(candidate: &Candidate, root: &Path) -> Result<Option<Failure>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    for check in CHECKS {
        println!("sync: checking {}", check.label);
        let output = Command::new(&cargo)
            .arg("check")
            .args(check.args)
            .args(["--message-format", "json", "--manifest-path"])
            .arg(candidate.workspace.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", &target_dir)
            .output()
            .with_context(|| format!("cannot run {cargo} check"))?;
        if output.status.success() {
            continue;
        }
        let stdout = String::from_utf8_lossy(&output.stdout);
        let (krate, error) = first_error(&stdout).unwrap_or_else(|| {
            let stderr = String::from_utf8_lossy(&output.stderr);
            ("(cargo)".to_string(), last_lines(&stderr, 20))
        });
        return Ok(Some(Failure {
            check: check.label,
            krate,
            error,
        }));
    }
    Ok(None)
}

/// The crate and the text of the first error among cargo's JSON messages.
fn first_error(stdout: &str) -> Option<(String, String)> {
    stdout.lines().find_map(|line| {
        let message: Value = serde_json::from_str(line).ok()?;
        if message["reason"] != "compiler-message" || message["message"]["level"] != "error" {
            return None;
        }
        let krate = crate_of(&message);
        let rendered = message["message"]["rendered"]
            .as_str()
            .or_else(|| message["message"]["message"].as_str())?;
        Some((krate, rendered.trim_end().to_string()))
    })
}

/// `sumo-ext`, or `sumo-ext (example list_users)`, from a message's
/// package id (`path+file:///…/sumo-ext#0.1.0` or
/// `path+file:///…/generated-client#sumo-generated-client@0.1.0`).
fn crate_of(message: &Value) -> String {
    let id = message["package_id"].as_str().unwrap_or("");
    let (location, fragment) = id.rsplit_once('#').unwrap_or((id, ""));
    let package = match fragment.split_once('@') {
        Some((name, _)) => name,
        None => location.rsplit('/').next().unwrap_or("?"),
    };
    let target = &message["target"];
    let is_example = target["kind"]
        .as_array()
        .is_some_and(|kinds| kinds.iter().any(|k| k == "example"));
    match (is_example, target["name"].as_str()) {
        (true, Some(name)) => format!("{package} (example {name})"),
        _ => package.to_string(),
    }
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_compiler_error_names_its_crate() {
        let stdout = [
            r#"{"reason":"compiler-artifact","target":{"name":"serde"}}"#,
            r#"{"reason":"compiler-message","target":{"name":"sumo_ext"},"message":{"level":"warning","rendered":"warning: unused"}}"#,
            r#"{"reason":"compiler-message","package_id":"path+file:///w/sumo-ext#0.1.0","target":{"name":"sumo_ext","kind":["lib"]},"message":{"level":"error","rendered":"error[E0599]: no method named `get_user`\n"}}"#,
            r#"{"reason":"compiler-message","target":{"name":"sumo_ext"},"message":{"level":"error","rendered":"error: aborting"}}"#,
        ]
        .join("\n");
        let (krate, error) = first_error(&stdout).unwrap();
        assert_eq!(krate, "sumo-ext");
        assert_eq!(error, "error[E0599]: no method named `get_user`");
        assert!(first_error("not json\n").is_none());
        let example = serde_json::json!({
            "package_id": "path+file:///w/generated-client#sumo-generated-client@0.1.0",
            "target": {"name": "list_users", "kind": ["example"]}
        });
        assert_eq!(
            crate_of(&example),
            "sumo-generated-client (example list_users)"
        );
    }
}
