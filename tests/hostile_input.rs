//! The hostile input catalogue: inputs meant to break the service, each with the outcome it
//! must have. gRPC cases run against the real server on an ephemeral port; CLI cases run the
//! built `newsfacts` binary. No case measures time: each must finish (a quadratic stage or a
//! hang would not, at these sizes) and give exactly the answer written here.

mod common;

use common::{TestServer, ingest_all, slice_chars, span_violations, sqlite_url, test_config};
use newsfacts::api::v1::{
    AnalyzeArticleRequest, Article, ArticleInput, ArticleView, GetArticleRequest,
    IngestArticlesResponse, IngestStatus, ListArticlesRequest, ListEntitiesRequest,
    ListStatementsRequest, ListTradeFactsRequest, ingest_service_client::IngestServiceClient,
    query_service_client::QueryServiceClient,
};
use newsfacts::pipeline::validate::{MAX_LABEL_BYTES, MAX_LABELS};
use pbjson_types::Timestamp;
use prost::Message;
use std::collections::HashMap;
use tonic::Code;
use tonic::transport::Channel;
use tonic_types::StatusExt;

/// The default article limit (`--max-article-bytes`), which the test server keeps.
const LIMIT: usize = 1024 * 1024;
/// `Timestamp.seconds` of 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
const FIRST_SECOND: i64 = -62_135_596_800;
const LAST_SECOND: i64 = 253_402_300_799;
/// Responses of a few MiB (an article at the size limit with its facts) must get through.
const CLIENT_LIMIT: usize = 64 * 1024 * 1024;

fn article(id: &str, text: &str) -> ArticleInput {
    ArticleInput {
        external_id: id.to_owned(),
        text: text.to_owned(),
        ..Default::default()
    }
}

fn english(id: &str, text: &str) -> ArticleInput {
    ArticleInput {
        language: "en".to_owned(),
        ..article(id, text)
    }
}

async fn ingest_client(server: &TestServer) -> IngestServiceClient<Channel> {
    server
        .ingest()
        .await
        .max_decoding_message_size(CLIENT_LIMIT)
}

async fn query_client(server: &TestServer) -> QueryServiceClient<Channel> {
    server.query().await.max_decoding_message_size(CLIENT_LIMIT)
}

async fn analyze(client: &mut IngestServiceClient<Channel>, input: ArticleInput) -> Article {
    let id = input.external_id.clone();
    let article = client
        .analyze_article(AnalyzeArticleRequest {
            article: Some(input),
        })
        .await
        .unwrap_or_else(|status| panic!("{id}: {status:?}"))
        .into_inner()
        .article
        .expect("article");
    let violations = span_violations(&article);
    assert!(violations.is_empty(), "{id}: {violations:#?}");
    article
}

/// The code, fields at fault and ErrorInfo reason of a rejected ack.
fn rejection(ack: &IngestArticlesResponse) -> (Code, Vec<String>, String) {
    assert_eq!(
        ack.status,
        IngestStatus::Rejected as i32,
        "{}",
        ack.external_id
    );
    let error = ack.error.as_ref().expect("a rejection carries a status");
    let mut fields = Vec::new();
    let mut reason = String::new();
    for detail in &error.details {
        if detail.type_url.ends_with("google.rpc.BadRequest") {
            let bad = tonic_types::pb::BadRequest::decode(detail.value.clone()).expect("decodes");
            fields.extend(bad.field_violations.into_iter().map(|v| v.field));
        } else if detail.type_url.ends_with("google.rpc.ErrorInfo") {
            reason = tonic_types::pb::ErrorInfo::decode(detail.value.clone())
                .expect("decodes")
                .reason;
        }
    }
    (Code::from_i32(error.code), fields, reason)
}

fn mention<'a>(article: &'a Article, entity_id: &str) -> &'a newsfacts::api::v1::Mention {
    article
        .entities
        .iter()
        .find(|e| e.entity_id == entity_id)
        .and_then(|e| e.mentions.first())
        .unwrap_or_else(|| panic!("no mention of {entity_id} in {:?}", article.text))
}

fn slice(article: &Article, span: Option<&newsfacts::api::v1::Span>) -> String {
    slice_chars(&article.text, span.expect("span")).expect("span within the text")
}

fn labels(n: usize, key_bytes: usize, value: &str) -> HashMap<String, String> {
    (0..n)
        .map(|i| {
            let key = format!("{i:0>width$}", width = key_bytes);
            (key, value.to_owned())
        })
        .collect()
}

