//! `cargo xtask diff OLD NEW`: API changes between two specs. See docs/diff.md.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Result, anyhow};

use crate::diff::ignore::IgnoreList;
use crate::diff::input::{self, Loaded};
use crate::diff::render::{self, Report, Source, Versions};
use crate::diff::rules::{Direction, Kind};
use crate::diff::{Severity, semver};
use crate::fsutil::workspace_root;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Markdown,
    Json,
    /// GitHub Actions annotations (`::error`, `::warning`) for CI.
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Breaking,
    Warning,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Colour {
    Auto,
    Always,
    Never,
}

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The older spec: a file path, `pinned` (or `pinned:<api>`), an http(s) URL or a deployment code.
    #[arg(required_unless_present = "rules")]
    pub old: Option<String>,
    /// The newer spec, in the same forms.
    #[arg(required_unless_present = "rules")]
    pub new: Option<String>,
    /// Print the rules (every kind of change and its severity) and exit.
    #[arg(long, exclusive = true)]
    pub rules: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Exit with status 1 when a change of this severity or worse is found (ignored changes excepted).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,
    /// File of change ids to silence (one per line, `#` comments, trailing `*` for a prefix).
    #[arg(long, value_name = "FILE")]
    pub ignore: Option<PathBuf>,
    /// Colour the text output: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, value_enum, default_value_t = Colour::Auto)]
    pub color: Colour,
    /// Severities of the rules table as they are, for clients without our
    /// generated client's fallbacks (by default a new response enum value or
    /// subtype, which the client absorbs, is not breaking).
    #[arg(long)]
    pub strict: bool,
}

/// Runs the command: 0 when done, 1 when `--fail-on` triggers, 2 on bad input.
pub fn main(args: DiffArgs) -> ExitCode {
    match run(&args) {
        Ok(code) => code,
        Err(error) => super::fail(&error, 2),
    }
}

fn run(args: &DiffArgs) -> Result<ExitCode> {
    let (Some(old_arg), Some(new_arg)) = (&args.old, &args.new) else {
        write_stdout(&rules_table())?;
        return Ok(ExitCode::SUCCESS);
    };
    let root = workspace_root();
    let ignore = match &args.ignore {
        Some(path) => Some(IgnoreList::read(path)?),
        None => None,
    };
    let old = input::load(old_arg, &root).map_err(|e| anyhow!("OLD: {e}"))?;
    let new = input::load(new_arg, &root).map_err(|e| anyhow!("NEW: {e}"))?;
    let mut diff = crate::diff::diff(&old.spec.document, &new.spec.document);
    if args.strict {
        diff = diff.strict();
    }
    if let Some(list) = &ignore {
        for stale in list.apply(&mut diff.changes) {
            eprintln!("note: ignore entry `{stale}` matches no change");
        }
    }
    let report = Report {
        old: source(&old),
        new: source(&new),
        semver: semver::required(diff.changes.iter().map(|c| c.rust.bump)),
        diff: &diff,
        versions: versions(&root),
    };
    let text = match args.format {
        Format::Text => {
            let colour = match args.color {
                Colour::Always => true,
                Colour::Never => false,
                Colour::Auto => {
                    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
                }
            };
            render::text::render(&report, colour)
        }
        Format::Markdown => render::markdown::render(&report),
        Format::Json => render::json::render(&report),
        Format::Github => render::github::render(&report),
    };
    write_stdout(&text)?;
    let threshold = match args.fail_on {
        None => return Ok(ExitCode::SUCCESS),
        Some(FailOn::Breaking) => Severity::Breaking,
        Some(FailOn::Warning) => Severity::Warning,
    };
    let failing = report.shown().filter(|c| c.severity >= threshold).count();
    if failing > 0 {
        eprintln!(
            "{failing} change(s) at or above `{}` (--fail-on)",
            threshold.as_str()
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes to stdout; a closed pipe (`| head`) is not an error.
fn write_stdout(text: &str) -> Result<()> {
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(anyhow!("cannot write the report: {e}"))
        }
        _ => Ok(()),
    }
}

fn source(loaded: &Loaded) -> Source {
    Source {
        input: loaded.input.clone(),
        path: loaded.spec.path.display().to_string(),
        sha256: loaded.spec.sha256.clone(),
        size: loaded.spec.size,
        operations: loaded.spec.operation_count(),
    }
}

/// Current versions of the two crates, read from their manifests.
fn versions(root: &Path) -> Versions {
    let read = |manifest: &str| -> Option<String> {
        let text = std::fs::read_to_string(root.join(manifest)).ok()?;
        let table: toml::Table = toml::from_str(&text).ok()?;
        Some(table.get("package")?.get("version")?.as_str()?.to_string())
    };
    Versions {
        generated: read("generated-client/Cargo.toml"),
        extension: read("sumo-ext/Cargo.toml"),
    }
}

/// The rules as a table: id, severity in a request, in a response, meaning.
fn rules_table() -> String {
    let mut out = format!(
        "{:<32} {:<9} {:<9} meaning\n",
        "kind", "request", "response"
    );
    for kind in Kind::ALL {
        out.push_str(&format!(
            "{:<32} {:<9} {:<9} {}\n",
            kind.id(),
            kind.severity(Direction::Request).as_str(),
            kind.severity(Direction::Response).as_str(),
            kind.describe()
        ));
    }
    out
}
