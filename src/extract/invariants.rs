//! The contract every analysis keeps, as a checker: spans within the text, in code points,
//! and fields "as written" equal to the text under their spans. The tests, the property tests
//! and the fuzz targets all check analyses with it.

use crate::api::v1::{Article, Span};

/// `text[span]` in code points, as a client in Python would slice it; `None` when the span is
/// not within the text or runs backwards.
pub fn slice_chars(text: &str, span: &Span) -> Option<String> {
    CodePoints::new(text).slice(span).map(str::to_owned)
}

/// A text indexed by code point: the byte offset of every code point, and of the end.
struct CodePoints<'t> {
    text: &'t str,
    bytes: Vec<usize>,
}

impl<'t> CodePoints<'t> {
    fn new(text: &'t str) -> Self {
        let mut bytes: Vec<usize> = text.char_indices().map(|(at, _)| at).collect();
        bytes.push(text.len());
        Self { text, bytes }
    }

    fn len(&self) -> usize {
        self.bytes.len() - 1
    }

    fn slice(&self, span: &Span) -> Option<&'t str> {
        let start = *self.bytes.get(usize::try_from(span.start).ok()?)?;
        let end = *self.bytes.get(usize::try_from(span.end).ok()?)?;
        self.text.get(start..end)
    }
}

/// Whether `small`, without whitespace, is a subsequence of `big` without whitespace.
fn is_subsequence(small: &str, big: &str) -> bool {
    let mut big = big.chars().filter(|c| !c.is_whitespace());
    small
        .chars()
        .filter(|c| !c.is_whitespace())
        .all(|c| big.any(|b| b == c))
}

/// Every way in which the spans of `article` break the contract: each span must satisfy
/// `0 <= start <= end <= number of code points of the text`, and a field that the proto
/// says is "as written" must equal the text under its span. A statement's `content` is the
/// text of its span with the cue and speaker of a quote cut out, so it must start and end
/// as its span does and keep the span's characters in order. Empty means valid.
pub fn span_violations(article: &Article) -> Vec<String> {
    let text = CodePoints::new(&article.text);
    let mut out = Vec::new();
    // `what` names the field, and is only formatted for a violation.
    let mut check = |what: &dyn Fn() -> String, span: Option<&Span>, written: Option<&str>| {
        let Some(span) = span else {
            out.push(format!("{}: span missing", what()));
            return None;
        };
        let Some(slice) = text.slice(span) else {
            out.push(format!(
                "{}: span {}..{} outside 0..={} code points",
                what(),
                span.start,
                span.end,
                text.len()
            ));
            return None;
        };
        if let Some(written) = written
            && written != slice
        {
            out.push(format!(
                "{}: {written:?} but the span holds {slice:?}",
                what()
            ));
        }
        Some(slice)
    };
    let mut dateline_errors = Vec::new();
    if let Some(dateline) = &article.dateline {
        let slice = check(&|| "dateline".into(), dateline.span.as_ref(), None);
        if let Some(slice) = slice
            && !slice.contains(&dateline.place)
        {
            dateline_errors.push(format!(
                "dateline place {:?} not in {slice:?}",
                dateline.place
            ));
        }
    }
    for entity in &article.entities {
        for mention in &entity.mentions {
            let what = || format!("mention of {}", entity.entity_id);
            check(&what, mention.span.as_ref(), Some(&mention.text));
        }
    }
    let mut content_errors = Vec::new();
    for s in &article.statements {
        let id = &s.statement_id;
        check(&|| format!("{id} speaker"), s.speaker_span.as_ref(), None);
        check(&|| format!("{id} cue"), s.cue_span.as_ref(), Some(&s.cue));
        if let Some(slice) = check(&|| format!("{id} content"), s.content_span.as_ref(), None) {
            let (c, sl) = (s.content.as_str(), slice);
            let ends_agree = c.chars().next() == sl.chars().next()
                && c.chars().next_back() == sl.chars().next_back();
            if c.is_empty() || !ends_agree || !is_subsequence(c, sl) {
                content_errors.push(format!("{id} content {c:?} does not come from {sl:?}"));
            }
        }
    }
    for f in &article.trade_facts {
        let id = &f.trade_fact_id;
        check(
            &|| format!("{id} evidence"),
            f.evidence_span.as_ref(),
            Some(&f.evidence),
        );
        for c in &f.commodities {
            check(
                &|| format!("{id} commodity {}", c.name),
                c.span.as_ref(),
                None,
            );
        }
        if let Some(v) = &f.value {
            check(&|| format!("{id} value"), v.span.as_ref(), Some(&v.text));
        }
        if let Some(q) = &f.quantity {
            check(&|| format!("{id} quantity"), q.span.as_ref(), Some(&q.text));
        }
    }
    out.extend(dateline_errors);
    out.extend(content_errors);
    out
}
