//! Hand-written fixture pairs: one per rule, plus the shapes that break other
//! tools (self-reference, allOf refactors, contradicting allOf members,
//! members without `type`, discriminator subtypes).

use serde_json::{Value, json};

use super::semver::{self, Bump};
use super::{Diff, Severity, diff};

/// One operation `POST /things/{id}` with the given request and response
/// schemas, parameters and components.
fn api(parameters: Value, request: Value, response: Value, schemas: Value) -> Value {
    json!({
        "openapi": "3.0.0",
        "paths": {"/things/{id}": {"post": {
            "operationId": "createThing",
            "tags": ["things"],
            "parameters": parameters,
            "requestBody": {"required": true, "content": {"application/json": {"schema": request}}},
            "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": response}}},
                "default": {"description": "error"}
            }
        }}},
        "components": {"schemas": schemas}
    })
}

fn id_param() -> Value {
    json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"}})
}

fn bodies(request: Value, response: Value, schemas: Value) -> Value {
    api(json!([id_param()]), request, response, schemas)
}

/// `(kind, severity, pointer)` of every change.
fn found(d: &Diff) -> Vec<(&'static str, Severity, String)> {
    d.changes
        .iter()
        .map(|c| (c.kind.id(), c.severity, c.pointer.clone()))
        .collect()
}

fn only(d: &Diff) -> (&'static str, Severity, String) {
    let list = found(d);
    assert_eq!(list.len(), 1, "expected exactly one change: {list:#?}");
    list.into_iter()
        .next()
        .unwrap_or(("", Severity::Info, String::new()))
}

const REQ: &str = "/requestBody/content/application~1json/schema";
const RES: &str = "/responses/200/content/application~1json/schema";

#[test]
fn identical_documents_have_no_changes() {
    let a = bodies(
        json!({"$ref": "#/components/schemas/T"}),
        json!({"type": "string"}),
        json!({"T": {"type": "object", "properties": {"a": {"type": "string"}}}}),
    );
    let d = diff(&a, &a);
    assert!(d.changes.is_empty(), "{:#?}", d.changes);
    assert!(d.operations.modified.is_empty());
}

#[test]
fn operations_added_removed_and_renamed() {
    let old = json!({"paths": {
        "/a": {"get": {"operationId": "getA", "responses": {}}},
        "/b": {"get": {"operationId": "getB", "responses": {}}}
    }});
    let new = json!({"paths": {
        "/a": {"get": {"operationId": "fetchA", "responses": {}}},
        "/c": {"delete": {"operationId": "deleteC", "responses": {}}}
    }});
    let d = diff(&old, &new);
    assert_eq!(d.operations.added, ["DELETE /c"]);
    assert_eq!(d.operations.removed, ["GET /b"]);
    assert_eq!(d.operations.modified, ["GET /a"]);
    let list = found(&d);
    assert!(list.contains(&("operation-removed", Severity::Breaking, String::new())));
    assert!(list.contains(&("operation-added", Severity::Info, String::new())));
    assert!(list.contains(&(
        "operation-id-changed",
        Severity::Warning,
        "/operationId".into()
    )));
    let renamed = d
        .changes
        .iter()
        .find(|c| c.kind.id() == "operation-id-changed")
        .map(|c| c.rust.item.clone());
    assert_eq!(renamed.as_deref(), Some("Client::get_a -> Client::fetch_a"));
    let removed = d
        .changes
        .iter()
        .find(|c| c.kind.id() == "operation-removed")
        .map(|c| c.id.clone());
    assert_eq!(removed.as_deref(), Some("operation-removed:GET /b"));
}

#[test]
fn path_parameter_names_do_not_split_operations() {
    let old = json!({"paths": {"/u/{id}": {"get": {"operationId": "getU", "parameters": [{"name": "id", "in": "path", "required": true}], "responses": {}}}}});
    let new = json!({"paths": {"/u/{userId}": {"get": {"operationId": "getU", "parameters": [{"name": "userId", "in": "path", "required": true}], "responses": {}}}}});
    let d = diff(&old, &new);
    assert!(d.operations.added.is_empty() && d.operations.removed.is_empty());
    assert_eq!(
        only(&d),
        (
            "path-parameter-renamed",
            Severity::Info,
            "/parameters/path/userId".into()
        )
    );
}

