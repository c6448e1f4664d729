//! Characters as the scanner sees them: full-width forms folded to ASCII
//! (U+FF01..U+FF5E, U+3000), every dash and space-like character folded to
//! a separator, and the gaps between digit groups classified. Works on the
//! bytes in place: a character is decoded only where it matters.

use super::markup::{self, Markup};

/// A character after normalisation, as far as numbers care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ch {
    /// An ASCII digit (`b'0'..=b'9'`), from `1` or `１`.
    Digit(u8),
    /// `X`, `x`, `Ｘ`, `ｘ`: the check character of an ID number.
    X,
    /// Space-like: space, NBSP, ideographic and other Unicode spaces,
    /// zero-width space, soft hyphen.
    Space,
    /// `-`, `.`, `/`, `_`, the Unicode dashes (as `-`) and middle dots (as `.`).
    Punct(u8),
    /// A tab, `,` or `|`: between cells of a TSV, CSV or Markdown row.
    CellSep,
    Newline,
    /// `<`: perhaps a tag.
    Lt,
    /// `&`: perhaps an entity.
    Amp,
    Other,
}

#[inline(always)]
pub(super) fn ascii(c: u8) -> Ch {
    match c {
        b'0'..=b'9' => Ch::Digit(c),
        b'X' | b'x' => Ch::X,
        b' ' | 0x0B | 0x0C => Ch::Space,
        b'-' | b'.' | b'/' | b'_' => Ch::Punct(c),
        b'\t' | b',' | b'|' => Ch::CellSep,
        b'\n' | b'\r' => Ch::Newline,
        b'<' => Ch::Lt,
        b'&' => Ch::Amp,
        _ => Ch::Other,
    }
}

/// The class of a character outside ASCII.
#[inline]
pub(super) fn wide(cp: u32) -> Ch {
    match cp {
        // Full-width ASCII (what a Chinese input method types): fold, but a
        // full-width `＜` or `＆` opens no tag or entity.
        0xFF01..=0xFF5E => match (cp - 0xFEE0) as u8 {
            b'<' | b'&' => Ch::Other,
            c => ascii(c),
        },
        0x3000 | 0x00A0 | 0x00AD | 0x2000..=0x200B | 0x202F | 0x205F | 0x2060 | 0xFEFF => Ch::Space,
        0x2010..=0x2015 | 0x2212 | 0xFE58 | 0xFE63 => Ch::Punct(b'-'),
        0x00B7 | 0x2027 | 0x30FB | 0xFF65 => Ch::Punct(b'.'),
        0x0085 | 0x2028 | 0x2029 => Ch::Newline,
        _ => Ch::Other,
    }
}

/// The character at `i` (a character boundary of valid UTF-8) and its length.
#[inline(always)]
pub(super) fn read(b: &[u8], i: usize) -> (Ch, usize) {
    let c = b[i];
    if c < 0x80 {
        return (ascii(c), 1);
    }
    let cont = |k: usize| u32::from(b.get(i + k).copied().unwrap_or(0x80) & 0x3F);
    if (0xE4..=0xE9).contains(&c) {
        // U+4000..U+9FFF: CJK ideographs, nothing a number cares about.
        (Ch::Other, 3)
    } else if c >= 0xF0 {
        (Ch::Other, 4)
    } else if c >= 0xE0 {
        (wide((u32::from(c & 0x0F) << 12) | (cont(1) << 6) | cont(2)), 3)
    } else {
        (wide((u32::from(c & 0x1F) << 6) | cont(1)), 2)
    }
}

/// Whether a digit (ASCII or full-width) starts at `i`.
#[inline]
pub(super) fn digit_at(b: &[u8], i: usize) -> bool {
    let c = b[i];
    c.is_ascii_digit()
        || (c == 0xEF && b.get(i + 1) == Some(&0xBC) && b.get(i + 2).is_some_and(|d| (0x90..=0x99).contains(d)))
}

