//! The bus of committed facts that `WatchFacts` subscribers listen to.

use crate::api::v1::{Statement, TradeFact};
use std::sync::Arc;
use tokio::sync::broadcast;

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
        if self.sender.receiver_count() == 0 {
            return;
        }
        for statement in &article.statements {
            // An error only means nobody listens right now.
            let _ = self
                .sender
                .send(Arc::new(FactEvent::Statement(Box::new(statement.clone()))));
        }
        for fact in &article.trade_facts {
            let _ = self
                .sender
                .send(Arc::new(FactEvent::TradeFact(Box::new(fact.clone()))));
        }
    }
}
