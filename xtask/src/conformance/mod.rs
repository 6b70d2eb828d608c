//! The conformance sweep: a test, generated from the specs, that calls every
//! operation through the generated client against Stoplight Prism.
//!
//! - [`args`]: argument values from the spec's examples and schemas;
//! - [`setters`]: the setter types and responses of the generated builders,
//!   read with syn;
//! - [`plan`]: one call per operation, matching the two;
//! - [`emit`] and [`support`]: the test file.
//!
//! The arguments come from the normalized spec (what the generated types were
//! made from); Prism serves the overlaid spec (`cargo xtask spec-json`).
//! See docs/conformance.md.

use anyhow::{Result, anyhow};

use crate::pipeline::ApiRun;

mod args;
mod emit;
mod plan;
mod setters;
mod support;

/// The generated test, relative to the workspace root.
pub const TEST_PATH: &str = "generated-client/tests/conformance.rs";

/// `(TEST_PATH, text)` for the APIs of one generate run: from each run's
/// normalized spec (what the types were made from) and the builders of its
/// generated module.
pub fn test_file(runs: &[ApiRun]) -> Result<(String, String)> {
    let mut apis = Vec::new();
    for run in runs {
        let builders = setters::read_module(&run.source.text, &run.source.parts, run.api.module)
            .map_err(|e| anyhow!("{}: {e}", run.api.module_path))?;
        let calls = plan::calls(&run.spec.document, &builders)
            .map_err(|e| anyhow!("{} API: {e}", run.api.name))?;
        apis.push(emit::ApiCalls {
            api: run.api,
            calls,
        });
    }
    let text = emit::test_file(&apis).map_err(|e| anyhow!(e))?;
    Ok((TEST_PATH.to_string(), text))
}
