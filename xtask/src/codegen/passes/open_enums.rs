//! Every serde string enum with two or more values gains a fallback
//! variant, `#[serde(untagged)] Unknown(String)`, so a value Sumo adds later
//! parses instead of failing the whole response. Single-value enums stay
//! closed: they are constants such as discriminator tags, whose whole
//! purpose is to reject other values.

use std::collections::HashMap;

use syn::visit_mut::VisitMut;
use syn::{Fields, Ident, ImplItem, Item, ItemEnum, parse_quote};

use super::syntax::{derived_paths, derives};
use super::{Context, SyntaxPass, SyntaxReport};

/// See the module documentation.
pub struct OpenEnums;

impl SyntaxPass for OpenEnums {
    fn name(&self) -> &'static str {
        "open-enums"
    }

    fn summary(&self) -> &'static str {
        "string enums gain an `Unknown(String)` fallback"
    }

    fn run(&self, file: &mut syn::File, _: &Context<'_>) -> SyntaxReport {
        SyntaxReport::changed(open_enums(&mut file.items))
    }
}

/// Names tried, in order, for the fallback variant of an open enum.
const FALLBACK_NAMES: [&str; 3] = ["Unknown", "Other", "UnknownValue"];

/// Opens every serde string enum (unit variants only, two or more of them)
/// in every module: a fallback `Unknown(String)` variant, marked
/// `#[serde(untagged)]`, holds values the spec does not list. Single-variant
/// enums stay closed: they are constants such as discriminator tags, whose
/// whole purpose is to reject other values. Returns how many were opened.
fn open_enums(items: &mut [Item]) -> usize {
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
        let document = serde_json::Value::Null;
        let report = OpenEnums.run(
            &mut f,
            &Context {
                document: &document,
            },
        );
        assert_eq!(report.changes, 2);
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
