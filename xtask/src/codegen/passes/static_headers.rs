//! Static headers go straight onto the request builder: progenitor
//! collects the `api-version` header (and any other unconditional header) in
//! a `HeaderMap` built for each request, then merges it into the request;
//! they become `.header(name, value)` calls on the request builder, which
//! append to the request's own map. A body that does anything else with its
//! map (a header set only when an optional parameter is given) is left as
//! progenitor wrote it.
//!
//! Matches progenitor's private variable name `header_map`: the guard in
//! `codegen::tests` fails if a progenitor upgrade renames it.

use syn::visit_mut::{self, VisitMut};
use syn::{Block, Expr, ExprMethodCall, Local, Pat, Stmt, parse_quote};

use super::syntax::{is_ident, module_items_mut};
use super::{Context, SyntaxPass, SyntaxReport};

/// The variable progenitor collects a request's headers in.
const HEADER_MAP: &str = "header_map";

/// See the module documentation.
pub struct StaticHeaders;

impl SyntaxPass for StaticHeaders {
    fn name(&self) -> &'static str {
        "static-headers"
    }

    fn summary(&self) -> &'static str {
        "send() bodies put unconditional headers straight onto the request"
    }

    fn run(&self, file: &mut syn::File, _: &Context<'_>) -> SyntaxReport {
        let mut blocks = Blocks { count: 0 };
        for item in module_items_mut(file, "builder").into_iter().flatten() {
            blocks.visit_item_mut(item);
        }
        SyntaxReport::changed(blocks.count)
    }
}

struct Blocks {
    count: usize,
}

impl VisitMut for Blocks {
    fn visit_block_mut(&mut self, block: &mut Block) {
        if inline_static_headers(block) {
            self.count += 1;
        }
        visit_mut::visit_block_mut(self, block);
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
    use crate::codegen::passes::syntax::tests::{squeeze, trimmed};

    #[test]
    fn static_headers_go_onto_the_request_builder() {
        let (text, report) = trimmed(
            &StaticHeaders,
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
        assert_eq!(report.changes, 1);
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
        let (text, report) = trimmed(&StaticHeaders, source);
        assert_eq!(report.changes, 0);
        assert_eq!(
            squeeze(&text),
            squeeze(&prettyplease::unparse(&syn::parse_str(source).unwrap()))
        );
    }
}
