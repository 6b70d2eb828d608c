//! Which features each generated item needs: reachability from every
//! operation's builder to the types it mentions, transitively.
//!
//! The graph is read off the generated code, not the spec, because typify
//! names inline schemas itself. An item that mentions a type needs it, so a
//! type inherits the features of everything that mentions it: the features
//! of a type are those of the operations that reach it. Types no operation
//! reaches belong to [`FULL`]; the error bodies ([`SpecFeatures::always`])
//! and what they need are compiled whatever the features
//! ([`Plan::always`]).

use std::collections::{BTreeSet, HashMap, HashSet};

use syn::visit::Visit;
use syn::{Attribute, Item};

use super::{FULL, SpecFeatures};

/// A set of cargo features, any of which enables an item.
pub type FeatureSet = BTreeSet<String>;

/// The features of every type, operation builder and `defaults` function of
/// one generated module.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// By type name (the items of `types` and `types::builder`).
    pub types: HashMap<String, FeatureSet>,
    /// By builder name (the items of the operations' `builder` module).
    pub operations: HashMap<String, FeatureSet>,
    /// By function name (the items of `types::defaults`).
    pub defaults: HashMap<String, FeatureSet>,
    /// The types compiled whatever the features: the error bodies, and what
    /// they need.
    pub always: HashSet<String>,
}

impl Plan {
    /// Builds the plan from the generated module's syntax tree.
    pub fn build(file: &syn::File, spec: &SpecFeatures) -> Plan {
        let type_items: Vec<&Item> = module_items(&file.items, "types")
            .iter()
            .filter(|item| !matches!(item, Item::Mod(_)))
            .collect();
        let known: HashSet<String> = type_items.iter().filter_map(|i| own_name(i)).collect();

        // Edges: a type needs the types its items mention.
        let mut needs: HashMap<String, BTreeSet<String>> = HashMap::new();
        let mut default_users: HashMap<String, BTreeSet<String>> = HashMap::new();
        for item in &type_items {
            let Some(owner) = owner(item, &known) else {
                continue;
            };
            let mentioned = type_refs(item, &known, Names::Bare);
            needs
                .entry(owner.clone())
                .or_default()
                .extend(mentioned.into_iter().filter(|t| *t != owner));
            for function in defaults_named(item) {
                default_users
                    .entry(function)
                    .or_default()
                    .insert(owner.clone());
            }
        }

        // Roots: each operation's builder and the types it mentions.
        let mut operations = HashMap::new();
        let mut types: HashMap<String, FeatureSet> = HashMap::new();
        let builder_items: Vec<&Item> = module_items(&file.items, "builder").iter().collect();
        for item in &builder_items {
            if let Some(name) = own_name(item)
                && let Some(key) = sent_request(item)
            {
                let features = spec
                    .operations
                    .get(&key)
                    .cloned()
                    .unwrap_or_else(|| BTreeSet::from([FULL.to_string()]));
                operations.insert(name, features);
            }
        }
        for item in &builder_items {
            let Some(features) = own_name(item).and_then(|name| operations.get(&name)) else {
                continue;
            };
            for mentioned in type_refs(item, &known, Names::ThroughTypes) {
                types
                    .entry(mentioned)
                    .or_default()
                    .extend(features.iter().cloned());
            }
        }
        let always = needed_by(
            spec.always.iter().filter(|name| known.contains(*name)),
            &needs,
        );
        propagate(&mut types, &needs);
        // What no operation reaches still compiles with `full`.
        let unreached: Vec<String> = known
            .iter()
            .filter(|name| !always.contains(*name))
            .filter(|name| types.get(*name).is_none_or(|f| f.is_empty()))
            .cloned()
            .collect();
        for name in unreached {
            types.entry(name).or_default().insert(FULL.to_string());
        }
        propagate(&mut types, &needs);

        // A function used by an always-compiled type is always compiled.
        let defaults = default_users
            .into_iter()
            .filter(|(_, users)| users.iter().all(|user| !always.contains(user)))
            .map(|(function, users)| {
                let features = users
                    .iter()
                    .filter_map(|user| types.get(user))
                    .flatten()
                    .cloned()
                    .collect();
                (function, features)
            })
            .collect();
        Plan {
            types,
            operations,
            defaults,
            always,
        }
    }

    /// The feature set of a type, `None` when it is always compiled (or not
    /// a generated type).
    pub fn type_features(&self, name: &str) -> Option<&FeatureSet> {
        if self.always.contains(name) {
            return None;
        }
        self.types.get(name)
    }
}

/// `roots` and every type they need, transitively.
fn needed_by<'a>(
    roots: impl Iterator<Item = &'a String>,
    needs: &HashMap<String, BTreeSet<String>>,
) -> HashSet<String> {
    let mut found: HashSet<String> = HashSet::new();
    let mut work: Vec<&String> = roots.collect();
    while let Some(name) = work.pop() {
        if found.insert(name.clone()) {
            work.extend(needs.get(name).into_iter().flatten());
        }
    }
    found
}

