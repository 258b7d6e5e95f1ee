//! gRPC-Web: a browser's calls, sent as plain HTTP/1.1 POSTs (`application/grpc-web+proto` and
//! the base64 `application/grpc-web-text`), decoded by hand; and the CORS answers a page on
//! another origin needs before it may send them.

mod common;

use base64::Engine;
use bytes::Bytes;
use common::{TestServer, fixture_articles, ingest_all, sqlite_url, test_config};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use newsfacts::api::v1::{GetArticleRequest, ListArticlesRequest, ListArticlesResponse};
use newsfacts::server::ServerConfig;
use prost::Message;
use std::collections::HashMap;
use std::net::SocketAddr;

const ORIGIN: &str = "https://app.example";

/// A response as a browser's gRPC-Web library sees it.
struct WebResponse {
    status: http::StatusCode,
    headers: http::HeaderMap,
    /// The message frames (flag 0x00), in order.
    messages: Vec<Bytes>,
    /// The trailer frame (flag 0x80), as `name: value` lines.
    trailers: HashMap<String, String>,
}

impl WebResponse {
    /// The call's `grpc-status`: from the trailer frame, or from the headers of a
    /// trailers-only answer.
    fn grpc_status(&self) -> Option<String> {
        self.trailers.get("grpc-status").cloned().or_else(|| {
            self.headers
                .get("grpc-status")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        })
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Sends one HTTP/1.1 request on a fresh connection and reads the whole answer.
async fn send(addr: SocketAddr, request: http::Request<Full<Bytes>>) -> http::Response<Bytes> {
    let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("HTTP/1.1 handshake");
    tokio::spawn(connection);
    let response = sender.send_request(request).await.expect("response");
    let (parts, body) = response.into_parts();
    let body = body.collect().await.expect("body").to_bytes();
    http::Response::from_parts(parts, body)
}

/// One gRPC message frame: flag, big-endian length, message.
fn frame(message: &impl Message) -> Vec<u8> {
    let payload = message.encode_to_vec();
    let mut out = vec![0u8];
    out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    out.extend_from_slice(&payload);
    out
}

/// Splits a gRPC-Web body into message frames and the trailer frame.
fn parse_frames(mut body: &[u8]) -> (Vec<Bytes>, HashMap<String, String>) {
    let (mut messages, mut trailers) = (Vec::new(), HashMap::new());
    while !body.is_empty() {
        assert!(body.len() >= 5, "a frame header is 5 bytes");
        let flag = body[0];
        let len = u32::from_be_bytes([body[1], body[2], body[3], body[4]]) as usize;
        let payload = &body[5..5 + len];
        if flag & 0x80 != 0 {
            for line in std::str::from_utf8(payload)
                .expect("trailers are text")
                .split("\r\n")
            {
                if let Some((name, value)) = line.split_once(':') {
                    trailers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
                }
            }
        } else {
            messages.push(Bytes::copy_from_slice(payload));
        }
        body = &body[5 + len..];
    }
    (messages, trailers)
}

/// A unary call over gRPC-Web; `text` sends and expects base64 (`application/grpc-web-text`).
async fn call(addr: SocketAddr, path: &str, message: &impl Message, text: bool) -> WebResponse {
    let mut body = frame(message);
    let content_type = if text {
        body = base64::engine::general_purpose::STANDARD
            .encode(&body)
            .into_bytes();
        "application/grpc-web-text"
    } else {
        "application/grpc-web+proto"
    };
    let request = http::Request::post(path)
        .header("host", addr.to_string())
        .header("content-type", content_type)
        .header("accept", content_type)
        .header("x-grpc-web", "1")
        .header("origin", ORIGIN)
        .body(Full::new(Bytes::from(body)))
        .unwrap();
    let response = send(addr, request).await;
    let (parts, body) = response.into_parts();
    let body = if text {
        decode_text(&body)
    } else {
        body.to_vec()
    };
    let (messages, trailers) = parse_frames(&body);
    WebResponse {
        status: parts.status,
        headers: parts.headers,
        messages,
        trailers,
    }
}

/// Decodes a `grpc-web-text` body: base64, in chunks that may each end with padding (the
/// server encodes every frame on its own), read four characters at a time as browsers do.
fn decode_text(body: &[u8]) -> Vec<u8> {
    assert!(
        body.len().is_multiple_of(4),
        "base64 comes in groups of four"
    );
    let mut out = Vec::new();
    let mut start = 0;
    for end in (4..=body.len()).step_by(4) {
        if body[end - 1] == b'=' || end == body.len() {
            out.extend(
                base64::engine::general_purpose::STANDARD
                    .decode(&body[start..end])
                    .expect("a grpc-web-text answer is base64"),
            );
            start = end;
        }
    }
    out
}

fn web_config() -> ServerConfig {
    ServerConfig {
        cors_allowed_origins: vec![ORIGIN.to_owned()],
        ..test_config()
    }
}

#[tokio::test]
async fn a_browser_lists_articles_with_grpc_web_over_http1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start_with(&sqlite_url(&dir), web_config()).await;
    let stored = ingest_all(
        &mut server.ingest().await,
        fixture_articles().into_iter().map(Some).collect(),
    )
    .await;

    for text in [false, true] {
        let answer = call(
            server.addr,
            "/newsfacts.v1.QueryService/ListArticles",
            &ListArticlesRequest {
                page_size: 2,
                ..Default::default()
            },
            text,
        )
        .await;
        assert_eq!(answer.status, http::StatusCode::OK);
        let expected_type = if text {
            "application/grpc-web-text+proto"
        } else {
            "application/grpc-web+proto"
        };
        assert_eq!(answer.header("content-type"), Some(expected_type));
        assert_eq!(answer.header("access-control-allow-origin"), Some(ORIGIN));
        assert_eq!(answer.grpc_status().as_deref(), Some("0"));
        assert_eq!(answer.messages.len(), 1, "one response message");
        let list = ListArticlesResponse::decode(answer.messages[0].clone()).expect("decode");
        let ids: Vec<&str> = list
            .articles
            .iter()
            .map(|a| a.article_id.as_str())
            .collect();
        let first_two: Vec<&str> = stored
            .iter()
            .take(2)
            .map(|a| a.article_id.as_str())
            .collect();
        assert_eq!(ids, first_two, "the first page, in ingest order");
        assert!(
            !list.next_page_token.is_empty(),
            "three articles: a next page"
        );
    }
    server.stop().await;
}

#[tokio::test]
async fn an_error_reaches_the_browser_with_readable_status_headers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start_with(&sqlite_url(&dir), web_config()).await;
    let answer = call(
        server.addr,
        "/newsfacts.v1.QueryService/GetArticle",
        &GetArticleRequest {
            name: "articles/nope".into(),
            ..Default::default()
        },
        false,
    )
    .await;
    assert_eq!(answer.status, http::StatusCode::OK);
    assert_eq!(answer.grpc_status().as_deref(), Some("5"), "NOT_FOUND");
    assert!(answer.messages.is_empty());
    // The page's script may read the status headers of a trailers-only answer.
    let exposed = answer
        .header("access-control-expose-headers")
        .unwrap_or_default()
        .to_ascii_lowercase();
    for name in ["grpc-status", "grpc-message", "grpc-status-details-bin"] {
        assert!(exposed.contains(name), "{name} not exposed: {exposed:?}");
    }
    server.stop().await;
}

