//! Prometheus metrics: the recorder, the `/metrics` endpoint, a tower layer that counts and
//! times every gRPC call by method and status code, and a store wrapper that times every store
//! operation and counts what was stored.
//!
//! The names are in [`crate::metrics`]. Calls follow go-grpc-prometheus
//! (`grpc_server_started_total`, `grpc_server_handled_total`, `grpc_server_handling_seconds`,
//! labels `grpc_service`, `grpc_method`, `grpc_type`, `grpc_code` with Go's code names such as
//! `OK` and `InvalidArgument`), so the usual dashboards work unchanged.

use crate::api::v1::{Article, ArticleView, EntitySummary, Statement, TradeFact};
use crate::metrics as names;
use crate::store::{
    ArticleFilter, EntityFilter, InsertOutcome, Page, PageRequest, StatementFilter, Store,
    StoreError, TradeFactFilter,
};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll, ready};
use std::time::{Duration, Instant};
use tonic::Code;

/// Upper bounds of the latency histograms, in seconds: from half a millisecond (a cached query)
/// to five minutes (a long ingest stream).
const SECONDS_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
    60.0, 300.0,
];
/// Upper bounds of the group commit size histogram, in articles.
const BATCH_BUCKETS: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0];

/// The Prometheus recorder could not be installed.
#[derive(Debug, Clone, thiserror::Error)]
#[error("cannot install the Prometheus recorder: {0}")]
pub struct MetricsError(String);

/// Installs the Prometheus recorder as the process's metrics recorder (once; later calls get
/// the same handle) and returns the handle that renders the text format.
pub fn install() -> Result<PrometheusHandle, MetricsError> {
    static HANDLE: OnceLock<Result<PrometheusHandle, MetricsError>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let handle = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), SECONDS_BUCKETS)
                .and_then(|b| {
                    b.set_buckets_for_metric(
                        Matcher::Full(names::COMMIT_BATCH_ARTICLES.into()),
                        BATCH_BUCKETS,
                    )
                })
                .map_err(|e| MetricsError(e.to_string()))?
                .install_recorder()
                .map_err(|e| MetricsError(e.to_string()))?;
            describe();
            metrics::gauge!(
                names::BUILD_INFO,
                "version" => env!("CARGO_PKG_VERSION"),
                "profile" => if cfg!(debug_assertions) { "debug" } else { "release" },
            )
            .set(1.0);
            Ok(handle)
        })
        .clone()
}

fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!(names::RPC_STARTED, "gRPC calls started.");
    describe_counter!(names::RPC_HANDLED, "gRPC calls finished, by status code.");
    describe_histogram!(
        names::RPC_DURATION,
        Unit::Seconds,
        "Time from the start of a gRPC call to its status (for a stream, until it ends)."
    );
    describe_histogram!(
        names::STAGE_DURATION,
        Unit::Seconds,
        "Time spent in one stage of the ingest pipeline (commit: per batch; others: per article)."
    );
    describe_gauge!(
        names::COMMIT_QUEUE_DEPTH,
        "Articles waiting for a group commit."
    );
    describe_histogram!(names::COMMIT_BATCH_ARTICLES, "Articles per group commit.");
    describe_gauge!(names::INGEST_STREAMS_OPEN, "IngestArticles streams open.");
    describe_gauge!(names::ANALYSES_IN_FLIGHT, "AnalyzeArticle calls in flight.");
    describe_counter!(
        names::INGEST_ACKS,
        "Ingest acknowledgements sent, by status."
    );
    describe_counter!(names::ARTICLES_STORED, "Articles newly stored.");
    describe_counter!(names::STATEMENTS_STORED, "Statements newly stored.");
    describe_counter!(names::TRADE_FACTS_STORED, "Trade facts newly stored.");
    describe_histogram!(
        names::STORE_DURATION,
        Unit::Seconds,
        "Time one store operation took, by operation and outcome."
    );
    describe_gauge!(
        names::BUILD_INFO,
        "Always 1; the labels say which build runs."
    );
}

/// Values read at scrape time rather than recorded as they change.
pub type Sampler = Arc<dyn Fn() + Send + Sync>;

