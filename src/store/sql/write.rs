//! `insert_articles`: stamping ids onto an analyzed article and committing a batch.

use super::SqlStore;
use super::bulk::{BulkInsert, Value};
use super::connect::Backend;
use super::rows::{article_id_for, micros, now};
use crate::api::v1::{Article, EntityRef};
use crate::store::filter::trade_fact_countries;
use crate::store::{InsertOutcome, StoreError};
use pbjson_types::Timestamp;
use prost::Message;
use sqlx::any::AnyRow;
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
        // The first article of each key; later ones in the batch are duplicates of it.
        let mut first_of_key: HashMap<&str, usize> = HashMap::new();
        for (i, article) in batch.iter().enumerate() {
            first_of_key
                .entry(article.external_id.as_str())
                .or_insert(i);
        }
        let unique: Vec<&Article> = batch
            .iter()
            .enumerate()
            .filter(|(i, a)| first_of_key.get(a.external_id.as_str()) == Some(i))
            .map(|(_, a)| a)
            .collect();
        let seq_by_key = insert_article_rows(&mut tx, self.backend, &unique).await?;
        let created: Vec<(&Article, i64)> = unique
            .iter()
            .filter_map(|a| seq_by_key.get(&a.external_id).map(|seq| (*a, *seq)))
            .collect();
        insert_facts(&mut tx, self.backend, &created).await?;
        if self.backend == Backend::Postgres && !created.is_empty() {
            // Other replicas learn of the new articles when (and only if) this commits.
            let seqs: Vec<i64> = created.iter().map(|(_, seq)| *seq).collect();
            let ingest_time = created
                .first()
                .and_then(|(a, _)| a.ingest_time.as_ref())
                .map(micros)
                .unwrap_or_default();
            self.published.record_own(ingest_time, &seqs);
            super::listen::notify(&mut tx, &self.instance_id, ingest_time, &seqs).await?;
        }

        let mut outcomes = Vec::with_capacity(batch.len());
        let mut stored_ids: HashMap<&str, String> = HashMap::new();
        for (i, article) in batch.iter().enumerate() {
            let key = article.external_id.as_str();
            let outcome = if first_of_key.get(key) == Some(&i) && seq_by_key.contains_key(key) {
                InsertOutcome::Created(Box::new(article.clone()))
            } else if seq_by_key.contains_key(key) {
                InsertOutcome::Duplicate {
                    article_id: article.article_id.clone(),
                }
            } else {
                let article_id = match stored_ids.get(key) {
                    Some(id) => id.clone(),
                    None => {
                        let id = stored_article_id(&mut tx, key).await?;
                        stored_ids.insert(key, id.clone());
                        id
                    }
                };
                InsertOutcome::Duplicate { article_id }
            };
            outcomes.push(outcome);
        }
        tx.commit().await?;
        Ok(outcomes)
    }
}

/// The id stored for a key that the batch found already present.
async fn stored_article_id(
    tx: &mut Transaction<'_, Any>,
    external_id: &str,
) -> Result<String, sqlx::Error> {
    // `article_id` is derived from `external_id`, so the row is found unless two keys share a
    // 128-bit hash; then this fails with RowNotFound rather than pointing at the wrong article.
    sqlx::query("SELECT article_id FROM articles WHERE external_id = $1")
        .bind(external_id.to_owned())
        .fetch_one(&mut **tx)
        .await?
        .try_get(0)
}

/// Inserts the article rows of a batch with distinct keys; returns the `seq` of each article
/// created, by key. Keys already stored are left out.
async fn insert_article_rows(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    articles: &[&Article],
) -> Result<HashMap<String, i64>, sqlx::Error> {
    // No conflict target: `article_id` is derived from `external_id`, so both unique indexes
    // must be arbiters. With `ON CONFLICT (external_id)` alone, PostgreSQL raises a unique
    // violation on `article_id` when a concurrent transaction inserts the same key.
    let mut insert = BulkInsert::new(
        "INSERT INTO articles \
         (article_id, external_id, source, published_at, ingest_time, meta, text, entities)",
        8,
        "ON CONFLICT DO NOTHING RETURNING seq, external_id",
    );
    for article in articles {
        let meta = Article {
            text: String::new(),
            entities: vec![],
            statements: vec![],
            trade_facts: vec![],
            ..(*article).clone()
        }
        .encode_to_vec();
        let entities = Article {
            entities: article.entities.clone(),
            ..Article::default()
        }
        .encode_to_vec();
        insert.row([
            Value::Text(article.article_id.clone()),
            Value::Text(article.external_id.clone()),
            Value::Text(article.source.clone()),
            Value::NullableInt(article.published_at.as_ref().map(micros)),
            Value::Int(article.ingest_time.as_ref().map(micros).unwrap_or_default()),
            Value::Blob(meta),
            Value::Text(article.text.clone()),
            Value::Blob(entities),
        ]);
    }
    insert
        .run(tx, backend)
        .await?
        .iter()
        .map(|row| Ok((row.try_get(1)?, row.try_get(0)?)))
        .collect()
}

/// Inserts what the created articles of a batch hold: entity links, statements with their
/// mentions, trade facts with their countries and commodities, and the entity counts.
async fn insert_facts(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    created: &[(&Article, i64)],
) -> Result<(), sqlx::Error> {
    let mut entity_links = BulkInsert::new(
        "INSERT INTO article_entities (entity_id, article_seq)",
        2,
        "",
    );
    let mut totals: BTreeMap<String, EntityDelta> = BTreeMap::new();
    for (article, seq) in created {
        for (id, delta) in entity_deltas(article) {
            entity_links.row([Value::Text(id.clone()), Value::Int(*seq)]);
            totals.entry(id).or_default().add(&delta);
        }
    }
    entity_links.run(tx, backend).await?;
    insert_statements(tx, backend, created).await?;
    insert_trade_facts(tx, backend, created).await?;
    upsert_entities(tx, backend, &totals).await
}

