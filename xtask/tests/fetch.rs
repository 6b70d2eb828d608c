//! `cargo xtask fetch` against a loopback HTTP server started by the test,
//! serving ../shared/sumo-specs per deployment and injecting one fault per
//! deployment. Every case asserts its outcome and that nothing else was lost
//! or half-written.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

fn shared(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/sumo-specs")
        .join(path)
}

const NEW: &str = "api/2025-02-19/sumologic-api.yaml";
const OLDER: &str = "api/2024-06-13/sumologic-api.yaml";
const ORGS: &str = "organizations/2024-10-29/openapi.yaml";

/// What a route answers.
#[derive(Clone)]
enum Behavior {
    /// 200 with the file, an ETag, and 304 on a matching If-None-Match.
    Serve(&'static str),
    /// 500 this many times, then `Serve`.
    FailThenServe(usize, &'static str),
    /// Answers after this long (longer than the client's timeout).
    Sleep(Duration),
    Status(u16),
    /// Announces the whole file's length, sends half, closes.
    Truncated(&'static str),
    /// 200 with this body and content type.
    Body(&'static str, &'static str),
}

#[derive(Default)]
struct Log {
    /// Requests per path, with their If-None-Match header.
    requests: Vec<(String, Option<String>)>,
}

struct Server {
    port: u16,
    routes: Arc<Mutex<HashMap<String, Behavior>>>,
    log: Arc<Mutex<Log>>,
}

impl Server {
    fn start(routes: HashMap<String, Behavior>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().unwrap().port();
        let routes = Arc::new(Mutex::new(routes));
        let log = Arc::new(Mutex::new(Log::default()));
        let (r, l) = (Arc::clone(&routes), Arc::clone(&log));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (r, l) = (Arc::clone(&r), Arc::clone(&l));
                std::thread::spawn(move || handle(stream, &r, &l));
            }
        });
        Server { port, routes, log }
    }

    fn url(&self, key: &str) -> String {
        format!("http://127.0.0.1:{}/{key}/sumologic-api.yaml", self.port)
    }

    fn count(&self, key: &str) -> usize {
        let prefix = format!("/{key}/");
        self.log
            .lock()
            .unwrap()
            .requests
            .iter()
            .filter(|(p, _)| p.starts_with(&prefix))
            .count()
    }

    fn total(&self) -> usize {
        self.log.lock().unwrap().requests.len()
    }

    fn conditional(&self, key: &str) -> Vec<Option<String>> {
        let prefix = format!("/{key}/");
        let log = self.log.lock().unwrap();
        log.requests
            .iter()
            .filter(|(p, _)| p.starts_with(&prefix))
            .map(|(_, e)| e.clone())
            .collect()
    }

    fn set(&self, key: &str, behavior: Behavior) {
        self.routes
            .lock()
            .unwrap()
            .insert(key.to_string(), behavior);
    }
}

