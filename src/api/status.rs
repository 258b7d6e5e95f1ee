//! `google.rpc.Status` values carried inside messages (the `error` of a rejected ingest ack),
//! with `google.rpc.BadRequest` and `google.rpc.ErrorInfo` details packed as `Any`.

use super::google::rpc::Status;
use prost::Message;
use tonic_types::pb::{BadRequest, ErrorInfo, bad_request::FieldViolation};

/// The error domain of every `ErrorInfo` this service returns (AIP-193).
pub const ERROR_DOMAIN: &str = "newsfacts";

/// One field of a request that is at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Path of the field, e.g. `article.text`.
    pub field: String,
    /// What is wrong with it, for a person.
    pub description: String,
    /// Machine-readable reason in UPPER_SNAKE_CASE, e.g. `ARTICLE_TOO_LARGE`.
    pub reason: &'static str,
}

impl FieldError {
    /// A field error.
    pub fn new(
        field: impl Into<String>,
        description: impl Into<String>,
        reason: &'static str,
    ) -> Self {
        Self {
            field: field.into(),
            description: description.into(),
            reason,
        }
    }
}

fn pack(type_name: &str, message: &impl Message) -> pbjson_types::Any {
    pbjson_types::Any {
        type_url: format!("type.googleapis.com/{type_name}"),
        value: message.encode_to_vec().into(),
    }
}

/// An INVALID_ARGUMENT status naming every field at fault, with a `BadRequest` and an
/// `ErrorInfo` (reason of the first violation) in its details.
pub fn invalid_argument(message: &str, violations: &[FieldError]) -> Status {
    let bad_request = BadRequest {
        field_violations: violations
            .iter()
            .map(|v| FieldViolation {
                field: v.field.clone(),
                description: v.description.clone(),
                ..Default::default()
            })
            .collect(),
    };
    let reason = violations.first().map_or("INVALID_ARGUMENT", |v| v.reason);
    let info = ErrorInfo {
        reason: reason.to_owned(),
        domain: ERROR_DOMAIN.to_owned(),
        ..Default::default()
    };
    let summary: Vec<String> = violations
        .iter()
        .map(|v| format!("{} {}", v.field, v.description))
        .collect();
    Status {
        code: tonic::Code::InvalidArgument as i32,
        message: format!("{message}: {}", summary.join("; ")),
        details: vec![
            pack("google.rpc.BadRequest", &bad_request),
            pack("google.rpc.ErrorInfo", &info),
        ],
    }
}

/// A status with a code, a message and an `ErrorInfo` reason.
pub fn with_reason(code: tonic::Code, message: &str, reason: &str) -> Status {
    let info = ErrorInfo {
        reason: reason.to_owned(),
        domain: ERROR_DOMAIN.to_owned(),
        ..Default::default()
    };
    Status {
        code: code as i32,
        message: message.to_owned(),
        details: vec![pack("google.rpc.ErrorInfo", &info)],
    }
}
