//! Properties of `extract::analyze` on generated text: arbitrary strings, and strings built
//! from the tokens wire stories are made of (quotes, cues, capitalized words, countries,
//! numbers, abbreviations, datelines), where the extractor's rules actually fire.
//!
//! For every input: no panic; the text comes back as sent; every span is within the text in
//! code points with start <= end; every field "as written" equals the text under its span
//! (see `common::span_violations`); counts, ids and references agree.

mod common;

use common::span_violations;
use newsfacts::api::v1::{Article, ArticleInput};
use pbjson_types::Timestamp;
use proptest::prelude::*;
use std::collections::HashSet;

/// Everything that must hold of any analysis, as a list of what does not.
fn broken_invariants(input: &ArticleInput, a: &Article) -> Vec<String> {
    let mut out = span_violations(a);
    if a.text != input.text {
        out.push("text not returned as sent".into());
    }
    let counts = (a.entity_count, a.statement_count, a.trade_fact_count);
    let lens = (a.entities.len(), a.statements.len(), a.trade_facts.len());
    if counts != (lens.0 as i32, lens.1 as i32, lens.2 as i32) {
        out.push(format!("counts {counts:?} but {lens:?} items"));
    }
    let entity_ids: HashSet<&str> = a.entities.iter().map(|e| e.entity_id.as_str()).collect();
    if entity_ids.len() != a.entities.len() {
        out.push("an entity listed twice".into());
    }
    let statement_ids: HashSet<&str> = a
        .statements
        .iter()
        .map(|s| s.statement_id.as_str())
        .collect();
    if statement_ids.len() != a.statements.len() {
        out.push("a statement id used twice".into());
    }
    for s in &a.statements {
        for id in &s.mentioned_entity_ids {
            if !entity_ids.contains(id.as_str()) {
                out.push(format!("{} mentions unknown entity {id}", s.statement_id));
            }
        }
        if !(0.0..=1.0).contains(&s.confidence) {
            out.push(format!("{} confidence {}", s.statement_id, s.confidence));
        }
    }
    for f in &a.trade_facts {
        let attributed = &f.attributed_statement_id;
        if !attributed.is_empty() && !statement_ids.contains(attributed.as_str()) {
            out.push(format!(
                "{} attributed to unknown {attributed}",
                f.trade_fact_id
            ));
        }
        if !(0.0..=1.0).contains(&f.confidence) {
            out.push(format!("{} confidence {}", f.trade_fact_id, f.confidence));
        }
    }
    out
}

/// Checks the invariants under every extraction setting: both readings of a continued
/// quotation, with and without the attributions that are not speech.
fn check(input: &ArticleInput) -> Result<(), TestCaseError> {
    use newsfacts::extract::{Attributions, Continuations, Options, analyze_with};
    for continuations in [Continuations::Separate, Continuations::Merged] {
        for attributions in [Attributions::Speech, Attributions::All] {
            let options = Options {
                continuations,
                attributions,
            };
            let article = analyze_with(input, options);
            let broken = broken_invariants(input, &article);
            prop_assert!(
                broken.is_empty(),
                "{options:?}: {broken:#?}\ntext: {:?}",
                input.text
            );
        }
    }
    Ok(())
}

/// A word or mark of a wire story.
fn wire_token() -> impl Strategy<Value = String> {
    let fixed = prop::sample::select(vec![
        "\"",
        "\u{201c}",
        "\u{201d}",
        "'",
        "\u{2018}",
        "\u{2019}",
        "said",
        "says",
        "told",
        "added",
        "according to",
        "Sept.",
        "Jan.",
        "(Xinhua) --",
        "(Reuters) -",
        "(AP) \u{2014}",
        "--",
        "\u{2014}",
        "\u{2013}",
        "-",
        ".",
        ",",
        ";",
        ":",
        "(",
        ")",
        "China",
        "Mexico",
        "Peru",
        "Japan",
        "the United States",
        "U.S.",
        "Chinese",
        "Mexican",
        "EU",
        "President",
        "Minister",
        "Foreign Minister",
        "spokesman",
        "Mr.",
        "No. 2",
        "he",
        "she",
        "they",
        "it",
        "the",
        "that",
        "exports",
        "imports",
        "exported",
        "trade",
        "tariffs",
        "agreement",
        "to",
        "from",
        "of",
        "with",
        "rose",
        "fell",
        "percent",
        "billion",
        "tonnes",
        "$",
        "U.S. dollars",
        "yuan",
        "copper",
        "soybeans",
        "cars",
        "largest",
        "partner",
        "second",
        "\n",
        "\n\n",
        "🙂",
        "🇨🇳",
        "مصر",
        "שלום",
        "中国",
        "\u{202e}",
        "\u{200b}",
        "\t",
    ])
    .prop_map(str::to_owned);
    prop_oneof![
        6 => fixed,
        2 => "[A-Z][a-z]{1,8}",
        1 => "[A-Z]{2,9}",
        1 => "[0-9]{1,4}(\\.[0-9]{1,2})?",
        1 => "\\PC{1,3}",
    ]
}

