//! Helpers the xtask integration tests share: the workspace root and
//! running the built `xtask` binary in it.

#![allow(dead_code)] // each test file uses some of them

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs `xtask ARGS` in the workspace root.
pub fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("xtask runs")
}

/// Output bytes as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `xtask ARGS` with `env` set, in the workspace root.
pub fn xtask_with(args: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command.args(args).current_dir(root());
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("xtask runs")
}

/// Asserts that `out` succeeded; returns its stdout.
pub fn succeed(what: &str, out: &Output) -> String {
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}\n{}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// A scratch copy of the workspace at `target/xtask/<name>/ws`, for commands
/// that write (sync): its manifest and Cargo.lock, `openapi/`,
/// `generated-client/` and `sumo-ext/`, with the lock's spec sources made
/// absolute. Anything left by an earlier run is removed first.
pub fn scratch_workspace(name: &str) -> PathBuf {
    let work = root().join("target/xtask").join(name);
    if work.exists() {
        std::fs::remove_dir_all(&work).expect("clear the scratch directory");
    }
    let ws = work.join("ws");
    for entry in [
        "Cargo.toml",
        "Cargo.lock",
        "openapi",
        "generated-client",
        "sumo-ext",
    ] {
        copy_tree(&root().join(entry), &ws.join(entry));
    }
    let lock_path = ws.join("openapi/lock.toml");
    let mut lock: toml::Table =
        toml::from_str(&std::fs::read_to_string(&lock_path).unwrap()).unwrap();
    for (_, entry) in lock["api"].as_table_mut().unwrap().iter_mut() {
        let source = entry["source"].as_str().unwrap();
        let absolute = std::fs::canonicalize(root().join(source)).unwrap();
        entry["source"] = toml::Value::String(absolute.display().to_string());
    }
    std::fs::write(&lock_path, toml::to_string(&lock).unwrap()).unwrap();
    ws
}

/// Copies a file, or a directory without its `target/` directories.
pub fn copy_tree(from: &Path, to: &Path) {
    if from.is_file() {
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(from, to).unwrap();
        return;
    }
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        if entry.file_name() != "target" {
            copy_tree(&entry.path(), &to.join(entry.file_name()));
        }
    }
}

/// Every file under `dir` but `.cache/` and `target/`, with its content:
/// two snapshots are equal when nothing in the working tree changed.
pub fn snapshot(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(&next).unwrap().flatten() {
            let path = entry.path();
            let name = entry.file_name();
            if path.is_dir() {
                if name != ".cache" && name != "target" {
                    pending.push(path);
                }
            } else {
                let bytes = std::fs::read(&path).unwrap();
                files.insert(path.strip_prefix(dir).unwrap().to_path_buf(), bytes);
            }
        }
    }
    files
}

/// The paths that differ between two snapshots.
pub fn changed_paths(
    before: &std::collections::BTreeMap<PathBuf, Vec<u8>>,
    after: &std::collections::BTreeMap<PathBuf, Vec<u8>>,
) -> Vec<PathBuf> {
    let mut changed: Vec<PathBuf> = before
        .iter()
        .filter(|(path, bytes)| after.get(*path) != Some(*bytes))
        .map(|(path, _)| path.clone())
        .collect();
    changed.extend(after.keys().filter(|p| !before.contains_key(*p)).cloned());
    changed
}
