//! The changelog entries of a release: `generated-client/CHANGELOG.md` gets
//! every change, `sumo-ext/CHANGELOG.md` what reaches sumo-ext's own
//! wrappers. Newest entry first.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use serde_json::Value;

use super::ApiUpdate;
use super::guards::Finding;
use crate::diff::render::{Group, groups, listed};
use crate::diff::semver::Bump;
use crate::diff::{Change, Kind, Severity};
use crate::naming::feature_name;
use crate::spec::load::operations;

/// What the entries of one release say.
pub struct Release<'a> {
    /// `YYYY-MM-DD`, UTC.
    pub date: String,
    pub bump: Bump,
    /// How the bump was found: `measured by …` or `predicted by …`.
    pub basis: String,
    pub updates: &'a [ApiUpdate],
    /// What `--accept-breaking` let through.
    pub accepted: &'a [Finding],
}

/// Which operations an entry covers.
enum Scope<'a> {
    All,
    /// Operations tagged with one of these features.
    Features(&'a BTreeSet<String>),
}

/// The `sumo-generated-client` entry for `version`.
pub fn generated_entry(release: &Release<'_>, version: &str) -> String {
    let mut out = format!("## {version} ({})\n\n", release.date);
    let _ = writeln!(
        out,
        "Regenerated from a new Sumo Logic spec: a {} change ({}).\n",
        release.bump.as_str(),
        release.basis
    );
    out.push_str("| API | spec sha256 | operations |\n| --- | --- | --- |\n");
    for update in release.updates {
        let sha = if update.changed() {
            format!("`{}` → `{}`", update.old.sha256, update.new.sha256)
        } else {
            format!("`{}` (unchanged)", update.new.sha256)
        };
        let (old, new) = (update.old.operation_count(), update.new.operation_count());
        let operations = if old == new {
            old.to_string()
        } else {
            format!("{old} → {new}")
        };
        let _ = writeln!(out, "| {} | {sha} | {operations} |", update.api);
    }
    out.push('\n');
    if !release.accepted.is_empty() {
        out.push_str("### Accepted with `--accept-breaking`\n\n");
        for finding in release.accepted {
            let _ = writeln!(out, "- {}: {}", finding.api, finding.summary);
            for item in &finding.items {
                let _ = writeln!(out, "  - {item}");
            }
        }
        out.push('\n');
    }
    changes(&mut out, release.updates, &Scope::All);
    out
}

/// The `sumo-ext` entry for `version`, taking `generated` of the generated
/// crate; `wrapped` are the API features sumo-ext's own wrappers use.
pub fn extension_entry(
    release: &Release<'_>,
    version: &str,
    generated: &str,
    wrapped: &BTreeSet<String>,
) -> String {
    let mut out = format!("## {version} ({})\n\n", release.date);
    let _ = writeln!(
        out,
        "Takes `sumo-generated-client` {generated}: a {} change ({}). `sumo_ext::raw` re-exports it, so sumo-ext moves by the same bump; every change is in generated-client/CHANGELOG.md.\n",
        release.bump.as_str(),
        release.basis
    );
    let areas: Vec<String> = wrapped.iter().map(|f| format!("`{f}`")).collect();
    let _ = writeln!(
        out,
        "What reaches sumo-ext's own wrappers (the API areas {}):\n",
        areas.join(", ")
    );
    if !changes(&mut out, release.updates, &Scope::Features(wrapped)) {
        out.push_str("- Nothing: no change reaches these areas.\n\n");
    }
    out
}

