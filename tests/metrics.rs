//! Metrics: the real server, in-process, with `/metrics` on a port of its own. One test per
//! process, because the Prometheus recorder is process-wide: the counts it asserts are exact.

mod common;

use common::{fixture_articles, ingest_all, sqlite_url, test_config};
use newsfacts::api::v1::{
    AnalyzeArticleRequest, ArticleInput, GetArticleRequest, IngestArticlesRequest, IngestStatus,
    ListArticlesRequest, WatchFactsRequest, ingest_service_client::IngestServiceClient,
    query_service_client::QueryServiceClient,
};
use newsfacts::server::{Listeners, serve_listeners};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::oneshot;
use tonic::transport::Channel;

/// One sample of a scrape: metric name, labels, value.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

/// A parsed `/metrics` answer.
struct Scrape {
    content_type: String,
    samples: Vec<Sample>,
}

impl Scrape {
    /// The value of the one sample named `name` whose labels include `labels`.
    fn value(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        let matching: Vec<&Sample> = self
            .samples
            .iter()
            .filter(|s| {
                s.name == name
                    && labels
                        .iter()
                        .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
            })
            .collect();
        assert!(
            matching.len() <= 1,
            "{name} {labels:?} matches several samples: {matching:?}"
        );
        matching.first().map(|s| s.value)
    }

    /// Like [`Scrape::value`], but the sample must be there.
    fn get(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.value(name, labels)
            .unwrap_or_else(|| panic!("no sample {name} {labels:?}"))
    }
}

/// Parses the Prometheus text format (what this exporter writes of it: no escapes in label
/// values, no timestamps).
fn parse(text: &str) -> Vec<Sample> {
    let mut samples = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (series, value) = line.rsplit_once(' ').expect("a sample line has a value");
        let value: f64 = value.parse().expect("a numeric value");
        let (name, labels) = match series.split_once('{') {
            None => (series, BTreeMap::new()),
            Some((name, rest)) => {
                let body = rest.strip_suffix('}').expect("labels end with }");
                let labels = body
                    .split("\",")
                    .filter(|pair| !pair.is_empty())
                    .map(|pair| {
                        let (key, value) = pair.split_once("=\"").expect("key=\"value\"");
                        (key.to_owned(), value.trim_end_matches('"').to_owned())
                    })
                    .collect();
                (name, labels)
            }
        };
        samples.push(Sample {
            name: name.to_owned(),
            labels,
            value,
        });
    }
    samples
}

/// `GET /metrics` over a plain HTTP/1.0 connection.
async fn scrape(addr: SocketAddr) -> Scrape {
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connect to metrics");
    stream
        .write_all(b"GET /metrics HTTP/1.0\r\nHost: metrics\r\n\r\n")
        .await
        .expect("send request");
    let mut raw = String::new();
    stream
        .read_to_string(&mut raw)
        .await
        .expect("read response");
    let (head, body) = raw.split_once("\r\n\r\n").expect("headers end");
    assert!(head.starts_with("HTTP/1.0 200"), "metrics answer: {head}");
    let content_type = head
        .lines()
        .find_map(|l| l.strip_prefix("content-type: "))
        .unwrap_or_default()
        .to_owned();
    Scrape {
        content_type,
        samples: parse(body),
    }
}

const INGEST: [(&str, &str); 2] = [
    ("grpc_service", "newsfacts.v1.IngestService"),
    ("grpc_method", "IngestArticles"),
];

fn handled<'a>(service: &'a str, method: &'a str, code: &'a str) -> [(&'a str, &'a str); 3] {
    [
        ("grpc_service", service),
        ("grpc_method", method),
        ("grpc_code", code),
    ]
}