/// A CORS preflight as a browser sends it before a gRPC-Web call.
fn preflight(addr: SocketAddr, origin: &str) -> http::Request<Full<Bytes>> {
    http::Request::builder()
        .method(http::Method::OPTIONS)
        .uri("/newsfacts.v1.QueryService/ListArticles")
        .header("host", addr.to_string())
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,x-grpc-web,x-user-agent,grpc-timeout,authorization,traceparent",
        )
        .body(Full::new(Bytes::new()))
        .unwrap()
}

#[tokio::test]
async fn cors_lets_in_the_configured_origin_and_no_other() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start_with(&sqlite_url(&dir), web_config()).await;

    let allowed = send(server.addr, preflight(server.addr, ORIGIN)).await;
    assert!(allowed.status().is_success(), "{}", allowed.status());
    let header = |name: &str| {
        allowed
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase()
    };
    assert_eq!(header("access-control-allow-origin"), ORIGIN);
    assert!(header("access-control-allow-methods").contains("post"));
    for name in [
        "content-type",
        "x-grpc-web",
        "x-user-agent",
        "grpc-timeout",
        "authorization",
        "traceparent",
    ] {
        assert!(
            header("access-control-allow-headers").contains(name),
            "{name} not allowed: {:?}",
            header("access-control-allow-headers")
        );
    }

    let refused = send(
        server.addr,
        preflight(server.addr, "https://elsewhere.example"),
    )
    .await;
    assert!(
        refused
            .headers()
            .get("access-control-allow-origin")
            .is_none(),
        "another origin gets no CORS grant"
    );
    server.stop().await;
}

