//! `cargo xtask semver OLD NEW`: the semver bump of `sumo-generated-client`
//! between two specs, measured rather than predicted. The crate is
//! generated from each spec (standalone, as `verify-releases` does), its
//! rustdoc JSON built, and cargo-semver-checks run on the pair. The last
//! line printed is the bump: `major`, `minor` or `patch`.
//!
//! Features: the full crate's rustdoc JSON takes long to build and to
//! check, so each side enables only the features of the operations that
//! `cargo xtask diff` finds changed (added, removed or modified), as that
//! side's spec tags them. A type compiles when an enabled operation reaches
//! it, so every changed type an operation uses is in. Items of other areas
//! did not change. The `mock` feature is on with them: the typed mocks of
//! the changed operations are measured too. No change at all: no
//! features, an empty API.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};
use serde_json::Value;

use crate::apis;
use crate::commands::generate::{Scope, generate_all};
use crate::commands::releases::{
    SHARED_RELEASES, locked_organizations, release_label, shared_releases, write_standalone,
};
use crate::diff::Diff;
use crate::diff::input::{self, Loaded};
use crate::diff::semver::Bump;
use crate::fsutil::workspace_root;
use crate::naming::feature_name;
use crate::spec::load::{LoadedSpec, operations};

/// The pinned cargo-semver-checks (`.ci/run` installs it).
pub const SEMVER_CHECKS_VERSION: &str = "0.51.0";

/// Where the crates, their rustdoc JSON and the build live.
const WORK: &str = "target/xtask/semver";

#[derive(Debug, clap::Args)]
pub struct SemverArgs {
    /// The older regional spec: a file, `pinned`, an http(s) URL or a deployment code.
    #[arg(required_unless_present = "shared_releases")]
    pub old: Option<String>,
    /// The newer regional spec, in the same forms.
    #[arg(required_unless_present = "shared_releases")]
    pub new: Option<String>,
    /// Instead: for every consecutive pair of the shared releases
    /// (../shared/sumo-specs/api), measure the bump and compare it with the
    /// one `cargo xtask diff` predicts; exit 1 when any pair disagrees.
    #[arg(long, conflicts_with_all = ["old", "new"])]
    pub shared_releases: bool,
}

/// The measured bump.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Measured {
    Patch,
    Minor,
    Major,
}

impl Measured {
    pub fn as_str(self) -> &'static str {
        match self {
            Measured::Patch => "patch",
            Measured::Minor => "minor",
            Measured::Major => "major",
        }
    }
}

/// Whether `cargo semver-checks` runs on this machine.
pub fn semver_checks_installed() -> bool {
    std::process::Command::new("cargo")
        .args(["semver-checks", "--version"])
        .output()
        .is_ok_and(|out| out.status.success())
}

