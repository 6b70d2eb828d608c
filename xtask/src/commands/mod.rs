//! One module per `cargo xtask` subcommand.

pub mod diff;
pub mod fetch;
pub mod generate;
pub mod releases;
pub mod spec_json;
pub mod sync;
pub mod test;
