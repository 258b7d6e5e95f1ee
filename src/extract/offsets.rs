//! Byte offsets to Unicode code point offsets.
//!
//! Rust slices strings by byte; the API counts code points (Python's `text[start:end]`).
//! [`CharOffsets`] converts one to the other after a single pass over the text. It stores one
//! entry per *non-ASCII* character only, so for mostly-ASCII news text it costs next to nothing,
//! and each lookup is a binary search.

use crate::api::v1::Span;

/// A half-open range of code points, `start..end`, into the text as submitted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct CharSpan {
    /// First code point, counted from 0.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
}

impl CharSpan {
    /// Number of code points in the span.
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// Whether the span is empty.
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    /// The span as the API message (saturating at `i32::MAX`).
    pub fn to_api(self) -> Span {
        Span {
            start: i32::try_from(self.start).unwrap_or(i32::MAX),
            end: i32::try_from(self.end).unwrap_or(i32::MAX),
        }
    }
}

/// Converts byte offsets of one text to code point offsets.
#[derive(Clone, Debug)]
pub struct CharOffsets<'a> {
    text: &'a str,
    /// For every multi-byte character: its byte offset, its code point index, and the number of
    /// bytes beyond one per character seen up to and including it.
    multi: Vec<(usize, usize, usize)>,
}

impl<'a> CharOffsets<'a> {
    /// Builds the table in one pass over `text`.
    pub fn new(text: &'a str) -> Self {
        let mut multi = Vec::new();
        if !text.is_ascii() {
            let mut extra = 0;
            for (at, ch) in text.char_indices() {
                let len = ch.len_utf8();
                if len > 1 {
                    let index = at - extra;
                    extra += len - 1;
                    multi.push((at, index, extra));
                }
            }
        }
        Self { text, multi }
    }

    /// The text the table was built for.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// Length of the text in code points.
    pub fn char_len(&self) -> usize {
        self.char_index(self.text.len())
    }

    /// The code point index of byte offset `byte`. An offset inside a character maps to that
    /// character; an offset past the end maps to the end of the text.
    pub fn char_index(&self, byte: usize) -> usize {
        let mut byte = byte.min(self.text.len());
        while !self.text.is_char_boundary(byte) {
            byte -= 1;
        }
        let i = self.multi.partition_point(|&(at, _, _)| at < byte);
        let extra = if i == 0 { 0 } else { self.multi[i - 1].2 };
        byte - extra
    }

    /// The code point span of the byte range `start..end`.
    pub fn span(&self, start: usize, end: usize) -> CharSpan {
        let start = self.char_index(start);
        CharSpan {
            start,
            end: self.char_index(end).max(start),
        }
    }

    /// The byte offset of code point `index` (the text's byte length past the end).
    pub fn byte_index(&self, index: usize) -> usize {
        let i = self.multi.partition_point(|&(_, at, _)| at < index);
        let extra = if i == 0 { 0 } else { self.multi[i - 1].2 };
        (index + extra).min(self.text.len())
    }
}

/// Byte offset of the end of the first `max_chars` code points of `text`.
pub fn prefix_end(text: &str, max_chars: usize) -> usize {
    // A text no longer in bytes than the limit, or ASCII up to it, needs no walk over chars.
    if text.len() <= max_chars {
        return text.len();
    }
    if text.as_bytes()[..max_chars].is_ascii() {
        return max_chars;
    }
    text.char_indices()
        .nth(max_chars)
        .map_or(text.len(), |(at, _)| at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_end_counts_code_points() {
        for text in [
            "",
            "abc",
            "Peña said",
            "€€€€",
            "a€b€c€",
            "Sept. 7 — Hangzhou",
        ] {
            for n in 0..12 {
                let walked = text.char_indices().nth(n).map_or(text.len(), |(at, _)| at);
                assert_eq!(prefix_end(text, n), walked, "{text:?} {n}");
            }
        }
    }

    fn check_all(text: &str) {
        let table = CharOffsets::new(text);
        for (ci, (bi, _)) in text.char_indices().enumerate() {
            assert_eq!(table.char_index(bi), ci, "byte {bi} of {text:?}");
            assert_eq!(table.byte_index(ci), bi, "char {ci} of {text:?}");
        }
        let n = text.chars().count();
        assert_eq!(table.char_len(), n);
        assert_eq!(table.char_index(text.len()), n);
        assert_eq!(table.byte_index(n), text.len());
    }

    #[test]
    fn ascii_is_identity() {
        check_all("WASHINGTON (Reuters) - The dollar rose.");
    }

    #[test]
    fn mixed_widths() {
        check_all("PEÑA — said “yes” 🙂 in 北京, é.");
        check_all("🙂🙂🙂");
        check_all("");
    }

    #[test]
    fn inside_a_character_maps_to_it() {
        let text = "aÑb";
        let table = CharOffsets::new(text);
        assert_eq!(table.char_index(2), 1);
        assert_eq!(table.char_index(99), 3);
    }

    #[test]
    fn span_slices_by_chars() {
        let text = "Ñ 🙂 PEÑA NIETO said";
        let table = CharOffsets::new(text);
        let start = text.find("PEÑA").unwrap_or(0);
        let span = table.span(start, start + "PEÑA NIETO".len());
        let got: String = text.chars().skip(span.start).take(span.len()).collect();
        assert_eq!(got, "PEÑA NIETO");
        assert_eq!(span.to_api().start, 4);
    }

    #[test]
    fn prefix_end_counts_chars() {
        assert_eq!(prefix_end("héllo", 2), 3);
        assert_eq!(prefix_end("hé", 10), 3);
    }
}