/// Runs the command: 0 with the bump on the last line, 2 on bad input or
/// a failed build; with `--shared-releases`, 1 when a prediction is wrong.
pub fn main(args: SemverArgs) -> ExitCode {
    let result = match (&args.old, &args.new) {
        (Some(old), Some(new)) => run(old, new).map(|_| ExitCode::SUCCESS),
        _ => agreement(&workspace_root()).map(|agreed| {
            if agreed {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }),
    };
    match result {
        Ok(code) => code,
        Err(error) => super::fail(&error, 2),
    }
}

/// What a measurement found.
pub struct Verdict {
    pub bump: Measured,
    /// cargo-semver-checks' report of the violations (empty when none).
    pub violations: String,
    /// The features each side was built with.
    pub features: (Vec<String>, Vec<String>),
    /// The bump `cargo xtask diff` predicts, on the measured scale (no
    /// public change at all counts as a patch).
    pub predicted: Measured,
}

fn run(old: &str, new: &str) -> Result<Verdict> {
    let started = Instant::now();
    let root = workspace_root();
    let verdict = measure(old, new, &root)?;
    if !verdict.violations.is_empty() {
        println!("{}", verdict.violations.trim_end());
    }
    println!(
        "semver: sumo-generated-client (cargo xtask diff predicts {}), features old [{}] new [{}], {:.0} s",
        verdict.predicted.as_str(),
        verdict.features.0.join(", "),
        verdict.features.1.join(", "),
        started.elapsed().as_secs_f64()
    );
    println!("{}", verdict.bump.as_str());
    Ok(verdict)
}

/// For every consecutive pair of the shared releases: the bump `cargo
/// xtask diff` predicts against the measured one, a line each. True when
/// every pair agrees.
pub fn agreement(root: &Path) -> Result<bool> {
    let releases = shared_releases(&root.join(SHARED_RELEASES))?;
    if releases.len() < 2 {
        bail!("fewer than two releases under {SHARED_RELEASES}");
    }
    let mut agreed = true;
    for pair in releases.windows(2) {
        let (old, new) = (pair[0].display().to_string(), pair[1].display().to_string());
        let started = Instant::now();
        let measured = measure(&old, &new, root)?;
        let predicted = measured.predicted;
        let same = predicted == measured.bump;
        agreed &= same;
        println!(
            "semver {} -> {}: predicted {}, measured {} ({:.0} s){}",
            release_label(&pair[0]),
            release_label(&pair[1]),
            predicted.as_str(),
            measured.bump.as_str(),
            started.elapsed().as_secs_f64(),
            if same { "" } else { "  DISAGREE" }
        );
        if !same {
            println!("{}", measured.violations.trim_end());
        }
    }
    Ok(agreed)
}

/// Measures the bump of `sumo-generated-client` from the regional spec
/// `old` to `new` (the organizations spec of the lock on both sides).
pub fn measure(old: &str, new: &str, root: &Path) -> Result<Verdict> {
    let load = |label: &str, arg: &str| -> Result<Loaded> {
        input::load(arg, root).map_err(|e| anyhow!("{label}: {e}"))
    };
    let (old_spec, new_spec) = (load("OLD", old)?, load("NEW", new)?);
    // One diff: it chooses the features and makes the prediction.
    let diff = crate::diff::diff(&old_spec.spec.document, &new_spec.spec.document);
    measure_loaded(&old_spec.spec, &new_spec.spec, &diff, root)
}

/// [`measure`] of specs already loaded and compared (`sync` has both).
pub fn measure_loaded(
    old_spec: &LoadedSpec,
    new_spec: &LoadedSpec,
    diff: &Diff,
    root: &Path,
) -> Result<Verdict> {
    let features = changed_features(diff, &old_spec.document, &new_spec.document);
    let predicted =
        match crate::diff::semver::required(diff.changes.iter().map(|c| c.rust.bump)).generated {
            Bump::Major => Measured::Major,
            Bump::Minor => Measured::Minor,
            Bump::Patch | Bump::None => Measured::Patch,
        };
    let organizations = locked_organizations(root)?;
    let work = root.join(WORK);
    let sides = [("old", old_spec), ("new", new_spec)];
    // Both generate before anything is built: a spec that does not
    // generate fails fast.
    let mut generated = Vec::new();
    for (label, loaded) in sides {
        let spec = spec_file(loaded, &work.join(format!("{label}-spec.json")))?;
        let sources = [
            (apis::REGIONAL, spec.clone()),
            (apis::ORGANIZATIONS, organizations.clone()),
        ];
        generated.push(
            generate_all(&sources, root, Scope::CrateOnly, &[])
                .with_context(|| format!("{} does not generate", loaded.path.display()))?,
        );
    }
    let mut docs = Vec::new();
    for ((label, _), (generated, features)) in sides
        .into_iter()
        .zip(generated.iter().zip([&features.0, &features.1]))
    {
        let dir = work.join(label);
        if dir.exists() {
            std::fs::remove_dir_all(&dir)
                .with_context(|| format!("cannot clear {}", dir.display()))?;
        }
        write_standalone(generated, root, &dir)?;
        docs.push(rustdoc_json(
            &dir,
            features,
            root,
            &work.join(format!("{label}.json")),
        )?);
    }
    let violations = semver_checks(&docs[0], &docs[1])?;
    let bump = match &violations {
        Some(report) if report.contains("new major version") => Measured::Major,
        Some(_) => Measured::Minor,
        None if added_items(&docs[0], &docs[1])? => Measured::Minor,
        None => Measured::Patch,
    };
    Ok(Verdict {
        bump,
        violations: violations.unwrap_or_default(),
        features,
        predicted,
    })
}

/// A file the generator can read for `loaded`: its own, or its document
/// written as JSON to `scratch` (a URL, a deployment code).
fn spec_file(loaded: &LoadedSpec, scratch: &Path) -> Result<PathBuf> {
    if loaded.path.is_file() {
        return Ok(loaded.path.clone());
    }
    let text = serde_json::to_string(&loaded.document)?;
    crate::fsutil::write_atomically(scratch, text.as_bytes())?;
    Ok(scratch.to_path_buf())
}

/// The cargo features of the operations `diff` (of `old` → `new`) finds
/// changed, as each side tags them (a tag one side lacks is not a feature
/// there).
pub fn changed_features(diff: &Diff, old: &Value, new: &Value) -> (Vec<String>, Vec<String>) {
    let changed: BTreeSet<&str> = diff
        .changes
        .iter()
        .map(|c| c.operation.as_str())
        .filter(|op| *op != "*")
        .collect();
    let side = |document: &Value| -> Vec<String> {
        let mut features = BTreeSet::new();
        for (path, method, operation) in operations(document) {
            if !changed.contains(format!("{} {path}", method.to_uppercase()).as_str()) {
                continue;
            }
            let tags = operation.get("tags").and_then(Value::as_array);
            match tags {
                Some(tags) if !tags.is_empty() => {
                    features.extend(tags.iter().filter_map(Value::as_str).map(feature_name))
                }
                // An untagged operation belongs to `full` only.
                _ => {
                    features.insert("full".to_string());
                }
            }
        }
        features.into_iter().collect()
    };
    (side(old), side(new))
}

/// Builds the rustdoc JSON of the crate in `dir` with `features`, copied
/// to `out`.
fn rustdoc_json(dir: &Path, features: &[String], root: &Path, out: &Path) -> Result<PathBuf> {
    let target = root.join(WORK).join("target");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args(["rustdoc", "--quiet", "--lib", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target)
        // rustdoc's JSON output is unstable; cargo-semver-checks itself
        // builds it the same way on a stable toolchain.
        .env("RUSTC_BOOTSTRAP", "1")
        .env_remove("RUSTDOCFLAGS");
    if !features.is_empty() {
        // The mocks of the same operations (the test kit's) are API too.
        let mock = crate::codegen::features::mocks::MOCK_FEATURE;
        command
            .arg("--features")
            .arg(format!("{},{mock}", features.join(",")));
    }
    // Lints of the generated docs (bare URLs in Sumo's descriptions) are
    // not what this command reports.
    command.args([
        "--",
        "-Z",
        "unstable-options",
        "--output-format",
        "json",
        "--cap-lints",
        "allow",
    ]);
    let status = command.status().context("cannot run cargo rustdoc")?;
    if !status.success() {
        bail!("cargo rustdoc failed for {} ({status})", dir.display());
    }
    // The library keeps its name (`[lib] name`) in the standalone crate.
    let built = target.join("doc/sumo_generated_client.json");
    std::fs::copy(&built, out)
        .with_context(|| format!("cannot copy {} to {}", built.display(), out.display()))?;
    Ok(out.to_path_buf())
}

/// Runs cargo-semver-checks on the pair; `Some(report)` when it found
/// violations.
fn semver_checks(old: &Path, new: &Path) -> Result<Option<String>> {
    let output = Command::new("cargo")
        .args(["semver-checks", "--baseline-rustdoc"])
        .arg(old)
        .arg("--current-rustdoc")
        .arg(new)
        .args(["--color", "never"])
        .output()
        .with_context(|| {
            format!(
                "cannot run cargo-semver-checks (install it: cargo install cargo-semver-checks --locked --version {SEMVER_CHECKS_VERSION})"
            )
        })?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let report = format!("{stdout}{stderr}");
    if output.status.success() {
        return Ok(None);
    }
    if report.contains("new major version") || report.contains("new minor version") {
        return Ok(Some(report));
    }
    bail!("cargo-semver-checks failed ({}):\n{report}", output.status)
}

/// Whether `new`'s rustdoc JSON names a public item path that `old`'s does
/// not (an addition: a minor version when nothing broke).
fn added_items(old: &Path, new: &Path) -> Result<bool> {
    let paths = |file: &Path| -> Result<BTreeSet<String>> {
        let text =
            std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
        let doc: Value = serde_json::from_slice(&text)
            .with_context(|| format!("{} is not rustdoc JSON", file.display()))?;
        Ok(item_paths(&doc))
    };
    let (old, new) = (paths(old)?, paths(new)?);
    Ok(new.difference(&old).next().is_some())
}

/// The paths of the local crate's items (crate 0) in a rustdoc JSON
/// document, as `kind:a::b::C`, plus every named struct field and enum
/// variant under its parent.
fn item_paths(doc: &Value) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return found;
    };
    for (id, summary) in paths {
        if summary.get("crate_id").and_then(Value::as_u64) != Some(0) {
            continue;
        }
        let path: Vec<&str> = summary
            .get("path")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let kind = summary.get("kind").and_then(Value::as_str).unwrap_or("");
        let name = path.join("::");
        found.insert(format!("{kind}:{name}"));
        for member in members(doc, id) {
            found.insert(format!("{kind}:{name}::{member}"));
        }
    }
    found
}

