//! `cargo xtask sync`: fetch, show what changed against the pinned spec
//! (with `cargo xtask diff`),
//! regenerate from the canonical deployment's spec, and check the result.

use std::process::{Command, ExitCode};

use anyhow::{Context, Result, bail};

use crate::commands::diff::{self, Colour, DiffArgs, Format};
use crate::commands::fetch::{self, FetchArgs};
use crate::commands::generate::{self, GenerateArgs};
use crate::deployments::ORGANIZATIONS;

pub fn run(args: FetchArgs) -> Result<()> {
    let allow_partial = args.allow_partial;
    let summary = fetch::fetch(args)?;
    if !summary.failed.is_empty() && !allow_partial {
        bail!(
            "not regenerating: {} spec(s) could not be fetched: {}",
            summary.failed.len(),
            summary.failed.join(", ")
        );
    }
    let root = &summary.root;
    let canonical = summary.table.canonical.to_ascii_lowercase();
    let regional = summary.cache.spec_path(&canonical);
    if !regional.is_file() {
        bail!("no cached spec for {canonical}, the canonical deployment: fetch it first");
    }
    let organizations = summary.cache.spec_path(ORGANIZATIONS);

    // The API changes against the pinned spec (`cargo xtask diff`).
    println!("changes against the pinned regional spec:");
    let code = diff::main(DiffArgs {
        old: Some("pinned".into()),
        new: Some(regional.display().to_string()),
        rules: false,
        format: Format::Text,
        fail_on: None,
        ignore: None,
        color: Colour::Auto,
        strict: false,
    });
    if code != ExitCode::SUCCESS {
        bail!("cannot compare the fetched spec with the pinned one (see above)");
    }

    generate::run(GenerateArgs {
        regional: Some(regional),
        organizations: organizations.is_file().then_some(organizations),
        check: false,
        out_dir: None,
        skip_pass: Vec::new(),
    })?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["check", "-p", "sumo-generated-client", "--all-features"])
        .current_dir(root)
        .status()
        .context("cannot run cargo check")?;
    if !status.success() {
        bail!("the regenerated client does not compile ({status})");
    }
    println!("sync: regenerated from {canonical}'s spec and compiled");
    Ok(())
}
