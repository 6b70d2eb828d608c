//! Passes over the generated syntax tree, for what progenitor cannot emit:
//! - `schemars::JsonSchema` derives move behind the `schemars` cargo feature;
//! - string enums get a fallback variant, so a value the server adds later
//!   parses instead of failing the whole response;
//! - `send()` bodies lose progenitor's per-request header copies
//!   (`send_path`).

use std::collections::HashMap;

use syn::visit_mut::VisitMut;

use crate::paging::{PagedType, add_page_impls};
use crate::send_path::{self, SendPathReport};
use syn::{Attribute, Fields, Ident, ImplItem, Item, ItemEnum, parse_quote};

/// What the annotation passes changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct AnnotationReport {
    /// Items whose `JsonSchema` derive now sits behind the `schemars` feature.
    pub schemars_gated: usize,
    /// String enums that gained a fallback variant.
    pub opened_enums: usize,
    /// Page types that gained an `impl crate::Page`.
    pub page_impls: usize,
    /// Items that got a `#[cfg]` of the per-tag features.
    pub cfg_gated: usize,
    /// What the send-path passes trimmed.
    pub send_path: SendPathReport,
}

impl AnnotationReport {
    /// Sums two reports (of parts of one file).
    pub fn merge(self, other: AnnotationReport) -> AnnotationReport {
        AnnotationReport {
            schemars_gated: self.schemars_gated + other.schemars_gated,
            opened_enums: self.opened_enums + other.opened_enums,
            page_impls: self.page_impls + other.page_impls,
            cfg_gated: self.cfg_gated + other.cfg_gated,
            send_path: SendPathReport {
                static_headers: self.send_path.static_headers + other.send_path.static_headers,
                moved_headers: self.send_path.moved_headers + other.send_path.moved_headers,
                path_params: self.send_path.path_params + other.send_path.path_params,
            },
        }
    }
}

/// Runs every annotation pass over a generated file.
pub fn annotate(file: &mut syn::File, paged: &[PagedType]) -> AnnotationReport {
    let mut report = AnnotationReport::default();
    let mut gate = SchemarsGate { count: 0 };
    gate.visit_file_mut(file);
    report.schemars_gated = gate.count;
    report.opened_enums = open_enums(&mut file.items);
    report.page_impls = add_page_impls(&mut file.items, paged);
    report.send_path = send_path::trim(file);
    report
}

/// Replaces `JsonSchema` in derive lists by
/// `#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]`.
struct SchemarsGate {
    count: usize,
}

impl SchemarsGate {
    fn gate(&mut self, attrs: &mut Vec<Attribute>) {
        let Some(position) = attrs.iter().position(|attr| {
            attr.path().is_ident("derive") && derived_paths(attr).iter().any(is_json_schema)
        }) else {
            return;
        };
        let kept: Vec<syn::Path> = derived_paths(&attrs[position])
            .into_iter()
            .filter(|p| !is_json_schema(p))
            .collect();
        let gated: Attribute =
            parse_quote!(#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]);
        if kept.is_empty() {
            attrs[position] = gated;
        } else {
            attrs[position] = parse_quote!(#[derive(#(#kept),*)]);
            attrs.insert(position + 1, gated);
        }
        self.count += 1;
    }
}

fn is_json_schema(path: &syn::Path) -> bool {
    path.segments
        .last()
        .is_some_and(|s| s.ident == "JsonSchema")
}

/// The paths listed in a `#[derive(...)]` attribute (empty for others).
fn derived_paths(attr: &Attribute) -> Vec<syn::Path> {
    attr.parse_args_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
        .map(|paths| paths.into_iter().collect())
        .unwrap_or_default()
}

impl VisitMut for SchemarsGate {
    fn visit_item_struct_mut(&mut self, item: &mut syn::ItemStruct) {
        self.gate(&mut item.attrs);
    }

    fn visit_item_enum_mut(&mut self, item: &mut syn::ItemEnum) {
        self.gate(&mut item.attrs);
    }
}

/// Names tried, in order, for the fallback variant of an open enum.
const FALLBACK_NAMES: [&str; 3] = ["Unknown", "Other", "UnknownValue"];

/// Opens every serde string enum (unit variants only, two or more of them)
/// in every module: a fallback `Unknown(String)` variant, marked
/// `#[serde(untagged)]`, holds values the spec does not list. Single-variant
/// enums stay closed: they are constants such as discriminator tags, whose
/// whole purpose is to reject other values. Returns how many were opened.
pub fn open_enums(items: &mut [Item]) -> usize {
    let mut opened: HashMap<Ident, Ident> = HashMap::new();
    for item in items.iter_mut() {
        if let Item::Enum(item) = item
            && let Some(fallback) = open_enum(item)
        {
            opened.insert(item.ident.clone(), fallback);
        }
    }
    let mut count = opened.len();
    for item in items.iter_mut() {
        match item {
            Item::Impl(imp) => {
                let syn::Type::Path(ty) = &*imp.self_ty else {
                    continue;
                };
                let Some(name) = ty.path.get_ident() else {
                    continue;
                };
                let Some(fallback) = opened.get(name) else {
                    continue;
                };
                let trait_name = imp
                    .trait_
                    .as_ref()
                    .and_then(|(path, _)| path.segments.last())
                    .map(|s| s.ident.to_string());
                match trait_name.as_deref() {
                    Some("Display") => extend_display(imp, fallback),
                    Some("FromStr") => extend_from_str(imp, fallback),
                    _ => {}
                }
            }
            Item::Mod(module) => {
                if let Some((_, inner)) = &mut module.content {
                    count += open_enums(inner);
                }
            }
            _ => {}
        }
    }
    count
}

/// Adds the fallback variant and drops `Copy`; returns the variant's name.
fn open_enum(item: &mut ItemEnum) -> Option<Ident> {
    let unit_only = item.variants.len() >= 2
        && item
            .variants
            .iter()
            .all(|v| matches!(v.fields, Fields::Unit) && v.discriminant.is_none());
    if !unit_only || !derives(&item.attrs, "Deserialize") || !derives(&item.attrs, "Serialize") {
        return None;
    }
    let name = FALLBACK_NAMES
        .iter()
        .find(|name| item.variants.iter().all(|v| v.ident != **name))?;
    let fallback = Ident::new(name, proc_macro2::Span::call_site());
    for attr in item.attrs.iter_mut() {
        if attr.path().is_ident("derive") {
            let paths = derived_paths(attr);
            let kept = paths.iter().filter(|p| !p.is_ident("Copy"));
            *attr = parse_quote!(#[derive(#(#kept),*)]);
        }
    }
    item.variants.push(parse_quote! {
        /// A value this version of the client does not know.
        #[serde(untagged)]
        #fallback(::std::string::String)
    });
    Some(fallback)
}

fn derives(attrs: &[Attribute], wanted: &str) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("derive")
            && derived_paths(attr)
                .iter()
                .any(|p| p.segments.last().is_some_and(|s| s.ident == wanted))
    })
}

