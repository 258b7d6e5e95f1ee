//! Reads: one article, and the keyset-paginated listings.

use super::SqlStore;
use super::rows::{fetch_limit, parse_seq_key, set, set_enum};
use super::sqlwhere::{Where, escape_like};
use crate::api::v1::{Article, ArticleView, EntitySummary, Statement, TradeFact};
use crate::store::filter::is_entity_id;
use crate::store::{
    ArticleFilter, EntityFilter, Page, PageRequest, StatementFilter, StoreError, TradeFactFilter,
};
use prost::Message;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// Adds the published-at range (`after` inclusive, `before` exclusive) to `w`.
fn published_range(w: &mut Where, after: Option<i64>, before: Option<i64>) {
    if let Some(after) = after {
        let p = w.int(after);
        w.push(format!("published_at >= {p}"));
    }
    if let Some(before) = before {
        let p = w.int(before);
        w.push(format!("published_at < {p}"));
    }
}

/// Adds `seq > after` to `w` when a page key is given.
fn after_seq(w: &mut Where, page: &PageRequest) -> Result<(), StoreError> {
    after_key(w, "seq", page)
}

/// Adds `key > after` to `w` when a page key is given; `key` is the column holding `seq`.
fn after_key(w: &mut Where, key: &str, page: &PageRequest) -> Result<(), StoreError> {
    if let Some(seq) = parse_seq_key(page.after.as_deref())? {
        let p = w.int(seq);
        w.push(format!("{key} > {p}"));
    }
    Ok(())
}

/// Splits `limit + 1` fetched items into a page.
fn paginate<T>(mut items: Vec<(String, T)>, limit: usize) -> Page<T> {
    let limit = limit.max(1);
    let more = items.len() > limit;
    items.truncate(limit);
    let next_after = if more {
        items.last().map(|(key, _)| key.clone())
    } else {
        None
    };
    Page {
        items: items.into_iter().map(|(_, item)| item).collect(),
        next_after,
    }
}

/// Decodes the article of a row with columns `seq, meta[, text, entities]`.
async fn article_from_row(
    conn: &mut AnyConnection,
    row: &AnyRow,
    full: bool,
) -> Result<(i64, Article), StoreError> {
    let seq: i64 = row.try_get("seq")?;
    let meta: Vec<u8> = row.try_get("meta")?;
    let mut article = Article::decode(meta.as_slice())?;
    if full {
        article.text = row.try_get("text")?;
        let entities: Vec<u8> = row.try_get("entities")?;
        article.entities = Article::decode(entities.as_slice())?.entities;
        article.statements = bodies(
            conn,
            "SELECT body FROM statements WHERE article_seq = $1 ORDER BY seq",
            seq,
        )
        .await?;
        article.trade_facts = bodies(
            conn,
            "SELECT body FROM trade_facts WHERE article_seq = $1 ORDER BY seq",
            seq,
        )
        .await?;
    }
    Ok((seq, article))
}

/// Decodes the `body` column of every row of `sql` (bound to one integer).
async fn bodies<M: Message + Default>(
    conn: &mut AnyConnection,
    sql: &str,
    key: i64,
) -> Result<Vec<M>, StoreError> {
    let rows = sqlx::query(sql).bind(key).fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|row| {
            let body: Vec<u8> = row.try_get("body")?;
            Ok(M::decode(body.as_slice())?)
        })
        .collect()
}

/// Columns of an article row for a view.
fn article_columns(full: bool) -> &'static str {
    if full {
        "seq, meta, text, entities"
    } else {
        "seq, meta"
    }
}

