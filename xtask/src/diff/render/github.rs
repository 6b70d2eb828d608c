//! GitHub Actions workflow commands: one `::error` per breaking change and
//! one `::warning` per warning, annotating the new spec file, then a
//! `::notice` with the counts and the semver bump. Info changes are left
//! to the other formats.

use std::fmt::Write;

use super::Report;
use crate::diff::Severity;

/// Renders the report as workflow commands.
pub fn render(report: &Report<'_>) -> String {
    let mut out = String::new();
    let file = escape_property(&report.new.path);
    for change in report.shown() {
        let command = match change.severity {
            Severity::Breaking => "error",
            Severity::Warning => "warning",
            Severity::Info => continue,
        };
        let title = escape_property(&format!("{} {}", change.kind.id(), change.operation));
        let mut message = format!(
            "{}: {} (at {})",
            change.operation, change.message, change.id
        );
        if !change.rust.item.is_empty() {
            let _ = write!(
                message,
                "; rust: {} {} ({})",
                change.rust.effect,
                change.rust.item,
                change.rust.bump.as_str()
            );
        }
        let _ = writeln!(
            out,
            "::{command} file={file},title={title}::{}",
            escape_data(&message)
        );
    }
    let counts = report.counts();
    let _ = writeln!(
        out,
        "::notice title=API changes::{}",
        escape_data(&format!(
            "{} breaking, {} warning, {} info; sumo-generated-client {}",
            counts.breaking,
            counts.warning,
            counts.info,
            report.semver.generated.as_str()
        ))
    );
    out
}

/// A message, as GitHub's toolkit escapes it.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value (`file=`, `title=`), as GitHub's toolkit escapes it.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_commands_are_escaped() {
        assert_eq!(escape_data("50%\nnext"), "50%25%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