#[test]
fn parameter_rules() {
    let old = api(
        json!([id_param(), {"name": "mode", "in": "query", "schema": {"type": "string", "pattern": "^(fast|slow)$"}}, {"name": "n", "in": "query", "schema": {"type": "integer", "maximum": 100}}]),
        json!({}),
        json!({}),
        json!({}),
    );
    let new = api(
        json!([id_param(),
            {"name": "mode", "in": "query", "schema": {"type": "string", "pattern": "^(fast)$"}},
            {"name": "n", "in": "query", "schema": {"type": "string"}},
            {"name": "must", "in": "query", "required": true, "schema": {"type": "string"}},
            {"name": "may", "in": "header", "schema": {"type": "string"}}]),
        json!({}),
        json!({}),
        json!({}),
    );
    let list = found(&diff(&old, &new));
    assert!(
        list.contains(&(
            "enum-value-removed",
            Severity::Breaking,
            "/parameters/query/mode/schema/enum/slow".into()
        )),
        "{list:#?}"
    );
    assert!(list.contains(&(
        "type-changed",
        Severity::Breaking,
        "/parameters/query/n/schema/type".into()
    )));
    assert!(list.contains(&(
        "parameter-added-required",
        Severity::Breaking,
        "/parameters/query/must".into()
    )));
    assert!(list.contains(&(
        "parameter-added-optional",
        Severity::Info,
        "/parameters/header/may".into()
    )));
    let back = found(&diff(&new, &old));
    assert!(back.contains(&(
        "parameter-removed",
        Severity::Warning,
        "/parameters/query/must".into()
    )));
    assert!(back.contains(&(
        "enum-value-added",
        Severity::Info,
        "/parameters/query/mode/schema/enum/slow".into()
    )));
}

#[test]
fn required_request_property_breaks_and_response_property_does_not() {
    let t = |props: Value, required: Value| json!({"T": {"type": "object", "required": required, "properties": props}});
    let r = json!({"$ref": "#/components/schemas/T"});
    let old = bodies(
        r.clone(),
        r.clone(),
        t(json!({"a": {"type": "string"}}), json!(["a"])),
    );
    let new = bodies(
        r.clone(),
        r.clone(),
        t(
            json!({"a": {"type": "string"}, "b": {"type": "string"}}),
            json!(["a", "b"]),
        ),
    );
    let list = found(&diff(&old, &new));
    assert_eq!(
        list,
        [
            (
                "property-added-required",
                Severity::Breaking,
                format!("{REQ}/properties/b")
            ),
            (
                "property-added-required",
                Severity::Info,
                format!("{RES}/properties/b")
            ),
        ]
    );
    let d = diff(&old, &new);
    assert_eq!(d.changes[0].rust.item, "T::b");
    assert_eq!(d.changes[0].rust.effect, "field-added");
}

#[test]
fn response_property_removed_or_made_optional_breaks() {
    let t = |props: Value, required: Value| json!({"type": "object", "required": required, "properties": props});
    let old = bodies(
        json!({}),
        t(
            json!({"a": {"type": "string"}, "b": {"type": "string"}}),
            json!(["a"]),
        ),
        json!({}),
    );
    let new = bodies(
        json!({}),
        t(json!({"b": {"type": "string"}}), json!([])),
        json!({}),
    );
    assert_eq!(
        only(&diff(&old, &new)),
        (
            "property-removed",
            Severity::Breaking,
            format!("{RES}/properties/a")
        )
    );
    let new = bodies(
        json!({}),
        t(
            json!({"a": {"type": "string"}, "b": {"type": "string"}}),
            json!([]),
        ),
        json!({}),
    );
    assert_eq!(
        only(&diff(&old, &new)),
        (
            "property-became-optional",
            Severity::Breaking,
            format!("{RES}/properties/a")
        )
    );
}

