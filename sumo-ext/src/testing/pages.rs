//! Items served over token-linked pages, in the page shape of an operation.

use httpmock::{Mock, MockServer};
use serde::Serialize;
use serde_json::{Map, Value};
use sumo_generated_client::{Page, Paged};

/// The token of page `index` (from 0; the first page has none).
fn token(index: usize) -> String {
    format!("page-{index}")
}

/// Items to serve over pages linked by tokens, as Sumo pages a
/// token-paged operation: the first request has no `token`, each page
/// names the next one's, the last page names none.
///
/// ```
/// # use sumo_ext::testing::{MockServer, Pages};
/// # use sumo_ext::raw::regional::builder::ListRoles;
/// # let server = MockServer::start();
/// let roles = (1..=5).map(|i| serde_json::json!({"id": i.to_string(), "name": format!("role {i}")}));
/// let pages = Pages::new(roles).page_size(2).serve::<ListRoles>(&server);
/// assert_eq!(pages.len(), 3);
/// ```
#[derive(Debug, Clone)]
pub struct Pages {
    items: Vec<Value>,
    page_size: usize,
    fields: Map<String, Value>,
}

impl Pages {
    /// `items`, in order (typed values or JSON).
    ///
    /// # Panics
    /// When an item does not serialize to JSON.
    pub fn new<I>(items: I) -> Self
    where
        I: IntoIterator,
        I::Item: Serialize,
    {
        let items = items
            .into_iter()
            .enumerate()
            .map(|(i, item)| match serde_json::to_value(item) {
                Ok(value) => value,
                Err(e) => panic!("Pages::new: item {i} does not serialize: {e}"),
            })
            .collect();
        Pages {
            items,
            page_size: 100,
            fields: Map::new(),
        }
    }

    /// Items per page (100 by default; at least 1).
    pub fn page_size(mut self, size: usize) -> Self {
        self.page_size = size.max(1);
        self
    }

    /// Another field on every page, for a page type that requires more
    /// than its items and token.
    ///
    /// # Panics
    /// When `value` does not serialize to JSON.
    pub fn field(mut self, name: &str, value: impl Serialize) -> Self {
        let value = match serde_json::to_value(value) {
            Ok(value) => value,
            Err(e) => panic!("Pages::field: `{name}` does not serialize: {e}"),
        };
        self.fields.insert(name.to_string(), value);
        self
    }

    /// One mock per page on `server`, for the operation whose builder is
    /// `O` (`raw::regional::builder::ListUsers`): its method and path, the
    /// page's `token` query parameter (none on the first), and a body with
    /// the items and the next token under the fields of its page type. An
    /// empty list is one empty page.
    pub fn serve<O: Paged>(self, server: &MockServer) -> PageMocks<'_> {
        let chunks: Vec<&[Value]> = match self.items.is_empty() {
            true => vec![&[]],
            false => self.items.chunks(self.page_size).collect(),
        };
        let last = chunks.len() - 1;
        let path = path_regex(O::PATH);
        let items_field = <O::Output as Page>::ITEMS_FIELD;
        let next_field = <O::Output as Page>::NEXT_FIELD;
        let mocks = chunks
            .iter()
            .enumerate()
            .map(|(index, items)| {
                let mut body = self.fields.clone();
                body.insert(items_field.to_string(), Value::Array(items.to_vec()));
                let next = (index < last).then(|| Value::String(token(index + 1)));
                body.insert(next_field.to_string(), next.unwrap_or(Value::Null));
                server.mock(|when, then| {
                    let when = when.method(O::METHOD).path_matches(path.as_str());
                    match index {
                        0 => when.query_param_missing("token"),
                        _ => when.query_param("token", token(index)),
                    };
                    then.status(200)
                        .header("content-type", "application/json")
                        .json_body(Value::Object(body));
                })
            })
            .collect();
        PageMocks { mocks }
    }
}

/// `^/v1/users/[^/]+$` for `/v1/users/{id}`.
fn path_regex(template: &str) -> String {
    let mut pattern = String::from("^");
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        pattern.push_str(&regex::escape(&rest[..open]));
        pattern.push_str("[^/]+");
        rest = rest[open..]
            .find('}')
            .map_or("", |close| &rest[open + close + 1..]);
    }
    pattern.push_str(&regex::escape(rest));
    pattern.push('$');
    pattern
}

/// The mocks of [`Pages::serve`], one per page.
pub struct PageMocks<'a> {
    mocks: Vec<Mock<'a>>,
}

impl std::fmt::Debug for PageMocks<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageMocks")
            .field("pages", &self.mocks.len())
            .field("hits", &self.hits())
            .finish()
    }
}

impl<'a> PageMocks<'a> {
    /// The mocks, first page first.
    pub fn mocks(&self) -> &[Mock<'a>] {
        &self.mocks
    }

    /// How many pages.
    pub fn len(&self) -> usize {
        self.mocks.len()
    }

    /// Always false: an empty list is one empty page.
    pub fn is_empty(&self) -> bool {
        self.mocks.is_empty()
    }

    /// How many times each page was served.
    pub fn hits(&self) -> Vec<usize> {
        self.mocks.iter().map(Mock::calls).collect()
    }

    /// Panics unless every page was served exactly once.
    pub fn assert_each_page_served_once(&self) {
        let hits = self.hits();
        assert!(
            hits.iter().all(|&n| n == 1),
            "each page should be served once; served: {hits:?}"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_parameters_become_segments_and_the_rest_is_literal() {
        assert_eq!(path_regex("/v1/users"), "^/v1/users$");
        assert_eq!(
            path_regex("/v1/content/{id}/children.json"),
            "^/v1/content/[^/]+/children\\.json$"
        );
        assert_eq!(path_regex("/v2/{a}/{b}"), "^/v2/[^/]+/[^/]+$");
    }
}