/// A request and its expected outcome: `None` for CREATED, else the field and reason of an
/// INVALID_ARGUMENT rejection.
type Case = (Option<ArticleInput>, Option<(&'static str, &'static str)>);

#[tokio::test]
async fn invalid_articles_are_rejected_one_by_one_with_field_and_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start(&sqlite_url(&dir)).await;
    let mut client = ingest_client(&server).await;
    let at = |seconds, nanos| Some(Timestamp { seconds, nanos });
    let with_ts = |id: &str, ts: Option<Timestamp>| ArticleInput {
        published_at: ts,
        ..article(
            id,
            "LIMA, Dec. 31 (Reuters) - Peru said copper exports rose.",
        )
    };
    let with_labels = |id: &str, labels: HashMap<String, String>| ArticleInput {
        labels,
        ..article(id, "Peru said copper exports rose.")
    };
    let mut one_long_key = labels(1, MAX_LABEL_BYTES + 1, "v");
    one_long_key.insert("ok".into(), "v".into());
    let cases: Vec<Case> = vec![
        (
            Some(article("empty", "")),
            Some(("article.text", "TEXT_EMPTY")),
        ),
        (
            Some(article("blank", " \n\t\r\u{3000}\u{2003}\u{85}")),
            Some(("article.text", "TEXT_EMPTY")),
        ),
        (Some(article("one-char", "a")), None),
        (
            Some(article("nul", "Peru said\0 copper exports rose.")),
            Some(("article.text", "TEXT_HAS_NUL")),
        ),
        (
            Some(article(
                "control",
                "LIMA - Peru\u{1}\u{1b}[31m said\u{7f} copper\u{8} exports\u{200b} rose.\u{c}",
            )),
            None,
        ),
        (
            Some(article("over-ascii", &"a".repeat(LIMIT + 1))),
            Some(("article.text", "ARTICLE_TOO_LARGE")),
        ),
        // The limit counts UTF-8 bytes: half as many code points as bytes here.
        (
            Some(article(
                "over-bytes",
                &format!("{}a", "é".repeat(LIMIT / 2)),
            )),
            Some(("article.text", "ARTICLE_TOO_LARGE")),
        ),
        (
            Some(with_ts("year-9999", at(LAST_SECOND, 999_999_999))),
            None,
        ),
        (Some(with_ts("year-1", at(FIRST_SECOND, 0))), None),
        (
            Some(with_ts("after-9999", at(LAST_SECOND + 1, 0))),
            Some(("article.published_at", "TIMESTAMP_OUT_OF_RANGE")),
        ),
        (
            Some(with_ts("before-1", at(FIRST_SECOND - 1, 0))),
            Some(("article.published_at", "TIMESTAMP_OUT_OF_RANGE")),
        ),
        (
            Some(with_ts("i64-max", at(i64::MAX, 0))),
            Some(("article.published_at", "TIMESTAMP_OUT_OF_RANGE")),
        ),
        (
            Some(with_ts("nanos-over", at(0, 1_000_000_000))),
            Some(("article.published_at", "TIMESTAMP_OUT_OF_RANGE")),
        ),
        (
            Some(with_ts("nanos-negative", at(0, -1))),
            Some(("article.published_at", "TIMESTAMP_OUT_OF_RANGE")),
        ),
        (
            Some(with_labels(
                "labels-at-limit",
                labels(MAX_LABELS, MAX_LABEL_BYTES, &"v".repeat(MAX_LABEL_BYTES)),
            )),
            None,
        ),
        (
            Some(with_labels(
                "labels-too-many",
                labels(MAX_LABELS + 1, 8, "v"),
            )),
            Some(("article.labels", "LABELS_INVALID")),
        ),
        (
            Some(with_labels("labels-100k", labels(100_000, 8, "v"))),
            Some(("article.labels", "LABELS_INVALID")),
        ),
        (
            Some(with_labels("label-key-long", one_long_key)),
            Some(("article.labels", "LABELS_INVALID")),
        ),
        (
            Some(with_labels(
                "label-value-long",
                labels(1, 4, &"v".repeat(MAX_LABEL_BYTES + 1)),
            )),
            Some(("article.labels", "LABELS_INVALID")),
        ),
        (
            Some(with_labels(
                "label-key-empty",
                HashMap::from([(String::new(), "v".into())]),
            )),
            Some(("article.labels", "LABELS_INVALID")),
        ),
        (
            Some(with_labels("label-nul", labels(1, 4, "a\0b"))),
            Some(("article.labels", "LABELS_INVALID")),
        ),
        (
            Some(ArticleInput {
                title: "Copper\0".into(),
                ..article("title-nul", "Peru said copper exports rose.")
            }),
            Some(("article.title", "FIELD_INVALID")),
        ),
        (
            Some(ArticleInput {
                external_id: "x".repeat(1025),
                ..article("", "Peru said copper exports rose.")
            }),
            Some(("article.external_id", "EXTERNAL_ID_TOO_LONG")),
        ),
        (None, Some(("article", "ARTICLE_MISSING"))),
        (
            Some(article("last", "Chile said copper exports rose.")),
            None,
        ),
    ];
    let requests: Vec<Option<ArticleInput>> = cases.iter().map(|(r, _)| r.clone()).collect();
    let acks = ingest_all(&mut client, requests).await;
    assert_eq!(acks.len(), cases.len(), "one ack per request");
    for (i, ((request, expected), ack)) in cases.iter().zip(&acks).enumerate() {
        assert_eq!(ack.sequence, i as i64);
        let id = request.as_ref().map_or("", |r| r.external_id.as_str());
        if id.len() <= 1024 {
            assert_eq!(ack.external_id, id, "acks in request order");
        }
        match expected {
            None => assert_eq!(ack.status, IngestStatus::Created as i32, "{id}: {ack:?}"),
            Some((field, reason)) => assert_eq!(
                rejection(ack),
                (
                    Code::InvalidArgument,
                    vec![field.to_string()],
                    reason.to_string()
                ),
                "{id}"
            ),
        }
    }
    // What was created is stored exactly as sent, control characters and all.
    let mut query = query_client(&server).await;
    for ack in acks
        .iter()
        .filter(|a| a.status == IngestStatus::Created as i32)
    {
        let stored = query
            .get_article(GetArticleRequest {
                name: format!("articles/{}", ack.article_id),
                view: ArticleView::Full as i32,
            })
            .await
            .expect("get article")
            .into_inner()
            .article
            .expect("article");
        let sent = cases
            .iter()
            .filter_map(|(r, _)| r.as_ref())
            .find(|r| r.external_id == ack.external_id)
            .expect("sent");
        assert_eq!(stored.text, sent.text);
        assert_eq!(stored.labels, sent.labels);
        assert_eq!(stored.published_at, sent.published_at);
        assert!(span_violations(&stored).is_empty(), "{}", ack.external_id);
    }

    // AnalyzeArticle answers the same rejections as a status with every field at fault.
    let status = client
        .analyze_article(AnalyzeArticleRequest {
            article: Some(ArticleInput {
                published_at: at(LAST_SECOND + 1, 0),
                ..article("both", " ")
            }),
        })
        .await
        .expect_err("invalid");
    assert_eq!(status.code(), Code::InvalidArgument);
    let fields = common::violated_fields(&status);
    assert_eq!(fields, ["article.text", "article.published_at"]);
    let status = client
        .analyze_article(AnalyzeArticleRequest { article: None })
        .await
        .expect_err("missing");
    assert_eq!(status.code(), Code::InvalidArgument);
    server.stop().await;
}

