//! Stages 4 and 5: entities (countries, people, organizations, places) and coreference
//! (short names, pronouns and descriptions linked to the entity they mean).

use super::offsets::{CharOffsets, CharSpan};
use super::sentences::Sentence;
use crate::api::v1::{Entity, EntityRef, MentionKind};
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
/// Looks at the dateline (place and agency) and at the sentences; never panics, and runs
/// in time linear in the length of the text.
pub fn recognize(text: &str, sentences: &[Sentence], offsets: &CharOffsets<'_>) -> ArticleEntities {
    let words = words::words(text, sentences);
    let vocabulary = words::lower_vocabulary(&words);
    let runs = words::runs(&words);
    let body_start = sentences.first().map_or(text.len(), |s| s.bytes.start);
    let prior = dateline::candidates(text, body_start, offsets);
    let mut cands = names::find(text, &words, &runs, &vocabulary, &prior);
    cands.extend(prior);
    cands.sort_by_key(|c| (c.bytes.start, c.bytes.end));
    let clusters = coref::resolve(&words, cands);
    build::entities(text, offsets, &clusters)
}