/// Adds each type's features to the types it needs, until nothing changes.
fn propagate(types: &mut HashMap<String, FeatureSet>, needs: &HashMap<String, BTreeSet<String>>) {
    let mut work: Vec<String> = types.keys().cloned().collect();
    while let Some(name) = work.pop() {
        let Some(features) = types.get(&name).cloned() else {
            continue;
        };
        for needed in needs.get(&name).into_iter().flatten() {
            let entry = types.entry(needed.clone()).or_default();
            if !features.is_subset(entry) {
                entry.extend(features.iter().cloned());
                work.push(needed.clone());
            }
        }
    }
}

/// The items of the top-level module `name` of `items`.
pub fn module_items<'a>(items: &'a [Item], name: &str) -> &'a [Item] {
    items
        .iter()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == name => m.content.as_ref().map(|(_, items)| &items[..]),
            _ => None,
        })
        .unwrap_or(&[])
}

/// The name an item defines, or the type an inherent or trait impl is for
/// (its last path segment).
pub fn own_name(item: &Item) -> Option<String> {
    match item {
        Item::Struct(s) => Some(s.ident.to_string()),
        Item::Enum(e) => Some(e.ident.to_string()),
        Item::Type(t) => Some(t.ident.to_string()),
        Item::Impl(imp) => match &*imp.self_ty {
            syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        },
        _ => None,
    }
}

/// The generated type an item of `types` (or `types::builder`) belongs to:
/// the type it defines, or the one an impl is for (`impl From<X> for
/// ::std::string::String` belongs to none, even with a schema named
/// `String`).
pub fn owner(item: &Item, known: &HashSet<String>) -> Option<String> {
    match item {
        Item::Impl(imp) => match &*imp.self_ty {
            syn::Type::Path(ty) if ty.qself.is_none() => {
                local_types(&ty.path, known, Names::Bare).pop()
            }
            _ => None,
        },
        _ => own_name(item).filter(|name| known.contains(name)),
    }
}

/// How a path may name a generated type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Names {
    /// Inside `types`: `X`, `super::X`, `self::X`.
    Bare,
    /// Outside it (the operations' `builder`, where a bare `String` is the
    /// standard one): only through `types::`.
    ThroughTypes,
}

/// The generated types a path itself names (not its generic arguments).
/// A segment counts when it is first or follows a module (a lower-case
/// segment), so the variant in `Self::X` or `Y::X` does not; paths from
/// `crate` or other crates do not either.
fn local_types(path: &syn::Path, known: &HashSet<String>, names: Names) -> Vec<String> {
    let local = path.leading_colon.is_none()
        && path
            .segments
            .first()
            .is_some_and(|s| s.ident != "crate" && !is_foreign_root(&s.ident));
    let mut found = Vec::new();
    if !local {
        return found;
    }
    let mut through_types = false;
    let mut module_before = true;
    for segment in &path.segments {
        let ident = segment.ident.to_string();
        let allowed = names == Names::Bare || through_types;
        if module_before && allowed && known.contains(&ident) {
            found.push(ident.clone());
        }
        through_types |= ident == "types";
        module_before = matches!(ident.as_str(), "super" | "self" | "types" | "builder");
    }
    found
}

/// The generated types `item` mentions through paths, generic arguments
/// included: `X`, `super::X`, `types::X`, `types::builder::X`, `X::new()`.
pub fn type_refs(item: &Item, known: &HashSet<String>, names: Names) -> BTreeSet<String> {
    struct Refs<'k> {
        known: &'k HashSet<String>,
        names: Names,
        found: BTreeSet<String>,
    }
    impl<'ast> Visit<'ast> for Refs<'_> {
        fn visit_path(&mut self, path: &'ast syn::Path) {
            self.found.extend(local_types(path, self.known, self.names));
            syn::visit::visit_path(self, path);
        }
    }
    let mut refs = Refs {
        known,
        names,
        found: BTreeSet::new(),
    };
    refs.visit_item(item);
    refs.found
}

/// Crates generated code names without a leading `::`.
fn is_foreign_root(ident: &syn::Ident) -> bool {
    [
        "std",
        "serde",
        "serde_json",
        "schemars",
        "chrono",
        "uuid",
        "reqwest",
        "progenitor_client",
        "regress",
        "bytes",
    ]
    .iter()
    .any(|root| ident == root)
}

/// The `defaults` functions named in serde attributes of a struct's or
/// enum's fields: `#[serde(default = "defaults::name::<..>")]` → `name`.
pub fn defaults_named(item: &Item) -> Vec<String> {
    let attrs: Vec<&Attribute> = match item {
        Item::Struct(s) => s.fields.iter().flat_map(|f| &f.attrs).collect(),
        Item::Enum(e) => e
            .variants
            .iter()
            .flat_map(|v| v.fields.iter().flat_map(|f| &f.attrs))
            .collect(),
        _ => return Vec::new(),
    };
    let mut names = Vec::new();
    for attr in attrs.into_iter().filter(|a| a.path().is_ident("serde")) {
        let text = quote::ToTokens::to_token_stream(&attr.meta).to_string();
        for (at, _) in text.match_indices("\"defaults::") {
            let name: String = text[at + "\"defaults::".len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                names.push(name);
            }
        }
    }
    names
}

