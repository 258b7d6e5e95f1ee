//! Changes and trends: "rose 5.2 percent year on year", "fell 12 pct", "doubled", "has grown
//! rapidly", "plunged".

use super::amounts::{Percent, percents};
use super::words::Word;
use crate::api::v1::{Change, Trend};

/// The direction a verb or adverb of change points to.
fn direction(word: &str) -> Option<Trend> {
    const UP: &[&str] = &[
        "rise",
        "rises",
        "rose",
        "risen",
        "rising",
        "increase",
        "increased",
        "increases",
        "increasing",
        "grow",
        "grew",
        "grown",
        "grows",
        "growing",
        "growth",
        "climb",
        "climbed",
        "climbs",
        "jump",
        "jumped",
        "jumps",
        "surge",
        "surged",
        "surges",
        "soar",
        "soared",
        "soars",
        "rocket",
        "rocketed",
        "expand",
        "expanded",
        "expanding",
        "expands",
        "expansion",
        "boost",
        "boosted",
        "gain",
        "gained",
        "gains",
        "up",
        "higher",
        "doubled",
        "tripled",
        "trebled",
        "quadrupled",
        "record",
        "boom",
        "boomed",
        "widened",
        "widen",
        "strengthened",
        "accelerated",
        "improved",
        "recovered",
        "rebounded",
    ];
    const DOWN: &[&str] = &[
        "fall",
        "fell",
        "fallen",
        "falls",
        "falling",
        "drop",
        "dropped",
        "drops",
        "dropping",
        "decline",
        "declined",
        "declines",
        "declining",
        "decrease",
        "decreased",
        "decreases",
        "plunge",
        "plunged",
        "plunges",
        "slump",
        "slumped",
        "slumps",
        "shrink",
        "shrank",
        "shrunk",
        "shrinking",
        "contract",
        "contracted",
        "down",
        "lower",
        "halved",
        "slid",
        "slide",
        "slipped",
        "tumbled",
        "sank",
        "eased",
        "narrowed",
        "narrow",
        "cut",
        "reduced",
        "weakened",
        "slowed",
        "dip",
        "dipped",
    ];
    const SAME: &[&str] = &[
        "unchanged",
        "steady",
        "stable",
        "flat",
        "stagnant",
        "stagnated",
    ];
    if UP.contains(&word) {
        Some(Trend::Increase)
    } else if DOWN.contains(&word) {
        Some(Trend::Decrease)
    } else if SAME.contains(&word) {
        Some(Trend::Stable)
    } else {
        None
    }
}

/// A multiplying verb's change in percent: "doubled" is +100.
fn multiplier_percent(word: &str) -> Option<f64> {
    match word {
        "doubled" => Some(100.0),
        "tripled" | "trebled" => Some(200.0),
        "quadrupled" => Some(300.0),
        "halved" => Some(50.0),
        _ => None,
    }
}

fn comparison_period(words: &[Word<'_>]) -> String {
    let lower: Vec<String> = words.iter().map(Word::lower).collect();
    let joined = lower.join(" ");
    for phrase in [
        "year-on-year",
        "year on year",
        "year-over-year",
        "from a year earlier",
        "from a year ago",
        "on last year",
        "month-on-month",
        "month on month",
        "quarter-on-quarter",
        "from the previous month",
        "from the previous year",
        "over the same period last year",
        "from the same period last year",
    ] {
        if joined.contains(phrase) {
            return phrase.to_owned();
        }
    }
    String::new()
}

/// The overall trend a clause asserts: the first word of change in it.
pub fn trend(words: &[Word<'_>]) -> Trend {
    words
        .iter()
        .find_map(|w| direction(&w.lower()))
        .unwrap_or(Trend::Unspecified)
}

/// The change a clause states, if any: a percentage next to a word of change ("rose 5.2 pct",
/// "down 12 percent") or a multiplying verb ("doubled").
pub fn change(words: &[Word<'_>]) -> Option<Change> {
    let period = comparison_period(words);
    let lower: Vec<String> = words.iter().map(Word::lower).collect();
    for Percent {
        value,
        words: range,
    } in percents(words)
    {
        // The nearest word of change within four words before the percentage, or right after it.
        let before = range.start.saturating_sub(4)..range.start;
        let found = lower[before]
            .iter()
            .rev()
            .chain(lower.get(range.end))
            .find_map(|w| direction(w));
        if let Some(direction) = found {
            return Some(Change {
                percent: value,
                direction: direction as i32,
                period,
            });
        }
    }
    lower
        .iter()
        .find_map(|w| multiplier_percent(w))
        .map(|percent| Change {
            percent,
            direction: direction(
                lower
                    .iter()
                    .find(|w| multiplier_percent(w).is_some())
                    .map_or("", |w| w),
            )
            .unwrap_or(Trend::Increase) as i32,
            period,
        })
}

#[cfg(test)]
mod tests {
    use super::super::words::words;
    use super::*;

    fn change_of(text: &str) -> Option<(f64, Trend, String)> {
        let ws = words(text, 0..text.len());
        change(&ws).map(|c| {
            (
                c.percent,
                Trend::try_from(c.direction).unwrap_or(Trend::Unspecified),
                c.period,
            )
        })
    }

    #[test]
    fn reads_changes() {
        assert_eq!(
            change_of("exports rose 5.2 percent year on year"),
            Some((5.2, Trend::Increase, "year on year".into()))
        );
        assert_eq!(
            change_of("imports fell 12 pct to 3 billion dlrs"),
            Some((12.0, Trend::Decrease, String::new()))
        );
        assert_eq!(
            change_of("shipments were down 7% from a year earlier").map(|c| c.1),
            Some(Trend::Decrease)
        );
        assert_eq!(
            change_of("trade more than doubled last year"),
            Some((100.0, Trend::Increase, String::new()))
        );
        assert_eq!(
            change_of("exports halved"),
            Some((50.0, Trend::Decrease, String::new()))
        );
        assert_eq!(change_of("a 30 pct share of the market"), None);
    }

    #[test]
    fn reads_trends() {
        let text = "Trade between the two has grown rapidly";
        assert_eq!(trend(&words(text, 0..text.len())), Trend::Increase);
        let text = "the trade has dropped sharply";
        assert_eq!(trend(&words(text, 0..text.len())), Trend::Decrease);
    }
}
