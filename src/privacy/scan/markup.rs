//! Markup between the parts of a number: tags that may stand inside one
//! table row or line (cells, inline markup), and entities that stand for a
//! separator (`&nbsp;`, `&ndash;`).

use super::lex::{ascii, wide, Ch};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Markup {
    /// A tag that may sit inside a table row or a line of text (a cell or
    /// inline tag), or a known entity; ends before this byte.
    Soft(usize),
    /// Anything else: a row, block or unknown tag, a tag with digits or
    /// non-ASCII inside (read as text instead), a stray `<` or `&`.
    Hard,
    /// The text ends first.
    Incomplete,
}

/// Tags that may stand between the parts of a number in one table row or
/// one line: cell boundaries and inline markup. `name` is lower case.
fn soft_tag(name: &[u8]) -> bool {
    matches!(
        name,
        b"td"
            | b"th"
            | b"span"
            | b"font"
            | b"b"
            | b"i"
            | b"u"
            | b"s"
            | b"em"
            | b"strong"
            | b"small"
            | b"big"
            | b"mark"
            | b"a"
            | b"code"
            | b"sub"
            | b"sup"
            | b"wbr"
            | b"ins"
            | b"del"
            | b"abbr"
            | b"time"
            | b"label"
            | b"data"
            | b"bdi"
            | b"bdo"
            | b"nobr"
            | b"tt"
            | b"kbd"
            | b"samp"
    )
}

/// Reads the tag at `i` (`b[i] == b'<'`).
#[inline]
pub(super) fn tag_at(b: &[u8], i: usize) -> Markup {
    let mut j = i + 1;
    if b.get(j) == Some(&b'/') {
        j += 1;
    }
    let mut name = [0u8; 8];
    let mut n = 0;
    while j < b.len() && b[j].is_ascii_alphanumeric() {
        if n == name.len() {
            return Markup::Hard;
        }
        name[n] = b[j].to_ascii_lowercase();
        n += 1;
        j += 1;
    }
    if j >= b.len() {
        return Markup::Incomplete;
    }
    if !soft_tag(&name[..n]) {
        return Markup::Hard;
    }
    // Attributes: a digit or non-ASCII text inside is scanned as text, so
    // such a tag is no gap.
    while j < b.len() && j - i < 256 {
        match b[j] {
            b'>' => return Markup::Soft(j + 1),
            b'<' | b'0'..=b'9' | 0x80..=0xFF => return Markup::Hard,
            _ => j += 1,
        }
    }
    if j >= b.len() {
        Markup::Incomplete
    } else {
        Markup::Hard
    }
}

/// Reads the entity at `i` (`b[i] == b'&'`); soft when it stands for a
/// separator.
pub(super) fn entity_at(b: &[u8], i: usize) -> Markup {
    let mut j = i + 1;
    while j < b.len() && j - i <= 10 && (b[j].is_ascii_alphanumeric() || b[j] == b'#') {
        j += 1;
    }
    if j >= b.len() {
        return Markup::Incomplete;
    }
    if b[j] != b';' || j == i + 1 {
        return Markup::Hard;
    }
    match entity_class(&b[i + 1..j]) {
        Ch::Space | Ch::Punct(_) | Ch::CellSep => Markup::Soft(j + 1),
        _ => Markup::Hard,
    }
}

/// The class of the character an entity name (without `&` and `;`) stands for.
pub(super) fn entity_class(name: &[u8]) -> Ch {
    let named = |n: &str| name.eq_ignore_ascii_case(n.as_bytes());
    if ["nbsp", "ensp", "emsp", "thinsp", "zwsp", "shy", "numsp", "puncsp", "emsp13", "emsp14"].into_iter().any(named) {
        return Ch::Space;
    }
    if ["ndash", "mdash", "minus", "hyphen", "dash", "horbar"].into_iter().any(named) {
        return Ch::Punct(b'-');
    }
    if ["period", "middot", "centerdot"].into_iter().any(named) {
        return Ch::Punct(b'.');
    }
    if named("sol") {
        return Ch::Punct(b'/');
    }
    if named("lowbar") {
        return Ch::Punct(b'_');
    }
    if ["tab", "comma", "vert", "verbar"].into_iter().any(named) {
        return Ch::CellSep;
    }
    let Some(num) = name.strip_prefix(b"#") else { return Ch::Other };
    let (digits, radix) = match num.first() {
        Some(b'x' | b'X') => (&num[1..], 16),
        _ => (num, 10),
    };
    let cp = std::str::from_utf8(digits).ok().and_then(|d| u32::from_str_radix(d, radix).ok());
    match cp {
        // A digit written as an entity is not read as a digit: only the
        // separators matter here.
        Some(cp @ 0..=0x7F) => match ascii(cp as u8) {
            c @ (Ch::Space | Ch::Punct(_) | Ch::CellSep) => c,
            _ => Ch::Other,
        },
        Some(cp) => match wide(cp) {
            c @ (Ch::Space | Ch::Punct(_) | Ch::CellSep) => c,
            _ => Ch::Other,
        },
        None => Ch::Other,
    }
}
