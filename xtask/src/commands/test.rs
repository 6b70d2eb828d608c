//! `cargo xtask test`: every test of the workspace, one command.
//!
//! Before `cargo test` it converts the locked specs to JSON (our loader;
//! Prism's YAML parser fails on `!!binary`) and starts one Stoplight Prism
//! mock server per API on 127.0.0.1 with port 0, exporting their URLs as
//! `SUMO_PRISM_REGIONAL_URL` and `SUMO_PRISM_ORGANIZATIONS_URL`. The servers
//! are stopped by PID afterwards, also when the tests fail.
//!
//! The conformance sweep (a generated test calling every operation) runs in a
//! step of its own, after the rest, with `--nocapture` so its one-line
//! summary shows; the workspace run skips it.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};

use crate::commands::releases::{self, ReleasesArgs};
use crate::commands::semver;
use crate::commands::spec_json::{self, SpecJsonArgs};
use crate::fsutil::workspace_root;

/// Where `npm ci --prefix .ci/prism` installs Prism.
const PRISM_BIN: &str = ".ci/prism/node_modules/.bin/prism";

/// The conformance sweep (generated-client/tests/conformance.rs): its test
/// target and the one test in it.
const CONFORMANCE_TARGET: &str = "conformance";
const CONFORMANCE_TEST: &str = "every_operation_against_prism";

#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// Skip verify-releases (the slowest part).
    #[arg(long)]
    pub skip_releases: bool,
    /// Do not start Prism (its tests then skip, or fail under CI=true).
    #[arg(long)]
    pub no_prism: bool,
}

pub fn run(args: TestArgs) -> Result<()> {
    let root = workspace_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // Build every test first, once: the sweep's binary is then run as it is.
    // (`cargo test --test conformance` would select fewer targets, unify
    // fewer dev-dependency features and so rebuild the whole client.)
    let sweep = build_tests(&cargo, &root)?;
    let servers = if args.no_prism {
        Vec::new()
    } else {
        start_prism_servers(&root)?
    };
    let with_servers = |command: &mut Command| {
        for server in &servers {
            command.env(server.env_var, &server.url);
        }
    };
    // Every test but the conformance sweep, then the sweep on its own with
    // its output shown (cargo test hides a passing test's summary line).
    let mut workspace = Command::new(&cargo);
    workspace
        .arg("test")
        .args(WORKSPACE_TEST_ARGS)
        .args(["--", "--skip", CONFORMANCE_TEST])
        .current_dir(&root);
    with_servers(&mut workspace);
    let workspace = workspace.status().context("cannot run cargo test");
    let conformance = match &workspace {
        Ok(status) if status.success() => {
            let mut command = Command::new(&sweep);
            command
                .args(["--exact", CONFORMANCE_TEST, "--nocapture"])
                .current_dir(root.join("generated-client"));
            with_servers(&mut command);
            Some(
                command
                    .status()
                    .with_context(|| format!("cannot run {}", sweep.display())),
            )
        }
        _ => None,
    };
    // Stop the mock servers before anything else can fail.
    drop(servers);
    let status = workspace?;
    if !status.success() {
        bail!("cargo test failed ({status})");
    }
    if let Some(status) = conformance.transpose()?
        && !status.success()
    {
        bail!("the conformance sweep failed ({status})");
    }
    if !args.skip_releases {
        releases::run(ReleasesArgs { specs: Vec::new() })?;
        semver_agreement(&root)?;
    }
    Ok(())
}

/// The bump `cargo xtask diff` predicts equals the one cargo-semver-checks
/// measures, for every consecutive pair of the shared releases. Without
/// cargo-semver-checks it prints a notice and passes, except under
/// `CI=true`.
fn semver_agreement(root: &std::path::Path) -> Result<()> {
    if !semver::semver_checks_installed() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            bail!("cargo-semver-checks is not installed (CI=true): see .ci/run");
        }
        println!(
            "semver: cargo-semver-checks is not installed; skipping the prediction check (cargo install cargo-semver-checks --locked --version {})",
            semver::SEMVER_CHECKS_VERSION
        );
        return Ok(());
    }
    if !semver::agreement(root)? {
        bail!(
            "cargo xtask diff predicts another bump than cargo-semver-checks measures (see above)"
        );
    }
    Ok(())
}

/// The target selection of every `cargo test` this command runs.
const WORKSPACE_TEST_ARGS: [&str; 2] = ["--workspace", "--all-features"];

/// Builds every test target without running it and returns the path of the
/// conformance sweep's binary, read from cargo's JSON messages.
fn build_tests(cargo: &str, root: &Path) -> Result<PathBuf> {
    let output = Command::new(cargo)
        .arg("test")
        .args(WORKSPACE_TEST_ARGS)
        .args(["--no-run", "--message-format=json-render-diagnostics"])
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()
        .context("cannot run cargo test --no-run")?;
    if !output.status.success() {
        bail!("building the tests failed ({})", output.status);
    }
    sweep_executable(&String::from_utf8_lossy(&output.stdout)).ok_or_else(|| {
        anyhow!("cargo built no test target named `{CONFORMANCE_TARGET}` (generated-client/tests)")
    })
}

/// The executable of the conformance test target among cargo's JSON
/// messages (one per line).
fn sweep_executable(messages: &str) -> Option<PathBuf> {
    messages
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["reason"] == "compiler-artifact")
        .filter(|message| message["target"]["name"] == CONFORMANCE_TARGET)
        .filter(|message| {
            message["target"]["kind"]
                .as_array()
                .is_some_and(|kinds| kinds.iter().any(|kind| kind == "test"))
        })
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
}

