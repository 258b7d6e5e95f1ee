//! Coreference inside one article: groups named mentions into entities (a shortened name
//! joins the full one), then links pronouns ("he", "her") and descriptions ("the
//! president", "the ministry", "the country") to the entity they most probably mean.

use foldhash::{HashMap, HashSet};
use std::ops::Range;

use super::lexicon::{COUNTRY_FORMS, Gender, ORG_HEADS, TITLES, is_speech_verb};
use super::names::Candidate;
use super::words::{self, Word};
use crate::api::v1::{EntityType, MentionKind};

/// An entity of the article while it is being built.
#[derive(Clone, Debug)]
pub struct Cluster {
    /// What the entity is.
    pub etype: EntityType,
    /// Its mentions, in text order.
    pub mentions: Vec<Candidate>,
    /// Gender, from titles or pronouns.
    pub gender: Option<Gender>,
    /// Lower-case titles ("president", "foreign minister", "minister").
    pub titles: HashSet<String>,
    /// Lower-case head words of its names ("ministry", "group").
    pub heads: HashSet<String>,
}

impl Cluster {
    /// An empty cluster of one entity type.
    fn new(etype: EntityType) -> Self {
        Self {
            etype,
            mentions: Vec::new(),
            gender: None,
            titles: HashSet::default(),
            heads: HashSet::default(),
        }
    }
}

/// How many earlier mentions a pronoun or description looks back over.
const LOOK_BACK: usize = 40;
/// How many distinct names before and after a name are tried as its full form.
const MERGE_WINDOW: usize = 200;
/// How many paragraphs back a pronoun may find its person.
const PARAGRAPHS_BACK: usize = 2;

const COMPANY_NOUNS: &[&str] = &["company", "firm", "group", "corporation", "conglomerate"];
const COMPANY_HEADS: &[&str] = &[
    "company",
    "corp.",
    "corporation",
    "co.",
    "inc.",
    "ltd.",
    "ltd",
    "group",
    "plc",
    "holdings",
    "llc",
];

fn words_of(name: &str) -> Vec<&str> {
    name.split_whitespace().collect()
}

fn contains_run(long: &[&str], short: &[&str]) -> bool {
    !short.is_empty()
        && long.len() > short.len()
        && long
            .windows(short.len())
            .any(|w| w.iter().zip(short).all(|(a, b)| a == b))
}

/// Maps the key of a shortened name to the key of the full name it is part of: persons
/// ("Ma" → "Jack Ma", "President Reagan"'s "Reagan" → "Ronald Reagan") and organizations
/// named with and without their country ("Ministry of Public Security").
fn key_merges(cands: &[Candidate]) -> HashMap<String, String> {
    let mut names: Vec<(EntityType, &str, &str, usize)> = Vec::new();
    let mut seen = HashSet::default();
    for c in cands {
        if matches!(c.kind, MentionKind::Description | MentionKind::Demonym) {
            continue;
        }
        if seen.insert((c.key.as_str(), c.name.as_str())) {
            names.push((c.etype, c.name.as_str(), c.key.as_str(), c.bytes.start));
        }
    }
    let mut merges = HashMap::default();
    for (i, &(etype, name, key, at)) in names.iter().enumerate() {
        let short = words_of(name);
        let mut best: Option<(usize, &str)> = None;
        // Compare with the names around it only, so that long texts stay linear.
        let near = &names[i.saturating_sub(MERGE_WINDOW)..(i + MERGE_WINDOW).min(names.len())];
        for &(etype2, long_name, key2, at2) in near {
            if etype2 != etype || key2 == key {
                continue;
            }
            let long = words_of(long_name);
            let fits = match etype {
                EntityType::Person => contains_run(&long, &short),
                EntityType::Organization => {
                    long.len() > short.len()
                        && long.ends_with(&short)
                        && long[..long.len() - short.len()]
                            .iter()
                            .all(|w| COUNTRY_FORMS.contains_key(w) || *w == "The")
                }
                _ => false,
            };
            if fits {
                let dist = at.abs_diff(at2);
                if best.is_none_or(|(d, _)| dist < d) {
                    best = Some((dist, key2));
                }
            }
        }
        if let Some((_, target)) = best {
            merges.insert(key.to_owned(), target.to_owned());
        }
    }
    // Follow chains ("Nieto" → "Pena Nieto" → "Enrique Pena Nieto"), at most a few steps.
    let keys: Vec<String> = merges.keys().cloned().collect();
    for key in keys {
        let mut target = merges.get(&key).cloned().unwrap_or_default();
        for _ in 0..4 {
            match merges.get(&target) {
                Some(next) if *next != key => target = next.clone(),
                _ => break,
            }
        }
        merges.insert(key, target);
    }
    merges
}

