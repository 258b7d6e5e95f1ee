//! The dateline that opens a wire story: `HANGZHOU, Sept. 7 (Xinhua) --`,
//! `WASHINGTON (Reuters) -`, `SPRINGFIELD, Ill. (AP) —`.
//!
//! Only the first [`MAX_DATELINE_CHARS`] code points are looked at, with an anchored
//! `regex` (linear time), so any input is handled in bounded time.

use std::sync::LazyLock;

use pbjson_types::Timestamp;
use regex::Regex;

use super::dates::{Date, month_number};
use super::offsets::{CharOffsets, prefix_end};
use crate::api::v1::Dateline;

/// How many code points from the start of the text a dateline may span.
pub const MAX_DATELINE_CHARS: usize = 200;

/// How many days a dateline's month and day may lie after the publication date before it is
/// taken to be from the previous year (clocks, time zones and embargoes).
const FUTURE_SLACK_DAYS: i64 = 7;

/// A word of a place name: starts with a capital; may hold letters, marks, apostrophes, full
/// stops (`ST.`, `N.M.`), inner hyphens (`WINSTON-SALEM`) and slashes (`DALLAS/FORT WORTH`).
const WORD: &str = r"\p{Lu}[\p{L}\p{M}'’.]*(?:[-/]\p{L}[\p{L}\p{M}'’.]*)*";

/// [`WORD`] for ASCII text: the same matches on an ASCII haystack.
const ASCII_WORD: &str = r"[A-Z][A-Za-z'.]*(?:[-/][A-Za-z][A-Za-z'.]*)*";

const MONTHS: &str = r"(?i:january|jan\.?|february|feb\.?|march|mar\.?|april|apr\.?|may|june|jun\.?|july|jul\.?|august|aug\.?|september|sept\.?|sep\.?|october|oct\.?|november|nov\.?|december|dec\.?)";

/// The dateline pattern with its word, digit and space classes filled in.
fn dateline_pattern(word: &str, digit: &str, space: &str) -> String {
    format!(
        r"^[{space}\x{{FEFF}}]*(?P<place>(?P<city>{word}(?:[ ]{word}){{0,5}})(?:[ ]?,[ ]*{word}(?:[ ]{word}){{0,3}}){{0,2}})(?:[ ]?,?[ ]*(?P<date>(?:(?P<month>{MONTHS})[ ]*(?P<day>{digit}{{1,2}})|(?P<day2>{digit}{{1,2}})[ ]+(?P<month2>{MONTHS}))(?:,?[ ]+(?P<year>{digit}{{4}}))?))?(?:[ ]*\((?P<agency>[^()\n]{{1,40}})\))?[ ]*(?P<sep>--|—|–|―|-)"
    )
}

// The patterns are constants; a failure to compile is a bug caught by every test.
static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&dateline_pattern(WORD, r"\d", r"\s")).expect("dateline pattern compiles")
});

/// The same pattern with ASCII classes. Its automaton is a fraction of the Unicode one's
/// size, and the capturing search clears a visited set of (states x haystack) bits, so on
/// ASCII text (most wire copy) it costs several times less.
static DATELINE_ASCII: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&dateline_pattern(ASCII_WORD, "[0-9]", r"\t\n\x0B\x0C\r "))
        .expect("ASCII dateline pattern compiles")
});

/// The dateline pattern for a haystack: the ASCII one when it is ASCII (where both match the
/// same), else the Unicode one.
fn dateline_regex(head: &str) -> &'static Regex {
    if head.is_ascii() {
        &DATELINE_ASCII
    } else {
        &DATELINE
    }
}

/// Agencies whose names are normalized to one spelling, compared case-insensitively.
const AGENCIES: &[&str] = &[
    "Xinhua",
    "Reuters",
    "AP",
    "AFP",
    "UPI",
    "dpa",
    "Bloomberg",
    "Kyodo",
    "Yonhap",
    "TASS",
    "ANSA",
    "EFE",
    "IANS",
    "PTI",
    "CNA",
    "Bernama",
    "Anadolu",
];

