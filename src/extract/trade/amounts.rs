//! Amounts in wire-story styles: money ("10.2 billion dlrs", "$1.13bn", "500 mln yen",
//! "US$3 billion"), counted quantities ("1.2 million tonnes", "more than 20 kinds of
//! produce") and percentages, each with its qualifier ("more than", "about", "up to").

use super::words::Word;
use crate::api::v1::Qualifier;
use std::ops::Range;

/// A number as written, with the qualifier before it.
#[derive(Debug, Clone, PartialEq)]
pub struct Amount {
    /// The value, scale applied (10.2 billion → 1.02e10).
    pub value: f64,
    /// How the text qualifies it.
    pub qualifier: Qualifier,
    /// Index of the first word (the qualifier's, if any) and one past the last number word.
    pub words: Range<usize>,
}

/// A sum of money.
#[derive(Debug, Clone, PartialEq)]
pub struct Money {
    /// The number.
    pub amount: Amount,
    /// ISO 4217 code, when the text or the context names the currency.
    pub currency: Option<&'static str>,
    /// Word range from the qualifier to the currency word.
    pub words: Range<usize>,
}

/// A counted quantity with its unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Counted {
    /// The number.
    pub amount: Amount,
    /// The unit in lowercase, e.g. "tonnes", "kinds of produce", "companies".
    pub unit: String,
    /// Word range from the qualifier to the unit.
    pub words: Range<usize>,
}

/// A percentage, e.g. "5.2 pct", "12%", "3 percent".
#[derive(Debug, Clone, PartialEq)]
pub struct Percent {
    /// The number of percent.
    pub value: f64,
    /// Word range of the number and its percent word.
    pub words: Range<usize>,
}

fn scale_word(word: &str) -> Option<f64> {
    Some(match word {
        "thousand" => 1e3,
        "million" | "millions" | "mln" | "mn" => 1e6,
        "billion" | "billions" | "bln" | "bn" => 1e9,
        "trillion" | "trillions" | "tln" | "tn" => 1e12,
        _ => return None,
    })
}

fn number_word(word: &str) -> Option<f64> {
    const WORDS: [&str; 21] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
    ];
    match word {
        "a" | "an" => None,
        "dozen" => Some(12.0),
        "hundred" => Some(100.0),
        _ => WORDS.iter().position(|w| *w == word).map(|n| n as f64),
    }
}

/// Reads a numeric word: "1,200.5" → 1200.5, "1.13bn" → 1.13e9, "600m" → 6e8.
fn numeral(word: &str) -> Option<f64> {
    let digits_end = word
        .find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))
        .unwrap_or(word.len());
    let (number, suffix) = word.split_at(digits_end);
    if number.is_empty() || !number.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let value: f64 = number.replace(',', "").parse().ok()?;
    let scale = match suffix.to_ascii_lowercase().as_str() {
        "" => 1.0,
        "k" => 1e3,
        "m" | "mn" | "mln" => 1e6,
        "b" | "bn" | "bln" => 1e9,
        "tn" | "trn" => 1e12,
        "s" | "th" | "st" | "nd" | "rd" => return None, // "1980s", "5th": not amounts
        _ => return None,
    };
    Some(value * scale)
}

