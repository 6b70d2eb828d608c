//! One module per `cargo xtask` subcommand (and `report`, what `generate`
//! prints).

pub mod diff;
pub mod fetch;
pub mod generate;
pub mod releases;
mod report;
pub mod semver;
pub mod spec_json;
pub mod sync;
pub mod test;

/// Prints `error` and its causes to stderr (`error: ...`, then
/// `  caused by: ...`) and returns exit status `code`.
pub fn fail(error: &anyhow::Error, code: u8) -> std::process::ExitCode {
    eprintln!("error: {error}");
    for cause in error.chain().skip(1) {
        eprintln!("  caused by: {cause}");
    }
    std::process::ExitCode::from(code)
}
