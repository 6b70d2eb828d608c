//! Path parameters are encoded straight into the URL:
//! `encode_path(&x.to_string())` makes two strings per parameter;
//! `crate::paths::Encoded(&x)` (`generated-client/src/paths.rs`)
//! percent-encodes `x`'s `Display` output into the URL that `format!` builds.
//! Only `String` builder fields are rewritten: typify's string newtypes have
//! no `Display`.
//!
//! Matches progenitor's `encode_path(&x.to_string())` calls: the guard in
//! `codegen::tests` fails if a progenitor upgrade changes them.

use std::collections::HashSet;

use quote::ToTokens;
use syn::punctuated::Punctuated;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, Token, parse_quote};

use super::syntax::module_items_mut;
use super::{Context, SyntaxPass, SyntaxReport};

/// See the module documentation.
pub struct EncodedPathParams;

impl SyntaxPass for EncodedPathParams {
    fn name(&self) -> &'static str {
        "encoded-path-params"
    }

    fn summary(&self) -> &'static str {
        "path parameters percent-encoded straight into the URL"
    }

    fn run(&self, file: &mut syn::File, _: &Context<'_>) -> SyntaxReport {
        let Some(builders) = module_items_mut(file, "builder") else {
            return SyntaxReport::default();
        };
        let string: syn::Type = parse_quote!(Result<::std::string::String, String>);
        let mut strings = StringFields {
            string: string.to_token_stream().to_string(),
            fields: HashSet::new(),
        };
        for item in builders.iter() {
            syn::visit::Visit::visit_item(&mut strings, item);
        }
        let mut params = Params {
            string_fields: strings.fields,
            builder: None,
            count: 0,
        };
        for item in builders.iter_mut() {
            params.visit_item_mut(item);
        }
        SyntaxReport::changed(params.count)
    }
}

struct Params {
    /// (builder, field) of the builders' `Result<String, String>` fields:
    /// the path parameters known to be `Display` strings.
    string_fields: HashSet<(String, String)>,
    /// The builder whose `impl` is being visited.
    builder: Option<String>,
    count: usize,
}

impl VisitMut for Params {
    fn visit_item_impl_mut(&mut self, item: &mut syn::ItemImpl) {
        let outer = self.builder.take();
        if let syn::Type::Path(path) = &*item.self_ty
            && let Some(last) = path.path.segments.last()
        {
            self.builder = Some(last.ident.to_string());
        }
        visit_mut::visit_item_impl_mut(self, item);
        self.builder = outer;
    }

    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        let builder = self.builder.as_deref().unwrap_or_default();
        let is_string = |name: &str| {
            self.string_fields
                .contains(&(builder.to_string(), name.to_string()))
        };
        self.count += encode_path_params(mac, &is_string);
    }
}

/// Collects the builder fields typed `string`
/// (`Result<::std::string::String, String>`, as tokens).
struct StringFields {
    string: String,
    fields: HashSet<(String, String)>,
}

impl<'ast> syn::visit::Visit<'ast> for StringFields {
    fn visit_item_struct(&mut self, item: &'ast syn::ItemStruct) {
        // Builders hold their client; the many type structs are skipped.
        let is_builder = item
            .fields
            .iter()
            .any(|field| field.ident.as_ref().is_some_and(|name| name == "client"));
        if !is_builder {
            return;
        }
        for field in &item.fields {
            if let Some(name) = &field.ident
                && field.ty.to_token_stream().to_string() == self.string
            {
                self.fields
                    .insert((item.ident.to_string(), name.to_string()));
            }
        }
    }
}

/// In a `format!(...)`, replaces each `encode_path(&x.to_string())` by
/// `crate::paths::Encoded(&x)` where `is_string(x)` (other parameter types
/// need not be `Display`: typify's string newtypes are not); returns how
/// many.
fn encode_path_params(mac: &mut syn::Macro, is_string: &dyn Fn(&str) -> bool) -> usize {
    if !mac.path.is_ident("format") {
        return 0;
    }
    let Ok(mut args) = mac.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated) else {
        return 0;
    };
    let mut count = 0;
    for arg in args.iter_mut() {
        if let Some(value) = encoded_path_param(arg)
            && matches!(&value, Expr::Path(p) if p.path.get_ident().is_some_and(|i| is_string(&i.to_string())))
        {
            *arg = parse_quote!(crate::paths::Encoded(&#value));
            count += 1;
        }
    }
    if count > 0 {
        mac.tokens = args.to_token_stream();
    }
    count
}

/// `x` of `encode_path(&x.to_string())`.
fn encoded_path_param(expr: &Expr) -> Option<Expr> {
    let Expr::Call(call) = expr else { return None };
    let Expr::Path(function) = &*call.func else {
        return None;
    };
    if !function.path.is_ident("encode_path") || call.args.len() != 1 {
        return None;
    }
    let Expr::Reference(reference) = &call.args[0] else {
        return None;
    };
    match &*reference.expr {
        Expr::MethodCall(to_string)
            if to_string.method == "to_string" && to_string.args.is_empty() =>
        {
            Some((*to_string.receiver).clone())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::passes::syntax::tests::{squeeze, trimmed};

    #[test]
    fn path_parameters_are_encoded_into_the_url() {
        let (text, report) = trimmed(
            &EncodedPathParams,
            r#"
            pub struct GetThing<'a> {
                client: &'a super::Client,
                id: Result<::std::string::String, String>,
                org_id: Result<types::ChildOrgId, String>,
            }
            impl<'a> GetThing<'a> {
                async fn send() {
                    let url = format!(
                        "{}/v1/users/{}/x/{}/{}", client.baseurl, encode_path(&id.to_string()),
                        encode_path(&other), encode_path(&org_id.to_string()),
                    );
                    let not_a_url = other!("{}", encode_path(&id.to_string()));
                }
            }
            async fn outside() {
                let url = format!("{}", encode_path(&id.to_string()));
            }"#,
        );
        assert_eq!(report.changes, 1);
        assert!(
            squeeze(&text).contains(&squeeze(
                r#"format!("{}/v1/users/{}/x/{}/{}", client.baseurl, crate::paths::Encoded(&id),
                    encode_path(&other), encode_path(&org_id.to_string()),)"#
            )),
            "{text}"
        );
        assert!(
            squeeze(&text).contains(&squeeze(r#"format!("{}", encode_path(&id.to_string()))"#)),
            "{text}"
        );
        assert!(
            squeeze(&text).contains(&squeeze(r#"other!("{}", encode_path(&id.to_string()))"#)),
            "{text}"
        );
    }
}
