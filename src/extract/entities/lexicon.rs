//! Read-only lexicons compiled into the binary: countries and demonyms, person titles,
//! organization head words, well-known bodies, places and non-name capitalized words.
//! Each is built once, on first use.

use foldhash::{HashMap, HashSet};
use std::sync::LazyLock;

/// How a country lexicon entry names its country.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CountryForm {
    /// The common English name, e.g. "Mexico".
    Name,
    /// Another name or abbreviation, e.g. "U.S.", "Britain".
    Alias,
    /// An adjective or people, e.g. "Mexican", "Mexicans".
    Demonym,
}

/// A country as the lexicon knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Country {
    /// ISO 3166-1 alpha-2 code ("EU" for the European Union).
    pub code: &'static str,
    /// Common English name.
    pub name: &'static str,
}

/// Gender implied by a title or pronoun.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gender {
    /// Male.
    Male,
    /// Female.
    Female,
}

fn data_lines(data: &'static str) -> impl Iterator<Item = &'static str> {
    data.lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
}

/// Every country name, alias and demonym, as written, to its country and form.
pub static COUNTRY_FORMS: LazyLock<HashMap<&'static str, (Country, CountryForm)>> =
    LazyLock::new(|| {
        let mut map = HashMap::default();
        for line in data_lines(include_str!("../data/countries.tsv")) {
            let mut cols = line.split('\t');
            let (Some(code), Some(name)) = (cols.next(), cols.next()) else {
                continue;
            };
            let aliases = cols.next().unwrap_or("");
            let demonyms = cols.next().unwrap_or("");
            let country = Country { code, name };
            map.insert(name, (country.clone(), CountryForm::Name));
            for alias in aliases.split('|').filter(|a| !a.is_empty()) {
                map.entry(alias)
                    .or_insert((country.clone(), CountryForm::Alias));
            }
            for demonym in demonyms.split('|').filter(|a| !a.is_empty()) {
                map.entry(demonym)
                    .or_insert((country.clone(), CountryForm::Demonym));
            }
        }
        map
    });

/// Country by alpha-2 code.
pub static COUNTRY_BY_CODE: LazyLock<HashMap<&'static str, Country>> = LazyLock::new(|| {
    COUNTRY_FORMS
        .values()
        .filter(|(_, form)| *form == CountryForm::Name)
        .map(|(c, _)| (c.code, c.clone()))
        .collect()
});

/// Person titles and roles (as written before a name) with the gender they imply.
pub static TITLES: LazyLock<HashMap<String, Option<Gender>>> = LazyLock::new(|| {
    let mut map = HashMap::default();
    for line in data_lines(include_str!("../data/titles.txt")) {
        let mut cols = line.split('\t');
        let Some(title) = cols.next() else { continue };
        let gender = match cols.next().map(str::trim) {
            Some("m") => Some(Gender::Male),
            Some("f") => Some(Gender::Female),
            _ => None,
        };
        map.insert(title.to_owned(), gender);
        map.entry(title.to_lowercase()).or_insert(gender);
    }
    map
});

/// Longest title, in words.
pub static MAX_TITLE_WORDS: LazyLock<usize> = LazyLock::new(|| {
    TITLES
        .keys()
        .map(|t| t.split(' ').count())
        .max()
        .unwrap_or(1)
});

/// Organization head words, as written and in lower case.
pub static ORG_HEADS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    let mut set = HashSet::default();
    for line in data_lines(include_str!("../data/org_heads.txt")) {
        set.insert(line.trim().to_owned());
        set.insert(line.trim().to_lowercase());
    }
    set
});

/// Head words of place names that take an "of" phrase ("Gulf of Mexico", "Great Hall of the
/// People").
pub const PLACE_HEADS: &[&str] = &[
    "Hall", "Gulf", "Bay", "Sea", "Strait", "Straits", "Isle", "Island", "Islands", "Cape", "Port",
    "Lake", "River", "Mount", "Square", "Palace", "Province", "City", "Canal", "Plaza",
];

/// A well-known organization: its lexicon name (used for its id).
pub static KNOWN_ORGS: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| {
    let mut map = HashMap::default();
    for line in data_lines(include_str!("../data/orgs.tsv")) {
        let mut cols = line.split('\t');
        let Some(name) = cols.next() else { continue };
        map.insert(name, name);
        for alias in cols
            .next()
            .unwrap_or("")
            .split('|')
            .filter(|a| !a.is_empty())
        {
            map.entry(alias).or_insert(name);
        }
    }
    map
});

