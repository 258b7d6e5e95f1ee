//! Fuzz targets of newsfacts and a small mutation runner for stable Rust.
//!
//! Each target takes bytes, runs them through the code under test, panics when an invariant
//! breaks, and returns *features*: hashes of what the input made the extractor produce
//! (statement kinds, speaker resolutions, trade fact kinds and parts, dateline parts, error
//! reasons ...). libFuzzer ignores them (it measures code coverage itself); the stable runner
//! keeps an input when it shows a feature not seen before, a cheap stand-in for coverage.

pub mod runner;

use newsfacts::api::v1::{Article, ArticleInput};
use newsfacts::extract::invariants::span_violations;
use newsfacts::pipeline::{ArticleLimits, validate::validate_article};
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

/// Publication time given to fuzzed articles (2016-09-07T12:00:00Z), so datelines resolve.
const PUBLISHED: i64 = 1_473_249_600;

/// Words and marks of wire stories, which the runner inserts into inputs.
pub const WIRE_TOKENS: &[&str] = &[
    "\"",
    "\u{201c}",
    "\u{201d}",
    "'",
    " said",
    " says ",
    " told ",
    " according to ",
    "Sept.",
    " (Xinhua) -- ",
    " (Reuters) - ",
    " \u{2014} ",
    "President ",
    "Minister ",
    "Mr. ",
    "U.S.",
    " China",
    " Mexico",
    " Peru",
    " Japan",
    "Chinese ",
    "Mexican ",
    " the United States",
    " exports ",
    " imports ",
    " trade ",
    " tariffs on ",
    " agreement ",
    " to ",
    " from ",
    " rose ",
    " fell ",
    " percent",
    " $1.5 billion",
    " 300,000 tonnes",
    " yuan",
    " copper",
    " soybeans",
    " largest trading partner",
    " he ",
    " she ",
    ". ",
    ", ",
    "\n\n",
    "(",
    ")",
    "No. 2",
    "🙂",
    "\u{202e}",
    "مصر",
    "中国",
    "HANGZHOU, ",
    "LIMA, May 2 ",
];

/// JSON fragments of ArticleInput lines, which the runner inserts into inputs.
pub const JSON_TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    ":",
    ",",
    "\\",
    "\\u0000",
    "\\ud800",
    "\\udc00",
    "\\n",
    "\\\"",
    "\"text\":",
    "\"externalId\":",
    "\"external_id\":",
    "\"publishedAt\":",
    "\"labels\":",
    "\"language\":\"en\"",
    "\"title\":",
    "null",
    "true",
    "1e999",
    "-0",
    "18446744073709551616",
    "\"9999-12-31T23:59:59Z\"",
    "\"0001-01-01T00:00:00Z\"",
    "\"2016-09-07T12:00:00.123456789+08:00\"",
    "\"1970-01-01T00:00:00Z\"",
    "{\"a\":\"b\"}",
    " said ",
    "\\u201c",
    "Peru",
    " China",
];

fn feature(parts: impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    parts.hash(&mut hasher);
    hasher.finish()
}

/// Bucket of a count: 0, 1, 2, 3-4, 5-8, ...
fn bucket(n: usize) -> u32 {
    usize::BITS - n.leading_zeros()
}

/// Analyzes `input`, panics when the analysis breaks the contract, and adds its features.
fn analyze_checked(input: &ArticleInput, features: &mut Vec<u64>) {
    let article = newsfacts::extract::analyze(input);
    assert_eq!(article.text, input.text, "text not returned as sent");
    let violations = span_violations(&article);
    assert!(
        violations.is_empty(),
        "span contract broken: {violations:#?}\ntext: {:?}",
        input.text
    );
    article_features(&article, features);
}

