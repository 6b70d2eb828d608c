//! Every users and organizations call through sumo-ext against Stoplight
//! Prism serving the real specs (started by `cargo xtask test`, which
//! exports `SUMO_PRISM_REGIONAL_URL` and `SUMO_PRISM_ORGANIZATIONS_URL`).
//! Prism validates each request against the spec (422/401 on a violation)
//! and answers with the spec's examples, which must parse.

use chrono::NaiveDate;
use futures::{StreamExt, TryStreamExt};
use sumo_ext::users::{DeleteContent, NewUser, UserSort, UserUpdate};
use sumo_ext::{Credentials, Deployment, Limits, RetryPolicy, SumoClient};

/// The Prism URLs, or `None` (with a notice) outside CI when Prism is not
/// running; under `CI=true` a missing Prism fails the test.
fn prism() -> Option<(String, String)> {
    match (
        std::env::var("SUMO_PRISM_REGIONAL_URL"),
        std::env::var("SUMO_PRISM_ORGANIZATIONS_URL"),
    ) {
        (Ok(regional), Ok(organizations)) => Some((regional, organizations)),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!(
                "SUMO_PRISM_REGIONAL_URL / SUMO_PRISM_ORGANIZATIONS_URL are not set: run `cargo xtask test`"
            )
        }
        _ => {
            eprintln!(
                "notice: Prism tests skipped (SUMO_PRISM_*_URL not set; `cargo xtask test` starts Prism)"
            );
            None
        }
    }
}

fn client(regional: &str, organizations: &str) -> SumoClient {
    SumoClient::builder(Credentials::new("suPRISMTEST", "prism-key"))
        .deployment(Deployment::custom(regional).expect("Prism URL"))
        .organizations_url(organizations)
        .limits(Limits::unlimited())
        .retry(RetryPolicy::none())
        .availability(None)
        .build()
        .expect("client")
}

const ID: &str = "000000000000AB12";

#[tokio::test]
async fn every_users_call_is_accepted_by_prism() {
    let Some((regional, organizations)) = prism() else {
        return;
    };
    let c = client(&regional, &organizations);
    let users = c.users();

    let first = users
        .list()
        .sort_by(UserSort::LastName)
        .include_service_accounts(true)
        .page_size(10.try_into().unwrap())
        .first_page()
        .await
        .expect("list_users");
    assert!(!first.data.is_empty(), "the spec's example lists users");
    let streamed: Vec<_> = users
        .list()
        .stream()
        .take(50)
        .try_collect()
        .await
        .expect("list_users stream");
    assert!(!streamed.is_empty());
    users
        .find_by_email("john@doe.com")
        .await
        .expect("find_by_email");

    let user = users.get(ID).await.expect("get_user");
    assert!(!user.id.is_empty());
    users
        .create(NewUser {
            first_name: "John".into(),
            last_name: "Doe".into(),
            email: "john@doe.com".into(),
            role_ids: vec!["00000000000000AB".into()],
        })
        .await
        .expect("create_user");
    users
        .update(ID, UserUpdate::from(&user))
        .await
        .expect("update_user");
    users
        .delete(ID, DeleteContent::TransferTo("000000000000ABCD".into()))
        .await
        .expect("delete_user transfer");
    users
        .delete(ID, DeleteContent::Delete)
        .await
        .expect("delete_user delete");
    users
        .delete(ID, DeleteContent::TransferToCaller)
        .await
        .expect("delete_user");
    users.unlock(ID).await.expect("unlock_user");
    users.reset_password(ID).await.expect("reset_password");
    users
        .disable_mfa(ID, "john@doe.com", "Pa55word!")
        .await
        .expect("disable_mfa");
    users
        .request_email_change(ID, "john.new@doe.com")
        .await
        .expect("request_change_email");
    users
        .resend_welcome_email(ID)
        .await
        .expect("resend_welcome_email");
}

