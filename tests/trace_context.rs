//! Tracing across services, with the real `newsfacts serve` process: a W3C `traceparent` sent
//! by the caller is continued (its trace id is on every log line of the request, in the JSON
//! logs), and with `--otlp-endpoint` the server's span reaches an OTLP collector as a child of
//! the caller's span. The collector here is a small in-test gRPC server.

mod common;

use common::fixture_articles;
use newsfacts::api::v1::{AnalyzeArticleRequest, ingest_service_client::IngestServiceClient};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
    trace_service_server::{TraceService, TraceServiceServer},
};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tonic::transport::Channel;

const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_SPAN_ID: &str = "00f067aa0ba902b7";

/// The server as a child process, its JSON log lines collected as they come.
struct ServerProcess {
    child: Child,
    addr: String,
    logs: std::sync::mpsc::Receiver<String>,
}

impl ServerProcess {
    fn start(dir: &tempfile::TempDir, extra: &[&str]) -> Self {
        let (mut child, addr) = common::spawn_server(|command| {
            command
                .args(["--log-format", "json", "--log", "newsfacts=debug"])
                .args(["--database-url", &common::sqlite_url(dir)])
                .args(extra)
                // Whatever the environment says, export only where the test says.
                .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
                .env_remove("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
                .env_remove("OTEL_SERVICE_NAME")
                .stderr(Stdio::piped());
        });
        let stderr = child.stderr.take().expect("stderr");
        let (send, logs) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { return };
                if send.send(line).is_err() {
                    return;
                }
            }
        });
        Self { child, addr, logs }
    }

    async fn client(&self) -> IngestServiceClient<Channel> {
        let channel = Channel::from_shared(format!("http://{}", self.addr))
            .expect("url")
            .connect()
            .await
            .expect("connect");
        IngestServiceClient::new(channel)
    }

    /// Log lines, parsed, until one satisfies `last` (at most 30 s).
    fn lines_until(&self, last: impl Fn(&serde_json::Value) -> bool) -> Vec<serde_json::Value> {
        let mut out = Vec::new();
        loop {
            let line = self
                .logs
                .recv_timeout(Duration::from_secs(30))
                .expect("the expected log line comes");
            let value: serde_json::Value = serde_json::from_str(&line)
                .unwrap_or_else(|e| panic!("a log line that is not JSON ({e}): {line}"));
            let done = last(&value);
            out.push(value);
            if done {
                return out;
            }
        }
    }

    /// SIGTERM, then waits for the process to exit.
    fn terminate(mut self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success());
        let exit = self.child.wait().expect("wait");
        assert!(exit.success(), "server exit: {exit:?}");
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An AnalyzeArticle call, with a `traceparent` when `trace` is set.
async fn analyze(server: &ServerProcess, trace: bool) {
    let mut request = tonic::Request::new(AnalyzeArticleRequest {
        article: Some(fixture_articles()[0].clone()),
    });
    if trace {
        request.metadata_mut().insert(
            "traceparent",
            format!("00-{TRACE_ID}-{PARENT_SPAN_ID}-01")
                .parse()
                .expect("header value"),
        );
    }
    server
        .client()
        .await
        .analyze_article(request)
        .await
        .expect("analyze");
}

/// The trace id of the request span a log line is in, if any.
fn trace_id(line: &serde_json::Value) -> Option<&str> {
    line["spans"]
        .as_array()?
        .iter()
        .find(|s| s["name"] == "grpc")?["trace_id"]
        .as_str()
}

fn is_call_finished(line: &serde_json::Value) -> bool {
    line["fields"]["message"] == "call finished"
}

