//! Conversions between API messages and stored values: ids, times, page keys.

use crate::store::StoreError;
use pbjson_types::Timestamp;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

/// The article id of an idempotency key: lowercase hex of the first 16 bytes of its SHA-256.
pub(crate) fn article_id_for(external_id: &str) -> String {
    let digest = Sha256::digest(external_id.as_bytes());
    let mut id = String::with_capacity(32);
    for byte in &digest[..16] {
        // Writing to a String cannot fail.
        let _ = write!(id, "{byte:02x}");
    }
    id
}

/// A timestamp as microseconds since the Unix epoch (saturating).
pub(super) fn micros(ts: &Timestamp) -> i64 {
    ts.seconds
        .saturating_mul(1_000_000)
        .saturating_add(i64::from(ts.nanos) / 1_000)
}

/// The current time, truncated to microseconds (the precision the store keeps).
pub(super) fn now() -> Timestamp {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    Timestamp {
        seconds: i64::try_from(since_epoch.as_secs()).unwrap_or(i64::MAX),
        // Below 1e9, so it fits.
        nanos: i32::try_from(since_epoch.subsec_micros() * 1_000).unwrap_or(0),
    }
}

/// Parses a `seq` page key issued by a listing.
pub(super) fn parse_seq_key(after: Option<&str>) -> Result<Option<i64>, StoreError> {
    match after {
        None => Ok(None),
        Some(key) => match key.parse::<i64>() {
            Ok(seq) if seq >= 0 && !key.starts_with('+') => Ok(Some(seq)),
            _ => Err(StoreError::InvalidPageKey(key.to_owned())),
        },
    }
}

/// The limit to ask the database for: one more than the page, to learn whether more follow.
pub(super) fn fetch_limit(limit: usize) -> i64 {
    i64::try_from(limit.max(1)).unwrap_or(i64::MAX - 1) + 1
}

/// `Some(s)` when the filter field is set and not empty.
pub(super) fn set(field: &Option<String>) -> Option<&str> {
    field.as_deref().filter(|s| !s.is_empty())
}

/// `Some(k)` when an enum filter is set to a value other than `*_UNSPECIFIED`.
pub(super) fn set_enum(field: Option<i32>) -> Option<i64> {
    field.filter(|k| *k != 0).map(i64::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_ids_are_32_hex_chars_of_sha256() {
        // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
        assert_eq!(article_id_for("abc"), "ba7816bf8f01cfea414140de5dae2223");
    }

    #[test]
    fn seq_keys() {
        assert_eq!(parse_seq_key(None).ok(), Some(None));
        assert_eq!(parse_seq_key(Some("42")).ok(), Some(Some(42)));
        for bad in ["", "x", "-1", "+3", "1.5", "99999999999999999999"] {
            assert!(matches!(
                parse_seq_key(Some(bad)),
                Err(StoreError::InvalidPageKey(_))
            ));
        }
    }

    #[test]
    fn micros_of_timestamps() {
        let ts = Timestamp {
            seconds: 2,
            nanos: 3_456,
        };
        assert_eq!(micros(&ts), 2_000_003);
    }
}