/// Places that are not countries (upper case) with their country, and regions (no
/// country).
pub static PLACES: LazyLock<HashMap<String, Option<&'static str>>> = LazyLock::new(|| {
    let mut map = HashMap::default();
    for line in data_lines(include_str!("../data/places.tsv")) {
        let mut cols = line.split('\t');
        if let (Some(name), Some(code)) = (cols.next(), cols.next()) {
            map.insert(name.to_uppercase(), Some(code));
        }
    }
    for line in data_lines(include_str!("../data/regions.txt")) {
        map.insert(line.trim().to_uppercase(), None);
    }
    map
});

/// Capitalized words that are not names on their own (days, months, function words).
pub static NON_NAMES: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    data_lines(include_str!("../data/non_entities.txt"))
        .chain(data_lines(include_str!("../data/sentence_openers.txt")))
        .map(str::trim)
        .collect()
});

/// Triples (word, connector, word) that occur inside a multi-word lexicon entry, e.g.
/// ("Secretary", "of", "State"): capitalized runs joined by such a connector form one name.
pub static CONNECTED: LazyLock<HashSet<(String, String, String)>> = LazyLock::new(|| {
    let mut set = HashSet::default();
    let names = TITLES
        .keys()
        .map(String::as_str)
        .chain(KNOWN_ORGS.keys().copied())
        .chain(COUNTRY_FORMS.keys().copied())
        .map(str::to_owned)
        // Only a place of three words or more can hold a triple, so the thousands of
        // shorter ones are not title-cased (which made up most of this set's build time).
        .chain(
            PLACES
                .keys()
                .filter(|p| p.split(' ').nth(2).is_some())
                .map(|p| title_case(p)),
        )
        .collect::<Vec<_>>();
    for name in names {
        let words: Vec<&str> = name.split(' ').collect();
        for w in words.windows(3) {
            if is_connector(w[1]) {
                set.insert((w[0].to_owned(), w[1].to_owned(), w[2].to_owned()));
            }
        }
        for w in words.windows(4) {
            if is_connector(w[1]) && is_connector(w[2]) {
                set.insert((
                    w[0].to_owned(),
                    format!("{} {}", w[1], w[2]),
                    w[3].to_owned(),
                ));
            }
        }
    }
    set
});

/// Lower-case words that may join two capitalized parts of one name.
pub fn is_connector(word: &str) -> bool {
    matches!(
        word,
        "of" | "the" | "and" | "for" | "on" | "&" | "de" | "del" | "da" | "van" | "von" | "in"
    )
}

