//! The users, organizations and lookup wrappers send what the spec says
//! (in-process, wiremock).

use chrono::NaiveDate;
use futures::TryStreamExt;
use sumo_ext::users::{DeleteContent, NewUser, UserUpdate};
use sumo_ext::{Credentials, Deployment, Limits, RetryPolicy, SumoClient};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn user(id: &str) -> serde_json::Value {
    serde_json::json!({
        "firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com", "roleIds": ["r1"],
        "createdAt": "2024-01-01T00:00:00Z", "createdBy": "x",
        "modifiedAt": "2024-01-01T00:00:00Z", "modifiedBy": "x",
        "id": id, "isActive": true
    })
}

/// The spec's example of `ReadOrganizationResponse`.
const ORG: &str = r#"{"email": "sumo@example.com", "organizationName": "SumoLogic", "firstName": "Jane", "lastName": "Doe", "subscription": {"startDate": "2020-03-16", "endDate": "2020-03-16", "status": "Active", "plan": {"planName": "Professional"}, "credits": 50000, "deploymentChargeCredits": 50000, "allocatedCredits": 50000, "baselines": {"continuousIngest": 50000, "frequentIngest": 50000, "infrequentIngest": 50000, "metrics": 50000, "tracingIngest": 50000, "cseIngest": 50000, "featureActivation": {}, "totalCreditsAllocated": 2000}}, "orgId": "us2-00000000FF42A0C3", "deploymentId": "us2"}"#;

fn client(server: &MockServer) -> SumoClient {
    SumoClient::builder(Credentials::new("api-tests", "key"))
        .deployment(Deployment::custom(&server.uri()).unwrap())
        .limits(Limits::unlimited())
        .retry(RetryPolicy::none())
        .organizations_url(server.uri())
        .build()
        .unwrap()
}

async fn expect(server: &MockServer, mock: Mock) {
    mock.expect(1).mount(server).await;
}

