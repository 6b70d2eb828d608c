//! The code generation stage: progenitor once per API ([`progenitor`]), one
//! syntax tree through the [`passes`] and one of typed mocks, then the
//! per-tag features applied and both trees split into files ([`features`])
//! and printed ([`mod@print`]).

pub mod features;
pub mod passes;
pub mod print;
pub mod progenitor;

use serde_json::Value;

use features::SpecFeatures;
use features::plan::Plan;
use passes::{SyntaxOutcome, SyntaxPass};

/// One API's generated module as files, and what the stage did.
pub struct GeneratedModule {
    /// `src/<module>.rs`.
    pub text: String,
    /// The files split out of it, relative to the module's directory
    /// (`types/user-management.rs`), each with its header; the mocks'
    /// module (`mock.rs`) and its parts (`mock/user-management.rs`) too.
    pub parts: Vec<(String, String)>,
    /// What each syntax pass changed.
    pub passes: Vec<SyntaxOutcome>,
    /// The spec's tags as cargo features.
    pub features: SpecFeatures,
    /// Items that got a `#[cfg]` of the per-tag features.
    pub cfg_gated: usize,
}

impl GeneratedModule {
    /// Lines of the module with its parts.
    pub fn lines(&self) -> usize {
        self.text.lines().count()
            + self
                .parts
                .iter()
                .map(|(_, text)| text.lines().count())
                .sum::<usize>()
    }
}

/// The syntax trees of one API, as [`syntax_tree`] leaves them.
pub struct Trees {
    /// The client module, through the syntax passes.
    pub client: syn::File,
    /// progenitor's mocks of its operations, through the mock passes.
    pub mocks: syn::File,
    /// What each syntax pass changed.
    pub passes: Vec<SyntaxOutcome>,
}

/// progenitor's module `module` for the normalized `document`, through
/// `passes` ([`passes::all_passes`]), and its mocks.
pub fn syntax_tree(
    document: &Value,
    module: &str,
    passes: &[Box<dyn SyntaxPass>],
) -> anyhow::Result<Trees> {
    let progenitor::Generated {
        mut client,
        mut mocks,
    } = progenitor::generate(document, module)?;
    let context = passes::Context { document };
    let outcomes = passes::run_all(passes, &mut client, &mut mocks, &context);
    Ok(Trees {
        client,
        mocks,
        passes: outcomes,
    })
}

/// The trees of `module` (as [`syntax_tree`] left them) gated by the
/// spec's features, split into files and printed.
pub fn emit(trees: Trees, document: &Value, module: &str) -> GeneratedModule {
    let Trees {
        client: mut file,
        mocks,
        passes,
    } = trees;
    let features = SpecFeatures::from_spec(document);
    let plan = Plan::build(&file, &features);
    let mocks = features::mocks::split(mocks, &file, &plan);
    let split = features::split::split(&mut file, &plan, module);
    file.items.push(features::mocks::declaration());
    let text = print::file(&file);
    let mock_dir = format!("{module}/mock");
    let mut parts: Vec<(String, String)> = split
        .parts
        .into_iter()
        .map(|part| (part.path.clone(), print::part(part, module)))
        .collect();
    parts.push(("mock.rs".to_string(), print::file(&mocks.root)));
    parts.extend(
        mocks
            .parts
            .into_iter()
            .map(|part| (part.path.clone(), print::part(part, &mock_dir))),
    );
    GeneratedModule {
        text,
        parts,
        passes,
        features,
        cfg_gated: split.gated + mocks.gated,
    }
}

#[cfg(test)]
mod tests {
    use crate::apis;
    use crate::fsutil::{resolve, workspace_root};
    use crate::spec::{self, lock::Lock};

    /// The syntax passes' counts on the spec the lock names for `api`.
    fn pass_counts(api: apis::Api) -> Vec<(&'static str, usize)> {
        let root = workspace_root();
        let lock = Lock::read(&root.join("openapi/lock.toml")).expect("the lock reads");
        let source = resolve(&lock.api[api.name].source, &root);
        let prepared = spec::prepare(api, &source, &root).expect("the locked spec prepares");
        let trees = super::syntax_tree(
            &prepared.spec.document,
            api.module,
            &super::passes::all_passes(),
        )
        .expect("generates");
        trees
            .passes
            .iter()
            .map(|o| (o.name, o.report.changes))
            .collect()
    }

