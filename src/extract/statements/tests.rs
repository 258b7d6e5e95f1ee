use super::*;
use crate::api::v1::{Entity, EntityType, MentionKind, Span};
use crate::extract::entities::EntityMention;
use crate::extract::sentences;
use proptest::prelude::*;

fn run_with(text: &str, entities: &ArticleEntities) -> Vec<Statement> {
    run_options(text, entities, Options::default())
}

fn run_options(text: &str, entities: &ArticleEntities, options: Options) -> Vec<Statement> {
    let offsets = CharOffsets::new(text);
    let sentences = sentences::split(text, &offsets);
    extract(text, &sentences, &offsets, entities, options)
}

fn run_merged(text: &str) -> Vec<Statement> {
    let options = Options {
        continuations: Continuations::Merged,
        ..Options::default()
    };
    run_options(text, &ArticleEntities::default(), options)
}

fn run_all(text: &str) -> Vec<Statement> {
    let options = Options {
        attributions: Attributions::All,
        ..Options::default()
    };
    run_options(text, &ArticleEntities::default(), options)
}

fn run(text: &str) -> Vec<Statement> {
    run_with(text, &ArticleEntities::default())
}

/// The text of a span, sliced by code points as a client would.
fn slice(text: &str, span: Option<&Span>) -> String {
    let span = span.copied().unwrap_or_default();
    let (start, end) = (span.start as usize, span.end as usize);
    text.chars()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect()
}

fn name(s: &Statement) -> &str {
    s.speaker.as_ref().map_or("", |r| r.name.as_str())
}

fn kind(s: &Statement) -> StatementKind {
    StatementKind::try_from(s.kind).unwrap_or_default()
}

fn resolution(s: &Statement) -> SpeakerResolution {
    SpeakerResolution::try_from(s.speaker_resolution).unwrap_or_default()
}

/// Spans must agree with the strings they claim to cover.
fn check_spans(text: &str, got: &[Statement]) {
    for s in got {
        assert_eq!(slice(text, s.cue_span.as_ref()), s.cue, "cue span of {s:?}");
        let content = slice(text, s.content_span.as_ref());
        assert!(content.starts_with(s.content.split(' ').next().unwrap_or("")));
        assert!(!slice(text, s.speaker_span.as_ref()).is_empty());
    }
    for (i, s) in got.iter().enumerate() {
        assert_eq!(s.statement_id, format!("s{}", i + 1));
    }
}

#[test]
fn reported_speech_with_the_cue_after() {
    let text = "Exports to Chile will double next year, the trade minister said.";
    let got = run(text);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].content, "Exports to Chile will double next year");
    assert_eq!(name(&got[0]), "the trade minister");
    assert_eq!(got[0].cue, "said");
    assert_eq!(kind(&got[0]), StatementKind::Indirect);
    assert_eq!(resolution(&got[0]), SpeakerResolution::Unresolved);
    check_spans(text, &got);
}

#[test]
fn inverted_cue_gives_role_and_name() {
    let text = "Farm trade has room to grow, said Chilean President Ana Ruiz during a visit \
                to a port on Monday.";
    let got = run(text);
    assert_eq!(got.len(), 1);
    assert_eq!(name(&got[0]), "Ana Ruiz");
    assert_eq!(got[0].speaker_role, "Chilean President");
    assert_eq!(
        slice(text, got[0].speaker_span.as_ref()),
        "Chilean President Ana Ruiz"
    );
    assert_eq!(got[0].content, "Farm trade has room to grow");
}

#[test]
fn that_clause_after_adjuncts() {
    let text = "The ministry said on Monday that copper exports rose sharply in May.";
    let got = run(text);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].content, "copper exports rose sharply in May");
    assert_eq!(name(&got[0]), "The ministry");
    let text = "Lopez told reporters in the capital that the tariff would stay.";
    let got = run(text);
    assert_eq!(got[0].content, "the tariff would stay");
    assert_eq!(got[0].cue, "told");
}

#[test]
fn curly_quote_with_pronoun_and_later_sentence() {
    let text = "Trade Minister Ana Ruiz spoke in Lima. “We will open the market to grain,” she \
                said. “And we expect more buyers next year.”";
    let got = run(text);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].content, "We will open the market to grain,");
    assert_eq!(kind(&got[0]), StatementKind::Direct);
    assert_eq!(slice(text, got[0].speaker_span.as_ref()), "she");
    assert_eq!(got[1].content, "And we expect more buyers next year.");
    assert_eq!(got[1].cue, "said");
    check_spans(text, &got);
}

#[test]
fn quote_over_several_paragraphs() {
    let text = "The talks ended late, an aide to Ruiz said.\n\n\
                \"Our farmers need these buyers and we will find them.\n\n\
                \"The port will be ready by the spring and the ships will come.\n\n\
                \"Nobody should doubt it,\" the aide said.";
    let got = run(text);
    let contents: Vec<&str> = got.iter().map(|s| s.content.as_str()).collect();
    assert_eq!(
        contents,
        [
            "The talks ended late",
            "Our farmers need these buyers and we will find them.",
            "The port will be ready by the spring and the ships will come.",
            "Nobody should doubt it,",
        ]
    );
    let names: Vec<&str> = got.iter().map(name).collect();
    assert!(
        names
            .iter()
            .all(|n| *n == "an aide to Ruiz" || *n == "the aide"),
        "{names:?}"
    );
    assert!(got[1..].iter().all(|s| kind(s) == StatementKind::Direct));
    check_spans(text, &got);
}

#[test]
fn quote_interrupted_by_its_cue_is_one_statement() {
    let text = "\"The deal is good,\" Ortiz said, \"and it will last for years.\"";
    let got = run(text);
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].content,
        "The deal is good, and it will last for years."
    );
    assert_eq!(
        slice(text, got[0].content_span.as_ref()).len(),
        text.len() - 2
    );
}

#[test]
fn cue_before_a_quote() {
    let text = "Ortiz said: \"We have signed the accord with the bloc.\"";
    let got = run(text);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].content, "We have signed the accord with the bloc.");
    assert_eq!(kind(&got[0]), StatementKind::Direct);
}

#[test]
fn mixed_statement_holds_a_quoted_fragment() {
    let text = "Ortiz said the quota was \"a serious mistake\" for both sides.";
    let got = run(text);
    assert_eq!(got.len(), 1);
    assert_eq!(kind(&got[0]), StatementKind::Mixed);
    assert_eq!(
        got[0].content,
        "the quota was \"a serious mistake\" for both sides"
    );
}

#[test]
fn according_to_with_an_appositive() {
    let text = "More than 300 firms joined the fair, according to Li Wei, the fair's deputy \
                director.";
    let got = run(text);
    assert_eq!(got.len(), 1);
    assert_eq!(name(&got[0]), "Li Wei");
    assert_eq!(got[0].speaker_role, "the fair's deputy director");
    assert_eq!(got[0].cue, "according to");
    assert_eq!(got[0].content, "More than 300 firms joined the fair");
}

#[test]
fn appositive_before_the_cue() {
    let text = "Li Wei, a researcher at the institute, said rice prices would ease.";
    let got = run(text);
    assert_eq!(got.len(), 1);
    assert_eq!(name(&got[0]), "Li Wei");
    assert_eq!(got[0].speaker_role, "a researcher at the institute");
    assert_eq!(got[0].content, "rice prices would ease");
}

#[test]
fn participle_takes_the_subject() {
    let text = "Ortiz visited the port, saying it would lift exports of fruit.";
    let got = run(text);
    assert_eq!(got.len(), 1);
    assert_eq!(name(&got[0]), "Ortiz");
    assert_eq!(got[0].cue, "saying");
    assert_eq!(got[0].content, "it would lift exports of fruit");
}

#[test]
fn coordinated_cues_split_the_content() {
    let text = "Ortiz said sales were rising, but warned that costs would climb.";
    let got = run(text);
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].content, "sales were rising");
    assert_eq!(got[1].content, "costs would climb");
    assert_eq!(name(&got[1]), "Ortiz");
}

#[test]
fn agency_that_carries_the_words_is_not_a_speaker() {
    let text = "Ortiz said the port would reopen soon, according to Reuters.";
    let got = run(text);
    assert_eq!(got.len(), 1);
    assert_eq!(name(&got[0]), "Ortiz");
    let text = "The port would reopen, Ortiz was quoted by the agency as saying.";
    let got = run(text);
    assert_eq!(got.len(), 1);
    assert_eq!(name(&got[0]), "Ortiz");
}

#[test]
fn nested_attribution_gives_one_statement_per_speaker() {
    let text = "Officials said Minister Ana Ruiz told lawmakers that tariffs would rise.";
    let got = run(text);
    assert_eq!(got.len(), 2);
    assert_eq!(name(&got[0]), "Officials");
    assert_eq!(name(&got[1]), "Ana Ruiz");
    assert_eq!(got[1].content, "tariffs would rise");
}