/// Parses the dateline at the start of `text`, if there is one.
///
/// `published_at` gives the year of a dateline that names only month and day; when the
/// month and day fall more than a week after the publication date, the previous year is
/// used. Without it, `resolved_date` stays empty unless the dateline names its year.
pub fn parse(
    text: &str,
    published_at: Option<&Timestamp>,
    offsets: &CharOffsets<'_>,
) -> Option<Dateline> {
    let head = &text[..prefix_end(text, MAX_DATELINE_CHARS)];
    let caps = dateline_regex(head).captures(head)?;
    let place = caps.name("place")?;
    let city = caps.name("city")?;
    let sep = caps.name("sep")?;
    let date = caps.name("date");
    let agency = caps.name("agency");

    // After an ASCII hyphen separator comes a space or the end: `WASHINGTON-based` is no
    // dateline. Typographic dashes may touch the next word.
    let after = head[sep.end()..].chars().next();
    let ascii_sep = sep.as_str().starts_with('-');
    if ascii_sep && after.is_some_and(|c| !c.is_whitespace()) {
        return None;
    }
    if after.is_some_and(|c| matches!(c, '-' | '—' | '–' | '―')) {
        return None;
    }
    // Without a date or an agency, only an all-capitals place counts (`WASHINGTON -`), so that
    // `John Smith - the ...` is not taken for one.
    let city_text = city.as_str();
    let letters = city_text.chars().filter(|c| c.is_alphabetic()).count();
    let all_caps = !city_text.chars().any(char::is_lowercase);
    if date.is_none() && agency.is_none() && !(all_caps && letters >= 2) {
        return None;
    }

    let resolved_date = date
        .and_then(|_| {
            let month = caps.name("month").or_else(|| caps.name("month2"))?;
            let month = month_number(month.as_str())?;
            let day = caps.name("day").or_else(|| caps.name("day2"))?;
            let day: u32 = day.as_str().parse().ok()?;
            let year = caps
                .name("year")
                .and_then(|y| y.as_str().parse::<i64>().ok());
            resolve(month, day, year, published_at)
        })
        // Only dates a client can hold: the range of `google.protobuf.Timestamp` (years 1 to
        // 9999; Python's `datetime.date` has the same range). A dateline of `Dec. 31` on an
        // article published on 0001-01-01 would otherwise resolve to the year 0.
        .filter(|date| (1..=9999).contains(&date.year))
        .map(Date::iso)
        .unwrap_or_default();

    Some(Dateline {
        place: place.as_str().to_owned(),
        date_text: date.map(|d| d.as_str().to_owned()).unwrap_or_default(),
        resolved_date,
        agency: agency
            .map(|a| canonical_agency(a.as_str()))
            .unwrap_or_default(),
        span: Some(offsets.span(place.start(), sep.end()).to_api()),
    })
}

/// The full date of a dateline's month and day.
fn resolve(
    month: u32,
    day: u32,
    year: Option<i64>,
    published_at: Option<&Timestamp>,
) -> Option<Date> {
    if let Some(year) = year {
        return Date::new(year, month, day);
    }
    let published = Date::from_unix_seconds(published_at?.seconds);
    match Date::new(published.year, month, day) {
        Some(date) if date.days() - published.days() <= FUTURE_SLACK_DAYS => Some(date),
        _ => Date::new(published.year - 1, month, day),
    }
}