/// Serves `GET /metrics` (Prometheus text format 0.0.4) on `listener` until `shutdown`
/// resolves; `sample` runs before each scrape. Histograms are drained every few seconds in the
/// background so they do not grow between scrapes.
pub async fn serve_metrics(
    listener: tokio::net::TcpListener,
    handle: PrometheusHandle,
    sample: Sampler,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let upkeep_handle = handle.clone();
    let upkeep = tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(5));
        loop {
            every.tick().await;
            upkeep_handle.run_upkeep();
        }
    });
    let render = move || {
        let (handle, sample) = (handle.clone(), sample.clone());
        async move {
            sample();
            (
                [(
                    http::header::CONTENT_TYPE,
                    "text/plain; version=0.0.4; charset=utf-8",
                )],
                handle.render(),
            )
        }
    };
    let app = axum::Router::new().route("/metrics", axum::routing::get(render));
    tracing::info!(addr = ?listener.local_addr().ok(), "serving metrics");
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    upkeep.abort();
    result
}

/// The labels of one gRPC method.
#[derive(Debug, Clone, Copy)]
struct MethodLabels {
    service: &'static str,
    method: &'static str,
    kind: &'static str,
}

/// Calls to paths the server does not serve share these labels, so that a client cannot
/// create a series per made-up path.
const UNKNOWN_METHOD: MethodLabels = MethodLabels {
    service: "unknown",
    method: "unknown",
    kind: "unknown",
};

/// `/package.Service/Method` → labels, for every method of every service the server offers,
/// read from the services' file descriptor sets once per process (the strings live as long
/// as the process).
fn method_labels(path: &str) -> MethodLabels {
    static TABLE: OnceLock<HashMap<String, MethodLabels>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let sets = [
            crate::api::FILE_DESCRIPTOR_SET,
            tonic_health::pb::FILE_DESCRIPTOR_SET,
            tonic_reflection::pb::v1::FILE_DESCRIPTOR_SET,
            tonic_reflection::pb::v1alpha::FILE_DESCRIPTOR_SET,
        ];
        let mut table = HashMap::new();
        for set in sets {
            let Ok(set) = <prost_types::FileDescriptorSet as prost::Message>::decode(set) else {
                tracing::warn!("unreadable file descriptor set; its methods count as unknown");
                continue;
            };
            for file in set.file {
                for service in &file.service {
                    let full = match file.package() {
                        "" => service.name().to_owned(),
                        package => format!("{package}.{}", service.name()),
                    };
                    let full: &'static str = Box::leak(full.into_boxed_str());
                    for method in &service.method {
                        let name: &'static str = Box::leak(method.name().into());
                        let kind = match (method.client_streaming(), method.server_streaming()) {
                            (false, false) => "unary",
                            (false, true) => "server_stream",
                            (true, false) => "client_stream",
                            (true, true) => "bidi_stream",
                        };
                        table.insert(
                            format!("/{full}/{name}"),
                            MethodLabels {
                                service: full,
                                method: name,
                                kind,
                            },
                        );
                    }
                }
            }
        }
        table
    });
    table.get(path).copied().unwrap_or(UNKNOWN_METHOD)
}

/// Go's name of a status code, as go-grpc-prometheus writes it in `grpc_code`.
fn code_name(code: Code) -> &'static str {
    match code {
        Code::Ok => "OK",
        Code::Cancelled => "Canceled",
        Code::Unknown => "Unknown",
        Code::InvalidArgument => "InvalidArgument",
        Code::DeadlineExceeded => "DeadlineExceeded",
        Code::NotFound => "NotFound",
        Code::AlreadyExists => "AlreadyExists",
        Code::PermissionDenied => "PermissionDenied",
        Code::ResourceExhausted => "ResourceExhausted",
        Code::FailedPrecondition => "FailedPrecondition",
        Code::Aborted => "Aborted",
        Code::OutOfRange => "OutOfRange",
        Code::Unimplemented => "Unimplemented",
        Code::Internal => "Internal",
        Code::Unavailable => "Unavailable",
        Code::DataLoss => "DataLoss",
        Code::Unauthenticated => "Unauthenticated",
    }
}

/// The `grpc-status` in response headers (a trailers-only answer) or trailers.
fn grpc_status(headers: &http::HeaderMap) -> Option<Code> {
    let value = headers.get("grpc-status")?.to_str().ok()?;
    Some(Code::from_i32(value.trim().parse().ok()?))
}

/// One call being measured. Dropped before its status is known, it counts as cancelled: the
/// client went away (or its deadline expired, which tonic answers with CANCELLED).
struct CallRecord {
    labels: MethodLabels,
    started: Instant,
    finished: bool,
    /// The request's span, taken at the first poll (the server polls the call inside it).
    span: Option<tracing::Span>,
}

