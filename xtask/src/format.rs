//! From progenitor's tokens to formatted, annotated source text, on two
//! threads.
//!
//! Parsing progenitor's output with syn and printing it with prettyplease
//! take most of the generation time. proc-macro2 tokens cannot cross threads
//! (and re-lexing them from text is slower than parsing them), so each thread
//! runs progenitor itself (it is deterministic) and formats its own half:
//! - the main part: everything but the modules nested in `types`;
//! - the type modules: `types::builder`, `types::defaults`, `types::error`
//!   (typify's struct builders are about half the code).
//!
//! The halves are stitched back in source order, which equals formatting the
//! whole file at once (a unit test checks it on a fixture).

use std::ops::Range;
use std::panic::{AssertUnwindSafe, catch_unwind};

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use quote::quote;

use crate::annotate::{self, AnnotationReport};
use crate::paging::PagedType;

/// Formats the tokens `make_tokens` produces (called once per thread).
pub fn format_parallel<F>(
    make_tokens: F,
    paged: &[PagedType],
) -> Result<(String, AnnotationReport), String>
where
    F: Fn() -> Result<TokenStream, String> + Sync,
{
    std::thread::scope(|scope| {
        let modules = scope.spawn(|| caught(|| format_type_modules(make_tokens()?, paged)));
        let main = caught(|| format_main(make_tokens()?, paged));
        let modules = modules
            .join()
            .map_err(|_| "the formatting thread panicked".to_string())??;
        let (text, report) = main?;
        match modules {
            Some((inner, modules_report)) => {
                let (head, tail) = text;
                Ok((format!("{head}{inner}{tail}"), report.merge(modules_report)))
            }
            None => Ok((format!("{}{}", text.0, text.1), report)),
        }
    })
}

