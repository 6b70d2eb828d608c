//! `MockServerExt` sealed: progenitor's httpmock generator makes it an
//! open trait, so every operation a spec release adds (one more trait
//! method) would be a breaking change for cargo-semver-checks, as if
//! callers implemented the trait. Only httpmock's `MockServer` does: the
//! pass gives the trait a supertrait no one outside can name
//! (`sealed::Sealed`, implemented for `MockServer` alone), so an added
//! operation is a minor change for the test kit too.

use syn::{Item, parse_quote};

use super::{Context, SyntaxPass, SyntaxReport, Tree};

/// The trait progenitor puts on the mock server.
const EXT_TRAIT: &str = "MockServerExt";

/// See the module documentation.
pub struct MockSealedExt;

impl SyntaxPass for MockSealedExt {
    fn name(&self) -> &'static str {
        "mock-sealed-ext"
    }

    fn summary(&self) -> &'static str {
        "MockServerExt is sealed, so an operation added by a release is a minor change"
    }

    fn tree(&self) -> Tree {
        Tree::Mocks
    }

    fn run(&self, file: &mut syn::File, _: &Context<'_>) -> SyntaxReport {
        let mut sealed = 0;
        for item in file.items.iter_mut() {
            if let Item::Trait(trait_) = item
                && trait_.ident == EXT_TRAIT
                && trait_.supertraits.is_empty()
            {
                trait_.colon_token = Some(Default::default());
                trait_.supertraits.push(parse_quote!(sealed::Sealed));
                sealed += 1;
            }
        }
        if sealed > 0 {
            file.items.push(parse_quote! {
                mod sealed {
                    /// Implemented by httpmock's `MockServer` alone.
                    pub trait Sealed {}
                    impl Sealed for ::httpmock::MockServer {}
                }
            });
        }
        SyntaxReport::changed(sealed)
    }
}

#[cfg(test)]
mod tests {
    use super::super::syntax::tests::squeeze;
    use super::*;

    #[test]
    fn the_extension_trait_gets_a_supertrait_no_one_outside_can_name() {
        let mut file: syn::File = parse_quote! {
            pub trait MockServerExt {
                fn list_users<F>(&self, config_fn: F) -> ::httpmock::Mock<'_>;
            }
            impl MockServerExt for ::httpmock::MockServer {
                fn list_users<F>(&self, config_fn: F) -> ::httpmock::Mock<'_> { todo!() }
            }
        };
        let document = serde_json::Value::Null;
        let context = Context {
            document: &document,
        };
        assert_eq!(MockSealedExt.run(&mut file, &context).changes, 1);
        let text = squeeze(&prettyplease::unparse(&file));
        assert!(
            text.contains(&squeeze("pub trait MockServerExt: sealed::Sealed {")),
            "{text}"
        );
        assert!(
            text.contains(&squeeze(
                "mod sealed { /// Implemented by httpmock's `MockServer` alone.\npub trait Sealed {} impl Sealed for ::httpmock::MockServer {} }"
            )),
            "{text}"
        );
        // Once sealed, a second run changes nothing.
        assert_eq!(MockSealedExt.run(&mut file, &context).changes, 0);
    }
}
