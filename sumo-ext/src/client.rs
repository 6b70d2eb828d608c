//! [`SumoClient`]: the generated regional client with credentials, the
//! resilient transport and typed errors.

use std::sync::Arc;
use std::time::Duration;

use sumo_generated_client::{Hooks, regional};

use crate::transport::{Limiter, SumoTransport};
use crate::{Availability, Credentials, Deployment, EnvConfig, Error, Limits, RetryPolicy};

/// A Sumo Logic API client for one deployment. Cheap to clone; clones share
/// the connection pool and the limiter.
///
/// ```
/// use sumo_ext::{Credentials, SumoClient, deployment};
///
/// let client = SumoClient::builder(Credentials::new("suABC", "secret"))
///     .deployment(deployment::EU)
///     .build()
///     .unwrap();
/// assert_eq!(client.deployment().code(), "EU");
/// // Every generated operation, through the same transport:
/// let _request = client.raw().list_users().limit(10);
/// ```
#[derive(Clone)]
pub struct SumoClient {
    pub(crate) raw: regional::Client,
    /// For the organizations client.
    #[cfg_attr(not(feature = "organizations-management"), allow(dead_code))]
    pub(crate) http: reqwest::Client,
    pub(crate) transport: Arc<SumoTransport>,
    pub(crate) credentials: Credentials,
    #[cfg_attr(not(feature = "organizations-management"), allow(dead_code))]
    pub(crate) organizations_url: String,
}

impl std::fmt::Debug for SumoClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SumoClient")
            .field("deployment", &self.transport.deployment)
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

/// Builds a [`SumoClient`].
#[derive(Debug, Clone)]
pub struct SumoClientBuilder {
    credentials: Credentials,
    deployment: Deployment,
    retry: RetryPolicy,
    limits: Limits,
    timeout: Duration,
    connect_timeout: Duration,
    availability: Option<Availability>,
    organizations_url: Option<String>,
}

impl SumoClient {
    /// A builder with the defaults: deployment US2, [`RetryPolicy::default`],
    /// [`Limits::default`] (4 requests per second, 10 in flight), a 60 s
    /// request timeout, the bundled availability matrix.
    pub fn builder(credentials: Credentials) -> SumoClientBuilder {
        SumoClientBuilder {
            credentials,
            deployment: Deployment::canonical(),
            retry: RetryPolicy::default(),
            limits: Limits::default(),
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            availability: Availability::bundled(),
            organizations_url: None,
        }
    }

    /// A client configured from the environment (see [`EnvConfig`]).
    pub fn from_env() -> Result<Self, Error> {
        let config = EnvConfig::from_env()?;
        Self::builder(config.credentials)
            .deployment(config.deployment)
            .build()
    }

    /// The deployment (or custom endpoint) requests go to.
    pub fn deployment(&self) -> &Deployment {
        &self.transport.deployment
    }

    /// The access ID in use.
    pub fn access_id(&self) -> &str {
        self.credentials.access_id()
    }

    /// The generated client for every regional operation, sending through
    /// this client's transport (auth, limiter, retries, tracing).
    pub fn raw(&self) -> &regional::Client {
        &self.raw
    }

    /// Finds the deployment of the account: asks this client's deployment
    /// for the first user; a `301 moved` answer names the right one.
    #[cfg(feature = "user-management")]
    pub async fn discover_deployment(&self) -> Result<Deployment, Error> {
        let result = self.raw.list_users().limit(1).send().await;
        match result {
            Ok(_) => Ok(self.deployment().clone()),
            Err(e) => match Error::from_generated("list_users", e).await {
                Error::Moved {
                    deployment: Some(found),
                    ..
                } => Ok(found),
                other => Err(other),
            },
        }
    }

    /// A client for the `organizations.sumologic.com` assembly, with the
    /// same credentials and transport; its calls carry this client's
    /// deployment as `parentDeploymentId` (for a custom endpoint, the
    /// assembly's own deployment, US2; see
    /// [`OrganizationsClient::with_parent_deployment`](crate::OrganizationsClient::with_parent_deployment)).
    #[cfg(feature = "organizations-management")]
    pub fn organizations(&self) -> crate::organizations::OrganizationsClient {
        crate::organizations::OrganizationsClient::new(
            sumo_generated_client::organizations::Client::new_with_client(
                &self.organizations_url,
                self.http.clone(),
                Hooks::new(self.transport.clone()),
            ),
            self.deployment(),
        )
    }
}

impl SumoClient {
    /// The organizations client.
    #[cfg(feature = "organizations-management")]
    #[deprecated(note = "use `client.organizations()`")]
    pub fn organizations_management(&self) -> crate::organizations::OrganizationsClient {
        self.organizations()
    }
}

impl SumoClientBuilder {
    /// The deployment or custom endpoint.
    pub fn deployment(mut self, deployment: Deployment) -> Self {
        self.deployment = deployment;
        self
    }

    /// The retry policy.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Client-side limits; clients with the same access ID and limits share
    /// one limiter in the process.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Timeout of one attempt (connect to end of body).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Timeout to connect.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The availability matrix (`None`: send every operation).
    pub fn availability(mut self, availability: Option<Availability>) -> Self {
        self.availability = availability;
        self
    }

    /// Base URL of the organizations assembly (default from
    /// `openapi/deployments.toml`); for tests and proxies. [`Self::build`]
    /// checks it as it checks a custom deployment.
    pub fn organizations_url(mut self, url: impl Into<String>) -> Self {
        self.organizations_url = Some(url.into());
        self
    }

    /// Builds the client; fails on an unusable organizations URL or HTTP
    /// client settings.
    pub fn build(self) -> Result<SumoClient, Error> {
        let organizations_url = match &self.organizations_url {
            Some(url) => Deployment::custom(url)?.api_url().to_string(),
            None => crate::deployment::ORGANIZATIONS_URL.to_string(),
        };
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::AUTHORIZATION,
            self.credentials.basic_auth_header(),
        );
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .user_agent(concat!("sumo-ext/", env!("CARGO_PKG_VERSION")))
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            // A 301 `moved` names the account's deployment: surface it.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(Error::HttpClient)?;
        let transport = Arc::new(SumoTransport {
            limiter: Limiter::shared(self.credentials.access_id(), self.limits),
            deployment: self.deployment,
            retry: self.retry,
            availability: self.availability,
        });
        let raw = regional::Client::new_with_client(
            transport.deployment.api_url(),
            http.clone(),
            Hooks::new(transport.clone()),
        );
        Ok(SumoClient {
            raw,
            http,
            transport,
            credentials: self.credentials,
            organizations_url,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_organizations_url_fails_at_build_naming_it() {
        let builder = SumoClient::builder(Credentials::new("suABC", "secret"))
            .organizations_url("ftp://orgs.example");
        let error = builder.clone().build().unwrap_err();
        assert!(error.to_string().contains("ftp://orgs.example"), "{error}");
        let client = builder
            .organizations_url("http://127.0.0.1:9")
            .build()
            .unwrap();
        assert_eq!(client.organizations_url, "http://127.0.0.1:9");
    }
}
