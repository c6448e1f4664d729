//! Whether a letter's text fits its A4 page, and at what size. The page
//! (print/letters.html) gives the body what is left of 296 mm after the
//! letterhead, salutation, signature, QR code, cut line and receipt stub;
//! the body's text is laid out line by line at a size, CJK characters one
//! em wide, others 0.6 em (a little wider than they are, so an estimate
//! that fits does fit). The size goes down from 12 pt (小四) in half
//! points to 10.5 pt (五号), the smallest size a family reads comfortably
//! on paper; a text that does not fit at 10.5 pt is refused.
//! Calibrated against Chromium's print layout (tests/print.rs).

/// Body sizes tried, in tenths of a point, largest first.
pub const SIZES: [u32; 4] = [120, 115, 110, 105];
/// The smallest body size, in tenths of a point.
pub const MIN_SIZE: u32 = 105;

/// CSS pixels per point and per millimetre (96 dpi).
const PX_PER_PT: f32 = 96.0 / 72.0;
const PX_PER_MM: f32 = 96.0 / 25.4;

/// What the page around the body holds, which decides the body's room.
#[derive(Debug, Clone, Copy, Default)]
pub struct Page {
    /// Extra blanks on the stub (`[receipt] fields`).
    pub fields: usize,
    /// Tick boxes on the stub.
    pub options: bool,
    /// A QR code under the signature.
    pub qr: bool,
    /// Characters of the letter's title (the letterhead and the stub's
    /// statement repeat it).
    pub title_chars: usize,
}

/// Width of the text column: 210 mm less 18 mm each side.
const COLUMN_MM: f32 = 174.0;

/// Height the body may take, in CSS pixels.
fn room(page: &Page) -> f32 {
    // Measured in Chromium for a one-line title with options and a QR code
    // and no extra fields: 504 px.
    let mut room = 504.0;
    let line = 12.0 * PX_PER_PT * 1.75;
    room -= page.fields as f32 * 35.0;
    if !page.options {
        room += line + 2.0 * PX_PER_MM;
    }
    if !page.qr {
        room += 22.0 * PX_PER_MM + 2.0 * PX_PER_MM;
    }
    // The letterhead's title at 17 pt, and the statement 本人已阅读并知晓《…》的内容。
    let head_chars = (COLUMN_MM * PX_PER_MM / (17.0 * PX_PER_PT)).floor() as usize;
    let statement_chars = (COLUMN_MM * PX_PER_MM / (12.0 * PX_PER_PT)).floor() as usize;
    room -= (page.title_chars.div_ceil(head_chars).max(1) - 1) as f32 * 17.0 * PX_PER_PT * 1.4;
    room -= ((page.title_chars + 13).div_ceil(statement_chars).max(1) - 1) as f32 * line;
    // A margin for what the estimate cannot see (fonts, kerning).
    room - 10.0
}

/// One block of the body's text.
struct Block {
    /// Width in ems (text indent included).
    ems: f32,
    /// Narrower column (list items, table cells share the row).
    column_px: f32,
    /// Space below, in pixels.
    below_px: f32,
    /// Relative size (headings are larger, tables smaller).
    scale: f32,
}

fn width_ems(text: &str) -> f32 {
    text.chars().filter(|c| !c.is_control()).map(|c| if c.is_ascii() || c == '\u{a0}' { 0.6 } else { 1.0 }).sum()
}

