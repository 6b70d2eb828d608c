//! Markdown output, ready to paste into a changelog.

use std::fmt::Write;

use super::{Group, Report};
use crate::diff::Severity;

/// Renders the report as Markdown.
pub fn render(report: &Report<'_>) -> String {
    let mut out = String::new();
    let counts = report.counts();
    let ops = &report.diff.operations;
    let _ = writeln!(
        out,
        "## API changes: `{}` → `{}`\n",
        report.old.input, report.new.input
    );
    let _ = writeln!(
        out,
        "{} operations → {}: {} added, {} removed, {} modified. {} breaking, {} warning, {} info changes{}.\n",
        report.old.operations,
        report.new.operations,
        ops.added.len(),
        ops.removed.len(),
        ops.modified.len(),
        counts.breaking,
        counts.warning,
        counts.info,
        if counts.ignored > 0 {
            format!(" ({} ignored)", counts.ignored)
        } else {
            String::new()
        }
    );
    let _ = writeln!(out, "| crate | bump |\n| --- | --- |");
    let _ = writeln!(
        out,
        "| `sumo-generated-client` | {} |",
        Report::bump_text(
            report.semver.generated,
            report.versions.generated.as_deref()
        )
    );
    let _ = writeln!(
        out,
        "| `sumo-ext` | {} |\n",
        Report::bump_text(
            report.semver.extension,
            report.versions.extension.as_deref()
        )
    );
    for (title, list) in [
        ("Added operations", &ops.added),
        ("Removed operations", &ops.removed),
    ] {
        if !list.is_empty() {
            let _ = writeln!(out, "### {title}\n");
            for op in list {
                let _ = writeln!(out, "- `{op}`");
            }
            out.push('\n');
        }
    }
    for (title, severity) in [
        ("Breaking changes", Severity::Breaking),
        ("Warnings", Severity::Warning),
        ("Other changes", Severity::Info),
    ] {
        let groups: Vec<Group<'_>> = report
            .groups()
            .into_iter()
            .filter(|g| g.first.severity == severity)
            .collect();
        if groups.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "### {title}\n\n| change | where | operations | Rust | id |\n| --- | --- | --- | --- | --- |"
        );
        for group in groups {
            let c = group.first;
            let rust = if c.rust.item.is_empty() {
                c.rust.effect.to_string()
            } else {
                format!("{} `{}`", c.rust.effect, c.rust.item)
            };
            let operations: Vec<String> = group
                .operations
                .iter()
                .map(|op| format!("`{op}`"))
                .collect();
            let operations: Vec<&str> = operations.iter().map(String::as_str).collect();
            let _ = writeln!(
                out,
                "| {} | `{}` | {} | {} | `{}` |",
                cell(&group.message()),
                cell(&c.origin),
                cell(&super::listed(&operations, 6)),
                cell(&rust),
                cell(&c.id)
            );
        }
        out.push('\n');
    }
    out
}

/// Escapes `|` and newlines inside a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
