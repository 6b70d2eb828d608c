//! Array query parameters in the mocks: progenitor's httpmock generator
//! matches every query parameter with `query_param(name,
//! value.to_string())`, which does not compile for a `Vec` (14 places in
//! the regional mocks: `ids`, `functionalities`, `viewTypes`, ...). The client sends an array
//! as the name repeated once per item (progenitor-client's `QueryParam`),
//! so the mock matches each item:
//! `value.iter().fold(when, |when, item| when.query_param(name, item.to_string()))`.

use syn::visit_mut::{self, VisitMut};
use syn::{Expr, ImplItem, Item, parse_quote};

use super::syntax::{is_ident, module_items_mut};
use super::{Context, SyntaxPass, SyntaxReport, Tree};

/// See the module documentation.
pub struct MockArrayQueries;

impl SyntaxPass for MockArrayQueries {
    fn name(&self) -> &'static str {
        "mock-array-queries"
    }

    fn summary(&self) -> &'static str {
        "mocks match an array query parameter item by item, as the client sends it"
    }

    fn tree(&self) -> Tree {
        Tree::Mocks
    }

    fn run(&self, file: &mut syn::File, _: &Context<'_>) -> SyntaxReport {
        let mut rewrite = Rewrite { count: 0 };
        for item in module_items_mut(file, "operations").into_iter().flatten() {
            let Item::Impl(imp) = item else { continue };
            for member in imp.items.iter_mut() {
                let ImplItem::Fn(function) = member else {
                    continue;
                };
                if takes_vec(&function.sig) {
                    rewrite.visit_block_mut(&mut function.block);
                }
            }
        }
        SyntaxReport::changed(rewrite.count)
    }
}

/// Whether a `When` method's value is a `Vec` (`&Vec<T>`, or
/// `T: Into<Option<&Vec<T>>>`).
fn takes_vec(signature: &syn::Signature) -> bool {
    struct Find(bool);
    impl<'ast> syn::visit::Visit<'ast> for Find {
        fn visit_path_segment(&mut self, segment: &'ast syn::PathSegment) {
            self.0 |= segment.ident == "Vec";
            syn::visit::visit_path_segment(self, segment);
        }
    }
    let mut find = Find(false);
    syn::visit::Visit::visit_signature(&mut find, signature);
    find.0
}

struct Rewrite {
    count: usize,
}

impl VisitMut for Rewrite {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::MethodCall(call) = expr
            && call.method == "query_param"
            && call.args.len() == 2
            && is_value_to_string(&call.args[1])
        {
            let (receiver, name) = (&call.receiver, &call.args[0]);
            *expr = parse_quote! {
                value.iter().fold(#receiver, |when, item| when.query_param(#name, item.to_string()))
            };
            self.count += 1;
            return;
        }
        visit_mut::visit_expr_mut(self, expr);
    }
}

/// `value.to_string()`.
fn is_value_to_string(expr: &Expr) -> bool {
    matches!(expr, Expr::MethodCall(call)
        if call.method == "to_string" && call.args.is_empty() && is_ident(&call.receiver, "value"))
}

#[cfg(test)]
mod tests {
    use super::super::syntax::tests::squeeze;
    use super::*;

    #[test]
    fn array_parameters_match_item_by_item_and_the_others_stay() {
        let mut file: syn::File = parse_quote! {
            pub mod operations {
                pub struct DisableWhen(::httpmock::When);
                impl DisableWhen {
                    pub fn ids(self, value: &::std::vec::Vec<::std::string::String>) -> Self {
                        Self(self.0.query_param("ids", value.to_string()))
                    }
                    pub fn kinds<'a, T>(self, value: T) -> Self
                    where
                        T: Into<Option<&'a ::std::vec::Vec<types::Kind>>>,
                    {
                        if let Some(value) = value.into() {
                            Self(self.0.query_param("kinds", value.to_string()))
                        } else {
                            Self(self.0.query_param_missing("kinds"))
                        }
                    }
                    pub fn limit(self, value: i32) -> Self {
                        Self(self.0.query_param("limit", value.to_string()))
                    }
                }
            }
        };
        let document = serde_json::Value::Null;
        let report = MockArrayQueries.run(
            &mut file,
            &Context {
                document: &document,
            },
        );
        assert_eq!(report.changes, 2);
        let text = squeeze(&prettyplease::unparse(&file));
        for name in ["ids", "kinds"] {
            let wanted = squeeze(&format!(
                "value.iter().fold(self.0, |when, item| when.query_param(\"{name}\", item.to_string())"
            ));
            assert!(text.contains(&wanted), "{text}");
        }
        assert!(
            text.contains(&squeeze(
                "Self(self.0.query_param(\"limit\", value.to_string()))"
            )),
            "{text}"
        );
        assert!(text.contains("query_param_missing(\"kinds\")"), "{text}");
    }
}
