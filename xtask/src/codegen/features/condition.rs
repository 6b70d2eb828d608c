//! When a generated item compiles, as typed feature sets, and the `#[cfg]`
//! that says it.

use quote::ToTokens;
use sha2::{Digest, Sha256};
use syn::{Attribute, parse_quote};

use super::plan::FeatureSet;

/// An item compiles when, for each set, one of its features is enabled.
/// Never empty: an item always compiled has no condition (`None` where one
/// is expected). Minimal: no set holds another (it would be implied), and
/// the sets are ordered by size, then by name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Condition(Vec<FeatureSet>);

impl Condition {
    /// The condition of an item that needs one feature of each of `sets`;
    /// `None` when there is no set (it is always compiled).
    pub fn all_of<'a>(sets: impl IntoIterator<Item = &'a FeatureSet>) -> Option<Condition> {
        let mut sets: Vec<&FeatureSet> = sets.into_iter().collect();
        sets.sort_by_key(|s| (s.len(), *s));
        sets.dedup();
        let mut minimal: Vec<FeatureSet> = Vec::new();
        for set in sets {
            if !minimal.iter().any(|kept| kept.is_subset(set)) {
                minimal.push(set.clone());
            }
        }
        (!minimal.is_empty()).then_some(Condition(minimal))
    }

    /// The sets, each of which needs one of its features.
    #[cfg(test)]
    pub fn sets(&self) -> &[FeatureSet] {
        &self.0
    }

    /// `#[cfg(feature = "a")]`, `#[cfg(any(feature = "a", feature = "b"))]`,
    /// `#[cfg(all(any(...), ...))]`.
    pub fn attribute(&self) -> Attribute {
        let any = |set: &FeatureSet| -> proc_macro2::TokenStream {
            let features: Vec<&String> = set.iter().collect();
            match features[..] {
                [] => quote::quote!(any()),
                [one] => quote::quote!(feature = #one),
                _ => quote::quote!(any(#(feature = #features),*)),
            }
        };
        match &self.0[..] {
            [one] => {
                let condition = any(one);
                parse_quote!(#[cfg(#condition)])
            }
            many => {
                let conditions = many.iter().map(any);
                parse_quote!(#[cfg(all(#(#conditions),*))])
            }
        }
    }

    /// The attribute's meta as tokens print it (`cfg (feature = "a")`), for
    /// the header of the file the condition's items move to.
    pub fn display(&self) -> String {
        self.attribute().meta.to_token_stream().to_string()
    }

    /// A file name for the condition's items: the features joined by `+`
    /// when one set of at most two features says it (`user-management`,
    /// `full+traces`), else `shared-` and a hash of the cfg.
    pub fn file_stem(&self) -> String {
        if let [set] = &self.0[..]
            && (1..=2).contains(&set.len())
        {
            return set.iter().map(String::as_str).collect::<Vec<_>>().join("+");
        }
        let digest = Sha256::digest(self.display().as_bytes());
        let hex: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
        format!("shared-{hex}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(features: &[&str]) -> FeatureSet {
        features.iter().map(|f| f.to_string()).collect()
    }

    #[test]
    fn minimal_sets_make_the_cfg_and_the_file_name() {
        assert_eq!(Condition::all_of([]), None);
        let users = set(&["users"]);
        let one = Condition::all_of([&users, &users]).unwrap();
        assert_eq!(one.display(), "cfg (feature = \"users\")");
        assert_eq!(one.file_stem(), "users");

        let pair = set(&["full", "traces"]);
        let wider = set(&["full", "roles", "traces"]);
        // The wider set is implied by the pair.
        let two = Condition::all_of([&wider, &pair]).unwrap();
        assert_eq!(two.sets(), std::slice::from_ref(&pair));
        assert_eq!(
            two.display(),
            "cfg (any (feature = \"full\" , feature = \"traces\"))"
        );
        assert_eq!(two.file_stem(), "full+traces");

        let both = Condition::all_of([&pair, &users]).unwrap();
        assert_eq!(both.sets(), [users.clone(), pair.clone()]);
        assert!(both.display().starts_with("cfg (all (feature = \"users\""));
        assert!(both.file_stem().starts_with("shared-"));
        assert_eq!(both.file_stem().len(), "shared-".len() + 8);
        let three = set(&["a", "b", "c"]);
        assert!(
            Condition::all_of([&three])
                .unwrap()
                .file_stem()
                .starts_with("shared-")
        );
    }
}