impl CallRecord {
    fn start(labels: MethodLabels) -> Self {
        metrics::counter!(
            names::RPC_STARTED,
            "grpc_service" => labels.service,
            "grpc_method" => labels.method,
            "grpc_type" => labels.kind,
        )
        .increment(1);
        Self {
            labels,
            started: Instant::now(),
            finished: false,
            span: None,
        }
    }

    fn finish(mut self, code: Code) {
        self.record(code);
    }

    fn record(&mut self, code: Code) {
        if std::mem::replace(&mut self.finished, true) {
            return;
        }
        let labels = self.labels;
        metrics::counter!(
            names::RPC_HANDLED,
            "grpc_service" => labels.service,
            "grpc_method" => labels.method,
            "grpc_type" => labels.kind,
            "grpc_code" => code_name(code),
        )
        .increment(1);
        metrics::histogram!(
            names::RPC_DURATION,
            "grpc_service" => labels.service,
            "grpc_method" => labels.method,
            "grpc_type" => labels.kind,
        )
        .record(self.started.elapsed().as_secs_f64());
        if let Some(span) = &self.span {
            span.record("rpc.grpc.status_code", code as i32);
            span.in_scope(|| {
                tracing::debug!(
                    grpc.code = code_name(code),
                    elapsed = ?self.started.elapsed(),
                    "call finished"
                );
            });
        }
    }
}

impl Drop for CallRecord {
    fn drop(&mut self) {
        self.record(Code::Cancelled);
    }
}

/// A tower layer that measures every gRPC call: started and handled counts by method and
/// status code, and the time to the status. The status is read from the response headers
/// (a trailers-only answer, as every error returned by a handler is) or from the trailers
/// that end the body (successful calls and errors in the middle of a stream).
#[derive(Debug, Clone, Copy, Default)]
pub struct RpcMetricsLayer;

impl<S> tower_layer::Layer<S> for RpcMetricsLayer {
    type Service = RpcMetrics<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RpcMetrics { inner }
    }
}

/// The service of [`RpcMetricsLayer`].
#[derive(Debug, Clone)]
pub struct RpcMetrics<S> {
    inner: S,
}

impl<S, ReqBody, ResBody> tower_service::Service<http::Request<ReqBody>> for RpcMetrics<S>
where
    S: tower_service::Service<http::Request<ReqBody>, Response = http::Response<ResBody>>,
{
    type Response = http::Response<MeteredBody<ResBody>>;
    type Error = S::Error;
    type Future = MeteredFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<ReqBody>) -> Self::Future {
        let call = CallRecord::start(method_labels(request.uri().path()));
        MeteredFuture {
            inner: self.inner.call(request),
            call: Some(call),
        }
    }
}

pin_project_lite::pin_project! {
    /// The response future of [`RpcMetrics`].
    pub struct MeteredFuture<F> {
        #[pin]
        inner: F,
        call: Option<CallRecord>,
    }
}

impl<F, B, E> Future for MeteredFuture<F>
where
    F: Future<Output = Result<http::Response<B>, E>>,
{
    type Output = Result<http::Response<MeteredBody<B>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if let Some(call) = this.call.as_mut()
            && call.span.is_none()
        {
            call.span = Some(tracing::Span::current());
        }
        let result = ready!(this.inner.poll(cx));
        let call = this.call.take();
        Poll::Ready(match result {
            Ok(response) => {
                let call = match (call, grpc_status(response.headers())) {
                    (Some(call), Some(code)) => {
                        call.finish(code);
                        None
                    }
                    (call, _) => call,
                };
                Ok(response.map(|inner| MeteredBody { inner, call }))
            }
            Err(error) => {
                if let Some(call) = call {
                    call.finish(Code::Unknown);
                }
                Err(error)
            }
        })
    }
}

pin_project_lite::pin_project! {
    /// A response body that records its call's status when the trailers go by.
    pub struct MeteredBody<B> {
        #[pin]
        inner: B,
        call: Option<CallRecord>,
    }
}

impl<B: http_body::Body> http_body::Body for MeteredBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        let this = self.project();
        let frame = ready!(this.inner.poll_frame(cx));
        let code = match &frame {
            Some(Ok(frame)) => frame
                .trailers_ref()
                .map(|trailers| grpc_status(trailers).unwrap_or(Code::Unknown)),
            // A body that fails, or ends without trailers, is not a complete gRPC answer.
            Some(Err(_)) | None => Some(Code::Unknown),
        };
        if let Some(code) = code
            && let Some(call) = this.call.take()
        {
            call.finish(code);
        }
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// A [`Store`] that times each operation and counts the articles, statements and trade facts
/// it newly stored.
pub struct MeteredStore {
    inner: Arc<dyn Store>,
}

