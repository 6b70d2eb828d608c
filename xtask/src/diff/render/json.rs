//! JSON output; field names are documented in docs/diff.md and stable.

use serde::Serialize;

use super::{Counts, Report, Source};
use crate::diff::semver::Bump;
use crate::diff::{Change, OperationSummary};

/// Bump and next version of one crate.
#[derive(Serialize)]
struct CrateBump<'a> {
    name: &'a str,
    bump: Bump,
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    to: Option<String>,
}

#[derive(Serialize)]
struct Output<'a> {
    format_version: u32,
    old: &'a Source,
    new: &'a Source,
    summary: Counts,
    operations: &'a OperationSummary,
    semver: Vec<CrateBump<'a>>,
    changes: &'a [Change],
}

/// Renders the report as pretty-printed JSON (with a final newline).
pub fn render(report: &Report<'_>) -> String {
    let output = Output {
        format_version: 1,
        old: &report.old,
        new: &report.new,
        summary: report.counts(),
        operations: &report.diff.operations,
        semver: vec![
            crate_bump(
                "sumo-generated-client",
                report.semver.generated,
                report.versions.generated.as_deref(),
            ),
            crate_bump(
                "sumo-ext",
                report.semver.extension,
                report.versions.extension.as_deref(),
            ),
        ],
        changes: &report.diff.changes,
    };
    let mut text =
        serde_json::to_string_pretty(&output).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

fn crate_bump<'a>(name: &'a str, bump: Bump, current: Option<&'a str>) -> CrateBump<'a> {
    CrateBump {
        name,
        bump,
        from: current,
        to: current.and_then(|v| bump.apply(v)),
    }
}
