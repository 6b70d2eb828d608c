//! The rules: every kind of change, its id and its severity, in one table.
//! docs/diff.md mirrors this table; a test keeps them in step.

use serde::{Serialize, Serializer};

/// How much a change matters to existing callers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Breaking,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Breaking => "breaking",
        }
    }
}

impl Serialize for Severity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Whether a schema is sent by the client (request) or received (response).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Request,
    Response,
}

macro_rules! rules {
    ($($variant:ident => $id:literal, $request:ident, $response:ident, $doc:literal;)*) => {
        /// A kind of change. Severity may differ between request and response.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Kind { $($variant,)* }

        impl Kind {
            /// Every kind, in table order.
            pub const ALL: &'static [Kind] = &[$(Kind::$variant,)*];

            /// The stable id (kebab-case) used in output and in ignore files.
            pub fn id(self) -> &'static str {
                match self { $(Kind::$variant => $id,)* }
            }

            /// Severity of the change for a schema on the given side.
            pub fn severity(self, direction: Direction) -> Severity {
                match (self, direction) {
                    $((Kind::$variant, Direction::Request) => Severity::$request,
                      (Kind::$variant, Direction::Response) => Severity::$response,)*
                }
            }

            /// One-line description for docs and help.
            pub fn describe(self) -> &'static str {
                match self { $(Kind::$variant => $doc,)* }
            }
        }
    };
}

// Operation-level kinds have the same severity on both sides.
rules! {
    OperationAdded => "operation-added", Info, Info, "an operation (method + path) appeared";
    OperationRemoved => "operation-removed", Breaking, Breaking, "an operation disappeared";
    OperationIdChanged => "operation-id-changed", Warning, Warning, "the operationId changed (the Rust method is renamed)";
    OperationDeprecated => "operation-deprecated", Warning, Warning, "the operation became deprecated";
    PathParameterRenamed => "path-parameter-renamed", Info, Info, "a path parameter got a new name (same position)";
    TagAdded => "tag-added", Info, Info, "the operation gained a tag";
    TagRemoved => "tag-removed", Info, Info, "the operation lost a tag";
    SecurityChanged => "security-changed", Warning, Warning, "the effective security requirements changed";
    ServerAdded => "server-added", Info, Info, "a server URL appeared";
    ServerRemoved => "server-removed", Warning, Warning, "a server URL disappeared";
    ParameterAddedRequired => "parameter-added-required", Breaking, Breaking, "a new required parameter";
    ParameterAddedOptional => "parameter-added-optional", Info, Info, "a new optional parameter";
    ParameterRemoved => "parameter-removed", Warning, Warning, "a parameter disappeared";
    ParameterBecameRequired => "parameter-became-required", Breaking, Breaking, "an optional parameter became required";
    ParameterBecameOptional => "parameter-became-optional", Info, Info, "a required parameter became optional";
    RequestBodyAddedRequired => "request-body-added-required", Breaking, Breaking, "a required request body appeared";
    RequestBodyAddedOptional => "request-body-added-optional", Info, Info, "an optional request body appeared";
    RequestBodyRemoved => "request-body-removed", Warning, Warning, "the request body disappeared";
    RequestBodyBecameRequired => "request-body-became-required", Breaking, Breaking, "the request body became required";
    RequestBodyBecameOptional => "request-body-became-optional", Info, Info, "the request body became optional";
    MediaTypeAdded => "media-type-added", Info, Info, "a content type appeared in a body";
    MediaTypeRemoved => "media-type-removed", Breaking, Warning, "a content type disappeared from a body";
    ResponseAdded => "response-added", Info, Info, "a response status appeared";
    SuccessResponseRemoved => "success-response-removed", Breaking, Breaking, "a success (2xx) status disappeared";
    ErrorResponseRemoved => "error-response-removed", Info, Info, "a non-success status disappeared";
    PropertyAddedRequired => "property-added-required", Breaking, Info, "a required property appeared";
    PropertyAddedOptional => "property-added-optional", Info, Info, "an optional property appeared";
    PropertyRemoved => "property-removed", Warning, Breaking, "a property disappeared";
    PropertyBecameRequired => "property-became-required", Breaking, Info, "an optional property became required";
    PropertyBecameOptional => "property-became-optional", Info, Breaking, "a required property became optional";
    TypeChanged => "type-changed", Breaking, Breaking, "the JSON type changed";
    FormatChanged => "format-changed", Warning, Warning, "the format changed";
    BecameNullable => "became-nullable", Info, Breaking, "null became allowed";
    BecameNotNullable => "became-not-nullable", Breaking, Info, "null is no longer allowed";
    EnumValueAdded => "enum-value-added", Info, Breaking, "an enum value (or pattern alternative) appeared";
    EnumValueRemoved => "enum-value-removed", Breaking, Info, "an enum value (or pattern alternative) disappeared";
    EnumIntroduced => "enum-introduced", Breaking, Warning, "a free value became an enum";
    EnumDropped => "enum-dropped", Info, Breaking, "an enum became a free value";
    PatternChanged => "pattern-changed", Warning, Info, "a (non-enum) pattern changed";
    ConstraintTightened => "constraint-tightened", Breaking, Info, "a bound or constraint became stricter";
    ConstraintLoosened => "constraint-loosened", Info, Warning, "a bound or constraint became looser";
    DefaultChanged => "default-changed", Warning, Warning, "a default value changed";
    AdditionalPropertiesChanged => "additional-properties-changed", Warning, Warning, "additionalProperties changed";
    SubtypeAdded => "subtype-added", Info, Warning, "a discriminator subtype appeared";
    SubtypeRemoved => "subtype-removed", Breaking, Info, "a discriminator subtype disappeared";
    VariantAdded => "variant-added", Info, Warning, "a oneOf/anyOf member appeared";
    VariantRemoved => "variant-removed", Breaking, Info, "a oneOf/anyOf member disappeared";
}

