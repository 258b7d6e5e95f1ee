//! Stage 6: statements — who said what, quoted or reported.
//!
//! The stage works on the sentence tokens, flattened into one list:
//! 1. [`quotes`] pairs the quotation marks (quotes over several paragraphs included);
//! 2. every speech cue outside a quote (a verb of `data/speech_verbs.txt`, "according to",
//!    "was quoted as saying") is read in its sentence: its speaker phrase to the left ("X said")
//!    or right ("said X"), and its content after it ("X said (that) ...", "X said: \"...\"") or
//!    before it ("..., X said", "\"...,\" said X"); a participle ("..., saying ...") or a
//!    coordinated cue ("... but acknowledged ...") takes the speaker of the clause before;
//! 3. a quote with no cue of its own continues the quotation it belongs to, or the last speaker;
//! 4. [`phrase`] resolves each speaker phrase through the entity mentions, splits it into role
//!    and name, and a pronoun no mention resolves falls back to the previous speaker.
//!
//! Every step looks a bounded number of tokens around a cue, so the stage is linear in the text.

mod lexicon;
mod phrase;
mod quotes;

use std::ops::Range;

use super::Options;
use super::case::Lowercase;
use super::entities::ArticleEntities;
use super::offsets::CharOffsets;
use super::sentences::{Sentence, TokenKind};
use crate::api::v1::{EntityRef, EntityType, SpeakerResolution, Statement, StatementKind};
use lexicon::{
    ADJUNCT_STARTS, ATTRIBUTION_VERBS, AUDIENCES, BE, COORDINATORS, DETERMINERS, PRONOUNS,
    SKIPPABLE, SPEECH_VERBS, VerbClass, VerbForm, VerbTable,
};
use phrase::Phrase;
use quotes::Quotes;

/// Most statements taken from one sentence (keeps pathological input linear).
const MAX_PER_SENTENCE: usize = 24;
/// Most cues read in one sentence.
const MAX_CUES_PER_SENTENCE: usize = 64;
/// Longest content, in bytes; longer sentences are cut at a token boundary.
const MAX_CONTENT_BYTES: usize = 8_000;

/// A token of the flattened sentence list.
#[derive(Clone, Debug)]
struct Tok<'t> {
    text: &'t str,
    lower: Lowercase<'t>,
    bytes: Range<usize>,
    kind: TokenKind,
    sentence: usize,
    paragraph: usize,
    paragraph_start: bool,
    speech_verb: bool,
    /// The cue verb forms that begin with this word ([`SPEECH_VERBS`], or
    /// [`ATTRIBUTION_VERBS`] for every attribution), looked up once.
    verb_forms: &'static [VerbForm],
}

impl Tok<'_> {
    fn is_word(&self) -> bool {
        matches!(self.kind, TokenKind::Word | TokenKind::Abbreviation)
    }
    fn is_abbreviation(&self) -> bool {
        self.kind == TokenKind::Abbreviation
    }
    fn is_number(&self) -> bool {
        self.kind == TokenKind::Number
    }
    fn is_punct(&self) -> bool {
        self.kind == TokenKind::Punct
    }
    fn is_speech_verb(&self) -> bool {
        self.speech_verb
    }
}

/// The cue verb forms that begin with lower-case `word`.
fn verb_forms(word: &str, table: &'static VerbTable) -> &'static [VerbForm] {
    // Every cue verb has two letters at least; most tokens are turned away before hashing.
    if word.len() < 2 {
        return &[];
    }
    table.get(word).map_or(&[], Vec::as_slice)
}

fn flatten<'t>(
    text: &'t str,
    sentences: &[Sentence],
    attributions: Attributions,
) -> (Vec<Tok<'t>>, Vec<Range<usize>>, Vec<bool>) {
    let table: &'static VerbTable = match attributions {
        Attributions::Speech => &SPEECH_VERBS,
        Attributions::All => &ATTRIBUTION_VERBS,
    };
    let mut toks: Vec<Tok<'t>> = Vec::with_capacity(sentences.iter().map(|s| s.tokens.len()).sum());
    let mut ranges = Vec::with_capacity(sentences.len());
    let mut last_paragraph = None;
    for sentence in sentences {
        // A "sentence" that starts with a comma or a closing bracket continues the one before
        // (an abbreviation such as "U.S.," was taken for its end).
        let continues = last_paragraph == Some(sentence.paragraph)
            && sentence
                .tokens
                .first()
                .is_some_and(|t| matches!(t.text(text), "," | ";" | ")" | "]"));
        let start = if continues {
            ranges.pop().map_or(toks.len(), |r: Range<usize>| r.start)
        } else {
            toks.len()
        };
        let s = ranges.len();
        for (k, t) in sentence.tokens.iter().enumerate() {
            let word = t.text(text);
            // Two apostrophes or backquotes written as one quotation mark: '' and ``.
            let in_sentence = toks.len() > start;
            if matches!(word, "'" | "`")
                && in_sentence
                && let Some(prev) = toks.last_mut()
                && prev.bytes.end == t.bytes.start
                && prev.text == word
            {
                prev.bytes.end = t.bytes.end;
                prev.text = text.get(prev.bytes.clone()).unwrap_or("");
                prev.lower = Lowercase::new(prev.text);
                prev.verb_forms = verb_forms(prev.lower.as_str(), table);
                continue;
            }
            let lower = Lowercase::new(word);
            let verb_forms = verb_forms(lower.as_str(), table);
            // Base forms are often nouns ("the report"): only the inflected forms stop a phrase.
            let speech_verb = verb_forms.iter().any(|f| f.words.len() == 1 && !f.base);
            let paragraph_start = k == 0 && last_paragraph.is_some_and(|p| p != sentence.paragraph);
            toks.push(Tok {
                text: word,
                lower,
                bytes: t.bytes.clone(),
                kind: t.kind,
                sentence: s,
                paragraph: sentence.paragraph,
                paragraph_start: paragraph_start || t.paragraph_start && !toks.is_empty(),
                speech_verb,
                verb_forms,
            });
        }
        last_paragraph = Some(sentence.paragraph);
        ranges.push(start..toks.len());
    }
    // Inside a sentence, a capitalized form is a name's word ("the United States", "Fox
    // News Reports"), not a verb that ends a phrase; headlines capitalize their verbs.
    let headlines: Vec<bool> = ranges
        .iter()
        .map(|r| is_headline(&toks[r.clone()]))
        .collect();
    for (range, &headline) in ranges.iter().zip(&headlines) {
        if !headline {
            for tok in toks.iter_mut().take(range.end).skip(range.start + 1) {
                if tok.text.starts_with(|c: char| c.is_uppercase()) {
                    tok.speech_verb = false;
                }
            }
        }
    }
    (toks, ranges, headlines)
}

/// Whether the tokens are a headline: nearly every word of four letters or more capitalized.
fn is_headline(toks: &[Tok<'_>]) -> bool {
    let (mut long, mut capitalized, mut words) = (0, 0, 0);
    for t in toks {
        if !t.is_word() {
            continue;
        }
        words += 1;
        if t.text.chars().count() > 3 {
            long += 1;
            capitalized += usize::from(t.text.starts_with(|c: char| c.is_uppercase()));
        }
    }
    words >= 4 && long >= 3 && capitalized * 10 >= long * 9
}

/// What a cue is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CueKind {
    /// A speech verb form.
    Verb(VerbForm),
    /// "according to".
    According,
    /// "was quoted (by X) as saying".
    QuotedAs,
    /// "quoted X as saying", with the tokens of X.
    QuotedObject(usize, usize),
}

/// What becomes of a quotation that goes on after the sentence of its cue, in the same
/// paragraph: `"A," she said. "B."`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Continuations {
    /// "B" is a statement of its own, with the speaker and cue of "A": the convention of the
    /// wire-story annotation guidelines the evaluation follows.
    #[default]
    Separate,
    /// "B" is part of the cued statement, whose content then runs from "A" to "B" (one piece
    /// per quote): the convention of attribution corpora such as PolNeAR, where one attribution
    /// covers the speaker's whole turn.
    Merged,
}

/// Which attributions are statements: speech only, or thoughts, findings and intentions too.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Attributions {
    /// Speech and writing, and the stances news reports as statements ("hoped", "agreed"):
    /// the convention of the wire-story annotation guidelines the evaluation follows.
    #[default]
    Speech,
    /// Also what a source thinks, finds or intends ("I think ...", "polls show ...", "wants
    /// to ..."), the verbs of the `[thought]` and `[intent]` sections of `speech_verbs.txt`:
    /// the convention of attribution corpora such as PolNeAR. Such statements have
    /// `cue_is_speech` false.
    All,
}

/// A cue found in a sentence.
#[derive(Clone, Debug)]
struct Cue {
    tokens: Range<usize>,
    kind: CueKind,
}

/// Who a candidate statement is attributed to.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Who {
    /// A phrase of the text.
    Phrase(Phrase),
    /// The same speaker as candidate `n`.
    Same(usize),
}

/// A statement before its speaker is resolved.
#[derive(Clone, Debug)]
struct Cand {
    cue: Range<usize>,
    who: Who,
    /// Byte ranges of the content pieces (one, or two for a quote interrupted by its cue).
    pieces: Vec<Range<usize>>,
    kind: StatementKind,
    confidence: f32,
}

/// Finds every statement of an article, with its speaker resolved through `entities`.
/// Statement ids are article-local: `s1`, `s2`, ... in text order.
pub fn extract(
    text: &str,
    sentences: &[Sentence],
    offsets: &CharOffsets<'_>,
    entities: &ArticleEntities,
    options: Options,
) -> Vec<Statement> {
    let (toks, ranges, headlines) = flatten(text, sentences, options.attributions);
    let quotes = quotes::find(&toks);
    let mut ex = Extractor {
        text,
        toks: &toks,
        quotes: &quotes,
        cands: Vec::new(),
        consumed: vec![false; quotes.parts.len()],
        headlines,
    };
    for range in &ranges {
        ex.sentence(range.clone());
    }
    ex.uncued_quotes(options.continuations);
    ex.finish(offsets, entities)
}

struct Extractor<'a, 't> {
    text: &'t str,
    toks: &'a [Tok<'t>],
    quotes: &'a Quotes,
    cands: Vec<Cand>,
    /// Whether each quote part is already the content (or inside the content) of a statement.
    consumed: Vec<bool>,
    /// Whether each sentence is a headline ([`is_headline`]), by sentence index.
    headlines: Vec<bool>,
}

impl Extractor<'_, '_> {
    fn lower(&self, i: usize) -> &str {
        self.toks.get(i).map_or("", |t| t.lower.as_str())
    }

    fn is(&self, i: usize, text: &str) -> bool {
        self.toks.get(i).is_some_and(|t| t.text == text)
    }

    /// The cues of a sentence, outside quotes, in order.
    fn cues(&self, range: Range<usize>) -> Vec<Cue> {
        let mut cues = Vec::new();
        let headline = self.is_headline(range.clone());
        let mut i = range.start;
        while i < range.end {
            if self.quotes.quoted(i) {
                i += 1;
                continue;
            }
            let tok = &self.toks[i];
            let lower = tok.lower.as_str();
            if lower == "according" && self.lower(i + 1) == "to" && i + 1 < range.end {
                cues.push(Cue {
                    tokens: i..i + 2,
                    kind: CueKind::According,
                });
                i += 2;
                continue;
            }
            if lower == "quoted" {
                // "was quoted as saying", "was quoted by the agency as saying".
                let end = (i + 8).min(range.end);
                let saying = (i + 1..end)
                    .find(|&k| self.lower(k) == "saying" && k > i + 1 && self.lower(k - 1) == "as");
                if let Some(k) = saying
                    && i > range.start
                    && BE.contains(self.lower(i - 1))
                {
                    cues.push(Cue {
                        tokens: i..k + 1,
                        kind: CueKind::QuotedAs,
                    });
                    i = k + 1;
                    continue;
                }
                // "The newspaper quoted Israeli officials as saying": the one quoted speaks.
                if let Some(k) = saying
                    && k > i + 2
                    && (i + 1..k - 1).all(|p| self.toks[p].is_word() && !self.quotes.quoted(p))
                {
                    cues.push(Cue {
                        tokens: i..k + 1,
                        kind: CueKind::QuotedObject(i + 1, k - 1),
                    });
                    i = k + 1;
                    continue;
                }
            }
            // Verb forms must be written in lower case, except a participle opening a clause
            // and a verb inside a headline ("Graham Says Trump Could Win").
            let lowercase = tok.text.chars().next().is_some_and(char::is_lowercase)
                || (headline && i > range.start);
            let matched = tok.verb_forms.iter().find(|f| {
                (lowercase || f.participle)
                    && i + f.words.len() <= range.end
                    && f.words
                        .iter()
                        .enumerate()
                        .all(|(k, w)| self.lower(i + k) == *w && !self.quotes.quoted(i + k))
            });
            // "continued" next to a quotation: "She continued: \"...\"", "\"...,\" he continued."
            if let Some(form) = lexicon::continuing_form(lower)
                && lowercase
                && self.continues_a_quote(i, range.end)
            {
                cues.push(Cue {
                    tokens: i..i + 1,
                    kind: CueKind::Verb(form),
                });
                i += 1;
                continue;
            }
            // A passive ("was confirmed by the Senate", "criticized by rivals"): the subject
            // is not the speaker, and the agent speaks no content.
            let passive = |form: &VerbForm| {
                let last = i + form.words.len() - 1;
                !form.participle && self.lower(last).ends_with("ed") && self.lower(last + 1) == "by"
            };
            if let Some(form) = matched
                && passive(form)
            {
                i += form.words.len();
                continue;
            }
            // "went on to say", "goes on to tell": one finite cue of four words.
            if let Some(form) = matched
                && form.base
                && i >= range.start + 3
                && self.lower(i - 1) == "to"
                && self.lower(i - 2) == "on"
                && matches!(self.lower(i - 3), "went" | "goes" | "go" | "going" | "gone")
            {
                cues.push(Cue {
                    tokens: i - 3..i + form.words.len(),
                    kind: CueKind::Verb(VerbForm {
                        base: false,
                        ..*form
                    }),
                });
                i += form.words.len();
                continue;
            }
            if let Some(form) = matched {
                cues.push(Cue {
                    tokens: i..i + form.words.len(),
                    kind: CueKind::Verb(*form),
                });
                i += form.words.len();
                continue;
            }
            i += 1;
        }
        cues
    }

    /// Whether "continued" at token `i` introduces or closes a quotation: a colon or a comma
    /// and an opening mark after it, or the sentence ending after it with a quote closing
    /// shortly before it.
    fn continues_a_quote(&self, i: usize, end: usize) -> bool {
        let next = i + 1;
        let opens_after = self.quotes.opened_at(next).is_some()
            || (matches!(self.toks.get(next).map(|t| t.text), Some(":" | ","))
                && self.quotes.opened_at(next + 1).is_some())
            || (self.is(next, ":") && next + 1 >= end);
        // The sentence ends, or a participle clause of the reporter's follows ("he
        // continued, citing ...").
        let ends = next >= end
            || (next + 1 >= end && self.toks[next].is_punct())
            || (self.is(next, ",") && next + 1 < end && self.is_trailing_participle(next + 1));
        let closed_before = (i.saturating_sub(6)..i).any(|k| self.quotes.closed_at(k).is_some());
        opens_after || (ends && closed_before)
    }

    /// The number of tokens of a time adjunct at `at` that a clause follows: "Tuesday",
    /// "this month", "last week", "on Monday", "earlier this year"; 0 when none.
    fn time_adjunct_len(&self, at: usize, end: usize) -> usize {
        let mut p = at;
        if matches!(self.lower(p), "on" | "earlier" | "late" | "early") {
            p += 1;
        }
        if matches!(self.lower(p), "this" | "last" | "next")
            && lexicon::TIME_NOUNS.contains(self.lower(p + 1))
        {
            p += 2;
        } else if lexicon::TIME_NOUNS.contains(self.lower(p))
            && self.toks.get(p).is_some_and(|t| {
                t.text.starts_with(|c: char| c.is_uppercase())
                    || matches!(t.lower.as_str(), "yesterday" | "today" | "tonight")
            })
        {
            p += 1;
        } else {
            return 0;
        }
        // "Tuesday night", "this week's".
        if matches!(self.lower(p), "morning" | "afternoon" | "evening" | "night") {
            p += 1;
        }
        // A clause: a subject pronoun and its verb ("he wants"), or a finite verb soon after,
        // before any punctuation or subordinate clause ("the plan would fail").
        let pronoun_subject = matches!(self.lower(p), "he" | "she" | "they" | "we" | "i" | "it")
            && self
                .toks
                .get(p + 1)
                .is_some_and(|n| n.is_word() && n.text.starts_with(|c: char| c.is_lowercase()));
        let finite_soon = (p..(p + 6).min(end))
            .take_while(|&k| {
                !self.toks[k].is_punct() && !lexicon::SUBORDINATORS.contains(self.lower(k))
            })
            .any(|k| {
                let w = self.lower(k);
                BE.contains(w) || lexicon::AUXILIARIES.contains(w)
            });
        if p + 1 < end && (pronoun_subject || finite_soon) {
            p - at
        } else {
            0
        }
    }

