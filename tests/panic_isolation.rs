//! A bug in extraction (a panic) costs only the article it happened on: the ingest stream acks
//! that article as REJECTED with INTERNAL and goes on, AnalyzeArticle answers INTERNAL, and
//! the server and its health stay up.
//!
//! The real server runs with an extractor that panics on a marker and otherwise calls
//! `extract::analyze`; the production server cannot be given such an extractor from outside
//! (it is a parameter of `serve_with_extractor`, which only tests call), so no magic input
//! can crash a deployed server, and this test always runs.

mod common;

use common::{TestServer, ingest_all, sqlite_url, test_config};
use newsfacts::api::v1::{AnalyzeArticleRequest, ArticleInput, IngestStatus};
use newsfacts::pipeline::Extractor;
use prost::Message;
use std::sync::Arc;
use tonic::Code;
use tonic_health::pb::{
    HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
};
use tonic_types::StatusExt;

const MARKER: &str = "TRIGGER-EXTRACTOR-BUG";

fn fragile_extractor() -> Extractor {
    Arc::new(|input: &ArticleInput| {
        if input.text.contains(MARKER) {
            panic!("extractor bug triggered on purpose by the test");
        }
        newsfacts::extract::analyze(input)
    })
}

fn article(id: &str, text: &str) -> ArticleInput {
    ArticleInput {
        external_id: id.to_owned(),
        text: text.to_owned(),
        ..Default::default()
    }
}

fn error_info_reason(details: &[pbjson_types::Any]) -> String {
    details
        .iter()
        .find(|d| d.type_url.ends_with("google.rpc.ErrorInfo"))
        .map(|d| {
            tonic_types::pb::ErrorInfo::decode(d.value.clone())
                .expect("ErrorInfo decodes")
                .reason
        })
        .expect("ErrorInfo detail")
}

async fn assert_serving(server: &TestServer) {
    let mut health = HealthClient::new(server.channel().await);
    for service in ["", "newsfacts.v1.IngestService"] {
        let status = health
            .check(HealthCheckRequest {
                service: service.to_owned(),
            })
            .await
            .expect("health check answers")
            .into_inner()
            .status;
        assert_eq!(status, ServingStatus::Serving as i32, "{service:?}");
    }
}

#[tokio::test]
async fn a_panicking_article_is_rejected_with_internal_and_the_rest_goes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server =
        TestServer::start_with_extractor(&sqlite_url(&dir), test_config(), fragile_extractor())
            .await;
    let mut ingest = server.ingest().await;

    let stream = vec![
        Some(article(
            "before",
            "LIMA, May 2 (Reuters) - Peru will sell more copper to China, the minister said.",
        )),
        Some(article(
            "bug-1",
            &format!("The minister said {MARKER} today."),
        )),
        Some(article(
            "after",
            "QUITO, May 3 (Reuters) - Ecuador exported more bananas to Russia, officials said.",
        )),
        Some(article("bug-2", MARKER)),
        Some(article("last", "Chile said copper exports rose.")),
    ];
    let acks = ingest_all(&mut ingest, stream).await;
    let statuses: Vec<(String, i32)> = acks
        .iter()
        .map(|a| (a.external_id.clone(), a.status))
        .collect();
    let (created, rejected) = (IngestStatus::Created as i32, IngestStatus::Rejected as i32);
    assert_eq!(
        statuses,
        [
            ("before".to_owned(), created),
            ("bug-1".to_owned(), rejected),
            ("after".to_owned(), created),
            ("bug-2".to_owned(), rejected),
            ("last".to_owned(), created),
        ]
    );
    for ack in [&acks[1], &acks[3]] {
        let error = ack.error.as_ref().expect("a rejection carries a status");
        assert_eq!(error.code, Code::Internal as i32);
        assert_eq!(error_info_reason(&error.details), "EXTRACTION_FAILED");
        assert!(ack.article_id.is_empty(), "nothing was stored");
    }
    assert!(acks[0].error.is_none() && !acks[0].article_id.is_empty());

    // AnalyzeArticle: INTERNAL for the bad article, an answer for the next one.
    let failed = ingest
        .analyze_article(AnalyzeArticleRequest {
            article: Some(article("", &format!("{MARKER} again"))),
        })
        .await
        .expect_err("the extractor panics");
    assert_eq!(failed.code(), Code::Internal);
    assert_eq!(
        failed.get_details_error_info().expect("ErrorInfo").reason,
        "EXTRACTION_FAILED"
    );
    let fine = ingest
        .analyze_article(AnalyzeArticleRequest {
            article: Some(article("", "Peru said copper exports to China rose.")),
        })
        .await
        .expect("the next call is analyzed")
        .into_inner()
        .article
        .expect("article");
    assert_eq!(fine.text, "Peru said copper exports to China rose.");

    // The server is still healthy and takes a new stream; the bad article can be resent
    // (it was never stored) and fails the same way.
    assert_serving(&server).await;
    let acks = ingest_all(
        &mut server.ingest().await,
        vec![
            Some(article(
                "bug-1",
                &format!("The minister said {MARKER} today."),
            )),
            Some(article("before", "anything: the id is already stored")),
        ],
    )
    .await;
    assert_eq!(acks[0].status, rejected);
    assert_eq!(acks[1].status, IngestStatus::Duplicate as i32);
    server.stop().await;
}
