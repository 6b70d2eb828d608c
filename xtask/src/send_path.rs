//! Passes over the generated `send()` bodies that trim progenitor's
//! per-request work, without changing what is sent or returned:
//! - static headers: progenitor collects the `api-version` header (and any
//!   other unconditional header) in a `HeaderMap` built for each request,
//!   then merges it into the request; they become `.header(name, value)`
//!   calls on the request builder, which append to the request's own map;
//! - response headers: `ResponseValue::from_response`, `::stream` and
//!   `::empty` copy the response's headers; the generated crate's
//!   `responses` module (see `generate::lib_rs`) moves them out instead;
//! - path parameters: `encode_path(&x.to_string())` makes two strings per
//!   parameter; `crate::paths::Encoded(&x)` percent-encodes `x`'s `Display`
//!   output straight into the URL that `format!` builds.
//!
//! A body that does anything else with its header map (a header set only
//! when an optional parameter is given) is left as progenitor wrote it.

use std::collections::HashSet;

use quote::ToTokens;
use syn::punctuated::Punctuated;
use syn::visit_mut::{self, VisitMut};
use syn::{Block, Expr, ExprMethodCall, Local, Pat, Stmt, Token, parse_quote};

/// The variable progenitor collects a request's headers in.
const HEADER_MAP: &str = "header_map";

/// What the passes changed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SendPathReport {
    /// `send()` bodies whose headers now go straight onto the request.
    pub static_headers: usize,
    /// Response constructors that now move the headers instead of copying.
    pub moved_headers: usize,
    /// Path parameters encoded straight into the URL.
    pub path_params: usize,
}

/// Runs the passes over every function body of `file`.
pub fn trim(file: &mut syn::File) -> SendPathReport {
    let string: syn::Type = parse_quote!(Result<::std::string::String, String>);
    let mut strings = StringFields {
        string: string.to_token_stream().to_string(),
        fields: HashSet::new(),
    };
    syn::visit::Visit::visit_file(&mut strings, file);
    let mut visitor = Trim {
        string_fields: strings.fields,
        builder: None,
        report: SendPathReport::default(),
    };
    visitor.visit_file_mut(file);
    visitor.report
}

struct Trim {
    /// (builder, field) of the builders' `Result<String, String>` fields:
    /// the path parameters known to be `Display` strings.
    string_fields: HashSet<(String, String)>,
    /// The builder whose `impl` is being visited.
    builder: Option<String>,
    report: SendPathReport,
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

impl VisitMut for Trim {
    fn visit_item_mod_mut(&mut self, item: &mut syn::ItemMod) {
        // `send()` lives in `builder`; `types` is most of the file.
        if item.ident != "types" {
            visit_mut::visit_item_mod_mut(self, item);
        }
    }

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

