//! Connection life in a mesh: `max_connection_age` ends connections with GOAWAY so that load
//! balancers can rebalance, without cutting the calls open on them; keepalive pings find a
//! peer that went silent, and clients may ping as often as they like. Raw HTTP/2 connections
//! (hyper), so that the test sees the connection itself and not a channel that reconnects.

mod common;

use bytes::Bytes;
use common::{TestServer, fixture_articles, ingest_all, sqlite_url, test_config};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::{TokioExecutor, TokioIo};
use newsfacts::api::v1::{WatchFactsRequest, WatchFactsResponse};
use newsfacts::server::ServerConfig;
use prost::Message;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::task::JoinHandle;

type Sender = hyper::client::conn::http2::SendRequest<Full<Bytes>>;

/// Opens an HTTP/2 connection; the handle resolves when the connection ends.
async fn connect(addr: SocketAddr) -> (Sender, JoinHandle<Result<(), hyper::Error>>) {
    let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let (sender, connection) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream))
            .await
            .expect("HTTP/2 handshake");
    (sender, tokio::spawn(connection))
}

/// Waits (at most 30 s, far beyond the ages used here) for a connection to end, and says
/// whether it ended cleanly.
async fn ended(connection: JoinHandle<Result<(), hyper::Error>>) -> Result<(), hyper::Error> {
    tokio::time::timeout(Duration::from_secs(30), connection)
        .await
        .expect("the connection ends")
        .expect("connection task")
}

fn aged(age: Duration) -> ServerConfig {
    ServerConfig {
        max_connection_age: Some(age),
        ..test_config()
    }
}

#[tokio::test]
async fn an_idle_connection_is_closed_gracefully_at_its_max_age() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start_with(&sqlite_url(&dir), aged(Duration::from_millis(500))).await;
    let (_sender, connection) = connect(server.addr).await;
    // GOAWAY with NO_ERROR, then the close: a clean end, not a reset.
    ended(connection)
        .await
        .expect("the server ends the connection cleanly");
    server.stop().await;
}

#[tokio::test]
async fn a_call_open_at_max_age_runs_on_and_the_connection_closes_after_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start_with(&sqlite_url(&dir), aged(Duration::from_secs(1))).await;

    // A watch on a connection of its own.
    let (mut sender, watched) = connect(server.addr).await;
    let mut body = vec![0u8];
    let request = WatchFactsRequest::default().encode_to_vec();
    body.extend_from_slice(&(request.len() as u32).to_be_bytes());
    body.extend_from_slice(&request);
    let watch = sender
        .send_request(
            http::Request::post(format!(
                "http://{}/newsfacts.v1.QueryService/WatchFacts",
                server.addr
            ))
            .header("content-type", "application/grpc")
            .header("te", "trailers")
            .body(Full::new(Bytes::from(body)))
            .unwrap(),
        )
        .await
        .expect("watch answered");
    assert_eq!(watch.status(), http::StatusCode::OK);
    let mut facts = watch.into_body();

    // A second connection, opened after the first, reaches its age no earlier: once it has
    // ended, the watch's connection has been told GOAWAY too.
    let (_clock, clock) = connect(server.addr).await;
    ended(clock).await.expect("clean end");

    // The watch goes on: facts committed now still reach it.
    ingest_all(
        &mut server.ingest().await,
        fixture_articles().into_iter().map(Some).collect(),
    )
    .await;
    let mut received = Vec::new();
    let message = loop {
        let frame = tokio::time::timeout(Duration::from_secs(30), facts.frame())
            .await
            .expect("a fact arrives")
            .expect("the watch is still open")
            .expect("a frame");
        if let Some(data) = frame.data_ref() {
            received.extend_from_slice(data);
        }
        if received.len() >= 5 {
            let len = u32::from_be_bytes([received[1], received[2], received[3], received[4]]);
            if received.len() >= 5 + len as usize {
                break WatchFactsResponse::decode(&received[5..5 + len as usize])
                    .expect("a WatchFactsResponse");
            }
        }
    };
    assert!(message.fact.is_some());

    // When the call ends, the aged connection closes by itself (the client keeps its side
    // open: `sender` lives on).
    drop(facts);
    ended(watched)
        .await
        .expect("the connection ends cleanly once its call is over");
    drop(sender);
    server.stop().await;
}