/// A running Prism, killed (by PID) when dropped.
struct Prism {
    child: Child,
    env_var: &'static str,
    url: String,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let pid = self.child.id();
        match self.child.kill() {
            Ok(()) => println!("prism: stopped pid {pid} ({})", self.env_var),
            Err(e) => eprintln!("prism: cannot stop pid {pid}: {e}"),
        }
        let _ = self.child.wait();
    }
}

fn start_prism_servers(root: &Path) -> Result<Vec<Prism>> {
    let prism = root.join(PRISM_BIN);
    if !prism.is_file() {
        let message = format!(
            "{} is missing: run `npm ci --ignore-scripts --prefix .ci/prism`",
            prism.display()
        );
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            bail!("{message}");
        }
        println!("prism: {message}; the Prism tests will be skipped");
        return Ok(Vec::new());
    }
    let dir = root.join("target/xtask/prism");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut servers = Vec::new();
    for (organizations, name, env_var) in [
        (false, "regional", "SUMO_PRISM_REGIONAL_URL"),
        (true, "organizations", "SUMO_PRISM_ORGANIZATIONS_URL"),
    ] {
        let out = dir.join(format!("{name}.json"));
        spec_json::run(SpecJsonArgs {
            out: out.clone(),
            regional: !organizations,
            organizations,
            spec: None,
            no_overlay: false,
        })?;
        // On error, the servers started so far are dropped, hence stopped.
        servers.push(start_prism(&prism, &out, env_var)?);
    }
    Ok(servers)
}

fn start_prism(prism: &Path, spec: &PathBuf, env_var: &'static str) -> Result<Prism> {
    let mut child = Command::new(prism)
        .args(["mock", "-h", "127.0.0.1", "-p", "0"])
        .arg(spec)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {}", prism.display()))?;
    let stdout = child.stdout.take().expect("piped");
    let stderr = child.stderr.take().expect("piped");
    let mut prism = Prism {
        child,
        env_var,
        url: String::new(),
    };
    let (found, receive) = mpsc::channel();
    for stream in [
        Box::new(stdout) as Box<dyn std::io::Read + Send>,
        Box::new(stderr),
    ] {
        let found = found.clone();
        // Reads the log for the URL, then keeps draining it so Prism never
        // blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                if let Some(url) = listening_url(&line) {
                    let _ = found.send(Ok(url));
                } else if line.contains("error") || line.contains("Error") {
                    let _ = found.send(Err(line));
                }
            }
        });
    }
    drop(found);
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    let mut errors = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match receive.recv_timeout(left) {
            Ok(Ok(url)) => {
                println!(
                    "prism: {} on {url} (pid {}), exported as {env_var}",
                    spec.display(),
                    prism.child.id()
                );
                prism.url = url;
                return Ok(prism);
            }
            Ok(Err(line)) => errors.push(line),
            Err(_) => {
                return Err(anyhow!(
                    "prism did not report its port for {} within 120 s{}",
                    spec.display(),
                    if errors.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", errors.join(" | "))
                    }
                ));
            }
        }
    }
}

/// The URL in Prism's "Prism is listening on http://127.0.0.1:PORT" line.
fn listening_url(line: &str) -> Option<String> {
    let rest = &line[line.find("listening on")?..];
    let start = rest.find("http://")?;
    let url: String = rest[start..]
        .chars()
        .take_while(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    let port = url.rsplit(':').next()?;
    (port.parse::<u16>().is_ok_and(|p| p != 0)).then_some(url)
}

#[cfg(test)]
mod tests {
    use super::{listening_url, sweep_executable};
    use std::path::PathBuf;

    #[test]
    fn finds_the_sweep_binary_among_cargo_messages() {
        let messages = [
            r#"{"reason":"compiler-artifact","target":{"kind":["lib"],"name":"conformance"},"executable":null}"#,
            r#"{"reason":"compiler-artifact","target":{"kind":["test"],"name":"api"},"executable":"/t/api-1"}"#,
            "not json",
            r#"{"reason":"compiler-message","target":{"kind":["test"],"name":"conformance"}}"#,
            r#"{"reason":"compiler-artifact","target":{"kind":["test"],"name":"conformance"},"executable":"/t/conformance-2"}"#,
            r#"{"reason":"build-finished","success":true}"#,
        ]
        .join("\n");
        assert_eq!(
            sweep_executable(&messages),
            Some(PathBuf::from("/t/conformance-2"))
        );
        assert_eq!(sweep_executable(""), None);
        let without = messages.replace(
            r#""name":"conformance"},"executable":"/t"#,
            r#""name":"other"},"executable":"/t"#,
        );
        assert_eq!(sweep_executable(&without), None);
    }

    #[test]
    fn reads_the_port_from_the_log_line() {
        assert_eq!(
            listening_url(
                "[10:00:00 AM] › [CLI] ▶  start     Prism is listening on http://127.0.0.1:41231"
            ),
            Some("http://127.0.0.1:41231".into())
        );
        assert_eq!(
            listening_url(
                "\u{1b}[32minfo\u{1b}[39m Prism is listening on http://127.0.0.1:5000\u{1b}[39m"
            ),
            Some("http://127.0.0.1:5000".into())
        );
        assert_eq!(
            listening_url("Prism is listening on http://127.0.0.1:0"),
            None
        );
        assert_eq!(listening_url("GET /v1/users ✔ success"), None);
    }
}
