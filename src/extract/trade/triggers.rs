//! Trigger words: which kinds of trade fact a clause may assert, where, and which of them it
//! asserts first. Works on the clause's lowercased words; words inside organization names are
//! blanked by the caller (an organization named for tariffs imposes none).

use std::sync::LazyLock;

use foldhash::HashSet;

use crate::api::v1::TradeFactKind;
use crate::extract::case::Lowercase;

/// The trigger of a kind: its word index and whether it is an agent noun ("exporter").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trigger {
    /// The kind the word signals.
    pub kind: TradeFactKind,
    /// Index of the trigger word in the clause.
    pub word: usize,
    /// "exporter", "importer": the flow is a ranking of one economy, one fact per noun.
    pub agent: bool,
}

fn starts_with_any(word: &str, stems: &[&str]) -> bool {
    stems.iter().any(|s| word.starts_with(s))
}

fn ordinal(word: &str) -> Option<i32> {
    match word {
        "second" | "second-largest" | "second-biggest" | "no.2" => Some(2),
        "third" | "third-largest" | "third-biggest" | "no.3" => Some(3),
        "fourth" | "fourth-largest" | "fourth-biggest" => Some(4),
        "fifth" | "fifth-largest" | "fifth-biggest" => Some(5),
        _ => None,
    }
}

