//! `cargo xtask test`: every test of the workspace, one command.

use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::commands::releases::{self, ReleasesArgs};
use crate::fsutil::workspace_root;

#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// Skip verify-releases (the slowest part).
    #[arg(long)]
    pub skip_releases: bool,
}

pub fn run(args: TestArgs) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(&cargo)
        .args(["test", "--workspace", "--all-features"])
        .current_dir(workspace_root())
        .status()
        .context("cannot run cargo test")?;
    if !status.success() {
        bail!("cargo test failed ({status})");
    }
    if !args.skip_releases {
        releases::run(ReleasesArgs { specs: Vec::new() })?;
    }
    Ok(())
}
