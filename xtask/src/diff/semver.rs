//! The version bump the crates need, from the Rust effects of the changes.

use serde::{Serialize, Serializer};

/// A semver bump level. `None`: nothing public changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Bump {
    #[default]
    None,
    Patch,
    Minor,
    Major,
}

impl Bump {
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }

    /// The next version after `version` (`x.y.z`). Below 1.0 a major bump
    /// moves the minor number and a minor bump the patch number (Cargo's rule).
    pub fn apply(self, version: &str) -> Option<String> {
        let mut parts = version.split('.').map(|p| p.parse::<u64>().ok());
        let (major, minor, patch) = (parts.next()??, parts.next()??, parts.next()??);
        let next = match (self, major) {
            (Bump::None, _) => (major, minor, patch),
            (Bump::Major, 0) => (0, minor + 1, 0),
            (Bump::Major, _) => (major + 1, 0, 0),
            (Bump::Minor, 0) | (Bump::Patch, _) => (major, minor, patch + 1),
            (Bump::Minor, _) => (major, minor + 1, 0),
        };
        Some(format!("{}.{}.{}", next.0, next.1, next.2))
    }
}

impl Serialize for Bump {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The bump of each crate.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Semver {
    /// `sumo-generated-client`: the largest bump among the Rust effects.
    pub generated: Bump,
    /// `sumo-ext` re-exports the generated crate (`sumo_ext::raw`), so every
    /// public change of it is public in sumo-ext too: the same bump.
    pub extension: Bump,
}

/// The bump needed for a list of per-change bumps.
pub fn required(bumps: impl IntoIterator<Item = Bump>) -> Semver {
    let generated = bumps.into_iter().max().unwrap_or_default();
    Semver {
        generated,
        extension: generated,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn largest_bump_wins_and_versions_follow_cargo_rules() {
        let s = required([Bump::Patch, Bump::Major, Bump::Minor]);
        assert_eq!(s.generated, Bump::Major);
        assert_eq!(s.extension, Bump::Major);
        assert_eq!(required([]).generated, Bump::None);
        assert_eq!(Bump::Major.apply("0.1.3").as_deref(), Some("0.2.0"));
        assert_eq!(Bump::Minor.apply("0.1.3").as_deref(), Some("0.1.4"));
        assert_eq!(Bump::Major.apply("1.2.3").as_deref(), Some("2.0.0"));
        assert_eq!(Bump::Minor.apply("1.2.3").as_deref(), Some("1.3.0"));
        assert_eq!(Bump::Patch.apply("1.2.3").as_deref(), Some("1.2.4"));
        assert_eq!(Bump::None.apply("1.2.3").as_deref(), Some("1.2.3"));
        assert_eq!(Bump::Major.apply("x"), None);
    }
}