impl Kind {
    /// Severity for callers of our generated client, which absorbs some
    /// response changes the strict table counts: a new enum value parses
    /// into the enum's `Unknown(String)`, a new discriminator subtype into
    /// the base's `<Base>Other` variant, and value constraints (patterns,
    /// bounds) are not enforced when reading. Requests are not absorbed:
    /// the server judges them.
    pub fn severity_for_generated_client(self, direction: Direction) -> Severity {
        match (self, direction) {
            (
                Kind::EnumValueAdded
                | Kind::SubtypeAdded
                | Kind::PatternChanged
                | Kind::ConstraintLoosened,
                Direction::Response,
            ) => Severity::Info,
            _ => self.severity(direction),
        }
    }
}

impl Serialize for Kind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case() {
        let mut ids: Vec<&str> = Kind::ALL.iter().map(|k| k.id()).collect();
        assert!(
            ids.iter()
                .all(|id| id.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        );
        ids.sort();
        let before = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), before);
    }

    #[test]
    fn issue_rules_have_the_required_severity() {
        use Direction::*;
        assert_eq!(Kind::OperationRemoved.severity(Request), Severity::Breaking);
        assert_eq!(
            Kind::ParameterAddedRequired.severity(Request),
            Severity::Breaking
        );
        assert_eq!(
            Kind::PropertyAddedRequired.severity(Request),
            Severity::Breaking
        );
        assert_eq!(Kind::TypeChanged.severity(Response), Severity::Breaking);
        assert_eq!(Kind::PropertyRemoved.severity(Response), Severity::Breaking);
        assert_eq!(
            Kind::PropertyBecameOptional.severity(Response),
            Severity::Breaking
        );
        assert_eq!(Kind::EnumValueRemoved.severity(Request), Severity::Breaking);
        assert_eq!(Kind::EnumValueAdded.severity(Response), Severity::Breaking);
        assert_eq!(Kind::EnumValueAdded.severity(Request), Severity::Info);
        assert_eq!(
            Kind::SuccessResponseRemoved.severity(Response),
            Severity::Breaking
        );
        assert_eq!(
            Kind::ConstraintTightened.severity(Request),
            Severity::Breaking
        );
        assert_eq!(Kind::ConstraintTightened.severity(Response), Severity::Info);
    }

    #[test]
    fn the_generated_client_absorbs_new_response_values_and_subtypes() {
        use Direction::*;
        for kind in [Kind::EnumValueAdded, Kind::SubtypeAdded] {
            assert!(kind.severity(Response) > Severity::Info);
            assert_eq!(kind.severity_for_generated_client(Response), Severity::Info);
        }
        // Requests are judged by the server: nothing is absorbed there.
        for kind in Kind::ALL {
            assert_eq!(
                kind.severity_for_generated_client(Request),
                kind.severity(Request)
            );
        }
        assert_eq!(
            Kind::EnumValueRemoved.severity_for_generated_client(Request),
            Severity::Breaking
        );
        assert_eq!(
            Kind::TypeChanged.severity_for_generated_client(Response),
            Severity::Breaking
        );
    }

    #[test]
    fn docs_list_every_rule() {
        let doc = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/diff.md"),
        )
        .expect("docs/diff.md exists");
        for kind in Kind::ALL {
            assert!(
                doc.contains(&format!("`{}`", kind.id())),
                "{} undocumented",
                kind.id()
            );
        }
    }
}