#[test]
fn nouns_and_passives_are_not_cues() {
    assert!(run("The report was said to be late.").is_empty());
    assert!(run("The state of the roads is poor.").is_empty());
    assert!(run("Exports added 5 percent in May.").is_empty());
    assert!(run("Farmers in eight states, or most of the valley, voted for the plan.").is_empty());
    assert!(run("He made similar comments about the harbor on Friday.").is_empty());
    assert_eq!(run("The ministry says the port will open.").len(), 1);
    assert!(run("She ran one of the most important US states, to help farmers.").is_empty());
    let got = run("The firm, a grain trader, announced Tuesday the opening of its port office.");
    assert!(
        got.iter().all(|s| !name(s).starts_with("Tuesday")),
        "{got:?}"
    );
}

#[test]
fn spans_count_code_points_after_non_ascii_text() {
    let text = "ZÜRICH 🙂 — Señora Müller spoke. “Prices will fall soon,” said Müller, \
                the bank’s chief economist.";
    let got = run(text);
    assert_eq!(got.len(), 1);
    let s = &got[0];
    assert_eq!(
        slice(text, s.content_span.as_ref()),
        "Prices will fall soon,"
    );
    assert_eq!(slice(text, s.cue_span.as_ref()), "said");
    assert_eq!(slice(text, s.speaker_span.as_ref()), "Müller");
    assert_eq!(s.speaker_role, "the bank’s chief economist");
    check_spans(text, &got);
}

fn person(id: &str, name: &str, t: EntityType) -> Entity {
    Entity {
        entity_id: id.to_owned(),
        r#type: t as i32,
        name: name.to_owned(),
        ..Default::default()
    }
}

fn mention(
    text: &str,
    offsets: &CharOffsets<'_>,
    what: &str,
    nth: usize,
    kind: MentionKind,
    entity: usize,
) -> EntityMention {
    let start = text.match_indices(what).nth(nth).map_or(0, |(i, _)| i);
    let bytes = start..start + what.len();
    EntityMention {
        span: offsets.span(bytes.start, bytes.end),
        bytes,
        kind,
        entity,
    }
}

#[test]
fn speakers_resolve_through_entity_mentions() {
    let text = "Chile's trade minister Ana Ruiz said Peru would gain. Ruiz said talks were due. \
                She said the ministry agreed. The ministry said buyers in Chile were ready.";
    let offsets = CharOffsets::new(text);
    let mut entities = ArticleEntities {
        entities: vec![
            person("country/CL", "Chile", EntityType::Country),
            person("person/ana-ruiz", "Ana Ruiz", EntityType::Person),
            person(
                "org/chile-trade-ministry",
                "Trade Ministry of Chile",
                EntityType::Organization,
            ),
            person("country/PE", "Peru", EntityType::Country),
        ],
        mentions: vec![
            mention(text, &offsets, "Chile", 0, MentionKind::Name, 0),
            mention(text, &offsets, "Ana Ruiz", 0, MentionKind::Name, 1),
            mention(text, &offsets, "Peru", 0, MentionKind::Name, 3),
            mention(text, &offsets, "Ruiz", 1, MentionKind::Alias, 1),
            mention(text, &offsets, "She", 0, MentionKind::Pronoun, 1),
            mention(
                text,
                &offsets,
                "the ministry",
                0,
                MentionKind::Description,
                2,
            ),
            mention(
                text,
                &offsets,
                "The ministry",
                0,
                MentionKind::Description,
                2,
            ),
            mention(text, &offsets, "Chile", 1, MentionKind::Name, 0),
        ],
    };
    entities.mentions.sort_by_key(|m| m.bytes.start);
    let got = run_with(text, &entities);
    assert_eq!(got.len(), 4, "{got:?}");
    let ids: Vec<&str> = got
        .iter()
        .map(|s| s.speaker.as_ref().map_or("", |r| r.entity_id.as_str()))
        .collect();
    assert_eq!(
        ids,
        [
            "person/ana-ruiz",
            "person/ana-ruiz",
            "person/ana-ruiz",
            "org/chile-trade-ministry"
        ]
    );
    let resolutions: Vec<SpeakerResolution> = got.iter().map(resolution).collect();
    assert_eq!(
        resolutions,
        [
            SpeakerResolution::Name,
            SpeakerResolution::Alias,
            SpeakerResolution::Pronoun,
            SpeakerResolution::Description
        ]
    );
    assert_eq!(got[0].speaker_role, "Chile's trade minister");
    assert_eq!(got[0].mentioned_entity_ids, ["country/PE"]);
    assert_eq!(got[3].mentioned_entity_ids, ["country/CL"]);
}

#[test]
fn description_whose_head_is_not_a_name_stays_a_description() {
    let text =
        "Chilean officials said the quota would stay. The Chilean government said it agreed.";
    let offsets = CharOffsets::new(text);
    let entities = ArticleEntities {
        entities: vec![person("country/CL", "Chile", EntityType::Country)],
        mentions: vec![
            mention(text, &offsets, "Chilean", 0, MentionKind::Alias, 0),
            mention(text, &offsets, "Chilean", 1, MentionKind::Alias, 0),
        ],
    };
    let got = run_with(text, &entities);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(name(&got[0]), "Chilean officials");
    assert_eq!(name(&got[1]), "Chile");
}

#[test]
fn pathological_input_stays_linear() {
    let quotes = "\"".repeat(100_000);
    assert!(run(&quotes).is_empty());
    let said = "said ".repeat(100_000);
    assert!(run(&said).is_empty());
    let he_said = "He said ".repeat(100_000);
    let got = run(&he_said);
    assert!(got.len() <= MAX_PER_SENTENCE);
    let mixed = "\u{201C}a,\u{201D} he said, ".repeat(50_000);
    let got = run(&mixed);
    assert!(got.len() <= 100_000);
}

#[test]
fn a_cue_with_nothing_after_it_gives_no_empty_statement() {
    // Found by the `extract` fuzz target: the first cue's content was an empty piece.
    for text in [
        "X said, while Y says Z added",
        "Officials said, while says deficit added",
    ] {
        let got = run(text);
        check_spans(text, &got);
        assert!(got.iter().all(|s| !s.content.trim().is_empty()), "{got:#?}");
        assert!(got.iter().any(|s| s.cue == "says"), "{text}: {got:#?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn never_panics(words in proptest::collection::vec(
        prop_oneof![
            Just("said"), Just("\""), Just("\u{201C}"), Just("\u{201D}"), Just(","), Just("."),
            Just("according"), Just("to"), Just("he"), Just("Ortiz"), Just("the"), Just("told"),
            Just("saying"), Just("\n"), Just("\n\n"), Just("''"), Just("é🙂"), Just("that"),
            Just("a"), Just("spokesman"), Just("quoted"), Just("as"), Just("was"), Just("("),
        ],
        0..60,
    )) {
        let text = words.join(" ");
        let got = run(&text);
        let n = text.chars().count() as i32;
        for s in &got {
            for span in [&s.content_span, &s.cue_span, &s.speaker_span] {
                let span = span.unwrap_or_default();
                prop_assert!(0 <= span.start && span.start <= span.end && span.end <= n);
            }
        }
    }
}

#[test]
fn parenthetical_cue_takes_both_sides() {
    let text = "The new port, Ortiz said, would open to grain ships next spring.";
    let got = run(text);
    assert_eq!(got.len(), 1);
    assert_eq!(name(&got[0]), "Ortiz");
    assert_eq!(
        got[0].content,
        "The new port would open to grain ships next spring"
    );
    assert_eq!(
        slice(text, got[0].content_span.as_ref()),
        "The new port, Ortiz said, would open to grain ships next spring"
    );
    check_spans(text, &got);
    // A participle after the cue is a cue of its own, not the rest of the content.
    let got = run("Prices will rise, Ortiz said, adding that wages would follow.");
    assert_eq!(got[0].content, "Prices will rise");
}

#[test]
fn speech_act_content_ends_at_the_comma() {
    let text = "Ortiz pledged to cut port fees, after a week of protests by farmers.";
    let got = run(text);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].content, "to cut port fees");
}

#[test]
fn relative_clause_subject_and_who_said() {
    let text = "Ana Ruiz, who runs a fruit cooperative near the coast, said exports would grow.";
    let got = run(text);
    assert_eq!(got.len(), 1);
    assert_eq!(name(&got[0]), "Ana Ruiz");
    assert_eq!(got[0].content, "exports would grow");

    let text = "Ana Ruiz, who said the harvest was late, expects lower prices.";
    let got = run(text);
    assert_eq!(got.len(), 1);
    assert_eq!(name(&got[0]), "Ana Ruiz");
    assert_eq!(slice(text, got[0].speaker_span.as_ref()), "who");
    assert_eq!(got[0].content, "the harvest was late");
}

#[test]
fn question_quote_before_its_cue() {
    let text = "\"Why would we sell now?\" Ortiz asked. \"Who will buy the grain?\" asked Ruiz.";
    let got = run(text);
    assert_eq!(got.len(), 2);
    assert_eq!(name(&got[0]), "Ortiz");
    assert_eq!(got[0].content, "Why would we sell now?");
    assert_eq!(kind(&got[0]), StatementKind::Direct);
    assert_eq!(name(&got[1]), "Ruiz");
    assert_eq!(got[1].content, "Who will buy the grain?");
}

