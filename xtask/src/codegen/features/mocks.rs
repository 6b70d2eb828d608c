//! The per-tag features applied to the mocks of one module (progenitor's
//! `Generator::httpmock`): the module `src/<module>/mock.rs`, compiled with
//! the crate's `mock` feature, whose `When`/`Then` wrappers of each
//! operation move into a file per condition (`mock/user-management.rs`)
//! and whose `MockServerExt` methods get their operation's `#[cfg]` in
//! place (a trait cannot be split across files).
//!
//! The condition of a mock is that of its operation's builder in the
//! [`Plan`], found through the `Client` method of the same name, so a mock
//! compiles exactly when the operation it mocks does.

use std::collections::HashMap;

use syn::visit::Visit;
use syn::{Attribute, ImplItem, Item, TraitItem, parse_quote};

use super::condition::Condition;
use super::plan::{Plan, own_name};
use super::split::{Part, returned_builder, split_into_parts};

/// The crate feature that compiles the mocks.
pub const MOCK_FEATURE: &str = "mock";

/// The mocks of one module, split.
pub struct MockModule {
    /// `src/<module>/mock.rs`.
    pub root: syn::File,
    /// Its parts, relative to the module's directory (`mock/<stem>.rs`).
    pub parts: Vec<Part>,
    /// Mock methods that got a condition.
    pub gated: usize,
}

