//! Domain filters for the list queries, shared by the store (as SQL) and by `WatchFacts`
//! (matched in memory against freshly committed facts).

use crate::api::v1::{Statement, TradeFact};

/// Filter of `ListArticles`. `None`/empty fields match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArticleFilter {
    /// Exact source.
    pub source: Option<String>,
    /// Published at or after, in microseconds since the Unix epoch.
    pub published_after_micros: Option<i64>,
    /// Published before, in microseconds since the Unix epoch.
    pub published_before_micros: Option<i64>,
    /// The article mentions this entity id.
    pub entity_id: Option<String>,
}

/// Whether a speaker filter names an entity id (`person/jack-ma`: type, `/`, slug) rather than
/// a name. Deciding once lets the store search one index instead of two.
pub fn is_entity_id(speaker: &str) -> bool {
    speaker.contains('/')
}

/// Filter of `ListStatements` and of the statement half of `WatchFacts`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatementFilter {
    /// Speaker entity id (a value with a `/`, as every entity id has), or else speaker name
    /// (case-insensitive exact match). See [`is_entity_id`].
    pub speaker: Option<String>,
    /// The statement's article.
    pub article_id: Option<String>,
    /// The content mentions this entity id.
    pub mentions_entity_id: Option<String>,
    /// Case-insensitive substring of the content.
    pub query: Option<String>,
    /// `StatementKind` as its i32 value.
    pub kind: Option<i32>,
    /// Published at or after, in microseconds since the Unix epoch.
    pub published_after_micros: Option<i64>,
    /// Published before, in microseconds since the Unix epoch.
    pub published_before_micros: Option<i64>,
}

/// Filter of `ListTradeFacts` and of the trade half of `WatchFacts`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TradeFactFilter {
    /// `TradeFactKind` as its i32 value.
    pub kind: Option<i32>,
    /// Country code (upper case) on any side.
    pub country_code: Option<String>,
    /// A second country code (upper case) on any side.
    pub partner_country_code: Option<String>,
    /// Exporter's country code (upper case).
    pub exporter: Option<String>,
    /// Importer's country code (upper case).
    pub importer: Option<String>,
    /// Prefix of a commodity's HS code.
    pub hs_code_prefix: Option<String>,
    /// Commodity name (case-insensitive exact match).
    pub commodity: Option<String>,
    /// The fact's article.
    pub article_id: Option<String>,
    /// Published at or after, in microseconds since the Unix epoch.
    pub published_after_micros: Option<i64>,
    /// Published before, in microseconds since the Unix epoch.
    pub published_before_micros: Option<i64>,
}

/// Filter of `ListEntities`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntityFilter {
    /// `EntityType` as its i32 value.
    pub entity_type: Option<i32>,
    /// Case-insensitive prefix of the name.
    pub name_prefix: Option<String>,
}

impl StatementFilter {
    /// Whether `statement` passes the filter (the article and date fields are not checked:
    /// a watch has none).
    pub fn matches(&self, statement: &Statement) -> bool {
        let speaker_ok = self.speaker.as_deref().is_none_or(|wanted| {
            statement.speaker.as_ref().is_some_and(|s| {
                if is_entity_id(wanted) {
                    s.entity_id == wanted
                } else {
                    s.name.to_lowercase() == wanted.to_lowercase()
                }
            })
        });
        let mentions_ok = self
            .mentions_entity_id
            .as_deref()
            .is_none_or(|id| statement.mentioned_entity_ids.iter().any(|m| m == id));
        let query_ok = self
            .query
            .as_deref()
            .is_none_or(|q| statement.content.to_lowercase().contains(&q.to_lowercase()));
        let kind_ok = self.kind.is_none_or(|k| statement.kind == k);
        speaker_ok && mentions_ok && query_ok && kind_ok
    }
}

/// Every entity reference of a trade fact: its sides and its parties.
pub fn trade_fact_refs(fact: &TradeFact) -> impl Iterator<Item = &crate::api::v1::EntityRef> {
    [
        &fact.exporter,
        &fact.importer,
        &fact.reporter,
        &fact.partner,
    ]
    .into_iter()
    .flatten()
    .chain(fact.parties.iter())
}

/// Country codes on every side of a trade fact.
pub fn trade_fact_countries(fact: &TradeFact) -> impl Iterator<Item = &str> {
    trade_fact_refs(fact)
        .map(|r| r.country_code.as_str())
        .filter(|c| !c.is_empty())
}

impl TradeFactFilter {
    /// Whether `fact` passes the filter (the article and date fields are not checked: a watch
    /// has none).
    pub fn matches(&self, fact: &TradeFact) -> bool {
        let has_country = |code: &str| trade_fact_countries(fact).any(|c| c == code);
        let side_is = |side: &Option<crate::api::v1::EntityRef>, code: &str| {
            side.as_ref().is_some_and(|r| r.country_code == code)
        };
        self.kind.is_none_or(|k| fact.kind == k)
            && self.country_code.as_deref().is_none_or(has_country)
            && self.partner_country_code.as_deref().is_none_or(has_country)
            && self
                .exporter
                .as_deref()
                .is_none_or(|c| side_is(&fact.exporter, c))
            && self
                .importer
                .as_deref()
                .is_none_or(|c| side_is(&fact.importer, c))
            && self
                .hs_code_prefix
                .as_deref()
                .is_none_or(|p| fact.commodities.iter().any(|c| c.hs_code.starts_with(p)))
            && self.commodity.as_deref().is_none_or(|name| {
                fact.commodities
                    .iter()
                    .any(|c| c.name.to_lowercase() == name.to_lowercase())
            })
    }
}