#[test]
fn quote_after_a_comma_cue_is_the_content() {
    let text = "Asked about the harbor, Ortiz said, \"It will reopen. We are ready.\"";
    let got = run(text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(name(&got[0]), "Ortiz");
    assert_eq!(kind(&got[0]), StatementKind::Direct);
    assert_eq!(got[0].content, "It will reopen. We are ready.");
}

#[test]
fn quoted_title_after_adjuncts_is_not_the_content() {
    let text = "\"We will sell,\" Ortiz said in May on the radio show \"Farm Hour.\"";
    let got = run(text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].content, "We will sell,");
}

#[test]
fn subjects_with_a_parenthesis_or_a_loose_appositive() {
    let text = "Sen. Ana Ruiz (D-Ore.) said the port bill would pass.";
    let got = run(text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(name(&got[0]), "Ana Ruiz");
    assert_eq!(got[0].content, "the port bill would pass");

    let text = "Luis Ortiz, 52, a grain farmer near the river, said prices had doubled.";
    let got = run(text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(name(&got[0]), "Luis Ortiz");
    assert_eq!(got[0].content, "prices had doubled");
}

#[test]
fn restrictive_who_and_a_second_speaker_clause() {
    let text = "The plan angered farmers who say the tariff hurts them.";
    let got = run(text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(name(&got[0]), "farmers");
    assert_eq!(got[0].content, "the tariff hurts them");

    let text = "Most farmers said prices were too low, and many traders said demand was weak.";
    let got = run(text);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].content, "prices were too low");
    assert_eq!(got[1].content, "demand was weak");
}

#[test]
fn cue_in_a_leading_subordinate_clause() {
    let text = "While Ortiz said the port was safe, he did not visit it.";
    let got = run(text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].content, "the port was safe");
}

#[test]
fn capital_stands_for_its_country_and_pronouns_skip_places() {
    let text = "Ana Ruiz said the port would open. Lima denied that it had closed the port. \
                He said talks would go on.";
    let offsets = CharOffsets::new(text);
    let mut lima = person("location/lima", "Lima", EntityType::Location);
    lima.country_code = "PE".to_owned();
    let mut peru = person("country/PE", "Peru", EntityType::Country);
    peru.country_code = "PE".to_owned();
    let entities = ArticleEntities {
        entities: vec![
            person("person/ana-ruiz", "Ana Ruiz", EntityType::Person),
            lima,
            peru,
        ],
        mentions: vec![
            mention(text, &offsets, "Ana Ruiz", 0, MentionKind::Name, 0),
            mention(text, &offsets, "Lima", 0, MentionKind::Name, 1),
        ],
    };
    let got = run_with(text, &entities);
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(name(&got[1]), "Peru");
    assert_eq!(name(&got[2]), "Ana Ruiz");
}

#[test]
fn person_named_after_a_long_title_or_before_a_complement() {
    let text = "Governor of the state of Oregon Ana Ruiz said the port would open.";
    let offsets = CharOffsets::new(text);
    let entities = ArticleEntities {
        entities: vec![
            person("person/ana-ruiz", "Ana Ruiz", EntityType::Person),
            person("location/oregon", "Oregon", EntityType::Location),
        ],
        mentions: vec![
            mention(text, &offsets, "Oregon", 0, MentionKind::Name, 1),
            mention(text, &offsets, "Ana Ruiz", 0, MentionKind::Name, 0),
        ],
    };
    let got = run_with(text, &entities);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(name(&got[0]), "Ana Ruiz");

    let got = run("Ana Ruiz of the port authority told reporters the port would open.");
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(name(&got[0]), "Ana Ruiz");

    let got = run("\"The port will open,\" Ana Ruiz, a farm leader said.");
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(name(&got[0]), "Ana Ruiz");
    assert_eq!(got[0].speaker_role, "a farm leader");
}

#[test]
fn speaker_described_then_named_in_the_next_paragraph() {
    let text = "Grain exports to Peru will double, a Chilean official said on Monday.\n\n\
                Ana Ruiz, director of the farm office, told reporters the first ships would \
                leave in May.";
    let got = run(text);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(name(&got[0]), "Ana Ruiz");
    assert_eq!(
        slice(text, got[0].speaker_span.as_ref()),
        "a Chilean official"
    );
    // A description with no name in the next paragraph stays as written.
    let got = run("Grain exports will double, a Chilean official said.\n\nPrices fell in May.");
    assert_eq!(name(&got[0]), "a Chilean official");
}

#[test]
fn names_inside_titles_and_parentheses() {
    let got = run("Grain exports will double, a senior Farm Bureau (FB) official said.");
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].content, "Grain exports will double");
    assert_eq!(name(&got[0]), "a senior Farm Bureau (FB) official");

    let got = run("Ministry spokesman Per Lund told reporters the port would open.");
    assert_eq!(name(&got[0]), "Per Lund");
}

#[test]
fn plural_group_nouns_take_they() {
    let text = "Officials said the law would pass. Critics said it was too weak. \
                They said the fines were too low.";
    let got = run(text);
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(name(&got[1]), "Critics");
    assert_eq!(name(&got[2]), "Critics");
}

#[test]
fn unresolved_name_drops_a_place_before_it() {
    let text = "\"Trade will grow,\" said Invest Lima Ana Ruiz. \
                \"Ports are ready,\" said Lund.";
    let offsets = CharOffsets::new(text);
    let entities = ArticleEntities {
        entities: vec![
            person("location/lima", "Lima", EntityType::Location),
            person("person/per-lund", "Per Lund", EntityType::Person),
        ],
        mentions: vec![mention(text, &offsets, "Lima", 0, MentionKind::Name, 0)],
    };
    let got = run_with(text, &entities);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(name(&got[0]), "Ana Ruiz");
    assert_eq!(name(&got[1]), "Per Lund");
}

#[test]
fn according_to_a_person_over_a_nested_cue() {
    let text = "Peru has also expressed interest in more fruit, according to Ana Ruiz.";
    let got = run(text);
    assert!(
        got.iter()
            .any(|s| name(s) == "Ana Ruiz" && s.content.starts_with("Peru has also expressed")),
        "{got:?}"
    );
}

#[test]
fn coordinated_belief_of_the_same_speaker_stays_in_the_content() {
    let text = "He said farms had gained from the fair and he hoped more firms would join.";
    let got = run(text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(
        got[0].content,
        "farms had gained from the fair and he hoped more firms would join"
    );
    // A speech verb after the coordinator is a statement of its own.
    let got = run("He said farms had gained from the fair, and he added that more would join.");
    assert_eq!(got.len(), 2, "{got:?}");
}

#[test]
fn content_stops_before_a_trailing_participle_or_contrast() {
    let text = "The ministry said it would delay the port tender, citing legal risks. \
                A spokesman said exports rose 4 percent, while imports fell. \
                The minister said talks would resume, including on dairy quotas.";
    let got = run(text);
    let contents: Vec<&str> = got.iter().map(|s| s.content.as_str()).collect();
    assert_eq!(
        contents,
        [
            "it would delay the port tender",
            "exports rose 4 percent",
            "talks would resume, including on dairy quotas",
        ]
    );
    check_spans(text, &got);
}

#[test]
fn a_passive_speech_verb_makes_no_statement() {
    let text = "The nominee was confirmed by the Senate in November. \
                The plan was criticized by rival exporters. \
                The minister said the plan was criticized by rivals.";
    let got = run(text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].content, "the plan was criticized by rivals");
    assert_eq!(name(&got[0]), "The minister");
}

#[test]
fn a_phrase_after_the_cue_leaves_the_quote_before_as_content() {
    let text = "\"He was a weak candidate,\" Ms. Okafor said of the challenger. \
                \"It was fine,\" Mr. Lind said with a laugh. \
                \"We will win,\" the senator said to applause.";
    let got = run(text);
    check_spans(text, &got);
    let contents: Vec<&str> = got.iter().map(|s| s.content.as_str()).collect();
    assert_eq!(
        contents,
        ["He was a weak candidate,", "It was fine,", "We will win,"]
    );
    assert!(got.iter().all(|s| kind(s) == StatementKind::Direct));
}

#[test]
fn an_adjunct_alone_is_not_what_was_said() {
    let text = "The governor said in a statement. Officials said on Friday as talks began.";
    assert!(run(text).is_empty(), "{:?}", run(text));
    let text = "The minister said on Monday the tariff would stay.";
    let got = run(text);
    assert_eq!(got.len(), 1);
    assert!(got[0].content.ends_with("the tariff would stay"));
}

#[test]
fn the_medium_of_a_statement_is_cut_from_its_content() {
    let text = "The union called for higher wages in a statement on Thursday.";
    let got = run(text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].content, "higher wages");
}

#[test]
fn a_closing_demonstrative_that_does_not_start_the_content() {
    let text = "Okafor says it is hard to blame any one person for that.";
    let got = run(text);
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].content,
        "it is hard to blame any one person for that"
    );
    let text = "Okafor told reporters in Lagos that the port would reopen.";
    assert_eq!(run(text)[0].content, "the port would reopen");
}

