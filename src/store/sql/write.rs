//! `insert_articles`: stamping ids onto an analyzed article and committing a batch.

use super::SqlStore;
use super::connect::Backend;
use super::rows::{article_id_for, micros, now};
use crate::api::v1::{Article, EntityRef};
use crate::store::filter::trade_fact_countries;
use crate::store::{InsertOutcome, StoreError};
use pbjson_types::Timestamp;
use prost::Message;
use sqlx::{Any, AnyConnection, Connection, Row, Transaction};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// How often a batch is retried after PostgreSQL aborted it for a deadlock or a serialization
/// failure (both roll back everything, so a retry is safe).
const MAX_ATTEMPTS: usize = 5;

/// Counts an article contributes to one entity, and the entity's details as the article gives them.
#[derive(Debug, Default, Clone)]
struct EntityDelta {
    entity_type: i32,
    name: String,
    country_code: String,
    article_count: i64,
    mention_count: i64,
    statement_count: i64,
    trade_fact_count: i64,
}

impl EntityDelta {
    /// Fills details the delta does not have yet from a reference.
    fn learn(&mut self, r: &EntityRef) {
        if self.entity_type == 0 {
            self.entity_type = r.r#type;
        }
        if self.name.is_empty() {
            self.name.clone_from(&r.name);
        }
        if self.country_code.is_empty() {
            self.country_code = r.country_code.to_uppercase();
        }
    }

    fn add(&mut self, other: &EntityDelta) {
        if self.entity_type == 0 {
            self.entity_type = other.entity_type;
        }
        if self.name.is_empty() {
            self.name.clone_from(&other.name);
        }
        if self.country_code.is_empty() {
            self.country_code.clone_from(&other.country_code);
        }
        self.article_count += other.article_count;
        self.mention_count += other.mention_count;
        self.statement_count += other.statement_count;
        self.trade_fact_count += other.trade_fact_count;
    }
}

/// `local` made unique among `used`: kept when free, else `{prefix}{n}`, else suffixed.
fn unique_local_id(local: &str, prefix: char, n: usize, used: &mut HashSet<String>) -> String {
    let mut candidates = vec![];
    if !local.is_empty() {
        candidates.push(local.to_owned());
    }
    candidates.push(format!("{prefix}{n}"));
    for candidate in candidates {
        if used.insert(candidate.clone()) {
            return candidate;
        }
    }
    let mut k = 2;
    loop {
        let candidate = format!("{prefix}{n}_{k}");
        if used.insert(candidate.clone()) {
            return candidate;
        }
        k += 1;
    }
}

