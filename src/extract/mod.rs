//! Extraction: pure and synchronous, text in, facts out. No I/O, no async.
//!
//! Stages, each in its own module: [`offsets`] (byte to code point spans), [`dateline`],
//! [`sentences`] (sentences and tokens), [`language`] (detection). Every span is in code
//! points of the text as submitted, end exclusive.

mod case;
pub mod dateline;
pub mod dates;
pub mod entities;
pub mod invariants;
pub mod language;
pub mod offsets;
pub mod sentences;
pub mod statements;
pub mod trade;

use sha2::{Digest, Sha256};

use crate::api::v1::{Article, ArticleInput};
use offsets::CharOffsets;

pub use statements::{Attributions, Continuations};

/// How extraction reads what the annotation conventions leave open. The default follows the
/// guidelines of the evaluation's wire stories.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Options {
    /// Whether a quotation that goes on after its cue's sentence is a statement of its own.
    pub continuations: Continuations,
    /// Whether thoughts, findings and intentions are statements too.
    pub attributions: Attributions,
}

/// Analyzes one article with the default [`Options`]: returns it with its dateline and facts.
/// Ids are article-local (`s1`, `t1`); the store prefixes them with the article id.
///
/// Never panics. Text that is not English gets a warning and no facts; its dateline is still
/// parsed.
pub fn analyze(input: &ArticleInput) -> Article {
    analyze_with(input, Options::default())
}

/// [`analyze`] with the given [`Options`].
pub fn analyze_with(input: &ArticleInput, options: Options) -> Article {
    let text = input.text.as_str();
    let content_sha256 = sha256_hex(text);
    let external_id = if input.external_id.is_empty() {
        format!("sha256:{content_sha256}")
    } else {
        input.external_id.clone()
    };
    let offsets = tracing::debug_span!("offsets").in_scope(|| CharOffsets::new(text));

    let language = if input.language.trim().is_empty() {
        tracing::debug_span!("language").in_scope(|| language::detect(text))
    } else {
        input.language.clone()
    };

    let dateline = tracing::debug_span!("dateline")
        .in_scope(|| dateline::parse(text, input.published_at.as_ref(), &offsets));

    let mut warnings = Vec::new();
    let mut entities = entities::ArticleEntities::default();
    let mut statements = Vec::new();
    let mut trade_facts = Vec::new();
    if language::is_english(&language) {
        let body_start = dateline.as_ref().and_then(|d| d.span).map_or(0, |span| {
            offsets.byte_index(usize::try_from(span.end).unwrap_or(0))
        });
        let sentences = tracing::debug_span!("sentences")
            .in_scope(|| sentences::split_from(text, body_start, &offsets));
        tracing::debug!(sentences = sentences.len(), "split");
        entities = tracing::debug_span!("entities")
            .in_scope(|| entities::recognize(text, dateline.as_ref(), &sentences, &offsets));
        statements = tracing::debug_span!("statements")
            .in_scope(|| statements::extract(text, &sentences, &offsets, &entities, options));
        trade_facts = tracing::debug_span!("trade_facts")
            .in_scope(|| trade::extract(text, &sentences, &offsets, &entities, &statements));
    } else {
        warnings.push(format!(
            "language \"{language}\" is not supported; no facts extracted"
        ));
    }

    Article {
        external_id,
        source: input.source.clone(),
        url: input.url.clone(),
        title: input.title.clone(),
        text: input.text.clone(),
        published_at: input.published_at,
        language,
        labels: input.labels.clone(),
        content_sha256,
        dateline,
        warnings,
        entity_count: count(entities.entities.len()),
        statement_count: count(statements.len()),
        trade_fact_count: count(trade_facts.len()),
        trade_facts,
        entities: entities.entities,
        statements,
        ..Default::default()
    }
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Lowercase hex SHA-256 of the UTF-8 text.
pub fn sha256_hex(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in digest {
        hex.push(char::from_digit(u32::from(byte >> 4), 16).unwrap_or('0'));
        hex.push(char::from_digit(u32::from(byte & 0xf), 16).unwrap_or('0'));
    }
    hex
}

#[cfg(test)]
mod tests;
