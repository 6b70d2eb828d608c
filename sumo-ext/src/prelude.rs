//! Every generated operation the sumo-ext way: `use sumo_ext::prelude::*;`.
//!
//! - [`OperationExt::call`] sends any builder of `client.raw()` (or of
//!   `client.organizations_management()`'s client) and returns its body or a
//!   [`crate::Error`] with the operation's name, the status, Sumo's codes and
//!   the error id.
//! - [`PagedExt::pages`] and [`PagedExt::items`] stream any `token`-paged
//!   operation (30 regional, 2 organizations), one page in memory.
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use sumo_ext::prelude::*;
//!
//! # async fn example(client: sumo_ext::SumoClient) -> Result<(), sumo_ext::Error> {
//! let user = client.raw().get_user().id("0000000000000001").call().await?;
//! let users: Vec<_> = client.raw().list_users().limit(100).items().try_collect().await?;
//! # let _ = (user, users);
//! # Ok(()) }
//! ```

use std::future::Future;

use futures::Stream;

pub use sumo_generated_client::{Operation, Page, Paged};

use crate::Error;

/// [`OperationExt::call`] for every generated builder.
pub trait OperationExt: Operation + Send {
    /// Sends the request through the client's transport (credentials,
    /// limiter, retries, tracing); an error answer becomes [`Error::Api`]
    /// naming the operation.
    fn call(self) -> impl Future<Output = Result<Self::Output, Error>> + Send;
}

impl<O: Operation + Send> OperationExt for O {
    fn call(self) -> impl Future<Output = Result<Self::Output, Error>> + Send {
        crate::call(Self::NAME, self.send_request())
    }
}

/// Streams for every `token`-paged builder.
pub trait PagedExt: Paged + Send
where
    Self::Output: Send,
    <Self::Output as Page>::Item: Send,
{
    /// The pages: this request, then the same request with each page's
    /// next token, until a page has none. The stream ends after an error.
    fn pages(self) -> impl Stream<Item = Result<Self::Output, Error>> + Send;

    /// The items of [`PagedExt::pages`], one page in memory at a time.
    fn items(self) -> impl Stream<Item = Result<<Self::Output as Page>::Item, Error>> + Send;
}

impl<P> PagedExt for P
where
    P: Paged + Send,
    P::Output: Send,
    <P::Output as Page>::Item: Send,
{
    fn pages(self) -> impl Stream<Item = Result<Self::Output, Error>> + Send {
        crate::pagination::pages(move |token: Option<String>| {
            let request = match token {
                Some(token) => self.clone().with_token(token),
                None => self.clone(),
            };
            request.call()
        })
    }

    fn items(self) -> impl Stream<Item = Result<<Self::Output as Page>::Item, Error>> + Send {
        crate::pagination::items(self.pages())
    }
}
