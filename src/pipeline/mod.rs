//! The async ingest path: validation, extraction off the async threads, group commit into the
//! store, ordered per-stream acknowledgements, and the bus of committed facts.
//!
//! Nothing here knows about tonic: the server adapts its streams to [`Pipeline::ingest_stream`].

mod commit;
mod facts;
mod stream;
pub mod validate;

pub use facts::{FactBus, FactEvent};
pub use validate::ArticleLimits;

use crate::api::{
    status as rpc_status,
    v1::{Article, ArticleInput, IngestArticlesResponse, IngestStatus},
};
use crate::store::{InsertOutcome, Store, StoreError};
use commit::CommitQueue;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

/// Tuning of the ingest pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PipelineConfig {
    /// Per-article limits.
    pub limits: ArticleLimits,
    /// Most articles committed in one transaction.
    pub max_batch: usize,
    /// Capacity of the queue in front of the committers (articles waiting for a transaction).
    pub commit_queue: usize,
    /// Number of concurrent committers (1 suits SQLite, which has one writer).
    pub committers: usize,
    /// Most unacknowledged articles one ingest stream may have in flight.
    pub stream_window: usize,
}

impl Default for PipelineConfig {
    fn default() -> Self {
        Self {
            limits: ArticleLimits::default(),
            max_batch: 256,
            commit_queue: 1024,
            committers: 1,
            stream_window: 256,
        }
    }
}

/// Errors that end an ingest stream (per-article problems are acks, not errors).
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// The store failed; articles not yet acknowledged were not committed.
    #[error("store failed: {0}")]
    Store(Arc<StoreError>),
    /// The server is shutting down; articles not yet acknowledged were not read.
    #[error("server is shutting down; resend the articles that were not acknowledged")]
    ShuttingDown,
}

impl From<StoreError> for PipelineError {
    fn from(error: StoreError) -> Self {
        Self::Store(Arc::new(error))
    }
}

/// The ingest pipeline shared by all streams of a server.
#[derive(Clone)]
pub struct Pipeline {
    store: Arc<dyn Store>,
    commits: CommitQueue,
    facts: FactBus,
    config: PipelineConfig,
    shutdown: CancellationToken,
}

impl Pipeline {
    /// Starts the committers over `store`. `shutdown` stops every ingest stream from reading
    /// further requests; what was read is still committed and acknowledged.
    pub fn start(
        store: Arc<dyn Store>,
        config: PipelineConfig,
        shutdown: CancellationToken,
    ) -> Self {
        let facts = FactBus::new(4096);
        let commits = CommitQueue::start(store.clone(), facts.clone(), &config);
        Self {
            store,
            commits,
            facts,
            config,
            shutdown,
        }
    }

    /// The bus on which committed facts are published.
    pub fn facts(&self) -> &FactBus {
        &self.facts
    }

    /// The store behind the pipeline.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The pipeline's configuration.
    pub fn config(&self) -> &PipelineConfig {
        &self.config
    }

    /// The work on one article before its commit: validation, a look-up of a stored
    /// duplicate, extraction. Runs concurrently for the articles of a stream.
    async fn prepare(&self, article: Option<ArticleInput>) -> Result<Prepared, PipelineError> {
        let violations = validate::validate_article(article.as_ref(), self.config.limits);
        let input = match article {
            Some(input) if violations.is_empty() => input,
            invalid => {
                let error = rpc_status::invalid_argument("invalid article", &violations);
                let external_id = invalid.map(|a| a.external_id).unwrap_or_default();
                return Ok(Prepared::Answered(rejected(external_id, error)));
            }
        };
        let key = idempotency_key(&input);
        if let Some(article_id) = self.store.find_article_id(&key).await? {
            return Ok(Prepared::Answered(duplicate(key, article_id)));
        }
        match analyze_off_thread(input).await {
            Ok(article) => Ok(Prepared::ToCommit {
                key,
                article: Box::new(article),
            }),
            Err(status) => Ok(Prepared::Answered(rejected(key, status))),
        }
    }
}

/// An article after [`Pipeline::prepare`].
enum Prepared {
    /// Its ack is known without a commit (rejected, or already stored).
    Answered(IngestArticlesResponse),
    /// It must be committed.
    ToCommit {
        /// Its idempotency key.
        key: String,
        /// The analyzed article.
        article: Box<Article>,
    },
}

/// The ack of a committed (or deduplicated) article.
fn committed(key: String, outcome: InsertOutcome) -> IngestArticlesResponse {
    match outcome {
        InsertOutcome::Created(article) => IngestArticlesResponse {
            external_id: key,
            status: IngestStatus::Created as i32,
            article_id: article.article_id.clone(),
            statement_count: article.statement_count,
            trade_fact_count: article.trade_fact_count,
            entity_count: article.entity_count,
            ..Default::default()
        },
        InsertOutcome::Duplicate { article_id } => duplicate(key, article_id),
    }
}

/// The idempotency key of an article: its `external_id`, or `sha256:<hex>` of the text.
pub fn idempotency_key(input: &ArticleInput) -> String {
    if input.external_id.is_empty() {
        format!("sha256:{}", crate::extract::sha256_hex(&input.text))
    } else {
        input.external_id.clone()
    }
}

/// Runs extraction on the blocking pool, so a long article never stalls the async threads.
/// A panic inside extraction becomes an INTERNAL status for that article alone.
pub async fn analyze_off_thread(
    input: ArticleInput,
) -> Result<Article, crate::api::google::rpc::Status> {
    let span = tracing::debug_span!("analyze", bytes = input.text.len());
    let task =
        tokio::task::spawn_blocking(move || span.in_scope(|| crate::extract::analyze(&input)));
    match task.instrument(tracing::Span::current()).await {
        Ok(article) => Ok(article),
        Err(join_error) => {
            tracing::error!(error = %join_error, "extraction failed");
            Err(rpc_status::with_reason(
                tonic::Code::Internal,
                "extraction failed on this article",
                "EXTRACTION_FAILED",
            ))
        }
    }
}

fn duplicate(external_id: String, article_id: String) -> IngestArticlesResponse {
    IngestArticlesResponse {
        external_id,
        status: IngestStatus::Duplicate as i32,
        article_id,
        ..Default::default()
    }
}

fn rejected(external_id: String, error: crate::api::google::rpc::Status) -> IngestArticlesResponse {
    IngestArticlesResponse {
        external_id,
        status: IngestStatus::Rejected as i32,
        error: Some(error),
        ..Default::default()
    }
}
