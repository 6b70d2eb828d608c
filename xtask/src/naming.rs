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

#[cfg(test)]
mod tests {
    use super::*;

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