    /// Every operation's builder is an `Operation`, and the builders of the
    /// token-paged operations with a list are `Paged`: as many as the spec
    /// has (30 regional, 2 organizations, counted from the spec here).
    #[test]
    fn every_builder_is_an_operation_and_every_listed_page_is_paged() {
        let root = workspace_root();
        let lock = Lock::read(&root.join("openapi/lock.toml")).expect("the lock reads");
        for (api, paged_expected) in [(apis::REGIONAL, 30), (apis::ORGANIZATIONS, 2)] {
            let source = resolve(&lock.api[api.name].source, &root);
            let prepared = spec::prepare(api, &source, &root).expect("the locked spec prepares");
            let document = &prepared.spec.document;
            let paged = super::passes::paged_operations(document).len();
            assert_eq!(paged, paged_expected, "{}: paged operations", api.name);
            let trees = super::syntax_tree(document, api.module, &super::passes::all_passes())
                .expect("generates");
            let outcome = trees
                .passes
                .iter()
                .find(|o| o.name == "operation-impls")
                .expect("the pass ran");
            let operations = crate::spec::load::operation_count(document);
            assert_eq!(outcome.report.changes, operations + paged, "{}", api.name);
            assert!(
                outcome.report.notes.contains(&format!(
                    "{operations} Operation impls, {paged} of them Paged"
                )),
                "{:?}",
                outcome.report.notes
            );
        }
    }

    /// The asynchronous jobs of the locked regional spec, as the generator
    /// pairs them (listed in docs/generator.md), each with its `AsyncJob`.
    #[test]
    fn the_jobs_of_the_locked_spec_are_paired() {
        let root = workspace_root();
        let lock = Lock::read(&root.join("openapi/lock.toml")).expect("the lock reads");
        let source = resolve(&lock.api["regional"].source, &root);
        let prepared =
            spec::prepare(apis::REGIONAL, &source, &root).expect("the locked spec prepares");
        let document = &prepared.spec.document;
        let (pairs, unpaired) = super::passes::job_pairs(document);
        let found: Vec<(&str, &str, Option<&str>)> = pairs
            .iter()
            .map(|p| (p.start.as_str(), p.status.as_str(), p.result.as_deref()))
            .collect();
        assert_eq!(
            found,
            [
                ("asyncInstallApp", "getAsyncInstallAppStatus", None),
                ("asyncUninstallApp", "getAsyncUninstallAppStatus", None),
                ("asyncUpgradeApp", "getAsyncUpgradeAppStatus", None),
                ("beginAsyncCopy", "asyncCopyStatus", None),
                ("beginAsyncDelete", "getAsyncDeleteStatus", None),
                (
                    "beginAsyncExport",
                    "getAsyncExportStatus",
                    Some("getAsyncExportResult")
                ),
                ("beginAsyncImport", "getAsyncImportStatus", None),
                ("exportUsageReport", "getStatusForReport", None),
                (
                    "generateDashboardReport",
                    "getAsyncReportGenerationStatus",
                    Some("getAsyncReportGenerationResult")
                ),
                (
                    "getAdminRecommendedFolderAsync",
                    "getAdminRecommendedFolderAsyncStatus",
                    Some("getAdminRecommendedFolderAsyncResult")
                ),
                (
                    "getGlobalFolderAsync",
                    "getGlobalFolderAsyncStatus",
                    Some("getGlobalFolderAsyncResult")
                ),
                ("installApp", "getAsyncInstallStatus", None),
                (
                    "migrateReportToDashboard",
                    "getDashboardMigrationStatus",
                    Some("getDashboardMigrationResult")
                ),
                ("truncateTable", "requestJobStatus", None),
                ("uploadFile", "requestJobStatus", None),
            ]
        );
        assert!(unpaired.is_empty(), "{unpaired:?}");
        let trees = super::syntax_tree(
            document,
            apis::REGIONAL.module,
            &super::passes::all_passes(),
        )
        .expect("generates");
        let jobs = trees
            .passes
            .iter()
            .find(|o| o.name == "job-impls")
            .expect("ran");
        assert_eq!(jobs.report.changes, pairs.len(), "{:?}", jobs.report.notes);
    }

    /// The guard over passes that match progenitor's output: on the locked
    /// specs each one must find something to change, or a progenitor
    /// upgrade has switched it off.
    #[test]
    fn every_syntax_pass_applies_to_the_shared_specs() {
        let regional = pass_counts(apis::REGIONAL);
        assert_eq!(
            regional.iter().map(|(name, _)| *name).collect::<Vec<_>>(),
            super::passes::all_passes()
                .iter()
                .map(|p| p.name())
                .collect::<Vec<_>>()
        );
        for (name, changes) in &regional {
            assert!(
                *changes > 0,
                "pass `{name}` changed nothing in the regional spec"
            );
        }
        // The organizations API has no `String` path parameters (its ids
        // are typed newtypes), no asynchronous job and no array query
        // parameter; every other pass applies there too.
        let not_in_organizations = ["encoded-path-params", "job-impls", "mock-array-queries"];
        for (name, changes) in pass_counts(apis::ORGANIZATIONS) {
            if !not_in_organizations.contains(&name) {
                assert!(
                    changes > 0,
                    "pass `{name}` changed nothing in the organizations spec"
                );
            }
        }
    }
}