    /// Whether `range` holds a finite verb outside quotes: a form of "be", an auxiliary, a
    /// past form, or a cue.
    fn has_finite_verb(&self, range: Range<usize>) -> bool {
        range
            .into_iter()
            .any(|k| !self.quotes.quoted(k) && self.toks[k].is_word() && self.finite_verb_at(k))
    }

    /// Whether a clause opens at `from`: a subject pronoun, or a finite verb or an infinitive
    /// ("voters to know") within the next words, before any comma.
    fn clause_ahead(&self, from: usize, end: usize) -> bool {
        if matches!(
            self.lower(from),
            "i" | "we" | "you" | "he" | "she" | "they" | "it"
        ) {
            return true;
        }
        for k in from + 1..(from + 8).min(end) {
            let t = &self.toks[k];
            if t.is_punct() || self.quotes.quoted(k) {
                return false;
            }
            if self.finite_verb_at(k)
                || (t.lower == "to" && self.toks.get(k + 1).is_some_and(Tok::is_word))
            {
                return true;
            }
        }
        false
    }

    /// Whether token `k` reads as a finite verb: a form of "be", an auxiliary, a cue, or a
    /// lower-case past form ("rejected").
    fn finite_verb_at(&self, k: usize) -> bool {
        let t = &self.toks[k];
        let w = t.lower.as_str();
        BE.contains(w)
            || lexicon::AUXILIARIES.contains(w)
            || t.is_speech_verb()
            || (w.len() > 4 && w.ends_with("ed") && t.text.starts_with(|c: char| c.is_lowercase()))
    }

    /// The number of tokens of a time adjunct ending before token `end` ("on Tuesday", "on
    /// Tuesday night", "last week", "earlier this month"), 0 when none; never the whole
    /// phrase from `floor`, so a subject remains before it.
    fn time_before(&self, floor: usize, end: usize) -> usize {
        let mut p = end;
        let word = |k: usize| self.lower(k);
        if p > floor && matches!(word(p - 1), "morning" | "afternoon" | "evening" | "night") {
            p -= 1;
        }
        let Some(last) = p.checked_sub(1).filter(|&l| l > floor) else {
            return 0;
        };
        // "who in 2010 said": a year.
        if last > floor + 1
            && word(last - 1) == "in"
            && self.toks[last].is_number()
            && self.toks[last].text.len() == 4
        {
            return end - (last - 1);
        }
        if !lexicon::TIME_NOUNS.contains(word(last)) {
            return 0;
        }
        let weekday = self.toks[last].text.starts_with(|c: char| c.is_uppercase());
        let mut q = last;
        if q > floor && matches!(word(q - 1), "this" | "last" | "next") {
            q -= 1;
            if q > floor && matches!(word(q - 1), "earlier" | "later") {
                q -= 1;
            }
        } else if q > floor && word(q - 1) == "on" && weekday {
            q -= 1;
        } else if !(weekday || matches!(word(last), "yesterday" | "today")) {
            return 0;
        }
        if q > floor { end - q } else { 0 }
    }

    /// Whether a sentence is written in title case, as headlines are: at least four words,
    /// and nearly every word of more than three letters capitalized.
    fn is_headline(&self, range: Range<usize>) -> bool {
        self.toks
            .get(range.start)
            .is_some_and(|t| self.headlines.get(t.sentence).copied().unwrap_or(false))
    }

    fn sentence(&mut self, range: Range<usize>) {
        let cues = self.cues(range.clone());
        let first_cand = self.cands.len();
        for cue in cues.into_iter().take(MAX_CUES_PER_SENTENCE) {
            if self.cands.len() - first_cand >= MAX_PER_SENTENCE {
                break;
            }
            let before = self.cands.len();
            match cue.kind {
                CueKind::According => self.according(&range, &cue),
                CueKind::QuotedAs => self.verb(&range, &cue, None, first_cand),
                CueKind::QuotedObject(start, end) => self.quoted_object(&range, &cue, start..end),
                CueKind::Verb(form) => self.verb(&range, &cue, Some(form), first_cand),
            }
            // "He said he believed ...": a pronoun inside the content of the statement before
            // is that speaker again, unless coordinated ("..., and he added").
            if self.cands.len() == before + 1
                && before > first_cand
                && let Who::Phrase(p) = &self.cands[before].who
                && p.np.len() == 1
                && PRONOUNS.contains(self.lower(p.np.start))
                && self.lower(p.np.start) != "who"
            {
                let np_start = p.np.start;
                let cue_byte = self.toks[cue.tokens.start].bytes.start;
                let inside = self.cands[before - 1]
                    .pieces
                    .iter()
                    .any(|r| r.start <= cue_byte && cue_byte < r.end);
                let coordinated =
                    np_start > range.start && COORDINATORS.contains(self.lower(np_start - 1));
                // "He said A and he hoped B": a belief of the same speaker stays in the content.
                let belief = matches!(cue.kind, CueKind::Verb(f)
                    if matches!(f.class, VerbClass::Clause | VerbClass::Thought | VerbClass::Intent));
                if inside && (!coordinated || belief) {
                    self.cands.pop();
                } else if inside {
                    let cut = self.cut_before(np_start, range.start);
                    if let Some(last) = self.cands[before - 1].pieces.last_mut()
                        && last.end > cut
                    {
                        last.end = cut.max(last.start);
                    }
                }
            }
            // "X said A, and Y said B": a new speaker clause ends the content before it.
            if self.cands.len() == before + 1
                && before > first_cand
                && let Who::Phrase(p) = &self.cands[before].who
                && self.clause_joint(p.np.start, range.start)
            {
                let np_start = p.np.start;
                let np_byte = self.toks[np_start].bytes.start;
                let cut = self.cut_before(np_start, range.start);
                if let Some(last) = self.cands[before - 1].pieces.last_mut()
                    && last.start < np_byte
                    && np_byte < last.end
                {
                    last.end = cut.max(last.start);
                }
            }
            // "X told Y that A, but B, the source added": a speaker closing the sentence after
            // a comma ends the content of the statement before at that comma.
            if self.cands.len() == before + 1
                && before > first_cand
                && let Who::Phrase(p) = &self.cands[before].who
                && p.np.start > range.start
                && self.is(p.np.start - 1, ",")
                && cue.tokens.start >= p.np.end
                && self.no_content_after(cue.tokens.end, self.sentence_end(&range), None)
            {
                let np_byte = self.toks[p.np.start].bytes.start;
                let comma_byte = self.toks[p.np.start - 1].bytes.start;
                if let Some(last) = self.cands[before - 1].pieces.last_mut()
                    && last.start < comma_byte
                    && np_byte < last.end
                {
                    last.end = comma_byte;
                }
            }
            // A second cue that takes the first one's speaker ends the first one's content.
            if self.cands.len() > before && before > first_cand {
                let new_cue_start = self.toks[self.cands[before].cue.start].bytes.start;
                let new_is_same = matches!(self.cands[before].who, Who::Same(_));
                if new_is_same {
                    let cut = self.cut_before(cue.tokens.start, range.start);
                    let prev = &mut self.cands[before - 1];
                    if let Some(last) = prev.pieces.last_mut()
                        && last.start < new_cue_start
                        && last.end > cut
                    {
                        last.end = cut.max(last.start);
                    }
                }
            }
        }
    }

    /// Whether a new clause starts at token `at`: after a semicolon, or after a comma and a
    /// coordinator ("..., and Y said").
    fn clause_joint(&self, at: usize, floor: usize) -> bool {
        if at <= floor + 1 {
            return false;
        }
        let before = self.lower(at - 1);
        // Without a comma only before a capitalized subject: "Republicans said A and
        // Democrats accused B", not "said A and officials who ...".
        let capitalized = self.toks[at].text.starts_with(|c: char| c.is_uppercase())
            && !PRONOUNS.contains(self.lower(at));
        before == ";"
            || (matches!(before, "and" | "but" | "while" | "whereas")
                && (self.is(at - 2, ",") || capitalized))
    }

    /// The byte where a content ends before the cue at token `cue`: before a comma or a
    /// coordinator that introduces it.
    fn cut_before(&self, cue: usize, floor: usize) -> usize {
        let mut k = cue;
        let mut steps = 0;
        while k > floor && steps < 4 {
            let t = &self.toks[k - 1];
            if t.text == ","
                || COORDINATORS.contains(t.lower.as_str())
                || SKIPPABLE.contains(t.lower.as_str())
                || t.lower == "while"
            {
                k -= 1;
                steps += 1;
                continue;
            }
            break;
        }
        self.toks
            .get(k.saturating_sub(1).max(floor))
            .map_or(0, |t| {
                if k > floor {
                    t.bytes.end
                } else {
                    t.bytes.start
                }
            })
    }

    /// The end of a sentence's content: before its final full stop and closing marks.
    fn sentence_end(&self, range: &Range<usize>) -> usize {
        let mut end = range.end;
        while end > range.start {
            let t = &self.toks[end - 1];
            if t.is_punct() && !self.quotes.quoted(end - 1) {
                end -= 1;
                continue;
            }
            break;
        }
        end
    }

    /// "The newspaper quoted Israeli officials as saying (that) ...": the words after the
    /// cue are those of the phrase quoted, not of the one who quotes it.
    fn quoted_object(&mut self, range: &Range<usize>, cue: &Cue, speaker: Range<usize>) {
        let end = self.sentence_end(range);
        let from = self.content_start(cue.tokens.end, end, None);
        if !self.complement_ok(from, end, None) {
            return;
        }
        let who = Who::Phrase(Phrase {
            np: speaker,
            appositive: None,
        });
        self.push_content(cue.tokens.clone(), who, from..end, 0.8);
    }

    fn according(&mut self, range: &Range<usize>, cue: &Cue) {
        let sent_end = self.sentence_end(range);
        let Some(np) = phrase::right_np(self.toks, cue.tokens.end, sent_end) else {
            return;
        };
        let start = cue.tokens.start;
        // "According to X, ...", "But according to X, ...", "Yet, according to X, ...".
        let mut opener = range.start;
        if COORDINATORS.contains(self.lower(opener)) || self.lower(opener) == "yet" {
            opener += 1;
            if self.is(opener, ",") {
                opener += 1;
            }
        }
        let at_start = start == range.start || start == opener;
        let appositive = if self.is(np.end, ",") {
            phrase::appositive_after(self.toks, np.end, sent_end)
                // Opening the sentence, an appositive is closed by a comma; what runs to the
                // end is the content ("According to Smith, the president will ..."). Nor does
                // an appositive hold a finite verb.
                .filter(|a| (!at_start || self.is(a.end, ",")) && !self.has_finite_verb(a.clone()))
        } else {
            None
        };
        let mut after_np = appositive.as_ref().map_or(np.end, |a| a.end);
        // "according to members who spoke with reporters, ...": the relative clause belongs
        // to the source.
        if matches!(self.lower(after_np), "who" | "whom" | "whose")
            && let Some(comma) = (after_np..sent_end.min(after_np + 16)).find(|&k| self.is(k, ","))
        {
            after_np = comma;
        }
        let content = if at_start {
            let from = if self.is(after_np, ",") {
                after_np + 1
            } else {
                after_np
            };
            from..sent_end
        } else {
            let before = range.start..start.saturating_sub(usize::from(self.is(start - 1, ",")));
            let after_from = if self.is(after_np, ",") {
                after_np + 1
            } else {
                after_np
            };
            let after = after_from..sent_end;
            // "Since last November, according to X, forces have killed ...": a phrase before
            // and the clause after are one content around the cue.
            if self.word_count(&after) >= 3
                && !self.has_finite_verb(before.clone())
                && self.has_finite_verb(after.clone())
                && self.word_count(&before) >= 2
            {
                let who = Who::Phrase(Phrase { np, appositive });
                self.push_around(cue.tokens.clone(), who, before, after);
                return;
            }
            if self.word_count(&before) >= 3 || self.word_count(&after) < 3 {
                before
            } else {
                after
            }
        };
        if self.word_count(&content) < 2 {
            return;
        }
        // "He said ..., according to Reuters": the agency only carries the words. So does
        // any source cited after a quotation and its cue ("\"...,\" Welch said, according
        // to Vermont Edition").
        let cued = content
            .clone()
            .any(|k| self.toks[k].is_speech_verb() && !self.quotes.quoted(k));
        let quote_and_cue_before = start >= 2
            && self.is(start - 1, ",")
            && (start.saturating_sub(4)..start - 1).any(|k| {
                self.toks[k].is_speech_verb()
                    && !self.quotes.quoted(k)
                    && (k.saturating_sub(6)..k).any(|q| self.quotes.closed_at(q).is_some())
            });
        if cued && (self.is_media(&np) || quote_and_cue_before) {
            return;
        }
        let who = Who::Phrase(Phrase { np, appositive });
        self.push_content(cue.tokens.clone(), who, content, 0.8);
    }

    /// Whether a phrase names a news medium or a report, which carries words rather than
    /// saying them ("according to Reuters", "according to a newspaper report").
    fn is_media(&self, np: &Range<usize>) -> bool {
        self.toks.get(np.clone()).is_some_and(|ts| {
            ts.iter().any(|t| {
                let w = t.lower.as_str();
                (AUDIENCES.contains(w) && !matches!(w, "him" | "her" | "them" | "us" | "me"))
                    || matches!(
                        w,
                        "report" | "reports" | "media" | "times" | "post" | "journal" | "news"
                    )
            })
        })
    }

    /// The number of words in `range`, counted up to 8 (enough for every test made of it).
    fn word_count(&self, range: &Range<usize>) -> usize {
        self.toks.get(range.clone()).map_or(0, |ts| {
            ts.iter()
                .filter(|t| t.is_word() || t.is_number())
                .take(8)
                .count()
        })
    }

    /// Adds a statement whose content is the token range `content`: direct when it is exactly
    /// a quote, mixed when it holds one.
    fn push_content(
        &mut self,
        cue: Range<usize>,
        who: Who,
        content: Range<usize>,
        confidence: f32,
    ) {
        let mut content = content.start..content.end.min(self.toks.len());
        // Drop a leading "that" and punctuation around the content.
        while content.start < content.end
            && (self.lower(content.start) == "that"
                || (self.toks[content.start].is_punct()
                    && self.quotes.opened_at(content.start).is_none()))
        {
            content.start += 1;
        }
        if content.start >= content.end {
            return;
        }
        // Keep the content within MAX_CONTENT_BYTES (and the work on it linear).
        let limit = self.toks[content.start].bytes.start + MAX_CONTENT_BYTES;
        let mut clipped = content.start;
        while clipped < content.end && self.toks[clipped].bytes.end <= limit {
            clipped += 1;
        }
        content.end = clipped;
        while content.end > content.start
            && self.toks[content.end - 1].is_punct()
            && self.quotes.closed_at(content.end - 1).is_none()
        {
            content.end -= 1;
        }
        if content.start >= content.end {
            return;
        }
        // "called for more investment in a statement on Thursday": the reporter's adjunct
        // naming where it was said is not part of what was said.
        if let Some(cut) = self.medium_adjunct(content.start + 1, content.end) {
            content.end = cut;
        }
        // Exactly one quote (or a quotation over several paragraphs): direct.
        if let Some(part) = self.quotes.opened_at(content.start) {
            let p = &self.quotes.parts[part];
            let closes_at_end = p.close.is_some_and(|c| c + 1 >= content.end);
            if closes_at_end || p.close.is_none() {
                self.push_quote(cue, who, part, confidence + 0.1);
                return;
            }
        }
        let mut kind = StatementKind::Indirect;
        for i in content.clone() {
            if let Some(part) = self.quotes.opened_at(i) {
                kind = StatementKind::Mixed;
                self.consumed[part] = true;
            }
        }
        let bytes = self.toks[content.start].bytes.start..self.toks[content.end - 1].bytes.end;
        self.cands.push(Cand {
            cue,
            who,
            pieces: vec![clip(self.text, bytes)],
            kind,
            confidence,
        });
    }

