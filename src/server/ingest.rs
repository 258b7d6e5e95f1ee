//! `IngestService`: an adapter from RPCs to the ingest pipeline.

use super::admission::Admission;
use super::error::ApiError;
use crate::api::v1::{
    AnalyzeArticleRequest, AnalyzeArticleResponse, IngestArticlesRequest, IngestArticlesResponse,
    ingest_service_server::IngestService,
};
use crate::pipeline::{Pipeline, analyze_off_thread, validate::validate_article};
use futures::{Stream, StreamExt};
use std::pin::Pin;
use tonic::{Request, Response, Status, Streaming};

/// Serves `newsfacts.v1.IngestService` with a pipeline.
pub struct IngestApi {
    pipeline: Pipeline,
    admission: Admission,
}

impl IngestApi {
    /// An ingest service feeding `pipeline`, within the caps of `admission`.
    pub fn new(pipeline: Pipeline, admission: Admission) -> Self {
        Self {
            pipeline,
            admission,
        }
    }
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
                ack.map_err(|error| Status::from(ApiError::from(error)))
            });
        Ok(Response::new(Box::pin(acks)))
    }

    #[tracing::instrument(skip_all)]
    async fn analyze_article(
        &self,
        request: Request<AnalyzeArticleRequest>,
    ) -> Result<Response<AnalyzeArticleResponse>, Status> {
        let _slot = self.admission.analysis()?;
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
        let article = analyze_off_thread(input)
            .await
            .map_err(|status| Status::new(tonic::Code::from_i32(status.code), status.message))?;
        Ok(Response::new(AnalyzeArticleResponse {
            article: Some(article),
        }))
    }
}
