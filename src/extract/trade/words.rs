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
pub fn words(text: &str, range: Range<usize>) -> Vec<Word<'_>> {
    let Some(slice) = text.get(range.clone()) else {
        return Vec::new();
    };
    let base = range.start;
    // Sized up front: `collect` would start from a quarter of the length and grow.
    let mut chars: Vec<(usize, char)> = Vec::with_capacity(slice.len());
    chars.extend(slice.char_indices());
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        let mut j = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        } else if c.is_ascii_digit() {
            while j < chars.len() {
                let d = chars[j].1;
                let joins_digits = matches!(d, ',' | '.')
                    && chars.get(j + 1).is_some_and(|n| n.1.is_ascii_digit());
                if d.is_ascii_digit() || joins_digits || d.is_alphabetic() {
                    j += 1;
                } else {
                    break;
                }
            }
        } else if c.is_alphabetic() {
            while j < chars.len() {
                let d = chars[j].1;
                let inner = matches!(d, '.' | '\'' | '’' | '-')
                    && chars.get(j + 1).is_some_and(|n| n.1.is_alphabetic());
                let abbreviation_dot =
                    d == '.' && j >= 2 && chars[j - 2].1 == '.' && chars[j - 1].1.is_alphabetic();
                if d.is_alphabetic() || inner || abbreviation_dot {
                    j += 1;
                } else {
                    break;
                }
            }
            // "US$3": a currency prefix glued to its symbol.
            if chars.get(j).is_some_and(|n| is_currency_symbol(n.1)) && j - i <= 4 {
                j += 1;
            }
        } else if !is_currency_symbol(c) {
            // punctuation, one char at a time
        }
        let end = chars.get(j).map_or(slice.len(), |n| n.0);
        out.push(Word {
            text: &slice[start..end],
            bytes: base + start..base + end,
        });
        i = j;
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