#[tokio::test]
async fn datelines_resolve_within_years_1_to_9999() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start(&sqlite_url(&dir)).await;
    let mut client = ingest_client(&server).await;
    let dated = |text: &str, seconds| ArticleInput {
        published_at: Some(Timestamp { seconds, nanos: 0 }),
        ..english("dated", text)
    };
    let cases = [
        (
            "LIMA, Dec. 31 (Reuters) - Peru said.",
            LAST_SECOND,
            "9999-12-31",
        ),
        (
            "LIMA, Jan. 1 (Reuters) - Peru said.",
            LAST_SECOND,
            "9999-01-01",
        ),
        (
            "LIMA, Jan. 1 (Reuters) - Peru said.",
            FIRST_SECOND,
            "0001-01-01",
        ),
        // Would be the year 0, which no Timestamp (and no Python date) can hold.
        ("LIMA, Dec. 31 (Reuters) - Peru said.", FIRST_SECOND, ""),
        ("LIMA, Jan. 1, 0000 (Reuters) - Peru said.", 0, ""),
    ];
    for (text, seconds, resolved) in cases {
        let a = analyze(&mut client, dated(text, seconds)).await;
        let d = a.dateline.expect("dateline");
        assert_eq!(d.resolved_date, resolved, "{text} at {seconds}");
        assert_eq!(d.place, "LIMA");
    }
    server.stop().await;
}