/// Applies `plan` to `mocks`; `client` is the client module before its
/// split (its `impl Client` names each operation's builder).
pub fn split(mut mocks: syn::File, client: &syn::File, plan: &Plan) -> MockModule {
    let builders = client_builders(client);
    let condition_of_method = |name: &str| -> Option<Condition> {
        let builder = builders.get(name)?;
        Condition::all_of([plan.operations.get(builder)?])
    };

    // Each operation's `When`/`Then` types, from the trait's signatures.
    let mut wrappers: HashMap<String, Condition> = HashMap::new();
    let mut gated = 0;
    for item in mocks.items.iter_mut() {
        match item {
            Item::Trait(trait_) => {
                for member in trait_.items.iter_mut() {
                    let TraitItem::Fn(function) = member else {
                        continue;
                    };
                    let Some(condition) = condition_of_method(&function.sig.ident.to_string())
                    else {
                        continue;
                    };
                    for wrapper in operation_types(&function.sig) {
                        wrappers.insert(wrapper, condition.clone());
                    }
                    function.attrs.push(condition.attribute());
                    gated += 1;
                }
            }
            Item::Impl(imp) => {
                for member in imp.items.iter_mut() {
                    let ImplItem::Fn(function) = member else {
                        continue;
                    };
                    if let Some(condition) = condition_of_method(&function.sig.ident.to_string()) {
                        function.attrs.push(condition.attribute());
                    }
                }
            }
            _ => {}
        }
    }

    let mut parts: Vec<Part> = Vec::new();
    for item in mocks.items.iter_mut() {
        let Item::Mod(module) = item else { continue };
        if module.ident != "operations" {
            continue;
        }
        let Some((_, items)) = &mut module.content else {
            continue;
        };
        for inner in items.iter_mut() {
            if let Item::Use(using) = inner {
                // Unused when no operation's mocks are compiled.
                using.attrs.push(parse_quote!(#[allow(unused_imports)]));
            }
        }
        // Included from `mock.rs`, relative to it.
        parts.extend(split_into_parts(items, "mock", "", |inner| {
            own_name(inner)
                .and_then(|name| wrappers.get(&name))
                .cloned()
        }));
    }
    parts.sort_by(|a, b| a.path.cmp(&b.path));
    MockModule {
        root: mocks,
        parts,
        gated,
    }
}

/// The item the client module declares its mocks with.
pub fn declaration() -> Item {
    let doc = format!(
        " Typed [httpmock](https://docs.rs/httpmock) mocks of every operation \
         (progenitor's generator), compiled with the `{MOCK_FEATURE}` feature and \
         the operation's API area."
    );
    let cfg: Attribute = parse_quote!(#[cfg(feature = #MOCK_FEATURE)]);
    parse_quote!(#[doc = #doc] #cfg pub mod mock;)
}

/// The builder each method of `impl Client` returns (`list_users` →
/// `ListUsers`).
fn client_builders(client: &syn::File) -> HashMap<String, String> {
    let mut found = HashMap::new();
    for item in &client.items {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() {
            continue;
        }
        for member in &imp.items {
            if let (ImplItem::Fn(function), Some(builder)) = (member, returned_builder(member)) {
                found.insert(function.sig.ident.to_string(), builder);
            }
        }
    }
    found
}

/// The `operations::X` types a mock method's signature names (its `When`
/// and `Then`).
fn operation_types(signature: &syn::Signature) -> Vec<String> {
    struct Find(Vec<String>);
    impl<'ast> Visit<'ast> for Find {
        fn visit_path(&mut self, path: &'ast syn::Path) {
            let segments: Vec<_> = path.segments.iter().collect();
            if let [module, wrapper] = segments[..]
                && module.ident == "operations"
            {
                self.0.push(wrapper.ident.to_string());
            }
            syn::visit::visit_path(self, path);
        }
    }
    let mut find = Find(Vec::new());
    find.visit_signature(signature);
    find.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::features::plan::tests::{file, spec};

    /// progenitor's shape of the mocks of `file()`'s two operations.
    fn mocks() -> syn::File {
        parse_quote! {
            pub mod operations {
                use crate::regional::*;
                pub struct ListUsersWhen(::httpmock::When);
                impl ListUsersWhen { pub fn new(inner: ::httpmock::When) -> Self { Self(inner) } }
                pub struct ListUsersThen(::httpmock::Then);
                impl ListUsersThen { pub fn new(inner: ::httpmock::Then) -> Self { Self(inner) } }
                pub struct ListRolesWhen(::httpmock::When);
                pub struct ListRolesThen(::httpmock::Then);
            }
            pub trait MockServerExt {
                fn list_users<F>(&self, config_fn: F) -> ::httpmock::Mock<'_>
                where F: FnOnce(operations::ListUsersWhen, operations::ListUsersThen);
                fn list_roles<F>(&self, config_fn: F) -> ::httpmock::Mock<'_>
                where F: FnOnce(operations::ListRolesWhen, operations::ListRolesThen);
            }
            impl MockServerExt for ::httpmock::MockServer {
                fn list_users<F>(&self, config_fn: F) -> ::httpmock::Mock<'_>
                where F: FnOnce(operations::ListUsersWhen, operations::ListUsersThen) { todo!() }
                fn list_roles<F>(&self, config_fn: F) -> ::httpmock::Mock<'_>
                where F: FnOnce(operations::ListRolesWhen, operations::ListRolesThen) { todo!() }
            }
        }
    }

    #[test]
    fn each_mock_compiles_with_its_operation() {
        let mut client = file();
        for item in client.items.iter_mut() {
            if let Item::Impl(imp) = item {
                imp.items.push(parse_quote!(
                    pub fn list_roles(&self) -> builder::ListRoles<'_> {
                        todo!()
                    }
                ));
            }
        }
        let plan = Plan::build(&client, &spec());
        let module = split(mocks(), &client, &plan);
        let paths: Vec<&str> = module.parts.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["mock/roles.rs", "mock/users.rs"]);
        let users = &module.parts[1];
        let names: Vec<String> = users.items.iter().filter_map(own_name).collect();
        assert_eq!(
            names,
            [
                "ListUsersWhen",
                "ListUsersWhen",
                "ListUsersThen",
                "ListUsersThen"
            ]
        );
        assert_eq!(module.gated, 2);
        let root = prettyplease::unparse(&module.root);
        assert!(
            root.contains("#[cfg(feature = \"users\")]\n    include!(\"mock/users.rs\");"),
            "{root}"
        );
        assert!(root.contains("#[allow(unused_imports)]"), "{root}");
        // Both the trait's method and the impl's carry the cfg.
        assert_eq!(
            root.matches("#[cfg(feature = \"roles\")]\n    fn list_roles")
                .count(),
            2,
            "{root}"
        );
        assert!(!root.contains("pub struct"), "{root}");
    }
}
