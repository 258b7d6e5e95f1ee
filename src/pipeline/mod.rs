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
use std::panic::{AssertUnwindSafe, catch_unwind};
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

// One article's failure must not take the server down: `analyze_guarded` relies on unwinding.
#[cfg(panic = "abort")]
compile_error!(
    "newsfacts isolates a panic in extraction to its article with catch_unwind; build with panic = \"unwind\""
);

/// The extraction the pipeline runs on each article: [`crate::extract::analyze`] unless a
/// caller (a test) supplies another through [`Pipeline::start_with_extractor`].
pub type Extractor = Arc<dyn Fn(&ArticleInput) -> Article + Send + Sync>;

/// The production extractor, [`crate::extract::analyze`].
pub fn default_extractor() -> Extractor {
    Arc::new(crate::extract::analyze)
}

/// The production extractor with the given options ([`crate::extract::analyze_with`]).
pub fn extractor_with(options: crate::extract::Options) -> Extractor {
    if options == crate::extract::Options::default() {
        return default_extractor();
    }
    Arc::new(move |input: &ArticleInput| crate::extract::analyze_with(input, options))
}

/// Extraction failed on one article (a bug in the extractor, caught as a panic). The article
/// is rejected with INTERNAL; other articles, the stream and the server go on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("extraction failed on this article")]
pub struct ExtractionFailed;

impl ExtractionFailed {
    /// Machine-readable reason of the `ErrorInfo` detail.
    pub const REASON: &'static str = "EXTRACTION_FAILED";

    /// The `google.rpc.Status` carried in a rejected ingest ack or a CLI error line.
    pub fn to_rpc_status(&self) -> crate::api::google::rpc::Status {
        rpc_status::with_reason(tonic::Code::Internal, &self.to_string(), Self::REASON)
    }
}

/// Runs `extractor` on one article on the current thread, turning a panic into
/// [`ExtractionFailed`] so that one bad article costs only itself.
pub fn analyze_guarded(
    extractor: &(dyn Fn(&ArticleInput) -> Article + Send + Sync),
    input: &ArticleInput,
) -> Result<Article, ExtractionFailed> {
    // The extractor shares no mutable state across articles (its lexicons are read-only), so
    // nothing it leaves half-done can be observed after the unwind.
    catch_unwind(AssertUnwindSafe(|| extractor(input))).map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        tracing::error!(
            panic = %message,
            bytes = input.text.len(),
            external_id = %input.external_id,
            "extraction panicked; article rejected"
        );
        ExtractionFailed
    })
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
    extractor: Extractor,
    /// Turns to extract an ingested article: twice the cores. A stream keeps up to its window
    /// of articles in preparation at once, and every extraction waiting on the blocking pool
    /// would get a thread of its own (with its own allocator heap): unbounded, a full-corpus
    /// ingest grew the pool past a hundred threads and the server past 450 MiB.
    ingest_extractions: Arc<tokio::sync::Semaphore>,
}

impl Pipeline {
    /// Starts the committers over `store`. `shutdown` stops every ingest stream from reading
    /// further requests; what was read is still committed and acknowledged.
    pub fn start(
        store: Arc<dyn Store>,
        config: PipelineConfig,
        shutdown: CancellationToken,
    ) -> Self {
        Self::start_with_extractor(store, config, shutdown, default_extractor())
    }

