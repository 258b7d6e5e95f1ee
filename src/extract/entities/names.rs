//! Named mentions: classifies each capitalized run as a country, person, organization or
//! place, from lexicons first, then from the context around it (titles, appositive roles,
//! head words, "said"), and links repeated and shortened names to what was found.

use foldhash::{HashMap, HashSet};
use std::borrow::Cow;
use std::ops::Range;

use super::ids;
use super::lexicon::{
    self, COUNTRY_FORMS, CountryForm, Gender, KNOWN_ORGS, MAX_TITLE_WORDS, NON_NAMES, ORG_HEADS,
    PLACE_HEADS, PLACES, TITLES, is_compass, is_currency_word, is_org_context_after,
    is_org_context_before, is_place_noun, is_speech_verb,
};
use super::words::{self, Run, Word};
use crate::api::v1::{EntityType, MentionKind};
use crate::extract::case;
use crate::extract::sentences::TokenKind;

/// A mention found in the text, before mentions are grouped into entities.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// Byte range in the text.
    pub bytes: Range<usize>,
    /// What the entity is.
    pub etype: EntityType,
    /// How the mention names it (NAME and ALIAS are settled once the canonical name is known).
    pub kind: MentionKind,
    /// Grouping key: mentions with the same key are one entity.
    pub key: String,
    /// The name as written.
    pub name: String,
    /// The lexicon's name for it, when it is a listed country or body.
    pub lexicon_name: Option<String>,
    /// A role or title the text gives it ("Mexican President").
    pub role: Option<String>,
    /// Lower-case title words, for descriptions such as "the president".
    pub titles: Vec<String>,
    /// The country it belongs to, when the text says so.
    pub country: Option<String>,
    /// Gender implied by a title.
    pub gender: Option<Gender>,
}

/// Grouping key of a person name.
pub fn person_key(name: &str) -> String {
    format!("P:{}", ids::slug(name))
}

/// Grouping key of an organization name.
pub fn org_key(name: &str) -> String {
    format!("O:{}", ids::slug(ids::org_id_base(name)))
}

/// Grouping key of a place name.
pub fn location_key(name: &str) -> String {
    format!("L:{}", ids::slug(name))
}

/// Grouping key of a country.
pub fn country_key(code: &str) -> String {
    format!("C:{code}")
}

/// A mention of a listed country; the European Union is an organization with code "EU".
pub fn country_candidate(
    bytes: Range<usize>,
    name: &str,
    country: &lexicon::Country,
    form: CountryForm,
) -> Candidate {
    let mut c = if country.code == "EU" {
        candidate(bytes, EntityType::Organization, org_key(country.name), name)
    } else {
        candidate(bytes, EntityType::Country, country_key(country.code), name)
    };
    c.lexicon_name = Some(country.name.to_owned());
    c.country = Some(country.code.to_owned());
    if form == CountryForm::Demonym {
        c.kind = MentionKind::Demonym;
    }
    c
}

/// A NAME candidate with no role, title, country or gender yet.
pub(super) fn candidate(
    bytes: Range<usize>,
    etype: EntityType,
    key: String,
    name: &str,
) -> Candidate {
    Candidate {
        bytes,
        etype,
        kind: MentionKind::Name,
        key,
        name: name.to_owned(),
        lexicon_name: None,
        role: None,
        titles: Vec::new(),
        country: None,
        gender: None,
    }
}

struct Classifier<'a, 't> {
    text: &'t str,
    words: &'a [Word<'t>],
    vocabulary: &'a HashSet<&'t str>,
}

/// A role after a name: its word range, the possessor's range ("Alibaba's"), the titles.
type Appositive = (Range<usize>, Option<Range<usize>>, Vec<String>);

/// A title found inside a run: word range, lexicon gender.
struct TitleMatch {
    words: Range<usize>,
    gender: Option<Gender>,
    title: String,
}

