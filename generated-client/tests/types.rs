//! The normalized types behave: discriminated unions keep subtypes (known and
//! unknown), open enums accept values the spec does not list, and the error
//! schema reads both of Sumo's error shapes.

// The types and operations of every area.
#![cfg(feature = "full")]

use serde_json::json;
use sumo_generated_client::regional::types;

#[test]
fn dashboard_panels_of_known_and_unknown_types_round_trip() {
    let panels = json!([
        {
            "key": "panel-1",
            "panelType": "SumoSearchPanel",
            "title": "Errors",
            "queries": [{
                "queryString": "_sourceCategory=prod error | count",
                "queryType": "Logs",
                "queryKey": "A"
            }]
        },
        {"key": "panel-2", "panelType": "TextPanel", "text": "## Notes"},
        {"key": "panel-3", "panelType": "HologramPanel", "depth": 3, "nested": {"a": [1, 2]}}
    ]);
    let parsed: Vec<types::Panel> = serde_json::from_value(panels.clone()).expect("panels parse");
    assert!(
        matches!(&parsed[0], types::Panel::SumoSearchPanel(p) if p.queries.len() == 1 && p.key == "panel-1"),
        "{:?}",
        parsed[0]
    );
    assert!(
        matches!(&parsed[1], types::Panel::TextPanel(p) if p.text == "## Notes"),
        "{:?}",
        parsed[1]
    );
    let types::Panel::PanelOther(other) = &parsed[2] else {
        panic!("unknown panel type should fall back: {:?}", parsed[2]);
    };
    assert_eq!(other["depth"], 3);

    // Round trip: the unknown panel is kept whole; the known ones keep their
    // subtype fields (and their tag).
    let back = serde_json::to_value(&parsed).expect("serializes");
    assert_eq!(back[2], panels[2]);
    assert_eq!(back[1]["text"], "## Notes");
    assert_eq!(back[1]["panelType"], "TextPanel");
    assert_eq!(
        back[0]["queries"][0]["queryString"],
        "_sourceCategory=prod error | count"
    );
    let again: Vec<types::Panel> = serde_json::from_value(back.clone()).expect("re-parses");
    assert_eq!(serde_json::to_value(&again).unwrap(), back);
}

#[test]
fn a_whole_dashboard_keeps_its_panels() {
    let dashboard = json!({
        "title": "Prod",
        "description": "",
        "folderId": "0000000000000001",
        "topologyLabelMap": {"data": {}},
        "domain": "app",
        "refreshInterval": 0,
        "timeRange": {
            "type": "BeginBoundedTimeRange",
            "from": {"type": "RelativeTimeRangeBoundary", "relativeTime": "-15m"}
        },
        "panels": [
            {"key": "t", "panelType": "TextPanel", "text": "hi"},
            {"key": "n", "panelType": "NewKindOfPanel", "extra": true}
        ],
        "layout": {"layoutType": "Grid", "layoutStructures": []},
        "variables": [],
        "theme": "Dark"
    });
    let parsed: types::Dashboard = serde_json::from_value(dashboard).expect("dashboard parses");
    assert_eq!(parsed.panels.len(), 2);
    assert!(matches!(parsed.panels[0], types::Panel::TextPanel(_)));
    assert!(matches!(parsed.panels[1], types::Panel::PanelOther(_)));
    assert!(matches!(
        parsed.time_range,
        types::ResolvableTimeRange::BeginBoundedTimeRange(_)
    ));
}

#[test]
fn an_unknown_enum_value_deserializes_and_round_trips() {
    let known: types::AccountStatusResponsePlanType =
        serde_json::from_value(json!("Paid")).unwrap();
    assert_eq!(known, types::AccountStatusResponsePlanType::Paid);
    let unknown: types::AccountStatusResponsePlanType =
        serde_json::from_value(json!("Galactic")).expect("unknown value parses");
    assert_eq!(
        unknown,
        types::AccountStatusResponsePlanType::Unknown("Galactic".into())
    );
    assert_eq!(serde_json::to_value(&unknown).unwrap(), json!("Galactic"));
    assert_eq!(unknown.to_string(), "Galactic");
    let parsed: types::AccountStatusResponsePlanType = "Galactic".parse().unwrap();
    assert_eq!(parsed, unknown);
    assert_eq!(
        "Trial"
            .parse::<types::AccountStatusResponsePlanType>()
            .unwrap(),
        types::AccountStatusResponsePlanType::Trial
    );
}

