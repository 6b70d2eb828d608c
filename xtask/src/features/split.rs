//! Moves the items of each `#[cfg]` into a file of their own, included under
//! that cfg: `#[cfg(feature = "user-management")] include!("regional/types/user-management.rs");`.
//!
//! rustc drops a cfg'd-out macro call before expanding it, so the file of a
//! disabled area is never read: a build with a few features parses a few
//! files instead of the whole module (parsing the full 12 MB `regional.rs`
//! alone takes seconds). `include!` pastes the items where the call stands,
//! so names resolve exactly as they did in one file.
//!
//! Split: the items of `types`, of `types::builder`, of the operations'
//! `builder`, and the operation methods of `impl Client` (as one `impl
//! Client` block per file). The rest (the `Client`, `types::defaults`,
//! `types::error`, the prelude, the always-compiled types) stays in place.

use std::collections::BTreeMap;

use quote::ToTokens;
use sha2::{Digest, Sha256};
use syn::{Attribute, ImplItem, Item, parse_quote};

use super::gate::item_attrs;

/// One split-out file: its path relative to the module's directory
/// (`types/user-management.rs`) and its items.
pub struct Part {
    pub path: String,
    pub cfg: String,
    pub items: Vec<Item>,
}

/// Splits `file` (the whole generated module, or a part of it) in place.
/// `module` is the generated module's name: the included paths are
/// relative to `src/`, as `include!` resolves them from `src/<module>.rs`.
pub fn split_file(file: &mut syn::File, module: &str) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut client_methods: Vec<(Attribute, ImplItem)> = Vec::new();
    for item in file.items.iter_mut() {
        match item {
            Item::Mod(m) if m.ident == "types" => {
                if let Some((_, items)) = &mut m.content {
                    for inner in items.iter_mut() {
                        if let Item::Mod(nested) = inner
                            && nested.ident == "builder"
                            && let Some((_, builders)) = &mut nested.content
                        {
                            split_items(builders, module, "types/builder", &mut parts);
                        }
                    }
                    split_items(items, module, "types", &mut parts);
                }
            }
            Item::Mod(m) if m.ident == "builder" => {
                if let Some((_, items)) = &mut m.content {
                    split_items(items, module, "builder", &mut parts);
                }
            }
            Item::Impl(imp) if imp.trait_.is_none() && is_client(&imp.self_ty) => {
                let members = std::mem::take(&mut imp.items);
                for mut member in members {
                    match member_cfg(&mut member) {
                        Some(cfg) => client_methods.push((cfg, member)),
                        None => imp.items.push(member),
                    }
                }
            }
            _ => {}
        }
    }
    if !client_methods.is_empty() {
        // One `impl Client` per cfg, included after the inherent impl.
        let mut groups: BTreeMap<String, (Attribute, Vec<ImplItem>)> = BTreeMap::new();
        let mut order = Vec::new();
        for (cfg, member) in client_methods {
            let key = cfg_text(&cfg);
            if !groups.contains_key(&key) {
                order.push(key.clone());
            }
            groups
                .entry(key)
                .or_insert_with(|| (cfg, Vec::new()))
                .1
                .push(member);
        }
        let at = file
            .items
            .iter()
            .position(|item| matches!(item, Item::Impl(imp) if imp.trait_.is_none() && is_client(&imp.self_ty)))
            .map_or(file.items.len(), |i| i + 1);
        let mut includes = Vec::new();
        for key in order {
            let Some((cfg, members)) = groups.remove(&key) else {
                continue;
            };
            let path = format!("client/{}.rs", slug(&cfg));
            includes.push(include_item(&cfg, module, &path));
            parts.push(Part {
                path,
                cfg: key,
                items: vec![parse_quote!(impl Client { #(#members)* })],
            });
        }
        file.items.splice(at..at, includes);
    }
    parts
}

/// Moves the cfg'd items of one module into parts, one per cfg, each
/// included where its first item stood.
fn split_items(items: &mut Vec<Item>, module: &str, context: &str, parts: &mut Vec<Part>) {
    let mut kept = Vec::with_capacity(items.len());
    let mut groups: BTreeMap<String, usize> = BTreeMap::new();
    let mut new_parts: Vec<Part> = Vec::new();
    for mut item in std::mem::take(items) {
        let Some(cfg) = item_cfg(&mut item) else {
            kept.push(item);
            continue;
        };
        let key = cfg_text(&cfg);
        match groups.get(&key) {
            Some(&index) => new_parts[index].items.push(item),
            None => {
                let path = format!("{context}/{}.rs", slug(&cfg));
                kept.push(include_item(&cfg, module, &path));
                groups.insert(key.clone(), new_parts.len());
                new_parts.push(Part {
                    path,
                    cfg: key,
                    items: vec![item],
                });
            }
        }
    }
    *items = kept;
    parts.extend(new_parts);
}

/// A file of `items`.
pub fn file_of(items: Vec<Item>) -> syn::File {
    let mut file: syn::File = parse_quote!();
    file.items = items;
    file
}

fn include_item(cfg: &Attribute, module: &str, path: &str) -> Item {
    let full = format!("{module}/{path}");
    parse_quote!(#cfg include!(#full);)
}

fn is_client(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.is_ident("Client"))
}

/// Removes and returns an item's feature `#[cfg]` (the one the gate pass
/// added).
fn item_cfg(item: &mut Item) -> Option<Attribute> {
    // Modules are not split: their items are.
    if matches!(item, Item::Mod(_)) {
        return None;
    }
    take_cfg(item_attrs(item)?)
}

fn member_cfg(member: &mut ImplItem) -> Option<Attribute> {
    match member {
        ImplItem::Fn(f) => take_cfg(&mut f.attrs),
        _ => None,
    }
}

fn take_cfg(attrs: &mut Vec<Attribute>) -> Option<Attribute> {
    let at = attrs
        .iter()
        .position(|a| a.path().is_ident("cfg") && cfg_text(a).contains("feature"))?;
    Some(attrs.remove(at))
}

fn cfg_text(attr: &Attribute) -> String {
    attr.meta.to_token_stream().to_string()
}

/// A file name for a cfg: its features joined by `+` when there are at most
/// two (`user-management`, `full+traces`), else `shared-` and a hash.
fn slug(cfg: &Attribute) -> String {
    let text = cfg_text(cfg);
    let features: Vec<&str> = text.split('"').skip(1).step_by(2).collect();
    if features.len() <= 2 && !text.contains("all (") && !features.is_empty() {
        return features.join("+");
    }
    let digest = Sha256::digest(text.as_bytes());
    let hex: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    format!("shared-{hex}")
}

/// `items` with every `include!("...")` replaced by the part's items
/// (`parts` by included path: `regional/types/x.rs`). Not recursive.
pub fn expand_includes(
    items: Vec<Item>,
    parts: &BTreeMap<String, &str>,
) -> Result<Vec<Item>, String> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Item::Macro(call) if call.mac.path.is_ident("include") => {
                let path: syn::LitStr = call
                    .mac
                    .parse_body()
                    .map_err(|e| format!("an include! without a path: {e}"))?;
                let text = parts
                    .get(&path.value())
                    .ok_or_else(|| format!("{} is not a generated part", path.value()))?;
                let part = syn::parse_file(text)
                    .map_err(|e| format!("{} does not parse: {e}", path.value()))?;
                out.extend(part.items);
            }
            other => out.push(other),
        }
    }
    Ok(out)
}