/// Formats everything except the modules nested in `types`. Returns the text
/// up to (not including) the closing brace of `types`, and the rest.
#[allow(clippy::type_complexity)]
fn format_main(
    tokens: TokenStream,
    paged: &[PagedType],
) -> Result<((String, String), AnnotationReport), String> {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let Some(types) = module_range(&trees, "types") else {
        let (text, report) = print(parse(collect(&trees))?, paged);
        return Ok(((text, String::new()), report));
    };
    let body = module_body(&trees[types.clone()]);
    let inner: Vec<TokenTree> = body.stream().into_iter().collect();
    let nested = nested_modules(&inner);
    if nested.is_empty() {
        let (text, report) = print(parse(collect(&trees))?, paged);
        return Ok(((text, String::new()), report));
    }
    let plain: TokenStream = inner
        .iter()
        .enumerate()
        .filter(|(i, _)| !nested.iter().any(|r| r.contains(i)))
        .map(|(_, t)| t.clone())
        .collect();
    let header = collect(&trees[types.start..types.end - 1]);
    let before = collect(&trees[..types.start]);
    let after = collect(&trees[types.end..]);
    let (head, head_report) = print(parse(quote!(#before #header { #plain }))?, paged);
    let head = head
        .strip_suffix("}\n")
        .ok_or("unexpected end of the formatted `types` module")?
        .to_string();
    let (tail, tail_report) = print(parse(after)?, paged);
    Ok(((head, tail), head_report.merge(tail_report)))
}

/// Formats the modules nested in `types`, indented as inside it, followed by
/// the closing brace of `types`. `None` when there are none.
fn format_type_modules(
    tokens: TokenStream,
    paged: &[PagedType],
) -> Result<Option<(String, AnnotationReport)>, String> {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let Some(types) = module_range(&trees, "types") else {
        return Ok(None);
    };
    let inner: Vec<TokenTree> = module_body(&trees[types]).stream().into_iter().collect();
    let nested = nested_modules(&inner);
    if nested.is_empty() {
        return Ok(None);
    }
    let modules: TokenStream = nested
        .into_iter()
        .flat_map(|r| collect(&inner[r]))
        .collect();
    let (text, report) = print(parse(quote!(mod types { #modules }))?, paged);
    let text = text
        .strip_prefix("mod types {\n")
        .ok_or("unexpected start of the formatted type modules")?
        .to_string();
    Ok(Some((text, report)))
}

fn caught<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| Err(panic_message(&*payload)))
}

/// The message of a caught panic.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "no message".into())
}

fn collect(trees: &[TokenTree]) -> TokenStream {
    trees.iter().cloned().collect()
}

fn parse(tokens: TokenStream) -> Result<syn::File, String> {
    syn::parse2(tokens).map_err(|e| format!("progenitor produced code that does not parse: {e}"))
}

fn print(mut file: syn::File, paged: &[PagedType]) -> (String, AnnotationReport) {
    let report = annotate::annotate(&mut file, paged);
    (prettyplease::unparse(&file), report)
}

/// The brace group of a module item.
fn module_body(item: &[TokenTree]) -> Group {
    match item.last() {
        Some(TokenTree::Group(group)) => group.clone(),
        _ => Group::new(Delimiter::Brace, TokenStream::new()),
    }
}

/// Every `[attributes] [pub] mod NAME { ... }` at the top level of `trees`.
fn nested_modules(trees: &[TokenTree]) -> Vec<Range<usize>> {
    (0..trees.len())
        .filter(|&at| is_module_at(trees, at, None))
        .map(|at| extend_back(trees, at))
        .collect()
}

/// The top-level item `[attributes] [pub] mod NAME { ... }`.
fn module_range(trees: &[TokenTree], name: &str) -> Option<Range<usize>> {
    let at = (0..trees.len()).find(|&at| is_module_at(trees, at, Some(name)))?;
    Some(extend_back(trees, at))
}

fn is_module_at(trees: &[TokenTree], at: usize, name: Option<&str>) -> bool {
    matches!(trees.get(at), Some(TokenTree::Ident(i)) if i == "mod")
        && matches!(trees.get(at + 1), Some(TokenTree::Ident(i)) if name.is_none_or(|n| i == n))
        && matches!(trees.get(at + 2), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace)
}

/// From the `mod` keyword at `at`, back over `pub` and `#[...]` attributes.
fn extend_back(trees: &[TokenTree], at: usize) -> Range<usize> {
    let mut start = at;
    if start > 0 && matches!(&trees[start - 1], TokenTree::Ident(i) if i == "pub") {
        start -= 1;
    }
    while start >= 2
        && matches!(&trees[start - 2], TokenTree::Punct(p) if p.as_char() == '#')
        && matches!(&trees[start - 1], TokenTree::Group(g) if g.delimiter() == Delimiter::Bracket)
    {
        start -= 2;
    }
    start..at + 3
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> TokenStream {
        quote! {
            pub use a::b;
            /// Types.
            #[allow(clippy::all)]
            pub mod types {
                /// A mode.
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, schemars::JsonSchema)]
                pub enum Mode { A, B }
                impl Mode { pub fn builder() -> builder::Mode { todo!() } }
                /// Builders.
                pub mod builder { pub struct Mode { x: Result<u8, String> } }
                pub mod defaults { pub fn one() -> u8 { 1 } }
            }
            #[derive(Clone)]
            pub struct Client { x: u8 }
            pub mod builder { pub struct X; }
        }
    }

    fn whole(tokens: TokenStream) -> String {
        let mut file: syn::File = syn::parse2(tokens).unwrap();
        annotate::annotate(&mut file, &[]);
        prettyplease::unparse(&file)
    }

    #[test]
    fn stitched_halves_equal_the_whole_file() {
        let (split, report) = format_parallel(|| Ok(sample()), &[]).unwrap();
        assert_eq!(split, whole(sample()));
        assert_eq!(report.opened_enums, 1);
        assert_eq!(report.schemars_gated, 1);
    }

    #[test]
    fn without_nested_modules_the_file_is_formatted_whole() {
        let plain = || quote! { pub mod types { pub struct A; } pub struct Client; };
        let (text, _) = format_parallel(|| Ok(plain()), &[]).unwrap();
        assert_eq!(text, whole(plain()));
        let flat = || quote! { pub struct Client; };
        assert_eq!(
            format_parallel(|| Ok(flat()), &[]).unwrap().0,
            whole(flat())
        );
    }

    #[test]
    fn errors_and_panics_of_the_token_source_are_reported() {
        let err = format_parallel(|| Err("no tokens".to_string()), &[]).unwrap_err();
        assert_eq!(err, "no tokens");
        let err =
            format_parallel(|| -> Result<TokenStream, String> { panic!("boom") }, &[]).unwrap_err();
        assert_eq!(err, "boom");
    }

    #[test]
    fn finds_modules_with_their_attributes() {
        let trees: Vec<TokenTree> = sample().into_iter().collect();
        let range = module_range(&trees, "types").unwrap();
        let text = collect(&trees[range.clone()]).to_string();
        assert!(
            text.starts_with("# [doc = r\" Types.\"] # [allow (clippy :: all)] pub mod types"),
            "{text}"
        );
        assert!(module_range(&trees, "nothing").is_none());
        let inner: Vec<TokenTree> = module_body(&trees[range]).stream().into_iter().collect();
        let nested = nested_modules(&inner);
        assert_eq!(nested.len(), 2);
        assert!(
            collect(&inner[nested[0].clone()])
                .to_string()
                .starts_with("# [doc = r\" Builders.\"] pub mod builder")
        );
    }
}
