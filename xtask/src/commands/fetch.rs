//! `cargo xtask fetch`: see `crate::fetch`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Result, anyhow, bail};

use crate::commands::generate::LOCK_PATH;
use crate::deployments::{DEPLOYMENTS_PATH, ORGANIZATIONS, Table};
use crate::fetch::cache::{CACHE_DIR, Cache};
use crate::fetch::http::RetryPolicy;
use crate::fetch::matrix::{self, AVAILABILITY_PATH};
use crate::fetch::{self, Outcome, Settings, Source};
use crate::fsutil::{workspace_root, write_atomically};
use crate::spec::load;
use crate::spec::lock::Lock;

#[derive(Debug, Clone, clap::Args)]
pub struct FetchArgs {
    /// Only this deployment (code, any case, or `organizations`); repeatable.
    #[arg(long = "region", value_name = "CODE")]
    pub regions: Vec<String>,
    /// Fetch from a mirror instead of Sumo's hosts: a directory or an
    /// http(s) URL laid out as `<mirror>/<code>/sumologic-api.yaml` and
    /// `<mirror>/organizations/openapi.yaml` (codes in lower case).
    #[arg(long, value_name = "DIR|URL")]
    pub mirror: Option<String>,
    /// Exit 0 even when some deployments failed (the others are kept).
    #[arg(long)]
    pub allow_partial: bool,
    /// Downloads at once.
    #[arg(long, default_value_t = 4)]
    pub concurrency: usize,
    /// Connect timeout, seconds.
    #[arg(long, default_value_t = 10.0)]
    pub connect_timeout: f64,
    /// Whole-request timeout per attempt (connect + read), seconds.
    #[arg(long, default_value_t = 60.0)]
    pub timeout: f64,
    /// Attempts per spec (timeouts, connection failures and 5xx are retried).
    #[arg(long, default_value_t = 4)]
    pub attempts: u32,
    /// Delay before the first retry, seconds; doubles each retry.
    #[arg(long, default_value_t = 0.5)]
    pub retry_delay: f64,
    /// Workspace root holding openapi/ and .cache/ (default: this workspace).
    #[arg(long, hide = true)]
    pub workspace: Option<PathBuf>,
}

/// What a fetch run ended with. The specs are in the cache; the lock and
/// the availability matrix are staged here, not yet written (`sync` writes
/// them only with the release).
pub struct FetchSummary {
    pub root: PathBuf,
    pub table: Table,
    pub cache: Cache,
    /// Upper-case codes of the targets that failed.
    pub failed: Vec<String>,
    /// The lock with the accepted specs recorded.
    pub lock: Lock,
    /// Whether `lock` differs from the file.
    pub lock_changed: bool,
    /// The availability matrix to write, when it changed or is missing.
    pub availability: Option<String>,
}

impl FetchSummary {
    /// The staged files, `(path relative to the root, text)`.
    pub fn staged_files(&self) -> Result<Vec<(String, String)>> {
        let mut files = Vec::new();
        if self.lock_changed {
            files.push((LOCK_PATH.to_string(), self.lock.render()?));
        }
        if let Some(text) = &self.availability {
            files.push((AVAILABILITY_PATH.to_string(), text.clone()));
        }
        Ok(files)
    }
}

pub fn run(args: FetchArgs) -> Result<()> {
    let allow_partial = args.allow_partial;
    let summary = fetch(args)?;
    for (path, text) in summary.staged_files()? {
        write_atomically(&summary.root.join(path), text.as_bytes())?;
    }
    if !summary.failed.is_empty() && !allow_partial {
        bail!(
            "{} spec(s) could not be fetched: {} (the others were kept; --allow-partial exits 0)",
            summary.failed.len(),
            summary.failed.join(", ")
        );
    }
    Ok(())
}

fn seconds(value: f64, what: &str) -> Result<Duration> {
    Duration::try_from_secs_f64(value).map_err(|e| anyhow!("--{what} {value}: {e}"))
}

