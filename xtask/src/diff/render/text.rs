//! Plain text output, coloured when asked (on a terminal by default).

use std::fmt::Write;

use super::Report;
use crate::diff::Severity;

/// Renders the report for a terminal; `colour` adds ANSI colours.
pub fn render(report: &Report<'_>, colour: bool) -> String {
    let paint = |code: &str, text: &str| {
        if colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    };
    let mut out = String::new();
    let ops = &report.diff.operations;
    let _ = writeln!(
        out,
        "{} ({} operations) → {} ({} operations)",
        report.old.input, report.old.operations, report.new.input, report.new.operations
    );
    let _ = writeln!(
        out,
        "operations: {} added, {} removed, {} modified",
        ops.added.len(),
        ops.removed.len(),
        ops.modified.len()
    );
    for group in report.groups() {
        let c = group.first;
        let label = match c.severity {
            Severity::Breaking => paint("1;31", "breaking"),
            Severity::Warning => paint("33", "warning "),
            Severity::Info => paint("2", "info    "),
        };
        let _ = writeln!(
            out,
            "{label} {} {}",
            paint("1", &c.operation),
            group.message()
        );
        let _ = writeln!(
            out,
            "         at {}{}",
            c.origin,
            paint("2", &format!("  [{}]", c.id))
        );
        if group.operations.len() > 1 {
            let _ = writeln!(
                out,
                "         reaches {} operations: {}",
                group.operations.len(),
                super::listed(&group.operations, 6)
            );
        }
        if !c.rust.item.is_empty() {
            let _ = writeln!(
                out,
                "         rust: {} {} ({})",
                c.rust.effect,
                c.rust.item,
                c.rust.bump.as_str()
            );
        }
    }
    let counts = report.counts();
    let _ = writeln!(
        out,
        "{} breaking, {} warning, {} info{}",
        paint("1;31", &counts.breaking.to_string()),
        paint("33", &counts.warning.to_string()),
        counts.info,
        if counts.ignored > 0 {
            format!(", {} ignored", counts.ignored)
        } else {
            String::new()
        }
    );
    let _ = writeln!(
        out,
        "semver: sumo-generated-client {}, sumo-ext {}",
        Report::bump_text(
            report.semver.generated,
            report.versions.generated.as_deref()
        ),
        Report::bump_text(
            report.semver.extension,
            report.versions.extension.as_deref()
        )
    );
    out
}