#[test]
fn a_name_set_off_after_its_role_is_the_speaker() {
    let text = "The port's director, Ana Ruiz, said the terminal would reopen in May.";
    let got = run(text);
    check_spans(text, &got);
    assert_eq!(got.len(), 1);
    assert_eq!(name(&got[0]), "Ana Ruiz");
    assert_eq!(got[0].speaker_role, "The port's director");
}

#[test]
fn a_headline_verb_in_title_case_is_a_cue() {
    let text = "Senator Okafor Says Steel Tariffs Will Stay\n\nThe senator spoke on Monday.";
    let got = run(text);
    check_spans(text, &got);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].cue, "Says");
    assert_eq!(got[0].content, "Steel Tariffs Will Stay");
    // In running text a capitalized form is not a verb ("Simon Says" is a name).
    assert!(run("The children played Simon Says in the yard after school.").is_empty());
}

#[test]
fn a_form_read_mostly_as_a_noun_after_a_common_noun_is_no_cue() {
    let text = "Candidates visited battleground states like Ohio and Iowa last week.";
    assert!(run(text).is_empty(), "{:?}", run(text));
    let text = "The law states that imports must be labeled.";
    assert_eq!(run(text).len(), 1);
}

#[test]
fn a_phrase_with_no_clause_after_any_cue_is_not_content() {
    for text in [
        "The chairman wrote to investors.",
        "Mr. Lind testified voluntarily in 1998.",
    ] {
        assert!(run(text).is_empty(), "{text}: {:?}", run(text));
    }
    let text = "Ms. Okafor said immediately after the vote that she would appeal.";
    assert_eq!(run(text)[0].content, "she would appeal");
}

#[test]
fn according_to_opening_the_sentence_before_a_comma() {
    for text in [
        "According to Ms. Okafor, the port will reopen in May.",
        "But according to officials, the port will reopen in May.",
        "Yet, according to officials, the port will reopen in May.",
    ] {
        let got = run(text);
        assert_eq!(got.len(), 1, "{text}: {got:?}");
        assert_eq!(got[0].content, "the port will reopen in May", "{text}");
    }
    let text = "According to Li Wei, the fair's deputy director, exports rose.";
    let got = run(text);
    assert_eq!(name(&got[0]), "Li Wei");
    assert_eq!(got[0].content, "exports rose");
}

#[test]
fn plural_subjects_take_a_base_form_cue() {
    for (text, speaker) in [
        (
            "Proponents of the new bill say it would protect workers.",
            "Proponents",
        ),
        (
            "Harbor police say the ship ran aground at night.",
            "Harbor police",
        ),
        (
            "About 61 percent say the economy is improving.",
            "61 percent",
        ),
        ("The women say the market closed early.", "The women"),
        (
            "Those surveyed say the market closed early.",
            "Those surveyed",
        ),
    ] {
        let got = run(text);
        assert_eq!(got.len(), 1, "{text}: {got:?}");
        assert!(name(&got[0]).contains(speaker), "{text}: {}", name(&got[0]));
    }
}

#[test]
fn a_quote_going_on_after_the_cue_and_a_comma_is_one_statement() {
    let text = "\"Judge,\" Mr. Lind said, \"I have never seen that happen.\"";
    let got = run(text);
    check_spans(text, &got);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].content, "Judge, I have never seen that happen.");
    assert_eq!(kind(&got[0]), StatementKind::Direct);
}

#[test]
fn a_participle_after_a_quote_closing_on_its_comma_ends_the_content() {
    let text = "She said she was thinking, ''this cannot be happening,'' adding that she \
                had no words.";
    let got = run(text);
    check_spans(text, &got);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(
        got[0].content,
        "she was thinking, ''this cannot be happening,''"
    );
    assert_eq!(got[1].cue, "adding");
    assert_eq!(got[1].content, "she had no words");
}

#[test]
fn a_time_after_the_cue_belongs_to_the_cue_when_a_clause_follows() {
    for text in [
        "Asked about it, Okafor said Tuesday he wants to cut the levy.",
        "The ministry announced this month it would cut the levy.",
        "Okafor said on Monday the levy would be cut.",
    ] {
        let got = run(text);
        assert_eq!(got.len(), 1, "{text}: {got:?}");
        assert!(
            got[0].content.ends_with("cut the levy") || got[0].content.ends_with("be cut"),
            "{text}: {}",
            got[0].content
        );
        assert!(!got[0].content.starts_with("Asked"), "{text}");
    }
    // With no clause after it, the time leaves the quote before as the content.
    let got = run("\"We will win,\" Okafor said on Friday.");
    assert_eq!(got[0].content, "We will win,");
}

#[test]
fn sources_familiar_with_or_close_to_a_matter_are_speakers() {
    let text = "The bloc is weighing duties on steel imports, two officials familiar with \
                the matter said on Friday. A source close to the talks said a deal was near.";
    let got = run(text);
    check_spans(text, &got);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(name(&got[0]), "two officials familiar with the matter");
    assert_eq!(
        got[0].content,
        "The bloc is weighing duties on steel imports"
    );
    assert_eq!(name(&got[1]), "A source close to the talks");
}

#[test]
fn the_one_asked_is_not_part_of_the_question() {
    for (text, content) in [
        (
            "The host asked Okafor whether the levy would stay.",
            "whether the levy would stay",
        ),
        (
            "Reporters asked the minister about the new quotas.",
            "about the new quotas",
        ),
        ("The senator asked Okafor to resign.", "to resign"),
    ] {
        let got = run(text);
        assert_eq!(got.len(), 1, "{text}: {got:?}");
        assert_eq!(got[0].content, content, "{text}");
    }
}

#[test]
fn according_to_inside_a_sentence_takes_the_phrase_before_and_the_clause_after() {
    let text = "Since last November, according to a rights group, security forces have \
                detained 400 protesters.";
    let got = run(text);
    check_spans(text, &got);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(
        got[0].content,
        "Since last November security forces have detained 400 protesters"
    );
    assert_eq!(kind(&got[0]), StatementKind::Indirect);
    let text = "Missing from the talks, according to members who spoke to reporters, was \
                any word on tariffs.";
    let got = run(text);
    assert_eq!(
        got[0].content,
        "Missing from the talks was any word on tariffs"
    );
}

#[test]
fn says_is_never_a_plural_noun() {
    let text = "Running the port is hard work, the harbor master says.";
    let got = run(text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(name(&got[0]), "the harbor master");
    let text = "\"I leave that to others,\" he says during a visit to the port.";
    let got = run(text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].content, "I leave that to others,");
}

#[test]
fn a_participle_may_modify_a_speaker_after_the_cue() {
    let text = "\"It is a way to take part,\" says a source involved in the talks.";
    let got = run(text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].content, "It is a way to take part,");
    assert!(name(&got[0]).starts_with("a source"), "{}", name(&got[0]));
}

#[test]
fn a_time_between_the_subject_and_the_cue_is_skipped() {
    for (text, speaker) in [
        ("Ms. Okafor on Tuesday said the levy would stay.", "Okafor"),
        (
            "The ministry last week announced that the levy would stay.",
            "The ministry",
        ),
        (
            "Mr. Lind on Friday night told reporters the levy would stay.",
            "Lind",
        ),
    ] {
        let got = run(text);
        assert_eq!(got.len(), 1, "{text}: {got:?}");
        assert!(name(&got[0]).contains(speaker), "{text}: {}", name(&got[0]));
        assert_eq!(got[0].content, "the levy would stay", "{text}");
    }
}

#[test]
fn shares_quantifiers_and_coordinated_names_take_a_base_form_cue() {
    for (text, speaker) in [
        ("About 4 in 10 say the levy is too high.", "About 4 in 10"),
        (
            "Nearly one out of five say they will move.",
            "Nearly one out of five",
        ),
        ("Among farmers, 42% say prices will fall.", "42%"),
        ("Some say the port will never reopen.", "Some"),
        (
            "Ms. Okafor and Mr. Lind say the talks have stalled.",
            "Ms. Okafor and Mr. Lind",
        ),
    ] {
        let got = run(text);
        assert_eq!(got.len(), 1, "{text}: {got:?}");
        assert_eq!(slice(text, got[0].speaker_span.as_ref()), speaker, "{text}");
    }
    // A quantifier before a noun is a determiner, not the subject.
    for text in [
        "Some state officials visited the port.",
        "Many report cards arrived late.",
    ] {
        assert!(run(text).is_empty(), "{text}: {:?}", run(text));
    }
}

#[test]
fn a_progressive_cue_takes_its_subject() {
    for (text, speaker, content) in [
        (
            "The ministry is saying that the levy will stay.",
            "The ministry",
            "the levy will stay",
        ),
        (
            "Ms. Okafor isn't saying whether the port broke any rules.",
            "Ms. Okafor",
            "whether the port broke any rules",
        ),
        (
            "Farmers keep telling reporters the levy is too high.",
            "Farmers",
            "the levy is too high",
        ),
    ] {
        let got = run(text);
        assert_eq!(got.len(), 1, "{text}: {got:?}");
        assert_eq!(slice(text, got[0].speaker_span.as_ref()), speaker, "{text}");
        assert_eq!(got[0].content, content, "{text}");
    }
    // A participle after a comma still takes the speaker of the clause before.
    let got = run("Ms. Okafor left the talks, saying the levy would stay.");
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].content, "the levy would stay");
}

