//! Running sumo-ext's examples from its tests.

#![allow(dead_code)] // each test file uses part of it

use std::path::PathBuf;

/// The example `name`, built by `cargo test` beside the test binaries
/// (built here, with `features`, when the test runs alone).
pub fn binary(name: &str, features: &[&str]) -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>/deps");
    let binary = dir.join("examples").join(name);
    if !binary.exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = std::process::Command::new(cargo)
            .args(["build", "-p", "sumo-ext", "--example", name])
            .args(["--features", &features.join(",")])
            .status()
            .expect("cargo runs");
        assert!(status.success(), "cargo build --example {name}");
    }
    binary
}
