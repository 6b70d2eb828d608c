//! `cargo xtask verify-releases`: every spec release generates and compiles
//! with the same passes and no code change.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};

use crate::apis;
use crate::commands::generate::{Generated, LOCK_PATH, Scope, generate_all};
use crate::fsutil::{resolve, workspace_root, write_atomically};
use crate::spec::lock::Lock;

/// Where the shared releases live, relative to the workspace root.
pub const SHARED_RELEASES: &str = "../shared/sumo-specs/api";

#[derive(Debug, clap::Args)]
pub struct ReleasesArgs {
    /// Regional specs to verify. Default: every release under
    /// ../shared/sumo-specs/api/*/sumologic-api.yaml.
    pub specs: Vec<PathBuf>,
}

/// The releases found under `dir`: `<dir>/<date>/sumologic-api.yaml`, sorted.
pub fn shared_releases(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))?;
    let mut specs: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.path().join("sumologic-api.yaml"))
        .filter(|path| path.is_file())
        .collect();
    specs.sort();
    Ok(specs)
}

pub fn run(args: ReleasesArgs) -> Result<()> {
    let root = workspace_root();
    let specs = if args.specs.is_empty() {
        shared_releases(&root.join(SHARED_RELEASES))?
    } else {
        args.specs
    };
    if specs.is_empty() {
        bail!("no spec releases to verify");
    }
    let organizations = locked_organizations(&root)?;
    let work = root.join("target/xtask/releases");

    let (mut passed, mut failed) = (0, Vec::new());
    for spec in &specs {
        let label = release_label(spec);
        let started = Instant::now();
        let outcome = verify_one(spec, &organizations, &root, &work.join(&label));
        match outcome {
            Ok(lines) => {
                passed += 1;
                println!(
                    "release {label}: generated {lines} lines and compiled ({:.1} s)",
                    started.elapsed().as_secs_f64()
                );
            }
            Err(error) => {
                println!("release {label}: FAILED: {error:#}");
                failed.push(label);
            }
        }
    }
    println!("verify-releases: {passed} passed, {} failed", failed.len());
    if failed.is_empty() {
        Ok(())
    } else {
        bail!(
            "releases that do not generate or compile: {}",
            failed.join(", ")
        )
    }
}

/// The organizations spec the lock names: every release is generated with
/// it (the shared releases are regional specs).
pub fn locked_organizations(root: &Path) -> Result<PathBuf> {
    let lock = Lock::read(&root.join(LOCK_PATH))?;
    lock.api
        .get(apis::ORGANIZATIONS.name)
        .map(|locked| resolve(&locked.source, root))
        .ok_or_else(|| anyhow!("{LOCK_PATH} names no organizations spec"))
}

/// A release's name: its directory (`2025-02-19`), else the file stem.
pub fn release_label(spec: &Path) -> String {
    spec.parent()
        .and_then(Path::file_name)
        .or_else(|| spec.file_stem())
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "spec".into())
}

