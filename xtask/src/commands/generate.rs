//! `cargo xtask generate [--check]`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};

use super::report;
use crate::apis::{self, Api};
use crate::codegen::features::manifest::{self, ApiFeatures};
use crate::drift::unified_diff;
use crate::fetch::cache::pinned_store;
use crate::fsutil::{display_relative, resolve, workspace_root, write_atomically};
use crate::pipeline::{self, ApiRun};
use crate::spec::lock::{Lock, LockedSpec};

/// Where the lock lives, relative to the workspace root.
pub const LOCK_PATH: &str = "openapi/lock.toml";

#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// Regional API spec (YAML or JSON). Default: the source in openapi/lock.toml.
    #[arg(long, value_name = "PATH")]
    pub regional: Option<PathBuf>,
    /// Organizations Management API spec. Default: the source in openapi/lock.toml.
    #[arg(long, value_name = "PATH")]
    pub organizations: Option<PathBuf>,
    /// Regenerate in memory; fail with a unified diff when the checked-in code
    /// differs, or when a spec's sha256 differs from the lock. Writes nothing.
    #[arg(long, conflicts_with = "out_dir")]
    pub check: bool,
    /// Write the generated crate sources under DIR/src instead of
    /// generated-client/src, leaving the lock alone.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Leave out a syntax pass (repeatable), to measure what it buys; the
    /// output then differs from the checked-in code. Names as `generate`
    /// prints them.
    #[arg(long, value_name = "PASS")]
    pub skip_pass: Vec<String>,
}

impl GenerateArgs {
    fn explicit_source(&self, api: Api) -> Option<&Path> {
        match api.name {
            "regional" => self.regional.as_deref(),
            "organizations" => self.organizations.as_deref(),
            _ => None,
        }
    }
}

/// The generated files of one run: `(path relative to the root, text)`.
pub struct Generated {
    pub runs: Vec<ApiRun>,
    pub files: Vec<(String, String)>,
}

/// What `generate_all` produces besides the crate's own files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The workspace: also sumo-ext's manifest, whose features forward the
    /// crate's (and whose hand-written defaults must still exist).
    Workspace,
    /// The `generated-client` crate alone (`--out-dir`, `verify-releases`):
    /// an older release may lack a tag sumo-ext enables by default.
    CrateOnly,
}

/// Generates every API in memory.
/// `skip` names syntax passes left out (`--skip-pass`).
pub fn generate_all(
    sources: &[(Api, PathBuf)],
    root: &Path,
    scope: Scope,
    skip: &[String],
) -> Result<Generated> {
    let passes = crate::codegen::passes::all_passes_except(skip)?;
    let runs = sources
        .iter()
        .map(|(api, path)| pipeline::run(*api, path, root, &passes))
        .collect::<Result<Vec<_>>>()?;
    let mut files = Vec::new();
    for run in &runs {
        files.push((run.api.module_path.to_string(), run.module.text.clone()));
        let dir = parts_dir(run.api);
        files.extend(
            run.module
                .parts
                .iter()
                .map(|(path, text)| (format!("{dir}/{path}"), text.clone())),
        );
    }
    files.extend(feature_manifests(&runs, root, scope)?);
    let calls: Vec<(Api, &[crate::conformance::Call])> = runs
        .iter()
        .map(|run| (run.api, run.calls.as_slice()))
        .collect();
    files.push(crate::conformance::test_file(&calls)?);
    if scope == Scope::CrateOnly {
        // A standalone crate also needs the crate's hand-written sources.
        files.extend(apis::hand_written_sources(root)?);
    }
    Ok(Generated { runs, files })
}

/// The directory of an API's split-out parts: `generated-client/src/regional`.
fn parts_dir(api: Api) -> &'static str {
    api.module_path
        .strip_suffix(".rs")
        .unwrap_or(api.module_path)
}

/// Files under the parts directories that the generator did not produce
/// (left by an older spec), relative to the root.
pub fn stale_parts(generated: &Generated, root: &Path) -> Vec<String> {
    let expected: std::collections::HashSet<&str> = generated
        .files
        .iter()
        .map(|(path, _)| path.as_str())
        .collect();
    let mut stale = Vec::new();
    for run in &generated.runs {
        let dir = root.join(parts_dir(run.api));
        for path in files_under(&dir) {
            let relative = display_relative(&path, root);
            if !expected.contains(relative.as_str()) {
                stale.push(relative);
            }
        }
    }
    stale.sort();
    stale
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.push(path);
        }
    }
    found
}

/// The manifests of `generated-client` and `sumo-ext` with their per-tag
/// features regenerated.
fn feature_manifests(runs: &[ApiRun], root: &Path, scope: Scope) -> Result<Vec<(String, String)>> {
    let apis: Vec<ApiFeatures<'_>> = runs
        .iter()
        .map(|run| ApiFeatures {
            api: run.api.name,
            tags: &run.module.features.tags,
        })
        .collect();
    let manifests: &[&str] = match scope {
        Scope::Workspace => &[manifest::GENERATED_CLIENT, manifest::SUMO_EXT],
        Scope::CrateOnly => &[manifest::GENERATED_CLIENT],
    };
    manifests
        .iter()
        .map(|path| {
            let current = std::fs::read_to_string(root.join(*path))
                .with_context(|| format!("cannot read {path}"))?;
            let text = manifest::regenerate(path, &current, &apis)?;
            Ok((path.to_string(), text))
        })
        .collect()
}

