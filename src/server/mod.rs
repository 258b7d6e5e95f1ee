//! The gRPC server: services, health, reflection, compression, limits, gRPC-Web, metrics,
//! keepalive and connection age, and graceful shutdown.
//!
//! Only wiring lives here; the handlers are adapters to the pipeline and the store.

pub mod admission;
pub mod auth;
mod error;
mod filters;
mod ingest;
pub mod inspector;
pub mod metrics;
mod paging;
mod query;
mod telemetry;

pub use error::ApiError;
pub use ingest::IngestApi;
pub use query::QueryApi;

use crate::api::v1::{
    ingest_service_server::IngestServiceServer, query_service_server::QueryServiceServer,
};
use crate::pipeline::{Extractor, Pipeline, PipelineConfig, default_extractor};
use crate::store::Store;
use auth::{Keys, Scope, ScopeGuard};
use std::{future::Future, sync::Arc, time::Duration};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tonic::codec::CompressionEncoding;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::{Identity, Server, ServerTlsConfig, server::TcpIncoming};
use tonic_health::ServingStatus;

/// Settings of the gRPC server.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Largest gRPC request message accepted, in bytes.
    pub max_message_bytes: usize,
    /// Largest gRPC response message sent, in bytes. The facts of an article can take
    /// several times the size of its text (each mention of an entity, each statement's
    /// content, each fact's evidence), so an article at the size limit needs more room on the
    /// way out than on the way in.
    pub max_response_bytes: usize,
    /// Time between reporting NOT_SERVING and starting to drain, so load balancers notice.
    pub drain_period: Duration,
    /// Longest the drain may take before open connections are cut.
    pub shutdown_timeout: Duration,
    /// Most concurrent requests (streams) on one connection.
    pub concurrency_per_connection: usize,
    /// The server sends an HTTP/2 PING on a connection after this long without receiving
    /// anything on it, and closes the connection when the answer does not come within
    /// `keepalive_timeout`; `None` sends no pings. Pings from clients are answered whatever
    /// their rate: the server never ends a connection with `too_many_pings`.
    pub keepalive_interval: Option<Duration>,
    /// How long to wait for a keepalive ping's answer.
    pub keepalive_timeout: Duration,
    /// After this long a connection is sent GOAWAY: calls open on it run to their end, new
    /// calls go to a new connection, which a load balancer may place elsewhere. `None` keeps
    /// connections for as long as clients do.
    pub max_connection_age: Option<Duration>,
    /// Web origins (`https://app.example.com`, or `*` for any) whose pages may call the API
    /// with gRPC-Web; empty allows none but the server's own origin.
    pub cors_allowed_origins: Vec<String>,
    /// The ingest pipeline's settings.
    pub pipeline: PipelineConfig,
    /// Most ingest streams open at once; more are refused with RESOURCE_EXHAUSTED.
    pub max_ingest_streams: usize,
    /// Most AnalyzeArticle calls in flight; more are refused with RESOURCE_EXHAUSTED.
    pub max_concurrent_analyses: usize,
    /// API keys; `None` serves every caller.
    pub keys: Option<Keys>,
    /// TLS; `None` serves plaintext HTTP/2.
    pub tls: Option<TlsFiles>,
    /// The inspector web page and gRPC-Web (`--http-listen`); `None` serves neither.
    pub inspector: Option<inspector::HttpListener>,
}

/// The PEM contents that configure TLS.
#[derive(Clone)]
pub struct TlsFiles {
    /// The server's certificate chain.
    pub cert: Vec<u8>,
    /// The server's private key.
    pub key: Vec<u8>,
    /// When set, clients must present a certificate signed by this CA (mutual TLS).
    pub client_ca: Option<Vec<u8>>,
}

impl std::fmt::Debug for TlsFiles {
    // The private key never reaches a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsFiles")
            .field("mutual", &self.client_ca.is_some())
            .finish_non_exhaustive()
    }
}