#[tokio::test]
async fn pathological_texts_finish_with_the_right_answer() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start(&sqlite_url(&dir)).await;
    let mut client = ingest_client(&server).await;

    let a = analyze(&mut client, article("one", "a")).await;
    assert_eq!((a.text.as_str(), a.language.as_str()), ("a", "en"));
    assert!(a.dateline.is_none() && a.entities.is_empty() && a.statements.is_empty());

    // No cue, no speaker, no content: nothing to extract, and it must come back whole.
    for (id, text) in [
        ("quotes", "\"".repeat(100_000)),
        ("curly-quotes", "\u{201c}\u{201d}".repeat(50_000)),
        ("open-quotes", "\u{201c}".repeat(100_000)),
        ("said", "said ".repeat(100_000)),
        ("parentheses", "(".repeat(100_000)),
    ] {
        let a = analyze(&mut client, english(id, &text)).await;
        assert_eq!(a.text, text, "{id}");
        assert!(a.statements.is_empty(), "{id}: {:?}", a.statements.first());
        assert!(a.trade_facts.is_empty(), "{id}");
        assert!(a.entities.is_empty(), "{id}");
    }
    server.stop().await;
}

#[tokio::test]
async fn emoji_and_mixed_scripts_get_code_point_spans() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start(&sqlite_url(&dir)).await;
    let mut client = ingest_client(&server).await;

    let a = analyze(
        &mut client,
        article(
            "emoji",
            "LIMA, May 2 (Reuters) - 🚢 Peru will ship more copper to China 🇨🇳 this year, \
             Mining Minister Carlos Soto said on Tuesday. 👍",
        ),
    )
    .await;
    let d = a.dateline.as_ref().expect("dateline");
    assert_eq!(slice(&a, d.span.as_ref()), "LIMA, May 2 (Reuters) -");
    assert_eq!(slice(&a, mention(&a, "country/CN").span.as_ref()), "China");
    assert_eq!(a.statements.len(), 1);
    let s = &a.statements[0];
    assert_eq!(
        s.speaker.as_ref().map(|e| e.entity_id.as_str()),
        Some("person/carlos-soto")
    );
    assert_eq!(slice(&a, s.cue_span.as_ref()), "said");
    assert_eq!(
        s.content,
        "Peru will ship more copper to China 🇨🇳 this year"
    );
    assert_eq!(slice(&a, s.content_span.as_ref()), s.content);

    let arabic = "CAIRO, May 2 (Reuters) - Egypt will export more cotton to China this year, \
                  Trade Minister Ahmed Samir (أحمد سمير) said on Tuesday.";
    let a = analyze(&mut client, article("arabic", arabic)).await;
    assert_eq!(a.language, "en");
    let s = &a.statements[0];
    assert_eq!(
        s.speaker.as_ref().map(|e| e.entity_id.as_str()),
        Some("person/ahmed-samir")
    );
    // "said" sits after the Arabic name: its byte offset is larger than its code point one.
    let cue = s.cue_span.expect("cue span");
    assert_eq!(
        cue.start as usize,
        arabic.chars().count() - "said on Tuesday.".len()
    );
    assert_eq!(slice(&a, Some(&cue)), "said");
    let t = &a.trade_facts[0];
    assert_eq!(t.kind, newsfacts::api::v1::TradeFactKind::Export as i32);
    assert_eq!(
        t.exporter.as_ref().map(|e| e.entity_id.as_str()),
        Some("country/EG")
    );
    assert_eq!(
        t.importer.as_ref().map(|e| e.entity_id.as_str()),
        Some("country/CN")
    );

    // Right-to-left override characters around the clause change nothing but the offsets.
    let a = analyze(
        &mut client,
        article(
            "rtl-override",
            "CAIRO, May 2 (Reuters) - \u{202e}Egypt will export more cotton to China\u{202c}, \
             the minister said.",
        ),
    )
    .await;
    assert_eq!(slice(&a, mention(&a, "country/EG").span.as_ref()), "Egypt");
    assert_eq!(a.trade_facts.len(), 1);

    let cjk = "TOKYO, May 2 (Kyodo) -- 日本の輸出 Japan exported more cars to China (中国) last \
               year, the trade ministry said on Tuesday.";
    let a = analyze(&mut client, article("cjk", cjk)).await;
    assert_eq!(slice(&a, mention(&a, "country/JP").span.as_ref()), "Japan");
    assert_eq!(mention(&a, "country/JP").span.map(|s| s.start), Some(30));
    let s = &a.statements[0];
    assert_eq!(
        s.content,
        "日本の輸出 Japan exported more cars to China (中国) last year"
    );
    let t = &a.trade_facts[0];
    assert_eq!(
        t.exporter.as_ref().map(|e| e.entity_id.as_str()),
        Some("country/JP")
    );

    // English with a Hebrew name: detected as English, spans in code points.
    let hebrew = "JERUSALEM, May 2 (Reuters) - Israel will sell more potash to India, \
                  Economy Minister Nir Barkat (ניר ברקת) said.";
    let a = analyze(&mut client, article("hebrew", hebrew)).await;
    assert_eq!(a.language, "en");
    let s = &a.statements[0];
    assert_eq!(
        s.speaker.as_ref().map(|e| e.entity_id.as_str()),
        Some("person/nir-barkat")
    );
    assert_eq!(s.content, "Israel will sell more potash to India");
    assert_eq!(slice(&a, mention(&a, "country/IN").span.as_ref()), "India");
    assert_eq!(slice(&a, s.cue_span.as_ref()), "said");

    // More Hebrew: too little of the text is ASCII for detection to call it English, so
    // without a language it gets a warning and no facts (its dateline is still read);
    // declared English, it is analyzed.
    let more_hebrew = "JERUSALEM, May 2 (Reuters) - ״שלום״ Israel will sell more potash to India, \
                       Economy Minister Nir Barkat (ניר ברקת) said.";
    let a = analyze(&mut client, article("more-hebrew", more_hebrew)).await;
    assert_eq!(a.language, "und");
    assert_eq!(a.warnings.len(), 1);
    assert!(a.statements.is_empty() && a.entities.is_empty());
    assert_eq!(a.dateline.map(|d| d.place), Some("JERUSALEM".to_owned()));
    let a = analyze(&mut client, english("more-hebrew-en", more_hebrew)).await;
    let s = &a.statements[0];
    assert_eq!(
        s.speaker.as_ref().map(|e| e.entity_id.as_str()),
        Some("person/nir-barkat")
    );
    assert_eq!(slice(&a, mention(&a, "country/IL").span.as_ref()), "Israel");
    server.stop().await;
}

