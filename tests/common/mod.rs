//! Shared helpers of the integration tests: a real server on an ephemeral port, clients, and
//! the articles the tests send.
#![allow(dead_code)]

pub mod pg;

use newsfacts::api::v1::{
    ArticleInput, IngestArticlesRequest, IngestArticlesResponse,
    ingest_service_client::IngestServiceClient, query_service_client::QueryServiceClient,
};
use newsfacts::pipeline::{Extractor, default_extractor};
use newsfacts::server::{ServerConfig, serve_with_extractor};
use std::{net::SocketAddr, path::PathBuf, time::Duration};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tonic::transport::Channel;

/// Starts the real `newsfacts serve` binary on 127.0.0.1 with a port the OS picks and no drain
/// period; `customize` adds arguments (after `serve`), environment and the stderr setting.
/// Returns the child and the address from its first stdout line, `newsfacts listening on ADDR`.
pub fn spawn_server(
    customize: impl FnOnce(&mut std::process::Command),
) -> (std::process::Child, String) {
    use std::io::{BufRead, BufReader};
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_newsfacts"));
    command
        .args(["serve", "--listen", "127.0.0.1:0", "--drain-seconds", "0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null());
    customize(&mut command);
    let mut child = command.spawn().expect("start newsfacts serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read the listening line");
    let addr = line
        .trim()
        .strip_prefix("newsfacts listening on ")
        .unwrap_or_else(|| panic!("unexpected first line of newsfacts serve: {line:?}"))
        .to_owned();
    (child, addr)
}

/// The real `newsfacts serve` process on a store, killed when dropped.
pub struct ServerProcess {
    child: std::process::Child,
    url: String,
}

impl ServerProcess {
    /// Starts the binary ([`spawn_server`]) on the store at `database_url`.
    pub fn start(database_url: &str) -> Self {
        let (child, addr) = spawn_server(|command| {
            command.args(["--database-url", database_url]);
        });
        Self {
            child,
            url: format!("http://{addr}"),
        }
    }

    /// A new connection to it.
    pub async fn channel(&self) -> Channel {
        Channel::from_shared(self.url.clone())
            .expect("url")
            .connect()
            .await
            .expect("connect")
    }

    /// SIGKILL (`Child::kill`): no shutdown code runs. Waits for the process to end.
    pub fn kill(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reap");
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The real server, in-process, on 127.0.0.1 with a port the OS picked.
pub struct TestServer {
    /// Where it listens.
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    handle: JoinHandle<Result<(), newsfacts::server::ServeError>>,
}

impl TestServer {
    /// Starts a server on the store at `database_url`.
    pub async fn start(database_url: &str) -> Self {
        Self::start_with(database_url, test_config()).await
    }

    /// Starts a server with a given configuration.
    pub async fn start_with(database_url: &str, config: ServerConfig) -> Self {
        Self::start_with_extractor(database_url, config, default_extractor()).await
    }

    /// Starts a server whose pipeline runs `extractor` instead of `extract::analyze`.
    pub async fn start_with_extractor(
        database_url: &str,
        config: ServerConfig,
        extractor: Extractor,
    ) -> Self {
        let store = newsfacts::store::open(database_url)
            .await
            .expect("open store");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let (shutdown, stop) = oneshot::channel::<()>();
        let handle = tokio::spawn(serve_with_extractor(
            store,
            listener,
            config,
            extractor,
            async move {
                let _ = stop.await;
            },
        ));
        Self {
            addr,
            shutdown: Some(shutdown),
            handle,
        }
    }

    /// The server's URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A connected channel.
    pub async fn channel(&self) -> Channel {
        Channel::from_shared(self.url())
            .expect("url")
            .connect()
            .await
            .expect("connect")
    }

    /// An IngestService client.
    pub async fn ingest(&self) -> IngestServiceClient<Channel> {
        IngestServiceClient::new(self.channel().await)
    }

    /// A QueryService client.
    pub async fn query(&self) -> QueryServiceClient<Channel> {
        QueryServiceClient::new(self.channel().await)
    }

    /// Asks the server to shut down and waits until it stopped.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        tokio::time::timeout(Duration::from_secs(30), self.handle)
            .await
            .expect("server stops within 30 s")
            .expect("server task")
            .expect("server result");
    }
}

/// A `sqlite://` URL of a fresh database file in `dir`.
pub fn sqlite_url(dir: &tempfile::TempDir) -> String {
    format!("sqlite://{}", dir.path().join("newsfacts.db").display())
}

/// A configuration for tests: no drain period, short shutdown timeout.
pub fn test_config() -> ServerConfig {
    ServerConfig {
        drain_period: Duration::ZERO,
        shutdown_timeout: Duration::from_secs(5),
        ..ServerConfig::default()
    }
}

/// `../shared` beside the repository, where the licensed corpora and gold sets live.
pub fn shared_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("shared")
}

/// The reference article (`../shared/eval/dev/seed.json`) as an ArticleInput. In CI its
/// absence is an error; elsewhere the caller is told to skip.
pub fn reference_article() -> Option<ArticleInput> {
    let path = shared_dir().join("eval/dev/seed.json");
    let Ok(raw) = std::fs::read_to_string(&path) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "{} is missing in CI",
            path.display()
        );
        eprintln!(
            "skipping the reference article: {} not found",
            path.display()
        );
        return None;
    };
    let gold: serde_json::Value = serde_json::from_str(&raw).expect("seed.json is JSON");
    Some(ArticleInput {
        external_id: gold["id"].as_str().expect("id").to_owned(),
        text: gold["text"].as_str().expect("text").to_owned(),
        source: gold["source"].as_str().unwrap_or_default().to_owned(),
        published_at: Some(pbjson_types::Timestamp {
            seconds: 1_473_249_600,
            nanos: 0,
        }),
        ..Default::default()
    })
}

/// The wire-style stories written for these tests (`tests/fixtures/wire_stories.jsonl`).
pub fn fixture_articles() -> Vec<ArticleInput> {
    let raw = include_str!("../fixtures/wire_stories.jsonl");
    raw.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("fixture"))
        .collect()
}

/// Sends `articles` over one IngestArticles stream and collects every ack.
pub async fn ingest_all(
    client: &mut IngestServiceClient<Channel>,
    articles: Vec<Option<ArticleInput>>,
) -> Vec<IngestArticlesResponse> {
    let requests = articles
        .into_iter()
        .map(|article| IngestArticlesRequest { article });
    let mut acks = client
        .ingest_articles(tokio_stream::iter(requests))
        .await
        .expect("ingest call")
        .into_inner();
    let mut out = Vec::new();
    while let Some(ack) = acks.message().await.expect("ack") {
        out.push(ack);
    }
    out
}

/// `text[span]` in code points, as a client in Python would slice it; `None` when the span is
/// not within the text or runs backwards.
pub fn slice_chars(text: &str, span: &newsfacts::api::v1::Span) -> Option<String> {
    newsfacts::extract::invariants::slice_chars(text, span)
}

/// Every way in which the spans of `article` break the contract; empty means valid.
pub fn span_violations(article: &newsfacts::api::v1::Article) -> Vec<String> {
    newsfacts::extract::invariants::span_violations(article)
}

/// The fields a status's `google.rpc.BadRequest` detail names, in order.
pub fn violated_fields(status: &tonic::Status) -> Vec<String> {
    use tonic_types::StatusExt;
    status
        .get_details_bad_request()
        .expect("a BadRequest detail")
        .field_violations
        .into_iter()
        .map(|v| v.field)
        .collect()
}
