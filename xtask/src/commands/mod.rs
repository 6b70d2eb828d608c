//! One module per `cargo xtask` subcommand.

pub mod generate;
pub mod releases;
pub mod test;