/// A one-million-character sentence is under the limit (1 MiB) and is extracted; the text
/// exactly at the limit is answered in full (its facts take more room than the request did:
/// a 4 MiB response limit refused it with OUT_OF_RANGE); one byte more is rejected.
#[tokio::test]
async fn long_texts_under_and_at_the_limit_are_answered() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start(&sqlite_url(&dir)).await;
    let mut client = ingest_client(&server).await;

    let unit = "Peru exports copper to China and ";
    let mut sentence = unit.repeat(1_000_000 / unit.len() + 1);
    sentence.truncate(999_999);
    sentence.push('.');
    assert_eq!(sentence.chars().count(), 1_000_000);
    let a = analyze(&mut client, english("sentence", &sentence)).await;
    assert_eq!(a.text.len(), sentence.len());
    let t = a.trade_facts.first().expect("a trade fact");
    assert_eq!(t.kind, newsfacts::api::v1::TradeFactKind::Export as i32);
    assert_eq!(t.exporter.as_ref().map(|e| e.name.as_str()), Some("Peru"));
    assert_eq!(t.importer.as_ref().map(|e| e.name.as_str()), Some("China"));

    let names = "China Mexico Peru Japan ";
    let mut at_limit = names.repeat(LIMIT / names.len() + 1);
    at_limit.truncate(LIMIT);
    let a = analyze(&mut client, english("at-limit", &at_limit)).await;
    assert_eq!(a.text.len(), LIMIT);
    let china = a
        .entities
        .iter()
        .find(|e| e.entity_id == "country/CN")
        .expect("China");
    assert_eq!(china.mentions.len(), LIMIT / names.len() + 1);

    // Stored, it can be read back whole.
    let over = format!("{at_limit}x");
    let acks = ingest_all(
        &mut client,
        vec![
            Some(english("at-limit", &at_limit)),
            Some(english("over", &over)),
        ],
    )
    .await;
    assert_eq!(acks[0].status, IngestStatus::Created as i32);
    assert_eq!(
        rejection(&acks[1]),
        (
            Code::InvalidArgument,
            vec!["article.text".to_owned()],
            "ARTICLE_TOO_LARGE".to_owned()
        )
    );
    let stored = query_client(&server)
        .await
        .get_article(GetArticleRequest {
            name: format!("articles/{}", acks[0].article_id),
            view: ArticleView::Full as i32,
        })
        .await
        .expect("an article at the limit can be read back")
        .into_inner()
        .article
        .expect("article");
    assert_eq!(stored.entities.len(), a.entities.len());
    server.stop().await;
}