/// Generates the crate for one release into `dir` and `cargo check`s it.
fn verify_one(spec: &Path, organizations: &Path, root: &Path, dir: &Path) -> Result<usize> {
    let sources = [
        (apis::REGIONAL, spec.to_path_buf()),
        (apis::ORGANIZATIONS, organizations.to_path_buf()),
    ];
    let generated = generate_all(&sources, root, Scope::CrateOnly, &[])?;
    write_standalone(&generated, root, dir)?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["check", "--quiet", "--all-features", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env(
            "CARGO_TARGET_DIR",
            root.join("target/xtask/releases-target"),
        )
        .env("RUSTFLAGS", "-Dwarnings")
        .status()
        .context("cannot run cargo")?;
    if !status.success() {
        bail!("cargo check failed ({status})");
    }
    // The regional module with the parts it includes.
    Ok(generated.runs[0].module.lines())
}

/// Writes the generated crate of `generated` (a `Scope::CrateOnly` run)
/// as a standalone crate into `dir`: its sources and tests, its manifest
/// made standalone, and the workspace's Cargo.lock (the same dependency
/// versions).
pub fn write_standalone(generated: &Generated, root: &Path, dir: &Path) -> Result<()> {
    let mut crate_manifest = None;
    for (path, text) in &generated.files {
        let Some(relative) = path.strip_prefix("generated-client/") else {
            continue;
        };
        if relative == "Cargo.toml" {
            crate_manifest = Some(text.as_str());
            continue;
        }
        write_atomically(&dir.join(relative), text.as_bytes())?;
    }
    let crate_manifest = crate_manifest
        .ok_or_else(|| anyhow!("the generator wrote no generated-client/Cargo.toml"))?;
    let manifest = standalone_manifest(root, crate_manifest)?;
    write_atomically(&dir.join("Cargo.toml"), manifest.as_bytes())?;
    if let Ok(lockfile) = std::fs::read(root.join("Cargo.lock")) {
        write_atomically(&dir.join("Cargo.lock"), &lockfile)?;
    }
    Ok(())
}

/// generated-client's manifest (`crate_manifest`, as generated for the
/// release) made standalone: workspace-inherited keys resolved from the
/// workspace manifest, and an empty `[workspace]`.
fn standalone_manifest(root: &Path, crate_manifest: &str) -> Result<String> {
    let read = |path: &Path| -> Result<toml::Table> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("{} is invalid", path.display()))
    };
    let workspace = read(&root.join("Cargo.toml"))?;
    let mut crate_manifest: toml::Table = toml::from_str(crate_manifest)
        .context("the generated generated-client/Cargo.toml is invalid")?;
    let shared = |key: &str| workspace.get("workspace").and_then(|w| w.get(key)).cloned();

    if let Some(toml::Value::Table(package)) = crate_manifest.get_mut("package") {
        for (key, value) in package.iter_mut() {
            if value.get("workspace").and_then(toml::Value::as_bool) == Some(true) {
                *value = shared("package")
                    .and_then(|p| p.get(key).cloned())
                    .ok_or_else(|| anyhow!("workspace.package.{key} is missing"))?;
            }
        }
        package.insert("name".into(), "release-check".into());
    }
    for section in ["dependencies", "dev-dependencies"] {
        let Some(toml::Value::Table(deps)) = crate_manifest.get_mut(section) else {
            continue;
        };
        for (name, dep) in deps.iter_mut() {
            let Some(table) = dep.as_table() else {
                continue;
            };
            if table.get("workspace").and_then(toml::Value::as_bool) != Some(true) {
                continue;
            }
            let mut resolved = match shared("dependencies").and_then(|d| d.get(name).cloned()) {
                Some(toml::Value::String(version)) => {
                    let mut t = toml::Table::new();
                    t.insert("version".into(), version.into());
                    t
                }
                Some(toml::Value::Table(t)) => t,
                _ => bail!("workspace.dependencies.{name} is missing"),
            };
            for (key, value) in table {
                if key == "features" {
                    let mut features = resolved
                        .get("features")
                        .and_then(toml::Value::as_array)
                        .cloned()
                        .unwrap_or_default();
                    features.extend(value.as_array().cloned().unwrap_or_default());
                    resolved.insert("features".into(), features.into());
                } else if key != "workspace" {
                    resolved.insert(key.clone(), value.clone());
                }
            }
            *dep = toml::Value::Table(resolved);
        }
    }
    crate_manifest.remove("dev-dependencies");
    crate_manifest.insert("workspace".into(), toml::Value::Table(toml::Table::new()));
    toml::to_string(&crate_manifest).context("cannot encode the release manifest")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standalone_manifest_resolves_workspace_inheritance() {
        let root = workspace_root();
        let crate_manifest =
            std::fs::read_to_string(root.join("generated-client/Cargo.toml")).unwrap();
        let manifest = standalone_manifest(&root, &crate_manifest).unwrap();
        let table: toml::Table = toml::from_str(&manifest).unwrap();
        assert_eq!(table["package"]["edition"].as_str(), Some("2024"));
        assert_eq!(table["package"]["name"].as_str(), Some("release-check"));
        let deps = table["dependencies"].as_table().unwrap();
        assert!(deps["progenitor-client"]["version"].as_str().is_some());
        assert_eq!(deps["schemars"]["optional"].as_bool(), Some(true));
        assert!(!manifest.contains("workspace = true"), "{manifest}");
        assert!(table["workspace"].as_table().unwrap().is_empty());
    }

    #[test]
    fn labels_and_listing() {
        assert_eq!(
            release_label(Path::new("/x/api/2024-02-20/sumologic-api.yaml")),
            "2024-02-20"
        );
        let dir = tempfile::tempdir().unwrap();
        for date in ["2024-02-20", "2023-08-10"] {
            std::fs::create_dir_all(dir.path().join(date)).unwrap();
            std::fs::write(dir.path().join(date).join("sumologic-api.yaml"), "x").unwrap();
        }
        std::fs::create_dir_all(dir.path().join("empty")).unwrap();
        let found = shared_releases(dir.path()).unwrap();
        assert_eq!(found.len(), 2);
        assert!(found[0].to_string_lossy().contains("2023-08-10"));
        assert!(shared_releases(&dir.path().join("missing")).is_err());
    }
}
