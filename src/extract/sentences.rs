//! Sentences and word tokens, aware of abbreviations, quotes and paragraphs.
//!
//! One pass tokenizes the text; a second groups tokens into sentences. A sentence ends at
//! `.`, `!`, `?` or `…` (with any closing quotes and brackets that follow it) when the next
//! word does not start in lower case; at an abbreviation only as its kind allows (see
//! `data/abbreviations.txt`); and always at a paragraph break. In hard-wrapped text (lines
//! of about 40 to 100 characters joined by single newlines, as in old wire copy) a paragraph
//! break is a blank line or a newline followed by indentation; elsewhere every newline is one.

use foldhash::{HashMap, HashSet};
use std::ops::Range;
use std::sync::LazyLock;

use super::offsets::{CharOffsets, CharSpan};

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// A word: letters, possibly with digits, inner apostrophes, hyphens or full stops.
    Word,
    /// A number: starts with a digit, e.g. `1.5`, `3,000`, `2016`.
    Number,
    /// A word with its full stop: a listed abbreviation (`Sept.`), a dotted acronym (`U.S.`)
    /// or an initial (`J.`).
    Abbreviation,
    /// Any other character that is not white space; runs of `.` and `-` are one token.
    Punct,
}

/// One token of the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// Byte range in the text.
    pub bytes: Range<usize>,
    /// Code point span in the text.
    pub span: CharSpan,
    /// What the token is.
    pub kind: TokenKind,
    /// Whether a paragraph break comes right before this token.
    pub paragraph_start: bool,
}

impl Token {
    /// The token as written.
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.bytes.clone()).unwrap_or("")
    }

    fn token_first_char(&self, text: &str) -> Option<char> {
        self.text(text).chars().next()
    }
}

/// A sentence: from its first token to its last, closing quotes included.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sentence {
    /// Byte range in the text.
    pub bytes: Range<usize>,
    /// Code point span in the text.
    pub span: CharSpan,
    /// Its tokens, in order.
    pub tokens: Vec<Token>,
    /// Index of the paragraph it belongs to, counted from 0.
    pub paragraph: usize,
}

impl Sentence {
    /// The sentence as written.
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.bytes.clone()).unwrap_or("")
    }
}

/// How an abbreviation bears on a sentence end (the sections of `abbreviations.txt`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AbbrKind {
    /// Before a name: never ends a sentence.
    Title,
    /// Before a number: does not end a sentence before a digit.
    Number,
    /// A month: does not end a sentence before a digit.
    Month,
    /// Ends a sentence only before a typical sentence opener.
    Other,
}

static ABBREVIATIONS: LazyLock<HashMap<&'static str, AbbrKind>> = LazyLock::new(|| {
    let mut map = HashMap::default();
    let mut kind = AbbrKind::Other;
    for line in include_str!("data/abbreviations.txt").lines() {
        let line = line.trim();
        match line {
            "" => {}
            _ if line.starts_with('#') => {}
            "[title]" => kind = AbbrKind::Title,
            "[number]" => kind = AbbrKind::Number,
            "[month]" => kind = AbbrKind::Month,
            "[other]" => kind = AbbrKind::Other,
            _ => {
                map.entry(line).or_insert(kind);
            }
        }
    }
    map
});

static OPENERS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("data/sentence_openers.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
});

fn is_terminal(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…' | '。' | '！' | '？')
}

fn is_closing(c: char) -> bool {
    matches!(
        c,
        '"' | '”' | '’' | '\'' | ')' | ']' | '»' | '›' | '」' | '』'
    )
}

fn is_opening(c: char) -> bool {
    matches!(
        c,
        '"' | '“' | '‘' | '\'' | '(' | '[' | '«' | '‹' | '「' | '『'
    )
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || (!c.is_ascii() && is_mark(c))
}

/// Combining marks that may follow a letter (decomposed accents).
fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{20D0}'..='\u{20FF}')
}

/// Whether the text is hard-wrapped: most single newlines follow a line of 40 to 100 bytes.
fn is_hard_wrapped(text: &str) -> bool {
    let bytes = text.as_bytes();
    let (mut single, mut long) = (0usize, 0usize);
    let mut line_start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b != b'\n' {
            continue;
        }
        let prev_blank = text[line_start..i].trim().is_empty();
        let next = bytes.get(i + 1).copied();
        let next_continues = next.is_some_and(|n| !n.is_ascii_whitespace());
        if !prev_blank && next_continues {
            single += 1;
            if (40..=100).contains(&(i - line_start)) {
                long += 1;
            }
        }
        line_start = i + 1;
    }
    single >= 2 && long * 10 >= single * 8
}