impl SqlStore {
    pub(super) async fn find_id(&self, external_id: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT article_id FROM articles WHERE external_id = $1")
            .bind(external_id.to_owned())
            .fetch_optional(&self.reader)
            .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    /// `get_article`: any view but BASIC is FULL.
    pub(super) async fn get(
        &self,
        article_id: &str,
        view: ArticleView,
    ) -> Result<Option<Article>, StoreError> {
        let full = view != ArticleView::Basic;
        let mut conn = self.reader.acquire().await?;
        let sql = format!(
            "SELECT {} FROM articles WHERE article_id = $1",
            article_columns(full)
        );
        let row = sqlx::query(&sql)
            .bind(article_id.to_owned())
            .fetch_optional(&mut *conn)
            .await?;
        match row {
            None => Ok(None),
            Some(row) => Ok(Some(article_from_row(&mut conn, &row, full).await?.1)),
        }
    }

    /// `list_articles`: FULL includes text and facts; any other view is BASIC.
    pub(super) async fn articles(
        &self,
        filter: &ArticleFilter,
        view: ArticleView,
        page: &PageRequest,
    ) -> Result<Page<Article>, StoreError> {
        let full = view == ArticleView::Full;
        let mut w = Where::default();
        if let Some(source) = set(&filter.source) {
            let p = w.text(source);
            w.push(format!("source = {p}"));
        }
        if let Some(entity_id) = set(&filter.entity_id) {
            let p = w.text(entity_id);
            w.push(format!(
                "EXISTS (SELECT 1 FROM article_entities ae \
                 WHERE ae.article_seq = articles.seq AND ae.entity_id = {p})"
            ));
        }
        published_range(
            &mut w,
            filter.published_after_micros,
            filter.published_before_micros,
        );
        after_seq(&mut w, page)?;
        let sql = format!(
            "SELECT {} FROM articles{} ORDER BY seq LIMIT {}",
            article_columns(full),
            w.clause(),
            fetch_limit(page.limit)
        );
        let mut conn = self.reader.acquire().await?;
        let rows = w.bind_to(sqlx::query(&sql)).fetch_all(&mut *conn).await?;
        let limit = page.limit.max(1);
        let mut items = Vec::with_capacity(rows.len());
        for (i, row) in rows.iter().enumerate() {
            // The row past the page only tells that more follow: don't load its facts.
            let (seq, article) = article_from_row(&mut conn, row, full && i < limit).await?;
            items.push((seq.to_string(), article));
        }
        Ok(paginate(items, page.limit))
    }

    pub(super) async fn statements(
        &self,
        filter: &StatementFilter,
        page: &PageRequest,
    ) -> Result<Page<Statement>, StoreError> {
        let mut w = Where::default();
        if let Some(speaker) = set(&filter.speaker) {
            if is_entity_id(speaker) {
                let p = w.text(speaker);
                w.push(format!("speaker_id = {p}"));
            } else {
                let p = w.text(speaker.to_lowercase());
                w.push(format!("speaker_name_lower = {p}"));
            }
        }
        if let Some(article_id) = set(&filter.article_id) {
            let p = w.text(article_id);
            w.push(format!("article_id = {p}"));
        }
        if let Some(entity_id) = set(&filter.mentions_entity_id) {
            let p = w.text(entity_id);
            w.push(format!(
                "EXISTS (SELECT 1 FROM statement_mentions sm \
                 WHERE sm.statement_seq = statements.seq AND sm.entity_id = {p})"
            ));
        }
        if let Some(query) = set(&filter.query) {
            let p = w.text(format!("%{}%", escape_like(&query.to_lowercase())));
            w.push(format!("content_lower LIKE {p} ESCAPE '\\'"));
        }
        if let Some(kind) = set_enum(filter.kind) {
            let p = w.int(kind);
            w.push(format!("kind = {p}"));
        }
        published_range(
            &mut w,
            filter.published_after_micros,
            filter.published_before_micros,
        );
        after_seq(&mut w, page)?;
        let sql = format!(
            "SELECT seq, body FROM statements{} ORDER BY seq LIMIT {}",
            w.clause(),
            fetch_limit(page.limit)
        );
        let rows = w.bind_to(sqlx::query(&sql)).fetch_all(&self.reader).await?;
        Ok(paginate(seq_bodies(&rows)?, page.limit))
    }

    pub(super) async fn trade_facts(
        &self,
        filter: &TradeFactFilter,
        page: &PageRequest,
    ) -> Result<Page<TradeFact>, StoreError> {
        let mut w = Where::default();
        if let Some(kind) = set_enum(filter.kind) {
            let p = w.int(kind);
            w.push(format!("kind = {p}"));
        }
        // The first country drives the query from its index, in `seq` order, so a page costs
        // its own rows however rare the country; a second one is checked per row.
        let countries: Vec<&str> = [set(&filter.country_code), set(&filter.partner_country_code)]
            .into_iter()
            .flatten()
            .collect();
        let (from, key) = match countries.first() {
            Some(country) => {
                let p = w.text(country.to_uppercase());
                w.push(format!("tc.country_code = {p}"));
                (
                    "trade_fact_countries tc JOIN trade_facts ON trade_facts.seq = tc.fact_seq",
                    "tc.fact_seq",
                )
            }
            None => ("trade_facts", "seq"),
        };
        for country in countries.iter().skip(1) {
            let p = w.text(country.to_uppercase());
            w.push(format!(
                "EXISTS (SELECT 1 FROM trade_fact_countries tc2 \
                 WHERE tc2.fact_seq = trade_facts.seq AND tc2.country_code = {p})"
            ));
        }
        if let Some(exporter) = set(&filter.exporter) {
            let p = w.text(exporter.to_uppercase());
            w.push(format!("exporter = {p}"));
        }
        if let Some(importer) = set(&filter.importer) {
            let p = w.text(importer.to_uppercase());
            w.push(format!("importer = {p}"));
        }
        if let Some(prefix) = set(&filter.hs_code_prefix) {
            let p = w.text(format!("{}%", escape_like(prefix)));
            w.push(format!(
                "EXISTS (SELECT 1 FROM trade_fact_commodities cm \
                 WHERE cm.fact_seq = trade_facts.seq AND cm.hs_code LIKE {p} ESCAPE '\\')"
            ));
        }
        if let Some(name) = set(&filter.commodity) {
            let p = w.text(name.to_lowercase());
            w.push(format!(
                "EXISTS (SELECT 1 FROM trade_fact_commodities cm \
                 WHERE cm.fact_seq = trade_facts.seq AND cm.name_lower = {p})"
            ));
        }
        if let Some(article_id) = set(&filter.article_id) {
            let p = w.text(article_id);
            w.push(format!("article_id = {p}"));
        }
        published_range(
            &mut w,
            filter.published_after_micros,
            filter.published_before_micros,
        );
        after_key(&mut w, key, page)?;
        let sql = format!(
            "SELECT trade_facts.seq AS seq, trade_facts.body AS body FROM {from}{} \
             ORDER BY {key} LIMIT {}",
            w.clause(),
            fetch_limit(page.limit)
        );
        let rows = w.bind_to(sqlx::query(&sql)).fetch_all(&self.reader).await?;
        Ok(paginate(seq_bodies(&rows)?, page.limit))
    }

    pub(super) async fn entities(
        &self,
        filter: &EntityFilter,
        page: &PageRequest,
    ) -> Result<Page<EntitySummary>, StoreError> {
        let mut w = Where::default();
        if let Some(entity_type) = set_enum(filter.entity_type) {
            let p = w.int(entity_type);
            w.push(format!("type = {p}"));
        }
        if let Some(prefix) = set(&filter.name_prefix) {
            let p = w.text(format!("{}%", escape_like(&prefix.to_lowercase())));
            w.push(format!("name_lower LIKE {p} ESCAPE '\\'"));
        }
        if let Some(after) = page.after.as_deref() {
            if after.is_empty() {
                return Err(StoreError::InvalidPageKey(after.to_owned()));
            }
            let p = w.text(after);
            w.push(format!("entity_id > {p}"));
        }
        let sql = format!(
            "SELECT entity_id, type, name, country_code, article_count, mention_count, \
             statement_count, trade_fact_count FROM entities{} ORDER BY entity_id LIMIT {}",
            w.clause(),
            fetch_limit(page.limit)
        );
        let rows = w.bind_to(sqlx::query(&sql)).fetch_all(&self.reader).await?;
        let items = rows
            .iter()
            .map(|row| {
                let entity_type: i64 = row.try_get("type")?;
                let summary = EntitySummary {
                    entity_id: row.try_get("entity_id")?,
                    r#type: i32::try_from(entity_type)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    name: row.try_get("name")?,
                    country_code: row.try_get("country_code")?,
                    article_count: row.try_get("article_count")?,
                    mention_count: row.try_get("mention_count")?,
                    statement_count: row.try_get("statement_count")?,
                    trade_fact_count: row.try_get("trade_fact_count")?,
                };
                Ok((summary.entity_id.clone(), summary))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(paginate(items, page.limit))
    }
}

/// Decodes rows of `seq, body` into `(page key, message)` pairs.
fn seq_bodies<M: Message + Default>(rows: &[AnyRow]) -> Result<Vec<(String, M)>, StoreError> {
    rows.iter()
        .map(|row| {
            let seq: i64 = row.try_get("seq")?;
            let body: Vec<u8> = row.try_get("body")?;
            Ok((seq.to_string(), M::decode(body.as_slice())?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_know_whether_more_follow() {
        let items = |n: usize| (1..=n).map(|i| (i.to_string(), i)).collect::<Vec<_>>();
        let page = paginate(items(3), 2);
        assert_eq!(page.items, [1, 2]);
        assert_eq!(page.next_after.as_deref(), Some("2"));
        let page = paginate(items(2), 2);
        assert_eq!(page.items, [1, 2]);
        assert_eq!(page.next_after, None);
    }
}
