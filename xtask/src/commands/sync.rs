//! `cargo xtask sync`: take Sumo's new spec as a release. Fetch; guard the
//! new specs against the pinned ones; regenerate in memory; check the whole
//! workspace against the result in a candidate copy; bump both crates'
//! versions and prepend their changelog entries; then write everything at
//! once. A refusal or a failure at any step leaves the working tree as it
//! was (only the git-ignored spec cache and `target/` change).

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::apis::{self, Api};
use crate::codegen::features::manifest;
use crate::commands::fetch::{self, FetchArgs, FetchSummary};
use crate::commands::generate::{self, LOCK_PATH, Scope};
use crate::commands::semver::{self, Measured};
use crate::deployments::ORGANIZATIONS;
use crate::diff::input;
use crate::diff::semver::{Bump, required};
use crate::fetch::cache::pinned_store;
use crate::fsutil::display_relative;
use crate::release::candidate;
use crate::release::changelog::{self, Release};
use crate::release::guards::{self, Policy};
use crate::release::staged::{Change, Staged};
use crate::release::{ApiUpdate, version};
use crate::spec::load;

/// The changelogs sync writes.
const GENERATED_CHANGELOG: &str = "generated-client/CHANGELOG.md";
const EXTENSION_CHANGELOG: &str = "sumo-ext/CHANGELOG.md";

#[derive(Debug, clap::Args)]
pub struct SyncArgs {
    #[command(flatten)]
    pub fetch: FetchArgs,
    /// Go ahead although the new spec removes operations or has breaking
    /// changes; what was accepted is named in the output and the changelog.
    #[arg(long)]
    pub accept_breaking: bool,
    /// The largest share (percent) of the pinned spec's operations that a
    /// new spec may remove, even with --accept-breaking: past it the spec
    /// is taken for a broken one (an outage page, a truncated export).
    #[arg(long, default_value_t = 10.0, value_name = "PERCENT")]
    pub max_operation_loss: f64,
    /// Take the bump `cargo xtask diff` predicts instead of measuring it
    /// with cargo-semver-checks (which is used when installed).
    #[arg(long)]
    pub predict_bump: bool,
}

pub fn run(args: SyncArgs) -> Result<()> {
    if !(0.0..=100.0).contains(&args.max_operation_loss) {
        bail!(
            "--max-operation-loss {}: a percentage from 0 to 100",
            args.max_operation_loss
        );
    }
    let policy = Policy {
        accept_breaking: args.accept_breaking,
        max_loss_percent: args.max_operation_loss,
    };
    let allow_partial = args.fetch.allow_partial;
    let summary = fetch::fetch(args.fetch)?;
    if !summary.failed.is_empty() && !allow_partial {
        bail!(
            "not regenerating: {} spec(s) could not be fetched: {}. Nothing was written; --allow-partial releases from the specs that were fetched",
            summary.failed.len(),
            summary.failed.join(", ")
        );
    }
    let root = std::fs::canonicalize(&summary.root).unwrap_or_else(|_| summary.root.clone());
    let updates = updates(&summary)?;
    for update in &updates {
        println!("sync: {}", describe(update));
    }
    if !updates.iter().any(ApiUpdate::changed) {
        let mut staged = Staged::default();
        for (path, text) in summary.staged_files()? {
            staged.write(path, text);
        }
        let written = staged.apply(&root)?;
        println!(
            "sync: the fetched specs are the pinned ones: nothing to release ({written} data file(s) updated)"
        );
        return Ok(());
    }

    let verdict = guards::check(&updates, policy);
    for finding in &verdict.accepted {
        print!("sync: accepted (--accept-breaking): {}", finding.render());
    }
    if !verdict.refused.is_empty() {
        for finding in &verdict.refused {
            eprint!("refused: {}", finding.render());
        }
        let hint = if verdict.refused.iter().all(|f| f.acceptable()) {
            "; --accept-breaking goes ahead"
        } else {
            ""
        };
        bail!(
            "sync refused the new spec ({} finding(s) above): nothing was written{hint}",
            verdict.refused.len()
        );
    }

    let mut staged = stage_generated(&updates, &summary, &root)?;
    if !changes_code(&staged, &root) {
        let written = staged.apply(&root)?;
        println!(
            "sync: the new spec generates the same client: no release ({written} data file(s) updated, the lock among them)"
        );
        return Ok(());
    }
    let candidate = candidate::prepare(&root, &staged)?;
    if let Some(failure) = candidate::check(&candidate, &root)? {
        bail!(
            "{} does not compile against the regenerated client (checking {}). Nothing was written: the generated files and the lock are as they were; the new workspace is in {}.\nfirst error:\n{}",
            failure.krate,
            failure.check,
            display_relative(&candidate.crates, &root),
            failure.error
        );
    }
    println!("sync: the whole workspace compiles against the new client");
    // Only a failed candidate is kept, for inspection.
    let _ = std::fs::remove_dir_all(&candidate.workspace);

    let (bump, basis) = measure_bump(&updates, &root, args.predict_bump)?;
    let release = Release {
        date: chrono::Utc::now().format("%Y-%m-%d").to_string(),
        bump,
        basis,
        updates: &updates,
        accepted: &verdict.accepted,
    };
    let versions = stage_release(&mut staged, &release, &root)?;
    let written = staged.apply(&root)?;
    let store = pinned_store(&root);
    for update in &updates {
        store.keep(&update.new.sha256, &update.new.path)?;
    }
    println!(
        "sync: released sumo-generated-client {} and sumo-ext {} ({} change, {}): {written} file(s) written. Review and commit them with the changelogs.",
        versions.0,
        versions.1,
        bump.as_str(),
        release.basis
    );
    Ok(())
}

