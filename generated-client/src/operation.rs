//! The [`Operation`] and [`Paged`] traits, implemented by the generator for
//! every operation's builder, so that code can handle any request alike
//! (sumo-ext's typed `call()`, its page streams).

use std::future::Future;

use progenitor_client::{ByteStream, Error, ResponseValue};

use crate::Page;

/// A request of one operation, ready to send: every builder of the
/// generated clients (`client.list_users().limit(10)`).
pub trait Operation: Sized {
    /// The body of a successful answer.
    type Output;
    /// The operation's name, as the transport and the errors give it
    /// (`list_users`).
    const NAME: &'static str;
    /// Sends the request (the builder's own `send`).
    fn send_request(
        self,
    ) -> impl Future<Output = Result<ResponseValue<Self::Output>, Error<ByteStream>>> + Send;
}

/// The request of a `token`-paged operation whose answer is a [`Page`]:
/// the same request can ask for the page after a token.
pub trait Paged: Operation<Output: Page> + Clone {
    /// This request, for the page after `token`.
    fn with_token(self, token: String) -> Self;
}