fn handle(stream: TcpStream, routes: &Mutex<HashMap<String, Behavior>>, log: &Mutex<Log>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut if_none_match = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("if-none-match")
        {
            if_none_match = Some(value.trim().to_string());
        }
    }
    log.lock()
        .unwrap()
        .requests
        .push((path.clone(), if_none_match.clone()));
    let key = path
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or("")
        .to_string();
    let behavior = routes.lock().unwrap().get(&key).cloned();
    let mut stream = stream;
    let respond = |stream: &mut TcpStream, status: u16, headers: &str, body: &[u8]| {
        let head = format!(
            "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n{headers}\r\n",
            body.len()
        );
        let _ = stream.write_all(head.as_bytes());
        let _ = stream.write_all(body);
    };
    let serve = |stream: &mut TcpStream, file: &str| {
        let body = std::fs::read(shared(file)).unwrap();
        let etag = format!("\"{}-{}\"", file.len(), body.len());
        if if_none_match.as_deref() == Some(etag.as_str()) {
            respond(stream, 304, &format!("etag: {etag}\r\n"), b"");
        } else {
            respond(
                stream,
                200,
                &format!("etag: {etag}\r\ncontent-type: application/yaml\r\n"),
                &body,
            );
        }
    };
    match behavior {
        Some(Behavior::Serve(file)) => serve(&mut stream, file),
        Some(Behavior::FailThenServe(n, file)) => {
            let failures = log
                .lock()
                .unwrap()
                .requests
                .iter()
                .filter(|(p, _)| p == &path)
                .count();
            if failures <= n {
                respond(&mut stream, 500, "", b"oops");
            } else {
                serve(&mut stream, file);
            }
        }
        Some(Behavior::Sleep(d)) => {
            std::thread::sleep(d);
            respond(&mut stream, 200, "", b"late");
        }
        Some(Behavior::Status(code)) => respond(&mut stream, code, "", b"nope"),
        Some(Behavior::Truncated(file)) => {
            let body = std::fs::read(shared(file)).unwrap();
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body[..body.len() / 2]);
        }
        Some(Behavior::Body(content_type, body)) => respond(
            &mut stream,
            200,
            &format!("content-type: {content_type}\r\n"),
            body.as_bytes(),
        ),
        None => respond(&mut stream, 404, "", b"no route"),
    }
    let mut rest = Vec::new();
    let _ = reader.read_to_end(&mut rest);
}

fn table(server: &Server, codes: &[&str], extra: &str) -> String {
    let mut text = String::from("canonical = \"US2\"\n");
    for code in codes {
        text.push_str(&format!(
            "[[deployment]]\ncode = \"{}\"\nname = \"{code}\"\naws_region = \"r\"\napi_url = \"https://api.{code}.example/api\"\nspec_url = \"{}\"\n",
            code.to_uppercase(),
            server.url(code)
        ));
    }
    text.push_str(&format!(
        "{extra}[organizations]\ndeployment = \"US2\"\napi_url = \"https://orgs.example/api\"\nspec_url = \"http://127.0.0.1:{}/organizations/openapi.yaml\"\n",
        server.port
    ));
    text
}

fn workspace(table: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("openapi")).unwrap();
    std::fs::write(dir.path().join("openapi/deployments.toml"), table).unwrap();
    dir
}

