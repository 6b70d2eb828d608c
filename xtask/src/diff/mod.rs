//! `cargo xtask diff`: what changed between two OpenAPI 3.0 documents, with a
//! severity per change (rules in `rules.rs`, documented in docs/diff.md) and
//! its effect on the generated Rust API.

pub mod discriminator;
pub mod enums;
pub mod flatten;
pub mod ignore;
pub mod input;
pub mod operations;
pub mod parameters;
pub mod refs;
pub mod render;
pub mod rules;
pub mod rust_effect;
pub mod schemas;
pub mod semver;

use serde::Serialize;
use serde_json::Value;

pub use rules::{Direction, Kind, Severity};
pub use rust_effect::RustEffect;

/// One change between the two documents.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Change {
    /// Stable identifier: `<kind>:<METHOD> <path><pointer>`; the ignore file names it.
    pub id: String,
    pub kind: Kind,
    /// For callers of the generated client (see [`Diff::strict`]).
    pub severity: Severity,
    /// Whether the schema is sent or received (`Request` for
    /// operation-level changes).
    #[serde(skip)]
    pub direction: Direction,
    /// `METHOD /path` (the new path when the operation exists in both), or
    /// `*` for document-wide changes.
    pub operation: String,
    /// JSON pointer inside the operation, through resolved `$ref`s.
    pub pointer: String,
    pub message: String,
    /// Where the change sits in the document: the component schema holding
    /// it and the pointer inside it, or the operation and pointer for a
    /// change of the operation itself or of an inline schema. The same
    /// change reached through several operations has one origin.
    pub origin: String,
    pub rust: RustEffect,
    /// Set when the ignore file names this change.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub ignored: bool,
}

impl Change {
    /// A change with the generated client's severity of `kind` on the
    /// `direction` side.
    pub fn new(
        kind: Kind,
        direction: Direction,
        operation: &str,
        pointer: String,
        message: String,
        rust: RustEffect,
    ) -> Change {
        Change {
            id: format!("{}:{operation}{pointer}", kind.id()),
            kind,
            severity: kind.severity_for_generated_client(direction),
            direction,
            operation: operation.to_string(),
            origin: format!("{operation}{pointer}"),
            pointer,
            message,
            rust,
            ignored: false,
        }
    }

    /// The change with `origin` as its origin, when it has one.
    pub fn with_origin(mut self, origin: Option<String>) -> Change {
        if let Some(origin) = origin {
            self.origin = origin;
        }
        self
    }
}

/// Operations added, removed and modified, as `METHOD /path`.
#[derive(Debug, Default, Clone, Serialize, PartialEq)]
pub struct OperationSummary {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub modified: Vec<String>,
}

/// The result of comparing two documents.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    pub operations: OperationSummary,
    pub changes: Vec<Change>,
}

/// Compares two OpenAPI documents. Never panics, whatever their shape.
/// Severities are those for callers of the generated client: what it
/// absorbs (a response enum value into `Unknown`, a subtype into the
/// fallback variant) is not breaking; [`Diff::strict`] gives the view of a
/// client without those fallbacks.
pub fn diff(old: &Value, new: &Value) -> Diff {
    operations::compare_documents(old, new)
}

impl Diff {
    /// The severities of the rules table itself, for users of other
    /// generators (`cargo xtask diff --strict`).
    pub fn strict(mut self) -> Diff {
        for change in &mut self.changes {
            change.severity = change.kind.severity(change.direction);
        }
        self
    }
}

/// Escapes one JSON-pointer token (RFC 6901).
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
pub(crate) mod testutil {
    use serde_json::Value;

    /// A minimal document with `paths` and `components.schemas` from YAML.
    pub fn doc(yaml: &str) -> Value {
        crate::spec::load::parse_document(yaml.as_bytes()).expect("fixture parses")
    }
}

#[cfg(test)]
mod tests;