/// The body's blocks from its HTML: paragraphs, list items, headings and
/// table rows, their text with tags removed.
fn blocks(html: &str) -> Vec<Block> {
    let column = COLUMN_MM * PX_PER_MM;
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rest = html;
    let mut kind = "p";
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        let close = rest[open..].find('>').map_or(rest.len(), |c| open + c + 1);
        let tag = rest[open + 1..close.saturating_sub(1)].trim_start_matches('/');
        let name: String = tag.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        let closing = rest[open + 1..].starts_with('/');
        match (name.as_str(), closing) {
            ("p" | "li" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "tr", false) => {
                kind = if name == "li" {
                    "li"
                } else if name == "tr" {
                    "tr"
                } else if name.starts_with('h') {
                    "h"
                } else {
                    "p"
                };
                text.clear();
            }
            ("p" | "li" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "tr", true) | ("br", _) => {
                let ems = width_ems(&unescape(&text)) + if kind == "p" { 2.0 } else { 0.0 };
                let (column_px, below_px, scale) = match kind {
                    "li" => (column - 40.0, 2.0 * PX_PER_MM, 1.0),
                    "tr" => (column, 3.0 * PX_PER_MM + 1.0, 11.0 / 12.0),
                    "h" => (column, 2.0 * PX_PER_MM, 1.2),
                    _ => (column, 2.0 * PX_PER_MM, 1.0),
                };
                let below_px = if name == "br" { 0.0 } else { below_px };
                out.push(Block { ems, column_px, below_px, scale });
                text.clear();
            }
            _ => {}
        }
        rest = &rest[close.min(rest.len())..];
    }
    if !text.trim().is_empty() {
        out.push(Block { ems: width_ems(&unescape(&text)), column_px: column, below_px: 0.0, scale: 1.0 });
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
}

/// Estimated height of the body at `tenths` of a point, in pixels.
fn height(blocks: &[Block], tenths: u32) -> f32 {
    blocks
        .iter()
        .map(|b| {
            let em = tenths as f32 / 10.0 * PX_PER_PT * b.scale;
            let per_line = (b.column_px / em).floor().max(1.0);
            let lines = (b.ems / per_line).ceil().max(1.0);
            lines * em * 1.75 + b.below_px
        })
        .sum()
}

/// The largest size, in tenths of a point, at which `body_html` fits the
/// page; `None` when it does not fit even at `MIN_SIZE`.
pub fn size(body_html: &str, page: &Page) -> Option<u32> {
    let blocks = blocks(body_html);
    let room = room(page);
    SIZES.iter().copied().find(|&s| height(&blocks, s) <= room)
}

/// About how many characters of running text fit at the smallest size, for
/// the message that asks to shorten a letter.
pub fn capacity(page: &Page) -> usize {
    let em = MIN_SIZE as f32 / 10.0 * PX_PER_PT;
    let per_line = (COLUMN_MM * PX_PER_MM / em).floor();
    let lines = (room(page) / (em * 1.75)).floor();
    // Paragraph ends and margins take about a tenth.
    (per_line * lines * 0.9) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> Page {
        Page { fields: 0, options: true, qr: true, title_chars: 14 }
    }

    #[test]
    fn a_short_letter_keeps_12_pt() {
        let html = "<p>您的孩子 <strong>张三</strong>（高一（1）班）获得资助，本学期资助金额 <strong>1,250 元</strong>。</p>\n";
        assert_eq!(size(html, &page()), Some(120));
    }

    #[test]
    fn longer_letters_shrink_and_the_longest_are_refused() {
        let para = |n: usize| format!("<p>{}</p>\n", "资".repeat(n));
        assert_eq!(size(&para(500), &page()), Some(120));
        let sizes: Vec<Option<u32>> = [700, 760, 820, 880, 2000].iter().map(|&n| size(&para(n), &page())).collect();
        assert!(sizes.windows(2).all(|w| w[0] >= w[1] || w[1].is_none()), "{sizes:?}");
        assert_eq!(sizes[4], None);
        assert!(sizes.iter().any(|s| matches!(s, Some(s) if *s < 120)), "{sizes:?}");
    }

    #[test]
    fn receipt_fields_take_room() {
        let html = format!("<p>{}</p>", "资".repeat(640));
        let roomy = size(&html, &page());
        let tight = size(&html, &Page { fields: 4, ..page() });
        assert!(tight < roomy || tight.is_none(), "{roomy:?} {tight:?}");
    }
}
