//! What a change does to the generated Rust API (progenitor builder
//! interface, typify types): a method, builder argument, field or variant
//! added, removed or retyped, and the semver bump that implies.

use serde::Serialize;

use super::rules::Kind;
use super::semver::Bump;
use crate::naming::{pascal, snake};

/// The effect of one change on the generated crate.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RustEffect {
    /// `method-added`, `field-removed`, `variant-added`, `retyped`, `none`, …
    pub effect: &'static str,
    /// The Rust item, as progenitor/typify name it (e.g. `Client::get_user`,
    /// `AppListItem::children`); empty when `effect` is `none`.
    pub item: String,
    pub bump: Bump,
}

impl RustEffect {
    pub fn none() -> RustEffect {
        RustEffect {
            effect: "none",
            item: String::new(),
            bump: Bump::None,
        }
    }

    fn of(effect: &'static str, item: String, bump: Bump) -> RustEffect {
        RustEffect { effect, item, bump }
    }
}

/// Where a schema sits in an operation.
#[derive(Debug, Clone, Copy)]
pub enum Site<'a> {
    Parameter { method: &'a str, name: &'a str },
    Body { method: &'a str },
    Response { method: &'a str },
}

/// Effect of an operation-level change. `method` is the Rust method name;
/// `subject` the parameter, media type or status concerned.
pub fn operation_effect(kind: Kind, method: &str, subject: &str) -> RustEffect {
    let builder = |arg: &str| format!("Client::{method}().{}()", snake(arg));
    let is_json = subject.contains("json");
    let is_success = subject.starts_with('2');
    match kind {
        Kind::OperationAdded => {
            RustEffect::of("method-added", format!("Client::{method}"), Bump::Minor)
        }
        Kind::OperationRemoved => {
            RustEffect::of("method-removed", format!("Client::{method}"), Bump::Major)
        }
        Kind::OperationIdChanged => RustEffect::of(
            "method-renamed",
            format!("Client::{} -> Client::{method}", snake(subject)),
            Bump::Major,
        ),
        Kind::PathParameterRenamed => {
            RustEffect::of("builder-argument-renamed", builder(subject), Bump::Major)
        }
        // A required argument left unset fails at `send()`: existing calls break.
        Kind::ParameterAddedRequired | Kind::RequestBodyAddedRequired => {
            RustEffect::of("builder-argument-added", builder(subject), Bump::Major)
        }
        Kind::ParameterAddedOptional | Kind::RequestBodyAddedOptional => {
            RustEffect::of("builder-argument-added", builder(subject), Bump::Minor)
        }
        Kind::ParameterRemoved | Kind::RequestBodyRemoved => {
            RustEffect::of("builder-argument-removed", builder(subject), Bump::Major)
        }
        Kind::ParameterBecameRequired | Kind::RequestBodyBecameRequired => {
            RustEffect::of("builder-argument-required", builder(subject), Bump::Major)
        }
        Kind::MediaTypeAdded | Kind::MediaTypeRemoved if is_json => {
            RustEffect::of("retyped", format!("Client::{method}"), Bump::Major)
        }
        Kind::ResponseAdded | Kind::SuccessResponseRemoved if is_success => {
            RustEffect::of("response-retyped", format!("Client::{method}"), Bump::Major)
        }
        _ => RustEffect::none(),
    }
}

/// Effect of a change inside a schema. `rust_type` is the typify name of the
/// schema that changed (when known); `subject` the property, value or tag.
pub fn schema_effect(
    kind: Kind,
    site: Site<'_>,
    rust_type: Option<&str>,
    subject: &str,
    formats: (Option<&str>, Option<&str>),
) -> RustEffect {
    let owner = match (rust_type, site) {
        (Some(name), _) => name.to_string(),
        (None, Site::Parameter { method, name }) => format!("Client::{method}().{}()", snake(name)),
        (None, Site::Body { method }) => format!("body of Client::{method}"),
        (None, Site::Response { method }) => format!("response of Client::{method}"),
    };
    let field = format!("{owner}::{}", snake(subject));
    let variant = format!("{owner}::{}", pascal(subject));
    match kind {
        Kind::PropertyAddedRequired | Kind::PropertyAddedOptional => {
            // Every generated struct is `#[non_exhaustive]`: no caller has a
            // struct literal to break, so a new field (and its builder
            // setter) is minor. A new required field of a request body
            // still fails at `try_into()` or `send()`: the severity says so.
            RustEffect::of("field-added", field, Bump::Minor)
        }
        Kind::PropertyRemoved => RustEffect::of("field-removed", field, Bump::Major),
        Kind::PropertyBecameRequired | Kind::PropertyBecameOptional => {
            RustEffect::of("field-retyped", field, Bump::Major)
        }
        Kind::FormatChanged if !typed_format(formats.0) && !typed_format(formats.1) => {
            RustEffect::none()
        }
        Kind::TypeChanged
        | Kind::FormatChanged
        | Kind::BecameNullable
        | Kind::BecameNotNullable
        | Kind::EnumIntroduced
        | Kind::EnumDropped
        | Kind::AdditionalPropertiesChanged => RustEffect::of("retyped", owner, Bump::Major),
        // Every generated enum is `#[non_exhaustive]`: no caller has an
        // exhaustive match to break.
        Kind::EnumValueAdded | Kind::SubtypeAdded | Kind::VariantAdded => {
            RustEffect::of("variant-added", variant, Bump::Minor)
        }
        Kind::EnumValueRemoved | Kind::SubtypeRemoved | Kind::VariantRemoved => {
            RustEffect::of("variant-removed", variant, Bump::Major)
        }
        // Value constraints are not generated (the value-constraints pass):
        // the Rust API does not change.
        Kind::PatternChanged | Kind::ConstraintTightened | Kind::ConstraintLoosened => {
            RustEffect::none()
        }
        Kind::DefaultChanged => RustEffect::of("default-changed", owner, Bump::Patch),
        _ => RustEffect::none(),
    }
}

/// Formats typify maps to a distinct Rust type.
fn typed_format(format: Option<&str>) -> bool {
    matches!(
        format,
        Some(
            "date-time"
                | "date"
                | "uuid"
                | "int32"
                | "int64"
                | "float"
                | "double"
                | "ip"
                | "ipv4"
                | "ipv6"
        )
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn effects_and_bumps() {
        let e = operation_effect(Kind::OperationAdded, "list_apps", "");
        assert_eq!(
            (e.effect, e.item.as_str(), e.bump),
            ("method-added", "Client::list_apps", Bump::Minor)
        );
        let e = operation_effect(Kind::ParameterAddedOptional, "list_apps", "pageSize");
        assert_eq!(e.item, "Client::list_apps().page_size()");
        let site = Site::Response {
            method: "list_apps",
        };
        let e = schema_effect(
            Kind::PropertyRemoved,
            site,
            Some("AppListItem"),
            "screenshotUrl",
            (None, None),
        );
        assert_eq!(
            (e.effect, e.item.as_str()),
            ("field-removed", "AppListItem::screenshot_url")
        );
        let e = schema_effect(
            Kind::EnumValueAdded,
            site,
            Some("AppListItemItemType"),
            "Folder",
            (None, None),
        );
        assert_eq!(e.item, "AppListItemItemType::Folder");
        // `#[non_exhaustive]` types: new fields and variants are minor.
        assert_eq!(e.bump, Bump::Minor);
        let e = schema_effect(
            Kind::PropertyAddedOptional,
            site,
            Some("UserModel"),
            "nickName",
            (None, None),
        );
        assert_eq!((e.effect, e.bump), ("field-added", Bump::Minor));
        // Constraints are not generated: nothing changes in Rust.
        let e = schema_effect(
            Kind::ConstraintTightened,
            site,
            Some("UserModel"),
            "",
            (None, None),
        );
        assert_eq!(e, RustEffect::none());
        let e = schema_effect(Kind::FormatChanged, site, None, "", (Some("email"), None));
        assert_eq!(e, RustEffect::none());
        let e = schema_effect(
            Kind::FormatChanged,
            site,
            None,
            "",
            (None, Some("date-time")),
        );
        assert_eq!(e.bump, Bump::Major);
    }
}
