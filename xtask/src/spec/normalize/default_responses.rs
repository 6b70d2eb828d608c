//! `default` responses become explicit `4XX` and `5XX` error responses.
//!
//! Sumo declares `default: ErrorResponse` beside every 2xx. progenitor counts
//! `default` as a success type as well as an error type, so an operation whose
//! 2xx body differs from the error body has two success types and progenitor
//! panics. Sumo only ever uses `default` for errors.

use serde_json::Value;

use super::walk::for_each_operation_mut;
use super::{Pass, PassReport};

pub struct DefaultResponses;

impl Pass for DefaultResponses {
    fn name(&self) -> &'static str {
        "default-responses"
    }

    fn summary(&self) -> &'static str {
        "`default` responses become `4XX` and `5XX` error responses"
    }

    fn run(&self, document: &mut Value) -> anyhow::Result<PassReport> {
        let mut report = PassReport::default();
        for_each_operation_mut(document, |_, _, operation| {
            let Some(Value::Object(responses)) = operation.get_mut("responses") else {
                return;
            };
            let Some(default) = responses.remove("default") else {
                return;
            };
            for range in ["4XX", "5XX"] {
                responses
                    .entry(range.to_string())
                    .or_insert_with(|| default.clone());
            }
            report.changes += 1;
        });
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn default_becomes_both_error_ranges() {
        let err = json!({"$ref": "#/components/responses/Error"});
        let mut doc = json!({"paths": {"/a": {
            "get": {"responses": {"200": {"description": "ok"}, "default": err}},
            "post": {"responses": {"200": {"description": "ok"}, "4XX": {"description": "own"}, "default": err}},
            "put": {"responses": {"204": {"description": "none"}}}
        }}});
        let report = DefaultResponses.run(&mut doc).unwrap();
        assert_eq!(report.changes, 2);
        let get = &doc["paths"]["/a"]["get"]["responses"];
        assert_eq!(get["4XX"], err);
        assert_eq!(get["5XX"], err);
        assert!(get.get("default").is_none());
        // An explicit range the spec already has wins over `default`.
        let post = &doc["paths"]["/a"]["post"]["responses"];
        assert_eq!(post["4XX"], json!({"description": "own"}));
        assert_eq!(post["5XX"], err);
        // Operations without `default` are untouched.
        assert_eq!(
            doc["paths"]["/a"]["put"]["responses"],
            json!({"204": {"description": "none"}})
        );
    }
}