impl TlsFiles {
    fn server_config(&self) -> ServerTlsConfig {
        let config = ServerTlsConfig::new().identity(Identity::from_pem(&self.cert, &self.key));
        match &self.client_ca {
            Some(ca) => config.client_ca_root(tonic::transport::Certificate::from_pem(ca)),
            None => config,
        }
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            max_message_bytes: 4 * 1024 * 1024,
            max_response_bytes: 64 * 1024 * 1024,
            drain_period: Duration::from_secs(2),
            shutdown_timeout: Duration::from_secs(30),
            concurrency_per_connection: 256,
            keepalive_interval: Some(Duration::from_secs(60)),
            keepalive_timeout: Duration::from_secs(20),
            max_connection_age: Some(Duration::from_secs(30 * 60)),
            cors_allowed_origins: Vec::new(),
            pipeline: PipelineConfig::default(),
            max_ingest_streams: 64,
            max_concurrent_analyses: 256,
            keys: None,
            tls: None,
            inspector: None,
        }
    }
}

/// A server configuration that cannot work.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A capacity cap of zero would refuse every call.
    #[error("{0} must be at least 1")]
    ZeroCap(&'static str),
    /// An article at the size limit would not fit in a message.
    #[error(
        "max message size ({message} bytes) must exceed the max article size ({article} bytes) by at least 64 KiB"
    )]
    MessageTooSmall {
        /// The message limit.
        message: usize,
        /// The article limit.
        article: usize,
    },
    /// A CORS origin that is not a valid header value.
    #[error("--cors-allowed-origins: {0:?} is not a valid origin")]
    BadOrigin(String),
    /// A duration of zero would close every connection at once or ping without pause.
    #[error("{0} must be more than 0 seconds (or leave it out)")]
    ZeroDuration(&'static str),
    /// Responses would be limited more tightly than requests.
    #[error(
        "max response size ({response} bytes) must be at least the max message size ({message} bytes)"
    )]
    ResponseTooSmall {
        /// The response limit.
        response: usize,
        /// The request message limit.
        message: usize,
    },
}

impl ServerConfig {
    /// Checks that the settings fit together.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.max_ingest_streams == 0 {
            return Err(ConfigError::ZeroCap("--max-ingest-streams"));
        }
        if self.max_concurrent_analyses == 0 {
            return Err(ConfigError::ZeroCap("--max-concurrent-analyses"));
        }
        let article = self.pipeline.limits.max_text_bytes;
        if self.max_message_bytes < article.saturating_add(64 * 1024) {
            return Err(ConfigError::MessageTooSmall {
                message: self.max_message_bytes,
                article,
            });
        }
        if self.keepalive_interval.is_some_and(|d| d.is_zero()) {
            return Err(ConfigError::ZeroDuration("--keepalive-seconds"));
        }
        if self.max_connection_age.is_some_and(|d| d.is_zero()) {
            return Err(ConfigError::ZeroDuration("--max-connection-age-seconds"));
        }
        if let Some(origin) = self
            .cors_allowed_origins
            .iter()
            .find(|o| http::HeaderValue::from_str(o).is_err())
        {
            return Err(ConfigError::BadOrigin(origin.clone()));
        }
        if self.max_response_bytes < self.max_message_bytes {
            return Err(ConfigError::ResponseTooSmall {
                response: self.max_response_bytes,
                message: self.max_message_bytes,
            });
        }
        Ok(())
    }
}

