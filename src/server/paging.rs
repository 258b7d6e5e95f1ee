//! AIP-158 pagination: page sizes and opaque page tokens bound to the request's filters.
//!
//! A token is URL-safe base64 of `version | filter hash (8 bytes) | key length (2) | key |
//! checksum (8)`. The filter hash makes a token invalid with other filters; the checksum
//! rejects tokens that were edited. Written by hand: it is a few lines, no crate does this.

use super::error::ApiError;
use crate::store::PageRequest;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

/// Page size when the request gives none.
pub const DEFAULT_PAGE_SIZE: usize = 50;
/// Largest page; larger requests are clamped.
pub const MAX_PAGE_SIZE: usize = 1000;
const TOKEN_VERSION: u8 = 1;

fn digest8(parts: &[&[u8]]) -> [u8; 8] {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    let mut out = [0; 8];
    out.copy_from_slice(&hasher.finalize()[..8]);
    out
}

/// Builds the store's page request from `page_size` and `page_token`. `filters` is a stable
/// encoding of the request's filters (the request with its paging fields cleared).
pub fn page_request(
    page_size: i32,
    page_token: &str,
    filters: &[u8],
) -> Result<PageRequest, ApiError> {
    let limit = match page_size {
        n if n < 0 => {
            return Err(ApiError::field(
                "page_size",
                "must not be negative",
                "INVALID_PAGE_SIZE",
            ));
        }
        0 => DEFAULT_PAGE_SIZE,
        n => (n as usize).min(MAX_PAGE_SIZE),
    };
    let after = if page_token.is_empty() {
        None
    } else {
        Some(decode_token(page_token, filters)?)
    };
    Ok(PageRequest { after, limit })
}

/// The token for the page after `next_after`, or empty on the last page.
pub fn next_page_token(next_after: Option<&str>, filters: &[u8]) -> String {
    let Some(key) = next_after else {
        return String::new();
    };
    let filter_hash = digest8(&[filters]);
    let mut bytes = Vec::with_capacity(1 + 8 + 2 + key.len() + 8);
    bytes.push(TOKEN_VERSION);
    bytes.extend_from_slice(&filter_hash);
    bytes.extend_from_slice(&(key.len() as u16).to_le_bytes());
    bytes.extend_from_slice(key.as_bytes());
    let checksum = digest8(&[&bytes]);
    bytes.extend_from_slice(&checksum);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn decode_token(token: &str, filters: &[u8]) -> Result<String, ApiError> {
    let invalid = || {
        ApiError::field(
            "page_token",
            "is not a token this server issued",
            "INVALID_PAGE_TOKEN",
        )
    };
    let bytes = URL_SAFE_NO_PAD.decode(token).map_err(|_| invalid())?;
    if bytes.len() < 1 + 8 + 2 + 8 || bytes[0] != TOKEN_VERSION {
        return Err(invalid());
    }
    let (body, checksum) = bytes.split_at(bytes.len() - 8);
    if digest8(&[body]) != checksum {
        return Err(invalid());
    }
    let key_len = u16::from_le_bytes([body[9], body[10]]) as usize;
    let key = body
        .get(11..)
        .filter(|k| k.len() == key_len)
        .ok_or_else(invalid)?;
    if body[1..9] != digest8(&[filters]) {
        return Err(ApiError::field(
            "page_token",
            "was issued for other filters; keep the filters unchanged while paging",
            "PAGE_TOKEN_FILTER_MISMATCH",
        ));
    }
    String::from_utf8(key.to_vec()).map_err(|_| invalid())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_size_defaults_clamps_and_rejects_negative() {
        assert_eq!(
            page_request(0, "", b"").map(|p| p.limit).ok(),
            Some(DEFAULT_PAGE_SIZE)
        );
        assert_eq!(
            page_request(5000, "", b"").map(|p| p.limit).ok(),
            Some(MAX_PAGE_SIZE)
        );
        assert_eq!(page_request(7, "", b"").map(|p| p.limit).ok(), Some(7));
        assert!(page_request(-1, "", b"").is_err());
    }

    #[test]
    fn tokens_round_trip_only_with_the_same_filters() {
        let token = next_page_token(Some("42"), b"filters");
        assert_eq!(
            page_request(10, &token, b"filters")
                .ok()
                .and_then(|p| p.after),
            Some("42".into())
        );
        assert!(page_request(10, &token, b"other").is_err());
        assert_eq!(next_page_token(None, b"filters"), "");
    }

    #[test]
    fn tampered_tokens_are_rejected() {
        let token = next_page_token(Some("42"), b"f");
        let mut bytes = URL_SAFE_NO_PAD.decode(&token).unwrap_or_default();
        bytes[12] ^= 1;
        let tampered = URL_SAFE_NO_PAD.encode(bytes);
        assert!(page_request(10, &tampered, b"f").is_err());
        assert!(page_request(10, "not base64 !", b"f").is_err());
        assert!(page_request(10, "AAAA", b"f").is_err());
    }
}
