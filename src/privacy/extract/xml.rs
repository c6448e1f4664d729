//! Text out of XML by stripping tags: a tolerant reader that never fails
//! (a damaged part still gives the text it has), keeps runs of one word
//! together (Word splits `430621…` over several `<w:r><w:t>` runs), and
//! puts a line break or space between paragraphs, cells and other
//! elements so words from different places do not glue. Tables (Word
//! `w:tbl`, PowerPoint `a:tbl`, OpenDocument `table:table`) are collected
//! as rows of cells on the way.

use super::MAX_CELLS;

/// How a file format writes tables (local names, without namespace
/// prefix, compared without regard to ASCII case).
pub(super) struct Dialect {
    pub table: &'static str,
    pub rows: &'static [&'static str],
    pub cells: &'static [&'static str],
    /// OpenDocument: `table:number-columns-repeated`, `…-rows-repeated`
    /// and the sheet name in `table:name`.
    pub odf: bool,
}

pub(super) const WORD: Dialect = Dialect { table: "tbl", rows: &["tr"], cells: &["tc"], odf: false };
pub(super) const DRAWING: Dialect = Dialect { table: "tbl", rows: &["tr"], cells: &["tc"], odf: false };
pub(super) const ODF: Dialect =
    Dialect { table: "table", rows: &["table-row"], cells: &["table-cell", "covered-table-cell"], odf: true };
/// HTML tables (end tags may be left out) and Excel 2003 XML
/// (`<Table><Row><Cell><Data>`), as saved by "另存为网页" or exported by
/// web systems under an `.xls` name.
pub(super) const MARKUP: Dialect =
    Dialect { table: "table", rows: &["tr", "row"], cells: &["td", "th", "cell"], odf: false };

fn is_one(local: &str, names: &[&str]) -> bool {
    names.iter().any(|n| n.eq_ignore_ascii_case(local))
}

pub(super) struct Table {
    /// `table:name` in OpenDocument; `None` elsewhere.
    pub name: Option<String>,
    pub rows: Vec<Vec<String>>,
}

#[derive(Default)]
pub(super) struct Stripped {
    pub text: String,
    pub tables: Vec<Table>,
}

/// Elements that hold part of a run of text: no separator around them.
const INLINE: &[&str] = &[
    "t",
    "r",
    "rPr",
    "delText",
    "instrText",
    "ins",
    "del",
    "hyperlink",
    "smartTag",
    "proofErr",
    "bookmarkStart",
    "bookmarkEnd",
    "fldSimple",
    "fldChar",
    "softHyphen",
    "noBreakHyphen",
    "lastRenderedPageBreak",
    "customXml",
    "span",
    "a",
    "b",
    "i",
    "u",
    "em",
    "strong",
    "sub",
    "sup",
    "small",
    "font",
    "code",
    "bdo",
    "abbr",
    "bookmark",
    "bookmark-start",
    "bookmark-end",
    "soft-page-break",
    "sequence",
    "reference-mark",
];

/// Elements that end a line: paragraphs, rows, cells, list items.
const BLOCK: &[&str] = &[
    "p",
    "h",
    "tr",
    "tc",
    "td",
    "th",
    "row",
    "c",
    "si",
    "li",
    "div",
    "table-row",
    "table-cell",
    "covered-table-cell",
    "list-item",
    "title",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "dt",
    "dd",
    "caption",
    "blockquote",
    "pre",
];

struct Open {
    local: String,
    had_text: bool,
}

struct TableBuild {
    name: Option<String>,
    rows: Vec<Vec<String>>,
    row: Option<Vec<String>>,
    row_repeat: usize,
    cell: Option<String>,
    cell_repeat: usize,
    /// Empty cells seen in this row and not yet added: only added when a
    /// cell with text follows (OpenDocument repeats empty cells to the
    /// sheet's edge).
    pending_empty: usize,
    cells: usize,
}

/// Most columns kept in one table row, and most times one repeated
/// OpenDocument row or cell is expanded.
const MAX_COLUMNS: usize = 1024;
const MAX_ROW_REPEAT: usize = 1000;