/// The qualifier ending just before word `i`, and where it starts.
fn qualifier_before(words: &[Word<'_>], i: usize) -> (Qualifier, usize) {
    let lower = |k: usize| words.get(k).map(|w| w.lower()).unwrap_or_default();
    if i >= 3 {
        let three = format!("{} {} {}", lower(i - 3), lower(i - 2), lower(i - 1));
        if three == "in excess of" {
            return (Qualifier::MoreThan, i - 3);
        }
    }
    if i >= 2 {
        let two = format!("{} {}", lower(i - 2), lower(i - 1));
        let q = match two.as_str() {
            "more than" | "higher than" | "greater than" => Some(Qualifier::MoreThan),
            "less than" | "fewer than" | "lower than" => Some(Qualifier::LessThan),
            "at least" | "no less than" => Some(Qualifier::AtLeast),
            "up to" | "as much as" | "as many as" | "at most" => Some(Qualifier::UpTo),
            "close to" | "an estimated" => Some(Qualifier::About),
            _ => None,
        };
        if let Some(q) = q {
            return (q, i - 2);
        }
    }
    if i >= 1 {
        let q = match lower(i - 1).as_str() {
            "over" | "above" | "exceeding" => Some(Qualifier::MoreThan),
            "under" | "below" => Some(Qualifier::LessThan),
            "about" | "around" | "some" | "nearly" | "almost" | "approximately" | "roughly"
            | "approx" | "estimated" => Some(Qualifier::About),
            _ => None,
        };
        if let Some(q) = q {
            return (q, i - 1);
        }
    }
    (Qualifier::Exact, i)
}

/// The number starting at word `i` ("10.2 billion", "1.13bn", "twenty"), if any: its value and
/// one past its last word.
fn number_at(words: &[Word<'_>], i: usize) -> Option<(f64, usize)> {
    let word = words.get(i)?;
    let lower = word.lower();
    let mut value = numeral(word.text).or_else(|| number_word(&lower))?;
    let mut end = i + 1;
    while let Some(scale) = words.get(end).and_then(|w| scale_word(&w.lower())) {
        value *= scale;
        end += 1;
    }
    Some((value, end))
}

/// An amount starting at word `i` (after any qualifier).
fn amount_at(words: &[Word<'_>], i: usize) -> Option<(Amount, usize)> {
    let (value, end) = number_at(words, i)?;
    let (qualifier, start) = qualifier_before(words, i);
    Some((
        Amount {
            value,
            qualifier,
            words: start..end,
        },
        end,
    ))
}

/// Currency of a symbol word such as "$", "US$", "HK$", "£".
fn currency_symbol(word: &str) -> Option<&'static str> {
    Some(match word {
        "$" | "US$" | "U.S.$" => "USD",
        "HK$" => "HKD",
        "A$" => "AUD",
        "C$" => "CAD",
        "S$" => "SGD",
        "NZ$" => "NZD",
        "NT$" => "TWD",
        "R$" => "BRL",
        "£" => "GBP",
        "€" => "EUR",
        "¥" => "JPY",
        "₹" | "Rs" | "Rs." => "INR",
        "₩" => "KRW",
        "₽" => "RUB",
        _ => return None,
    })
}

/// Currency of a word after a number ("dlrs", "yen", "crowns"), given the word before it
/// ("Canadian dollars") and the article's country for names several countries use.
fn currency_word(word: &str, before: &str, country_hints: &[&str]) -> Option<&'static str> {
    let by_country = |table: &[(&str, &'static str)], fallback: Option<&'static str>| {
        country_hints
            .iter()
            .find_map(|c| table.iter().find(|(k, _)| k == c).map(|(_, v)| *v))
            .or(fallback)
    };
    Some(match word {
        "dlrs" | "dlr" | "dollars" | "dollar" => match before {
            "canadian" => "CAD",
            "australian" => "AUD",
            "hong" | "kong" => "HKD",
            "singapore" => "SGD",
            "zealand" => "NZD",
            "taiwan" => "TWD",
            _ => "USD",
        },
        "yen" => "JPY",
        "yuan" | "renminbi" | "rmb" => "CNY",
        "euro" | "euros" => "EUR",
        "pound" | "pounds" | "sterling" | "stg" => match before {
            "egyptian" => "EGP",
            _ => "GBP",
        },
        "marks" | "mark" | "d-marks" | "dm" => "DEM",
        "francs" | "franc" => match before {
            "swiss" => "CHF",
            "belgian" => "BEF",
            _ => by_country(&[("CH", "CHF"), ("BE", "BEF"), ("LU", "LUF")], Some("FRF"))?,
        },
        "crowns" | "crown" | "kronor" | "krona" | "kroner" | "krone" => match before {
            "swedish" => "SEK",
            "norwegian" => "NOK",
            "danish" => "DKK",
            "czech" => "CZK",
            _ => by_country(
                &[
                    ("SE", "SEK"),
                    ("NO", "NOK"),
                    ("DK", "DKK"),
                    ("CZ", "CZK"),
                    ("IS", "ISK"),
                ],
                None,
            )?,
        },
        "lire" | "lira" => match before {
            "turkish" => "TRY",
            _ => by_country(&[("TR", "TRY")], Some("ITL"))?,
        },
        "rupees" | "rupee" => match before {
            "pakistani" => "PKR",
            "lankan" => "LKR",
            _ => by_country(&[("PK", "PKR"), ("LK", "LKR"), ("NP", "NPR")], Some("INR"))?,
        },
        "rupiah" => "IDR",
        "ringgit" => "MYR",
        "baht" => "THB",
        "pesos" | "peso" => match before {
            "philippine" => "PHP",
            "argentine" => "ARS",
            "chilean" => "CLP",
            "colombian" => "COP",
            _ => by_country(
                &[("PH", "PHP"), ("AR", "ARS"), ("CL", "CLP"), ("CO", "COP")],
                Some("MXN"),
            )?,
        },
        "won" => "KRW",
        "rand" => "ZAR",
        "dinars" | "dinar" => by_country(
            &[
                ("YU", "YUD"),
                ("RS", "RSD"),
                ("IQ", "IQD"),
                ("KW", "KWD"),
                ("JO", "JOD"),
                ("DZ", "DZD"),
                ("TN", "TND"),
                ("BH", "BHD"),
                ("LY", "LYD"),
            ],
            None,
        )?,
        "roubles" | "rouble" | "rubles" | "ruble" => "RUB",
        "reais" | "real" => "BRL",
        "naira" => "NGN",
        "shillings" | "shilling" => {
            by_country(&[("UG", "UGX"), ("TZ", "TZS"), ("SO", "SOS")], Some("KES"))?
        }
        "riyals" | "riyal" => {
            by_country(&[("QA", "QAR"), ("OM", "OMR"), ("YE", "YER")], Some("SAR"))?
        }
        "dirhams" | "dirham" => by_country(&[("MA", "MAD")], Some("AED"))?,
        "guilders" | "guilder" => "NLG",
        "schillings" | "schilling" => "ATS",
        "pesetas" | "peseta" => "ESP",
        "escudos" | "escudo" => "PTE",
        "drachmas" | "drachma" | "drachmae" => "GRD",
        "zloty" | "zlotys" => "PLN",
        "forints" | "forint" => "HUF",
        "hryvnia" => "UAH",
        "tenge" => "KZT",
        "dong" => "VND",
        _ => return None,
    })
}

/// Every sum of money in `words`. `country_hints` are the countries of the clause, for
/// currency names several countries use ("crowns"). A number with no currency of its own is
/// money only when it has a scale word ("8.61 billion"), no unit noun after it, and a currency
/// is known: from earlier money in the clause, or `known_currency` from earlier clauses. Wire
/// stories write later figures that way.
pub fn money(
    words: &[Word<'_>],
    country_hints: &[&str],
    known_currency: Option<&'static str>,
) -> Vec<Money> {
    let mut found: Vec<Money> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let symbol = currency_symbol(words[i].text);
        let number_start = if symbol.is_some() { i + 1 } else { i };
        let Some((mut amount, end)) = amount_at(words, number_start) else {
            i += 1;
            continue;
        };
        if symbol.is_some() {
            let (qualifier, start) = qualifier_before(words, i);
            amount.qualifier = qualifier;
            amount.words = start..end;
        }
        let mut currency = symbol;
        let mut money_end = end;
        if currency.is_none() {
            // "U.S. dollars", "US dollars": skip the country word before the currency name.
            let mut k = end;
            if words
                .get(k)
                .is_some_and(|w| matches!(w.text, "U.S." | "US" | "American"))
            {
                k += 1;
            }
            let before = if k > 0 {
                words[k - 1].lower()
            } else {
                String::new()
            };
            let unit = words.get(k).map(|w| w.lower()).unwrap_or_default();
            if let Some(c) = currency_word(&unit, &before, country_hints) {
                currency = Some(c);
                money_end = k + 1;
            } else if let Some(next) = words.get(k + 1) {
                // "Canadian dollars", "Swiss francs": an adjective before the currency name.
                if let Some(c) = currency_word(&next.lower(), &unit, country_hints) {
                    currency = Some(c);
                    money_end = k + 2;
                }
            }
        }
        let scaled = end > number_start + 1
            || words[number_start]
                .text
                .ends_with(|c: char| c.is_alphabetic());
        let earlier = found.last().and_then(|m| m.currency).or(known_currency);
        let unit_follows = words.get(end).is_some_and(|w| {
            let lower = w.lower();
            is_percent_word(&lower)
                || (w.text.starts_with(char::is_alphabetic) && !stops_unit(&lower))
        });
        if currency.is_some() || (scaled && earlier.is_some() && !unit_follows) {
            let currency = currency.or(earlier);
            let start = amount.words.start;
            found.push(Money {
                amount,
                currency,
                words: start..money_end,
            });
            i = money_end;
        } else {
            i = end;
        }
    }
    found
}

fn is_percent_word(word: &str) -> bool {
    matches!(word, "percent" | "pct" | "%" | "per")
}

/// Every percentage in `words`.
pub fn percents(words: &[Word<'_>]) -> Vec<Percent> {
    let mut found = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let Some(value) = numeral(word.text) else {
            continue;
        };
        let Some(next) = words.get(i + 1) else {
            continue;
        };
        let lower = next.lower();
        if matches!(lower.as_str(), "percent" | "pct" | "%") {
            found.push(Percent {
                value,
                words: i..i + 2,
            });
        } else if lower == "per" && words.get(i + 2).is_some_and(|w| w.lower() == "cent") {
            found.push(Percent {
                value,
                words: i..i + 3,
            });
        }
    }
    found
}

/// Words that end a unit phrase.
fn stops_unit(word: &str) -> bool {
    matches!(
        word,
        "to" | "of"
            | "from"
            | "in"
            | "on"
            | "at"
            | "by"
            | "for"
            | "with"
            | "and"
            | "or"
            | "but"
            | "as"
            | "than"
            | "that"
            | "which"
            | "who"
            | "have"
            | "has"
            | "had"
            | "were"
            | "was"
            | "are"
            | "is"
            | "will"
            | "would"
            | "including"
            | "a"
            | "an"
            | "the"
            | "this"
            | "last"
            | "per"
            | "each"
            | "year"
            | "years"
    ) || !word.starts_with(|c: char| c.is_alphabetic())
}

fn is_time_unit(word: &str) -> bool {
    matches!(
        word,
        "year"
            | "years"
            | "month"
            | "months"
            | "week"
            | "weeks"
            | "day"
            | "days"
            | "hours"
            | "minutes"
            | "percent"
            | "pct"
            | "per"
            | "times"
            | "times,"
            | "points"
            | "basis"
    )
}

/// Every counted quantity in `words` that is neither money nor a percentage nor a date.
pub fn quantities(words: &[Word<'_>], money: &[Money]) -> Vec<Counted> {
    let in_money = |i: usize| money.iter().any(|m| m.words.contains(&i));
    let mut found = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if in_money(i)
            || words[i].text.len() == 4
                && words[i]
                    .text
                    .parse::<u32>()
                    .is_ok_and(|y| (1800..2200).contains(&y))
        {
            i += 1;
            continue;
        }
        let Some((amount, end)) = amount_at(words, i) else {
            i += 1;
            continue;
        };
        // Skip capitalized modifiers ("200,000 Mexican companies").
        let mut k = end;
        while words
            .get(k)
            .is_some_and(|w| w.text.starts_with(|c: char| c.is_uppercase()))
            && k < end + 2
        {
            k += 1;
        }
        let mut unit = Vec::new();
        while let Some(w) = words.get(k) {
            let lower = w.lower();
            if stops_unit(&lower) || unit.len() >= 3 {
                break;
            }
            unit.push(lower);
            k += 1;
        }
        // "kinds of produce", "tonnes of wheat": keep the "of" phrase for counting nouns.
        if unit.len() == 1
            && matches!(
                unit[0].as_str(),
                "kinds" | "types" | "varieties" | "sorts" | "categories"
            )
            && words.get(k).is_some_and(|w| w.lower() == "of")
            && let Some(next) = words
                .get(k + 1)
                .map(|w| w.lower())
                .filter(|w| !stops_unit(w))
        {
            unit.push("of".to_owned());
            unit.push(next);
            k += 2;
        }
        let unit_text = unit.join(" ");
        if !unit.is_empty() && !is_time_unit(&unit[0]) {
            let start = amount.words.start;
            found.push(Counted {
                amount,
                unit: unit_text,
                words: start..k,
            });
            i = k;
        } else {
            i = end;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::super::words::words;
    use super::*;

    fn money_of(
        text: &str,
        hint: Option<&str>,
    ) -> Vec<(f64, Option<&'static str>, Qualifier, String)> {
        let ws = words(text, 0..text.len());
        money(&ws, hint.as_slice(), None)
            .into_iter()
            .map(|m| {
                let span = ws[m.words.start].bytes.start..ws[m.words.end - 1].bytes.end;
                (
                    m.amount.value,
                    m.currency,
                    m.amount.qualifier,
                    text[span].to_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn reads_money_in_wire_styles() {
        assert_eq!(
            money_of("exports rose to 10.2 billion dlrs from 9.8 billion", None),
            [
                (
                    10.2e9,
                    Some("USD"),
                    Qualifier::Exact,
                    "10.2 billion dlrs".into()
                ),
                (9.8e9, Some("USD"), Qualifier::Exact, "9.8 billion".into())
            ]
        );
        assert_eq!(
            money_of("a $1.13bn (£600m) order", None)[..2]
                .iter()
                .map(|m| (m.0, m.1))
                .collect::<Vec<_>>(),
            [(1.13e9, Some("USD")), (6e8, Some("GBP"))]
        );
        assert_eq!(money_of("500 mln yen", None)[0].1, Some("JPY"));
        assert_eq!(money_of("1.5 trillion yuan", None)[0].0, 1.5e12);
        assert_eq!(money_of("worth US$3 billion", None)[0].0, 3e9);
        assert_eq!(
            money_of("nearly 178 million U.S. dollars", None)[0],
            (
                178e6,
                Some("USD"),
                Qualifier::About,
                "nearly 178 million U.S. dollars".into()
            )
        );
        assert_eq!(
            money_of("over 500 million US dollars", None)[0].2,
            Qualifier::MoreThan
        );
        assert_eq!(money_of("160 mln crowns", Some("NO"))[0].1, Some("NOK"));
        assert_eq!(money_of("3 billion Swiss francs", None)[0].1, Some("CHF"));
        assert_eq!(
            money_of("875.59 billion dinars", Some("YU"))[0].1,
            Some("YUD")
        );
    }

    #[test]
    fn plain_numbers_are_not_money() {
        assert!(money_of("in 1986, 20 ships and 12 pct", None).is_empty());
        let text = "4.2 billion people and 3 billion in March";
        let ws = words(text, 0..text.len());
        let found = money(&ws, &[], Some("USD"));
        assert_eq!(
            found.len(),
            1,
            "a scaled number with a noun after it is a count, not money"
        );
        assert_eq!(
            (found[0].amount.value, found[0].currency),
            (3e9, Some("USD"))
        );
    }

    #[test]
    fn reads_quantities_with_units() {
        let text = "exports more than 20 kinds of produce and 1.2 million tonnes of wheat; more than 200,000 Mexican companies; one cargo";
        let ws = words(text, 0..text.len());
        let q: Vec<(f64, String, Qualifier)> = quantities(&ws, &money(&ws, &[], None))
            .into_iter()
            .map(|c| (c.amount.value, c.unit, c.amount.qualifier))
            .collect();
        assert_eq!(
            q,
            [
                (20.0, "kinds of produce".into(), Qualifier::MoreThan),
                (1.2e6, "tonnes".into(), Qualifier::Exact),
                (200_000.0, "companies".into(), Qualifier::MoreThan),
                (1.0, "cargo".into(), Qualifier::Exact),
            ]
        );
    }

    #[test]
    fn reads_percentages() {
        let text = "rose 5.2 pct, fell 12 percent, up 3% and 4 per cent";
        let ws = words(text, 0..text.len());
        assert_eq!(
            percents(&ws).iter().map(|p| p.value).collect::<Vec<_>>(),
            [5.2, 12.0, 3.0, 4.0]
        );
    }
}