#[test]
fn a_naming_verb_takes_the_whole_characterization() {
    for (text, content) in [
        (
            "The mayor called the plan a \"disaster\" and \"a waste of money.\"",
            "the plan a \"disaster\" and \"a waste of money.\"",
        ),
        (
            "Ms. Okafor described the levy as \"unfair\" with a \"hidden cost\" for farmers.",
            "the levy as \"unfair\" with a \"hidden cost\" for farmers",
        ),
        (
            "The union called the deal a \"sellout\" because it cut wages.",
            "the deal a \"sellout\"",
        ),
        (
            "Mr. Lind described the port as a relic, a view his rivals share.",
            "the port as a relic",
        ),
        (
            "The governor called the strike a \"betrayal\" during a visit to the port.",
            "the strike a \"betrayal\"",
        ),
        (
            "Rivals called him a \"bully,\" a \"liar,\" and worse.",
            "him a \"bully,\" a \"liar,\" and worse",
        ),
    ] {
        let got = run(text);
        assert_eq!(got.len(), 1, "{text}: {got:?}");
        assert_eq!(got[0].content, content, "{text}");
    }
    let text = "Rivals called the mayor a \"bully,\" Ms. Okafor said.";
    let got = run(text);
    assert!(got.iter().all(|s| !s.content.contains("Okafor")), "{got:?}");
}

#[test]
fn a_name_after_a_description_or_before_a_relative_clause_is_the_speaker() {
    for (text, name_is) in [
        (
            "Her main rival, Ana Okafor, said the vote was rigged.",
            "Ana Okafor",
        ),
        (
            "One hopeful, Ana Okafor, says she will back the mayor.",
            "Ana Okafor",
        ),
        (
            "Carl Lind, the port editor who wrote the profile, said the story was true.",
            "Carl Lind",
        ),
        (
            "Carl Lind, 24, who was visiting from Ohio, said the rally was loud.",
            "Carl Lind",
        ),
    ] {
        let got = run(text);
        let said = got.iter().find(|s| s.cue.starts_with("sa"));
        assert!(said.is_some(), "{text}: {got:?}");
        if let Some(s) = said {
            assert_eq!(name(s), name_is, "{text}");
        }
    }
    let text = "Exports rose, the director, Ana Okafor, said.";
    let got = run(text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].content, "Exports rose");
}

#[test]
fn participles_after_an_opening_adverbial_a_preposition_or_with() {
    for (text, speaker, content) in [
        (
            "Here in Salem, Mr. Lind stepped up his attacks, saying the port must reopen.",
            "Mr. Lind",
            "the port must reopen",
        ),
        (
            "Meanwhile, the union backed the mayor, saying she had kept her word.",
            "the union",
            "she had kept her word",
        ),
        (
            "Ms. Okafor answered the farmers by saying her plan was sound.",
            "Ms. Okafor",
            "her plan was sound",
        ),
        (
            "The mayor leads, with 47 percent of voters saying they back her, a new poll shows.",
            "47 percent of voters",
            "they back her",
        ),
    ] {
        let got = run(text);
        assert_eq!(got.len(), 1, "{text}: {got:?}");
        assert_eq!(slice(text, got[0].speaker_span.as_ref()), speaker, "{text}");
        assert_eq!(got[0].content, content, "{text}");
    }
}

#[test]
fn continued_next_to_a_quotation_is_a_cue() {
    let text = "Ms. Okafor continued: \"We will not stop until the port reopens.\"";
    let got = run(text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].content, "We will not stop until the port reopens.");
    let text = "\"The levy is a tax on farmers,\" Mr. Lind continued.";
    let got = run(text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(name(&got[0]), "Lind");
    // Elsewhere "continued" says nothing.
    assert!(run("The talks continued into the night.").is_empty());
    let got = run("Prices continued to fall, Ms. Okafor said.");
    assert!(got.iter().all(|s| s.cue != "continued"), "{got:?}");
}

#[test]
fn a_form_mostly_read_as_a_noun_needs_that_a_colon_or_a_quote() {
    for text in [
        "Farm states like Iowa are important in turning out voters.",
        "The mayor visited the battleground states by bus.",
    ] {
        assert!(run(text).is_empty(), "{text}: {:?}", run(text));
    }
    for (text, content) in [
        (
            "The charter states that the port is public.",
            "the port is public",
        ),
        ("The ministry notes: \"Exports rose.\"", "Exports rose."),
        (
            "Exports rose in May, the ministry notes.",
            "Exports rose in May",
        ),
    ] {
        let got = run(text);
        assert_eq!(got.len(), 1, "{text}: {got:?}");
        assert_eq!(got[0].content, content, "{text}");
    }
}

#[test]
fn a_cue_inside_a_relative_clause_says_the_clause() {
    for (text, speaker, content) in [
        (
            "The mayor wants a new dock, which she said the state should pay for.",
            "she",
            "which the state should pay for",
        ),
        (
            "The rules, which officials said will start in May, cover all ports.",
            "officials",
            "which will start in May",
        ),
        (
            "Exports rose in what many analysts said was a sign of recovery.",
            "many analysts",
            "what was a sign of recovery",
        ),
    ] {
        let got = run(text);
        assert_eq!(got.len(), 1, "{text}: {got:?}");
        assert_eq!(slice(text, got[0].speaker_span.as_ref()), speaker, "{text}");
        assert_eq!(got[0].content, content, "{text}");
    }
}

#[test]
fn there_before_a_verb_opens_the_content() {
    for (text, content) in [
        (
            "Pressed by the host, Mr. Lind said there was no evidence of fraud.",
            "there was no evidence of fraud",
        ),
        (
            "Ms. Okafor said there will be talks that could end the strike.",
            "there will be talks that could end the strike",
        ),
    ] {
        let got = run(text);
        assert_eq!(got.len(), 1, "{text}: {got:?}");
        assert_eq!(got[0].content, content, "{text}");
    }
    // "there" as a place is still an adjunct.
    let got = run("\"We will win,\" Mr. Lind said there.");
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].content, "We will win,");
}

#[test]
fn a_place_or_circumstance_after_the_cue_is_not_content() {
    for text in [
        "\"We will win,\" he said aboard his plane as he crossed Ohio.",
        "\"We will win,\" Ms. Okafor said amid cheers from the crowd.",
    ] {
        let got = run(text);
        assert_eq!(got.len(), 1, "{text}: {got:?}");
        assert_eq!(got[0].content, "We will win,", "{text}");
    }
}

#[test]
fn a_subject_with_an_aside_between_dashes() {
    for (text, name_is) in [
        (
            "Farmers -- and some traders -- say the levy is too high.",
            "Farmers",
        ),
        (
            "Ana Okafor — a teacher from the valley — says the school will close.",
            "Ana Okafor",
        ),
    ] {
        let got = run(text);
        assert_eq!(got.len(), 1, "{text}: {got:?}");
        assert_eq!(name(&got[0]), name_is, "{text}");
    }
}

#[test]
fn a_dateline_is_not_the_subject_of_a_participle() {
    for text in [
        "SALEM (Reuters) - Ms. Okafor backed the levy on Monday, saying it would help farmers.",
        "SALEM, Ore. — Ms. Okafor backed the levy on Monday, saying it would help farmers.",
    ] {
        let got = run(text);
        assert_eq!(got.len(), 1, "{text}: {got:?}");
        assert_eq!(name(&got[0]), "Okafor", "{text}");
    }
}

#[test]
fn went_on_to_say_is_a_cue_of_its_subject() {
    let text = "Ms. Okafor praised the farmers and went on to say the levy would be cut.";
    let got = run(text);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].content, "the farmers");
    assert_eq!(got[1].cue, "went on to say");
    assert_eq!(got[1].content, "the levy would be cut");
    let text = "Mr. Lind went on to say that the port would reopen.";
    let got = run(text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(name(&got[0]), "Lind");
}

#[test]
fn a_long_listener_before_that_is_not_content() {
    let text = "Ms. Okafor told shoppers at a busy market in Salem, Oregon, on Monday that \
                the levy would be cut.";
    let got = run(text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].content, "the levy would be cut");
}

#[test]
fn a_quote_closed_by_a_second_opening_curly_mark_ends_there() {
    let text = "“The port will reopen next week,“ the harbour master said. Ships waited offshore.";
    let got = run(text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].content, "The port will reopen next week,");
    assert_eq!(name(&got[0]), "the harbour master");
    check_spans(text, &got);
}

