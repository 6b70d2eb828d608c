//! The per-tag features applied to one generated module: each item's
//! [`Condition`] from the [`Plan`], and the items of each condition moved
//! into a file of their own, included under its cfg:
//! `#[cfg(feature = "user-management")] include!("regional/types/user-management.rs");`.
//!
//! - `types` and `types::builder`: an item needs every generated type it
//!   mentions, and its own;
//! - the operations' `builder` module and the `Client` methods: the tags of
//!   the operation (the methods move as one `impl Client` block per file);
//! - `types::defaults`: a function needs the types whose fields use it; its
//!   cfg stays on it (the module is small);
//! - everything else (the `Client`, `types::error`, the prelude, the
//!   always-compiled types) stays in place, always compiled.
//!
//! rustc drops a cfg'd-out macro call before expanding it, so the file of a
//! disabled area is never read: a build with a few features parses a few
//! files instead of the whole module (parsing the full 12 MB `regional.rs`
//! alone takes seconds). `include!` pastes the items where the call stands,
//! so names resolve exactly as they did in one file.

use std::collections::{BTreeMap, HashSet};

use syn::{Attribute, ImplItem, Item, parse_quote};

use super::condition::Condition;
use super::plan::{FeatureSet, Names, Plan, own_name, owner, type_refs};

/// One split-out file: its path relative to the module's directory
/// (`types/user-management.rs`), the condition it is included under, and
/// its items.
pub struct Part {
    pub path: String,
    pub condition: Condition,
    pub items: Vec<Item>,
}

/// What [`split`] did.
pub struct Split {
    /// The split-out files, by path.
    pub parts: Vec<Part>,
    /// Items that got a condition (moved, or cfg'd in place).
    pub gated: usize,
}

