//! Language detection with `whatlang`, reported as a BCP 47 tag ("en", "fr", "zh").

use super::offsets::prefix_end;

/// The tag for an undetermined language.
pub const UNDETERMINED: &str = "und";

/// How many code points of the text the statistical detector looks at (its cost grows with the
/// sample; a thousand characters is plenty to tell languages apart).
const SAMPLE_CHARS: usize = 1_000;

/// How many code points the quick English check looks at.
const QUICK_SAMPLE_CHARS: usize = 1_000;

/// Whether an ASCII word, in any case, is one of the English function words that make up a
/// large share of the words of English prose and a small one in other languages written in
/// Latin script.
fn is_english_function_word(word: &str) -> bool {
    if word.len() > 4 {
        return false;
    }
    let mut lower = [0u8; 4];
    for (slot, byte) in lower.iter_mut().zip(word.bytes()) {
        *slot = byte.to_ascii_lowercase();
    }
    matches!(
        &lower[..word.len()],
        b"the"
            | b"of"
            | b"and"
            | b"to"
            | b"in"
            | b"a"
            | b"is"
            | b"that"
            | b"for"
            | b"on"
            | b"it"
            | b"with"
            | b"as"
            | b"was"
            | b"said"
            | b"by"
            | b"he"
            | b"be"
            | b"at"
            | b"from"
            | b"has"
            | b"its"
            | b"are"
            | b"will"
    )
}

/// A cheap first check, before the statistical detector (which costs far more than the rest
/// of extraction on a short story): at least 30 words, all ASCII, an eighth or more of them
/// English function words, and "the" among them at least twice (no other language written in
/// Latin script uses it).
fn looks_english(sample: &str) -> bool {
    let mut words = 0usize;
    let mut function = 0usize;
    let mut the = 0usize;
    for word in sample
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        // Punctuation such as curly quotes and dashes separates words; letters outside ASCII
        // mean another language or script.
        if !word.is_ascii() {
            return false;
        }
        words += 1;
        if is_english_function_word(word) {
            function += 1;
            if word.eq_ignore_ascii_case("the") {
                the += 1;
            }
        }
    }
    words >= 30 && function * 8 >= words && the >= 2
}

/// Texts with fewer letters than this are too short to detect.
const MIN_LETTERS: usize = 20;

/// Detects the language of `text` as a BCP 47 tag: ISO 639-1 where one exists, else the
/// ISO 639-3 code. When the text is too short or the detection unreliable, the tag is "en" if
/// at least 90% of its letters are ASCII, else "und".
pub fn detect(text: &str) -> String {
    if looks_english(&text[..prefix_end(text, QUICK_SAMPLE_CHARS)]) {
        return "en".to_owned();
    }
    let sample = &text[..prefix_end(text, SAMPLE_CHARS)];
    let letters = sample.chars().filter(|c| c.is_alphabetic()).count();
    if letters >= MIN_LETTERS
        && let Some(info) = whatlang::detect(sample)
        && info.is_reliable()
    {
        return bcp47(info.lang().code()).to_owned();
    }
    let ascii = sample.chars().filter(|c| c.is_ascii_alphabetic()).count();
    if letters > 0 && ascii * 10 >= letters * 9 {
        "en".to_owned()
    } else {
        UNDETERMINED.to_owned()
    }
}

/// Whether a BCP 47 tag names English (`en`, `EN`, `en-US`, `en_GB`).
pub fn is_english(tag: &str) -> bool {
    let primary = tag.trim().split(['-', '_']).next().unwrap_or("");
    primary.eq_ignore_ascii_case("en") || primary.eq_ignore_ascii_case("eng")
}

