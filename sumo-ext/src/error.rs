//! One error type for every call.

use bytes::Bytes;
use futures::StreamExt;
use reqwest::StatusCode;
use sumo_generated_client::regional::{ByteStream, types::ErrorResponse};

use crate::credentials::ConfigError;
use crate::deployment::DeploymentError;

/// How many bytes of an error body are kept in [`ApiError::body`].
pub const MAX_ERROR_BODY: usize = 4096;
/// How many bytes of an error body are read at most (to parse it).
const MAX_READ: usize = 64 * 1024;

/// Every failure of `sumo-ext`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Missing or conflicting configuration.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// An unusable deployment or endpoint.
    #[error(transparent)]
    Deployment(#[from] DeploymentError),
    /// The HTTP client could not be built (TLS backend, settings).
    #[error("cannot build the HTTP client: {0}")]
    HttpClient(#[source] reqwest::Error),
    /// Sumo Logic answered with an error status.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// The account lives on another deployment (301 `moved`).
    #[error("{operation}: the account is on another deployment ({location})")]
    Moved {
        operation: &'static str,
        location: String,
        /// The deployment at `location`, when it is one of the table.
        deployment: Option<crate::Deployment>,
    },
    /// The operation is not published by the client's deployment; nothing
    /// was sent.
    #[error("operation `{operation}` is not available on deployment {deployment}")]
    Unavailable {
        operation: &'static str,
        deployment: String,
    },
    /// The request could not be built from the arguments.
    #[error("{operation}: invalid request: {message}")]
    InvalidRequest {
        operation: &'static str,
        message: String,
    },
    /// The request could not be sent or its answer not read (connection,
    /// timeout, TLS), after the retries the policy allows.
    #[error("{operation}: request failed: {source}")]
    Transport {
        operation: &'static str,
        #[source]
        source: reqwest::Error,
    },
    /// An asynchronous job answered `Failed`.
    #[error("{operation}: job {job_id} failed: {message}")]
    JobFailed {
        operation: &'static str,
        job_id: String,
        /// Sumo's error, as the status answer gave it.
        message: String,
    },
    /// An asynchronous job was still running at the deadline.
    #[error("{operation}: job {job_id} still running after {waited:?} (the deadline)")]
    JobTimedOut {
        operation: &'static str,
        job_id: String,
        waited: std::time::Duration,
    },
    /// A search job ended without its results (cancelled by Sumo, or
    /// force-paused past what can be split).
    #[error("search job {id}: {message}")]
    SearchJob { id: String, message: String },
    /// A success status whose body is not what the spec says.
    #[error("{operation}: unexpected response body (status {status}): {message}")]
    InvalidResponse {
        operation: &'static str,
        status: u16,
        message: String,
        /// At most [`MAX_ERROR_BODY`] bytes of the body.
        body: Bytes,
    },
}

/// One cause of an error answer, from either of Sumo's body shapes (the
/// `errors` list of the current APIs, or the flat `code` and `message` of
/// the older ones).
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct ErrorDetail {
    /// `user:not_found`, `searchjob.unknown.timezone`, ...
    pub code: String,
    pub message: String,
    /// More about the cause, when Sumo gives it.
    pub detail: Option<String>,
    /// Values the cause names (`{"id": "..."}`).
    pub meta: serde_json::Map<String, serde_json::Value>,
}

/// An error answer of the Sumo Logic API.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{operation}: HTTP {status}{}{}", self.summary(), self.id.as_ref().map(|id| format!(" (error id {id})")).unwrap_or_default())]
#[non_exhaustive]
pub struct ApiError {
    /// The operation (progenitor's name, e.g. `get_user`).
    pub operation: &'static str,
    /// HTTP status.
    pub status: StatusCode,
    /// Sumo's error id, unique to the failed request (give it to support).
    pub id: Option<String>,
    /// The causes, from either body shape.
    pub details: Vec<ErrorDetail>,
    /// The `Retry-After` header, when present.
    pub retry_after: Option<String>,
    /// At most [`MAX_ERROR_BODY`] bytes of the raw body.
    pub body: Bytes,
    /// Whether `body` was cut.
    pub body_truncated: bool,
}

impl ApiError {
    /// The causes' codes, in order.
    pub fn codes(&self) -> Vec<&str> {
        self.details.iter().map(|d| d.code.as_str()).collect()
    }

    /// The causes' messages, in order.
    pub fn messages(&self) -> Vec<&str> {
        self.details.iter().map(|d| d.message.as_str()).collect()
    }

    fn summary(&self) -> String {
        let parts: Vec<String> = self
            .details
            .iter()
            .map(|d| match (d.code.is_empty(), d.message.is_empty()) {
                (false, false) => format!("{}: {}", d.code, d.message),
                (false, true) => d.code.clone(),
                (true, _) => d.message.clone(),
            })
            .filter(|p| !p.is_empty())
            .collect();
        if !parts.is_empty() {
            return format!(": {}", parts.join("; "));
        }
        if self.body.is_empty() {
            return String::new();
        }
        let text = String::from_utf8_lossy(&self.body[..self.body.len().min(200)])
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        format!(": {text}")
    }

    /// Builds the error from a status and (possibly partial) body bytes.
    pub fn from_parts(
        operation: &'static str,
        status: StatusCode,
        retry_after: Option<String>,
        body: &[u8],
        body_truncated: bool,
    ) -> Self {
        let (mut details, mut id) = (Vec::new(), None);
        if let Ok(parsed) = serde_json::from_slice::<ErrorResponse>(body) {
            id = parsed.id;
            details.extend(parsed.errors.into_iter().map(|e| ErrorDetail {
                code: e.code,
                message: e.message,
                detail: e.detail,
                meta: e.meta,
            }));
            if parsed.code.is_some() || parsed.message.is_some() {
                details.push(ErrorDetail {
                    code: parsed.code.unwrap_or_default(),
                    message: parsed.message.unwrap_or_default(),
                    ..ErrorDetail::default()
                });
            }
        }
        let kept = body.len().min(MAX_ERROR_BODY);
        ApiError {
            operation,
            status,
            id,
            details,
            retry_after,
            body: Bytes::copy_from_slice(&body[..kept]),
            body_truncated: body_truncated || kept < body.len(),
        }
    }

    /// Whether any error code equals `code`.
    pub fn has_code(&self, code: &str) -> bool {
        self.details.iter().any(|d| d.code == code)
    }
}

impl Error {
    /// The HTTP status of an API error.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Moved { .. } => Some(StatusCode::MOVED_PERMANENTLY),
            _ => None,
        }
    }

    /// The API error, if this is one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// Converts an error of the generated client.
    pub async fn from_generated(
        operation: &'static str,
        error: sumo_generated_client::regional::Error<ByteStream>,
    ) -> Self {
        use sumo_generated_client::regional::Error as G;
        match error {
            G::ErrorResponse(response) => {
                let status = response.status();
                let retry_after = header(response.headers(), reqwest::header::RETRY_AFTER);
                let (body, truncated) = read_bounded(response.into_inner_stream()).await;
                Error::Api(Box::new(ApiError::from_parts(
                    operation,
                    status,
                    retry_after,
                    &body,
                    truncated,
                )))
            }
            G::UnexpectedResponse(response) => Self::from_response(operation, response).await,
            G::InvalidRequest(message) => Error::InvalidRequest { operation, message },
            G::Custom(message) => match crate::availability::parse_refusal(&message) {
                // The refusal names the operation this call sent.
                Some((_, deployment)) => Error::Unavailable {
                    operation,
                    deployment,
                },
                None => Error::InvalidRequest { operation, message },
            },
            G::CommunicationError(source)
            | G::InvalidUpgrade(source)
            | G::ResponseBodyError(source) => Error::Transport { operation, source },
            G::InvalidResponsePayload(body, e) => Error::InvalidResponse {
                operation,
                status: 200,
                message: e.to_string(),
                body: body.slice(..body.len().min(MAX_ERROR_BODY)),
            },
        }
    }

    /// Converts a raw response that is not a success (`301` → [`Error::Moved`]).
    pub async fn from_response(operation: &'static str, response: reqwest::Response) -> Self {
        let status = response.status();
        if status.is_redirection() {
            let location =
                header(response.headers(), reqwest::header::LOCATION).unwrap_or_default();
            return Error::Moved {
                operation,
                deployment: crate::Deployment::from_location(&location),
                location,
            };
        }
        let retry_after = header(response.headers(), reqwest::header::RETRY_AFTER);
        let stream = response.bytes_stream().boxed();
        let (body, truncated) = read_bounded(stream).await;
        Error::Api(Box::new(ApiError::from_parts(
            operation,
            status,
            retry_after,
            &body,
            truncated,
        )))
    }
}