    /// Adds a direct statement whose content is quote `part`; further parts of the same
    /// quotation become statements of the same speaker.
    fn push_quote(&mut self, cue: Range<usize>, who: Who, part: usize, confidence: f32) {
        // A one-word quote counts when the quotation goes on after the cue ("\"Judge,\" he
        // said, \"...\""); the check below drops it otherwise.
        let Some(bytes) = self.part_bytes_of_at_least(part, 1) else {
            return;
        };
        self.consumed[part] = true;
        let mut pieces = vec![bytes];
        // "A," he said, "b ...": a quote that goes on after a comma past the cue is the same
        // quote, whatever its first letter ("\"Judge,\" Brafman said, \"I have never ...\"").
        if let Some(close) = self.quotes.parts[part].close {
            let limit = (close + MAX_PER_SENTENCE).min(self.toks.len());
            let mut k = close + 1;
            while k < limit && !self.quotes.quoted(k) && !self.toks[k].paragraph_start {
                if self.toks[k].is_punct() && matches!(self.toks[k].text, "." | "!" | "?") {
                    break;
                }
                k += 1;
            }
            if let Some(next) = self.quotes.opened_at(k).filter(|_| k < limit)
                && k > close + 1
                && self.toks[k - 1].text == ","
                && !self.consumed[next]
                && !self.toks[k].paragraph_start
                && let Some(more) = self.part_bytes(next)
            {
                self.consumed[next] = true;
                pieces.push(more);
            }
        }
        if pieces.len() == 1 && self.part_bytes(part).is_none() {
            self.consumed[part] = false;
            return;
        }
        self.cands.push(Cand {
            cue,
            who,
            pieces,
            kind: StatementKind::Direct,
            confidence: confidence.min(0.95),
        });
    }

    /// The bytes of a quote part's words, `None` when it holds fewer than two words.
    fn part_bytes(&self, part: usize) -> Option<Range<usize>> {
        self.part_bytes_of_at_least(part, 2)
    }

    /// The bytes of a quote part's words, `None` when it holds fewer than `min_words`.
    fn part_bytes_of_at_least(&self, part: usize, min_words: usize) -> Option<Range<usize>> {
        let inner = self.quotes.parts.get(part)?.inner.clone();
        if self.word_count(&inner) < min_words.max(1) {
            return None;
        }
        let first = self.toks.get(inner.start)?;
        let last = self.toks.get(inner.end.checked_sub(1)?)?;
        Some(clip(self.text, first.bytes.start..last.bytes.end))
    }

    fn verb(&mut self, range: &Range<usize>, cue: &Cue, form: Option<VerbForm>, first_cand: usize) {
        let start = cue.tokens.start;
        let sent_end = self.sentence_end(range);
        // Skip auxiliaries and adverbs between the speaker and the cue.
        let mut k = start;
        let mut steps = 0;
        while k > range.start && steps < 4 {
            // A time between the subject and the cue: "Sanders on Tuesday said", "the
            // ministry last week announced".
            let time = self.time_before(range.start, k);
            if time > 0 {
                k -= time;
                steps += 1;
                continue;
            }
            let lower = self.lower(k - 1);
            let adverb = self.is_manner_adverb(k - 1);
            let progressive_aux = form.is_some_and(|f| f.participle && f.class == VerbClass::Say)
                && (lexicon::PROGRESSIVE_AUXILIARIES.contains(lower) || lower == "not");
            let skip = SKIPPABLE.contains(lower)
                || adverb
                || progressive_aux
                || (form.is_none_or(|f| f.participle) && BE.contains(lower));
            if !skip {
                break;
            }
            k -= 1;
            steps += 1;
        }
        let prev = k.checked_sub(1).filter(|&p| p >= range.start);
        let prev_tok = prev.map(|p| &self.toks[p]);
        let prev_lower = prev_tok.map_or("", |t| t.lower.as_str());
        // A share or a quantifier standing for people: "4 in 10 say", "42% say", "Some say".
        let quantity = form
            .filter(|f| !f.participle)
            .and_then(|_| self.quantity_subject_before(range.start, k, cue.tokens.end));
        if let Some(f) = form {
            // Nouns and infinitives: "the report", "to say", "of forecasts", "Japan's request".
            if quantity.is_none() && DETERMINERS.contains(prev_lower)
                || lexicon::NP_PREPOSITIONS.contains(prev_lower)
                || matches!(prev_lower, "to" | "not" | "never" | "n't" | "without")
                || prev_lower.ends_with("'s")
                || prev_lower.ends_with("’s")
            {
                return;
            }
            // Passives: "was said", unless a participle ("is saying").
            if !f.participle && BE.contains(prev_lower) {
                return;
            }
            // "Rust Belt states", "the battleground states", "his remarks": forms far more
            // often nouns are cues only before "that", a colon or a quotation, or closing the
            // sentence ("Prices will rise, the report notes.").
            let next = cue.tokens.end;
            if f.words.len() == 1
                && lexicon::MOSTLY_NOUNS.contains(self.lower(start))
                && !(self.lower(next) == "that"
                    || self.is(next, ":")
                    || self.quotes.opened_at(next).is_some()
                    || (self.is(next, ",") && self.quotes.opened_at(next + 1).is_some())
                    || next >= sent_end)
            {
                return;
            }
            // "the state of", "claims of": a noun.
            let past = f
                .words
                .first()
                .is_some_and(|w| w.ends_with('d') || *w == "told");
            if !past
                && !f.participle
                && self.lower(cue.tokens.end) == "of"
                && !lexicon::NEVER_NOUNS.contains(self.lower(start))
            {
                return;
            }
            // "tweets targeting ...", "reports were ...": a plural noun.
            // "says", "tells", "argues": third-person forms that are never plural nouns.
            let third = f.third && !lexicon::NEVER_NOUNS.contains(self.lower(start));
            let next = self.lower(cue.tokens.end);
            let preposition_ing = matches!(
                next,
                "during" | "including" | "regarding" | "concerning" | "following" | "according"
            );
            if third && self.plural_noun_reading(start) {
                return;
            }
            if third
                && (BE.contains(next)
                    || matches!(next, "have" | "had" | "show" | "showed")
                    || (next.len() > 4
                        && (next.ends_with("ed") || next.ends_with("ing"))
                        && !preposition_ing))
            {
                return;
            }
            // The base form of a speech act with nothing after it but a break is a noun ("the
            // telecommunications dispute, including ...", "domestic demand.").
            if f.base
                && f.class == VerbClass::Act
                && matches!(self.lower(cue.tokens.end), "," | "." | ";" | ")" | "")
            {
                return;
            }
            // A base form after a singular name with no auxiliary: not a finite verb
            // ("that Smith write", "the market welcome").
            if f.base
                && k == start
                && quantity.is_none()
                && prev_tok.is_some_and(|t| t.is_word() && !t.lower.ends_with('s'))
                && !PRONOUNS.contains(prev_lower)
                && !self.plural_subject_before(range.start, k)
            {
                return;
            }
            // A relative clause whose gap is in what was said: "a wall, which he said Mexico
            // should pay for", "the changes, which officials said will start in May". The
            // content is the relative pronoun and the rest of the clause.
            if matches!(f.class, VerbClass::Say | VerbClass::Name)
                && let Some((rel, np)) = self.relative_gap(range.start, k, cue.tokens.end)
            {
                let from = cue.tokens.end;
                let end = if f.class == VerbClass::Name {
                    self.naming_end(from, sent_end).unwrap_or(from)
                } else {
                    (from..sent_end)
                        .find(|&p| self.is_separator(p) || matches!(self.toks[p].text, ";" | ":"))
                        .unwrap_or(sent_end)
                };
                if self.word_count(&(from..end)) >= 2 {
                    let who = Who::Phrase(Phrase {
                        np,
                        appositive: None,
                    });
                    self.push_around(cue.tokens.clone(), who, rel..rel + 1, from..end);
                }
                return;
            }
            // Other cues in such a clause: "what they hope will ...".
            // Not after a preposition: "To which she said, \"...\"".
            let after_preposition = k >= range.start + 3 && self.is_preposition(k - 3);
            if k >= range.start + 2
                && PRONOUNS.contains(prev_lower)
                && matches!(self.lower(k - 2), "what" | "which" | "whom")
                && !after_preposition
            {
                return;
            }
        }
        // "X is saying", "X isn't saying", "X keeps saying": a verb of saying in a finite verb
        // phrase whose subject is the speaker, not a participle clause.
        let progressive = form.is_some_and(|f| f.class == VerbClass::Say)
            && prev_tok.is_some_and(Tok::is_word)
            && (k..start).any(|p| {
                let w = self.lower(p);
                BE.contains(w) || lexicon::PROGRESSIVE_AUXILIARIES.contains(w)
            });
        let participle = form.is_some_and(|f| f.participle) && !progressive;
        let prev_is_comma = prev_tok.is_some_and(|t| t.text == "," || t.text == ";");
        let prev_closes = prev.is_some_and(|p| self.quotes.closed_at(p).is_some());
        let prev_coord = COORDINATORS.contains(prev_lower) || prev_lower == "while";

        // "with 47 percent of voters saying ...": the phrase is the speaker, and the absolute
        // clause ends at its comma.
        if participle && let Some(np) = self.with_absolute_subject(range.start, k, cue.tokens.end) {
            let from = self.content_start(cue.tokens.end, sent_end, form);
            if !self.complement_ok(from, sent_end, form) {
                return;
            }
            let end = (from..sent_end)
                .find(|&p| self.is(p, ",") && !self.quotes.quoted(p))
                .unwrap_or(sent_end);
            let who = Who::Phrase(Phrase {
                np,
                appositive: None,
            });
            self.push_content(cue.tokens.clone(), who, from..end, 0.7);
            return;
        }
        // A participle or a coordinated cue: the speaker of the clause before.
        if participle || prev_coord {
            // ", adding", or a quote closing after its comma: ",'' adding".
            let comma_closes =
                prev_closes && prev.is_some_and(|p| p > range.start && self.is(p - 1, ","));
            // "..., by saying", "after saying": a verb of saying as a gerund after a preposition
            // of manner or time.
            let gerund = participle
                && form.is_some_and(|f| f.class == VerbClass::Say)
                && matches!(prev_lower, "by" | "after" | "upon" | "while");
            if !(prev_is_comma || prev_coord || comma_closes || gerund) {
                return;
            }
            let who = match self.cands.len().checked_sub(1).filter(|&n| n >= first_cand) {
                Some(n) => Who::Same(n),
                None => match self.subject(range.clone(), start) {
                    Some(np) => Who::Phrase(Phrase {
                        np,
                        appositive: None,
                    }),
                    None => return,
                },
            };
            let from = self.content_start(cue.tokens.end, sent_end, form);
            if !self.complement_ok(from, sent_end, form) {
                return;
            }
            let end = self.complement_end(range.start, from, sent_end, form);
            self.push_content(cue.tokens.clone(), who, from..end, 0.7);
            return;
        }

        // A phrase to the left: "X said", "X, Y's chairman, said".
        let mut left = self
            .np_before(range.start, k)
            .map(|np| self.unclosed_appositive(range.start, np))
            .or_else(|| {
                quantity.clone().map(|np| Phrase {
                    np,
                    appositive: None,
                })
            });
        // "Sen. Ana Ruiz (D-Ore.), said": a bracket, then a comma.
        if left.is_none()
            && prev_is_comma
            && let Some(comma) = prev
            && comma > range.start
            && self.is(comma - 1, ")")
            && self.party_bracket_before(comma - 1)
        {
            left = self.np_before(range.start, comma).map(|np| Phrase {
                np,
                appositive: None,
            });
        }
        if left.is_none()
            && prev_is_comma
            && let Some(comma) = prev
        {
            left = self
                .appositive_before(range.start, comma)
                .or_else(|| self.name_after_role_before(range.start, comma))
                .or_else(|| self.loose_appositive_before(range.start, comma));
        }
        // "X, including Y, said", "X, citing \"...,\" said": an aside after the subject,
        // which may end in a quote closing on its comma.
        // The comma of a quote that closes right before the cue.
        let quote_comma = prev
            .filter(|&p| prev_closes && p > range.start && self.is(p - 1, ","))
            .map(|p| p - 1);
        if left.is_none()
            && let Some(comma) = prev.filter(|_| prev_is_comma).or(quote_comma)
        {
            left = self.aside_before(range.start, comma);
        }
        // "X, who ..., said" / "X -- who ... -- told", also when the clause ends in a quote
        // closing on its comma ("X, who calls Y a \"sociopath,\" said").
        let sep = prev.filter(|&p| self.is_separator(p)).or(quote_comma);
        if left.is_none()
            && let Some(sep) = sep
        {
            left = self
                .relative_before(range.start, sep)
                .or_else(|| self.dashed_aside_before(range.start, sep));
        }
        // "X, who said ...": the relative pronoun stands for X.
        // "Supporters who have heard from the campaign said": the subject before a
        // restrictive relative clause, not the last phrase of that clause.
        if let Some(np) = self.restrictive_relative_subject(range.start, k) {
            left = Some(Phrase {
                np,
                appositive: None,
            });
        }
        let relative = left.is_none() && self.relative_pronoun(range.start, k);
        if relative {
            left = Some(Phrase {
                np: k - 1..k,
                appositive: None,
            });
        }
        // The speaker's clause starts at its phrase, or at a description set off before it
        // ("..., the director, Ana Ruiz, said").
        let boundary = left
            .as_ref()
            .map_or(k, |p| {
                p.appositive
                    .as_ref()
                    .map_or(p.np.start, |a| a.start.min(p.np.start))
            })
            .checked_sub(1)
            .filter(|&b| b >= range.start);
        if let Some(phrase) = left {
            let after_cue = self.after_listener(cue.tokens.end, sent_end, form);
            let quote_before = boundary.is_some_and(|b| {
                self.quotes.closed_at(b).is_some()
                    || (b > range.start && self.quotes.closed_at(b - 1).is_some())
            });
            // "X said, \"...\"" / "Asked about it, X said: \"...\"": the quote after the cue.
            if !relative
                && !quote_before
                && matches!(self.toks.get(after_cue).map(|t| t.text), Some("," | ":"))
                && let Some(part) = self.quotes.opened_at(after_cue + 1)
                && !self.consumed[part]
            {
                self.push_quote(cue.tokens.clone(), Who::Phrase(phrase), part, 0.85);
                return;
            }
            // "A, X said, B": the content is both sides of the cue; also "A, as X said, B".
            let around_boundary = boundary.map(|b| {
                if self.lower(b) == "as" && b > range.start + 1 && self.is(b - 1, ",") {
                    b - 1
                } else {
                    b
                }
            });
            if !relative
                && let Some(b) = around_boundary
                && self.is(b, ",")
                && self.quotes.closed_at(b).is_none()
                && !(b > range.start && self.quotes.closed_at(b - 1).is_some())
                && let Some(rest) = self.parenthetical_rest(after_cue, sent_end)
            {
                self.push_around(
                    cue.tokens.clone(),
                    Who::Phrase(phrase),
                    range.start..b,
                    rest,
                );
                return;
            }
            // "..., X said." / "\"...,\" X said."
            if !relative
                && let Some(b) = boundary
                && self.no_content_after(after_cue, sent_end, form)
                && let Some(content) = self.content_before(range, b)
            {
                self.push_before(cue.tokens.clone(), Who::Phrase(phrase), content, b);
                return;
            }
            // "\"...?\" X asked.": the quote closed the sentence before.
            if !relative
                && boundary.is_none()
                && self.no_content_after(after_cue, sent_end, form)
                && let Some(part) = self.quote_closing_before(range.start)
            {
                self.push_quote(cue.tokens.clone(), Who::Phrase(phrase), part, 0.8);
                return;
            }
            if boundary.is_some_and(|b| self.quotes.closed_at(b).is_some()) {
                // "\"...\" X said the ..." is rare; treat what follows as the content.
            }
            let from = self.content_start(cue.tokens.end, sent_end, form);
            // "X said:" closing its sentence, the quote opening the next one; also after a
            // listener or an adjunct ("told his audience, to rowdy applause:").
            let colon_closes = range.end > from
                && self.is(range.end - 1, ":")
                && !(from..sent_end).any(|k| self.finite_verb_at(k) || self.quotes.quoted(k));
            if (from >= sent_end || colon_closes)
                && let Some(part) = self.quotes.opened_at(range.end)
            {
                self.push_quote(cue.tokens.clone(), Who::Phrase(phrase), part, 0.75);
                return;
            }
            // "X, who has pledged to cut taxes, ...": a commitment to act told of in a relative
            // clause is background about X, not something X is reported to say here.
            if relative
                && form.is_some_and(|f| f.class == VerbClass::Act)
                && self.lower(from) == "to"
            {
                return;
            }
            if !self.complement_ok(from, sent_end, form) {
                return;
            }
            let mut end = self.complement_end(range.start, from, sent_end, form);
            if relative {
                // The relative clause ends at its closing comma or dash.
                end = (from..end).find(|&p| self.is_separator(p)).unwrap_or(end);
            }
            self.push_content(cue.tokens.clone(), Who::Phrase(phrase), from..end, 0.8);
            return;
        }

        // "\"...?\" asked X.": the quote closed the sentence before.
        if prev.is_none()
            && let Some(part) = self.quote_closing_before(range.start)
            && let Some(np) = phrase::right_np(self.toks, cue.tokens.end, sent_end)
            && self.no_content_after(np.end, sent_end, form)
        {
            let who = Who::Phrase(Phrase {
                np,
                appositive: None,
            });
            self.push_quote(cue.tokens.clone(), who, part, 0.8);
            return;
        }
        // "..., said X." / "\"...,\" said X.", but not "X, ..., announced Tuesday the ...".
        if (prev_is_comma || prev_closes)
            && !self.starts_adjunct(cue.tokens.end)
            && let Some(np) = phrase::right_np(self.toks, cue.tokens.end, sent_end)
        {
            let np_end = self.past_parenthetical(np.end, range.end);
            let appositive = if self.is(np_end, ",") {
                phrase::appositive_after(self.toks, np_end, sent_end)
            } else {
                None
            };
            let after = appositive.as_ref().map_or(np_end, |a| a.end);
            // What follows the speaker may also modify it: "says a source involved in the
            // talks", as long as it holds no clause of its own.
            let modifier = form.is_some_and(|f| f.class == VerbClass::Say)
                && self.toks.get(after).is_some_and(|t| {
                    let w = t.lower.as_str();
                    t.text.starts_with(|c: char| c.is_lowercase())
                        && (w.ends_with("ed")
                            || w.ends_with("ing")
                            || w == "familiar"
                            || w == "close")
                })
                && !self.has_finite_verb(after + 1..sent_end);
            // Or a relative clause about the speaker: "said one source who spoke on the
            // condition of anonymity".
            let relative_about_speaker =
                prev_closes && matches!(self.lower(after), "who" | "whose");
            if !modifier && !relative_about_speaker && !self.no_content_after(after, sent_end, form)
            {
                return;
            }
            let Some(b) = prev else {
                return;
            };
            if let Some(content) = self.content_before(range, b) {
                let who = Who::Phrase(Phrase { np, appositive });
                self.push_before(cue.tokens.clone(), who, content, b);
            }
        }
    }