#[test]
fn a_straight_quote_closed_by_a_curly_mark_ends_there() {
    let text = "\"Grain prices will fall,” the farm minister said. Buyers were wary.";
    let got = run(text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].content, "Grain prices will fall,");
    assert_eq!(name(&got[0]), "the farm minister");
    check_spans(text, &got);
    // A curly nested quote inside a straight one keeps its own closing mark.
    let text = "\"They called it “a fair deal” and left,\" the envoy said.";
    let got = run(text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].content, "They called it “a fair deal” and left,");
}

#[test]
fn an_adjunct_naming_the_medium_after_the_cue_is_not_the_content() {
    let text = "The port authority said in a short statement that cargo volumes would grow.";
    let got = run(text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].content, "cargo volumes would grow");
    assert_eq!(name(&got[0]), "The port authority");
    check_spans(text, &got);
    let text = "The farm minister wrote in a letter to growers: \"Prices will recover.\"";
    let got = run(text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].content, "Prices will recover.");
    let text = "The envoy said at a news conference, \"We are close to a deal.\"";
    let got = run(text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].content, "We are close to a deal.");
    assert_eq!(name(&got[0]), "The envoy");
}

#[test]
fn a_pledge_to_act_in_a_relative_clause_is_background() {
    let text = "The governor, who has pledged to cut fuel taxes, opened the bridge on Monday.";
    let got = run(text);
    assert!(got.is_empty(), "{got:?}");
    let text = "The governor pledged to cut fuel taxes.";
    let got = run(text);
    assert_eq!(got.len(), 1, "{got:?}");
}

#[test]
fn a_quote_before_a_cue_with_a_medium_and_a_trailing_participle_is_the_content() {
    let text = "\"The new rules will not help farmers,\" the minister said in a statement, \
                adding that the rules were rushed.";
    let got = run(text);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].content, "The new rules will not help farmers,");
    assert_eq!(name(&got[0]), "the minister");
    assert_eq!(got[1].content, "the rules were rushed");
    check_spans(text, &got);
}

#[test]
fn a_party_tag_after_the_speaker_of_an_inverted_cue_is_skipped() {
    let text = "\"This is a bad day for farmers,\" said Rep. Ana Ruiz (D-Ore.), head of the \
                farm caucus.";
    let got = run(text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].content, "This is a bad day for farmers,");
    assert_eq!(name(&got[0]), "Ana Ruiz");
    check_spans(text, &got);
    let text = "\"The port will stay open,\" said Lopez (R), a port official.";
    let got = run(text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(name(&got[0]), "Lopez");
}

#[test]
fn a_party_and_state_tag_set_off_before_the_cue_keeps_the_speaker() {
    let text = "\"The veto will not stand,\" Sen. Ana Ruiz, R-Ore., said on Tuesday.";
    let got = run(text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].content, "The veto will not stand,");
    assert_eq!(name(&got[0]), "Ana Ruiz");
    check_spans(text, &got);
}

#[test]
fn a_party_tag_closing_the_sentence_after_an_inverted_cue_is_skipped() {
    let text = "\"The port will stay open all year,\" said Gov. Ana Ruiz (R-OR).";
    let got = run(text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].content, "The port will stay open all year,");
    assert!(name(&got[0]).ends_with("Ana Ruiz"), "{got:?}");
    check_spans(text, &got);
}

#[test]
fn a_quote_going_on_after_its_cue_is_its_own_statement_by_default() {
    let text =
        "\"We will not sign this deal,\" Ruiz said. \"Not this year, and not in this form.\"";
    let out = run(text);
    assert_eq!(out.len(), 2, "{out:#?}");
    assert_eq!(out[1].content, "Not this year, and not in this form.");
    assert_eq!(name(&out[1]), "Ruiz");
    assert_eq!(out[0].cue_span, out[1].cue_span);
}

#[test]
fn merged_continuations_make_one_statement_of_the_speakers_turn() {
    let text =
        "\"We will not sign this deal,\" Ruiz said. \"Not this year, and not in this form.\"";
    let out = run_merged(text);
    assert_eq!(out.len(), 1, "{out:#?}");
    let s = &out[0];
    assert_eq!(name(s), "Ruiz");
    assert_eq!(s.kind, StatementKind::Direct as i32);
    assert_eq!(
        s.content,
        "We will not sign this deal, Not this year, and not in this form."
    );
    let span = slice(text, s.content_span.as_ref());
    assert!(span.starts_with("We will not sign"), "{span}");
    assert!(span.ends_with("in this form."), "{span}");
}

#[test]
fn merged_continuations_stop_at_the_paragraph() {
    let text = "\"We will not sign this deal,\" Ruiz said. \"Not this year.\"\n\n\"Talks will go on in March,\" she said. \"We are patient people.\"";
    let out = run_merged(text);
    assert_eq!(out.len(), 2, "{out:#?}");
    assert!(out[0].content.ends_with("Not this year."), "{out:#?}");
    assert!(out[1].content.starts_with("Talks will go on"), "{out:#?}");
    assert!(out[1].content.ends_with("patient people."), "{out:#?}");
}

#[test]
fn merged_continuation_of_reported_speech_is_mixed() {
    let text = "Ruiz said the deal was dead. \"Not this year, and not in this form.\"";
    let out = run_merged(text);
    assert_eq!(out.len(), 1, "{out:#?}");
    assert_eq!(out[0].kind, StatementKind::Mixed as i32);
    assert_eq!(
        out[0].content,
        "the deal was dead Not this year, and not in this form."
    );
}

#[test]
fn irregular_past_forms_are_not_read_as_plural_nouns() {
    for text in [
        "\"It is great fun to watch,\" one reader wrote.",
        "\"It is great fun to watch,\" two readers wrote.",
    ] {
        let out = run(text);
        assert_eq!(out.len(), 1, "{text}: {out:#?}");
        assert_eq!(out[0].cue, "wrote");
        assert_eq!(out[0].content, "It is great fun to watch,");
    }
}

#[test]
fn said_without_comment_keeps_the_quote() {
    let out = run("\"That is a fact,\" the senator said without further comment.");
    assert_eq!(out.len(), 1, "{out:#?}");
    assert_eq!(out[0].content, "That is a fact,");
}

#[test]
fn continued_after_a_quote_may_be_followed_by_a_participle_clause() {
    let out = run("\"Much of the anger is justified,\" he continued, citing slow growth.");
    assert_eq!(out.len(), 1, "{out:#?}");
    assert_eq!(out[0].cue, "continued");
    assert_eq!(out[0].content, "Much of the anger is justified,");
}

#[test]
fn a_number_inside_a_speaker_phrase_after_the_cue() {
    let out = run("\"She did not like that,\" said a 2008 campaign veteran.");
    assert_eq!(out.len(), 1, "{out:#?}");
    assert_eq!(name(&out[0]), "a 2008 campaign veteran");
}

#[test]
fn a_manner_adverb_after_the_cue_keeps_the_quote_before() {
    for text in [
        "\"Our borders are a matter of security,\" the senator says directly to the camera.",
        "\"We are in control of the campaign,\" Lind said happily on MSNBC as returns came in.",
    ] {
        let out = run(text);
        assert_eq!(out.len(), 1, "{text}: {out:#?}");
        assert!(out[0].content.starts_with("Our") || out[0].content.starts_with("We"));
    }
}

#[test]
fn a_source_cited_after_a_quote_and_its_cue_only_carries_the_words() {
    let out = run("\"I will be voting,\" Welch said, according to Vermont Edition.");
    assert_eq!(out.len(), 1, "{out:#?}");
    assert_eq!(name(&out[0]), "Welch");
    assert_eq!(out[0].content, "I will be voting,");
}

#[test]
fn a_role_with_its_own_complement_after_the_cue() {
    let out = run(
        "\"The first line of defense is within the community,\" said former secretary of state Hillary Clinton, who praised Bush for reaching out.",
    );
    let said: Vec<_> = out.iter().filter(|s| s.cue == "said").collect();
    assert_eq!(said.len(), 1, "{out:#?}");
    assert_eq!(name(said[0]), "Hillary Clinton");
    assert_eq!(said[0].speaker_role, "former secretary of state");
}

#[test]
fn a_relative_clause_about_the_speaker_after_the_cue() {
    let out = run(
        "\"His account started those emails,\" said one source who spoke on the condition of anonymity.",
    );
    let said: Vec<_> = out.iter().filter(|s| s.cue == "said").collect();
    assert_eq!(said.len(), 1, "{out:#?}");
    assert_eq!(said[0].content, "His account started those emails,");
    assert_eq!(name(said[0]), "one source");
    let out = run(
        "\"She had made up her mind,\" said one former executive who requested anonymity to discuss the talks.",
    );
    assert_eq!(out.len(), 1, "{out:#?}");
    assert_eq!(out[0].cue, "said");
}

#[test]
fn a_role_and_name_between_the_quote_and_its_cue() {
    for text in [
        "\"The talks are over,\" the spokesman, Ana Ruiz, said.",
        "\"The talks are over,\" Lima's spokeswoman, Ana Ruiz, wrote on Twitter.",
    ] {
        let out = run(text);
        assert_eq!(out.len(), 1, "{text}: {out:#?}");
        assert_eq!(name(&out[0]), "Ana Ruiz", "{text}");
        assert_eq!(out[0].content, "The talks are over,");
    }
}