// Worker threads of their own, so the client's connections close while the test thread
// blocks on the server's exit (else the server waits for them to its shutdown timeout).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_callers_trace_id_is_on_every_log_line_of_the_request() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = ServerProcess::start(&dir, &[]);

    analyze(&server, true).await;
    let lines = server.lines_until(is_call_finished);
    let in_request: Vec<_> = lines.iter().filter(|l| trace_id(l).is_some()).collect();
    // The extraction's own lines and the closing line, at least.
    assert!(
        in_request.len() >= 2,
        "log lines of the request: {in_request:#?}"
    );
    for line in &in_request {
        assert_eq!(trace_id(line), Some(TRACE_ID), "{line}");
    }
    let finished = lines.last().expect("a line");
    assert_eq!(finished["fields"]["grpc.code"], "OK");
    assert!(
        lines.iter().any(|l| l["target"]
            .as_str()
            .is_some_and(|t| t.starts_with("newsfacts::extract"))
            && trace_id(l) == Some(TRACE_ID)),
        "the extraction, on a thread of the blocking pool, logs under the caller's trace"
    );

    // Without a traceparent, the request starts a trace of its own.
    analyze(&server, false).await;
    let lines = server.lines_until(is_call_finished);
    let own = trace_id(lines.last().expect("a line")).expect("a trace id");
    assert_eq!(own.len(), 32);
    assert!(own.chars().all(|c| c.is_ascii_hexdigit()));
    assert_ne!(own, TRACE_ID);
    assert_ne!(own, "00000000000000000000000000000000");
    server.terminate();
}

/// An OTLP collector that keeps what it is sent.
#[derive(Default, Clone)]
struct Collector {
    received: Arc<Mutex<Vec<ExportTraceServiceRequest>>>,
}

#[tonic::async_trait]
impl TraceService for Collector {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        self.received
            .lock()
            .expect("lock")
            .push(request.into_inner());
        Ok(tonic::Response::new(ExportTraceServiceResponse::default()))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

// Worker threads of their own: the collector must answer while the test thread blocks on the
// server's exit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_an_otlp_endpoint_the_server_span_is_exported_as_the_callers_child() {
    let collector = Collector::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let collector_addr = listener.local_addr().expect("addr");
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(TraceServiceServer::new(collector.clone()))
            .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener)),
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let endpoint = format!("http://{collector_addr}");
    let server = ServerProcess::start(&dir, &["--otlp-endpoint", &endpoint]);
    analyze(&server, true).await;
    server.lines_until(is_call_finished);
    // The last spans are flushed on the way out.
    server.terminate();

    let received = collector.received.lock().expect("lock").clone();
    let spans: Vec<_> = received
        .iter()
        .flat_map(|r| &r.resource_spans)
        .flat_map(|r| {
            let service = r
                .resource
                .iter()
                .flat_map(|res| &res.attributes)
                .find(|a| a.key == "service.name")
                .and_then(|a| a.value.clone());
            r.scope_spans
                .iter()
                .flat_map(|s| &s.spans)
                .map(move |s| (service.clone(), s.clone()))
        })
        .collect();
    let (service, span) = spans
        .iter()
        .find(|(_, s)| s.name == "newsfacts.v1.IngestService/AnalyzeArticle")
        .unwrap_or_else(|| {
            panic!(
                "no AnalyzeArticle span among {:?}",
                spans.iter().map(|(_, s)| &s.name).collect::<Vec<_>>()
            )
        });
    assert_eq!(hex(&span.trace_id), TRACE_ID);
    assert_eq!(hex(&span.parent_span_id), PARENT_SPAN_ID);
    assert_eq!(
        span.kind,
        opentelemetry_proto::tonic::trace::v1::span::SpanKind::Server as i32
    );
    let status_code = span
        .attributes
        .iter()
        .find(|a| a.key == "rpc.grpc.status_code")
        .and_then(|a| a.value.as_ref())
        .and_then(|v| v.value.clone());
    assert_eq!(
        status_code,
        Some(opentelemetry_proto::tonic::common::v1::any_value::Value::IntValue(0))
    );
    let service = service
        .as_ref()
        .and_then(|v| v.value.clone())
        .expect("a service name");
    assert_eq!(
        service,
        opentelemetry_proto::tonic::common::v1::any_value::Value::StringValue("newsfacts".into())
    );
}