/// Inserts the statements of the created articles and the entities each one mentions.
async fn insert_statements(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    created: &[(&Article, i64)],
) -> Result<(), sqlx::Error> {
    let mut statements = BulkInsert::new(
        "INSERT INTO statements (statement_id, article_seq, article_id, speaker_id, \
         speaker_name_lower, kind, content_lower, published_at, body)",
        9,
        "RETURNING seq, statement_id",
    );
    for (article, article_seq) in created {
        let published = article.published_at.as_ref().map(micros);
        for statement in &article.statements {
            let speaker = statement.speaker.clone().unwrap_or_default();
            statements.row([
                Value::Text(statement.statement_id.clone()),
                Value::Int(*article_seq),
                Value::Text(article.article_id.clone()),
                Value::Text(speaker.entity_id),
                Value::Text(speaker.name.to_lowercase()),
                Value::Int(i64::from(statement.kind)),
                Value::Text(statement.content.to_lowercase()),
                Value::NullableInt(published),
                Value::Blob(statement.encode_to_vec()),
            ]);
        }
    }
    let seq_by_id = seq_by_id(statements.run(tx, backend).await?)?;
    let mut mentions = BulkInsert::new(
        "INSERT INTO statement_mentions (entity_id, statement_seq)",
        2,
        "",
    );
    for statement in created.iter().flat_map(|(a, _)| &a.statements) {
        let Some(seq) = seq_by_id.get(&statement.statement_id) else {
            continue;
        };
        let mentioned: BTreeSet<&str> = statement
            .mentioned_entity_ids
            .iter()
            .map(String::as_str)
            .filter(|id| !id.is_empty())
            .collect();
        for entity_id in mentioned {
            mentions.row([Value::Text(entity_id.to_owned()), Value::Int(*seq)]);
        }
    }
    mentions.run(tx, backend).await?;
    Ok(())
}

/// Inserts the trade facts of the created articles with their countries and commodities.
async fn insert_trade_facts(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    created: &[(&Article, i64)],
) -> Result<(), sqlx::Error> {
    let side = |r: &Option<EntityRef>| {
        r.as_ref()
            .map(|r| r.country_code.to_uppercase())
            .unwrap_or_default()
    };
    let mut facts = BulkInsert::new(
        "INSERT INTO trade_facts (trade_fact_id, article_seq, article_id, kind, exporter, \
         importer, published_at, body)",
        8,
        "RETURNING seq, trade_fact_id",
    );
    for (article, article_seq) in created {
        let published = article.published_at.as_ref().map(micros);
        for fact in &article.trade_facts {
            facts.row([
                Value::Text(fact.trade_fact_id.clone()),
                Value::Int(*article_seq),
                Value::Text(article.article_id.clone()),
                Value::Int(i64::from(fact.kind)),
                Value::Text(side(&fact.exporter)),
                Value::Text(side(&fact.importer)),
                Value::NullableInt(published),
                Value::Blob(fact.encode_to_vec()),
            ]);
        }
    }
    let seq_by_id = seq_by_id(facts.run(tx, backend).await?)?;
    let mut countries = BulkInsert::new(
        "INSERT INTO trade_fact_countries (country_code, fact_seq)",
        2,
        "",
    );
    let mut commodities = BulkInsert::new(
        "INSERT INTO trade_fact_commodities (fact_seq, name_lower, hs_code)",
        3,
        "",
    );
    for fact in created.iter().flat_map(|(a, _)| &a.trade_facts) {
        let Some(seq) = seq_by_id.get(&fact.trade_fact_id) else {
            continue;
        };
        let codes: BTreeSet<String> = trade_fact_countries(fact).map(str::to_uppercase).collect();
        for code in codes {
            countries.row([Value::Text(code), Value::Int(*seq)]);
        }
        for commodity in &fact.commodities {
            commodities.row([
                Value::Int(*seq),
                Value::Text(commodity.name.to_lowercase()),
                Value::Text(commodity.hs_code.clone()),
            ]);
        }
    }
    countries.run(tx, backend).await?;
    commodities.run(tx, backend).await?;
    Ok(())
}

/// `seq` by id from rows of `RETURNING seq, <id>`.
fn seq_by_id(rows: Vec<AnyRow>) -> Result<HashMap<String, i64>, sqlx::Error> {
    rows.iter()
        .map(|row| Ok((row.try_get(1)?, row.try_get(0)?)))
        .collect()
}

/// Adds a batch's counts to the entities, creating those seen for the first time. Name, type
/// and country stay as first stored, except that missing ones are filled in. Rows go in
/// entity-id order, so concurrent batches lock entity rows in the same order.
async fn upsert_entities(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    totals: &BTreeMap<String, EntityDelta>,
) -> Result<(), sqlx::Error> {
    let mut upsert = BulkInsert::new(
        "INSERT INTO entities (entity_id, type, name, name_lower, country_code, article_count, \
         mention_count, statement_count, trade_fact_count)",
        9,
        "ON CONFLICT (entity_id) DO UPDATE SET \
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
    );
    for (entity_id, d) in totals {
        upsert.row([
            Value::Text(entity_id.clone()),
            Value::Int(i64::from(d.entity_type)),
            Value::Text(d.name.clone()),
            Value::Text(d.name.to_lowercase()),
            Value::Text(d.country_code.clone()),
            Value::Int(d.article_count),
            Value::Int(d.mention_count),
            Value::Int(d.statement_count),
            Value::Int(d.trade_fact_count),
        ]);
    }
    upsert.run(tx, backend).await?;
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