fn article_features(a: &Article, out: &mut Vec<u64>) {
    out.push(feature(("warnings", a.warnings.len())));
    if let Some(d) = &a.dateline {
        out.push(feature((
            "dateline",
            d.date_text.is_empty(),
            d.resolved_date.is_empty(),
            // The agency is as written: its length, not its text, or every spelling is new.
            bucket(d.agency.chars().count()),
            bucket(d.place.chars().count()),
        )));
    }
    out.push(feature(("entities", bucket(a.entities.len()))));
    for e in &a.entities {
        out.push(feature((
            "entity",
            e.r#type,
            e.roles.len().min(3),
            !e.country_code.is_empty(),
        )));
        for m in &e.mentions {
            out.push(feature(("mention", e.r#type, m.kind)));
        }
    }
    out.push(feature(("statements", bucket(a.statements.len()))));
    for s in &a.statements {
        let speaker_type = s.speaker.as_ref().map(|e| e.r#type);
        out.push(feature((
            "statement",
            s.kind,
            s.speaker_resolution,
            bucket(s.cue.len()),
            speaker_type,
            s.speaker_role.is_empty(),
        )));
        out.push(feature((
            "content",
            s.kind,
            bucket(s.content.chars().count()),
        )));
        out.push(feature(("mentioned", bucket(s.mentioned_entity_ids.len()))));
    }
    out.push(feature(("trade facts", bucket(a.trade_facts.len()))));
    for f in &a.trade_facts {
        out.push(feature((
            "trade fact",
            f.kind,
            f.exporter.is_some(),
            f.importer.is_some(),
            f.reporter.is_some(),
            f.partner.is_some(),
            bucket(f.parties.len()),
            f.attributed_statement_id.is_empty(),
        )));
        out.push(feature((
            "commodities",
            f.kind,
            bucket(f.commodities.len()),
        )));
        if let Some(v) = &f.value {
            out.push(feature(("value", f.kind, &v.currency, v.qualifier)));
        }
        if let Some(q) = &f.quantity {
            out.push(feature((
                "quantity",
                f.kind,
                bucket(q.unit.len()),
                q.qualifier,
            )));
        }
        if let Some(c) = &f.change {
            out.push(feature((
                "change",
                f.kind,
                c.direction,
                c.period.is_empty(),
            )));
        }
        out.push(feature((
            "fact parts",
            f.kind,
            f.trend,
            f.rank.min(5),
            bucket(f.agreement_type.len()),
            bucket(f.measure_type.len()),
            f.period.is_empty(),
        )));
    }
}

/// Target `extract`: bytes → lossy UTF-8 → `extract::analyze` (language "en", so that every
/// stage runs).
pub fn extract(data: &[u8]) -> Vec<u64> {
    let input = ArticleInput {
        text: String::from_utf8_lossy(data).into_owned(),
        language: "en".to_owned(),
        published_at: Some(pbjson_types::Timestamp {
            seconds: PUBLISHED,
            nanos: 0,
        }),
        ..Default::default()
    };
    let mut features = Vec::new();
    analyze_checked(&input, &mut features);
    features
}

/// Target `json_input`: bytes as input of `newsfacts extract` → each line parsed as
/// ArticleInput JSON → validated → analyzed when valid.
pub fn json_input(data: &[u8]) -> Vec<u64> {
    let mut features = Vec::new();
    for line in data.split(|b| *b == b'\n') {
        let line = line.trim_ascii();
        if line.is_empty() {
            continue;
        }
        let input = match newsfacts::cli::parse_article_line(line) {
            Ok(input) => input,
            Err(message) => {
                // The kind of error, without positions or quoted input: its words before the
                // first quote, without numbers ("invalid ArticleInput JSON: unknown field").
                let head = message.split(['`', '"', '\'']).next().unwrap_or_default();
                let kind: Vec<&str> = head
                    .split_whitespace()
                    .filter(|w| !w.contains(|c: char| c.is_ascii_digit()))
                    .collect();
                features.push(feature(("parse error", kind)));
                continue;
            }
        };
        features.push(feature((
            "parsed",
            input.published_at.is_some(),
            bucket(input.labels.len()),
            input.language.is_empty(),
            input.external_id.is_empty(),
        )));
        let violations = validate_article(Some(&input), ArticleLimits::default());
        if !violations.is_empty() {
            for v in &violations {
                features.push(feature(("invalid", &v.field, v.reason)));
            }
            continue;
        }
        analyze_checked(&input, &mut features);
    }
    features
}