fn fetch(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("fetch")
        .args(["--workspace", root.to_str().unwrap()])
        .args(["--attempts", "2", "--retry-delay", "0.05", "--timeout", "1"])
        .args(args)
        .output()
        .expect("xtask runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn cache_files(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join(".cache/specs"))
        .map(|dir| {
            dir.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn mtime(path: &Path) -> SystemTime {
    std::fs::metadata(path).unwrap().modified().unwrap()
}

#[test]
fn faults_are_isolated_retried_or_reported_and_nothing_is_half_written() {
    let server = Server::start(HashMap::from([
        ("us2".to_string(), Behavior::Serve(NEW)),
        ("fed".to_string(), Behavior::Serve(OLDER)),
        ("au".to_string(), Behavior::FailThenServe(1, ORGS)),
        ("ca".to_string(), Behavior::Sleep(Duration::from_secs(3))),
        ("de".to_string(), Behavior::Status(404)),
        ("eu".to_string(), Behavior::Truncated(ORGS)),
        (
            "jp".to_string(),
            Behavior::Body(
                "text/html",
                "<!DOCTYPE html><html><body>Maintenance</body></html>",
            ),
        ),
        (
            "kr".to_string(),
            Behavior::Body(
                "application/yaml",
                "openapi: 3.0.0\npaths: {/a: [unclosed\n",
            ),
        ),
        ("organizations".to_string(), Behavior::Serve(ORGS)),
    ]));
    let codes = ["us2", "fed", "au", "ca", "de", "eu", "jp", "kr"];
    let ws = workspace(&table(&server, &codes, ""));
    let root = ws.path();

    let out = fetch(root, &[]);
    let stderr = text(&out.stderr);
    assert!(
        !out.status.success(),
        "failures make a non-zero exit: {stderr}"
    );

    // Good and retried deployments land; the failed ones leave nothing.
    assert_eq!(
        cache_files(root),
        [
            "au.http.json",
            "au.yaml",
            "fed.http.json",
            "fed.yaml",
            "organizations.http.json",
            "organizations.yaml",
            "us2.http.json",
            "us2.yaml"
        ]
    );
    assert_eq!(server.count("au"), 2, "500 then success: retried once");
    assert_eq!(server.count("ca"), 2, "timeouts are retried");
    assert_eq!(server.count("de"), 1, "a 404 is not retried");
    for (code, reason) in [
        ("CA", "timed out"),
        ("DE", "HTTP 404"),
        ("EU", "the body could not be read whole"),
        ("JP", "HTML page"),
        ("KR", "invalid YAML"),
    ] {
        let line = stderr
            .lines()
            .find(|l| l.starts_with(&format!("error: {code} from ")))
            .unwrap_or_else(|| panic!("no error line for {code}: {stderr}"));
        assert!(line.contains(&server.url(&code.to_lowercase())), "{line}");
        assert!(line.contains(reason), "{code}: {line}");
    }

    // The lock records exactly the accepted specs.
    let lock: toml::Table =
        toml::from_str(&std::fs::read_to_string(root.join("openapi/lock.toml")).unwrap()).unwrap();
    let mut keys: Vec<&String> = lock["deployments"].as_table().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["au", "fed", "organizations", "us2"]);
    let us2 = &lock["deployments"]["us2"];
    assert_eq!(us2["operations"].as_integer(), Some(362));
    assert_eq!(us2["url"].as_str(), Some(server.url("us2").as_str()));
    assert_eq!(
        us2["size"].as_integer(),
        Some(std::fs::metadata(shared(NEW)).unwrap().len() as i64)
    );
    assert!(us2["fetched_at"].as_str().unwrap().ends_with('Z'));

    // The matrix shows what FED (an older spec) lacks against US2.
    let matrix: toml::Table =
        toml::from_str(&std::fs::read_to_string(root.join("openapi/availability.toml")).unwrap())
            .unwrap();
    assert_eq!(matrix["canonical"].as_str(), Some("US2"));
    let fed_missing = matrix["deployments"]["FED"]["missing"].as_array().unwrap();
    assert_eq!(fed_missing.len(), expected_missing(NEW, OLDER));
    assert!(!fed_missing.is_empty());
    assert!(
        matrix["deployments"]["US2"]["missing"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Unchanged spec: a conditional request, a 304, nothing rewritten.
    let lock_before = std::fs::read(root.join("openapi/lock.toml")).unwrap();
    let spec_mtime = mtime(&root.join(".cache/specs/us2.yaml"));
    let out = fetch(root, &["--region", "US2"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("0 updated, 1 unchanged, 0 failed"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        server.conditional("us2").last().unwrap().is_some(),
        "sent If-None-Match"
    );
    assert_eq!(mtime(&root.join(".cache/specs/us2.yaml")), spec_mtime);
    assert_eq!(
        std::fs::read(root.join("openapi/lock.toml")).unwrap(),
        lock_before
    );

    // A deployment that fails now keeps what it fetched before.
    let au_before = std::fs::read(root.join(".cache/specs/au.yaml")).unwrap();
    server.set("au", Behavior::Status(503));
    let out = fetch(root, &["--region", "au"]);
    assert!(!out.status.success());
    assert_eq!(
        std::fs::read(root.join(".cache/specs/au.yaml")).unwrap(),
        au_before
    );
    assert_eq!(
        std::fs::read(root.join("openapi/lock.toml")).unwrap(),
        lock_before
    );
    let out = fetch(root, &["--region", "au", "--allow-partial"]);
    assert!(
        out.status.success(),
        "--allow-partial exits 0: {}",
        text(&out.stderr)
    );
    assert!(
        cache_files(root).iter().all(|f| !f.starts_with(".tmp")),
        "no temporaries left"
    );
}

/// Operations (method + path) of `new` that `old` lacks, computed here from
/// the files themselves.
fn expected_missing(new: &str, old: &str) -> usize {
    let routes = |file: &str| -> std::collections::BTreeSet<String> {
        let doc: serde_json::Value =
            serde_norway::from_str(&std::fs::read_to_string(shared(file)).unwrap()).unwrap();
        let mut out = std::collections::BTreeSet::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in [
                "get", "put", "post", "delete", "patch", "head", "options", "trace",
            ] {
                if item.get(method).is_some() {
                    out.insert(format!("{method} {path}"));
                }
            }
        }
        out
    };
    routes(new).difference(&routes(old)).count()
}

#[test]
fn a_bad_table_is_rejected_before_any_request() {
    let server = Server::start(HashMap::from([("us2".to_string(), Behavior::Serve(ORGS))]));
    let duplicate = table(&server, &["us2"], "")
        + "[[deployment]]\ncode = \"us2\"\nname = \"again\"\naws_region = \"r\"\napi_url = \"https://a.example/api\"\nspec_url = \"https://a.example/s.yaml\"\n";
    let malformed =
        table(&server, &["us2"], "").replace(&server.url("us2"), "http//127.0.0.1/us2.yaml");
    for (table, needle) in [
        (duplicate, "US2 appears twice"),
        (malformed, "US2: spec_url"),
    ] {
        let ws = workspace(&table);
        let out = fetch(ws.path(), &[]);
        let stderr = text(&out.stderr);
        assert!(!out.status.success());
        assert!(
            stderr.contains("deployments.toml") && stderr.contains(needle),
            "{stderr}"
        );
        assert!(!ws.path().join(".cache").exists());
        assert!(!ws.path().join("openapi/lock.toml").exists());
    }
    assert_eq!(server.total(), 0, "no request was sent");
}

#[test]
fn a_directory_mirror_follows_the_documented_layout() {
    let server = Server::start(HashMap::new());
    let ws = workspace(&table(&server, &["us2"], ""));
    let mirror = tempfile::tempdir().unwrap();
    for (key, file, name) in [
        ("us2", NEW, "sumologic-api.yaml"),
        ("organizations", ORGS, "openapi.yaml"),
    ] {
        std::fs::create_dir_all(mirror.path().join(key)).unwrap();
        std::os::unix::fs::symlink(shared(file), mirror.path().join(key).join(name)).unwrap();
    }
    let out = fetch(ws.path(), &["--mirror", mirror.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(server.total(), 0, "nothing fetched from the hosts");
    assert_eq!(
        std::fs::read(ws.path().join(".cache/specs/us2.yaml")).unwrap(),
        std::fs::read(shared(NEW)).unwrap()
    );
    let lock = std::fs::read_to_string(ws.path().join("openapi/lock.toml")).unwrap();
    assert!(lock.contains("[deployments.organizations]"), "{lock}");
}

#[test]
fn sync_does_not_regenerate_when_a_fetch_fails() {
    let server = Server::start(HashMap::from([("us2".to_string(), Behavior::Status(500))]));
    let ws = workspace(&table(&server, &["us2"], ""));
    let generated =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated-client/src/regional.rs");
    let before = mtime(&generated);
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["sync", "--workspace", ws.path().to_str().unwrap()])
        .args(["--attempts", "1", "--timeout", "1"])
        .output()
        .expect("xtask runs");
    let stderr = text(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("not regenerating") && stderr.contains("US2"),
        "{stderr}"
    );
    assert_eq!(
        mtime(&generated),
        before,
        "the generated client was not touched"
    );
    assert!(!ws.path().join(".cache/specs/us2.yaml").exists());
}
