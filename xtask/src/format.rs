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

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};

use crate::annotate::{self, AnnotationReport};
use crate::features::SpecFeatures;
use crate::features::gate::gate_file;
use crate::features::plan::Plan;
use crate::features::split::{file_of, split_file};
use crate::paging::PagedType;

/// A formatted module: its main text, the split-out files of its cfg'd
/// items, and what the annotation passes did.
#[derive(Debug, Default)]
pub struct Formatted {
    pub text: String,
    pub parts: Vec<PartText>,
    pub report: AnnotationReport,
}

/// One file of cfg'd items (see [`crate::features::split`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartText {
    /// Relative to the module's directory: `types/user-management.rs`.
    pub path: String,
    /// The cfg it is included under.
    pub cfg: String,
    pub text: String,
}

/// Formats the tokens `make_tokens` produces (called once per thread) as
/// the module `module`. The feature plan needs the main part (types and
/// operations); the main thread builds it and hands it to the other thread,
/// which has parsed its part in the meantime.
pub fn format_parallel<F>(
    make_tokens: F,
    paged: &[PagedType],
    spec: &SpecFeatures,
    module: &str,
) -> Result<Formatted, String>
where
    F: Fn() -> Result<TokenStream, String> + Sync,
{
    std::thread::scope(|scope| {
        let (send_plan, receive_plan) = mpsc::channel();
        let modules = scope
            .spawn(|| caught(|| format_type_modules(make_tokens()?, paged, receive_plan, module)));
        let main = caught(|| format_main(make_tokens()?, paged, spec, send_plan, module));
        let modules = modules
            .join()
            .map_err(|_| "the formatting thread panicked".to_string())?;
        let ((head, tail), mut formatted) = main?;
        match modules? {
            Some(modules) => {
                formatted.text = format!("{head}{}{tail}", modules.text);
                formatted.parts.extend(modules.parts);
                formatted.report = formatted.report.merge(modules.report);
            }
            None => formatted.text = format!("{head}{tail}"),
        }
        formatted.parts.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(formatted)
    })
}

