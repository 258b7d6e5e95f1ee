//! Store faults: PostgreSQL goes away in the middle of an ingest stream and comes back.
//!
//! The server reaches PostgreSQL through a TCP proxy that this test can cut, as a database
//! restart or a network partition would. While it is cut, the stream ends with UNAVAILABLE and
//! retry information, queries answer UNAVAILABLE, and nothing half-written is stored; once it
//! is back, the same server (no restart) reconnects and what was not acknowledged can be sent
//! again.

mod common;

use common::{TestServer, fixture_articles, test_config};
use newsfacts::api::v1::{
    ArticleInput, ArticleView, IngestArticlesRequest, IngestStatus, ListArticlesRequest,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tonic::Code;
use tonic_types::StatusExt;

/// A TCP proxy to one upstream address that can be cut (every open connection closed, new
/// ones closed at once) and restored.
struct Proxy {
    port: u16,
    up: Arc<AtomicBool>,
    cut: Arc<Notify>,
}

impl Proxy {
    async fn start(upstream: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let port = listener.local_addr().expect("addr").port();
        let up = Arc::new(AtomicBool::new(true));
        let cut = Arc::new(Notify::new());
        let (up2, cut2) = (up.clone(), cut.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    return;
                };
                if !up2.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let upstream = upstream.clone();
                let cut = cut2.clone();
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(&upstream).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        () = cut.notified() => {}
                    }
                });
            }
        });
        Self { port, up, cut }
    }

    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        self.cut.notify_waiters();
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

/// `url` with its `host:port` replaced by the proxy's.
fn through(url: &str, port: u16) -> (String, String) {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let authority_start = url[after_scheme..]
        .find('@')
        .map_or(after_scheme, |i| after_scheme + i + 1);
    let authority_end = url[authority_start..]
        .find('/')
        .map_or(url.len(), |i| authority_start + i);
    let upstream = url[authority_start..authority_end].to_owned();
    let upstream = if upstream.contains(':') {
        upstream
    } else {
        format!("{upstream}:5432")
    };
    let proxied = format!(
        "{}127.0.0.1:{port}{}",
        &url[..authority_start],
        &url[authority_end..]
    );
    (proxied, upstream)
}

