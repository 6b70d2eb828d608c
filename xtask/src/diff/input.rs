//! What `OLD` and `NEW` may be, and how each is read.
//!
//! - a file path (YAML or JSON);
//! - `pinned` / `pinned:<api>`: the spec `openapi/lock.toml` names for the
//!   API (default `regional`), checked against the lock's sha256;
//! - an `http(s)://` URL: fetched (no cache);
//! - a deployment code (`us2`, `fed`, …, or `organizations`): that
//!   deployment's spec in the fetch cache (`cargo xtask fetch`), so two
//!   deployments can be compared (`diff us2 fed`);
//! - `REV:PATH`: the file PATH at git revision REV of this repository, and
//!   `REV:pinned` (or `REV:pinned:<api>`): the spec the lock at REV pinned,
//!   so one can diff the spec a commit was generated from against today's.
//!
//! `pinned` falls back to the pinned-spec store (`.cache/specs/pinned/
//! <sha256>.yaml`, kept by `cargo xtask generate`) when the lock's source file
//! is gone or has changed, so earlier releases stay comparable.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::deployments::{DEPLOYMENTS_PATH, ORGANIZATIONS, Table};
use crate::fetch::cache::{CACHE_DIR, Cache, pinned_store};
use crate::fsutil::resolve;
use crate::spec::load::{self, LoadError, LoadedSpec};
use crate::spec::lock::Lock;

/// Where the lock lives, relative to the workspace root.
const LOCK_PATH: &str = "openapi/lock.toml";

/// Why an input could not be read. Every variant names the input.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error("`{input}`: {reason}")]
    Pinned { input: String, reason: String },
    #[error("cannot fetch spec {input}: {reason}")]
    Url { input: String, reason: String },
    #[error("`{input}` is not a file, and as a deployment code: {reason}")]
    Deployment { input: String, reason: String },
    #[error("`{input}` is not a file, and as REV:PATH: {reason}")]
    Git { input: String, reason: String },
}

/// A parsed `OLD`/`NEW` argument.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    File(PathBuf),
    Pinned(String),
    Url(String),
    Deployment(String),
    /// A file at a git revision: `(rev, path)`.
    Git(String, String),
}

impl Input {
    /// Classifies an argument. An existing file always wins.
    pub fn parse(arg: &str) -> Input {
        if Path::new(arg).exists() {
            return Input::File(arg.into());
        }
        if arg == "pinned" {
            return Input::Pinned("regional".into());
        }
        if let Some(api) = arg.strip_prefix("pinned:") {
            return Input::Pinned(api.into());
        }
        if arg.starts_with("http://") || arg.starts_with("https://") {
            return Input::Url(arg.into());
        }
        if let Some((rev, path)) = arg.split_once(':')
            && !rev.is_empty()
            && !path.is_empty()
        {
            return Input::Git(rev.into(), path.into());
        }
        let code_like =
            (2..=4).contains(&arg.len()) && arg.chars().all(|c| c.is_ascii_alphanumeric());
        if code_like || arg.eq_ignore_ascii_case(ORGANIZATIONS) {
            return Input::Deployment(arg.into());
        }
        Input::File(arg.into())
    }
}

/// A loaded side, with the text it was given as.
#[derive(Debug)]
pub struct Loaded {
    pub input: String,
    pub spec: LoadedSpec,
}

/// Reads an argument; `root` is the workspace root (for the lock).
pub fn load(arg: &str, root: &Path) -> Result<Loaded, InputError> {
    let spec = match Input::parse(arg) {
        Input::File(path) => load::load_file(&path)?,
        Input::Pinned(api) => load_pinned(arg, &api, root)?,
        Input::Url(url) => load_url(&url)?,
        Input::Deployment(code) => load_deployment(arg, &code, root)?,
        Input::Git(rev, path) => load_git(arg, &rev, &path, root)?,
    };
    Ok(Loaded {
        input: arg.into(),
        spec,
    })
}

/// Longest wait for a spec over HTTP.
const HTTP_TIMEOUT: Duration = Duration::from_secs(60);

