//! Case mapping for look-ups, without a heap allocation in the common case.
//!
//! The lexicons are keyed in one case (places in upper case, the article's vocabulary in
//! lower case), so each look-up of a word as written used to allocate its case-mapped copy.
//! Wire copy is nearly all ASCII, where the Unicode case mappings of `str` equal the ASCII
//! ones, so short ASCII words are mapped in a buffer on the stack instead.

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;

/// Longest text mapped on the stack; longer or non-ASCII text takes the `str` methods.
const STACK_BYTES: usize = 64;

/// Calls `f` with `text` in lower case (as [`str::to_lowercase`] gives it).
pub fn with_lowercase<R>(text: &str, f: impl FnOnce(&str) -> R) -> R {
    with_mapped(text, <[u8]>::make_ascii_lowercase, str::to_lowercase, f)
}

/// Calls `f` with `text` in upper case (as [`str::to_uppercase`] gives it).
pub fn with_uppercase<R>(text: &str, f: impl FnOnce(&str) -> R) -> R {
    with_mapped(text, <[u8]>::make_ascii_uppercase, str::to_uppercase, f)
}

/// A word in lower case (as [`str::to_lowercase`] gives it), borrowed from the text when it
/// is ASCII with no capital letter already, as most words of running text are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lowercase<'t>(Cow<'t, str>);

impl<'t> Lowercase<'t> {
    /// `text` in lower case.
    pub fn new(text: &'t str) -> Self {
        if text.is_ascii() && !text.bytes().any(|b| b.is_ascii_uppercase()) {
            Self(Cow::Borrowed(text))
        } else {
            Self(Cow::Owned(text.to_lowercase()))
        }
    }

    /// `text` with its ASCII letters in lower case (as [`str::to_ascii_lowercase`] gives it),
    /// borrowed when it has no ASCII capital letter.
    pub fn ascii(text: &'t str) -> Self {
        if text.bytes().any(|b| b.is_ascii_uppercase()) {
            Self(Cow::Owned(text.to_ascii_lowercase()))
        } else {
            Self(Cow::Borrowed(text))
        }
    }

    /// The lower-case text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Makes the text empty.
    pub fn clear(&mut self) {
        self.0 = Cow::Borrowed("");
    }
}

impl fmt::Display for Lowercase<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for Lowercase<'_> {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl Deref for Lowercase<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<&str> for Lowercase<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

fn with_mapped<R>(
    text: &str,
    map_ascii: fn(&mut [u8]),
    map_unicode: fn(&str) -> String,
    f: impl FnOnce(&str) -> R,
) -> R {
    if text.len() <= STACK_BYTES && text.is_ascii() {
        let mut buffer = [0u8; STACK_BYTES];
        let bytes = &mut buffer[..text.len()];
        bytes.copy_from_slice(text.as_bytes());
        map_ascii(bytes);
        // ASCII stays ASCII, so this always succeeds.
        if let Ok(mapped) = std::str::from_utf8(bytes) {
            return f(mapped);
        }
    }
    f(&map_unicode(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_str_methods() {
        let long = "A".repeat(STACK_BYTES + 1);
        for text in [
            "",
            "Mexico City",
            "U.S.",
            "ÉCOLE",
            "Straße",
            "İstanbul",
            "ΣΑΣ",
            &long,
        ] {
            with_lowercase(text, |l| assert_eq!(l, text.to_lowercase()));
            with_uppercase(text, |u| assert_eq!(u, text.to_uppercase()));
            assert_eq!(Lowercase::new(text).as_str(), text.to_lowercase());
            assert_eq!(Lowercase::ascii(text).as_str(), text.to_ascii_lowercase());
        }
        assert!(matches!(Lowercase::new("said").0, Cow::Borrowed("said")));
    }
}
