//! `schemars::JsonSchema` derives move behind the `schemars` cargo feature:
//! progenitor derives it everywhere or nowhere, and most users never need it.

use syn::{Attribute, Item, parse_quote};

use super::syntax::derived_paths;
use super::{Context, SyntaxPass, SyntaxReport};

/// See the module documentation.
pub struct SchemarsGate;

impl SyntaxPass for SchemarsGate {
    fn name(&self) -> &'static str {
        "schemars-gate"
    }

    fn summary(&self) -> &'static str {
        "JsonSchema derives behind the `schemars` feature"
    }

    fn run(&self, file: &mut syn::File, _: &Context<'_>) -> SyntaxReport {
        let mut gate = Gate { count: 0 };
        gate.items(&mut file.items);
        SyntaxReport::changed(gate.count)
    }
}

/// Replaces `JsonSchema` in derive lists by
/// `#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]`.
struct Gate {
    count: usize,
}

impl Gate {
    /// The structs and enums of `items` and of the modules among them
    /// (derives sit on items: function bodies are not visited).
    fn items(&mut self, items: &mut [Item]) {
        for item in items {
            match item {
                Item::Struct(item) => self.gate(&mut item.attrs),
                Item::Enum(item) => self.gate(&mut item.attrs),
                Item::Mod(module) => {
                    if let Some((_, inner)) = &mut module.content {
                        self.items(inner);
                    }
                }
                _ => {}
            }
        }
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_schema_derives_move_behind_the_feature() {
        let mut f: syn::File = syn::parse_str(
            "pub mod types {
                #[derive(Clone, schemars::JsonSchema, Debug)]
                pub struct A { x: i32 }
                #[derive(schemars::JsonSchema)]
                pub enum B { X }
                #[derive(Clone)]
                pub struct C;
            }",
        )
        .unwrap();
        let document = serde_json::Value::Null;
        let report = SchemarsGate.run(
            &mut f,
            &Context {
                document: &document,
            },
        );
        assert_eq!(report.changes, 2);
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
}
