//! Word lists of the statement stage: speech verbs (from `data/speech_verbs.txt`), role words
//! (from `data/statement_roles.txt`) and the small closed classes of English function words
//! that bound a speaker phrase.

use foldhash::{HashMap, HashSet};
use std::sync::LazyLock;

/// What complement a speech verb takes (the sections of `speech_verbs.txt`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VerbClass {
    /// A verb of saying: a clause, a quote, or the content before the cue.
    Say,
    /// Counts only with a clause ("agreed that ...", not "agreed to ...").
    Clause,
    /// A speech act whose content may be a noun phrase or an infinitive.
    Act,
    /// A verb that names or characterizes: counts with quoted words or an "as" phrase.
    Name,
    /// A verb of thinking, knowing or showing ("thinks", "polls show"), with a clause: an
    /// attribution that is not speech.
    Thought,
    /// A verb of wanting or deciding ("wants to run"), with an infinitive or a clause: an
    /// attribution that is not speech.
    Intent,
}

impl VerbClass {
    /// Whether the verb reports speech or writing, or a stance that news reports as a
    /// statement ("hoped", "agreed"); false for thoughts, findings and intentions.
    pub fn is_speech(self) -> bool {
        !matches!(self, VerbClass::Thought | VerbClass::Intent)
    }
}

/// One inflected form of a speech verb.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VerbForm {
    /// The form's words, lower case ("pointed", "out").
    pub words: &'static [&'static str],
    /// Whether the form is the `-ing` participle ("saying").
    pub participle: bool,
    /// Whether the form is the base form ("say"), which is often a noun or an infinitive.
    pub base: bool,
    /// Whether the form is the third person singular ("says"), which may be a plural noun.
    pub third: bool,
    /// The verb's class.
    pub class: VerbClass,
}

/// Verb forms by their first word, longest first.
pub type VerbTable = HashMap<&'static str, Vec<VerbForm>>;

/// The forms of the speech sections of `speech_verbs.txt`: the cues of speech.
pub static SPEECH_VERBS: LazyLock<VerbTable> = LazyLock::new(|| load_verbs(false));

/// The forms of every section, thoughts and intentions included: the cues of every
/// attribution.
pub static ATTRIBUTION_VERBS: LazyLock<VerbTable> = LazyLock::new(|| load_verbs(true));

/// Reads `speech_verbs.txt`, with the sections of thought and intention or without them.
fn load_verbs(with_non_speech: bool) -> VerbTable {
    let mut map: VerbTable = HashMap::default();
    let mut class = VerbClass::Say;
    for line in include_str!("../data/speech_verbs.txt").lines() {
        let line = line.trim();
        match line {
            "" => continue,
            _ if line.starts_with('#') => continue,
            "[say]" => class = VerbClass::Say,
            "[clause]" => class = VerbClass::Clause,
            "[act]" => class = VerbClass::Act,
            "[name]" => class = VerbClass::Name,
            "[thought]" => class = VerbClass::Thought,
            "[intent]" => class = VerbClass::Intent,
            _ => {
                if !with_non_speech && !class.is_speech() {
                    continue;
                }
                for (i, form) in line.split('|').map(str::trim).enumerate() {
                    let words: Vec<&'static str> = form.split_whitespace().collect();
                    let Some(&first) = words.first() else {
                        continue;
                    };
                    let participle = first.ends_with("ing") && i > 0;
                    let entry = VerbForm {
                        words: Box::leak(words.into_boxed_slice()),
                        participle,
                        base: i == 0,
                        third: i == 1,
                        class,
                    };
                    let forms = map.entry(first).or_default();
                    if !forms.contains(&entry) {
                        forms.push(entry);
                    }
                }
            }
        }
    }
    for forms in map.values_mut() {
        forms.sort_by_key(|f| std::cmp::Reverse(f.words.len()));
    }
    map
}

/// "continue" as a verb of saying, which it is only next to a quotation ("She continued:
/// \"...\""); not listed in `speech_verbs.txt`, where every form is a cue anywhere.
pub fn continuing_form(word: &str) -> Option<VerbForm> {
    let words: &'static [&'static str] = match word {
        "continued" => &["continued"],
        "continues" => &["continues"],
        _ => return None,
    };
    Some(VerbForm {
        words,
        participle: false,
        base: false,
        third: word == "continues",
        class: VerbClass::Say,
    })
}

