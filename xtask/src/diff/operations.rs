//! Operations, matched by method and normalized path; everything an
//! operation holds is compared here, schemas through `schemas::Comparer`.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde_json::{Map, Value};

use super::parameters::{self, normalize_path};
use super::rules::{Direction, Kind};
use super::rust_effect::{RustEffect, Site, operation_effect, schema_effect};
use super::schemas::{Comparer, SchemaChange};
use super::{Change, Diff, OperationSummary, escape, refs};
use crate::naming::snake;
use crate::spec::load::METHODS;

/// One operation of a document.
#[derive(Clone, Copy)]
struct Op<'a> {
    path: &'a str,
    method: &'a str,
    item: &'a Value,
    operation: &'a Value,
}

impl Op<'_> {
    fn label(&self) -> String {
        format!("{} {}", self.method.to_ascii_uppercase(), self.path)
    }

    /// The Rust method progenitor generates (from the operationId).
    fn rust_method(&self) -> String {
        match self.operation.get("operationId").and_then(Value::as_str) {
            Some(id) => snake(id),
            None => snake(&format!("{} {}", self.method, self.path)),
        }
    }
}

/// Operations keyed by normalized path and method rank.
fn index(doc: &Value) -> BTreeMap<(String, usize), Op<'_>> {
    let mut map = BTreeMap::new();
    for (path, item) in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for (rank, method) in METHODS.iter().enumerate() {
            let Some(operation) = item.get(*method).filter(|o| o.is_object()) else {
                continue;
            };
            let op = Op {
                path,
                method,
                item,
                operation,
            };
            let normalized = normalize_path(path);
            // Two templates that normalize alike in one document: keep both apart.
            let key = if map.contains_key(&(normalized.clone(), rank)) {
                (path.clone(), rank)
            } else {
                (normalized, rank)
            };
            map.insert(key, op);
        }
    }
    map
}

/// Compares two whole documents.
pub fn compare_documents(old: &Value, new: &Value) -> Diff {
    let mut run = Run {
        old,
        new,
        comparer: Comparer::new(old, new),
        changes: Vec::new(),
    };
    run.servers();
    let old_ops = index(old);
    let new_ops = index(new);
    let mut summary = OperationSummary::default();
    for (key, op) in &old_ops {
        if !new_ops.contains_key(key) {
            summary.removed.push(op.label());
            let method = op.rust_method();
            run.push_op(
                Kind::OperationRemoved,
                &op.label(),
                String::new(),
                format!("operation `{}` removed", op.label()),
                operation_effect(Kind::OperationRemoved, &method, ""),
            );
        }
    }
    for (key, op) in &new_ops {
        match old_ops.get(key) {
            None => {
                summary.added.push(op.label());
                let method = op.rust_method();
                run.push_op(
                    Kind::OperationAdded,
                    &op.label(),
                    String::new(),
                    format!("operation `{}` added", op.label()),
                    operation_effect(Kind::OperationAdded, &method, ""),
                );
            }
            Some(old_op) => {
                let before = run.changes.len();
                run.operation(old_op, op);
                if run.changes.len() > before {
                    summary.modified.push(op.label());
                }
            }
        }
    }
    let mut seen = HashSet::new();
    let mut changes = run.changes;
    changes.retain(|c| seen.insert(c.id.clone()));
    Diff {
        operations: summary,
        changes,
    }
}

struct Run<'a> {
    old: &'a Value,
    new: &'a Value,
    comparer: Comparer<'a>,
    changes: Vec<Change>,
}

impl<'a> Run<'a> {
    fn push_op(
        &mut self,
        kind: Kind,
        label: &str,
        pointer: String,
        message: String,
        rust: RustEffect,
    ) {
        self.changes.push(Change::new(
            kind,
            Direction::Request,
            label,
            pointer,
            message,
            rust,
        ));
    }

