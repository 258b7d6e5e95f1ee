//! Tests of [`analyze`] as a whole: fields, warnings, no panics, and local corpora.

use std::path::PathBuf;

use pbjson_types::Timestamp;
use proptest::prelude::*;

use super::*;
use crate::api::v1::ArticleInput;

fn input(text: &str) -> ArticleInput {
    ArticleInput {
        text: text.to_owned(),
        ..Default::default()
    }
}

fn slice(text: &str, span: Option<crate::api::v1::Span>) -> String {
    let span = span.unwrap_or_default();
    text.chars()
        .skip(usize::try_from(span.start).unwrap_or(0))
        .take(usize::try_from(span.end - span.start).unwrap_or(0))
        .collect()
}

#[test]
fn copies_fields_and_hashes() {
    let mut inp =
        input("LIMA, Oct. 2 (Reuters) - Copper exports rose 4 percent, the ministry said.");
    inp.title = "Copper exports rise".into();
    inp.source = "Reuters".into();
    inp.url = "https://example.com/a".into();
    inp.published_at = Some(Timestamp {
        seconds: 1_475_400_000, // 2016-10-02
        nanos: 5,
    });
    inp.labels.insert("desk".into(), "commodities".into());
    let a = analyze(&inp);
    assert_eq!(a.text, inp.text);
    assert_eq!(a.title, inp.title);
    assert_eq!(a.source, inp.source);
    assert_eq!(a.url, inp.url);
    assert_eq!(a.published_at, inp.published_at);
    assert_eq!(a.labels, inp.labels);
    assert_eq!(a.language, "en");
    assert_eq!(a.content_sha256.len(), 64);
    assert_eq!(a.external_id, format!("sha256:{}", a.content_sha256));
    assert!(a.warnings.is_empty());
    let d = a.dateline.expect("dateline");
    assert_eq!(d.resolved_date, "2016-10-02");
    assert_eq!(slice(&a.text, d.span), "LIMA, Oct. 2 (Reuters) -");

    inp.external_id = "wire-123".into();
    inp.language = "en-GB".into();
    let a = analyze(&inp);
    assert_eq!(a.external_id, "wire-123");
    assert_eq!(a.language, "en-GB");
}