#[tokio::test]
async fn all_ten_user_operations_and_find_by_email() {
    let server = MockServer::start().await;
    let ok = ResponseTemplate::new(200).set_body_json(user("u1"));
    let none = ResponseTemplate::new(204);
    expect(
        &server,
        Mock::given(method("GET"))
            .and(path("/v1/users"))
            .and(query_param("email", "ADA@example.com"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(serde_json::json!({"data": [user("u1")], "next": null})),
            ),
    )
    .await;
    expect(
        &server,
        Mock::given(method("GET"))
            .and(path("/v1/users/u1"))
            .respond_with(ok.clone()),
    )
    .await;
    expect(
        &server,
        Mock::given(method("POST"))
            .and(path("/v1/users"))
            .and(body_json(serde_json::json!({
                "firstName": "Ada", "lastName": "Lovelace",
                "email": "ada@example.com", "roleIds": ["r1"]
            })))
            .respond_with(ok.clone()),
    )
    .await;
    expect(
        &server,
        Mock::given(method("PUT"))
            .and(path("/v1/users/u1"))
            .and(body_json(serde_json::json!({
                "firstName": "Ada", "lastName": "Byron", "isActive": false, "roleIds": ["r1"]
            })))
            .respond_with(ok.clone()),
    )
    .await;
    expect(
        &server,
        Mock::given(method("DELETE"))
            .and(path("/v1/users/u1"))
            .and(query_param("transferTo", "u2"))
            .and(query_param("deleteContent", "false"))
            .respond_with(none.clone()),
    )
    .await;
    expect(
        &server,
        Mock::given(method("DELETE"))
            .and(path("/v1/users/u3"))
            .and(query_param("deleteContent", "true"))
            .respond_with(none.clone()),
    )
    .await;
    for (verb, p) in [
        ("POST", "/v1/users/u1/unlock"),
        ("POST", "/v1/users/u1/password/reset"),
        ("POST", "/v1/users/u1/resendWelcomeEmail"),
    ] {
        expect(
            &server,
            Mock::given(method(verb))
                .and(path(p))
                .respond_with(none.clone()),
        )
        .await;
    }
    expect(
        &server,
        Mock::given(method("PUT"))
            .and(path("/v1/users/u1/mfa/disable"))
            .and(body_json(
                serde_json::json!({"email": "ada@example.com", "password": "pw"}),
            ))
            .respond_with(none.clone()),
    )
    .await;
    expect(
        &server,
        Mock::given(method("POST"))
            .and(path("/v1/users/u1/email/requestChange"))
            .and(body_json(serde_json::json!({"email": "new@example.com"})))
            .respond_with(none.clone()),
    )
    .await;

    let c = client(&server);
    let users = c.users();
    let found = users
        .find_by_email("ADA@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, "u1");
    let got = users.get("u1").await.unwrap();
    users
        .create(NewUser {
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            email: "ada@example.com".into(),
            role_ids: vec!["r1".into()],
        })
        .await
        .unwrap();
    let mut update = UserUpdate::from(&got);
    update.last_name = "Byron".into();
    update.is_active = false;
    users.update("u1", update).await.unwrap();
    users
        .delete("u1", DeleteContent::TransferTo("u2".into()))
        .await
        .unwrap();
    users.delete("u3", DeleteContent::Delete).await.unwrap();
    users.unlock("u1").await.unwrap();
    users.reset_password("u1").await.unwrap();
    users.resend_welcome_email("u1").await.unwrap();
    users
        .disable_mfa("u1", "ada@example.com", "pw")
        .await
        .unwrap();
    users
        .request_email_change("u1", "new@example.com")
        .await
        .unwrap();
    // `expect(1)` on every mock is verified when the server drops.
}

#[tokio::test]
async fn invalid_arguments_name_the_operation() {
    let server = MockServer::start().await;
    // The spec's value constraints (a first name of at least one
    // character) are not checked on our side: the server judges, and its
    // answer comes back typed, naming the operation.
    Mock::given(method("POST"))
        .and(path("/v1/users"))
        .respond_with(ResponseTemplate::new(400).set_body_json(serde_json::json!({
            "id": "E1X2Y", "errors": [{"code": "user:invalid_first_name",
            "message": "The first name must not be empty."}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let err = c
        .users()
        .create(NewUser {
            first_name: String::new(),
            last_name: "x".into(),
            email: "not-an-email".into(),
            role_ids: vec![],
        })
        .await
        .unwrap_err();
    let api = err.api().unwrap_or_else(|| panic!("an API error: {err}"));
    assert_eq!(api.operation, "create_user");
    assert_eq!(api.status.as_u16(), 400);
    assert_eq!(api.codes(), ["user:invalid_first_name"]);
    let err = c
        .child_orgs()
        .usages(
            NaiveDate::from_ymd_opt(2024, 2, 1).unwrap(),
            NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("before the start date"), "{err}");
}

#[tokio::test]
async fn organizations_send_parent_deployment_id() {
    let server = MockServer::start().await;
    let org = |id: &str| {
        let mut org: serde_json::Value = serde_json::from_str(ORG).unwrap();
        org["orgId"] = id.into();
        org
    };
    Mock::given(method("GET"))
        .and(path("/v1/organizations"))
        .and(header("parentDeploymentId", "us2"))
        .and(query_param("token", "n2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            serde_json::json!({"data": [org("us2-00000000FF42A0C3")], "next": null}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/organizations"))
        .and(header("parentDeploymentId", "us2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            serde_json::json!({"data": [org("us2-00000000FF42A0C1"), org("us2-00000000FF42A0C2")], "next": "n2"}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/organizations/usages"))
        .and(body_json(
            serde_json::json!({"startDate": "2024-01-01", "endDate": "2024-01-31"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"data": []})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/deployments"))
        .and(header("parentDeploymentId", "eu"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([
            {"deploymentId": "us2", "apiUrl": "https://api.us2.sumologic.com", "serviceUrl": "https://service.us2.sumologic.com"}
        ])))
        .expect(1)
        .mount(&server)
        .await;

    let c = client(&server);
    let orgs = c.organizations();
    assert_eq!(orgs.parent_deployment_id(), "us2");
    let ids: Vec<String> = orgs
        .list(None, None)
        .map_ok(|o| o.org_id.to_string())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids.len(), 3);
    let usage = c
        .child_orgs()
        .usages(
            NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(2024, 1, 31).unwrap(),
        )
        .await
        .unwrap();
    assert!(usage.data.is_empty());
    let deployments = orgs
        .with_parent_deployment(&sumo_ext::deployment::EU)
        .deployments()
        .await
        .unwrap();
    assert_eq!(deployments[0].deployment_id, "us2");
}

#[tokio::test]
#[cfg(feature = "lookup-management")]
async fn lookup_upload_is_multipart() {
    use sumo_ext::UploadOptions;
    use wiremock::matchers::{body_string_contains, header_regex};

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/lookupTables/0000000001/upload"))
        .and(query_param("merge", "true"))
        .and(header_regex(
            "content-type",
            "^multipart/form-data; boundary=.+$",
        ))
        .and(body_string_contains(
            "name=\"file\"; filename=\"hosts.csv\"",
        ))
        .and(body_string_contains("host,owner\nweb1,ops\n"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "job-1"})))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let token = c
        .upload_lookup_csv(
            "0000000001",
            "hosts.csv",
            "host,owner\nweb1,ops\n",
            UploadOptions {
                merge: Some(true),
                file_encoding: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(token.id, "job-1");
}