#[test]
fn a_party_bracket_and_a_comma_before_the_cue() {
    let out = run(
        "Sen. Ana Ruiz (D-Ore.), said after a lunch on Tuesday that she had not read the plan.",
    );
    assert_eq!(out.len(), 1, "{out:#?}");
    assert_eq!(name(&out[0]), "Ana Ruiz");
    assert_eq!(out[0].content, "she had not read the plan");
}

#[test]
fn a_quantifier_subject_before_a_time_adjunct() {
    let out = run("The talks ended. Many said Monday that the ruling changes nothing.");
    assert_eq!(out.len(), 1, "{out:#?}");
    assert_eq!(name(&out[0]), "Many");
    assert_eq!(out[0].content, "the ruling changes nothing");
}

#[test]
fn an_aside_between_the_subject_and_the_cue() {
    for (text, speaker) in [
        (
            "Several candidates, including Ruiz, said the country should take no more refugees.",
            "Several candidates",
        ),
        (
            "Mr. Lind, citing \"the unique magic of the campaign,\" said the race could be close.",
            "Lind",
        ),
    ] {
        let out = run(text);
        assert_eq!(out.len(), 1, "{text}: {out:#?}");
        assert!(name(&out[0]).ends_with(speaker), "{text}: {out:#?}");
        assert!(out[0].content.starts_with("the "), "{text}: {out:#?}");
    }
}

#[test]
fn a_relative_clause_ending_in_a_quote_or_opening_with_which() {
    for (text, speaker) in [
        (
            "Humphrey, who calls the candidate a \"sociopath,\" said the effort needs no alternative.",
            "Humphrey",
        ),
        (
            "The Communications Workers of America, which endorsed Lind in December, said the support was lagging.",
            "Communications Workers of America",
        ),
    ] {
        let out = run(text);
        let said: Vec<_> = out.iter().filter(|s| s.cue == "said").collect();
        assert_eq!(said.len(), 1, "{text}: {out:#?}");
        assert!(name(said[0]).contains(speaker), "{text}: {out:#?}");
        assert!(said[0].content.starts_with("the "), "{text}: {out:#?}");
    }
}

#[test]
fn the_subject_before_a_restrictive_relative_clause() {
    for text in [
        "The talks ended. Supporters who have heard from the campaign said their priority is to win.",
        "The talks ended. Supporters who have heard from the campaign say their priority is to win.",
    ] {
        let out = run(text);
        assert_eq!(out.len(), 1, "{text}: {out:#?}");
        assert_eq!(name(&out[0]), "Supporters", "{text}");
        assert_eq!(out[0].content, "their priority is to win");
    }
    let out = run("The talks ended. Aides to the governor say she is shifting her tack.");
    assert_eq!(out.len(), 1, "{out:#?}");
    assert_eq!(out[0].content, "she is shifting her tack");
}

#[test]
fn a_that_relative_clause_whose_gap_is_in_what_was_said() {
    let out = run(
        "The talks ended. He joined a charity that prosecutors said was suspected of funding militias.",
    );
    assert_eq!(out.len(), 1, "{out:#?}");
    assert_eq!(name(&out[0]), "prosecutors");
    assert!(
        out[0]
            .content
            .ends_with("was suspected of funding militias"),
        "{out:#?}"
    );
    // "that" after a verb of saying opens the content, not a relative clause.
    let out = run("The talks ended. He noted that officials said the plan would fail.");
    assert!(
        out.iter().any(|s| s.content == "the plan would fail"),
        "{out:#?}"
    );
}

#[test]
fn particles_and_listeners_before_a_quote_are_not_content() {
    let out = run("The talks ended. Ms. Lind wrote back: \"We all have him on our radar.\"");
    assert_eq!(out.len(), 1, "{out:#?}");
    assert_eq!(out[0].content, "We all have him on our radar.");
    let out = run(
        "The talks ended. Its chairman, Ana Ruiz, told the Reuters news agency simply, \"We lost.\"",
    );
    assert_eq!(out.len(), 1, "{out:#?}");
    assert_eq!(out[0].content, "We lost.");
}
#[test]
fn more_ways_to_place_a_cue() {
    for (text, content) in [
        (
            "The talks ended. To which she said, \"Thank God you still believe in it.\"",
            "Thank God you still believe in it.",
        ),
        (
            "The talks ended. The businessman says of Ruiz, \"If she gets the chance, she will sell it.\"",
            "If she gets the chance, she will sell it.",
        ),
        (
            "\"It never crossed my mind,\" she said several months after her release, and the doctors agreed.",
            "It never crossed my mind,",
        ),
        (
            "The talks ended. He knew Lind, who in 2010 said the goal was to win a second term.",
            "the goal was to win a second term",
        ),
    ] {
        let out = run(text);
        assert!(out.iter().any(|s| s.content == content), "{text}: {out:#?}");
    }
}

#[test]
fn said_to_someone_described_by_a_relative_clause_keeps_the_quote() {
    let text = "\"That's right, we will win,\" Melanie said to the nominee, who began his speech by thanking the crowd.";
    let out = run(text);
    assert_eq!(out.len(), 1, "{out:#?}");
    assert_eq!(out[0].content, "That's right, we will win,");
    assert_eq!(name(&out[0]), "Melanie");
}

#[test]
fn words_before_a_quote_in_its_sentence_are_part_of_the_content() {
    let text = "The talks ended. Not paying taxes \"makes me smart,\" Ruiz said last week.";
    let out = run(text);
    assert_eq!(out.len(), 1, "{out:#?}");
    assert_eq!(out[0].kind, StatementKind::Mixed as i32);
    assert_eq!(out[0].content, "Not paying taxes \"makes me smart,\"");
    // A cue of its own before the quote keeps the words apart.
    let out = run("The talks ended. Lind said the deal was dead. \"We are done,\" Ruiz said.");
    assert!(out.iter().any(|s| s.content == "We are done,"), "{out:#?}");
}

#[test]
fn a_new_capitalized_speaker_after_and_ends_the_content_before() {
    let out = run(
        "The talks ended. Republicans said the department mishandled the inquiry and Democrats accused them of stoking the issue.",
    );
    assert!(
        out.iter()
            .any(|s| s.content == "the department mishandled the inquiry"),
        "{out:#?}"
    );
}

#[test]
fn a_relative_clause_running_to_the_sentence_end_is_the_reporters() {
    let out = run(
        "The talks ended. Lind said he expects Ruiz to recover from pneumonia, which forced her to leave early.",
    );
    assert_eq!(out.len(), 1, "{out:#?}");
    assert_eq!(out[0].content, "he expects Ruiz to recover from pneumonia");
    // One that closes before the clause goes on stays in the content.
    let out =
        run("The talks ended. Lind said the plan, which was approved in May, will cut tariffs.");
    assert_eq!(
        out[0].content,
        "the plan, which was approved in May, will cut tariffs"
    );
}

#[test]
fn a_relative_that_after_the_listener_does_not_open_the_content() {
    let out = run(
        "\"We are in a critical situation,\" Merkel told reporters after the meeting that was held on a boat.",
    );
    assert_eq!(out.len(), 1, "{out:#?}");
    assert_eq!(out[0].content, "We are in a critical situation,");
}

#[test]
fn a_gerund_subject_after_a_parenthetical_cue_goes_on_with_the_content() {
    let out = run(
        "The talks ended. Though the last transition was seamless, he said, replacing her would be much harder.",
    );
    assert_eq!(out.len(), 1, "{out:#?}");
    assert!(
        out[0]
            .content
            .ends_with("replacing her would be much harder"),
        "{out:#?}"
    );
    assert!(
        out[0].content.starts_with("Though the last transition"),
        "{out:#?}"
    );
}

#[test]
fn a_speaker_closing_the_sentence_ends_the_content_before_it() {
    let out = run(
        "The talks ended. Ruiz had told officials that she did not want an escort, but the police overruled her, the source added.",
    );
    let told = out
        .iter()
        .find(|s| s.cue == "told")
        .expect("the told statement");
    assert_eq!(
        told.content,
        "she did not want an escort, but the police overruled her"
    );
    assert!(out.iter().any(|s| s.cue == "added"), "{out:#?}");
}

#[test]
fn an_as_parenthetical_cue_takes_both_sides() {
    let out = run("The talks ended. The economy, as the minister said, is growing fast.");
    assert_eq!(out.len(), 1, "{out:#?}");
    assert_eq!(out[0].content, "The economy is growing fast");
    assert_eq!(name(&out[0]), "the minister");
}

#[test]
fn numbers_adjuncts_and_asides_around_a_cue() {
    for (text, speaker, content) in [
        (
            "The talks ended. Officials said 2016 has seen the worst start on record.",
            "Officials",
            "2016 has seen the worst start on record",
        ),
        (
            "\"I cannot believe how civil it has been,\" Ruiz said 30 minutes into the debate.",
            "Ruiz",
            "I cannot believe how civil it has been,",
        ),
        (
            "The talks ended. Yet Democratic economists, like their Republican counterparts, say taxing consumption encourages savings.",
            "Democratic economists",
            "taxing consumption encourages savings",
        ),
    ] {
        let out = run(text);
        assert_eq!(out.len(), 1, "{text}: {out:#?}");
        assert_eq!(name(&out[0]), speaker, "{text}");
        assert_eq!(out[0].content, content, "{text}");
    }
}