/// Where the next digit starts at or after `i`, or `b.len()`. Eight bytes
/// at a time: text and markup without an ASCII digit or a byte 0xEF (the
/// lead byte of full-width forms) are skipped without decoding.
#[inline]
pub(super) fn next_digit(b: &[u8], mut i: usize) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = b.get(i..i + 8) {
        let x = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        // Some byte in 0x30..=0x39 (bit-twiddling "has between" for ASCII),
        // or some byte equal to 0xEF ("has zero" of x ^ 0xEF..).
        let low = x & (LO * 127);
        let digit = (LO * (127 + 0x3A)).wrapping_sub(low) & !x & low.wrapping_add(LO * (127 - 0x2F)) & HI;
        let y = x ^ (LO * 0xEF);
        let ef = y.wrapping_sub(LO) & !y & HI;
        if digit | ef != 0 {
            if let Some(j) = (i..i + 8).find(|&j| digit_at(b, j)) {
                return j;
            }
        }
        i += 8;
    }
    while i < b.len() && !digit_at(b, i) {
        i += 1;
    }
    i
}

/// The longest gap (bytes) that still joins two digit groups: room for a
/// few cell tags with attributes.
pub(super) const MAX_GAP: usize = 512;

/// How two neighbouring digit groups are joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Join {
    /// Spaces only (one or two).
    Tight,
    /// Separators with a dash, dot, slash or underscore among them (the
    /// first of them).
    Dash(u8),
    /// A cell boundary: a table-cell or inline tag, a tab, `,`, `|`, or
    /// three or more spaces in a row.
    Cell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum GapEnd {
    /// Another digit group starts at this byte.
    Group(Join, usize),
    /// The number ends: something at this byte can be no part of a gap.
    Hard(usize),
    /// A lone check character (`X` not followed by a letter or digit) at
    /// this byte, of this length: the last part of an ID number.
    CheckX(Join, usize, usize),
    /// The text ended inside the gap; `partial` when inside a tag or an
    /// entity.
    End { partial: bool },
}

