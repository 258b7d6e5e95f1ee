//! The period a trade fact covers, as written: "in 2005", "in the first ten months",
//! "last year", "since 2000", "in February".

use super::words::Word;

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn is_year(word: &str) -> bool {
    word.len() == 4 && word.parse::<u32>().is_ok_and(|y| (1900..2200).contains(&y))
}

fn is_period_word(word: &str) -> bool {
    MONTHS.contains(&word)
        || matches!(
            word,
            "year"
                | "years"
                | "month"
                | "months"
                | "quarter"
                | "half"
                | "week"
                | "weeks"
                | "decade"
                | "period"
        )
        || is_year(word)
}

/// The first period phrase of a clause, as written (`text[bytes]`), or empty.
pub fn period(text: &str, words: &[Word<'_>]) -> String {
    let lower: Vec<String> = words.iter().map(Word::lower).collect();
    for (i, word) in lower.iter().enumerate() {
        let opens = matches!(
            word.as_str(),
            "in" | "during" | "since" | "for" | "last" | "this" | "over" | "through"
        );
        if !opens {
            continue;
        }
        // Take the opener and the following words while they can belong to a period.
        let mut end = i + 1;
        let mut has_period_word = false;
        while let Some(next) = lower.get(end) {
            let part_of_it = is_period_word(next)
                || matches!(
                    next.as_str(),
                    "the"
                        | "first"
                        | "second"
                        | "third"
                        | "fourth"
                        | "last"
                        | "past"
                        | "same"
                        | "recent"
                        | "of"
                        | "to"
                        | "two"
                        | "three"
                        | "four"
                        | "five"
                        | "six"
                        | "seven"
                        | "eight"
                        | "nine"
                        | "ten"
                        | "eleven"
                        | "twelve"
                        | "previous"
                        | "fiscal"
                        | "calendar"
                        | ","
                )
                || next.parse::<u32>().is_ok_and(|d| d <= 31);
            if !part_of_it || end - i > 8 {
                break;
            }
            has_period_word |= is_period_word(next);
            end += 1;
        }
        while end > i + 1 && matches!(lower[end - 1].as_str(), "of" | "to" | "the" | ",") {
            end -= 1;
        }
        let first_kept = if matches!(word.as_str(), "last" | "this" | "since") {
            i
        } else {
            i + 1
        };
        if has_period_word && end > first_kept {
            let bytes = words[first_kept].bytes.start..words[end - 1].bytes.end;
            return text.get(bytes).unwrap_or_default().to_owned();
        }
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::super::words::words;
    use super::*;

    fn period_of(text: &str) -> String {
        period(text, &words(text, 0..text.len()))
    }

    #[test]
    fn reads_periods() {
        assert_eq!(period_of("rose to 39.7 billion in 2005 after"), "2005");
        assert_eq!(
            period_of("fell 36 pct during the first eight months of 1986"),
            "the first eight months of 1986"
        );
        assert_eq!(
            period_of("more than doubled last year to 500 mln"),
            "last year"
        );
        assert_eq!(period_of("has grown since 2000"), "since 2000");
        assert_eq!(
            period_of("the surplus rose to 8.14 billion in February from"),
            "February"
        );
        assert_eq!(period_of("in Beijing on Monday"), "");
    }
}
