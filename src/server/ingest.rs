//! `IngestService`: an adapter from RPCs to the ingest pipeline.

use super::admission::Admission;
use super::error::ApiError;
use crate::api::v1::{
    AnalyzeArticleRequest, AnalyzeArticleResponse, IngestArticlesRequest, IngestArticlesResponse,
    IngestStatus, ingest_service_server::IngestService,
};
use crate::pipeline::{Pipeline, validate::validate_article};
use futures::{Stream, StreamExt};
use prost::Message;
use std::pin::Pin;
use tonic::{Request, Response, Status, Streaming};

/// Serves `newsfacts.v1.IngestService` with a pipeline.
pub struct IngestApi {
    pipeline: Pipeline,
    admission: Admission,
    max_response_bytes: usize,
}

impl IngestApi {
    /// An ingest service feeding `pipeline`, within the caps of `admission`, whose responses
    /// are at most `max_response_bytes`.
    pub fn new(pipeline: Pipeline, admission: Admission, max_response_bytes: usize) -> Self {
        Self {
            pipeline,
            admission,
            max_response_bytes,
        }
    }
}

/// Counts one acknowledgement by its status.
fn count_ack(ack: &IngestArticlesResponse) {
    let status = match IngestStatus::try_from(ack.status) {
        Ok(IngestStatus::Created) => "created",
        Ok(IngestStatus::Duplicate) => "duplicate",
        Ok(IngestStatus::Rejected) => "rejected",
        _ => "unspecified",
    };
    metrics::counter!(crate::metrics::INGEST_ACKS, "status" => status).increment(1);
}

type AckStream = Pin<Box<dyn Stream<Item = Result<IngestArticlesResponse, Status>> + Send>>;

#[tonic::async_trait]
impl IngestService for IngestApi {
    type IngestArticlesStream = AckStream;

    #[tracing::instrument(skip_all)]
    async fn ingest_articles(
        &self,
        request: Request<Streaming<IngestArticlesRequest>>,
    ) -> Result<Response<AckStream>, Status> {
        let slot = self.admission.ingest_stream()?;
        let acks = self
            .pipeline
            .ingest_stream(request.into_inner())
            .map(move |ack| {
                // The slot is freed when the stream (and this closure) is dropped.
                let _slot = &slot;
                if let Ok(ack) = &ack {
                    count_ack(ack);
                }
                ack.map_err(|error| Status::from(ApiError::from(error)))
            });
        Ok(Response::new(Box::pin(acks)))
    }

    #[tracing::instrument(skip_all)]
    async fn analyze_article(
        &self,
        request: Request<AnalyzeArticleRequest>,
    ) -> Result<Response<AnalyzeArticleResponse>, Status> {
        let slot = self.admission.analysis()?;
        let request = request.into_inner();
        let violations = validate_article(request.article.as_ref(), self.pipeline.config().limits);
        let input = match request.article {
            Some(input) if violations.is_empty() => input,
            _ => {
                return Err(ApiError::InvalidArgument {
                    message: "invalid article".to_owned(),
                    violations,
                }
                .into());
            }
        };
        let article = self
            .pipeline
            .analyze_holding(input, slot)
            .await
            .map_err(ApiError::from)?;
        let response = AnalyzeArticleResponse {
            article: Some(article),
        };
        // Said here, with a reason, rather than as the transport's bare OUT_OF_RANGE.
        let size = response.encoded_len();
        if size > self.max_response_bytes {
            return Err(ApiError::ResponseTooLarge {
                size,
                limit: self.max_response_bytes,
            }
            .into());
        }
        Ok(Response::new(response))
    }
}
