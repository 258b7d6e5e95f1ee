//! The inspector's HTTP port (`--http-listen`): the page, its schema, and gRPC-Web calls that go
//! through the same services, limits and API keys as the gRPC port. Plain HTTP/1.1 over a TCP
//! socket, as a browser sends it.

mod common;

use common::{TestServer, fixture_articles, sqlite_url, test_config};
use newsfacts::api::v1::{AnalyzeArticleRequest, AnalyzeArticleResponse, ArticleInput};
use newsfacts::server::ServerConfig;
use newsfacts::server::auth::Keys;
use newsfacts::server::inspector::HttpListener;
use prost::Message;
use std::collections::HashMap;
use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A server with the inspector on a second ephemeral port.
async fn start(dir: &tempfile::TempDir, mut config: ServerConfig) -> (TestServer, SocketAddr) {
    let http = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = http.local_addr().expect("local addr");
    config.inspector = Some(HttpListener::new(http));
    (TestServer::start_with(&sqlite_url(dir), config).await, addr)
}

struct HttpResponse {
    status: u16,
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Decodes a `Transfer-Encoding: chunked` body.
fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let line_end = find(raw, b"\r\n").expect("chunk size line");
        let size_text = std::str::from_utf8(&raw[..line_end]).expect("ascii");
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .expect("hex chunk size");
        raw = &raw[line_end + 2..];
        if size == 0 {
            return body;
        }
        body.extend_from_slice(&raw[..size]);
        raw = &raw[size + 2..];
    }
}

/// One HTTP/1.1 request on a fresh connection (`Connection: close`), read to the end.
async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> HttpResponse {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    stream
        .write_all(request.as_bytes())
        .await
        .expect("write head");
    stream.write_all(body).await.expect("write body");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("read");
    let head_end = find(&raw, b"\r\n\r\n").expect("end of head");
    let head = std::str::from_utf8(&raw[..head_end]).expect("ascii head");
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let headers: HashMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let rest = &raw[head_end + 4..];
    let body = if headers
        .get("transfer-encoding")
        .is_some_and(|v| v == "chunked")
    {
        dechunk(rest)
    } else {
        rest.to_vec()
    };
    HttpResponse {
        status,
        headers,
        body,
    }
}

/// What a gRPC-Web response carried: its messages and its status (from the trailer frame, or
/// from the headers of a trailers-only answer).
struct GrpcWebAnswer {
    messages: Vec<Vec<u8>>,
    status: String,
    message: String,
}

async fn grpc_web(
    addr: SocketAddr,
    path: &str,
    request: &[u8],
    key: Option<&str>,
) -> GrpcWebAnswer {
    let mut frame = vec![0u8];
    frame.extend_from_slice(&u32::try_from(request.len()).expect("small").to_be_bytes());
    frame.extend_from_slice(request);
    let authorization = key.map(|k| format!("Bearer {k}"));
    let mut headers = vec![
        ("Content-Type", "application/grpc-web+proto"),
        ("X-Grpc-Web", "1"),
    ];
    if let Some(value) = &authorization {
        headers.push(("Authorization", value));
    }
    let response = http(addr, "POST", path, &headers, &frame).await;
    assert_eq!(response.status, 200, "gRPC-Web answers with HTTP 200");
    assert!(
        response.headers["content-type"].starts_with("application/grpc-web"),
        "{:?}",
        response.headers
    );
    let mut answer = GrpcWebAnswer {
        messages: Vec::new(),
        status: response
            .headers
            .get("grpc-status")
            .cloned()
            .unwrap_or_default(),
        message: response
            .headers
            .get("grpc-message")
            .cloned()
            .unwrap_or_default(),
    };
    let mut rest = &response.body[..];
    while rest.len() >= 5 {
        let length = u32::from_be_bytes([rest[1], rest[2], rest[3], rest[4]]) as usize;
        let payload = &rest[5..5 + length];
        if rest[0] & 0x80 != 0 {
            let trailers = std::str::from_utf8(payload).expect("ascii trailers");
            for line in trailers.split("\r\n") {
                match line.split_once(':') {
                    Some(("grpc-status", v)) => answer.status = v.trim().to_owned(),
                    Some(("grpc-message", v)) => answer.message = v.trim().to_owned(),
                    _ => {}
                }
            }
        } else {
            answer.messages.push(payload.to_vec());
        }
        rest = &rest[5 + length..];
    }
    assert!(rest.is_empty(), "the body ends on a frame boundary");
    answer
}

const ANALYZE: &str = "/newsfacts.v1.IngestService/AnalyzeArticle";

