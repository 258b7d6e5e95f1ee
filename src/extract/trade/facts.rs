//! Trade facts from clauses: the kind from its trigger words, the sides from the countries the
//! clause names (possessives, demonyms, "to"/"from"/"with"/"between"), and the amounts,
//! commodities, change, trend and period around them.

use super::amounts::{money, quantities};
use super::change::{change, trend};
use super::clauses::clauses;
use super::commodities::commodities;
use super::period::period;
use super::triggers::{
    Trigger, agent_rank, choose, may_have_trigger, names_a_flow, needs_an_object, not_asserted,
    rank_before, triggers,
};
use super::words::{Word, words};
use crate::api::v1::{
    Commodity, EntityRef, EntityType, MentionKind, MonetaryAmount, Quantity, Statement, TradeFact,
    TradeFactKind, Trend,
};
use crate::extract::case::Lowercase;
use crate::extract::entities::ArticleEntities;
use crate::extract::offsets::CharOffsets;
use crate::extract::sentences::Sentence;
use std::ops::Range;

/// A country named in a clause.
#[derive(Debug, Clone)]
struct CountryMention {
    /// Index of the first word of the mention in the clause's words.
    word: usize,
    /// The country as a reference.
    entity: EntityRef,
    /// "Japan's": the mention is a possessive.
    possessive: bool,
    /// "the country": a description resolved by coreference.
    description: bool,
}

/// State shared across the clauses of an article.
#[derive(Default)]
struct Context {
    /// The country the last fact was about: the side of a clause that names none.
    country: Option<EntityRef>,
    /// The last currency named: "from 4.77 billion" keeps it.
    currency: Option<&'static str>,
    /// The last two countries the text named, latest first: "the two countries".
    recent: Vec<EntityRef>,
}

impl Context {
    /// Remembers the countries a clause names, in text order.
    fn saw(&mut self, countries: impl IntoIterator<Item = EntityRef>) {
        for country in countries {
            self.recent.retain(|r| r.entity_id != country.entity_id);
            self.recent.insert(0, country);
        }
        self.recent.truncate(2);
    }

    /// The latest country named that is not `reporter`: the other side of a fact whose
    /// clause names only one ("the imbalance between the two economies", retaliation).
    fn other_than(&self, reporter: Option<&EntityRef>) -> Option<EntityRef> {
        self.recent
            .iter()
            .find(|c| reporter.is_none_or(|r| r.entity_id != c.entity_id))
            .cloned()
    }
}

/// The country an article mentions most: the side of its first clauses that name none
/// ("The trade surplus rose ..." in a story about Japan).
fn main_country(text: &str, entities: &ArticleEntities) -> Option<EntityRef> {
    let mut counts = vec![0usize; entities.entities.len()];
    for m in &entities.mentions {
        if !unit_of_amount(text, m.bytes.clone())
            && let Some(n) = counts.get_mut(m.entity)
        {
            *n += 1;
        }
    }
    let countries = entities
        .entities
        .iter()
        .enumerate()
        .filter(|(_, e)| e.r#type == EntityType::Country as i32 && !e.country_code.is_empty());
    // The first of the most mentioned wins a tie (`max_by_key` keeps the last maximum).
    let best = countries
        .rev()
        .max_by_key(|(i, _)| counts.get(*i).copied().unwrap_or_default())?;
    entities.entity_ref(best.0)
}

/// "4.5 U.S. dollars", "1.25 U.S. dlrs": a country named only as the unit of an amount says
/// nothing about what the article is about ("the Canadian dollar" does).
fn unit_of_amount(text: &str, mention: Range<usize>) -> bool {
    let after = text.get(mention.end..).unwrap_or_default().trim_start();
    let after = after[..crate::extract::offsets::prefix_end(after, 8)].to_ascii_lowercase();
    let before = text.get(..mention.start).unwrap_or_default().trim_end();
    let number_before = before
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_digit() || c == '-');
    number_before
        && (after.starts_with("dollar") || after.starts_with("dlr") || after.starts_with("dlrs"))
}

/// Most entity mentions read from one clause.
const MAX_MENTIONS_PER_CLAUSE: usize = 64;

/// What an entity mention offers a clause.
enum Side {
    /// A country, or a city or province standing for its country ("Shanghai's imports").
    Country {
        entity: EntityRef,
        /// "Japan's", or a demonym.
        possessive: bool,
        /// "the country": a description resolved by coreference.
        description: bool,
    },
    /// A company, organization or place without a country (`entity`), or a person (`None`).
    Party {
        entity: Option<EntityRef>,
        /// Whether the mention is a name whose words must trigger nothing (an organization or
        /// a person).
        named: bool,
    },
}

