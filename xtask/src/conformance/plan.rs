//! One call per operation: the spec's operation matched with its generated
//! builder, each argument's JSON and the setter type it goes into.

use serde_json::Value;
use syn::{Ident, Type};

use super::args::Spec;
use super::setters::{Builder, Builders, Response, Setter};
use crate::spec::load::operations;

/// The boundary of every multipart body the sweep sends.
pub const BOUNDARY: &str = "conformance-sweep-boundary";

/// One operation's call.
#[derive(Clone)]
pub struct Call {
    /// The spec's `operationId` (`getUser`).
    pub operation: String,
    /// `GET`, ...
    pub http_method: String,
    pub path: String,
    /// The `Client` method (`get_user`).
    pub method: Ident,
    /// What the `Transport` sees as the operation.
    pub operation_id: String,
    pub arguments: Vec<Argument>,
    pub body: Option<Body>,
    pub response: Response,
    /// The 2xx media types the spec declares (checked for raw responses).
    pub content_types: Vec<String>,
}

/// A parameter's value, for its setter.
#[derive(Clone)]
pub struct Argument {
    /// The spec's name (`parentDeploymentId`).
    pub name: String,
    pub setter: Ident,
    pub ty: Type,
    /// Compact JSON.
    pub json: String,
}

/// The request body.
#[derive(Clone)]
pub enum Body {
    /// JSON candidates, best first, for the setter type `ty`.
    Json {
        ty: Box<Type>,
        candidates: Vec<String>,
    },
    /// Raw bytes; `content_type` replaces the generated
    /// `application/octet-stream` (multipart bodies).
    Raw {
        text: String,
        content_type: Option<String>,
    },
}

/// The calls of every operation of a normalized spec, in spec order.
pub fn calls(document: &Value, builders: &Builders) -> anyhow::Result<Vec<Call>> {
    let spec = Spec::new(document);
    let mut calls = Vec::new();
    let mut errors = Vec::new();
    for (path, method, operation) in operations(document) {
        let id = operation
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or("?");
        let key = (method.to_uppercase(), path.to_string());
        let planned = builders
            .get(&key)
            .ok_or_else(|| anyhow::anyhow!("no generated builder sends it"))
            .and_then(|builder| {
                let path_item = document
                    .get("paths")
                    .and_then(|p| p.get(path))
                    .unwrap_or(&Value::Null);
                call(&spec, id, &key, path_item, operation, builder)
            });
        match planned {
            Ok(call) => calls.push(call),
            Err(e) => errors.push(format!("{id} ({} {path}): {e:#}", key.0)),
        }
    }
    if errors.is_empty() {
        Ok(calls)
    } else {
        Err(anyhow::anyhow!(
            "cannot plan the conformance sweep:\n  {}",
            errors.join("\n  ")
        ))
    }
}

fn call(
    spec: &Spec<'_>,
    id: &str,
    (http_method, path): &(String, String),
    path_item: &Value,
    operation: &Value,
    builder: &Builder,
) -> anyhow::Result<Call> {
    let mut arguments = Vec::new();
    for parameter in parameters(spec, path_item, operation) {
        let name = parameter
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| anyhow::anyhow!("a parameter has no name"))?;
        let Some(value) = spec.parameter_value(parameter) else {
            continue;
        };
        let setter = find_setter(&builder.setters, name)
            .ok_or_else(|| anyhow::anyhow!("no setter for parameter `{name}`"))?;
        arguments.push(Argument {
            name: name.to_string(),
            setter: setter.name.clone(),
            ty: setter.ty.clone(),
            json: value.to_string(),
        });
    }
    let body = body(spec, operation, builder)?;
    Ok(Call {
        operation: id.to_string(),
        http_method: http_method.clone(),
        path: path.clone(),
        method: builder.method.clone(),
        operation_id: builder.operation_id.clone(),
        arguments,
        body,
        response: builder.response.clone(),
        content_types: success_content_types(operation),
    })
}

/// The path item's parameters, overridden by the operation's (same name and
/// location), resolved.
fn parameters<'a>(spec: &Spec<'a>, path_item: &'a Value, operation: &'a Value) -> Vec<&'a Value> {
    let list = |v: &'a Value| -> Vec<&'a Value> {
        v.get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|p| spec.resolve(p))
            .collect()
    };
    let own = list(operation);
    let key = |p: &Value| (p.get("name").cloned(), p.get("in").cloned());
    let mut merged: Vec<&Value> = list(path_item)
        .into_iter()
        .filter(|shared| !own.iter().any(|o| key(o) == key(shared)))
        .collect();
    merged.extend(own);
    merged
}