/// The (method, path) an operation builder's `send` documents:
/// "Sends a `GET` request to `/v1/users/{id}`".
pub fn sent_request(item: &Item) -> Option<(String, String)> {
    let Item::Impl(imp) = item else {
        return None;
    };
    imp.items.iter().find_map(|member| match member {
        syn::ImplItem::Fn(f) if f.sig.ident == "send" => f.attrs.iter().find_map(doc_request),
        _ => None,
    })
}

fn doc_request(attr: &Attribute) -> Option<(String, String)> {
    let syn::Meta::NameValue(nv) = &attr.meta else {
        return None;
    };
    let syn::Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Str(text),
        ..
    }) = &nv.value
    else {
        return None;
    };
    let text = text.value();
    let rest = text.split("Sends a `").nth(1)?;
    let (method, rest) = rest.split_once("` request to `")?;
    let (path, _) = rest.split_once('`')?;
    Some((method.to_string(), path.to_string()))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Two operations: `GET /users` (tag users) and `GET /roles` (tag roles).
    pub(crate) fn spec() -> SpecFeatures {
        let mut spec = SpecFeatures::from_spec(&serde_json::json!({
            "paths": {
                "/users": {"get": {"tags": ["users"]}},
                "/roles": {"get": {"tags": ["roles"]}}
            }
        }));
        spec.always.insert("ErrorResponse".into());
        spec
    }

    pub(crate) fn file() -> syn::File {
        syn::parse_quote! {
            pub mod types {
                pub struct User { pub role: Role, pub kind: Kind, #[serde(default = "defaults::default_bool::<true>")] pub on: bool }
                pub struct Role { pub name: ::std::string::String, pub id: Id }
                pub struct Id(::std::string::String);
                pub enum Kind { Admin, Role(Role) }
                impl Kind { fn is(&self) -> bool { matches!(self, Self::Role(_)) } }
                /// A schema named like a std type.
                pub struct String(::std::string::String);
                impl ::std::convert::From<Id> for ::std::string::String { fn from(v: Id) -> Self { v.0 } }
                pub struct Orphan { pub id: Id }
                pub struct ErrorResponse { pub detail: Detail }
                pub struct Detail;
                pub struct Page;
                impl crate::Page for User {}
                pub mod defaults { pub(super) fn default_bool<const V: bool>() -> bool { V } }
            }
            pub mod builder {
                use super::types;
                pub struct ListUsers<'a> { client: &'a super::Client, name: Result<String, String> }
                impl<'a> ListUsers<'a> {
                    #[doc = "Sends a `GET` request to `/users`"]
                    pub async fn send(self) -> Result<types::User, ()> { todo!() }
                }
                pub struct ListRoles<'a> { client: &'a super::Client }
                impl<'a> ListRoles<'a> {
                    #[doc = "Sends a `GET` request to `/roles`"]
                    pub async fn send(self) -> Result<Vec<types::Role>, ()> { todo!() }
                }
            }
            pub struct Client;
            impl Client {
                pub fn new() -> Self { Client }
                pub fn list_users(&self) -> builder::ListUsers<'_> { todo!() }
            }
        }
    }

    pub(crate) fn set(features: &[&str]) -> FeatureSet {
        features.iter().map(|f| f.to_string()).collect()
    }

    #[test]
    fn types_get_the_features_of_the_operations_that_reach_them() {
        let file = file();
        let plan = Plan::build(&file, &spec());
        assert_eq!(plan.operations["ListUsers"], set(&["users"]));
        assert_eq!(plan.operations["ListRoles"], set(&["roles"]));
        assert_eq!(plan.types["User"], set(&["users"]));
        // Reached directly by roles, through User and Kind by users.
        assert_eq!(plan.types["Role"], set(&["roles", "users"]));
        assert_eq!(plan.types["Kind"], set(&["users"]));
        // Orphan is reached by no operation: `full`, which Id inherits too.
        assert_eq!(plan.types["Orphan"], set(&[FULL]));
        assert_eq!(plan.types["Id"], set(&[FULL, "roles", "users"]));
        // A bare `String` in the operations' builder is std's, not the schema.
        assert_eq!(plan.types["String"], set(&[FULL]));
        // The error body and what it needs are always compiled.
        assert!(plan.always.contains("ErrorResponse"));
        assert!(plan.always.contains("Detail"));
        assert_eq!(plan.type_features("ErrorResponse"), None);
        assert_eq!(plan.type_features("User"), Some(&set(&["users"])));
        // `Page` the schema is not `crate::Page` the trait.
        assert_eq!(plan.types["Page"], set(&[FULL]));
        assert_eq!(plan.defaults["default_bool"], set(&["users"]));
    }
}