/// Rank of "largest", "second-biggest", "top", "third largest" before "partner".
pub fn rank_before(lower: &[Lowercase<'_>], partner: usize) -> Option<i32> {
    let from = partner.saturating_sub(4);
    let window = lower.get(from..partner)?;
    if let Some(rank) = window.iter().find_map(|w| ordinal(w)) {
        return Some(rank);
    }
    if let Some(i) = window.iter().position(|w| w == "top") {
        let n = window.get(i + 1).map(Lowercase::as_str);
        return Some(match n {
            Some("two") => 2,
            Some("three") => 3,
            Some("five") => 5,
            Some("ten") => 10,
            _ => 1,
        });
    }
    window
        .iter()
        .any(|w| {
            matches!(
                w.as_str(),
                "largest" | "biggest" | "leading" | "main" | "major" | "top" | "no.1" | "first"
            )
        })
        .then_some(1)
}

/// Rank of an agent noun: only a superlative or an ordinal ranks ("the largest exporter",
/// "the third biggest importer"); "a major exporter" does not.
pub fn agent_rank(lower: &[Lowercase<'_>], noun: usize) -> i32 {
    let from = noun.saturating_sub(4);
    let window = lower.get(from..noun).unwrap_or_default();
    if let Some(rank) = window.iter().find_map(|w| ordinal(w)) {
        return rank;
    }
    let superlative = window
        .iter()
        .any(|w| matches!(w.as_str(), "largest" | "biggest" | "top" | "no.1"));
    i32::from(superlative)
}

/// Words for trade itself.
const TRADE_WORDS: &[&str] = &["trade", "trading", "commercial"];

fn is_trade(w: &str) -> bool {
    TRADE_WORDS.contains(&w)
}

fn is_flow_noun(w: &str) -> bool {
    starts_with_any(w, &["export", "import"]) || matches!(w, "trade" | "shipments" | "goods")
}

/// Words that make an agreement something other than an economic one.
fn non_economic(w: &str) -> bool {
    matches!(
        w,
        "peace"
            | "military"
            | "defense"
            | "defence"
            | "ceasefire"
            | "cease-fire"
            | "truce"
            | "forces"
            | "troops"
            | "nuclear"
            | "security"
            | "extradition"
    )
}

/// "the trade balance", "an export balance", "trade imbalance", "a surplus with Japan".
fn balance_trigger(lower: &[Lowercase<'_>]) -> Option<usize> {
    // A balance is a trade balance only when the clause says so: current-account, payments,
    // capital-account and budget balances are not.
    let other_balance = lower.windows(2).any(|w| {
        matches!(
            (w[0].as_str(), w[1].as_str()),
            ("current", "account") | ("capital", "account") | ("of", "payments")
        )
    }) || lower
        .iter()
        .any(|w| matches!(w.as_str(), "budget" | "fiscal" | "payments" | "omissions"));
    if other_balance {
        return None;
    }
    let says_trade = lower.iter().any(|w| {
        matches!(
            w.as_str(),
            "trade" | "merchandise" | "goods" | "exports" | "imports"
        )
    });
    let surplus = lower.iter().enumerate().position(|(i, w)| {
        let trade_imbalance =
            matches!(w.as_str(), "imbalance" | "imbalances") && i > 0 && is_trade(&lower[i - 1]);
        trade_imbalance || matches!(w.as_str(), "surplus" | "surpluses" | "deficit" | "deficits")
    });
    if let Some(at) = surplus {
        // "a 3 billion dlr surplus with Brazil" is a trade balance too.
        let with_partner = lower
            .get(at + 1..(at + 3).min(lower.len()))
            .is_some_and(|next| next.iter().any(|w| w == "with"));
        if says_trade || with_partner {
            return Some(at);
        }
    }
    // "Chile exporting 2 billion more goods than Peru"; "more than 20 kinds" is an amount.
    let more_than = lower.iter().enumerate().position(|(i, w)| {
        if !w.starts_with("export") {
            return false;
        }
        let more = lower
            .get(i + 1..(i + 6).min(lower.len()))
            .and_then(|next| next.iter().position(|n| n == "more"))
            .map(|m| i + 1 + m);
        more.is_some_and(|m| {
            lower
                .get(m + 2..(m + 5).min(lower.len()))
                .is_some_and(|next| next.iter().any(|n| n == "than"))
        })
    });
    if more_than.is_some() {
        return more_than;
    }
    // "trade is lopsided in Korea's favour".
    let lopsided = lower.iter().position(|w| w == "lopsided");
    if says_trade && lopsided.is_some() {
        return lopsided;
    }
    lower.iter().enumerate().position(|(i, w)| {
        w == "balance"
            && i > 0
            && matches!(
                lower[i - 1].as_str(),
                "trade" | "export" | "merchandise" | "lopsided"
            )
    })
}

/// Nouns and verbs of trade measures: "tariffs", "a ban", "anti-dumping", "retaliated".
const MEASURE_NOUNS: &[&str] = &[
    "tariff",
    "tariffs",
    "tariff-free",
    "zero-tariff",
    "quota",
    "quotas",
    "ban",
    "bans",
    "banned",
    "banning",
    "sanction",
    "sanctions",
    "embargo",
    "embargoes",
    "boycott",
    "boycotts",
    "anti-dumping",
    "antidumping",
    "countervailing",
    "levy",
    "levies",
    "duties",
    "safeguard",
    "safeguards",
    "retaliation",
    "retaliate",
    "retaliated",
    "retaliatory",
];

fn is_measure_noun(w: &str) -> bool {
    MEASURE_NOUNS.contains(&w)
}

/// A ban, boycott, quota or embargo is a trade measure only when it bears on trade: goods, a
/// flow or a target ("a ban on poultry imports", not "a banned group" or "a production quota").
pub fn needs_an_object(word: &str) -> bool {
    starts_with_any(word, &["ban", "boycott", "quota", "embargo", "safeguard"])
}

/// Whether a clause names a flow of goods ("imports", "trade", "shipments", "products").
pub fn names_a_flow(lower: &[Lowercase<'_>]) -> bool {
    lower
        .iter()
        .any(|w| is_flow_noun(w) || matches!(w.as_str(), "products" | "sales" | "purchases"))
}

/// Words that restrict a flow when a flow noun stands near them: "import tax", "bar imports".
const FLOW_RESTRICTIONS: &[&str] = &[
    "tax",
    "taxes",
    "duty",
    "controls",
    "controlled",
    "curbs",
    "curb",
    "restrictions",
    "restriction",
    "restrict",
    "restricted",
    "limit",
    "limits",
    "bar",
    "barred",
    "halt",
    "halted",
    "suspend",
    "suspended",
    "sever",
    "severed",
    "stop",
    "stopped",
];

/// A word that restricts a flow when a flow noun stands within two words of it: "import
/// tax", "export controls", "curbs on imports", "bar imports", "halt all trade".
fn is_flow_restriction(w: &str) -> bool {
    FLOW_RESTRICTIONS.contains(&w)
}

fn measure_trigger(lower: &[Lowercase<'_>]) -> Option<usize> {
    // "a pact covering areas including tariffs and services": a topic in a list.
    let listed = |i: usize| {
        lower
            .get(i.saturating_sub(2)..i)
            .is_some_and(|b| b.iter().any(|w| w == "including"))
    };
    let noun = lower
        .iter()
        .enumerate()
        .position(|(i, w)| is_measure_noun(w) && !listed(i));
    let restriction = lower.iter().enumerate().position(|(i, w)| {
        // "the limit on yearly growth in shoe and garment exports" reaches further.
        let reach = if matches!(w.as_str(), "limit" | "limits") {
            11
        } else {
            4
        };
        is_flow_restriction(w)
            && lower
                .get(i.saturating_sub(2)..(i + reach).min(lower.len()))
                .is_some_and(|near| near.iter().any(|n| is_flow_noun(n)))
    });
    match (noun, restriction) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Nouns of agreements: "deal", "memorandum", "FTA".
const AGREEMENT_NOUNS: &[&str] = &[
    "agreement",
    "agreements",
    "deal",
    "deals",
    "memorandum",
    "mou",
    "accord",
    "accords",
    "pact",
    "pacts",
    "treaty",
    "treaties",
    "fta",
    "contract",
    "contracts",
];

fn is_agreement_noun(w: &str) -> bool {
    AGREEMENT_NOUNS.contains(&w)
}

fn agreement_trigger(lower: &[Lowercase<'_>]) -> Option<usize> {
    if lower.iter().any(|w| non_economic(w)) {
        return None;
    }
    let noun = lower.iter().position(|w| is_agreement_noun(w));
    let verb = lower.iter().position(|w| {
        !is_agreement_noun(w)
            && starts_with_any(
                w,
                &[
                    "sign", "agree", "negotiat", "conclud", "ratif", "reach", "clinch", "seal",
                    "inked", "extended", "renewed", "seek", "sought",
                ],
            )
    });
    if noun.is_some() && verb.is_some() {
        return noun;
    }
    if let Some(v) = verb.filter(|&v| lower[v].starts_with("agree")) {
        let about_trade = lower.iter().any(|w| is_trade(w) || w == "economic");
        return about_trade.then_some(v);
    }
    lower
        .windows(3)
        .position(|w| w[0] == "free" && w[1] == "trade" && matches!(w[2].as_str(), "area" | "zone"))
}

/// Words of investment made: "investment", "invested", "FDI".
const INVESTMENT_WORDS: &[&str] = &[
    "investment",
    "investments",
    "invested",
    "invests",
    "investing",
    "fdi",
];

fn is_investment_word(w: &str) -> bool {
    INVESTMENT_WORDS.contains(&w)
}

/// "investment" as a fact, not as an aim ("to promote investment") or an item of a list of
/// fields of cooperation ("cooperation in trade, investment and tourism").
fn investment_trigger(lower: &[Lowercase<'_>]) -> Option<usize> {
    // "investors" and the bare verb ("money to invest") name no investment made.
    let at = lower.iter().position(|w| is_investment_word(w))?;
    let before = lower.get(at.saturating_sub(3)..at).unwrap_or_default();
    let aim = before.iter().any(|w| {
        starts_with_any(
            w,
            &["promot", "attract", "boost", "encourag", "welcom", "seek"],
        )
    });
    let listed = at > 0
        && matches!(lower[at - 1].as_str(), "," | "and")
        && before.iter().any(|w| is_trade(w));
    (!aim && !listed).then_some(at)
}

/// "access to the Indian market", "entered the Korean market", "allow more Thai exports",
/// "opened its market to".
fn access_trigger(lower: &[Lowercase<'_>]) -> Option<usize> {
    let market_ahead = |i: usize| {
        lower
            .get(i + 1..(i + 5).min(lower.len()))
            .is_some_and(|next| {
                next.iter()
                    .any(|w| matches!(w.as_str(), "market" | "markets" | "exports" | "imports"))
            })
    };
    lower.iter().enumerate().position(|(i, w)| {
        let next = lower.get(i + 1).map_or("", Lowercase::as_str);
        (w == "registered" && next == "on")
            || (w == "market" && next == "access")
            || (w == "access" && next == "to" && market_ahead(i))
            || (starts_with_any(w, &["enter", "allow", "open"]) && market_ahead(i))
    })
}

/// Agent nouns of exports ("the largest exporter").
const EXPORT_AGENTS: &[&str] = &["exporter", "exporters", "supplier", "suppliers"];

/// Agent nouns of imports ("the second biggest buyer").
const IMPORT_AGENTS: &[&str] = &["importer", "importers", "buyer", "buyers"];

/// The flow an agent noun ranks an economy in ("the largest exporter").
fn agent_kind(w: &str) -> Option<TradeFactKind> {
    if EXPORT_AGENTS.contains(&w) {
        Some(TradeFactKind::Export)
    } else if IMPORT_AGENTS.contains(&w) {
        Some(TradeFactKind::Import)
    } else {
        None
    }
}

fn agent_triggers(lower: &[Lowercase<'_>], found: &mut Vec<Trigger>) {
    for (word, w) in lower.iter().enumerate() {
        let Some(kind) = agent_kind(w) else {
            continue;
        };
        if agent_rank(lower, word) > 0 {
            found.push(Trigger {
                kind,
                word,
                agent: true,
            });
        }
    }
}

fn bilateral_trigger(lower: &[Lowercase<'_>]) -> Option<usize> {
    // "ways to boost trade", "discussed bilateral trade": an aim or a topic, not a fact.
    if lower.iter().any(|w| w.starts_with("discuss")) {
        return None;
    }
    // "trade bill", "trade practices": a compound about trade, not its volume.
    let compound = |i: usize| {
        lower.get(i + 1).is_some_and(|n| {
            matches!(
                n.as_str(),
                "practices"
                    | "policy"
                    | "policies"
                    | "bill"
                    | "law"
                    | "laws"
                    | "minister"
                    | "ministers"
                    | "ministry"
                    | "talks"
                    | "official"
                    | "officials"
                    | "representative"
                    | "dispute"
                    | "disputes"
                    | "friction"
                    | "war"
                    | "barriers"
                    | "issues"
                    | "negotiations"
                    | "deficit"
                    | "surplus"
                    | "fair"
                    | "mission"
                    | "delegation"
                    | "network"
                    | "networks"
                    | "center"
                    | "centre"
                    | "zone"
                    | "show"
                    | "union"
                    | "unions"
                    | "body"
                    | "bodies"
                    | "sanctions"
                    | "agreement"
                    | "deal"
                    | "pact"
            )
        })
    };
    let at = lower.iter().enumerate().position(|(i, w)| {
        is_trade(w)
            && !compound(i)
            && (lower.get(i + 1).is_some_and(|n| {
                matches!(
                    n.as_str(),
                    "between"
                        | "volume"
                        | "ties"
                        | "relations"
                        | "cooperation"
                        | "with"
                        | "is"
                        | "has"
                        | "have"
                        | "grew"
                        | "rose"
                        | "fell"
                        | "tops"
                        | "topped"
                        | "amounted"
                        | "reached"
                        | "stood"
                        | "totalled"
                        | "totaled"
                )
            }) || i > 0
                && matches!(
                    lower[i - 1].as_str(),
                    "bilateral" | "two-way" | "and" | "total" | "external" | "foreign"
                ))
    })?;
    // "promoting trade with", "to boost trade between": an aim.
    let before = lower.get(at.saturating_sub(3)..at).unwrap_or_default();
    let aim = before.iter().any(|w| is_aim_verb(w)) || aim_before(lower, at);
    (!aim).then_some(at)
}

fn is_aim_verb(w: &str) -> bool {
    starts_with_any(
        w,
        &[
            "boost",
            "expand",
            "promot",
            "increas",
            "enhanc",
            "develop",
            "strengthen",
            "balanc",
            "improv",
            "facilitat",
            "deepen",
            "reduc",
            "cut",
            "narrow",
            "correct",
            "trim",
            "curb",
        ],
    )
}

/// "to cut its trade surplus", "hope to boost exports": "to" and a verb of aim in the four
/// words before the trigger.
fn aim_before(lower: &[Lowercase<'_>], trigger: usize) -> bool {
    lower
        .get(trigger.saturating_sub(4)..trigger)
        .unwrap_or_default()
        .windows(2)
        .any(|w| w[0] == "to" && is_aim_verb(&w[1]))
}

/// The beginnings of words that may be triggers, whatever follows ("exports", "agreed").
const TRIGGER_STEMS: &[&str] = &["export", "import", "agree", "enter", "allow", "open"];

/// Other words triggers are found at: partner rank, balance, agreement ("free trade area"),
/// market access, flows.
const OTHER_TRIGGER_WORDS: &[&str] = &[
    "partner",
    "partners",
    "surplus",
    "surpluses",
    "deficit",
    "deficits",
    "imbalance",
    "imbalances",
    "lopsided",
    "balance",
    "free",
    "registered",
    "market",
    "access",
    "shipments",
    "shipped",
    "supplied",
    "purchases",
    "bought",
];

/// Every whole word some trigger may be found at (besides the words [`TRIGGER_STEMS`] begin).
static TRIGGER_WORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    [
        TRADE_WORDS,
        MEASURE_NOUNS,
        FLOW_RESTRICTIONS,
        AGREEMENT_NOUNS,
        INVESTMENT_WORDS,
        EXPORT_AGENTS,
        IMPORT_AGENTS,
        OTHER_TRIGGER_WORDS,
    ]
    .into_iter()
    .flatten()
    .copied()
    .collect()
});

/// Whether some trigger may be found at word `w`. Each trigger below is found at a word of
/// this kind (the word it returns), so a clause with none has no trigger; most clauses have
/// none, and one pass of this test costs far less than all the trigger searches. Keep
/// [`TRIGGER_WORDS`] and [`TRIGGER_STEMS`] in step with them.
fn may_trigger(w: &str) -> bool {
    begins_like_a_trigger(w.as_bytes())
        && (starts_with_any(w, TRIGGER_STEMS) || TRIGGER_WORDS.contains(w))
}

/// Whether lower-case `word` begins with the two letters of some trigger word, stem or
/// hyphenated head ([`TRIGGER_BEGINNINGS`]): a test of a few instructions that turns most
/// words away.
fn begins_like_a_trigger(word: &[u8]) -> bool {
    match word {
        [first @ b'a'..=b'z', second @ b'a'..=b'z', ..] => {
            TRIGGER_BEGINNINGS[usize::from(first - b'a')] & (1 << (second - b'a')) != 0
        }
        _ => false,
    }
}

/// Hyphenated words [`may_trigger`] accepts with no trigger word on either side of the
/// hyphen, by their first run of letters ("anti-dumping").
const HYPHENATED_TRIGGER_HEADS: [&str; 1] = ["anti"];

/// Runs of letters longer than this can only pass [`may_trigger`] by a stem, which their
/// first letters decide.
const LONGEST_TRIGGER_WORD: usize = 16;

/// Whether the clause text may hold a trigger: some run of letters in it, lowercased, passes
/// [`may_trigger`] or begins a hyphenated trigger word. Every word [`super::words::words`]
/// makes of letters is made of such runs (a word starts at a letter, and a run of letters
/// ends only at another character), and [`may_trigger`] tests whole words or their
/// beginnings, so a clause without one has no trigger. It reads the bytes of the text, which
/// costs far less than splitting the clause into words first.
pub fn may_have_trigger(clause: &str) -> bool {
    let bytes = clause.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        if !bytes[at].is_ascii() {
            // Letters outside ASCII: too rare in English news to be worth a fast path.
            return any_run_may_trigger(clause.get(at..));
        }
        if !bytes[at].is_ascii_alphabetic() {
            at += 1;
            continue;
        }
        let start = at;
        while at < bytes.len() && bytes[at].is_ascii_alphabetic() {
            at += 1;
        }
        if at < bytes.len() && !bytes[at].is_ascii() {
            // The run may go on in letters outside ASCII.
            return any_run_may_trigger(clause.get(start..));
        }
        if run_may_trigger(&clause[start..at]) {
            return true;
        }
    }
    false
}

/// [`may_have_trigger`] the slow way, run by run of letters (any letters, not only ASCII).
fn any_run_may_trigger(text: Option<&str>) -> bool {
    text.is_some_and(|rest| {
        rest.split(|c: char| !c.is_alphabetic())
            .any(run_may_trigger)
    })
}

/// The two-letter beginnings of the trigger words, stems and hyphenated heads: bit `second`
/// of entry `first` (letters counted from `a`). Every one of them begins with two lower-case
/// ASCII letters (a test checks), so a run of letters that begins otherwise is no trigger.
static TRIGGER_BEGINNINGS: LazyLock<[u32; 26]> = LazyLock::new(|| {
    let mut beginnings = [0u32; 26];
    let every = TRIGGER_WORDS
        .iter()
        .chain(TRIGGER_STEMS)
        .chain(&HYPHENATED_TRIGGER_HEADS);
    for word in every {
        if let [first @ b'a'..=b'z', second @ b'a'..=b'z', ..] = word.as_bytes() {
            beginnings[usize::from(first - b'a')] |= 1 << (second - b'a');
        }
    }
    beginnings
});

/// Whether a run of letters, in any case, passes [`may_trigger`] or begins a hyphenated
/// trigger word. Most runs are turned away by their first two letters.
fn run_may_trigger(run: &str) -> bool {
    let [first, second, third, ..] = run.as_bytes() else {
        // The shortest trigger word has three letters.
        return false;
    };
    let beginning = [first.to_ascii_lowercase(), second.to_ascii_lowercase()];
    if !(third.is_ascii() && begins_like_a_trigger(&beginning)) {
        return false;
    }
    let end = crate::extract::offsets::prefix_end(run, LONGEST_TRIGGER_WORD);
    let mut buffer = [0u8; 4 * LONGEST_TRIGGER_WORD];
    let Some(slot) = buffer.get_mut(..end) else {
        return true;
    };
    slot.copy_from_slice(&run.as_bytes()[..end]);
    slot.make_ascii_lowercase();
    let Ok(lower) = std::str::from_utf8(slot) else {
        return true;
    };
    if end < run.len() {
        return starts_with_any(lower, TRIGGER_STEMS);
    }
    may_trigger(lower) || HYPHENATED_TRIGGER_HEADS.contains(&lower)
}

/// Every trigger in the clause, in text order.
pub fn triggers(lower: &[Lowercase<'_>]) -> Vec<Trigger> {
    if lower.iter().any(|w| may_trigger(w)) {
        every_trigger(lower)
    } else {
        Vec::new()
    }
}

/// Every trigger in the clause, in text order, without the [`may_trigger`] shortcut.
fn every_trigger(lower: &[Lowercase<'_>]) -> Vec<Trigger> {
    let mut found = Vec::new();
    let mut push = |kind, at: Option<usize>| {
        if let Some(word) = at {
            found.push(Trigger {
                kind,
                word,
                agent: false,
            });
        }
    };
    if let Some(p) = lower
        .iter()
        .position(|w| matches!(w.as_str(), "partner" | "partners"))
    {
        let trade_before = lower[p.saturating_sub(3)..p].iter().any(|w| is_trade(w));
        if trade_before && rank_before(lower, p).is_some() {
            push(TradeFactKind::PartnerRank, Some(p));
        }
    }
    push(TradeFactKind::TradeBalance, balance_trigger(lower));
    push(TradeFactKind::TradeMeasure, measure_trigger(lower));
    push(TradeFactKind::Agreement, agreement_trigger(lower));
    push(TradeFactKind::Investment, investment_trigger(lower));
    push(TradeFactKind::MarketAccess, access_trigger(lower));
    let is_agent = |w: &str| {
        matches!(
            w,
            "exporter" | "exporters" | "importer" | "importers" | "supplier" | "suppliers"
        )
    };
    push(
        TradeFactKind::Export,
        lower.iter().position(|w| {
            !is_agent(w)
                && (w.starts_with("export")
                    || matches!(w.as_str(), "shipments" | "shipped" | "supplied"))
        }),
    );
    push(
        TradeFactKind::Import,
        lower.iter().position(|w| {
            !is_agent(w)
                && !w.starts_with("importan")
                && (w.starts_with("import") || matches!(w.as_str(), "purchases" | "bought"))
        }),
    );
    push(TradeFactKind::BilateralTrade, bilateral_trigger(lower));
    agent_triggers(lower, &mut found);
    found.sort_by_key(|t| t.word);
    found
}

const PRIORITY: [TradeFactKind; 9] = [
    TradeFactKind::PartnerRank,
    TradeFactKind::TradeBalance,
    TradeFactKind::TradeMeasure,
    TradeFactKind::Agreement,
    TradeFactKind::MarketAccess,
    TradeFactKind::Investment,
    TradeFactKind::Export,
    TradeFactKind::Import,
    TradeFactKind::BilateralTrade,
];

fn is_flow(kind: TradeFactKind) -> bool {
    matches!(kind, TradeFactKind::Export | TradeFactKind::Import)
}

/// The readings of a clause, most specific first. Each reading is a list of facts: one fact
/// per clause, except a clause that states both an export and an import, or ranks several
/// exporters or importers. The caller takes the first reading that yields a fact.
pub fn choose(mut found: Vec<Trigger>) -> Vec<Vec<Trigger>> {
    let agents: Vec<Trigger> = found.iter().copied().filter(|t| t.agent).collect();
    found.retain(|t| !t.agent);
    found.sort_by_key(|t| {
        PRIORITY
            .iter()
            .position(|k| *k == t.kind)
            .unwrap_or(PRIORITY.len())
    });
    let mut readings = Vec::new();
    if !agents.is_empty() {
        readings.push(agents);
    }
    let mut flows_done = false;
    for (i, t) in found.iter().enumerate() {
        if !is_flow(t.kind) {
            readings.push(vec![*t]);
        } else if !flows_done {
            flows_done = true;
            let mut reading = vec![*t];
            reading.extend(
                found[i + 1..]
                    .iter()
                    .copied()
                    .find(|o| is_flow(o.kind) && o.kind != t.kind),
            );
            readings.push(reading);
        }
    }
    readings
}

/// A plea or a refusal anywhere before the trigger: "urged Korea to allow imports", "called
/// on the president to retaliate", "ruled out sanctions".
fn pleaded_or_ruled_out(lower: &[Lowercase<'_>], trigger: usize) -> bool {
    let before = lower.get(..trigger).unwrap_or_default();
    // "At the urging of farmers, the committee voted to bar imports" reports a decision.
    let plea = before
        .iter()
        .enumerate()
        .any(|(i, w)| w.starts_with("urg") && !(i > 0 && before[i - 1] == "the"));
    plea || before.windows(2).any(|w| {
        matches!(
            (w[0].as_str(), w[1].as_str()),
            ("called", "on")
                | ("calls", "on")
                | ("rule", "out")
                | ("rules", "out")
                | ("ruled", "out")
        )
    })
}

/// "the outlook for coal exports", "forecasts of a deficit": a forecast in the eight words
/// before the trigger.
fn forecast(lower: &[Lowercase<'_>], trigger: usize) -> bool {
    lower
        .get(trigger.saturating_sub(8)..trigger)
        .unwrap_or_default()
        .iter()
        .any(|w| {
            matches!(
                w.as_str(),
                "outlook" | "forecast" | "forecasts" | "expectations"
            )
        })
}

/// A modal or a forecast right after the trigger: "exports are expected to", "the retaliation
/// could be".
fn modal_after(lower: &[Lowercase<'_>], trigger: usize) -> bool {
    let end = (trigger + 4).min(lower.len());
    lower
        .get(trigger + 1..end)
        .unwrap_or_default()
        .iter()
        .any(|w| {
            matches!(
                w.as_str(),
                "expected" | "forecast" | "projected" | "could" | "would" | "might" | "may"
            )
        })
}

/// Whether the clause does not assert the fact of `kind` at `trigger`: a negation, a
/// condition, a modal, an aim or a plea around it. A measure under threat or consideration is
/// still a measure (its status says so).
pub fn not_asserted(lower: &[Lowercase<'_>], trigger: usize, kind: TradeFactKind) -> bool {
    let measure = kind == TradeFactKind::TradeMeasure;
    let threat = lower
        .iter()
        .any(|w| w.starts_with("threat") || (measure && w.starts_with("consider")));
    if pleaded_or_ruled_out(lower, trigger)
        || modal_after(lower, trigger)
        || forecast(lower, trigger)
    {
        return true;
    }
    // "agreed to cut import tariffs" is a measure; "to cut its trade surplus" is an aim.
    if !measure && aim_before(lower, trigger) {
        return true;
    }
    negated_or_hypothetical(lower, trigger) && !(measure && threat)
}

/// A negation, a condition, a modal or a plea in the five words before the trigger.
pub fn negated_or_hypothetical(lower: &[Lowercase<'_>], trigger: usize) -> bool {
    let from = trigger.saturating_sub(5);
    lower
        .get(from..trigger)
        .unwrap_or_default()
        .iter()
        .any(|w| {
            matches!(
                w.as_str(),
                "not"
                    | "never"
                    | "no"
                    | "cannot"
                    | "won't"
                    | "didn't"
                    | "doesn't"
                    | "without"
                    | "if"
                    | "would"
                    | "could"
                    | "might"
                    | "should"
                    | "can"
                    | "may"
                    | "try"
                    | "trying"
                    | "consider"
                    | "considering"
                    | "outlook"
                    | "forecast"
                    | "forego"
                    | "forgo"
                    | "urge"
                    | "urged"
                    | "urges"
                    | "urging"
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lower(s: &str) -> Vec<Lowercase<'_>> {
        s.split_whitespace().map(Lowercase::ascii).collect()
    }

    fn kinds(s: &str) -> Vec<TradeFactKind> {
        triggers(&lower(s)).into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn every_trigger_is_at_a_word_that_may_trigger() {
        for clause in [
            "china is the largest trading partner of peru",
            "japan ran a 5 billion dlr surplus with the united states",
            "the trade imbalance in japan's favour is lopsided",
            "chile exporting 2 billion more goods than peru",
            "the trade balance improved",
            "the country will levy an import tax of 20 pct",
            "it promised to halt all trade with them",
            "a ban on poultry imports and new tariffs",
            "the two sides signed a trade agreement",
            "they agreed to expand economic ties",
            "a free trade area with asean",
            "investment in the mine rose to 5 billion",
            "india will allow more thai exports",
            "market access for american beef",
            "the firm registered on the exchange",
            "exports of soybeans rose as shipments of corn fell",
            "china bought 2 million tonnes of wheat",
            "it is the world's largest exporter and second biggest buyer",
            "bilateral trade between the two grew",
        ] {
            let words = lower(clause);
            for t in every_trigger(&words) {
                assert!(may_trigger(&words[t.word]), "{clause:?}: {t:?}");
            }
        }
    }

    #[test]
    fn every_trigger_word_begins_with_two_lower_case_letters() {
        let every = TRIGGER_WORDS
            .iter()
            .chain(TRIGGER_STEMS)
            .chain(&HYPHENATED_TRIGGER_HEADS);
        for word in every {
            assert!(
                matches!(word.as_bytes(), [b'a'..=b'z', b'a'..=b'z', ..]),
                "{word:?}"
            );
            assert!(word.split('-').any(run_may_trigger), "{word:?}");
        }
    }

    #[test]
    fn a_clause_with_a_trigger_may_have_one() {
        for clause in [
            "China is the largest trading partner of Peru",
            "Brussels imposed anti-dumping duties on steel",
            "the two sides agreed on zero-tariff treatment",
            "EXPORTS OF SOYBEANS ROSE 12 PCT",
            "la exportación de soja creció",
            "the country's 5 billion dlr trade surplus",
            "a memorandum of understanding on investments",
            "U.S.-bound shipments fell",
        ] {
            let words = super::super::words::words(clause, 0..clause.len());
            let lower: Vec<Lowercase<'_>> = words.iter().map(|w| w.lowercase()).collect();
            let found = every_trigger(&lower);
            assert!(
                lower.iter().any(|w| may_trigger(w)) || found.is_empty(),
                "{clause:?}"
            );
            assert!(may_have_trigger(clause), "{clause:?}");
        }
        for clause in [
            "the company said net profit rose to 5.2 mln dlrs",
            "Prime Minister Ana Costa met the president on Tuesday",
            "shares closed 12 cts lower in heavy volume",
        ] {
            assert!(!may_have_trigger(clause), "{clause:?}");
        }
    }

    #[test]
    fn market_access_needs_a_market() {
        assert_eq!(
            kinds("india will allow more thai exports"),
            [TradeFactKind::MarketAccess, TradeFactKind::Export]
        );
        assert!(kinds("villagers gained access to mobile services").is_empty());
    }

    #[test]
    fn the_noun_agreement_is_not_the_verb_agree() {
        assert!(kinds("under the agreement , buyers can pay by card").is_empty());
        assert_eq!(
            kinds("the two sides signed a trade agreement"),
            [TradeFactKind::Agreement]
        );
        assert!(kinds("the two sides signed a peace agreement").is_empty());
    }

    #[test]
    fn investigations_and_aims_are_not_investment() {
        assert!(kinds("officials will investigate the firms").is_empty());
        assert!(kinds("foreign investors lost money").is_empty());
        assert!(kinds("a forum to promote investment in cars").is_empty());
        assert_eq!(
            kinds("investment in the mine rose to 5 billion"),
            [TradeFactKind::Investment]
        );
    }

    #[test]
    fn agent_nouns_rank() {
        let l = lower("brazil is the largest coffee exporter and second largest sugar exporter");
        let found: Vec<(TradeFactKind, i32)> = triggers(&l)
            .into_iter()
            .filter(|t| t.agent)
            .map(|t| (t.kind, agent_rank(&l, t.word)))
            .collect();
        assert_eq!(
            found,
            [(TradeFactKind::Export, 1), (TradeFactKind::Export, 2)]
        );
        assert!(kinds("it is a major exporter of tea").is_empty());
    }

    #[test]
    fn restrictions_on_flows_are_measures() {
        assert_eq!(
            kinds("the country will levy an import tax of 20 pct"),
            [TradeFactKind::TradeMeasure, TradeFactKind::Import]
        );
        assert_eq!(
            kinds("it promised to halt all trade with them"),
            [TradeFactKind::TradeMeasure, TradeFactKind::BilateralTrade]
        );
        assert_eq!(
            kinds("it agreed to raise the limit on yearly growth in shoe and garment exports"),
            [TradeFactKind::TradeMeasure, TradeFactKind::Export]
        );
    }

    #[test]
    fn exporting_more_goods_than_is_a_balance() {
        assert_eq!(
            kinds("chile exporting 2 billion more goods than peru"),
            [TradeFactKind::TradeBalance, TradeFactKind::Export]
        );
        assert_eq!(
            kinds("peru exports more than 20 kinds of fruit"),
            [TradeFactKind::Export]
        );
    }

    #[test]
    fn balances_with_a_partner_need_no_trade_word() {
        assert_eq!(
            kinds("japan ran a 5 billion dlr surplus with the united states"),
            [TradeFactKind::TradeBalance]
        );
        assert!(kinds("the current account deficit narrowed").is_empty());
    }

    #[test]
    fn aims_and_topics_are_not_bilateral_trade() {
        assert!(kinds("officials discussed bilateral trade").is_empty());
        assert!(kinds("ways to boost trade between the two").is_empty());
        assert!(kinds("the province is promoting trade with its neighbours").is_empty());
        assert!(kinds("a drug trade network in the region").is_empty());
        let l = lower("tokyo pledged to cut its trade surplus");
        let at = l.iter().position(|w| w == "surplus").unwrap_or_default();
        assert!(not_asserted(&l, at, TradeFactKind::TradeBalance));
        let l = lower("seoul agreed to cut import tariffs on beef");
        let at = l.iter().position(|w| w == "tariffs").unwrap_or_default();
        assert!(!not_asserted(&l, at, TradeFactKind::TradeMeasure));
    }

    #[test]
    fn pleas_refusals_and_forecasts_assert_nothing() {
        let l = lower("he urged the government to allow more imports of beef");
        assert!(not_asserted(&l, 7, TradeFactKind::Import));
        let l = lower("exports are expected to rise");
        assert!(not_asserted(&l, 0, TradeFactKind::Export));
        let l = lower("the outlook for wool and copper exports is poor");
        assert!(not_asserted(&l, 6, TradeFactKind::Export));
        let l = lower("at the urging of growers , the panel voted to bar imports");
        assert!(!not_asserted(&l, 10, TradeFactKind::TradeMeasure));
        let l = lower("the minister ruled out sanctions");
        assert!(not_asserted(&l, 4, TradeFactKind::TradeMeasure));
    }
}