fn header(
    headers: &reqwest::header::HeaderMap,
    name: reqwest::header::HeaderName,
) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// Reads at most [`MAX_READ`] bytes of a body; errors end the read.
async fn read_bounded<S>(stream: S) -> (Vec<u8>, bool)
where
    S: futures::Stream<Item = reqwest::Result<Bytes>> + Unpin,
{
    let mut stream = stream;
    let mut body = Vec::new();
    while let Some(Ok(chunk)) = stream.next().await {
        let room = MAX_READ - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            return (body, true);
        }
        body.extend_from_slice(&chunk);
    }
    (body, false)
}

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_body_shapes() {
        let current = br#"{"id":"IUUQI-DGH5I-TJ045","errors":[{"code":"user:not_found","message":"User not found."}]}"#;
        let e = ApiError::from_parts("get_user", StatusCode::NOT_FOUND, None, current, false);
        assert_eq!(e.id.as_deref(), Some("IUUQI-DGH5I-TJ045"));
        assert_eq!(e.codes(), ["user:not_found"]);
        assert_eq!(e.messages(), ["User not found."]);
        assert_eq!(
            e.to_string(),
            "get_user: HTTP 404 Not Found: user:not_found: User not found. (error id IUUQI-DGH5I-TJ045)"
        );

        let legacy = br#"{"status":500,"id":"Q2ZFU","code":"internal.error","message":"Internal server error."}"#;
        let e = ApiError::from_parts(
            "list_users",
            StatusCode::INTERNAL_SERVER_ERROR,
            None,
            legacy,
            false,
        );
        assert_eq!(e.codes(), ["internal.error"]);
        assert_eq!(e.messages(), ["Internal server error."]);
        assert_eq!(e.id.as_deref(), Some("Q2ZFU"));

        let html = b"<html><body>502 Bad Gateway</body></html>";
        let e = ApiError::from_parts("list_users", StatusCode::BAD_GATEWAY, None, html, false);
        assert!(e.codes().is_empty());
        assert!(e.to_string().contains("502 Bad Gateway</body>"), "{e}");
    }

    #[test]
    fn each_cause_keeps_its_detail_and_meta() {
        let body = br#"{"id":"X1","errors":[{"code":"a:b","message":"First.","detail":"More.","meta":{"id":"7"}},{"code":"c:d","message":"Second."}]}"#;
        let e = ApiError::from_parts("op", StatusCode::BAD_REQUEST, None, body, false);
        assert_eq!(e.details.len(), 2);
        assert_eq!(e.details[0].detail.as_deref(), Some("More."));
        assert_eq!(e.details[0].meta["id"], "7");
        assert_eq!(e.codes(), ["a:b", "c:d"]);
        assert_eq!(e.messages(), ["First.", "Second."]);
        assert!(e.to_string().contains("a:b: First.; c:d: Second."), "{e}");
    }

    #[test]
    fn body_is_bounded() {
        let big = vec![b'x'; MAX_ERROR_BODY * 3];
        let e = ApiError::from_parts("op", StatusCode::BAD_REQUEST, None, &big, false);
        assert_eq!(e.body.len(), MAX_ERROR_BODY);
        assert!(e.body_truncated);
        assert!(e.to_string().len() < 400);
    }
}