/// Stamps the store-assigned fields onto an analyzed article: `article_id`, `name`,
/// `ingest_time`, prefixed statement and trade-fact ids, copies of `article_id` and
/// `published_at` on every fact, and the counts.
pub(crate) fn stamp(mut article: Article, ingest_time: Timestamp) -> Article {
    let id = article_id_for(&article.external_id);
    article.name = format!("articles/{id}");
    article.ingest_time = Some(ingest_time);

    let mut used = HashSet::new();
    let mut statement_ids = HashMap::new();
    for (i, statement) in article.statements.iter_mut().enumerate() {
        let local = unique_local_id(&statement.statement_id, 's', i + 1, &mut used);
        if !statement.statement_id.is_empty() {
            statement_ids
                .entry(statement.statement_id.clone())
                .or_insert_with(|| local.clone());
        }
        statement.statement_id = format!("{id}/{local}");
        statement.article_id.clone_from(&id);
        statement.published_at = article.published_at;
    }
    for (i, fact) in article.trade_facts.iter_mut().enumerate() {
        let local = unique_local_id(&fact.trade_fact_id, 't', i + 1, &mut used);
        fact.trade_fact_id = format!("{id}/{local}");
        fact.article_id.clone_from(&id);
        fact.published_at = article.published_at;
        if !fact.attributed_statement_id.is_empty() {
            let local = statement_ids
                .get(&fact.attributed_statement_id)
                .cloned()
                .unwrap_or_else(|| fact.attributed_statement_id.clone());
            fact.attributed_statement_id = format!("{id}/{local}");
        }
    }
    article.entity_count = count(article.entities.len());
    article.statement_count = count(article.statements.len());
    article.trade_fact_count = count(article.trade_facts.len());
    article.article_id = id;
    article
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// What one article adds to the entity table, keyed (and so ordered) by entity id.
fn entity_deltas(article: &Article) -> BTreeMap<String, EntityDelta> {
    let mut deltas: BTreeMap<String, EntityDelta> = BTreeMap::new();
    for entity in article.entities.iter().filter(|e| !e.entity_id.is_empty()) {
        let d = deltas.entry(entity.entity_id.clone()).or_default();
        d.learn(&EntityRef {
            entity_id: entity.entity_id.clone(),
            name: entity.name.clone(),
            r#type: entity.r#type,
            country_code: entity.country_code.clone(),
        });
        d.mention_count += i64::try_from(entity.mentions.len()).unwrap_or(i64::MAX);
    }
    for statement in &article.statements {
        if let Some(speaker) = statement
            .speaker
            .as_ref()
            .filter(|s| !s.entity_id.is_empty())
        {
            let d = deltas.entry(speaker.entity_id.clone()).or_default();
            d.learn(speaker);
            d.statement_count += 1;
        }
    }
    for fact in &article.trade_facts {
        let mut seen = BTreeSet::new();
        for r in crate::store::filter::trade_fact_refs(fact).filter(|r| !r.entity_id.is_empty()) {
            let d = deltas.entry(r.entity_id.clone()).or_default();
            d.learn(r);
            if seen.insert(r.entity_id.as_str()) {
                d.trade_fact_count += 1;
            }
        }
    }
    // The article mentions every entity it names anywhere.
    for d in deltas.values_mut() {
        d.article_count = 1;
    }
    deltas
}

/// Whether PostgreSQL aborted the transaction for a deadlock or a serialization failure.
fn is_retryable(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => matches!(db.code().as_deref(), Some("40P01" | "40001")),
        _ => false,
    }
}

impl SqlStore {
    pub(super) async fn insert_batch(
        &self,
        batch: Vec<Article>,
    ) -> Result<Vec<InsertOutcome>, StoreError> {
        let ingest_time = now();
        let batch: Vec<Article> = batch.into_iter().map(|a| stamp(a, ingest_time)).collect();
        let mut attempt = 1;
        loop {
            match self.try_insert_batch(&batch).await {
                Err(err) if attempt < MAX_ATTEMPTS && is_retryable(&err) => {
                    tracing::debug!(attempt, error = %err, "retrying article batch");
                    attempt += 1;
                }
                result => return result.map_err(StoreError::from),
            }
        }
    }

    async fn begin<'c>(
        &self,
        conn: &'c mut AnyConnection,
    ) -> Result<Transaction<'c, Any>, sqlx::Error> {
        match self.backend {
            // Take the write lock up front: a deferred transaction that upgrades from read to
            // write can fail with SQLITE_BUSY without waiting.
            Backend::Sqlite => conn.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => conn.begin().await,
        }
    }

    async fn try_insert_batch(&self, batch: &[Article]) -> Result<Vec<InsertOutcome>, sqlx::Error> {
        let mut conn = self.writer.acquire().await?;
        let mut tx = self.begin(&mut conn).await?;
        let mut outcomes = Vec::with_capacity(batch.len());
        let mut in_batch: HashMap<&str, String> = HashMap::new();
        let mut deltas: BTreeMap<String, EntityDelta> = BTreeMap::new();
        for article in batch {
            if let Some(first) = in_batch.get(article.external_id.as_str()) {
                outcomes.push(InsertOutcome::Duplicate {
                    article_id: first.clone(),
                });
                continue;
            }
            match insert_article(&mut tx, article).await? {
                Some(()) => {
                    in_batch.insert(&article.external_id, article.article_id.clone());
                    for (id, d) in entity_deltas(article) {
                        deltas.entry(id).or_default().add(&d);
                    }
                    outcomes.push(InsertOutcome::Created(Box::new(article.clone())));
                }
                None => {
                    let existing: String =
                        sqlx::query("SELECT article_id FROM articles WHERE external_id = $1")
                            .bind(article.external_id.clone())
                            .fetch_one(&mut *tx)
                            .await?
                            .try_get(0)?;
                    in_batch.insert(&article.external_id, existing.clone());
                    outcomes.push(InsertOutcome::Duplicate {
                        article_id: existing,
                    });
                }
            }
        }
        // In entity-id order, so concurrent batches lock entity rows in the same order.
        for (id, d) in &deltas {
            upsert_entity(&mut tx, id, d).await?;
        }
        tx.commit().await?;
        Ok(outcomes)
    }
}

