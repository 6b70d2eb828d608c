//! Sumo Logic deployments (AU, CA, DE, EU, FED, IN, JP, KR, US1, US2, ZRH)
//! and custom endpoints.
//!
//! The table is generated at build time from `openapi/deployments.toml`,
//! the workspace's one list of deployments.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use url::Url;

/// One row of the deployments table.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Info {
    pub(crate) code: &'static str,
    pub(crate) name: &'static str,
    pub(crate) aws_region: &'static str,
    pub(crate) api_url: &'static str,
}

#[derive(Clone, PartialEq, Eq, Hash)]
enum Repr {
    Known(&'static Info),
    Custom(Arc<str>),
}

impl std::hash::Hash for Info {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.code.hash(state);
    }
}

/// A Sumo Logic deployment, or a custom API base URL.
///
/// Parsing is case-insensitive and `Display` prints the code:
///
/// ```
/// use sumo_ext::Deployment;
///
/// let us2: Deployment = "us2".parse().unwrap();
/// assert_eq!(us2, sumo_ext::deployment::US2);
/// assert_eq!(us2.to_string(), "US2");
/// assert_eq!(us2.api_url(), "https://api.us2.sumologic.com/api");
/// assert_eq!(us2.aws_region(), Some("us-west-2"));
/// assert!(Deployment::all().count() >= 11);
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Deployment(Repr);

include!(concat!(env!("OUT_DIR"), "/deployments.rs"));

impl Deployment {
    /// Every deployment of the table, in table order.
    pub fn all() -> impl Iterator<Item = Deployment> {
        TABLE.iter().map(|info| Deployment(Repr::Known(info)))
    }

    /// A custom API base URL (for example a proxy or a mock server), such as
    /// `https://sumo-proxy.example.com/api`. Plain `http` is accepted only
    /// for loopback addresses. A URL of a known deployment gives that
    /// deployment.
    pub fn custom(url: &str) -> Result<Self, DeploymentError> {
        let parsed = Url::parse(url).map_err(|e| DeploymentError::InvalidUrl {
            url: url.to_string(),
            reason: e.to_string(),
        })?;
        match parsed.scheme() {
            "https" => {}
            "http" if is_loopback(&parsed) => {}
            "http" => {
                return Err(DeploymentError::InvalidUrl {
                    url: url.to_string(),
                    reason: "plain http is only allowed for loopback addresses; use https".into(),
                });
            }
            other => {
                return Err(DeploymentError::InvalidUrl {
                    url: url.to_string(),
                    reason: format!("scheme `{other}` is not http(s)"),
                });
            }
        }
        if parsed.host_str().is_none_or(str::is_empty) {
            return Err(DeploymentError::InvalidUrl {
                url: url.to_string(),
                reason: "it has no host".into(),
            });
        }
        let trimmed = url.trim_end_matches('/');
        if let Some(info) = TABLE.iter().find(|info| info.api_url == trimmed) {
            return Ok(Deployment(Repr::Known(info)));
        }
        Ok(Deployment(Repr::Custom(Arc::from(trimmed))))
    }

    /// The code (`US2`), or `custom` for a custom URL.
    pub fn code(&self) -> &str {
        match &self.0 {
            Repr::Known(info) => info.code,
            Repr::Custom(_) => "custom",
        }
    }

    /// The name (`US West (Oregon)`); for a custom URL, the URL.
    pub fn name(&self) -> &str {
        match &self.0 {
            Repr::Known(info) => info.name,
            Repr::Custom(url) => url,
        }
    }

    /// The AWS region the deployment runs in, when known.
    pub fn aws_region(&self) -> Option<&str> {
        match &self.0 {
            Repr::Known(info) => Some(info.aws_region),
            Repr::Custom(_) => None,
        }
    }

    /// The API base URL, without a trailing slash.
    pub fn api_url(&self) -> &str {
        match &self.0 {
            Repr::Known(info) => info.api_url,
            Repr::Custom(url) => url,
        }
    }

    /// Whether this is a custom URL rather than a deployment of the table.
    pub fn is_custom(&self) -> bool {
        matches!(self.0, Repr::Custom(_))
    }

    /// The deployment the generated client's spec comes from (`US2`).
    pub fn canonical() -> Deployment {
        lookup(CANONICAL).expect("the canonical deployment is in the table")
    }

    /// The deployment the `organizations.sumologic.com` assembly belongs to.
    pub fn organizations_home() -> Deployment {
        lookup(ORGANIZATIONS_DEPLOYMENT).expect("the organizations deployment is in the table")
    }

