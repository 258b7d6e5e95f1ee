//! End-to-end tests of the gRPC API: the real server on an ephemeral port, a real SQLite file.

mod common;

use common::{TestServer, fixture_articles, ingest_all, reference_article};
use newsfacts::api::v1::{
    ArticleInput, ArticleView, GetArticleRequest, IngestStatus, ListArticlesRequest,
    ListEntitiesRequest, ListStatementsRequest, ListTradeFactsRequest,
};
use prost::Message;
use tonic::Code;
use tonic_types::StatusExt;

fn sqlite_url(dir: &tempfile::TempDir) -> String {
    format!("sqlite://{}", dir.path().join("newsfacts.db").display())
}

fn articles_to_send() -> Vec<ArticleInput> {
    let mut articles: Vec<ArticleInput> = reference_article().into_iter().collect();
    articles.extend(fixture_articles());
    articles
}

/// Lists every article page by page (page size 2) and returns them in order.
async fn list_all_articles(server: &TestServer) -> Vec<newsfacts::api::v1::Article> {
    let mut query = server.query().await;
    let mut all = Vec::new();
    let mut token = String::new();
    loop {
        let page = query
            .list_articles(ListArticlesRequest {
                page_size: 2,
                page_token: token.clone(),
                ..Default::default()
            })
            .await
            .expect("list articles")
            .into_inner();
        assert!(page.articles.len() <= 2);
        all.extend(page.articles);
        if page.next_page_token.is_empty() {
            return all;
        }
        token = page.next_page_token;
    }
}