/// Role and title words, lower case.
pub static ROLE_WORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../data/statement_roles.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .flat_map(str::split_whitespace)
        .collect()
});

fn set(words: &'static str) -> HashSet<&'static str> {
    words.split_whitespace().collect()
}

/// Personal pronouns that can be a speaker.
pub static PRONOUNS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| set("he she they we i it you who"));

/// Articles and determiners.
pub static DETERMINERS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set(
        "a an the this these those his her its their our my your some many several \
         most other another each every both all no any such",
    )
});

/// Quantifiers and number words before a plural noun ("many reports", "eight states").
pub static QUANTIFIERS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set(
        "many few several more fewer most less numerous various multiple countless two three \
         four five six seven eight nine ten eleven twelve dozen dozens hundreds thousands \
         millions both all some",
    )
});

/// Negated forms of "be" and verbs of continuing that make an `-ing` cue finite ("isn't
/// saying", "keeps saying").
pub static PROGRESSIVE_AUXILIARIES: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set("isn't aren't wasn't weren't isn’t aren’t wasn’t weren’t keep keeps kept keeping")
});

/// Cardinal number words ("one in five").
pub static NUMBER_WORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set(
        "one two three four five six seven eight nine ten eleven twelve twenty thirty forty \
         fifty hundred",
    )
});

/// Words that make a number approximate ("about 4 in 10", "nearly half").
pub static APPROXIMATORS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set("about around approximately nearly almost roughly some just only over under fewer more")
});

/// Articles dropped from an unresolved speaker's name.
pub static ARTICLES: LazyLock<HashSet<&'static str>> = LazyLock::new(|| set("a an the"));

/// Words that may stand between a speaker and the cue: auxiliaries and adverbs
/// ("has also said", "have long complained").
pub static SKIPPABLE: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set(
        "also has have had will would could should may might can shall must further then \
         later again once repeatedly recently previously earlier already reportedly publicly \
         officially separately meanwhile long often frequently consistently still just \
         however too even did does do first last finally initially subsequently explicitly \
         openly privately strongly flatly firmly bluntly quickly immediately simply \
         specifically sharply angrily proudly confidently optimistically jointly personally \
         directly clearly only merely",
    )
});

/// Forms of "be" (a cue right after one is passive: "was said").
pub static BE: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| set("is are was were be been being am 's"));

/// Words that end a speaker phrase (looking away from the cue).
pub static STOP: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set(
        "and or but nor yet so because while when whereas although though if unless since \
         until after before as than that which who whom whose where why how what whether \
         with without in on at by into onto over under about against between through \
         during amid among toward towards upon via per across behind beyond near not no \
         is are was were be been being am has have had do does did will would could should \
         may might can shall must to there here it's meanwhile however also then",
    )
});

/// Prepositions allowed inside a speaker phrase ("a spokesman for the ministry").
pub static NP_PREPOSITIONS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| set("of for from at in"));

/// Third-person forms of cue verbs that news text uses mostly as plural nouns; they are cues
/// only before "that", a colon or a quotation, or at the end of the sentence.
pub static MOSTLY_NOUNS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set(
        "state states comments reports notes remarks advocates tweets promises pledges claims \
         protests reasons questions answers replies statements calls charges demands \
         warnings threats estimates predictions forecasts complaints requests appeals reason",
    )
});

/// Heads of plural subjects that do not end in -s ("police say", "61 percent say").
pub static PLURAL_HEADS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set(
        "police people women men children staff public media military clergy personnel crew \
         folks majority \
         minority percent % half third thirds quarter two-thirds three-quarters most many \
         few several some others both all",
    )
});

/// Words naming a time that a cue may take as an adjunct ("said Tuesday", "this month").
pub static TIME_NOUNS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set(
        "monday tuesday wednesday thursday friday saturday sunday yesterday today tonight \
         week weekend month year morning afternoon evening night spring summer fall autumn \
         winter quarter season",
    )
});

/// Third-person forms of cue verbs that are never plural nouns.
pub static NEVER_NOUNS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set(
        "says tells adds asks insists argues explains contends acknowledges admits concedes \
         believes thinks predicts writes declares announces suggests agrees recalls \
         complains urges denies",
    )
});

