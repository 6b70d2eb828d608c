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
