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
    assert_eq!(api.codes(), ["dashboard:not_found"]);
    assert_eq!(api.id.as_deref(), Some("8TMKF-P2EBH-3UL8Q"));
    assert!(
        error.to_string().starts_with("get_dashboard: HTTP 404"),
        "{error}"
    );

    let error = client.raw().list_partitions().call().await.unwrap_err();
    let api = error.api().expect("an API error");
    assert_eq!(api.operation, "list_partitions");
    assert_eq!(api.codes(), ["internal.error"]);
    assert_eq!(api.messages(), ["Internal server error."]);
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

mod jobs {
    use std::time::Duration;

    use super::client;
    use sumo_ext::Error;
    use sumo_ext::prelude::*;
    use wiremock::matchers::{header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    const FAST: Duration = Duration::from_millis(5);

    fn status(body: serde_json::Value) -> ResponseTemplate {
        ResponseTemplate::new(200).set_body_json(body)
    }

    /// The start and two InProgress answers, then `last` for good.
    async fn job(
        server: &MockServer,
        start: (&str, &str),
        status_path: &str,
        last: serde_json::Value,
    ) {
        Mock::given(method(start.0))
            .and(path(start.1))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "J1"})))
            .expect(1)
            .mount(server)
            .await;
        Mock::given(method("GET"))
            .and(path(status_path))
            .respond_with(status(
                serde_json::json!({"status": "InProgress", "statusMessage": ""}),
            ))
            .up_to_n_times(2)
            .with_priority(1)
            .mount(server)
            .await;
        Mock::given(method("GET"))
            .and(path(status_path))
            .respond_with(status(last))
            .with_priority(2)
            .mount(server)
            .await;
    }

    #[tokio::test]
    async fn an_export_goes_in_progress_then_success_and_its_result_is_typed() {
        let server = MockServer::start().await;
        job(
            &server,
            ("POST", "/v2/content/C1/export"),
            "/v2/content/C1/export/J1/status",
            serde_json::json!({"status": "Success", "statusMessage": ""}),
        )
        .await;
        Mock::given(method("GET"))
            .and(path("/v2/content/C1/export/J1/result"))
            .and(header("isAdminMode", "true"))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "type": "FolderSyncDefinition", "name": "Exported", "description": "", "children": []
            })))
            .expect(1)
            .mount(&server)
            .await;
        let done = client(&server)
            .raw()
            .begin_async_export()
            .id("C1")
            .is_admin_mode("true")
            .wait(WaitOptions::default().poll_interval(FAST))
            .await
            .unwrap();
        assert_eq!(done.job_id, "J1");
        let exported = serde_json::to_value(&done.result).unwrap();
        assert_eq!(exported["name"], "Exported");
        let polls = server
            .received_requests()
            .await
            .unwrap()
            .iter()
            .filter(|r| r.url.path().ends_with("/status"))
            .count();
        assert_eq!(polls, 3, "InProgress, InProgress, Success");
    }

    #[tokio::test]
    async fn a_failed_job_reaches_the_caller_with_its_error() {
        let server = MockServer::start().await;
        job(
            &server,
            ("POST", "/v2/content/C1/copy"),
            "/v2/content/C1/copy/J1/status",
            serde_json::json!({"status": "Failed", "statusMessage": "",
                               "error": {"code": "content:copy_failed", "message": "The folder is locked."}}),
        )
        .await;
        let error = client(&server)
            .raw()
            .begin_async_copy()
            .id("C1")
            .destination_folder("F2")
            .wait(WaitOptions::default().poll_interval(FAST))
            .await
            .unwrap_err();
        let Error::JobFailed {
            operation,
            job_id,
            message,
        } = &error
        else {
            panic!("not JobFailed: {error:?}")
        };
        assert_eq!(
            (*operation, job_id.as_str(), message.as_str()),
            (
                "begin_async_copy",
                "J1",
                "content:copy_failed: The folder is locked."
            )
        );
    }

    #[tokio::test]
    async fn a_job_past_its_deadline_times_out() {
        let server = MockServer::start().await;
        job(
            &server,
            ("DELETE", "/v2/content/C1/delete"),
            "/v2/content/C1/delete/J1/status",
            serde_json::json!({"status": "InProgress", "statusMessage": "still deleting"}),
        )
        .await;
        let error = client(&server)
            .raw()
            .begin_async_delete()
            .id("C1")
            .wait(
                WaitOptions::default()
                    .poll_interval(Duration::from_millis(20))
                    .deadline(Duration::from_millis(200)),
            )
            .await
            .unwrap_err();
        let Error::JobTimedOut { job_id, waited, .. } = &error else {
            panic!("not JobTimedOut: {error:?}")
        };
        assert_eq!(job_id, "J1");
        assert!(*waited < Duration::from_secs(2), "{waited:?}");
        assert!(error.to_string().contains("begin_async_delete"), "{error}");
    }
}
