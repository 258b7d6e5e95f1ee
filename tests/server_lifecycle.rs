//! The server's behaviour around its calls: health during shutdown, draining of open ingest
//! streams, compression, reflection v1, size limits.

mod common;

use common::{TestServer, fixture_articles, ingest_all, test_config};
use futures::StreamExt;
use newsfacts::api::v1::{
    AnalyzeArticleRequest, ArticleInput, IngestArticlesRequest, IngestStatus, ListArticlesRequest,
    ingest_service_client::IngestServiceClient,
};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Code, codec::CompressionEncoding};
use tonic_health::pb::{
    HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
};

fn sqlite_url(dir: &tempfile::TempDir) -> String {
    format!("sqlite://{}", dir.path().join("newsfacts.db").display())
}

async fn health_of(
    client: &mut HealthClient<tonic::transport::Channel>,
    service: &str,
) -> Result<i32, tonic::Status> {
    client
        .check(HealthCheckRequest {
            service: service.to_owned(),
        })
        .await
        .map(|r| r.into_inner().status)
}

#[tokio::test]
async fn shutdown_reports_not_serving_then_drains_open_ingest_streams() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = sqlite_url(&dir);
    let config = newsfacts::server::ServerConfig {
        drain_period: Duration::from_millis(800),
        ..test_config()
    };
    let server = TestServer::start_with(&url, config).await;
    let mut health = HealthClient::new(server.channel().await);
    for service in [
        "",
        "newsfacts.v1.IngestService",
        "newsfacts.v1.QueryService",
    ] {
        assert_eq!(
            health_of(&mut health, service).await.expect("health"),
            ServingStatus::Serving as i32
        );
    }

    // An ingest stream that stays open across the shutdown.
    let (requests, receiver) = mpsc::channel(8);
    let mut client = server.ingest().await;
    let mut acks = client
        .ingest_articles(ReceiverStream::new(receiver))
        .await
        .expect("stream")
        .into_inner();
    let articles = fixture_articles();
    for article in &articles[..2] {
        requests
            .send(IngestArticlesRequest {
                article: Some(article.clone()),
            })
            .await
            .expect("send");
    }
    for _ in 0..2 {
        let ack = acks.message().await.expect("ack").expect("an ack");
        assert_eq!(ack.status, IngestStatus::Created as i32);
    }

    let addr = server.addr;
    let stopped = tokio::spawn(server.stop());
    // During the drain period the server still answers, and says NOT_SERVING.
    let mut saw_not_serving = false;
    for _ in 0..50 {
        if health_of(&mut health, "newsfacts.v1.IngestService")
            .await
            .ok()
            == Some(ServingStatus::NotServing as i32)
        {
            saw_not_serving = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        saw_not_serving,
        "health turns NOT_SERVING before the server drains"
    );
    assert_eq!(
        health_of(&mut health, "").await.expect("health"),
        ServingStatus::NotServing as i32
    );

    // After the drain period the open stream ends with UNAVAILABLE; nothing was lost.
    let end = tokio::time::timeout(Duration::from_secs(10), acks.message())
        .await
        .expect("stream ends");
    let status = end.expect_err("the stream ends with a status");
    assert_eq!(status.code(), Code::Unavailable);
    drop(requests);
    stopped.await.expect("server stopped");
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "the port is closed after shutdown"
    );

    let server = TestServer::start(&url).await;
    let listed = server
        .query()
        .await
        .list_articles(ListArticlesRequest::default())
        .await
        .expect("list")
        .into_inner();
    assert_eq!(
        listed.articles.len(),
        2,
        "both acknowledged articles survived the shutdown"
    );
    server.stop().await;
}

#[tokio::test]
async fn gzip_and_zstd_clients_are_served() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start(&sqlite_url(&dir)).await;
    let article = fixture_articles().remove(0);
    for encoding in [CompressionEncoding::Gzip, CompressionEncoding::Zstd] {
        let mut client = IngestServiceClient::new(server.channel().await)
            .send_compressed(encoding)
            .accept_compressed(encoding);
        let response = client
            .analyze_article(AnalyzeArticleRequest {
                article: Some(article.clone()),
            })
            .await
            .expect("compressed call");
        let name = match encoding {
            CompressionEncoding::Gzip => "gzip",
            _ => "zstd",
        };
        let used = response
            .metadata()
            .get("grpc-encoding")
            .and_then(|v| v.to_str().ok());
        assert_eq!(used, Some(name), "the response is compressed as asked");
        assert_eq!(
            response.into_inner().article.expect("article").text,
            article.text
        );
    }
    server.stop().await;
}

