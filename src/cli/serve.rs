//! `newsfacts serve`.

use crate::pipeline::{ArticleLimits, PipelineConfig};
use crate::server::auth::Keys;
use crate::server::{Listeners, ServerConfig, TlsFiles, serve_listeners};
use anyhow::Context;
use clap::Args;
use std::{net::SocketAddr, path::PathBuf, process::ExitCode, time::Duration};

/// Flags of `newsfacts serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port; the address is printed).
    #[arg(long, env = "NEWSFACTS_LISTEN", default_value = "127.0.0.1:50051")]
    pub listen: SocketAddr,
    /// Address of the Prometheus metrics endpoint (`GET /metrics`); off when not set.
    #[arg(long, env = "NEWSFACTS_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,
    /// OTLP/gRPC endpoint to export traces to (e.g. `http://127.0.0.1:4317`); the standard
    /// `OTEL_EXPORTER_OTLP_ENDPOINT` works too. Without either, nothing is exported.
    #[arg(long, env = "NEWSFACTS_OTLP_ENDPOINT")]
    pub otlp_endpoint: Option<String>,
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
    /// Seconds without traffic on a connection before the server pings the client; 0 sends no
    /// pings. Client pings are accepted at any rate.
    #[arg(long, env = "NEWSFACTS_KEEPALIVE_SECONDS", default_value_t = 60.0)]
    pub keepalive_seconds: f64,
    /// Seconds to wait for the answer to a keepalive ping before closing the connection.
    #[arg(
        long,
        env = "NEWSFACTS_KEEPALIVE_TIMEOUT_SECONDS",
        default_value_t = 20.0
    )]
    pub keepalive_timeout_seconds: f64,
    /// Seconds after which a connection is sent GOAWAY (its open calls finish; new calls
    /// reconnect, so load balancers can rebalance); 0 keeps connections open.
    #[arg(
        long,
        env = "NEWSFACTS_MAX_CONNECTION_AGE_SECONDS",
        default_value_t = 1800.0
    )]
    pub max_connection_age_seconds: f64,
    /// Web origins whose pages may call the API with gRPC-Web (comma-separated, e.g.
    /// `https://app.example.com`; `*` for any).
    #[arg(long, env = "NEWSFACTS_CORS_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub cors_allowed_origins: Vec<String>,
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
    /// How to read what annotation conventions leave open. Applies to AnalyzeArticle and to
    /// what ingest stores; keep one setting per store.
    #[command(flatten)]
    pub conventions: super::conventions::ConventionArgs,
}

fn read_pem(flag: &str, path: &PathBuf) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("--{flag}: cannot read {}", path.display()))
}

fn seconds(flag: &str, value: f64) -> anyhow::Result<Duration> {
    Duration::try_from_secs_f64(value)
        .with_context(|| format!("--{flag} must be a non-negative number of seconds"))
}

/// A duration where 0 means "off".
fn optional_seconds(flag: &str, value: f64) -> anyhow::Result<Option<Duration>> {
    Ok(Some(seconds(flag, value)?).filter(|d| !d.is_zero()))
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
            // Bound in `run`, where the listener is.
            inspector: None,
            max_message_bytes: self.max_message_bytes,
            max_response_bytes: self.max_response_bytes,
            drain_period: seconds("drain-seconds", self.drain_seconds)?,
            shutdown_timeout: seconds("shutdown-timeout-seconds", self.shutdown_timeout_seconds)?,
            concurrency_per_connection: self.concurrency_per_connection,
            keepalive_interval: optional_seconds("keepalive-seconds", self.keepalive_seconds)?,
            keepalive_timeout: seconds(
                "keepalive-timeout-seconds",
                self.keepalive_timeout_seconds,
            )?,
            max_connection_age: optional_seconds(
                "max-connection-age-seconds",
                self.max_connection_age_seconds,
            )?,
            cors_allowed_origins: self
                .cors_allowed_origins
                .iter()
                .map(|o| o.trim().to_owned())
                .filter(|o| !o.is_empty())
                .collect(),
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

/// Runs the server until SIGTERM or SIGINT, logging in `style` what `log_filter` lets through.
pub fn run(
    args: ServeArgs,
    style: crate::telemetry::LogStyle,
    log_filter: &str,
) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    // The OTLP exporter's channel lives on the runtime; the guard flushes spans when dropped,
    // which is before the runtime is.
    let _telemetry = {
        let _entered = runtime.enter();
        crate::telemetry::init_server(style, log_filter, args.otlp_endpoint.as_deref())?
    };
    let mut config = args.server_config()?;
    config.validate()?;
    runtime.block_on(async {
        let store = crate::store::open(&args.database_url)
            .await
            .with_context(|| format!("cannot open the store at {}", crate::store::redact_url(&args.database_url)))?;
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        let addr = listener.local_addr()?;
        let metrics = match args.metrics_listen {
            Some(metrics_addr) => Some(
                tokio::net::TcpListener::bind(metrics_addr)
                    .await
                    .with_context(|| format!("cannot listen on {metrics_addr} for metrics"))?,
            ),
            None => None,
        };
        // Plain lines on stdout, so scripts that start the server on port 0 learn its
        // addresses; the gRPC one comes first.
        println!("newsfacts listening on {addr}");
        if let Some(metrics) = &metrics {
            println!("newsfacts metrics on http://{}/metrics", metrics.local_addr()?);
        }
        if let Some(http) = args.http_listen {
            let listener = tokio::net::TcpListener::bind(http)
                .await
                .with_context(|| format!("cannot listen on {http} (--http-listen)"))?;
            println!("newsfacts inspector on http://{}/", listener.local_addr()?);
            config.inspector = Some(crate::server::inspector::HttpListener::new(listener));
        }
        tracing::info!(%addr, store = %crate::store::redact_url(&args.database_url), "newsfacts started");
        let listeners = Listeners { grpc: listener, metrics };
        let extractor = crate::pipeline::extractor_with(args.conventions.options());
        serve_listeners(store, listeners, config, extractor, shutdown_signal()).await?;
        Ok(ExitCode::SUCCESS)
    })
}

#[cfg(test)]
mod tests {
    use crate::cli::{Cli, Command};
    use clap::Parser;
    use std::time::Duration;

    fn config(args: &[&str]) -> anyhow::Result<crate::server::ServerConfig> {
        let cli = Cli::try_parse_from(["newsfacts", "serve"].iter().chain(args))?;
        let Command::Serve(serve) = cli.command else {
            unreachable!("parsed as serve")
        };
        serve.server_config()
    }

    #[test]
    fn mesh_flags_have_sane_defaults_and_zero_turns_them_off() {
        let defaults = config(&[]).expect("defaults");
        assert_eq!(defaults.keepalive_interval, Some(Duration::from_secs(60)));
        assert_eq!(defaults.keepalive_timeout, Duration::from_secs(20));
        assert_eq!(defaults.max_connection_age, Some(Duration::from_secs(1800)));
        assert!(defaults.cors_allowed_origins.is_empty());

        let off = config(&[
            "--keepalive-seconds",
            "0",
            "--max-connection-age-seconds",
            "0",
            "--cors-allowed-origins",
            "https://a.example, https://b.example,",
        ])
        .expect("parsed");
        assert_eq!(off.keepalive_interval, None);
        assert_eq!(off.max_connection_age, None);
        assert_eq!(
            off.cors_allowed_origins,
            ["https://a.example", "https://b.example"]
        );
        assert!(config(&["--keepalive-seconds", "-1"]).is_err());
        assert!(
            Cli::try_parse_from(["newsfacts", "serve", "--metrics-listen", "nowhere"]).is_err()
        );
    }
}
