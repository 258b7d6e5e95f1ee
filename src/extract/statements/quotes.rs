//! Quotation marks: which tokens open and close a quote, and which quote parts belong to one
//! quotation that runs over several paragraphs (wire style repeats the opening mark at the
//! start of each paragraph and closes the quote only at its end).
//!
//! One pass over the tokens; straight quotes toggle, curly and angle quotes pair by shape, and
//! marks of the other style inside an open quote are nested quotes and ignored.

use super::Tok;

/// The style of a quotation mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    Straight,
    Curly,
    Angle,
}

/// What a token is as a quotation mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mark {
    Straight,
    Open(Style),
    Close(Style),
}

fn mark(text: &str) -> Option<Mark> {
    match text {
        "\"" | "\u{FF02}" | "''" => Some(Mark::Straight),
        "\u{201C}" | "\u{201E}" | "\u{201F}" | "``" => Some(Mark::Open(Style::Curly)),
        "\u{201D}" => Some(Mark::Close(Style::Curly)),
        "\u{AB}" => Some(Mark::Open(Style::Angle)),
        "\u{BB}" => Some(Mark::Close(Style::Angle)),
        _ => None,
    }
}

/// One paragraph's piece of a quotation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuotePart {
    /// Token index of the opening mark.
    pub open: usize,
    /// Token index of the closing mark; `None` when the paragraph ends first.
    pub close: Option<usize>,
    /// Token range of the quoted words (marks excluded).
    pub inner: std::ops::Range<usize>,
    /// Index of the quotation this part belongs to (parts of one quotation share it).
    pub chain: usize,
}

/// All quote parts of the text, and for every token the part whose marks or words it is in.
#[derive(Clone, Debug, Default)]
pub struct Quotes {
    /// The parts, in text order.
    pub parts: Vec<QuotePart>,
    /// For every token: the part it belongs to (its marks included).
    pub of_token: Vec<Option<usize>>,
}

impl Quotes {
    /// The part whose opening mark is token `i`.
    pub fn opened_at(&self, i: usize) -> Option<usize> {
        self.of_token
            .get(i)
            .copied()
            .flatten()
            .filter(|&p| self.parts[p].open == i)
    }

    /// The part whose closing mark is token `i`.
    pub fn closed_at(&self, i: usize) -> Option<usize> {
        self.of_token
            .get(i)
            .copied()
            .flatten()
            .filter(|&p| self.parts[p].close == Some(i))
    }

    /// Whether token `i` is inside a quote or is one of its marks.
    pub fn quoted(&self, i: usize) -> bool {
        self.of_token.get(i).copied().flatten().is_some()
    }
}

/// Finds the quote parts among `toks`.
pub fn find(toks: &[Tok<'_>]) -> Quotes {
    let mut quotes = Quotes {
        parts: Vec::new(),
        of_token: vec![None; toks.len()],
    };
    // The open part: its index, opening token and style.
    let mut open: Option<(usize, Style)> = None;
    let mut chains = 0usize;
    // Whether the open straight quote holds a nested curly opening mark.
    let mut nested_curly = false;
    for (i, tok) in toks.iter().enumerate() {
        if tok.paragraph_start
            && let Some((part, style)) = open.take()
        {
            // The paragraph ended inside a quote: the part ends here, and the quotation
            // goes on if the new paragraph opens with a mark of the same style.
            let p = &mut quotes.parts[part];
            p.inner.end = i;
            let continues = match mark(tok.text) {
                Some(Mark::Straight) => style == Style::Straight,
                Some(Mark::Open(s)) => s == style,
                _ => false,
            };
            if continues {
                let chain = p.chain;
                quotes.parts.push(QuotePart {
                    open: i,
                    close: None,
                    inner: i + 1..i + 1,
                    chain,
                });
                quotes.of_token[i] = Some(quotes.parts.len() - 1);
                open = Some((quotes.parts.len() - 1, style));
                continue;
            }
        }
        let m = mark(tok.text);
        if open.is_none() {
            nested_curly = false;
        }
        match (open, m) {
            (None, Some(Mark::Straight)) => {
                open = Some((start(&mut quotes, i, &mut chains), Style::Straight));
            }
            (None, Some(Mark::Open(style))) => {
                open = Some((start(&mut quotes, i, &mut chains), style));
            }
            (Some((part, Style::Straight)), Some(Mark::Straight))
            | (Some((part, Style::Curly)), Some(Mark::Close(Style::Curly)))
            | (Some((part, Style::Angle)), Some(Mark::Close(Style::Angle))) => {
                close(&mut quotes, part, i);
                open = None;
            }
            (Some((part, Style::Curly)), Some(Mark::Straight | Mark::Open(Style::Curly)))
                if looks_closing(toks, i) =>
            {
                // A sloppy closing mark after a curly opening one: a straight mark, or a
                // second opening curly mark that touches the word before it.
                close(&mut quotes, part, i);
                open = None;
            }
            (Some((part, Style::Straight)), Some(Mark::Close(Style::Curly)))
                if !nested_curly && looks_closing(toks, i) =>
            {
                // A sloppy closing curly mark after a straight opening one (and no curly
                // nested quote it could close).
                close(&mut quotes, part, i);
                open = None;
            }
            (Some((part, Style::Straight)), Some(Mark::Open(Style::Curly))) => {
                nested_curly = true;
                quotes.of_token[i] = Some(part);
            }
            (Some((part, _)), _) => quotes.of_token[i] = Some(part),
            (None, _) => {}
        }
    }
    if let Some((part, _)) = open {
        quotes.parts[part].inner.end = toks.len();
    }
    quotes
}

fn start(quotes: &mut Quotes, i: usize, chains: &mut usize) -> usize {
    quotes.parts.push(QuotePart {
        open: i,
        close: None,
        inner: i + 1..i + 1,
        chain: *chains,
    });
    *chains += 1;
    let part = quotes.parts.len() - 1;
    quotes.of_token[i] = Some(part);
    part
}

fn close(quotes: &mut Quotes, part: usize, i: usize) {
    let p = &mut quotes.parts[part];
    p.close = Some(i);
    p.inner.end = i;
    quotes.of_token[i] = Some(part);
}

/// A straight mark that touches the word before it and not the word after it.
fn looks_closing(toks: &[Tok<'_>], i: usize) -> bool {
    let touches_before = i > 0 && toks[i - 1].bytes.end == toks[i].bytes.start;
    let touches_after = toks
        .get(i + 1)
        .is_some_and(|t| t.bytes.start == toks[i].bytes.end && t.is_word());
    touches_before && !touches_after
}