/// The module as one syntax tree again: every `include!` of a part is
/// replaced by the part's items (the tests check that splitting loses
/// nothing). `parts` are relative to the module's directory, as in
/// [`Part::path`].
#[cfg(test)]
fn unsplit(main: &str, parts: &[(String, String)], module: &str) -> Result<syn::File, String> {
    let mut file = syn::parse_file(main)
        .map_err(|e| format!("the generated {module}.rs does not parse: {e}"))?;
    let parts: BTreeMap<String, &str> = parts
        .iter()
        .map(|(path, text)| (format!("{module}/{path}"), text.as_str()))
        .collect();
    fn walk(items: &mut Vec<Item>, parts: &BTreeMap<String, &str>) -> Result<(), String> {
        *items = expand_includes(std::mem::take(items), parts)?;
        for item in items.iter_mut() {
            if let Item::Mod(module) = item
                && let Some((_, inner)) = &mut module.content
            {
                walk(inner, parts)?;
            }
        }
        Ok(())
    }
    walk(&mut file.items, &parts)?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cfg_items_move_to_included_files() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct Always;
                #[cfg(feature = "users")]
                pub struct User;
                #[cfg(feature = "roles")]
                pub struct Role;
                #[cfg(feature = "users")]
                impl User {}
                pub mod builder {
                    #[cfg(feature = "users")]
                    pub struct User;
                }
            }
            pub struct Client;
            impl Client {
                pub fn new() -> Self { Client }
                #[doc = "Users."]
                #[cfg(feature = "users")]
                pub fn list_users(&self) {}
                #[cfg(any(feature = "a", feature = "b", feature = "c"))]
                pub fn shared(&self) {}
            }
            pub mod builder {
                #[cfg(feature = "users")]
                pub struct ListUsers;
            }
        };
        let parts = split_file(&mut file, "regional");
        let paths: Vec<&str> = parts.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths.len(), 6, "{paths:?}");
        assert!(paths.contains(&"types/users.rs"));
        assert!(paths.contains(&"types/roles.rs"));
        assert!(paths.contains(&"types/builder/users.rs"));
        assert!(paths.contains(&"builder/users.rs"));
        assert!(paths.contains(&"client/users.rs"));
        assert!(paths.iter().any(|p| p.starts_with("client/shared-")));
        let users = parts.iter().find(|p| p.path == "types/users.rs").unwrap();
        assert_eq!(users.items.len(), 2, "the struct and its impl");
        let text = prettyplease::unparse(&file);
        assert!(text.contains("pub struct Always;"), "{text}");
        assert!(!text.contains("pub struct User;"), "{text}");
        assert!(
            text.contains(
                "#[cfg(feature = \"users\")]\n    include!(\"regional/types/users.rs\");"
            ),
            "{text}"
        );
        assert!(text.contains("pub fn new() -> Self"), "{text}");
        assert!(!text.contains("list_users"), "{text}");
        assert!(
            text.contains("#[cfg(feature = \"users\")]\ninclude!(\"regional/client/users.rs\");"),
            "{text}"
        );
        // Each part parses alone, docs kept, its own cfg gone.
        let client = parts.iter().find(|p| p.path == "client/users.rs").unwrap();
        let part = prettyplease::unparse(&file_of(client.items.clone()));
        assert!(
            part.contains("///Users.") || part.contains("/// Users."),
            "{part}"
        );
        assert!(!part.contains("cfg"), "{part}");

        // Unsplitting brings every item back.
        let texts: Vec<(String, String)> = parts
            .iter()
            .map(|p| {
                (
                    p.path.clone(),
                    prettyplease::unparse(&file_of(p.items.clone())),
                )
            })
            .collect();
        let whole = prettyplease::unparse(&unsplit(&text, &texts, "regional").unwrap());
        for name in [
            "pub struct User;",
            "pub struct Role;",
            "fn list_users",
            "fn shared",
            "pub struct ListUsers;",
        ] {
            assert!(whole.contains(name), "{name} in {whole}");
        }
        assert!(!whole.contains("include!"), "{whole}");
        let Err(err) = unsplit(&text, &texts[1..], "regional") else {
            panic!("a missing part is an error");
        };
        assert!(err.ends_with("is not a generated part"), "{err}");
    }
}