pub fn run(args: GenerateArgs) -> Result<()> {
    let started = Instant::now();
    let root = workspace_root();
    let lock_path = root.join(LOCK_PATH);
    let lock = Lock::read(&lock_path)?;
    let sources = apis::ALL
        .iter()
        .map(|api| {
            let path = match (args.explicit_source(*api), lock.api.get(api.name)) {
                (Some(path), _) => path.to_path_buf(),
                (None, Some(locked)) => resolve(&locked.source, &root),
                (None, None) => bail!(
                    "no spec for the {} API: pass --{} PATH ({} names none)",
                    api.name,
                    api.name,
                    LOCK_PATH
                ),
            };
            Ok((*api, path))
        })
        .collect::<Result<Vec<_>>>()?;

    let scope = match args.out_dir {
        Some(_) => Scope::CrateOnly,
        None => Scope::Workspace,
    };
    let generated = generate_all(&sources, &root, scope, &args.skip_pass)?;
    for run in &generated.runs {
        report::print_run(run, &root);
    }

    if args.check {
        return check(&generated, &lock, &root, started);
    }
    if let Some(out_dir) = &args.out_dir {
        // The crate's files only (not sumo-ext's manifest).
        let crate_files: Vec<(&str, &String)> = generated
            .files
            .iter()
            .filter_map(|(path, text)| Some((path.strip_prefix("generated-client/")?, text)))
            .collect();
        for (relative, text) in &crate_files {
            write_atomically(&out_dir.join(relative), text.as_bytes())?;
        }
        println!(
            "wrote {} files under {} in {:.2} s (lock untouched)",
            crate_files.len(),
            out_dir.display(),
            started.elapsed().as_secs_f64()
        );
        return Ok(());
    }

    let mut changed = 0;
    for (path, text) in &generated.files {
        let target = root.join(path);
        if std::fs::read_to_string(&target).ok().as_deref() != Some(text.as_str()) {
            write_atomically(&target, text.as_bytes())?;
            changed += 1;
        }
    }
    for stale in stale_parts(&generated, &root) {
        std::fs::remove_file(root.join(&stale))
            .with_context(|| format!("cannot remove the stale generated file {stale}"))?;
        println!("removed {stale} (no longer generated)");
        changed += 1;
    }
    let mut new_lock = lock.clone();
    let store = pinned_store(&root);
    for run in &generated.runs {
        new_lock
            .api
            .insert(run.api.name.to_string(), locked(run, &root));
        // Keep every pinned spec, so `diff pinned ...` works after the lock moves.
        store.keep(&run.spec.spec.sha256, &run.spec.spec.path)?;
    }
    if new_lock != lock {
        new_lock.write(&lock_path)?;
        println!("updated {LOCK_PATH}");
    }
    println!(
        "generate: {changed} of {} files changed in {:.2} s",
        generated.files.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The lock entry of a generated API.
pub fn locked(run: &ApiRun, root: &Path) -> LockedSpec {
    let spec = &run.spec.spec;
    LockedSpec {
        source: display_relative(&spec.path, root),
        sha256: spec.sha256.clone(),
        size: spec.size,
        operations: run.spec.operations,
    }
}

fn check(generated: &Generated, lock: &Lock, root: &Path, started: Instant) -> Result<()> {
    let mut problems = Vec::new();
    for run in &generated.runs {
        let spec = &run.spec.spec;
        match lock.api.get(run.api.name) {
            Some(locked) if locked.sha256 == spec.sha256 => {}
            Some(locked) => problems.push(format!(
                "{}: {} has sha256 {}, the lock records {} (from {})",
                run.api.name,
                spec.path.display(),
                spec.sha256,
                locked.sha256,
                locked.source
            )),
            None => problems.push(format!("{}: {LOCK_PATH} has no entry", run.api.name)),
        }
    }
    for (path, text) in &generated.files {
        // A missing file diffs as empty: every line shows as added.
        let current = std::fs::read_to_string(root.join(path)).unwrap_or_default();
        if let Some(diff) = unified_diff(path, &current, text) {
            print!("{diff}");
            problems.push(format!("{path} differs from the regenerated code"));
        }
    }
    for stale in stale_parts(generated, root) {
        problems.push(format!("{stale} is no longer generated"));
    }
    if problems.is_empty() {
        println!(
            "generate --check: {} files match the specs in {LOCK_PATH} ({:.2} s)",
            generated.files.len(),
            started.elapsed().as_secs_f64()
        );
        return Ok(());
    }
    bail!(
        "the checked-in client is out of date:\n  {}\nrun `cargo xtask generate` and commit the result",
        problems.join("\n  ")
    )
}
