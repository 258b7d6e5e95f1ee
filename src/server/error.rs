//! The one place where domain errors become `tonic::Status`.

use crate::api::status::{ERROR_DOMAIN, FieldError};
use crate::pipeline::{ExtractionFailed, PipelineError};
use crate::store::StoreError;
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

/// How long a client should wait before retrying after UNAVAILABLE.
const RETRY_DELAY: std::time::Duration = std::time::Duration::from_secs(1);

/// An error of an RPC, before it is turned into a status.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request is malformed; each violation names a field.
    #[error("{message}")]
    InvalidArgument {
        /// Summary for a person.
        message: String,
        /// The fields at fault.
        violations: Vec<FieldError>,
    },
    /// The named resource does not exist.
    #[error("{0} not found")]
    NotFound(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The ingest pipeline stopped the stream.
    #[error(transparent)]
    Pipeline(#[from] PipelineError),
    /// The call carries no valid API key.
    #[error("{0}: send `authorization: Bearer <key>`")]
    Unauthenticated(&'static str),
    /// The API key is valid but lacks the scope the service needs.
    #[error("the API key {caller:?} lacks the {scope:?} scope")]
    PermissionDenied {
        /// The key's name from the keys file.
        caller: String,
        /// The scope the service needs.
        scope: &'static str,
    },
    /// The server is at a capacity cap; retry later.
    #[error("server busy: too many concurrent {0}; retry later or raise {flag}", flag = .0.flag())]
    Overloaded(super::admission::Capacity),
    /// Extraction failed on the article (a bug, isolated to this request).
    #[error(transparent)]
    Extraction(#[from] ExtractionFailed),
    /// The response would exceed the server's response size limit.
    #[error("the response is {size} bytes; the server's limit is {limit} bytes")]
    ResponseTooLarge {
        /// Encoded size of the response.
        size: usize,
        /// The limit (`--max-response-bytes`).
        limit: usize,
    },
    /// A subscriber fell too far behind the stream of facts.
    #[error("watcher fell behind by {0} facts; resubscribe")]
    Lagged(u64),
}

impl ApiError {
    /// An INVALID_ARGUMENT error about one field.
    pub fn field(field: &str, description: impl Into<String>, reason: &'static str) -> Self {
        Self::InvalidArgument {
            message: format!("invalid {field}"),
            violations: vec![FieldError::new(field, description, reason)],
        }
    }
}

fn with_info(code: Code, message: String, reason: &str, retry: bool) -> Status {
    let mut details = ErrorDetails::new();
    details.set_error_info(reason, ERROR_DOMAIN, []);
    if retry {
        details.set_retry_info(Some(RETRY_DELAY));
    }
    Status::with_error_details(code, message, details)
}

fn store_status(error: &StoreError) -> Status {
    match error {
        StoreError::Unavailable(_) => with_info(
            Code::Unavailable,
            error.to_string(),
            "STORE_UNAVAILABLE",
            true,
        ),
        StoreError::Full(_) => {
            tracing::error!(%error, "the store is full");
            with_info(
                Code::ResourceExhausted,
                "the store is out of disk space; nothing of the failed batch was stored".to_owned(),
                "STORE_FULL",
                true,
            )
        }
        StoreError::ReadOnly(_) => {
            tracing::error!(%error, "the store refuses writes");
            with_info(
                Code::FailedPrecondition,
                "the store is read-only; nothing was stored".to_owned(),
                "STORE_READ_ONLY",
                false,
            )
        }
        StoreError::InvalidPageKey(_) => ApiError::field(
            "page_token",
            "is not a token this server issued for these filters",
            "INVALID_PAGE_TOKEN",
        )
        .into(),
        _ => {
            tracing::error!(%error, "store error");
            with_info(
                Code::Internal,
                "internal storage error".to_owned(),
                "STORE_ERROR",
                false,
            )
        }
    }
}

impl From<ApiError> for Status {
    fn from(error: ApiError) -> Self {
        match error {
            ApiError::InvalidArgument {
                message,
                violations,
            } => {
                let mut details = ErrorDetails::new();
                for v in &violations {
                    details.add_bad_request_violation(v.field.clone(), v.description.clone());
                }
                let reason = violations.first().map_or("INVALID_ARGUMENT", |v| v.reason);
                details.set_error_info(reason, ERROR_DOMAIN, []);
                Status::with_error_details(Code::InvalidArgument, message, details)
            }
            ApiError::NotFound(what) => with_info(
                Code::NotFound,
                format!("{what} not found"),
                "NOT_FOUND",
                false,
            ),
            ApiError::Store(error) => store_status(&error),
            ApiError::Pipeline(PipelineError::Store(error)) => store_status(&error),
            ApiError::Pipeline(PipelineError::ShuttingDown) => with_info(
                Code::Unavailable,
                PipelineError::ShuttingDown.to_string(),
                "SHUTTING_DOWN",
                true,
            ),
            error @ ApiError::Unauthenticated(_) => with_info(
                Code::Unauthenticated,
                error.to_string(),
                "API_KEY_INVALID",
                false,
            ),
            error @ ApiError::PermissionDenied { .. } => with_info(
                Code::PermissionDenied,
                error.to_string(),
                "API_KEY_SCOPE_MISSING",
                false,
            ),
            error @ ApiError::Overloaded(_) => {
                let mut status = with_info(
                    Code::ResourceExhausted,
                    error.to_string(),
                    "OVERLOADED",
                    true,
                );
                // RetryInfo says the same to clients that decode details; the header is for
                // proxies and plain clients.
                status.metadata_mut().insert(
                    "retry-after",
                    tonic::metadata::MetadataValue::from(RETRY_DELAY.as_secs()),
                );
                status
            }
            ApiError::Extraction(failed) => with_info(
                Code::Internal,
                failed.to_string(),
                ExtractionFailed::REASON,
                false,
            ),
            error @ ApiError::ResponseTooLarge { .. } => with_info(
                Code::ResourceExhausted,
                error.to_string(),
                "RESPONSE_TOO_LARGE",
                false,
            ),
            ApiError::Lagged(n) => with_info(
                Code::ResourceExhausted,
                ApiError::Lagged(n).to_string(),
                "WATCH_LAGGED",
                true,
            ),
        }
    }
}
