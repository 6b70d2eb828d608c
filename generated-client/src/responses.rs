//! The response constructors of the generated `send()` methods: as
//! `progenitor_client::ResponseValue::{from_response, stream, empty}`, but
//! they move the response's headers into the `ResponseValue` instead of
//! copying them (the generator's `send_path` pass calls these).

use progenitor_client::{ByteStream, Error, ResponseValue};

/// A JSON body parsed into `T`.
pub async fn json<T: serde::de::DeserializeOwned, E>(
    mut response: reqwest::Response,
) -> Result<ResponseValue<T>, Error<E>> {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let full = response.bytes().await.map_err(Error::ResponseBodyError)?;
    let inner =
        serde_json::from_slice(&full).map_err(|e| Error::InvalidResponsePayload(full, e))?;
    Ok(ResponseValue::new(inner, status, headers))
}

/// The body as a stream of bytes.
pub fn stream(mut response: reqwest::Response) -> ResponseValue<ByteStream> {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let inner = ByteStream::new(Box::pin(response.bytes_stream()));
    ResponseValue::new(inner, status, headers)
}

/// No body.
pub fn empty(mut response: reqwest::Response) -> ResponseValue<()> {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    ResponseValue::new((), status, headers)
}