/// Head words of public bodies: "the company" does not mean one of these.
const PUBLIC_HEADS: &[&str] = &[
    "ministry",
    "department",
    "agency",
    "bureau",
    "commission",
    "council",
    "committee",
    "subcommittee",
    "office",
    "administration",
    "authority",
    "university",
    "academy",
    "institute",
    "party",
    "parliament",
    "congress",
    "senate",
    "court",
    "embassy",
    "association",
    "federation",
    "union",
    "organization",
    "organisation",
    "forum",
    "government",
    "school",
    "college",
    "police",
    "army",
    "navy",
];

/// Whether an organization may be called "the company": not a listed body, not a public
/// body.
fn is_company(cluster: &Cluster) -> bool {
    !cluster.mentions.iter().any(|m| m.lexicon_name.is_some())
        && !cluster
            .heads
            .iter()
            .any(|h| PUBLIC_HEADS.contains(&h.as_str()))
}

/// A pronoun or lower-case description waiting to be resolved.
enum Reference {
    Pronoun(Option<Gender>),
    Title(String),
    OrgHead(String),
    Country,
}

struct Ref {
    bytes: Range<usize>,
    word: usize,
    what: Reference,
}

fn pronoun_gender(word: &str) -> Option<Option<Gender>> {
    match word {
        "he" | "He" | "him" | "his" | "His" | "himself" => Some(Some(Gender::Male)),
        "she" | "She" | "her" | "Her" | "hers" | "herself" => Some(Some(Gender::Female)),
        _ => None,
    }
}