/// The agency's usual spelling when it is a known one; otherwise as written, trimmed.
fn canonical_agency(written: &str) -> String {
    let written = written.trim();
    AGENCIES
        .iter()
        .find(|known| known.eq_ignore_ascii_case(written))
        .map_or_else(|| written.to_owned(), |known| (*known).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_and_unicode_patterns_agree_on_ascii_text() {
        let heads = [
            "HANGZHOU, Sept. 7 (Xinhua) -- Chinese President",
            "WASHINGTON, March 3 - The U.S. trade deficit",
            "SPRINGFIELD, Ill. (AP) - A man",
            "NEW YORK (Reuters) - Stocks",
            "ST. LOUIS, Mo., 12 June 2015 (AFP) -- Text",
            "WINSTON-SALEM, N.C. -- Text",
            "DALLAS/FORT WORTH, Jan 5 - x",
            "John Smith - the minister",
            "  \t\x0BLONDON, Oct. 31, 1998 (dpa) --",
            "Washington-based group said",
            "no dateline here",
        ];
        for head in heads {
            let groups = |re: &Regex| {
                re.captures(head).map(|c| {
                    c.iter()
                        .map(|m| m.map(|m| (m.start(), m.end())))
                        .collect::<Vec<_>>()
                })
            };
            assert_eq!(groups(&DATELINE_ASCII), groups(&DATELINE), "{head}");
        }
    }

    fn at(seconds: i64) -> Timestamp {
        Timestamp { seconds, nanos: 0 }
    }

    /// 2016-09-07T08:00:00Z
    const SEPT_7_2016: i64 = 1_473_235_200;

    fn parse_str(text: &str, published: Option<i64>) -> Option<Dateline> {
        let ts = published.map(at);
        parse(text, ts.as_ref(), &CharOffsets::new(text))
    }

    fn slice(text: &str, d: &Dateline) -> String {
        let span = d.span.unwrap_or_default();
        text.chars()
            .skip(span.start as usize)
            .take((span.end - span.start) as usize)
            .collect()
    }

    #[test]
    fn xinhua_abbreviated_month() {
        let text = "HANGZHOU, Sept. 7 (Xinhua) -- Trade between the two countries grew.";
        let d = parse_str(text, Some(SEPT_7_2016)).expect("dateline");
        assert_eq!(d.place, "HANGZHOU");
        assert_eq!(d.date_text, "Sept. 7");
        assert_eq!(d.resolved_date, "2016-09-07");
        assert_eq!(d.agency, "Xinhua");
        assert_eq!(slice(text, &d), "HANGZHOU, Sept. 7 (Xinhua) --");
    }

    #[test]
    fn xinhua_full_month() {
        let text = "JOHANNESBURG, August 7 (Xinhua) -- Officials met on Friday.";
        let d = parse_str(text, Some(SEPT_7_2016)).expect("dateline");
        assert_eq!(d.place, "JOHANNESBURG");
        assert_eq!(d.date_text, "August 7");
        assert_eq!(d.resolved_date, "2016-08-07");
        assert_eq!(d.agency, "Xinhua");
    }

    #[test]
    fn reuters_styles() {
        let d = parse_str("WASHINGTON, March 3 - The Senate voted.", None).expect("dateline");
        assert_eq!(
            (d.place.as_str(), d.date_text.as_str()),
            ("WASHINGTON", "March 3")
        );
        assert_eq!(d.agency, "");
        assert_eq!(d.resolved_date, "");

        let text = "WASHINGTON (Reuters) - The Senate voted.";
        let d = parse_str(text, None).expect("dateline");
        assert_eq!(
            (d.place.as_str(), d.agency.as_str()),
            ("WASHINGTON", "Reuters")
        );
        assert_eq!(d.date_text, "");
        assert_eq!(slice(text, &d), "WASHINGTON (Reuters) -");

        let d = parse_str("LONDON, March 3 (Reuters) -Shares fell.", None);
        assert!(d.is_none(), "hyphen glued to a word is no separator");
        let d = parse_str("LONDON, March 3 (Reuters) - Shares fell.", None).expect("dateline");
        assert_eq!((d.place.as_str(), d.agency.as_str()), ("LONDON", "Reuters"));
        let d = parse_str("SALVADOR, Feb 26 - Rain fell.", None).expect("dateline");
        assert_eq!(d.date_text, "Feb 26");
    }

    #[test]
    fn ap_and_afp() {
        let text = "BEIJING (AP) — Officials said on Monday.";
        let d = parse_str(text, None).expect("dateline");
        assert_eq!((d.place.as_str(), d.agency.as_str()), ("BEIJING", "AP"));
        assert_eq!(slice(text, &d), "BEIJING (AP) —");

        let d = parse_str("PARIS, March 3 (AFP) - The minister left.", None).expect("dateline");
        assert_eq!((d.place.as_str(), d.agency.as_str()), ("PARIS", "AFP"));
        let d = parse_str("PARIS, Jan. 3 (afp) – The minister left.", None).expect("dateline");
        assert_eq!((d.date_text.as_str(), d.agency.as_str()), ("Jan. 3", "AFP"));
    }

    #[test]
    fn multi_word_places_and_regions() {
        for (text, place) in [
            ("NEW YORK, Sep 3 - Stocks rose.", "NEW YORK"),
            ("RIO DE JANEIRO, Feb 26 - Coffee fell.", "RIO DE JANEIRO"),
            (
                "DAR ES SALAAM, May 2 (Xinhua) -- Talks opened.",
                "DAR ES SALAAM",
            ),
            (
                "SPRINGFIELD, Ill. (AP) -- Lawmakers met.",
                "SPRINGFIELD, Ill.",
            ),
            ("ALBANY, N.Y., March 4 - The company said.", "ALBANY, N.Y."),
            (
                "SIEM REAP, Cambodia, Nov. 5 (Xinhua) -- A team arrived.",
                "SIEM REAP, Cambodia",
            ),
            ("ST. LOUIS, June 1 - Grain rose.", "ST. LOUIS"),
            (
                "DALLAS/FORT WORTH, Texas, March 3 - Fares rose.",
                "DALLAS/FORT WORTH, Texas",
            ),
            ("OAKLAND , N.J., March 2 - The firm said.", "OAKLAND , N.J."),
        ] {
            let d = parse_str(text, None).unwrap_or_else(|| panic!("no dateline in {text:?}"));
            assert_eq!(d.place, place, "{text}");
        }
    }

    #[test]
    fn day_before_month() {
        let d = parse_str(
            "AMSTERDAM, 2 March (Reuters) - Shares rose.",
            Some(SEPT_7_2016),
        )
        .expect("dateline");
        assert_eq!(
            (d.date_text.as_str(), d.resolved_date.as_str()),
            ("2 March", "2016-03-02")
        );
    }

    #[test]
    fn no_dateline() {
        for text in [
            "",
            "The Senate voted on Tuesday.",
            "John Smith - the chairman - resigned.",
            "WASHINGTON-based groups said.",
            "-- WASHINGTON",
            "Prices rose 5 pct - a record.",
        ] {
            assert!(parse_str(text, None).is_none(), "{text:?}");
        }
    }

    #[test]
    fn non_ascii_place_and_leading_text() {
        let text = "\u{FEFF}  BOGOTÁ, Jan. 9 (Reuters) — PEÑA said 🙂.";
        let d = parse_str(text, None).expect("dateline");
        assert_eq!(d.place, "BOGOTÁ");
        assert_eq!(slice(text, &d), "BOGOTÁ, Jan. 9 (Reuters) —");
        assert_eq!(d.span.map(|s| s.start), Some(3));
    }

    #[test]
    fn year_rolls_back_across_new_year() {
        // Published 2017-01-02; a Dec. 30 dateline is from 2016.
        let d = parse_str(
            "TOKYO, Dec. 30 (Kyodo) -- Markets closed.",
            Some(1_483_315_200),
        )
        .expect("dateline");
        assert_eq!(d.resolved_date, "2016-12-30");
        // Explicit year wins; Feb. 29 of a non-leap year does not resolve.
        let d = parse_str("TOKYO, Dec. 30, 2015 (Kyodo) -- Markets closed.", None).expect("d");
        assert_eq!(d.resolved_date, "2015-12-30");
        // Published 2018-03-10: neither 2018 nor 2017 has a Feb. 29.
        let d = parse_str("TOKYO, Feb. 29 -- Markets closed.", Some(1_520_640_000)).expect("d");
        assert_eq!(d.resolved_date, "");
    }

    #[test]
    fn resolves_only_to_years_1_to_9999() {
        // Published 0001-01-01 (the earliest valid timestamp): Dec. 31 would be in the year 0.
        let first = -62_135_596_800;
        let d = parse_str("TOKYO, Dec. 31 (Kyodo) -- Markets closed.", Some(first)).expect("d");
        assert_eq!(
            (d.date_text.as_str(), d.resolved_date.as_str()),
            ("Dec. 31", "")
        );
        let d = parse_str("TOKYO, Jan. 1 (Kyodo) -- Markets closed.", Some(first)).expect("d");
        assert_eq!(d.resolved_date, "0001-01-01");
        let d = parse_str("TOKYO, Jan. 1, 0000 (Kyodo) -- Markets closed.", None).expect("d");
        assert_eq!(d.resolved_date, "");
        // Published 9999-12-31T23:59:59Z (the latest): Jan. 1 stays in 9999.
        let last = 253_402_300_799;
        let d = parse_str("TOKYO, Jan. 1 (Kyodo) -- Markets closed.", Some(last)).expect("d");
        assert_eq!(d.resolved_date, "9999-01-01");
    }

    #[test]
    fn looks_only_at_the_head() {
        let long = format!("{} - x", "A".repeat(10_000));
        assert!(parse_str(&long, None).is_none());
    }
}