#[tokio::test]
async fn a_scrape_counts_calls_by_method_and_code_stages_queues_and_stored_facts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = newsfacts::store::open(&sqlite_url(&dir))
        .await
        .expect("open store");
    let grpc = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let metrics = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let (grpc_addr, metrics_addr) = (grpc.local_addr().unwrap(), metrics.local_addr().unwrap());
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(serve_listeners(
        store,
        Listeners {
            grpc,
            metrics: Some(metrics),
        },
        test_config(),
        newsfacts::pipeline::default_extractor(),
        async move {
            let _ = stopped.await;
        },
    ));
    let channel = Channel::from_shared(format!("http://{grpc_addr}"))
        .unwrap()
        .connect()
        .await
        .expect("connect");
    let mut ingest = IngestServiceClient::new(channel.clone());
    let mut query = QueryServiceClient::new(channel.clone());

    // A successful stream: its status (OK) comes in the trailers.
    let articles = fixture_articles();
    let acks = ingest_all(&mut ingest, articles.iter().cloned().map(Some).collect()).await;
    assert!(
        acks.iter()
            .all(|a| a.status == IngestStatus::Created as i32)
    );
    let statements: i64 = acks.iter().map(|a| a.statement_count as i64).sum();
    let trade_facts: i64 = acks.iter().map(|a| a.trade_fact_count as i64).sum();
    assert!(statements > 0 && trade_facts > 0, "the fixtures have facts");

    // Errors returned by handlers are trailers-only answers: the status is in the headers.
    let invalid = ingest
        .analyze_article(AnalyzeArticleRequest {
            article: Some(ArticleInput::default()),
        })
        .await
        .expect_err("an empty article is invalid");
    assert_eq!(invalid.code(), tonic::Code::InvalidArgument);
    let missing = query
        .get_article(GetArticleRequest {
            name: "articles/nope".into(),
            ..Default::default()
        })
        .await
        .expect_err("no such article");
    assert_eq!(missing.code(), tonic::Code::NotFound);
    query
        .list_articles(ListArticlesRequest::default())
        .await
        .expect("list");

    // A made-up path is counted, under "unknown" rather than a series of its own.
    let mut raw = tonic::client::Grpc::new(channel.clone());
    raw.ready().await.expect("ready");
    let unimplemented = raw
        .unary::<ListArticlesRequest, newsfacts::api::v1::ListArticlesResponse, _>(
            tonic::Request::new(ListArticlesRequest::default()),
            http::uri::PathAndQuery::from_static("/made.up.v1.NoService/NoMethod"),
            tonic_prost::ProstCodec::default(),
        )
        .await
        .expect_err("no such method");
    assert_eq!(unimplemented.code(), tonic::Code::Unimplemented);

    // A stream the client walks away from counts as cancelled.
    let watch = query
        .watch_facts(WatchFactsRequest::default())
        .await
        .expect("watch");
    drop(watch);

    // While an ingest stream is open, it shows in the gauge.
    let (requests, receiver) = tokio::sync::mpsc::channel(4);
    requests
        .send(IngestArticlesRequest {
            article: Some(articles[0].clone()),
        })
        .await
        .unwrap();
    let mut open_acks = ingest
        .ingest_articles(tokio_stream::wrappers::ReceiverStream::new(receiver))
        .await
        .expect("second stream")
        .into_inner();
    let ack = open_acks.message().await.expect("ack").expect("one ack");
    assert_eq!(ack.status, IngestStatus::Duplicate as i32);
    let during = scrape(metrics_addr).await;
    assert_eq!(during.get("newsfacts_ingest_streams_open", &[]), 1.0);
    assert_eq!(during.get("newsfacts_analyses_in_flight", &[]), 0.0);
    drop(requests);
    assert!(open_acks.message().await.expect("end").is_none());

    // The cancellation reaches the server when it next polls the watch; wait for it (bounded).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let after = loop {
        let scrape = scrape(metrics_addr).await;
        let cancelled = scrape.value(
            "grpc_server_handled_total",
            &handled("newsfacts.v1.QueryService", "WatchFacts", "Canceled"),
        );
        if cancelled.is_some() || tokio::time::Instant::now() > deadline {
            break scrape;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };

    assert_eq!(
        after.content_type,
        "text/plain; version=0.0.4; charset=utf-8"
    );
    let h = "grpc_server_handled_total";
    assert_eq!(
        after.get(
            h,
            &handled("newsfacts.v1.IngestService", "IngestArticles", "OK")
        ),
        2.0
    );
    assert_eq!(
        after.get(
            h,
            &handled(
                "newsfacts.v1.IngestService",
                "AnalyzeArticle",
                "InvalidArgument"
            )
        ),
        1.0
    );
    assert_eq!(
        after.get(
            h,
            &handled("newsfacts.v1.QueryService", "GetArticle", "NotFound")
        ),
        1.0
    );
    assert_eq!(
        after.get(
            h,
            &handled("newsfacts.v1.QueryService", "ListArticles", "OK")
        ),
        1.0
    );
    assert_eq!(
        after.get(h, &handled("unknown", "unknown", "Unimplemented")),
        1.0
    );
    assert_eq!(
        after.get(
            h,
            &handled("newsfacts.v1.QueryService", "WatchFacts", "Canceled")
        ),
        1.0,
        "the dropped watch counts as cancelled"
    );
    assert_eq!(
        after.value(
            h,
            &handled("newsfacts.v1.IngestService", "IngestArticles", "Canceled")
        ),
        None,
        "finished streams are not counted as cancelled"
    );
    assert_eq!(
        after.get(
            "grpc_server_started_total",
            &[INGEST[0], INGEST[1], ("grpc_type", "bidi_stream")]
        ),
        2.0
    );
    assert_eq!(
        after.get("grpc_server_handling_seconds_count", &INGEST),
        2.0
    );
    assert_eq!(
        after.get(
            "grpc_server_handling_seconds_bucket",
            &[INGEST[0], INGEST[1], ("le", "+Inf")]
        ),
        2.0
    );

    // What was stored, from the store's own outcomes.
    let n = articles.len() as f64;
    assert_eq!(after.get("newsfacts_articles_stored_total", &[]), n);
    assert_eq!(
        after.get("newsfacts_statements_stored_total", &[]),
        statements as f64
    );
    assert_eq!(
        after.get("newsfacts_trade_facts_stored_total", &[]),
        trade_facts as f64
    );
    assert_eq!(
        after.get("newsfacts_ingest_acks_total", &[("status", "created")]),
        n
    );
    assert_eq!(
        after.get("newsfacts_ingest_acks_total", &[("status", "duplicate")]),
        1.0
    );

    // Pipeline stages and the commit queue: every new article was extracted and waited for a
    // commit once; the duplicate was found in the store instead.
    let stage = "newsfacts_pipeline_stage_duration_seconds_count";
    assert_eq!(after.get(stage, &[("stage", "extract")]), n);
    assert_eq!(after.get(stage, &[("stage", "commit_wait")]), n);
    assert!(after.get(stage, &[("stage", "commit")]) >= 1.0);
    assert_eq!(after.get("newsfacts_commit_batch_articles_sum", &[]), n);
    assert_eq!(after.get("newsfacts_commit_queue_depth", &[]), 0.0);
    assert_eq!(after.get("newsfacts_ingest_streams_open", &[]), 0.0);

    // Store latency, by operation and outcome.
    let store = "newsfacts_store_operation_duration_seconds_count";
    assert_eq!(
        after.get(
            store,
            &[("operation", "find_article_id"), ("outcome", "ok")]
        ),
        n + 1.0
    );
    assert!(
        after.get(
            store,
            &[("operation", "insert_articles"), ("outcome", "ok")]
        ) >= 1.0
    );
    assert_eq!(
        after.get(store, &[("operation", "get_article"), ("outcome", "ok")]),
        1.0
    );

    assert_eq!(
        after.get(
            "newsfacts_build_info",
            &[("version", env!("CARGO_PKG_VERSION"))]
        ),
        1.0
    );

    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(30), server)
        .await
        .expect("server stops")
        .expect("server task")
        .expect("server result");
}