/// "MEXICO CITY" → "Mexico City", "DISTRICT OF COLUMBIA" → "District of Columbia".
pub fn title_case(upper: &str) -> String {
    upper
        .split(' ')
        .enumerate()
        .map(|(i, w)| {
            let lower = w.to_lowercase();
            if i > 0 && is_connector(&lower) {
                return lower;
            }
            let mut out = String::with_capacity(w.len());
            let mut start = true;
            for c in lower.chars() {
                if start {
                    out.extend(c.to_uppercase());
                } else {
                    out.push(c);
                }
                start = matches!(c, '-' | '.');
            }
            out
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Speech and report verbs that follow or precede a speaker's name.
pub fn is_speech_verb(word: &str) -> bool {
    matches!(
        word,
        "said"
            | "says"
            | "told"
            | "tells"
            | "added"
            | "adds"
            | "noted"
            | "stressed"
            | "stated"
            | "urged"
            | "warned"
            | "explained"
            | "announced"
            | "asked"
            | "argued"
            | "insisted"
            | "declared"
            | "commented"
            | "remarked"
            | "emphasized"
            | "emphasised"
            | "acknowledged"
            | "admitted"
            | "claimed"
            | "confirmed"
            | "denied"
            | "reported"
            | "wrote"
            | "predicted"
            | "pledged"
            | "vowed"
            | "promised"
            | "expressed"
            | "hoped"
            | "believes"
            | "believed"
            | "thinks"
            | "agreed"
            | "replied"
            | "underlined"
            | "highlighted"
            | "estimated"
            | "met"
            | "visited"
            | "who"
    )
}

/// Currency words: a country name right before one ("US dollars") names a currency, not
/// the country.
pub fn is_currency_word(word: &str) -> bool {
    matches!(
        word,
        "dollar"
            | "dollars"
            | "cent"
            | "cents"
            | "peso"
            | "pesos"
            | "yuan"
            | "yen"
            | "euro"
            | "euros"
            | "pound"
            | "pounds"
            | "rupee"
            | "rupees"
            | "won"
            | "ruble"
            | "rubles"
            | "rouble"
            | "roubles"
            | "franc"
            | "francs"
            | "real"
            | "reais"
            | "ringgit"
            | "baht"
            | "rand"
            | "lira"
            | "krona"
            | "kronor"
            | "krone"
            | "kroner"
            | "dinar"
            | "dinars"
            | "riyal"
            | "riyals"
    )
}

/// Lower-case nouns that, right after a capitalized name, mark it as an organization
/// ("Alibaba headquarters", "Acme shares").
pub fn is_org_context_after(word: &str) -> bool {
    matches!(
        word,
        "headquarters" | "shares" | "stock" | "executives" | "employees" | "subsidiary"
    )
}

/// Lower-case nouns that, right before a capitalized name, mark it as an organization
/// ("oil company Rosneft", "Internet giant Alibaba").
pub fn is_org_context_before(word: &str) -> bool {
    matches!(
        word,
        "company"
            | "companies"
            | "firm"
            | "giant"
            | "carrier"
            | "airline"
            | "bank"
            | "group"
            | "newspaper"
            | "daily"
            | "paper"
            | "agency"
            | "maker"
            | "manufacturer"
            | "producer"
            | "retailer"
            | "operator"
            | "conglomerate"
            | "corporation"
            | "automaker"
            | "broker"
            | "insurer"
            | "outlet"
            | "magazine"
            | "website"
            | "portal"
            | "platform"
            | "exchange"
    )
}

/// Lower-case nouns that, right after a capitalized name, mark it as a place
/// ("Zhejiang province").
pub fn is_place_noun(word: &str) -> bool {
    matches!(
        word,
        "province"
            | "city"
            | "county"
            | "state"
            | "region"
            | "district"
            | "prefecture"
            | "municipality"
            | "island"
            | "islands"
            | "port"
            | "airport"
            | "airfield"
            | "village"
            | "town"
            | "township"
            | "area"
            | "crossing"
            | "valley"
            | "river"
    )
}

/// Compass words that, before a country name, make a region of it ("East China").
pub fn is_compass(word: &str) -> bool {
    matches!(
        word,
        "North"
            | "South"
            | "East"
            | "West"
            | "Northeast"
            | "Northwest"
            | "Southeast"
            | "Southwest"
            | "Central"
            | "Northern"
            | "Southern"
            | "Eastern"
            | "Western"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexicons_load() {
        let (mx, form) = &COUNTRY_FORMS["Mexican"];
        assert_eq!((mx.code, *form), ("MX", CountryForm::Demonym));
        assert_eq!(COUNTRY_FORMS["U.S."].0.code, "US");
        assert_eq!(COUNTRY_FORMS["Britain"].0.code, "GB");
        assert_eq!(COUNTRY_FORMS["South Korea"].0.code, "KR");
        assert_eq!(COUNTRY_FORMS["Russia"].0.code, "RU");
        assert_eq!(COUNTRY_FORMS["EU"].0.code, "EU");
        assert_eq!(COUNTRY_FORMS["Chinese"].0.code, "CN");
        assert_eq!(COUNTRY_FORMS["British"].0.code, "GB");
        assert_eq!(COUNTRY_FORMS["American"].0.code, "US");
        assert_eq!(COUNTRY_BY_CODE["MX"].name, "Mexico");
        assert!(COUNTRY_BY_CODE.len() > 240);
        assert_eq!(TITLES["spokeswoman"], Some(Gender::Female));
        assert_eq!(TITLES["Mrs."], Some(Gender::Female));
        assert!(TITLES.contains_key("Secretary of State"));
        assert!(ORG_HEADS.contains("Ministry") && ORG_HEADS.contains("ministry"));
        assert_eq!(KNOWN_ORGS["WTO"], "World Trade Organization");
        assert!(PLACES.contains_key("HANGZHOU"));
        assert!(NON_NAMES.contains("Wednesday"));
        assert!(CONNECTED.contains(&("Secretary".into(), "of".into(), "State".into())));
    }

    #[test]
    fn title_case_places() {
        assert_eq!(title_case("MEXICO CITY"), "Mexico City");
        assert_eq!(title_case("DISTRICT OF COLUMBIA"), "District of Columbia");
        assert_eq!(title_case("XI'AN"), "Xi'an");
    }
}