#[tokio::test]
async fn ingest_query_restart_and_query_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = sqlite_url(&dir);
    let server = TestServer::start(&url).await;
    let articles = articles_to_send();
    let n = articles.len();

    // A duplicate and a bad article in the middle of the stream.
    let mut stream: Vec<Option<ArticleInput>> = articles.iter().cloned().map(Some).collect();
    let bad = ArticleInput {
        external_id: "bad-1".into(),
        text: "   ".into(),
        ..Default::default()
    };
    stream.insert(2, Some(bad));
    stream.insert(3, Some(articles[0].clone()));
    let acks = ingest_all(&mut server.ingest().await, stream).await;

    assert_eq!(acks.len(), n + 2, "one ack per request");
    for (i, ack) in acks.iter().enumerate() {
        assert_eq!(ack.sequence, i as i64, "acks come in request order");
    }
    assert_eq!(acks[2].status, IngestStatus::Rejected as i32);
    let error = acks[2].error.as_ref().expect("rejection carries a status");
    assert_eq!(error.code, Code::InvalidArgument as i32);
    let bad_request = error
        .details
        .iter()
        .find(|d| d.type_url.ends_with("google.rpc.BadRequest"))
        .map(|d| tonic_types::pb::BadRequest::decode(d.value.clone()).expect("BadRequest decodes"))
        .expect("BadRequest detail");
    assert_eq!(bad_request.field_violations[0].field, "article.text");
    assert_eq!(acks[3].status, IngestStatus::Duplicate as i32);
    assert_eq!(
        acks[3].article_id, acks[0].article_id,
        "a duplicate names the stored copy"
    );
    let created: Vec<_> = acks
        .iter()
        .filter(|a| a.status == IngestStatus::Created as i32)
        .collect();
    assert_eq!(created.len(), n);

    // Every query RPC agrees with the acks.
    let mut query = server.query().await;
    let mut stored = Vec::new();
    for ack in &created {
        let article = query
            .get_article(GetArticleRequest {
                name: format!("articles/{}", ack.article_id),
                view: 0,
            })
            .await
            .expect("get article")
            .into_inner()
            .article
            .expect("article");
        assert_eq!(article.article_id, ack.article_id);
        assert_eq!(article.statements.len() as i32, ack.statement_count);
        assert_eq!(article.trade_facts.len() as i32, ack.trade_fact_count);
        assert_eq!(article.entities.len() as i32, ack.entity_count);
        let statements = query
            .list_statements(ListStatementsRequest {
                article_id: ack.article_id.clone(),
                page_size: 1000,
                ..Default::default()
            })
            .await
            .expect("list statements")
            .into_inner();
        assert_eq!(statements.statements, article.statements);
        let facts = query
            .list_trade_facts(ListTradeFactsRequest {
                article_id: ack.article_id.clone(),
                page_size: 1000,
                ..Default::default()
            })
            .await
            .expect("list trade facts")
            .into_inner();
        assert_eq!(facts.trade_facts, article.trade_facts);
        stored.push(article);
    }
    let texts: Vec<&str> = stored.iter().map(|a| a.text.as_str()).collect();
    let sent: Vec<&str> = articles.iter().map(|a| a.text.as_str()).collect();
    assert_eq!(texts, sent, "texts come back exactly as submitted");

    let listed = list_all_articles(&server).await;
    assert_eq!(listed.len(), n, "paging returns each article once");
    assert!(
        listed.iter().all(|a| a.text.is_empty()),
        "the BASIC view leaves the text out"
    );
    let ids: Vec<&str> = listed.iter().map(|a| a.article_id.as_str()).collect();
    let acked: Vec<&str> = created.iter().map(|a| a.article_id.as_str()).collect();
    assert_eq!(ids, acked, "articles are listed in ingest order");

    let entities = query
        .list_entities(ListEntitiesRequest {
            page_size: 1000,
            ..Default::default()
        })
        .await
        .expect("list entities")
        .into_inner();
    let distinct: std::collections::BTreeSet<&str> = stored
        .iter()
        .flat_map(|a| a.entities.iter().map(|e| e.entity_id.as_str()))
        .collect();
    assert_eq!(entities.entities.len(), distinct.len());

    server.stop().await;

    // Restart on the same file: everything is still there, and re-sending is all duplicates.
    let server = TestServer::start(&url).await;
    let mut query = server.query().await;
    for article in &stored {
        let again = query
            .get_article(GetArticleRequest {
                name: article.name.clone(),
                view: ArticleView::Full as i32,
            })
            .await
            .expect("get after restart")
            .into_inner()
            .article
            .expect("article");
        assert_eq!(&again, article);
    }
    let acks = ingest_all(
        &mut server.ingest().await,
        articles.into_iter().map(Some).collect(),
    )
    .await;
    assert!(
        acks.iter()
            .all(|a| a.status == IngestStatus::Duplicate as i32)
    );
    assert_eq!(
        list_all_articles(&server).await.len(),
        n,
        "nothing stored twice"
    );
    server.stop().await;
}

#[tokio::test]
async fn bad_requests_get_invalid_argument_or_not_found() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start(&sqlite_url(&dir)).await;
    let mut query = server.query().await;

    let missing = query
        .get_article(GetArticleRequest {
            name: "articles/does-not-exist".into(),
            view: 0,
        })
        .await
        .expect_err("unknown article");
    assert_eq!(missing.code(), Code::NotFound);

    let bad_name = query
        .get_article(GetArticleRequest {
            name: "nonsense".into(),
            view: 0,
        })
        .await
        .expect_err("bad name");
    assert_eq!(bad_name.code(), Code::InvalidArgument);
    let violations = bad_name
        .get_details_bad_request()
        .expect("BadRequest")
        .field_violations;
    assert_eq!(violations[0].field, "name");

    let negative = query
        .list_statements(ListStatementsRequest {
            page_size: -1,
            ..Default::default()
        })
        .await
        .expect_err("negative page size");
    assert_eq!(negative.code(), Code::InvalidArgument);
    assert_eq!(
        negative
            .get_details_bad_request()
            .expect("BadRequest")
            .field_violations[0]
            .field,
        "page_size"
    );

    let tampered = query
        .list_trade_facts(ListTradeFactsRequest {
            page_token: "AQIDBAUGBwgJCgsMDQ4PEA".into(),
            ..Default::default()
        })
        .await
        .expect_err("tampered token");
    assert_eq!(tampered.code(), Code::InvalidArgument);
    assert_eq!(
        tampered
            .get_details_bad_request()
            .expect("BadRequest")
            .field_violations[0]
            .field,
        "page_token"
    );

    let country = query
        .list_trade_facts(ListTradeFactsRequest {
            country_code: "Mexico".into(),
            hs_code_prefix: "08x".into(),
            ..Default::default()
        })
        .await
        .expect_err("bad filters");
    let fields = common::violated_fields(&country);
    assert_eq!(fields, ["country_code", "hs_code_prefix"]);

    // A token is only valid with the filters it was issued for.
    let mut ingest = server.ingest().await;
    ingest_all(
        &mut ingest,
        fixture_articles().into_iter().map(Some).collect(),
    )
    .await;
    let first = query
        .list_articles(ListArticlesRequest {
            page_size: 1,
            ..Default::default()
        })
        .await
        .expect("first page")
        .into_inner();
    assert!(!first.next_page_token.is_empty());
    let changed = query
        .list_articles(ListArticlesRequest {
            page_size: 1,
            page_token: first.next_page_token,
            source: "Other".into(),
            ..Default::default()
        })
        .await
        .expect_err("filters changed under a token");
    assert_eq!(changed.code(), Code::InvalidArgument);
    server.stop().await;
}

