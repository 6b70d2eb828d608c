//! `cargo xtask generate [--check]`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Result, anyhow, bail};

use crate::apis::{self, Api};
use crate::check::unified_diff;
use crate::fetch::cache::pinned_store;
use crate::fsutil::{display_relative, resolve, workspace_root, write_atomically};
use crate::generate::lib_rs;
use crate::lock::{Lock, LockedSpec};
use crate::pipeline::{self, ApiRun};
use crate::report;

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

/// Generates every API in memory.
pub fn generate_all(sources: &[(Api, PathBuf)], root: &Path) -> Result<Generated> {
    let runs = sources
        .iter()
        .map(|(api, path)| pipeline::run(*api, path, root))
        .collect::<Result<Vec<_>>>()?;
    let mut files = vec![(apis::LIB_PATH.to_string(), lib_rs(&apis::ALL))];
    files.extend(
        runs.iter()
            .map(|run| (run.api.module_path.to_string(), run.source.text.clone())),
    );
    Ok(Generated { runs, files })
}

pub fn run(args: GenerateArgs) -> Result<()> {
    let started = Instant::now();
    let root = workspace_root();
    let lock_path = root.join(LOCK_PATH);
    let lock = Lock::read(&lock_path).map_err(|e| anyhow!(e))?;
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

    let generated = generate_all(&sources, &root)?;
    for run in &generated.runs {
        report::print_run(run, &root);
    }

    if args.check {
        return check(&generated, &lock, &root, started);
    }
    if let Some(out_dir) = &args.out_dir {
        for (path, text) in &generated.files {
            let relative = path.strip_prefix("generated-client/").unwrap_or(path);
            write_atomically(&out_dir.join(relative), text.as_bytes()).map_err(|e| anyhow!(e))?;
        }
        println!(
            "wrote {} files under {} in {:.2} s (lock untouched)",
            generated.files.len(),
            out_dir.display(),
            started.elapsed().as_secs_f64()
        );
        return Ok(());
    }

    let mut changed = 0;
    for (path, text) in &generated.files {
        let target = root.join(path);
        if std::fs::read_to_string(&target).ok().as_deref() != Some(text.as_str()) {
            write_atomically(&target, text.as_bytes()).map_err(|e| anyhow!(e))?;
            changed += 1;
        }
    }
    let mut new_lock = lock.clone();
    let store = pinned_store(&root);
    for run in &generated.runs {
        new_lock
            .api
            .insert(run.api.name.to_string(), locked(run, &root));
        // Keep every pinned spec, so `diff pinned ...` works after the lock moves.
        store
            .keep(&run.spec.sha256, &run.spec.path)
            .map_err(|e| anyhow!(e))?;
    }
    if new_lock != lock {
        new_lock.write(&lock_path).map_err(|e| anyhow!(e))?;
        println!("updated {LOCK_PATH}");
    }
    println!(
        "generate: {changed} of {} files changed in {:.2} s",
        generated.files.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn locked(run: &ApiRun, root: &Path) -> LockedSpec {
    LockedSpec {
        source: display_relative(&run.spec.path, root),
        sha256: run.spec.sha256.clone(),
        size: run.spec.size,
        operations: run.operations,
    }
}

fn check(generated: &Generated, lock: &Lock, root: &Path, started: Instant) -> Result<()> {
    let mut problems = Vec::new();
    for run in &generated.runs {
        match lock.api.get(run.api.name) {
            Some(locked) if locked.sha256 == run.spec.sha256 => {}
            Some(locked) => problems.push(format!(
                "{}: {} has sha256 {}, the lock records {} (from {})",
                run.api.name,
                run.spec.path.display(),
                run.spec.sha256,
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
