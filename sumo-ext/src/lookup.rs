//! Lookup table upload as a real `multipart/form-data` request (the one
//! operation the generator sends as raw bytes).

use bytes::Bytes;
use sumo_generated_client::regional::types::LookupRequestToken;

use crate::{Error, SumoClient};

/// Options of [`SumoClient::upload_lookup_csv`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UploadOptions {
    /// Merge into the existing rows (`true`) or replace them.
    pub merge: Option<bool>,
    /// Encoding of the file (`UTF-8` when absent).
    pub file_encoding: Option<String>,
}

const OPERATION: &str = "upload_file";

impl SumoClient {
    /// Uploads a CSV file to the lookup table `table_id`
    /// (`POST /v1/lookupTables/{id}/upload`, part `file`). Returns the token
    /// of the import job. The body is kept in memory, so a 429 is retried.
    pub async fn upload_lookup_csv(
        &self,
        table_id: &str,
        file_name: &str,
        csv: impl Into<Bytes>,
        options: UploadOptions,
    ) -> Result<LookupRequestToken, Error> {
        use sumo_generated_client::Transport as _;
        self.transport.check(OPERATION).map_err(
            |message| match crate::availability::parse_refusal(&message) {
                Some((_, deployment)) => Error::Unavailable {
                    operation: OPERATION,
                    deployment,
                },
                None => Error::InvalidRequest {
                    operation: OPERATION,
                    message,
                },
            },
        )?;
        let invalid = |message: String| Error::InvalidRequest {
            operation: OPERATION,
            message,
        };
        let mut url = url::Url::parse(self.deployment().api_url())
            .map_err(|e| invalid(format!("base URL: {e}")))?;
        url.path_segments_mut()
            .map_err(|()| invalid("the base URL cannot take a path".into()))?
            .pop_if_empty()
            .extend(["v1", "lookupTables", table_id, "upload"]);
        let boundary = format!(
            "sumo-ext-{:016x}{:016x}",
            fastrand::u64(..),
            fastrand::u64(..)
        );
        let body = multipart_body(&boundary, file_name, &csv.into());
        let mut request = self
            .http
            .post(url)
            .header(reqwest::header::ACCEPT, "application/json")
            .header(
                reqwest::header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body);
        if let Some(merge) = options.merge {
            request = request.query(&[("merge", merge)]);
        }
        if let Some(encoding) = &options.file_encoding {
            request = request.query(&[("fileEncoding", encoding)]);
        }
        let request = request.build().map_err(|e| invalid(e.to_string()))?;
        let response = self
            .transport
            .send(&self.http, request, OPERATION)
            .await
            .map_err(|source| Error::Transport {
                operation: OPERATION,
                source,
            })?;
        if !response.status().is_success() {
            return Err(Error::from_response(OPERATION, response).await);
        }
        let status = response.status().as_u16();
        let bytes = response.bytes().await.map_err(|source| Error::Transport {
            operation: OPERATION,
            source,
        })?;
        serde_json::from_slice(&bytes).map_err(|e| Error::InvalidResponse {
            operation: OPERATION,
            status,
            message: e.to_string(),
            body: bytes.slice(..bytes.len().min(crate::error::MAX_ERROR_BODY)),
        })
    }
}

/// One `file` part, as RFC 7578 writes it.
fn multipart_body(boundary: &str, file_name: &str, csv: &Bytes) -> Bytes {
    let safe_name: String = file_name
        .chars()
        .map(|c| {
            if c == '"' || c == '\\' || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let mut body = Vec::with_capacity(csv.len() + 256);
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{safe_name}\"\r\nContent-Type: text/csv\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(csv);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Bytes::from(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_layout() {
        let body = multipart_body("B", "a\"b.csv", &Bytes::from_static(b"h1,h2\n1,2\n"));
        assert_eq!(
            std::str::from_utf8(&body).unwrap(),
            "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a_b.csv\"\r\nContent-Type: text/csv\r\n\r\nh1,h2\n1,2\n\r\n--B--\r\n"
        );
    }
}
