//! One API from spec file to generated files, in one straight line:
//!
//! ```text
//! spec file ─ spec::prepare ─▶ normalized spec ─ codegen::syntax_tree ─▶ syn::File ×2
//!   (load, overlay,             (serde_json)       (progenitor once:        │
//!    normalize passes)                              client through the      │
//!                                                   syntax passes, mocks)   │
//!                               conformance::calls ◀── reads the builders ──┤
//!                                                                           ▼
//!                               files ◀─ codegen::emit (feature plan, split of
//!                                                       client and mocks, print)
//! ```
//!
//! Pure apart from reading the spec and overlay: nothing is written.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::apis::Api;
use crate::codegen::passes::SyntaxPass;
use crate::codegen::{self, GeneratedModule};
use crate::conformance;
use crate::spec::{self, PreparedSpec};

/// Everything one API's run produced.
pub struct ApiRun {
    pub api: Api,
    /// The spec, overlaid and normalized.
    pub spec: PreparedSpec,
    /// The generated module's files.
    pub module: GeneratedModule,
    /// The conformance sweep's call of every operation.
    pub calls: Vec<conformance::Call>,
    /// Wall time of progenitor and the syntax passes, and of splitting and
    /// printing.
    pub generate_time: Duration,
    pub emit_time: Duration,
}

/// Runs the pipeline for `api` on the spec at `spec_path`, with the syntax
/// `passes` (normally [`codegen::passes::all_passes`]).
pub fn run(
    api: Api,
    spec_path: &Path,
    root: &Path,
    passes: &[Box<dyn SyntaxPass>],
) -> Result<ApiRun> {
    let spec = spec::prepare(api, spec_path, root)?;
    let started = Instant::now();
    let document = &spec.spec.document;
    let trees = codegen::syntax_tree(document, api.module, passes).with_context(|| {
        format!(
            "generating the {} client from {}",
            api.name,
            spec_path.display()
        )
    })?;
    let calls = conformance::calls(api, document, &trees.client)?;
    let generated = Instant::now();
    let module = codegen::emit(trees, document, api.module);
    Ok(ApiRun {
        api,
        spec,
        module,
        calls,
        generate_time: generated - started,
        emit_time: generated.elapsed(),
    })
}
