//! RTF to text: a small reader of the parts of RTF that carry text. Bytes
//! written as `\'xx` (and raw 8-bit bytes) are decoded in the code page of
//! the current font (`\fcharset134` is GBK) or of the document
//! (`\ansicpg936`); `\uN` escapes are Unicode, followed by `\ucN` fallback
//! characters that are skipped. Destinations that hold no reader-visible
//! text (font and colour tables, style sheets, pictures, embedded object
//! data, field instructions, bookmarks, shape properties) are skipped, so
//! the hex digits of a picture are never taken for numbers. Table rows
//! (`\cell` … `\row`) also become a [`Sheet`].

use super::{Found, Piece, Sheet};
use encoding_rs::Encoding;
use std::collections::HashMap;
use std::ops::ControlFlow;

/// Destinations whose content is not text a reader sees.
const SKIPPED: &[&str] = &[
    "fonttbl",
    "colortbl",
    "stylesheet",
    "listtable",
    "listoverridetable",
    "rsidtbl",
    "generator",
    "pict",
    "objdata",
    "themedata",
    "colorschememapping",
    "datastore",
    "latentstyles",
    "xmlnstbl",
    "mmathPr",
    "fldinst",
    "filetbl",
    "revtbl",
    "pgdsctbl",
    "bkmkstart",
    "bkmkend",
    "sp",
    "sn",
    "sv",
    "nonshppict",
    "blipuid",
    "wgrffmtfilter",
    "pnseclvl",
    "listtext",
    "xmlopen",
    "fchars",
    "lchars",
    "panose",
    "falt",
    "protusertbl",
    "docvar",
];

#[derive(Clone)]
struct Group {
    skip: bool,
    /// Inside the font table: control words define fonts, text is names.
    font_table: bool,
    encoding: &'static Encoding,
    uc: usize,
}

struct Reader<'a> {
    b: &'a [u8],
    i: usize,
    text: String,
    pending: Vec<u8>,
    encoding: &'static Encoding,
    default_encoding: &'static Encoding,
    fonts: HashMap<i64, &'static Encoding>,
    defining_font: Option<i64>,
    fallback_left: usize,
    high_surrogate: Option<u16>,
    // Tables.
    cell_start: usize,
    row: Vec<String>,
    rows: Vec<Vec<String>>,
    tables: Vec<Vec<Vec<String>>>,
    in_table: bool,
}

pub(super) fn read(bytes: &[u8]) -> Found {
    let (text, tables) = parse(bytes);
    let mut found = Found { pieces: vec![Piece { label: String::new(), text }], sheets: Vec::new() };
    let many = tables.len() > 1;
    for (i, rows) in tables.into_iter().enumerate() {
        let label = if many { format!("表格{}", i + 1) } else { "表格".to_string() };
        found.sheets.push(Sheet { label, rows });
    }
    found
}

fn encoding_for_codepage(cp: i64) -> Option<&'static Encoding> {
    u16::try_from(cp).ok().and_then(codepage::to_encoding)
}

/// The code page an RTF `\fcharset` stands for.
fn encoding_for_charset(charset: i64) -> Option<&'static Encoding> {
    let cp = match charset {
        0 => 1252,
        128 => 932,
        129 => 949,
        134 => 936,
        136 => 950,
        161 => 1253,
        162 => 1254,
        163 => 1258,
        177 => 1255,
        178 => 1256,
        186 => 1257,
        204 => 1251,
        222 => 874,
        238 => 1250,
        _ => return None,
    };
    encoding_for_codepage(cp)
}

pub(super) fn parse(bytes: &[u8]) -> (String, Vec<Vec<Vec<String>>>) {
    let mut r = Reader::new(bytes);
    let mut stack: Vec<Group> = Vec::new();
    let mut group = Group { skip: false, font_table: false, encoding: encoding_rs::WINDOWS_1252, uc: 1 };
    // Whether the last token opened a group (destinations are named first).
    let mut group_start = false;
    while r.i < r.b.len() {
        let c = r.b[r.i];
        r.i += 1;
        match c {
            b'{' => {
                r.open_group(&mut stack, &group);
                group_start = true;
            }
            b'}' => {
                r.close_group(&mut stack, &mut group);
                group_start = false;
            }
            b'\\' => {
                let was_start = group_start;
                group_start = false;
                if r.escape(&mut group, was_start).is_break() {
                    break;
                }
            }
            b'\r' | b'\n' => {}
            _ => {
                group_start = false;
                r.raw_byte(c, &group);
            }
        }
    }
    r.flush();
    r.end_table();
    (r.text, r.tables)
}

