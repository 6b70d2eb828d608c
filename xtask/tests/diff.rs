//! `cargo xtask diff` end to end on the shared spec releases. Every change
//! asserted here was checked by reading the YAML (see docs/diff.md).

mod common;

use std::process::Output;

use common::{root, text};
use serde_json::Value;

fn spec(release: &str) -> String {
    root()
        .join(format!(
            "../shared/sumo-specs/api/{release}/sumologic-api.yaml"
        ))
        .display()
        .to_string()
}

/// Runs `xtask diff ARGS`.
fn xtask(args: &[&str]) -> Output {
    let mut all = vec!["diff"];
    all.extend_from_slice(args);
    common::xtask(&all)
}

/// The JSON report of `old → new`.
fn report(old: &str, new: &str) -> Value {
    let out = xtask(&[&spec(old), &spec(new), "--format", "json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON output parses")
}

/// The change with this id, if reported.
fn change<'a>(report: &'a Value, id: &str) -> Option<&'a Value> {
    report["changes"].as_array()?.iter().find(|c| c["id"] == id)
}

fn severity(report: &Value, id: &str) -> String {
    change(report, id)
        .and_then(|c| c["severity"].as_str())
        .unwrap_or_else(|| panic!("no change {id}"))
        .to_string()
}

fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

#[test]
fn release_2023_08_10_to_2024_02_20() {
    let r = report("2023-08-10", "2024-02-20");
    let added = strings(&r["operations"]["added"]);
    assert_eq!(added.len(), 17);
    assert!(added.contains(&"GET /v1/account/usageForecast"));
    assert!(strings(&r["operations"]["removed"]).is_empty());
    // New optional query parameter.
    let id = "parameter-added-optional:GET /v1/monitors/parameters/query/skipChildren";
    assert_eq!(severity(&r, id), "info");
    assert_eq!(
        change(&r, id).unwrap()["rust"]["effect"],
        "builder-argument-added"
    );
    // RemoveIndicatorsRequest gained required `source`: breaking for callers.
    let id = "property-added-required:DELETE /v1/threatIntel/datastore/indicators/requestBody/content/application~1json/schema/properties/source";
    assert_eq!(severity(&r, id), "breaking");
    // Email (a subtype of Action, reachable only through the discriminator)
    // made `timeZone` optional: breaking in responses.
    let email = r["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["operation"] == "GET /v1/monitors/{id}"
                && c["pointer"]
                    .as_str()
                    .unwrap()
                    .ends_with("/discriminator/Email/properties/timeZone")
        })
        .expect("Email.timeZone reported through the discriminator");
    assert_eq!(email["kind"], "property-became-optional");
    assert_eq!(email["severity"], "breaking");
    // VariableValuesData.variableType pattern gained FilterSourceDefinition.
    assert!(r["changes"].as_array().unwrap().iter().any(|c| {
        c["kind"] == "enum-value-added"
            && c["pointer"]
                .as_str()
                .unwrap()
                .ends_with("/variableType/enum/FilterSourceDefinition")
    }));
    // LogSearchQueryTimeRangeBase moved its inline parsingMode member into
    // LogSearchQueryParsingMode: the same schema once merged, no change.
    assert!(
        !r["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["pointer"].as_str().unwrap().contains("parsingMode"))
    );
}

#[test]
fn release_2024_02_20_to_2024_06_13() {
    let r = report("2024-02-20", "2024-06-13");
    let added = strings(&r["operations"]["added"]);
    assert_eq!(added.len(), 22);
    assert!(added.contains(&"POST /v1/logSearches/estimatedUsageByMeteringType"));
    assert!(strings(&r["operations"]["removed"]).is_empty());
    // Response property added through Partition's allOf.
    let id = "property-added-optional:GET /v1/partitions/responses/200/content/application~1json/schema/properties/data/items/properties/isIncludedInDefaultSearch";
    assert_eq!(severity(&r, id), "info");
    assert_eq!(
        change(&r, id).unwrap()["rust"]["item"],
        "Partition::is_included_in_default_search"
    );
}