/// A text of wire tokens joined by spaces or nothing, maybe after a dateline.
fn wire_text() -> impl Strategy<Value = String> {
    let dateline = prop_oneof![
        Just(String::new()),
        "[A-Z]{3,10}, (Sept\\.|Jan\\.|March|May) [0-9]{1,2} \\((Xinhua|Reuters|AP)\\) (--|-|\u{2014}) ",
    ];
    let token_and_gap = (
        wire_token(),
        prop::sample::select(vec![" ", " ", " ", "", ", "]),
    );
    (dateline, prop::collection::vec(token_and_gap, 0..120)).prop_map(|(dateline, parts)| {
        let mut text = dateline;
        for (token, gap) in parts {
            text.push_str(&token);
            text.push_str(gap);
        }
        text
    })
}

fn input(text: String, language: &str, seconds: Option<i64>) -> ArticleInput {
    ArticleInput {
        text,
        language: language.to_owned(),
        published_at: seconds.map(|seconds| Timestamp { seconds, nanos: 0 }),
        ..Default::default()
    }
}

/// Any timestamp the API accepts (years 1 to 9999).
fn seconds() -> impl Strategy<Value = Option<i64>> {
    proptest::option::of(-62_135_596_800i64..=253_402_300_799)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text(
        chars in prop::collection::vec(any::<char>(), 0..400),
        language in prop::sample::select(vec!["", "en"]),
        seconds in seconds(),
    ) {
        check(&input(chars.into_iter().collect(), language, seconds))?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn wire_like_text(
        text in wire_text(),
        language in prop::sample::select(vec!["", "en"]),
        seconds in seconds(),
    ) {
        check(&input(text, language, seconds))?;
    }
}

#[test]
fn a_known_wire_sentence_satisfies_the_invariants() {
    // The property must be able to fail: a sentence with a statement and a trade fact.
    let text = "LIMA, Sept. 7 (Xinhua) -- Peru will export more copper to China this year, \
                \u{201c}the largest buyer,\u{201d} Trade Minister Ana Ruiz said on Tuesday.";
    let inp = input(text.to_owned(), "", Some(1_473_249_600));
    let a = newsfacts::extract::analyze(&inp);
    assert!(
        !a.statements.is_empty() && !a.trade_facts.is_empty(),
        "{a:#?}"
    );
    assert_eq!(broken_invariants(&inp, &a), Vec::<String>::new());
    let mut tampered = a.clone();
    tampered.statements[0].cue = "told".into();
    assert!(!broken_invariants(&inp, &tampered).is_empty());
}

/// The wire-like generator must reach the extractor's rules, or the property says little:
/// a fair share of its texts must yield statements, and some trade facts.
#[test]
fn wire_like_texts_reach_the_rules() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = wire_text();
    let (mut with_statements, mut with_facts, mut with_entities) = (0, 0, 0);
    let n = 400;
    for _ in 0..n {
        let text = strategy.new_tree(&mut runner).expect("a value").current();
        let a = newsfacts::extract::analyze(&input(text, "en", Some(1_473_249_600)));
        with_statements += usize::from(!a.statements.is_empty());
        with_facts += usize::from(!a.trade_facts.is_empty());
        with_entities += usize::from(!a.entities.is_empty());
    }
    println!(
        "of {n}: {with_statements} with statements, {with_facts} with trade facts, {with_entities} with entities"
    );
    assert!(
        with_statements * 10 >= n,
        "{with_statements} of {n} with statements"
    );
    assert!(with_facts * 4 >= n, "{with_facts} of {n} with trade facts");
}
