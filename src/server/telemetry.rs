//! The span of each request: it continues the caller's W3C trace context (`traceparent`,
//! `tracestate`) and carries the trace id as a field, so every log line written inside the
//! request names its trace.

use opentelemetry::propagation::Extractor;
use opentelemetry::trace::{TraceContextExt, TraceId};
use tracing_opentelemetry::OpenTelemetrySpanExt;

/// Reads propagation headers from an HTTP request.
struct HeaderExtractor<'a>(&'a http::HeaderMap);

impl Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(http::HeaderName::as_str).collect()
    }
}

/// The span of one request (the `trace_fn` of the tonic server). Its parent is the trace
/// context in the request's headers, read with the process's propagator (W3C trace context,
/// set up by [`crate::telemetry::init_server`]); without one the span starts a new trace.
/// A malformed `traceparent` is ignored, as W3C trace context requires.
pub fn request_span(request: &http::Request<()>) -> tracing::Span {
    let path = request.uri().path();
    let span = tracing::info_span!(
        "grpc",
        otel.name = path.trim_start_matches('/'),
        otel.kind = "server",
        rpc.system = "grpc",
        rpc.grpc.status_code = tracing::field::Empty,
        trace_id = tracing::field::Empty,
    );
    let parent = opentelemetry::global::get_text_map_propagator(|propagator| {
        propagator.extract(&HeaderExtractor(request.headers()))
    });
    // Fails only when no OpenTelemetry layer is installed (a library user's own subscriber):
    // then there is no trace to continue or to name.
    if span.set_parent(parent).is_ok() {
        let trace_id = span.context().span().span_context().trace_id();
        if trace_id != TraceId::INVALID {
            span.record("trace_id", tracing::field::display(trace_id));
        }
    }
    span
}
