//! The [`Page`] trait, implemented by the generator for every token-paged
//! response type.

/// One page of an operation that pages with a `token` query parameter.
/// Implemented by the generator for every such operation's response type
/// (their shapes vary: `data` + `next`, `dashboards` + `next`, ...).
pub trait Page {
    /// What the page lists.
    type Item;
    /// The JSON field holding the items (the generator sets it; `data`,
    /// the most common, by default).
    const ITEMS_FIELD: &'static str = "data";
    /// The JSON field holding the next page's token (the generator sets
    /// it; `next` by default).
    const NEXT_FIELD: &'static str = "next";
    /// The token of the next page; `None` on the last page.
    fn next_token(&self) -> Option<&str>;
    /// The page's items.
    fn into_items(self) -> Vec<Self::Item>;
}