/// Inserts one stamped article with its facts; `None` when its key is already stored.
async fn insert_article(
    tx: &mut Transaction<'_, Any>,
    article: &Article,
) -> Result<Option<()>, sqlx::Error> {
    let published = article.published_at.as_ref().map(micros);
    let ingest = article.ingest_time.as_ref().map(micros).unwrap_or_default();
    let meta = Article {
        text: String::new(),
        entities: vec![],
        statements: vec![],
        trade_facts: vec![],
        ..article.clone()
    }
    .encode_to_vec();
    let entities = Article {
        entities: article.entities.clone(),
        ..Article::default()
    }
    .encode_to_vec();
    // No conflict target: `article_id` is derived from `external_id`, so both unique indexes
    // must be arbiters. With `ON CONFLICT (external_id)` alone, PostgreSQL raises a unique
    // violation on `article_id` when a concurrent transaction inserts the same key.
    let row = sqlx::query(
        "INSERT INTO articles \
         (article_id, external_id, source, published_at, ingest_time, meta, text, entities) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT DO NOTHING RETURNING seq",
    )
    .bind(article.article_id.clone())
    .bind(article.external_id.clone())
    .bind(article.source.clone())
    .bind(published)
    .bind(ingest)
    .bind(meta)
    .bind(article.text.clone())
    .bind(entities)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let article_seq: i64 = row.try_get(0)?;

    let entity_ids: BTreeSet<String> = entity_deltas(article).into_keys().collect();
    for entity_id in entity_ids {
        sqlx::query("INSERT INTO article_entities (entity_id, article_seq) VALUES ($1, $2)")
            .bind(entity_id)
            .bind(article_seq)
            .execute(&mut **tx)
            .await?;
    }

    for statement in &article.statements {
        let speaker = statement.speaker.clone().unwrap_or_default();
        let seq: i64 = sqlx::query(
            "INSERT INTO statements (statement_id, article_seq, article_id, speaker_id, \
             speaker_name_lower, kind, content_lower, published_at, body) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING seq",
        )
        .bind(statement.statement_id.clone())
        .bind(article_seq)
        .bind(article.article_id.clone())
        .bind(speaker.entity_id)
        .bind(speaker.name.to_lowercase())
        .bind(i64::from(statement.kind))
        .bind(statement.content.to_lowercase())
        .bind(published)
        .bind(statement.encode_to_vec())
        .fetch_one(&mut **tx)
        .await?
        .try_get(0)?;
        let mentioned: BTreeSet<&str> = statement
            .mentioned_entity_ids
            .iter()
            .map(String::as_str)
            .filter(|id| !id.is_empty())
            .collect();
        for entity_id in mentioned {
            sqlx::query(
                "INSERT INTO statement_mentions (entity_id, statement_seq) VALUES ($1, $2)",
            )
            .bind(entity_id.to_owned())
            .bind(seq)
            .execute(&mut **tx)
            .await?;
        }
    }

    for fact in &article.trade_facts {
        let side = |r: &Option<EntityRef>| {
            r.as_ref()
                .map(|r| r.country_code.to_uppercase())
                .unwrap_or_default()
        };
        let seq: i64 = sqlx::query(
            "INSERT INTO trade_facts (trade_fact_id, article_seq, article_id, kind, exporter, \
             importer, published_at, body) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING seq",
        )
        .bind(fact.trade_fact_id.clone())
        .bind(article_seq)
        .bind(article.article_id.clone())
        .bind(i64::from(fact.kind))
        .bind(side(&fact.exporter))
        .bind(side(&fact.importer))
        .bind(published)
        .bind(fact.encode_to_vec())
        .fetch_one(&mut **tx)
        .await?
        .try_get(0)?;
        let countries: BTreeSet<String> =
            trade_fact_countries(fact).map(str::to_uppercase).collect();
        for country in countries {
            sqlx::query(
                "INSERT INTO trade_fact_countries (country_code, fact_seq) VALUES ($1, $2)",
            )
            .bind(country)
            .bind(seq)
            .execute(&mut **tx)
            .await?;
        }
        for commodity in &fact.commodities {
            sqlx::query(
                "INSERT INTO trade_fact_commodities (fact_seq, name_lower, hs_code) \
                 VALUES ($1, $2, $3)",
            )
            .bind(seq)
            .bind(commodity.name.to_lowercase())
            .bind(commodity.hs_code.clone())
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(Some(()))
}

/// Adds an article's counts to an entity, creating it on first sight. Name, type and country
/// stay as first stored, except that missing ones are filled in.
async fn upsert_entity(
    tx: &mut Transaction<'_, Any>,
    entity_id: &str,
    d: &EntityDelta,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO entities (entity_id, type, name, name_lower, country_code, article_count, \
         mention_count, statement_count, trade_fact_count) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (entity_id) DO UPDATE SET \
         type = CASE WHEN entities.type = 0 THEN excluded.type ELSE entities.type END, \
         name = CASE WHEN entities.name = '' THEN excluded.name ELSE entities.name END, \
         name_lower = CASE WHEN entities.name = '' THEN excluded.name_lower \
                      ELSE entities.name_lower END, \
         country_code = CASE WHEN entities.country_code = '' THEN excluded.country_code \
                        ELSE entities.country_code END, \
         article_count = entities.article_count + excluded.article_count, \
         mention_count = entities.mention_count + excluded.mention_count, \
         statement_count = entities.statement_count + excluded.statement_count, \
         trade_fact_count = entities.trade_fact_count + excluded.trade_fact_count",
    )
    .bind(entity_id.to_owned())
    .bind(i64::from(d.entity_type))
    .bind(d.name.clone())
    .bind(d.name.to_lowercase())
    .bind(d.country_code.clone())
    .bind(d.article_count)
    .bind(d.mention_count)
    .bind(d.statement_count)
    .bind(d.trade_fact_count)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::v1::{Statement, TradeFact};

    #[test]
    fn stamping_prefixes_ids_and_fills_gaps() {
        let article = Article {
            external_id: "k".into(),
            statements: vec![
                Statement {
                    statement_id: "s1".into(),
                    ..Default::default()
                },
                Statement::default(),
                Statement {
                    statement_id: "s1".into(),
                    ..Default::default()
                },
            ],
            trade_facts: vec![TradeFact {
                attributed_statement_id: "s1".into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        let a = stamp(article, Timestamp::default());
        let id = article_id_for("k");
        let ids: Vec<_> = a
            .statements
            .iter()
            .map(|s| s.statement_id.clone())
            .collect();
        assert_eq!(
            ids,
            [format!("{id}/s1"), format!("{id}/s2"), format!("{id}/s3")]
        );
        assert_eq!(a.trade_facts[0].trade_fact_id, format!("{id}/t1"));
        assert_eq!(a.trade_facts[0].attributed_statement_id, format!("{id}/s1"));
        assert_eq!(a.name, format!("articles/{id}"));
        assert_eq!((a.statement_count, a.trade_fact_count), (3, 1));
    }
}
