//! [`SqlStore`]: the one SQL implementation of [`Store`], shared by SQLite and PostgreSQL
//! through sqlx's `Any` driver.
//!
//! SQL is written once with `$1, $2, ...` placeholders (both drivers accept them). Where the
//! dialects differ (DDL, transaction start), the code branches on [`Backend`]. Migrations live
//! in `migrations/sqlite` and `migrations/postgres` and run on [`SqlStore::connect`].

mod bulk;
mod connect;
mod listen;
mod read;
mod rows;
mod sqlwhere;
mod write;

use super::{
    ArticleFilter, CommitFeed, EntityFilter, InsertOutcome, Page, PageRequest, StatementFilter,
    Store, StoreError, TradeFactFilter,
};
use crate::api::v1::{Article, ArticleView, EntitySummary, Statement, TradeFact};
use async_trait::async_trait;
use sqlx::AnyPool;
use std::sync::{Arc, Mutex};

pub use connect::{Backend, redact_url};
pub use listen::{CATCH_UP_SLACK_MICROS, CHANNEL, LISTENER_APPLICATION_NAME};

/// A [`Store`] on SQLite or PostgreSQL.
///
/// Cloning is cheap and shares the connection pools.
#[derive(Debug, Clone)]
pub struct SqlStore {
    backend: Backend,
    /// Pool for transactions that write. For SQLite it holds a single connection (SQLite has one
    /// writer anyway); for PostgreSQL it is the same pool as `reader`.
    writer: AnyPool,
    /// Pool for reads.
    reader: AnyPool,
    /// Random id of this store instance, carried in its commit notifications (PostgreSQL) so
    /// that its own listener skips them.
    instance_id: Arc<str>,
    /// Articles already published on this process's bus, while a commit listener runs.
    published: Arc<listen::Published>,
    /// The feed of other processes' commits, until [`Store::take_commit_feed`] takes it.
    feed: Arc<Mutex<Option<CommitFeed>>>,
}

impl SqlStore {
    /// Which database this store talks to.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The random id of this store instance, which its PostgreSQL commit notifications carry.
    pub fn instance_id(&self) -> &str {
        &self.instance_id
    }

    /// Closes the connection pools, waiting for connections in use to be returned.
    pub async fn close(&self) {
        self.writer.close().await;
        self.reader.close().await;
    }
}

#[async_trait]
impl Store for SqlStore {
    async fn insert_articles(&self, batch: Vec<Article>) -> Result<Vec<InsertOutcome>, StoreError> {
        self.insert_batch(batch).await
    }

    async fn find_article_id(&self, external_id: &str) -> Result<Option<String>, StoreError> {
        self.find_id(external_id).await
    }

    async fn get_article(
        &self,
        article_id: &str,
        view: ArticleView,
    ) -> Result<Option<Article>, StoreError> {
        self.get(article_id, view).await
    }

    async fn list_articles(
        &self,
        filter: &ArticleFilter,
        view: ArticleView,
        page: &PageRequest,
    ) -> Result<Page<Article>, StoreError> {
        self.articles(filter, view, page).await
    }

    async fn list_statements(
        &self,
        filter: &StatementFilter,
        page: &PageRequest,
    ) -> Result<Page<Statement>, StoreError> {
        self.statements(filter, page).await
    }

    async fn list_trade_facts(
        &self,
        filter: &TradeFactFilter,
        page: &PageRequest,
    ) -> Result<Page<TradeFact>, StoreError> {
        self.trade_facts(filter, page).await
    }

    async fn list_entities(
        &self,
        filter: &EntityFilter,
        page: &PageRequest,
    ) -> Result<Page<EntitySummary>, StoreError> {
        self.entities(filter, page).await
    }

    fn take_commit_feed(&self) -> Option<CommitFeed> {
        self.feed.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}
