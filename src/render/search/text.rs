//! Text as the index and `search.js` compare it: UTF-16 code units,
//! lower-cased, full-width letters and digits as ASCII.

/// Text as the client compares it: full-width ASCII as ASCII, lower case,
/// in UTF-16 code units (what JavaScript's string indexes count).
pub fn norm(s: &str) -> Vec<u16> {
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        let c = full_width_as_ascii(c);
        match c {
            _ if c.is_ascii() => out.push(c.to_ascii_lowercase() as u16),
            // Punctuation, CJK and half-width forms: no case to lower.
            '\u{2000}'..='\u{206F}' | '\u{3000}'..='\u{9FFF}' | '\u{FF00}'..='\u{FFEF}' => out.push(c as u16),
            _ => return norm_any(s),
        }
    }
    out
}

fn full_width_as_ascii(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// `norm` for any text: lower case as the standard says (what JavaScript's
/// `toLowerCase` does), which may change the length.
pub(super) fn norm_any(s: &str) -> Vec<u16> {
    let mapped: String = s.chars().map(full_width_as_ascii).collect();
    mapped.to_lowercase().encode_utf16().collect()
}
