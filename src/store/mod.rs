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

/// The statements and trade facts of one article another process committed, as
/// [`CommitFeed`] delivers them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CommittedFacts {
    /// Id of the article the facts belong to.
    pub article_id: String,
    /// Its statements, in stored order.
    pub statements: Vec<Statement>,
    /// Its trade facts, in stored order.
    pub trade_facts: Vec<TradeFact>,
}

impl CommittedFacts {
    /// No facts yet, of the article `article_id`.
    pub fn for_article(article_id: &str) -> Self {
        Self {
            article_id: article_id.to_owned(),
            ..Self::default()
        }
    }
}

/// Facts that other processes sharing the database commit, article by article, in the order
/// their notifications arrive (see [`Store::take_commit_feed`]). Dropping the feed stops the
/// store from following those commits.
#[derive(Debug)]
pub struct CommitFeed {
    receiver: tokio::sync::mpsc::Receiver<CommittedFacts>,
}

impl CommitFeed {
    /// A feed fed through `receiver`.
    pub fn new(receiver: tokio::sync::mpsc::Receiver<CommittedFacts>) -> Self {
        Self { receiver }
    }

    /// The next article's facts; `None` once the store stopped following commits.
    pub async fn recv(&mut self) -> Option<CommittedFacts> {
        self.receiver.recv().await
    }
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

    /// The facts that *other* processes sharing this database commit from now on, for
    /// `WatchFacts` (this process's own commits are published by its pipeline). Handed out
    /// once; `None` afterwards, and for a store no other process writes to.
    /// No default: a store that wraps another must hand on the inner store's feed, or
    /// watches would silently stop crossing replicas.
    fn take_commit_feed(&self) -> Option<CommitFeed>;
}

/// Opens the store a database URL names (`sqlite://PATH` or `postgres://...`), migrating its
/// schema to the current version. A PostgreSQL store, which other replicas may share, also
/// starts following their commits before this returns (see [`SqlStore::listen_for_commits`]
/// and [`Store::take_commit_feed`]), so a server that opens it misses none of the facts they
/// commit once it serves.
pub async fn open(url: &str) -> Result<std::sync::Arc<dyn Store>, StoreError> {
    let store = SqlStore::connect(url).await?;
    store.listen_for_commits(url).await?;
    Ok(std::sync::Arc::new(store))
}