#[tokio::test]
async fn with_no_origins_configured_no_page_elsewhere_is_let_in() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start_with(&sqlite_url(&dir), test_config()).await;
    let answer = send(server.addr, preflight(server.addr, ORIGIN)).await;
    assert!(
        answer
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    // The server still answers the call itself: it is the browser that withholds an answer
    // without a CORS grant from the page, and clients that are not browsers need none.
    let list = call(
        server.addr,
        "/newsfacts.v1.QueryService/ListArticles",
        &ListArticlesRequest::default(),
        false,
    )
    .await;
    assert_eq!(list.grpc_status().as_deref(), Some("0"));
    server.stop().await;
}

#[tokio::test]
async fn an_origin_that_is_not_a_header_value_is_refused_at_start() {
    let config = ServerConfig {
        cors_allowed_origins: vec!["https://bad\norigin".to_owned()],
        ..test_config()
    };
    assert!(matches!(
        config.validate(),
        Err(newsfacts::server::ConfigError::BadOrigin(_))
    ));
}

#[tokio::test]
async fn a_browser_watches_facts_as_they_are_committed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start_with(&sqlite_url(&dir), web_config()).await;
    let stream = tokio::net::TcpStream::connect(server.addr)
        .await
        .expect("connect");
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("HTTP/1.1 handshake");
    tokio::spawn(connection);
    let watch = sender
        .send_request(
            http::Request::post("/newsfacts.v1.QueryService/WatchFacts")
                .header("host", server.addr.to_string())
                .header("content-type", "application/grpc-web+proto")
                .header("x-grpc-web", "1")
                .header("origin", ORIGIN)
                .body(Full::new(Bytes::from(frame(
                    &newsfacts::api::v1::WatchFactsRequest::default(),
                ))))
                .unwrap(),
        )
        .await
        .expect("watch answered");
    assert_eq!(watch.status(), http::StatusCode::OK);
    let mut body = watch.into_body();

    // Facts committed after the watch began arrive as message frames of the open answer.
    ingest_all(
        &mut server.ingest().await,
        fixture_articles().into_iter().map(Some).collect(),
    )
    .await;
    let mut received = Vec::new();
    let fact = loop {
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(30), body.frame())
            .await
            .expect("a fact arrives")
            .expect("the answer goes on")
            .expect("a chunk");
        if let Some(data) = chunk.data_ref() {
            received.extend_from_slice(data);
        }
        if received.len() >= 5 {
            assert_eq!(received[0], 0, "a message frame comes first");
            let len = u32::from_be_bytes([received[1], received[2], received[3], received[4]]);
            if received.len() >= 5 + len as usize {
                break newsfacts::api::v1::WatchFactsResponse::decode(
                    &received[5..5 + len as usize],
                )
                .expect("a WatchFactsResponse");
            }
        }
    };
    assert!(fact.fact.is_some());
    drop(body);
    server.stop().await;
}
