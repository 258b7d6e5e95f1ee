//! A small word scanner for the trade stage: words, numbers and currency symbols with their
//! byte ranges, so amounts can be read as sequences ("more than", "10.2", "billion", "dlrs").

use std::ops::Range;

use crate::extract::case::Lowercase;

/// One word of a clause.
#[derive(Debug, Clone, PartialEq)]
pub struct Word<'t> {
    /// The word as written.
    pub text: &'t str,
    /// Byte range in the text.
    pub bytes: Range<usize>,
}

impl<'t> Word<'t> {
    /// The word lowercased (ASCII), for lexicon look-ups.
    pub fn lower(&self) -> String {
        self.text.to_ascii_lowercase()
    }

    /// The word lowercased (ASCII), borrowed from the text when it is in lower case already.
    pub fn lowercase(&self) -> Lowercase<'t> {
        Lowercase::ascii(self.text)
    }
}

fn is_currency_symbol(c: char) -> bool {
    matches!(c, '$' | '£' | '€' | '¥' | '₹' | '₩' | '₽')
}

/// Splits `text[range]` into words: runs of letters (with inner `.`, `'`, `-` as in "U.S.",
/// "Japan's", "year-on-year"), numbers (with `,` and `.` between digits, and a glued scale
/// such as "1.13bn" kept whole), currency symbols, `%`, and other punctuation one char each.
///
/// Walks the text by byte position, decoding one char at a time: every clause of every
/// article comes through here, and a vector of the chars first cost more than the scan.
pub fn words(text: &str, range: Range<usize>) -> Vec<Word<'_>> {
    let Some(slice) = text.get(range.clone()) else {
        return Vec::new();
    };
    let base = range.start;
    let char_at = |at: usize| slice.get(at..).and_then(|rest| rest.chars().next());
    let after = |at: usize, c: char| char_at(at + c.len_utf8());
    let mut out = Vec::with_capacity(slice.len() / 5);
    let mut start = 0;
    while let Some(c) = char_at(start) {
        let mut end = start + c.len_utf8();
        if c.is_whitespace() {
            start = end;
            continue;
        } else if c.is_ascii_digit() {
            while let Some(d) = char_at(end) {
                let joins_digits =
                    matches!(d, ',' | '.') && after(end, d).is_some_and(|n| n.is_ascii_digit());
                if d.is_ascii_digit() || joins_digits || d.is_alphabetic() {
                    end += d.len_utf8();
                } else {
                    break;
                }
            }
        } else if c.is_alphabetic() {
            let mut chars = 1;
            while let Some(d) = char_at(end) {
                let inner = matches!(d, '.' | '\'' | '’' | '-')
                    && after(end, d).is_some_and(char::is_alphabetic);
                // "U.S.": a dot after a letter that follows a dot.
                let abbreviation_dot = d == '.' && {
                    let mut before = slice[..end].chars().rev();
                    before.next().is_some_and(char::is_alphabetic) && before.next() == Some('.')
                };
                if d.is_alphabetic() || inner || abbreviation_dot {
                    end += d.len_utf8();
                    chars += 1;
                } else {
                    break;
                }
            }
            // "US$3": a currency prefix glued to its symbol.
            if let Some(symbol) = char_at(end).filter(|&n| is_currency_symbol(n))
                && chars <= 4
            {
                end += symbol.len_utf8();
            }
        }
        // Anything else (punctuation, a currency symbol) is a word of one char.
        out.push(Word {
            text: &slice[start..end],
            bytes: base + start..base + end,
        });
        start = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<&str> {
        words(s, 0..s.len()).into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn splits_numbers_abbreviations_and_symbols() {
        assert_eq!(
            texts("rose 5.2 pct to 1,200.5 mln dlrs"),
            ["rose", "5.2", "pct", "to", "1,200.5", "mln", "dlrs"]
        );
        assert_eq!(
            texts("U.S. dollars, US$3 bn"),
            ["U.S.", "dollars", ",", "US$", "3", "bn"]
        );
        assert_eq!(
            texts("$1.13bn (£600m)"),
            ["$", "1.13bn", "(", "£", "600m", ")"]
        );
        assert_eq!(
            texts("Japan's year-on-year 12%"),
            ["Japan's", "year-on-year", "12", "%"]
        );
    }

    #[test]
    fn byte_ranges_point_into_the_text() {
        let s = "Peña: €5 bn";
        for w in words(s, 0..s.len()) {
            assert_eq!(&s[w.bytes.clone()], w.text);
        }
    }
}