impl<'t> Classifier<'_, 't> {
    fn slice(&self, range: Range<usize>) -> &'t str {
        let (Some(a), Some(b)) = (self.words.get(range.start), self.words.get(range.end - 1))
        else {
            return "";
        };
        self.text.get(a.bytes.start..b.bytes.end).unwrap_or("")
    }

    fn bytes(&self, range: Range<usize>) -> Range<usize> {
        match (
            self.words.get(range.start),
            self.words.get(range.end.wrapping_sub(1)),
        ) {
            (Some(a), Some(b)) if range.start < range.end => a.bytes.start..b.bytes.end,
            _ => 0..0,
        }
    }

    /// The words of `range` joined by single spaces (see [`words::joined`]).
    fn joined(&self, range: Range<usize>) -> Cow<'t, str> {
        words::joined(self.text, self.words.get(range).unwrap_or(&[]))
    }

    /// Whether `word` occurs in lower case in the article ("Trade" and "trade").
    fn in_vocabulary(&self, word: &str) -> bool {
        case::with_lowercase(word, |lower| self.vocabulary.contains(lower))
    }

    fn word(&self, i: usize) -> Option<&Word<'t>> {
        self.words.get(i)
    }

    fn same_sentence(&self, i: usize, j: usize) -> bool {
        match (self.word(i), self.word(j)) {
            (Some(a), Some(b)) => a.sentence == b.sentence,
            _ => false,
        }
    }

    /// The word after `run`, if it is in the same sentence.
    fn next(&self, run: &Run) -> Option<&Word<'t>> {
        self.same_sentence(run.end - 1, run.end)
            .then(|| self.word(run.end))
            .flatten()
    }

    /// The word before `run`, if it is in the same sentence.
    fn prev(&self, run: &Run) -> Option<&Word<'t>> {
        let i = run.start.checked_sub(1)?;
        self.same_sentence(i, run.start)
            .then(|| self.word(i))
            .flatten()
    }

    /// Drops leading function words and sentence-initial common words, and trailing days
    /// and months.
    fn trim(&self, run: &Run) -> Run {
        let mut run = run.clone();
        while run.start < run.end {
            let w = &self.words[run.start];
            if self.lexicon_prefix(run.start, run.end).is_some() {
                break;
            }
            // Looked up only for a sentence-initial word (each look-up hashes every word).
            let has_head_or_title = || {
                self.words[run.clone()]
                    .iter()
                    .any(|x| ORG_HEADS.contains(x.text) || TITLES.contains_key(x.text))
            };
            let common = NON_NAMES.contains(w.text)
                || (w.first
                    && run.len() > 1
                    && !has_head_or_title()
                    && self.in_vocabulary(w.text)
                    && !COUNTRY_FORMS.contains_key(w.text));
            let connector = lexicon::is_connector(w.text) || w.kind == TokenKind::Punct;
            if (common || connector) && !w.possessive {
                run.start += 1;
            } else {
                break;
            }
        }
        while run.start < run.end {
            let w = &self.words[run.end - 1];
            if (NON_NAMES.contains(w.text) || lexicon::is_connector(w.text)) && !run.is_empty() {
                run.end -= 1;
            } else {
                break;
            }
        }
        run
    }

    /// The length of the longest listed name (country, body, place) at word `i`.
    fn lexicon_prefix(&self, i: usize, end: usize) -> Option<usize> {
        (1..=4.min(end.saturating_sub(i))).rev().find(|&n| {
            let joined = self.joined(i..i + n);
            COUNTRY_FORMS.contains_key(&*joined)
                || KNOWN_ORGS.contains_key(&*joined)
                || (n > 1 && is_listed_place(&joined))
        })
    }

    /// Whether a sentence-initial single word is probably a common word.
    fn common_initial(&self, run: &Run) -> bool {
        let w = &self.words[run.start];
        run.len() == 1 && w.first && (NON_NAMES.contains(w.text) || self.in_vocabulary(w.text))
    }

    fn country(&self, range: Range<usize>, run_end: usize) -> Option<Candidate> {
        let name = self.joined(range.clone());
        let (country, form) = COUNTRY_FORMS.get(&*name)?;
        // "US dollars", "Hong Kong dollars": a currency, not the country ("the Australian
        // dollar" still names Australia).
        if let Some(next) = self.word(run_end)
            && *form != CountryForm::Demonym
            && is_currency_word(next.text)
            && self.same_sentence(run_end - 1, run_end)
        {
            return None;
        }
        Some(country_candidate(self.bytes(range), &name, country, *form))
    }

    fn known_org(&self, range: Range<usize>) -> Option<Candidate> {
        let name = self.slice(range.clone());
        let lexicon_name = KNOWN_ORGS.get(name)?;
        let mut c = candidate(
            self.bytes(range),
            EntityType::Organization,
            org_key(lexicon_name),
            name,
        );
        c.lexicon_name = Some((*lexicon_name).to_owned());
        Some(c)
    }

    fn place(&self, range: Range<usize>) -> Option<Candidate> {
        let name = self.slice(range.clone());
        let code = case::with_uppercase(name, |upper| PLACES.get(upper).copied())?;
        let mut c = candidate(
            self.bytes(range),
            EntityType::Location,
            location_key(name),
            name,
        );
        c.country = code.map(str::to_owned);
        Some(c)
    }

    /// The longest title starting at word `i` (within `end`).
    fn title_at(&self, i: usize, end: usize) -> Option<TitleMatch> {
        let max = (*MAX_TITLE_WORDS).min(end.saturating_sub(i));
        (1..=max).rev().find_map(|n| {
            let title = self.joined(i..i + n);
            TITLES.get(&*title).map(|gender| TitleMatch {
                words: i..i + n,
                gender: *gender,
                title: title.into_owned(),
            })
        })
    }

    /// Whether the words form a plausible personal name.
    fn name_like(&self, range: Range<usize>) -> bool {
        let n = range.len();
        if n == 0 || n > 5 {
            return false;
        }
        let words = &self.words[range.clone()];
        if n == 1 && self.in_vocabulary(words[0].text) {
            return false;
        }
        if words.iter().any(|w| {
            NON_NAMES.contains(w.text)
                || ORG_HEADS.contains(w.text)
                || TITLES.contains_key(w.text)
                || w.text.split('-').any(|p| COUNTRY_FORMS.contains_key(p))
                || (w.kind == TokenKind::Word
                    && w.text
                        .chars()
                        .all(|c| c.is_uppercase() || !c.is_alphabetic())
                    && w.text.chars().count() > 1)
        }) {
            return false;
        }
        if words.iter().take(n.saturating_sub(1)).any(|w| w.possessive) {
            return false;
        }
        let whole = self.joined(range.clone());
        !(COUNTRY_FORMS.contains_key(&*whole)
            || KNOWN_ORGS.contains_key(&*whole)
            || is_listed_place(&whole))
    }

    fn person(&self, range: Range<usize>) -> Candidate {
        let name = self.slice(range.clone());
        candidate(
            self.bytes(range),
            EntityType::Person,
            person_key(name),
            name,
        )
    }

    fn org(&self, range: Range<usize>) -> Candidate {
        let mut range = range;
        if self.word(range.start).is_some_and(|w| w.text == "The") && range.len() > 1 {
            range.start += 1;
        }
        let name = self.slice(range.clone());
        let mut c = candidate(
            self.bytes(range.clone()),
            EntityType::Organization,
            org_key(name),
            name,
        );
        // "Chinese Ministry of Public Security", "US Embassy": the country it belongs to.
        if let Some(first) = self.word(range.start)
            && let Some((country, _)) = COUNTRY_FORMS.get(first.text)
        {
            c.country = Some(country.code.to_owned());
        }
        c
    }

    /// An acronym in brackets right after an organization's name: "(FOCAC)".
    fn acronym(&self, run: &Run, org: &Candidate, out: &mut Vec<Candidate>) {
        let open = self.next(run);
        let acr = self.word(run.end + 1);
        let close = self.word(run.end + 2);
        if let (Some(open), Some(acr), Some(close)) = (open, acr, close) {
            let all_caps = acr.text.chars().filter(|c| c.is_alphabetic()).count() >= 2
                && !acr.text.chars().any(char::is_lowercase);
            if open.is_punct("(") && close.is_punct(")") && all_caps && acr.is_cap() {
                let mut c = org.clone();
                c.bytes = acr.bytes.clone();
                c.name = acr.text.to_owned();
                c.kind = MentionKind::Alias;
                c.role = None;
                out.push(c);
            }
        }
    }

    /// Country mentions in a role ("Mexican President"), as demonyms.
    fn role_countries(&self, range: Range<usize>, out: &mut Vec<Candidate>) -> Option<String> {
        let mut code = None;
        let mut i = range.start;
        while i < range.end {
            // A multi-word place ("New Jersey Democrat") is a place, not "Jersey".
            let place = (2..=3.min(range.end - i))
                .rev()
                .find_map(|n| self.place(i..i + n).map(|c| (n, c)));
            if let Some((n, c)) = place {
                out.push(c);
                i += n;
                continue;
            }
            for n in (1..=3).rev() {
                if i + n > range.end {
                    continue;
                }
                if let Some(c) = self.country(i..i + n, range.end) {
                    code.get_or_insert_with(|| c.country.clone().unwrap_or_default());
                    out.push(c);
                    i += n - 1;
                    break;
                }
            }
            i += 1;
        }
        code
    }

    /// A role after the name: ", a scholar from ...", ", Alibaba's founder and chairman".
    /// Returns the role's word range and the possessor's range, if any.
    fn appositive(&self, run: &Run) -> Option<Appositive> {
        let comma = self.next(run)?;
        if !comma.is_punct(",") {
            return None;
        }
        let mut i = run.end + 1;
        if self
            .word(i)
            .is_some_and(|w| matches!(w.text, "a" | "an" | "the"))
        {
            i += 1;
        }
        let start = i;
        let mut possessor = None;
        // An organization or country possessor: "Alibaba's", "China's".
        let mut j = i;
        while j < i + 5 && self.word(j).is_some_and(Word::is_cap) {
            if self.word(j).is_some_and(|w| w.possessive) {
                possessor = Some(i..j + 1);
                i = j + 1;
                break;
            }
            j += 1;
        }
        let mut titles = Vec::new();
        let mut end = None;
        let mut k = i;
        let limit = (i + 6).min(self.words.len());
        while k < limit && self.same_sentence(run.start, k) {
            if let Some(t) = self.title_at(k, limit) {
                titles.push(t.title.to_lowercase());
                k = t.words.end;
                end = Some(k);
                if self.word(k).is_some_and(|w| w.text == "and")
                    && self.title_at(k + 1, limit).is_some()
                {
                    k += 1;
                }
                continue;
            }
            let w = self.word(k)?;
            // Adjectives and modifiers before the title: "a senior Mexican official".
            if end.is_none() && (w.is_lower() || COUNTRY_FORMS.contains_key(w.text)) {
                k += 1;
                continue;
            }
            break;
        }
        end.map(|end| (start..end, possessor, titles))
    }

    /// Strong evidence: lexicons, titles, head words, appositive roles, context nouns.
    fn classify(&self, run: &Run, out: &mut Vec<Candidate>) -> bool {
        let whole = self.slice(run.clone());
        let start_len = out.len();
        // Listed names, the whole run with a leading "The".
        if let Some(c) = self.known_org(run.clone()) {
            out.push(c);
            return true;
        }
        let run = &self.trim(run);
        if run.is_empty() {
            return true;
        }
        if let Some(c) = self
            .known_org(run.clone())
            .or_else(|| self.country(run.clone(), run.end))
            .or_else(|| self.place(run.clone()))
        {
            out.push(c);
            return true;
        }
        let _ = whole;
        let first = &self.words[run.start];
        // "East China", "Southwest China": a region of a country, left out.
        if run.len() == 2 && is_compass(first.text) {
            let rest = self.joined(run.start + 1..run.end);
            if COUNTRY_FORMS.contains_key(&*rest) {
                return true;
            }
        }
        // Title(s) then a name: "Mexican President Enrique Pena Nieto", "Mr. Ma".
        let mut last_title: Option<TitleMatch> = None;
        let mut gender = None;
        let mut titles = Vec::new();
        let mut i = run.start;
        while i < run.end {
            if let Some(t) = self.title_at(i, run.end) {
                i = t.words.end;
                gender = gender.or(t.gender);
                titles.push(t.title.to_lowercase());
                last_title = Some(t);
            } else {
                i += 1;
            }
        }
        if let Some(t) = &last_title {
            let name = t.words.end..run.end;
            if self.name_like(name.clone()) && t.words.end > run.start {
                let role_range = run.start..t.words.end;
                let mut role_start = role_range.start;
                if self.words[role_start].text == "The" {
                    role_start += 1;
                }
                let mut demonyms = Vec::new();
                let country = self.role_countries(role_range.clone(), &mut demonyms);
                out.extend(demonyms);
                let mut p = self.person(name.clone());
                p.role = Some(self.slice(role_start..role_range.end).to_owned());
                p.country = country;
                p.gender = gender;
                p.titles = expand_titles(&titles);
                // An appositive role too: "President X, the party's leader".
                if let Some((role, _, more)) = self.appositive(&name) {
                    p.titles.extend(expand_titles(&more));
                    let _ = role;
                }
                out.push(p);
                return true;
            }
        }
        // Organization head word: "Chinese Academy of Social Sciences", "Alibaba Group".
        let last = &self.words[run.end - 1];
        let has_head_of = self.words[run.clone()]
            .windows(2)
            .any(|w| ORG_HEADS.contains(w[0].text) && matches!(w[1].text, "of" | "for" | "on"));
        // Place head word: "Great Hall of the People", "Subic Bay", "Zhejiang Province".
        let has_place_head_of = self.words[run.clone()]
            .windows(2)
            .any(|w| PLACE_HEADS.contains(&w[0].text) && w[1].text == "of");
        if run.len() > 1
            && (PLACE_HEADS.contains(&last.text) || has_place_head_of)
            && !ORG_HEADS.contains(last.text)
        {
            let name = self.slice(run.clone());
            out.push(candidate(
                self.bytes(run.clone()),
                EntityType::Location,
                location_key(name),
                name,
            ));
            return true;
        }
        // Web companies: "Taobao.com".
        if run.len() == 1
            && [".com", ".net", ".org"]
                .iter()
                .any(|d| last.text.ends_with(d))
        {
            out.push(self.org(run.clone()));
            return true;
        }
        if (ORG_HEADS.contains(last.text) || has_head_of)
            && last_title.as_ref().is_none_or(|t| t.words.end < run.end)
        {
            if run.len() == 1 {
                if !self
                    .prev(run)
                    .is_some_and(|w| w.text == "the" || w.text == "The")
                {
                    // A head word alone ("Oil", "Industry") names nothing.
                    return true;
                }
                // "the Ministry": a description, resolved to the ministry named before.
                let mut c = self.org(run.clone());
                c.kind = MentionKind::Description;
                if let Some(p) = run.start.checked_sub(1) {
                    c.bytes.start = self.words[p].bytes.start;
                }
                out.push(c);
                return true;
            }
            let org = self.org(run.clone());
            self.acronym(run, &org, out);
            out.push(org);
            return true;
        }
        // Name, then a role: "Jack Ma, Alibaba's founder and chairman".
        if self.name_like(run.clone()) && !self.common_initial(run) {
            if let Some((role, possessor, titles)) = self.appositive(run) {
                let mut p = self.person(run.clone());
                p.role = Some(self.slice(role.clone()).to_owned());
                if let Some(possessor) = possessor {
                    if let Some(c) = self.country(possessor.clone(), possessor.end) {
                        p.country = c.country.clone();
                        out.push(c);
                    } else if let Some(c) = self.known_org(possessor.clone()) {
                        out.push(c);
                    } else {
                        out.push(self.org(possessor));
                    }
                }
                p.gender = titles
                    .iter()
                    .find_map(|t| TITLES.get(t.as_str()).copied().flatten());
                p.titles = expand_titles(&titles);
                out.push(p);
                return true;
            }
            // A role noun before the name: "spokesman Liu Jianchao", "analyst Ann Lee".
            if let Some(prev) = self.prev(run)
                && prev.is_lower()
                && let Some(t) = TITLES.get(prev.text)
            {
                let mut p = self.person(run.clone());
                p.role = Some(prev.text.to_owned());
                p.gender = *t;
                p.titles = expand_titles(&[prev.text.to_owned()]);
                out.push(p);
                return true;
            }
        }
        // "Alibaba's founder", "Alibaba headquarters", "oil company Rosneft".
        if let Some(next) = self.next(run) {
            let role_after = last.possessive && next.is_lower() && TITLES.contains_key(next.text);
            if (role_after || (!last.possessive && is_org_context_after(next.text)))
                && !self.common_initial(run)
            {
                out.push(self.org(run.clone()));
                return true;
            }
            let adjective = ["an", "ese", "ish"].iter().any(|s| last.text.ends_with(s))
                || COUNTRY_FORMS.contains_key(last.text);
            if !last.possessive
                && is_place_noun(next.text)
                && !self.common_initial(run)
                && !adjective
            {
                let name = self.slice(run.clone());
                out.push(candidate(
                    self.bytes(run.clone()),
                    EntityType::Location,
                    location_key(name),
                    name,
                ));
                return true;
            }
        }
        if let Some(prev) = self.prev(run)
            && prev.is_lower()
            && is_org_context_before(prev.text)
            && run.len() <= 4
        {
            out.push(self.org(run.clone()));
            return true;
        }
        out.len() > start_len
    }

    /// Weak evidence, for runs nothing else decided: names seen before, speech verbs,
    /// prepositions of place; else any listed names inside the run.
    fn classify_weak(&self, run: &Run, known: &Known, out: &mut Vec<Candidate>) {
        let run = &self.trim(run);
        if run.is_empty() {
            return;
        }
        let name = self.slice(run.clone());
        if let Some((etype, key)) = known.names.get(name) {
            let mut c = candidate(self.bytes(run.clone()), *etype, key.clone(), name);
            c.kind = MentionKind::Alias;
            out.push(c);
            return;
        }
        let words: Vec<&str> = self.words[run.clone()].iter().map(|w| w.text).collect();
        if let Some(key) = known.person_containing(&words, self.words[run.start].bytes.start) {
            let mut c = candidate(self.bytes(run.clone()), EntityType::Person, key, name);
            c.kind = MentionKind::Alias;
            out.push(c);
            return;
        }
        // A listed place or country before a name: "California Arnold Schwarzenegger".
        let mut run = run.clone();
        // A one-word place counts here only before a full name.
        let one_word_place = run.len() >= 3
            && is_listed_place(self.words[run.start].text)
            && self.name_like(run.start + 1..run.end);
        if let Some(n) = self
            .lexicon_prefix(run.start, run.end)
            .or(one_word_place.then_some(1))
            && n < run.len()
            && self.name_like(run.start + n..run.end)
        {
            let head = run.start..run.start + n;
            if let Some(c) = self
                .known_org(head.clone())
                .or_else(|| self.country(head.clone(), head.end))
                .or_else(|| self.place(head.clone()))
            {
                out.push(c);
                run.start += n;
            }
        }
        let run = &run;
        let common = self.common_initial(run);
        let next = self.next(run);
        let prev = self.prev(run);
        let before_prev = run
            .start
            .checked_sub(2)
            .filter(|&i| self.same_sentence(i, run.start))
            .and_then(|i| self.word(i));
        let speech_after =
            next.is_some_and(|w| is_speech_verb(w.text)) && !self.words[run.end - 1].possessive;
        let speech_before = prev.is_some_and(|w| matches!(w.text, "said" | "says"))
            || (prev.is_some_and(|w| w.text == "to")
                && before_prev.is_some_and(|w| w.text == "according"));
        // "Paul Kagame of Rwanda", "the Bush administration".
        let country_at = |i: usize| {
            self.word(i)
                .is_some_and(|w| COUNTRY_FORMS.contains_key(w.text) || w.text == "Republic")
        };
        let of_country = next.is_some_and(|w| w.text == "of")
            && (country_at(run.end + 1)
                || (self.word(run.end + 1).is_some_and(|w| w.text == "the")
                    && country_at(run.end + 2)))
            && run.len() >= 2;
        let administration = next.is_some_and(|w| w.text == "administration");
        if (speech_after || speech_before || of_country || administration)
            && !common
            && self.name_like(run.clone())
        {
            out.push(self.person(run.clone()));
            return;
        }
        // A modifier of a role: "Agriculture secretary", "Alibaba founder".
        let before_role = next.is_some_and(|w| w.is_lower() && TITLES.contains_key(w.text));
        let prev = if prev.is_some_and(|w| w.text == "the") {
            before_prev
        } else {
            prev
        };
        let place_prep = !before_role
            && prev.is_some_and(|w| {
                matches!(
                    w.text,
                    "in" | "at" | "from" | "near" | "to" | "visit" | "visited" | "visiting" | "via"
                )
            });
        let last = self.words[run.end - 1].text;
        let adjective = ["an", "ese", "ish", "ic"].iter().any(|s| last.ends_with(s));
        if place_prep
            && !common
            && !adjective
            && run.len() <= 3
            && !self.words[run.end - 1].possessive
        {
            let name = self.slice(run.clone());
            if self.name_like(run.clone()) {
                out.push(candidate(
                    self.bytes(run.clone()),
                    EntityType::Location,
                    location_key(name),
                    name,
                ));
                return;
            }
        }
        // Listed names inside the run, hyphenated parts included ("China-Mexico").
        let mut i = run.start;
        while i < run.end {
            let found = (1..=4.min(run.end - i)).rev().find_map(|n| {
                self.known_org(i..i + n)
                    .or_else(|| self.country(i..i + n, i + n))
                    .map(|c| (n, c))
            });
            if let Some((n, c)) = found {
                out.push(c);
                i += n;
                continue;
            }
            self.hyphen_parts(i, out);
            i += 1;
        }
    }

    fn hyphen_parts(&self, i: usize, out: &mut Vec<Candidate>) {
        let Some(w) = self.word(i) else { return };
        if !w.text.contains('-') {
            return;
        }
        let mut offset = w.bytes.start;
        for part in w.text.split('-') {
            if let Some((country, form)) = COUNTRY_FORMS.get(part) {
                out.push(country_candidate(
                    offset..offset + part.len(),
                    part,
                    country,
                    *form,
                ));
            }
            offset += part.len() + 1;
        }
    }
}

