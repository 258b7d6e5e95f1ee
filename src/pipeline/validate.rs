//! Validation of client-supplied articles, before any work is spent on them.

use crate::api::{status::FieldError, v1::ArticleInput};

/// Earliest and latest `Timestamp.seconds` allowed by the protobuf spec (0001-01-01 to 9999-12-31).
const MIN_TIMESTAMP_SECONDS: i64 = -62_135_596_800;
const MAX_TIMESTAMP_SECONDS: i64 = 253_402_300_799;
/// Longest idempotency key accepted.
pub const MAX_EXTERNAL_ID_BYTES: usize = 1024;
/// Most labels on one article.
pub const MAX_LABELS: usize = 64;
/// Longest label key or value.
pub const MAX_LABEL_BYTES: usize = 256;
/// Longest short text field (title, source, url, language).
pub const MAX_SHORT_FIELD_BYTES: usize = 4096;

/// Whether a timestamp is in the range the protobuf spec allows (years 1 to 9999).
pub fn is_valid_timestamp(ts: &pbjson_types::Timestamp) -> bool {
    (MIN_TIMESTAMP_SECONDS..=MAX_TIMESTAMP_SECONDS).contains(&ts.seconds)
        && (0..1_000_000_000).contains(&ts.nanos)
}

/// Limits applied to each article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArticleLimits {
    /// Largest accepted `text`, in UTF-8 bytes.
    pub max_text_bytes: usize,
}

impl Default for ArticleLimits {
    fn default() -> Self {
        Self {
            max_text_bytes: 1024 * 1024,
        }
    }
}

/// Checks an article against the limits and the API's rules; returns every field at fault
/// (paths relative to the request: `article.text`, ...). An empty list means valid.
pub fn validate_article(article: Option<&ArticleInput>, limits: ArticleLimits) -> Vec<FieldError> {
    let Some(article) = article else {
        return vec![FieldError::new("article", "is required", "ARTICLE_MISSING")];
    };
    let mut errors = Vec::new();
    if article.text.trim().is_empty() {
        errors.push(FieldError::new(
            "article.text",
            "must not be empty",
            "TEXT_EMPTY",
        ));
    } else if article.text.len() > limits.max_text_bytes {
        errors.push(FieldError::new(
            "article.text",
            format!(
                "is {} bytes; the limit is {} bytes",
                article.text.len(),
                limits.max_text_bytes
            ),
            "ARTICLE_TOO_LARGE",
        ));
    } else if article.text.contains('\0') {
        errors.push(FieldError::new(
            "article.text",
            "must not contain NUL characters",
            "TEXT_HAS_NUL",
        ));
    }
    if article
        .published_at
        .as_ref()
        .is_some_and(|ts| !is_valid_timestamp(ts))
    {
        errors.push(FieldError::new(
            "article.published_at",
            "must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z with nanos in 0..1e9",
            "TIMESTAMP_OUT_OF_RANGE",
        ));
    }
    if article.external_id.len() > MAX_EXTERNAL_ID_BYTES {
        errors.push(FieldError::new(
            "article.external_id",
            format!("must be at most {MAX_EXTERNAL_ID_BYTES} bytes"),
            "EXTERNAL_ID_TOO_LONG",
        ));
    }
    for (name, value) in [
        ("title", &article.title),
        ("source", &article.source),
        ("url", &article.url),
        ("language", &article.language),
    ] {
        if value.len() > MAX_SHORT_FIELD_BYTES || value.contains('\0') {
            errors.push(FieldError::new(
                format!("article.{name}"),
                format!("must be at most {MAX_SHORT_FIELD_BYTES} bytes without NUL characters"),
                "FIELD_INVALID",
            ));
        }
    }
    let bad_label = |s: &String| s.len() > MAX_LABEL_BYTES || s.contains('\0');
    if article.labels.len() > MAX_LABELS
        || article
            .labels
            .iter()
            .any(|(k, v)| k.is_empty() || bad_label(k) || bad_label(v))
    {
        errors.push(FieldError::new(
            "article.labels",
            format!(
                "must have at most {MAX_LABELS} entries with non-empty keys and keys and values of at most {MAX_LABEL_BYTES} bytes"
            ),
            "LABELS_INVALID",
        ));
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(text: &str) -> ArticleInput {
        ArticleInput {
            text: text.to_owned(),
            ..Default::default()
        }
    }

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn accepts_a_plain_article() {
        assert!(
            validate_article(
                Some(&article("LIMA, May 2 - Peru said.")),
                ArticleLimits::default()
            )
            .is_empty()
        );
    }

    #[test]
    fn rejects_missing_empty_and_blank_text() {
        assert_eq!(
            fields(&validate_article(None, ArticleLimits::default())),
            ["article"]
        );
        assert_eq!(
            fields(&validate_article(
                Some(&article("")),
                ArticleLimits::default()
            )),
            ["article.text"]
        );
        assert_eq!(
            fields(&validate_article(
                Some(&article(" \n\t ")),
                ArticleLimits::default()
            )),
            ["article.text"]
        );
    }

    #[test]
    fn rejects_text_over_the_limit_but_not_at_it() {
        let limits = ArticleLimits { max_text_bytes: 10 };
        assert!(validate_article(Some(&article("0123456789")), limits).is_empty());
        let errors = validate_article(Some(&article("0123456789a")), limits);
        assert_eq!(errors[0].reason, "ARTICLE_TOO_LARGE");
    }

    #[test]
    fn rejects_timestamps_out_of_range() {
        let mut a = article("text");
        a.published_at = Some(pbjson_types::Timestamp {
            seconds: MAX_TIMESTAMP_SECONDS + 1,
            nanos: 0,
        });
        assert_eq!(
            fields(&validate_article(Some(&a), ArticleLimits::default())),
            ["article.published_at"]
        );
        a.published_at = Some(pbjson_types::Timestamp {
            seconds: 0,
            nanos: -1,
        });
        assert_eq!(
            fields(&validate_article(Some(&a), ArticleLimits::default())),
            ["article.published_at"]
        );
        a.published_at = Some(pbjson_types::Timestamp {
            seconds: MAX_TIMESTAMP_SECONDS,
            nanos: 999_999_999,
        });
        assert!(validate_article(Some(&a), ArticleLimits::default()).is_empty());
    }

    #[test]
    fn reports_every_bad_field() {
        let mut a = article("");
        a.external_id = "x".repeat(MAX_EXTERNAL_ID_BYTES + 1);
        a.labels.insert(String::new(), "v".into());
        assert_eq!(
            fields(&validate_article(Some(&a), ArticleLimits::default())),
            ["article.text", "article.external_id", "article.labels"]
        );
    }
}