pub(super) fn strip(xml: &str, dialect: Option<&Dialect>) -> Stripped {
    let mut out = Stripped::default();
    let mut open: Vec<Open> = Vec::new();
    let mut tables: Vec<TableBuild> = Vec::new();
    let mut rest = xml;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            text(&mut out.text, &mut open, &mut tables, &unescape(rest));
            break;
        };
        if lt > 0 {
            text(&mut out.text, &mut open, &mut tables, &unescape(&rest[..lt]));
        }
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        if let Some(after) = rest.strip_prefix("<![CDATA[") {
            let end = after.find("]]>").unwrap_or(after.len());
            text(&mut out.text, &mut open, &mut tables, &after[..end]);
            rest = after.get(end + 3..).unwrap_or("");
            continue;
        }
        let Some(end) = tag_end(rest) else { break };
        let tag = &rest[1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') || tag.starts_with('?') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let local = local_name(name.trim());
            close(&mut out, &mut open, &mut tables, local, dialect);
            continue;
        }
        let self_closing = tag.ends_with('/');
        let tag = tag.strip_suffix('/').unwrap_or(tag);
        let name_end = tag.find(|c: char| c.is_whitespace()).unwrap_or(tag.len());
        let local = local_name(&tag[..name_end]);
        let attrs = &tag[name_end..];
        start(&mut out.text, &mut tables, local, attrs, dialect);
        if self_closing {
            close(&mut out, &mut Vec::new(), &mut tables, local, dialect);
        } else if open.len() < 10_000 {
            open.push(Open { local: local.to_string(), had_text: false });
        }
    }
    while let Some(t) = tables.pop() {
        finish_table(&mut out, t);
    }
    out
}