#[tokio::test]
async fn a_response_over_the_limit_is_resource_exhausted_with_a_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = test_config();
    config.pipeline.limits.max_text_bytes = 100_000;
    config.max_message_bytes = 200_000;
    config.max_response_bytes = 200_000;
    let server = TestServer::start_with(&sqlite_url(&dir), config).await;
    let mut client = ingest_client(&server).await;
    let text = "China Mexico Peru Japan ".repeat(4_000);
    let status = client
        .analyze_article(AnalyzeArticleRequest {
            article: Some(english("dense", &text)),
        })
        .await
        .expect_err("the facts take more than 200,000 bytes");
    assert_eq!(status.code(), Code::ResourceExhausted);
    assert_eq!(
        status.get_details_error_info().expect("ErrorInfo").reason,
        "RESPONSE_TOO_LARGE"
    );
    // The server goes on answering.
    let a = analyze(&mut client, english("small", "Peru said exports rose.")).await;
    assert_eq!(a.text, "Peru said exports rose.");
    server.stop().await;
}

fn assert_bad_field(status: &tonic::Status, field: &str, what: &str) {
    assert_eq!(status.code(), Code::InvalidArgument, "{what}: {status:?}");
    let violations = status
        .get_details_bad_request()
        .unwrap_or_else(|| panic!("{what}: no BadRequest"))
        .field_violations;
    assert_eq!(violations.len(), 1, "{what}");
    assert_eq!(violations[0].field, field, "{what}");
}

#[tokio::test]
async fn tampered_page_tokens_and_negative_page_sizes_are_invalid_argument() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start(&sqlite_url(&dir)).await;
    let acks = ingest_all(
        &mut server.ingest().await,
        ["a", "b", "c"]
            .into_iter()
            .map(|id| Some(article(id, &format!("Peru said exports of {id} rose."))))
            .collect(),
    )
    .await;
    assert!(
        acks.iter()
            .all(|a| a.status == IngestStatus::Created as i32)
    );
    let mut query = query_client(&server).await;
    let first = query
        .list_articles(ListArticlesRequest {
            page_size: 1,
            ..Default::default()
        })
        .await
        .expect("first page")
        .into_inner();
    let token = first.next_page_token;
    assert!(!token.is_empty());

    let mut tampered: Vec<(String, String)> = Vec::new();
    for i in 0..token.len() {
        // Change one character of the token to another of the URL-safe alphabet.
        let mut bytes = token.clone().into_bytes();
        bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
        tampered.push((
            format!("char {i} changed"),
            String::from_utf8(bytes).expect("ascii"),
        ));
    }
    tampered.extend([
        ("truncated".to_owned(), token[..token.len() - 1].to_owned()),
        ("extended".to_owned(), format!("{token}AA")),
        ("padded".to_owned(), format!("{token}=")),
        (
            "standard base64".to_owned(),
            token.replace('-', "+").replace('_', "/") + "+/",
        ),
        ("not base64".to_owned(), "!!not a token!!".to_owned()),
        ("random".to_owned(), "AQIDBAUGBwgJCgsMDQ4PEA".to_owned()),
        ("huge".to_owned(), "A".repeat(100_000)),
        ("NUL".to_owned(), format!("{token}\0")),
        ("non-ASCII".to_owned(), format!("{token}é")),
    ]);
    for (what, bad) in &tampered {
        if bad == &token {
            continue;
        }
        let status = query
            .list_articles(ListArticlesRequest {
                page_size: 1,
                page_token: bad.clone(),
                ..Default::default()
            })
            .await
            .expect_err(what);
        assert_bad_field(&status, "page_token", what);
    }
    // A real token of one list is no token of another.
    let status = query
        .list_statements(ListStatementsRequest {
            page_token: token.clone(),
            ..Default::default()
        })
        .await
        .expect_err("token of another list");
    assert_bad_field(
        &status,
        "page_token",
        "token of ListArticles on ListStatements",
    );
    // The untouched token still works.
    let second = query
        .list_articles(ListArticlesRequest {
            page_size: 1,
            page_token: token,
            ..Default::default()
        })
        .await
        .expect("second page")
        .into_inner();
    assert_eq!(second.articles.len(), 1);

    for size in [-1, -50, i32::MIN] {
        let what = format!("page_size {size}");
        let e = query
            .list_articles(ListArticlesRequest {
                page_size: size,
                ..Default::default()
            })
            .await
            .expect_err(&what);
        assert_bad_field(&e, "page_size", &what);
        let e = query
            .list_statements(ListStatementsRequest {
                page_size: size,
                ..Default::default()
            })
            .await
            .expect_err(&what);
        assert_bad_field(&e, "page_size", &what);
        let e = query
            .list_trade_facts(ListTradeFactsRequest {
                page_size: size,
                ..Default::default()
            })
            .await
            .expect_err(&what);
        assert_bad_field(&e, "page_size", &what);
        let e = query
            .list_entities(ListEntitiesRequest {
                page_size: size,
                ..Default::default()
            })
            .await
            .expect_err(&what);
        assert_bad_field(&e, "page_size", &what);
    }
    // The largest page size is clamped, not refused.
    let all = query
        .list_articles(ListArticlesRequest {
            page_size: i32::MAX,
            ..Default::default()
        })
        .await
        .expect("clamped")
        .into_inner();
    assert_eq!(all.articles.len(), 3);
    server.stop().await;
}

