//! The [`Page`] trait, implemented by the generator for every token-paged
//! response type.

/// One page of an operation that pages with a `token` query parameter.
/// Implemented by the generator for every such operation's response type
/// (their shapes vary: `data` + `next`, `dashboards` + `next`, ...).
pub trait Page {
    /// What the page lists.
    type Item;
    /// The JSON field holding the items (`data`).
    const ITEMS_FIELD: &'static str;
    /// The JSON field holding the next page's token (`next`).
    const NEXT_FIELD: &'static str;
    /// The token of the next page; `None` on the last page.
    fn next_token(&self) -> Option<&str>;
    /// The page's items.
    fn into_items(self) -> Vec<Self::Item>;
}