    /// [`Pipeline::start`] with another extractor than [`crate::extract::analyze`] (tests
    /// use one that fails on purpose, to check that a failure is isolated).
    pub fn start_with_extractor(
        store: Arc<dyn Store>,
        config: PipelineConfig,
        shutdown: CancellationToken,
        extractor: Extractor,
    ) -> Self {
        let facts = FactBus::new(4096);
        if let Some(feed) = store.take_commit_feed() {
            facts.follow(feed, shutdown.clone());
        }
        let commits = CommitQueue::start(store.clone(), facts.clone(), &config);
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        Self {
            store,
            commits,
            facts,
            ingest_extractions: Arc::new(tokio::sync::Semaphore::new(2 * cores)),
            config,
            shutdown,
            extractor,
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

    /// Articles waiting in the commit queue for a transaction now.
    pub fn commit_queue_depth(&self) -> usize {
        self.commits.depth()
    }

    /// Extracts one article on the blocking pool, so a long article never stalls the async
    /// threads. A panic inside extraction fails that article alone.
    pub async fn analyze(&self, input: ArticleInput) -> Result<Article, ExtractionFailed> {
        analyze_off_thread(self.extractor.clone(), input, ()).await
    }

    /// [`Pipeline::analyze`] holding `slot` until the extraction itself ends, even when the
    /// caller stops waiting (a cancelled call or an expired deadline): a capacity slot then
    /// bounds the work, not just the waiting.
    pub async fn analyze_holding<S: Send + 'static>(
        &self,
        input: ArticleInput,
        slot: S,
    ) -> Result<Article, ExtractionFailed> {
        analyze_off_thread(self.extractor.clone(), input, slot).await
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
        // The semaphore is never closed, so the turn always comes.
        let turn = self.ingest_extractions.clone().acquire_owned().await.ok();
        match self.analyze_holding(input, turn).await {
            Ok(article) => Ok(Prepared::ToCommit {
                key,
                article: Box::new(article),
            }),
            Err(failed) => Ok(Prepared::Answered(rejected(key, failed.to_rpc_status()))),
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

/// Articles up to this many bytes of text are analyzed on the calling async thread: that
/// takes a fraction of a millisecond, less than the hand-off to the blocking pool and back.
pub const INLINE_EXTRACTION_BYTES: usize = 4 * 1024;

/// Runs `extractor` on the blocking pool, so a long article never stalls the async threads;
/// `slot` is dropped when the extraction ends.
/// A panic inside extraction becomes [`ExtractionFailed`] for that article alone.
pub async fn analyze_off_thread<S: Send + 'static>(
    extractor: Extractor,
    input: ArticleInput,
    slot: S,
) -> Result<Article, ExtractionFailed> {
    let span = tracing::debug_span!("analyze", bytes = input.text.len());
    let inline = input.text.len() <= INLINE_EXTRACTION_BYTES;
    let run = move || {
        let _slot = slot;
        let started = std::time::Instant::now();
        let result = span.in_scope(|| analyze_guarded(extractor.as_ref(), &input));
        crate::metrics::stage_finished(crate::metrics::Stage::Extract, started.elapsed());
        result
    };
    if inline {
        return run();
    }
    let task = tokio::task::spawn_blocking(run);
    match task.instrument(tracing::Span::current()).await {
        Ok(result) => result,
        // The blocking task was cancelled (the runtime is shutting down): no article either.
        Err(join_error) => {
            tracing::error!(error = %join_error, "extraction task failed");
            Err(ExtractionFailed)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn input(text: &str) -> ArticleInput {
        ArticleInput {
            external_id: "t-1".into(),
            text: text.to_owned(),
            ..Default::default()
        }
    }

    /// An extractor with a bug on one kind of input.
    fn fragile(input: &ArticleInput) -> Article {
        assert!(!input.text.contains("BOOM"), "extractor bug on purpose");
        crate::extract::analyze(input)
    }

    #[test]
    fn a_panic_in_extraction_becomes_extraction_failed() {
        assert_eq!(
            analyze_guarded(&fragile, &input("BOOM, he said.")),
            Err(ExtractionFailed)
        );
        // The same extractor goes on working for other articles.
        let article = analyze_guarded(&fragile, &input("Peru said exports rose."))
            .expect("a sound article is analyzed");
        assert_eq!(article.text, "Peru said exports rose.");
        let status = ExtractionFailed.to_rpc_status();
        assert_eq!(status.code, tonic::Code::Internal as i32);
        assert!(status.details[0].type_url.ends_with("google.rpc.ErrorInfo"));
    }

    #[tokio::test]
    async fn a_panic_off_thread_becomes_extraction_failed() {
        let extractor: Extractor = Arc::new(fragile);
        let failed = analyze_off_thread(extractor.clone(), input("x BOOM"), ()).await;
        assert_eq!(failed, Err(ExtractionFailed));
        let ok = analyze_off_thread(extractor, input("Peru said exports rose."), ()).await;
        assert!(ok.is_ok());
    }
}