/// Runs `newsfacts extract` with `args` on `input` and returns its output lines, parsed.
fn run_cli_extract(input: &[u8], args: &[&str]) -> Vec<serde_json::Value> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("input.jsonl");
    std::fs::write(&path, input).expect("write input");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_newsfacts"))
        .arg("extract")
        .args(args)
        .arg(&path)
        .env("NEWSFACTS_LOG", "error")
        .output()
        .expect("run newsfacts extract");
    assert!(output.status.success(), "exit {:?}", output.status);
    String::from_utf8(output.stdout)
        .expect("UTF-8 output")
        .lines()
        .map(|l| serde_json::from_str(l).expect("each output line is JSON"))
        .collect()
}

/// The code, message, BadRequest fields and ErrorInfo reason of a CLI error line.
fn cli_error(line: &serde_json::Value) -> (i64, String, Vec<String>, String) {
    use base64::Engine;
    let error = &line["error"];
    let mut fields = Vec::new();
    let mut reason = String::new();
    for detail in error["details"].as_array().expect("details") {
        let value = base64::engine::general_purpose::STANDARD
            .decode(detail["value"].as_str().expect("value"))
            .expect("base64");
        let type_url = detail["typeUrl"].as_str().expect("typeUrl");
        if type_url.ends_with("google.rpc.BadRequest") {
            let bad = tonic_types::pb::BadRequest::decode(value.as_slice()).expect("decodes");
            fields.extend(bad.field_violations.into_iter().map(|v| v.field));
        } else if type_url.ends_with("google.rpc.ErrorInfo") {
            reason = tonic_types::pb::ErrorInfo::decode(value.as_slice())
                .expect("decodes")
                .reason;
        }
    }
    (
        error["code"].as_i64().expect("code"),
        error["message"].as_str().expect("message").to_owned(),
        fields,
        reason,
    )
}

#[test]
fn cli_extract_merges_continued_quotes_when_asked() {
    let input =
        "{\"text\":\"\\\"We will not sign this deal,\\\" Ruiz said. \\\"Not this year.\\\"\"}\n";
    let count = |lines: &[serde_json::Value]| {
        lines[0]["article"]["statements"]
            .as_array()
            .map_or(0, Vec::len)
    };
    assert_eq!(count(&run_cli_extract(input.as_bytes(), &[])), 2);
    let merged = run_cli_extract(input.as_bytes(), &["--continuations", "merged"]);
    assert_eq!(count(&merged), 1);
    assert_eq!(
        merged[0]["article"]["statements"][0]["content"],
        "We will not sign this deal, Not this year."
    );
    // An unknown value is refused by the command line, before any input is read.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_newsfacts"))
        .args(["extract", "--continuations", "sometimes"])
        .output()
        .expect("run newsfacts extract");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("separate"));
}

#[test]
fn cli_extract_reports_thoughts_and_intentions_when_asked() {
    let input =
        "{\"text\":\"The governor wants to raise the minimum wage before the election.\"}\n";
    let statements = |lines: &[serde_json::Value]| {
        lines[0]["article"]["statements"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    };
    assert!(statements(&run_cli_extract(input.as_bytes(), &[])).is_empty());
    let all = statements(&run_cli_extract(
        input.as_bytes(),
        &["--attributions", "all"],
    ));
    assert_eq!(all.len(), 1, "{all:#?}");
    assert_eq!(all[0]["cue"], "wants");
    assert_eq!(
        all[0]["content"],
        "to raise the minimum wage before the election"
    );
    // proto3 JSON leaves a false boolean out.
    assert!(all[0].get("cueIsSpeech").is_none_or(|v| v == false));
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_newsfacts"))
        .args(["extract", "--attributions", "beliefs"])
        .output()
        .expect("run newsfacts extract");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("speech"));
}

