//! The test kit's own tests (`sumo_ext::testing`, feature `testing`):
//! typed mocks, paged answers, Sumo's error bodies, 429s and the 301
//! `moved` answer, each against a real httpmock server.

use std::time::Duration;

use futures::TryStreamExt;
use sumo_ext::raw::regional::builder::{ListRoles, ListUsers};
use sumo_ext::raw::regional::types;
use sumo_ext::testing::{
    self, MockServer, MockServerExt, OrganizationsMockServerExt, Pages, SumoAnswers,
};
use sumo_ext::users::NewUser;
use sumo_ext::{Error, RetryPolicy, deployment};

fn users(n: usize) -> Vec<types::UserModel> {
    (1..=n)
        .map(|i| testing::sample_user(&format!("{i:016X}"), &format!("user{i}@example.com")))
        .collect()
}

#[tokio::test]
async fn the_users_stream_reads_three_mocked_pages_in_order() {
    let server = MockServer::start_async().await;
    let pages = Pages::new(users(5))
        .page_size(2)
        .serve::<ListUsers>(&server);
    assert_eq!(pages.len(), 3);

    let client = testing::client(&server);
    let listed: Vec<types::UserModel> = client.users().list().stream().try_collect().await.unwrap();

    let emails: Vec<&str> = listed.iter().map(|u| u.email.as_str()).collect();
    assert_eq!(
        emails,
        [
            "user1@example.com",
            "user2@example.com",
            "user3@example.com",
            "user4@example.com",
            "user5@example.com"
        ]
    );
    assert_eq!(pages.hits(), [1, 1, 1]);
    pages.assert_each_page_served_once();
}

#[tokio::test]
async fn pages_take_the_fields_of_the_operations_page_type() {
    // Roles page in `data`/`next` too, but through their own builder: the
    // generic stream of the generated client reads them.
    use sumo_ext::prelude::*;
    let server = MockServer::start_async().await;
    let roles = (1..=3).map(|i| serde_json::json!({"id": format!("R{i}"), "name": format!("role {i}"),
        "createdAt": "2024-01-01T00:00:00Z", "createdBy": "1", "modifiedAt": "2024-01-01T00:00:00Z", "modifiedBy": "1"}));
    let pages = Pages::new(roles).page_size(1).serve::<ListRoles>(&server);
    let client = testing::client(&server);
    let names: Vec<String> = client
        .raw()
        .list_roles()
        .items()
        .map_ok(|role| role.name)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(names, ["role 1", "role 2", "role 3"]);
    pages.assert_each_page_served_once();

    // An empty list is one empty page.
    let empty = MockServer::start_async().await;
    let pages = Pages::new(Vec::<types::RoleModel>::new()).serve::<ListRoles>(&empty);
    let client = testing::client(&empty);
    let none: Vec<_> = client
        .raw()
        .list_roles()
        .items()
        .try_collect()
        .await
        .unwrap();
    assert!(none.is_empty());
    assert_eq!(pages.hits(), [1]);
}

#[tokio::test]
async fn create_user_is_matched_on_its_typed_body() {
    let server = MockServer::start_async().await;
    let wanted: types::CreateUserDefinition = types::CreateUserDefinition::builder()
        .first_name("Ada")
        .last_name("Lovelace")
        .email("ada@example.com")
        .role_ids(vec!["R1".to_string()])
        .try_into()
        .unwrap();
    let mut created = testing::sample_user("00000000000000AD", "ada@example.com");
    created.first_name = "Ada".into();
    let mock = server.create_user(|when, then| {
        when.body(&wanted);
        then.ok(&created);
    });

    let client = testing::client(&server);
    let new_user = |email: &str| NewUser {
        first_name: "Ada".into(),
        last_name: "Lovelace".into(),
        email: email.into(),
        role_ids: vec!["R1".into()],
    };
    let user = client
        .users()
        .create(new_user("ada@example.com"))
        .await
        .unwrap();
    assert_eq!(user.id, "00000000000000AD");
    assert_eq!(user.first_name, "Ada");
    mock.assert_calls(1);

    // Another body does not match: httpmock answers 404, a typed error.
    let error = client
        .users()
        .create(new_user("bob@example.com"))
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404), "{error}");
    mock.assert_calls(1);
}