fn analyze_request(article: ArticleInput) -> Vec<u8> {
    AnalyzeArticleRequest {
        article: Some(article),
    }
    .encode_to_vec()
}

#[tokio::test]
async fn serves_the_page_its_assets_and_schema() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (server, http_addr) = start(&dir, test_config()).await;

    let page = http(http_addr, "GET", "/", &[], b"").await;
    assert_eq!(page.status, 200);
    assert_eq!(page.headers["content-type"], "text/html; charset=utf-8");
    assert!(page.headers["content-security-policy"].contains("default-src 'none'"));
    let html = String::from_utf8(page.body).expect("utf-8");
    assert!(html.contains(r#"<script src="app.js" defer></script>"#));

    for (path, content_type) in [
        ("/app.js", "text/javascript; charset=utf-8"),
        ("/style.css", "text/css; charset=utf-8"),
        ("/schema.json", "application/json"),
    ] {
        let asset = http(http_addr, "GET", path, &[], b"").await;
        assert_eq!(asset.status, 200, "{path}");
        assert_eq!(asset.headers["content-type"], content_type, "{path}");
        assert!(!asset.body.is_empty(), "{path}");
    }
    let schema = http(http_addr, "GET", "/schema.json", &[], b"").await;
    let schema: serde_json::Value = serde_json::from_slice(&schema.body).expect("JSON");
    assert!(schema["messages"]["newsfacts.v1.AnalyzeArticleResponse"].is_array());

    let missing = http(http_addr, "GET", "/favicon.ico", &[], b"").await;
    assert_eq!(missing.status, 404);
    server.stop().await;
}

#[tokio::test]
async fn answers_grpc_web_with_what_the_grpc_port_answers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (server, http_addr) = start(&dir, test_config()).await;
    let article = fixture_articles().remove(0);

    let over_grpc = server
        .ingest()
        .await
        .analyze_article(AnalyzeArticleRequest {
            article: Some(article.clone()),
        })
        .await
        .expect("AnalyzeArticle over gRPC")
        .into_inner();
    let answer = grpc_web(http_addr, ANALYZE, &analyze_request(article), None).await;
    assert_eq!(answer.status, "0", "{}", answer.message);
    assert_eq!(answer.messages.len(), 1);
    let over_web =
        AnalyzeArticleResponse::decode(&answer.messages[0][..]).expect("a response message");
    let (web, grpc) = (
        over_web.article.expect("article"),
        over_grpc.article.expect("article"),
    );
    assert!(!grpc.statements.is_empty() && !grpc.trade_facts.is_empty());
    assert_eq!(web.statements, grpc.statements);
    assert_eq!(web.trade_facts, grpc.trade_facts);

    // Validation is the service's own: an empty article is INVALID_ARGUMENT here too.
    let empty = grpc_web(
        http_addr,
        ANALYZE,
        &analyze_request(ArticleInput::default()),
        None,
    )
    .await;
    assert_eq!(empty.status, "3");
    assert!(empty.messages.is_empty());

    // A browser's GET of a method is no gRPC-Web call.
    let get = http(http_addr, "GET", ANALYZE, &[], b"").await;
    assert_ne!(get.status, 200);
    server.stop().await;
}

#[tokio::test]
async fn grpc_web_calls_need_the_same_api_keys() {
    let dir = tempfile::tempdir().expect("tempdir");
    let keys_path = dir.path().join("keys.txt");
    std::fs::write(
        &keys_path,
        "loader 0123456789abcdef0123 ingest\nanalyst fedcba98765432100000 query\n",
    )
    .expect("write keys");
    let config = ServerConfig {
        keys: Some(Keys::load(&keys_path).expect("keys")),
        ..test_config()
    };
    let (server, http_addr) = start(&dir, config).await;
    let request = analyze_request(fixture_articles().remove(0));

    let none = grpc_web(http_addr, ANALYZE, &request, None).await;
    assert_eq!(none.status, "16", "no key: UNAUTHENTICATED");
    let wrong = grpc_web(http_addr, ANALYZE, &request, Some("fedcba98765432100000")).await;
    assert_eq!(
        wrong.status, "7",
        "a query key cannot analyze: PERMISSION_DENIED"
    );
    let right = grpc_web(http_addr, ANALYZE, &request, Some("0123456789abcdef0123")).await;
    assert_eq!(right.status, "0", "{}", right.message);
    assert_eq!(right.messages.len(), 1);

    // The page itself needs no key: it is how the user gets to enter one.
    assert_eq!(http(http_addr, "GET", "/", &[], b"").await.status, 200);
    server.stop().await;
}
