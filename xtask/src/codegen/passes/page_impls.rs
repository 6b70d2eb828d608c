//! Which response types are pages of a `token`-paginated operation, and the
//! `Page` impls the generator emits for them.
//!
//! Sumo pages 31 operations with a `token` query parameter, and their page
//! shapes vary: the items sit in `data`, `dashboards`, `fieldValues`, ...; the
//! next token in `next`, `nextToken` or `token`. The spec says which, so the
//! generator writes one `impl crate::Page` per page type instead of a
//! hand-kept list.

use std::collections::BTreeMap;

use quote::{format_ident, quote};
use serde_json::{Map, Value};
use syn::{Fields, GenericArgument, Item, PathArguments, Type};

use super::syntax::module_items_mut;
use super::{Context, SyntaxPass, SyntaxReport};
use crate::spec::load::operations;

/// See the module documentation.
pub struct PageImpls;

impl SyntaxPass for PageImpls {
    fn name(&self) -> &'static str {
        "page-impls"
    }

    fn summary(&self) -> &'static str {
        "`impl crate::Page` for every token-paged response type"
    }

    fn run(&self, file: &mut syn::File, context: &Context<'_>) -> SyntaxReport {
        let (paged, skipped) = paged_types(context.document);
        let changes =
            module_items_mut(file, "types").map_or(0, |types| add_page_impls(types, &paged));
        SyntaxReport {
            changes,
            notes: skipped
                .into_iter()
                .map(|s| format!("no Page impl: {s}"))
                .collect(),
        }
    }
}

/// A page type of the spec: its schema, and the JSON names of its fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PagedType {
    /// The component schema of the 2xx response (the Rust type's name once
    /// typify sanitizes it).
    pub schema: String,
    /// The array property holding the items.
    pub items: String,
    /// The property holding the next page's token.
    pub token: String,
}

/// Names the next-page token property may have, in order of preference.
const TOKEN_FIELDS: [&str; 4] = ["next", "nextToken", "nextPageToken", "token"];

/// The operations (ids) that take a `token` query parameter and answer a
/// recognisable page: the ones whose builders are `Paged`.
#[cfg(test)]
pub fn paged_operations(document: &Value) -> Vec<String> {
    let empty = Map::new();
    let schemas = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    operations(document)
        .filter(|(_, _, operation)| takes_token(operation))
        .filter(|(_, _, operation)| page_of(operation, schemas).is_ok())
        .map(|(_, _, operation)| operation["operationId"].as_str().unwrap_or("?").to_string())
        .collect()
}

fn takes_token(operation: &Value) -> bool {
    operation
        .get("parameters")
        .and_then(Value::as_array)
        .is_some_and(|ps| {
            ps.iter()
                .any(|p| p["name"] == "token" && p["in"] == "query")
        })
}

/// The page types of every operation that has a `token` query parameter and
/// a `$ref` 2xx JSON body with one recognisable items array and token field.
/// Returns them with the operations skipped (and why).
pub fn paged_types(document: &Value) -> (Vec<PagedType>, Vec<String>) {
    let empty = Map::new();
    let schemas = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut found = BTreeMap::new();
    let mut skipped = Vec::new();
    for (_, _, operation) in operations(document) {
        if !takes_token(operation) {
            continue;
        }
        let id = operation["operationId"].as_str().unwrap_or("?");
        match page_of(operation, schemas) {
            Ok(paged) => {
                found.insert(paged.schema.clone(), paged);
            }
            Err(reason) => skipped.push(format!("{id}: {reason}")),
        }
    }
    (found.into_values().collect(), skipped)
}