    /// Whether token `k` is "that" opening a clause, not a relative pronoun that is the
    /// subject of its own verb ("the meeting that was held on a boat").
    fn complementizer_at(&self, k: usize) -> bool {
        if self.lower(k) != "that" {
            return false;
        }
        let next = self.lower(k + 1);
        let after_noun = k > 0
            && self.toks[k - 1].is_word()
            && !self.toks[k - 1].is_speech_verb()
            && self.toks[k - 1]
                .text
                .starts_with(|c: char| c.is_lowercase())
            && !matches!(self.lower(k - 1), "so" | "now" | "and" | "but" | "such");
        !(after_noun && (BE.contains(next) || lexicon::AUXILIARIES.contains(next)))
    }

    /// Whether token `at` opens the sentence starting at `floor`, perhaps after a
    /// conjunction ("But Ana Ruiz, ...").
    fn opens_sentence(&self, at: usize, floor: usize) -> bool {
        at == floor
            || (at == floor + 1
                && (COORDINATORS.contains(self.lower(floor))
                    || matches!(self.lower(floor), "yet" | "so" | "still")))
    }

    /// Whether the bracket closing at token `close` holds a party and state, as US news
    /// writes them after a legislator's name: "(D-Ore.)", "(R-Texas)", "(I-Vt.)".
    fn party_bracket_before(&self, close: usize) -> bool {
        let open = (close.saturating_sub(6)..close)
            .rev()
            .find(|&p| self.is(p, "("));
        open.is_some_and(|open| {
            let inner: String = (open + 1..close).map(|p| self.toks[p].text).collect();
            inner.len() <= 12
                && inner.split_once('-').is_some_and(|(party, state)| {
                    matches!(party, "D" | "R" | "I") && state.starts_with(char::is_uppercase)
                })
        })
    }

    /// Past a short parenthetical opening at token `at` ("said Rep. Ana Ruiz (D-Ore.), ...",
    /// "said Lopez (pictured)"), outside quotes; otherwise `at`. `end` is the end of the
    /// sentence with its closing punctuation, which may hold the closing bracket.
    fn past_parenthetical(&self, at: usize, end: usize) -> usize {
        if !self.is(at, "(") || self.quotes.quoted(at) {
            return at;
        }
        (at + 1..end.min(at + 8))
            .find(|&k| self.is(k, ")"))
            .map_or(at, |k| k + 1)
    }

    /// The subject before an aside that ends at `comma` and opens with "including", "like",
    /// "such as" or a participle ("Several candidates, including Trump, said", "Mr. Ruiz,
    /// citing \"the rules,\" said"). The subject is a name, or a phrase with a determiner
    /// or a quantifier ("several candidates").
    fn aside_before(&self, floor: usize, comma: usize) -> Option<Phrase> {
        let limit = comma.saturating_sub(24).max(floor);
        let open = (limit..comma)
            .rev()
            .find(|&c| self.is(c, ",") && !self.quotes.quoted(c))?;
        let opener = open + 1;
        let aside = matches!(self.lower(opener), "including" | "like" | "such")
            || self.is_trailing_participle(opener);
        if !aside
            || (opener + 1..comma).any(|p| self.toks[p].is_speech_verb() && !self.quotes.quoted(p))
        {
            return None;
        }
        let np = self.np_before(floor, open)?;
        let opens_clause = self.opens_sentence(np.start, floor) || self.is(np.start - 1, ",");
        let head = &self.toks[np.end - 1];
        let first = self.lower(np.start);
        let described = phrase::is_name_word(head)
            || DETERMINERS.contains(first)
            || lexicon::QUANTIFIERS.contains(first)
            || self.plural_head_at(np.end - 1);
        (opens_clause && described && !PRONOUNS.contains(head.lower.as_str())).then_some(Phrase {
            np,
            appositive: None,
        })
    }

    /// The relative pronoun and the subject of a cue that stands inside a relative clause
    /// ending before token `end`: "which he said", "what many analysts said", "who officials
    /// say" (the pronoun is the object of the cue's complement, not its subject).
    fn relative_gap(
        &self,
        floor: usize,
        end: usize,
        after: usize,
    ) -> Option<(usize, Range<usize>)> {
        let np = phrase::left_np(self.toks, floor, end)?;
        let rel = np.start.checked_sub(1).filter(|&r| r >= floor)?;
        // "information that officials said would ...": "that" after a noun, and the clause
        // after the cue lacks its subject (a verb comes first).
        let that_relative = self.lower(rel) == "that"
            && rel > floor
            && self.toks[rel - 1].is_word()
            && self.toks[rel - 1]
                .text
                .starts_with(|c: char| c.is_lowercase())
            && !self.toks[rel - 1].is_speech_verb()
            && !DETERMINERS.contains(self.lower(rel - 1))
            && !matches!(
                self.lower(rel - 1),
                "so" | "such" | "now" | "given" | "and" | "but"
            )
            && (BE.contains(self.lower(after)) || lexicon::AUXILIARIES.contains(self.lower(after)));
        // "to which she said, ...": the pronoun is a preposition's object, not a gap.
        let after_preposition = rel > floor && self.is_preposition(rel - 1);
        let relative = (that_relative
            || self.lower(rel) == "what"
            || (matches!(self.lower(rel), "which" | "whom" | "who") && !after_preposition))
            && !self.quotes.quoted(rel)
            && np.len() <= 6;
        relative.then_some((rel, np))
    }

    /// A share or a quantifier that is the whole subject of the cue at `end`: "4 in 10",
    /// "one out of five", "42%", or a lone "some", "many", "most" opening its clause and
    /// followed by the start of a clause ("Some say the plan ...", not "some state officials").
    fn quantity_subject_before(
        &self,
        floor: usize,
        end: usize,
        after: usize,
    ) -> Option<Range<usize>> {
        let last = end.checked_sub(1).filter(|&l| l >= floor)?;
        let numeric =
            |k: usize| self.toks[k].is_number() || lexicon::NUMBER_WORDS.contains(self.lower(k));
        let mut start = if self.is(last, "%") && last > floor && self.toks[last - 1].is_number() {
            last - 1
        } else if numeric(last)
            && last >= floor + 2
            && self.lower(last - 1) == "in"
            && numeric(last - 2)
        {
            last - 2
        } else if numeric(last)
            && last >= floor + 3
            && self.lower(last - 1) == "of"
            && self.lower(last - 2) == "out"
            && numeric(last - 3)
        {
            last - 3
        } else if matches!(
            self.lower(last),
            "some" | "many" | "most" | "several" | "few"
        ) && (last == floor
            || matches!(self.lower(last - 1), "," | ";" | "and" | "but" | "yet"))
        {
            // "Many said Monday that ...": past a time adjunct.
            let after = after + usize::from(lexicon::TIME_NOUNS.contains(self.lower(after)));
            let next = self.toks.get(after)?;
            let clause = next.lower == "that"
                || DETERMINERS.contains(next.lower.as_str())
                || (PRONOUNS.contains(next.lower.as_str()) && next.lower != "who")
                || self.quotes.opened_at(after).is_some();
            return clause.then_some(last..end);
        } else {
            return None;
        };
        // "about 4 in 10", "nearly 42%".
        if start > floor && lexicon::APPROXIMATORS.contains(self.lower(start - 1)) {
            start -= 1;
        }
        Some(start..end)
    }

    /// Whether the phrase ending before token `end` has a plural head, so a base form after
    /// it is finite: "Proponents of the new bill say", "Cologne police say", "61 percent
    /// say", "about two-thirds say".
    fn plural_subject_before(&self, floor: usize, end: usize) -> bool {
        let Some(last) = end.checked_sub(1).filter(|&l| l >= floor) else {
            return false;
        };
        let last_word = self.lower(last);
        if lexicon::PLURAL_HEADS.contains(last_word) {
            return true;
        }
        // Coordinated subjects: "Mr. Ruiz and Ms. Lind say".
        if phrase::left_np(self.toks, floor, end).is_some_and(|np| {
            np.clone()
                .any(|k| self.lower(k) == "and" || self.is(k, "&"))
        }) {
            return true;
        }
        // "Those surveyed", "many of the delegates": a plural determiner opens the phrase.
        let start = end.saturating_sub(5).max(floor);
        if (start..end)
            .rev()
            .take_while(|&k| self.toks[k].is_word())
            .any(|k| {
                matches!(
                    self.lower(k),
                    "those" | "these" | "many" | "several" | "both" | "few"
                )
            })
        {
            return true;
        }
        // "Proponents of the new bill": the head comes before the preposition.
        let limit = end.saturating_sub(8).max(floor);
        let mut p = last;
        while p > limit && self.toks[p].is_word() {
            p -= 1;
            if (lexicon::NP_PREPOSITIONS.contains(self.lower(p)) || self.lower(p) == "to")
                && p > floor
            {
                if self.plural_head_at(p - 1) {
                    return true;
                }
                break;
            }
        }
        // "Supporters who have heard from the campaign": the head comes before "who".
        self.restrictive_relative_subject(floor, end)
            .is_some_and(|np| self.plural_head_at(np.end - 1))
    }

    /// Whether token `k` is a plural noun: "-s" but not "-ss", or a plural head word.
    fn plural_head_at(&self, k: usize) -> bool {
        let head = &self.toks[k];
        head.is_word()
            && (head.lower.ends_with('s') && !head.lower.ends_with("ss")
                || lexicon::PLURAL_HEADS.contains(head.lower.as_str()))
    }

    /// The subject of a clause whose verb ends before `end`, when a relative clause with a
    /// verb of its own and no comma stands between them: "Supporters who have heard from
    /// the campaign (say)", "Officials whose laws were struck down (said)". The subject
    /// opens the clause.
    fn restrictive_relative_subject(&self, floor: usize, end: usize) -> Option<Range<usize>> {
        let limit = end.saturating_sub(14).max(floor + 1);
        let who = (limit..end)
            .rev()
            .find(|&p| matches!(self.lower(p), "who" | "whose"))?;
        if (who..end).any(|p| {
            matches!(
                self.toks[p].text,
                "," | ";" | ":" | "(" | ")" | "--" | "—" | "–"
            ) || self.quotes.quoted(p)
                || self.toks[p].is_speech_verb()
        }) || !self.has_finite_verb(who + 1..end)
        {
            return None;
        }
        let np = phrase::left_np(self.toks, floor, who)?;
        let opens = np.start == floor
            || matches!(self.lower(np.start - 1), "," | "and" | "but" | "yet" | "so");
        let head = &self.toks[np.end - 1];
        let person_like = phrase::is_name_word(head)
            || self.plural_head_at(np.end - 1)
            || lexicon::ROLE_WORDS.contains(head.lower.as_str());
        (opens && person_like && !PRONOUNS.contains(head.lower.as_str())).then_some(np)
    }

    /// Whether token `i` opens a time or place adjunct ("on Monday", "Tuesday", "here").
    fn starts_adjunct(&self, i: usize) -> bool {
        self.toks
            .get(i)
            .is_some_and(|t| ADJUNCT_STARTS.contains(t.lower.as_str()))
    }

    /// Whether a third-person form at token `cue` reads as a plural noun after a number, a
    /// quantifier or an adjective ("eight states", "similar comments", "long-term forecasts"),
    /// or before a break after a bare noun ("fundraising reports, ...").
    fn plural_noun_reading(&self, cue: usize) -> bool {
        let Some(p) = cue.checked_sub(1).and_then(|p| self.toks.get(p)) else {
            return false;
        };
        if p.is_number() {
            return true;
        }
        let lower = p.lower.as_str();
        // "the most important US states": a capitalized modifier after an adjective.
        let modifier_after_adjective = phrase::is_name_word(p)
            && cue >= 2
            && self.toks[cue - 2]
                .text
                .starts_with(|c: char| c.is_lowercase())
            && ["ant", "ent", "al", "ous", "ive", "ic", "ful", "est"]
                .iter()
                .any(|suffix| {
                    self.lower(cue - 2).len() > 5 && self.lower(cue - 2).ends_with(suffix)
                });
        if modifier_after_adjective {
            return true;
        }
        let open_word = p.is_word()
            && p.text.starts_with(|c: char| c.is_lowercase())
            && !PRONOUNS.contains(lower)
            && !SKIPPABLE.contains(lower)
            && !lexicon::ROLE_WORDS.contains(lower);
        if !open_word {
            return false;
        }
        if lexicon::QUANTIFIERS.contains(lower) {
            return true;
        }
        let determined = cue >= 2 && DETERMINERS.contains(self.lower(cue - 2));
        let adjective = lower.contains('-')
            || [
                "al", "ar", "ous", "ive", "ic", "ful", "ing", "ed", "able", "ible", "ary", "less",
                "ish", "ern", "ian",
            ]
            .iter()
            .any(|suffix| lower.len() > suffix.len() + 2 && lower.ends_with(suffix));
        let next = self.lower(cue + 1);
        let bare = matches!(next, "," | "." | ";" | "and" | "or" | ")" | "");
        // Forms read far more often as nouns ("battleground states", "his comments"): after
        // an undetermined common noun, a noun compound.
        let mostly_noun = lexicon::MOSTLY_NOUNS.contains(self.lower(cue));
        !determined && (adjective || bare || mostly_noun)
    }