    /// The deployment whose API answers at the host of `url` (used with the
    /// `Location` of a 301 `moved` answer).
    pub fn from_location(url: &str) -> Option<Deployment> {
        let host = Url::parse(url).ok()?.host_str()?.to_ascii_lowercase();
        Deployment::all().find(|d| {
            Url::parse(d.api_url())
                .ok()
                .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
                .is_some_and(|h| h == host)
        })
    }
}

pub(crate) fn lookup(code: &str) -> Option<Deployment> {
    TABLE
        .iter()
        .find(|info| info.code.eq_ignore_ascii_case(code.trim()))
        .map(|info| Deployment(Repr::Known(info)))
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

impl fmt::Display for Deployment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Known(info) => f.write_str(info.code),
            Repr::Custom(url) => f.write_str(url),
        }
    }
}

impl fmt::Debug for Deployment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Deployment({self})")
    }
}

impl FromStr for Deployment {
    type Err = DeploymentError;

    /// A code of the table (any case), or an `http(s)://` URL.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.contains("://") {
            return Deployment::custom(s);
        }
        lookup(s).ok_or_else(|| DeploymentError::Unknown {
            input: s.to_string(),
            known: TABLE.iter().map(|i| i.code).collect::<Vec<_>>().join(", "),
        })
    }
}

/// Why a deployment or endpoint was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DeploymentError {
    /// Not a code of the table.
    #[error("unknown Sumo Logic deployment `{input}` (known: {known}; or give an https URL)")]
    Unknown { input: String, known: String },
    /// Not an acceptable URL.
    #[error("invalid Sumo Logic endpoint `{url}`: {reason}")]
    InvalidUrl { url: String, reason: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct File {
        canonical: String,
        deployment: Vec<Row>,
    }
    #[derive(serde::Deserialize)]
    struct Row {
        code: String,
        name: String,
        aws_region: String,
        api_url: String,
    }

    #[test]
    fn table_matches_deployments_toml() {
        let text = include_str!("../../openapi/deployments.toml");
        let file: File = toml::from_str(text).unwrap();
        let ours: Vec<_> = Deployment::all().collect();
        assert_eq!(ours.len(), file.deployment.len());
        for (d, row) in ours.iter().zip(&file.deployment) {
            assert_eq!(d.code(), row.code);
            assert_eq!(d.name(), row.name);
            assert_eq!(d.aws_region(), Some(row.aws_region.as_str()));
            assert_eq!(d.api_url(), row.api_url);
        }
        assert_eq!(Deployment::canonical().code(), file.canonical);
        for code in [
            "AU", "CA", "DE", "EU", "FED", "IN", "JP", "KR", "US1", "US2", "ZRH",
        ] {
            assert!(lookup(code).is_some(), "{code} missing");
        }
    }

    #[test]
    fn parses_case_insensitively_and_displays_code() {
        for input in ["us2", "US2", " Us2 "] {
            let d: Deployment = input.parse().unwrap();
            assert_eq!(d, US2);
            assert_eq!(d.to_string(), "US2");
        }
        assert_eq!("fed".parse::<Deployment>().unwrap(), FED);
        let err = "mars".parse::<Deployment>().unwrap_err().to_string();
        assert!(err.contains("`mars`") && err.contains("US2"), "{err}");
    }

    #[test]
    fn custom_urls() {
        let d = Deployment::custom("https://proxy.example.com/api/").unwrap();
        assert!(d.is_custom());
        assert_eq!(d.api_url(), "https://proxy.example.com/api");
        assert_eq!(d.aws_region(), None);
        assert!(Deployment::custom("http://127.0.0.1:8080").is_ok());
        assert!(Deployment::custom("http://[::1]:8080").is_ok());
        assert!(Deployment::custom("http://localhost:1").is_ok());
        let err = Deployment::custom("http://proxy.example.com/api")
            .unwrap_err()
            .to_string();
        assert!(err.contains("loopback"), "{err}");
        assert!(Deployment::custom("ftp://x.example.com").is_err());
        assert!(Deployment::custom("not a url").is_err());
        // A known URL is the known deployment.
        assert_eq!(
            Deployment::custom("https://api.eu.sumologic.com/api").unwrap(),
            EU
        );
    }

    #[test]
    fn location_of_a_moved_answer() {
        assert_eq!(
            Deployment::from_location("https://api.au.sumologic.com/api/v1/users"),
            Some(AU)
        );
        assert_eq!(
            Deployment::from_location("https://api.sumologic.com/api/v1/users"),
            Some(US1)
        );
        assert_eq!(Deployment::from_location("https://example.com/"), None);
    }
}
