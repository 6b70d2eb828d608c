//! A test kit for applications (feature `testing`, for
//! `[dev-dependencies]`): typed mocks of every operation, a client for
//! them, and what Sumo Logic really answers.
//!
//! - [`MockServer`] is httpmock's; [`MockServerExt`] (and
//!   [`OrganizationsMockServerExt`] for the organizations API) adds one
//!   method per operation of the enabled API areas, generated from Sumo's
//!   spec with progenitor's httpmock generator:
//!   `server.list_users(|when, then| ...)`, with typed `when` and `then`
//!   builders ([`operations`]).
//! - [`client`] is a [`SumoClient`] for the mock server: test credentials,
//!   no limiter waits, fast retries, both APIs on the mock.
//! - [`Pages`] serves items over token-linked pages in the page shape of
//!   an operation; [`SumoAnswers`] gives a mock's answer Sumo's error
//!   bodies (both shapes), a 429 with `Retry-After`, and the 301 `moved`
//!   answer; `sample_user` (with `user-management`) is a user to answer
//!   with.
//!
//! ```
//! use futures::TryStreamExt;
//! use sumo_ext::raw::regional::builder::ListUsers;
//! use sumo_ext::testing::{self, MockServer, MockServerExt, Pages, SumoAnswers};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let server = MockServer::start_async().await;
//! let mut ada = testing::sample_user("1", "ada@example.com");
//! ada.first_name = "Ada".into();
//! let pages = Pages::new([ada]).serve::<ListUsers>(&server);
//! let not_found = server.get_user(|when, then| {
//!     when.id("404");
//!     then.into_inner().sumo_error(404, "user:not_found", "User not found.");
//! });
//!
//! let client = testing::client(&server);
//! let listed: Vec<_> = client.users().list().stream().try_collect().await.unwrap();
//! assert_eq!(listed[0].first_name, "Ada");
//! let error = client.users().get("404").await.unwrap_err();
//! assert!(error.api().is_some_and(|e| e.has_code("user:not_found")));
//! pages.assert_each_page_served_once();
//! not_found.assert();
//! # }
//! ```

mod answers;
mod pages;
#[cfg(feature = "user-management")]
mod samples;

pub use answers::{ERROR_ID, SumoAnswers, error_body, legacy_error_body};
pub use httpmock::{Method, Mock, MockServer, Then, When};
pub use pages::{PageMocks, Pages};
#[cfg(feature = "user-management")]
pub use samples::sample_user;
pub use sumo_generated_client::organizations::mock::MockServerExt as OrganizationsMockServerExt;
pub use sumo_generated_client::regional::mock::{MockServerExt, operations};

/// The organizations API's mocks: [`OrganizationsMockServerExt`] and its
/// `When`/`Then` builders.
pub mod organizations {
    pub use sumo_generated_client::organizations::mock::{MockServerExt, operations};
}

use std::time::Duration;

use crate::{Credentials, Deployment, Limits, RetryPolicy, SumoClient, SumoClientBuilder};

/// The access id of [`client`].
pub const ACCESS_ID: &str = "suTESTKIT";
/// The access key of [`client`].
pub const ACCESS_KEY: &str = "test-kit-access-key";

/// A client for `server`, for both the regional and the organizations API
/// (a request's path tells them apart): test credentials ([`ACCESS_ID`],
/// [`ACCESS_KEY`]), no limiter, no availability check, and the default
/// number of attempts with backoffs of at most 20 ms (a `Retry-After` is
/// capped there too).
///
/// # Panics
/// When the HTTP client cannot be built (see [`client_builder`] to handle
/// that).
pub fn client(server: &MockServer) -> SumoClient {
    match client_builder(server).build() {
        Ok(client) => client,
        Err(e) => panic!("sumo_ext::testing::client: {e}"),
    }
}

/// [`client`]'s builder, to change a setting before building (a
/// [`RetryPolicy`] of one attempt, [`Limits`] to test the limiter, ...).
///
/// # Panics
/// Never for a [`MockServer`], whose URL is a loopback one.
pub fn client_builder(server: &MockServer) -> SumoClientBuilder {
    let url = server.base_url();
    let deployment = match Deployment::custom(&url) {
        Ok(deployment) => deployment,
        Err(e) => panic!("sumo_ext::testing::client_builder: {e}"),
    };
    SumoClient::builder(Credentials::new(ACCESS_ID, ACCESS_KEY))
        .deployment(deployment)
        .organizations_url(url)
        .availability(None)
        .limits(Limits::unlimited())
        .retry(fast_retries())
}

/// The default attempts, with backoffs of 1 to 20 ms.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(20))
}