/// Each API's pinned spec against the fetched one (the pinned one again
/// when nothing was fetched for it).
fn updates(summary: &FetchSummary) -> Result<Vec<ApiUpdate>> {
    let root = &summary.root;
    let canonical = summary.table.canonical.to_ascii_lowercase();
    let fetched = |api: Api| match api.name {
        "regional" => summary.cache.spec_path(&canonical),
        _ => summary.cache.spec_path(ORGANIZATIONS),
    };
    let regional = fetched(apis::REGIONAL);
    if !regional.is_file() {
        bail!("no cached spec for {canonical}, the canonical deployment: fetch it first");
    }
    apis::ALL
        .iter()
        .map(|api| {
            let pinned = format!("pinned:{}", api.name);
            let old = input::load(&pinned, root)
                .with_context(|| format!("cannot read the pinned {} spec", api.name))?
                .spec;
            let path = fetched(*api);
            let new = if path.is_file() {
                load::load_file(&path)
                    .with_context(|| format!("cannot read the fetched {} spec", api.name))?
            } else {
                old.clone()
            };
            let diff = crate::diff::diff(&old.document, &new.document);
            Ok(ApiUpdate {
                api: api.name,
                old,
                new,
                diff,
            })
        })
        .collect()
}

fn describe(update: &ApiUpdate) -> String {
    if !update.changed() {
        return format!("{}: unchanged ({})", update.api, update.new.sha256);
    }
    let ops = &update.diff.operations;
    format!(
        "{}: {} → {} ({} → {} operations: {} added, {} removed, {} modified; {} changes)",
        update.api,
        update.old.sha256,
        update.new.sha256,
        update.old.operation_count(),
        update.new.operation_count(),
        ops.added.len(),
        ops.removed.len(),
        ops.modified.len(),
        update.diff.changes.len()
    )
}

/// The regenerated client, the stale parts it removes, the fetch's data
/// files and the lock, staged.
fn stage_generated(updates: &[ApiUpdate], summary: &FetchSummary, root: &Path) -> Result<Staged> {
    let sources: Vec<(Api, std::path::PathBuf)> = apis::ALL
        .iter()
        .zip(updates)
        .map(|(api, update)| (*api, update.new.path.clone()))
        .collect();
    let generated = generate::generate_all(&sources, root, Scope::Workspace, &[]).context(
        "the new spec does not generate a client; nothing was written (the working tree is as it was)",
    )?;
    let mut staged = Staged::default();
    for (path, text) in summary.staged_files()? {
        staged.write(path, text);
    }
    for (path, text) in &generated.files {
        staged.write(path.clone(), text.clone());
    }
    for stale in generate::stale_parts(&generated, root) {
        staged.remove(stale);
    }
    let mut lock = summary.lock.clone();
    for (run, update) in generated.runs.iter().zip(updates) {
        if update.changed() {
            lock.api
                .insert(run.api.name.to_string(), generate::locked(run, root));
        }
    }
    staged.write(LOCK_PATH, lock.render()?);
    Ok(staged)
}

/// Whether `staged` changes a file of the two crates.
fn changes_code(staged: &Staged, root: &Path) -> bool {
    staged.changes().iter().any(|(path, change)| {
        let in_crate = path.starts_with("generated-client/") || path.starts_with("sumo-ext/");
        let current = std::fs::read_to_string(root.join(path)).ok();
        in_crate
            && match change {
                Change::Write(text) => current.as_deref() != Some(text.as_str()),
                Change::Remove => current.is_some(),
            }
    })
}