#[test]
fn zero_durations_are_refused() {
    let zero_age = aged(Duration::ZERO);
    assert!(matches!(
        zero_age.validate(),
        Err(newsfacts::server::ConfigError::ZeroDuration(_))
    ));
    let zero_ping = ServerConfig {
        keepalive_interval: Some(Duration::ZERO),
        ..test_config()
    };
    assert!(zero_ping.validate().is_err());
    let defaults = ServerConfig::default();
    assert_eq!(defaults.keepalive_interval, Some(Duration::from_secs(60)));
    assert_eq!(defaults.max_connection_age, Some(Duration::from_secs(1800)));
}

/// The frame types of HTTP/2 (RFC 9113, section 6) that these tests look for.
const PING: u8 = 0x6;
const ACK: u8 = 0x1;

#[tokio::test]
async fn a_peer_that_stops_answering_pings_is_disconnected() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = tempfile::tempdir().expect("tempdir");
    let config = ServerConfig {
        keepalive_interval: Some(Duration::from_millis(200)),
        keepalive_timeout: Duration::from_millis(200),
        max_connection_age: None,
        ..test_config()
    };
    let server = TestServer::start_with(&sqlite_url(&dir), config).await;
    // An HTTP/2 client that says hello (preface, empty SETTINGS) and then never answers.
    let mut peer = tokio::net::TcpStream::connect(server.addr)
        .await
        .expect("connect");
    peer.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00")
        .await
        .expect("preface");
    let mut received = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), peer.read_to_end(&mut received))
        .await
        .expect("the server closes the connection")
        .expect("read until the server closes");
    // The frames the server sent, by type and flags.
    let mut frames = Vec::new();
    let mut rest = received.as_slice();
    while rest.len() >= 9 {
        let len = u32::from_be_bytes([0, rest[0], rest[1], rest[2]]) as usize;
        frames.push((rest[3], rest[4]));
        rest = &rest[(9 + len).min(rest.len())..];
    }
    assert!(
        frames
            .iter()
            .any(|&(kind, flags)| kind == PING && flags & ACK == 0),
        "the server pinged the silent peer: {frames:?}"
    );
    server.stop().await;
}

#[tokio::test]
async fn a_client_that_pings_often_is_never_told_too_many_pings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start_with(&sqlite_url(&dir), test_config()).await;
    let stream = tokio::net::TcpStream::connect(server.addr)
        .await
        .expect("connect");
    // Far more often than a grpc-go server allows (one ping per 5 minutes by default).
    let (mut sender, connection) = hyper::client::conn::http2::Builder::new(TokioExecutor::new())
        .timer(hyper_util::rt::TokioTimer::new())
        .keep_alive_interval(Duration::from_millis(20))
        .keep_alive_while_idle(true)
        .handshake::<_, Full<Bytes>>(TokioIo::new(stream))
        .await
        .expect("HTTP/2 handshake");
    let connection = tokio::spawn(connection);
    // Health checks on this one connection, with idle gaps full of pings between them.
    for _ in 0..10 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let check = sender
            .send_request(
                http::Request::post(format!(
                    "http://{}/grpc.health.v1.Health/Check",
                    server.addr
                ))
                .header("content-type", "application/grpc")
                .header("te", "trailers")
                .body(Full::new(Bytes::from_static(&[0, 0, 0, 0, 0])))
                .unwrap(),
            )
            .await
            .expect("the connection still takes calls");
        let (parts, body) = check.into_parts();
        let trailers = body
            .collect()
            .await
            .expect("answer")
            .trailers()
            .cloned()
            .unwrap_or_default();
        assert_eq!(parts.status, http::StatusCode::OK);
        assert_eq!(
            trailers.get("grpc-status").and_then(|v| v.to_str().ok()),
            Some("0")
        );
    }
    assert!(!connection.is_finished(), "the connection is still open");
    server.stop().await;
}