#[tokio::test]
async fn prism_rejects_a_request_that_violates_the_spec() {
    let Some((regional, organizations)) = prism() else {
        return;
    };
    let c = client(&regional, &organizations);
    // `limit` is at most 1000: the client no longer checks value
    // constraints, the server does; Prism answers 422, which must come
    // back as a typed error naming the operation.
    let err = c
        .raw()
        .list_users()
        .limit(5000)
        .send()
        .await
        .expect_err("Prism validates query parameters");
    let err = sumo_ext::Error::from_generated("list_users", err).await;
    let api = err.api().expect("an API error");
    assert_eq!(api.status.as_u16(), 422, "{err}");
    assert_eq!(api.operation, "list_users");
}

#[tokio::test]
async fn every_organizations_call_is_accepted_by_prism() {
    let Some((regional, organizations)) = prism() else {
        return;
    };
    let c = client(&regional, &organizations);
    let usage = c
        .child_orgs()
        .usages(
            NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(2024, 1, 31).unwrap(),
        )
        .await
        .expect("get_child_usages (regional)");
    let _ = usage.data;

    let orgs = c.organizations();
    assert_eq!(orgs.parent_deployment_id(), "us2");
    accepted_list(
        "list_organizations",
        orgs.list(
            Some(sumo_ext::organizations::OrgStatus::Active),
            Some(10.try_into().unwrap()),
        )
        .take(20)
        .try_collect::<Vec<_>>()
        .await,
    );
    // The spec's example organization id.
    let org_id = "us2-00000000FF42A0C3".to_string();
    orgs.get(&org_id).await.expect("get_organization");
    orgs.org_usage(&org_id).await.expect("get_org_usage");
    accepted_list(
        "get_usages",
        orgs.usages(&[org_id.as_str()])
            .take(20)
            .try_collect::<Vec<_>>()
            .await,
    );
    assert!(
        !orgs
            .deployments()
            .await
            .expect("get_deployments")
            .is_empty()
    );
    orgs.parent_org().await.expect("get_parent_org_info");
    orgs.parent_usage().await.expect("get_parent_org_details");
    orgs.allocated_credits()
        .await
        .expect("get_allocated_credits");
}

/// A listing Prism accepted and the client parsed, with at least one item.
/// (The upstream examples of `ListOrganizationResponse` and
/// `ListUsagesResponse` are `{"data": [null, null]}`, which their schemas
/// forbid; `openapi/overlays/organizations.yaml` removes them.)
fn accepted_list<T>(operation: &str, result: Result<Vec<T>, sumo_ext::Error>) {
    match result {
        Ok(items) => assert!(!items.is_empty(), "{operation}: no items"),
        Err(other) => panic!("{operation}: {other:?}"),
    }
}

#[path = "support/examples.rs"]
mod examples;

/// The `any_operation` example, run against Prism as an application would
/// run it: the generic page stream, a job waited for, a failed call.
#[cfg(all(
    feature = "dashboard-management",
    feature = "content-management",
    feature = "user-management"
))]
#[tokio::test]
async fn the_any_operation_example_runs_against_prism() {
    let Some((regional, _)) = prism() else {
        return;
    };
    let binary = examples::binary(
        "any_operation",
        &["dashboard-management", "content-management"],
    );
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(binary)
            .env("SUMO_ACCESS_ID", "suPRISMTEST")
            .env("SUMO_ACCESS_KEY", "prism-key")
            .env("SUMO_ENDPOINT", regional)
            .env_remove("SUMO_DEPLOYMENT")
            .output()
            .expect("the example runs")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let count: usize = stdout
        .lines()
        .find_map(|l| l.strip_suffix(" dashboard(s)"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a dashboard count in:\n{stdout}"));
    assert!(count > 0, "{stdout}");
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("export job ") && l.contains(" done: ")),
        "{stdout}"
    );
    assert!(
        stdout.contains("failed call: list_users: HTTP 422"),
        "Prism refuses a page of 5,000:\n{stdout}"
    );
}
