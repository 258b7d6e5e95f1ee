//! Commodities named in the text, mapped to Harmonized System codes through a news-word
//! alias table (`data/commodity_aliases.tsv`).

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::ops::Range;
use std::sync::LazyLock;

/// One commodity mention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommodityMention {
    /// The name as written.
    pub name: String,
    /// The most specific HS code of the alias (chapter, heading or subheading); empty when
    /// the word names a category the HS has no single code for.
    pub hs_code: String,
    /// Byte range in the text.
    pub bytes: Range<usize>,
}

struct Lexicon {
    matcher: AhoCorasick,
    codes: Vec<String>,
}

static LEXICON: LazyLock<Option<Lexicon>> = LazyLock::new(|| {
    let mut aliases = Vec::new();
    let mut codes = Vec::new();
    for line in include_str!("../data/commodity_aliases.tsv").lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut fields = line.split('\t');
        let (Some(alias), Some(hs)) = (fields.next(), fields.next()) else {
            continue;
        };
        aliases.push(alias.to_owned());
        // The first code is the most specific; a list of whole chapters names a category.
        let first = hs.split('|').next().unwrap_or_default();
        let category = hs.split('|').count() > 3;
        codes.push(if category {
            String::new()
        } else {
            first.to_owned()
        });
    }
    let matcher = AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostLongest)
        .build(&aliases)
        .ok()?;
    Some(Lexicon { matcher, codes })
});

fn is_word_char(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || c == '-')
}

/// "the steel industry", "the rubber sector": the word names an industry, not goods traded.
fn names_a_trade(rest: &str) -> bool {
    let next = rest.split_whitespace().next().unwrap_or_default();
    matches!(
        next.trim_end_matches([',', '.', ';']),
        "industry" | "industries" | "sector" | "sectors" | "producers" | "makers" | "companies"
    )
}

/// ", including ...", " such as ...", ", especially ...": examples of the word follow within
/// a few words ("kinds of fruit to Japan, including kiwifruit").
fn introduces_examples(rest: &str) -> bool {
    let mut previous = "";
    for word in rest.split_whitespace().take(5) {
        let word = word.trim_matches([',', '(', ')', ':', '-']);
        if matches!(word, "including" | "especially" | "notably")
            || (previous == "such" && word == "as")
        {
            return true;
        }
        if word.ends_with('.') || word.ends_with(';') {
            return false;
        }
        previous = word;
    }
    false
}

/// Every commodity in `text[range]`, in text order, matched on whole words (ASCII
/// case-insensitive; "Crude oil" and "crude oil" alike). Longer names win ("crude oil" over
/// "oil").
pub fn commodities(text: &str, range: Range<usize>) -> Vec<CommodityMention> {
    let (Some(lexicon), Some(slice)) = (LEXICON.as_ref(), text.get(range.clone())) else {
        return Vec::new();
    };
    let lower = slice.to_ascii_lowercase();
    let mut found = Vec::new();
    for m in lexicon.matcher.find_iter(&lower) {
        let before = lower[..m.start()].chars().next_back();
        let after = lower[m.end()..].chars().next();
        // A plural "s" after a singular alias is still a whole word ("tyre" → "tyres" is listed).
        if is_word_char(before) || is_word_char(after) {
            continue;
        }
        let rest = &lower[m.end()..];
        if names_a_trade(rest) {
            continue;
        }
        let code = lexicon
            .codes
            .get(m.pattern().as_usize())
            .cloned()
            .unwrap_or_default();
        // "dozens of farm goods, including apples and lamb": the category stands for the goods
        // the list names.
        if code.len() <= 2 && introduces_examples(rest) {
            continue;
        }
        let bytes = range.start + m.start()..range.start + m.end();
        found.push(CommodityMention {
            name: text[bytes.clone()].to_owned(),
            hs_code: code,
            bytes,
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<(String, String)> {
        commodities(text, 0..text.len())
            .into_iter()
            .map(|c| (c.name, c.hs_code))
            .collect()
    }

    #[test]
    fn finds_listed_goods_with_codes() {
        assert_eq!(
            names("exports of avocados, pork, beef, berries and tequila"),
            [
                ("avocados".into(), "080440".into()),
                ("pork".into(), "0203".into()),
                ("beef".into(), "0201".into()),
                ("berries".into(), "081010".into()),
                ("tequila".into(), "220890".into())
            ]
        );
    }

    #[test]
    fn prefers_longer_names_and_whole_words() {
        assert_eq!(
            names("Crude oil and oilseeds"),
            [
                ("Crude oil".into(), "2709".into()),
                ("oilseeds".into(), "12".into())
            ]
        );
        assert!(names("the goiler and cornerstone").is_empty());
    }

    #[test]
    fn a_category_before_its_examples_and_industries_are_not_goods() {
        let found: Vec<String> =
            names("30 kinds of fruit to Japan, including kiwifruit and apples")
                .into_iter()
                .map(|(n, _)| n)
                .collect();
        assert_eq!(found, ["kiwifruit", "apples"]);
        assert!(names("jobs in the steel industry").is_empty());
    }

    #[test]
    fn categories_have_no_single_code() {
        assert_eq!(
            names("agricultural products"),
            [("agricultural products".into(), String::new())]
        );
    }

    #[test]
    fn every_code_is_in_the_hs_table_when_it_is_present() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/refdata/harmonized_system/harmonized-system.csv");
        let Ok(table) = std::fs::read_to_string(&path) else {
            eprintln!("skipping: {} not found", path.display());
            return;
        };
        let known: std::collections::HashSet<&str> = table
            .lines()
            .skip(1)
            .filter_map(|l| l.split(',').nth(1))
            .collect();
        for line in include_str!("../data/commodity_aliases.tsv")
            .lines()
            .filter(|l| !l.starts_with('#'))
        {
            let Some(codes) = line.split('\t').nth(1) else {
                continue;
            };
            for code in codes.split('|').filter(|c| !c.is_empty()) {
                assert!(
                    known.contains(code),
                    "{line}: {code} is not an HS 2022 code"
                );
            }
        }
    }
}