/// The entity mentions of the clause `text[bytes]` (byte ranges) and what each offers.
fn sides_named<'a>(
    text: &'a str,
    bytes: Range<usize>,
    entities: &'a ArticleEntities,
) -> impl Iterator<Item = (Range<usize>, Side)> + 'a {
    // "... with the U.S.": the clause lost the abbreviation's last dot to the full stop.
    let mut reach = bytes;
    if text.get(reach.end..).is_some_and(|r| r.starts_with('.')) {
        reach.end += 1;
    }
    // A real clause names a handful of entities; the cap keeps pathological text linear.
    entities
        .mentions_in(reach)
        .take(MAX_MENTIONS_PER_CLAUSE)
        .filter_map(move |mention| {
            let entity = entities.entity_ref(mention.entity)?;
            let after = text.get(mention.bytes.end..).unwrap_or_default();
            let possessive = after.starts_with("'s")
                || after.starts_with("’s")
                || mention.kind == MentionKind::Demonym;
            // "U.S. dollars" names a currency, not the United States.
            let rest = after.trim_start();
            let rest = rest[..crate::extract::offsets::prefix_end(rest, 8)].to_ascii_lowercase();
            let currency_use = rest.starts_with("dollar") || rest.starts_with("dlrs");
            let is_country =
                entity.r#type == EntityType::Country as i32 && !entity.country_code.is_empty();
            let is_place_in_country =
                entity.r#type == EntityType::Location as i32 && !entity.country_code.is_empty();
            let side = if (is_country || is_place_in_country) && !currency_use {
                let entity = if is_place_in_country {
                    EntityRef {
                        entity_id: format!("country/{}", entity.country_code),
                        name: entity.country_code.clone(),
                        r#type: EntityType::Country as i32,
                        country_code: entity.country_code,
                    }
                } else {
                    entity
                };
                Side::Country {
                    entity,
                    possessive,
                    description: mention.kind == MentionKind::Description,
                }
            } else if matches!(
                EntityType::try_from(entity.r#type),
                Ok(EntityType::Organization | EntityType::Location)
            ) {
                Side::Party {
                    named: entity.r#type == EntityType::Organization as i32,
                    entity: Some(entity),
                }
            } else if entity.r#type == EntityType::Person as i32 {
                Side::Party {
                    entity: None,
                    named: true,
                }
            } else {
                return None;
            };
            Some((mention.bytes.clone(), side))
        })
}

/// Everything one clause offers.
struct Clause<'t> {
    text: &'t str,
    bytes: Range<usize>,
    words: Vec<Word<'t>>,
    lower: Vec<Lowercase<'t>>,
    countries: Vec<CountryMention>,
    /// Companies, organizations and places the clause names.
    parties: Vec<EntityRef>,
}

impl Clause<'_> {
    fn word_at(&self, byte: usize) -> usize {
        self.words.partition_point(|w| w.bytes.end <= byte)
    }

    /// The first country at or after word `from` that the word `preposition` introduces within
    /// three words ("to China", "from the United States").
    fn country_after(&self, from: usize, prepositions: &[&str]) -> Option<&CountryMention> {
        self.countries.iter().find(|c| {
            c.word >= from
                && self.lower[c.word.saturating_sub(3)..c.word]
                    .iter()
                    .any(|w| prepositions.contains(&w.as_str()))
        })
    }

    /// The country the clause is about, before word `trigger`: a possessive or a demonym
    /// first, else the first country named.
    fn subject_before(&self, trigger: usize) -> Option<&CountryMention> {
        let before: Vec<&CountryMention> = self
            .countries
            .iter()
            .filter(|c| c.word <= trigger)
            .collect();
        let subject = before
            .iter()
            .rev()
            .find(|c| c.possessive)
            .or(before.first())
            .copied()?;
        // "The country exports ... to China": a description resolved to the country the clause
        // names again as its other side is a wrong resolution; the caller then falls back to the
        // country of the previous fact.
        let named_again = self
            .countries
            .iter()
            .any(|c| c.word > trigger && c.entity.entity_id == subject.entity.entity_id);
        (!(subject.description && named_again)).then_some(subject)
    }
}

impl Clause<'_> {
    /// The measure at `at` is aimed at another economy by its nature: retaliation, sanctions.
    /// (A boycott or an embargo must name its object: a boycott of a vote is none.)
    fn aims_at_someone(&self, at: usize) -> bool {
        self.lower
            .get(at)
            .is_some_and(|w| w.starts_with("retaliat") || w.starts_with("sanction"))
    }

    /// "the two countries", "both sides": the clause speaks of the last two economies named.
    fn names_a_pair(&self) -> bool {
        self.lower.windows(2).any(|w| {
            matches!(w[0].as_str(), "two" | "both")
                && matches!(
                    w[1].as_str(),
                    "countries" | "nations" | "sides" | "economies" | "governments"
                )
        })
    }

    /// The clause's only country is the other side of a fact of `kind`: trade "with
    /// Kenya", investment "in Ghana", a market opened "to foreign chips".
    fn introduced_partner(&self, kind: TradeFactKind) -> bool {
        let prepositions: &[&str] = if kind == TradeFactKind::BilateralTrade {
            &["with", "between"]
        } else {
            &["with", "in", "into", "to"]
        };
        self.countries.first().is_some_and(|c| {
            self.lower[c.word.saturating_sub(2)..c.word]
                .iter()
                .any(|w| prepositions.contains(&w.as_str()))
        })
    }

    /// "in Japan's favour", "in favor of China": the country a balance favours.
    fn favoured(&self) -> Option<&CountryMention> {
        let at = self
            .lower
            .iter()
            .position(|w| matches!(w.as_str(), "favour" | "favor"))?;
        self.countries.iter().find(|c| {
            (c.possessive && c.word < at && at - c.word <= 2)
                || (self.lower.get(at + 1).is_some_and(|w| w == "of")
                    && c.word > at
                    && c.word - at <= 3)
        })
    }

    /// The country that modifies the noun at `at` directly, with no preposition between:
    /// "Korea's beef import ban", "EU tariffs".
    fn modifier_of(&self, at: usize) -> Option<&CountryMention> {
        let c = self
            .countries
            .iter()
            .rev()
            .find(|c| c.word < at && at - c.word <= 3)?;
        let between = self.lower.get(c.word + 1..at).unwrap_or_default();
        let linked = between.iter().any(|w| {
            matches!(
                w.as_str(),
                "against" | "on" | "from" | "with" | "to" | "by" | "of" | "for" | "in" | ","
            ) || w.ends_with("ed")
        });
        (!linked).then_some(c)
    }
}

