//! The transport seam of every generated `Client`: each holds a [`Hooks`],
//! whose progenitor `ClientHooks` impl sends every request through an
//! optional [`Transport`] (sumo-ext adds retries, its limiter and tracing
//! there). The impls live in this crate because of the orphan rule.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// The future returned by [`Transport::execute`].
pub type TransportFuture<'a> =
    Pin<Box<dyn Future<Output = reqwest::Result<reqwest::Response>> + Send + 'a>>;

/// Sends the requests of every generated `Client` that holds it (through
/// progenitor's `ClientHooks`): the place for retries, rate limiting and
/// tracing. `sumo-ext` implements it.
pub trait Transport: Send + Sync {
    /// Refuses an operation before anything is sent; the message says why.
    fn check(&self, operation_id: &'static str) -> Result<(), String> {
        let _ = operation_id;
        Ok(())
    }

    /// Sends `request` (built for `operation_id`) with `client`, the
    /// `reqwest::Client` of the generated `Client`.
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        operation_id: &'static str,
    ) -> TransportFuture<'a>;
}

/// The inner value of every generated `Client`: an optional [`Transport`].
/// `Hooks::default()` sends each request once with the `reqwest::Client`.
#[derive(Clone, Default)]
pub struct Hooks(Option<Arc<dyn Transport>>);

impl Hooks {
    /// Sends every request through `transport`.
    pub fn new(transport: Arc<dyn Transport>) -> Self {
        Self(Some(transport))
    }

    /// The transport, if any.
    pub fn transport(&self) -> Option<&Arc<dyn Transport>> {
        self.0.as_ref()
    }

    fn check(&self, operation_id: &'static str) -> Result<(), String> {
        match &self.0 {
            Some(transport) => transport.check(operation_id),
            None => Ok(()),
        }
    }

    /// Sends `request` through the transport, or with `client` alone.
    /// Not an `async fn`: that would keep the request in every generated
    /// `send()` future a second time.
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        operation_id: &'static str,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> + Send + 'a {
        use futures_util::future::Either;
        match &self.0 {
            Some(transport) => Either::Left(transport.execute(client, request, operation_id)),
            None => Either::Right(client.execute(request)),
        }
    }
}

impl std::fmt::Debug for Hooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = if self.0.is_some() {
            "transport"
        } else {
            "none"
        };
        f.debug_tuple("Hooks").field(&kind).finish()
    }
}

/// `ClientHooks` for the `Client` of each generated module: the check and
/// the send go through the client's [`Hooks`].
macro_rules! route_through_hooks {
    ($($module:ident),* $(,)?) => {$(
        impl progenitor_client::ClientHooks<Hooks> for crate::$module::Client {
            async fn pre<E>(
                &self,
                _request: &mut reqwest::Request,
                info: &progenitor_client::OperationInfo,
            ) -> Result<(), progenitor_client::Error<E>> {
                self.inner
                    .check(info.operation_id)
                    .map_err(progenitor_client::Error::Custom)
            }

            fn exec(
                &self,
                request: reqwest::Request,
                info: &progenitor_client::OperationInfo,
            ) -> impl Future<Output = reqwest::Result<reqwest::Response>> {
                self.inner.execute(&self.client, request, info.operation_id)
            }
        }
    )*};
}

route_through_hooks!(regional, organizations);