    /// Whether token `i` is a comma or a dash that can close a relative clause or an appositive.
    fn is_separator(&self, i: usize) -> bool {
        self.toks
            .get(i)
            .is_some_and(|t| matches!(t.text, "," | "--" | "—" | "–") && !self.quotes.quoted(i))
    }

    /// A subject followed by a relative clause that ends at `sep`: "Ortiz, who runs the port,
    /// said". Looks back a bounded number of tokens for ", who".
    ///
    /// The clause may follow an age ("Ruiz, 24, who ...") or a description set off after the
    /// name ("Ruiz, a farmer who ..."), which then describes the speaker.
    fn relative_before(&self, floor: usize, sep: usize) -> Option<Phrase> {
        let limit = sep.saturating_sub(32).max(floor);
        (limit + 1..sep)
            .rev()
            .filter(|&w| matches!(self.lower(w), "who" | "whose" | "which"))
            .find_map(|who| self.relative_subject(floor, who, sep))
    }

    /// The subject of a relative clause opening at token `who` and closing at `sep`.
    fn relative_subject(&self, floor: usize, who: usize, sep: usize) -> Option<Phrase> {
        // The clause must not hold a statement boundary of its own.
        if (who..sep).any(|p| matches!(self.toks[p].text, ";" | ":" | "(" | ")")) {
            return None;
        }
        let (mut open, appositive) = if self.is_separator(who - 1) {
            (who - 1, None)
        } else {
            // "Ruiz, a farmer who grew up here, said": the description before "who".
            let desc = phrase::left_np(self.toks, floor, who)?;
            let open = desc.start.checked_sub(1).filter(|&c| c > floor)?;
            if !self.is(open, ",") || PRONOUNS.contains(self.lower(desc.start)) {
                return None;
            }
            (open, Some(desc.start..sep))
        };
        // "Ruiz, 24, who ...": an age between the name and the clause.
        if open >= floor + 3 && self.toks[open - 1].is_number() && self.is(open - 2, ",") {
            open -= 2;
        }
        let np = self.np_before(floor, open)?;
        let head = &self.toks[np.end - 1];
        let named = head.text.chars().next().is_some_and(char::is_uppercase)
            || (appositive.is_none() && lexicon::ROLE_WORDS.contains(head.lower.as_str()));
        (named && !PRONOUNS.contains(head.lower.as_str())).then_some(Phrase { np, appositive })
    }

    /// A subject with an aside set off by dashes before the cue: "Democrats -- and some
    /// Republicans -- say", "Ana Ruiz -- a teacher from the valley -- says". The aside holds
    /// no cue and no quote; it describes the speaker.
    fn dashed_aside_before(&self, floor: usize, close: usize) -> Option<Phrase> {
        let is_dash = |p: usize| matches!(self.toks[p].text, "--" | "—" | "–");
        if !is_dash(close) {
            return None;
        }
        let limit = close.saturating_sub(24).max(floor);
        let open = (limit..close).rev().find(|&p| is_dash(p))?;
        let aside = open + 1..close;
        if aside.is_empty()
            || aside.clone().any(|p| {
                let t = &self.toks[p];
                t.is_speech_verb() || self.quotes.quoted(p) || matches!(t.text, ";" | ":")
            })
        {
            return None;
        }
        let np = self.np_before(floor, open)?;
        (!PRONOUNS.contains(self.lower(np.start)) || np.len() > 1).then_some(Phrase {
            np,
            appositive: Some(aside),
        })
    }

    /// Whether the cue at token `cue` follows "who": a relative clause whose speaker is the
    /// phrase before it ("Ortiz, who said ...", "farmers who say ...").
    fn relative_pronoun(&self, floor: usize, cue: usize) -> bool {
        if cue < floor + 2 || self.lower(cue - 1) != "who" {
            return false;
        }
        if self.is_separator(cue - 2) {
            return cue >= floor + 3 && self.np_before(floor, cue - 2).is_some();
        }
        phrase::left_np(self.toks, floor, cue - 1).is_some()
    }

    /// The noun phrase that ends before token `end`, past a parenthesis that closes there
    /// ("Sen. Ana Ruiz (D-Ore.) said").
    fn np_before(&self, floor: usize, end: usize) -> Option<Range<usize>> {
        if let Some(np) = phrase::left_np(self.toks, floor, end) {
            // "a senior Communist Party of China (CPC) official".
            if np.start > floor + 1 && self.is(np.start - 1, ")") {
                let limit = np.start.saturating_sub(10).max(floor);
                if let Some(open) = (limit..np.start - 1).rev().find(|&p| self.is(p, "("))
                    && let Some(before) = phrase::left_np(self.toks, floor, open)
                {
                    return Some(before.start..np.end);
                }
            }
            return Some(np);
        }
        if end == 0 || !self.is(end - 1, ")") {
            return None;
        }
        let limit = end.saturating_sub(10).max(floor);
        let open = (limit..end - 1).rev().find(|&p| self.is(p, "("))?;
        phrase::left_np(self.toks, floor, open)
    }

    /// "Ana Ruiz, a farm leader said": an appositive whose closing comma is missing describes
    /// the name before it.
    fn unclosed_appositive(&self, floor: usize, np: Range<usize>) -> Phrase {
        let indefinite = matches!(self.lower(np.start), "a" | "an");
        let name = np
            .start
            .checked_sub(1)
            .filter(|&c| indefinite && c > floor && self.is(c, ","))
            .and_then(|c| self.np_before(floor, c))
            .filter(|n| {
                let head = &self.toks[n.end - 1];
                n.len() >= 2
                    && phrase::is_name_word(&self.toks[n.end - 2])
                    && phrase::is_name_word(head)
                    && !PRONOUNS.contains(head.lower.as_str())
            });
        match name {
            Some(name) => Phrase {
                np: name,
                appositive: Some(np),
            },
            None => Phrase {
                np,
                appositive: None,
            },
        }
    }

    /// A named subject with an appositive of any kind before the cue: "Ana Ruiz, 52, a farmer
    /// from the valley, said". The name must open its clause.
    fn loose_appositive_before(&self, floor: usize, comma: usize) -> Option<Phrase> {
        let limit = comma.saturating_sub(24).max(floor);
        let mut open = comma;
        for _ in 0..3 {
            open = (limit..open).rev().find(|&c| self.is(c, ","))?;
            let inner = open + 1..comma;
            if inner.clone().any(|p| {
                let t = &self.toks[p];
                t.is_speech_verb()
                    || self.quotes.quoted(p)
                    || matches!(t.text, ";" | ":" | "\"" | "“" | "”")
            }) || matches!(self.lower(open + 1), "who" | "which" | "that" | "whose")
            {
                return None;
            }
            let Some(np) = self.np_before(floor, open) else {
                continue;
            };
            // "Steve Norwitz, a spokesman for T. Rowe Price, a Baltimore firm, said": a
            // description of the name before it is part of the appositive.
            if lexicon::ARTICLES.contains(self.lower(np.start))
                && np.start > floor + 1
                && self.is(np.start - 1, ",")
                && phrase::left_np(self.toks, floor, np.start - 1)
                    .is_some_and(|name| self.is_plain_name(&name))
            {
                continue;
            }
            let head = &self.toks[np.end - 1];
            let named = phrase::is_name_word(head)
                && !PRONOUNS.contains(head.lower.as_str())
                && !lexicon::STOP.contains(head.lower.as_str());
            // After a comma, or after a quote closing on its comma ("\"...,\" Ana Ruiz,
            // R-Ore., said").
            let opens_clause = self.opens_sentence(np.start, floor)
                || self.is(np.start - 1, ",")
                || (np.start >= 2
                    && self.quotes.closed_at(np.start - 1).is_some()
                    && self.is(np.start - 2, ","));
            if named && opens_clause {
                return Some(Phrase {
                    np,
                    appositive: Some(inner),
                });
            }
        }
        None
    }

    /// A name set off after the role it holds, ending at the comma before a cue: "Trump's
    /// attorney, Alan Garten, said", "the company's spokeswoman, Ana Ruiz, said". The name is
    /// the speaker and the role phrase its description.
    fn name_after_role_before(&self, floor: usize, comma: usize) -> Option<Phrase> {
        let limit = comma.saturating_sub(6).max(floor);
        let open = (limit..comma).rev().find(|&c| self.is(c, ","))?;
        let name = open + 1..comma;
        let all_names = !name.is_empty()
            && name.clone().all(|p| {
                let t = &self.toks[p];
                (phrase::is_name_word(t) || t.is_abbreviation())
                    && !PRONOUNS.contains(t.lower.as_str())
                    && !lexicon::STOP.contains(t.lower.as_str())
            });
        if !all_names {
            return None;
        }
        let role = self.np_before(floor, open)?;
        let head = &self.toks[role.end - 1];
        // A role word ("spokeswoman"), or any common noun describing the person ("Her main
        // rival, Ana Ruiz,", "One hopeful, Ana Ruiz,").
        let describes = lexicon::ROLE_WORDS.contains(head.lower.as_str())
            // "A member of the Federal Reserve Board, Robert Heller,".
            || (self.describes_a_person(&role) && !self.is_acronym(&name))
            || (head.is_word()
                && head.text.starts_with(|c: char| c.is_lowercase())
                && !PRONOUNS.contains(head.lower.as_str()));
        // The role opens the clause, after a comma or after the quote the cue closes
        // ("\"...,\" the spokesman, Ana Ruiz, said").
        let opens_clause = self.opens_sentence(role.start, floor)
            || self.is(role.start - 1, ",")
            || self.quotes.closed_at(role.start - 1).is_some();
        (describes && opens_clause).then_some(Phrase {
            np: name,
            appositive: Some(role),
        })
    }

    /// The quote part that closes right before token `start` (the sentence before ended
    /// inside it), in the same paragraph and not yet taken.
    fn quote_closing_before(&self, start: usize) -> Option<usize> {
        let last = start.checked_sub(1)?;
        if self.toks.get(start).is_none_or(|t| t.paragraph_start) {
            return None;
        }
        let part = self.quotes.closed_at(last)?;
        (!self.consumed[part]).then_some(part)
    }

    /// After a cue that closes a parenthetical ("A, X said, B"): the tokens of B, when a
    /// comma follows the cue (past short adjuncts) and a clause of its own follows the comma.
    fn parenthetical_rest(&self, from: usize, end: usize) -> Option<Range<usize>> {
        let limit = (from + 6).min(end);
        let comma = (from..limit).find(|&p| self.is(p, ","))?;
        if comma > from && !ADJUNCT_STARTS.contains(self.lower(from)) {
            return None;
        }
        if (from..comma).any(|p| self.lower(p) == "that" || self.quotes.quoted(p)) {
            return None;
        }
        let rest = comma + 1..end;
        let first = self.toks.get(rest.start)?;
        // "..., X said, adding ..." is a cue of its own.
        // A gerund subject is not: "..., he said, replacing her would be harder".
        let gerund_subject = !first.is_speech_verb()
            && (rest.start + 1..(rest.start + 7).min(end)).any(|k| {
                let w = self.lower(k);
                (BE.contains(w) || lexicon::AUXILIARIES.contains(w)) && !self.quotes.quoted(k)
            });
        let participle = first.lower.ends_with("ing") && first.is_word() && !gerund_subject;
        if participle || first.is_speech_verb() || self.word_count(&rest) < 3 {
            return None;
        }
        // "..., X said, citing ...", "..., X said, according to ...": not a clause.
        if matches!(
            first.lower.as_str(),
            "according" | "as" | "in" | "on" | "at"
        ) {
            return None;
        }
        Some(rest)
    }

    /// Adds a statement whose content lies on both sides of its cue: "A, X said, B".
    fn push_around(
        &mut self,
        cue: Range<usize>,
        who: Who,
        before: Range<usize>,
        after: Range<usize>,
    ) {
        let n = self.cands.len();
        self.push_content(cue, who, after, 0.8);
        if self.cands.len() != n + 1 {
            return;
        }
        let mut before = before;
        while before.start < before.end
            && self.toks[before.start].is_punct()
            && self.quotes.opened_at(before.start).is_none()
        {
            before.start += 1;
        }
        while before.end > before.start
            && self.toks[before.end - 1].is_punct()
            && self.quotes.closed_at(before.end - 1).is_none()
        {
            before.end -= 1;
        }
        if before.start >= before.end {
            return;
        }
        let quoted = before.clone().any(|i| self.quotes.opened_at(i).is_some());
        for i in before.clone() {
            if let Some(part) = self.quotes.opened_at(i) {
                self.consumed[part] = true;
            }
        }
        let bytes = self.toks[before.start].bytes.start..self.toks[before.end - 1].bytes.end;
        let cand = &mut self.cands[n];
        if quoted || cand.kind != StatementKind::Indirect {
            cand.kind = StatementKind::Mixed;
        }
        cand.pieces.insert(0, clip(self.text, bytes));
    }

    /// Where the content of a cue ends: at the first comma or semicolon for a speech act whose
    /// complement is a noun phrase or an infinitive ("pledged to cut taxes, after ..."), or
    /// when the cue stands in a leading subordinate clause ("While X said A, B ..."); else at
    /// the sentence end.
    fn complement_end(
        &self,
        sentence: usize,
        from: usize,
        end: usize,
        form: Option<VerbForm>,
    ) -> usize {
        if form.is_some_and(|f| f.class == VerbClass::Name) {
            return self.naming_end(from, end).unwrap_or(end);
        }
        let act = form.is_some_and(|f| f.class == VerbClass::Act);
        if !act && !self.in_leading_subordinate(sentence, from) {
            return self.trailing_clause(from, end).unwrap_or(end);
        }
        // "vowed to destroy Israel and staged attacks": a second verb of the subject ends
        // the act's content too.
        (from..end)
            .find(|&p| {
                !self.quotes.quoted(p)
                    && (matches!(self.toks[p].text, "," | ";")
                        || (act
                            && matches!(self.lower(p), "and" | "but")
                            && self.toks.get(p + 1).is_some_and(|t| {
                                t.text.starts_with(|c: char| c.is_lowercase())
                                    && t.lower.len() > 4
                                    && t.lower.ends_with("ed")
                            })))
            })
            .unwrap_or(end)
    }

    /// Where a clause that is no longer the speaker's words begins after the content, outside
    /// quotes: a comma before a participle ("..., citing legal risks"; "..., putting him
    /// ahead") or before a contrasting "while"/"whereas". The reporter adds these; the speaker
    /// did not say them.
    fn trailing_clause(&self, from: usize, end: usize) -> Option<usize> {
        (from + 1..end.saturating_sub(1))
            .find(|&p| {
                // A comma outside quotes, or inside a quote that closes right after it
                // ("... this can't be happening,'' adding ...").
                let comma = self.toks[p].text == ","
                    && (!self.quotes.quoted(p) || self.quotes.closed_at(p + 1).is_some());
                let at = if self.quotes.closed_at(p + 1).is_some() {
                    p + 2
                } else {
                    p + 1
                };
                // ", which forced her to ...": a relative clause that runs to the sentence
                // end describes the last noun; the reporter adds it.
                let trailing_relative = matches!(self.lower(at), "which")
                    && !(at + 1..end).any(|q| self.is(q, ",") || self.quotes.quoted(q));
                comma
                    && at < end
                    && (matches!(self.lower(at), "while" | "whereas")
                        || self.is_trailing_participle(at)
                        || trailing_relative)
            })
            .map(|p| {
                // The quote that closes after the comma stays whole in the content.
                if self.quotes.closed_at(p + 1).is_some() {
                    p + 2
                } else {
                    p
                }
            })
    }

    /// A participle that opens a trailing clause: a lower-case `-ing` word that is not a
    /// preposition in disguise ("including", "according") and not the subject of a gerund
    /// clause the content continues with.
    fn is_trailing_participle(&self, i: usize) -> bool {
        let tok = &self.toks[i];
        let word = self.lower(i);
        tok.is_word()
            && tok.text.starts_with(|c: char| c.is_ascii_lowercase())
            && word.len() > 5
            && word.ends_with("ing")
            && !matches!(
                word,
                "including"
                    | "according"
                    | "regarding"
                    | "concerning"
                    | "excluding"
                    | "following"
                    | "during"
                    | "notwithstanding"
                    | "pending"
                    | "something"
                    | "nothing"
                    | "anything"
                    | "everything"
            )
    }