/// Possessive determiners ("in his statement").
pub static POSSESSIVE_DETERMINERS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| set("his her their its our my your"));

/// Auxiliaries and modals: a finite verb in a clause ("the plan would fail").
pub static AUXILIARIES: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set("has have had do does did will would could should may might can shall must")
});

/// Conjunctions that open a subordinate clause ("said Friday as he entered the talks").
pub static SUBORDINATORS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set(
        "as when while after before because since if unless until where whereas although \
         though once",
    )
});

/// Prepositions that open a phrase, not a clause, after a cue ("said to the TV", "said of
/// the plan").
pub static CLAUSE_LESS_PREPOSITIONS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| set("to of with without about for by into at in on"));

/// Nouns naming the medium of a statement, in "in a statement", "in an interview", "during
/// a news conference".
pub static MEDIA_NOUNS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set(
        "statement statements interview interviews letter letters speech speeches email \
         e-mail emails tweet tweets post posts posting message messages memo memorandum \
         briefing briefings conference call op-ed editorial column essay filing filings \
         ruling opinion decision testimony hearing address remarks appearance podcast \
         broadcast video videos documentary book memoir release announcement communique \
         communiqué report speech declaration debate town forum rally",
    )
});

/// Listeners named after "told" that are not part of the content ("told reporters").
pub static AUDIENCES: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set(
        "reporters journalists correspondents press media newsmen parliament lawmakers \
         legislators congress senate audience crowd delegates participants students supporters \
         conference briefing forum meeting summit symposium seminar gathering rally session \
         interview newspaper daily agency television radio xinhua reuters ap afp bloomberg \
         cnn bbc kyodo tass itar-tass yonhap antara bernama nhk upi dpa efe ansa press-trust \
         him her them us me",
    )
});

/// Time and place adjuncts that may follow a cue ("said on Friday", "said here").
pub static ADJUNCT_STARTS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set(
        "on in at during after before while when as from yesterday today tonight \
         here there monday tuesday wednesday thursday friday saturday sunday last earlier \
         later recently late early this next through via over according outside inside \
         afterwards then again also aboard amid amidst among alongside behind beside near \
         throughout within atop despite upon",
    )
});

/// Forms of "write", whose bare noun object is a thing written ("wrote a profile of her",
/// "wrote off the loans"), not words: their content after the cue must be a clause or a quote.
pub static WRITE_FORMS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| set("write writes wrote writing written"));

/// Forms of "add", which also puts a thing somewhere ("added a name to the list", "added to
/// the woes"): then there is no content after the cue.
pub static ADD_FORMS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| set("add adds added adding"));

/// Conjunctions that join a second cue to the first speaker ("said ... but acknowledged").
pub static COORDINATORS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| set("and but"));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexicons_load() {
        let said = SPEECH_VERBS.get("said").and_then(|f| f.first());
        assert!(said.is_some_and(|f| f.class == VerbClass::Say && !f.participle));
        let saying = SPEECH_VERBS.get("saying").and_then(|f| f.first());
        assert!(saying.is_some_and(|f| f.participle));
        let pointed = SPEECH_VERBS.get("pointed").and_then(|f| f.first());
        assert_eq!(pointed.map(|f| f.words), Some(&["pointed", "out"][..]));
        assert!(SPEECH_VERBS.get("told").is_some());
        assert!(SPEECH_VERBS.len() > 300);
        assert!(SPEECH_VERBS.get("wants").is_none());
        let wants = ATTRIBUTION_VERBS.get("wants").and_then(|f| f.first());
        assert!(wants.is_some_and(|f| f.class == VerbClass::Intent && !f.class.is_speech()));
        let thinks = ATTRIBUTION_VERBS.get("thinks").and_then(|f| f.first());
        assert!(thinks.is_some_and(|f| f.class == VerbClass::Thought && f.third));
    }

    #[test]
    fn no_word_is_both_speech_and_thought() {
        for (word, forms) in ATTRIBUTION_VERBS.iter() {
            let speech = forms.iter().filter(|f| f.class.is_speech()).count();
            assert!(
                speech == 0 || speech == forms.len(),
                "{word:?} is in two kinds of section"
            );
        }
        assert!(ROLE_WORDS.contains("spokesman"));
        assert!(ROLE_WORDS.contains("president"));
    }
}
