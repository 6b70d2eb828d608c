//! Sumo's asynchronous jobs, paired from the spec, and the `impl
//! crate::AsyncJob` the generator emits for each start operation's builder.
//!
//! A job is polled through a `GET <prefix>/{jobId}/status` operation until
//! it succeeds or fails; a `GET <prefix>/{jobId}/result` operation, when
//! there is one, reads what it made. The start operation answers the job's
//! id, and sits at one of:
//! - the prefix itself, path parameters renamed or not
//!   (`POST /v2/content/{id}/export` for
//!   `/v2/content/{contentId}/export/{jobId}/status`);
//! - the prefix's literal segments with a parameter between them
//!   (`POST /v2/apps/{uuid}/install` for `/v2/apps/install/{jobId}/status`);
//! - under the prefix without its last `jobs` segment, answering a
//!   schema with an `id` (`POST /v1/lookupTables/{id}/upload` for
//!   `/v1/lookupTables/jobs/{jobId}/status`).
//!
//! The status request copies the start's path parameters (by position) and
//! its other parameters of the same name (`isAdminMode`).

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use syn::{Fields, Item};

use super::syntax::module_items_mut;
use super::{Context, SyntaxPass, SyntaxReport};
use crate::naming::{pascal, snake};
use crate::spec::load::operations;

/// One job: its start, status and result operations (operation ids).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobPair {
    pub start: String,
    pub status: String,
    pub result: Option<String>,
    /// The status path's parameters but the job id, with the start path's
    /// parameter each takes its value from.
    pub path_params: Vec<(String, String)>,
    /// The status path's job id parameter.
    pub job_param: String,
}

struct Op<'a> {
    method: &'a str,
    path: &'a str,
    operation: &'a Value,
}

fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

fn is_param(segment: &str) -> bool {
    segment.starts_with('{') && segment.ends_with('}')
}

fn params(path: &str) -> Vec<String> {
    segments(path)
        .into_iter()
        .filter(|s| is_param(s))
        .map(|s| s.trim_matches(|c| c == '{' || c == '}').to_string())
        .collect()
}

fn literals(path: &str) -> Vec<&str> {
    segments(path)
        .into_iter()
        .filter(|s| !is_param(s))
        .collect()
}