    /// The end of what a naming verb says: the quotation that gives the words ("called the
    /// plan \"a disaster\""), or the sentence end for "called him a liar" and "described it
    /// as unfair". `None` when neither follows.
    fn naming_end(&self, from: usize, end: usize) -> Option<usize> {
        let limit = (from + 12).min(end);
        let quoted = (from..limit).find_map(|k| self.quotes.opened_at(k));
        let object = matches!(
            self.lower(from),
            "him" | "her" | "them" | "it" | "me" | "us" | "himself" | "herself" | "themselves"
        );
        let predicate = object && matches!(self.lower(from + 1), "a" | "an" | "the");
        let as_phrase = (from..limit).any(|k| self.lower(k) == "as");
        (quoted.is_some() || predicate || as_phrase).then(|| self.naming_clause_end(from, end))
    }

    /// The end of the clause a naming verb opens: the characterization goes on past its first
    /// quote ("called the plan \"a disaster\" and \"a waste\"", "described him as \"kind\"
    /// with a \"big heart\"") up to a comma, semicolon, colon or dash outside quotes, or a
    /// conjunction or preposition that opens the reporter's circumstances ("because ...",
    /// "when ...", "during a visit").
    fn naming_clause_end(&self, from: usize, end: usize) -> usize {
        (from + 1..end)
            .find(|&k| {
                if self.quotes.quoted(k) {
                    return false;
                }
                // A quote closing on its own comma ends the clause unless a list goes on
                // ("a \"bully,\" a \"liar\""): "called him a \"bully,\" Ruiz said".
                let comma_closed = self.quotes.closed_at(k - 1).is_some()
                    && k >= 2
                    && self.is(k - 2, ",")
                    && !DETERMINERS.contains(self.lower(k))
                    && !matches!(self.lower(k), "and" | "or");
                if comma_closed {
                    return true;
                }
                let w = self.lower(k);
                matches!(w, "," | ";" | ":" | "(" | "--" | "—" | "–")
                    || (w != "as"
                        && (lexicon::SUBORDINATORS.contains(w)
                            || matches!(w, "during" | "amid" | "amidst" | "despite")))
            })
            .unwrap_or(end)
    }

    /// Whether token `at` lies in a subordinate clause that opens the sentence ("While X
    /// said ..., Y"), before any comma.
    fn in_leading_subordinate(&self, sentence: usize, at: usize) -> bool {
        let mut p = sentence;
        if COORDINATORS.contains(self.lower(p)) {
            p += 1;
        }
        let opener = matches!(
            self.lower(p),
            "while" | "although" | "though" | "whereas" | "because" | "since" | "if" | "unless"
        );
        opener && at > p && at - p < 24 && !(p..at).any(|k| self.is(k, ","))
    }

    /// After "told" (and the like), past the listener: "told Reuters", "told a news conference".
    fn after_listener(&self, from: usize, end: usize, form: Option<VerbForm>) -> usize {
        if !form.is_some_and(is_tell) {
            return from;
        }
        phrase::right_np(self.toks, from, end).map_or(from, |np| np.end)
    }

    /// An appositive subject ending at the comma before a cue: "Guo, a scholar from X, said".
    fn appositive_before(&self, floor: usize, comma: usize) -> Option<Phrase> {
        let limit = comma.saturating_sub(18).max(floor);
        let open = (limit..comma).rev().find(|&c| self.is(c, ","))?;
        let appositive = phrase::appositive_after(self.toks, open, comma)?;
        if appositive.end != comma {
            return None;
        }
        let np = phrase::left_np(self.toks, floor, open)?;
        let head = &self.toks[np.end - 1];
        let named = head.text.chars().next().is_some_and(char::is_uppercase)
            && !PRONOUNS.contains(head.lower.as_str());
        if !named {
            return None;
        }
        // "A member of the board, Robert Heller, said": the name between the commas is the
        // speaker, and the description before it the role.
        if self.describes_a_person(&np) && self.is_plain_name(&appositive) {
            return Some(Phrase {
                np: appositive,
                appositive: Some(np),
            });
        }
        // "Steve Norwitz, a spokesman for T. Rowe Price, a Baltimore firm, said": two
        // descriptions after the name.
        if lexicon::ARTICLES.contains(self.lower(np.start))
            && np.start > floor + 1
            && self.is(np.start - 1, ",")
            && let Some(name) = phrase::left_np(self.toks, floor, np.start - 1)
            && self.is_plain_name(&name)
        {
            return Some(Phrase {
                np: name,
                appositive: Some(np.start..appositive.end),
            });
        }
        Some(Phrase {
            np,
            appositive: Some(appositive),
        })
    }

    /// Whether tokens `r` are one acronym ("NUM", "OECD"), which names a body, not a person.
    fn is_acronym(&self, r: &Range<usize>) -> bool {
        r.len() == 1
            && self.toks[r.start].text.len() > 1
            && self.toks[r.start].text.chars().all(|c| c.is_uppercase())
    }

    /// Whether tokens `r` describe a person by a role: an article, then a common noun or a
    /// role word ("a member of the board", "the Governor of the Bank of Greece"), not a
    /// name ("The National Union of Mineworkers") and not ending in a place ("an investor
    /// from Birmingham", which a ", Alabama" may follow).
    fn describes_a_person(&self, r: &Range<usize>) -> bool {
        let Some(noun) = self.toks.get(r.start + 1).filter(|_| r.len() >= 2) else {
            return false;
        };
        let mut last_name = r.end;
        while last_name > r.start && phrase::is_name_word(&self.toks[last_name - 1]) {
            last_name -= 1;
        }
        let ends_in_place = last_name < r.end
            && last_name > r.start
            && matches!(self.lower(last_name - 1), "in" | "from" | "at" | "near");
        lexicon::ARTICLES.contains(self.lower(r.start))
            && noun.is_word()
            && (noun.text.starts_with(|c: char| c.is_lowercase())
                // "The Governor of ...", not "The General Accounting Office".
                || (lexicon::ROLE_WORDS.contains(noun.lower.as_str())
                    && (r.start + 2 == r.end || self.lower(r.start + 2) == "of")))
            && !ends_in_place
    }

    /// Whether tokens `r` are a name alone: capitalized words and initials, no article, not
    /// an acronym ("NUM").
    fn is_plain_name(&self, r: &Range<usize>) -> bool {
        !r.is_empty()
            && !self.is_acronym(r)
            && r.len() <= 5
            && !lexicon::ARTICLES.contains(self.lower(r.start))
            && self.toks[r.clone()].iter().all(|t| {
                (phrase::is_name_word(t) || (t.is_abbreviation() && t.text.len() <= 3))
                    && !PRONOUNS.contains(t.lower.as_str())
                    && !lexicon::ROLE_WORDS.contains(t.lower.as_str())
            })
    }

    /// Where an adjunct naming the medium of a statement starts in `from..end`, outside
    /// quotes: "in a statement", "in an interview with CNN", "in a ruling released Thursday".
    fn medium_adjunct(&self, from: usize, end: usize) -> Option<usize> {
        (from..end.saturating_sub(2))
            .find(|&p| matches!(self.lower(p), "in" | "during") && self.medium_phrase_at(p, end))
    }

    /// Whether a preposition at `p` heads a phrase naming the medium of a statement: a
    /// determiner, then a medium noun directly or after one word ("in a statement", "at a
    /// news conference", "in her opening remarks").
    fn medium_phrase_at(&self, p: usize, end: usize) -> bool {
        p + 2 < end
            && !self.quotes.quoted(p)
            && (lexicon::POSSESSIVE_DETERMINERS.contains(self.lower(p + 1))
                || matches!(self.lower(p + 1), "a" | "an" | "the"))
            && (lexicon::MEDIA_NOUNS.contains(self.lower(p + 2))
                || (p + 3 < end
                    && !self.toks[p + 2].is_punct()
                    && lexicon::MEDIA_NOUNS.contains(self.lower(p + 3))))
    }

    /// Past an adjunct naming the medium right after a cue, when the content follows it
    /// after "that", a colon, or a comma opening a quote: "said in a statement that ...",
    /// "wrote in an email: ...", "said at a news conference, \"...\"". Otherwise `p`.
    fn past_medium_adjunct(&self, p: usize, end: usize) -> usize {
        if !(matches!(self.lower(p), "in" | "during" | "at") && self.medium_phrase_at(p, end)) {
            return p;
        }
        for k in p + 2..end.min(p + 16) {
            if self.quotes.quoted(k) {
                return p;
            }
            match self.toks[k].text {
                ":" => return k,
                "," if self.quotes.opened_at(k + 1).is_some() => return k,
                "," | ";" | "." => return p,
                _ if self.lower(k) == "that" => return k,
                _ => {}
            }
        }
        p
    }

    /// Whether what follows a cue, starting with an adjunct or a preposition, holds a clause
    /// of its own ("said on Monday the plan would fail") rather than only the adjunct ("said
    /// in a statement", "said Friday as he entered the talks", "said to the TV"): a finite
    /// verb before any subordinating conjunction.
    fn clause_after_adjunct(&self, from: usize, end: usize) -> bool {
        // "said immediately after hearing the request that he would ...".
        if (from..end.min(from + 12)).any(|k| self.complementizer_at(k) && !self.quotes.quoted(k)) {
            return true;
        }
        for k in from..end.min(from + 40) {
            let t = &self.toks[k];
            if self.quotes.opened_at(k).is_some() || self.complementizer_at(k) || t.text == ":" {
                return true;
            }
            if !t.is_word() || k == from {
                continue;
            }
            let lower = t.lower.as_str();
            // A relative clause describes the adjunct's noun ("said to the nominee, who
            // began ..."); it is not the content.
            if lexicon::SUBORDINATORS.contains(lower)
                || matches!(lower, "who" | "whom" | "whose" | "which")
            {
                return false;
            }
            if self.finite_verb_at(k) || lower.ends_with("n't") {
                return true;
            }
        }
        false
    }

    /// Whether nothing after a cue can be its content: only adjuncts ([`Self::adjuncts_only`])
    /// or, after a verb of saying, a phrase with no clause of its own ("said of Romney",
    /// "said with a laugh", "said to applause"; but "agreed to forgo" has its complement).
    fn no_content_after(&self, from: usize, end: usize, form: Option<VerbForm>) -> bool {
        let saying = form.is_none_or(|f| f.class == VerbClass::Say);
        // "says of Clinton, \"...\"": the words follow whom they are about; without a quote,
        // "said of the encounter he had last week" only says what the words were about.
        if self.lower(from) == "of" {
            return self
                .quote_after_comma(from + 2..(from + 8).min(end))
                .is_none();
        }
        // "told the victims' families.": a listener and nothing else.
        if form.is_some_and(is_tell)
            && !(from..end).any(|k| {
                self.finite_verb_at(k)
                    || self.quotes.opened_at(k).is_some()
                    || matches!(self.lower(k), "that" | "to" | ":")
            })
        {
            return true;
        }
        // Manner adverbs first: "said happily on MSNBC", "says directly to the camera".
        let mut from = from;
        while from < end && self.is_manner_adverb(from) {
            from += 1;
        }
        (self.adjuncts_only(from, end) && self.time_adjunct_len(from, end) == 0)
            || saying
                && self.toks.get(from).is_some_and(|t| {
                    lexicon::CLAUSE_LESS_PREPOSITIONS.contains(t.lower.as_str())
                        && !self.clause_after_adjunct(from, end)
                })
    }

    /// Whether token `i` is a lower-case adverb in "-ly" ("happily", "directly").
    fn is_manner_adverb(&self, i: usize) -> bool {
        let tok = &self.toks[i];
        tok.is_word()
            && tok.lower.len() > 4
            && tok.lower.ends_with("ly")
            && tok.text.starts_with(|c: char| c.is_lowercase())
    }

    /// Whether token `k` is a preposition ("to which", "in what").
    fn is_preposition(&self, k: usize) -> bool {
        let w = self.lower(k);
        lexicon::CLAUSE_LESS_PREPOSITIONS.contains(w) || lexicon::NP_PREPOSITIONS.contains(w)
    }

    /// The first token in `within` where a quote opens after a comma or a colon.
    fn quote_after_comma(&self, within: Range<usize>) -> Option<usize> {
        within.into_iter().find(|&k| {
            k > 0
                && self.quotes.opened_at(k).is_some()
                && matches!(self.toks[k - 1].text, "," | ":")
        })
    }

    /// Whether an existential clause opens at token `i` ("there was no evidence", "there
    /// will be talks", "here is the plan"): "there" and "here" before a verb are subjects,
    /// not adjuncts.
    fn existential_at(&self, i: usize) -> bool {
        matches!(self.lower(i), "there" | "here") && {
            let next = self.lower(i + 1);
            BE.contains(next)
                || lexicon::AUXILIARIES.contains(next)
                || next.ends_with("n't")
                || next.ends_with("n’t")
                || matches!(next, "seems" | "seemed" | "appears" | "appeared")
        }
    }

    /// Whether only adjuncts follow a cue up to the sentence end: "said on Friday", "said
    /// in a statement", ", adding ...".
    fn adjuncts_only(&self, from: usize, end: usize) -> bool {
        if from >= end {
            return true;
        }
        let first = &self.toks[from];
        if first.text == "," || first.text == ";" || first.text == ":" && from + 1 >= end {
            return true;
        }
        if first.text == ":" || self.quotes.opened_at(from).is_some() {
            return false;
        }
        // "said several months after her release", "said two days later".
        let time_span = (lexicon::QUANTIFIERS.contains(first.lower.as_str())
            || first.is_number()
            || matches!(first.lower.as_str(), "a" | "some"))
            && matches!(
                self.lower(from + 1),
                "minutes"
                    | "hours"
                    | "days"
                    | "weeks"
                    | "months"
                    | "years"
                    | "day"
                    | "week"
                    | "month"
                    | "year"
            )
            && matches!(
                self.lower(from + 2),
                "after" | "before" | "later" | "earlier" | "ago" | "into"
            );
        if time_span {
            return true;
        }
        if !ADJUNCT_STARTS.contains(first.lower.as_str()) || self.existential_at(from) {
            return false;
        }
        // An adjunct, unless a "that" clause follows it: "said on Friday that ...". A trailing
        // participle clause is not the cue's ("said in a statement, adding that ...").
        let limit = (from + 10).min(end);
        let limit = (from..limit)
            .find(|&k| {
                self.is(k, ",")
                    && !self.quotes.quoted(k)
                    && k + 1 < end
                    && self.is_trailing_participle(k + 1)
            })
            .unwrap_or(limit);
        !(from..limit).any(|k| {
            self.complementizer_at(k)
                || (self.quotes.opened_at(k).is_some()
                    && matches!(self.toks[k - 1].text, ":" | ","))
        })
    }

    /// The content before a cue whose clause starts after token `boundary` (a comma or a
    /// closing quote): the quote that closes there, or the sentence up to the comma.
    fn content_before(&self, range: &Range<usize>, boundary: usize) -> Option<Range<usize>> {
        let mut b = boundary;
        let is_sep = |t: &Tok<'_>| matches!(t.text, "," | "--" | "-" | "—" | "–" | ";" | ":");
        if self.quotes.closed_at(b).is_none() && !is_sep(&self.toks[b]) {
            return None;
        }
        // `",` with the comma outside the quote.
        if self.toks[b].text == "," && b > range.start && self.quotes.closed_at(b - 1).is_some() {
            b -= 1;
        }
        if let Some(part) = self.quotes.closed_at(b) {
            let open = self.quotes.parts[part].open;
            // "Not paying taxes \"makes me smart,\" he said": the words before the quote in
            // its sentence are part of what was said, unless they hold a cue of their own.
            let lead = range.start..open;
            let mixed = open > range.start
                && self.word_count(&lead) >= 2
                && lead.clone().all(|k| {
                    !self.quotes.quoted(k)
                        && self.quotes.opened_at(k).is_none()
                        && !self.toks[k].is_speech_verb()
                        && !matches!(self.toks[k].text, ":" | ";")
                });
            return Some(if mixed {
                range.start..b + 1
            } else {
                open..b + 1
            });
        }
        (b > range.start).then_some(range.start..b)
    }