#[tokio::test]
async fn reflection_v1_lists_the_services() {
    use tonic_reflection::pb::v1::{
        ServerReflectionRequest, server_reflection_client::ServerReflectionClient,
        server_reflection_request::MessageRequest, server_reflection_response::MessageResponse,
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start(&sqlite_url(&dir)).await;
    let mut client = ServerReflectionClient::new(server.channel().await);
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut responses = client
        .server_reflection_info(tokio_stream::iter([request]))
        .await
        .expect("reflection")
        .into_inner();
    let response = responses.next().await.expect("a response").expect("ok");
    let Some(MessageResponse::ListServicesResponse(list)) = response.message_response else {
        panic!(
            "expected a service list, got {:?}",
            response.message_response
        );
    };
    let names: Vec<String> = list.service.into_iter().map(|s| s.name).collect();
    for wanted in [
        "newsfacts.v1.IngestService",
        "newsfacts.v1.QueryService",
        "grpc.health.v1.Health",
    ] {
        assert!(
            names.iter().any(|n| n == wanted),
            "{wanted} missing from {names:?}"
        );
    }
    server.stop().await;
}

#[tokio::test]
async fn articles_over_the_size_limit_are_rejected_and_the_stream_goes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = test_config();
    config.pipeline.limits.max_text_bytes = 2_000;
    let server = TestServer::start_with(&sqlite_url(&dir), config).await;
    let at_limit = ArticleInput {
        external_id: "at-limit".into(),
        text: "a".repeat(2_000),
        ..Default::default()
    };
    let over = ArticleInput {
        external_id: "over".into(),
        text: "a".repeat(2_001),
        ..Default::default()
    };
    let after = fixture_articles().remove(0);
    let acks = ingest_all(
        &mut server.ingest().await,
        vec![Some(at_limit), Some(over), Some(after)],
    )
    .await;
    let statuses: Vec<i32> = acks.iter().map(|a| a.status).collect();
    assert_eq!(
        statuses,
        [
            IngestStatus::Created as i32,
            IngestStatus::Rejected as i32,
            IngestStatus::Created as i32
        ]
    );
    let error = acks[1].error.as_ref().expect("error");
    assert!(error.message.contains("article.text"), "{}", error.message);
    assert_eq!(
        acks[1].external_id, "over",
        "a rejection names the article it rejects"
    );

    // A message over the transport limit is refused as a whole.
    let huge = ArticleInput {
        text: "b".repeat(5 * 1024 * 1024),
        ..Default::default()
    };
    let status = server
        .ingest()
        .await
        .max_encoding_message_size(usize::MAX)
        .analyze_article(AnalyzeArticleRequest {
            article: Some(huge),
        })
        .await
        .expect_err("too large");
    assert!(
        matches!(status.code(), Code::OutOfRange | Code::ResourceExhausted),
        "{status:?}"
    );
    server.stop().await;
}

#[tokio::test]
async fn ingest_streams_over_the_cap_are_shed_with_a_retry_delay() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = newsfacts::server::ServerConfig {
        max_ingest_streams: 1,
        ..test_config()
    };
    let server = TestServer::start_with(&sqlite_url(&dir), config).await;
    let mut client = server.ingest().await;

    // The one slot, held by a stream that stays open.
    let (requests, receiver) = mpsc::channel(8);
    let mut first = client
        .ingest_articles(ReceiverStream::new(receiver))
        .await
        .expect("first stream")
        .into_inner();
    let articles = fixture_articles();
    requests
        .send(IngestArticlesRequest {
            article: Some(articles[0].clone()),
        })
        .await
        .expect("send");
    let ack = first.message().await.expect("ack").expect("an ack");
    assert_eq!(ack.status, IngestStatus::Created as i32);

    let refused = client
        .ingest_articles(tokio_stream::iter(Vec::<IngestArticlesRequest>::new()))
        .await
        .expect_err("a second stream is over the cap");
    assert_eq!(refused.code(), Code::ResourceExhausted);
    assert!(
        refused.message().contains("--max-ingest-streams"),
        "{}",
        refused.message()
    );
    assert_eq!(
        refused
            .metadata()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("1")
    );
    use tonic_types::StatusExt;
    assert!(
        refused.get_details_retry_info().is_some(),
        "RetryInfo detail"
    );

    // The first stream is unaffected, and once it ends its slot is free again.
    requests
        .send(IngestArticlesRequest {
            article: Some(articles[1].clone()),
        })
        .await
        .expect("send");
    let ack = first.message().await.expect("ack").expect("an ack");
    assert_eq!(ack.status, IngestStatus::Created as i32);
    drop(requests);
    assert!(first.message().await.expect("end").is_none());
    let acks = ingest_all(&mut client, vec![Some(articles[2].clone())]).await;
    assert_eq!(acks[0].status, IngestStatus::Created as i32);
    server.stop().await;
}

#[tokio::test]
async fn an_expired_deadline_ends_the_call_and_the_server_goes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start(&sqlite_url(&dir)).await;
    let mut client = server.ingest().await;
    let sentence = "Exports of copper to China rose 5 percent, the minister said. ";
    let mut request = tonic::Request::new(AnalyzeArticleRequest {
        article: Some(ArticleInput {
            external_id: "deadline".into(),
            text: sentence.repeat(12_000),
            ..Default::default()
        }),
    });
    request.set_timeout(Duration::from_millis(1));
    let status = client
        .analyze_article(request)
        .await
        .expect_err("1 ms is too short for 750 KB");
    assert!(
        matches!(status.code(), Code::DeadlineExceeded | Code::Cancelled),
        "{status:?}"
    );
    let fine = client
        .analyze_article(AnalyzeArticleRequest {
            article: Some(fixture_articles()[0].clone()),
        })
        .await
        .expect("the next call is served");
    assert!(fine.into_inner().article.is_some());
    server.stop().await;
}