/// Errors that stop the server.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The configuration is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Reflection could not be built from the descriptors.
    #[error("reflection: {0}")]
    Reflection(#[from] tonic_reflection::server::Error),
    /// The transport failed.
    #[error("transport: {0}")]
    Transport(#[from] tonic::transport::Error),
    /// The metrics recorder could not be installed.
    #[error(transparent)]
    Metrics(#[from] metrics::MetricsError),
    /// The inspector could not start.
    #[error("inspector: {0}")]
    Inspector(#[from] inspector::InspectorError),
}

/// The sockets the server serves on.
#[derive(Debug)]
pub struct Listeners {
    /// gRPC (HTTP/2), and gRPC-Web over HTTP/1.1 or HTTP/2.
    pub grpc: TcpListener,
    /// Prometheus text format on `GET /metrics`; `None` records no metrics.
    pub metrics: Option<TcpListener>,
}

const SERVICE_NAMES: [&str; 3] = [
    "",
    "newsfacts.v1.IngestService",
    "newsfacts.v1.QueryService",
];

/// Serves the API on `listener` until `shutdown` resolves, then: health NOT_SERVING, a drain
/// period, ingest streams stop reading and finish the acks of what they read, watches end,
/// and the server waits (up to the shutdown timeout) for open calls to finish.
pub async fn serve(
    store: Arc<dyn Store>,
    listener: TcpListener,
    config: ServerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    serve_with_extractor(store, listener, config, default_extractor(), shutdown).await
}

/// [`serve`] with another extractor than [`crate::extract::analyze`]; the tests use it to
/// check that a failing extraction is isolated to its article.
pub async fn serve_with_extractor(
    store: Arc<dyn Store>,
    listener: TcpListener,
    config: ServerConfig,
    extractor: Extractor,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let listeners = Listeners {
        grpc: listener,
        metrics: None,
    };
    serve_listeners(store, listeners, config, extractor, shutdown).await
}

/// [`serve_with_extractor`] on several sockets: gRPC, and metrics when
/// [`Listeners::metrics`] is set.
pub async fn serve_listeners(
    store: Arc<dyn Store>,
    listeners: Listeners,
    config: ServerConfig,
    extractor: Extractor,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    config.validate()?;
    let metrics_handle = listeners
        .metrics
        .as_ref()
        .map(|_| metrics::install())
        .transpose()?;
    // Store timings and counts are recorded only where something serves them.
    let store: Arc<dyn Store> = if metrics_handle.is_some() {
        Arc::new(metrics::MeteredStore::new(store))
    } else {
        store
    };
    let stop_work = CancellationToken::new();
    let pipeline = Pipeline::start_with_extractor(
        store.clone(),
        config.pipeline,
        stop_work.clone(),
        extractor,
    );
    let (limit, response_limit) = (config.max_message_bytes, config.max_response_bytes);

    let keys = config.keys.as_ref();
    if let Some(keys) = keys {
        keys.reload_on_sighup();
    }
    // The generated servers share these settings but no trait to set them through.
    macro_rules! wire_settings {
        ($server:expr) => {
            $server
                .accept_compressed(CompressionEncoding::Gzip)
                .accept_compressed(CompressionEncoding::Zstd)
                .send_compressed(CompressionEncoding::Gzip)
                .send_compressed(CompressionEncoding::Zstd)
                .max_decoding_message_size(limit)
                .max_encoding_message_size(response_limit)
        };
    }
    let admission =
        admission::Admission::new(config.max_ingest_streams, config.max_concurrent_analyses);
    let ingest = wire_settings!(IngestServiceServer::new(IngestApi::new(
        pipeline.clone(),
        admission.clone(),
        response_limit,
    )));
    let ingest = InterceptedService::new(ingest, ScopeGuard::new(keys, Scope::Ingest));
    let query = wire_settings!(QueryServiceServer::new(QueryApi::new(
        store,
        pipeline.facts().clone(),
        stop_work.clone(),
    )));
    let query = InterceptedService::new(query, ScopeGuard::new(keys, Scope::Query));

    let (health_reporter, health) = tonic_health::server::health_reporter();
    for name in SERVICE_NAMES {
        health_reporter
            .set_service_status(name, ServingStatus::Serving)
            .await;
    }
    let reflection = || {
        tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(crate::api::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_types::pb::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
    };
    let reflection_v1 = reflection().build_v1()?;
    let reflection_v1alpha = reflection().build_v1alpha()?;

    let drain_now = CancellationToken::new();
    // Cancelled when this function returns, however it returns: the metrics endpoint stops.
    let server_stopped = CancellationToken::new();
    let _stop_metrics = server_stopped.clone().drop_guard();
    let _inspector = config
        .inspector
        .as_ref()
        .map(|http| inspector::spawn(http, ingest.clone(), query.clone(), &drain_now))
        .transpose()?;
    let drain_signal = drain_now.clone();
    let (drain_period, shutdown_timeout) = (config.drain_period, config.shutdown_timeout);
    tokio::spawn(async move {
        shutdown.await;
        tracing::info!("shutting down: reporting NOT_SERVING");
        for name in SERVICE_NAMES {
            health_reporter
                .set_service_status(name, ServingStatus::NotServing)
                .await;
        }
        tokio::time::sleep(drain_period).await;
        tracing::info!("draining open calls");
        stop_work.cancel();
        drain_signal.cancel();
    });

    if let (Some(listener), Some(handle)) = (listeners.metrics, metrics_handle) {
        let queue = pipeline.clone();
        let sample: metrics::Sampler = Arc::new(move || {
            let (streams, analyses) = admission.in_use();
            ::metrics::gauge!(crate::metrics::INGEST_STREAMS_OPEN).set(streams as f64);
            ::metrics::gauge!(crate::metrics::ANALYSES_IN_FLIGHT).set(analyses as f64);
            let depth = queue.commit_queue_depth();
            ::metrics::gauge!(crate::metrics::COMMIT_QUEUE_DEPTH).set(depth as f64);
        });
        // Up through the drain, so the last scrapes see it; down when the server is.
        let metrics_stop = server_stopped.clone().cancelled_owned();
        tokio::spawn(async move {
            if let Err(error) = metrics::serve_metrics(listener, handle, sample, metrics_stop).await
            {
                tracing::error!(%error, "metrics endpoint failed");
            }
        });
    }

    let local_addr = listeners.grpc.local_addr().ok();
    tracing::info!(addr = ?local_addr, tls = config.tls.is_some(), api_keys = keys.is_some(), "serving gRPC");
    let mut builder = Server::builder();
    if let Some(tls) = &config.tls {
        builder = builder.tls_config(tls.server_config())?;
    }
    let mut builder = builder
        .concurrency_limit_per_connection(config.concurrency_per_connection)
        .http2_keepalive_interval(config.keepalive_interval)
        .http2_keepalive_timeout(Some(config.keepalive_timeout))
        .tcp_nodelay(true)
        .trace_fn(telemetry::request_span)
        // gRPC-Web from browsers comes over HTTP/1.1 as often as over HTTP/2.
        .accept_http1(true);
    if let Some(age) = config.max_connection_age {
        // Without `max_connection_age_grace`: tonic 0.14.9 with a grace period cuts the
        // connection at age + grace without sending GOAWAY at `age`.
        builder = builder.max_connection_age(age);
    }
    let server = builder
        .layer(cors_layer(&config.cors_allowed_origins))
        .layer(tonic_web::GrpcWebLayer::new())
        .layer(metrics::RpcMetricsLayer)
        .add_service(health)
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha)
        .add_service(ingest)
        .add_service(query)
        .serve_with_incoming_shutdown(
            // The builder's TCP settings apply only to listeners tonic binds itself; without
            // TCP_NODELAY here, small responses wait for delayed ACKs (about 40 ms each).
            TcpIncoming::from(listeners.grpc).with_nodelay(Some(true)),
            drain_now.clone().cancelled_owned(),
        );
    tokio::pin!(server);
    tokio::select! {
        result = &mut server => result?,
        () = async { drain_now.cancelled().await; tokio::time::sleep(shutdown_timeout).await } => {
            tracing::warn!(?shutdown_timeout, "calls still open after the shutdown timeout; closing them");
        }
    }
    tracing::info!("server stopped");
    Ok(())
}

/// Headers a gRPC-Web client sends besides the CORS-safelisted ones.
const GRPC_WEB_REQUEST_HEADERS: [&str; 6] = [
    "content-type",
    "x-grpc-web",
    "x-user-agent",
    "grpc-timeout",
    "authorization",
    "traceparent",
];
/// Response headers a gRPC-Web client must be able to read (the status arrives in them when
/// the answer is trailers-only).
const GRPC_WEB_RESPONSE_HEADERS: [&str; 4] = [
    "grpc-status",
    "grpc-message",
    "grpc-status-details-bin",
    "retry-after",
];

/// CORS for browsers on `origins` (`*`: any origin): POST with the gRPC-Web headers, and the
/// status headers readable by the page. With no origins, no cross-origin page is let in.
fn cors_layer(origins: &[String]) -> tower_http::cors::CorsLayer {
    use tower_http::cors::{AllowOrigin, CorsLayer};
    let allow_origin = if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        // `validate` rejected origins that are not header values.
        AllowOrigin::list(
            origins
                .iter()
                .filter_map(|o| http::HeaderValue::from_str(o).ok()),
        )
    };
    CorsLayer::new()
        .allow_origin(allow_origin)
        .allow_methods([http::Method::POST])
        .allow_headers(GRPC_WEB_REQUEST_HEADERS.map(http::HeaderName::from_static))
        .expose_headers(GRPC_WEB_RESPONSE_HEADERS.map(http::HeaderName::from_static))
        .max_age(Duration::from_secs(24 * 60 * 60))
}
