//! Access ID and access key, given explicitly or read from the environment.

use std::fmt;

use crate::deployment::{Deployment, DeploymentError};

/// A secret string: never printed by `Debug` or `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself; use it only to authenticate.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

/// A Sumo Logic access ID and access key.
///
/// ```
/// let creds = sumo_ext::Credentials::new("suABCDEF", "very-secret-key");
/// assert_eq!(creds.access_id(), "suABCDEF");
/// assert!(!format!("{creds:?}").contains("very-secret-key"));
/// ```
#[derive(Clone)]
pub struct Credentials {
    access_id: String,
    access_key: Secret,
}

impl Credentials {
    /// Credentials from an access ID and its key.
    pub fn new(access_id: impl Into<String>, access_key: impl Into<String>) -> Self {
        Self {
            access_id: access_id.into(),
            access_key: Secret::new(access_key),
        }
    }

    /// The access ID (not secret: it names the key).
    pub fn access_id(&self) -> &str {
        &self.access_id
    }

    /// The access key.
    pub fn access_key(&self) -> &Secret {
        &self.access_key
    }

    /// The value of an HTTP `Authorization: Basic …` header.
    pub(crate) fn basic_auth_header(&self) -> reqwest::header::HeaderValue {
        use base64::Engine;
        let token = base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            self.access_id,
            self.access_key.expose()
        ));
        let mut value = reqwest::header::HeaderValue::from_str(&format!("Basic {token}"))
            .expect("base64 is a valid header value");
        value.set_sensitive(true);
        value
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_id", &self.access_id)
            .field("access_key", &self.access_key)
            .finish()
    }
}

/// The environment variables read, in order of preference.
pub const ACCESS_ID_VARS: [&str; 2] = ["SUMO_ACCESS_ID", "SUMOLOGIC_ACCESSID"];
/// Variables naming the access key.
pub const ACCESS_KEY_VARS: [&str; 2] = ["SUMO_ACCESS_KEY", "SUMOLOGIC_ACCESSKEY"];
/// Variables naming a deployment code.
pub const DEPLOYMENT_VARS: [&str; 2] = ["SUMO_DEPLOYMENT", "SUMOLOGIC_ENVIRONMENT"];
/// Variables naming an API base URL.
pub const ENDPOINT_VARS: [&str; 2] = ["SUMO_ENDPOINT", "SUMOLOGIC_BASE_URL"];

/// What the environment says: credentials and where to send them.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct EnvConfig {
    /// Access ID and key.
    pub credentials: Credentials,
    /// The deployment or custom endpoint.
    pub deployment: Deployment,
}

/// A missing or conflicting setting, naming the variables.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A required setting is absent.
    #[error("missing {what}: set {}", vars.join(" or "))]
    Missing {
        what: &'static str,
        vars: Vec<&'static str>,
    },
    /// Two variables for the same setting disagree.
    #[error("conflicting {what}: {first} and {second} are both set, to different values")]
    Conflict {
        what: &'static str,
        first: &'static str,
        second: &'static str,
    },
    /// A variable is set to something unusable.
    #[error("{var}: {source}")]
    Invalid {
        var: &'static str,
        source: DeploymentError,
    },
    /// A variable is set but not valid Unicode or empty.
    #[error("{var} is set but empty or not valid UTF-8")]
    Unreadable { var: &'static str },
}