#[test]
fn enum_rules_depend_on_direction() {
    let e = |pattern: &str| json!({"type": "object", "properties": {"kind": {"type": "string", "pattern": pattern}}});
    let old = bodies(e("^(A|B)$"), e("^(A|B)$|^$"), json!({}));
    let new = bodies(e("^(A|C)$"), e("^(A|B|C)$|^$"), json!({}));
    let list = found(&diff(&old, &new).strict());
    assert_eq!(
        list,
        [
            (
                "enum-value-removed",
                Severity::Breaking,
                format!("{REQ}/properties/kind/enum/B")
            ),
            (
                "enum-value-added",
                Severity::Info,
                format!("{REQ}/properties/kind/enum/C")
            ),
            (
                "enum-value-added",
                Severity::Breaking,
                format!("{RES}/properties/kind/enum/C")
            ),
        ]
    );
    // Our client parses a new response value into `Unknown`: not breaking
    // for its callers; a value removed from a request still is.
    let ours: Vec<Severity> = found(&diff(&old, &new)).into_iter().map(|c| c.1).collect();
    assert_eq!(ours, [Severity::Breaking, Severity::Info, Severity::Info]);
    // A real pattern (not an alternation) is a pattern change, not an enum.
    let old = bodies(
        json!({"type": "string", "pattern": "^[a-z]+$"}),
        json!({}),
        json!({}),
    );
    let new = bodies(
        json!({"type": "string", "pattern": "^[a-z0-9]+$"}),
        json!({}),
        json!({}),
    );
    assert_eq!(only(&diff(&old, &new)).0, "pattern-changed");
}

#[test]
fn type_format_nullable_default_and_constraints() {
    let s = |v: Value| bodies(v, json!({}), json!({}));
    let pairs = [
        (
            json!({"type": "string"}),
            json!({"type": "integer"}),
            "type-changed",
            Severity::Breaking,
        ),
        (
            json!({"type": "string"}),
            json!({"type": "string", "format": "date-time"}),
            "format-changed",
            Severity::Warning,
        ),
        (
            json!({"type": "string"}),
            json!({"type": "string", "nullable": true}),
            "became-nullable",
            Severity::Info,
        ),
        (
            json!({"type": "string", "maxLength": 100}),
            json!({"type": "string", "maxLength": 50}),
            "constraint-tightened",
            Severity::Breaking,
        ),
        (
            json!({"type": "string", "maxLength": 100}),
            json!({"type": "string"}),
            "constraint-loosened",
            Severity::Info,
        ),
        (
            json!({"type": "integer"}),
            json!({"type": "integer", "minimum": 1}),
            "constraint-tightened",
            Severity::Breaking,
        ),
        (
            json!({"type": "string", "minLength": 0}),
            json!({"type": "string"}),
            "",
            Severity::Info,
        ),
        (
            json!({"type": "string", "default": "a"}),
            json!({"type": "string", "default": "b"}),
            "default-changed",
            Severity::Warning,
        ),
        (
            json!({"type": "string"}),
            json!({"type": "string", "enum": ["x"]}),
            "enum-introduced",
            Severity::Breaking,
        ),
        (
            json!({"type": "object"}),
            json!({"type": "object", "additionalProperties": false}),
            "additional-properties-changed",
            Severity::Warning,
        ),
    ];
    for (a, b, kind, severity) in pairs {
        let d = diff(&s(a.clone()), &s(b.clone()));
        if kind.is_empty() {
            assert!(d.changes.is_empty(), "{a} → {b}: {:#?}", d.changes);
            continue;
        }
        let (k, sev, _) = only(&d);
        assert_eq!((k, sev), (kind, severity), "{a} → {b}");
    }
    let d = diff(
        &s(json!({"type": "string"})),
        &s(json!({"type": "string", "format": "email"})),
    );
    assert_eq!(
        d.changes[0].rust.bump,
        Bump::None,
        "format email is still a String"
    );
}

