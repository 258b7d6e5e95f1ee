//! Names of the service's metrics and the few calls that record them from the pipeline.
//!
//! Recording goes through the [`metrics`] facade: without a recorder (the default, when
//! `--metrics-listen` is not set) every call here is a no-op; `server::metrics` installs the
//! Prometheus recorder and serves the text format. Nothing here knows about tonic or HTTP.

use std::time::Duration;

/// gRPC calls started, by service, method and type (go-grpc-prometheus names).
pub const RPC_STARTED: &str = "grpc_server_started_total";
/// gRPC calls finished, by service, method, type and status code.
pub const RPC_HANDLED: &str = "grpc_server_handled_total";
/// Seconds from the start of a call to its status (for a stream, until the stream ends).
pub const RPC_DURATION: &str = "grpc_server_handling_seconds";
/// Seconds an article spends in one stage of the ingest pipeline, by `stage`.
pub const STAGE_DURATION: &str = "newsfacts_pipeline_stage_duration_seconds";
/// Articles waiting in the commit queue for a transaction.
pub const COMMIT_QUEUE_DEPTH: &str = "newsfacts_commit_queue_depth";
/// Articles per group commit.
pub const COMMIT_BATCH_ARTICLES: &str = "newsfacts_commit_batch_articles";
/// Ingest streams open now.
pub const INGEST_STREAMS_OPEN: &str = "newsfacts_ingest_streams_open";
/// AnalyzeArticle calls in flight now.
pub const ANALYSES_IN_FLIGHT: &str = "newsfacts_analyses_in_flight";
/// Ingest acknowledgements sent, by `status` (created, duplicate, rejected).
pub const INGEST_ACKS: &str = "newsfacts_ingest_acks_total";
/// Articles newly stored.
pub const ARTICLES_STORED: &str = "newsfacts_articles_stored_total";
/// Statements newly stored.
pub const STATEMENTS_STORED: &str = "newsfacts_statements_stored_total";
/// Trade facts newly stored.
pub const TRADE_FACTS_STORED: &str = "newsfacts_trade_facts_stored_total";
/// Seconds one store operation took, by `operation` and `outcome` (ok, error).
pub const STORE_DURATION: &str = "newsfacts_store_operation_duration_seconds";
/// Always 1, with the version and build profile as labels.
pub const BUILD_INFO: &str = "newsfacts_build_info";

/// A stage of the ingest pipeline whose duration is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Extraction of one article on the blocking pool (ingest and AnalyzeArticle).
    Extract,
    /// From joining the commit queue to the start of the transaction that holds it.
    CommitWait,
    /// One group commit, from the start of its transaction to its outcome.
    Commit,
}

impl Stage {
    /// The value of the `stage` label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Extract => "extract",
            Self::CommitWait => "commit_wait",
            Self::Commit => "commit",
        }
    }
}

/// Records how long one article (or one batch, for [`Stage::Commit`]) spent in `stage`.
pub fn stage_finished(stage: Stage, elapsed: Duration) {
    metrics::histogram!(STAGE_DURATION, "stage" => stage.label()).record(elapsed.as_secs_f64());
}

/// Records the size of one group commit.
pub fn commit_batch(articles: usize) {
    metrics::histogram!(COMMIT_BATCH_ARTICLES).record(articles as f64);
}