    /// Adds a statement whose content comes before its cue.
    fn push_before(&mut self, cue: Range<usize>, who: Who, content: Range<usize>, boundary: usize) {
        let _ = boundary;
        if let Some(part) = self.quotes.opened_at(content.start)
            && self.quotes.parts[part]
                .close
                .is_some_and(|c| c + 1 == content.end)
        {
            self.push_quote(cue, who, part, 0.85);
            return;
        }
        if self.word_count(&content) < 2 {
            return;
        }
        self.push_content(cue, who, content, 0.8);
    }

    /// Where the content after a cue starts: after a "that" that follows adjuncts, after the
    /// listener of "told", after a colon.
    fn content_start(&self, from: usize, end: usize, form: Option<VerbForm>) -> usize {
        if form.is_some_and(|f| f.class == VerbClass::Name) {
            return from;
        }
        // A listener may be long: "told customers at a diner in Salem, Ore., that ...".
        let reach = if form.is_some_and(is_tell) { 16 } else { 10 };
        let limit = (from + reach).min(end);
        // "said on Friday that ...", "told reporters in Beijing that ...", but not the
        // pronoun of "says it is hard to blame anyone for that".
        let adjunct_first = self.toks.get(from).is_some_and(|t| {
            (ADJUNCT_STARTS.contains(t.lower.as_str()) && !self.existential_at(from))
                || lexicon::CLAUSE_LESS_PREPOSITIONS.contains(t.lower.as_str())
                || phrase::is_name_word(t)
                || (t.lower.len() > 4 && t.lower.ends_with("ly"))
        }) || form.is_some_and(is_tell);
        for k in from..limit {
            let t = &self.toks[k];
            if self.complementizer_at(k) {
                if k == from || (adjunct_first && k + 1 < end) {
                    return k + 1;
                }
                break;
            }
            let finite =
                BE.contains(t.lower.as_str()) || lexicon::AUXILIARIES.contains(t.lower.as_str());
            if finite
                || t.is_speech_verb()
                || self.quotes.quoted(k)
                || (t.is_punct() && t.text != ",")
            {
                break;
            }
        }
        let mut p = from;
        // "wrote back: ...", "fired back that ...": the particle is the cue's.
        if self.lower(p) == "back"
            && (matches!(self.lower(p + 1), ":" | "," | "that")
                || self.quotes.opened_at(p + 1).is_some())
        {
            p += 1;
        }
        // "said Tuesday he ...", "announced this month it would ...": the time is the cue's.
        p += self.time_adjunct_len(p, end);
        // "says of Clinton, \"...\"": whom the words are about, then the words.
        if self.lower(p) == "of"
            && let Some(open) = self.quote_after_comma(p + 2..(p + 8).min(end))
            && (p + 1..open - 1).all(|k| self.toks[k].is_word() && !self.finite_verb_at(k))
        {
            p = open;
        }
        p = self.past_medium_adjunct(p, end);
        // "asked Trump whether ...", "asked the minister about ...": the one asked is not
        // part of the question.
        if form.is_some_and(is_ask) && !opens_question(self.lower(p)) {
            let limit = (p + 6).min(end);
            if let Some(q) = (p + 1..limit)
                .take_while(|&k| self.toks[k].is_word() && !self.quotes.quoted(k))
                .find(|&k| opens_question(self.lower(k)))
            {
                p = q;
            }
        }
        if form.is_some_and(is_tell) {
            // "told reporters", "told a news conference".
            let mut q = p;
            while q < end && q < p + 3 && DETERMINERS.contains(self.lower(q)) {
                q += 1;
            }
            let mut r = q;
            while r < end && r < q + 3 && self.toks[r].is_word() {
                if AUDIENCES.contains(self.lower(r)) {
                    p = r + 1;
                    break;
                }
                r += 1;
            }
            // "told the Reuters news agency simply, \"We lost.\"": the quote after the
            // listener, with nothing but words of the listener and the manner before it.
            if let Some(open) = self.quote_after_comma(p + 1..(p + 8).min(end))
                && (p..open - 1).all(|k| {
                    let t = &self.toks[k];
                    t.is_word() && !self.finite_verb_at(k) && !matches!(t.lower.as_str(), "that")
                })
            {
                p = open;
            }
        }
        while p < end && (self.is(p, ":") || self.is(p, ",")) {
            p += 1;
        }
        if self.lower(p) == "that" {
            p += 1;
        }
        p
    }

    /// Whether what follows a cue can be its content: at least two words; a clause for
    /// the verbs that need one.
    fn complement_ok(&self, from: usize, end: usize, form: Option<VerbForm>) -> bool {
        if self.word_count(&(from..end)) < 2 {
            return false;
        }
        let Some(first) = self.toks.get(from) else {
            return false;
        };
        let after_that = from > 0 && self.lower(from - 1) == "that";
        if after_that || self.quotes.opened_at(from).is_some() {
            return true;
        }
        // "requested anonymity to discuss ...": a condition of the interview, not words.
        if first.lower == "anonymity" {
            return false;
        }
        // A verb with no subject: "what they hope will help".
        if matches!(
            first.lower.as_str(),
            "will"
                | "would"
                | "can"
                | "could"
                | "should"
                | "may"
                | "might"
                | "must"
                | "is"
                | "are"
                | "was"
                | "were"
                | "has"
                | "have"
                | "had"
        ) {
            return false;
        }
        // Only a phrase ("wrote to investors", "testified voluntarily in 1998", "proposed
        // under a flat rate"), with no clause of its own.
        let phrase_start = ADJUNCT_STARTS.contains(first.lower.as_str())
            || (lexicon::CLAUSE_LESS_PREPOSITIONS.contains(first.lower.as_str())
                && !(first.lower == "to"
                    && form
                        .is_some_and(|f| matches!(f.class, VerbClass::Act | VerbClass::Intent))))
            || (first.lower.len() > 4
                && first.lower.ends_with("ly")
                && first.text.starts_with(|c: char| c.is_lowercase()));
        let question = form.is_some_and(is_ask) && opens_question(first.lower.as_str());
        // "she said and hung up": a second verb of the speaker, not what was said.
        if matches!(first.lower.as_str(), "and" | "or" | "but") {
            return false;
        }
        // "said nothing about it", "said little.": no words reported.
        if matches!(first.lower.as_str(), "nothing" | "little" | "anything")
            && (self.toks.get(from + 1).is_none_or(|t| !t.is_word())
                || (self.is_preposition(from + 1) && self.lower(from + 1) != "of"))
        {
            return false;
        }
        // "wrote the profile", "added a name to the list": a thing made or put, not words.
        let verb = form.map_or("", |f| f.words[0]);
        let says_more = || {
            self.clause_ahead(from, end)
                || (from..end).any(|k| {
                    self.complementizer_at(k)
                        || self.quotes.opened_at(k).is_some()
                        || self.is(k, ":")
                })
        };
        if lexicon::WRITE_FORMS.contains(verb) && !says_more() {
            return false;
        }
        if lexicon::ADD_FORMS.contains(verb)
            && (first.lower == "to"
                || ((from..end).any(|k| matches!(self.lower(k), "to" | "onto"))
                    && !(from..end).any(|k| self.finite_verb_at(k))
                    && !says_more()))
        {
            return false;
        }
        // "reported at least six planes filled the skies": an amount, not an adjunct.
        let amount = matches!(first.lower.as_str(), "at")
            && matches!(self.lower(from + 1), "least" | "most");
        if phrase_start
            && !question
            && !amount
            && form.is_none_or(|f| f.class != VerbClass::Name)
            && !self.clause_after_adjunct(from, end)
        {
            return false;
        }
        match form.map(|f| f.class) {
            // "wants to run", "declined to comment": an infinitive with its verb.
            Some(VerbClass::Intent) if first.lower == "to" => self
                .toks
                .get(from + 1)
                .is_some_and(|t| t.is_word() && t.text.starts_with(|c: char| c.is_lowercase())),
            // "polls show (that) Clinton leads", "wants voters to know": a clause, not a
            // noun phrase alone ("find a home", "proved decisive").
            Some(VerbClass::Thought | VerbClass::Intent) => {
                // "known as Super Tuesday": a name, not a thought.
                first.lower != "as"
                    && (self.clause_ahead(from, end)
                        // "polls show Clinton leading": a finding with a participle.
                        || (form.is_some_and(|f| f.class == VerbClass::Thought)
                            && (from + 1..(from + 6).min(end)).any(|k| {
                                let t = &self.toks[k];
                                t.lower.len() > 4
                                    && t.lower.ends_with("ing")
                                    && t.text.starts_with(|c: char| c.is_lowercase())
                            })))
            }
            Some(VerbClass::Clause) => {
                !first.is_number()
                    && !first.lower.ends_with("ly")
                    && !matches!(
                        first.lower.as_str(),
                        "to" | "with"
                            | "on"
                            | "in"
                            | "for"
                            | "by"
                            | "about"
                            | "from"
                            | "at"
                            | "upon"
                            | "into"
                            | "over"
                            | "up"
                            | "out"
                            | "off"
                    )
            }
            // A phrase with no clause was refused above.
            // "said 2016 has seen ...", "says 31,000 of them could be lost": a number opens
            // a clause when a verb follows it soon.
            Some(VerbClass::Say) => {
                (!first.is_number()
                    || (from + 1..(from + 6).min(end)).any(|k| {
                        let w = self.lower(k);
                        (BE.contains(w) || lexicon::AUXILIARIES.contains(w))
                            && self.toks[k].text.starts_with(|c: char| c.is_lowercase())
                    }))
                    && !matches!(first.text, "%" | "$")
            }
            Some(VerbClass::Name) => self.naming_end(from, end).is_some(),
            _ => true,
        }
    }

    /// Where a sentence starts past a dateline ("WASHINGTON (Reuters) - ", "CONCORD, N.H. —
    /// "): a dash within the first words, with only capitalized words, commas and a
    /// parenthesized agency before it. `start` itself when there is none.
    fn after_dateline(&self, start: usize, cue: usize) -> usize {
        let limit = (start + 10).min(cue);
        let mut depth = 0usize;
        for k in start..limit {
            let t = &self.toks[k];
            match t.text {
                "-" | "--" | "—" | "–" if depth == 0 && k > start => return k + 1,
                "(" => depth += 1,
                ")" => depth = depth.saturating_sub(1),
                "," | "." => {}
                _ if depth > 0 || phrase::is_name_word(t) => {}
                _ => return start,
            }
        }
        start
    }

    /// The subject of an absolute clause "with X saying ...": the phrase between "with" and
    /// the participle at `cue` ("with 47 percent of voters", "with three in 10").
    fn with_absolute_subject(
        &self,
        floor: usize,
        cue: usize,
        after: usize,
    ) -> Option<Range<usize>> {
        let np = phrase::left_np(self.toks, floor, cue)
            .or_else(|| self.quantity_subject_before(floor, cue, after))?;
        let with = np.start.checked_sub(1).filter(|&w| w >= floor)?;
        (self.lower(with) == "with" && !PRONOUNS.contains(self.lower(np.start))).then_some(np)
    }

    /// The subject at the start of a sentence (past a leading adverbial clause or adverb), for
    /// a participle cue with no statement before it: "Hu extolled the summit, saying ...".
    fn subject(&self, range: Range<usize>, cue: usize) -> Option<Range<usize>> {
        let mut p = self.after_dateline(range.start, cue);
        let opener = self.lower(p);
        let adverb = self.toks[p].is_word()
            && (ADJUNCT_STARTS.contains(opener)
                || matches!(opener, "meanwhile" | "still" | "instead" | "now" | "yet")
                || (opener.len() > 4 && opener.ends_with("ly")));
        if adverb
            || matches!(
                opener,
                "in" | "during"
                    | "while"
                    | "when"
                    | "after"
                    | "at"
                    | "on"
                    | "as"
                    | "with"
                    | "since"
                    | "before"
                    | "speaking"
                    | "addressing"
                    | "meeting"
            )
        {
            let limit = cue.min(p + 16);
            p = (p..limit).find(|&k| self.is(k, ","))? + 1;
        }
        let first = self.toks.get(p).filter(|_| p < cue)?;
        if first.is_word() && PRONOUNS.contains(first.lower.as_str()) {
            return Some(p..p + 1);
        }
        let mut end = p;
        let capital = |t: &Tok<'_>| t.text.chars().next().is_some_and(char::is_uppercase);
        while end < cue && end < p + 8 {
            let t = &self.toks[end];
            if !t.is_word() || t.is_speech_verb() || lexicon::STOP.contains(t.lower.as_str()) {
                if t.lower == "of" && end > p {
                    end += 1;
                    continue;
                }
                break;
            }
            if end > p
                && capital(&self.toks[end - 1])
                && !capital(t)
                && !DETERMINERS.contains(self.lower(end - 1))
            {
                break;
            }
            if end > p && !capital(t) && t.lower.ends_with("ed") {
                break;
            }
            end += 1;
        }
        while end > p && matches!(self.lower(end - 1), "of" | "the" | "a" | "an") {
            end -= 1;
        }
        (end > p).then_some(p..end)
    }

    /// Quotes with no cue of their own: a part of a quotation some other part of which has a
    /// cue takes that cue's speaker; a quote that opens a sentence continues the last speaker.
    /// Gives each quote that no cue claimed to the statement it continues: a part of the same
    /// quotation chain, or the last statement before it when the quote opens its sentence.
    /// With [`Continuations::Merged`], a quote in the paragraph where that statement's content
    /// ends becomes another piece of it; otherwise it is a statement of its own.
    fn uncued_quotes(&mut self, continuations: Continuations) {
        // The statement of each quotation chain, by chain.
        let mut chain_cand: foldhash::HashMap<usize, usize> = foldhash::HashMap::default();
        for (n, cand) in self.cands.iter().enumerate() {
            if cand.kind != StatementKind::Direct {
                continue;
            }
            let Some(first) = cand.pieces.first() else {
                continue;
            };
            if let Some(part) = self.part_at_byte(first.start) {
                chain_cand.entry(self.quotes.parts[part].chain).or_insert(n);
            }
        }
        // Candidates by content start, to find the last speaker before a quote.
        let mut order: Vec<(usize, usize)> = self
            .cands
            .iter()
            .enumerate()
            .filter_map(|(n, c)| c.pieces.first().map(|p| (p.start, n)))
            .collect();
        order.sort_unstable();
        let mut added = Vec::new();
        for part in 0..self.quotes.parts.len() {
            if self.consumed[part] {
                continue;
            }
            let p = &self.quotes.parts[part];
            let Some(bytes) = self.part_bytes(part) else {
                continue;
            };
            let open_tok = &self.toks[p.open];
            // Only a quote that opens its sentence, or a part of a quotation with a cue.
            let chained = chain_cand.get(&p.chain).copied();
            let opens_sentence = p.open == 0 || self.toks[p.open - 1].sentence != open_tok.sentence;
            let source = if let Some(n) = chained {
                Some((n, 0.75))
            } else if opens_sentence && self.word_count(&p.inner) >= 3 {
                let at = order.partition_point(|&(s, _)| s < bytes.start);
                at.checked_sub(1).map(|i| (order[i].1, 0.5))
            } else {
                None
            };
            let Some((n, confidence)) = source else {
                continue;
            };
            // Not too far from the statement it continues.
            let from = &self.cands[n];
            let from_paragraph = self.toks[from.cue.start].paragraph;
            if chained.is_none() && open_tok.paragraph > from_paragraph + 2 {
                continue;
            }
            self.consumed[part] = true;
            if continuations == Continuations::Merged
                && let Some(last) = from.pieces.last()
                && last.end <= bytes.start
                && self.paragraph_at_byte(last.end) == open_tok.paragraph
            {
                let cand = &mut self.cands[n];
                if cand.kind == StatementKind::Indirect {
                    cand.kind = StatementKind::Mixed;
                }
                cand.pieces.push(bytes);
                continue;
            }
            added.push(Cand {
                cue: from.cue.clone(),
                who: Who::Same(n),
                pieces: vec![bytes],
                kind: StatementKind::Direct,
                confidence,
            });
        }
        self.cands.extend(added);
    }

    /// The paragraph of the token that ends at or spans `byte` (the last one before it).
    fn paragraph_at_byte(&self, byte: usize) -> usize {
        let i = self.toks.partition_point(|t| t.bytes.start < byte);
        self.toks
            .get(i.saturating_sub(1))
            .map_or(0, |t| t.paragraph)
    }