impl MeteredStore {
    /// Wraps `inner`.
    pub fn new(inner: Arc<dyn Store>) -> Self {
        Self { inner }
    }
}

async fn timed<T>(
    operation: &'static str,
    work: impl Future<Output = Result<T, StoreError>>,
) -> Result<T, StoreError> {
    let started = Instant::now();
    let result = work.await;
    metrics::histogram!(
        names::STORE_DURATION,
        "operation" => operation,
        "outcome" => if result.is_ok() { "ok" } else { "error" },
    )
    .record(started.elapsed().as_secs_f64());
    result
}

#[async_trait::async_trait]
impl Store for MeteredStore {
    async fn insert_articles(&self, batch: Vec<Article>) -> Result<Vec<InsertOutcome>, StoreError> {
        let outcomes = timed("insert_articles", self.inner.insert_articles(batch)).await?;
        let (mut articles, mut statements, mut trade_facts) = (0_u64, 0_u64, 0_u64);
        for outcome in &outcomes {
            if let InsertOutcome::Created(article) = outcome {
                articles += 1;
                statements += article.statements.len() as u64;
                trade_facts += article.trade_facts.len() as u64;
            }
        }
        metrics::counter!(names::ARTICLES_STORED).increment(articles);
        metrics::counter!(names::STATEMENTS_STORED).increment(statements);
        metrics::counter!(names::TRADE_FACTS_STORED).increment(trade_facts);
        Ok(outcomes)
    }

    async fn find_article_id(&self, external_id: &str) -> Result<Option<String>, StoreError> {
        timed("find_article_id", self.inner.find_article_id(external_id)).await
    }

    async fn get_article(
        &self,
        article_id: &str,
        view: ArticleView,
    ) -> Result<Option<Article>, StoreError> {
        timed("get_article", self.inner.get_article(article_id, view)).await
    }

    async fn list_articles(
        &self,
        filter: &ArticleFilter,
        view: ArticleView,
        page: &PageRequest,
    ) -> Result<Page<Article>, StoreError> {
        timed(
            "list_articles",
            self.inner.list_articles(filter, view, page),
        )
        .await
    }

    async fn list_statements(
        &self,
        filter: &StatementFilter,
        page: &PageRequest,
    ) -> Result<Page<Statement>, StoreError> {
        timed("list_statements", self.inner.list_statements(filter, page)).await
    }

    async fn list_trade_facts(
        &self,
        filter: &TradeFactFilter,
        page: &PageRequest,
    ) -> Result<Page<TradeFact>, StoreError> {
        timed(
            "list_trade_facts",
            self.inner.list_trade_facts(filter, page),
        )
        .await
    }

    async fn list_entities(
        &self,
        filter: &EntityFilter,
        page: &PageRequest,
    ) -> Result<Page<EntitySummary>, StoreError> {
        timed("list_entities", self.inner.list_entities(filter, page)).await
    }

    fn take_commit_feed(&self) -> Option<crate::store::CommitFeed> {
        self.inner.take_commit_feed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_served_method_has_its_own_labels() {
        let ingest = method_labels("/newsfacts.v1.IngestService/IngestArticles");
        assert_eq!(
            (ingest.service, ingest.method, ingest.kind),
            (
                "newsfacts.v1.IngestService",
                "IngestArticles",
                "bidi_stream"
            )
        );
        let watch = method_labels("/newsfacts.v1.QueryService/WatchFacts");
        assert_eq!(watch.kind, "server_stream");
        assert_eq!(method_labels("/grpc.health.v1.Health/Check").kind, "unary");
        assert_eq!(
            method_labels("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo").kind,
            "bidi_stream"
        );
        assert_eq!(method_labels("/made.Up/Path").service, "unknown");
        assert_eq!(method_labels("").method, "unknown");
    }

    #[test]
    fn status_codes_have_go_names() {
        assert_eq!(code_name(Code::Ok), "OK");
        assert_eq!(code_name(Code::Cancelled), "Canceled");
        let mut headers = http::HeaderMap::new();
        assert_eq!(grpc_status(&headers), None);
        headers.insert("grpc-status", http::HeaderValue::from_static("5"));
        assert_eq!(grpc_status(&headers), Some(Code::NotFound));
        headers.insert("grpc-status", http::HeaderValue::from_static("x"));
        assert_eq!(grpc_status(&headers), None);
    }
}