impl Reader<'_> {
    fn new(bytes: &[u8]) -> Reader<'_> {
        let windows_1252 = encoding_rs::WINDOWS_1252;
        Reader {
            b: bytes,
            i: 0,
            text: String::new(),
            pending: Vec::new(),
            encoding: windows_1252,
            default_encoding: windows_1252,
            fonts: HashMap::new(),
            defining_font: None,
            fallback_left: 0,
            high_surrogate: None,
            cell_start: 0,
            row: Vec::new(),
            rows: Vec::new(),
            tables: Vec::new(),
            in_table: false,
        }
    }

    /// `{`: the new group starts as a copy of the current one. Nesting
    /// deeper than 1000 is not remembered, so a hostile file cannot grow
    /// the stack without bound.
    fn open_group(&mut self, stack: &mut Vec<Group>, group: &Group) {
        self.flush();
        self.fallback_left = 0;
        if stack.len() < 1000 {
            stack.push(group.clone());
        }
    }

    /// `}`: back to the enclosing group and its encoding.
    fn close_group(&mut self, stack: &mut Vec<Group>, group: &mut Group) {
        self.flush();
        self.fallback_left = 0;
        if let Some(g) = stack.pop() {
            if group.font_table && !g.font_table {
                self.defining_font = None;
            }
            *group = g;
            self.encoding = group.encoding;
        }
    }

    /// What follows a backslash: a control word or a control symbol.
    /// Breaks when the input ends after the backslash.
    fn escape(&mut self, group: &mut Group, was_start: bool) -> ControlFlow<()> {
        let Some(&next) = self.b.get(self.i) else { return ControlFlow::Break(()) };
        if next.is_ascii_alphabetic() {
            let (word, param) = self.control_word();
            if was_start && SKIPPED.contains(&word) {
                self.flush();
                if word == "fonttbl" {
                    group.font_table = true;
                }
                group.skip = true;
                return ControlFlow::Continue(());
            }
            self.word(word, param, group);
            return ControlFlow::Continue(());
        }
        self.i += 1;
        self.control_symbol(next, group, was_start);
        ControlFlow::Continue(())
    }

    /// A backslash and one non-letter: `\'xx`, `\*`, an escaped `\ { }`,
    /// or a special space, hyphen or line break.
    fn control_symbol(&mut self, next: u8, group: &mut Group, was_start: bool) {
        match next {
            b'\'' => self.hex_byte(group),
            // `{\*\dest …}`: a destination to skip unless known;
            // none of the optional ones hold body text.
            b'*' if was_start => {
                self.flush();
                group.skip = true;
            }
            b'\\' | b'{' | b'}' if !group.skip && !self.take_fallback() => self.pending.push(next),
            b'~' => self.out(group, " "),
            b'_' => self.out(group, "-"),
            b'\n' | b'\r' => self.out(group, "\n"),
            _ => {}
        }
    }

    /// `\'xx`: one byte in the current code page, kept for [`Reader::flush`].
    fn hex_byte(&mut self, group: &Group) {
        let hex = self.b.get(self.i..self.i + 2).and_then(|h| std::str::from_utf8(h).ok());
        let Some(byte) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) else { return };
        self.i += 2;
        if !group.skip && !self.take_fallback() {
            self.pending.push(byte);
        }
    }

    /// A byte of text as written (raw 8-bit bytes are in the current code page).
    fn raw_byte(&mut self, c: u8, group: &Group) {
        if group.skip || self.take_fallback() {
            return;
        }
        self.pending.push(c);
    }

    /// Reads `\word-123 ` after the backslash.
    fn control_word(&mut self) -> (&'static str, Option<i64>) {
        let start = self.i;
        while self.i < self.b.len() && self.b[self.i].is_ascii_alphabetic() && self.i - start < 32 {
            self.i += 1;
        }
        let word = std::str::from_utf8(&self.b[start..self.i]).unwrap_or("");
        let num_start = self.i;
        if self.b.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        while self.i < self.b.len() && self.b[self.i].is_ascii_digit() && self.i - num_start < 11 {
            self.i += 1;
        }
        let param = std::str::from_utf8(&self.b[num_start..self.i]).ok().and_then(|s| s.parse::<i64>().ok());
        if self.b.get(self.i) == Some(&b' ') {
            self.i += 1;
        }
        (intern(word), param)
    }

    fn word(&mut self, word: &str, param: Option<i64>, group: &mut Group) {
        if group.font_table {
            self.font_table_word(word, param);
            return;
        }
        match word {
            "ansicpg" => {
                if let Some(enc) = param.and_then(encoding_for_codepage) {
                    self.flush();
                    self.default_encoding = enc;
                    self.encoding = enc;
                    group.encoding = enc;
                }
            }
            "f" => {
                self.flush();
                let enc = param.and_then(|f| self.fonts.get(&f).copied()).unwrap_or(self.default_encoding);
                self.encoding = enc;
                group.encoding = enc;
            }
            "uc" => group.uc = param.unwrap_or(1).clamp(0, 8) as usize,
            "u" => self.unicode(param, group),
            "bin" => {
                // Raw binary data follows: skip it whatever the group.
                let n = param.unwrap_or(0).max(0) as usize;
                self.i = self.i.saturating_add(n).min(self.b.len());
            }
            "par" | "line" | "sect" | "page" if !group.skip => {
                self.out(group, "\n");
                if word == "par" && !self.in_table && !self.rows.is_empty() {
                    self.end_table();
                }
            }
            "tab" => self.out(group, "\t"),
            "emdash" => self.out(group, "—"),
            "endash" => self.out(group, "–"),
            "bullet" => self.out(group, "•"),
            "lquote" | "rquote" => self.out(group, "'"),
            "ldblquote" => self.out(group, "“"),
            "rdblquote" => self.out(group, "”"),
            "emspace" | "enspace" | "qmspace" => self.out(group, " "),
            "pard" => self.in_table = false,
            "intbl" => self.in_table = true,
            "trowd" => {
                self.flush();
                self.cell_start = self.text.len();
            }
            "cell" | "nestcell" if !group.skip => self.end_cell(),
            "row" | "nestrow" if !group.skip => self.end_row(),
            _ => {}
        }
    }

    /// A control word inside the font table: it defines a font's code page.
    fn font_table_word(&mut self, word: &str, param: Option<i64>) {
        match word {
            "f" => self.defining_font = param,
            "fcharset" => {
                if let (Some(f), Some(enc)) = (self.defining_font, param.and_then(encoding_for_charset)) {
                    self.fonts.entry(f).or_insert(enc);
                }
            }
            "cpg" => {
                if let (Some(f), Some(enc)) = (self.defining_font, param.and_then(encoding_for_codepage)) {
                    self.fonts.insert(f, enc);
                }
            }
            _ => {}
        }
    }

    /// `\uN`: one UTF-16 unit (surrogate pairs joined), then `\ucN`
    /// fallback characters to drop.
    fn unicode(&mut self, param: Option<i64>, group: &Group) {
        if group.skip {
            return;
        }
        self.flush();
        let unit = param.unwrap_or(0) as i16 as u16;
        match (self.high_surrogate.take(), unit) {
            (_, 0xD800..=0xDBFF) => self.high_surrogate = Some(unit),
            (Some(high), 0xDC00..=0xDFFF) => {
                let c = 0x10000 + ((u32::from(high) - 0xD800) << 10) + (u32::from(unit) - 0xDC00);
                self.text.extend(char::from_u32(c));
            }
            (_, unit) => self.text.push(char::from_u32(u32::from(unit)).unwrap_or('\u{FFFD}')),
        }
        self.fallback_left = group.uc;
    }

    /// `\cell`: the text since the cell began, its spaces collapsed, is the
    /// next cell of the row; a tab keeps it apart in the text.
    fn end_cell(&mut self) {
        self.flush();
        let cell = self.text[self.cell_start.min(self.text.len())..].split_whitespace().collect::<Vec<_>>();
        self.row.push(cell.join(" "));
        self.text.push('\t');
        self.cell_start = self.text.len();
    }

    /// `\row`: the row is kept if any cell has text.
    fn end_row(&mut self) {
        self.flush();
        let row = std::mem::take(&mut self.row);
        if row.iter().any(|c| !c.is_empty()) {
            self.rows.push(row);
        }
        self.text.push('\n');
        self.cell_start = self.text.len();
        self.in_table = true;
    }

    /// Whether the next character is a `\uN` fallback to drop.
    fn take_fallback(&mut self) -> bool {
        if self.fallback_left > 0 {
            self.fallback_left -= 1;
            true
        } else {
            false
        }
    }

    fn out(&mut self, group: &Group, s: &str) {
        if group.skip {
            return;
        }
        self.flush();
        self.fallback_left = 0;
        self.text.push_str(s);
    }

    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let (s, _) = self.encoding.decode_without_bom_handling(&self.pending);
        self.text.push_str(&s);
        self.pending.clear();
    }

    fn end_table(&mut self) {
        let row = std::mem::take(&mut self.row);
        if row.iter().any(|c| !c.is_empty()) {
            self.rows.push(row);
        }
        if !self.rows.is_empty() {
            self.tables.push(std::mem::take(&mut self.rows));
        }
    }
}

