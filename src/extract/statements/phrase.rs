//! Speaker phrases: the noun phrase a cue attaches to (looking left for "X said", right for
//! "said X" and "according to X"), an appositive that gives the speaker's role ("Jack Ma,
//! Alibaba's founder and chairman,"), the split of a phrase into role and name, and the
//! resolution of a phrase to an entity of the article.
//!
//! Every walk is bounded by a few tokens, so the stage stays linear in the text.

use std::ops::Range;

use super::Tok;
use super::lexicon::{
    ADJUNCT_STARTS, ARTICLES, DETERMINERS, NP_PREPOSITIONS, PRONOUNS, ROLE_WORDS, STOP,
};
use crate::api::v1::{EntityRef, EntityType, MentionKind, SpeakerResolution};
use crate::extract::entities::ArticleEntities;

/// Longest speaker phrase, in tokens.
pub const MAX_PHRASE: usize = 12;
/// Longest appositive, in tokens.
const MAX_APPOSITIVE: usize = 16;

/// A speaker phrase: its tokens and, when an appositive describes it, the appositive's tokens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phrase {
    /// Token range of the noun phrase the cue attaches to.
    pub np: Range<usize>,
    /// Token range of an appositive naming the speaker's role.
    pub appositive: Option<Range<usize>>,
}

/// Whether a token is a capitalized word.
pub fn is_name_word(tok: &Tok<'_>) -> bool {
    tok.is_word() && tok.text.chars().next().is_some_and(char::is_uppercase)
}

/// Whether `tok` may stand inside a noun phrase as a content word.
fn content_word(tok: &Tok<'_>) -> bool {
    tok.is_word() && !STOP.contains(tok.lower.as_str()) && !tok.is_speech_verb()
}