#[tokio::test]
async fn a_mocked_error_body_is_a_typed_error_in_both_shapes() {
    let server = MockServer::start_async().await;
    let current = server.get_user(|when, then| {
        when.id("0000000000000404");
        then.client_error(
            404,
            testing::error_body("user:not_found", "User not found."),
        );
    });
    let legacy = server.get_user(|when, then| {
        when.id("0000000000000500");
        then.into_inner()
            .legacy_sumo_error(500, "internal.error", "Internal server error.");
    });
    let client = testing::client_builder(&server)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();

    let error = client.users().get("0000000000000404").await.unwrap_err();
    let api = error.api().expect("an API error");
    assert_eq!(api.operation, "get_user");
    assert_eq!(api.status.as_u16(), 404);
    assert_eq!(api.codes(), ["user:not_found"]);
    assert_eq!(api.messages(), ["User not found."]);
    assert_eq!(api.id.as_deref(), Some(testing::ERROR_ID));

    let error = client.users().get("0000000000000500").await.unwrap_err();
    let api = error.api().expect("an API error");
    assert_eq!(api.status.as_u16(), 500);
    assert!(api.has_code("internal.error"), "{api:?}");
    current.assert_calls(1);
    legacy.assert_calls(1);
}

#[tokio::test]
async fn retries_are_observed_through_a_mocked_429() {
    let server = MockServer::start_async().await;
    let body = serde_json::json!({"data": [testing::sample_user("0000000000000001", "a@example.com")], "next": null});
    let limited_then_ok = server.list_users(|when, then| {
        when.limit(3);
        then.into_inner()
            .rate_limited_then_ok(2, Duration::from_secs(1), &body);
    });
    let always_limited = server.list_users(|when, then| {
        when.limit(4);
        then.into_inner().rate_limited(Duration::from_secs(7));
    });
    let client = testing::client_builder(&server)
        .retry(testing::fast_retries().max_attempts(3))
        .build()
        .unwrap();

    // Two 429s, then the page: three calls (the `Retry-After` of a second
    // is capped by the kit's 20 ms backoff).
    let page = client
        .raw()
        .list_users()
        .limit(3)
        .send()
        .await
        .expect("the third attempt succeeds");
    assert_eq!(page.data.len(), 1);
    limited_then_ok.assert_calls(3);

    // Always 429: every attempt is made, and the last answer is the error.
    let error = client
        .users()
        .list()
        .page_size(std::num::NonZeroU32::new(4).unwrap())
        .first_page()
        .await
        .unwrap_err();
    always_limited.assert_calls(3);
    let api = error.api().expect("an API error");
    assert_eq!(api.status.as_u16(), 429);
    assert_eq!(api.retry_after.as_deref(), Some("7"));
    assert!(api.has_code("rate.limit.exceeded"), "{api:?}");
}

#[tokio::test]
async fn the_moved_answer_names_the_accounts_deployment() {
    let server = MockServer::start_async().await;
    let moved = server.list_users(|_, then| {
        then.into_inner().moved(&deployment::EU, "/v1/users");
    });
    let client = testing::client(&server);
    assert_eq!(client.discover_deployment().await.unwrap(), deployment::EU);
    let error = client.users().list().first_page().await.unwrap_err();
    match &error {
        Error::Moved {
            location,
            deployment: Some(found),
            ..
        } => {
            assert_eq!(location, "https://api.eu.sumologic.com/api/v1/users");
            assert_eq!(*found, deployment::EU);
        }
        other => panic!("{other:?}"),
    }
    moved.assert_calls(2);
}

#[tokio::test]
async fn the_organizations_api_is_mocked_on_the_same_server() {
    use sumo_ext::raw::organizations::types::ChildOrgId;
    let server = MockServer::start_async().await;
    let client = testing::client(&server);
    let organizations = client.organizations();
    let parent = organizations.parent_deployment_id().to_string();
    let id = ChildOrgId::from("0000000000000ABC".to_string());
    let mock = server.get_organization(|when, then| {
        when.org_id(&id).parent_deployment_id(parent.as_str());
        then.client_error(
            404,
            testing::error_body("org:not_found", "No such organization."),
        );
    });
    let error = organizations.get("0000000000000ABC").await.unwrap_err();
    let api = error.api().expect("an API error");
    assert_eq!(api.operation, "get_organization");
    assert_eq!(api.codes(), ["org:not_found"]);
    mock.assert_calls(1);
}

#[test]
fn the_test_credentials_stay_out_of_debug() {
    let server = MockServer::start();
    let client = testing::client(&server);
    let shown = format!("{client:?}");
    assert!(shown.contains(testing::ACCESS_ID), "{shown}");
    assert!(!shown.contains(testing::ACCESS_KEY), "{shown}");
}
