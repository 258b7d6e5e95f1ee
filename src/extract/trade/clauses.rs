//! Clauses: the units a trade fact is asserted in. A sentence splits at semicolons and at
//! conjunctions that start a new assertion (", while", ", but", ", whereas").

use aho_corasick::AhoCorasick;
use std::ops::Range;
use std::sync::LazyLock;

/// What ends a clause: a semicolon, and conjunctions that start a new assertion (kept out of
/// both clauses). The last one, ", with ", cuts only before an absolute construction.
const MARKERS: [&str; 7] = [
    ";",
    ", while ",
    " while ",
    ", but ",
    ", whereas ",
    " whereas ",
    ", with ",
];

/// Index of ", with " in [`MARKERS`].
const WITH: usize = 6;

/// All markers in one automaton, case-insensitive (one pass per sentence).
static MARKER_FINDER: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(MARKERS)
        // A handful of short literal patterns always builds.
        .expect("clause markers build")
});

/// Byte ranges of the clauses of `text[sentence]`, trimmed of spaces.
pub fn clauses(text: &str, sentence: Range<usize>) -> Vec<Range<usize>> {
    let Some(slice) = text.get(sentence.clone()) else {
        return Vec::new();
    };
    let mut cuts = Vec::new();
    // Overlapping, so that ", while " and " while " both report, as separate searches did.
    for found in MARKER_FINDER.find_overlapping_iter(slice) {
        let (start, end) = (found.start(), found.end());
        if found.pattern().as_usize() == WITH && !absolute_construction(&slice[end..]) {
            continue;
        }
        cuts.push((start, end));
    }
    cuts.sort_unstable();
    let mut out = Vec::new();
    let mut start = 0;
    for (cut_start, cut_end) in cuts {
        if cut_start >= start {
            out.push(start..cut_start);
            start = cut_end;
        }
    }
    out.push(start..slice.len());
    out.into_iter()
        .filter_map(|r| {
            let piece = &slice[r.clone()];
            let lead = piece.len() - piece.trim_start().len();
            let trimmed = piece
                .trim()
                .trim_end_matches(['.', ',', ';', ':'])
                .trim_end();
            (!trimmed.is_empty()).then(|| {
                sentence.start + r.start + lead..sentence.start + r.start + lead + trimmed.len()
            })
        })
        .collect()
}

/// ", with China exporting more": a new subject and a verb in "-ing" within four words start
/// a clause of their own.
fn absolute_construction(rest: &str) -> bool {
    let mut words = rest.split_whitespace().take(5);
    let starts_with_name = words
        .next()
        .and_then(|w| w.chars().next())
        .is_some_and(char::is_uppercase);
    starts_with_name && words.any(|w| w.len() > 4 && w.ends_with("ing"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_semicolons_and_contrasts() {
        let s = "Exports rose 5 pct, while imports fell; the surplus widened.";
        let parts: Vec<&str> = clauses(s, 0..s.len()).into_iter().map(|r| &s[r]).collect();
        assert_eq!(
            parts,
            ["Exports rose 5 pct", "imports fell", "the surplus widened"]
        );
        let s = "Trade reached 8 billion dlrs, with Chile exporting more than it bought.";
        let parts: Vec<&str> = clauses(s, 0..s.len()).into_iter().map(|r| &s[r]).collect();
        assert_eq!(
            parts,
            [
                "Trade reached 8 billion dlrs",
                "Chile exporting more than it bought"
            ]
        );
    }
}