/// The setter for a spec name: progenitor snake-cases names and appends `_`
/// to keywords; compare letters and digits only, ignoring case.
fn find_setter<'s>(setters: &'s [Setter], name: &str) -> Option<&'s Setter> {
    let wanted = squash(name);
    setters
        .iter()
        .filter(|s| s.plain_name() != "body" || wanted == "body")
        .find(|s| squash(&s.plain_name()) == wanted)
}

fn squash(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn body(spec: &Spec<'_>, operation: &Value, builder: &Builder) -> anyhow::Result<Option<Body>> {
    let setter = builder.setters.iter().find(|s| s.plain_name() == "body");
    let request_body = operation.get("requestBody").map(|b| spec.resolve(b));
    let (setter, request_body) = match (setter, request_body) {
        (None, None) => return Ok(None),
        (Some(setter), Some(body)) => (setter, body),
        (None, Some(_)) => {
            return Err(anyhow::anyhow!(
                "the spec has a request body; the builder has no `body`"
            ));
        }
        (Some(_), None) => {
            return Err(anyhow::anyhow!(
                "the builder takes a `body` the spec does not declare"
            ));
        }
    };
    if let Some(media) = operation
        .get("x-sumo-multipart")
        .and_then(|m| m.get("mediaType"))
    {
        if !setter.is_raw_body() {
            return Err(anyhow::anyhow!(
                "a multipart body whose setter is not raw bytes"
            ));
        }
        return Ok(Some(Body::Raw {
            text: spec.multipart_body(media, BOUNDARY),
            content_type: Some(format!("multipart/form-data; boundary={BOUNDARY}")),
        }));
    }
    if setter.is_raw_body() {
        return Ok(Some(Body::Raw {
            text: "conformance".into(),
            content_type: None,
        }));
    }
    let content = request_body
        .get("content")
        .and_then(Value::as_object)
        .ok_or_else(|| anyhow::anyhow!("the request body has no content"))?;
    let media = content
        .iter()
        .find(|(media_type, _)| is_json(media_type))
        .map(|(_, media)| media)
        .ok_or_else(|| anyhow::anyhow!("a typed body without a JSON media type"))?;
    let candidates = spec
        .body_candidates(media)
        .iter()
        .map(Value::to_string)
        .collect();
    Ok(Some(Body::Json {
        ty: Box::new(setter.ty.clone()),
        candidates,
    }))
}

fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or("").trim();
    essence == "application/json" || essence.ends_with("+json")
}

