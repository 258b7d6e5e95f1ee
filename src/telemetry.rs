//! Logs and traces: the `tracing` subscriber (text or JSON lines on standard error) and, for
//! the server, an OpenTelemetry layer whose spans continue the W3C `traceparent` a caller sent
//! and are exported over OTLP (gRPC) when an endpoint is configured.

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::{Layer, layer::SubscriberExt, util::SubscriberInitExt};

/// The environment variables of the OTLP exporter that name where spans go.
const OTLP_ENDPOINT_VARIABLES: [&str; 2] = [
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
];

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogStyle {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, with the fields of the spans it is in (a request's
    /// `trace_id` among them).
    Json,
}

/// Tracing could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    /// The OTLP exporter could not be built (a malformed endpoint, say).
    #[error("cannot export traces over OTLP")]
    Exporter(#[from] opentelemetry_otlp::ExporterBuildError),
}

/// Keeps the tracer provider alive; dropping it flushes the spans not yet exported.
#[must_use = "dropping the guard stops exporting spans"]
pub struct TelemetryGuard {
    provider: Option<SdkTracerProvider>,
}

impl Drop for TelemetryGuard {
    fn drop(&mut self) {
        if let Some(provider) = self.provider.take()
            && let Err(error) = provider.shutdown()
        {
            eprintln!("newsfacts: exporting the last spans failed: {error}");
        }
    }
}

/// Sets up logging only (the commands other than `serve`).
pub fn init_logs(style: LogStyle, filter: &str) {
    // `try_init` fails only when a subscriber is already set, which is fine.
    let _ = tracing_subscriber::registry()
        .with(log_layer(style, filter))
        .try_init();
}

/// Sets up logging and tracing for the server. Spans are exported over OTLP/gRPC to
/// `otlp_endpoint` or, when it is `None`, to the endpoint the standard
/// `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT` names; with neither,
/// nothing is exported, but a request still gets a trace id (its caller's, or a new one).
/// Must run inside a tokio runtime (the exporter's gRPC channel lives there).
pub fn init_server(
    style: LogStyle,
    filter: &str,
    otlp_endpoint: Option<&str>,
) -> Result<TelemetryGuard, TelemetryError> {
    opentelemetry::global::set_text_map_propagator(
        opentelemetry_sdk::propagation::TraceContextPropagator::new(),
    );
    let exporting = otlp_endpoint.is_some()
        || OTLP_ENDPOINT_VARIABLES
            .iter()
            .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()));
    let mut resource = opentelemetry_sdk::Resource::builder();
    if std::env::var_os("OTEL_SERVICE_NAME").is_none() {
        resource = resource.with_service_name("newsfacts");
    }
    let mut provider = SdkTracerProvider::builder().with_resource(resource.build());
    if exporting {
        use opentelemetry_otlp::WithExportConfig;
        let mut exporter = opentelemetry_otlp::SpanExporter::builder().with_tonic();
        if let Some(endpoint) = otlp_endpoint {
            exporter = exporter.with_endpoint(endpoint);
        }
        provider = provider.with_batch_exporter(exporter.build()?);
    }
    let provider = provider.build();
    let traces = tracing_opentelemetry::layer()
        .with_tracer(provider.tracer("newsfacts"))
        // The request spans and the spans of the services; not the libraries' debug spans.
        .with_filter(tracing_subscriber::filter::LevelFilter::INFO);
    let _ = tracing_subscriber::registry()
        .with(log_layer(style, filter))
        .with(traces)
        .try_init();
    if exporting {
        tracing::info!(
            endpoint = otlp_endpoint.unwrap_or("from OTEL_EXPORTER_OTLP_*"),
            "exporting traces over OTLP"
        );
    }
    Ok(TelemetryGuard {
        provider: Some(provider),
    })
}

type BoxedLayer = Box<dyn Layer<tracing_subscriber::Registry> + Send + Sync>;

fn log_layer(style: LogStyle, filter: &str) -> BoxedLayer {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    match style {
        LogStyle::Text => layer.with_filter(filter).boxed(),
        LogStyle::Json => layer.json().with_filter(filter).boxed(),
    }
}
