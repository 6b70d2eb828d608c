//! The conformance sweep: a test, generated from the specs, that calls every
//! operation through the generated client against Stoplight Prism.
//!
//! - [`args`]: argument values from the spec's examples and schemas;
//! - [`setters`]: the setter types and responses of the generated builders,
//!   read with syn;
//! - [`plan`]: one call per operation, matching the two;
//! - [`emit`]: the test file (its hand-written support module is
//!   `generated-client/tests/support/conformance.rs`).
//!
//! The arguments come from the normalized spec (what the generated types were
//! made from); Prism serves the overlaid spec (`cargo xtask spec-json`).
//! See docs/conformance.md.

use anyhow::{Context, Result};
use serde_json::Value;

use crate::apis::Api;

mod args;
mod emit;
mod plan;
mod setters;

pub use plan::Call;

/// The generated test, relative to the workspace root.
pub const TEST_PATH: &str = "generated-client/tests/conformance.rs";

/// One call per operation of an API: from its normalized spec (what the
/// types were made from) and the builders of its generated syntax tree.
pub fn calls(api: Api, document: &Value, tree: &syn::File) -> Result<Vec<Call>> {
    let builders = setters::read_file(tree)
        .with_context(|| format!("reading the builders of {}", api.module_path))?;
    plan::calls(document, &builders).with_context(|| format!("the {} API", api.name))
}

/// `(TEST_PATH, text)` for the calls of each API.
pub fn test_file(apis: &[(Api, &[Call])]) -> Result<(String, String)> {
    let apis: Vec<emit::ApiCalls> = apis
        .iter()
        .map(|(api, calls)| emit::ApiCalls {
            api: *api,
            calls: calls.to_vec(),
        })
        .collect();
    Ok((TEST_PATH.to_string(), emit::test_file(&apis)?))
}
