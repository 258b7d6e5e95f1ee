//! Turns clusters into the API's entities: canonical name, aliases, roles, country, id and
//! mentions, and the article-wide mention list.

use foldhash::HashSet;

use super::coref::Cluster;
use super::ids;
use super::lexicon::COUNTRY_BY_CODE;
use super::{ArticleEntities, EntityMention};
use crate::api::v1::{Entity, EntityType, Mention, MentionKind};
use crate::extract::offsets::CharOffsets;

/// Whether a country name form is an abbreviation ("U.S.", "UK") rather than a name.
fn is_abbreviation(name: &str) -> bool {
    !name.chars().any(char::is_lowercase)
}

/// The fullest form of the name in the article.
fn canonical(cluster: &Cluster) -> String {
    let names = cluster
        .mentions
        .iter()
        .filter(|m| matches!(m.kind, MentionKind::Name | MentionKind::Alias) && !m.name.is_empty());
    match cluster.etype {
        EntityType::Country => {
            let written = names
                .map(|m| m.name.as_str())
                .filter(|n| !is_abbreviation(n))
                .max_by_key(|n| (n.len(), std::cmp::Reverse(*n)));
            let lexicon = cluster
                .mentions
                .iter()
                .find_map(|m| m.lexicon_name.clone())
                .or_else(|| {
                    cluster.mentions.iter().find_map(|m| {
                        m.country
                            .as_deref()
                            .and_then(|c| COUNTRY_BY_CODE.get(c))
                            .map(|c| c.name.to_owned())
                    })
                });
            written.map(str::to_owned).or(lexicon).unwrap_or_default()
        }
        _ => names
            .map(|m| m.name.as_str())
            .max_by_key(|n| {
                (
                    n.split_whitespace().count(),
                    n.chars().any(char::is_lowercase),
                    n.len(),
                )
            })
            .unwrap_or_default()
            .to_owned(),
    }
}

fn entity_id(cluster: &Cluster, name: &str) -> String {
    match cluster.etype {
        EntityType::Country => {
            let code = cluster
                .mentions
                .iter()
                .find_map(|m| m.country.clone())
                .unwrap_or_default();
            ids::country_id(&code)
        }
        EntityType::Person => ids::person_id(name),
        EntityType::Organization => {
            let lexicon = cluster.mentions.iter().find_map(|m| m.lexicon_name.clone());
            ids::org_id(lexicon.as_deref().unwrap_or(name))
        }
        _ => ids::location_id(name),
    }
}

/// Whether the entity is named in the article (not only by a demonym such as "Mexican").
fn is_named(cluster: &Cluster) -> bool {
    cluster.mentions.iter().any(|m| match m.kind {
        MentionKind::Name | MentionKind::Alias => true,
        // A country named only by its people or adjective ("the Sudanese capital").
        MentionKind::Demonym => cluster.etype == EntityType::Country,
        _ => false,
    })
}

/// Builds the article's entities and its sorted mention list.
pub fn entities(text: &str, offsets: &CharOffsets<'_>, clusters: &[Cluster]) -> ArticleEntities {
    let mut out = ArticleEntities::default();
    for cluster in clusters.iter().filter(|c| is_named(c)) {
        let index = out.entities.len();
        let name = canonical(cluster);
        if name.is_empty() {
            continue;
        }
        let mut aliases = Vec::new();
        let mut seen: HashSet<String> = std::iter::once(name.clone()).collect();
        let mut roles = Vec::new();
        let mut mentions = Vec::new();
        let mut country_code = String::new();
        for m in &cluster.mentions {
            let Some(written) = text.get(m.bytes.clone()) else {
                continue;
            };
            let kind = match m.kind {
                MentionKind::Name | MentionKind::Alias => {
                    if m.name == name {
                        MentionKind::Name
                    } else {
                        if seen.insert(m.name.clone()) {
                            aliases.push(m.name.clone());
                        }
                        MentionKind::Alias
                    }
                }
                other => other,
            };
            if let Some(role) = &m.role
                && !roles.contains(role)
            {
                roles.push(role.clone());
            }
            if country_code.is_empty()
                && let Some(c) = &m.country
            {
                country_code.clone_from(c);
            }
            let span = offsets.span(m.bytes.start, m.bytes.end);
            mentions.push(Mention {
                span: Some(span.to_api()),
                text: written.to_owned(),
                kind: kind.into(),
            });
            out.mentions.push(EntityMention {
                bytes: m.bytes.clone(),
                span,
                kind,
                entity: index,
            });
        }
        let entity_id = entity_id(cluster, &name);
        out.entities.push(Entity {
            entity_id,
            r#type: cluster.etype.into(),
            name,
            aliases,
            country_code,
            roles,
            mentions,
        });
    }
    out.mentions
        .sort_by_key(|m| (m.bytes.start, std::cmp::Reverse(m.bytes.end)));
    out
}
