//! Passes over the generated syntax trees, for what progenitor cannot emit
//! or emits at a cost. The client's `syn::File` of each API flows through
//! them in order (and the mocks' file through those whose [`Tree`] is
//! [`Tree::Mocks`]), each in its own file behind [`SyntaxPass`], each
//! reporting how many places it changed. `codegen::tests` fails when a pass changes nothing in
//! the shared specs' output, so a progenitor upgrade that changes the shape
//! a pass looks for cannot switch it off silently.

use serde_json::Value;

mod encoded_path_params;
mod job_impls;
mod mock_array_queries;
mod mock_sealed_ext;
mod moved_response_headers;
mod non_exhaustive;
mod open_enums;
mod operation_impls;
mod page_impls;
mod schemars_gate;
mod static_headers;
mod syntax;

pub use encoded_path_params::EncodedPathParams;
pub use job_impls::JobImpls;
#[cfg(test)]
pub use job_impls::job_pairs;
pub use mock_array_queries::MockArrayQueries;
pub use mock_sealed_ext::MockSealedExt;
pub use moved_response_headers::MovedResponseHeaders;
pub use non_exhaustive::NonExhaustive;
pub use open_enums::OpenEnums;
pub use operation_impls::OperationImpls;
pub use page_impls::PageImpls;
#[cfg(test)]
pub use page_impls::paged_operations;
pub use schemars_gate::SchemarsGate;
pub use static_headers::StaticHeaders;

/// What a pass knows besides the tree: the normalized spec it came from.
pub struct Context<'a> {
    pub document: &'a Value,
}

/// What one pass did to a tree.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SyntaxReport {
    /// Places the pass changed.
    pub changes: usize,
    /// Short remarks worth printing (what was left alone and why).
    pub notes: Vec<String>,
}

impl SyntaxReport {
    /// A report of `changes` places and no notes.
    pub fn changed(changes: usize) -> SyntaxReport {
        SyntaxReport {
            changes,
            notes: Vec::new(),
        }
    }
}

/// Which of an API's two trees a pass rewrites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tree {
    /// The client module.
    Client,
    /// progenitor's httpmock mocks of its operations.
    Mocks,
}

/// A rewrite of the generated syntax tree.
pub trait SyntaxPass {
    /// Kebab-case name used in reports.
    fn name(&self) -> &'static str;
    /// One line on what the pass does.
    fn summary(&self) -> &'static str;
    /// The tree it rewrites.
    fn tree(&self) -> Tree {
        Tree::Client
    }
    /// Rewrites `file` (one API's whole module, or its mocks) in place.
    fn run(&self, file: &mut syn::File, context: &Context<'_>) -> SyntaxReport;
}

/// The passes `generate` applies, in order.
pub fn all_passes() -> Vec<Box<dyn SyntaxPass>> {
    vec![
        Box::new(SchemarsGate),
        Box::new(OpenEnums),
        Box::new(NonExhaustive),
        Box::new(PageImpls),
        Box::new(OperationImpls),
        Box::new(JobImpls),
        Box::new(StaticHeaders),
        Box::new(MovedResponseHeaders),
        Box::new(EncodedPathParams),
        Box::new(MockArrayQueries),
        Box::new(MockSealedExt),
    ]
}

/// Every pass but those named in `skip` (`generate --skip-pass`, to
/// measure what a pass buys). An unknown name is an error listing the
/// passes.
pub fn all_passes_except(skip: &[String]) -> anyhow::Result<Vec<Box<dyn SyntaxPass>>> {
    let passes = all_passes();
    let names: Vec<&str> = passes.iter().map(|p| p.name()).collect();
    if let Some(unknown) = skip.iter().find(|s| !names.contains(&s.as_str())) {
        anyhow::bail!(
            "--skip-pass {unknown}: no such syntax pass (the passes: {})",
            names.join(", ")
        );
    }
    Ok(passes
        .into_iter()
        .filter(|p| !skip.iter().any(|s| s == p.name()))
        .collect())
}

/// A pass's name, summary, report and wall time.
#[derive(Debug, Clone)]
pub struct SyntaxOutcome {
    pub name: &'static str,
    pub summary: &'static str,
    pub report: SyntaxReport,
    pub time: std::time::Duration,
}

/// Runs `passes` in order, each over its [`Tree`]: `client` or `mocks`.
pub fn run_all(
    passes: &[Box<dyn SyntaxPass>],
    client: &mut syn::File,
    mocks: &mut syn::File,
    context: &Context<'_>,
) -> Vec<SyntaxOutcome> {
    passes
        .iter()
        .map(|pass| {
            let started = std::time::Instant::now();
            let file = match pass.tree() {
                Tree::Client => &mut *client,
                Tree::Mocks => &mut *mocks,
            };
            let report = pass.run(file, context);
            SyntaxOutcome {
                name: pass.name(),
                summary: pass.summary(),
                report,
                time: started.elapsed(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passes_are_left_out_by_name_and_unknown_names_rejected() {
        let all: Vec<&str> = all_passes().iter().map(|p| p.name()).collect();
        let kept: Vec<&str> = all_passes_except(&["static-headers".into()])
            .unwrap()
            .iter()
            .map(|p| p.name())
            .collect();
        assert_eq!(kept.len(), all.len() - 1);
        assert!(!kept.contains(&"static-headers"));
        let Err(error) = all_passes_except(&["nope".into()]) else {
            panic!("an unknown pass is an error")
        };
        let error = error.to_string();
        assert!(error.contains("--skip-pass nope"), "{error}");
        assert!(error.contains("schemars-gate"), "{error}");
    }
}
