//! `newsfacts serve`.

use crate::pipeline::{ArticleLimits, PipelineConfig};
use crate::server::auth::Keys;
use crate::server::{ServerConfig, TlsFiles, serve};
use anyhow::Context;
use clap::Args;
use std::{net::SocketAddr, path::PathBuf, process::ExitCode, time::Duration};

/// Flags of `newsfacts serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port; the address is printed).
    #[arg(long, env = "NEWSFACTS_LISTEN", default_value = "127.0.0.1:50051")]
    pub listen: SocketAddr,
    /// Store: `sqlite://PATH` (embedded, created if missing) or `postgres://USER@HOST/DB`.
    #[arg(
        long,
        env = "NEWSFACTS_DATABASE_URL",
        default_value = "sqlite://newsfacts.db"
    )]
    pub database_url: String,
    /// Largest article text accepted, in bytes.
    #[arg(long, env = "NEWSFACTS_MAX_ARTICLE_BYTES", default_value_t = 1024 * 1024)]
    pub max_article_bytes: usize,
    /// Largest gRPC request message accepted, in bytes.
    #[arg(long, env = "NEWSFACTS_MAX_MESSAGE_BYTES", default_value_t = 4 * 1024 * 1024)]
    pub max_message_bytes: usize,
    /// Largest gRPC response message sent, in bytes. An article's facts can take several
    /// times the size of its text, so this is larger than the request limit.
    #[arg(long, env = "NEWSFACTS_MAX_RESPONSE_BYTES", default_value_t = 64 * 1024 * 1024)]
    pub max_response_bytes: usize,
    /// Most articles committed in one transaction.
    #[arg(long, env = "NEWSFACTS_MAX_BATCH", default_value_t = 256)]
    pub max_batch: usize,
    /// Articles that may wait for a commit before ingest streams are slowed down.
    #[arg(long, env = "NEWSFACTS_COMMIT_QUEUE", default_value_t = 1024)]
    pub commit_queue: usize,
    /// Concurrent committers (default: 1 for SQLite, 4 for PostgreSQL).
    #[arg(long, env = "NEWSFACTS_COMMITTERS")]
    pub committers: Option<usize>,
    /// Most unacknowledged articles in flight on one ingest stream.
    #[arg(long, env = "NEWSFACTS_STREAM_WINDOW", default_value_t = 256)]
    pub stream_window: usize,
    /// Most concurrent calls on one connection.
    #[arg(
        long,
        env = "NEWSFACTS_CONCURRENCY_PER_CONNECTION",
        default_value_t = 256
    )]
    pub concurrency_per_connection: usize,
    /// Most ingest streams open at once; more are refused with RESOURCE_EXHAUSTED and a retry
    /// delay.
    #[arg(long, env = "NEWSFACTS_MAX_INGEST_STREAMS", default_value_t = 64)]
    pub max_ingest_streams: usize,
    /// Most AnalyzeArticle calls in flight; more are refused with RESOURCE_EXHAUSTED and a
    /// retry delay.
    #[arg(long, env = "NEWSFACTS_MAX_CONCURRENT_ANALYSES", default_value_t = 256)]
    pub max_concurrent_analyses: usize,
    /// Seconds between reporting NOT_SERVING and draining, on SIGTERM or SIGINT.
    #[arg(long, env = "NEWSFACTS_DRAIN_SECONDS", default_value_t = 2.0)]
    pub drain_seconds: f64,
    /// Longest wait, in seconds, for open calls to finish when shutting down.
    #[arg(
        long,
        env = "NEWSFACTS_SHUTDOWN_TIMEOUT_SECONDS",
        default_value_t = 30.0
    )]
    pub shutdown_timeout_seconds: f64,
    /// File of API keys (`NAME KEY SCOPES` per line, scopes `ingest` and `query`); when set,
    /// calls without a valid key are refused. Health and reflection stay open. SIGHUP
    /// reloads the file.
    #[arg(long, env = "NEWSFACTS_AUTH_TOKENS_FILE")]
    pub auth_tokens_file: Option<PathBuf>,
    /// PEM certificate chain of the server; with `--tls-key`, serves TLS.
    #[arg(long, env = "NEWSFACTS_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of `--tls-cert`.
    #[arg(long, env = "NEWSFACTS_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// PEM CA certificate: clients must present a certificate it signed (mutual TLS).
    #[arg(long, env = "NEWSFACTS_TLS_CLIENT_CA", requires = "tls_cert")]
    pub tls_client_ca: Option<PathBuf>,
    /// Address of the inspector web page, which calls the API through gRPC-Web on the same
    /// port (plain HTTP; API keys apply as on `--listen`). Off when unset.
    #[arg(long, env = "NEWSFACTS_HTTP_LISTEN")]
    pub http_listen: Option<SocketAddr>,
}

