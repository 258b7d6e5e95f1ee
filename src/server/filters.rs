//! Checks list and watch requests and turns them into the store's domain filters.

use super::error::ApiError;
use crate::api::status::FieldError;
use crate::api::v1::{
    EntityType, ListArticlesRequest, ListEntitiesRequest, ListStatementsRequest,
    ListTradeFactsRequest, StatementKind, TradeFactKind, WatchFactsRequest,
};
use crate::store::{ArticleFilter, EntityFilter, StatementFilter, TradeFactFilter};

/// Collects field violations while a request is read.
#[derive(Default)]
struct Checker {
    violations: Vec<FieldError>,
}

impl Checker {
    fn text(&mut self, field: &str, value: &str) -> Option<String> {
        if value.len() > 1024 {
            self.violations.push(FieldError::new(
                field,
                "must be at most 1024 bytes",
                "FILTER_TOO_LONG",
            ));
            return None;
        }
        (!value.is_empty()).then(|| value.to_owned())
    }

    fn country(&mut self, field: &str, value: &str) -> Option<String> {
        if value.is_empty() {
            return None;
        }
        let code = value.to_ascii_uppercase();
        if code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()) {
            Some(code)
        } else {
            self.violations.push(FieldError::new(
                field,
                "must be an ISO 3166-1 alpha-2 country code such as \"MX\" (or \"EU\")",
                "INVALID_COUNTRY_CODE",
            ));
            None
        }
    }

    fn hs_prefix(&mut self, field: &str, value: &str) -> Option<String> {
        if value.is_empty() {
            return None;
        }
        if value.len() <= 10 && value.bytes().all(|b| b.is_ascii_digit()) {
            Some(value.to_owned())
        } else {
            self.violations.push(FieldError::new(
                field,
                "must be 1 to 10 digits, e.g. \"0804\"",
                "INVALID_HS_CODE",
            ));
            None
        }
    }

    fn enum_value(&mut self, field: &str, value: i32, known: bool) -> Option<i32> {
        if !known {
            self.violations.push(FieldError::new(
                field,
                format!("{value} is not a known value"),
                "INVALID_ENUM_VALUE",
            ));
            return None;
        }
        (value != 0).then_some(value)
    }

    fn micros(&mut self, field: &str, ts: Option<&pbjson_types::Timestamp>) -> Option<i64> {
        let ts = ts?;
        if !crate::pipeline::validate::is_valid_timestamp(ts) {
            self.violations.push(FieldError::new(
                field,
                "is not a valid timestamp",
                "INVALID_TIMESTAMP",
            ));
            return None;
        }
        Some(ts.seconds * 1_000_000 + i64::from(ts.nanos / 1000))
    }

    fn finish<T>(self, value: T) -> Result<T, ApiError> {
        if self.violations.is_empty() {
            Ok(value)
        } else {
            Err(ApiError::InvalidArgument {
                message: "invalid request".to_owned(),
                violations: self.violations,
            })
        }
    }
}

/// The filter of a `ListArticlesRequest`.
pub fn article_filter(request: &ListArticlesRequest) -> Result<ArticleFilter, ApiError> {
    let mut c = Checker::default();
    let filter = ArticleFilter {
        source: c.text("source", &request.source),
        published_after_micros: c.micros("published_after", request.published_after.as_ref()),
        published_before_micros: c.micros("published_before", request.published_before.as_ref()),
        entity_id: c.text("entity_id", &request.entity_id),
    };
    c.finish(filter)
}

/// The filter of a `ListStatementsRequest`.
pub fn statement_filter(request: &ListStatementsRequest) -> Result<StatementFilter, ApiError> {
    let mut c = Checker::default();
    let filter = StatementFilter {
        speaker: c.text("speaker", &request.speaker),
        article_id: c.text("article_id", &request.article_id),
        mentions_entity_id: c.text("mentions_entity_id", &request.mentions_entity_id),
        query: c.text("query", &request.query),
        kind: c.enum_value(
            "kind",
            request.kind,
            StatementKind::try_from(request.kind).is_ok(),
        ),
        published_after_micros: c.micros("published_after", request.published_after.as_ref()),
        published_before_micros: c.micros("published_before", request.published_before.as_ref()),
    };
    c.finish(filter)
}

/// The filter of a `ListTradeFactsRequest`.
pub fn trade_fact_filter(request: &ListTradeFactsRequest) -> Result<TradeFactFilter, ApiError> {
    let mut c = Checker::default();
    let filter = TradeFactFilter {
        kind: c.enum_value(
            "kind",
            request.kind,
            TradeFactKind::try_from(request.kind).is_ok(),
        ),
        country_code: c.country("country_code", &request.country_code),
        partner_country_code: c.country("partner_country_code", &request.partner_country_code),
        exporter: c.country("exporter", &request.exporter),
        importer: c.country("importer", &request.importer),
        hs_code_prefix: c.hs_prefix("hs_code_prefix", &request.hs_code_prefix),
        commodity: c.text("commodity", &request.commodity),
        article_id: c.text("article_id", &request.article_id),
        published_after_micros: c.micros("published_after", request.published_after.as_ref()),
        published_before_micros: c.micros("published_before", request.published_before.as_ref()),
    };
    c.finish(filter)
}

/// The filter of a `ListEntitiesRequest`.
pub fn entity_filter(request: &ListEntitiesRequest) -> Result<EntityFilter, ApiError> {
    let mut c = Checker::default();
    let filter = EntityFilter {
        entity_type: c.enum_value(
            "type",
            request.r#type,
            EntityType::try_from(request.r#type).is_ok(),
        ),
        name_prefix: c.text("query", &request.query),
    };
    c.finish(filter)
}

/// What a `WatchFactsRequest` asks for: `None` for a fact type it does not watch.
pub fn watch_filters(
    request: &WatchFactsRequest,
) -> Result<(Option<StatementFilter>, Option<TradeFactFilter>), ApiError> {
    let mut c = Checker::default();
    let both = request.statements.is_none() && request.trade_facts.is_none();
    let statements = match (&request.statements, both) {
        (Some(f), _) => Some(StatementFilter {
            speaker: c.text("statements.speaker", &f.speaker),
            mentions_entity_id: c.text("statements.mentions_entity_id", &f.mentions_entity_id),
            query: c.text("statements.query", &f.query),
            kind: c.enum_value(
                "statements.kind",
                f.kind,
                StatementKind::try_from(f.kind).is_ok(),
            ),
            ..Default::default()
        }),
        (None, true) => Some(StatementFilter::default()),
        (None, false) => None,
    };
    let trade_facts = match (&request.trade_facts, both) {
        (Some(f), _) => Some(TradeFactFilter {
            kind: c.enum_value(
                "trade_facts.kind",
                f.kind,
                TradeFactKind::try_from(f.kind).is_ok(),
            ),
            country_code: c.country("trade_facts.country_code", &f.country_code),
            partner_country_code: c
                .country("trade_facts.partner_country_code", &f.partner_country_code),
            exporter: c.country("trade_facts.exporter", &f.exporter),
            importer: c.country("trade_facts.importer", &f.importer),
            hs_code_prefix: c.hs_prefix("trade_facts.hs_code_prefix", &f.hs_code_prefix),
            commodity: c.text("trade_facts.commodity", &f.commodity),
            ..Default::default()
        }),
        (None, true) => Some(TradeFactFilter::default()),
        (None, false) => None,
    };
    c.finish((statements, trade_facts))
}