fn page_of(operation: &Value, schemas: &Map<String, Value>) -> Result<PagedType, &'static str> {
    let responses = operation["responses"].as_object().ok_or("no responses")?;
    let schema = responses
        .iter()
        .filter(|(status, _)| status.starts_with('2'))
        .find_map(|(_, r)| r.pointer("/content/application~1json/schema/$ref"))
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .ok_or("the 2xx body is not a named schema")?;
    let properties = properties(schemas, schema, 0);
    let token = TOKEN_FIELDS
        .iter()
        .find(|name| properties.contains_key(**name))
        .ok_or("no next-token property")?;
    let arrays: Vec<&String> = properties
        .iter()
        .filter(|(name, p)| *name != "warnings" && is_array(schemas, p))
        .map(|(name, _)| name)
        .collect();
    let items = match arrays.as_slice() {
        [one] => (*one).clone(),
        many if many.iter().any(|n| *n == "data") => "data".to_string(),
        [] => return Err("no items array"),
        _ => return Err("several items arrays"),
    };
    Ok(PagedType {
        schema: schema.to_string(),
        items,
        token: token.to_string(),
    })
}

/// A schema's properties, `allOf` members included.
fn properties(schemas: &Map<String, Value>, name: &str, depth: usize) -> Map<String, Value> {
    let mut out = Map::new();
    let Some(schema) = schemas.get(name) else {
        return out;
    };
    collect(schemas, schema, depth, &mut out);
    out
}

fn collect(
    schemas: &Map<String, Value>,
    schema: &Value,
    depth: usize,
    out: &mut Map<String, Value>,
) {
    if depth > 8 {
        return;
    }
    if let Some(name) = schema["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        out.extend(properties(schemas, name, depth + 1));
        return;
    }
    for member in schema["allOf"].as_array().into_iter().flatten() {
        collect(schemas, member, depth + 1, out);
    }
    if let Some(props) = schema["properties"].as_object() {
        out.extend(props.clone());
    }
}

fn is_array(schemas: &Map<String, Value>, schema: &Value) -> bool {
    match schema["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        Some(name) => schemas.get(name).is_some_and(|s| s["type"] == "array"),
        None => schema["type"] == "array",
    }
}