#[test]
fn a_cue_with_a_listener_and_an_adjunct_before_a_colon_takes_the_next_quote() {
    let out =
        run("He told his audience, to rowdy applause:\n\n\"Nobody is more qualified to serve.\"");
    assert_eq!(out.len(), 1, "{out:#?}");
    assert_eq!(out[0].content, "Nobody is more qualified to serve.");
}

#[test]
fn the_base_form_state_is_a_noun_unless_a_clause_or_quote_follows() {
    assert!(
        run("The talks ended. The vote will provide the template she follows in upcoming state contests with large rural electorates.")
            .is_empty()
    );
    let out = run("The talks ended. Officials state that the vote was fair.");
    assert_eq!(out.len(), 1, "{out:#?}");
    assert_eq!(out[0].content, "the vote was fair");
}

#[test]
fn a_listener_or_an_about_phrase_after_the_cue_leaves_the_quote_before() {
    for (text, content) in [
        (
            "\"Our hearts are broken, too,\" Lind told the families of the victims.",
            "Our hearts are broken, too,",
        ),
        (
            "\"That was the best moment,\" Ruiz said of the meeting she had last week with the mayor.",
            "That was the best moment,",
        ),
    ] {
        let out = run(text);
        assert_eq!(out.len(), 1, "{text}: {out:#?}");
        assert_eq!(out[0].content, content, "{text}");
    }
}

#[test]
fn thoughts_findings_and_intentions_are_statements_only_when_asked_for() {
    let cases = [
        (
            "A new statewide poll shows that Ruiz leads the race by six points.",
            "A new statewide poll",
            "Ruiz leads the race by six points",
        ),
        (
            "The mayor thinks the budget will pass next month.",
            "The mayor",
            "the budget will pass next month",
        ),
        (
            "The governor wants to raise the minimum wage before the election.",
            "The governor",
            "to raise the minimum wage before the election",
        ),
        (
            "The company declined to comment on the lawsuit.",
            "The company",
            "to comment on the lawsuit",
        ),
    ];
    for (text, speaker, content) in cases {
        assert!(run(text).is_empty(), "speech only: {text}");
        let out = run_all(text);
        assert_eq!(out.len(), 1, "{text}: {out:#?}");
        assert_eq!(slice(text, out[0].speaker_span.as_ref()), speaker, "{text}");
        assert_eq!(out[0].content, content, "{text}");
        assert!(!out[0].cue_is_speech, "{text}");
    }
    // A finding may be a noun phrase with a participle.
    let out = run_all("Polls show Clinton leading in three swing states.");
    assert_eq!(out.len(), 1, "{out:#?}");
    assert_eq!(out[0].content, "Clinton leading in three swing states");
    // A noun phrase alone is no thought reported ("found a home", "proved decisive"), nor
    // a name ("known as"), nor anything before the verb.
    for text in [
        "Many refugees found a home in the small town last year.",
        "The strategy proved decisive in the final weeks of the race.",
        "A series of primaries known as Super Tuesday is next.",
        "\"We will win,\" the senator thinks.",
    ] {
        assert!(run_all(text).is_empty(), "{text}");
    }
    // Speech keeps its flag under either setting.
    let text = "The mayor said the budget will pass next month.";
    for out in [run(text), run_all(text)] {
        assert_eq!(out.len(), 1, "{out:#?}");
        assert!(out[0].cue_is_speech);
    }
}

#[test]
fn an_amount_with_at_least_opens_the_content() {
    let text = "Traders said at least one other trader made a similar contract on Monday.";
    let out = run(text);
    assert_eq!(out.len(), 1, "{out:#?}");
    assert_eq!(
        out[0].content,
        "at least one other trader made a similar contract on Monday"
    );
}

#[test]
fn what_follows_a_cue_without_words_is_no_content() {
    for text in [
        // A second verb of the speaker.
        "She said and quickly hung up.",
        // Nothing reported.
        "Lazar said little about the plan in recent months.",
        // A thing written or put, not words.
        "The company wrote off 50 million dollars of loans last year.",
        "The bank added 300 million dollars to its reserves.",
        // "reason" as the noun it mostly is.
        "Voters have good reason to be worried about the deficit.",
    ] {
        let out = run(text);
        assert!(out.is_empty(), "{text}: {out:#?}");
    }
    for (text, content) in [
        ("She wrote that the plan had failed.", "the plan had failed"),
        ("He added the economy was strong.", "the economy was strong"),
        ("The mayor added, \"We will rebuild.\"", "We will rebuild."),
    ] {
        let out = run(text);
        assert_eq!(out.len(), 1, "{text}: {out:#?}");
        assert_eq!(out[0].content, content, "{text}");
    }
}

#[test]
fn a_named_person_set_off_with_descriptions_is_the_speaker() {
    for (text, speaker, role) in [
        (
            "A member of the Federal Reserve Board, Robert Heller, said he wanted stronger demand.",
            "Robert Heller",
            "A member of the Federal Reserve Board",
        ),
        (
            "But Steve Norwitz, a spokesman for T. Rowe Price Associates, a Baltimore-based \
             investment firm, said redemptions were small.",
            "Steve Norwitz",
            "a spokesman for T. Rowe Price Associates, a Baltimore-based investment firm",
        ),
        (
            "Donaldson Bramham Lee, an investor from Birmingham, Alabama, said he raised his stake.",
            "Donaldson Bramham Lee",
            "an investor from Birmingham, Alabama",
        ),
    ] {
        let out = run(text);
        assert_eq!(out.len(), 1, "{text}: {out:#?}");
        assert_eq!(slice(text, out[0].speaker_span.as_ref()), speaker, "{text}");
        assert_eq!(out[0].speaker_role, role, "{text}");
    }
    // A body and its acronym stay the body.
    for (text, speaker) in [
        (
            "The General Accounting Office, GAO, said farm debt rose.",
            "The General Accounting Office",
        ),
        (
            "Prices fell, the chairman of the Coffee Marketing Board, CMB, said.",
            "the chairman of the Coffee Marketing Board",
        ),
    ] {
        let out = run(text);
        assert_eq!(out.len(), 1, "{text}: {out:#?}");
        assert_eq!(slice(text, out[0].speaker_span.as_ref()), speaker, "{text}");
    }
}

#[test]
fn a_capitalized_form_inside_a_name_is_no_cue() {
    let text = "The United States has accused Japan of reneging on an agreement.";
    let out = run(text);
    assert_eq!(out.len(), 1, "{out:#?}");
    assert_eq!(
        slice(text, out[0].speaker_span.as_ref()),
        "The United States"
    );
    // A headline still capitalizes its verb.
    let text = "Graham Says Trump Could Win The Nomination";
    let out = run(text);
    assert_eq!(out.len(), 1, "{out:#?}");
    assert_eq!(slice(text, out[0].speaker_span.as_ref()), "Graham");
}

#[test]
fn the_one_quoted_as_saying_is_the_speaker() {
    for (text, speaker, content) in [
        (
            "The newspaper quoted Israeli officials as saying that the two met by accident.",
            "Israeli officials",
            "the two met by accident",
        ),
        (
            "The agency quoted Ruiz as saying, \"We will not sign.\"",
            "Ruiz",
            "We will not sign.",
        ),
    ] {
        let out = run(text);
        assert_eq!(out.len(), 1, "{text}: {out:#?}");
        assert_eq!(slice(text, out[0].speaker_span.as_ref()), speaker, "{text}");
        assert_eq!(out[0].content, content, "{text}");
    }
}

#[test]
fn a_speech_act_noun_before_a_break_is_no_cue() {
    for text in [
        "Kuranari said he wants everyone in the telecommunications dispute, including Cable and Wireless, to be satisfied.",
        "Measures to stimulate domestic demand, the dollar would resume its fall, dealers said.",
    ] {
        let out = run(text);
        assert!(
            out.iter()
                .all(|s| !matches!(s.cue.as_str(), "dispute" | "demand")),
            "{text}: {out:#?}"
        );
    }
    // A verb still counts: "They demand that the plan be withdrawn."
    let out = run("The unions demand that the plan be withdrawn.");
    assert_eq!(out.len(), 1, "{out:#?}");
}

#[test]
fn a_second_verb_of_the_subject_ends_a_speech_act() {
    let out = run("Hamas has vowed to destroy Israel and staged rocket attacks in the past.");
    assert_eq!(out.len(), 1, "{out:#?}");
    assert_eq!(out[0].content, "to destroy Israel");
    // A coordinated object stays: "urged Japan and Korea to ...".
    let out = run("The minister urged Japan and Korea to open their markets to farm goods.");
    assert_eq!(out.len(), 1, "{out:#?}");
    assert_eq!(
        out[0].content,
        "Japan and Korea to open their markets to farm goods"
    );
}