/// Splits `text` into tokens.
pub fn tokenize(text: &str, offsets: &CharOffsets<'_>) -> Vec<Token> {
    tokenize_from(text, 0, offsets)
}

fn tokenize_from(text: &str, from: usize, offsets: &CharOffsets<'_>) -> Vec<Token> {
    let wrapped = is_hard_wrapped(text);
    // Room for a token every five bytes, about what English prose has, so that the vector
    // seldom grows (each growth copies every token so far).
    let mut tokens = Vec::with_capacity(text.len().saturating_sub(from) / 5);
    let mut chars = text[from.min(text.len())..]
        .char_indices()
        .map(|(i, c)| (i + from, c))
        .peekable();
    // Newlines seen since the last token, and whether one was followed by indentation.
    let (mut newlines, mut indented) = (0usize, false);
    while let Some((start, c)) = chars.next() {
        if c.is_whitespace() {
            if c == '\n' || c == '\u{2029}' || c == '\u{2028}' {
                newlines += 1;
            } else if newlines > 0 {
                indented = true;
            }
            continue;
        }
        let paragraph_start = !tokens.is_empty()
            && match (wrapped, newlines) {
                (_, 0) => false,
                (false, _) => true,
                (true, n) => n >= 2 || indented,
            };
        (newlines, indented) = (0, false);

        let mut end = start + c.len_utf8();
        let kind = if is_word_char(c) {
            let mut prev = c;
            let mut has_dot = false;
            while let Some(&(at, next)) = chars.peek() {
                if is_word_char(next) {
                    chars.next();
                    end = at + next.len_utf8();
                    prev = next;
                    continue;
                }
                // A joiner counts only between two word characters (`U.S`, `1.5`, `3,000`,
                // `China's`, `year-on-year`).
                let joins = match next {
                    '.' | '\'' | '’' | '-' | '‐' | '&' => true,
                    ',' => prev.is_ascii_digit(),
                    _ => false,
                };
                let after = text[at + next.len_utf8()..].chars().next();
                let after_ok = after.is_some_and(|a| {
                    if next == ',' {
                        a.is_ascii_digit()
                    } else {
                        is_word_char(a)
                    }
                });
                if !(joins && after_ok) {
                    break;
                }
                has_dot |= next == '.';
                chars.next();
                prev = next;
            }
            let word = &text[start..end];
            let abbreviation = text[end..].starts_with('.')
                && (has_dot && !c.is_ascii_digit()
                    || is_initial(word)
                    || text
                        .get(start..end + 1)
                        .is_some_and(|w| ABBREVIATIONS.contains_key(w)));
            if abbreviation {
                chars.next();
                end += 1;
                TokenKind::Abbreviation
            } else if c.is_numeric() {
                TokenKind::Number
            } else {
                TokenKind::Word
            }
        } else {
            // Runs of full stops and of hyphens are one token (`...`, `--`).
            if c == '.' || c == '-' {
                while let Some(&(at, next)) = chars.peek() {
                    if next != c {
                        break;
                    }
                    chars.next();
                    end = at + 1;
                }
            }
            TokenKind::Punct
        };
        tokens.push(Token {
            bytes: start..end,
            span: offsets.span(start, end),
            kind,
            paragraph_start,
        });
    }
    tokens
}

/// A single capital letter: an initial, as in `J. Smith`.
fn is_initial(word: &str) -> bool {
    let mut chars = word.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if c.is_uppercase())
}

/// Splits `text` into sentences.
pub fn split(text: &str, offsets: &CharOffsets<'_>) -> Vec<Sentence> {
    split_from(text, 0, offsets)
}

/// Splits the part of `text` from byte `from` on (e.g. after a dateline) into sentences;
/// spans still count from the start of `text`.
pub fn split_from(text: &str, from: usize, offsets: &CharOffsets<'_>) -> Vec<Sentence> {
    let mut from = from.min(text.len());
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let tokens = tokenize_from(text, from, offsets);
    let mut sentences = Vec::new();
    // The sentence being read is `tokens[start..i]`; it is copied out once it ends.
    let mut start = 0;
    let mut paragraph = 0;
    let mut i = 0;
    while i < tokens.len() {
        let token = &tokens[i];
        if token.paragraph_start {
            push(&mut sentences, &tokens[start..i], paragraph);
            start = i;
            paragraph += 1;
        }
        i += 1;
        let ends = match token.kind {
            TokenKind::Punct => token.text(text).chars().next().is_some_and(is_terminal),
            TokenKind::Abbreviation => true,
            _ => false,
        };
        if !ends {
            continue;
        }
        // Take further terminals and closing quotes or brackets that touch it: `?!`, `."`, `.)`.
        while let Some(next) = tokens.get(i) {
            let touches = next.bytes.start == tokens[i - 1].bytes.end;
            let first = next.token_first_char(text);
            let glue = next.kind == TokenKind::Punct
                && touches
                && !next.paragraph_start
                && first.is_some_and(|c| is_terminal(c) || is_closing(c))
                && closes_here(text, next);
            if !glue {
                break;
            }
            i += 1;
        }
        if breaks_after(text, token, tokens.get(i..).unwrap_or(&[])) {
            push(&mut sentences, &tokens[start..i], paragraph);
            start = i;
        }
    }
    push(&mut sentences, &tokens[start..], paragraph);
    sentences
}