fn numbered(i: usize) -> ArticleInput {
    let stories = fixture_articles();
    ArticleInput {
        external_id: format!("fault-{i:04}"),
        ..stories[i % stories.len()].clone()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_outage_gives_unavailable_and_the_server_reconnects() {
    let Some((url, _guard)) = common::pg::temp_database("the store fault test").await else {
        return;
    };
    let (probe, upstream) = through(&url, 0);
    drop(probe);
    let proxy = Proxy::start(upstream).await;
    let (proxied, _) = through(&url, proxy.port);
    let server = TestServer::start_with(&proxied, test_config()).await;
    let mut ingest = server.ingest().await;
    let mut query = server.query().await;

    // Before the outage: stored and acknowledged.
    let acks = common::ingest_all(&mut ingest, (0..5).map(|i| Some(numbered(i))).collect()).await;
    assert!(
        acks.iter()
            .all(|a| a.status == IngestStatus::Created as i32)
    );

    // The outage, with a stream open: it ends with UNAVAILABLE and retry information.
    proxy.cut();
    let requests: Vec<IngestArticlesRequest> = (5..25)
        .map(|i| IngestArticlesRequest {
            article: Some(numbered(i)),
        })
        .collect();
    let mut acked_during = Vec::new();
    let ended = match ingest.ingest_articles(tokio_stream::iter(requests)).await {
        Err(status) => status,
        Ok(response) => {
            let mut acks = response.into_inner();
            loop {
                match acks.message().await {
                    Ok(Some(ack)) => acked_during.push(ack),
                    Ok(None) => panic!("the stream ended well although the store was down"),
                    Err(status) => break status,
                }
            }
        }
    };
    assert_eq!(ended.code(), Code::Unavailable, "{ended:?}");
    assert!(ended.get_details_retry_info().is_some(), "RetryInfo detail");
    assert!(
        acked_during.is_empty(),
        "nothing can be acknowledged without the store"
    );

    let listed = query
        .list_articles(ListArticlesRequest::default())
        .await
        .expect_err("queries fail while the store is down");
    assert_eq!(listed.code(), Code::Unavailable);

    // The database comes back; the same server reconnects.
    proxy.restore();
    let mut resent = None;
    for _ in 0..60 {
        let requests: Vec<Option<ArticleInput>> = (0..25).map(|i| Some(numbered(i))).collect();
        let requests = requests
            .into_iter()
            .map(|article| IngestArticlesRequest { article });
        if let Ok(response) = ingest.ingest_articles(tokio_stream::iter(requests)).await {
            let mut acks = response.into_inner();
            let mut all = Vec::new();
            let mut broke = false;
            loop {
                match acks.message().await {
                    Ok(Some(ack)) => all.push(ack),
                    Ok(None) => break,
                    Err(_) => {
                        broke = true;
                        break;
                    }
                }
            }
            if !broke {
                resent = Some(all);
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let resent = resent.expect("the server reconnects once PostgreSQL is back");
    assert_eq!(resent.len(), 25);
    for (i, ack) in resent.iter().enumerate() {
        let status = IngestStatus::try_from(ack.status).unwrap_or_default();
        if i < 5 {
            assert_eq!(
                status,
                IngestStatus::Duplicate,
                "stored before the outage: {ack:?}"
            );
        } else {
            // CREATED, or DUPLICATE when an earlier attempt after the outage stored it and
            // then broke: either way it is stored once (the count below).
            assert!(
                matches!(status, IngestStatus::Created | IngestStatus::Duplicate),
                "article {i}: {ack:?}"
            );
        }
    }

    // Every stored article is whole: its facts as the first five had them.
    let page = query
        .list_articles(ListArticlesRequest {
            page_size: 100,
            view: ArticleView::Full as i32,
            ..Default::default()
        })
        .await
        .expect("list")
        .into_inner();
    assert_eq!(page.articles.len(), 25);
    let shape = |a: &newsfacts::api::v1::Article| {
        (a.statements.len(), a.trade_facts.len(), a.entities.len())
    };
    for article in &page.articles {
        let index: usize = article.external_id["fault-".len()..].parse().expect("id");
        let twin = page
            .articles
            .iter()
            .find(|a| a.external_id == format!("fault-{:04}", index % 3))
            .expect("the stored twin");
        assert_eq!(
            shape(article),
            shape(twin),
            "{} is half-written",
            article.external_id
        );
    }
    server.stop().await;
}

/// Ends a stream of `count` fixture articles and returns the status it ended with, if any.
async fn stream_outcome(
    ingest: &mut newsfacts::api::v1::ingest_service_client::IngestServiceClient<
        tonic::transport::Channel,
    >,
    prefix: &str,
    count: usize,
) -> Result<usize, tonic::Status> {
    let stories = fixture_articles();
    let requests: Vec<IngestArticlesRequest> = (0..count)
        .map(|i| IngestArticlesRequest {
            article: Some(ArticleInput {
                external_id: format!("{prefix}-{i:05}"),
                ..stories[i % stories.len()].clone()
            }),
        })
        .collect();
    let mut acks = ingest
        .ingest_articles(tokio_stream::iter(requests))
        .await?
        .into_inner();
    let mut n = 0;
    while acks.message().await?.is_some() {
        n += 1;
    }
    Ok(n)
}

#[tokio::test]
async fn a_read_only_sqlite_store_refuses_writes_clearly_and_still_answers_queries() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("store.db");
    let url = format!("sqlite://{}", path.display());
    let server = TestServer::start(&url).await;
    let acks = common::ingest_all(
        &mut server.ingest().await,
        fixture_articles().into_iter().map(Some).collect(),
    )
    .await;
    assert_eq!(acks.len(), 3);
    server.stop().await;

    let server = TestServer::start(&format!("{url}?mode=ro")).await;
    let mut ingest = server.ingest().await;
    let refused = stream_outcome(&mut ingest, "ro", 2)
        .await
        .expect_err("writes must fail");
    assert_eq!(refused.code(), Code::FailedPrecondition, "{refused:?}");
    assert!(
        refused.message().contains("read-only"),
        "{}",
        refused.message()
    );
    let listed = server
        .query()
        .await
        .list_articles(ListArticlesRequest::default())
        .await
        .expect("reads still work")
        .into_inner();
    assert_eq!(listed.articles.len(), 3);
    server.stop().await;
}

/// A 1 MiB tmpfs, unmounted on drop.
struct TinyDisk {
    path: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl TinyDisk {
    fn mount() -> Option<Self> {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("disk");
        std::fs::create_dir(&path).expect("mount point");
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
            .arg(&path)
            .status()
            .is_ok_and(|s| s.success());
        if !mounted {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must be able to mount a tmpfs for the full-disk test (run as root)"
            );
            eprintln!("skipping the full-disk test: cannot mount a tmpfs (not root?)");
            return None;
        }
        Some(Self { path, _dir: dir })
    }
}

impl Drop for TinyDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.path)
            .status();
    }
}

#[tokio::test]
async fn a_full_disk_gives_resource_exhausted_and_reads_go_on() {
    let Some(disk) = TinyDisk::mount() else {
        return;
    };
    let path = disk.path.join("store.db");
    let url = format!("sqlite://{}", path.display());
    let server = TestServer::start(&url).await;
    let mut ingest = server.ingest().await;

    // Fill the disk: streams succeed until one ends with RESOURCE_EXHAUSTED.
    let mut full = None;
    for round in 0..200 {
        match stream_outcome(&mut ingest, &format!("full-{round}"), 200).await {
            Ok(n) => assert_eq!(n, 200),
            Err(status) => {
                full = Some(status);
                break;
            }
        }
    }
    let full = full.expect("a 1 MiB disk fills up");
    assert_eq!(full.code(), Code::ResourceExhausted, "{full:?}");
    assert!(full.message().contains("disk space"), "{}", full.message());

    // Reads still work, and every stored article is whole.
    let page = server
        .query()
        .await
        .list_articles(ListArticlesRequest {
            page_size: 1000,
            view: ArticleView::Full as i32,
            ..Default::default()
        })
        .await
        .expect("reads work on a full disk")
        .into_inner();
    assert!(!page.articles.is_empty());
    let stories = fixture_articles();
    let texts: Vec<&str> = stories.iter().map(|s| s.text.as_str()).collect();
    for article in &page.articles {
        assert!(texts.contains(&article.text.as_str()), "stored text intact");
        assert_eq!(
            article.statement_count as usize,
            article.statements.len(),
            "{} is half-written",
            article.external_id
        );
    }
    server.stop().await;
    drop(disk);
}