#[test]
fn sha256_is_lowercase_hex() {
    assert_eq!(
        sha256_hex(""),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        sha256_hex("abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

#[test]
fn non_english_gets_a_warning_and_keeps_dateline() {
    let text = "PARIS, 3 mars (AFP) - Le ministre a déclaré que les exportations de vin vers \
                la Chine avaient augmenté de cinq pour cent l'an dernier.";
    let a = analyze(&input(text));
    assert_eq!(a.language, "fr");
    assert_eq!(
        a.warnings,
        ["language \"fr\" is not supported; no facts extracted"]
    );
    assert!(a.statements.is_empty() && a.trade_facts.is_empty());

    let mut inp = input("BERLIN, March 3 (dpa) - Die Exporte stiegen.");
    inp.language = "de".into();
    let a = analyze(&inp);
    assert_eq!(a.language, "de");
    assert_eq!(a.warnings.len(), 1);
    assert_eq!(a.dateline.map(|d| d.agency), Some("dpa".to_owned()));
}

#[test]
fn spans_count_code_points() {
    let text = "\u{FEFF}\u{2003}MÉXICO CITY, Sept. 7 (Xinhua) — 🙂 PEÑA said “trade grew.”";
    let a = analyze(&input(text));
    let d = a.dateline.expect("dateline");
    assert_eq!(d.place, "MÉXICO CITY");
    assert_eq!(slice(text, d.span), "MÉXICO CITY, Sept. 7 (Xinhua) —");
    assert_eq!(d.span.map(|s| s.start), Some(2));
    assert_eq!(d.span.map(|s| s.end), Some(33));
}

proptest! {
    #[test]
    fn analyze_never_panics(text in any::<String>(), lang in "(|en|fr|x)") {
        let mut inp = input(&text);
        inp.language = lang;
        let a = analyze(&inp);
        let n = i32::try_from(text.chars().count()).unwrap_or(i32::MAX);
        if let Some(span) = a.dateline.and_then(|d| d.span) {
            prop_assert!(0 <= span.start && span.start <= span.end && span.end <= n);
        }
    }

    #[test]
    fn wire_like_text_never_panics(
        place in "[A-ZÑÉ ]{0,20}",
        month in "(Sept\\.|Jan|March|Foo)",
        day in 0u32..40,
        agency in "(\\(Xinhua\\)|\\(AP\\)|)",
        sep in "(--|-|—|–|)",
        body in "\\PC{0,60}",
        seconds in proptest::option::of(-10_000_000_000i64..10_000_000_000),
    ) {
        let text = format!("{place}, {month} {day} {agency} {sep} {body}");
        let mut inp = input(&text);
        inp.published_at = seconds.map(|seconds| Timestamp { seconds, nanos: 0 });
        let a = analyze(&inp);
        if let Some(d) = a.dateline {
            prop_assert!(d.resolved_date.is_empty() || d.resolved_date.len() >= 10);
        }
        let offsets = CharOffsets::new(&text);
        for s in sentences::split(&text, &offsets) {
            prop_assert!(s.span.start <= s.span.end && s.span.end <= offsets.char_len());
        }
    }
}

#[test]
fn pathological_inputs_complete() {
    for unit in [
        "! ", "\" ", ". a", "U.S. ", "A. ", "-- ", "\n", "Mr. ", "🙂 ",
    ] {
        // Speed is measured in benchmarks; here the run must finish (a quadratic stage would
        // not, at this size) and return the text whole.
        let text = unit.repeat(200_000 / unit.len());
        let a = analyze(&input(&text));
        assert_eq!(a.text.len(), text.len());
    }
}

/// Where the research corpora live: `NEWSFACTS_CORPORA` or `../shared/corpora`.
fn corpus(name: &str) -> Option<String> {
    let dir = std::env::var_os("NEWSFACTS_CORPORA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora"));
    let path = dir.join(name);
    match std::fs::read_to_string(&path) {
        Ok(data) => Some(data),
        Err(err) => {
            println!("skipping: {} not readable ({err})", path.display());
            None
        }
    }
}

fn unix_seconds(year: i64, month: u32, day: u32) -> Option<i64> {
    Some(dates::Date::new(year, month, day)?.days() * 86_400 + 12 * 3600)
}

/// `YYYY-MM-DD` as noon UTC.
fn parse_iso(date: &str) -> Option<i64> {
    let mut parts = date.split('-');
    let year = parts.next()?.parse().ok()?;
    let month = parts.next()?.parse().ok()?;
    let day = parts.next()?.parse().ok()?;
    unix_seconds(year, month, day)
}

/// `26-FEB-1987 15:01:01.79` as noon UTC of that day.
fn parse_reuters_date(date: &str) -> Option<i64> {
    let mut parts = date.split_whitespace().next()?.split('-');
    let day = parts.next()?.parse().ok()?;
    let month = dates::month_number(parts.next()?)?;
    let year = parts.next()?.parse().ok()?;
    unix_seconds(year, month, day)
}

#[test]
fn xinhua_corpus_datelines() {
    let Some(data) = corpus("xinhua.jsonl") else {
        return;
    };
    let (mut total, mut xinhua, mut resolved_same, mut english) = (0, 0, 0, 0);
    for line in data.lines().filter(|l| !l.trim().is_empty()) {
        let Ok(doc) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let text = doc["text"].as_str().unwrap_or_default();
        let date = doc["date"].as_str().unwrap_or_default();
        let mut inp = input(text);
        inp.published_at = parse_iso(date).map(|seconds| Timestamp { seconds, nanos: 0 });
        let a = analyze(&inp);
        total += 1;
        english += usize::from(a.language == "en");
        if let Some(d) = a.dateline {
            xinhua += usize::from(d.agency == "Xinhua");
            resolved_same += usize::from(d.resolved_date == date);
        }
    }
    println!(
        "xinhua: {total} articles, {xinhua} with a Xinhua dateline, {resolved_same} resolved \
         to the document date, {english} detected as English"
    );
    assert!(total > 0);
    assert!(xinhua * 10 > total * 9, "{xinhua} of {total}");
    assert!(
        english * 100 >= total * 99,
        "{english} of {total} detected as English"
    );
}

#[test]
fn reuters_corpus_datelines() {
    let Some(data) = corpus("reuters21578.jsonl") else {
        return;
    };
    let (mut total, mut found, mut exact, mut resolved_same) = (0, 0, 0, 0);
    let mut misses = Vec::new();
    for line in data.lines().filter(|l| !l.trim().is_empty()) {
        let Ok(doc) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let expected = doc["dateline"].as_str().unwrap_or_default().trim();
        if expected.is_empty() {
            continue;
        }
        // The corpus keeps the dateline apart from the text; put it back in front.
        let body = doc["text"].as_str().unwrap_or_default();
        let text = format!("{expected} {body}");
        let seconds = parse_reuters_date(doc["date"].as_str().unwrap_or_default());
        let mut inp = input(&text);
        inp.language = "en".into();
        inp.published_at = seconds.map(|seconds| Timestamp { seconds, nanos: 0 });
        let a = analyze(&inp);
        total += 1;
        let Some(d) = a.dateline else {
            if misses.len() < 10 {
                misses.push(expected.to_owned());
            }
            continue;
        };
        found += 1;
        if slice(&text, d.span) == expected {
            exact += 1;
        } else if misses.len() < 10 {
            misses.push(format!("{expected:?} parsed as {:?}", slice(&text, d.span)));
        }
        let day = seconds.map(|s| dates::Date::from_unix_seconds(s).iso());
        resolved_same += usize::from(day.as_deref() == Some(d.resolved_date.as_str()));
    }
    println!(
        "reuters: {total} datelines, {found} found, {exact} with the exact span, \
         {resolved_same} resolved to the story date; first misses: {misses:#?}"
    );
    assert!(total > 0);
    assert!(exact * 100 > total * 95, "{exact} of {total}");
}
