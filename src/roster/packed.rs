//! Audit rows as fixed-size records: raw bytes in the list cache's entry
//! files (`to_bytes`), or one base64 string where they go into JSON
//! (`rows`, `words`): a province's two million rows as JSON numbers would
//! be several times larger and slower to write.

use super::audit_rows::AuditRow;
use serde::{de::Error, Deserialize, Deserializer, Serializer};

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn encode(bytes: &[u8]) -> String {
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let quad = [18, 12, 6, 0].map(|shift| ALPHABET[(n >> shift & 63) as usize]);
        out.extend_from_slice(&quad[..=chunk.len()]);
        out.extend_from_slice(&b"=="[..3 - chunk.len()]);
    }
    // Every byte is from the ASCII alphabet.
    String::from_utf8(out).unwrap_or_default()
}

fn decode(text: &str) -> Option<Vec<u8>> {
    let mut value = [0u8; 256];
    for (i, &c) in ALPHABET.iter().enumerate() {
        value[c as usize] = i as u8 + 1;
    }
    let text = text.trim_end_matches('=').as_bytes();
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            let v = value[c as usize].checked_sub(1)?;
            n |= u32::from(v) << (18 - 6 * i);
        }
        for i in 0..chunk.len().saturating_sub(1) {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

const ROW: usize = 4 + 8 + 8 + 2 + 1 + 4 + 1;

/// The rows as bytes, `ROW` a row.
pub fn to_bytes(rows: &[AuditRow]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(rows.len() * ROW);
    for r in rows {
        bytes.extend_from_slice(&r.line.to_le_bytes());
        bytes.extend_from_slice(&r.student.to_le_bytes());
        bytes.extend_from_slice(&r.name_class.to_le_bytes());
        bytes.extend_from_slice(&r.class.to_le_bytes());
        bytes.push(r.tier);
        bytes.extend_from_slice(&r.amount.to_le_bytes());
        bytes.push(r.flags);
    }
    bytes
}

/// Rows from `to_bytes`; None if the length is not a whole number of rows.
pub fn from_bytes(bytes: &[u8]) -> Option<Vec<AuditRow>> {
    if !bytes.len().is_multiple_of(ROW) {
        return None;
    }
    let rows = bytes.chunks_exact(ROW).map(|b| AuditRow {
        line: u32::from_le_bytes([b[0], b[1], b[2], b[3]]),
        student: u64::from_le_bytes(b[4..12].try_into().unwrap_or_default()),
        name_class: u64::from_le_bytes(b[12..20].try_into().unwrap_or_default()),
        class: u16::from_le_bytes([b[20], b[21]]),
        tier: b[22],
        amount: i32::from_le_bytes([b[23], b[24], b[25], b[26]]),
        flags: b[27],
    });
    Some(rows.collect())
}

/// 64-bit words as bytes, and back.
pub fn words_to_bytes(words: &[u64]) -> Vec<u8> {
    words.iter().flat_map(|w| w.to_le_bytes()).collect()
}

pub fn words_from_bytes(bytes: &[u8]) -> Option<Vec<u64>> {
    bytes
        .len()
        .is_multiple_of(8)
        .then(|| bytes.chunks_exact(8).map(|b| u64::from_le_bytes(b.try_into().unwrap_or_default())).collect())
}

pub mod rows {
    use super::{decode, encode, AuditRow, Deserialize, Deserializer, Error, Serializer};

    pub fn serialize<S: Serializer>(rows: &[AuditRow], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&encode(&super::to_bytes(rows)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<AuditRow>, D::Error> {
        let text = <std::borrow::Cow<str>>::deserialize(d)?;
        decode(&text).and_then(|b| super::from_bytes(&b)).ok_or_else(|| D::Error::custom("audit rows"))
    }
}

pub mod words {
    use super::{decode, encode, Deserialize, Deserializer, Error, Serializer};

    pub fn serialize<S: Serializer>(words: &[u64], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&encode(&super::words_to_bytes(words)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u64>, D::Error> {
        let text = <std::borrow::Cow<str>>::deserialize(d)?;
        decode(&text).and_then(|b| super::words_from_bytes(&b)).ok_or_else(|| D::Error::custom("audit words"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips_every_length() {
        assert_eq!(encode(b"Man"), "TWFu");
        assert_eq!(encode(b"Ma"), "TWE=");
        assert_eq!(encode(b"M"), "TQ==");
        for n in 0..20u8 {
            let bytes: Vec<u8> = (0..n).map(|i| i.wrapping_mul(97)).collect();
            assert_eq!(decode(&encode(&bytes)).unwrap(), bytes);
        }
        assert!(decode("T!==").is_none());
    }
}