fn read_pem(flag: &str, path: &PathBuf) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("--{flag}: cannot read {}", path.display()))
}

fn seconds(flag: &str, value: f64) -> anyhow::Result<Duration> {
    Duration::try_from_secs_f64(value)
        .with_context(|| format!("--{flag} must be a non-negative number of seconds"))
}

impl ServeArgs {
    fn tls(&self) -> anyhow::Result<Option<TlsFiles>> {
        let (Some(cert), Some(key)) = (&self.tls_cert, &self.tls_key) else {
            return Ok(None);
        };
        Ok(Some(TlsFiles {
            cert: read_pem("tls-cert", cert)?,
            key: read_pem("tls-key", key)?,
            client_ca: self
                .tls_client_ca
                .as_ref()
                .map(|ca| read_pem("tls-client-ca", ca))
                .transpose()?,
        }))
    }

    fn server_config(&self) -> anyhow::Result<ServerConfig> {
        let postgres = self.database_url.starts_with("postgres");
        let keys = self.auth_tokens_file.as_ref().map(Keys::load).transpose()?;
        Ok(ServerConfig {
            keys,
            tls: self.tls()?,
            max_message_bytes: self.max_message_bytes,
            max_response_bytes: self.max_response_bytes,
            drain_period: seconds("drain-seconds", self.drain_seconds)?,
            shutdown_timeout: seconds("shutdown-timeout-seconds", self.shutdown_timeout_seconds)?,
            concurrency_per_connection: self.concurrency_per_connection,
            max_ingest_streams: self.max_ingest_streams,
            max_concurrent_analyses: self.max_concurrent_analyses,
            pipeline: PipelineConfig {
                limits: ArticleLimits {
                    max_text_bytes: self.max_article_bytes,
                },
                max_batch: self.max_batch,
                commit_queue: self.commit_queue,
                committers: self.committers.unwrap_or(if postgres { 4 } else { 1 }),
                stream_window: self.stream_window,
            },
            ..ServerConfig::default()
        })
    }
}

async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for SIGINT");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => tracing::info!("received SIGINT"),
        () = terminate => tracing::info!("received SIGTERM"),
    }
}

/// Runs the server until SIGTERM or SIGINT.
pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let mut config = args.server_config()?;
    config.validate()?;
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async {
        let store = crate::store::open(&args.database_url)
            .await
            .with_context(|| format!("cannot open the store at {}", crate::store::redact_url(&args.database_url)))?;
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        let addr = listener.local_addr()?;
        // A plain line on stdout, so scripts that start the server on port 0 learn its address.
        println!("newsfacts listening on {addr}");
        if let Some(http) = args.http_listen {
            let listener = tokio::net::TcpListener::bind(http)
                .await
                .with_context(|| format!("cannot listen on {http} (--http-listen)"))?;
            println!("newsfacts inspector on http://{}/", listener.local_addr()?);
            config.inspector = Some(crate::server::inspector::HttpListener::new(listener));
        }
        tracing::info!(%addr, store = %crate::store::redact_url(&args.database_url), "newsfacts started");
        serve(store, listener, config, shutdown_signal()).await?;
        Ok(ExitCode::SUCCESS)
    })
}