fn load_url(url: &str) -> Result<LoadedSpec, InputError> {
    let fail = |reason: String| InputError::Url {
        input: url.into(),
        reason,
    };
    let client = reqwest::blocking::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(HTTP_TIMEOUT)
        .user_agent(concat!("sumo-xtask-diff/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| fail(format!("cannot build an HTTP client: {e}")))?;
    let response = client.get(url).send().map_err(|e| fail(e.to_string()))?;
    let status = response.status();
    if !status.is_success() {
        return Err(fail(format!("the server answered {status}")));
    }
    let bytes = response
        .bytes()
        .map_err(|e| fail(format!("reading the body: {e}")))?;
    Ok(load::load_bytes(Path::new(url), &bytes)?)
}

fn load_deployment(arg: &str, code: &str, root: &Path) -> Result<LoadedSpec, InputError> {
    let fail = |reason: String| InputError::Deployment {
        input: arg.into(),
        reason,
    };
    let table = Table::load(&root.join(DEPLOYMENTS_PATH)).map_err(|e| fail(e.to_string()))?;
    let target = table
        .targets(&[code.to_string()])
        .map_err(|_| {
            let known: Vec<&str> = table.deployments.iter().map(|d| d.code.as_str()).collect();
            fail(format!(
                "not in {DEPLOYMENTS_PATH} (known: {})",
                known.join(", ")
            ))
        })?
        .remove(0);
    let path = Cache::new(root.join(CACHE_DIR)).spec_path(&target.key);
    if !path.is_file() {
        return Err(fail(format!(
            "no fetched spec at {}; run `cargo xtask fetch --region {}`",
            path.display(),
            target.key
        )));
    }
    Ok(load::load_file(&path)?)
}

fn load_pinned(arg: &str, api: &str, root: &Path) -> Result<LoadedSpec, InputError> {
    let lock = Lock::read(&root.join(LOCK_PATH)).map_err(|e| InputError::Pinned {
        input: arg.into(),
        reason: format!("{e:#}"),
    })?;
    load_locked(arg, api, &lock, root)
}

/// `PATH` at git revision `rev`, or with `PATH` = `pinned[:<api>]` the spec
/// the lock at `rev` pinned.
fn load_git(arg: &str, rev: &str, path: &str, root: &Path) -> Result<LoadedSpec, InputError> {
    let fail = |reason: String| InputError::Git {
        input: arg.into(),
        reason,
    };
    let show = |file: &str| -> Result<Vec<u8>, InputError> {
        let output = std::process::Command::new("git")
            .arg("show")
            .arg(format!("{rev}:{file}"))
            .current_dir(root)
            .output()
            .map_err(|e| fail(format!("cannot run git: {e}")))?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Err(fail(format!("git show {rev}:{file}: {}", stderr.trim())));
        }
        Ok(output.stdout)
    };
    let api = match path {
        "pinned" => Some("regional"),
        other => other.strip_prefix("pinned:"),
    };
    if let Some(api) = api {
        let text = String::from_utf8(show(LOCK_PATH)?)
            .map_err(|_| fail(format!("{LOCK_PATH} at {rev} is not UTF-8")))?;
        let lock = Lock::parse(&text, &format!("{rev}:{LOCK_PATH}"))
            .map_err(|e| fail(format!("{e:#}")))?;
        return load_locked(arg, api, &lock, root);
    }
    Ok(load::load_bytes(Path::new(arg), &show(path)?)?)
}

/// The spec `lock` pins for `api`: its source when the sha256 still
/// matches, else the pinned-spec store.
fn load_locked(arg: &str, api: &str, lock: &Lock, root: &Path) -> Result<LoadedSpec, InputError> {
    let pinned = |reason: String| InputError::Pinned {
        input: arg.into(),
        reason,
    };
    let Some(locked) = lock.api.get(api) else {
        let known: Vec<&str> = lock.api.keys().map(String::as_str).collect();
        return Err(pinned(format!(
            "{LOCK_PATH} pins no API `{api}` (it pins: {})",
            known.join(", ")
        )));
    };
    let source = load::load_file(&resolve(&locked.source, root));
    if let Ok(spec) = &source
        && spec.sha256 == locked.sha256
    {
        return source.map_err(Into::into);
    }
    let stored = pinned_store(root).path(&locked.sha256);
    if stored.is_file() {
        return Ok(load::load_file(&stored)?);
    }
    Err(pinned(format!(
        "{LOCK_PATH} pins {} with sha256 {}, but that file {} and the pinned-spec store has no {}",
        locked.source,
        locked.sha256,
        match source {
            Ok(spec) => format!("now has sha256 {}", spec.sha256),
            Err(e) => format!("cannot be read ({e})"),
        },
        stored.display()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_arguments() {
        assert_eq!(Input::parse("pinned"), Input::Pinned("regional".into()));
        assert_eq!(
            Input::parse("pinned:organizations"),
            Input::Pinned("organizations".into())
        );
        assert_eq!(
            Input::parse("https://x/spec.yaml"),
            Input::Url("https://x/spec.yaml".into())
        );
        assert_eq!(Input::parse("us2"), Input::Deployment("us2".into()));
        assert_eq!(
            Input::parse("HEAD~3:pinned"),
            Input::Git("HEAD~3".into(), "pinned".into())
        );
        assert_eq!(
            Input::parse("v1.2:openapi/spec.yaml"),
            Input::Git("v1.2".into(), "openapi/spec.yaml".into())
        );
        assert_eq!(
            Input::parse("missing/spec.yaml"),
            Input::File("missing/spec.yaml".into())
        );
    }

    #[test]
    fn pinned_reads_the_lock_and_checks_the_hash() {
        let dir = tempfile::tempdir().unwrap();
        let spec = "openapi: 3.0.0\npaths: {/a: {get: {responses: {}}}}\n";
        std::fs::write(dir.path().join("spec.yaml"), spec).unwrap();
        std::fs::create_dir_all(dir.path().join("openapi")).unwrap();
        let lock = |sha: &str| {
            format!(
                "[api.regional]\nsource = \"spec.yaml\"\nsha256 = \"{sha}\"\nsize = 1\noperations = 1\n"
            )
        };
        std::fs::write(
            dir.path().join(LOCK_PATH),
            lock(&load::sha256_hex(spec.as_bytes())),
        )
        .unwrap();
        let loaded = load("pinned", dir.path()).expect("pinned loads");
        assert_eq!(loaded.spec.operation_count(), 1);
        let err = load("pinned:organizations", dir.path())
            .unwrap_err()
            .to_string();
        assert!(err.contains("pins no API `organizations`"), "{err}");
        std::fs::write(dir.path().join(LOCK_PATH), lock("00")).unwrap();
        let err = load("pinned", dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("with sha256 00") && err.contains("now has sha256"),
            "{err}"
        );
        // The pinned-spec store keeps specs the lock once named.
        let store = pinned_store(dir.path());
        std::fs::create_dir_all(dir.path().join(".cache/specs/pinned")).unwrap();
        std::fs::write(
            store.path("00"),
            "openapi: 3.0.0\npaths: {/b: {get: {responses: {}}}, /c: {get: {responses: {}}}}\n",
        )
        .unwrap();
        let loaded = load("pinned", dir.path()).expect("pinned falls back to the store");
        assert_eq!(loaded.spec.operation_count(), 2);
    }

    #[test]
    fn deployment_codes_read_the_fetch_cache() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("openapi")).unwrap();
        std::fs::copy(
            crate::fsutil::workspace_root().join(DEPLOYMENTS_PATH),
            dir.path().join(DEPLOYMENTS_PATH),
        )
        .unwrap();
        let err = load("fed", dir.path()).unwrap_err().to_string();
        assert!(err.contains("cargo xtask fetch --region fed"), "{err}");
        let err = load("xx", dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("not in openapi/deployments.toml") && err.contains("US2"),
            "{err}"
        );
        std::fs::create_dir_all(dir.path().join(CACHE_DIR)).unwrap();
        std::fs::write(
            Cache::new(dir.path().join(CACHE_DIR)).spec_path("fed"),
            "openapi: 3.0.0\npaths: {/a: {get: {responses: {}}}}\n",
        )
        .unwrap();
        assert_eq!(load("FED", dir.path()).unwrap().spec.operation_count(), 1);
    }

    /// Serves `status` and `body` once on a loopback port; returns the URL.
    fn serve_once(status: &'static str, body: &'static str) -> String {
        use std::io::{BufRead, BufReader, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            if let Ok((stream, _)) = listener.accept() {
                let mut reader = BufReader::new(stream);
                let mut line = String::new();
                while reader.read_line(&mut line).map(|n| n > 2).unwrap_or(false) {
                    line.clear();
                }
                let mut stream = reader.into_inner();
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        format!("http://127.0.0.1:{port}/sumologic-api.yaml")
    }

    #[test]
    fn urls_are_fetched_and_http_errors_named() {
        let root = Path::new("/nonexistent");
        let url = serve_once(
            "200 OK",
            "openapi: 3.0.1\npaths: {/a: {get: {responses: {}}}}\n",
        );
        let loaded = load(&url, root).expect("served spec loads");
        assert_eq!(loaded.spec.operation_count(), 1);
        let url = serve_once("404 Not Found", "nope");
        let err = load(&url, root).unwrap_err().to_string();
        assert!(err.contains(&url) && err.contains("404"), "{err}");
        let url = serve_once("200 OK", "swagger: '2.0'\npaths: {}\n");
        let err = load(&url, root).unwrap_err().to_string();
        assert!(err.contains("Swagger 2.0"), "{err}");
    }

    #[test]
    fn deployments_explain_what_is_missing() {
        let err = load("fed", Path::new("/nonexistent"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("deployment code"), "{err}");
    }
}
