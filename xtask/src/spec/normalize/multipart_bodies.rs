//! `multipart/form-data` request bodies become raw bytes.
//!
//! progenitor cannot express multipart bodies and rejects the whole spec. The
//! operation still gets a generated method that sends an
//! `application/octet-stream` body; the original content type and schema are
//! kept under `x-sumo-multipart` so that hand-written code (sumo-ext) can build
//! the real multipart request and so that readers of the normalized spec can
//! see what happened.

use serde_json::{Value, json};

use super::walk::for_each_operation_mut;
use super::{Pass, PassReport};

pub struct MultipartBodies;

const MULTIPART: &str = "multipart/form-data";

impl Pass for MultipartBodies {
    fn name(&self) -> &'static str {
        "multipart-bodies"
    }

    fn summary(&self) -> &'static str {
        "multipart/form-data request bodies are generated as raw bytes"
    }

    fn run(&self, document: &mut Value) -> anyhow::Result<PassReport> {
        let mut report = PassReport::default();
        for_each_operation_mut(document, |path, method, operation| {
            let Some(content) = operation
                .get_mut("requestBody")
                .and_then(|body| body.get_mut("content"))
                .and_then(Value::as_object_mut)
            else {
                return;
            };
            let Some(original) = content.remove(MULTIPART) else {
                return;
            };
            content.clear();
            content.insert(
                "application/octet-stream".into(),
                json!({"schema": {"type": "string", "format": "binary"}}),
            );
            let id = operation
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_string();
            operation.insert(
                "x-sumo-multipart".into(),
                json!({"contentType": MULTIPART, "mediaType": original}),
            );
            report.changes += 1;
            report.notes.push(format!(
                "{id} ({} {path}) sends raw bytes; sumo-ext builds the multipart body",
                method.to_uppercase()
            ));
        });
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_body_becomes_octet_stream_and_keeps_the_original() {
        let form = json!({"schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}});
        let mut doc = json!({"paths": {
            "/upload": {"post": {"operationId": "uploadFile", "requestBody": {"required": true, "content": {"multipart/form-data": form}}}},
            "/json": {"post": {"operationId": "createThing", "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}}}}
        }});
        let report = MultipartBodies.run(&mut doc).unwrap();
        assert_eq!(report.changes, 1);
        assert!(report.notes[0].contains("uploadFile"));
        let upload = &doc["paths"]["/upload"]["post"];
        assert_eq!(
            upload["requestBody"]["content"],
            json!({"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}})
        );
        assert_eq!(upload["requestBody"]["required"], true);
        assert_eq!(upload["x-sumo-multipart"]["mediaType"], form);
        // JSON bodies are untouched.
        assert!(
            doc["paths"]["/json"]["post"]["requestBody"]["content"]["application/json"].is_object()
        );
        assert!(
            doc["paths"]["/json"]["post"]
                .get("x-sumo-multipart")
                .is_none()
        );
    }
}
