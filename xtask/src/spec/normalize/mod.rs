//! Normalization: small, named passes that rewrite an upstream spec into a
//! shape progenitor and typify turn into a correct client. Each pass is
//! general (it looks for a pattern, never for a Sumo operation by name) and
//! reports how many places it changed.

use serde_json::Value;

mod default_responses;
mod discriminators;
mod error_bodies;
mod multipart_bodies;
mod pattern_enums;
mod value_constraints;
pub mod walk;

pub use default_responses::DefaultResponses;
pub use discriminators::Discriminators;
pub use error_bodies::{ALWAYS_EXTENSION, ErrorBodies};
pub use multipart_bodies::MultipartBodies;
pub use pattern_enums::{PatternEnums, literal_alternatives};
pub use value_constraints::{CONSTRAINTS_EXTENSION, ValueConstraints};

/// What one pass did to a document.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PassReport {
    /// Number of places the pass rewrote.
    pub changes: usize,
    /// Short remarks worth printing (what was left alone and why).
    pub notes: Vec<String>,
}

/// A spec rewrite.
pub trait Pass {
    /// Kebab-case name used in reports.
    fn name(&self) -> &'static str;
    /// One line on what the pass does.
    fn summary(&self) -> &'static str;
    /// Rewrites `document` in place.
    fn run(&self, document: &mut Value) -> anyhow::Result<PassReport>;
}

/// The passes `generate` applies, in order.
pub fn all_passes() -> Vec<Box<dyn Pass>> {
    vec![
        Box::new(DefaultResponses),
        Box::new(MultipartBodies),
        Box::new(PatternEnums),
        Box::new(Discriminators),
        Box::new(ErrorBodies),
        Box::new(ValueConstraints),
    ]
}

/// A pass's name, summary and report.
#[derive(Debug, Clone)]
pub struct PassOutcome {
    pub name: &'static str,
    pub summary: &'static str,
    pub report: PassReport,
}

/// Runs `passes` in order, stopping at the first failure.
pub fn run_all(passes: &[Box<dyn Pass>], document: &mut Value) -> anyhow::Result<Vec<PassOutcome>> {
    passes
        .iter()
        .map(|pass| {
            pass.run(document)
                .map(|report| PassOutcome {
                    name: pass.name(),
                    summary: pass.summary(),
                    report,
                })
                .map_err(|e| anyhow::anyhow!("normalization pass `{}` failed: {e}", pass.name()))
        })
        .collect()
}
