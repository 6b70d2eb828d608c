//! Every data type of `types` is `#[non_exhaustive]`, as aws-sdk-rust's
//! are: a property Sumo adds to a schema becomes a new field, a value or a
//! subtype a new variant, and neither breaks a caller, since no caller
//! outside the crate can write a struct literal or an exhaustive match.
//! Values are built through typify's builders (`X::builder()`), `Default`
//! where it exists, or a `body_map(|b| ...)` on the operation's builder;
//! they are read through their fields as before.

use syn::{Attribute, Item, parse_quote};

use super::syntax::{derives, module_items_mut};
use super::{Context, SyntaxPass, SyntaxReport};

/// See the module documentation.
pub struct NonExhaustive;

impl SyntaxPass for NonExhaustive {
    fn name(&self) -> &'static str {
        "non-exhaustive"
    }

    fn summary(&self) -> &'static str {
        "every struct and enum of `types` is #[non_exhaustive]"
    }

    fn run(&self, file: &mut syn::File, _: &Context<'_>) -> SyntaxReport {
        let Some(types) = module_items_mut(file, "types") else {
            return SyntaxReport::default();
        };
        let mut count = 0;
        for item in types.iter_mut() {
            let attrs = match item {
                Item::Struct(item) => &mut item.attrs,
                Item::Enum(item) => &mut item.attrs,
                _ => continue,
            };
            if mark(attrs) {
                count += 1;
            }
        }
        SyntaxReport::changed(count)
    }
}

/// Adds `#[non_exhaustive]` to a serde data type's attributes (after its
/// docs and derives); false when it is not one or already has it.
fn mark(attrs: &mut Vec<Attribute>) -> bool {
    let is_data = derives(attrs, "Deserialize") || derives(attrs, "Serialize");
    if !is_data || attrs.iter().any(|a| a.path().is_ident("non_exhaustive")) {
        return false;
    }
    attrs.push(parse_quote!(#[non_exhaustive]));
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_types_become_non_exhaustive() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                /// A user.
                #[derive(Clone, Debug, ::serde::Deserialize, ::serde::Serialize)]
                pub struct User { pub email: String }
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                pub enum Kind { A, B, Unknown(String) }
                #[derive(::serde::Serialize)]
                #[non_exhaustive]
                pub struct Already;
                pub struct NotData;
                pub mod builder {
                    #[derive(Clone, Debug)]
                    pub struct User { email: Result<String, String> }
                }
            }
        };
        let document = serde_json::Value::Null;
        let report = NonExhaustive.run(
            &mut file,
            &Context {
                document: &document,
            },
        );
        assert_eq!(report.changes, 2);
        let text = prettyplease::unparse(&file);
        assert!(
            text.contains("::serde::Serialize)]\n    #[non_exhaustive]\n    pub struct User"),
            "{text}"
        );
        assert!(
            text.contains("#[non_exhaustive]\n    pub enum Kind"),
            "{text}"
        );
        assert_eq!(text.matches("#[non_exhaustive]").count(), 3, "{text}");
        assert!(
            !text.contains("#[non_exhaustive]\n    pub struct NotData"),
            "{text}"
        );
    }
}