/// The index of the `>` that ends the tag starting at `s[0] == '<'`,
/// skipping `>` inside quoted attribute values.
fn tag_end(s: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

fn local_name(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

fn separate(s: &mut String, sep: char) {
    match s.chars().last() {
        None => {}
        Some('\n') => {}
        Some(c) if c.is_whitespace() && sep != '\n' => {}
        Some(c) if c.is_whitespace() => {
            s.truncate(s.trim_end_matches([' ', '\t']).len());
            s.push('\n');
        }
        Some(_) => s.push(sep),
    }
}

fn text(out: &mut String, open: &mut [Open], tables: &mut [TableBuild], t: &str) {
    if t.is_empty() {
        return;
    }
    out.push_str(t);
    if let Some(o) = open.last_mut() {
        o.had_text |= !t.trim().is_empty();
    }
    if let Some(cell) = tables.last_mut().and_then(|tb| tb.cell.as_mut()) {
        cell.push_str(t);
    }
}

fn start(out: &mut String, tables: &mut Vec<TableBuild>, local: &str, attrs: &str, dialect: Option<&Dialect>) {
    match local {
        "tab" => push_sep(out, tables, '\t'),
        "br" | "cr" | "line-break" => push_sep(out, tables, '\n'),
        // OpenDocument `<text:s text:c="3"/>`: spaces.
        "s" => {
            out.push(' ');
            if let Some(cell) = tables.last_mut().and_then(|tb| tb.cell.as_mut()) {
                cell.push(' ');
            }
        }
        _ if BLOCK.contains(&local) => push_sep(out, tables, '\n'),
        _ => {}
    }
    let Some(d) = dialect else { return };
    let repeat = |name: &str| {
        if d.odf {
            attr(attrs, name).and_then(|v| v.trim().parse::<usize>().ok()).unwrap_or(1).max(1)
        } else {
            1
        }
    };
    if d.table.eq_ignore_ascii_case(local) {
        let name = if d.odf { attr(attrs, "table:name").map(unescape) } else { None };
        if tables.len() < 64 {
            tables.push(TableBuild {
                name,
                rows: Vec::new(),
                row: None,
                row_repeat: 1,
                cell: None,
                cell_repeat: 1,
                pending_empty: 0,
                cells: 0,
            });
        }
    } else if let Some(tb) = tables.last_mut() {
        if is_one(local, d.rows) {
            // A row or cell left open (HTML may omit end tags) ends here.
            tb.end_row();
            tb.row = Some(Vec::new());
            tb.row_repeat = repeat("table:number-rows-repeated");
            tb.pending_empty = 0;
        } else if is_one(local, d.cells) {
            tb.end_cell();
            tb.cell = Some(String::new());
            tb.cell_repeat = repeat("table:number-columns-repeated");
        }
    }
}

fn push_sep(out: &mut String, tables: &mut [TableBuild], sep: char) {
    separate(out, sep);
    if let Some(cell) = tables.last_mut().and_then(|tb| tb.cell.as_mut()) {
        separate(cell, if sep == '\t' { '\t' } else { ' ' });
    }
}

fn close(
    out: &mut Stripped,
    open: &mut Vec<Open>,
    tables: &mut Vec<TableBuild>,
    local: &str,
    dialect: Option<&Dialect>,
) {
    if let Some(o) = open.pop() {
        if o.had_text && !INLINE.contains(&o.local.as_str()) && !BLOCK.contains(&o.local.as_str()) {
            push_sep(&mut out.text, tables, ' ');
        }
        if let Some(parent) = open.last_mut() {
            parent.had_text |= o.had_text && INLINE.contains(&o.local.as_str());
        }
    }
    if BLOCK.contains(&local) {
        push_sep(&mut out.text, tables, '\n');
    }
    let Some(d) = dialect else { return };
    if d.table.eq_ignore_ascii_case(local) {
        if let Some(t) = tables.pop() {
            finish_table(out, t);
        }
        return;
    }
    let Some(tb) = tables.last_mut() else { return };
    if is_one(local, d.cells) {
        tb.end_cell();
    } else if is_one(local, d.rows) {
        tb.end_row();
    }
}

impl TableBuild {
    fn end_cell(&mut self) {
        let Some(value) = self.cell.take() else { return };
        let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
        let repeat = std::mem::replace(&mut self.cell_repeat, 1);
        let Some(row) = self.row.as_mut() else { return };
        if value.is_empty() {
            self.pending_empty = self.pending_empty.saturating_add(repeat);
            return;
        }
        let room = MAX_COLUMNS.saturating_sub(row.len());
        row.extend(std::iter::repeat_n(String::new(), self.pending_empty.min(room)));
        self.pending_empty = 0;
        let room = MAX_COLUMNS.saturating_sub(row.len());
        row.extend(std::iter::repeat_n(value, repeat.min(room)));
    }

    fn end_row(&mut self) {
        self.end_cell();
        let Some(row) = self.row.take() else { return };
        let repeat = std::mem::replace(&mut self.row_repeat, 1).min(MAX_ROW_REPEAT);
        if row.is_empty() {
            return;
        }
        for _ in 0..repeat {
            if self.cells + row.len() > MAX_CELLS {
                break;
            }
            self.cells += row.len();
            self.rows.push(row.clone());
        }
    }
}

fn finish_table(out: &mut Stripped, mut t: TableBuild) {
    t.end_row();
    if !t.rows.is_empty() {
        out.tables.push(Table { name: t.name, rows: t.rows });
    }
}

/// The value of attribute `name` (qualified as written) in a tag's
/// attribute text.
pub(super) fn attr<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let mut from = 0;
    while let Some(i) = attrs[from..].find(name) {
        let at = from + i;
        from = at + name.len();
        let before_ok = attrs[..at].chars().last().is_none_or(char::is_whitespace);
        let after = attrs[from..].trim_start();
        if !before_ok {
            continue;
        }
        let Some(after) = after.strip_prefix('=') else { continue };
        let after = after.trim_start();
        let quote = after.chars().next()?;
        if quote != '"' && quote != '\'' {
            return None;
        }
        let value = &after[1..];
        return Some(&value[..value.find(quote).unwrap_or(value.len())]);
    }
    None
}

/// Resolves XML character references and the common named entities;
/// an unknown or broken reference is kept as written.
pub(super) fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let semi = rest[1..].find(';').map(|i| i + 1).filter(|&i| i <= 12);
        let resolved = semi.and_then(|semi| {
            let name = &rest[1..semi];
            let c = match name {
                "lt" => '<',
                "gt" => '>',
                "amp" => '&',
                "quot" => '"',
                "apos" => '\'',
                "nbsp" | "ensp" | "emsp" | "thinsp" => ' ',
                "mdash" => '—',
                "ndash" => '–',
                "middot" => '·',
                "ldquo" => '“',
                "rdquo" => '”',
                _ => {
                    let code = if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                        u32::from_str_radix(hex, 16).ok()
                    } else {
                        name.strip_prefix('#').and_then(|d| d.parse().ok())
                    };
                    code.and_then(char::from_u32)?
                }
            };
            Some((c, semi))
        });
        match resolved {
            Some((c, semi)) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_runs_stay_together_and_paragraphs_do_not_glue() {
        let xml = r#"<?xml version="1.0"?><w:document xmlns:w="x"><w:body>
            <w:p><w:r><w:rPr><w:b/><w:sz w:val="24"/></w:rPr><w:t>身份证号 4306</w:t></w:r><w:proofErr/><w:r><w:t xml:space="preserve">21200501011234</w:t></w:r></w:p>
            <w:p><w:r><w:t>张三</w:t></w:r></w:p><w:p><w:r><w:t>李四</w:t><w:tab/><w:t>一班</w:t></w:r></w:p>
            </w:body></w:document>"#;
        let s = strip(xml, Some(&WORD)).text;
        assert!(s.contains("身份证号 430621200501011234"), "{s:?}");
        assert!(s.contains("张三\n") && s.contains("李四\t一班"), "{s:?}");
        assert!(!s.contains("张三李四"), "{s:?}");
    }

    #[test]
    fn leaf_elements_are_separated_and_entities_resolved() {
        let xml = "<cp:coreProperties><dc:creator>张老师</dc:creator><cp:lastModifiedBy>李老师</cp:lastModifiedBy>\
                   <c><v>13812345678</v></c><c><v>2</v></c><x>A&amp;B &#x5F20;&#19977; &bogus; &lt;</x><![CDATA[<raw>]]><!-- 注释 13900000000 --></cp:coreProperties>";
        let s = strip(xml, None).text;
        assert!(s.contains("张老师 李老师"), "{s:?}");
        assert!(s.contains("13812345678\n2"), "{s:?}");
        assert!(s.contains("A&B 张三 &bogus; <"), "{s:?}");
        assert!(s.contains("<raw>"), "{s:?}");
        assert!(!s.contains("13900000000"), "comments are not text: {s:?}");
    }

    #[test]
    fn word_table_becomes_rows() {
        let xml = "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>姓名</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>班级</w:t></w:r></w:p></w:tc></w:tr>\
                   <w:tr><w:tc><w:p><w:r><w:t>张</w:t></w:r><w:r><w:t>三</w:t></w:r></w:p></w:tc><w:tc><w:p/><w:p><w:r><w:t>一班</w:t></w:r></w:p></w:tc></w:tr></w:tbl>";
        let s = strip(xml, Some(&WORD));
        assert_eq!(s.tables.len(), 1);
        assert_eq!(s.tables[0].rows, vec![vec!["姓名", "班级"], vec!["张三", "一班"]]);
    }

    #[test]
    fn opendocument_repeats_are_expanded_where_they_hold_text() {
        let xml = r#"<table:table table:name="名单"><table:table-row><table:table-cell table:number-columns-repeated="2"/><table:table-cell><text:p>姓名</text:p></table:table-cell><table:table-cell table:number-columns-repeated="16000"/></table:table-row>
            <table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="2"><text:p>x</text:p></table:table-cell><table:table-cell><text:p>张<text:s/>三</text:p></table:table-cell></table:table-row>
            <table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row></table:table>"#;
        let s = strip(xml, Some(&ODF));
        assert_eq!(s.tables[0].name.as_deref(), Some("名单"));
        assert_eq!(s.tables[0].rows, vec![vec!["", "", "姓名"], vec!["x", "x", "张 三"], vec!["x", "x", "张 三"]]);
    }

    #[test]
    fn html_tables_without_end_tags_and_excel_2003_xml() {
        let html = "<TABLE border=1><TR><TD>姓名<TD>电话<TR><td>张三</td><td>13812345678</TABLE>";
        assert_eq!(strip(html, Some(&MARKUP)).tables[0].rows, vec![vec!["姓名", "电话"], vec!["张三", "13812345678"]]);
        let xml = r#"<Workbook><Worksheet ss:Name="名单"><Table><Row><Cell><Data ss:Type="String">姓名</Data></Cell></Row>
            <Row><Cell><Data ss:Type="String">李华</Data></Cell></Row></Table></Worksheet></Workbook>"#;
        assert_eq!(strip(xml, Some(&MARKUP)).tables[0].rows, vec![vec!["姓名"], vec!["李华"]]);
    }

    #[test]
    fn broken_xml_still_gives_its_text() {
        let s = strip("<a><b>13812345678</b><c attr=\"x>y\">张三</c><d unterminated", None).text;
        assert!(s.contains("13812345678") && s.contains("张三"), "{s:?}");
        assert_eq!(strip("no tags at all", None).text, "no tags at all");
        assert!(strip("</x></y><z>", None).text.is_empty());
    }
}
