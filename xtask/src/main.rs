//! `cargo xtask`: the workspace's automation. See README.md.

use clap::{Parser, Subcommand};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod apis;
mod codegen;
mod commands;
mod conformance;
mod deployments;
mod diff;
mod drift;
mod fetch;
mod fsutil;
mod naming;
mod pipeline;
mod release;
mod spec;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Sumo Logic client workspace automation")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Normalize the specs named in openapi/lock.toml (or given) and generate
    /// generated-client/src with progenitor.
    Generate(commands::generate::GenerateArgs),
    /// Generate and `cargo check` a client from each spec release, with the
    /// same passes: proves a new release needs no code change.
    VerifyReleases(commands::releases::ReleasesArgs),
    /// Fetch every deployment's spec (and the organizations spec), verify,
    /// cache, record in the lock, and write the availability matrix.
    Fetch(commands::fetch::FetchArgs),
    /// Take Sumo's new spec as a release: fetch, guard it against the
    /// pinned spec, regenerate, check the whole workspace, bump the
    /// versions and write the changelogs (nothing is written on a refusal).
    Sync(commands::sync::SyncArgs),
    /// Run every test: the workspace's tests, then verify-releases.
    Test(commands::test::TestArgs),
    /// Write a spec as JSON, read by our loader (for Prism).
    SpecJson(commands::spec_json::SpecJsonArgs),
    /// API changes between two spec releases, with severities, Rust effects
    /// and the semver bump (exit 1 with --fail-on, 2 on bad input).
    Diff(commands::diff::DiffArgs),
    /// The semver bump of sumo-generated-client between two regional specs,
    /// measured with cargo-semver-checks (last line: major, minor or patch;
    /// exit 2 on bad input).
    Semver(commands::semver::SemverArgs),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Generate(args) => commands::generate::run(args),
        Command::VerifyReleases(args) => commands::releases::run(args),
        Command::Test(args) => commands::test::run(args),
        Command::SpecJson(args) => commands::spec_json::run(args),
        Command::Fetch(args) => commands::fetch::run(args),
        Command::Sync(args) => commands::sync::run(args),
        Command::Diff(args) => return commands::diff::main(args),
        Command::Semver(args) => return commands::semver::main(args),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => commands::fail(&error, 1),
    }
}
