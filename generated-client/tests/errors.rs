//! Error responses reach the caller with their HTTP status and whole body,
//! whatever the body's shape, through a real HTTP exchange with a loopback
//! server started by the test.

// The types and operations of every area.
#![cfg(feature = "full")]

use std::collections::HashMap;
use std::sync::Arc;

use sumo_generated_client::regional::{Client, Error, types};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A canned response: status line, content type, body.
type Canned = (u16, &'static str, &'static str);

/// Serves one canned response per request path on 127.0.0.1:0 until the
/// returned handle is aborted.
async fn serve(routes: HashMap<&'static str, Canned>) -> (String, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let address = listener.local_addr().expect("address");
    let routes = Arc::new(routes);
    let handle = tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let routes = Arc::clone(&routes);
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&request);
                let path = head.split_whitespace().nth(1).unwrap_or("/");
                let path = path.split('?').next().unwrap_or(path);
                let (status, content_type, body) =
                    routes
                        .get(path)
                        .copied()
                        .unwrap_or((404, "text/plain", "no route"));
                let response = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
            });
        }
    });
    (format!("http://{address}"), handle)
}

async fn error_body(error: Error<sumo_generated_client::regional::ByteStream>) -> (u16, Vec<u8>) {
    let Error::ErrorResponse(response) = error else {
        panic!("expected an error response, got {error:?}");
    };
    let status = response.status().as_u16();
    let body = response.into_inner().into_inner();
    let bytes = http_body_util_collect(body).await;
    (status, bytes)
}

async fn http_body_util_collect(
    mut stream: impl futures_core::Stream<Item = reqwest::Result<bytes::Bytes>> + Unpin,
) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(chunk) =
        std::future::poll_fn(|cx| std::pin::Pin::new(&mut stream).poll_next(cx)).await
    {
        out.extend_from_slice(&chunk.expect("body chunk"));
    }
    out
}

const CURRENT: &str = r#"{"id":"IUUQI-DGH5I-TJ045","errors":[{"code":"user:not_found","message":"User not found."}]}"#;
const LEGACY: &str = r#"{"status":500,"id":"Q2ZFU-QEAQ8-N0ACB","code":"internal.error","message":"Internal server error."}"#;
const HTML: &str = "<html><body><h1>502 Bad Gateway</h1></body></html>";

#[tokio::test]
async fn both_error_shapes_and_html_keep_status_and_body() {
    let (base, server) = serve(HashMap::from([
        ("/v1/users/current", (404, "application/json", CURRENT)),
        ("/v1/users/legacy", (500, "application/json", LEGACY)),
        ("/v1/users/proxy", (502, "text/html", HTML)),
        ("/v1/users/ok", (200, "application/json", r#"{"firstName":"A","lastName":"B","email":"a@b.c","roleIds":[],"createdAt":"2024-01-01T00:00:00Z","createdBy":"x","modifiedAt":"2024-01-01T00:00:00Z","modifiedBy":"x","id":"ok","isActive":true}"#)),
    ]))
    .await;
    let client = Client::new(&base, sumo_generated_client::Hooks::default());

    let (status, body) =
        error_body(client.get_user().id("current").send().await.unwrap_err()).await;
    assert_eq!(status, 404);
    assert_eq!(body, CURRENT.as_bytes());
    let parsed: types::ErrorResponse = serde_json::from_slice(&body).unwrap();
    assert_eq!(parsed.errors[0].code, "user:not_found");

    let (status, body) = error_body(client.get_user().id("legacy").send().await.unwrap_err()).await;
    assert_eq!(status, 500);
    let parsed: types::ErrorResponse = serde_json::from_slice(&body).unwrap();
    assert_eq!(parsed.code.as_deref(), Some("internal.error"));
    assert_eq!(parsed.status, Some(500));

    let (status, body) = error_body(client.get_user().id("proxy").send().await.unwrap_err()).await;
    assert_eq!(status, 502);
    assert_eq!(body, HTML.as_bytes());

    // And a success still parses into its type.
    let user = client
        .get_user()
        .id("ok")
        .send()
        .await
        .expect("200 parses")
        .into_inner();
    assert_eq!(user.id, "ok");
    server.abort();
}
