//! Rust names of spec items, as the generator and typify spell them.

use heck::{ToKebabCase, ToPascalCase};

/// The cargo feature of a spec tag: `userManagement` → `user-management`.
pub fn feature_name(tag: &str) -> String {
    tag.to_kebab_case()
}

/// The Rust name typify gives a component schema: `userModel` → `UserModel`.
pub fn rust_type_name(schema: &str) -> String {
    schema.to_pascal_case()
}

/// A method or argument name as progenitor writes it: `getUserById` /
/// `user-id` → `get_user_by_id` / `user_id` (its rule, simplified; the diff
/// names the Rust items a change reaches with it).
pub fn snake(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if previous_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            previous_lower = false;
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            if !out.ends_with('_') && !out.is_empty() {
                out.push('_');
            }
            previous_lower = false;
        }
    }
    out.trim_end_matches('_').to_string()
}

/// An enum variant as typify names it: `dark-mode` / `itemType` →
/// `DarkMode` / `ItemType` (its rule, simplified).
pub fn pascal(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = true;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if upper {
                out.push(c.to_ascii_uppercase());
            } else {
                out.push(c);
            }
            upper = false;
        } else {
            upper = true;
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'X');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_generators() {
        assert_eq!(snake("getUserById"), "get_user_by_id");
        assert_eq!(snake("user-id"), "user_id");
        assert_eq!(snake("ID"), "id");
        assert_eq!(pascal("itemType"), "ItemType");
        assert_eq!(pascal("dark-mode"), "DarkMode");
        assert_eq!(pascal("<="), "X");
    }

    #[test]
    fn names() {
        assert_eq!(feature_name("userManagement"), "user-management");
        assert_eq!(feature_name("fieldManagementV1"), "field-management-v1");
        assert_eq!(rust_type_name("userModel"), "UserModel");
        assert_eq!(
            rust_type_name("ListUserModelsResponse"),
            "ListUserModelsResponse"
        );
    }
}