/// The ISO 639-1 code for a `whatlang` ISO 639-3 code, or the code itself when there is none.
fn bcp47(code: &'static str) -> &'static str {
    match code {
        "afr" => "af",
        "aka" => "ak",
        "amh" => "am",
        "ara" => "ar",
        "aze" => "az",
        "bel" => "be",
        "ben" => "bn",
        "bul" => "bg",
        "cat" => "ca",
        "ces" => "cs",
        "cmn" => "zh",
        "cym" => "cy",
        "dan" => "da",
        "deu" => "de",
        "ell" => "el",
        "eng" => "en",
        "epo" => "eo",
        "est" => "et",
        "fin" => "fi",
        "fra" => "fr",
        "guj" => "gu",
        "heb" => "he",
        "hin" => "hi",
        "hrv" => "hr",
        "hun" => "hu",
        "hye" => "hy",
        "ind" => "id",
        "ita" => "it",
        "jav" => "jv",
        "jpn" => "ja",
        "kan" => "kn",
        "kat" => "ka",
        "khm" => "km",
        "kor" => "ko",
        "lat" => "la",
        "lav" => "lv",
        "lit" => "lt",
        "mal" => "ml",
        "mar" => "mr",
        "mkd" => "mk",
        "mya" => "my",
        "nep" => "ne",
        "nld" => "nl",
        "nob" => "nb",
        "ori" => "or",
        "pan" => "pa",
        "pes" => "fa",
        "pol" => "pl",
        "por" => "pt",
        "ron" => "ro",
        "rus" => "ru",
        "sin" => "si",
        "slk" => "sk",
        "slv" => "sl",
        "sna" => "sn",
        "spa" => "es",
        "srp" => "sr",
        "swe" => "sv",
        "tam" => "ta",
        "tel" => "te",
        "tgl" => "tl",
        "tha" => "th",
        "tuk" => "tk",
        "tur" => "tr",
        "ukr" => "uk",
        "urd" => "ur",
        "uzb" => "uz",
        "vie" => "vi",
        "yid" => "yi",
        "zul" => "zu",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_english_and_others() {
        let en = "The ministry said on Tuesday that exports of machinery to its neighbours rose \
                  sharply last year, while imports of grain fell for a third year in a row.";
        assert_eq!(detect(en), "en");
        let fr = "Le ministère a annoncé mardi que les exportations de machines vers les pays \
                  voisins avaient fortement augmenté l'année dernière.";
        assert_eq!(detect(fr), "fr");
        let zh = "商务部星期二表示，去年对邻国的机械出口大幅增长，而粮食进口连续第三年下降。";
        assert_eq!(detect(zh), "zh");
    }

    #[test]
    fn the_quick_check_accepts_english_prose_only() {
        let english = "The ministry said on Monday that exports of wheat to the region rose in the first half of the year, \
            and it expects the trend to continue as long as prices remain stable, officials told reporters in the capital.";
        assert!(looks_english(english));
        let spanish = "El ministerio dijo el lunes que las exportaciones de trigo a la region subieron en la primera mitad \
            del año, y espera que la tendencia continue mientras los precios se mantengan estables, dijeron los funcionarios.";
        assert!(!looks_english(spanish));
        let dutch = "Het ministerie zei maandag dat de export van tarwe naar de regio in de eerste helft van het jaar is gestegen \
            en het verwacht dat de trend zich voortzet zolang de prijzen stabiel blijven, zeiden ambtenaren tegen verslaggevers.";
        assert!(!looks_english(dutch));
        assert!(!looks_english("the the the"), "too short to judge");
    }

    #[test]
    fn short_text_falls_back() {
        assert_eq!(detect("Trade rose."), "en");
        assert_eq!(detect("贸易增长"), "und");
        assert_eq!(detect(""), "und");
        assert_eq!(detect("12345 !!"), "und");
    }

    #[test]
    fn english_tags() {
        assert!(is_english("en"));
        assert!(is_english("en-US"));
        assert!(is_english("EN_gb"));
        assert!(!is_english("fr"));
        assert!(!is_english("und"));
    }

    #[test]
    fn every_whatlang_language_maps() {
        for lang in whatlang::Lang::all() {
            let tag = bcp47(lang.code());
            assert!(tag.len() == 2, "{} has no ISO 639-1 code", lang.code());
        }
    }
}