/// Formats everything except the modules nested in `types`. Returns the text
/// up to (not including) the closing brace of `types`, and the rest.
fn format_main(
    tokens: TokenStream,
    paged: &[PagedType],
    spec: &SpecFeatures,
    send_plan: Sender<Arc<Plan>>,
    module: &str,
) -> Result<((String, String), Formatted), String> {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let whole = |trees: &[TokenTree]| -> Result<((String, String), Formatted), String> {
        let mut formatted = format_whole(parse(collect(trees))?, paged, spec, module);
        let text = std::mem::take(&mut formatted.text);
        Ok(((text, String::new()), formatted))
    };
    let Some(types) = module_range(&trees, "types") else {
        return whole(&trees);
    };
    let body = module_body(&trees[types.clone()]);
    let inner: Vec<TokenTree> = body.stream().into_iter().collect();
    let nested = nested_modules(&inner);
    if nested.is_empty() {
        return whole(&trees);
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
    let mut head = parse(quote!(#before #header { #plain }))?;
    let mut tail = parse(after)?;
    let report = annotate::annotate(&mut head, paged).merge(annotate::annotate(&mut tail, paged));
    let plan = Arc::new(Plan::build(&[&head, &tail], spec));
    // The other thread may have failed already; its error is reported then.
    let _ = send_plan.send(plan.clone());
    let head = gate_and_print(head, &plan, module);
    let head_text = head
        .text
        .strip_suffix("}\n")
        .ok_or("unexpected end of the formatted `types` module")?
        .to_string();
    let tail = gate_and_print(tail, &plan, module);
    let mut parts = head.parts;
    parts.extend(tail.parts);
    Ok((
        (head_text, tail.text),
        Formatted {
            text: String::new(),
            parts,
            report: report.merge(head.report).merge(tail.report),
        },
    ))
}

/// Annotates, gates, splits and prints a whole file.
pub fn format_whole(
    mut file: syn::File,
    paged: &[PagedType],
    spec: &SpecFeatures,
    module: &str,
) -> Formatted {
    let report = annotate::annotate(&mut file, paged);
    let plan = Plan::build(&[&file], spec);
    let mut formatted = gate_and_print(file, &plan, module);
    formatted.report = formatted.report.merge(report);
    formatted
}

/// Gates the items of `file`, moves the cfg'd ones into parts, prints all.
fn gate_and_print(mut file: syn::File, plan: &Plan, module: &str) -> Formatted {
    let gated = gate_file(&mut file, plan);
    let parts = split_file(&mut file, module)
        .into_iter()
        .map(|part| PartText {
            text: prettyplease::unparse(&file_of(part.items)),
            path: part.path,
            cfg: part.cfg,
        })
        .collect();
    Formatted {
        text: prettyplease::unparse(&file),
        parts,
        report: AnnotationReport {
            cfg_gated: gated,
            ..AnnotationReport::default()
        },
    }
}

/// Formats the modules nested in `types`, indented as inside it, followed by
/// the closing brace of `types`. `None` when there are none.
fn format_type_modules(
    tokens: TokenStream,
    paged: &[PagedType],
    receive_plan: Receiver<Arc<Plan>>,
    module: &str,
) -> Result<Option<Formatted>, String> {
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
    let mut file = parse(quote!(mod types { #modules }))?;
    let report = annotate::annotate(&mut file, paged);
    let plan = receive_plan
        .recv()
        .map_err(|_| "the feature plan was not built".to_string())?;
    let mut formatted = gate_and_print(file, &plan, module);
    formatted.report = formatted.report.merge(report);
    formatted.text = formatted
        .text
        .strip_prefix("mod types {\n")
        .ok_or("unexpected start of the formatted type modules")?
        .to_string();
    Ok(Some(formatted))
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
            impl Client { pub fn get_modes(&self) -> builder::GetModes<'_> { todo!() } }
            pub mod builder {
                use super::types;
                pub struct GetModes<'a> { client: &'a super::Client }
                impl<'a> GetModes<'a> {
                    #[doc = "Sends a `GET` request to `/modes`"]
                    pub async fn send(self) -> types::Mode { todo!() }
                }
            }
        }
    }

    fn whole(tokens: TokenStream) -> Formatted {
        let file: syn::File = syn::parse2(tokens).unwrap();
        let mut formatted = format_whole(file, &[], &spec(), "m");
        formatted.parts.sort_by(|a, b| a.path.cmp(&b.path));
        formatted
    }

    /// One tagged operation, `GET /modes`.
    fn spec() -> SpecFeatures {
        SpecFeatures::from_spec(&serde_json::json!({
            "paths": {"/modes": {"get": {"tags": ["modes"]}}, "/x": {"get": {"tags": ["other"]}}}
        }))
    }

    #[test]
    fn stitched_halves_equal_the_whole_file() {
        let split = format_parallel(|| Ok(sample()), &[], &spec(), "m").unwrap();
        let whole = whole(sample());
        assert_eq!(split.text, whole.text);
        assert_eq!(split.parts, whole.parts);
        let report = split.report;
        assert_eq!(report.opened_enums, 1);
        assert_eq!(report.schemars_gated, 1);
        // `Mode`, its impl, its struct builder, the operation builder and its
        // impl, the client method: in four included files.
        assert_eq!(report.cfg_gated, 6, "{}", split.text);
        let paths: Vec<&str> = split.parts.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "builder/modes.rs",
                "client/modes.rs",
                "types/builder/modes.rs",
                "types/modes.rs"
            ]
        );
        assert_eq!(
            split.text.matches("#[cfg(feature = \"modes\")]").count(),
            4,
            "{}",
            split.text
        );
        assert!(
            split.text.contains("include!(\"m/types/modes.rs\");"),
            "{}",
            split.text
        );
        assert!(
            split.parts[3].text.contains("pub enum Mode"),
            "{}",
            split.parts[3].text
        );
    }

    #[test]
    fn without_nested_modules_the_file_is_formatted_whole() {
        let plain = || quote! { pub mod types { pub struct A; } pub struct Client; };
        let formatted = format_parallel(|| Ok(plain()), &[], &spec(), "m").unwrap();
        assert_eq!(formatted.text, whole(plain()).text);
        let flat = || quote! { pub struct Client; };
        assert_eq!(
            format_parallel(|| Ok(flat()), &[], &spec(), "m")
                .unwrap()
                .text,
            whole(flat()).text
        );
    }

    #[test]
    fn errors_and_panics_of_the_token_source_are_reported() {
        let err = format_parallel(|| Err("no tokens".to_string()), &[], &spec(), "m").unwrap_err();
        assert_eq!(err, "no tokens");
        let err = format_parallel(
            || -> Result<TokenStream, String> { panic!("boom") },
            &[],
            &spec(),
            "m",
        )
        .unwrap_err();
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
