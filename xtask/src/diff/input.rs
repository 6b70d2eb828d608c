//! What `OLD` and `NEW` may be, and how each is read.
//!
//! - a file path (YAML or JSON);
//! - `pinned` / `pinned:<api>`: the spec `openapi/lock.toml` names for the
//!   API (default `regional`), checked against the lock's sha256;
//! - an `http(s)://` URL: fetched (no cache);
//! - a deployment code (`us2`, `fed`, …): needs the spec fetch cache, which
//!   `diff` does not use yet; fails with a clear error.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::fsutil::resolve;
use crate::load::{self, LoadError, LoadedSpec};
use crate::lock::Lock;

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
    #[error(
        "`{input}` is not a file; as a deployment code it needs the spec fetch cache, which `diff` does not use yet; pass a file path, a URL or `pinned`"
    )]
    Deployment { input: String },
}

/// A parsed `OLD`/`NEW` argument.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    File(PathBuf),
    Pinned(String),
    Url(String),
    Deployment(String),
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
        let code_like =
            (2..=4).contains(&arg.len()) && arg.chars().all(|c| c.is_ascii_alphanumeric());
        if code_like {
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
        Input::Deployment(_) => return Err(InputError::Deployment { input: arg.into() }),
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

fn load_pinned(arg: &str, api: &str, root: &Path) -> Result<LoadedSpec, InputError> {
    let pinned = |reason: String| InputError::Pinned {
        input: arg.into(),
        reason,
    };
    let lock = Lock::read(&root.join(LOCK_PATH)).map_err(pinned)?;
    let Some(locked) = lock.api.get(api) else {
        let known: Vec<&str> = lock.api.keys().map(String::as_str).collect();
        return Err(pinned(format!(
            "{LOCK_PATH} pins no API `{api}` (it pins: {})",
            known.join(", ")
        )));
    };
    let spec = load::load_file(&resolve(&locked.source, root))?;
    if spec.sha256 != locked.sha256 {
        return Err(pinned(format!(
            "{LOCK_PATH} pins sha256 {} but {} now has {}; the pinned spec is gone (the spec cache that would keep it is not implemented yet)",
            locked.sha256, locked.source, spec.sha256
        )));
    }
    Ok(spec)
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
        assert!(err.contains("pins sha256 00"), "{err}");
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
