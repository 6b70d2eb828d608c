//! `cargo xtask fetch`: every deployment's spec, concurrently, verified,
//! cached atomically, recorded in the lock, compared in the availability
//! matrix.

pub mod cache;
pub mod http;
pub mod matrix;
pub mod progress;

use std::collections::{BTreeMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use cache::{Cache, Validators};
use http::{Response, RetryPolicy};
use progress::Progress;

use crate::deployments::{ORGANIZATIONS, Target};
use crate::spec::load::{self, LoadedSpec};
use crate::spec::lock::FetchedSpec;

/// Where the specs come from.
#[derive(Debug, Clone)]
pub enum Source {
    /// Each target's own `spec_url`.
    Upstream,
    /// `<base>/<key>/<file>` over HTTP.
    MirrorUrl(String),
    /// `<dir>/<key>/<file>` on disk.
    MirrorDir(PathBuf),
}

impl Source {
    /// `--mirror` value: a URL or a directory.
    pub fn mirror(value: &str) -> Source {
        if value.starts_with("http://") || value.starts_with("https://") {
            Source::MirrorUrl(value.trim_end_matches('/').to_string())
        } else {
            Source::MirrorDir(PathBuf::from(value))
        }
    }

    /// Where `target`'s spec is read from.
    pub fn location(&self, target: &Target) -> String {
        let file = mirror_file(&target.key);
        match self {
            Source::Upstream => target.spec_url.clone(),
            Source::MirrorUrl(base) => format!("{base}/{}/{file}", target.key),
            Source::MirrorDir(dir) => dir.join(&target.key).join(file).display().to_string(),
        }
    }
}

/// File name of a target's spec inside a mirror.
pub fn mirror_file(key: &str) -> &'static str {
    if key == ORGANIZATIONS {
        "openapi.yaml"
    } else {
        "sumologic-api.yaml"
    }
}

/// Fetch settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub source: Source,
    pub concurrency: usize,
    pub connect_timeout: Duration,
    pub timeout: Duration,
    pub retry: RetryPolicy,
}

/// How one target ended.
#[derive(Debug)]
pub enum Outcome {
    /// A new or changed spec, now in the cache.
    Updated(FetchedSpec),
    /// The server said 304, or the mirror file equals the cached one:
    /// nothing was rewritten.
    Unchanged,
}

/// Fetches `targets` with bounded concurrency. Each result is independent:
/// a failed target leaves its cached file as it was.
pub fn fetch_all(
    targets: &[Target],
    cache: &Cache,
    settings: &Settings,
) -> anyhow::Result<BTreeMap<String, anyhow::Result<Outcome>>> {
    let client = http::client(settings.connect_timeout, settings.timeout)?;
    let progress = Progress::new();
    let queue = Mutex::new(targets.iter().collect::<VecDeque<_>>());
    let results = Mutex::new(BTreeMap::new());
    let workers = settings.concurrency.clamp(1, targets.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let next = queue.lock().unwrap_or_else(|e| e.into_inner()).pop_front();
                    let Some(target) = next else { break };
                    let location = settings.source.location(target);
                    progress.step(&target.key, &format!("fetching {location}"));
                    let result = fetch_one(&client, target, &location, cache, settings, &progress);
                    match &result {
                        Ok(Outcome::Updated(spec)) => progress.finish(
                            &target.key,
                            &format!(
                                "updated: {} bytes, {} operations",
                                spec.size, spec.operations
                            ),
                        ),
                        Ok(Outcome::Unchanged) => progress.finish(&target.key, "unchanged"),
                        Err(reason) => progress.finish(&target.key, &format!("FAILED: {reason:#}")),
                    }
                    results
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(target.key.clone(), result);
                }
            });
        }
    });
    Ok(results.into_inner().unwrap_or_else(|e| e.into_inner()))
}

fn fetch_one(
    client: &reqwest::blocking::Client,
    target: &Target,
    location: &str,
    cache: &Cache,
    settings: &Settings,
    progress: &Progress,
) -> anyhow::Result<Outcome> {
    let failed = |reason: &dyn std::fmt::Display| {
        anyhow::anyhow!("{} from {location}: {reason}", target.key.to_uppercase())
    };
    let (bytes, content_type, validators) = match &settings.source {
        Source::MirrorDir(_) => {
            let bytes =
                std::fs::read(location).map_err(|e| failed(&format!("cannot read: {e}")))?;
            (bytes, None, Validators::default())
        }
        Source::Upstream | Source::MirrorUrl(_) => {
            let cached = cache.validators(&target.key);
            let on_retry = |attempt: u32, reason: &str| {
                progress.step(
                    &target.key,
                    &format!("attempt {attempt} failed ({reason}); retrying"),
                )
            };
            match http::get(client, location, cached.as_ref(), settings.retry, &on_retry)
                .map_err(|e| failed(&format!("{e:#}")))?
            {
                Response::NotModified => return Ok(Outcome::Unchanged),
                Response::Body {
                    bytes,
                    content_type,
                    validators,
                } => (bytes, content_type, validators),
            }
        }
    };
    http::reject_non_spec(&bytes, content_type.as_deref())
        .map_err(|e| failed(&format!("{e:#}")))?;
    let spec = load::load_bytes(Path::new(location), &bytes).map_err(|e| failed(&e))?;
    if std::fs::read(cache.spec_path(&target.key)).is_ok_and(|old| old == bytes) {
        return Ok(Outcome::Unchanged);
    }
    cache
        .store(&target.key, &bytes, &validators)
        .map_err(|e| failed(&format!("cannot write the cache: {e:#}")))?;
    Ok(Outcome::Updated(fetched(location, &spec)))
}

/// The lock record of the spec cached for `key`, when it differs from
/// `recorded` (a sync that refused a spec leaves it in the cache, and the
/// next fetch finds it unchanged: the lock must still catch up).
pub fn unrecorded(
    cache: &Cache,
    key: &str,
    location: &str,
    recorded: Option<&FetchedSpec>,
) -> anyhow::Result<Option<FetchedSpec>> {
    let path = cache.spec_path(key);
    let bytes = std::fs::read(&path)
        .map_err(|e| anyhow::anyhow!("cannot read the cached spec of {key}: {e}"))?;
    // The usual case, a lock in step with its cache, needs no parse.
    if recorded.is_some_and(|entry| entry.sha256 == load::sha256_hex(&bytes)) {
        return Ok(None);
    }
    let spec = load::load_bytes(&path, &bytes)
        .map_err(|e| anyhow::anyhow!("cannot read the cached spec of {key}: {e}"))?;
    Ok(Some(fetched(location, &spec)))
}

fn fetched(location: &str, spec: &LoadedSpec) -> FetchedSpec {
    FetchedSpec {
        url: location.to_string(),
        sha256: spec.sha256.clone(),
        size: spec.size,
        fetched_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        operations: spec.operation_count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mirror_locations_follow_the_documented_layout() {
        let target = Target {
            key: "us2".into(),
            spec_url: "https://api.us2.sumologic.com/docs/sumologic-api.yaml".into(),
        };
        let orgs = Target {
            key: ORGANIZATIONS.into(),
            spec_url: "https://organizations.sumologic.com/docs/openapi.yaml".into(),
        };
        assert_eq!(Source::Upstream.location(&target), target.spec_url);
        assert_eq!(
            Source::mirror("http://127.0.0.1:9/specs/").location(&target),
            "http://127.0.0.1:9/specs/us2/sumologic-api.yaml"
        );
        assert_eq!(
            Source::mirror("/srv/mirror").location(&orgs),
            "/srv/mirror/organizations/openapi.yaml"
        );
    }
}