/// Control words compared by name; unknown ones are all the same.
fn intern(word: &str) -> &'static str {
    const KNOWN: &[&str] = &[
        "ansicpg",
        "f",
        "uc",
        "u",
        "bin",
        "par",
        "line",
        "sect",
        "page",
        "tab",
        "emdash",
        "endash",
        "bullet",
        "lquote",
        "rquote",
        "ldblquote",
        "rdblquote",
        "emspace",
        "enspace",
        "qmspace",
        "pard",
        "intbl",
        "trowd",
        "cell",
        "nestcell",
        "row",
        "nestrow",
        "fcharset",
        "cpg",
    ];
    KNOWN.iter().chain(SKIPPED).find(|k| **k == word).copied().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::super::{extract, Extracted};
    use super::*;

    #[test]
    fn gbk_escapes_in_the_document_code_page() {
        let (name, _, _) = encoding_rs::GBK.encode("张小明");
        let escaped: String = name.iter().map(|b| format!("\\'{b:02x}")).collect();
        let rtf = format!(
            "{{\\rtf1\\ansi\\ansicpg936\\deff0{{\\fonttbl{{\\f0\\fnil\\fcharset134 \\'cb\\'ce\\'cc\\'e5;}}}}\
             {{\\colortbl;\\red0\\green0\\blue0;}}\\pard\\f0\\fs24 {escaped} 11010519491231002X\\par\r\n\
             \\'b5\\'e7\\'bb\\'b0 13812345678\\par}}"
        );
        let Extracted::Readable { pieces, .. } = extract("名单.rtf", rtf.as_bytes()) else { panic!() };
        assert_eq!(pieces[0].text, "张小明 11010519491231002X\n电话 13812345678\n");
    }

    #[test]
    fn unicode_escapes_skip_their_fallbacks_and_pictures_are_not_text() {
        let rtf = "{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f0 Arial;}{\\f1\\fcharset134 SimSun;}}\
                   {\\*\\generator Word 16;}\\uc1\\u24352?\\u23567?\\u26126? 13812345678\\par\
                   {\\pict\\pngblip 89504e470d0a1a0a0000000d49484452 13912345678}\
                   \\uc2\\u26446\\'c0\\'ee\\u21326\\'bb\\'aa\\par\
                   {\\f1 \\'d5\\'c5}\\tab {\\*\\fldinst HYPERLINK \"tel:13700000000\"}{\\fldrslt link}\\par}";
        let (text, _) = parse(rtf.as_bytes());
        assert_eq!(text, "张小明 13812345678\n李华\n张\tlink\n");
    }

    /// Chinese text as GBK `\'xx` escapes.
    fn esc(s: &str) -> String {
        encoding_rs::GBK
            .encode(s)
            .0
            .iter()
            .map(|b| if b.is_ascii() { (*b as char).to_string() } else { format!("\\'{b:02x}") })
            .collect()
    }

    #[test]
    fn table_rows_become_a_sheet() {
        let rtf = format!(
            "{{\\rtf1\\ansi\\ansicpg936 {}\\par\
             \\trowd\\cellx1000\\cellx2000\\pard\\intbl {}\\cell {}\\cell\\row\
             \\trowd\\cellx1000\\cellx2000\\pard\\intbl {}\\cell 11010519491231002X\\cell\\row\
             \\pard {}\\par}}",
            esc("标题"),
            esc("姓名"),
            esc("身份证号"),
            esc("张三"),
            esc("结尾")
        );
        let Extracted::Readable { pieces, sheets } = extract("a.rtf", rtf.as_bytes()) else { panic!() };
        assert_eq!(sheets.len(), 1);
        assert_eq!(sheets[0].rows, vec![vec!["姓名", "身份证号"], vec!["张三", "11010519491231002X"]]);
        assert!(pieces[0].text.starts_with("标题\n"), "{:?}", pieces[0].text);
        assert!(pieces[0].text.contains("张三\t11010519491231002X\t\n"), "{:?}", pieces[0].text);
        assert!(pieces[0].text.ends_with("结尾\n"));
    }

    #[test]
    fn binary_and_unbalanced_input_do_not_break_the_reader() {
        let (text, _) = parse(b"{\\rtf1 a\\bin5 {}}}}b}}}}}}{{{{\\'zz\\'4\\u-");
        assert!(text.starts_with('a') && text.contains('b'), "{text:?}");
    }
}
