//! Small syntax helpers the passes share.

use syn::{Attribute, Expr, Item};

/// The items of the top-level module `name`, if the file has it.
pub fn module_items_mut<'a>(file: &'a mut syn::File, name: &str) -> Option<&'a mut Vec<Item>> {
    file.items.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

/// The paths listed in a `#[derive(...)]` attribute (empty for others).
pub fn derived_paths(attr: &Attribute) -> Vec<syn::Path> {
    attr.parse_args_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
        .map(|paths| paths.into_iter().collect())
        .unwrap_or_default()
}

/// Whether `attrs` derive a trait whose path ends in `wanted`.
pub fn derives(attrs: &[Attribute], wanted: &str) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("derive")
            && derived_paths(attr)
                .iter()
                .any(|p| p.segments.last().is_some_and(|s| s.ident == wanted))
    })
}

/// Whether `expr` is the plain identifier `name`.
pub fn is_ident(expr: &Expr, name: &str) -> bool {
    matches!(expr, Expr::Path(p) if p.qself.is_none() && p.path.is_ident(name))
}

#[cfg(test)]
pub mod tests {
    use crate::codegen::passes::{Context, SyntaxPass, SyntaxReport};

    /// `source` run through `pass` as the items of the generated `builder`
    /// module (where `send()` lives); the items printed back.
    pub fn trimmed(pass: &dyn SyntaxPass, source: &str) -> (String, SyntaxReport) {
        let items: syn::File = syn::parse_str(source).expect("test source parses");
        let items = items.items;
        let mut file: syn::File = syn::parse_quote!(pub mod builder { #(#items)* });
        let document = serde_json::Value::Null;
        let report = pass.run(
            &mut file,
            &Context {
                document: &document,
            },
        );
        let items = super::module_items_mut(&mut file, "builder")
            .map(std::mem::take)
            .unwrap_or_default();
        let mut out: syn::File = syn::parse_quote!();
        out.items = items;
        (prettyplease::unparse(&out), report)
    }

    /// Whitespace-free, for comparing token sequences.
    pub fn squeeze(text: &str) -> String {
        text.split_whitespace().collect()
    }
}
