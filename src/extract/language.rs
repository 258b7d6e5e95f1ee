//! Language detection with `whatlang`, reported as a BCP 47 tag ("en", "fr", "zh").

use super::offsets::prefix_end;

/// The tag for an undetermined language.
pub const UNDETERMINED: &str = "und";

/// How many code points of the text the detection looks at (the statistical detector's cost
/// grows with the sample; a thousand characters is plenty to tell languages apart).
const SAMPLE_CHARS: usize = 1_000;

/// Fewer letter-only words than this is too little prose for the statistical detector to be
/// trusted on text written in ASCII: it calls one-line English items and short tables French or
/// Catalan.
const MIN_PROSE_WORDS: usize = 30;

/// The longest word [`is_english_function_word`] and [`is_english_only_word`] know.
const MAX_MARKER_LEN: usize = 5;

/// Whether a lower-case ASCII word is one of the English function words that make up a large
/// share of the words of English prose and a small one in other languages written in Latin
/// script.
fn is_english_function_word(lower: &[u8]) -> bool {
    matches!(
        lower,
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

/// Whether a lower-case ASCII word is a frequent English word that is not a word of any other
/// language written in Latin script ("was", "will", "is", "to" and "for" are: German, Dutch,
/// Czech, Danish).
fn is_english_only_word(lower: &[u8]) -> bool {
    matches!(
        lower,
        b"the"
            | b"of"
            | b"and"
            | b"that"
            | b"with"
            | b"said"
            | b"from"
            | b"which"
            | b"this"
            | b"would"
            | b"have"
            | b"been"
            | b"were"
            | b"their"
            | b"they"
    )
}

/// Word counts of a sample, taken in one pass, for the quick decisions made before the
/// statistical detector (which costs more than the rest of extraction on a short story).
#[derive(Debug, Default)]
struct SampleWords {
    /// Every run of letters and digits.
    words: usize,
    /// Words of letters only.
    letter_words: usize,
    /// Letters in all words.
    letters: usize,
    /// English function words ([`is_english_function_word`]).
    function: usize,
    /// Words only English has ([`is_english_only_word`]).
    english_only: usize,
    /// Whether some word has a character outside ASCII (another script, or accented letters).
    non_ascii: bool,
}

impl SampleWords {
    /// Counts the words of `sample`, byte by byte: this runs on every article, and a split on
    /// chars cost several times more. Punctuation outside ASCII (curly quotes, dashes)
    /// separates words; a letter or digit outside ASCII stops the count, since it means
    /// another language or script, left to the statistical detector.
    fn count(sample: &str) -> Self {
        let mut counts = Self::default();
        let bytes = sample.as_bytes();
        let char_at = |at: usize| sample.get(at..).and_then(|rest| rest.chars().next());
        let mut at = 0;
        while at < bytes.len() {
            let byte = bytes[at];
            if byte.is_ascii_alphanumeric() {
                let start = at;
                while at < bytes.len() && bytes[at].is_ascii_alphanumeric() {
                    at += 1;
                }
                if bytes.get(at).is_some_and(|b| !b.is_ascii())
                    && char_at(at).is_some_and(char::is_alphanumeric)
                {
                    counts.non_ascii = true;
                    return counts;
                }
                counts.add(&bytes[start..at]);
            } else if byte.is_ascii() {
                at += 1;
            } else {
                let c = char_at(at).unwrap_or(' ');
                if c.is_alphanumeric() {
                    counts.non_ascii = true;
                    return counts;
                }
                at += c.len_utf8();
            }
        }
        counts
    }

    /// Counts one ASCII word.
    fn add(&mut self, word: &[u8]) {
        self.words += 1;
        let letters = word.iter().filter(|b| b.is_ascii_alphabetic()).count();
        self.letters += letters;
        if letters == word.len() {
            self.letter_words += 1;
        }
        if word.len() <= MAX_MARKER_LEN {
            let mut lower = [0u8; MAX_MARKER_LEN];
            for (slot, byte) in lower.iter_mut().zip(word) {
                *slot = byte.to_ascii_lowercase();
            }
            let lower = &lower[..word.len()];
            self.function += usize::from(is_english_function_word(lower));
            self.english_only += usize::from(is_english_only_word(lower));
        }
    }

    /// English prose: ASCII, enough words, an eighth or more of them English function words,
    /// and at least two words no other language has.
    fn is_english_prose(&self) -> bool {
        !self.non_ascii
            && self.letter_words >= MIN_PROSE_WORDS
            && self.function * 8 >= self.letter_words
            && self.english_only >= 2
    }

    /// ASCII text with too little prose to detect its language: fewer than
    /// [`MIN_PROSE_WORDS`] words of letters, or more than a quarter of the words figures (a
    /// table). The statistical detector is not asked: on such text it is wrong more often
    /// than right.
    fn too_little_prose(&self) -> bool {
        !self.non_ascii
            && (self.letter_words < MIN_PROSE_WORDS || self.letter_words * 4 < self.words * 3)
    }
}

/// Texts with fewer letters than this are too short to detect.
const MIN_LETTERS: usize = 20;

/// Detects the language of `text` as a BCP 47 tag: ISO 639-1 where one exists, else the
/// ISO 639-3 code.
///
/// ASCII prose with English-only words is English without further ado. ASCII text with too
/// little prose (short items, tables of figures), text shorter than [`MIN_LETTERS`] letters and
/// text the statistical detector is unsure of get "en" if at least 90% of their letters are
/// ASCII, else "und". Everything else is `whatlang`'s call.
pub fn detect(text: &str) -> String {
    let sample = &text[..prefix_end(text, SAMPLE_CHARS)];
    let words = SampleWords::count(sample);
    if words.is_english_prose() {
        return "en".to_owned();
    }
    if words.too_little_prose() {
        // Every letter is in ASCII here: the fallback below comes down to whether there is one.
        return if words.letters > 0 {
            "en".to_owned()
        } else {
            UNDETERMINED.to_owned()
        };
    }
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
        assert!(SampleWords::count(english).is_english_prose());
        let spanish = "El ministerio dijo el lunes que las exportaciones de trigo a la region subieron en la primera mitad \
            del año, y espera que la tendencia continue mientras los precios se mantengan estables, dijeron los funcionarios.";
        assert!(!SampleWords::count(spanish).is_english_prose());
        let dutch = "Het ministerie zei maandag dat de export van tarwe naar de regio in de eerste helft van het jaar is gestegen \
            en het verwacht dat de trend zich voortzet zolang de prijzen stabiel blijven, zeiden ambtenaren tegen verslaggevers.";
        assert!(!SampleWords::count(dutch).is_english_prose());
        assert!(
            !SampleWords::count("the the the").is_english_prose(),
            "too short to judge"
        );
    }

    #[test]
    fn ascii_prose_in_other_languages_goes_to_the_detector() {
        let dutch = "Het ministerie van Economische Zaken zei maandag dat de uitvoer van tarwe naar \
            de buurlanden in de eerste helft van het jaar sterk is gestegen. Volgens de minister \
            zal de groei ook in het tweede halfjaar doorgaan, zolang de prijzen op de wereldmarkt \
            stabiel blijven en de oogst goed is.";
        assert!(!SampleWords::count(dutch).too_little_prose());
        assert_eq!(detect(dutch), "nl");
        let indonesian = "Kementerian Perdagangan mengatakan pada hari Senin bahwa ekspor minyak \
            sawit ke negara tetangga naik tajam pada semester pertama tahun ini. Menteri \
            perdagangan menambahkan bahwa pemerintah akan terus mendorong ekspor produk pertanian \
            dan membuka pasar baru di Afrika dan Timur Tengah tahun depan.";
        assert_eq!(detect(indonesian), "id");
    }

    #[test]
    fn tables_and_short_items_in_ascii_are_english() {
        let table = "NEW YORK, March 3 - Shr loss 41 cts vs profit 35 cts\n    Net loss 2,130,000 \
            vs profit 1,790,000\n    Revs 44.2 mln vs 39.8 mln\n    Year\n    Shr loss 1.62 dlrs vs \
            profit 1.40 dlrs\n    Net loss 8,350,000 vs profit 7,210,000\n    Revs 170.1 mln vs \
            151.6 mln\n";
        assert!(SampleWords::count(table).too_little_prose());
        assert_eq!(detect(table), "en");
        let item = "ACME FOODS SAYS FIRST QUARTER SALES UP 12 PCT ON STRONG EXPORT DEMAND";
        assert_eq!(detect(item), "en");
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