impl EnvConfig {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var_os(name))
    }

    /// Reads settings through `lookup` (a stand-in for the environment, for
    /// tests and for other configuration sources).
    ///
    /// ```
    /// use std::collections::HashMap;
    /// let env = HashMap::from([
    ///     ("SUMO_ACCESS_ID", "suABC"),
    ///     ("SUMO_ACCESS_KEY", "secret"),
    ///     ("SUMO_DEPLOYMENT", "eu"),
    /// ]);
    /// let config = sumo_ext::EnvConfig::from_lookup(|k| env.get(k).map(Into::into)).unwrap();
    /// assert_eq!(config.deployment.code(), "EU");
    /// ```
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<std::ffi::OsString>,
    ) -> Result<Self, ConfigError> {
        let access_id = pick("access ID", &ACCESS_ID_VARS, &lookup)?;
        let access_key = pick("access key", &ACCESS_KEY_VARS, &lookup)?;
        let code = pick("deployment", &DEPLOYMENT_VARS, &lookup)?;
        let endpoint = pick("endpoint", &ENDPOINT_VARS, &lookup)?;
        let Some((_, access_id)) = access_id else {
            return Err(ConfigError::Missing {
                what: "access ID",
                vars: ACCESS_ID_VARS.to_vec(),
            });
        };
        let Some((_, access_key)) = access_key else {
            return Err(ConfigError::Missing {
                what: "access key",
                vars: ACCESS_KEY_VARS.to_vec(),
            });
        };
        let deployment = match (code, endpoint) {
            (Some((code_var, _)), Some((endpoint_var, _))) => {
                return Err(ConfigError::Conflict {
                    what: "deployment",
                    first: code_var,
                    second: endpoint_var,
                });
            }
            (Some((var, code)), None) => {
                if code.contains("://") {
                    return Err(ConfigError::Invalid {
                        var,
                        source: DeploymentError::Unknown {
                            input: code,
                            known: "a deployment code; put URLs in SUMO_ENDPOINT".into(),
                        },
                    });
                }
                code.parse()
                    .map_err(|source| ConfigError::Invalid { var, source })?
            }
            (None, Some((var, url))) => {
                Deployment::custom(&url).map_err(|source| ConfigError::Invalid { var, source })?
            }
            (None, None) => {
                return Err(ConfigError::Missing {
                    what: "deployment",
                    vars: DEPLOYMENT_VARS.into_iter().chain(ENDPOINT_VARS).collect(),
                });
            }
        };
        Ok(Self {
            credentials: Credentials::new(access_id, access_key),
            deployment,
        })
    }
}

