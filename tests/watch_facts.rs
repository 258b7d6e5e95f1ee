//! `WatchFacts` streams facts as they are committed, with filters.

mod common;

use common::{TestServer, fixture_articles, ingest_all, reference_article};
use newsfacts::api::v1::{
    IngestStatus, ListStatementsRequest, ListTradeFactsRequest, StatementFilter, StatementKind,
    WatchFactsRequest, watch_facts_response::Fact,
};
use std::collections::BTreeSet;
use std::time::Duration;

async fn next_facts(
    stream: &mut tonic::Streaming<newsfacts::api::v1::WatchFactsResponse>,
    n: usize,
) -> Vec<Fact> {
    let mut facts = Vec::new();
    while facts.len() < n {
        let message = tokio::time::timeout(Duration::from_secs(10), stream.message())
            .await
            .expect("facts arrive within 10 s")
            .expect("watch stream")
            .expect("the watch stays open");
        facts.extend(message.fact);
    }
    facts
}

#[tokio::test]
async fn watch_streams_every_committed_fact_and_honours_filters() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server =
        TestServer::start(&format!("sqlite://{}", dir.path().join("w.db").display())).await;
    let mut query = server.query().await;
    let mut everything = query
        .watch_facts(WatchFactsRequest::default())
        .await
        .expect("watch")
        .into_inner();
    let direct_filter = StatementFilter {
        kind: StatementKind::Direct as i32,
        ..Default::default()
    };
    let mut direct_only = query
        .watch_facts(WatchFactsRequest {
            statements: Some(direct_filter),
            trade_facts: None,
        })
        .await
        .expect("watch")
        .into_inner();

    let mut articles: Vec<_> = reference_article().into_iter().collect();
    articles.extend(fixture_articles());
    let acks = ingest_all(
        &mut server.ingest().await,
        articles.into_iter().map(Some).collect(),
    )
    .await;
    assert!(
        acks.iter()
            .all(|a| a.status == IngestStatus::Created as i32)
    );
    let statements: usize = acks.iter().map(|a| a.statement_count as usize).sum();
    let trade_facts: usize = acks.iter().map(|a| a.trade_fact_count as usize).sum();
    assert!(statements > 0, "the articles hold statements");

    let watched = next_facts(&mut everything, statements + trade_facts).await;
    let listed = query
        .list_statements(ListStatementsRequest {
            page_size: 1000,
            ..Default::default()
        })
        .await
        .expect("list")
        .into_inner()
        .statements;
    let watched_ids: BTreeSet<String> = watched
        .iter()
        .filter_map(|f| match f {
            Fact::Statement(s) => Some(s.statement_id.clone()),
            Fact::TradeFact(_) => None,
        })
        .collect();
    let listed_ids: BTreeSet<String> = listed.iter().map(|s| s.statement_id.clone()).collect();
    assert_eq!(
        watched_ids, listed_ids,
        "the watch saw exactly the committed statements"
    );
    let listed_facts = query
        .list_trade_facts(ListTradeFactsRequest {
            page_size: 1000,
            ..Default::default()
        })
        .await
        .expect("list")
        .into_inner()
        .trade_facts;
    assert_eq!(watched.len() - watched_ids.len(), listed_facts.len());

    let direct = listed
        .iter()
        .filter(|s| s.kind == StatementKind::Direct as i32)
        .count();
    assert!(direct > 0, "some statements are direct quotes");
    let filtered = next_facts(&mut direct_only, direct).await;
    assert!(
        filtered
            .iter()
            .all(|f| matches!(f, Fact::Statement(s) if s.kind == StatementKind::Direct as i32))
    );
    server.stop().await;
}
