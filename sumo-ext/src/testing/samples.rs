//! Values of the spec's types to answer with, complete enough to parse.

use sumo_generated_client::regional::types::UserModel;

/// A user as Sumo lists it: `id` and `email`, first name `Test`, last
/// name `User`, active, no roles, created and modified on 2024-01-01.
/// Change its public fields to taste.
///
/// # Panics
/// Never: the JSON is fixed but for the two strings.
pub fn sample_user(id: &str, email: &str) -> UserModel {
    let json = serde_json::json!({
        "id": id,
        "email": email,
        "firstName": "Test",
        "lastName": "User",
        "roleIds": [],
        "isActive": true,
        "createdAt": "2024-01-01T00:00:00Z",
        "createdBy": "0000000000000001",
        "modifiedAt": "2024-01-01T00:00:00Z",
        "modifiedBy": "0000000000000001",
    });
    match serde_json::from_value(json) {
        Ok(user) => user,
        Err(e) => panic!("sample_user: the spec's UserModel changed: {e}"),
    }
}