impl<'t> Clause<'t> {
    /// Reads the clause `text[bytes]` and the entities it names.
    fn new(text: &'t str, bytes: Range<usize>, entities: &ArticleEntities) -> Self {
        let words = words(text, bytes.clone());
        let lower = words.iter().map(Word::lowercase).collect();
        let mut clause = Clause {
            text,
            bytes,
            words,
            lower,
            countries: Vec::new(),
            parties: Vec::new(),
        };
        for (mention, side) in sides_named(text, clause.bytes.clone(), entities) {
            match side {
                Side::Country {
                    entity,
                    possessive,
                    description,
                } => {
                    let word = clause.word_at(mention.start);
                    clause.countries.push(CountryMention {
                        word,
                        entity,
                        possessive,
                        description,
                    });
                }
                Side::Party { entity, named } => {
                    if named {
                        // "the World Trade Organization", and a person called "Ban", trigger
                        // nothing.
                        clause.blank_name(mention);
                    }
                    if let Some(entity) = entity {
                        clause.parties.push(entity);
                    }
                }
            }
        }
        clause
    }

    /// Blanks the words of an organization's or a person's name, so that they trigger nothing
    /// ("the World Trade Organization", "a development investment bank").
    fn blank_name(&mut self, bytes: Range<usize>) {
        let first = self.word_at(bytes.start);
        let end = self.words.partition_point(|w| w.bytes.start < bytes.end);
        for w in self.lower.iter_mut().take(end).skip(first) {
            w.clear();
        }
    }
}

fn dedup_refs(refs: impl IntoIterator<Item = EntityRef>) -> Vec<EntityRef> {
    let mut out: Vec<EntityRef> = Vec::new();
    for r in refs {
        if !out.iter().any(|o| o.entity_id == r.entity_id) {
            out.push(r);
        }
    }
    out
}

/// The sides of a fact of `kind` triggered at word `at`: (exporter, importer, reporter,
/// partner, parties).
type Sides = (
    Option<EntityRef>,
    Option<EntityRef>,
    Option<EntityRef>,
    Option<EntityRef>,
    Vec<EntityRef>,
);

fn sides(kind: TradeFactKind, at: usize, clause: &Clause<'_>, context: &Context) -> Sides {
    let subject = clause
        .subject_before(at)
        .map(|c| c.entity.clone())
        .or_else(|| context.country.clone());
    let other = |exclude: &Option<EntityRef>| {
        clause
            .countries
            .iter()
            .find(|c| {
                exclude
                    .as_ref()
                    .is_none_or(|e| e.entity_id != c.entity.entity_id)
            })
            .map(|c| c.entity.clone())
    };
    let all_countries = || dedup_refs(clause.countries.iter().map(|c| c.entity.clone()));
    let organizations = || dedup_refs(clause.parties.iter().cloned());
    match kind {
        TradeFactKind::Export => {
            let importer = clause
                .country_after(at, &["to", "into", "for"])
                .map(|c| c.entity.clone())
                .or_else(|| {
                    clause
                        .countries
                        .iter()
                        .find(|c| c.word > at && !c.possessive)
                        .map(|c| c.entity.clone())
                })
                .filter(|i| subject.as_ref().is_none_or(|s| s.entity_id != i.entity_id));
            (subject, importer, None, None, Vec::new())
        }
        TradeFactKind::Import => {
            let exporter = clause
                .country_after(at, &["from"])
                .map(|c| c.entity.clone())
                .filter(|e| subject.as_ref().is_none_or(|s| s.entity_id != e.entity_id));
            (exporter, subject, None, None, Vec::new())
        }
        TradeFactKind::PartnerRank => {
            // "Peru's largest trade partner", "the largest trade partner of Peru".
            let reporter = clause
                .countries
                .iter()
                .find(|c| c.possessive)
                .or_else(|| clause.country_after(at, &["of"]))
                .map(|c| c.entity.clone());
            let partner = other(&reporter);
            (None, None, reporter, partner, Vec::new())
        }
        TradeFactKind::TradeBalance if clause.favoured().is_some() => {
            let reporter = clause.favoured().map(|c| c.entity.clone());
            let partner = other(&reporter).or_else(|| {
                context
                    .country
                    .clone()
                    .filter(|c| reporter.as_ref().is_none_or(|r| r.entity_id != c.entity_id))
            });
            (None, None, reporter, partner, Vec::new())
        }
        TradeFactKind::TradeBalance => {
            let partner = clause
                .country_after(at, &["with", "against", "vis-a-vis", "than"])
                .map(|c| c.entity.clone());
            let reporter = clause
                .countries
                .iter()
                .find(|c| {
                    partner
                        .as_ref()
                        .is_none_or(|p| p.entity_id != c.entity.entity_id)
                })
                .map(|c| c.entity.clone())
                .or_else(|| context.country.clone());
            // "the imbalance in trade between the two economies".
            let partner = partner.or_else(|| {
                clause
                    .names_a_pair()
                    .then(|| context.other_than(reporter.as_ref()))
                    .flatten()
            });
            (None, None, reporter, partner, Vec::new())
        }
        TradeFactKind::TradeMeasure => {
            let reporter = clause.modifier_of(at).map(|c| c.entity.clone()).or(subject);
            let partner = clause
                .countries
                .iter()
                .find(|c| {
                    c.word + 3 >= at
                        && clause.lower[c.word.saturating_sub(3)..c.word]
                            .iter()
                            .any(|w| {
                                matches!(
                                    w.as_str(),
                                    "against" | "on" | "from" | "with" | "to" | "of"
                                )
                            })
                })
                .map(|c| c.entity.clone())
                .filter(|p| reporter.as_ref().is_none_or(|r| r.entity_id != p.entity_id));
            // Retaliation and sanctions have a target: the other economy of the story.
            let partner = partner.or_else(|| {
                clause
                    .aims_at_someone(at)
                    .then(|| context.other_than(reporter.as_ref()))
                    .flatten()
            });
            (None, None, reporter, partner, organizations())
        }
        TradeFactKind::Agreement => {
            let mut parties = all_countries();
            if clause.names_a_pair() && parties.len() < 2 {
                parties.extend(context.recent.iter().cloned());
                parties = dedup_refs(parties);
            }
            parties.extend(organizations());
            (None, None, None, None, parties)
        }
        TradeFactKind::BilateralTrade | TradeFactKind::Investment | TradeFactKind::MarketAccess => {
            let mut countries = all_countries();
            if countries.is_empty() {
                countries.extend(context.country.clone());
            } else if countries.len() == 1
                && clause.parties.is_empty()
                && clause.introduced_partner(kind)
            {
                // "two-way trade with Kenya": the other side is the last other economy
                // the text named, else the one it is about ("between India and Africa" names
                // its other side, a region).
                let named = countries[0].entity_id.clone();
                let other = context
                    .recent
                    .iter()
                    .find(|c| c.entity_id != named)
                    .cloned()
                    .or_else(|| context.country.clone());
                countries.extend(other);
            }
            if clause.names_a_pair() {
                countries.extend(context.recent.iter().cloned());
            }
            let countries = dedup_refs(countries);
            let reporter = countries.first().cloned();
            let partner = countries.get(1).cloned();
            (None, None, reporter, partner, organizations())
        }
        TradeFactKind::Unspecified => (None, None, None, None, Vec::new()),
    }
}