    fn visit_block_mut(&mut self, block: &mut Block) {
        if inline_static_headers(block) {
            self.report.static_headers += 1;
        }
        visit_mut::visit_block_mut(self, block);
    }

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        visit_mut::visit_expr_mut(self, expr);
        if let Some(replacement) = moved_headers_call(expr) {
            *expr = replacement;
            self.report.moved_headers += 1;
        }
    }

    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        let builder = self.builder.as_deref().unwrap_or_default();
        let is_string = |name: &str| {
            self.string_fields
                .contains(&(builder.to_string(), name.to_string()))
        };
        self.report.path_params += encode_path_params(mac, &is_string);
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

/// `ResponseValue::from_response(x)` and its two siblings, as calls of the
/// generated crate's `responses` functions.
fn moved_headers_call(expr: &Expr) -> Option<Expr> {
    let Expr::Call(call) = expr else { return None };
    let Expr::Path(path) = &*call.func else {
        return None;
    };
    let segments = &path.path.segments;
    if segments.len() != 2 || segments[0].ident != "ResponseValue" || call.args.len() != 1 {
        return None;
    }
    let argument = &call.args[0];
    match segments[1].ident.to_string().as_str() {
        "from_response" => Some(parse_quote!(crate::responses::json(#argument))),
        "stream" => Some(parse_quote!(crate::responses::stream(#argument))),
        "empty" => Some(parse_quote!(crate::responses::empty(#argument))),
        _ => None,
    }
}

/// Rewrites one block if it has progenitor's header-map shape with only
/// unconditional appends; true when it did.
fn inline_static_headers(block: &mut Block) -> bool {
    let Some(start) = block.stmts.iter().position(declares_header_map) else {
        return false;
    };
    let mut headers = Vec::new();
    let mut end = start + 1;
    while let Some((name, value)) = block.stmts.get(end).and_then(static_append) {
        headers.push((name, value));
        end += 1;
    }
    // The one remaining use must be `.headers(header_map)` in a later
    // statement; anything else (a conditional append) keeps the map.
    let uses: Vec<usize> = (end..block.stmts.len())
        .filter(|&i| mentions(&block.stmts[i], HEADER_MAP))
        .collect();
    let [use_at] = uses.as_slice() else {
        return false;
    };
    let mut rewritten = block.stmts[*use_at].clone();
    let mut merge = MergeToHeaders {
        headers: &headers,
        replaced: 0,
    };
    merge.visit_stmt_mut(&mut rewritten);
    if merge.replaced != 1 || mentions(&rewritten, HEADER_MAP) {
        return false;
    }
    block.stmts[*use_at] = rewritten;
    block.stmts.drain(start..end);
    true
}

/// `let mut header_map = ...;`
fn declares_header_map(stmt: &Stmt) -> bool {
    let Stmt::Local(Local { pat, .. }) = stmt else {
        return false;
    };
    matches!(pat, Pat::Ident(p) if p.ident == HEADER_MAP)
}

/// `header_map.append(name, value);` as its two arguments.
fn static_append(stmt: &Stmt) -> Option<(Expr, Expr)> {
    let Stmt::Expr(Expr::MethodCall(call), Some(_)) = stmt else {
        return None;
    };
    if call.method != "append" || !is_ident(&call.receiver, HEADER_MAP) || call.args.len() != 2 {
        return None;
    }
    Some((call.args[0].clone(), header_value(&call.args[1])?))
}

/// The value of an append as the argument of `RequestBuilder::header`.
/// The map's `append` fixes the target type of a `x.try_into()?`;
/// `header`'s generic value does not, so that becomes
/// `HeaderValue::try_from(x)?` (the same conversion and error). Any other
/// fallible value is not rewritten.
fn header_value(value: &Expr) -> Option<Expr> {
    let Expr::Try(try_expr) = value else {
        return Some(value.clone());
    };
    match &*try_expr.expr {
        Expr::MethodCall(call) if call.method == "try_into" && call.args.is_empty() => {
            let converted = &call.receiver;
            Some(parse_quote!(::reqwest::header::HeaderValue::try_from(#converted)?))
        }
        _ => None,
    }
}

/// Replaces `.headers(header_map)` by one `.header(name, value)` per header.
struct MergeToHeaders<'a> {
    headers: &'a [(Expr, Expr)],
    replaced: usize,
}

impl VisitMut for MergeToHeaders<'_> {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        visit_mut::visit_expr_mut(self, expr);
        let Expr::MethodCall(ExprMethodCall {
            receiver,
            method,
            args,
            ..
        }) = expr
        else {
            return;
        };
        if method != "headers" || args.len() != 1 || !is_ident(&args[0], HEADER_MAP) {
            return;
        }
        let mut chain = (**receiver).clone();
        for (name, value) in self.headers {
            chain = parse_quote!(#chain.header(#name, #value));
        }
        *expr = chain;
        self.replaced += 1;
    }
}

fn is_ident(expr: &Expr, name: &str) -> bool {
    matches!(expr, Expr::Path(p) if p.qself.is_none() && p.path.is_ident(name))
}

/// Whether `name` appears as an identifier anywhere in `stmt`.
fn mentions(stmt: &Stmt, name: &str) -> bool {
    struct Find<'a> {
        name: &'a str,
        found: bool,
    }
    impl<'ast> syn::visit::Visit<'ast> for Find<'_> {
        fn visit_ident(&mut self, ident: &'ast syn::Ident) {
            self.found |= ident == self.name;
        }
    }
    let mut find = Find { name, found: false };
    syn::visit::Visit::visit_stmt(&mut find, stmt);
    find.found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trimmed(source: &str) -> (String, SendPathReport) {
        let mut file: syn::File = syn::parse_str(source).expect("test source parses");
        let report = trim(&mut file);
        (prettyplease::unparse(&file), report)
    }

    /// Whitespace-free, for comparing token sequences.
    fn squeeze(text: &str) -> String {
        text.split_whitespace().collect()
    }

    #[test]
    fn static_headers_go_onto_the_request_builder() {
        let (text, report) = trimmed(
            r#"async fn send() {
                let url = format!("{}/v1/users", client.baseurl);
                let mut header_map = ::reqwest::header::HeaderMap::with_capacity(2usize);
                header_map.append(A, ::reqwest::header::HeaderValue::from_static("1.0.0"));
                header_map.append("x-b", b.to_string().try_into()?);
                #[allow(unused_mut)]
                let mut request = client.client.get(url).header(ACCEPT, json).headers(header_map).build()?;
                let result = client.exec(request, &info).await;
            }"#,
        );
        assert_eq!(report.static_headers, 1);
        assert!(!text.contains("header_map"), "{text}");
        assert!(
            squeeze(&text).contains(&squeeze(
                r#"client.client.get(url).header(ACCEPT, json)
                    .header(A, ::reqwest::header::HeaderValue::from_static("1.0.0"))
                    .header("x-b", ::reqwest::header::HeaderValue::try_from(b.to_string())?)
                    .build()?"#
            )),
            "{text}"
        );
        assert!(text.contains("#[allow(unused_mut)]"), "{text}");
    }

    #[test]
    fn a_conditional_header_keeps_the_map() {
        let source = r#"async fn send() {
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(2usize);
            header_map.append(A, V);
            if let Some(value) = is_admin_mode {
                header_map.append("isAdminMode", value.to_string().try_into()?);
            }
            let mut request = client.client.delete(url).headers(header_map).build()?;
        }"#;
        let (text, report) = trimmed(source);
        assert_eq!(report.static_headers, 0);
        assert_eq!(
            squeeze(&text),
            squeeze(&prettyplease::unparse(&syn::parse_str(source).unwrap()))
        );
    }

    #[test]
    fn path_parameters_are_encoded_into_the_url() {
        let (text, report) = trimmed(
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
        assert_eq!(report.path_params, 1);
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

    #[test]
    fn response_constructors_move_the_headers() {
        let (text, report) = trimmed(
            r#"async fn send() {
                match response.status().as_u16() {
                    200u16 => ResponseValue::from_response(response).await,
                    204u16 => Ok(ResponseValue::empty(response)),
                    400u16..=499u16 => Err(Error::ErrorResponse(ResponseValue::stream(response))),
                    _ => Err(Error::UnexpectedResponse(response)),
                }
                let other = ResponseValue::new(a, b, c);
            }"#,
        );
        assert_eq!(report.moved_headers, 3);
        assert!(
            text.contains("crate::responses::json(response).await"),
            "{text}"
        );
        assert!(
            text.contains("Ok(crate::responses::empty(response))"),
            "{text}"
        );
        assert!(
            text.contains("Error::ErrorResponse(crate::responses::stream(response))"),
            "{text}"
        );
        assert!(text.contains("ResponseValue::new(a, b, c)"), "{text}");
    }
}
