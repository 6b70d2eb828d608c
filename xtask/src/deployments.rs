//! `openapi/deployments.toml`: where each deployment publishes its spec.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Where the table lives, relative to the workspace root.
pub const DEPLOYMENTS_PATH: &str = "openapi/deployments.toml";

/// The label of the organizations assembly among fetch targets.
pub const ORGANIZATIONS: &str = "organizations";

/// The deployments table, validated.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    /// Code of the deployment the others are compared with.
    pub canonical: String,
    #[serde(rename = "deployment")]
    pub deployments: Vec<Deployment>,
    pub organizations: Organizations,
}

/// One deployment.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deployment {
    pub code: String,
    pub name: String,
    pub aws_region: String,
    pub api_url: String,
    pub spec_url: String,
}

/// The organizations.sumologic.com assembly.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organizations {
    pub deployment: String,
    pub api_url: String,
    pub spec_url: String,
}

/// A spec to fetch: a deployment's, or the organizations assembly's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Lower-case deployment code, or `organizations`.
    pub key: String,
    pub spec_url: String,
}

#[derive(Debug, thiserror::Error)]
pub enum TableError {
    #[error("cannot read deployments table {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("deployments table {path} is invalid: {reason}")]
    Invalid { path: PathBuf, reason: String },
}

impl Table {
    /// Reads and validates the table.
    pub fn load(path: &Path) -> Result<Table, TableError> {
        let text = std::fs::read_to_string(path).map_err(|source| TableError::Read {
            path: path.to_owned(),
            source,
        })?;
        Table::parse(&text).map_err(|e| TableError::Invalid {
            path: path.to_owned(),
            reason: format!("{e:#}"),
        })
    }

    /// Parses and validates table text.
    pub fn parse(text: &str) -> anyhow::Result<Table> {
        let table: Table = toml::from_str(text).map_err(anyhow::Error::from)?;
        table.validate()?;
        Ok(table)
    }

    fn validate(&self) -> anyhow::Result<()> {
        let mut seen = BTreeSet::new();
        for d in &self.deployments {
            let code = d.code.to_ascii_uppercase();
            if code.is_empty() || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(anyhow::anyhow!(
                    "deployment code {:?} must be letters and digits",
                    d.code
                ));
            }
            if d.name.trim().is_empty() || d.aws_region.trim().is_empty() {
                return Err(anyhow::anyhow!(
                    "{code}: name and aws_region must not be empty"
                ));
            }
            if !seen.insert(code.clone()) {
                return Err(anyhow::anyhow!("deployment code {code} appears twice"));
            }
            check_url(&d.api_url)
                .map_err(|e| anyhow::anyhow!("{code}: api_url {:?} {e}", d.api_url))?;
            check_url(&d.spec_url)
                .map_err(|e| anyhow::anyhow!("{code}: spec_url {:?} {e}", d.spec_url))?;
        }
        if self.deployments.is_empty() {
            return Err(anyhow::anyhow!("no deployments"));
        }
        for (what, code) in [
            ("canonical", &self.canonical),
            ("organizations.deployment", &self.organizations.deployment),
        ] {
            if !seen.contains(&code.to_ascii_uppercase()) {
                return Err(anyhow::anyhow!(
                    "{what} names {code:?}, which is not a deployment of the table"
                ));
            }
        }
        let o = &self.organizations;
        check_url(&o.api_url)
            .map_err(|e| anyhow::anyhow!("organizations: api_url {:?} {e}", o.api_url))?;
        check_url(&o.spec_url)
            .map_err(|e| anyhow::anyhow!("organizations: spec_url {:?} {e}", o.spec_url))?;
        Ok(())
    }

    /// Every fetch target, or those named by `only` (codes, any case, or
    /// `organizations`). An unknown name is an error.
    pub fn targets(&self, only: &[String]) -> anyhow::Result<Vec<Target>> {
        let mut all: Vec<Target> = self
            .deployments
            .iter()
            .map(|d| Target {
                key: d.code.to_ascii_lowercase(),
                spec_url: d.spec_url.clone(),
            })
            .collect();
        all.push(Target {
            key: ORGANIZATIONS.into(),
            spec_url: self.organizations.spec_url.clone(),
        });
        if only.is_empty() {
            return Ok(all);
        }
        let wanted: BTreeSet<String> = only.iter().map(|c| c.to_ascii_lowercase()).collect();
        for name in &wanted {
            if !all.iter().any(|t| &t.key == name) {
                let known: Vec<&str> = all.iter().map(|t| t.key.as_str()).collect();
                return Err(anyhow::anyhow!(
                    "--region {name}: not in the deployments table (known: {})",
                    known.join(", ")
                ));
            }
        }
        all.retain(|t| wanted.contains(&t.key));
        Ok(all)
    }
}