#[test]
fn statuses_media_types_tags_security_servers_and_bodies() {
    let base = bodies(json!({}), json!({}), json!({}));
    let mut new = base.clone();
    let op = &mut new["paths"]["/things/{id}"]["post"];
    op["responses"].as_object_mut().map(|r| r.remove("200"));
    op["responses"]["201"] = json!({"description": "created"});
    op["tags"] = json!(["things", "new"]);
    op["security"] = json!([{"token": []}]);
    op["requestBody"]["content"] = json!({"text/plain": {"schema": {}}});
    new["servers"] = json!([{"url": "https://api.kr.example"}]);
    let list = found(&diff(&base, &new));
    for expected in [
        (
            "success-response-removed",
            Severity::Breaking,
            "/responses/200".to_string(),
        ),
        ("response-added", Severity::Info, "/responses/201".into()),
        ("tag-added", Severity::Info, "/tags/new".into()),
        ("security-changed", Severity::Warning, "/security".into()),
        (
            "media-type-removed",
            Severity::Breaking,
            "/requestBody/content/application~1json".into(),
        ),
        (
            "media-type-added",
            Severity::Info,
            "/requestBody/content/text~1plain".into(),
        ),
        (
            "server-added",
            Severity::Info,
            "/servers/https:~1~1api.kr.example".into(),
        ),
    ] {
        assert!(
            list.contains(&expected),
            "{expected:?} missing from {list:#?}"
        );
    }
    let mut optional = base.clone();
    optional["paths"]["/things/{id}"]["post"]["requestBody"]["required"] = json!(false);
    assert_eq!(
        only(&diff(&optional, &base)).0,
        "request-body-became-required"
    );
    let mut errors = base.clone();
    errors["paths"]["/things/{id}"]["post"]["responses"]["404"] = json!({"description": "missing"});
    assert_eq!(
        only(&diff(&errors, &base)),
        (
            "error-response-removed",
            Severity::Info,
            "/responses/404".into()
        )
    );
}

/// AppListItem.children refers to AppListItem: the comparison ends, and a
/// change inside is reported once, at the first level.
#[test]
fn self_referencing_schema_terminates() {
    let item = |extra: bool| {
        let mut props = json!({
            "name": {"type": "string"},
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/AppListItem"}}
        });
        if extra {
            props["icon"] = json!({"type": "string"});
        }
        json!({"AppListItem": {"type": "object", "required": ["name"], "properties": props}})
    };
    let r = json!({"$ref": "#/components/schemas/AppListItem"});
    let old = bodies(json!({}), r.clone(), item(false));
    let new = bodies(json!({}), r, item(true));
    assert_eq!(
        only(&diff(&old, &new)),
        (
            "property-added-optional",
            Severity::Info,
            format!("{RES}/properties/icon")
        )
    );
    assert!(diff(&old, &old).changes.is_empty());
}

/// An inline allOf member moved into its own component: nothing changed.
#[test]
fn all_of_refactor_that_merges_alike_is_no_change() {
    let mode = json!({"type": "object", "properties": {"parsingMode": {"type": "string", "pattern": "^(AutoParse|Manual)$"}}});
    let base = json!({"type": "object", "required": ["query"], "properties": {"query": {"type": "string"}}});
    let old = bodies(
        json!({"$ref": "#/components/schemas/Search"}),
        json!({}),
        json!({"Base": base, "Search": {"allOf": [{"$ref": "#/components/schemas/Base"}, mode]}}),
    );
    let new = bodies(
        json!({"$ref": "#/components/schemas/Search"}),
        json!({}),
        json!({"Base": base, "Mode": mode, "Search": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"$ref": "#/components/schemas/Mode"}]}}),
    );
    let d = diff(&old, &new);
    assert!(d.changes.is_empty(), "{:#?}", d.changes);
}

/// SCIMPatchUserDefinition: two allOf members give `value` different types.
#[test]
fn contradicting_all_of_members_are_compared_member_by_member() {
    let scim = |first: Value| {
        json!({"type": "object", "properties": {"value": {"type": "object", "allOf": [
            {"type": "object", "properties": {"value": first}},
            {"type": "object", "properties": {"value": {"type": "array", "items": {"type": "string"}}}}
        ]}}})
    };
    let old = bodies(scim(json!({"type": "string"})), json!({}), json!({}));
    let new = bodies(
        scim(json!({"type": "string", "maxLength": 10})),
        json!({}),
        json!({}),
    );
    assert!(diff(&old, &old).changes.is_empty());
    assert_eq!(
        only(&diff(&old, &new)),
        (
            "constraint-tightened",
            Severity::Breaking,
            format!("{REQ}/properties/value/properties/value/allOf/0/maxLength")
        )
    );
}

