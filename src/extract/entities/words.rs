//! A word view of the sentences (possessive `'s` split off) and capitalized runs: the
//! candidate names that the recognizer classifies.

use foldhash::HashSet;
use std::borrow::Cow;
use std::ops::Range;

use super::lexicon::{CONNECTED, COUNTRY_FORMS, KNOWN_ORGS, ORG_HEADS, PLACE_HEADS, is_connector};
use crate::extract::sentences::{Sentence, TokenKind};

/// One token, with a possessive ending split off.
#[derive(Clone, Debug)]
pub struct Word<'t> {
    /// Byte range of the word without a possessive ending.
    pub bytes: Range<usize>,
    /// The word without a possessive ending.
    pub text: &'t str,
    /// Whether `'s` (or `’s`) followed the word in the same token.
    pub possessive: bool,
    /// The token's kind.
    pub kind: TokenKind,
    /// Index of its sentence.
    pub sentence: usize,
    /// Index of its paragraph.
    pub paragraph: usize,
    /// Whether it is the first word of its sentence (or of a quotation).
    pub first: bool,
}

impl Word<'_> {
    /// Whether the word starts with a capital letter (a name-like word).
    pub fn is_cap(&self) -> bool {
        matches!(self.kind, TokenKind::Word | TokenKind::Abbreviation)
            && self.text.chars().next().is_some_and(char::is_uppercase)
    }

    /// Whether the word is a word (not a number or punctuation) starting in lower case.
    pub fn is_lower(&self) -> bool {
        matches!(self.kind, TokenKind::Word | TokenKind::Abbreviation)
            && self.text.chars().next().is_some_and(char::is_lowercase)
    }

    /// Whether the token is punctuation equal to `p`.
    pub fn is_punct(&self, p: &str) -> bool {
        self.kind == TokenKind::Punct && self.text == p
    }
}

fn opens_quote(text: &str) -> bool {
    matches!(text, "\"" | "“" | "‘" | "'" | "(" | "[" | ":" | "--" | "—")
}

/// The words of all sentences, in text order.
pub fn words<'t>(text: &'t str, sentences: &[Sentence]) -> Vec<Word<'t>> {
    let mut out = Vec::with_capacity(sentences.iter().map(|s| s.tokens.len()).sum());
    for (si, sentence) in sentences.iter().enumerate() {
        let mut seen_word = false;
        let mut after_opener = false;
        for token in &sentence.tokens {
            let full = token.text(text);
            let (core, possessive) = ["'s", "’s", "'S"]
                .iter()
                .find_map(|p| full.strip_suffix(p).filter(|c| !c.is_empty()))
                .map_or((full, false), |c| (c, true));
            let first = token.kind != TokenKind::Punct && (!seen_word || after_opener);
            if token.kind == TokenKind::Punct {
                after_opener = opens_quote(full);
            } else {
                seen_word = true;
                after_opener = false;
            }
            out.push(Word {
                bytes: token.bytes.start..token.bytes.start + core.len(),
                text: core,
                possessive,
                kind: token.kind,
                sentence: si,
                paragraph: sentence.paragraph,
                first,
            });
        }
    }
    out
}

/// The lower-case words of the text, to tell a capitalized common word at the start of a
/// sentence ("Trade between ...") from a name.
pub fn lower_vocabulary<'t>(words: &[Word<'t>]) -> HashSet<&'t str> {
    // Sized for every word up front: growing the table step by step cost more than filling it.
    let mut vocabulary = HashSet::with_capacity_and_hasher(words.len(), Default::default());
    vocabulary.extend(words.iter().filter(|w| w.is_lower()).map(|w| w.text));
    vocabulary
}

/// A run of capitalized words (with connectors such as "of" between name parts), as word
/// indices `start..end`.
pub type Run = Range<usize>;

fn basic_runs(words: &[Word<'_>]) -> Vec<Run> {
    let mut runs = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if !words[i].is_cap() {
            i += 1;
            continue;
        }
        let start = i;
        while i + 1 < words.len()
            && !words[i].possessive
            && words[i + 1].is_cap()
            && words[i + 1].sentence == words[i].sentence
            && words[i + 1].bytes.start <= words[i].bytes.end + 1
        {
            i += 1;
        }
        i += 1;
        runs.push(start..i);
    }
    runs
}

/// The texts of `words` joined by single spaces, the form the lexicons list names in.
///
/// Borrowed from `text` when the words stand there already so (one space between each, no
/// possessive ending in between), as they nearly always do: lexicon look-ups call this for
/// every candidate, and allocating each time was a large part of their cost.
pub fn joined<'t>(text: &'t str, words: &[Word<'t>]) -> Cow<'t, str> {
    let single_spaced = words.windows(2).all(|pair| {
        pair[1].bytes.start == pair[0].bytes.end + 1
            && text.as_bytes().get(pair[0].bytes.end) == Some(&b' ')
    });
    match (words.first(), words.last()) {
        (Some(first), Some(last)) if single_spaced => text
            .get(first.bytes.start..last.bytes.end)
            .map_or_else(|| Cow::Owned(join_words(words)), Cow::Borrowed),
        _ => Cow::Owned(join_words(words)),
    }
}

/// The words' texts joined by single spaces.
fn join_words(words: &[Word<'_>]) -> String {
    words.iter().map(|w| w.text).collect::<Vec<_>>().join(" ")
}

/// Whether runs `a` and `b`, with the connector words between them, form one name.
fn merges(words: &[Word<'_>], a: &Run, b: &Run) -> bool {
    let (Some(last), Some(first), Some(b_last)) = (
        words.get(a.end - 1),
        words.get(b.start),
        words.get(b.end - 1),
    ) else {
        return false;
    };
    if last.possessive || last.sentence != first.sentence {
        return false;
    }
    let gap = &words[a.end..b.start];
    if gap.is_empty() || gap.len() > 2 {
        return false;
    }
    let gap_is_connector = gap.iter().all(|w| is_connector(w.text) || w.is_punct("&"));
    if !gap_is_connector {
        return false;
    }
    let gap_text = gap.iter().map(|w| w.text).collect::<Vec<_>>().join(" ");
    if CONNECTED.contains(&(
        last.text.to_owned(),
        gap_text.clone(),
        first.text.to_owned(),
    )) {
        return true;
    }
    let whole_a = join_words(&words[a.clone()]);
    match gap_text.as_str() {
        "of" | "of the" | "for" | "for the" | "on" | "on the" => {
            ORG_HEADS.contains(last.text) || PLACE_HEADS.contains(&last.text)
        }
        "and" | "&" => {
            ORG_HEADS.contains(b_last.text)
                && (!ORG_HEADS.contains(last.text) || a.len() == 1)
                && !COUNTRY_FORMS.contains_key(whole_a.as_str())
                && !KNOWN_ORGS.contains_key(whole_a.as_str())
                && !KNOWN_ORGS.contains_key(join_words(&words[b.clone()]).as_str())
        }
        "de" | "del" | "da" | "van" | "von" => true,
        _ => false,
    }
}

/// Capitalized runs, name parts joined across connectors where they form one name
/// ("Ministry of Commerce", "Secretary of State", "Cable and Wireless Plc").
pub fn runs(words: &[Word<'_>]) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    for run in basic_runs(words) {
        if let Some(prev) = out.last_mut()
            && merges(words, prev, &run)
        {
            prev.end = run.end;
            continue;
        }
        out.push(run);
    }
    out
}
