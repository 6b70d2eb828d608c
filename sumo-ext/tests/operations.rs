//! Any generated operation the sumo-ext way (`sumo_ext::prelude`): typed
//! errors naming the operation, for both of Sumo's error shapes, and page
//! streams for an operation outside users and organizations (in-process,
//! wiremock).

use futures::TryStreamExt;
use sumo_ext::prelude::*;
use sumo_ext::{Credentials, Deployment, Error, Limits, RetryPolicy, SumoClient};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> SumoClient {
    SumoClient::builder(Credentials::new("operations-tests", "key"))
        .deployment(Deployment::custom(&server.uri()).unwrap())
        .limits(Limits::unlimited())
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

fn role(id: &str) -> serde_json::Value {
    serde_json::json!({
        "id": id, "name": format!("role {id}"), "description": "", "filterPredicate": "",
        "users": [], "capabilities": ["viewCollectors"], "autofillDependencies": true,
        "createdAt": "2024-01-01T00:00:00Z", "createdBy": "x",
        "modifiedAt": "2024-01-01T00:00:00Z", "modifiedBy": "x"
    })
}

#[tokio::test]
async fn any_operation_returns_its_body_or_a_typed_error_for_both_shapes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/roles/r1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(role("r1")))
        .mount(&server)
        .await;
    // The shape of the current APIs: an `errors` list.
    Mock::given(method("GET"))
        .and(path("/v2/dashboards/missing"))
        .respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({
            "id": "8TMKF-P2EBH-3UL8Q",
            "errors": [{"code": "dashboard:not_found", "message": "Dashboard not found.",
                        "meta": {"id": "missing"}}]
        })))
        .mount(&server)
        .await;
    // The flat shape of the older ones.
    Mock::given(method("GET"))
        .and(path("/v1/partitions"))
        .respond_with(ResponseTemplate::new(500).set_body_json(serde_json::json!({
            "status": 500, "id": "Q2ZFU-7TEST", "code": "internal.error",
            "message": "Internal server error."
        })))
        .mount(&server)
        .await;
    let client = client(&server);

    let role = client.raw().get_role().id("r1").call().await.unwrap();
    assert_eq!(role.name, "role r1");

    let error = client
        .raw()
        .get_dashboard()
        .id("missing")
        .call()
        .await
        .unwrap_err();
    let Error::Api(api) = &error else {
        panic!("not an API error: {error:?}")
    };
    assert_eq!(api.operation, "get_dashboard");
    assert_eq!(api.status.as_u16(), 404);
    assert_eq!(api.codes, ["dashboard:not_found"]);
    assert_eq!(api.id.as_deref(), Some("8TMKF-P2EBH-3UL8Q"));
    assert!(
        error.to_string().starts_with("get_dashboard: HTTP 404"),
        "{error}"
    );

    let error = client.raw().list_partitions().call().await.unwrap_err();
    let api = error.api().expect("an API error");
    assert_eq!(api.operation, "list_partitions");
    assert_eq!(api.codes, ["internal.error"]);
    assert_eq!(api.messages, ["Internal server error."]);
    assert_eq!(api.id.as_deref(), Some("Q2ZFU-7TEST"));
}

#[tokio::test]
async fn a_paged_operation_streams_pages_and_items() {
    let server = MockServer::start().await;
    let page = |ids: &[&str], next: Option<&str>| {
        let mut body =
            serde_json::json!({"data": ids.iter().map(|id| role(id)).collect::<Vec<_>>()});
        if let Some(next) = next {
            body["next"] = next.into();
        }
        ResponseTemplate::new(200).set_body_json(body)
    };
    Mock::given(method("GET"))
        .and(path("/v1/roles"))
        .and(query_param("limit", "2"))
        .and(query_param_is_missing("token"))
        .respond_with(page(&["a", "b"], Some("t2")))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/roles"))
        .and(query_param("limit", "2"))
        .and(query_param("token", "t2"))
        .respond_with(page(&["c", "d"], Some("t3")))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/roles"))
        .and(query_param("limit", "2"))
        .and(query_param("token", "t3"))
        .respond_with(page(&["e"], None))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server);

    let ids: Vec<String> = client
        .raw()
        .list_roles()
        .limit(2)
        .items()
        .map_ok(|role| role.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);

    let pages: Vec<_> = client
        .raw()
        .list_roles()
        .limit(2)
        .pages()
        .try_collect()
        .await
        .unwrap();
    let sizes: Vec<usize> = pages.iter().map(|p| p.data.len()).collect();
    assert_eq!(sizes, [2, 2, 1]);
}
