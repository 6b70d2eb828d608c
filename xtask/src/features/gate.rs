//! `#[cfg(...)]` attributes on the generated items, from a [`Plan`].
//!
//! - `types` and `types::builder`: an item needs every generated type it
//!   mentions, and its own;
//! - `types::defaults`: a function needs the types whose fields use it;
//! - the operations' `builder` module and the `Client` methods: the tags of
//!   the operation;
//! - everything else (the `Client`, `types::error`, the prelude) is always
//!   compiled.

use std::collections::HashSet;

use syn::{Attribute, ImplItem, Item, parse_quote};

use super::plan::{FeatureSet, Names, Plan, own_name, owner, type_refs};

/// Adds the `#[cfg]`s of `plan` to a generated file (whole, or a part of
/// one). Returns how many items got one.
pub fn gate_file(file: &mut syn::File, plan: &Plan) -> usize {
    let known: HashSet<String> = plan.types.keys().cloned().collect();
    let mut gated = 0;
    for item in file.items.iter_mut() {
        match item {
            Item::Mod(module) if module.ident == "types" => {
                if let Some((_, items)) = &mut module.content {
                    gated += gate_types(items, plan, &known);
                }
            }
            Item::Mod(module) if module.ident == "builder" => {
                if let Some((_, items)) = &mut module.content {
                    gated += gate_operations(items, plan);
                }
            }
            Item::Impl(imp) if imp.trait_.is_none() => {
                gated += gate_client_methods(imp, plan);
            }
            _ => {}
        }
    }
    gated
}

fn gate_types(items: &mut [Item], plan: &Plan, known: &HashSet<String>) -> usize {
    let mut gated = 0;
    for item in items.iter_mut() {
        if let Item::Mod(module) = item {
            let context = module.ident.to_string();
            if let Some((_, inner)) = &mut module.content {
                match context.as_str() {
                    "builder" => gated += gate_types(inner, plan, known),
                    "defaults" => gated += gate_defaults(inner, plan, known),
                    _ => {}
                }
            }
            continue;
        }
        let mut needed = type_refs(item, known, Names::Bare);
        needed.extend(owner(item, known));
        let sets = needed.iter().filter_map(|t| plan.types.get(t)).collect();
        gated += add_cfg(item, plan, sets);
    }
    gated
}

fn gate_defaults(items: &mut [Item], plan: &Plan, known: &HashSet<String>) -> usize {
    let mut gated = 0;
    for item in items.iter_mut() {
        let mut sets: Vec<&FeatureSet> = type_refs(item, known, Names::Bare)
            .iter()
            .filter_map(|t| plan.types.get(t))
            .collect();
        if let Item::Fn(function) = item
            && let Some(users) = plan.defaults.get(&function.sig.ident.to_string())
        {
            sets.push(users);
        }
        gated += add_cfg(item, plan, sets);
    }
    gated
}

fn gate_operations(items: &mut [Item], plan: &Plan) -> usize {
    let mut gated = 0;
    for item in items.iter_mut() {
        if let Item::Use(using) = item {
            // `use super::types;` is unused when no operation is compiled.
            using.attrs.push(parse_quote!(#[allow(unused_imports)]));
            continue;
        }
        if let Some(features) = own_name(item).and_then(|name| plan.operations.get(&name)) {
            gated += add_cfg(item, plan, vec![features]);
        }
    }
    gated
}

/// The methods of `impl Client` that return an operation's builder.
fn gate_client_methods(imp: &mut syn::ItemImpl, plan: &Plan) -> usize {
    let mut gated = 0;
    for member in imp.items.iter_mut() {
        let ImplItem::Fn(function) = member else {
            continue;
        };
        let syn::ReturnType::Type(_, returned) = &function.sig.output else {
            continue;
        };
        let syn::Type::Path(path) = &**returned else {
            continue;
        };
        let segments: Vec<_> = path.path.segments.iter().collect();
        let [module, builder] = segments[..] else {
            continue;
        };
        if module.ident != "builder" {
            continue;
        }
        if let Some(features) = plan.operations.get(&builder.ident.to_string())
            && let Some(cfg) = cfg_attr(plan, vec![features])
        {
            insert_after_docs(&mut function.attrs, cfg);
            gated += 1;
        }
    }
    gated
}

fn add_cfg(item: &mut Item, plan: &Plan, sets: Vec<&FeatureSet>) -> usize {
    let Some(cfg) = cfg_attr(plan, sets) else {
        return 0;
    };
    let Some(attrs) = item_attrs(item) else {
        return 0;
    };
    insert_after_docs(attrs, cfg);
    1
}

/// The cfg enabling an item that needs one feature of each set: `None` when
/// it is always compiled. Always-compiled sets are dropped, and so is any
/// set that holds a smaller one (it is implied).
pub fn cfg_attr(plan: &Plan, sets: Vec<&FeatureSet>) -> Option<Attribute> {
    let mut sets: Vec<&FeatureSet> = sets.into_iter().filter(|s| !plan.is_always(s)).collect();
    sets.sort_by_key(|s| (s.len(), *s));
    sets.dedup();
    let mut minimal: Vec<&FeatureSet> = Vec::new();
    for set in sets {
        if !minimal.iter().any(|kept| kept.is_subset(set)) {
            minimal.push(set);
        }
    }
    let any = |set: &FeatureSet| -> proc_macro2::TokenStream {
        let features: Vec<&String> = set.iter().collect();
        match features[..] {
            [] => quote::quote!(any()),
            [one] => quote::quote!(feature = #one),
            _ => quote::quote!(any(#(feature = #features),*)),
        }
    };
    match &minimal[..] {
        [] => None,
        [one] => {
            let condition = any(one);
            Some(parse_quote!(#[cfg(#condition)]))
        }
        many => {
            let conditions = many.iter().map(|s| any(s));
            Some(parse_quote!(#[cfg(all(#(#conditions),*))]))
        }
    }
}

/// The attributes of the kinds of items the generator emits.
pub fn item_attrs(item: &mut Item) -> Option<&mut Vec<Attribute>> {
    match item {
        Item::Struct(i) => Some(&mut i.attrs),
        Item::Enum(i) => Some(&mut i.attrs),
        Item::Type(i) => Some(&mut i.attrs),
        Item::Impl(i) => Some(&mut i.attrs),
        Item::Fn(i) => Some(&mut i.attrs),
        Item::Const(i) => Some(&mut i.attrs),
        Item::Static(i) => Some(&mut i.attrs),
        Item::Use(i) => Some(&mut i.attrs),
        Item::Mod(i) => Some(&mut i.attrs),
        Item::Trait(i) => Some(&mut i.attrs),
        _ => None,
    }
}

/// Puts `attr` after the doc comments, so the docs stay on top.
fn insert_after_docs(attrs: &mut Vec<Attribute>, attr: Attribute) {
    let at = attrs
        .iter()
        .position(|a| !a.path().is_ident("doc"))
        .unwrap_or(attrs.len());
    attrs.insert(at, attr);
}
