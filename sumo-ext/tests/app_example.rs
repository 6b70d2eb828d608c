//! How an application tests its own Sumo Logic code with the test kit:
//! copy this file into your crate's `tests/`, with
//!
//! ```toml
//! [dev-dependencies]
//! sumo-ext = { version = "...", features = ["testing"] }
//! tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
//! ```
//!
//! `deactivate_domain` stands for your code: it takes a `SumoClient`, so a
//! test hands it `testing::client(&server)` where production hands it
//! `SumoClient::from_env()`. The mocks are typed: `when.id(...)` and
//! `when.body(...)` take what the operation takes, `then.ok(...)` what it
//! answers, so a Sumo release that changes them fails your build, not your
//! production run.

use futures::TryStreamExt;
use sumo_ext::raw::regional::builder::ListUsers;
use sumo_ext::raw::regional::types::{UpdateUserDefinition, UserModel};
use sumo_ext::testing::{self, MockServer, MockServerExt, Pages, SumoAnswers};
use sumo_ext::users::UserUpdate;
use sumo_ext::{Error, SumoClient};

/// The application code under test: deactivates every active user whose
/// email is in `domain`, and returns their ids.
async fn deactivate_domain(client: &SumoClient, domain: &str) -> Result<Vec<String>, Error> {
    let users: Vec<UserModel> = client.users().list().stream().try_collect().await?;
    let suffix = format!("@{domain}");
    let mut deactivated = Vec::new();
    for user in users
        .iter()
        .filter(|u| u.email.ends_with(&suffix) && u.is_active == Some(true))
    {
        let mut update = UserUpdate::from(user);
        update.is_active = false;
        client.users().update(&user.id, update).await?;
        deactivated.push(user.id.clone());
    }
    Ok(deactivated)
}

/// A user of the organization, as Sumo lists it.
fn user(id: &str, email: &str, active: bool) -> UserModel {
    let mut user = testing::sample_user(id, email);
    user.is_active = Some(active);
    user
}

/// The body Sumo must receive to deactivate `user`.
fn deactivation_of(user: &UserModel) -> UpdateUserDefinition {
    UpdateUserDefinition::builder()
        .first_name(user.first_name.clone())
        .last_name(user.last_name.clone())
        .is_active(Some(false))
        .role_ids(user.role_ids.clone())
        .try_into()
        .expect("a complete body")
}

#[tokio::test]
async fn deactivates_the_active_users_of_the_domain_across_pages() {
    let server = MockServer::start_async().await;
    let users = [
        user("0000000000000001", "ann@old.example", true),
        user("0000000000000002", "bob@new.example", true),
        user("0000000000000003", "cat@old.example", false),
        user("0000000000000004", "dan@old.example", true),
    ];
    // Four users over two pages, linked by a token as Sumo links them.
    let pages = Pages::new(&users).page_size(2).serve::<ListUsers>(&server);
    // One typed mock per expected update, matched on the id and the body.
    let updates: Vec<_> = [&users[0], &users[3]]
        .into_iter()
        .map(|wanted| {
            let body = deactivation_of(wanted);
            let mut answer = wanted.clone();
            answer.is_active = Some(false);
            server.update_user(|when, then| {
                when.id(&wanted.id).body(&body);
                then.ok(&answer);
            })
        })
        .collect();

    let client = testing::client(&server);
    let deactivated = deactivate_domain(&client, "old.example").await.unwrap();

    assert_eq!(deactivated, ["0000000000000001", "0000000000000004"]);
    pages.assert_each_page_served_once();
    for update in &updates {
        update.assert_calls(1);
    }
}

#[tokio::test]
async fn a_refused_update_stops_with_sumos_error() {
    let server = MockServer::start_async().await;
    let users = [user("0000000000000001", "ann@old.example", true)];
    let _pages = Pages::new(&users).serve::<ListUsers>(&server);
    let refused = server.update_user(|when, then| {
        when.id("0000000000000001");
        then.into_inner()
            .sumo_error(403, "user:cannot_update", "You cannot update this user.");
    });

    let client = testing::client(&server);
    let error = deactivate_domain(&client, "old.example").await.unwrap_err();

    let api = error.api().expect("Sumo's error");
    assert_eq!(api.operation, "update_user");
    assert_eq!(api.status.as_u16(), 403);
    assert!(api.has_code("user:cannot_update"), "{error}");
    refused.assert_calls(1);
}
