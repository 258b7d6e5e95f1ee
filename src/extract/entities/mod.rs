//! Stages 4 and 5: entities (countries, people, organizations, places) and coreference
//! (short names, pronouns and descriptions linked to the entity they mean).
//!
//! Submodules, one job each: `lexicon` (data files compiled in), `words` (word view and
//! capitalized runs), `names` (classifying runs), `dateline` (place and agency),
//! `coref` (grouping names, resolving pronouns and descriptions), `build` (API entities),
//! `ids` (stable ids).
//!
//! [`ArticleEntities::mentions`] holds, in text order:
//! - `NAME`/`ALIAS`: a name as written ("Enrique Pena Nieto"; "Pena Nieto", "Ma", "U.S.",
//!   an acronym in brackets such as "FSO"). Only the name words are covered: "Mexican
//!   President Enrique Pena Nieto" gives a `DEMONYM` mention "Mexican" (country MX) and a
//!   `NAME` mention "Enrique Pena Nieto"; the role is on the entity (`roles`).
//! - `DEMONYM`: "Mexican", "Chinese" → the country (a country named only so is an entity).
//! - `PRONOUN`: he/him/his/himself, she/her/hers/herself → a person: one earlier in the
//!   same sentence, else the latest person in subject or speaker position, else the latest
//!   person, within two paragraphs and of compatible gender (from titles such as "Mrs.",
//!   "spokeswoman", and from earlier pronouns). "it", "they", "we" are not resolved.
//! - `DESCRIPTION`: "the president", "the foreign minister" (latest person with that
//!   title), "the ministry", "the Ministry", "the bureau", "the company" (latest
//!   organization with that head word; "the company" skips listed and public bodies),
//!   "the country" (latest country named as a subject and not named again later in the
//!   same sentence). The span starts at "the".
//!
//! Unresolved pronouns and descriptions ("a spokesman") get no mention.

use super::offsets::{CharOffsets, CharSpan};
use super::sentences::Sentence;
use crate::api::v1::{Dateline, Entity, EntityRef, MentionKind};
use std::ops::Range;

mod build;
mod coref;
mod dateline;
pub mod ids;
pub mod lexicon;
mod names;
#[cfg(test)]
mod tests;
mod words;

/// One mention in the text, linked to an entity of the article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityMention {
    /// Byte range in the text.
    pub bytes: Range<usize>,
    /// Code point span in the text.
    pub span: CharSpan,
    /// How the mention refers to the entity.
    pub kind: MentionKind,
    /// Index of the entity in [`ArticleEntities::entities`].
    pub entity: usize,
}

/// The entities of one article and every mention of them, resolved pronouns and descriptions
/// included.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArticleEntities {
    /// The entities, each once, with their mentions filled in (API form).
    pub entities: Vec<Entity>,
    /// Every mention, sorted by start.
    pub mentions: Vec<EntityMention>,
}

impl ArticleEntities {
    /// The mentions that lie inside `bytes`, in text order.
    pub fn mentions_in(&self, bytes: Range<usize>) -> impl Iterator<Item = &EntityMention> {
        let first = self
            .mentions
            .partition_point(|m| m.bytes.start < bytes.start);
        self.mentions[first..]
            .iter()
            .take_while(move |m| m.bytes.start < bytes.end)
            .filter(move |m| m.bytes.end <= bytes.end)
    }

    /// A short reference to entity `index`.
    pub fn entity_ref(&self, index: usize) -> Option<EntityRef> {
        self.entities.get(index).map(|e| EntityRef {
            entity_id: e.entity_id.clone(),
            name: e.name.clone(),
            r#type: e.r#type,
            country_code: e.country_code.clone(),
        })
    }
}

/// Finds the entities of an article and resolves coreference inside it.
///
/// Looks at the article's `dateline` as [`super::dateline::parse`] found it (place and
/// agency) and at the sentences; never panics, and runs in time linear in the length of the
/// text.
pub fn recognize(
    text: &str,
    dateline: Option<&Dateline>,
    sentences: &[Sentence],
    offsets: &CharOffsets<'_>,
) -> ArticleEntities {
    let words = words::words(text, sentences);
    let vocabulary = words::lower_vocabulary(&words);
    let runs = words::runs(&words);
    let body_start = sentences.first().map_or(text.len(), |s| s.bytes.start);
    let prior = dateline::candidates(text, body_start, dateline);
    let mut cands = names::find(text, &words, &runs, &vocabulary, &prior);
    cands.extend(prior);
    cands.sort_by_key(|c| (c.bytes.start, c.bytes.end));
    let clusters = coref::resolve(text, &words, cands);
    build::entities(text, offsets, &clusters)
}
