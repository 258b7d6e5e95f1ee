//! `IngestService`: an adapter from RPCs to the ingest pipeline.

use super::error::ApiError;
use crate::api::v1::{
    AnalyzeArticleRequest, AnalyzeArticleResponse, IngestArticlesRequest, IngestArticlesResponse,
    ingest_service_server::IngestService,
};
use crate::pipeline::{Pipeline, validate::validate_article};
use futures::{Stream, StreamExt};
use std::pin::Pin;
use tonic::{Request, Response, Status, Streaming};

/// Serves `newsfacts.v1.IngestService` with a pipeline.
pub struct IngestApi {
    pipeline: Pipeline,
}

impl IngestApi {
    /// An ingest service feeding `pipeline`.
    pub fn new(pipeline: Pipeline) -> Self {
        Self { pipeline }
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
        let acks = self
            .pipeline
            .ingest_stream(request.into_inner())
            .map(|ack| ack.map_err(|error| Status::from(ApiError::from(error))));
        Ok(Response::new(Box::pin(acks)))
    }

    #[tracing::instrument(skip_all)]
    async fn analyze_article(
        &self,
        request: Request<AnalyzeArticleRequest>,
    ) -> Result<Response<AnalyzeArticleResponse>, Status> {
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
        let article = self.pipeline.analyze(input).await.map_err(ApiError::from)?;
        Ok(Response::new(AnalyzeArticleResponse {
            article: Some(article),
        }))
    }
}
