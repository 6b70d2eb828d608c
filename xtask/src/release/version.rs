//! The `[package]` version of a crate manifest, read and bumped in place
//! (the rest of the file is kept byte for byte).

use anyhow::{Result, bail};

use crate::diff::semver::Bump;

/// The manifest's `[package]` version line: `(line index, version)`.
fn version_line(manifest: &str) -> Option<(usize, &str)> {
    let mut in_package = false;
    for (index, line) in manifest.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_package = trimmed == "[package]";
            continue;
        }
        if !in_package {
            continue;
        }
        let Some(value) = trimmed
            .strip_prefix("version")
            .map(str::trim_start)
            .and_then(|rest| rest.strip_prefix('='))
        else {
            continue;
        };
        let value = value.trim();
        return value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .map(|v| (index, v));
    }
    None
}

/// `manifest` with its `[package]` version moved by `bump`; returns the
/// new text and the new version.
pub fn bump(manifest: &str, name: &str, bump: Bump) -> Result<(String, String)> {
    let Some((index, current)) = version_line(manifest) else {
        bail!("{name} has no `version = \"x.y.z\"` in [package]");
    };
    let Some(next) = bump.apply(current) else {
        bail!("{name}: the version `{current}` is not x.y.z");
    };
    let mut out = String::with_capacity(manifest.len());
    for (i, line) in manifest.split_inclusive('\n').enumerate() {
        if i == index {
            out.push_str(&line.replacen(&format!("\"{current}\""), &format!("\"{next}\""), 1));
        } else {
            out.push_str(line);
        }
    }
    Ok((out, next))
}

/// `lock` (a Cargo.lock) with the version of the workspace package `name`
/// set to `version`; unchanged when the lock has no such package.
pub fn set_in_lock(lock: &str, name: &str, version: &str) -> String {
    let mut out = String::with_capacity(lock.len());
    let mut in_package = false;
    for line in lock.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed == "[[package]]" {
            in_package = false;
        } else if trimmed == format!("name = \"{name}\"") {
            in_package = true;
        } else if in_package && trimmed.starts_with("version = ") {
            in_package = false;
            out.push_str(&format!("version = \"{version}\"\n"));
            continue;
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = "[package]\nname = \"x\"\nversion = \"0.1.9\"\n\n[dependencies]\nfoo = { version = \"1.0.0\" }\n";

    #[test]
    fn bumps_only_the_package_version() {
        let (text, next) = bump(MANIFEST, "x", Bump::Major).unwrap();
        assert_eq!(next, "0.2.0");
        assert_eq!(text, MANIFEST.replace("0.1.9", "0.2.0"));
        let (text, next) = bump(MANIFEST, "x", Bump::Minor).unwrap();
        assert_eq!(
            (
                next.as_str(),
                text.contains("foo = { version = \"1.0.0\" }")
            ),
            ("0.1.10", true)
        );
    }

    #[test]
    fn the_lock_entry_of_the_package_moves_too() {
        let lock = "[[package]]\nname = \"a\"\nversion = \"0.1.0\"\n\n[[package]]\nname = \"b\"\nversion = \"0.1.0\"\n";
        let moved = set_in_lock(lock, "b", "0.2.0");
        assert_eq!(
            moved,
            lock.replace(
                "name = \"b\"\nversion = \"0.1.0\"",
                "name = \"b\"\nversion = \"0.2.0\""
            )
        );
        assert_eq!(set_in_lock(lock, "c", "9.9.9"), lock);
    }

    #[test]
    fn a_manifest_without_a_version_is_an_error_naming_it() {
        let error = bump(
            "[package]\nname = \"x\"\n[x]\nversion = \"1.0.0\"\n",
            "sumo-ext/Cargo.toml",
            Bump::Minor,
        )
        .unwrap_err()
        .to_string();
        assert!(error.contains("sumo-ext/Cargo.toml"), "{error}");
        assert!(bump("[package]\nversion = \"one\"\n", "m", Bump::Minor).is_err());
    }
}