/// Fetches into the cache and stages the lock and the availability
/// matrix; failures are returned in the summary, not as an error.
pub fn fetch(args: FetchArgs) -> Result<FetchSummary> {
    let root = args.workspace.clone().unwrap_or_else(workspace_root);
    // Everything about the input is checked before any request is sent.
    let table = Table::load(&root.join(DEPLOYMENTS_PATH))?;
    let targets = table.targets(&args.regions)?;
    let lock_path = root.join(LOCK_PATH);
    let mut lock = Lock::read(&lock_path)?;
    if args.attempts == 0 {
        bail!("--attempts must be at least 1");
    }
    let settings = Settings {
        source: args
            .mirror
            .as_deref()
            .map_or(Source::Upstream, Source::mirror),
        concurrency: args.concurrency,
        connect_timeout: seconds(args.connect_timeout, "connect-timeout")?,
        timeout: seconds(args.timeout, "timeout")?,
        retry: RetryPolicy {
            attempts: args.attempts,
            base_delay: seconds(args.retry_delay, "retry-delay")?,
        },
    };
    let cache = Cache::new(root.join(CACHE_DIR));

    let results = fetch::fetch_all(&targets, &cache, &settings)?;
    let mut failed = Vec::new();
    let mut updated = 0;
    for (key, result) in &results {
        match result {
            Ok(Outcome::Updated(spec)) => {
                lock.deployments.insert(key.clone(), spec.clone());
                updated += 1;
            }
            Ok(Outcome::Unchanged) => {
                let Some(target) = targets.iter().find(|t| &t.key == key) else {
                    continue;
                };
                let location = settings.source.location(target);
                let recorded = lock.deployments.get(key);
                if let Some(spec) = fetch::unrecorded(&cache, key, &location, recorded)? {
                    lock.deployments.insert(key.clone(), spec);
                    updated += 1;
                }
            }
            Err(reason) => {
                eprintln!("error: {reason}");
                failed.push(key.to_uppercase());
            }
        }
    }
    let availability = if updated > 0 || !root.join(AVAILABILITY_PATH).exists() {
        matrix_text(&table, &cache, &lock)?
    } else {
        None
    };
    println!(
        "fetch: {} updated, {} unchanged, {} failed",
        updated,
        results.len() - updated - failed.len(),
        failed.len()
    );
    Ok(FetchSummary {
        root,
        table,
        cache,
        failed,
        lock,
        lock_changed: updated > 0,
        availability,
    })
}

/// Recomputes the matrix from every cached deployment spec: its text, or
/// `None` when the canonical deployment has no cached spec.
fn matrix_text(table: &Table, cache: &Cache, lock: &Lock) -> Result<Option<String>> {
    let mut specs = BTreeMap::new();
    for deployment in &table.deployments {
        let key = deployment.code.to_ascii_lowercase();
        let file = cache.spec_path(&key);
        if key == ORGANIZATIONS || !file.is_file() {
            continue;
        }
        let spec = load::load_file(&file)?;
        let sha = lock
            .deployments
            .get(&key)
            .map_or_else(|| spec.sha256.clone(), |f| f.sha256.clone());
        specs.insert(deployment.code.to_ascii_uppercase(), (sha, spec.document));
    }
    let canonical = table.canonical.to_ascii_uppercase();
    match matrix::compute(&canonical, &specs) {
        Some(m) => {
            let text = m.render()?;
            let gaps: Vec<String> = m
                .deployments
                .iter()
                .filter(|(_, a)| !a.missing.is_empty())
                .map(|(code, a)| format!("{code} lacks {}", a.missing.len()))
                .collect();
            println!(
                "availability: {} deployment(s) against {canonical}{}",
                m.deployments.len(),
                if gaps.is_empty() {
                    String::new()
                } else {
                    format!("; {}", gaps.join(", "))
                }
            );
            Ok(Some(text))
        }
        None => {
            println!(
                "availability: not written ({canonical}, the canonical deployment, has no cached spec)"
            );
            Ok(None)
        }
    }
}