/// `match *self { ... }` gains `Self::Unknown(ref value) => f.write_str(value)`.
fn extend_display(imp: &mut syn::ItemImpl, fallback: &Ident) {
    let arm: syn::Arm = parse_quote!(Self::#fallback(ref value) => f.write_str(value),);
    for_each_match(imp, |m| m.arms.push(arm.clone()));
}

/// The `_ => Err(..)` arm becomes `other => Ok(Self::Unknown(other.to_string()))`.
fn extend_from_str(imp: &mut syn::ItemImpl, fallback: &Ident) {
    let arm: syn::Arm = parse_quote!(other => Ok(Self::#fallback(other.to_string())),);
    for_each_match(imp, |m| {
        if let Some(last) = m.arms.last_mut()
            && matches!(last.pat, syn::Pat::Wild(_))
        {
            *last = arm.clone();
        }
    });
}

fn for_each_match(imp: &mut syn::ItemImpl, f: impl FnMut(&mut syn::ExprMatch)) {
    struct Matches<F>(F);
    impl<F: FnMut(&mut syn::ExprMatch)> VisitMut for Matches<F> {
        fn visit_expr_match_mut(&mut self, m: &mut syn::ExprMatch) {
            (self.0)(m);
        }
    }
    let mut visitor = Matches(f);
    for item in imp.items.iter_mut() {
        if let ImplItem::Fn(function) = item {
            visitor.visit_block_mut(&mut function.block);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(src: &str) -> syn::File {
        syn::parse_str(src).expect("fixture parses")
    }

    #[test]
    fn json_schema_derives_move_behind_the_feature() {
        let mut f = file(
            "pub mod types {
                #[derive(Clone, schemars::JsonSchema, Debug)]
                pub struct A { x: i32 }
                #[derive(schemars::JsonSchema)]
                pub enum B { X }
                #[derive(Clone)]
                pub struct C;
            }",
        );
        let report = annotate(&mut f, &[]);
        assert_eq!(report.schemars_gated, 2);
        let out = prettyplease::unparse(&f);
        assert!(!out.contains("#[derive(schemars"), "{out}");
        assert!(!out.contains("JsonSchema, "), "{out}");
        assert_eq!(
            out.matches("#[cfg_attr(feature = \"schemars\", derive(schemars::JsonSchema))]")
                .count(),
            2,
            "{out}"
        );
        assert!(out.contains("#[derive(Clone, Debug)]"), "{out}");
        // An emptied derive list disappears.
        assert!(!out.contains("#[derive()]"), "{out}");
    }

    const ENUM: &str = r#"
        pub mod types {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug)]
            pub enum Theme { #[serde(rename = "light")] Light, #[serde(rename = "dark")] Dark }
            impl ::std::fmt::Display for Theme {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    match *self { Self::Light => f.write_str("light"), Self::Dark => f.write_str("dark") }
                }
            }
            impl ::std::str::FromStr for Theme {
                type Err = String;
                fn from_str(value: &str) -> Result<Self, String> {
                    match value { "light" => Ok(Self::Light), "dark" => Ok(Self::Dark), _ => Err("invalid value".into()) }
                }
            }
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy)]
            pub enum Tag { Only }
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy)]
            pub enum State { Known, Unknown }
        }"#;

    #[test]
    fn string_enums_gain_a_fallback_and_tags_stay_closed() {
        let mut f = file(ENUM);
        let report = annotate(&mut f, &[]);
        assert_eq!(report.opened_enums, 2);
        let out = prettyplease::unparse(&f);
        assert!(
            out.contains("#[serde(untagged)]\n        Unknown(::std::string::String)"),
            "{out}"
        );
        assert!(
            out.contains("Self::Unknown(ref value) => f.write_str(value)"),
            "{out}"
        );
        assert!(
            out.contains("other => Ok(Self::Unknown(other.to_string()))"),
            "{out}"
        );
        assert!(!out.contains("invalid value"), "{out}");
        // `State` already has an `Unknown` variant: its fallback is `Other`.
        assert!(out.contains("Other(::std::string::String)"), "{out}");
        // The single-value enum keeps `Copy` and has no fallback.
        assert!(
            out.contains("pub enum Tag {\n        Only,\n    }"),
            "{out}"
        );
        assert_eq!(out.matches("Copy").count(), 1, "{out}");
    }
}