#[test]
fn members_without_type_are_objects() {
    let old = bodies(
        json!({"properties": {"a": {"type": "string"}}}),
        json!({}),
        json!({}),
    );
    let new = bodies(
        json!({"type": "object", "properties": {"a": {"type": "string"}}}),
        json!({}),
        json!({}),
    );
    assert!(diff(&old, &new).changes.is_empty());
    let untyped = bodies(
        json!({"allOf": [{"properties": {"a": {"type": "string"}}}, {"required": ["a"]}]}),
        json!({}),
        json!({}),
    );
    assert!(
        diff(&untyped, &new)
            .changes
            .iter()
            .all(|c| c.kind.id() == "property-became-optional")
    );
}

/// Subtypes are reachable only through the base's discriminator.
#[test]
fn discriminator_subtypes_are_followed() {
    let schemas = |text_props: Value, with_chart: bool| {
        let mut s = json!({
            "Panel": {"type": "object", "required": ["panelType"], "discriminator": {"propertyName": "panelType"}, "properties": {"panelType": {"type": "string"}}},
            "TextPanel": {"allOf": [{"$ref": "#/components/schemas/Panel"}, {"type": "object", "properties": text_props}]},
            "Dashboard": {"type": "object", "properties": {"panels": {"type": "array", "items": {"$ref": "#/components/schemas/Panel"}}}}
        });
        if with_chart {
            s["ChartPanel"] =
                json!({"allOf": [{"$ref": "#/components/schemas/Panel"}, {"type": "object"}]});
        }
        s
    };
    let r = json!({"$ref": "#/components/schemas/Dashboard"});
    let old = bodies(
        json!({}),
        r.clone(),
        schemas(json!({"text": {"type": "string"}}), false),
    );
    let new = bodies(
        json!({}),
        r,
        schemas(
            json!({"text": {"type": "string"}, "title": {"type": "string"}}),
            true,
        ),
    );
    // Our client parses a new subtype into the fallback variant.
    assert_eq!(found(&diff(&old, &new))[0].1, Severity::Info);
    let d = diff(&old, &new).strict();
    let list = found(&d);
    assert_eq!(
        list,
        [
            (
                "subtype-added",
                Severity::Warning,
                format!("{RES}/properties/panels/items/discriminator/ChartPanel")
            ),
            (
                "property-added-optional",
                Severity::Info,
                format!("{RES}/properties/panels/items/discriminator/TextPanel/properties/title")
            ),
        ]
    );
    assert_eq!(d.changes[0].rust.item, "Panel::ChartPanel");
    assert_eq!(d.changes[1].rust.item, "TextPanel::title");
}

/// An intermediate base (a subtype with its own discriminator, like
/// TrackerIdentity's) leads on to its own subtypes.
#[test]
fn nested_discriminators_are_followed() {
    let schemas = |leaf_props: Value| {
        json!({
            "Base": {"type": "object", "discriminator": {"propertyName": "kind"}, "properties": {"kind": {"type": "string"}}},
            "Mid": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object", "discriminator": {"propertyName": "event"}, "properties": {"event": {"type": "string"}}}]},
            "Leaf": {"allOf": [{"$ref": "#/components/schemas/Mid"}, {"type": "object", "properties": leaf_props}]}
        })
    };
    let r = json!({"$ref": "#/components/schemas/Base"});
    let old = bodies(
        json!({}),
        r.clone(),
        schemas(json!({"a": {"type": "string"}})),
    );
    let new = bodies(json!({}), r, schemas(json!({"a": {"type": "integer"}})));
    assert_eq!(
        only(&diff(&old, &new)),
        (
            "type-changed",
            Severity::Breaking,
            format!("{RES}/discriminator/Mid/discriminator/Leaf/properties/a/type")
        )
    );
}

/// A schema first met inside a cycle must still be compared in full when
/// another operation reaches it directly (memoization is cut-aware).
#[test]
fn memoized_results_are_complete() {
    let schemas = |leaf: Value| {
        json!({
            "A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}},
            "B": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A"}, "leaf": leaf}}
        })
    };
    let doc = |leaf: Value| {
        json!({"paths": {
        "/a": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}}},
        "/b": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/B"}}}}}}}
    }, "components": {"schemas": schemas(leaf)}})
    };
    let d = diff(
        &doc(json!({"type": "string"})),
        &doc(json!({"type": "integer"})),
    );
    let at = |op: &str, pointer: String| {
        d.changes
            .iter()
            .any(|c| c.operation == op && c.pointer == pointer)
    };
    assert!(
        at("GET /a", format!("{RES}/properties/b/properties/leaf/type")),
        "{:#?}",
        d.changes
    );
    assert!(
        at("GET /b", format!("{RES}/properties/leaf/type")),
        "{:#?}",
        d.changes
    );
    assert!(d.changes.iter().all(|c| c.kind.id() == "type-changed"));
}