/// Writes the operations added and removed, then the other changes grouped
/// by origin, breaking first. Returns whether anything was written.
fn changes(out: &mut String, updates: &[ApiUpdate], scope: &Scope<'_>) -> bool {
    let mut wrote = false;
    // Each update's operations and their features, read once.
    let reaches: Vec<Reach> = updates.iter().map(Reach::of).collect();
    for (title, kind) in [
        ("Operations added", Kind::OperationAdded),
        ("Operations removed", Kind::OperationRemoved),
    ] {
        let mut lines = Vec::new();
        for (update, reach) in updates.iter().zip(&reaches) {
            let list = match kind {
                Kind::OperationAdded => &update.diff.operations.added,
                _ => &update.diff.operations.removed,
            };
            lines.extend(
                list.iter()
                    .filter(|op| reach.covers(op, scope))
                    .map(|op| format!("- {}: `{op}`", update.api)),
            );
        }
        if !lines.is_empty() {
            wrote = true;
            let _ = writeln!(out, "### {title}\n\n{}\n", lines.join("\n"));
        }
    }
    for (title, severity) in [
        ("Breaking changes", Severity::Breaking),
        ("Warnings", Severity::Warning),
        ("Other changes", Severity::Info),
    ] {
        let mut lines = Vec::new();
        for (update, reach) in updates.iter().zip(&reaches) {
            let shown = update.diff.changes.iter().filter(|c| shown(c, severity));
            for group in groups(shown) {
                let operations: Vec<&str> = group
                    .operations
                    .iter()
                    .copied()
                    .filter(|op| reach.covers(op, scope))
                    .collect();
                if !operations.is_empty() {
                    lines.push(line(update.api, &group, &operations));
                }
            }
        }
        if !lines.is_empty() {
            wrote = true;
            let _ = writeln!(out, "### {title}\n\n{}\n", lines.join("\n"));
        }
    }
    wrote
}

/// A change of `severity` for the grouped lists: operations added and
/// removed have lists of their own.
fn shown(change: &Change, severity: Severity) -> bool {
    !change.ignored
        && change.severity == severity
        && !matches!(change.kind, Kind::OperationAdded | Kind::OperationRemoved)
}

fn line(api: &str, group: &Group<'_>, operations: &[&str]) -> String {
    let quoted: Vec<String> = operations.iter().map(|op| format!("`{op}`")).collect();
    let quoted: Vec<&str> = quoted.iter().map(String::as_str).collect();
    let reaches = match operations {
        [op] if *op == "*" => "the whole API".to_string(),
        [_] => listed(&quoted, 1),
        _ => format!("{} operations: {}", operations.len(), listed(&quoted, 5)),
    };
    format!(
        "- {api}: {} (`{}`); reaches {reaches}",
        group.message(),
        group.first.origin
    )
}

/// The API features of each operation of an update, both sides.
struct Reach {
    features: BTreeMap<String, BTreeSet<String>>,
}

impl Reach {
    fn of(update: &ApiUpdate) -> Reach {
        let mut features: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for document in [&update.old.document, &update.new.document] {
            for (path, method, operation) in operations(document) {
                let tags = operation["tags"].as_array().into_iter().flatten();
                features
                    .entry(format!("{} {path}", method.to_uppercase()))
                    .or_default()
                    .extend(tags.filter_map(Value::as_str).map(feature_name));
            }
        }
        Reach { features }
    }

    fn covers(&self, operation: &str, scope: &Scope<'_>) -> bool {
        match scope {
            Scope::All => true,
            Scope::Features(wanted) => self
                .features
                .get(operation)
                .is_some_and(|f| !f.is_disjoint(wanted)),
        }
    }
}