/// Whether `name` is a listed place or region, in any case.
fn is_listed_place(name: &str) -> bool {
    case::with_uppercase(name, |upper| PLACES.contains_key(upper))
}

/// Title words for descriptions: "foreign minister" → also "minister".
fn expand_titles(titles: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for t in titles {
        let t = t.to_lowercase();
        if let Some(last) = t.rsplit(' ').next()
            && last != t
        {
            out.push(last.to_owned());
        }
        out.push(t);
    }
    out
}

/// Names found by strong evidence, for the weak pass.
#[derive(Default)]
struct Known {
    /// Name as written → type and key.
    names: HashMap<String, (EntityType, String)>,
    /// Persons: name words, key, byte starts of their mentions (in the order found).
    persons: Vec<(Vec<String>, String, Vec<usize>)>,
    /// Person index by key.
    person_index: HashMap<String, usize>,
    /// Persons whose name has this word.
    by_word: HashMap<String, Vec<usize>>,
}

/// How many persons sharing a name word a shortened name is compared with.
const MAX_PERSONS: usize = 50;
/// How many mentions of one person are compared for nearness.
const MAX_STARTS: usize = 50;

impl Known {
    fn add(&mut self, c: &Candidate) {
        if matches!(c.kind, MentionKind::Description | MentionKind::Demonym) {
            return;
        }
        self.names
            .entry(c.name.clone())
            .or_insert_with(|| (c.etype, c.key.clone()));
        if c.etype == EntityType::Person {
            if let Some(&p) = self.person_index.get(&c.key) {
                if let Some(person) = self.persons.get_mut(p) {
                    person.2.push(c.bytes.start);
                }
            } else {
                let words: Vec<String> = c.name.split_whitespace().map(str::to_owned).collect();
                let index = self.persons.len();
                for w in &words {
                    let list = self.by_word.entry(w.clone()).or_default();
                    if list.last() != Some(&index) {
                        list.push(index);
                    }
                }
                self.person_index.insert(c.key.clone(), index);
                self.persons
                    .push((words, c.key.clone(), vec![c.bytes.start]));
            }
        }
    }