#[test]
fn semver_follows_rust_effects() {
    let old = json!({"paths": {"/a": {"get": {"operationId": "getA", "responses": {}}}}});
    let mut new = old.clone();
    new["paths"]["/b"] = json!({"get": {"operationId": "getB", "responses": {}}});
    let d = diff(&old, &new);
    assert_eq!(
        semver::required(d.changes.iter().map(|c| c.rust.bump)).generated,
        Bump::Minor
    );
    let d = diff(&new, &old);
    assert_eq!(
        semver::required(d.changes.iter().map(|c| c.rust.bump)).generated,
        Bump::Major
    );
}

#[test]
fn hostile_shapes_do_not_panic() {
    let shapes = [
        json!(null),
        json!({"paths": []}),
        json!({"paths": {"/a": {"get": "x", "post": {"parameters": {"x": 1}, "responses": [1], "requestBody": 3}}}}),
        json!({"paths": {"/a": {"get": {"responses": {"200": {"$ref": "#/nope"}}, "parameters": [{"$ref": "#/components/parameters/P"}]}}},
               "components": {"parameters": {"P": {"$ref": "#/components/parameters/P"}}}}),
        bodies(
            json!({"$ref": "#/components/schemas/L"}),
            json!({"allOf": [{"allOf": [{"$ref": "#/components/schemas/L"}]}]}),
            json!({"L": {"allOf": [{"$ref": "#/components/schemas/L"}], "items": {"$ref": "#/components/schemas/L"}, "discriminator": {"mapping": {"x": "#/components/schemas/L"}}}}),
        ),
        bodies(
            json!({"properties": {"a": 1, "b": {"enum": 5}}, "required": "x", "type": 7}),
            json!({"oneOf": [1, {"$ref": 2}]}),
            json!([]),
        ),
    ];
    for a in &shapes {
        for b in &shapes {
            let d = diff(a, b);
            let mut ids: Vec<&str> = d.changes.iter().map(|c| c.id.as_str()).collect();
            let before = ids.len();
            ids.sort();
            ids.dedup();
            assert_eq!(ids.len(), before, "ids are unique");
        }
    }
}

/// Random structural mutations of a real spec: any shape, no panic.
#[test]
fn mutated_real_spec_never_panics() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/sumo-specs/api/2023-08-10/sumologic-api.yaml");
    let original = crate::spec::load::load_file(&path)
        .expect("shared spec loads")
        .document;
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let replacements = [
        json!(null),
        json!(7),
        json!("x"),
        json!([]),
        json!({}),
        json!({"$ref": "#/components/schemas/AppListItem"}),
        json!({"$ref": "#/paths"}),
        json!({"allOf": [{"$ref": "#/components/schemas/Panel"}, {"type": 3}]}),
        json!({"discriminator": {"mapping": {"a": 1}}, "properties": []}),
    ];
    for _round in 0..6 {
        let mut doc = original.clone();
        for _ in 0..300 {
            let replacement = replacements[(next() % replacements.len() as u64) as usize].clone();
            mutate(&mut doc, &mut next, replacement);
        }
        let forward = diff(&original, &doc);
        let backward = diff(&doc, &original);
        assert!(!forward.changes.is_empty() || !backward.changes.is_empty());
    }
}

/// Replaces one random node (walking down from the root) with `replacement`.
fn mutate(value: &mut Value, next: &mut impl FnMut() -> u64, replacement: Value) {
    let mut current = value;
    loop {
        let len = match current {
            Value::Object(map) => map.len(),
            Value::Array(list) => list.len(),
            _ => 0,
        };
        if len == 0 || next().is_multiple_of(8) {
            *current = replacement;
            return;
        }
        let index = (next() % len as u64) as usize;
        current = match current {
            Value::Object(map) => match map.values_mut().nth(index) {
                Some(child) => child,
                None => return,
            },
            Value::Array(list) => &mut list[index],
            _ => return,
        };
    }
}
