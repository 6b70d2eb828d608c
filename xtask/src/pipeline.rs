//! One API from spec file to generated source: load, overlay, normalize,
//! generate. Pure apart from reading the spec and overlay: nothing is written.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};

use crate::apis::Api;
use crate::generate::{self, GeneratedSource};
use crate::load::{self, LoadedSpec};
use crate::normalize::{self, PassOutcome};
use crate::overlay::{Overlay, OverlayReport};

/// Everything one API's run produced.
pub struct ApiRun {
    pub api: Api,
    /// The spec: its file's figures, and its document overlaid and
    /// normalized (what the client was generated from).
    pub spec: LoadedSpec,
    pub operations: usize,
    pub schemas: usize,
    pub overlay: OverlayReport,
    pub passes: Vec<PassOutcome>,
    pub source: GeneratedSource,
    pub timings: Timings,
}

/// Wall time per stage.
#[derive(Debug, Default, Clone, Copy)]
pub struct Timings {
    pub load: Duration,
    pub normalize: Duration,
    pub generate: Duration,
}

/// Runs the pipeline for `api` on the spec at `spec_path`.
pub fn run(api: Api, spec_path: &Path, root: &Path) -> Result<ApiRun> {
    let started = Instant::now();
    let mut spec = load::load_file(spec_path)?;
    let operations = spec.operation_count();
    let schemas = spec
        .document
        .pointer("/components/schemas")
        .and_then(|s| s.as_object())
        .map_or(0, |s| s.len());
    let loaded = Instant::now();

    let overlay_path = root.join(api.overlay);
    let overlay = Overlay::load(&overlay_path)?.apply(&mut spec.document);
    let passes = normalize::run_all(&normalize::all_passes(), &mut spec.document)
        .map_err(|e| anyhow!(e))
        .with_context(|| format!("normalizing {}", spec_path.display()))?;
    let normalized = Instant::now();

    let source = generate::generate(&spec.document, api.module)
        .map_err(|e| anyhow!(e))
        .with_context(|| {
            format!(
                "generating the {} client from {}",
                api.name,
                spec_path.display()
            )
        })?;
    let generated = Instant::now();
    Ok(ApiRun {
        api,
        spec,
        operations,
        schemas,
        overlay,
        passes,
        source,
        timings: Timings {
            load: loaded - started,
            normalize: normalized - loaded,
            generate: generated - normalized,
        },
    })
}