#[test]
fn error_schema_reads_both_shapes() {
    let current: types::ErrorResponse = serde_json::from_value(json!({
        "id": "IUUQI-DGH5I-TJ045",
        "errors": [{"code": "auth:password_too_short", "message": "Your password was too short.",
                    "detail": "at least 12", "meta": {"minLength": 12}}]
    }))
    .expect("current shape");
    assert_eq!(current.id.as_deref(), Some("IUUQI-DGH5I-TJ045"));
    assert_eq!(current.errors[0].code, "auth:password_too_short");
    assert_eq!(current.errors[0].detail.as_deref(), Some("at least 12"));

    let legacy: types::ErrorResponse = serde_json::from_value(json!({
        "status": 404, "id": "Q2ZFU-QEAQ8-N0ACB", "code": "user.not_found", "message": "User not found"
    }))
    .expect("legacy shape");
    assert_eq!(legacy.status, Some(404));
    assert_eq!(legacy.code.as_deref(), Some("user.not_found"));
    assert_eq!(legacy.message.as_deref(), Some("User not found"));
    assert!(legacy.errors.is_empty());
}

#[test]
fn page_types_of_every_shape_implement_page() {
    use sumo_generated_client::Page;
    let dashboards: types::PaginatedDashboards = serde_json::from_value(json!({
        "dashboards": [], "next": "t2"
    }))
    .unwrap();
    assert_eq!(dashboards.next_token(), Some("t2"));
    assert!(dashboards.into_items().is_empty());
    let buckets: types::GetDataForwardingDestinations = serde_json::from_value(json!({
        "data": [], "nextToken": ""
    }))
    .unwrap();
    // An empty token means the last page.
    assert_eq!(buckets.next_token(), None);
    let users: types::ListUserModelsResponse =
        serde_json::from_value(json!({"data": [], "next": null})).unwrap();
    assert_eq!(users.next_token(), None);
}

/// One user as Sumo answers it, with `email` and `firstName` as given.
fn user(email: &str, first_name: &str) -> serde_json::Value {
    json!({
        "id": "0000000000000001", "email": email, "firstName": first_name,
        "lastName": "Lovelace", "roleIds": ["00000000000000A1"],
        "createdAt": "2024-01-01T00:00:00Z", "createdBy": "0000000000000002",
        "modifiedAt": "2024-01-01T00:00:00Z", "modifiedBy": "0000000000000002"
    })
}

#[test]
fn values_outside_their_declared_constraints_still_parse() {
    // The spec limits `email` to 255 characters and `firstName` to at
    // least 1: a page holding one user past either still parses whole.
    let long_email = format!("{}@example.com", "a".repeat(300));
    let page =
        json!({"data": [user("ada@example.com", "Ada"), user(&long_email, "")], "next": null});
    let page: types::ListUserModelsResponse =
        serde_json::from_value(page).expect("a page with out-of-constraint values parses");
    assert_eq!(page.data.len(), 2);
    assert_eq!(page.data[1].email, long_email);
    assert_eq!(page.data[1].first_name, "");
}

#[test]
fn types_are_built_through_their_builders() {
    // `#[non_exhaustive]`: outside the crate no struct literal compiles,
    // so a property Sumo adds is not a breaking change; builders build.
    let user: types::UserModel = types::UserModel::builder()
        .id("0000000000000001")
        .email("ada@example.com")
        .first_name("Ada")
        .last_name("Lovelace")
        .role_ids(vec!["00000000000000A1".to_string()])
        .created_at(chrono::DateTime::UNIX_EPOCH)
        .created_by("0000000000000002")
        .modified_at(chrono::DateTime::UNIX_EPOCH)
        .modified_by("0000000000000002")
        .try_into()
        .expect("every required field is set");
    assert_eq!(user.email, "ada@example.com");
    let missing: Result<types::UserModel, _> = types::UserModel::builder().id("1").try_into();
    assert!(missing.is_err(), "a required field left unset is an error");
    let reparsed: types::UserModel =
        serde_json::from_value(serde_json::to_value(&user).unwrap()).unwrap();
    assert_eq!(reparsed.id, user.id);
}