/// The bump of the release and how it was found.
fn measure_bump(updates: &[ApiUpdate], root: &Path, predict: bool) -> Result<(Bump, String)> {
    // The largest bump `cargo xtask diff` predicts for the changed specs
    // that `keep` selects.
    let predict_for = |keep: &dyn Fn(&ApiUpdate) -> bool| {
        updates
            .iter()
            .filter(|u| u.changed() && keep(u))
            .map(|u| required(u.diff.changes.iter().map(|c| c.rust.bump)).generated)
            .max()
            .unwrap_or_default()
    };
    // Any new spec changes at least the generated docs: a patch at least.
    let predicted = predict_for(&|_| true).max(Bump::Patch);
    let regional = updates.iter().find(|u| u.api == "regional" && u.changed());
    let Some(regional) = regional else {
        return Ok((predicted, "predicted by `cargo xtask diff`".into()));
    };
    if predict {
        return Ok((
            predicted,
            "predicted by `cargo xtask diff` (--predict-bump)".into(),
        ));
    }
    if !semver::semver_checks_installed() {
        println!(
            "sync: cargo-semver-checks is not installed; taking the bump `cargo xtask diff` predicts ({})",
            predicted.as_str()
        );
        return Ok((
            predicted,
            "predicted by `cargo xtask diff`; cargo-semver-checks is not installed".into(),
        ));
    }
    println!("sync: measuring the bump with cargo-semver-checks");
    let verdict = semver::measure_loaded(&regional.old, &regional.new, &regional.diff, root)
        .context(
            "cannot measure the bump; nothing was written (--predict-bump skips the measurement)",
        )?;
    let measured = match verdict.bump {
        Measured::Major => Bump::Major,
        Measured::Minor => Bump::Minor,
        Measured::Patch => Bump::Patch,
    };
    // The organizations API is not measured: its prediction still counts.
    let others = predict_for(&|u| u.api != "regional");
    Ok((
        measured.max(others),
        format!(
            "measured by cargo-semver-checks {}",
            semver::SEMVER_CHECKS_VERSION
        ),
    ))
}

/// Stages the bumped manifests, Cargo.lock and the changelog entries;
/// returns the new versions of the two crates.
fn stage_release(
    staged: &mut Staged,
    release: &Release<'_>,
    root: &Path,
) -> Result<(String, String)> {
    let mut cargo_lock = read(root, "Cargo.lock")?;
    let mut versions = Vec::new();
    for (path, name) in [
        (manifest::GENERATED_CLIENT, "sumo-generated-client"),
        (manifest::SUMO_EXT, "sumo-ext"),
    ] {
        let current = match staged.get(path) {
            Some(Change::Write(text)) => text.clone(),
            _ => read(root, path)?,
        };
        let (text, next) = version::bump(&current, path, release.bump)?;
        cargo_lock = version::set_in_lock(&cargo_lock, name, &next);
        staged.write(path, text);
        versions.push(next);
    }
    staged.write("Cargo.lock", cargo_lock);
    let (generated, extension) = (versions[0].clone(), versions[1].clone());
    let wrapped = wrapped_features(root)?;
    for (path, name, entry) in [
        (
            GENERATED_CHANGELOG,
            "sumo-generated-client",
            changelog::generated_entry(release, &generated),
        ),
        (
            EXTENSION_CHANGELOG,
            "sumo-ext",
            changelog::extension_entry(release, &extension, &generated, &wrapped),
        ),
    ] {
        let existing = std::fs::read_to_string(root.join(path)).ok();
        staged.write(path, changelog::prepend(existing.as_deref(), name, &entry));
    }
    Ok((generated, extension))
}

fn read(root: &Path, path: &str) -> Result<String> {
    std::fs::read_to_string(root.join(path)).with_context(|| format!("cannot read {path}"))
}

/// The API features sumo-ext's own wrappers use: its default features
/// that are API areas of the generated crate.
fn wrapped_features(root: &Path) -> Result<BTreeSet<String>> {
    let text = read(root, manifest::SUMO_EXT)?;
    let table: toml::Table = toml::from_str(&text)
        .with_context(|| format!("{} is not valid TOML", manifest::SUMO_EXT))?;
    let features = table.get("features").and_then(|f| f.as_table());
    let defaults = features
        .and_then(|f| f.get("default"))
        .and_then(|d| d.as_array())
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str());
    let forwards = |feature: &str| {
        features
            .and_then(|f| f.get(feature))
            .and_then(|v| v.as_array())
            .is_some_and(|v| {
                v.iter()
                    .any(|d| d.as_str() == Some(&format!("sumo-generated-client/{feature}")))
            })
    };
    Ok(defaults
        .filter(|f| forwards(f))
        .map(str::to_string)
        .collect())
}