/// Reads the gap that starts at `i`, right after a digit group.
pub(super) fn gap(b: &[u8], start: usize) -> GapEnd {
    let mut i = start;
    let (mut cell, mut tag, mut newline, mut dash) = (false, false, false, None);
    let mut spaces = 0;
    loop {
        if i >= b.len() {
            return GapEnd::End { partial: false };
        }
        if i - start > MAX_GAP {
            return GapEnd::Hard(i);
        }
        let (mut ch, mut len) = read(b, i);
        match ch {
            Ch::Lt => match markup::tag_at(b, i) {
                Markup::Soft(end) => {
                    tag = true;
                    spaces = 0;
                    i = end;
                    continue;
                }
                Markup::Hard => return GapEnd::Hard(i),
                Markup::Incomplete => return GapEnd::End { partial: true },
            },
            Ch::Amp => match markup::entity_at(b, i) {
                Markup::Soft(end) => {
                    // A separator written as an entity (`&nbsp;`, `&ndash;`).
                    ch = markup::entity_class(&b[i + 1..end - 1]);
                    len = end - i;
                }
                Markup::Hard => return GapEnd::Hard(i),
                Markup::Incomplete => return GapEnd::End { partial: true },
            },
            _ => {}
        }
        let join = if cell || tag {
            Join::Cell
        } else if let Some(c) = dash {
            Join::Dash(c)
        } else {
            Join::Tight
        };
        match ch {
            Ch::Digit(_) | Ch::X if newline && !tag => return GapEnd::Hard(start),
            Ch::Digit(_) => return GapEnd::Group(join, i),
            Ch::X => {
                let lone = i + len >= b.len() || !matches!(b[i + len], b'0'..=b'9' | b'A'..=b'Z' | b'a'..=b'z');
                return if lone { GapEnd::CheckX(join, i, len) } else { GapEnd::Hard(i) };
            }
            Ch::Space => {
                spaces += 1;
                cell |= spaces >= 3;
            }
            Ch::Punct(c) => {
                spaces = 0;
                dash = dash.or(Some(c));
            }
            Ch::CellSep => {
                spaces = 0;
                cell = true;
            }
            Ch::Newline => {
                spaces = 0;
                newline = true;
            }
            Ch::Lt | Ch::Amp | Ch::Other => return GapEnd::Hard(i),
        }
        i += len;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_forms_fold() {
        let s = "１Ｘｘ－．／＿，　";
        let b = s.as_bytes();
        let mut i = 0;
        let mut got = Vec::new();
        while i < b.len() {
            let (c, l) = read(b, i);
            got.push(c);
            i += l;
        }
        use Ch::*;
        assert_eq!(got, [Digit(b'1'), X, X, Punct(b'-'), Punct(b'.'), Punct(b'/'), Punct(b'_'), CellSep, Space]);
        assert!(digit_at("９".as_bytes(), 0) && !digit_at("Ｘ".as_bytes(), 0));
    }

    #[test]
    fn next_digit_skips_eight_bytes_at_a_time() {
        let text = "<p>公示名单，（一）、高一年级</p><td>abc</td>ＡＢＣ，，，７ and 9";
        let b = text.as_bytes();
        let first = next_digit(b, 0);
        assert_eq!(&text[first..first + 3], "７");
        assert_eq!(next_digit(b, first + 3), text.len() - 1);
        assert_eq!(next_digit(b, text.len()), text.len());
        for i in 0..b.len() {
            let slow = (i..b.len()).find(|&j| digit_at(b, j)).unwrap_or(b.len());
            assert_eq!(next_digit(b, i), slow, "from {i}");
        }
        for c in 0..=255u8 {
            let mut bytes = [b'a'; 11];
            bytes[3] = c;
            let want = if c.is_ascii_digit() { 3 } else { 11 };
            assert_eq!(next_digit(&bytes, 0), want, "byte {c:#x}");
        }
    }

    #[test]
    fn gaps_are_classified() {
        let g = |s: &str| gap(s.as_bytes(), 0);
        assert_eq!(g(" 1"), GapEnd::Group(Join::Tight, 1));
        assert_eq!(g(" - 1"), GapEnd::Group(Join::Dash(b'-'), 3));
        assert_eq!(g("－1"), GapEnd::Group(Join::Dash(b'-'), 3));
        assert_eq!(g("—1"), GapEnd::Group(Join::Dash(b'-'), 3));
        assert_eq!(g("&sol;1"), GapEnd::Group(Join::Dash(b'/'), 5));
        assert_eq!(g(" X。"), GapEnd::CheckX(Join::Tight, 1, 1));
        assert_eq!(g(" Xa"), GapEnd::Hard(1));
        assert_eq!(g("  1"), GapEnd::Group(Join::Tight, 2));
        assert_eq!(g("   1"), GapEnd::Group(Join::Cell, 3));
        assert_eq!(g("\t1"), GapEnd::Group(Join::Cell, 1));
        assert_eq!(g("</td><td>1"), GapEnd::Group(Join::Cell, 9));
        assert_eq!(g("</td>\n  <td class=\"c\">1"), GapEnd::Group(Join::Cell, 22));
        assert_eq!(g("&nbsp;1"), GapEnd::Group(Join::Tight, 6));
        assert_eq!(g("\n1"), GapEnd::Hard(0));
        assert_eq!(g("</tr><tr>1"), GapEnd::Hard(0));
        assert_eq!(g("<td colspan=\"2\">1"), GapEnd::Hard(0));
        assert_eq!(g("年1"), GapEnd::Hard(0));
        assert_eq!(g(":1"), GapEnd::Hard(0));
        assert_eq!(g("&amp;1"), GapEnd::Hard(0));
        assert_eq!(g("</t"), GapEnd::End { partial: true });
        assert_eq!(g(" "), GapEnd::End { partial: false });
    }
}
