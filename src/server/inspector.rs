//! The inspector: a small web page for analysts, served with `--http-listen`, that calls the
//! API through gRPC-Web on the same port.
//!
//! The page (`inspector/` at the top of the repository) is compiled into the binary and loads
//! nothing from elsewhere: its Content-Security-Policy allows only this origin. gRPC-Web goes
//! through the very service instances the gRPC port serves (the same API-key interceptors,
//! message limits and admission caps), translated by `tonic_web`; page and API share one
//! origin, so no CORS is needed.
//!
//! The page encodes and decodes protobuf itself, from a schema this module derives from the
//! file descriptor set compiled into the binary (`GET /schema.json`): the browser's codec
//! cannot drift from `proto/`.

use crate::api::v1::{
    ingest_service_server::IngestServiceServer, query_service_server::QueryServiceServer,
};
use crate::server::auth::ScopeGuard;
use crate::server::{IngestApi, QueryApi};
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use prost::Message;
use prost_types::field_descriptor_proto::{Label, Type};
use serde_json::{Map, Value, json};
use std::sync::{Arc, Mutex, OnceLock};
use tokio::net::TcpListener;
use tokio_util::sync::{CancellationToken, DropGuard};
use tonic::server::NamedService;
use tonic::service::interceptor::InterceptedService;
use tower_layer::Layer;

/// IngestService as the gRPC port serves it: behind its API-key guard.
pub type GuardedIngest = InterceptedService<IngestServiceServer<IngestApi>, ScopeGuard>;
/// QueryService as the gRPC port serves it: behind its API-key guard.
pub type GuardedQuery = InterceptedService<QueryServiceServer<QueryApi>, ScopeGuard>;

const INDEX_HTML: &str = include_str!("../../inspector/index.html");
const APP_JS: &str = include_str!("../../inspector/app.js");
const STYLE_CSS: &str = include_str!("../../inspector/style.css");

/// Only this origin: no CDN, no inline script, no outside connection, whatever an article
/// holds (article text is rendered as text, never as HTML).
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The bound listener of the inspector, handed to the server in its configuration.
///
/// The configuration is `Clone`; the listener is taken out once, when the server starts.
#[derive(Debug, Clone)]
pub struct HttpListener(Arc<Mutex<Option<TcpListener>>>);

impl HttpListener {
    /// Wraps a bound listener.
    pub fn new(listener: TcpListener) -> Self {
        Self(Arc::new(Mutex::new(Some(listener))))
    }

    fn take(&self) -> Option<TcpListener> {
        match self.0.lock() {
            Ok(mut slot) => slot.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        }
    }
}

/// Why the inspector cannot start.
#[derive(Debug, thiserror::Error)]
pub enum InspectorError {
    /// A configuration's listener serves one server only.
    #[error("the inspector's listener was already used by another server")]
    ListenerTaken,
}

/// Serves the page and gRPC-Web on `listener` until `shutdown` is cancelled or the returned
/// guard is dropped (the caller holds it for as long as the gRPC server runs, so an early
/// return stops the inspector too).
pub fn spawn(
    listener: &HttpListener,
    ingest: GuardedIngest,
    query: GuardedQuery,
    shutdown: &CancellationToken,
) -> Result<DropGuard, InspectorError> {
    let listener = listener.take().ok_or(InspectorError::ListenerTaken)?;
    let addr = listener.local_addr().ok();
    let app = router(ingest, query);
    let stop = shutdown.child_token();
    let guard = stop.clone().drop_guard();
    tracing::info!(addr = ?addr, "serving the inspector (HTTP/1.1 and h2c, gRPC-Web)");
    tokio::spawn(async move {
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(stop.cancelled_owned())
            .await;
        if let Err(error) = served {
            tracing::error!(%error, "the inspector stopped");
        }
    });
    Ok(guard)
}

/// The routes: the page's three files, its schema, and both services over gRPC-Web.
pub fn router(ingest: GuardedIngest, query: GuardedQuery) -> Router {
    let web = tonic_web::GrpcWebLayer::new();
    Router::new()
        .route(
            "/",
            get(|| async { asset("text/html; charset=utf-8", INDEX_HTML) }),
        )
        .route(
            "/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", APP_JS) }),
        )
        .route(
            "/style.css",
            get(|| async { asset("text/css; charset=utf-8", STYLE_CSS) }),
        )
        .route(
            "/schema.json",
            get(|| async { asset("application/json", schema_json()) }),
        )
        .route_service(
            &format!("/{}/{{*method}}", GuardedIngest::NAME),
            web.layer(ingest),
        )
        .route_service(
            &format!("/{}/{{*method}}", GuardedQuery::NAME),
            web.layer(query),
        )
        .fallback(|| async { (StatusCode::NOT_FOUND, "not found\n") })
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// The page's protobuf schema, as JSON: `{"messages": {"newsfacts.v1.Span": [[number,
/// jsonName, type, repeated, typeName], ...]}, "enums": {"newsfacts.v1.Trend": {"0":
/// "TREND_UNSPECIFIED", ...}}}`, for every message and enum of the compiled descriptors,
/// nested ones (map entries) included.
pub fn schema_json() -> &'static str {
    static SCHEMA: OnceLock<String> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        // The descriptor set is compiled in by build.rs: it always decodes.
        let set = prost_types::FileDescriptorSet::decode(crate::api::FILE_DESCRIPTOR_SET)
            .unwrap_or_default();
        let (mut messages, mut enums) = (Map::new(), Map::new());
        for file in &set.file {
            let package = file.package();
            for message in &file.message_type {
                add_message(package, message, &mut messages, &mut enums);
            }
            for enumeration in &file.enum_type {
                add_enum(package, enumeration, &mut enums);
            }
        }
        json!({"messages": messages, "enums": enums}).to_string()
    })
}