#[test]
fn release_2024_06_13_to_2025_02_19() {
    let r = report("2024-06-13", "2025-02-19");
    assert_eq!(strings(&r["operations"]["added"]).len(), 41);
    assert_eq!(
        strings(&r["operations"]["removed"]),
        [
            "POST /v1/threatIntel/datastore/indicators/blob",
            "POST /v1/threatIntel/datastore/indicators/csv"
        ]
    );
    assert_eq!(
        severity(
            &r,
            "operation-removed:POST /v1/threatIntel/datastore/indicators/csv"
        ),
        "breaking"
    );
    assert_eq!(
        severity(
            &r,
            "parameter-added-optional:GET /v1/users/parameters/query/includeServiceAccounts"
        ),
        "info"
    );
    // CreateDataForwardingRule.format: ^(csv|raw|json)$ → ^(csv|json|text)$.
    let base = "POST /v1/logsDataForwarding/rules/requestBody/content/application~1json/schema/properties/format/enum";
    assert_eq!(
        severity(&r, &format!("enum-value-removed:{base}/raw")),
        "breaking"
    );
    assert_eq!(
        severity(&r, &format!("enum-value-added:{base}/text")),
        "info"
    );
    // MetricsSearch became MetricsSearchResponse = allOf[MetricsSearchRequest
    // = allOf[MetricsSearch, folderId], id]: still requires queries,
    // timeRange and title once merged; only two optional properties appear.
    let metrics: Vec<(&str, &str)> = r["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["operation"] == "GET /v2/metricsSearches")
        .map(|c| {
            (
                c["kind"].as_str().unwrap(),
                c["pointer"].as_str().unwrap().rsplit('/').next().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        metrics,
        [
            ("property-added-optional", "folderId"),
            ("property-added-optional", "id")
        ]
    );
    assert_eq!(r["semver"][0]["name"], "sumo-generated-client");
    assert_eq!(r["semver"][0]["bump"], "major");
}

#[test]
fn fail_on_and_ignore_file() {
    let (old, new) = (spec("2024-06-13"), spec("2025-02-19"));
    let out = xtask(&[&old, &new, "--fail-on", "breaking", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let breaking: Vec<&str> = r["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["severity"] == "breaking")
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert!(!breaking.is_empty());
    let dir = tempfile::tempdir().unwrap();
    let ignore = dir.path().join("ignore.txt");
    std::fs::write(&ignore, format!("# accepted\n{}\n", breaking.join("\n"))).unwrap();
    let out = xtask(&[
        &old,
        &new,
        "--fail-on",
        "breaking",
        "--ignore",
        ignore.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(&format!("{} ignored", breaking.len())));
    let out = xtask(&[
        &old,
        &new,
        "--fail-on",
        "warning",
        "--ignore",
        ignore.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn text_and_markdown_formats() {
    let (old, new) = (spec("2024-06-13"), spec("2025-02-19"));
    let out = xtask(&[&old, &new, "--color", "never"]);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("operations: 41 added, 2 removed"),
        "{stdout}"
    );
    assert!(
        stdout.contains("semver: sumo-generated-client major"),
        "{stdout}"
    );
    assert!(!stdout.contains('\x1b'));
    let out = xtask(&[&old, &new, "--color", "always"]);
    assert!(text(&out.stdout).contains("\x1b[1;31mbreaking"));
    let out = xtask(&[&old, &new, "--format", "markdown"]);
    let md = text(&out.stdout);
    assert!(
        md.contains("### Removed operations\n\n- `POST /v1/threatIntel/datastore/indicators/blob`"),
        "{md}"
    );
    assert!(md.contains("### Breaking changes"));
    assert!(md.contains("| `sumo-generated-client` | major"));
}

#[test]
fn identical_specs_have_no_changes() {
    let a = spec("2024-02-20");
    let r: Value = serde_json::from_slice(&xtask(&[&a, &a, "--format", "json"]).stdout).unwrap();
    assert_eq!(r["changes"].as_array().map(Vec::len), Some(0));
    assert_eq!(r["semver"][0]["bump"], "none");
}

#[test]
fn bad_input_exits_2_naming_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let good = spec("2024-02-20");
    let bad_yaml = dir.path().join("bad.yaml");
    std::fs::write(&bad_yaml, "openapi: 3.0.0\npaths: [unclosed\n").unwrap();
    let swagger = dir.path().join("swagger.yaml");
    std::fs::write(&swagger, "swagger: '2.0'\npaths: {}\n").unwrap();
    for (arg, needle) in [
        (
            "/nonexistent/spec.yaml".to_string(),
            "cannot read spec /nonexistent/spec.yaml",
        ),
        (bad_yaml.display().to_string(), "invalid YAML"),
        (swagger.display().to_string(), "Swagger 2.0"),
        (
            "http://127.0.0.1:9/spec.yaml".to_string(),
            "cannot fetch spec http://127.0.0.1:9/spec.yaml",
        ),
        ("us2".to_string(), "deployment code"),
    ] {
        let out = xtask(&[&good, &arg]);
        assert_eq!(out.status.code(), Some(2), "{arg}");
        let stderr = text(&out.stderr);
        assert!(stderr.starts_with("error: "), "{stderr}");
        assert!(stderr.contains(needle), "{arg}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn rules_are_listed() {
    let out = xtask(&["--rules"]);
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    assert!(stdout.contains("operation-removed"));
    assert!(stdout.lines().any(|l| l.starts_with("enum-value-added")
        && l.contains("info")
        && l.contains("breaking")));
}

/// Truncations of a real spec and random byte mutations: exit 0 or 2, never a panic.
#[test]
fn truncated_and_mutated_specs_never_panic() {
    let full = spec("2023-08-10");
    let bytes = std::fs::read(&full).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut inputs = Vec::new();
    for i in 1..=8u64 {
        inputs.push(bytes[..(bytes.len() as u64 * i / 9) as usize].to_vec());
    }
    for _ in 0..8 {
        let mut mutated = bytes.clone();
        for _ in 0..64 {
            let at = (next() % mutated.len() as u64) as usize;
            let alphabet = b" :-{}[]$#&*!|>'\"\n\tax0";
            mutated[at] = alphabet[(next() % alphabet.len() as u64) as usize];
        }
        inputs.push(mutated);
    }
    for (i, input) in inputs.iter().enumerate() {
        let path = dir.path().join(format!("case{i}.yaml"));
        std::fs::write(&path, input).unwrap();
        for args in [
            [full.as_str(), path.to_str().unwrap()],
            [path.to_str().unwrap(), full.as_str()],
        ] {
            let out = xtask(&args);
            let stderr = text(&out.stderr);
            assert!(
                matches!(out.status.code(), Some(0 | 2)),
                "case {i}: {:?} {stderr}",
                out.status
            );
            assert!(!stderr.contains("panicked"), "case {i}: {stderr}");
        }
    }
}

#[test]
fn github_format_annotates_breaking_changes_and_warnings() {
    let json = report("2024-06-13", "2025-02-19");
    let count = |severity: &str| {
        json["changes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["severity"] == severity)
            .count()
    };
    let out = xtask(&[
        &spec("2024-06-13"),
        &spec("2025-02-19"),
        "--format",
        "github",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines.iter().all(|l| l.starts_with("::error file=")
            || l.starts_with("::warning file=")
            || l.starts_with("::notice title=")),
        "{stdout}"
    );
    let errors = lines.iter().filter(|l| l.starts_with("::error")).count();
    let warnings = lines.iter().filter(|l| l.starts_with("::warning")).count();
    assert!(errors > 0);
    assert_eq!(errors, count("breaking"));
    assert_eq!(warnings, count("warning"));
    let notice = lines.last().unwrap();
    assert!(notice.contains(&format!("{errors} breaking")), "{notice}");
    assert!(notice.ends_with("sumo-generated-client major"), "{notice}");
    // A message never spans lines: newlines are escaped.
    assert!(lines.iter().all(|l| !l.contains('\r')));
}

#[test]
fn git_revision_inputs() {
    // The spec the lock at HEAD pinned, against the one it pins now.
    let out = xtask(&["HEAD:pinned", "pinned", "--format", "json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["changes"].as_array().unwrap().len(), 0);
    assert_eq!(report["old"]["operations"], 362);
    // A file at a revision that is no spec, and a revision that does not
    // exist: exit 2, naming the input and the reason.
    let out = xtask(&["HEAD:README.md", "pinned"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("HEAD:README.md"), "{stderr}");
    let out = xtask(&["no-such-rev:pinned", "pinned"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("`no-such-rev:pinned` is not a file, and as REV:PATH: git show"),
        "{stderr}"
    );
}
