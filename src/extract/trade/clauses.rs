//! Clauses: the units a trade fact is asserted in. A sentence splits at semicolons and at
//! conjunctions that start a new assertion (", while", ", but", ", whereas").

use std::ops::Range;

/// Byte ranges of the clauses of `text[sentence]`, trimmed of spaces.
pub fn clauses(text: &str, sentence: Range<usize>) -> Vec<Range<usize>> {
    let Some(slice) = text.get(sentence.clone()) else {
        return Vec::new();
    };
    let lower = slice.to_ascii_lowercase();
    let mut cuts = Vec::new();
    for (i, _) in lower.match_indices(';') {
        cuts.push((i, i + 1));
    }
    for marker in [", while ", " while ", ", but ", ", whereas ", " whereas "] {
        for (i, _) in lower.match_indices(marker) {
            // Keep the conjunction out of both clauses.
            cuts.push((i, i + marker.len()));
        }
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
    }
}
