//! Tests of entity recognition and coreference, on made-up wire copy.

use super::*;
use crate::api::v1::EntityType;
use crate::extract::{dateline, sentences};
use proptest::prelude::*;

fn run(text: &str) -> ArticleEntities {
    let offsets = CharOffsets::new(text);
    let dateline = dateline::parse(text, None, &offsets);
    let body = dateline.as_ref().and_then(|d| d.span).map_or(0, |s| {
        offsets.byte_index(usize::try_from(s.end).unwrap_or(0))
    });
    let sentences = sentences::split_from(text, body, &offsets);
    recognize(text, dateline.as_ref(), &sentences, &offsets)
}

fn entity<'a>(result: &'a ArticleEntities, name: &str) -> &'a Entity {
    result
        .entities
        .iter()
        .find(|e| e.name == name)
        .unwrap_or_else(|| panic!("no entity {name:?} in {:#?}", names(result)))
}

fn names(result: &ArticleEntities) -> Vec<(String, i32)> {
    result
        .entities
        .iter()
        .map(|e| (e.name.clone(), e.r#type))
        .collect()
}

/// The mentions of an entity as (text, kind).
fn mentions(e: &Entity) -> Vec<(String, MentionKind)> {
    e.mentions
        .iter()
        .map(|m| (m.text.clone(), m.kind()))
        .collect()
}

/// Every mention's span slices the text to the mention's text.
fn check_spans(text: &str, result: &ArticleEntities) {
    for e in &result.entities {
        for m in &e.mentions {
            let span = m.span.unwrap_or_default();
            let by_chars: String = text
                .chars()
                .skip(usize::try_from(span.start).unwrap_or(0))
                .take(usize::try_from(span.end - span.start).unwrap_or(0))
                .collect();
            assert_eq!(by_chars, m.text);
        }
    }
    for pair in result.mentions.windows(2) {
        assert!(pair[0].bytes.start <= pair[1].bytes.start);
    }
    for m in &result.mentions {
        assert_eq!(text.get(m.bytes.clone()).map(str::len), Some(m.bytes.len()));
    }
}

#[test]
fn title_before_name_gives_role_and_country() {
    let text = "MEXICO CITY, May 2 (Xinhua) -- Trade with Asia will keep growing, said Mexican \
                President Luis Ortega Vidal on Tuesday.\nOrtega Vidal said he expected more \
                exports of coffee to Japan this year.";
    let result = run(text);
    check_spans(text, &result);
    let person = entity(&result, "Luis Ortega Vidal");
    assert_eq!(person.entity_id, "person/luis-ortega-vidal");
    assert_eq!(person.roles, ["Mexican President"]);
    assert_eq!(person.country_code, "MX");
    assert_eq!(person.aliases, ["Ortega Vidal"]);
    assert_eq!(
        mentions(person),
        [
            ("Luis Ortega Vidal".to_owned(), MentionKind::Name),
            ("Ortega Vidal".to_owned(), MentionKind::Alias),
            ("he".to_owned(), MentionKind::Pronoun),
        ]
    );
    let mexico = result
        .entities
        .iter()
        .find(|e| e.entity_id == "country/MX")
        .expect("Mexico from the demonym");
    assert_eq!(mexico.r#type, EntityType::Country as i32);
    assert_eq!(entity(&result, "Xinhua").entity_id, "org/xinhua");
    assert_eq!(
        entity(&result, "Mexico City").entity_id,
        "location/mexico-city"
    );
    assert_eq!(entity(&result, "Japan").country_code, "JP");
}

#[test]
fn appositive_role_with_company_possessor() {
    let text = "Sales on the site doubled last year, according to Tom Lin, Zentra's founder and \
                chairman.\nLin said his company would open an office in Lagos next month.";
    let result = run(text);
    check_spans(text, &result);
    let person = entity(&result, "Tom Lin");
    assert_eq!(person.roles, ["Zentra's founder and chairman"]);
    assert_eq!(
        mentions(person),
        [
            ("Tom Lin".to_owned(), MentionKind::Name),
            ("Lin".to_owned(), MentionKind::Alias),
            ("his".to_owned(), MentionKind::Pronoun),
        ]
    );
    let company = entity(&result, "Zentra");
    assert_eq!(company.entity_id, "org/zentra");
    assert_eq!(company.r#type, EntityType::Organization as i32);
}

#[test]
fn mentions_in_resolves_a_speaker_phrase() {
    let text = "The plan is sound, Foreign Minister Anna Berg told reporters. She said the \
                talks would go on.";
    let result = run(text);
    let start = text.find("She").unwrap_or(0);
    let found: Vec<_> = result.mentions_in(start..start + 3).collect();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].kind, MentionKind::Pronoun);
    let target = result.entity_ref(found[0].entity).map(|r| r.name);
    assert_eq!(target.as_deref(), Some("Anna Berg"));
    let person = entity(&result, "Anna Berg");
    assert_eq!(person.roles, ["Foreign Minister"]);
}

#[test]
fn descriptions_link_to_recent_entities() {
    let text = "Exports rose 5 percent, the Ministry of Commerce said on Monday. The ministry \
                expects more growth. Chile's economy grew too, and the country plans new deals. \
                Governor Paul Reyes attended. The governor said the figures were good.";
    let result = run(text);
    check_spans(text, &result);
    let ministry = entity(&result, "Ministry of Commerce");
    assert!(mentions(ministry).contains(&("The ministry".to_owned(), MentionKind::Description)));
    let chile = entity(&result, "Chile");
    assert!(mentions(chile).contains(&("the country".to_owned(), MentionKind::Description)));
    let governor = entity(&result, "Paul Reyes");
    assert!(mentions(governor).contains(&("The governor".to_owned(), MentionKind::Description)));
}

#[test]
fn female_pronoun_skips_a_male_person() {
    let text = "Mr. Karl Osei met spokeswoman Lina Mora in Accra. She said the deal was close.";
    let result = run(text);
    let lina = entity(&result, "Lina Mora");
    assert!(mentions(lina).contains(&("She".to_owned(), MentionKind::Pronoun)));
    let karl = entity(&result, "Karl Osei");
    assert!(!mentions(karl).iter().any(|m| m.1 == MentionKind::Pronoun));
}

#[test]
fn us_dollars_are_not_the_united_states() {
    let text = "Sales reached 5 billion US dollars, or 3 billion U.S. dollars more than before.";
    let result = run(text);
    assert!(
        !result.entities.iter().any(|e| e.entity_id == "country/US"),
        "{:?}",
        names(&result)
    );
    let text = "Trade with the U.S. reached 5 billion US dollars, and the United States agreed.";
    let result = run(text);
    let us = entity(&result, "United States");
    assert_eq!(us.entity_id, "country/US");
    assert_eq!(us.aliases, ["U.S."]);
    assert_eq!(us.mentions.len(), 2);
}

#[test]
fn diacritics_fold_in_ids_and_spans_count_code_points() {
    let text = "“Trade is up,” said Brazilian Minister Ana Peña Ruiz in São Paulo. Peña Ruiz \
                smiled.";
    let result = run(text);
    check_spans(text, &result);
    let person = entity(&result, "Ana Peña Ruiz");
    assert_eq!(person.entity_id, "person/ana-pena-ruiz");
    let span = person.mentions[0].span.unwrap_or_default();
    let by_chars: String = text
        .chars()
        .skip(usize::try_from(span.start).unwrap_or(0))
        .take(13)
        .collect();
    assert_eq!(by_chars, "Ana Peña Ruiz");
    assert_eq!(person.aliases, ["Peña Ruiz"]);
}

#[test]
fn ids_are_stable_across_articles() {
    let first = run(
        "President Omar Haddad of Tunisia met officials of the Vexa Group, \
                     said the WTO.",
    );
    let second = run("Omar Haddad said Vexa had grown. The World Trade Organization agreed.");
    let id = |r: &ArticleEntities, name: &str| entity(r, name).entity_id.clone();
    assert_eq!(id(&first, "Omar Haddad"), id(&second, "Omar Haddad"));
    assert_eq!(id(&first, "Vexa Group"), "org/vexa");
    assert_eq!(id(&first, "WTO"), id(&second, "World Trade Organization"));
    assert_eq!(id(&first, "Tunisia"), "country/TN");
}

#[test]
fn acronym_and_known_bodies() {
    let text = "The Federal Statistics Office (FSO) said imports fell. The FSO expects a \
                rebound, the IMF said.";
    let result = run(text);
    let office = entity(&result, "Federal Statistics Office");
    assert_eq!(office.aliases, ["FSO"]);
    assert_eq!(office.mentions.len(), 3, "{:?}", mentions(office));
    assert_eq!(
        entity(&result, "IMF").entity_id,
        "org/international-monetary-fund"
    );
}

#[test]
fn unresolved_capitalized_description_becomes_an_organization() {
    let text = "The Ministry said exports rose. The ministry expects more, the Ministry added.";
    let result = run(text);
    check_spans(text, &result);
    let ministry = entity(&result, "Ministry");
    assert_eq!(ministry.mentions.len(), 3, "{:?}", mentions(ministry));
}

#[test]
fn empty_and_odd_input() {
    assert_eq!(run(""), ArticleEntities::default());
    let _ = run("'s 's ( ) -- THE The the of Of OF");
    let _ = run("Mr. Mr. Mr.");
    let _ = run("A-B-C-D-E-F, X-Y-Z said Sino-Mexican ties, \"he\" said.");
}

proptest! {
    #[test]
    fn never_panics(text in "(\\PC|[A-Z][a-z]+ |the |said |he |, |'s |\\(|\\)|-| of )*") {
        let result = run(&text);
        check_spans(&text, &result);
    }
}

#[test]
fn a_subject_after_an_opening_adjunct_takes_the_next_pronoun() {
    let text = "LIMA, May 4 (Fixture Wire) - Trade Minister Ana Ruiz said the talks would go on.\n\n\
        Earlier in the day, Carlos Mendez, an economist named special envoy, took a softer line. \
        He said the deal could still be saved.";
    let result = run(text);
    let mendez = entity(&result, "Carlos Mendez");
    assert!(
        mentions(mendez).contains(&("He".to_owned(), MentionKind::Pronoun)),
        "{:?}",
        mentions(mendez)
    );
}