/// A wire-style paragraph with a quotation that goes on after the sentence of its cue, and
/// an intention that is not speech.
const CONTINUED_QUOTE: &str = "LIMA, March 3 (Reuters) - \"We will not sign this deal,\" \
    Trade Minister Ana Ruiz said. \"Not this year, and not in this form.\"\n\
    The ministry wants to reopen the talks in the spring.";

/// The statements `newsfacts serve` started with `extra` flags finds in [`CONTINUED_QUOTE`],
/// asked over gRPC.
async fn statements_of_served(extra: &[&str]) -> Vec<newsfacts::api::v1::Statement> {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = sqlite_url(&dir);
    let (mut child, addr) = common::spawn_server(|command| {
        command.args(["--database-url", &url]).args(extra);
    });
    let channel = tonic::transport::Channel::from_shared(format!("http://{addr}"))
        .expect("url")
        .connect()
        .await
        .expect("connect");
    let mut client = newsfacts::api::v1::ingest_service_client::IngestServiceClient::new(channel);
    let article = client
        .analyze_article(newsfacts::api::v1::AnalyzeArticleRequest {
            article: Some(ArticleInput {
                external_id: "continued".into(),
                text: CONTINUED_QUOTE.into(),
                ..Default::default()
            }),
        })
        .await
        .expect("analyzed")
        .into_inner()
        .article
        .expect("article");
    child.kill().expect("stop the server");
    child.wait().expect("reap");
    article.statements
}

#[tokio::test]
async fn serve_splits_continued_quotes_unless_told_to_merge_them() {
    let separate = statements_of_served(&[]).await;
    let contents: Vec<&str> = separate.iter().map(|s| s.content.as_str()).collect();
    assert_eq!(
        contents,
        [
            "We will not sign this deal,",
            "Not this year, and not in this form."
        ]
    );

    let merged = statements_of_served(&["--continuations", "merged"]).await;
    assert_eq!(merged.len(), 1, "{merged:#?}");
    assert_eq!(
        merged[0].content,
        "We will not sign this deal, Not this year, and not in this form."
    );
    let speaker = merged[0].speaker.as_ref().expect("speaker");
    assert_eq!(speaker.name, "Ana Ruiz");
    assert!(merged[0].cue_is_speech);
}

#[tokio::test]
async fn serve_reports_intentions_only_when_told_to() {
    let all = statements_of_served(&["--attributions", "all"]).await;
    assert_eq!(all.len(), 3, "{all:#?}");
    let wants = &all[2];
    assert_eq!(wants.cue, "wants");
    assert_eq!(wants.content, "to reopen the talks in the spring");
    assert!(!wants.cue_is_speech);
    assert!(all[..2].iter().all(|s| s.cue_is_speech));
}