    fn part_at_byte(&self, byte: usize) -> Option<usize> {
        let i = self.quotes.parts.partition_point(|p| {
            self.toks[p.inner.start.min(self.toks.len() - 1)]
                .bytes
                .start
                < byte
        });
        [i, i.saturating_sub(1)].into_iter().find(|&k| {
            self.quotes.parts.get(k).is_some_and(|p| {
                self.toks
                    .get(p.inner.start)
                    .is_some_and(|t| t.bytes.start == byte)
            })
        })
    }

    fn finish(self, offsets: &CharOffsets<'_>, entities: &ArticleEntities) -> Vec<Statement> {
        let Extractor {
            text, toks, cands, ..
        } = self;
        // Resolve the phrases in text order, so that a pronoun or a description can fall back
        // on a speaker before it.
        let mut order: Vec<usize> = (0..cands.len()).collect();
        order.sort_by_key(|&n| cands[n].pieces.first().map_or(0, |p| p.start));
        let names: Vec<String> = cands
            .iter()
            .filter_map(|c| match &c.who {
                Who::Phrase(p) => Some(phrase::split(text, toks, p)),
                Who::Same(_) => None,
            })
            .filter(|p| p.is_name)
            .map(|p| p.name)
            .collect();
        let mut speakers: Vec<Option<Speaker>> = vec![None; cands.len()];
        let mut history: Vec<Speaker> = Vec::new();
        for &n in &order {
            if let Who::Phrase(phrase) = &cands[n].who {
                let s = speaker(text, toks, phrase, entities, &history, &names);
                history.push(s.clone());
                speakers[n] = Some(s);
            } else if let Who::Same(m) = cands[n].who
                && let Some(s) = speakers.get(m).cloned().flatten()
            {
                speakers[n] = Some(s);
            }
        }
        name_described(toks, &cands, &order, &mut speakers);
        // Inherited speakers whose source came later in the text.
        for _ in 0..2 {
            for n in 0..cands.len() {
                if speakers[n].is_none()
                    && let Who::Same(m) = cands[n].who
                {
                    speakers[n] = speakers.get(m).cloned().flatten();
                }
            }
        }
        let mut out: Vec<Statement> = Vec::new();
        for &n in &order {
            let cand = &cands[n];
            let Some(s) = speakers[n].clone() else {
                continue;
            };
            // Pieces with nothing in them say nothing; a statement must say something
            // ('X said, while Y says ...' left the first cue an empty piece).
            let pieces: Vec<&Range<usize>> = cand
                .pieces
                .iter()
                .filter(|p| text.get((*p).clone()).is_some_and(|t| !t.trim().is_empty()))
                .collect();
            let (Some(first), Some(last)) = (pieces.first(), pieces.last()) else {
                continue;
            };
            let cue_bytes = toks[cand.cue.start].bytes.start..toks[cand.cue.end - 1].bytes.end;
            let speech = cue_is_speech(&toks[cand.cue.clone()]);
            // A thought or an intention is reported after its verb ("X thinks ...", "X
            // wants to ..."); what comes before it is someone's words.
            if !speech && last.end <= cue_bytes.start {
                continue;
            }
            let content: Vec<&str> = pieces
                .iter()
                .filter_map(|p| text.get((*p).clone()))
                .collect();
            let content = content.join(" ");
            let mentioned = mentioned_ids(entities, first.start..last.end);
            out.push(Statement {
                speaker: Some(s.speaker),
                speaker_role: s.role,
                speaker_span: Some(offsets.span(s.span.start, s.span.end).to_api()),
                speaker_resolution: s.resolution as i32,
                kind: cand.kind as i32,
                cue: text.get(cue_bytes.clone()).unwrap_or("").to_owned(),
                cue_span: Some(offsets.span(cue_bytes.start, cue_bytes.end).to_api()),
                content,
                content_span: Some(offsets.span(first.start, last.end).to_api()),
                mentioned_entity_ids: mentioned,
                confidence: (cand.confidence - s.penalty).clamp(0.05, 1.0),
                cue_is_speech: speech,
                ..Default::default()
            });
        }
        // The same content from two cues (a nested or repeated reading): keep the first.
        out.dedup_by(|b, a| a.content_span == b.content_span && a.speaker == b.speaker);
        for (i, s) in out.iter_mut().enumerate() {
            s.statement_id = format!("s{}", i + 1);
        }
        out
    }
}

/// Whether a cue reports speech: no word of it is a verb of thought or intention only (the
/// sections of `speech_verbs.txt` share no word, which the lexicon's tests check).
fn cue_is_speech(cue: &[Tok<'_>]) -> bool {
    !cue.iter()
        .any(|t| t.verb_forms.iter().any(|f| !f.class.is_speech()))
}

/// A resolved speaker with what the statement needs of it.
#[derive(Clone, Debug)]
struct Speaker {
    speaker: EntityRef,
    role: String,
    span: Range<usize>,
    resolution: SpeakerResolution,
    /// What the phrase was, and for a description its words in lower case.
    form: Form,
    penalty: f32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Form {
    Name,
    Description { words: Vec<String>, plural: bool },
    Pronoun,
}

/// How far back a pronoun or description looks for its speaker.
const LOOKBACK: usize = 12;

fn speaker(
    text: &str,
    toks: &[Tok<'_>],
    phrase: &Phrase,
    entities: &ArticleEntities,
    history: &[Speaker],
    names: &[String],
) -> Speaker {
    let first = &toks[phrase.np.start];
    let last = &toks[phrase.np.end - 1];
    let span = first.bytes.start..last.bytes.end;
    // "X, who said ...": the speaker is X, mentioned here by "who".
    if let Some(np) = relative_antecedent(toks, phrase) {
        let antecedent = Phrase {
            np,
            appositive: None,
        };
        let mut s = speaker(text, toks, &antecedent, entities, history, names);
        s.span = span;
        return s;
    }
    let parts = phrase::split(text, toks, phrase);
    let pronoun = phrase.np.len() == 1 && PRONOUNS.contains(first.lower.as_str());
    let form = if pronoun {
        Form::Pronoun
    } else if parts.is_name {
        Form::Name
    } else {
        let words: Vec<String> = toks[phrase.np.clone()]
            .iter()
            .map(|t| t.lower.as_str().to_owned())
            .filter(|w| !lexicon::ARTICLES.contains(w.as_str()))
            .collect();
        let plural = last.lower.ends_with('s') && !last.lower.ends_with("ss");
        Form::Description { words, plural }
    };
    let head = &toks[phrase::head(toks, &phrase.np)];
    let place = phrase::Place {
        bytes: span.clone(),
        head: head.bytes.clone(),
        head_word: &head.lower,
        last: last.bytes.clone(),
    };
    if let Some(r) = phrase::resolve(entities, &place) {
        return Speaker {
            speaker: r.speaker,
            role: parts.role,
            span,
            resolution: r.resolution,
            form,
            penalty: 0.0,
        };
    }
    let recent = || history.iter().rev().take(LOOKBACK);
    // No mention resolves the phrase: fall back on a speaker before it.
    let antecedent = match &form {
        Form::Pronoun => match first.lower.as_str() {
            "he" | "she" => recent()
                .find(|s| (s.form == Form::Name && s.may_be_person()) || s.is_singular_role()),
            "they" => recent()
                .find(|s| matches!(s.form, Form::Description { plural: true, .. }))
                .or_else(|| recent().next()),
            "it" => recent().find(|s| s.form != Form::Pronoun),
            _ => None,
        },
        Form::Description { words, .. } if first.lower == "the" => {
            recent().find(|s| s.form != Form::Pronoun && words.len() <= 4 && s.described_by(words))
        }
        _ => None,
    };
    if let Some(prev) = antecedent {
        let resolution = match (&form, prev.speaker.entity_id.is_empty()) {
            (_, true) => SpeakerResolution::Unresolved,
            (Form::Pronoun, false) => SpeakerResolution::Pronoun,
            (_, false) => SpeakerResolution::Description,
        };
        return Speaker {
            speaker: prev.speaker.clone(),
            role: prev.role.clone(),
            span,
            resolution,
            form: prev.form.clone(),
            penalty: 0.15,
        };
    }
    // A short name: the fullest form among the article's speakers and persons ("Ma" for
    // "Jack Ma").
    let mut name = parts.name;
    if form == Form::Name {
        let suffix = format!(" {}", name.to_lowercase());
        let persons = entities
            .entities
            .iter()
            .filter(|e| e.r#type == EntityType::Person as i32)
            .map(|e| &e.name);
        if let Some(full) = names
            .iter()
            .chain(persons)
            .filter(|n| n.to_lowercase().ends_with(&suffix))
            .max_by_key(|n| n.len())
        {
            name = full.clone();
        }
        if let Some(short) = name_after_places(text, toks, &parts.name_tokens, entities) {
            name = short;
        }
    }
    Speaker {
        speaker: EntityRef {
            name,
            ..Default::default()
        },
        role: parts.role,
        span,
        resolution: SpeakerResolution::Unresolved,
        form,
        penalty: 0.1,
    }
}

/// "A Mexican official said ...", then in the next paragraph "Ana Ruiz, director of ...,
/// said": a speaker first described by an indefinite role and named in the next paragraph's
/// first statement is that person; the description's other statements follow.
fn name_described(
    toks: &[Tok<'_>],
    cands: &[Cand],
    order: &[usize],
    speakers: &mut [Option<Speaker>],
) {
    let paragraph = |n: usize| toks[cands[n].cue.start].paragraph;
    for (i, &n) in order.iter().enumerate() {
        let Who::Phrase(p) = &cands[n].who else {
            continue;
        };
        let Some(described) = speakers[n].as_ref() else {
            continue;
        };
        let indefinite = matches!(toks[p.np.start].lower.as_str(), "a" | "an");
        let singular = matches!(described.form, Form::Description { plural: false, .. });
        if !indefinite || !singular || !described.speaker.entity_id.is_empty() {
            continue;
        }
        let next = order[i + 1..]
            .iter()
            .copied()
            .find(|&m| paragraph(m) != paragraph(n) && matches!(cands[m].who, Who::Phrase(_)));
        let Some(named) = next
            .filter(|&m| paragraph(m) == paragraph(n) + 1)
            .and_then(|m| speakers[m].as_ref())
            .filter(|s| s.form == Form::Name && s.may_be_person())
        else {
            continue;
        };
        let old = described.speaker.name.clone();
        let named = named.clone();
        for s in speakers.iter_mut().flatten() {
            if s.speaker.entity_id.is_empty() && s.speaker.name == old {
                s.speaker = named.speaker.clone();
                s.role.clone_from(&named.role);
                s.form = Form::Name;
                s.resolution = named.resolution;
            }
        }
    }
}

/// An unresolved name without the place or body named before it ("Invest Hong Kong Ana
/// Ruiz" -> "Ana Ruiz"), when a mention of a place or an organization ends inside the name.
fn name_after_places(
    text: &str,
    toks: &[Tok<'_>],
    name_tokens: &Range<usize>,
    entities: &ArticleEntities,
) -> Option<String> {
    let first = toks.get(name_tokens.start)?;
    let last = toks.get(name_tokens.end.checked_sub(1)?)?;
    let bytes = first.bytes.start..last.bytes.end;
    let cut = entities
        .mentions_in(bytes.clone())
        .filter(|m| {
            m.bytes.end < bytes.end
                && entities
                    .entities
                    .get(m.entity)
                    .is_some_and(|e| e.r#type != EntityType::Person as i32)
        })
        .map(|m| m.bytes.end)
        .max()?;
    let rest: Vec<&str> = text.get(cut..bytes.end)?.split_whitespace().collect();
    let named = rest.len() >= 2 && rest.iter().all(|w| w.starts_with(char::is_uppercase));
    named.then(|| rest.join(" "))
}

/// The phrase a relative "who" stands for: the noun phrase before the comma or dash that
/// opens the clause ("Ortiz, who said ...").
fn relative_antecedent(toks: &[Tok<'_>], phrase: &Phrase) -> Option<Range<usize>> {
    let who = phrase.np.start;
    if phrase.np.len() != 1 || toks.get(who)?.lower != "who" {
        return None;
    }
    let before = who.checked_sub(1)?;
    // "Ortiz, who said" or "farmers who say".
    let end = if matches!(toks.get(before)?.text, "," | "--" | "—" | "–") {
        before
    } else {
        who
    };
    let sentence = toks[who].sentence;
    let floor = (end.saturating_sub(phrase::MAX_PHRASE)..end)
        .find(|&i| toks[i].sentence == sentence)
        .unwrap_or(end);
    if let Some(np) = phrase::left_np(toks, floor, end) {
        if end != who {
            return Some(np);
        }
        // "The plan angered farmers who say": the phrase starts after a verb.
        let verb = (np.start..np.end - 1).rev().find(|&k| {
            let t = &toks[k];
            t.lower.ends_with("ed") && t.text.starts_with(|c: char| c.is_lowercase())
        });
        return Some(verb.map_or(np.start, |v| v + 1)..np.end);
    }
    // "Sen. Ana Ruiz (D-Ore.), who said".
    let close = end.checked_sub(1).filter(|&c| toks[c].text == ")")?;
    let open = (floor..close).rev().find(|&p| toks[p].text == "(")?;
    phrase::left_np(toks, floor, open)
}

impl Speaker {
    /// Whether the speaker may be a person: resolved to a person, or not resolved.
    fn may_be_person(&self) -> bool {
        let t = self.speaker.r#type;
        t == EntityType::Person as i32 || t == EntityType::Unspecified as i32
    }

    /// A one-person description: "a spokesman", "the official".
    fn is_singular_role(&self) -> bool {
        matches!(&self.form, Form::Description { words, plural: false }
            if words.last().is_some_and(|w| lexicon::ROLE_WORDS.contains(w.as_str())))
    }

    /// Whether "the <words>" can refer to this speaker: its role or description ends with
    /// the same words ("the Chinese president" for "Chinese President Hu Jintao").
    fn described_by(&self, words: &[String]) -> bool {
        let mine: Vec<String> = match &self.form {
            Form::Description { words, .. } => words.clone(),
            _ => self
                .role
                .split_whitespace()
                .map(str::to_lowercase)
                .filter(|w| !lexicon::ARTICLES.contains(w.as_str()))
                .collect(),
        };
        !words.is_empty() && mine.len() >= words.len() && mine.ends_with(words)
    }
}

/// Whether the verb names its listener before the content ("told reporters that ...").
/// Words that open the question after "asked": "asked X whether ...", "asked X about ...".
const QUESTION_OPENERS: [&str; 11] = [
    "whether", "if", "about", "what", "why", "how", "when", "where", "who", "which", "to",
];

/// Whether `word` opens the question after "asked".
fn opens_question(word: &str) -> bool {
    QUESTION_OPENERS.contains(&word)
}

/// Whether a cue is a form of "ask".
fn is_ask(form: VerbForm) -> bool {
    matches!(
        form.words.first().copied(),
        Some("ask" | "asks" | "asked" | "asking")
    )
}

fn is_tell(form: VerbForm) -> bool {
    matches!(
        form.words.first().copied(),
        Some(
            "tell"
                | "tells"
                | "told"
                | "telling"
                | "inform"
                | "informs"
                | "informed"
                | "assure"
                | "assures"
                | "assured"
                | "remind"
                | "reminds"
                | "reminded"
        )
    )
}

/// Ids of the entities mentioned inside `bytes`, each once, in text order.
fn mentioned_ids(entities: &ArticleEntities, bytes: Range<usize>) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for m in entities.mentions_in(bytes) {
        if let Some(e) = entities.entities.get(m.entity)
            && !e.entity_id.is_empty()
            && !ids.contains(&e.entity_id)
        {
            ids.push(e.entity_id.clone());
        }
    }
    ids
}

/// `bytes`, at most [`MAX_CONTENT_BYTES`] long, cut on a character boundary.
fn clip(text: &str, bytes: Range<usize>) -> Range<usize> {
    let mut end = bytes
        .end
        .min(bytes.start + MAX_CONTENT_BYTES)
        .min(text.len());
    while end > bytes.start && !text.is_char_boundary(end) {
        end -= 1;
    }
    bytes.start..end
}

#[cfg(test)]
mod tests;