/// The value of the first set variable of `vars`; an error when two are set
/// to different values.
fn pick(
    what: &'static str,
    vars: &[&'static str; 2],
    lookup: &impl Fn(&str) -> Option<std::ffi::OsString>,
) -> Result<Option<(&'static str, String)>, ConfigError> {
    let mut found: Option<(&'static str, String)> = None;
    for var in vars {
        let Some(raw) = lookup(var) else { continue };
        let value = raw
            .into_string()
            .ok()
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .ok_or(ConfigError::Unreadable { var })?;
        match &found {
            Some((first, previous)) if *previous != value => {
                return Err(ConfigError::Conflict {
                    what,
                    first,
                    second: var,
                });
            }
            Some(_) => {}
            None => found = Some((var, value)),
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const KEY: &str = "k3y-Sup3r-S3cret-VALUE";

    fn env(pairs: &[(&str, &str)]) -> Result<EnvConfig, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        EnvConfig::from_lookup(|k| map.get(k).map(Into::into))
    }

    #[test]
    fn sumo_and_terraform_names() {
        let c = env(&[
            ("SUMO_ACCESS_ID", "id1"),
            ("SUMO_ACCESS_KEY", KEY),
            ("SUMO_DEPLOYMENT", "us2"),
        ])
        .unwrap();
        assert_eq!(c.credentials.access_id(), "id1");
        assert_eq!(c.credentials.access_key().expose(), KEY);
        assert_eq!(c.deployment.code(), "US2");

        let c = env(&[
            ("SUMOLOGIC_ACCESSID", "id2"),
            ("SUMOLOGIC_ACCESSKEY", KEY),
            ("SUMOLOGIC_BASE_URL", "http://127.0.0.1:9/api"),
        ])
        .unwrap();
        assert_eq!(c.credentials.access_id(), "id2");
        assert_eq!(c.deployment.api_url(), "http://127.0.0.1:9/api");

        let c = env(&[
            ("SUMO_ACCESS_ID", "id"),
            ("SUMOLOGIC_ACCESSID", "id"),
            ("SUMO_ACCESS_KEY", KEY),
            ("SUMOLOGIC_ENVIRONMENT", "FED"),
        ])
        .unwrap();
        assert_eq!(c.deployment.code(), "FED");
    }

    #[test]
    fn missing_and_conflicting_settings_name_the_variables() {
        let e = env(&[("SUMO_ACCESS_KEY", KEY), ("SUMO_DEPLOYMENT", "us2")]).unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("SUMO_ACCESS_ID") && msg.contains("SUMOLOGIC_ACCESSID"),
            "{msg}"
        );

        let e = env(&[("SUMO_ACCESS_ID", "id"), ("SUMO_DEPLOYMENT", "us2")]).unwrap_err();
        assert!(e.to_string().contains("SUMO_ACCESS_KEY"), "{e}");

        let e = env(&[("SUMO_ACCESS_ID", "id"), ("SUMO_ACCESS_KEY", KEY)]).unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("SUMO_DEPLOYMENT") && msg.contains("SUMOLOGIC_BASE_URL"),
            "{msg}"
        );

        let e = env(&[
            ("SUMO_ACCESS_ID", "a"),
            ("SUMOLOGIC_ACCESSID", "b"),
            ("SUMO_ACCESS_KEY", KEY),
            ("SUMO_DEPLOYMENT", "us2"),
        ])
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "conflicting access ID: SUMO_ACCESS_ID and SUMOLOGIC_ACCESSID are both set, to different values"
        );

        let e = env(&[
            ("SUMO_ACCESS_ID", "a"),
            ("SUMO_ACCESS_KEY", KEY),
            ("SUMO_DEPLOYMENT", "us2"),
            ("SUMO_ENDPOINT", "https://api.us2.sumologic.com/api"),
        ])
        .unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("SUMO_DEPLOYMENT") && msg.contains("SUMO_ENDPOINT"),
            "{msg}"
        );

        let e = env(&[
            ("SUMO_ACCESS_ID", "a"),
            ("SUMO_ACCESS_KEY", KEY),
            ("SUMO_DEPLOYMENT", "mars"),
        ])
        .unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.starts_with("SUMO_DEPLOYMENT:") && msg.contains("mars"),
            "{msg}"
        );

        let e = env(&[
            ("SUMO_ACCESS_ID", "a"),
            ("SUMO_ACCESS_KEY", KEY),
            ("SUMO_ENDPOINT", "http://sumo.example.com/api"),
        ])
        .unwrap_err();
        assert!(e.to_string().starts_with("SUMO_ENDPOINT:"), "{e}");
    }

    #[test]
    fn the_key_is_never_printed() {
        let c = env(&[
            ("SUMO_ACCESS_ID", "id1"),
            ("SUMO_ACCESS_KEY", KEY),
            ("SUMO_DEPLOYMENT", "us2"),
        ])
        .unwrap();
        for text in [
            format!("{c:?}"),
            format!("{:?}", c.credentials),
            format!("{:#?}", c.credentials),
            format!("{}", c.credentials.access_key()),
            format!("{:?}", c.credentials.basic_auth_header()),
        ] {
            assert!(!text.contains(KEY), "{text}");
            assert!(!text.contains("azNZ"), "base64 of the key leaked: {text}");
        }
        // A conflict on the key names the variables, not the values.
        let e = env(&[
            ("SUMO_ACCESS_ID", "id1"),
            ("SUMO_ACCESS_KEY", KEY),
            ("SUMOLOGIC_ACCESSKEY", "other-secret"),
            ("SUMO_DEPLOYMENT", "us2"),
        ])
        .unwrap_err();
        let text = format!("{e} {e:?}");
        assert!(
            !text.contains(KEY) && !text.contains("other-secret"),
            "{text}"
        );
    }

    #[test]
    fn basic_auth_header_value() {
        let c = Credentials::new("Aladdin", "open sesame");
        assert_eq!(
            c.basic_auth_header().to_str().unwrap(),
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
        assert!(c.basic_auth_header().is_sensitive());
    }
}
