//! A Word document's text as blocks: paragraphs (with bold runs marked
//! `**…**`, heading levels from their style, centring) and tables (rows of
//! cells). Reads `word/document.xml` and `word/styles.xml` with a small tag
//! scanner: formatting that does not change the text's meaning is dropped.

use super::Block;
use std::collections::HashMap;
use std::io::Read;

/// Parts larger than this are refused (a policy text is a few hundred KB).
const MAX_PART: u64 = 32 << 20;

pub fn read(bytes: &[u8]) -> Result<Vec<Block>, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|_| "文件不是有效的 .docx（Word 文档）".to_string())?;
    let document = part(&mut zip, "word/document.xml")?.ok_or("文件里没有 Word 正文（word/document.xml）")?;
    let styles = part(&mut zip, "word/styles.xml")?.map(|s| heading_styles(&s)).unwrap_or_default();
    Ok(Reader::new(&styles).blocks(&document))
}

fn part<R: Read + std::io::Seek>(zip: &mut zip::ZipArchive<R>, name: &str) -> Result<Option<String>, String> {
    let Ok(file) = zip.by_name(name) else { return Ok(None) };
    let mut text = String::new();
    file.take(MAX_PART).read_to_string(&mut text).map_err(|e| format!("无法读取 {name}：{e}"))?;
    Ok(Some(text))
}

/// One XML tag: its local name (without namespace prefix), attributes
/// as written, and whether it closes (`</x>`) or is empty (`<x/>`).
struct Tag<'a> {
    name: &'a str,
    attrs: &'a str,
    close: bool,
    empty: bool,
}

impl Tag<'_> {
    fn attr(&self, key: &str) -> Option<&str> {
        let mut rest = self.attrs;
        while let Some(at) = rest.find(key) {
            let after = &rest[at + key.len()..];
            let before_ok = at == 0 || rest.as_bytes()[at - 1] == b' ' || rest.as_bytes()[at - 1] == b':';
            if before_ok {
                if let Some(v) = after.strip_prefix("=\"") {
                    return v.split('"').next();
                }
            }
            rest = after;
        }
        None
    }

    /// `w:val` that switches a property off.
    fn off(&self) -> bool {
        matches!(self.attr("val"), Some("0" | "false" | "none"))
    }
}

/// Tags and text in document order.
fn scan(xml: &str, mut each: impl FnMut(Result<Tag, &str>)) {
    let mut rest = xml;
    while let Some(open) = rest.find('<') {
        if open > 0 {
            each(Err(&rest[..open]));
        }
        let Some(close) = rest[open..].find('>') else { return };
        let inner = &rest[open + 1..open + close];
        rest = &rest[open + close + 1..];
        if inner.starts_with(['?', '!']) {
            continue;
        }
        let close_tag = inner.starts_with('/');
        let inner = inner.trim_start_matches('/');
        let empty = inner.ends_with('/');
        let inner = inner.trim_end_matches('/');
        let (qname, attrs) = inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
        let name = qname.rsplit(':').next().unwrap_or(qname);
        each(Ok(Tag { name, attrs, close: close_tag, empty }));
    }
    if !rest.is_empty() {
        each(Err(rest));
    }
}

fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let end = rest[at..].find(';').map(|e| at + e);
        let entity = end.map(|e| &rest[at + 1..e]).unwrap_or("");
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e if e.starts_with("#x") => u32::from_str_radix(&e[2..], 16).ok().and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match (c, end) {
            (Some(c), Some(e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            _ => {
                out.push('&');
                rest = &rest[at + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Style id → heading level (1 = top), from the style's name (heading 1,
/// 标题 1, Title) or its outline level.
fn heading_styles(xml: &str) -> HashMap<String, u8> {
    let mut out = HashMap::new();
    let mut id: Option<String> = None;
    scan(xml, |t| {
        let Ok(t) = t else { return };
        match (t.name, t.close) {
            ("style", false) => id = t.attr("styleId").map(str::to_string),
            ("style", true) => id = None,
            ("name", false) => {
                let name = t.attr("val").unwrap_or("").to_lowercase();
                let level = name
                    .strip_prefix("heading ")
                    .or_else(|| name.strip_prefix("标题 "))
                    .and_then(|n| n.trim().parse::<u8>().ok())
                    .or((name == "title" || name == "标题").then_some(0));
                if let (Some(id), Some(l)) = (&id, level) {
                    out.insert(id.clone(), l);
                }
            }
            ("outlineLvl", false) => {
                if let (Some(id), Some(l)) = (&id, t.attr("val").and_then(|v| v.parse::<u8>().ok())) {
                    out.entry(id.clone()).or_insert(l + 1);
                }
            }
            _ => {}
        }
    });
    out
}

/// The paragraph being read.
#[derive(Default)]
struct Para {
    text: String,
    level: Option<u8>,
    centred: bool,
    /// Word's own list numbering (`w:numPr`): the number is not in the text.
    listed: bool,
    /// Bold run being read, closed when a plain run starts.
    in_bold: bool,
}

impl Para {
    fn push(&mut self, s: &str, bold: bool) {
        if s.is_empty() {
            return;
        }
        let mut s = s;
        if bold && !self.in_bold {
            // Spaces stay outside the asterisks, or CommonMark ignores them.
            let lead = s.len() - s.trim_start().len();
            self.text.push_str(&s[..lead]);
            s = &s[lead..];
        }
        if bold != self.in_bold && !s.is_empty() {
            self.toggle();
        }
        self.text.push_str(s);
    }

    fn toggle(&mut self) {
        if self.in_bold {
            // Spaces stay outside the asterisks, or CommonMark ignores them.
            let trimmed = self.text.trim_end().len();
            let tail = self.text.split_off(trimmed);
            if self.text.ends_with("**") {
                self.text.truncate(self.text.len() - 2);
            } else {
                self.text.push_str("**");
            }
            self.text.push_str(&tail);
        } else {
            self.text.push_str("**");
        }
        self.in_bold = !self.in_bold;
    }

    fn finish(mut self) -> (String, Option<u8>, bool) {
        if self.in_bold {
            self.toggle();
        }
        if self.listed && self.level.is_none() && !self.text.trim().is_empty() {
            // A numbered or bulleted paragraph of Word's: a list item.
            self.text = format!("- {}", self.text.trim_start());
        }
        (self.text, self.level, self.centred)
    }
}

struct Reader<'s> {
    styles: &'s HashMap<String, u8>,
    blocks: Vec<Block>,
    para: Option<Para>,
    bold: bool,
    in_text: bool,
    /// Tables being read (nested ones count as text of their cell).
    tables: Vec<Vec<Vec<String>>>,
    cell: Option<Vec<String>>,
    skip_cell: bool,
}

impl<'s> Reader<'s> {
    fn new(styles: &'s HashMap<String, u8>) -> Self {
        Reader {
            styles,
            blocks: Vec::new(),
            para: None,
            bold: false,
            in_text: false,
            tables: Vec::new(),
            cell: None,
            skip_cell: false,
        }
    }

    fn blocks(mut self, xml: &str) -> Vec<Block> {
        scan(xml, |t| match t {
            Ok(tag) => self.tag(&tag),
            Err(text) if self.in_text => {
                let bold = self.bold;
                if let Some(p) = &mut self.para {
                    p.push(&unescape(text), bold);
                }
            }
            Err(_) => {}
        });
        self.blocks
    }

    fn tag(&mut self, t: &Tag) {
        match (t.name, t.close) {
            ("p", false) if !t.empty => self.para = Some(Para::default()),
            ("p", true) => self.end_paragraph(),
            ("r", false) => self.bold = false,
            ("b", false) if self.para.is_some() => self.bold = !t.off(),
            ("t", false) => self.in_text = !t.empty,
            ("t", true) => self.in_text = false,
            ("tab", false) => self.text("\t"),
            ("br" | "cr", false) => self.text("\n"),
            ("pStyle", false) => {
                let level = t.attr("val").and_then(|v| self.styles.get(v)).copied();
                if let Some(p) = &mut self.para {
                    p.level = level;
                }
            }
            ("outlineLvl", false) => {
                if let (Some(p), Some(l)) = (&mut self.para, t.attr("val").and_then(|v| v.parse::<u8>().ok())) {
                    p.level = p.level.or((l < 9).then_some(l + 1));
                }
            }
            ("numPr", false) => {
                if let Some(p) = &mut self.para {
                    p.listed = true;
                }
            }
            ("jc", false) => {
                if let Some(p) = &mut self.para {
                    p.centred = t.attr("val") == Some("center");
                }
            }
            ("tbl", false) => self.tables.push(Vec::new()),
            ("tbl", true) => self.end_table(),
            ("tr", false) => {
                if let Some(t) = self.tables.last_mut() {
                    t.push(Vec::new());
                }
            }
            ("tc", false) => {
                self.cell = Some(Vec::new());
                self.skip_cell = false;
            }
            ("vMerge", false) => self.skip_cell = t.attr("val") != Some("restart"),
            ("tc", true) => self.end_cell(),
            _ => {}
        }
    }

    fn text(&mut self, s: &str) {
        let bold = self.bold;
        if let Some(p) = &mut self.para {
            p.push(s, bold);
        }
    }

    fn end_paragraph(&mut self) {
        let Some(p) = self.para.take() else { return };
        let (text, level, centred) = p.finish();
        match &mut self.cell {
            Some(cell) if self.tables.len() == 1 => cell.push(text),
            _ if !self.tables.is_empty() => {}
            _ => self.blocks.push(Block::Para { text, level, centred }),
        }
    }

    fn end_cell(&mut self) {
        let Some(cell) = self.cell.take() else { return };
        let text = if self.skip_cell {
            String::new()
        } else {
            cell.into_iter().filter(|p| !p.trim().is_empty()).collect::<Vec<_>>().join("<br>")
        };
        if let Some(row) = self.tables.last_mut().and_then(|t| t.last_mut()) {
            row.push(text);
        }
    }

    fn end_table(&mut self) {
        if let Some(rows) = self.tables.pop() {
            if self.tables.is_empty() {
                self.blocks.push(Block::Table(rows.into_iter().filter(|r| !r.is_empty()).collect()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_bold_headings_and_tables() {
        let styles = heading_styles(
            r#"<w:styles><w:style w:styleId="1"><w:name w:val="heading 1"/></w:style><w:style w:styleId="a"><w:name w:val="Normal"/></w:style></w:styles>"#,
        );
        let doc = r#"<w:document><w:body>
<w:p><w:pPr><w:pStyle w:val="1"/></w:pPr><w:r><w:t>第一章 总则</w:t></w:r></w:p>
<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">第一条 </w:t></w:r><w:r><w:t>为了&amp;帮助。</w:t></w:r></w:p>
<w:p><w:r><w:rPr><w:b w:val="0"/></w:rPr><w:t>不是粗体</w:t></w:r><w:r><w:tab/><w:t>x</w:t></w:r></w:p>
<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>自动编号的一项</w:t></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>时间</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>内容</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:p><w:r><w:t>三月</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>甲</w:t></w:r></w:p><w:p><w:r><w:t>乙</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p><w:r><w:t>三月</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>丙</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
</w:body></w:document>"#;
        let blocks = Reader::new(&styles).blocks(doc);
        assert_eq!(
            blocks,
            vec![
                Block::Para { text: "第一章 总则".into(), level: Some(1), centred: false },
                Block::Para { text: "**第一条** 为了&帮助。".into(), level: None, centred: true },
                Block::Para { text: "不是粗体\tx".into(), level: None, centred: false },
                Block::Para { text: "- 自动编号的一项".into(), level: None, centred: false },
                Block::Table(vec![
                    vec!["时间".into(), "内容".into()],
                    vec!["三月".into(), "甲<br>乙".into()],
                    vec!["".into(), "丙".into()],
                ]),
            ]
        );
    }

    #[test]
    fn not_a_docx() {
        assert!(read(b"plain text").unwrap_err().contains(".docx"));
    }
}