/// The noun phrase that ends right before token `end`, not reaching before `floor`.
pub fn left_np(toks: &[Tok<'_>], floor: usize, end: usize) -> Option<Range<usize>> {
    if end <= floor {
        return None;
    }
    let head = &toks[end - 1];
    if head.is_word() && PRONOUNS.contains(head.lower.as_str()) && head.lower != "who" {
        return Some(end - 1..end);
    }
    if !content_word(head)
        || DETERMINERS.contains(head.lower.as_str())
        || NP_PREPOSITIONS.contains(head.lower.as_str())
        || head.is_number()
    {
        return None;
    }
    let mut start = end - 1;
    let mut last_was_det = false;
    while start > floor && end - start < MAX_PHRASE {
        let t = &toks[start - 1];
        let lower = t.lower.as_str();
        if t.is_word() && DETERMINERS.contains(lower) && !last_was_det {
            start -= 1;
            last_was_det = true;
            continue;
        }
        if t.is_word()
            && matches!(lower, "with" | "to")
            && start >= floor + 2
            && matches!(toks[start - 2].lower.as_str(), "familiar" | "close")
        {
            // "officials familiar with the matter", "a source close to the talks".
            start -= 2;
            last_was_det = false;
            continue;
        }
        if t.is_word() && lower == "to" {
            // "an aide to Ruiz", "the ambassador to Chile".
            let before = start.checked_sub(2).filter(|&b| b >= floor);
            if before.is_some_and(|b| ROLE_WORDS.contains(toks[b].lower.as_str())) {
                start -= 1;
                last_was_det = false;
                continue;
            }
            break;
        }
        if t.is_word() && NP_PREPOSITIONS.contains(lower) {
            // "a spokesman for the ministry": the preposition needs a noun before it.
            let before = start.checked_sub(2).filter(|&b| b >= floor);
            if before.is_some_and(|b| content_word(&toks[b]) && !toks[b].is_number()) {
                start -= 1;
                last_was_det = false;
                continue;
            }
            break;
        }
        if last_was_det {
            break;
        }
        if t.is_word() && (lower == "and" || t.text == "&") {
            // "Smith and Wesson": only between two names.
            let before = start.checked_sub(2).filter(|&b| b >= floor);
            if is_name_word(&toks[start]) && before.is_some_and(|b| is_name_word(&toks[b])) {
                start -= 1;
                continue;
            }
            break;
        }
        if (content_word(t) || t.is_number()) && !PRONOUNS.contains(lower) {
            start -= 1;
            continue;
        }
        // A capitalized function word inside a name after a title: "spokesman Per Paust".
        let titled = start >= floor + 2 && ROLE_WORDS.contains(toks[start - 2].lower.as_str());
        if is_name_word(t) && is_name_word(&toks[start]) && titled {
            start -= 1;
            continue;
        }
        break;
    }
    // Do not start on a preposition.
    while start < end && NP_PREPOSITIONS.contains(toks[start].lower.as_str()) {
        start += 1;
    }
    (start < end).then_some(start..end)
}

/// The noun phrase that starts at token `from`, not reaching `ceiling`: the speaker of "said
/// X" and "according to X".
pub fn right_np(toks: &[Tok<'_>], from: usize, ceiling: usize) -> Option<Range<usize>> {
    let mut end = from;
    let first = toks.get(from).filter(|_| from < ceiling)?;
    if first.is_word() && PRONOUNS.contains(first.lower.as_str()) && first.lower != "who" {
        return Some(from..from + 1);
    }
    let mut words = 0;
    while end < ceiling && end - from < MAX_PHRASE {
        let t = &toks[end];
        let lower = t.lower.as_str();
        if !t.is_word() && !t.is_number() {
            break;
        }
        if DETERMINERS.contains(lower) {
            end += 1;
            continue;
        }
        if NP_PREPOSITIONS.contains(lower) {
            // "the head of the ministry", but not "said X in a statement".
            let next = toks.get(end + 1).filter(|_| end + 1 < ceiling);
            let named = next.is_some_and(|n| {
                is_name_word(n) || (DETERMINERS.contains(n.lower.as_str()) && lower != "in")
            });
            // "former secretary of state X", "chief of staff X": a role's own complement.
            let of_role = lower == "of"
                && end > from
                && ROLE_WORDS.contains(toks[end - 1].lower.as_str())
                && next.is_some_and(content_word);
            if words > 0 && (named || of_role) && lower != "in" {
                end += 1;
                continue;
            }
            break;
        }
        if lower == "and" || t.text == "&" {
            let next = toks.get(end + 1).filter(|_| end + 1 < ceiling);
            if words > 0
                && end > from
                && is_name_word(&toks[end - 1])
                && next.is_some_and(is_name_word)
            {
                end += 1;
                continue;
            }
            break;
        }
        // A year or a number inside the phrase: "a 2008 campaign veteran".
        if t.is_number()
            && end > from
            && toks
                .get(end + 1)
                .filter(|_| end + 1 < ceiling)
                .is_some_and(content_word)
        {
            end += 1;
            continue;
        }
        if !content_word(t) || (words > 0 && !is_name_word(t) && ADJUNCT_STARTS.contains(lower)) {
            break;
        }
        if words > 0
            && !is_name_word(t)
            && !ROLE_WORDS.contains(lower)
            && (lower.ends_with("ly") || lower.ends_with("ed"))
        {
            // An adverb or a participle ends the phrase ("said Smith angrily").
            break;
        }
        words += 1;
        end += 1;
    }
    // Drop trailing determiners and prepositions.
    while end > from
        && (DETERMINERS.contains(toks[end - 1].lower.as_str())
            || NP_PREPOSITIONS.contains(toks[end - 1].lower.as_str())
            || toks[end - 1].lower == "and")
    {
        end -= 1;
    }
    (words > 0 && end > from).then_some(from..end)
}

/// An appositive after a comma at token `comma`: "Jack Ma, Alibaba's founder and chairman,".
/// Ends before the next comma or the end of the clause; `None` for a relative clause.
pub fn appositive_after(toks: &[Tok<'_>], comma: usize, ceiling: usize) -> Option<Range<usize>> {
    if toks.get(comma).is_none_or(|t| t.text != ",") {
        return None;
    }
    let from = comma + 1;
    let first = toks.get(from).filter(|_| from < ceiling)?;
    if !first.is_word() || matches!(first.lower.as_str(), "who" | "which" | "whose" | "that") {
        return None;
    }
    let mut end = from;
    while end < ceiling && end - from < MAX_APPOSITIVE {
        let t = &toks[end];
        if t.is_punct() || t.is_speech_verb() {
            break;
        }
        end += 1;
    }
    let stopped_well = end >= ceiling || toks.get(end).is_some_and(Tok::is_punct);
    let has_role = toks[from..end]
        .iter()
        .any(|t| ROLE_WORDS.contains(t.lower.as_str()));
    (end > from && stopped_well && has_role).then_some(from..end)
}

/// The speaker's role and, for a phrase with a name, the name as written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parts {
    /// Title and role words ("Mexican President").
    pub role: String,
    /// The name as written, or the description without its article.
    pub name: String,
    /// Token range of the name inside the phrase.
    pub name_tokens: Range<usize>,
    /// Whether the phrase holds a name (not only a description).
    pub is_name: bool,
}

/// Joins the text of `toks[range]` as written, white space collapsed.
pub fn words(text: &str, toks: &[Tok<'_>], range: Range<usize>) -> String {
    let (Some(first), Some(last)) = (
        toks.get(range.start),
        range.end.checked_sub(1).and_then(|e| toks.get(e)),
    ) else {
        return String::new();
    };
    if range.start >= range.end {
        return String::new();
    }
    let raw = text.get(first.bytes.start..last.bytes.end).unwrap_or("");
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Splits a speaker phrase into role and name.
pub fn split(text: &str, toks: &[Tok<'_>], phrase: &Phrase) -> Parts {
    let mut np = phrase.np.clone();
    // "Ana Ruiz of the ministry": the name ends at the head.
    let h = head(toks, &np);
    if h + 1 < np.end
        && toks
            .get(h)
            .is_some_and(|t| is_name_word(t) && !ROLE_WORDS.contains(t.lower.as_str()))
    {
        np.end = h + 1;
    }
    let Some(head) = np.end.checked_sub(1).and_then(|e| toks.get(e)) else {
        return Parts::default();
    };
    let appositive = phrase
        .appositive
        .clone()
        .map(|a| words(text, toks, a))
        .unwrap_or_default();
    if !is_name_word(head) || ROLE_WORDS.contains(head.lower.as_str()) {
        // A description, as written: "government officials", "a spokesman for the ministry".
        let mut start = np.start;
        let capitalized = toks[np.start + 1..np.end].iter().all(is_name_word);
        while capitalized && start + 1 < np.end && ARTICLES.contains(toks[start].lower.as_str()) {
            start += 1;
        }
        return Parts {
            role: appositive,
            name: words(text, toks, start..np.end),
            name_tokens: start..np.end,
            is_name: false,
        };
    }
    // The name: the run of capitalized words at the end, after the last role word.
    let mut name_start = np.end - 1;
    while name_start > np.start {
        let t = &toks[name_start - 1];
        if ROLE_WORDS.contains(t.lower.as_str())
            || ARTICLES.contains(t.lower.as_str())
            || !(is_name_word(t) || t.is_abbreviation())
        {
            break;
        }
        if t.text.ends_with("'s") || t.text.ends_with("’s") {
            break;
        }
        name_start -= 1;
    }
    // "an aide to Ruiz", "the president of Mexico": the name is not the speaker's.
    if name_start + 1 == np.end
        && name_start > np.start
        && (NP_PREPOSITIONS.contains(toks[name_start - 1].lower.as_str())
            || toks[name_start - 1].lower == "to")
    {
        return Parts {
            role: appositive,
            name: words(text, toks, np.clone()),
            name_tokens: np,
            is_name: false,
        };
    }
    let mut role_start = np.start;
    while role_start < name_start && ARTICLES.contains(toks[role_start].lower.as_str()) {
        role_start += 1;
    }
    let role = if !appositive.is_empty() {
        appositive
    } else if name_start > role_start {
        words(text, toks, role_start..name_start)
    } else {
        String::new()
    };
    Parts {
        role,
        name: words(text, toks, name_start..np.end),
        name_tokens: name_start..np.end,
        is_name: true,
    }
}

/// A speaker resolved (or not) to an entity of the article.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolved {
    /// The entity, or a reference with only a name when unresolved.
    pub speaker: EntityRef,
    /// How it was resolved.
    pub resolution: SpeakerResolution,
}

fn type_rank(t: i32) -> Option<usize> {
    match EntityType::try_from(t).ok()? {
        EntityType::Person => Some(0),
        EntityType::Organization => Some(1),
        EntityType::Country => Some(2),
        _ => None,
    }
}

/// The head of a noun phrase: its last word before a preposition that opens a complement
/// ("a spokesman for the ministry" -> "spokesman"); a preposition inside a name ("Bank of
/// Chile") opens none.
pub fn head(toks: &[Tok<'_>], np: &Range<usize>) -> usize {
    (np.start + 1..np.end)
        .find(|&k| {
            let preposition = toks
                .get(k)
                .is_some_and(|t| NP_PREPOSITIONS.contains(t.lower.as_str()) || t.lower == "to");
            let in_name = toks
                .get(k - 1)
                .is_some_and(|t| is_name_word(t) && !ROLE_WORDS.contains(t.lower.as_str()))
                && toks.get(k + 1).is_some_and(is_name_word);
            preposition && !in_name
        })
        .map_or(np.end, |k| k)
        .saturating_sub(1)
        .max(np.start)
}

/// Whether a phrase with this head word speaks for the country or body named in it ("the
/// Chinese government", "U.S. authorities"), so that the phrase resolves to that entity.
fn speaks_for_named(head: &str) -> bool {
    matches!(
        head,
        "government" | "governments" | "authorities" | "administration" | "cabinet" | "side"
    )
}

/// Where a speaker phrase lies: all of it, its head word and its last word.
pub struct Place<'a> {
    /// Bytes of the whole phrase.
    pub bytes: Range<usize>,
    /// Bytes of the head word.
    pub head: Range<usize>,
    /// The head word in lower case.
    pub head_word: &'a str,
    /// Bytes of the last word.
    pub last: Range<usize>,
}

fn covers(outer: &Range<usize>, inner: &Range<usize>) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// The country a place named alone stands for ("Washington said"): the article's entity of
/// that country.
fn country_of_place(entities: &ArticleEntities, place: usize) -> Option<usize> {
    let code = &entities.entities.get(place)?.country_code;
    if code.is_empty() {
        return None;
    }
    entities
        .entities
        .iter()
        .position(|e| e.r#type == EntityType::Country as i32 && &e.country_code == code)
}

/// Resolves a speaker phrase through the article's mentions: a name or alias of a person,
/// then of an organization, then of a country; else a pronoun or description linked to an
/// entity. Only a mention that covers the head counts ("U.S. officials" are not the United
/// States), or a person named at the end ("Governor of California Ana Ruiz"), unless the head
/// speaks for what is named ("the Chinese government"). A place named alone stands for its
/// country's government. `None` when no mention resolves.
pub fn resolve(entities: &ArticleEntities, place: &Place<'_>) -> Option<Resolved> {
    let any = speaks_for_named(place.head_word);
    let mut best: Option<((usize, usize), usize, SpeakerResolution)> = None;
    for m in entities.mentions_in(place.bytes.clone()) {
        let Some(entity) = entities.entities.get(m.entity) else {
            continue;
        };
        let person = entity.r#type == EntityType::Person as i32;
        if !(any || covers(&m.bytes, &place.head) || (person && covers(&m.bytes, &place.last))) {
            continue;
        }
        let mut target = m.entity;
        if entity.r#type == EntityType::Location as i32 && covers(&m.bytes, &place.bytes) {
            let Some(country) = country_of_place(entities, m.entity) else {
                continue;
            };
            target = country;
        }
        let Some(rank) = entities
            .entities
            .get(target)
            .and_then(|e| type_rank(e.r#type))
        else {
            continue;
        };
        let (kind_rank, resolution) = match m.kind {
            MentionKind::Name => (0, SpeakerResolution::Name),
            MentionKind::Alias => (0, SpeakerResolution::Alias),
            MentionKind::Pronoun => (1, SpeakerResolution::Pronoun),
            MentionKind::Description => (1, SpeakerResolution::Description),
            _ => continue,
        };
        let key = (kind_rank, rank);
        if best.as_ref().is_none_or(|(k, _, _)| key < *k) {
            best = Some((key, target, resolution));
        }
    }
    let (_, entity, resolution) = best?;
    Some(Resolved {
        speaker: entities.entity_ref(entity)?,
        resolution,
    })
}
