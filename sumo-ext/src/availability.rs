//! Which operations each deployment publishes (`openapi/availability.toml`).
//!
//! Format: `canonical = "US2"`, then per deployment
//! `[deployments.FED]` with `missing = ["operationId", ...]`: operations of
//! the canonical spec that the deployment does not publish. The file is
//! embedded at build time when it exists.

use std::collections::{HashMap, HashSet};

use crate::Deployment;

include!(concat!(env!("OUT_DIR"), "/availability.rs"));

/// The availability matrix: operations missing per deployment code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Availability {
    canonical: String,
    /// Deployment code (upper case) → normalized operation ids.
    missing: HashMap<String, HashSet<String>>,
}

#[derive(serde::Deserialize)]
struct File {
    canonical: String,
    #[serde(default)]
    deployments: HashMap<String, Entry>,
}

#[derive(serde::Deserialize)]
struct Entry {
    #[serde(default)]
    missing: Vec<String>,
}

/// `getUser` and `get_user` both become `getuser`.
fn normalize(operation: &str) -> String {
    operation
        .chars()
        .filter(|c| *c != '_')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

impl Availability {
    /// The matrix embedded from `openapi/availability.toml`, if the file
    /// existed at build time.
    pub fn bundled() -> Option<Self> {
        BUNDLED.map(|text| {
            Self::from_toml(text).expect("openapi/availability.toml is checked by a test")
        })
    }

    /// Parses the TOML format described in the module docs.
    ///
    /// ```
    /// let matrix = sumo_ext::Availability::from_toml(
    ///     "canonical = \"US2\"\n[deployments.FED]\nmissing = [\"listApps\"]\n",
    /// ).unwrap();
    /// assert!(!matrix.publishes(&sumo_ext::deployment::FED, "list_apps"));
    /// assert!(matrix.publishes(&sumo_ext::deployment::US1, "list_apps"));
    /// ```
    pub fn from_toml(text: &str) -> Result<Self, String> {
        let file: File =
            toml::from_str(text).map_err(|e| format!("invalid availability matrix: {e}"))?;
        Ok(Self {
            canonical: file.canonical,
            missing: file
                .deployments
                .into_iter()
                .map(|(code, entry)| {
                    (
                        code.to_ascii_uppercase(),
                        entry.missing.iter().map(|op| normalize(op)).collect(),
                    )
                })
                .collect(),
        })
    }

    /// The deployment the matrix compares against.
    pub fn canonical(&self) -> &str {
        &self.canonical
    }

    /// Whether `deployment` publishes `operation` (either spelling:
    /// `getUser` or `get_user`). Custom endpoints publish everything.
    pub fn publishes(&self, deployment: &Deployment, operation: &str) -> bool {
        if deployment.is_custom() {
            return true;
        }
        self.missing
            .get(deployment.code())
            .is_none_or(|ops| !ops.contains(&normalize(operation)))
    }
}

/// The message the transport's `check` hook returns for a refused operation
/// (it crosses the generated client as `Error::Custom(String)`).
pub(crate) fn refusal(operation: &str, deployment: &Deployment) -> String {
    format!("{PREFIX}{operation}\u{1f}{deployment}")
}

const PREFIX: &str = "sumo-ext:unavailable:";

pub(crate) fn parse_refusal(message: &str) -> Option<(String, String)> {
    let rest = message.strip_prefix(PREFIX)?;
    let (operation, deployment) = rest.split_once('\u{1f}')?;
    Some((operation.to_string(), deployment.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deployment::{FED, US2};

    #[test]
    fn fixture() {
        let m = Availability::from_toml(
            r#"
canonical = "US2"
[deployments.FED]
missing = ["getUser", "listApps"]
[deployments.kr]
missing = []
"#,
        )
        .unwrap();
        assert_eq!(m.canonical(), "US2");
        assert!(!m.publishes(&FED, "get_user"));
        assert!(!m.publishes(&FED, "getUser"));
        assert!(m.publishes(&FED, "list_users"));
        assert!(m.publishes(&US2, "get_user"));
        let custom = Deployment::custom("http://127.0.0.1:1").unwrap();
        assert!(m.publishes(&custom, "get_user"));
        let err = Availability::from_toml("canonical = 3").unwrap_err();
        assert!(err.contains("invalid availability matrix"), "{err}");
    }

    #[test]
    fn bundled_matrix_parses_when_present() {
        if let Some(text) = BUNDLED {
            Availability::from_toml(text).unwrap();
        }
    }

    #[test]
    fn refusal_round_trips() {
        let msg = refusal("get_user", &FED);
        assert_eq!(
            parse_refusal(&msg),
            Some(("get_user".to_string(), "FED".to_string()))
        );
        assert_eq!(parse_refusal("other"), None);
    }
}