/// Whether the mention over words `start..end` is a subject or a speaker: first in its
/// sentence or after an opening adjunct ("Earlier in the day, X ..."), or next to a speech
/// verb ("X said", "said X").
fn is_subject(words: &[Word<'_>], start: usize, end: usize) -> bool {
    let Some(first) = words.get(start) else {
        return false;
    };
    let same = |w: &&Word<'_>| w.sentence == first.sentence;
    first.first
        || after_opening_adjunct(words, start)
        || words
            .get(end..(end + 3).min(words.len()))
            .unwrap_or(&[])
            .iter()
            .filter(same)
            .any(|w| is_speech_verb(w.text) && w.text != "who")
        || words
            .get(start.saturating_sub(4)..start)
            .unwrap_or(&[])
            .iter()
            .filter(same)
            .any(|w| matches!(w.text, "said" | "says" | "told" | "added"))
}

/// Words that open an adjunct before a sentence's subject ("Earlier in the day, ...", "On
/// Monday, ...").
const ADJUNCT_OPENERS: &[&str] = &[
    "earlier",
    "later",
    "meanwhile",
    "separately",
    "however",
    "also",
    "still",
    "then",
    "in",
    "on",
    "at",
    "after",
    "before",
    "during",
    "since",
    "last",
    "this",
    "speaking",
    "asked",
];

/// Whether word `start` follows the comma that closes a short adjunct opening its sentence.
fn after_opening_adjunct(words: &[Word<'_>], start: usize) -> bool {
    let Some(comma) = start.checked_sub(1).filter(|&c| words[c].text == ",") else {
        return false;
    };
    let sentence = words[start].sentence;
    let Some(open) = (comma.saturating_sub(10)..comma)
        .find(|&k| words[k].sentence == sentence && words[k].first)
    else {
        return false;
    };
    let opener = words[open].text.to_ascii_lowercase();
    ADJUNCT_OPENERS.contains(&opener.as_str())
        && words[open + 1..comma].iter().all(|w| w.text != ",")
}

/// Pronouns and "the ..." descriptions in the words.
fn references(text: &str, words: &[Word<'_>]) -> Vec<Ref> {
    let mut refs = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        if let Some(g) = pronoun_gender(w.text) {
            refs.push(Ref {
                bytes: w.bytes.start..w.bytes.end + if w.possessive { 2 } else { 0 },
                word: i,
                what: Reference::Pronoun(g),
            });
            i += 1;
            continue;
        }
        if !matches!(w.text, "the" | "The") {
            i += 1;
            continue;
        }
        // the [demonym] noun
        let mut j = i + 1;
        if words
            .get(j)
            .is_some_and(|n| COUNTRY_FORMS.contains_key(n.text) && n.is_cap())
        {
            j += 1;
        }
        let Some(noun) = words.get(j) else { break };
        if noun.sentence != w.sentence || !noun.is_lower() {
            i += 1;
            continue;
        }
        // Longest lower-case title: "the foreign minister".
        let title = (1..=3).rev().find_map(|n| {
            let ws = words.get(j..j + n)?;
            if ws.iter().any(|x| x.sentence != w.sentence || !x.is_lower()) {
                return None;
            }
            let t = words::joined(text, ws);
            TITLES.contains_key(&*t).then(|| (n, t.into_owned()))
        });
        // "the country's", "the ministry said"; not "the ministry officials".
        let (n, what) = if let Some((n, t)) = title {
            (n, Reference::Title(t))
        } else if matches!(noun.text, "country" | "nation") {
            (1, Reference::Country)
        } else if ORG_HEADS.contains(noun.text) || COMPANY_NOUNS.contains(&noun.text) {
            (1, Reference::OrgHead(noun.text.to_owned()))
        } else {
            i += 1;
            continue;
        };
        let last = &words[j + n - 1];
        refs.push(Ref {
            bytes: w.bytes.start..last.bytes.end,
            word: i,
            what,
        });
        i = j + n;
    }
    refs
}

/// Groups the candidates into clusters and adds resolved pronouns and descriptions. The
/// clusters come in order of first mention, each with its mentions in text order.
pub fn resolve(text: &str, words: &[Word<'_>], cands: Vec<Candidate>) -> Vec<Cluster> {
    let merges = key_merges(&cands);
    let mut clusters: Vec<Cluster> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::default();
    // Names first, in text order; capitalized descriptions ("the Ministry") wait for the
    // reference pass.
    let mut pending_descriptions = Vec::new();
    let mut placed: Vec<(usize, usize, Range<usize>)> = Vec::new(); // (start, cluster, bytes)
    for mut c in cands {
        if let Some(k) = merges.get(&c.key) {
            c.key = k.clone();
        }
        if c.kind == MentionKind::Description {
            pending_descriptions.push(c);
            continue;
        }
        let index = *by_key.entry(c.key.clone()).or_insert_with(|| {
            clusters.push(Cluster::new(c.etype));
            clusters.len() - 1
        });
        let cluster = &mut clusters[index];
        cluster.gender = cluster.gender.or(c.gender);
        cluster.titles.extend(c.titles.iter().cloned());
        if c.etype == EntityType::Organization {
            for word in c.name.split_whitespace() {
                if ORG_HEADS.contains(word) && word.chars().next().is_some_and(char::is_uppercase) {
                    cluster.heads.insert(word.to_lowercase());
                }
            }
        }
        placed.push((c.bytes.start, index, c.bytes.clone()));
        cluster.mentions.push(c);
    }
    placed.sort_by_key(|p| p.0);

    // Word index of each byte start, to know sentences and paragraphs of mentions.
    let word_at = |byte: usize| words.partition_point(|w| w.bytes.start < byte);
    let mut refs = references(text, words);
    // Capitalized descriptions join the references, as organization heads.
    let mut cap_desc: HashMap<usize, Candidate> = HashMap::default();
    for c in pending_descriptions {
        let head = c.name.to_lowercase();
        let at = word_at(c.bytes.start);
        refs.push(Ref {
            bytes: c.bytes.clone(),
            word: at,
            what: Reference::OrgHead(head),
        });
        cap_desc.insert(c.bytes.start, c);
    }
    refs.sort_by_key(|r| r.bytes.start);
    // Skip references inside names.
    refs.retain(|r| {
        let i = placed.partition_point(|p| p.0 <= r.bytes.start);
        i == 0 || placed[i - 1].2.end <= r.bytes.start
    });

    // Walk names and references in text order; `history` holds resolved mentions.
    let mut history: Vec<(usize, usize, usize)> = Vec::new(); // (cluster, first word, end word)
    let mut next_name = 0;
    let mut added: Vec<(usize, Candidate)> = Vec::new();
    for r in refs {
        while next_name < placed.len() && placed[next_name].0 < r.bytes.start {
            let (start, cluster, ref bytes) = placed[next_name];
            history.push((cluster, word_at(start), word_at(bytes.end)));
            next_name += 1;
        }
        let paragraph = words.get(r.word).map_or(0, |w| w.paragraph);
        let recent = history.iter().rev().take(LOOK_BACK);
        let found = match &r.what {
            Reference::Pronoun(gender) => {
                // A person earlier in the same sentence ("Hu said he ..."), else the most
                // recent person in subject or speaker position, else the most recent one.
                let sentence = words.get(r.word).map_or(0, |w| w.sentence);
                let compatible: Vec<(usize, usize, usize)> = recent
                    .filter(|(c, w, _)| {
                        let cl = &clusters[*c];
                        cl.etype == EntityType::Person
                            && words
                                .get(*w)
                                .is_some_and(|w| w.paragraph + PARAGRAPHS_BACK >= paragraph)
                            && (cl.gender.is_none() || cl.gender == *gender)
                    })
                    .copied()
                    .collect();
                compatible
                    .iter()
                    .find(|(_, w, _)| words.get(*w).is_some_and(|x| x.sentence == sentence))
                    .or_else(|| {
                        compatible
                            .iter()
                            .find(|(_, w, e)| is_subject(words, *w, *e))
                    })
                    .or(compatible.first())
                    .map(|(c, _, _)| *c)
            }
            Reference::Title(title) => {
                let last = title.rsplit(' ').next().unwrap_or(title);
                recent
                    .filter(|(c, _, _)| {
                        let cl = &clusters[*c];
                        cl.etype == EntityType::Person
                            && (cl.titles.contains(title.as_str()) || cl.titles.contains(last))
                    })
                    .map(|(c, _, _)| *c)
                    .next()
            }
            Reference::OrgHead(head) => {
                let company = COMPANY_NOUNS.contains(&head.as_str());
                recent
                    .filter(|(c, _, _)| {
                        let cl = &clusters[*c];
                        cl.etype == EntityType::Organization
                            && (!company || is_company(cl))
                            && (cl.heads.contains(head.as_str())
                                || (company
                                    && (cl.heads.is_empty()
                                        || cl
                                            .heads
                                            .iter()
                                            .any(|h| COMPANY_HEADS.contains(&h.as_str())))))
                    })
                    .map(|(c, _, _)| *c)
                    .next()
            }
            Reference::Country => {
                // Prefer a country named as a subject (not after a preposition, not a
                // demonym) and not named again later in the same sentence ("The country
                // exports ... to China" does not mean China).
                let sentence = words.get(r.word).map_or(0, |w| w.sentence);
                let mut best: Option<(u8, usize)> = None;
                for (c, w, _) in history.iter().rev().take(LOOK_BACK) {
                    let cl = &clusters[*c];
                    if cl.etype != EntityType::Country {
                        continue;
                    }
                    // Name mentions are in text order: look at the next one only.
                    let next = cl
                        .mentions
                        .partition_point(|m| m.bytes.start <= r.bytes.start);
                    let later_here = cl.mentions.get(next).is_some_and(|m| {
                        words
                            .get(word_at(m.bytes.start))
                            .is_some_and(|x| x.sentence == sentence)
                    });
                    if later_here {
                        continue;
                    }
                    let at = words.get(*w).map_or(0, |x| x.bytes.start);
                    let here = cl.mentions.partition_point(|m| m.bytes.start < at);
                    let demonym = cl
                        .mentions
                        .get(here)
                        .is_some_and(|m| m.bytes.start == at && m.kind == MentionKind::Demonym);
                    let after_preposition = w
                        .checked_sub(1)
                        .and_then(|p| words.get(p))
                        .is_some_and(|p| {
                            matches!(
                                p.text,
                                "to" | "from"
                                    | "with"
                                    | "in"
                                    | "into"
                                    | "between"
                                    | "and"
                                    | "for"
                                    | "on"
                                    | "at"
                                    | "of"
                                    | "by"
                                    | "than"
                            )
                        });
                    let rank = match (demonym, after_preposition) {
                        (false, false) => 0,
                        (false, true) => 1,
                        _ => 2,
                    };
                    if best.is_none_or(|(b, _)| rank < b) {
                        best = Some((rank, *c));
                    }
                    if rank == 0 {
                        break;
                    }
                }
                best.map(|(_, c)| c)
            }
        };
        let kind = match r.what {
            Reference::Pronoun(_) => MentionKind::Pronoun,
            _ => MentionKind::Description,
        };
        match found {
            Some(cluster) => {
                if let Reference::Pronoun(g) = r.what {
                    let cl = &mut clusters[cluster];
                    cl.gender = cl.gender.or(g);
                }
                let Some(template) = clusters[cluster].mentions.first() else {
                    continue;
                };
                let mut m = template.clone();
                m.bytes = r.bytes.clone();
                m.kind = kind;
                m.role = None;
                m.titles.clear();
                m.name.clear();
                history.push((cluster, r.word, r.word + 1));
                added.push((cluster, m));
            }
            None => {
                // An unresolved "the Senate": an organization named by its head word.
                if let Some(mut c) = cap_desc.remove(&r.bytes.start) {
                    if let Some(p) = words.get(r.word) {
                        c.bytes.start = p.bytes.start;
                        if matches!(p.text, "the" | "The")
                            && let Some(n) = words.get(r.word + 1)
                        {
                            c.bytes.start = n.bytes.start;
                        }
                    }
                    c.kind = MentionKind::Name;
                    let index = *by_key.entry(c.key.clone()).or_insert_with(|| {
                        clusters.push(Cluster::new(c.etype));
                        clusters.len() - 1
                    });
                    history.push((index, r.word, r.word + 1));
                    clusters[index].heads.insert(c.name.to_lowercase());
                    clusters[index].mentions.push(c);
                }
            }
        }
    }
    for (cluster, m) in added {
        clusters[cluster].mentions.push(m);
    }
    for c in &mut clusters {
        c.mentions.sort_by_key(|m| (m.bytes.start, m.bytes.end));
    }
    clusters.retain(|c| !c.mentions.is_empty());
    clusters.sort_by_key(|c| c.mentions.first().map_or(usize::MAX, |m| m.bytes.start));
    clusters
}