/// The path with every parameter written `{}`.
fn shape(path: &str) -> String {
    segments(path)
        .iter()
        .map(|s| if is_param(s) { "{}" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether the 2xx JSON answer of `operation` has an `id` or `jobId`
/// property: the job's id.
fn answers_job_id(operation: &Value, schemas: &Map<String, Value>) -> bool {
    let Some(responses) = operation["responses"].as_object() else {
        return false;
    };
    responses
        .iter()
        .filter(|(status, _)| status.starts_with('2'))
        .filter_map(|(_, r)| r.pointer("/content/application~1json/schema"))
        .any(|schema| {
            let schema = match schema["$ref"]
                .as_str()
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                Some(name) => schemas.get(name).unwrap_or(&Value::Null),
                None => schema,
            };
            let properties = &schema["properties"];
            properties.get("id").is_some() || properties.get("jobId").is_some()
        })
}

/// Every job of the spec, and the status operations left unpaired (why).
pub fn job_pairs(document: &Value) -> (Vec<JobPair>, Vec<String>) {
    let empty = Map::new();
    let schemas = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let ops: Vec<Op<'_>> = operations(document)
        .map(|(path, method, operation)| Op {
            method,
            path,
            operation,
        })
        .collect();
    let id = |op: &Op<'_>| {
        op.operation["operationId"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    let mut pairs = Vec::new();
    let mut unpaired = Vec::new();
    for status in &ops {
        let parts = segments(status.path);
        let [prefix @ .., job, "status"] = parts.as_slice() else {
            continue;
        };
        if status.method != "get" || !is_param(job) || !job.to_ascii_lowercase().contains("jobid") {
            continue;
        }
        let prefix = format!("/{}", prefix.join("/"));
        let job_param = job.trim_matches(|c| c == '{' || c == '}').to_string();
        let result = ops
            .iter()
            .find(|op| op.method == "get" && op.path == format!("{prefix}/{job}/result").as_str())
            .map(id);
        let under = literals(&prefix)
            .strip_suffix(&["jobs"])
            .map(|rest| rest.to_vec());
        let starts: Vec<&Op<'_>> = ops
            .iter()
            .filter(|op| !op.path.contains(&format!("/{job}")) && !op.path.ends_with("/status"))
            .filter(|op| answers_job_id(op.operation, schemas))
            .filter(|op| {
                shape(op.path) == shape(&prefix)
                    || (op.method != "get" && literals(op.path) == literals(&prefix))
                    || under.as_ref().is_some_and(|under| {
                        op.method == "post"
                            && literals(op.path).starts_with(under)
                            && literals(op.path).len() == under.len() + 1
                    })
            })
            .collect();
        if starts.is_empty() {
            unpaired.push(format!(
                "{}: no start operation answers its job id",
                id(status)
            ));
        }
        let status_params: Vec<String> = params(&prefix);
        for start in starts {
            let start_params = params(start.path);
            let path_params = if status_params.is_empty() {
                Vec::new()
            } else if status_params.len() == start_params.len() {
                status_params
                    .iter()
                    .cloned()
                    .zip(start_params.iter().cloned())
                    .collect()
            } else {
                unpaired.push(format!(
                    "{} with {}: the path parameters do not line up",
                    id(start),
                    id(status)
                ));
                continue;
            };
            pairs.push(JobPair {
                start: id(start),
                status: id(status),
                result: result.clone(),
                path_params,
                job_param: job_param.clone(),
            });
        }
    }
    pairs.sort_by(|a, b| a.start.cmp(&b.start));
    (pairs, unpaired)
}

/// See the module documentation.
pub struct JobImpls;

impl SyntaxPass for JobImpls {
    fn name(&self) -> &'static str {
        "job-impls"
    }

    fn summary(&self) -> &'static str {
        "`impl crate::AsyncJob` for the start of every asynchronous job (its status and result requests)"
    }

    fn run(&self, file: &mut syn::File, context: &Context<'_>) -> SyntaxReport {
        let (pairs, mut notes) = job_pairs(context.document);
        let Some(builders) = module_items_mut(file, "builder") else {
            return SyntaxReport::default();
        };
        let fields = builder_fields(builders);
        let mut added: Vec<Item> = Vec::new();
        for pair in &pairs {
            match job_impl(pair, &fields) {
                Ok(item) => added.push(item),
                Err(reason) => notes.push(format!("no AsyncJob for {}: {reason}", pair.start)),
            }
        }
        let changes = added.len();
        builders.extend(added);
        SyntaxReport { changes, notes }
    }
}

/// Each builder's fields: name to type, as tokens.
fn builder_fields(items: &[Item]) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for item in items {
        let Item::Struct(strukt) = item else { continue };
        let Fields::Named(named) = &strukt.fields else {
            continue;
        };
        let fields = named
            .named
            .iter()
            .filter_map(|f| {
                let ty = &f.ty;
                Some((
                    f.ident.as_ref()?.to_string(),
                    quote::quote!(#ty).to_string(),
                ))
            })
            .collect();
        out.insert(strukt.ident.to_string(), fields);
    }
    out
}

const STRING_FIELD: &str = ":: std :: string :: String";

/// `request.<field> = ...;` for each field the status or result request
/// takes from the start's: the path parameters by position, the others by
/// name and type; and the job id.
fn job_impl(
    pair: &JobPair,
    fields: &BTreeMap<String, BTreeMap<String, String>>,
) -> Result<Item, String> {
    let builder = |op: &str| {
        let name = pascal(op);
        fields
            .get(&name)
            .map(|f| (syn::Ident::new(&name, proc_macro2::Span::call_site()), f))
            .ok_or(format!("no builder {name}"))
    };
    let (start, start_fields) = builder(&pair.start)?;
    // The request of `op` with the start's parameters set, and a function
    // setting its job id.
    let request_of =
        |op: &str| -> Result<(proc_macro2::TokenStream, proc_macro2::TokenStream), String> {
            let (ident, target_fields) = builder(op)?;
            let job_field = snake(&pair.job_param);
            match target_fields.get(&job_field) {
                Some(ty) if ty.contains(STRING_FIELD) && !ty.contains("Option") => {}
                _ => return Err(format!("{op} has no `String` field `{job_field}`")),
            }
            let job = syn::Ident::new(&job_field, proc_macro2::Span::call_site());
            let mut copies = Vec::new();
            for (to, from) in &pair.path_params {
                let (to, from) = (snake(to), snake(from));
                if target_fields.get(&to) != start_fields.get(&from)
                    || !target_fields.contains_key(&to)
                {
                    return Err(format!("{op}.{to} and {}.{from} differ", pair.start));
                }
                copies.push((to, from));
            }
            for (name, ty) in target_fields {
                let mapped = copies.iter().any(|(to, _)| to == name);
                if name != "client"
                    && *name != job_field
                    && !mapped
                    && start_fields.get(name) == Some(ty)
                {
                    copies.push((name.clone(), name.clone()));
                }
            }
            let assignments = copies.iter().map(|(to, from)| {
                let (to, from) = (
                    syn::Ident::new(to, proc_macro2::Span::call_site()),
                    syn::Ident::new(from, proc_macro2::Span::call_site()),
                );
                quote::quote! { request.#to = self.#from.clone(); }
            });
            Ok((
                quote::quote! {{
                    #[allow(unused_mut)]
                    let mut request = #ident::new(self.client);
                    #(#assignments)*
                    request
                }},
                quote::quote! {
                    |mut request, job_id| {
                        request.#job = Ok(job_id.to_string());
                        request
                    }
                },
            ))
        };
    let (status, _) = builder(&pair.status)?;
    let (status_request, status_for) = request_of(&pair.status)?;
    let (result_type, result_request, result_for) = match &pair.result {
        Some(result) => {
            let (ident, _) = builder(result)?;
            let (request, set) = request_of(result)?;
            (quote::quote!(#ident<'a>), request, set)
        }
        None => (
            quote::quote!(crate::NoResult),
            quote::quote!(crate::NoResult),
            quote::quote!(|request, _| request),
        ),
    };
    Ok(syn::parse_quote! {
        impl<'a> crate::AsyncJob for #start<'a> {
            type Status = #status<'a>;
            type Result = #result_type;
            fn follow_ups(&self) -> crate::FollowUps<Self::Status, Self::Result> {
                crate::FollowUps::new(#status_request, #result_request, #status_for, #result_for)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_follow_the_three_layouts() {
        let job = serde_json::json!({"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/BeginAsyncJobResponse"}}}}});
        let plain = serde_json::json!({"200": {"description": "ok"}});
        let document = serde_json::json!({
            "components": {"schemas": {"BeginAsyncJobResponse": {"type": "object", "properties": {"id": {"type": "string"}}}}},
            "paths": {
                "/v2/content/{id}/export": {"post": {"operationId": "beginAsyncExport", "responses": job}},
                "/v2/content/{contentId}/export/{jobId}/status": {"get": {"operationId": "getAsyncExportStatus", "responses": plain}},
                "/v2/content/{contentId}/export/{jobId}/result": {"get": {"operationId": "getAsyncExportResult", "responses": plain}},
                "/v2/apps/{uuid}/install": {"post": {"operationId": "asyncInstallApp", "responses": job}},
                "/v2/apps/install/{jobId}/status": {"get": {"operationId": "getAsyncInstallAppStatus", "responses": plain}},
                "/v1/lookupTables/{id}/upload": {"post": {"operationId": "uploadFile", "responses": job}},
                "/v1/lookupTables/{id}/truncate": {"post": {"operationId": "truncateTable", "responses": job}},
                "/v1/lookupTables/{id}": {"put": {"operationId": "updateTable", "responses": job}},
                "/v1/lookupTables/jobs/{jobId}/status": {"get": {"operationId": "requestJobStatus", "responses": plain}},
                "/v1/orphan/{jobId}/status": {"get": {"operationId": "orphanStatus", "responses": plain}}
            }
        });
        let (pairs, unpaired) = job_pairs(&document);
        let summary: Vec<(&str, &str, Option<&str>)> = pairs
            .iter()
            .map(|p| (p.start.as_str(), p.status.as_str(), p.result.as_deref()))
            .collect();
        assert_eq!(
            summary,
            [
                ("asyncInstallApp", "getAsyncInstallAppStatus", None),
                (
                    "beginAsyncExport",
                    "getAsyncExportStatus",
                    Some("getAsyncExportResult")
                ),
                ("truncateTable", "requestJobStatus", None),
                ("uploadFile", "requestJobStatus", None),
            ]
        );
        assert_eq!(
            pairs[1].path_params,
            [("contentId".to_string(), "id".to_string())]
        );
        assert_eq!(
            unpaired,
            ["orphanStatus: no start operation answers its job id"]
        );
    }
}
