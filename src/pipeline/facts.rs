//! The bus of committed facts that `WatchFacts` subscribers listen to.
//!
//! Two sources feed it: the pipeline's own committers (each created article right after its
//! transaction commits, before its ack), and, when the store is shared with other replicas
//! (PostgreSQL), the store's [`CommitFeed`] of the facts those replicas commit, which
//! [`FactBus::follow`] forwards. The store's feed leaves out this replica's own commits, so
//! each fact is published once on each replica.

use crate::api::v1::{Statement, TradeFact};
use crate::store::CommitFeed;
use std::sync::Arc;
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

/// One fact, published after the transaction that stored it committed.
#[derive(Debug, Clone, PartialEq)]
pub enum FactEvent {
    /// A committed statement.
    Statement(Box<Statement>),
    /// A committed trade fact.
    TradeFact(Box<TradeFact>),
}

/// A broadcast channel of committed facts. Slow subscribers lag and are told so by the
/// receiver; publishing never blocks ingest.
#[derive(Debug, Clone)]
pub struct FactBus {
    sender: broadcast::Sender<Arc<FactEvent>>,
}

impl FactBus {
    /// A bus keeping up to `capacity` facts for subscribers that fall behind.
    pub fn new(capacity: usize) -> Self {
        let (sender, _) = broadcast::channel(capacity.max(1));
        Self { sender }
    }

    /// Subscribes to facts published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<FactEvent>> {
        self.sender.subscribe()
    }

    /// Publishes the facts of a committed article.
    pub fn publish_article(&self, article: &crate::api::v1::Article) {
        self.publish(&article.statements, &article.trade_facts);
    }

    /// Publishes committed facts: the statements, then the trade facts.
    pub fn publish(&self, statements: &[Statement], trade_facts: &[TradeFact]) {
        if self.sender.receiver_count() == 0 {
            return;
        }
        for statement in statements {
            // An error only means nobody listens right now.
            let _ = self
                .sender
                .send(Arc::new(FactEvent::Statement(Box::new(statement.clone()))));
        }
        for fact in trade_facts {
            let _ = self
                .sender
                .send(Arc::new(FactEvent::TradeFact(Box::new(fact.clone()))));
        }
    }

    /// Publishes the facts of `feed` (commits of other replicas) on this bus, from a task of
    /// its own, until the feed ends or `shutdown` fires; dropping the feed then stops the
    /// store's listener.
    pub fn follow(&self, mut feed: CommitFeed, shutdown: CancellationToken) {
        let bus = self.clone();
        let task = async move {
            loop {
                let next = tokio::select! {
                    () = shutdown.cancelled() => break,
                    next = feed.recv() => next,
                };
                let Some(facts) = next else { break };
                tracing::trace!(
                    article_id = %facts.article_id,
                    statements = facts.statements.len(),
                    trade_facts = facts.trade_facts.len(),
                    "publishing facts another replica committed"
                );
                bus.publish(&facts.statements, &facts.trade_facts);
            }
            tracing::debug!("stopped publishing other replicas' facts");
        };
        tokio::spawn(task.instrument(tracing::debug_span!("follow_replicas")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::CommittedFacts;

    #[tokio::test]
    async fn facts_of_the_feed_reach_subscribers_in_order() {
        let bus = FactBus::new(16);
        let mut watcher = bus.subscribe();
        let (sender, receiver) = tokio::sync::mpsc::channel(4);
        let shutdown = CancellationToken::new();
        bus.follow(CommitFeed::new(receiver), shutdown.clone());
        let statement = Statement {
            statement_id: "a/s1".into(),
            ..Default::default()
        };
        let fact = TradeFact {
            trade_fact_id: "a/t1".into(),
            ..Default::default()
        };
        sender
            .send(CommittedFacts {
                article_id: "a".into(),
                statements: vec![statement.clone()],
                trade_facts: vec![fact.clone()],
            })
            .await
            .expect("the follower takes the feed");
        let first = watcher.recv().await.expect("a statement");
        assert_eq!(*first, FactEvent::Statement(Box::new(statement)));
        let second = watcher.recv().await.expect("a trade fact");
        assert_eq!(*second, FactEvent::TradeFact(Box::new(fact)));
        shutdown.cancel();
        // Once the follower stopped, the feed is dropped and the store side sees it closed.
        sender.closed().await;
    }
}
