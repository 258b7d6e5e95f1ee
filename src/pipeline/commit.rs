//! Group commit: articles that arrive together are committed in one transaction.

use super::{FactBus, PipelineConfig, PipelineError};
use crate::api::v1::Article;
use crate::metrics::{self, Stage};
use crate::store::{InsertOutcome, Store, StoreError};
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::{Mutex, mpsc, oneshot};

struct CommitJob {
    article: Article,
    queued_at: Instant,
    reply: oneshot::Sender<Result<InsertOutcome, Arc<StoreError>>>,
}

/// The bounded queue in front of the committers. Cloning shares the queue.
#[derive(Clone)]
pub(super) struct CommitQueue {
    sender: mpsc::Sender<CommitJob>,
}

impl CommitQueue {
    /// Starts `config.committers` tasks that drain the queue in batches of up to `max_batch`.
    pub(super) fn start(store: Arc<dyn Store>, facts: FactBus, config: &PipelineConfig) -> Self {
        let (sender, receiver) = mpsc::channel(config.commit_queue.max(1));
        let receiver = Arc::new(Mutex::new(receiver));
        for worker in 0..config.committers.max(1) {
            let committer = Committer {
                store: store.clone(),
                facts: facts.clone(),
                receiver: receiver.clone(),
                max_batch: config.max_batch.max(1),
            };
            tokio::spawn(async move {
                committer.run().await;
                tracing::debug!(worker, "committer stopped");
            });
        }
        Self { sender }
    }

    /// Queues one article for the next transaction. Waits for room when the queue is full,
    /// which pushes back on the streams feeding it.
    pub(super) async fn enqueue(&self, article: Article) -> Result<PendingCommit, PipelineError> {
        let (reply, outcome) = oneshot::channel();
        let job = CommitJob {
            article,
            queued_at: Instant::now(),
            reply,
        };
        self.sender
            .send(job)
            .await
            .map_err(|_| PipelineError::ShuttingDown)?;
        Ok(PendingCommit { outcome })
    }

    /// Articles in the queue now, waiting for a transaction.
    pub(super) fn depth(&self) -> usize {
        self.sender.max_capacity() - self.sender.capacity()
    }
}

/// An article in the commit queue; resolves when its transaction committed or failed.
pub(super) struct PendingCommit {
    outcome: oneshot::Receiver<Result<InsertOutcome, Arc<StoreError>>>,
}

impl PendingCommit {
    /// Waits for the transaction that holds the article.
    pub(super) async fn outcome(self) -> Result<InsertOutcome, PipelineError> {
        match self.outcome.await {
            Ok(Ok(outcome)) => Ok(outcome),
            Ok(Err(error)) => Err(PipelineError::Store(error)),
            Err(_) => Err(PipelineError::ShuttingDown),
        }
    }
}

struct Committer {
    store: Arc<dyn Store>,
    facts: FactBus,
    receiver: Arc<Mutex<mpsc::Receiver<CommitJob>>>,
    max_batch: usize,
}

impl Committer {
    async fn run(self) {
        loop {
            let mut jobs = Vec::with_capacity(self.max_batch);
            {
                let mut receiver = self.receiver.lock().await;
                if receiver.recv_many(&mut jobs, self.max_batch).await == 0 {
                    return; // every sender is gone: the pipeline was dropped
                }
            }
            self.commit_batch(jobs).await;
        }
    }

    async fn commit_batch(&self, jobs: Vec<CommitJob>) {
        let started = Instant::now();
        metrics::commit_batch(jobs.len());
        for job in &jobs {
            metrics::stage_finished(
                Stage::CommitWait,
                started.saturating_duration_since(job.queued_at),
            );
        }
        let (articles, replies): (Vec<_>, Vec<_>) =
            jobs.into_iter().map(|j| (j.article, j.reply)).unzip();
        let span = tracing::debug_span!("commit", articles = articles.len());
        let result =
            tracing::Instrument::instrument(self.store.insert_articles(articles), span).await;
        metrics::stage_finished(Stage::Commit, started.elapsed());
        match result {
            Ok(outcomes) => {
                for (outcome, reply) in outcomes.into_iter().zip(replies) {
                    if let InsertOutcome::Created(article) = &outcome {
                        self.facts.publish_article(article);
                    }
                    // The stream may have gone away; its article is committed all the same.
                    let _ = reply.send(Ok(outcome));
                }
            }
            Err(error) => {
                tracing::warn!(%error, "group commit failed");
                let error = Arc::new(error);
                for reply in replies {
                    let _ = reply.send(Err(error.clone()));
                }
            }
        }
    }
}