/// Adds `impl crate::Page for T` to the items of a generated `types`
/// module for every paged type found there, after the types (before the
/// nested modules). Returns how many were added.
fn add_page_impls(types: &mut Vec<Item>, paged: &[PagedType]) -> usize {
    let mut impls = Vec::new();
    for page in paged {
        let Some(strukt) = types.iter().find_map(|item| match item {
            Item::Struct(s) if s.ident == rust_type_name(&page.schema) => Some(s),
            _ => None,
        }) else {
            continue;
        };
        let Fields::Named(fields) = &strukt.fields else {
            continue;
        };
        let field = |json: &str| {
            fields.named.iter().find(|f| {
                serde_name(&f.attrs).as_deref() == Some(json)
                    || f.ident.as_ref().is_some_and(|i| i == json)
            })
        };
        let (Some(items_field), Some(token_field)) = (field(&page.items), field(&page.token))
        else {
            continue;
        };
        let (Some(items_ident), Some(token_ident)) = (&items_field.ident, &token_field.ident)
        else {
            continue;
        };
        let (item_type, items_expr) = match (
            inner(&items_field.ty, "Vec"),
            inner(&items_field.ty, "Option"),
        ) {
            (Some(item), _) => (item, quote!(self.#items_ident)),
            (None, Some(vec)) => match inner(vec, "Vec") {
                Some(item) => (item, quote!(self.#items_ident.unwrap_or_default())),
                None => continue,
            },
            _ => continue,
        };
        let token_expr = if inner(&token_field.ty, "Option").is_some() {
            quote!(self.#token_ident.as_deref().filter(|token| !token.is_empty()))
        } else {
            quote!(Some(self.#token_ident.as_str()).filter(|token| !token.is_empty()))
        };
        let name = &strukt.ident;
        let (items_json, token_json) = (&page.items, &page.token);
        impls.push(syn::parse_quote! {
            impl crate::Page for #name {
                type Item = #item_type;
                const ITEMS_FIELD: &'static str = #items_json;
                const NEXT_FIELD: &'static str = #token_json;
                fn next_token(&self) -> ::std::option::Option<&str> {
                    #token_expr
                }
                fn into_items(self) -> ::std::vec::Vec<Self::Item> {
                    #items_expr
                }
            }
        });
    }
    let count = impls.len();
    let at = types
        .iter()
        .position(|item| matches!(item, Item::Mod(_)))
        .unwrap_or(types.len());
    types.splice(at..at, impls);
    count
}

/// typify's name for a component schema.
fn rust_type_name(schema: &str) -> syn::Ident {
    format_ident!("{}", crate::naming::rust_type_name(schema))
}

/// `#[serde(rename = "x")]` → `x`.
fn serde_name(attrs: &[syn::Attribute]) -> Option<String> {
    let mut name = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let value: syn::LitStr = meta.value()?.parse()?;
                name = Some(value.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    name
}

/// `X<T>` (with `X` the last path segment) → `T`.
fn inner<'a>(ty: &'a Type, wrapper: &str) -> Option<&'a Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != wrapper {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(t) => Some(t),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> Value {
        json!({
            "paths": {
                "/a": {"get": {"operationId": "listA", "parameters": [{"name": "token", "in": "query"}],
                    "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/PageA"}}}}}}},
                "/b": {"get": {"operationId": "listB", "parameters": [{"name": "token", "in": "query"}],
                    "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/PageB"}}}}}}},
                "/c": {"get": {"operationId": "listC", "parameters": [{"name": "token", "in": "query"}],
                    "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/NoItems"}}}}}}},
                "/d": {"get": {"operationId": "getD", "responses": {}}}
            },
            "components": {"schemas": {
                "PageA": {"type": "object", "properties": {"data": {"type": "array"}, "next": {"type": "string"}}},
                "PageB": {"allOf": [{"$ref": "#/components/schemas/Base"},
                    {"properties": {"dashboards": {"type": "array"}, "warnings": {"type": "array"}}}]},
                "Base": {"properties": {"nextToken": {"type": "string"}}},
                "NoItems": {"properties": {"next": {"type": "string"}, "x": {"type": "object"}}}
            }}
        })
    }

    #[test]
    fn finds_items_and_token_fields_through_all_of() {
        let (found, skipped) = paged_types(&spec());
        assert_eq!(
            found,
            [
                PagedType {
                    schema: "PageA".into(),
                    items: "data".into(),
                    token: "next".into()
                },
                PagedType {
                    schema: "PageB".into(),
                    items: "dashboards".into(),
                    token: "nextToken".into()
                },
            ]
        );
        assert_eq!(skipped, ["listC: no items array"]);
    }

    #[test]
    fn emits_page_impls_for_the_structs_it_finds() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct PageA {
                    pub data: ::std::vec::Vec<Thing>,
                    #[serde(default, skip_serializing_if = "::std::option::Option::is_none")]
                    pub next: ::std::option::Option<::std::string::String>,
                }
                pub struct PageB {
                    #[serde(rename = "dashboards", default)]
                    pub dashboards: ::std::option::Option<::std::vec::Vec<Dash>>,
                    #[serde(rename = "nextToken")]
                    pub next_token: ::std::string::String,
                }
                pub mod builder {}
            }
        };
        let document = spec();
        let report = PageImpls.run(
            &mut file,
            &Context {
                document: &document,
            },
        );
        assert_eq!(report.changes, 2);
        assert_eq!(report.notes, ["no Page impl: listC: no items array"]);
        let text = prettyplease::unparse(&file);
        // After the types, before the nested modules.
        assert!(
            text.find("impl crate::Page for PageB").unwrap()
                < text.find("pub mod builder").unwrap(),
            "{text}"
        );
        assert!(text.contains("impl crate::Page for PageA"), "{text}");
        assert!(text.contains("type Item = Thing;"), "{text}");
        assert!(text.contains("self.next.as_deref()"), "{text}");
        assert!(text.contains("type Item = Dash;"), "{text}");
        assert!(
            text.contains("self.dashboards.unwrap_or_default()"),
            "{text}"
        );
        assert!(text.contains("Some(self.next_token.as_str())"), "{text}");
    }
}
