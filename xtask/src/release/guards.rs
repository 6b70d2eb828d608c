//! The guards of a sync: what a new spec may not do without a person's
//! say-so (`--accept-breaking`), and what it may not do at all (lose a large
//! share of its operations: a shrunken or truncated spec, not a release).

use std::fmt::Write;

use super::ApiUpdate;
use crate::diff::render::groups;
use crate::diff::{Kind, Severity};

/// What the person running sync allowed.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// `--accept-breaking`: removed operations and breaking changes go ahead.
    pub accept_breaking: bool,
    /// `--max-operation-loss`: the share of the pinned spec's operations
    /// (percent) that a new spec may remove, even with `--accept-breaking`.
    pub max_loss_percent: f64,
}

/// Which guard a finding comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guard {
    RemovedOperations,
    BreakingChanges,
    OperationLoss,
}

/// One thing a guard found, with the changes it names.
#[derive(Debug, Clone)]
pub struct Finding {
    pub guard: Guard,
    pub api: &'static str,
    /// One line: what the spec does.
    pub summary: String,
    /// The changes, one line each.
    pub items: Vec<String>,
}

impl Finding {
    /// Whether `--accept-breaking` lets it through.
    pub fn acceptable(&self) -> bool {
        self.guard != Guard::OperationLoss
    }

    /// The summary with the items under it, for a terminal.
    pub fn render(&self) -> String {
        let mut out = format!("{}: {}\n", self.api, self.summary);
        for item in &self.items {
            let _ = writeln!(out, "    {item}");
        }
        out
    }
}

/// The guards' verdict on every update.
#[derive(Debug, Default)]
pub struct Verdict {
    /// Findings that stop the sync.
    pub refused: Vec<Finding>,
    /// Findings `--accept-breaking` let through (named in the changelog).
    pub accepted: Vec<Finding>,
}

/// Runs every guard over `updates`.
pub fn check(updates: &[ApiUpdate], policy: Policy) -> Verdict {
    let mut verdict = Verdict::default();
    for finding in updates.iter().flat_map(|u| findings(u, policy)) {
        if finding.acceptable() && policy.accept_breaking {
            verdict.accepted.push(finding);
        } else {
            verdict.refused.push(finding);
        }
    }
    verdict
}

/// The share of the pinned operations the new spec removes, in percent.
pub fn loss_percent(update: &ApiUpdate) -> f64 {
    let pinned = update.old.operation_count();
    if pinned == 0 {
        return 0.0;
    }
    100.0 * update.diff.operations.removed.len() as f64 / pinned as f64
}

/// What the guards find in one update.
fn findings(update: &ApiUpdate, policy: Policy) -> Vec<Finding> {
    let mut found = Vec::new();
    let removed = &update.diff.operations.removed;
    if loss_percent(update) > policy.max_loss_percent {
        found.push(Finding {
            guard: Guard::OperationLoss,
            api: update.api,
            summary: format!(
                "the new spec has {} operations: it removes {} of the pinned {} ({:.1}%, more than the {}% --max-operation-loss allows, with or without --accept-breaking)",
                update.new.operation_count(),
                removed.len(),
                update.old.operation_count(),
                loss_percent(update),
                policy.max_loss_percent
            ),
            items: Vec::new(),
        });
    }
    if !removed.is_empty() {
        found.push(Finding {
            guard: Guard::RemovedOperations,
            api: update.api,
            summary: format!("{} operation(s) removed", removed.len()),
            items: removed.clone(),
        });
    }
    let breaking: Vec<String> = groups(update.diff.changes.iter().filter(|c| !c.ignored))
        .iter()
        .filter(|g| {
            g.first.severity == Severity::Breaking && g.first.kind != Kind::OperationRemoved
        })
        .map(|g| {
            format!(
                "{} ({}; {})",
                g.message(),
                g.first.origin,
                crate::diff::render::listed(&g.operations, 3)
            )
        })
        .collect();
    if !breaking.is_empty() {
        found.push(Finding {
            guard: Guard::BreakingChanges,
            api: update.api,
            summary: format!(
                "{} breaking change(s), per `cargo xtask diff`",
                breaking.len()
            ),
            items: breaking,
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::load::load_bytes;
    use std::path::Path;

    fn spec(paths: &[&str]) -> crate::spec::load::LoadedSpec {
        let mut yaml = String::from("openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n");
        for path in paths {
            yaml.push_str(&format!(
                "  {path}:\n    get:\n      operationId: get{}\n      responses:\n        '200': {{description: ok}}\n",
                path.trim_start_matches('/')
            ));
        }
        load_bytes(Path::new("test.yaml"), yaml.as_bytes()).expect("fixture loads")
    }

    fn update(old: &[&str], new: &[&str]) -> ApiUpdate {
        let (old, new) = (spec(old), spec(new));
        let diff = crate::diff::diff(&old.document, &new.document);
        ApiUpdate {
            api: "regional",
            old,
            new,
            diff,
        }
    }

    const POLICY: Policy = Policy {
        accept_breaking: false,
        max_loss_percent: 10.0,
    };

    #[test]
    fn an_additive_spec_passes_every_guard() {
        let verdict = check(&[update(&["/a", "/b"], &["/a", "/b", "/c"])], POLICY);
        assert!(verdict.refused.is_empty() && verdict.accepted.is_empty());
    }

    #[test]
    fn a_removed_operation_is_refused_unless_accepted() {
        let ops: Vec<String> = (0..20).map(|i| format!("/op{i}")).collect();
        let old: Vec<&str> = ops.iter().map(String::as_str).collect();
        let updates = [update(&old, &old[1..])];
        let verdict = check(&updates, POLICY);
        assert_eq!(verdict.refused.len(), 1, "{verdict:?}");
        assert_eq!(verdict.refused[0].guard, Guard::RemovedOperations);
        assert_eq!(verdict.refused[0].items, ["GET /op0"]);
        let accepting = Policy {
            accept_breaking: true,
            ..POLICY
        };
        let verdict = check(&updates, accepting);
        assert!(verdict.refused.is_empty(), "{verdict:?}");
        assert_eq!(verdict.accepted[0].guard, Guard::RemovedOperations);
    }

    #[test]
    fn a_shrunken_spec_is_refused_even_when_breaking_is_accepted() {
        let ops: Vec<String> = (0..20).map(|i| format!("/op{i}")).collect();
        let old: Vec<&str> = ops.iter().map(String::as_str).collect();
        let verdict = check(
            &[update(&old, &old[..5])],
            Policy {
                accept_breaking: true,
                max_loss_percent: 10.0,
            },
        );
        assert_eq!(verdict.refused.len(), 1, "{verdict:?}");
        assert_eq!(verdict.refused[0].guard, Guard::OperationLoss);
        assert!(
            verdict.refused[0]
                .summary
                .contains("removes 15 of the pinned 20 (75.0%"),
            "{}",
            verdict.refused[0].summary
        );
    }
}