#[test]
fn cli_extract_answers_every_line_even_the_unreadable_ones() {
    let mut input = Vec::new();
    input.extend_from_slice(
        b"{\"externalId\":\"first\",\"text\":\"Peru said copper exports to China rose.\"}\n",
    );
    input.extend_from_slice(
        b"{\"externalId\":\"bad-utf8\",\"text\":\"Peru \xff\xfe said \xc3\x28.\"}\n",
    );
    input.extend_from_slice(b"{\"externalId\":\"unterminated\",\"text\":\"Peru said\n");
    input.extend_from_slice(b"\n   \r\n");
    input.extend_from_slice(b"[\"an\", \"array\"]\n");
    input.extend_from_slice(b"{\"externalId\":\"year-10000\",\"text\":\"x\",\"publishedAt\":\"10000-01-01T00:00:00Z\"}\n");
    input.extend_from_slice(b"{\"externalId\":\"year-9999\",\"text\":\"LIMA, Dec. 31 (Reuters) - Peru said.\",\"publishedAt\":\"9999-12-31T23:59:59Z\"}\n");
    input.extend_from_slice(b"{\"externalId\":\"nul\",\"text\":\"a\\u0000b\"}\n");
    input.extend_from_slice(b"{\"externalId\":\"surrogate\",\"text\":\"lone \\ud800 half\"}\n");
    input.extend_from_slice(b"{\"externalId\":\"unknown-field\",\"text\":\"x\",\"body\":\"y\"}\n");
    input.extend_from_slice(b"{\"externalId\":\"empty\",\"text\":\"\"}\n");
    input.extend_from_slice(b"\xef\xbb\xbf{\"externalId\":\"bom\",\"text\":\"x\"}\n");
    input.extend_from_slice(
        b"{\"externalId\":\"last\",\"text\":\"Chile said copper exports rose.\"}",
    );
    let lines = run_cli_extract(&input, &[]);
    assert_eq!(
        lines.len(),
        12,
        "one line per non-blank input line: {lines:#?}"
    );
    let id = |i: usize| {
        lines[i]["article"]["externalId"]
            .as_str()
            .map(str::to_owned)
    };
    assert_eq!(id(0).as_deref(), Some("first"));
    assert!(lines[0]["article"]["statements"].is_array());
    let invalid_json = |i: usize, needle: &str| {
        let (code, message, fields, reason) = cli_error(&lines[i]);
        assert_eq!(
            (code, fields, reason.as_str()),
            (3, vec!["article".to_owned()], "INVALID_JSON"),
            "line {i}"
        );
        assert!(message.contains(needle), "line {i}: {message}");
    };
    invalid_json(1, "invalid UTF-8");
    invalid_json(2, "EOF while parsing");
    invalid_json(3, "invalid type: sequence");
    invalid_json(4, "invalid ArticleInput JSON");
    assert_eq!(id(5).as_deref(), Some("year-9999"));
    assert_eq!(
        lines[5]["article"]["dateline"]["resolvedDate"].as_str(),
        Some("9999-12-31")
    );
    let (code, _, fields, reason) = cli_error(&lines[6]);
    assert_eq!(
        (code, fields, reason.as_str()),
        (3, vec!["article.text".to_owned()], "TEXT_HAS_NUL")
    );
    invalid_json(7, "invalid ArticleInput JSON");
    invalid_json(8, "unknown field `body`");
    let (code, _, fields, reason) = cli_error(&lines[9]);
    assert_eq!(
        (code, fields, reason.as_str()),
        (3, vec!["article.text".to_owned()], "TEXT_EMPTY")
    );
    invalid_json(10, "invalid ArticleInput JSON");
    assert_eq!(id(11).as_deref(), Some("last"));
}

#[test]
fn cli_extract_limit_counts_bytes() {
    let input =
        "{\"text\":\"0123456789\"}\n{\"text\":\"0123456789a\"}\n{\"text\":\"012345678é\"}\n";
    let lines = run_cli_extract(input.as_bytes(), &["--max-article-bytes", "10"]);
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["article"]["text"].as_str(), Some("0123456789"));
    for i in [1, 2] {
        let (code, message, fields, reason) = cli_error(&lines[i]);
        assert_eq!(
            (code, fields, reason.as_str()),
            (3, vec!["article.text".to_owned()], "ARTICLE_TOO_LARGE")
        );
        assert!(
            message.contains("is 11 bytes; the limit is 10 bytes"),
            "{message}"
        );
    }
}