/// `existing` (a CHANGELOG.md, or `None` when there is none) with `entry`
/// before its newest entry.
pub fn prepend(existing: Option<&str>, crate_name: &str, entry: &str) -> String {
    let header = format!(
        "# Changelog of `{crate_name}`\n\n`cargo xtask sync` writes an entry for each Sumo Logic spec release it takes, newest first.\n\n"
    );
    let existing = existing.unwrap_or(&header);
    let at = if existing.starts_with("## ") {
        Some(0)
    } else {
        existing.find("\n## ").map(|i| i + 1)
    };
    match at {
        Some(at) => format!("{}{entry}{}", &existing[..at], &existing[at..]),
        None => format!("{}\n\n{entry}", existing.trim_end()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::load::load_bytes;
    use std::path::Path;

    fn spec(yaml: &str) -> crate::spec::load::LoadedSpec {
        load_bytes(Path::new("t.yaml"), yaml.as_bytes()).expect("fixture loads")
    }

    const OLD: &str = "openapi: 3.0.0
info: {title: t, version: '1'}
paths:
  /users:
    get:
      operationId: listUsers
      tags: [userManagement]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/User'}
  /monitors:
    get:
      operationId: listMonitors
      tags: [monitorsLibraryManagement]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/User'}
components:
  schemas:
    User:
      type: object
      properties:
        id: {type: string}
";

    fn update() -> ApiUpdate {
        let new = OLD.replace(
            "        id: {type: string}\n",
            "        id: {type: string}\n        email: {type: string}\n",
        ) + "";
        let new = new.replace(
            "  /monitors:\n",
            "  /dashboards:\n    get:\n      operationId: listDashboards\n      tags: [dashboardManagement]\n      responses:\n        '200': {description: ok}\n  /monitors:\n",
        );
        let (old, new) = (spec(OLD), spec(&new));
        ApiUpdate {
            api: "regional",
            diff: crate::diff::diff(&old.document, &new.document),
            old,
            new,
        }
    }

    fn release(updates: &[ApiUpdate]) -> Release<'_> {
        Release {
            date: "2026-12-02".into(),
            bump: Bump::Minor,
            basis: "predicted by `cargo xtask diff`".into(),
            updates,
            accepted: &[],
        }
    }

    #[test]
    fn the_entry_folds_a_change_under_its_origin() {
        let updates = [update()];
        let entry = generated_entry(&release(&updates), "0.1.1");
        assert!(entry.starts_with("## 0.1.1 (2026-12-02)\n"), "{entry}");
        assert!(entry.contains("a minor change"), "{entry}");
        assert!(entry.contains(&updates[0].new.sha256), "{entry}");
        assert!(entry.contains("- regional: `GET /dashboards`"), "{entry}");
        // One line for the new property, reached by both operations.
        let property: Vec<&str> = entry.lines().filter(|l| l.contains("email")).collect();
        assert_eq!(property.len(), 1, "{entry}");
        assert!(property[0].contains("#/components/schemas/User"), "{entry}");
        assert!(property[0].contains("2 operations"), "{entry}");
    }

    #[test]
    fn sumo_ext_gets_what_reaches_its_wrappers() {
        let updates = [update()];
        let wrapped = BTreeSet::from(["user-management".to_string()]);
        let entry = extension_entry(&release(&updates), "0.1.1", "0.1.1", &wrapped);
        assert!(!entry.contains("/dashboards"), "{entry}");
        let property: Vec<&str> = entry.lines().filter(|l| l.contains("email")).collect();
        assert_eq!(property.len(), 1, "{entry}");
        assert!(property[0].ends_with("reaches `GET /users`"), "{entry}");
        let none = BTreeSet::from(["traces".to_string()]);
        let entry = extension_entry(&release(&updates), "0.1.1", "0.1.1", &none);
        assert!(entry.contains("Nothing: no change reaches"), "{entry}");
    }

    #[test]
    fn entries_go_before_the_newest() {
        let first = prepend(None, "x", "## 0.1.1 (d)\n\nnew\n\n");
        assert!(first.starts_with("# Changelog of `x`"), "{first}");
        let second = prepend(Some(&first), "x", "## 0.1.2 (d)\n\nnewer\n\n");
        let at = |v: &str| second.find(v).unwrap();
        assert!(at("## 0.1.2") < at("## 0.1.1"), "{second}");
        assert!(second.starts_with("# Changelog of `x`"), "{second}");
    }
}
