//! `impl crate::Operation` for every operation's builder, and `impl
//! crate::Paged` for the builders of token-paged operations whose answer
//! is a `Page`, so that any request can be handled alike (sumo-ext's typed
//! `call()` and its `pages()`/`items()` streams).

use std::collections::HashSet;

use syn::visit::Visit;
use syn::{GenericArgument, ImplItem, ImplItemFn, Item, ItemImpl, PathArguments, ReturnType, Type};

use super::page_impls::paged_types;
use super::syntax::module_items_mut;
use super::{Context, SyntaxPass, SyntaxReport};
use crate::codegen::features::plan::sent_request;
use crate::naming::rust_type_name;

/// See the module documentation.
pub struct OperationImpls;

impl SyntaxPass for OperationImpls {
    fn name(&self) -> &'static str {
        "operation-impls"
    }

    fn summary(&self) -> &'static str {
        "`impl crate::Operation` for every builder, `crate::Paged` for the token-paged ones"
    }

    fn run(&self, file: &mut syn::File, context: &Context<'_>) -> SyntaxReport {
        let pages: HashSet<String> = paged_types(context.document)
            .0
            .iter()
            .map(|p| rust_type_name(&p.schema))
            .collect();
        let Some(builders) = module_items_mut(file, "builder") else {
            return SyntaxReport::default();
        };
        let mut added: Vec<Item> = Vec::new();
        let mut notes = Vec::new();
        let mut paged = 0;
        for item in builders.iter() {
            let Item::Impl(imp) = item else { continue };
            if imp.trait_.is_some() {
                continue;
            }
            let Some(send) = method(imp, "send") else {
                continue;
            };
            let (Some(output), Some(name)) = (output_type(send), operation_id(send)) else {
                let ty = &imp.self_ty;
                notes.push(format!(
                    "no Operation impl: the `send` of {} has another shape",
                    quote::quote!(#ty)
                ));
                continue;
            };
            let Some((http_method, path)) = sent_request(item) else {
                let ty = &imp.self_ty;
                notes.push(format!(
                    "no Operation impl: the `send` of {} does not say its request",
                    quote::quote!(#ty)
                ));
                continue;
            };
            let (generics, self_ty) = (&imp.generics, &imp.self_ty);
            added.push(syn::parse_quote! {
                impl #generics crate::Operation for #self_ty {
                    type Output = #output;
                    const NAME: &'static str = #name;
                    const METHOD: &'static str = #http_method;
                    const PATH: &'static str = #path;
                    fn send_request(
                        self,
                    ) -> impl ::std::future::Future<
                        Output = Result<ResponseValue<Self::Output>, Error<ByteStream>>,
                    > + Send {
                        self.send()
                    }
                }
            });
            let is_page = last_segment(&output).is_some_and(|t| pages.contains(&t));
            if is_page && method(imp, "token").is_some() {
                paged += 1;
                added.push(syn::parse_quote! {
                    impl #generics crate::Paged for #self_ty {
                        fn with_token(self, token: ::std::string::String) -> Self {
                            self.token(token)
                        }
                    }
                });
            }
        }
        let operations = added.len() - paged;
        builders.extend(added);
        notes.push(format!(
            "{operations} Operation impls, {paged} of them Paged"
        ));
        SyntaxReport {
            changes: operations + paged,
            notes,
        }
    }
}

fn method<'a>(imp: &'a ItemImpl, name: &str) -> Option<&'a ImplItemFn> {
    imp.items.iter().find_map(|member| match member {
        ImplItem::Fn(f) if f.sig.ident == name => Some(f),
        _ => None,
    })
}

/// `T` of `-> Result<ResponseValue<T>, Error<ByteStream>>`.
fn output_type(send: &ImplItemFn) -> Option<Type> {
    let ReturnType::Type(_, ty) = &send.sig.output else {
        return None;
    };
    let result = generic_args(ty, "Result")?;
    let value = generic_args(result.first()?, "ResponseValue")?;
    value.first().cloned()
}

/// The type arguments of `ty` when its last segment is `name`.
fn generic_args(ty: &Type, name: &str) -> Option<Vec<Type>> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    Some(
        args.args
            .iter()
            .filter_map(|a| match a {
                GenericArgument::Type(t) => Some(t.clone()),
                _ => None,
            })
            .collect(),
    )
}

fn last_segment(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// The `operation_id: "..."` literal of the `OperationInfo` in `send`.
fn operation_id(send: &ImplItemFn) -> Option<syn::LitStr> {
    struct Find(Option<syn::LitStr>);
    impl<'ast> Visit<'ast> for Find {
        fn visit_field_value(&mut self, field: &'ast syn::FieldValue) {
            if let syn::Member::Named(name) = &field.member
                && name == "operation_id"
                && let syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(text),
                    ..
                }) = &field.expr
            {
                self.0 = Some(text.clone());
            }
            syn::visit::visit_field_value(self, field);
        }
    }
    let mut find = Find(None);
    find.visit_impl_item_fn(send);
    find.0
}

#[cfg(test)]
mod tests {
    use super::super::syntax::tests::squeeze;
    use super::*;

    #[test]
    fn every_builder_gets_operation_and_paged_builders_paged() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder {
                pub struct ListThings<'a> { client: &'a super::Client }
                impl<'a> ListThings<'a> {
                    pub fn token<V>(mut self, value: V) -> Self { self }
                    #[doc = "Sends a `GET` request to `/things`"]
                    pub async fn send(self) -> Result<ResponseValue<types::ListThingsResponse>, Error<ByteStream>> {
                        let info = OperationInfo { operation_id: "list_things" };
                        todo!()
                    }
                }
                pub struct GetThing<'a> { client: &'a super::Client }
                impl<'a> GetThing<'a> {
                    #[doc = "Sends a `GET` request to `/things/{id}`"]
                    pub async fn send(self) -> Result<ResponseValue<types::Thing>, Error<ByteStream>> {
                        let info = OperationInfo { operation_id: "get_thing" };
                        todo!()
                    }
                }
            }
        };
        let document = serde_json::json!({
            "paths": {"/things": {"get": {"operationId": "listThings",
                "parameters": [{"name": "token", "in": "query", "schema": {"type": "string"}}],
                "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ListThingsResponse"}}}}}}}},
            "components": {"schemas": {"ListThingsResponse": {"type": "object", "properties": {
                "data": {"type": "array", "items": {"type": "string"}}, "next": {"type": "string"}}}}}
        });
        let report = OperationImpls.run(
            &mut file,
            &Context {
                document: &document,
            },
        );
        assert_eq!(report.changes, 3, "{report:?}");
        let text = squeeze(&prettyplease::unparse(&file));
        let has = |wanted: &str| text.contains(&squeeze(wanted));
        assert!(
            has(
                "impl<'a> crate::Operation for ListThings<'a> { type Output = types::ListThingsResponse; const NAME: &'static str = \"list_things\"; const METHOD: &'static str = \"GET\"; const PATH: &'static str = \"/things\";"
            ),
            "{text}"
        );
        assert!(has("impl<'a> crate::Paged for ListThings<'a>"), "{text}");
        assert!(
            has(
                "const NAME: &'static str = \"get_thing\"; const METHOD: &'static str = \"GET\"; const PATH: &'static str = \"/things/{id}\";"
            ),
            "{text}"
        );
        assert!(!has("crate::Paged for GetThing"), "{text}");
    }
}
