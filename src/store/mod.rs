//! Persistence: the [`Store`] trait and its SQL backends (embedded SQLite, PostgreSQL).
//!
//! Nothing here knows about tonic: the store takes and returns the API's plain message types
//! and domain filters, and reports failures as [`StoreError`].

mod error;
pub mod filter;
pub mod sql;

pub use error::StoreError;
pub use filter::{ArticleFilter, EntityFilter, StatementFilter, TradeFactFilter};
pub use sql::{SqlStore, redact_url};

use crate::api::v1::{Article, ArticleView, EntitySummary, Statement, TradeFact};
use async_trait::async_trait;

/// One page of a keyset-paginated listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    /// Resume after this key (exclusive), as returned in [`Page::next_after`]; `None` for the first page.
    pub after: Option<String>,
    /// Maximum number of items to return (already clamped by the caller, at least 1).
    pub limit: usize,
}

/// A page of results and where the next one starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items, in the listing's stable order.
    pub items: Vec<T>,
    /// Key to pass as [`PageRequest::after`] for the next page; `None` on the last page.
    pub next_after: Option<String>,
}

/// What happened to one article of a committed batch.
#[derive(Debug, Clone, PartialEq)]
pub enum InsertOutcome {
    /// The article was new; it is stored with ids assigned as in the returned copy.
    Created(Box<Article>),
    /// An article with the same idempotency key was already stored under this id.
    Duplicate {
        /// Id of the stored copy.
        article_id: String,
    },
}

/// Durable storage of articles and their facts.
///
/// Implementations must make [`Store::insert_articles`] atomic for the whole batch and
/// idempotent per `Article::external_id`, also across processes sharing one database.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Commits a batch of analyzed articles in one transaction and returns one outcome per
    /// article, in order. Each article's `external_id` is its idempotency key (already set by
    /// the caller, `sha256:<hex>` when the client gave none). The store assigns `article_id`,
    /// `name`, `ingest_time`, and prefixes statement and trade-fact ids with the article id.
    /// An article whose key is already stored, or appears earlier in the same batch, is a
    /// duplicate and nothing of it is written.
    async fn insert_articles(&self, batch: Vec<Article>) -> Result<Vec<InsertOutcome>, StoreError>;

    /// The id of the stored article with this idempotency key, if any.
    async fn find_article_id(&self, external_id: &str) -> Result<Option<String>, StoreError>;

    /// One article by id; `None` when there is no such article. `ArticleView::Basic` leaves out
    /// text, entities, statements and trade facts (counts stay set).
    async fn get_article(
        &self,
        article_id: &str,
        view: ArticleView,
    ) -> Result<Option<Article>, StoreError>;

    /// Articles matching `filter`, in ingest order.
    async fn list_articles(
        &self,
        filter: &ArticleFilter,
        view: ArticleView,
        page: &PageRequest,
    ) -> Result<Page<Article>, StoreError>;

    /// Statements matching `filter`, in ingest order.
    async fn list_statements(
        &self,
        filter: &StatementFilter,
        page: &PageRequest,
    ) -> Result<Page<Statement>, StoreError>;

    /// Trade facts matching `filter`, in ingest order.
    async fn list_trade_facts(
        &self,
        filter: &TradeFactFilter,
        page: &PageRequest,
    ) -> Result<Page<TradeFact>, StoreError>;

    /// Known entities matching `filter`, ordered by entity id, with their counts.
    async fn list_entities(
        &self,
        filter: &EntityFilter,
        page: &PageRequest,
    ) -> Result<Page<EntitySummary>, StoreError>;
}

/// Opens the store a database URL names (`sqlite://PATH` or `postgres://...`), migrating its
/// schema to the current version.
pub async fn open(url: &str) -> Result<std::sync::Arc<dyn Store>, StoreError> {
    Ok(std::sync::Arc::new(SqlStore::connect(url).await?))
}