/// Whether a quote or bracket right after a full stop closes (white space, end or more
/// punctuation follows) rather than opens the next sentence (`."The`).
fn closes_here(text: &str, token: &Token) -> bool {
    let Some(c) = token.token_first_char(text) else {
        return false;
    };
    if is_terminal(c) || matches!(c, ')' | ']' | '”' | '’' | '»') {
        return true;
    }
    text[token.bytes.end..]
        .chars()
        .next()
        .is_none_or(|n| n.is_whitespace() || is_closing(n) || is_terminal(n) || n == ',')
}

/// Whether the sentence ends after `terminal` (an end mark or an abbreviation), given the
/// tokens after it and its closing quotes.
fn breaks_after(text: &str, terminal: &Token, rest: &[Token]) -> bool {
    let Some(next) = rest.first() else {
        return true;
    };
    if next.paragraph_start {
        return true;
    }
    // "the U.S., Japan and ...": a comma or semicolon after an abbreviation continues the sentence.
    if terminal.kind == TokenKind::Abbreviation
        && next.kind == TokenKind::Punct
        && next
            .token_first_char(text)
            .is_some_and(|c| matches!(c, ',' | ';' | ':' | ')'))
    {
        return false;
    }
    // The first word of what follows, past opening quotes and brackets.
    let opened =
        next.kind == TokenKind::Punct && next.token_first_char(text).is_some_and(is_opening);
    // Look a few tokens ahead only, so that runs of punctuation stay linear.
    let word = rest.iter().take(4).find(|t| t.kind != TokenKind::Punct);
    let Some(word) = word else {
        return true;
    };
    let first = word.token_first_char(text);
    if first.is_some_and(char::is_lowercase) {
        return false;
    }
    if terminal.kind != TokenKind::Abbreviation {
        return true;
    }
    let abbr = terminal.text(text);
    let kind = ABBREVIATIONS.get(abbr).copied().unwrap_or(AbbrKind::Other);
    let digit_next = !opened && first.is_some_and(|c| c.is_ascii_digit());
    match kind {
        AbbrKind::Title => false,
        AbbrKind::Number | AbbrKind::Month if digit_next => false,
        _ => {
            // An initial followed by another (`J. R. Smith`) is part of a name.
            if word.kind == TokenKind::Abbreviation && !opened {
                return false;
            }
            opened || OPENERS.contains(word.text(text))
        }
    }
}