/// Applies `plan` to `file`, the whole generated module: moves every item
/// with a condition into its part and puts the cfg'd `include!` where the
/// part's first item stood. `module` is the generated module's name: the
/// included paths are relative to `src/`, as `include!` resolves them from
/// `src/<module>.rs`.
pub fn split(file: &mut syn::File, plan: &Plan, module: &str) -> Split {
    let known: HashSet<String> = plan.types.keys().cloned().collect();
    let mut splitter = Splitter {
        plan,
        known: &known,
        module,
        parts: Vec::new(),
        gated: 0,
    };
    let mut client_methods: Vec<(Condition, ImplItem)> = Vec::new();
    for item in file.items.iter_mut() {
        match item {
            Item::Mod(m) if m.ident == "types" => {
                if let Some((_, items)) = &mut m.content {
                    for inner in items.iter_mut() {
                        let Item::Mod(nested) = inner else { continue };
                        let name = nested.ident.to_string();
                        let Some((_, nested_items)) = &mut nested.content else {
                            continue;
                        };
                        match name.as_str() {
                            "builder" => {
                                splitter.split_items(nested_items, "types/builder", |s, item| {
                                    s.type_condition(item)
                                })
                            }
                            "defaults" => splitter.gate_defaults(nested_items),
                            _ => {}
                        }
                    }
                    splitter.split_items(items, "types", |s, item| s.type_condition(item));
                }
            }
            Item::Mod(m) if m.ident == "builder" => {
                if let Some((_, items)) = &mut m.content {
                    for item in items.iter_mut() {
                        if let Item::Use(using) = item {
                            // `use super::types;` is unused when no operation is compiled.
                            using.attrs.push(parse_quote!(#[allow(unused_imports)]));
                        }
                    }
                    splitter.split_items(items, "builder", |s, item| s.operation_condition(item));
                }
            }
            Item::Impl(imp) if imp.trait_.is_none() && is_client(&imp.self_ty) => {
                for member in std::mem::take(&mut imp.items) {
                    match splitter.method_condition(&member) {
                        Some(condition) => client_methods.push((condition, member)),
                        None => imp.items.push(member),
                    }
                }
            }
            _ => {}
        }
    }
    splitter.gated += client_methods.len();
    let includes = splitter.client_parts(client_methods);
    let at = file
        .items
        .iter()
        .position(|item| matches!(item, Item::Impl(imp) if imp.trait_.is_none() && is_client(&imp.self_ty)))
        .map_or(file.items.len(), |i| i + 1);
    file.items.splice(at..at, includes);
    let mut parts = splitter.parts;
    parts.sort_by(|a, b| a.path.cmp(&b.path));
    Split {
        parts,
        gated: splitter.gated,
    }
}

struct Splitter<'a> {
    plan: &'a Plan,
    known: &'a HashSet<String>,
    module: &'a str,
    parts: Vec<Part>,
    gated: usize,
}

impl Splitter<'_> {
    /// An item of `types` or `types::builder`: the types it mentions, and
    /// its own.
    fn type_condition(&self, item: &Item) -> Option<Condition> {
        if matches!(item, Item::Mod(_)) {
            return None;
        }
        let mut needed = type_refs(item, self.known, Names::Bare);
        needed.extend(owner(item, self.known));
        Condition::all_of(needed.iter().filter_map(|t| self.plan.type_features(t)))
    }

    /// An item of the operations' `builder` module: its operation's tags.
    fn operation_condition(&self, item: &Item) -> Option<Condition> {
        let features = own_name(item).and_then(|name| self.plan.operations.get(&name))?;
        Condition::all_of([features])
    }

    /// A method of `impl Client` that returns an operation's builder.
    fn method_condition(&self, member: &ImplItem) -> Option<Condition> {
        Condition::all_of([self.plan.operations.get(&returned_builder(member)?)?])
    }

    /// `types::defaults`: each function keeps its cfg in place.
    fn gate_defaults(&mut self, items: &mut [Item]) {
        for item in items.iter_mut() {
            let mut sets: Vec<&FeatureSet> = type_refs(item, self.known, Names::Bare)
                .iter()
                .filter_map(|t| self.plan.type_features(t))
                .collect();
            if let Item::Fn(function) = item
                && let Some(users) = self.plan.defaults.get(&function.sig.ident.to_string())
            {
                sets.push(users);
            }
            if let Some(condition) = Condition::all_of(sets)
                && let Some(attrs) = item_attrs(item)
            {
                insert_after_docs(attrs, condition.attribute());
                self.gated += 1;
            }
        }
    }

    /// Moves the items of one module that have a condition into parts
    /// ([`split_into_parts`]).
    fn split_items(
        &mut self,
        items: &mut Vec<Item>,
        context: &str,
        condition_of: impl Fn(&Self, &Item) -> Option<Condition>,
    ) {
        let include_root = format!("{}/", self.module);
        let new_parts = split_into_parts(items, context, &include_root, |item| {
            condition_of(self, item)
        });
        self.gated += new_parts.iter().map(|p| p.items.len()).sum::<usize>();
        self.parts.extend(new_parts);
    }

    /// One `impl Client` part per condition, in the order of their first
    /// method; returns their includes.
    fn client_parts(&mut self, methods: Vec<(Condition, ImplItem)>) -> Vec<Item> {
        let mut groups: Vec<(Condition, Vec<ImplItem>)> = Vec::new();
        for (condition, member) in methods {
            match groups.iter_mut().find(|(c, _)| *c == condition) {
                Some((_, members)) => members.push(member),
                None => groups.push((condition, vec![member])),
            }
        }
        let mut includes = Vec::new();
        for (condition, members) in groups {
            let path = format!("client/{}.rs", condition.file_stem());
            includes.push(include_item(&condition, &format!("{}/{path}", self.module)));
            self.parts.push(Part {
                path,
                condition,
                items: vec![parse_quote!(impl Client { #(#members)* })],
            });
        }
        includes
    }
}

/// Moves the items that have a condition out of `items` into parts, one
/// per condition (`<dir>/<stem>.rs`), each included where its first item
/// stood, by a path that `include!` resolves with `include_root` before it
/// (`regional/` from `src/regional.rs`; none from the file the items stay
/// in).
pub fn split_into_parts(
    items: &mut Vec<Item>,
    dir: &str,
    include_root: &str,
    condition_of: impl Fn(&Item) -> Option<Condition>,
) -> Vec<Part> {
    let mut kept = Vec::with_capacity(items.len());
    let mut groups: BTreeMap<Condition, usize> = BTreeMap::new();
    let mut parts: Vec<Part> = Vec::new();
    for item in std::mem::take(items) {
        let Some(condition) = condition_of(&item) else {
            kept.push(item);
            continue;
        };
        match groups.get(&condition) {
            Some(&index) => parts[index].items.push(item),
            None => {
                let path = format!("{dir}/{}.rs", condition.file_stem());
                kept.push(include_item(&condition, &format!("{include_root}{path}")));
                groups.insert(condition.clone(), parts.len());
                parts.push(Part {
                    path,
                    condition,
                    items: vec![item],
                });
            }
        }
    }
    *items = kept;
    parts
}

/// `#[cfg(...)] include!("path");`
fn include_item(condition: &Condition, path: &str) -> Item {
    let cfg = condition.attribute();
    parse_quote!(#cfg include!(#path);)
}

/// The builder a method of `impl Client` returns (`builder::ListUsers` →
/// `ListUsers`), if it is an operation's.
pub fn returned_builder(member: &ImplItem) -> Option<String> {
    let ImplItem::Fn(function) = member else {
        return None;
    };
    let syn::ReturnType::Type(_, returned) = &function.sig.output else {
        return None;
    };
    let syn::Type::Path(path) = &**returned else {
        return None;
    };
    let segments: Vec<_> = path.path.segments.iter().collect();
    match segments[..] {
        [module, builder] if module.ident == "builder" => Some(builder.ident.to_string()),
        _ => None,
    }
}

/// A file of `items`.
pub fn file_of(items: Vec<Item>) -> syn::File {
    let mut file: syn::File = parse_quote!();
    file.items = items;
    file
}

fn is_client(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.is_ident("Client"))
}

/// The attributes of the kinds of items the generator emits.
fn item_attrs(item: &mut Item) -> Option<&mut Vec<Attribute>> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::features::plan::tests::{file, spec};

    /// The parts put back where their includes stand, each item under its
    /// part's cfg: the module as one file, to compare with expectations.
    fn joined(file: &syn::File, parts: &[Part]) -> String {
        let by_path: BTreeMap<String, &Part> = parts
            .iter()
            .map(|p| (format!("regional/{}", p.path), p))
            .collect();
        fn walk(items: &mut Vec<Item>, parts: &BTreeMap<String, &Part>) {
            let mut out = Vec::new();
            for item in std::mem::take(items) {
                match &item {
                    Item::Macro(call) if call.mac.path.is_ident("include") => {
                        let path: syn::LitStr = call.mac.parse_body().expect("a path");
                        let part = parts[&path.value()];
                        for mut inner in part.items.clone() {
                            if let Some(attrs) = item_attrs(&mut inner) {
                                insert_after_docs(attrs, part.condition.attribute());
                            }
                            out.push(inner);
                        }
                    }
                    _ => out.push(item),
                }
            }
            for item in out.iter_mut() {
                if let Item::Mod(m) = item
                    && let Some((_, inner)) = &mut m.content
                {
                    walk(inner, parts);
                }
            }
            *items = out;
        }
        let mut whole = file.clone();
        walk(&mut whole.items, &by_path);
        prettyplease::unparse(&whole)
    }

    #[test]
    fn gated_items_carry_the_cfg_of_their_features() {
        let mut file = file();
        let plan = Plan::build(&file, &spec());
        let split = split(&mut file, &plan, "regional");
        let gated = split.gated;
        let text = joined(&file, &split.parts);
        let compact: std::string::String = text.split_whitespace().collect();
        for expected in [
            "#[cfg(feature=\"users\")]pubstructUser",
            "#[cfg(any(feature=\"roles\",feature=\"users\"))]pubstructRole",
            // The impl of a std type for `Id` needs Id only.
            "#[cfg(any(feature=\"full\",feature=\"roles\",feature=\"users\"))]impl::std::convert::From<Id>for::std::string::String",
            "#[cfg(feature=\"users\")]implcrate::PageforUser",
            "#[cfg(feature=\"users\")]pub(super)fndefault_bool",
            "#[cfg(feature=\"users\")]pubstructListUsers",
            "#[cfg(feature=\"roles\")]impl<'a>ListRoles<'a>",
            // The methods move as one `impl Client` per condition.
            "#[cfg(feature=\"users\")]implClient{pubfnlist_users",
            "#[allow(unused_imports)]usesuper::types;",
            "pubstructErrorResponse",
            "pubfnnew()",
        ] {
            assert!(compact.contains(expected), "{expected} in\n{text}");
        }
        assert!(!compact.contains("]pubstructErrorResponse"), "{text}");
        assert!(
            !compact.contains("cfg(feature=\"users\")]pubfnnew"),
            "{text}"
        );
        assert_eq!(gated, 16, "{text}");
    }

    #[test]
    fn conditioned_items_move_to_included_files() {
        let mut file = file();
        let plan = Plan::build(&file, &spec());
        let split = split(&mut file, &plan, "regional");
        let paths: Vec<&str> = split.parts.iter().map(|p| p.path.as_str()).collect();
        for expected in [
            "builder/roles.rs",
            "builder/users.rs",
            "client/users.rs",
            "types/full.rs",
            "types/roles+users.rs",
            "types/users.rs",
        ] {
            assert!(paths.contains(&expected), "{expected} in {paths:?}");
        }
        // `Id`'s three features make a hashed name.
        assert!(
            paths.iter().any(|p| p.starts_with("types/shared-")),
            "{paths:?}"
        );
        let mut sorted = paths.clone();
        sorted.sort();
        assert_eq!(paths, sorted);
        let text = prettyplease::unparse(&file);
        assert!(text.contains("pub struct ErrorResponse"), "{text}");
        assert!(!text.contains("pub struct User "), "{text}");
        assert!(
            text.contains(
                "#[cfg(feature = \"users\")]\n    include!(\"regional/types/users.rs\");"
            ),
            "{text}"
        );
        assert!(
            text.contains("#[cfg(feature = \"users\")]\ninclude!(\"regional/client/users.rs\");"),
            "{text}"
        );
        assert!(text.contains("pub fn new() -> Self"), "{text}");
        let client = split
            .parts
            .iter()
            .find(|p| p.path == "client/users.rs")
            .unwrap();
        let part = prettyplease::unparse(&file_of(client.items.clone()));
        assert!(
            part.contains("impl Client {") && part.contains("fn list_users"),
            "{part}"
        );
        assert!(!part.contains("cfg"), "{part}");
    }
}
