//! Streams over operations that page with a `token` parameter.
//!
//! [`pages`] turns "fetch the page after this token" into a stream of
//! pages, holding one page in memory at a time; [`items`] flattens it. The
//! [`Page`] trait comes from the generated client, which implements it for
//! the page type of every operation that takes a `token` (generated from the
//! spec: the items and token fields differ between operations), so any of
//! them streams:
//!
//! ```no_run
//! # async fn example(client: &sumo_ext::SumoClient) -> Result<(), sumo_ext::Error> {
//! use futures::TryStreamExt;
//! use sumo_ext::pagination::items;
//!
//! use sumo_ext::pagination::pages;
//!
//! // Roles (feature `role-management`) page as `data` + `next`; dashboards
//! // as `dashboards` + `next`, ...: the same two calls stream any of them.
//! let raw = client.raw();
//! let users: Vec<_> = items(pages(|token: Option<String>| {
//!     let mut request = raw.list_users();
//!     if let Some(token) = token {
//!         request = request.token(token);
//!     }
//!     async move {
//!         match request.send().await {
//!             Ok(page) => Ok(page.into_inner()),
//!             Err(e) => Err(sumo_ext::Error::from_generated("list_users", e).await),
//!         }
//!     }
//! }))
//! .try_collect()
//! .await?;
//! # let _ = users;
//! # Ok(())
//! # }
//! ```

use std::future::Future;

use futures::{Stream, StreamExt, stream};

use crate::Error;

/// One page of a `token`-paged operation. The generator implements it for
/// the response type of every such operation (28 regional, 2 organizations),
/// whatever its shape.
pub use sumo_generated_client::Page;

/// A stream of pages: `fetch(None)` first, then `fetch(Some(next))` while
/// the last page names a next token. The stream ends after an error, and
/// when a page repeats the token that fetched it (a server that would loop).
///
/// ```
/// use futures::StreamExt;
/// use sumo_ext::pagination::{Page, pages};
///
/// struct P(Vec<u32>, Option<String>);
/// impl Page for P {
///     type Item = u32;
///     fn next_token(&self) -> Option<&str> { self.1.as_deref() }
///     fn into_items(self) -> Vec<u32> { self.0 }
/// }
/// # tokio_test_block_on(async {
/// let stream = pages(|token: Option<String>| async move {
///     Ok(match token.as_deref() {
///         None => P(vec![1, 2], Some("t2".into())),
///         _ => P(vec![3], None),
///     })
/// });
/// let all: Vec<u32> = sumo_ext::pagination::items(stream)
///     .map(|item| item.unwrap())
///     .collect()
///     .await;
/// assert_eq!(all, [1, 2, 3]);
/// # });
/// # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
/// # }
/// ```
pub fn pages<P, F, Fut>(fetch: F) -> impl Stream<Item = Result<P, Error>>
where
    P: Page,
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<P, Error>>,
{
    enum State {
        Next(Option<String>),
        Done,
    }
    stream::unfold(
        (fetch, State::Next(None)),
        |(mut fetch, state)| async move {
            let State::Next(token) = state else {
                return None;
            };
            match fetch(token.clone()).await {
                Ok(page) => {
                    let next = match page.next_token() {
                        Some(next) if !next.is_empty() && Some(next) != token.as_deref() => {
                            State::Next(Some(next.to_string()))
                        }
                        _ => State::Done,
                    };
                    Some((Ok(page), (fetch, next)))
                }
                Err(error) => Some((Err(error), (fetch, State::Done))),
            }
        },
    )
}

/// The items of a stream of pages, one page in memory at a time.
pub fn items<P, S>(pages: S) -> impl Stream<Item = Result<P::Item, Error>>
where
    P: Page,
    S: Stream<Item = Result<P, Error>>,
{
    pages.flat_map(|page| match page {
        Ok(page) => stream::iter(page.into_items().into_iter().map(Ok).collect::<Vec<_>>()),
        Err(error) => stream::iter(vec![Err(error)]),
    })
}

/// A page size as the generated builders take it (`i32`: the spec no longer
/// states a minimum, since the generator drops value constraints); sizes
/// past `i32::MAX` are capped there.
#[cfg(any(feature = "user-management", feature = "organizations-management"))]
pub(crate) fn limit(size: std::num::NonZeroU32) -> i32 {
    i32::try_from(size.get()).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct P(Vec<u32>, Option<&'static str>);
    impl Page for P {
        type Item = u32;
        fn next_token(&self) -> Option<&str> {
            self.1
        }
        fn into_items(self) -> Vec<u32> {
            self.0
        }
    }

    #[tokio::test]
    async fn follows_tokens_and_stops_on_repeat_or_error() {
        let seen = std::sync::Mutex::new(Vec::new());
        let got: Vec<_> = items(pages(|t: Option<String>| {
            seen.lock().unwrap().push(t.clone());
            async move {
                Ok(match t.as_deref() {
                    None => P(vec![1], Some("a")),
                    Some("a") => P(vec![2, 3], Some("b")),
                    _ => P(vec![4], Some("b")),
                })
            }
        }))
        .map(Result::unwrap)
        .collect()
        .await;
        assert_eq!(got, [1, 2, 3, 4]);
        assert_eq!(
            *seen.lock().unwrap(),
            [None, Some("a".to_string()), Some("b".to_string())]
        );

        let results: Vec<_> = pages(|t: Option<String>| async move {
            match t {
                None => Ok(P(vec![1], Some("x"))),
                Some(_) => Err(Error::InvalidRequest {
                    operation: "op",
                    message: "boom".into(),
                }),
            }
        })
        .collect()
        .await;
        assert_eq!(results.len(), 2);
        assert!(results[1].is_err());
    }
}