/// An absolute http(s) URL with a host.
fn check_url(text: &str) -> anyhow::Result<()> {
    let url = url::Url::parse(text).map_err(|e| anyhow::anyhow!("is not a URL: {e}"))?;
    if url.scheme() != "https" && url.scheme() != "http" {
        return Err(anyhow::anyhow!(
            "has scheme {:?}; expected https",
            url.scheme()
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(anyhow::anyhow!("has no host"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = r#"
canonical = "US2"
[[deployment]]
code = "US2"
name = "US West (Oregon)"
aws_region = "us-west-2"
api_url = "https://api.us2.sumologic.com/api"
spec_url = "https://api.us2.sumologic.com/docs/sumologic-api.yaml"
[[deployment]]
code = "FED"
name = "US East"
aws_region = "us-east-1"
api_url = "https://api.fed.sumologic.com/api"
spec_url = "https://api.fed.sumologic.com/docs/sumologic-api.yaml"
[organizations]
deployment = "US2"
api_url = "https://organizations.sumologic.com/api"
spec_url = "https://organizations.sumologic.com/docs/openapi.yaml"
"#;

    #[test]
    fn the_workspace_table_is_valid_and_complete() {
        let table = Table::load(&crate::fsutil::workspace_root().join(DEPLOYMENTS_PATH)).unwrap();
        let codes: Vec<&str> = table.deployments.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "AU", "CA", "DE", "EU", "FED", "IN", "JP", "KR", "US1", "US2", "ZRH"
            ]
        );
        assert_eq!(table.targets(&[]).unwrap().len(), 12);
    }

    #[test]
    fn targets_filter_by_code_in_any_case() {
        let table = Table::parse(TABLE).unwrap();
        let t = table
            .targets(&["fed".into(), "ORGANIZATIONS".into()])
            .unwrap();
        assert_eq!(
            t.iter().map(|t| t.key.as_str()).collect::<Vec<_>>(),
            ["fed", "organizations"]
        );
        let err = table.targets(&["xx".into()]).unwrap_err().to_string();
        assert!(err.contains("xx") && err.contains("us2"), "{err}");
    }

    #[test]
    fn rejects_duplicates_bad_urls_and_unknown_canonical() {
        let duplicate = TABLE.replace("code = \"FED\"", "code = \"us2\"");
        assert!(
            Table::parse(&duplicate)
                .unwrap_err()
                .to_string()
                .contains("US2 appears twice")
        );
        let bad_url = TABLE.replace("https://api.fed.sumologic.com/docs", "htps//api.fed");
        let err = Table::parse(&bad_url).unwrap_err().to_string();
        assert!(
            err.contains("FED: spec_url") && err.contains("not a URL"),
            "{err}"
        );
        let ftp = TABLE.replace("https://api.fed.sumologic.com/api", "ftp://x/api");
        assert!(
            Table::parse(&ftp)
                .unwrap_err()
                .to_string()
                .contains("scheme")
        );
        let canonical = TABLE.replace("canonical = \"US2\"", "canonical = \"US9\"");
        assert!(
            Table::parse(&canonical)
                .unwrap_err()
                .to_string()
                .contains("US9")
        );
    }
}