fn add_message(
    scope: &str,
    message: &prost_types::DescriptorProto,
    messages: &mut Map<String, Value>,
    enums: &mut Map<String, Value>,
) {
    let name = format!("{scope}.{}", message.name());
    let fields = message
        .field
        .iter()
        .map(|field| {
            let kind = match field.r#type() {
                Type::Double => "double",
                Type::Float => "float",
                Type::Int64 | Type::Sint64 | Type::Sfixed64 => "int64",
                Type::Uint64 | Type::Fixed64 => "uint64",
                Type::Int32 | Type::Sint32 | Type::Sfixed32 => "int32",
                Type::Uint32 | Type::Fixed32 => "uint32",
                Type::Bool => "bool",
                Type::String => "string",
                Type::Bytes => "bytes",
                Type::Enum => "enum",
                Type::Message | Type::Group => "message",
            };
            let map_entry = field.r#type() == Type::Message
                && message.nested_type.iter().any(|nested| {
                    field.type_name().ends_with(&format!(".{}", nested.name()))
                        && nested.options.as_ref().is_some_and(|o| o.map_entry())
                });
            json!([
                field.number(),
                field.json_name(),
                if map_entry { "map" } else { kind },
                field.label() == Label::Repeated,
                field.type_name().trim_start_matches('.'),
            ])
        })
        .collect::<Vec<_>>();
    messages.insert(name.clone(), Value::Array(fields));
    for nested in &message.nested_type {
        add_message(&name, nested, messages, enums);
    }
    for enumeration in &message.enum_type {
        add_enum(&name, enumeration, enums);
    }
}

fn add_enum(
    scope: &str,
    enumeration: &prost_types::EnumDescriptorProto,
    enums: &mut Map<String, Value>,
) {
    let values = enumeration
        .value
        .iter()
        .map(|v| (v.number().to_string(), Value::from(v.name())))
        .collect::<Map<_, _>>();
    enums.insert(
        format!("{scope}.{}", enumeration.name()),
        Value::Object(values),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> Value {
        serde_json::from_str(schema_json()).expect("schema is JSON")
    }

    #[test]
    fn schema_describes_the_messages_the_page_uses() {
        let schema = schema();
        let span = &schema["messages"]["newsfacts.v1.Span"];
        assert_eq!(
            span,
            &json!([
                [1, "start", "int32", false, ""],
                [2, "end", "int32", false, ""]
            ])
        );
        let fact = &schema["messages"]["newsfacts.v1.TradeFact"];
        let parties = fact
            .as_array()
            .and_then(|fields| fields.iter().find(|f| f[1] == "parties"))
            .expect("TradeFact.parties");
        assert_eq!(
            parties,
            &json!([8, "parties", "message", true, "newsfacts.v1.EntityRef"])
        );
        let labels = schema["messages"]["newsfacts.v1.ArticleInput"]
            .as_array()
            .and_then(|fields| fields.iter().find(|f| f[1] == "labels"))
            .cloned()
            .expect("ArticleInput.labels");
        assert_eq!(labels[2], "map");
        assert!(schema["messages"]["newsfacts.v1.ArticleInput.LabelsEntry"].is_array());
        assert!(schema["messages"]["google.protobuf.Timestamp"].is_array());
        assert_eq!(
            schema["enums"]["newsfacts.v1.TradeFactKind"]["5"],
            "TRADE_FACT_KIND_PARTNER_RANK"
        );
    }

    #[test]
    fn page_assets_name_no_outside_host() {
        for (name, text) in [
            ("index.html", INDEX_HTML),
            ("app.js", APP_JS),
            ("style.css", STYLE_CSS),
        ] {
            // The SVG namespace is a name, not an address the page loads.
            let text = text.replace("'http://www.w3.org/2000/svg'", "");
            for needle in ["http://", "https://", "//cdn", "@import", "url(http"] {
                assert!(!text.contains(needle), "{name} contains {needle}");
            }
        }
    }
}