fn push(sentences: &mut Vec<Sentence>, tokens: &[Token], paragraph: usize) {
    let (Some(first), Some(last)) = (tokens.first(), tokens.last()) else {
        return;
    };
    let bytes = first.bytes.start..last.bytes.end;
    let span = CharSpan {
        start: first.span.start,
        end: last.span.end,
    };
    sentences.push(Sentence {
        bytes,
        span,
        tokens: tokens.to_vec(),
        paragraph,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        let offsets = CharOffsets::new(text);
        split(text, &offsets)
            .iter()
            .map(|s| {
                // Spans and bytes must agree.
                let by_chars: String = text.chars().skip(s.span.start).take(s.span.len()).collect();
                assert_eq!(by_chars, s.text(text));
                s.text(text).to_owned()
            })
            .collect()
    }

    #[test]
    fn lexicons_load() {
        assert_eq!(ABBREVIATIONS.get("Mr."), Some(&AbbrKind::Title));
        assert_eq!(ABBREVIATIONS.get("Sept."), Some(&AbbrKind::Month));
        assert_eq!(ABBREVIATIONS.get("No."), Some(&AbbrKind::Number));
        assert_eq!(ABBREVIATIONS.get("Calif."), Some(&AbbrKind::Other));
        assert!(ABBREVIATIONS.len() > 200);
        assert!(OPENERS.contains("The"));
    }

    #[test]
    fn simple_sentences() {
        assert_eq!(
            texts("Exports rose. Imports fell! Why? Nobody knows…"),
            ["Exports rose.", "Imports fell!", "Why?", "Nobody knows…"]
        );
    }

    #[test]
    fn a_comma_after_an_abbreviation_continues_the_sentence() {
        assert_eq!(
            texts("Talks with the U.S., Japan and Canada resumed. They ended Friday."),
            [
                "Talks with the U.S., Japan and Canada resumed.",
                "They ended Friday."
            ]
        );
    }

    #[test]
    fn abbreviations_do_not_split() {
        let text = "Mr. Lee met Dr. Ortiz and Gov. Hale on Sept. 7 in the U.S. capital. \
                    Sen. Park of Calif. said the No. 2 firm, Acme Corp., grew 1.5 billion \
                    dollars. J. R. Smith agreed.";
        assert_eq!(
            texts(text),
            [
                "Mr. Lee met Dr. Ortiz and Gov. Hale on Sept. 7 in the U.S. capital.",
                "Sen. Park of Calif. said the No. 2 firm, Acme Corp., grew 1.5 billion dollars.",
                "J. R. Smith agreed.",
            ]
        );
    }

    #[test]
    fn abbreviation_can_end_a_sentence() {
        assert_eq!(
            texts("The deal went to Acme Inc. The shares rose. Trade with the U.S. It grew."),
            [
                "The deal went to Acme Inc.",
                "The shares rose.",
                "Trade with the U.S.",
                "It grew."
            ]
        );
        assert_eq!(
            texts("It closed on Jan. 5. Talks resume in Jan. Officials hope."),
            [
                "It closed on Jan. 5.",
                "Talks resume in Jan.",
                "Officials hope."
            ]
        );
    }

    #[test]
    fn quotes_close_after_the_stop() {
        let text = "\"We will sign the deal soon,\" he said. \"Trade is growing.\" She agreed. \
                    He asked, \"Why now?\" and left. “It is done.” The talks ended.";
        assert_eq!(
            texts(text),
            [
                "\"We will sign the deal soon,\" he said.",
                "\"Trade is growing.\"",
                "She agreed.",
                "He asked, \"Why now?\" and left.",
                "“It is done.”",
                "The talks ended.",
            ]
        );
    }

    #[test]
    fn newlines_end_sentences() {
        assert_eq!(
            texts("BEIJING talks\nopen today\n\nNo full stop here"),
            ["BEIJING talks", "open today", "No full stop here"]
        );
        let sentences = split("A b.\n\nC d. E f.", &CharOffsets::new("A b.\n\nC d. E f."));
        let paragraphs: Vec<usize> = sentences.iter().map(|s| s.paragraph).collect();
        assert_eq!(paragraphs, [0, 1, 1]);
    }

    #[test]
    fn hard_wrapped_lines_are_joined() {
        let text = "The ministry said exports of rubber and palm oil rose\n\
                    sharply in the first quarter, helped by strong demand from\n\
                    buyers in Europe and Japan.\n    A spokesman for the ministry said the trend in trade\n\
                    would continue through the middle of next year at least.";
        assert_eq!(texts(text).len(), 2);
    }

    #[test]
    fn non_ascii_spans() {
        let text = "🙂 PEÑA — the “leader” — spoke. Él dijo: ¿sí? Done.";
        let got = texts(text);
        assert_eq!(
            got,
            ["🙂 PEÑA — the “leader” — spoke.", "Él dijo: ¿sí?", "Done."]
        );
        let sentences = split(text, &CharOffsets::new(text));
        assert_eq!(sentences[1].span.start, 31);
    }

    #[test]
    fn tokens() {
        let text = "U.S. exports of 3,000 tonnes, China's year-on-year rise -- 1.5%.";
        let offsets = CharOffsets::new(text);
        let toks: Vec<(&str, TokenKind)> = tokenize(text, &offsets)
            .iter()
            .map(|t| (t.text(text), t.kind))
            .collect();
        assert_eq!(toks[0], ("U.S.", TokenKind::Abbreviation));
        assert!(toks.contains(&("3,000", TokenKind::Number)));
        assert!(toks.contains(&("China's", TokenKind::Word)));
        assert!(toks.contains(&("year-on-year", TokenKind::Word)));
        assert!(toks.contains(&("--", TokenKind::Punct)));
        assert!(toks.contains(&("1.5", TokenKind::Number)));
        assert_eq!(toks.last(), Some(&(".", TokenKind::Punct)));
    }

    #[test]
    fn split_from_skips_a_prefix() {
        let text = "HANGZHOU, Sept. 7 (Xinhua) -- Trade grew. It will grow.";
        let offsets = CharOffsets::new(text);
        let from = text.find("Trade").unwrap_or(0);
        let got: Vec<&str> = split_from(text, from, &offsets)
            .iter()
            .map(|s| s.text(text))
            .collect();
        assert_eq!(got, ["Trade grew.", "It will grow."]);
    }
}