    fn servers(&mut self) {
        let urls = |doc: &'a Value| -> BTreeSet<&'a str> {
            doc.get("servers")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|s| s.get("url").and_then(Value::as_str))
                .collect()
        };
        let (a, b) = (urls(self.old), urls(self.new));
        for url in a.difference(&b) {
            self.push_op(
                Kind::ServerRemoved,
                "*",
                format!("/servers/{}", escape(url)),
                format!("server `{url}` removed"),
                RustEffect::none(),
            );
        }
        for url in b.difference(&a) {
            self.push_op(
                Kind::ServerAdded,
                "*",
                format!("/servers/{}", escape(url)),
                format!("server `{url}` added"),
                RustEffect::none(),
            );
        }
    }

    fn operation(&mut self, o: &Op<'a>, n: &Op<'a>) {
        let label = n.label();
        let method = n.rust_method();
        let old_id = o.operation.get("operationId").and_then(Value::as_str);
        let new_id = n.operation.get("operationId").and_then(Value::as_str);
        if old_id != new_id {
            let message = format!(
                "operationId {} → {}",
                old_id.unwrap_or("(none)"),
                new_id.unwrap_or("(none)")
            );
            let effect = operation_effect(
                Kind::OperationIdChanged,
                &method,
                old_id.unwrap_or_default(),
            );
            self.push_op(
                Kind::OperationIdChanged,
                &label,
                "/operationId".into(),
                message,
                effect,
            );
        }
        let deprecated = |op: &Op<'_>| op.operation.get("deprecated") == Some(&Value::Bool(true));
        if !deprecated(o) && deprecated(n) {
            self.push_op(
                Kind::OperationDeprecated,
                &label,
                "/deprecated".into(),
                "operation deprecated".into(),
                RustEffect::none(),
            );
        }
        self.tags(o, n, &label);
        let security = |doc: &'a Value, op: &Op<'a>| {
            op.operation.get("security").or_else(|| doc.get("security"))
        };
        if security(self.old, o) != security(self.new, n) {
            self.push_op(
                Kind::SecurityChanged,
                &label,
                "/security".into(),
                "security requirements changed".into(),
                RustEffect::none(),
            );
        }
        self.parameters(o, n, &label, &method);
        self.request_body(o, n, &label, &method);
        self.responses(o, n, &label, &method);
    }

    fn tags(&mut self, o: &Op<'a>, n: &Op<'a>, label: &str) {
        let tags = |op: &Op<'a>| -> BTreeSet<&'a str> {
            op.operation
                .get("tags")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect()
        };
        let (a, b) = (tags(o), tags(n));
        for tag in a.difference(&b) {
            self.push_op(
                Kind::TagRemoved,
                label,
                format!("/tags/{}", escape(tag)),
                format!("tag `{tag}` removed"),
                RustEffect::none(),
            );
        }
        for tag in b.difference(&a) {
            self.push_op(
                Kind::TagAdded,
                label,
                format!("/tags/{}", escape(tag)),
                format!("tag `{tag}` added"),
                RustEffect::none(),
            );
        }
    }

    fn parameters(&mut self, o: &Op<'a>, n: &Op<'a>, label: &str, method: &str) {
        let old = parameters::effective(self.old, o.path, o.item, o.operation);
        let new = parameters::effective(self.new, n.path, n.item, n.operation);
        let (changes, pairs) = parameters::compare(&old, &new);
        for c in changes {
            let effect = operation_effect(c.kind, method, &c.name);
            self.push_op(c.kind, label, c.pointer, c.message, effect);
        }
        for (a, b) in pairs {
            let (Some(x), Some(y)) = (a.schema, b.schema) else {
                continue;
            };
            let found = self.comparer.compare(x, y);
            let prefix = format!("/parameters/{}/{}/schema", b.location, escape(b.name));
            let site = Site::Parameter {
                method,
                name: b.name,
            };
            self.lift(found, label, &prefix, site, Direction::Request);
        }
    }

    fn request_body(&mut self, o: &Op<'a>, n: &Op<'a>, label: &str, method: &str) {
        let body = |doc: &'a Value, op: &Op<'a>| {
            op.operation
                .get("requestBody")
                .map(|b| refs::follow(doc, b).0)
        };
        let required = |b: &Value| b.get("required") == Some(&Value::Bool(true));
        let effect = |kind| operation_effect(kind, method, "body");
        match (body(self.old, o), body(self.new, n)) {
            (None, Some(b)) => {
                let kind = if required(b) {
                    Kind::RequestBodyAddedRequired
                } else {
                    Kind::RequestBodyAddedOptional
                };
                self.push_op(
                    kind,
                    label,
                    "/requestBody".into(),
                    "request body added".into(),
                    effect(kind),
                );
            }
            (Some(_), None) => {
                self.push_op(
                    Kind::RequestBodyRemoved,
                    label,
                    "/requestBody".into(),
                    "request body removed".into(),
                    effect(Kind::RequestBodyRemoved),
                );
            }
            (Some(a), Some(b)) => {
                match (required(a), required(b)) {
                    (false, true) => self.push_op(
                        Kind::RequestBodyBecameRequired,
                        label,
                        "/requestBody".into(),
                        "request body became required".into(),
                        effect(Kind::RequestBodyBecameRequired),
                    ),
                    (true, false) => self.push_op(
                        Kind::RequestBodyBecameOptional,
                        label,
                        "/requestBody".into(),
                        "request body became optional".into(),
                        RustEffect::none(),
                    ),
                    _ => {}
                }
                let site = Site::Body { method };
                self.content(a, b, label, "/requestBody", site, Direction::Request);
            }
            (None, None) => {}
        }
    }

    fn responses(&mut self, o: &Op<'a>, n: &Op<'a>, label: &str, method: &str) {
        let empty = empty_map();
        let map = |op: &Op<'a>| op.operation.get("responses").and_then(Value::as_object);
        let (a, b) = (map(o).unwrap_or(empty), map(n).unwrap_or(empty));
        for status in a.keys().filter(|s| !b.contains_key(*s)) {
            let kind = if status.starts_with('2') {
                Kind::SuccessResponseRemoved
            } else {
                Kind::ErrorResponseRemoved
            };
            let effect = operation_effect(kind, method, status);
            self.push_op(
                kind,
                label,
                format!("/responses/{}", escape(status)),
                format!("response {status} removed"),
                effect,
            );
        }
        for (status, new) in b {
            let pointer = format!("/responses/{}", escape(status));
            match a.get(status) {
                None => {
                    let effect = operation_effect(Kind::ResponseAdded, method, status);
                    self.push_op(
                        Kind::ResponseAdded,
                        label,
                        pointer,
                        format!("response {status} added"),
                        effect,
                    );
                }
                Some(old) => {
                    let (x, y) = (refs::follow(self.old, old).0, refs::follow(self.new, new).0);
                    self.content(
                        x,
                        y,
                        label,
                        &pointer,
                        Site::Response { method },
                        Direction::Response,
                    );
                }
            }
        }
    }

    /// Media types of a request body or response, then their schemas.
    fn content(
        &mut self,
        a: &'a Value,
        b: &'a Value,
        label: &str,
        prefix: &str,
        site: Site<'_>,
        direction: Direction,
    ) {
        let empty = empty_map();
        let media = |v: &'a Value| v.get("content").and_then(Value::as_object);
        let (x, y) = (media(a).unwrap_or(empty), media(b).unwrap_or(empty));
        let method = match site {
            Site::Parameter { method, .. } | Site::Body { method } | Site::Response { method } => {
                method
            }
        };
        for mt in x.keys().filter(|m| !y.contains_key(*m)) {
            let kind = Kind::MediaTypeRemoved;
            let change = Change::new(
                kind,
                direction,
                label,
                format!("{prefix}/content/{}", escape(mt)),
                format!("content type `{mt}` removed"),
                operation_effect(kind, method, mt),
            );
            self.changes.push(change);
        }
        for (mt, new) in y {
            let pointer = format!("{prefix}/content/{}", escape(mt));
            match x.get(mt) {
                None => {
                    let kind = Kind::MediaTypeAdded;
                    let change = Change::new(
                        kind,
                        direction,
                        label,
                        pointer,
                        format!("content type `{mt}` added"),
                        operation_effect(kind, method, mt),
                    );
                    self.changes.push(change);
                }
                Some(old) => {
                    if let (Some(s), Some(t)) = (old.get("schema"), new.get("schema")) {
                        let found = self.comparer.compare(s, t);
                        self.lift(found, label, &format!("{pointer}/schema"), site, direction);
                    }
                }
            }
        }
    }

    /// Turns schema changes into operation changes.
    fn lift(
        &mut self,
        found: Vec<SchemaChange>,
        label: &str,
        prefix: &str,
        site: Site<'_>,
        direction: Direction,
    ) {
        for c in found {
            let effect = schema_effect(
                c.kind,
                site,
                c.rust_type.as_deref(),
                &c.subject,
                (c.formats.0.as_deref(), c.formats.1.as_deref()),
            );
            let context = match direction {
                Direction::Request => "request",
                Direction::Response => "response",
            };
            let message = format!("{context}: {}", c.message);
            self.changes.push(
                Change::new(
                    c.kind,
                    direction,
                    label,
                    format!("{prefix}{}", c.pointer),
                    message,
                    effect,
                )
                .with_origin(c.origin),
            );
        }
    }
}

/// An empty mapping that lives as long as any document.
fn empty_map() -> &'static Map<String, Value> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    EMPTY.get_or_init(Map::new)
}
