//! `cargo xtask`: the workspace's automation. See README.md.

use clap::{Parser, Subcommand};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod annotate;
mod apis;
mod check;
mod commands;
mod format;
mod fsutil;
mod generate;
mod load;
mod lock;
mod normalize;
mod overlay;
mod pipeline;
mod report;

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
    /// Run every test: the workspace's tests, then verify-releases.
    Test(commands::test::TestArgs),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Generate(args) => commands::generate::run(args),
        Command::VerifyReleases(args) => commands::releases::run(args),
        Command::Test(args) => commands::test::run(args),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            for cause in error.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            std::process::ExitCode::FAILURE
        }
    }
}