/// Media types of the 2xx responses, in spec order, without duplicates.
fn success_content_types(operation: &Value) -> Vec<String> {
    let mut types: Vec<String> = Vec::new();
    for (status, response) in operation
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if !status.starts_with('2') {
            continue;
        }
        for media_type in response
            .get("content")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|c| c.keys())
        {
            if !types.contains(media_type) {
                types.push(media_type.clone());
            }
        }
    }
    types
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conformance::setters::{read_builders, type_text};
    use serde_json::json;

    const GENERATED: &str = r#"
        impl Client {
            pub fn update_user(&self) -> builder::UpdateUser<'_> { todo!() }
            pub fn upload_file(&self) -> builder::UploadFile<'_> { todo!() }
        }
        pub mod builder {
            impl<'a> UpdateUser<'a> {
                pub fn id<V>(mut self, value: V) -> Self where V: std::convert::TryInto<::std::string::String> { self }
                pub fn is_admin_mode<V>(mut self, value: V) -> Self where V: std::convert::TryInto<::std::string::String> { self }
                pub fn type_<V>(mut self, value: V) -> Self where V: std::convert::TryInto<types::Kind> { self }
                pub fn body<V>(mut self, value: V) -> Self where V: std::convert::TryInto<types::UserDefinition> { self }
                ///Sends a `PUT` request to `/v1/users/{id}`
                pub async fn send(self) -> Result<ResponseValue<types::UserModel>, Error<ByteStream>> {
                    let info = OperationInfo { operation_id: "update_user" };
                    todo!()
                }
            }
            impl<'a> UploadFile<'a> {
                pub fn id<V>(mut self, value: V) -> Self where V: std::convert::TryInto<::std::string::String> { self }
                pub fn body<B>(mut self, value: B) -> Self where B: std::convert::TryInto<reqwest::Body> { self }
                ///Sends a `POST` request to `/v1/upload/{id}`
                pub async fn send(self) -> Result<ResponseValue<ByteStream>, Error<ByteStream>> {
                    let info = OperationInfo { operation_id: "upload_file" };
                    todo!()
                }
            }
        }
    "#;

    fn document() -> Value {
        json!({
            "paths": {
                "/v1/users/{id}": {
                    "parameters": [
                        {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                        {"$ref": "#/components/parameters/admin"}
                    ],
                    "put": {
                        "operationId": "updateUser",
                        "parameters": [
                            {"name": "id", "in": "path", "required": true, "example": "000000000000AB12", "schema": {"type": "string"}},
                            {"name": "type", "in": "query", "schema": {"type": "string", "enum": ["a", "b"]}}
                        ],
                        "requestBody": {"$ref": "#/components/requestBodies/User"},
                        "responses": {"200": {"content": {"application/json": {"schema": {"type": "object"}}}}}
                    }
                },
                "/v1/upload/{id}": {
                    "post": {
                        "operationId": "uploadFile",
                        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                        "requestBody": {"content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
                        "x-sumo-multipart": {"contentType": "multipart/form-data", "mediaType": {"schema": {
                            "type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"}}}}},
                        "responses": {"200": {"content": {"text/csv": {}, "application/pdf": {}}}}
                    }
                }
            },
            "components": {
                "parameters": {"admin": {"name": "isAdminMode", "in": "header", "schema": {"type": "string"}}},
                "requestBodies": {"User": {"content": {"application/json": {"schema": {
                    "type": "object", "required": ["email"], "properties": {"email": {"type": "string", "format": "email"}}
                }}}}}
            }
        })
    }

    #[test]
    fn plans_arguments_bodies_and_responses() {
        let doc = document();
        let builders = read_builders(GENERATED).unwrap();
        let calls = calls(&doc, &builders).expect("plans");
        assert_eq!(calls.len(), 2);

        let update = &calls[0];
        assert_eq!(update.operation, "updateUser");
        assert_eq!(update.method, "update_user");
        let arguments: Vec<(String, String, String, String)> = update
            .arguments
            .iter()
            .map(|a| {
                (
                    a.name.clone(),
                    a.setter.to_string(),
                    type_text(&a.ty),
                    a.json.clone(),
                )
            })
            .collect();
        // The operation's `id` overrides the path item's; `isAdminMode` has
        // no example and is optional: left unset; `type` maps to `type_`.
        assert_eq!(
            arguments,
            [
                (
                    "id".into(),
                    "id".into(),
                    ":: std :: string :: String".into(),
                    "\"000000000000AB12\"".into()
                ),
                (
                    "type".into(),
                    "type_".into(),
                    "types :: Kind".into(),
                    "\"a\"".into()
                ),
            ]
        );
        match &update.body {
            Some(Body::Json { ty, candidates }) => {
                assert_eq!(type_text(ty), "types :: UserDefinition");
                assert_eq!(candidates, &["{\"email\":\"conformance@example.com\"}"]);
            }
            _ => panic!("not the expected body"),
        }

        let upload = &calls[1];
        assert_eq!(upload.operation_id, "upload_file");
        assert_eq!(upload.content_types, ["text/csv", "application/pdf"]);
        match &upload.body {
            Some(Body::Raw { text, content_type }) => {
                assert!(text.starts_with(&format!("--{BOUNDARY}\r\n")), "{text}");
                assert!(text.contains("name=\"file\"; filename="), "{text}");
                assert_eq!(
                    content_type.as_deref(),
                    Some("multipart/form-data; boundary=conformance-sweep-boundary")
                );
            }
            _ => panic!("not the expected body"),
        }
        assert!(matches!(upload.response, Response::Bytes));
    }

    #[test]
    fn every_problem_is_reported_with_its_operation() {
        let mut doc = document();
        doc["paths"]["/v1/missing"] =
            json!({"get": {"operationId": "getMissing", "responses": {}}});
        doc["paths"]["/v1/users/{id}"]["put"]["parameters"][1]["required"] = json!(true);
        doc["paths"]["/v1/users/{id}"]["put"]["parameters"][1]["name"] = json!("kind");
        let builders = read_builders(GENERATED).unwrap();
        let Err(err) = calls(&doc, &builders) else {
            panic!("planning should fail")
        };
        let err = format!("{err:#}");
        assert!(
            err.contains("getMissing (GET /v1/missing): no generated builder"),
            "{err}"
        );
        assert!(
            err.contains("updateUser (PUT /v1/users/{id}): no setter for parameter `kind`"),
            "{err}"
        );
    }

    #[test]
    fn json_media_types() {
        assert!(is_json("application/json"));
        assert!(is_json("application/problem+json; charset=utf-8"));
        assert!(!is_json("application/octet-stream"));
    }
}
