//! Sumo Logic API client for applications: deployments, credentials, a
//! resilient transport, typed errors, pagination streams, and wrappers for
//! the users and organizations APIs, over the generated client
//! ([`raw`], crate `sumo-generated-client`).
//!
//! ```no_run
//! use futures::TryStreamExt;
//!
//! # async fn example() -> Result<(), sumo_ext::Error> {
//! // SUMO_ACCESS_ID, SUMO_ACCESS_KEY and SUMO_DEPLOYMENT (or SUMO_ENDPOINT)
//! let client = sumo_ext::SumoClient::from_env()?;
//! let users: Vec<_> = client.users().list().stream().try_collect().await?;
//! println!("{} users", users.len());
//! # Ok(()) }
//! ```
//!
//! Every request, including those made through [`SumoClient::raw`], goes
//! through one transport (progenitor's `ClientHooks`): the availability
//! check, the client-side limiter ([`Limits`]), retries ([`RetryPolicy`])
//! and a `sumo_request` tracing span at INFO (skipped when no subscriber
//! wants it; a failure is then still logged at WARN).
//!
//! # Cargo features
//! One feature per API area (a tag of Sumo's spec), forwarded to the
//! generated client, which compiles only the operations and types of the
//! enabled areas: `user-management`, `dashboard-management`,
//! `lookup-management`, ... (the list is in `Cargo.toml`, generated from the
//! spec), and `full` for all of them. The defaults are the users and
//! organizations areas: `user-management`, `orgs-management` (the regional
//! child-organization usages) and `organizations-management` (the
//! `organizations.sumologic.com` assembly), plus `rustls`.

pub use sumo_generated_client as raw;

pub mod availability;
mod client;
pub mod credentials;
pub mod deployment;
pub mod error;
#[cfg(feature = "lookup-management")]
mod lookup;
#[cfg(feature = "organizations-management")]
pub mod organizations;
pub mod pagination;
pub mod prelude;
pub mod search;
#[cfg(feature = "testing")]
pub mod testing;
mod transport;
#[cfg(feature = "orgs-management")]
mod usages;
#[cfg(feature = "user-management")]
pub mod users;

pub use availability::Availability;
pub use client::{SumoClient, SumoClientBuilder};
pub use credentials::{ConfigError, Credentials, EnvConfig, Secret};
pub use deployment::{Deployment, DeploymentError};
pub use error::{ApiError, Error, ErrorDetail};
#[cfg(feature = "lookup-management")]
pub use lookup::UploadOptions;
#[cfg(feature = "organizations-management")]
pub use organizations::{OrgStatus, OrganizationsClient};
pub use transport::{Limits, RetryPolicy};
#[cfg(feature = "orgs-management")]
pub use usages::ChildOrgs;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use sumo_generated_client::regional::{ByteStream, ResponseValue};

/// Awaits a generated call and converts its error.
pub(crate) fn call<T, F>(operation: &'static str, request: F) -> Call<F>
where
    F: Future<Output = Result<ResponseValue<T>, GeneratedError>>,
{
    Call {
        request,
        operation,
        error: None,
    }
}

type GeneratedError = sumo_generated_client::regional::Error<ByteStream>;

pin_project_lite::pin_project! {
    /// The future of [`call`]. A small state machine rather than an
    /// `async fn`, which would hold the generated future twice (the
    /// argument, and the awaited copy) and copy it on every call; reading an
    /// error body, the rare path, is boxed.
    pub(crate) struct Call<F> {
        #[pin]
        request: F,
        operation: &'static str,
        error: Option<Pin<Box<dyn Future<Output = Error> + Send>>>,
    }
}

impl<T, F> Future for Call<F>
where
    F: Future<Output = Result<ResponseValue<T>, GeneratedError>>,
{
    type Output = Result<T, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if let Some(reading) = this.error {
            return reading.as_mut().poll(cx).map(Err);
        }
        match ready!(this.request.poll(cx)) {
            Ok(value) => Poll::Ready(Ok(value.into_inner())),
            Err(error) => this
                .error
                .insert(Box::pin(Error::from_generated(this.operation, error)))
                .as_mut()
                .poll(cx)
                .map(Err),
        }
    }
}