    /// The person whose name contains `words` as a contiguous part, nearest before `at`
    /// (else nearest after).
    fn person_containing(&self, words: &[&str], at: usize) -> Option<String> {
        let first = words.first()?;
        let list = self.by_word.get(*first)?;
        let mut best: Option<(bool, usize, &String)> = None;
        for &p in list.iter().rev().take(MAX_PERSONS) {
            let Some((name, key, starts)) = self.persons.get(p) else {
                continue;
            };
            if name.len() <= words.len()
                || !name
                    .windows(words.len())
                    .any(|w| w.iter().zip(words).all(|(a, b)| a == b))
            {
                continue;
            }
            for &s in starts.iter().rev().take(MAX_STARTS) {
                let (before, dist) = if s <= at {
                    (true, at - s)
                } else {
                    (false, s - at)
                };
                let better = match best {
                    None => true,
                    Some((b_before, b_dist, _)) => {
                        (before && !b_before) || (before == b_before && dist < b_dist)
                    }
                };
                if better {
                    best = Some((before, dist, key));
                }
            }
        }
        best.map(|(_, _, k)| k.clone())
    }
}

/// Finds the named mentions (and capitalized descriptions such as "the Ministry") in the
/// words, in text order.
pub fn find(
    text: &str,
    words: &[Word<'_>],
    runs: &[Run],
    vocabulary: &HashSet<&str>,
    prior: &[Candidate],
) -> Vec<Candidate> {
    let classifier = Classifier {
        text,
        words,
        vocabulary,
    };
    let mut strong = Vec::new();
    let mut undecided = Vec::new();
    for run in runs {
        let mut found = Vec::new();
        if classifier.classify(run, &mut found) {
            strong.extend(found);
        } else {
            undecided.push(run.clone());
        }
    }
    let mut known = Known::default();
    for c in prior.iter().chain(&strong) {
        known.add(c);
    }
    // Shortened names found by strong evidence ("Mr. Ma") are kept as found; the
    // grouping step links them to full names.
    let mut weak = Vec::new();
    for run in &undecided {
        let before = weak.len();
        classifier.classify_weak(run, &known, &mut weak);
        for c in &weak[before..] {
            if c.kind != MentionKind::Alias {
                known.add(c);
            }
        }
    }
    strong.extend(weak);
    strong.sort_by_key(|c| (c.bytes.start, c.bytes.end));
    // One mention per place: "(FSO)" is found both as an acronym and as a known name.
    strong.dedup_by(|b, a| a.bytes == b.bytes);
    strong
}
