//! The spec stage: a spec file loaded ([`load`]), our fixes of upstream
//! mistakes applied ([`overlay`]), and rewritten by small named passes into
//! a shape progenitor turns into a correct client ([`normalize`]). The lock
//! ([`lock`]) records which spec the checked-in client came from.

pub mod load;
pub mod lock;
pub mod normalize;
pub mod overlay;

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::apis::Api;
use load::LoadedSpec;
use normalize::PassOutcome;
use overlay::{Overlay, OverlayReport};

/// One API's spec, ready for code generation.
pub struct PreparedSpec {
    /// The file's figures, and its document overlaid and normalized (what
    /// the client is generated from).
    pub spec: LoadedSpec,
    /// Operations and component schemas of the file as loaded.
    pub operations: usize,
    pub schemas: usize,
    pub overlay: OverlayReport,
    pub passes: Vec<PassOutcome>,
    pub load_time: Duration,
    pub normalize_time: Duration,
}

/// Loads `spec_path`, applies `api`'s overlay (under `root`) and every
/// normalization pass.
pub fn prepare(api: Api, spec_path: &Path, root: &Path) -> Result<PreparedSpec> {
    let started = Instant::now();
    let mut spec = load::load_file(spec_path)?;
    let operations = spec.operation_count();
    let schemas = spec
        .document
        .pointer("/components/schemas")
        .and_then(|s| s.as_object())
        .map_or(0, |s| s.len());
    let loaded = Instant::now();

    let overlay = Overlay::load(&root.join(api.overlay))?.apply(&mut spec.document);
    let passes = normalize::run_all(&normalize::all_passes(), &mut spec.document)
        .with_context(|| format!("normalizing {}", spec_path.display()))?;
    Ok(PreparedSpec {
        spec,
        operations,
        schemas,
        overlay,
        passes,
        load_time: loaded - started,
        normalize_time: loaded.elapsed(),
    })
}
