//! Response constructors move the headers: `ResponseValue::from_response`,
//! `::stream` and `::empty` copy the response's headers; the generated
//! crate's `responses` module (`generated-client/src/responses.rs`) moves
//! them out instead.

use syn::visit_mut::{self, VisitMut};
use syn::{Expr, parse_quote};

use super::syntax::module_items_mut;
use super::{Context, SyntaxPass, SyntaxReport};

/// See the module documentation.
pub struct MovedResponseHeaders;

impl SyntaxPass for MovedResponseHeaders {
    fn name(&self) -> &'static str {
        "moved-headers"
    }

    fn summary(&self) -> &'static str {
        "response constructors move the response headers instead of copying them"
    }

    fn run(&self, file: &mut syn::File, _: &Context<'_>) -> SyntaxReport {
        let mut calls = Calls { count: 0 };
        for item in module_items_mut(file, "builder").into_iter().flatten() {
            calls.visit_item_mut(item);
        }
        SyntaxReport::changed(calls.count)
    }
}

struct Calls {
    count: usize,
}

impl VisitMut for Calls {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        visit_mut::visit_expr_mut(self, expr);
        if let Some(replacement) = moved_headers_call(expr) {
            *expr = replacement;
            self.count += 1;
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::passes::syntax::tests::trimmed;

    #[test]
    fn response_constructors_move_the_headers() {
        let (text, report) = trimmed(
            &MovedResponseHeaders,
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
        assert_eq!(report.changes, 3);
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