fn agreement_type(lower: &[Lowercase<'_>], at: usize) -> String {
    let from = at.saturating_sub(3);
    let mut words: Vec<&str> = lower[from..=at.min(lower.len() - 1)]
        .iter()
        .map(Lowercase::as_str)
        .skip_while(|w| {
            !matches!(
                *w,
                "free"
                    | "trade"
                    | "economic"
                    | "investment"
                    | "cooperation"
                    | "framework"
                    | "bilateral"
            )
        })
        .collect();
    if words.is_empty() {
        words.push(lower[at].as_str());
    }
    if lower[at] == "memorandum" && lower.get(at + 1).is_some_and(|w| w == "of") {
        return "memorandum of understanding".to_owned();
    }
    words.join(" ")
}

fn measure_type(lower: &[Lowercase<'_>], at: usize) -> String {
    let status = lower.iter().find_map(|w| match w.as_str() {
        w if w.starts_with("threat") => Some("threatened"),
        w if w.starts_with("lift") || w.starts_with("remov") || w.starts_with("scrap") => {
            Some("lifted")
        }
        w if w.starts_with("propos") => Some("proposed"),
        w if w.starts_with("impos") || w.starts_with("slap") => Some("imposed"),
        _ => None,
    });
    let mut measure = lower[at].as_str().to_owned();
    let modifier = matches!(
        measure.as_str(),
        "anti-dumping" | "antidumping" | "countervailing" | "zero-tariff" | "tariff-free"
    );
    if let Some(noun) = lower.get(at + 1).filter(|n| {
        modifier
            && matches!(
                n.as_str(),
                "duty"
                    | "duties"
                    | "tariffs"
                    | "tariff"
                    | "measures"
                    | "treatment"
                    | "probe"
                    | "investigation"
                    | "access"
            )
    }) {
        measure = format!("{measure} {noun}");
    }
    if at > 0
        && matches!(
            lower[at - 1].as_str(),
            "anti-dumping"
                | "antidumping"
                | "countervailing"
                | "import"
                | "export"
                | "trade"
                | "punitive"
                | "retaliatory"
        )
    {
        measure = format!("{} {measure}", lower[at - 1]);
    }
    match status {
        Some(status) => format!("{status} {measure}"),
        None => measure,
    }
}

/// The trade facts of an article, in text order, with local ids `t1`, `t2`, ...
pub fn extract(
    text: &str,
    sentences: &[Sentence],
    offsets: &CharOffsets<'_>,
    entities: &ArticleEntities,
    statements: &[Statement],
) -> Vec<TradeFact> {
    let mut context = Context {
        country: main_country(text, entities),
        ..Context::default()
    };
    let mut facts = Vec::new();
    for sentence in sentences {
        for bytes in clauses(text, sentence.bytes.clone()) {
            // Most clauses have no trigger word: only the countries they name matter, and
            // reading the clause's words would cost more than everything else they need.
            if !may_have_trigger(text.get(bytes.clone()).unwrap_or_default()) {
                context.saw(sides_named(text, bytes, entities).filter_map(
                    |(_, side)| match side {
                        Side::Country { entity, .. } => Some(entity),
                        Side::Party { .. } => None,
                    },
                ));
                continue;
            }
            let clause = Clause::new(text, bytes, entities);
            facts.extend(read_clause(&clause, &mut context, offsets, statements));
            context.saw(clause.countries.iter().map(|c| c.entity.clone()));
        }
    }
    for (n, fact) in facts.iter_mut().enumerate() {
        fact.trade_fact_id = format!("t{}", n + 1);
    }
    facts
}

/// The facts of the first reading of a clause that yields any.
fn read_clause(
    clause: &Clause<'_>,
    context: &mut Context,
    offsets: &CharOffsets<'_>,
    statements: &[Statement],
) -> Vec<TradeFact> {
    for reading in choose(triggers(&clause.lower)) {
        let mut out = Vec::new();
        for trigger in reading {
            if not_asserted(&clause.lower, trigger.word, trigger.kind) {
                continue;
            }
            if let Some(fact) = build(clause, trigger, context, offsets, statements) {
                if trigger.kind == TradeFactKind::TradeMeasure {
                    let copies = more_targets(clause, &fact);
                    out.push(fact);
                    out.extend(copies);
                } else {
                    let items = per_item(clause, &fact, offsets);
                    if items.is_empty() {
                        out.push(fact);
                    } else {
                        out.extend(items);
                    }
                }
            }
        }
        if !out.is_empty() {
            return out;
        }
    }
    Vec::new()
}

/// "imported 3 million tonnes of wheat, 1 million tonnes of maize and 0.2 million tonnes of
/// barley": one flow per counted item, each with its quantity and goods. Empty unless the
/// clause lists two or more quantities of different goods.
fn per_item(clause: &Clause<'_>, fact: &TradeFact, offsets: &CharOffsets<'_>) -> Vec<TradeFact> {
    let flow =
        fact.kind == TradeFactKind::Export as i32 || fact.kind == TradeFactKind::Import as i32;
    if !flow {
        return Vec::new();
    }
    let amounts = money(&clause.words, &[], None);
    let counted = quantities(&clause.words, &amounts);
    if counted.len() < 2 {
        return Vec::new();
    }
    let char_at = |word: usize| {
        clause.words.get(word).map_or(i32::MAX, |w| {
            offsets.span(w.bytes.start, w.bytes.start).to_api().start
        })
    };
    let mut out: Vec<TradeFact> = Vec::new();
    for (k, q) in counted.iter().enumerate() {
        let from = char_at(q.words.start);
        let to = counted
            .get(k + 1)
            .map_or(i32::MAX, |n| char_at(n.words.start));
        let goods: Vec<Commodity> = fact
            .commodities
            .iter()
            .filter(|c| c.span.is_some_and(|s| from <= s.start && s.start < to))
            .cloned()
            .collect();
        let Some(first) = goods.first() else {
            return Vec::new();
        };
        if out
            .iter()
            .any(|f| f.commodities.first().is_some_and(|c| c.name == first.name))
        {
            return Vec::new();
        }
        let bytes = clause.words.get(q.words.start).map(|w| w.bytes.start);
        let end = q
            .words
            .end
            .checked_sub(1)
            .and_then(|e| clause.words.get(e))
            .map(|w| w.bytes.end);
        let (Some(start), Some(end)) = (bytes, end) else {
            return Vec::new();
        };
        // The item's own words: from the clause start (first item) to the next item.
        let piece_start = if k == 0 { clause.bytes.start } else { start };
        let piece_end = counted
            .get(k + 1)
            .and_then(|n| clause.words.get(n.words.start))
            .map_or(clause.bytes.end, |w| w.bytes.start);
        let piece = clause.text.get(piece_start..piece_end).unwrap_or_default();
        let trimmed = piece.trim_end().trim_end_matches([',', ';']).trim_end();
        let trimmed = trimmed
            .strip_suffix(" and")
            .unwrap_or(trimmed)
            .trim_end_matches(',');
        let evidence_end = piece_start + trimmed.len();
        out.push(TradeFact {
            evidence: trimmed.to_owned(),
            evidence_span: Some(offsets.span(piece_start, evidence_end).to_api()),
            commodities: goods,
            quantity: Some(Quantity {
                amount: q.amount.value,
                unit: q.unit.clone(),
                qualifier: q.amount.qualifier as i32,
                text: clause.text.get(start..end).unwrap_or_default().to_owned(),
                span: Some(offsets.span(start, end).to_api()),
            }),
            ..fact.clone()
        });
    }
    out
}

/// "sanctions against Iran and Syria": one measure per target; the copies of
/// `fact` for the countries conjoined to its partner.
fn more_targets(clause: &Clause<'_>, fact: &TradeFact) -> Vec<TradeFact> {
    let Some(partner) = fact.partner.as_ref() else {
        return Vec::new();
    };
    let Some(first) = clause
        .countries
        .iter()
        .position(|c| c.entity.entity_id == partner.entity_id)
    else {
        return Vec::new();
    };
    let mut out: Vec<TradeFact> = Vec::new();
    let mut last = clause.countries[first].word;
    for c in clause.countries.iter().skip(first + 1) {
        let joined = c.word > last
            && c.word - last <= 4
            && clause.lower[last + 1..c.word]
                .iter()
                .any(|w| w == "and" || w == ",");
        if !joined {
            break;
        }
        last = c.word;
        let seen = c.entity.entity_id == partner.entity_id
            || fact
                .reporter
                .as_ref()
                .is_some_and(|r| r.entity_id == c.entity.entity_id)
            || out.iter().any(|f| {
                f.partner
                    .as_ref()
                    .is_some_and(|p| p.entity_id == c.entity.entity_id)
            });
        if !seen {
            out.push(TradeFact {
                partner: Some(c.entity.clone()),
                ..fact.clone()
            });
        }
    }
    out
}

fn build(
    clause: &Clause<'_>,
    trigger: Trigger,
    context: &mut Context,
    offsets: &CharOffsets<'_>,
    statements: &[Statement],
) -> Option<TradeFact> {
    let (exporter, importer, reporter, partner, parties) =
        sides(trigger.kind, trigger.word, clause, context);
    let has_side = exporter.is_some()
        || importer.is_some()
        || reporter.is_some()
        || partner.is_some()
        || !parties.is_empty();
    if !has_side {
        return None;
    }
    let hints: Vec<&str> = [&exporter, &importer, &reporter, &partner]
        .into_iter()
        .flatten()
        .map(|r| r.country_code.as_str())
        .collect();
    let amounts = money(&clause.words, &hints, context.currency);
    let span_of = |range: &Range<usize>| -> Option<(String, crate::api::v1::Span)> {
        let first = clause.words.get(range.start)?;
        let last = clause.words.get(range.end.checked_sub(1)?)?;
        let bytes = first.bytes.start..last.bytes.end;
        Some((
            clause.text.get(bytes.clone())?.to_owned(),
            offsets.span(bytes.start, bytes.end).to_api(),
        ))
    };
    let value = amounts.first().and_then(|m| {
        let currency = m.currency?;
        let (text, span) = span_of(&m.words)?;
        Some(MonetaryAmount {
            amount: m.amount.value,
            currency: currency.to_owned(),
            qualifier: m.amount.qualifier as i32,
            text,
            span: Some(span),
        })
    });
    if let Some(currency) = amounts.iter().find_map(|m| m.currency) {
        context.currency = Some(currency);
    }
    let quantity = quantities(&clause.words, &amounts)
        .into_iter()
        .next()
        .and_then(|q| {
            let (text, span) = span_of(&q.words)?;
            Some(Quantity {
                amount: q.amount.value,
                unit: q.unit,
                qualifier: q.amount.qualifier as i32,
                text,
                span: Some(span),
            })
        });
    // "the biggest coffee exporter": a ranked agent's goods are the words right before it.
    let noun = clause.words.get(trigger.word);
    let goods_bytes = match (clause.words.get(trigger.word.saturating_sub(3)), noun) {
        (Some(first), Some(noun)) if trigger.agent => first.bytes.start..noun.bytes.end,
        _ => clause.bytes.clone(),
    };
    let goods: Vec<Commodity> = commodities(clause.text, goods_bytes)
        .into_iter()
        .map(|c| Commodity {
            span: Some(offsets.span(c.bytes.start, c.bytes.end).to_api()),
            name: c.name,
            hs_code: c.hs_code,
        })
        .collect();
    let evidence_span = offsets.span(clause.bytes.start, clause.bytes.end).to_api();
    let attributed_statement_id = statements
        .iter()
        .find(|s| {
            s.content_span
                .is_some_and(|c| c.start <= evidence_span.start && evidence_span.end <= c.end)
        })
        .map(|s| s.statement_id.clone())
        .unwrap_or_default();
    let rank = if trigger.kind == TradeFactKind::PartnerRank {
        rank_before(&clause.lower, trigger.word).unwrap_or(1)
    } else if trigger.agent {
        agent_rank(&clause.lower, trigger.word)
    } else {
        0
    };
    let trend = trend(&clause.words);
    let change = change(&clause.words);
    // A flow, an investment or bilateral trade is a fact only with some substance: an amount,
    // a change, a direction, goods, or both sides ("restrictions impeded U.S. exports" is not).
    let needs_substance = matches!(
        trigger.kind,
        TradeFactKind::Export
            | TradeFactKind::Import
            | TradeFactKind::Investment
            | TradeFactKind::BilateralTrade
    );
    let two_sides = [&exporter, &importer, &reporter, &partner]
        .into_iter()
        .flatten()
        .count()
        >= 2;
    let substance = value.is_some()
        || quantity.is_some()
        || change.is_some()
        || trend != Trend::Unspecified
        || !goods.is_empty()
        || two_sides;
    if needs_substance && !substance {
        return None;
    }
    // Investment and market access are cross-border: two economies.
    let cross_border = matches!(
        trigger.kind,
        TradeFactKind::Investment | TradeFactKind::MarketAccess
    );
    let two_countries = match (&reporter, &partner) {
        (Some(r), Some(p)) => r.entity_id != p.entity_id,
        _ => false,
    };
    let firm_abroad = trigger.kind == TradeFactKind::MarketAccess
        && (reporter.is_some() || partner.is_some())
        && !parties.is_empty();
    if cross_border && !two_countries && !firm_abroad {
        return None;
    }
    if trigger.kind == TradeFactKind::PartnerRank && !two_countries {
        return None;
    }
    let bare_measure = trigger.kind == TradeFactKind::TradeMeasure
        && clause
            .lower
            .get(trigger.word)
            .is_some_and(|w| needs_an_object(w))
        && partner.is_none()
        && goods.is_empty()
        && !names_a_flow(&clause.lower);
    if bare_measure {
        return None;
    }
    let about = reporter
        .clone()
        .or_else(|| exporter.clone())
        .or_else(|| importer.clone());
    if about.is_some() {
        context.country = about;
    }
    Some(TradeFact {
        kind: trigger.kind as i32,
        exporter,
        importer,
        reporter,
        partner,
        parties,
        commodities: goods,
        value,
        quantity,
        change,
        trend: if trend == Trend::Unspecified {
            0
        } else {
            trend as i32
        },
        rank,
        agreement_type: if trigger.kind == TradeFactKind::Agreement {
            agreement_type(&clause.lower, trigger.word)
        } else {
            String::new()
        },
        measure_type: if trigger.kind == TradeFactKind::TradeMeasure {
            measure_type(&clause.lower, trigger.word)
        } else {
            String::new()
        },
        period: period(clause.text, &clause.words),
        evidence: clause
            .text
            .get(clause.bytes.clone())
            .unwrap_or_default()
            .to_owned(),
        evidence_span: Some(evidence_span),
        attributed_statement_id,
        confidence: 0.6,
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::v1::{Entity, Qualifier};
    use crate::extract::entities::EntityMention;
    use crate::extract::sentences::split;

    /// Entities found by plain substring search: (surface, type, code or id, mention kind).
    fn entities_for(
        text: &str,
        names: &[(&str, EntityType, &str, MentionKind)],
        offsets: &CharOffsets<'_>,
    ) -> ArticleEntities {
        let mut out = ArticleEntities::default();
        for (surface, ty, code, kind) in names {
            let id = if *ty == EntityType::Country {
                format!("country/{code}")
            } else {
                format!("org/{code}")
            };
            let index = out
                .entities
                .iter()
                .position(|e| e.entity_id == id)
                .unwrap_or_else(|| {
                    out.entities.push(Entity {
                        entity_id: id.clone(),
                        r#type: *ty as i32,
                        name: (*surface).to_owned(),
                        country_code: if *ty == EntityType::Country {
                            (*code).to_owned()
                        } else {
                            String::new()
                        },
                        ..Default::default()
                    });
                    out.entities.len() - 1
                });
            for (start, found) in text.match_indices(surface) {
                let bytes = start..start + found.len();
                out.mentions.push(EntityMention {
                    span: offsets.span(bytes.start, bytes.end),
                    bytes,
                    kind: *kind,
                    entity: index,
                });
            }
        }
        out.mentions.sort_by_key(|m| m.bytes.start);
        out
    }

    fn facts(text: &str, names: &[(&str, EntityType, &str, MentionKind)]) -> Vec<TradeFact> {
        let offsets = CharOffsets::new(text);
        let entities = entities_for(text, names, &offsets);
        extract(text, &split(text, &offsets), &offsets, &entities, &[])
    }

    fn code(side: &Option<EntityRef>) -> &str {
        side.as_ref().map_or("", |r| r.country_code.as_str())
    }

    const NAME: MentionKind = MentionKind::Name;
    const COUNTRY: EntityType = EntityType::Country;

    #[test]
    fn partner_rank_reads_the_possessive_as_reporter() {
        let f = facts(
            "Chile is Peru's largest trading partner.",
            &[
                ("Chile", COUNTRY, "CL", NAME),
                ("Peru", COUNTRY, "PE", NAME),
            ],
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].kind, TradeFactKind::PartnerRank as i32);
        assert_eq!(
            (code(&f[0].reporter), code(&f[0].partner), f[0].rank),
            ("PE", "CL", 1)
        );
        let f = facts(
            "Chile is Peru's second-biggest trade partner.",
            &[
                ("Chile", COUNTRY, "CL", NAME),
                ("Peru", COUNTRY, "PE", NAME),
            ],
        );
        assert_eq!(f[0].rank, 2);
        let f = facts(
            "Chile is the third largest trade partner of Peru.",
            &[
                ("Chile", COUNTRY, "CL", NAME),
                ("Peru", COUNTRY, "PE", NAME),
            ],
        );
        assert_eq!(
            (code(&f[0].reporter), code(&f[0].partner), f[0].rank),
            ("PE", "CL", 3)
        );
    }

    #[test]
    fn exports_take_their_destination_from_to() {
        let f = facts(
            "Peru has been expanding its exports of copper concentrate to China.",
            &[
                ("Peru", COUNTRY, "PE", NAME),
                ("China", COUNTRY, "CN", NAME),
            ],
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].kind, TradeFactKind::Export as i32);
        assert_eq!((code(&f[0].exporter), code(&f[0].importer)), ("PE", "CN"));
        assert_eq!(f[0].commodities[0].name, "copper concentrate");
        assert_eq!(f[0].commodities[0].hs_code, "2603");
        assert_eq!(f[0].trend, Trend::Increase as i32);
    }

    #[test]
    fn imports_with_money_change_and_period() {
        let text =
            "Swedish imports from Brazil fell 14 pct to 230 mln crowns in the first half of 1987.";
        let f = facts(
            text,
            &[
                ("Swedish", COUNTRY, "SE", MentionKind::Demonym),
                ("Brazil", COUNTRY, "BR", NAME),
            ],
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].kind, TradeFactKind::Import as i32);
        assert_eq!((code(&f[0].exporter), code(&f[0].importer)), ("BR", "SE"));
        let value = f[0].value.as_ref().expect("value");
        assert_eq!(
            (value.amount, value.currency.as_str(), value.text.as_str()),
            (230e6, "SEK", "230 mln crowns")
        );
        let change = f[0].change.as_ref().expect("change");
        assert_eq!(
            (change.percent, change.direction),
            (14.0, Trend::Decrease as i32)
        );
        assert_eq!(f[0].period, "the first half of 1987");
        let span = f[0].evidence_span.expect("span");
        let chars: String = text
            .chars()
            .skip(span.start as usize)
            .take((span.end - span.start) as usize)
            .collect();
        assert_eq!(chars, f[0].evidence);
    }

    #[test]
    fn a_clause_without_a_country_keeps_the_previous_one_and_currency() {
        let text = "Japan's exports rose 3 pct to 12.1 billion dlrs. The trade surplus widened to 4.2 billion in March.";
        let f = facts(text, &[("Japan", COUNTRY, "JP", NAME)]);
        assert_eq!(f.len(), 2);
        assert_eq!(f[1].kind, TradeFactKind::TradeBalance as i32);
        assert_eq!(code(&f[1].reporter), "JP");
        assert_eq!(
            f[1].value.as_ref().map(|v| (v.amount, v.currency.as_str())),
            Some((4.2e9, "USD"))
        );
    }

    #[test]
    fn measures_agreements_and_bilateral_trade() {
        let names = [
            ("Canada", COUNTRY, "CA", NAME),
            ("Vietnam", COUNTRY, "VN", NAME),
            ("Kenya", COUNTRY, "KE", NAME),
            ("Uganda", COUNTRY, "UG", NAME),
        ];
        let text = "Canada imposed anti-dumping duties on steel from Vietnam. Kenya signed a free trade agreement with Uganda. Trade between Kenya and Uganda has grown rapidly.";
        let f = facts(text, &names);
        let kinds: Vec<i32> = f.iter().map(|f| f.kind).collect();
        assert_eq!(
            kinds,
            [
                TradeFactKind::TradeMeasure as i32,
                TradeFactKind::Agreement as i32,
                TradeFactKind::BilateralTrade as i32
            ]
        );
        assert_eq!((code(&f[0].reporter), code(&f[0].partner)), ("CA", "VN"));
        assert_eq!(f[0].measure_type, "imposed anti-dumping duties");
        assert_eq!(
            f[1].parties
                .iter()
                .map(|p| p.country_code.as_str())
                .collect::<Vec<_>>(),
            ["KE", "UG"]
        );
        assert_eq!(f[1].agreement_type, "free trade agreement");
        assert_eq!(f[2].trend, Trend::Increase as i32);
        assert_eq!(
            f.iter()
                .map(|f| f.trade_fact_id.as_str())
                .collect::<Vec<_>>(),
            ["t1", "t2", "t3"]
        );
    }

    #[test]
    fn negated_and_hypothetical_clauses_assert_nothing() {
        let names = [
            ("Peru", COUNTRY, "PE", NAME),
            ("Chile", COUNTRY, "CL", NAME),
        ];
        assert!(facts("Peru did not export any wheat to Chile.", &names).is_empty());
        assert!(
            facts(
                "Peru would export more wheat to Chile if prices rose.",
                &names
            )
            .is_empty()
        );
        let f = facts(
            "Peru threatened to impose tariffs on wine from Chile.",
            &names,
        );
        assert_eq!(f[0].measure_type, "threatened tariffs");
    }

    #[test]
    fn quantities_and_qualifiers() {
        let f = facts(
            "Peru exports more than 20 kinds of fruit to China, including avocados and grapes.",
            &[
                ("Peru", COUNTRY, "PE", NAME),
                ("China", COUNTRY, "CN", NAME),
            ],
        );
        let q = f[0].quantity.as_ref().expect("quantity");
        assert_eq!(
            (q.amount, q.unit.as_str(), q.qualifier),
            (20.0, "kinds of fruit", Qualifier::MoreThan as i32)
        );
        let names: Vec<&str> = f[0].commodities.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            ["avocados", "grapes"],
            "the category stands for its examples"
        );
    }

    #[test]
    fn only_trade_balances_count_and_the_main_country_fills_a_missing_side() {
        let names = [("Korea", COUNTRY, "KR", NAME)];
        let text = "The merchandise trade surplus rose to 2.1 billion dlrs in May. South Korea's current account deficit narrowed. \
                    Korea's balance of payments deficit widened to 300 mln dlrs.";
        let f = facts(text, &names);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].kind, TradeFactKind::TradeBalance as i32);
        assert_eq!(
            code(&f[0].reporter),
            "KR",
            "the country the article is about"
        );
    }

    #[test]
    fn a_list_of_counted_goods_is_one_flow_each() {
        let names = [("Chile", COUNTRY, "CL", NAME)];
        let f = facts(
            "Chile imported 2.1 million tons of wheat, up 3 percent, and 400,000 tons of sugar.",
            &names,
        );
        let items: Vec<(f64, &str)> = f
            .iter()
            .map(|f| {
                (
                    f.quantity.as_ref().map_or(0.0, |q| q.amount),
                    f.commodities.first().map_or("", |c| c.name.as_str()),
                )
            })
            .collect();
        assert_eq!(items, [(2.1e6, "wheat"), (4e5, "sugar")]);
        assert!(f.iter().all(|f| code(&f.importer) == "CL"));
    }

    #[test]
    fn ranked_exporters_measures_on_two_targets_and_balances_in_favour() {
        let names = [
            ("Norway", COUNTRY, "NO", NAME),
            ("Angola", COUNTRY, "AO", NAME),
            ("Namibia", COUNTRY, "NA", NAME),
            ("Chile", COUNTRY, "CL", NAME),
        ];
        let f = facts(
            "Norway is the largest fish exporter and second largest oil exporter.",
            &names,
        );
        let ranks: Vec<(i32, i32)> = f.iter().map(|f| (f.kind, f.rank)).collect();
        let export = TradeFactKind::Export as i32;
        assert_eq!(ranks, [(export, 1), (export, 2)]);
        let f = facts(
            "Norway imposed a trade ban against Angola and Namibia.",
            &names,
        );
        let targets: Vec<&str> = f.iter().map(|f| code(&f.partner)).collect();
        assert_eq!(targets, ["AO", "NA"]);
        let f = facts("Trade with Chile is lopsided in Norway's favour.", &names);
        assert_eq!(f[0].kind, TradeFactKind::TradeBalance as i32);
        assert_eq!((code(&f[0].reporter), code(&f[0].partner)), ("NO", "CL"));
    }

    #[test]
    fn bans_bear_on_goods_and_ranks_need_two_economies() {
        let names = [("Chile", COUNTRY, "CL", NAME)];
        assert!(facts("Chile banned the militant group last year.", &names).is_empty());
        assert_eq!(facts("Chile banned imports of poultry.", &names).len(), 1);
        assert!(facts("Chile's major trading partners were hit.", &names).is_empty());
        let names = [
            ("Chile", COUNTRY, "CL", NAME),
            ("Peru", COUNTRY, "PE", NAME),
        ];
        let f = facts(
            "Peru and Chile met. A boycott of the vote by opposition lawmakers delayed the budget in Chile.",
            &names,
        );
        assert!(f.is_empty(), "{f:?}");
    }

    #[test]
    fn person_names_trigger_nothing() {
        let names = [
            ("Japan", COUNTRY, "JP", NAME),
            ("Ban Jae-ho", EntityType::Person, "ban", NAME),
        ];
        let f = facts("Ban Jae-ho spoke about rice imports in Japan.", &names);
        assert!(
            f.iter()
                .all(|f| f.kind != TradeFactKind::TradeMeasure as i32),
            "{f:?}"
        );
    }

    #[test]
    fn organization_names_trigger_nothing() {
        let names = [
            ("Chile", COUNTRY, "CL", NAME),
            (
                "World Trade Organization",
                EntityType::Organization,
                "wto",
                NAME,
            ),
        ];
        assert!(facts("Chile joined the World Trade Organization in 1995.", &names).is_empty());
    }

    #[test]
    fn flows_without_substance_are_not_facts() {
        let names = [("Ghana", COUNTRY, "GH", NAME)];
        assert!(facts("Officials said red tape hampered Ghana's exports.", &names).is_empty());
        assert_eq!(
            facts("Ghana's cocoa exports rose sharply.", &names).len(),
            1
        );
    }
}