/// The names of a struct's fields, an enum's variants and the methods of
/// their inherent impls, from the index.
fn members(doc: &Value, id: &str) -> Vec<String> {
    let index = doc.get("index");
    let item = |id: &Value| -> Option<&Value> {
        let key = match id {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        index?.get(key)
    };
    let name_of =
        |id: &Value| -> Option<String> { item(id)?.get("name")?.as_str().map(str::to_string) };
    let Some(inner) = index.and_then(|i| i.get(id)).and_then(|i| i.get("inner")) else {
        return Vec::new();
    };
    let mut names = Vec::new();
    let ids = |value: Option<&Value>| -> Vec<Value> {
        value.and_then(Value::as_array).cloned().unwrap_or_default()
    };
    if let Some(strukt) = inner.get("struct") {
        let fields = strukt.pointer("/kind/plain/fields");
        names.extend(ids(fields).iter().filter_map(name_of));
        for imp in ids(strukt.get("impls")) {
            names.extend(impl_methods(&imp, &item, &name_of));
        }
    }
    if let Some(enumeration) = inner.get("enum") {
        names.extend(ids(enumeration.get("variants")).iter().filter_map(name_of));
        for imp in ids(enumeration.get("impls")) {
            names.extend(impl_methods(&imp, &item, &name_of));
        }
    }
    names
}

/// The methods of an inherent impl (`fn name`), from its id.
fn impl_methods<'a>(
    imp: &Value,
    item: &dyn Fn(&Value) -> Option<&'a Value>,
    name_of: &dyn Fn(&Value) -> Option<String>,
) -> Vec<String> {
    let Some(inner) = item(imp).and_then(|i| i.pointer("/inner/impl")) else {
        return Vec::new();
    };
    if !inner.get("trait").is_none_or(Value::is_null) {
        return Vec::new();
    }
    inner
        .get("items")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(name_of)
        .map(|name| format!("fn {name}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn features_of_the_changed_operations_on_each_side() {
        let old = json!({"openapi": "3.0.1", "paths": {
            "/v1/users": {"get": {"operationId": "listUsers", "tags": ["userManagement"],
                "responses": {"200": {"description": "ok"}}}},
            "/v1/roles": {"get": {"operationId": "listRoles", "tags": ["roleManagement"],
                "responses": {"200": {"description": "ok"}}}},
            "/v1/gone": {"get": {"operationId": "gone", "tags": ["oldArea"],
                "responses": {"200": {"description": "ok"}}}}
        }});
        let mut new = old.clone();
        new["paths"].as_object_mut().unwrap().remove("/v1/gone");
        new["paths"]["/v1/new"] = json!({"post": {"operationId": "create", "tags": ["newArea"],
            "responses": {"200": {"description": "ok"}}}});
        new["paths"]["/v1/users"]["get"]["parameters"] =
            json!([{"name": "q", "in": "query", "schema": {"type": "string"}}]);
        let diff = crate::diff::diff(&old, &new);
        let (old_features, new_features) = changed_features(&diff, &old, &new);
        assert_eq!(old_features, ["old-area", "user-management"]);
        assert_eq!(new_features, ["new-area", "user-management"]);
        let same = crate::diff::diff(&old, &old);
        assert_eq!(changed_features(&same, &old, &old), (vec![], vec![]));
    }

    #[test]
    fn additions_are_told_from_rustdoc_paths() {
        let doc = |fields: &[&str]| {
            let field_ids: Vec<String> = (0..fields.len()).map(|i| format!("f{i}")).collect();
            let mut index = serde_json::Map::new();
            index.insert(
                "s".into(),
                json!({"inner": {"struct": {"kind": {"plain": {"fields": field_ids}}, "impls": []}}}),
            );
            for (id, name) in field_ids.iter().zip(fields) {
                index.insert(id.clone(), json!({"name": name}));
            }
            json!({
                "paths": {"s": {"crate_id": 0, "kind": "struct", "path": ["c", "types", "User"]},
                          "x": {"crate_id": 1, "kind": "struct", "path": ["std", "string", "String"]}},
                "index": index
            })
        };
        let old = item_paths(&doc(&["email"]));
        assert!(old.contains("struct:c::types::User"));
        assert!(old.contains("struct:c::types::User::email"));
        assert!(!old.iter().any(|p| p.contains("std::string")));
        let new = item_paths(&doc(&["email", "nick_name"]));
        assert!(new.difference(&old).any(|p| p.ends_with("::nick_name")));
    }
}
