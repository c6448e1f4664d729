//! Office packages: zips of XML parts (docx, xlsx, pptx, OpenDocument
//! odt/ods/odp, EPUB). The text of every XML part that holds content is
//! read (body, headers, footers, notes, comments, text boxes, charts,
//! metadata such as the author); xlsx/xlsb cells come from calamine, one
//! piece per sheet; tables become [`Sheet`]s; embedded objects
//! (`…/embeddings/…`) are read as files of their own. Other parts are read
//! too, but when unreadable (pictures, fonts, printer settings, macros)
//! they are passed over, not refused; a
//! document whose body has no text and which holds pictures is unreadable
//! (a scanned list pasted into a document).

use super::archive::Member;
use super::xml::{self, Dialect};
use super::{read_any, sheet, sniff, text, Found, Kind, Outcome, Piece, Sheet, MAX_DEPTH};
use std::collections::HashSet;

/// OOXML packages name their parts in `[Content_Types].xml`; OpenDocument
/// and EPUB files start with a `mimetype` member.
pub(super) fn is_package(members: &[Member]) -> bool {
    members.iter().any(|m| m.name == "[Content_Types].xml" || m.name == "mimetype")
}

/// Parts whose text is only formatting (style and font names, settings).
fn is_noise(lower: &str) -> bool {
    let file = lower.rsplit('/').next().unwrap_or(lower);
    lower.contains("theme/")
        || matches!(
            file,
            "[content_types].xml"
                | "styles.xml"
                | "styleswitheffects.xml"
                | "fonttable.xml"
                | "settings.xml"
                | "websettings.xml"
                | "calcchain.xml"
                | "manifest.xml"
                | "presprops.xml"
                | "viewprops.xml"
                | "tablestyles.xml"
        )
}

fn is_xml(lower: &str) -> bool {
    [".xml", ".xhtml", ".html", ".htm", ".opf", ".ncx", ".vml"].iter().any(|e| lower.ends_with(e))
}

/// The main text of a document, as opposed to its metadata and templates.
fn is_body(lower: &str) -> bool {
    lower == "word/document.xml"
        || lower.starts_with("ppt/slides/slide")
        || lower == "content.xml"
        || lower.ends_with(".xhtml")
        || lower.ends_with(".html")
        || lower.ends_with(".htm")
}

pub(super) fn read(bytes: &[u8], members: &[Member], depth: usize, ctx: &mut super::Ctx) -> Outcome {
    let workbook = workbook_kind(members);
    let mut found = Found::default();
    let mut body_has_text = false;
    let mut cell_strings: HashSet<String> = HashSet::new();
    if let Some(binary) = workbook {
        let (from_cells, strings) = read_cells(bytes, binary)?;
        cell_strings = strings;
        body_has_text |= from_cells.has_text();
        found.absorb("", from_cells);
    }
    for m in members {
        let lower = m.name.to_ascii_lowercase();
        if lower.contains("/embeddings/") || lower.starts_with("embeddings/") {
            if let Some(inner) = read_embedded(m, depth, ctx)? {
                body_has_text |= inner.has_text();
                found.absorb(&m.name, inner);
            }
            continue;
        }
        if !is_xml(&lower) {
            if let Some(inner) = read_other_part(m, &lower, depth, ctx) {
                found.absorb(&m.name, inner);
            }
            continue;
        }
        if is_noise(&lower) {
            continue;
        }
        let part = text::decode(&m.bytes).unwrap_or_else(|| String::from_utf8_lossy(&m.bytes).into_owned());
        if workbook.is_some() {
            if let Some(piece) = workbook_part(&m.name, &lower, &part, &cell_strings) {
                found.pieces.push(piece);
            }
            continue;
        }
        let (from_part, is_body_text) = document_part(&m.name, &lower, &part);
        body_has_text |= is_body_text;
        found.sheets.extend(from_part.sheets);
        found.pieces.extend(from_part.pieces);
    }
    let has_pictures = members
        .iter()
        .any(|m| !m.name.to_ascii_lowercase().contains("thumbnail") && matches!(sniff(&m.bytes), Kind::Image(_)));
    if !body_has_text && has_pictures {
        return Err("文档里只有图片，没有可读取的文字（可能是扫描件或截图）".into());
    }
    Ok(found)
}

/// `Some(false)` for an xlsx/xlsm workbook, `Some(true)` for a binary xlsb
/// one, `None` when the package is not a workbook.
fn workbook_kind(members: &[Member]) -> Option<bool> {
    let has = |name: &str| members.iter().any(|m| m.name == name);
    if has("xl/workbook.xml") {
        Some(false)
    } else if has("xl/workbook.bin") {
        Some(true)
    } else {
        None
    }
}

/// The cells of every sheet through calamine, and the set of strings they
/// show (so that the shared strings can be read for the ones no cell shows).
fn read_cells(bytes: &[u8], binary: bool) -> Result<(Found, HashSet<String>), String> {
    let mut cell_strings: HashSet<String> = HashSet::new();
    let sheets = sheet::read_xlsx(bytes, binary)?;
    for s in &sheets {
        cell_strings.extend(s.rows.iter().flatten().cloned());
    }
    Ok((sheet::found_from_sheets(sheets), cell_strings))
}

/// An embedded object (`…/embeddings/…`) read as a file of its own;
/// `None` for a picture, which is only the object's preview. One that
/// cannot be read makes the whole document unreadable.
fn read_embedded(m: &Member, depth: usize, ctx: &mut super::Ctx) -> Result<Option<Found>, String> {
    if depth >= MAX_DEPTH {
        return Err(format!("文档中嵌入的“{}”嵌套过深，无法读取", m.name));
    }
    match read_any(&m.name, &m.bytes, depth + 1, ctx) {
        Ok(inner) => Ok(Some(inner)),
        // A picture of an embedded object is its preview.
        Err(_) if matches!(sniff(&m.bytes), Kind::Image(_)) => Ok(None),
        Err(why) => Err(format!("文档中嵌入的“{}”：{why}", m.name)),
    }
}

/// A part that is neither XML nor embedded, when it turns out to hold text.
fn read_other_part(m: &Member, lower: &str, depth: usize, ctx: &mut super::Ctx) -> Option<Found> {
    // Other parts are pictures, fonts, printer settings, macros:
    // skipped when unreadable, read when they turn out to be text.
    if depth < MAX_DEPTH && !lower.ends_with(".rels") && lower != "mimetype" {
        if let Ok(inner) = read_any(&m.name, &m.bytes, depth + 1, ctx) {
            if inner.has_text() {
                return Some(inner);
            }
        }
    }
    None
}

/// The text and tables of one XML part of a document (not a workbook), and
/// whether it gave body text (see [`is_body`]).
fn document_part(part_name: &str, lower: &str, part: &str) -> (Found, bool) {
    let dialect: Option<&Dialect> = if lower.starts_with("word/") {
        Some(&xml::WORD)
    } else if lower.starts_with("ppt/") {
        Some(&xml::DRAWING)
    } else if lower.ends_with("content.xml") {
        Some(&xml::ODF)
    } else {
        None
    };
    let mut found = Found::default();
    let stripped = xml::strip(part, dialect);
    let has_text = !stripped.text.trim().is_empty();
    let mut body_has_text = has_text && is_body(lower);
    for (i, t) in stripped.tables.into_iter().enumerate() {
        let label = match t.name {
            Some(name) if !name.trim().is_empty() => name,
            _ => format!("{} 表格{}", part_name, i + 1),
        };
        body_has_text |= is_body(lower);
        found.sheets.push(Sheet { label, rows: t.rows });
    }
    if has_text {
        found.pieces.push(Piece { label: part_name.to_string(), text: stripped.text });
    }
    (found, body_has_text)
}

/// The text of one part of a workbook besides its cells (read through
/// calamine): a worksheet gives only its page headers and footers, the
/// shared strings only the strings no cell shows, a pivot cache the values
/// it keeps in attributes (a copy of its source data, which may be a sheet
/// since deleted); every other part its text.
fn workbook_part(name: &str, lower: &str, part: &str, cell_strings: &HashSet<String>) -> Option<Piece> {
    let text = if lower.starts_with("xl/worksheets/") {
        headers_and_footers(part)
    } else if lower.ends_with("sharedstrings.xml") {
        let all = xml::strip(part, None).text;
        let unseen: Vec<&str> =
            all.lines().map(str::trim).filter(|l| !l.is_empty() && !cell_strings.contains(*l)).collect();
        unseen.join("\n")
    } else if lower.starts_with("xl/pivotcache/") {
        attribute_values(part, "v")
    } else {
        xml::strip(part, None).text
    };
    (!text.trim().is_empty()).then(|| Piece { label: name.to_string(), text })
}

fn headers_and_footers(sheet_xml: &str) -> String {
    let mut out = Vec::new();
    for tag in ["oddHeader", "oddFooter", "evenHeader", "evenFooter", "firstHeader", "firstFooter"] {
        let open = format!("<{tag}>");
        let close = format!("</{tag}>");
        let mut rest = sheet_xml;
        while let Some(i) = rest.find(&open) {
            rest = &rest[i + open.len()..];
            let end = rest.find(&close).unwrap_or(rest.len());
            out.push(xml::unescape(&rest[..end]));
            rest = &rest[end..];
        }
    }
    out.join("\n")
}

/// Every `name="…"` attribute value in the part, one a line.
fn attribute_values(part: &str, name: &str) -> String {
    let needle = format!(" {name}=\"");
    let mut out = Vec::new();
    let mut rest = part;
    while let Some(i) = rest.find(&needle) {
        rest = &rest[i + needle.len()..];
        let end = rest.find('"').unwrap_or(rest.len());
        out.push(xml::unescape(&rest[..end]));
        rest = &rest[end..];
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{self, zip_of};
    use super::super::{extract, Extracted, Piece, Sheet};

    fn readable(name: &str, bytes: &[u8]) -> (Vec<Piece>, Vec<Sheet>) {
        match extract(name, bytes) {
            Extracted::Readable { pieces, sheets } => (pieces, sheets),
            Extracted::Unreadable { why } => panic!("{name} unreadable: {why}"),
        }
    }

    fn piece<'a>(pieces: &'a [Piece], label: &str) -> &'a str {
        &pieces.iter().find(|p| p.label == label).unwrap_or_else(|| panic!("no {label} in {pieces:?}")).text
    }

    #[test]
    fn docx_body_header_comment_table_and_author() {
        let (pieces, sheets) = readable("通知.docx", &fixtures::docx());
        let body = piece(&pieces, "word/document.xml");
        assert!(body.contains("联系人：张老师 13812345678"), "{body:?}");
        assert!(body.contains("身份证号 11010519491231002X"), "runs glued back: {body:?}");
        assert!(!body.contains("13812345678张小明"), "paragraphs do not glue: {body:?}");
        assert!(piece(&pieces, "word/header1.xml").contains("示例县教育局"));
        assert!(piece(&pieces, "word/comments.xml").contains("李华 13987654321"));
        assert!(piece(&pieces, "docProps/core.xml").contains("王老师"));
        assert!(!pieces.iter().any(|p| p.label.contains("styles")), "style names are not read");
        assert_eq!(sheets.len(), 1);
        assert_eq!(sheets[0].label, "word/document.xml 表格1");
        assert_eq!(sheets[0].rows, vec![vec!["姓名", "班级"], vec!["张小明", "一班"], vec!["李华", "二班"]]);
    }

    #[test]
    fn docx_with_an_embedded_workbook_reads_it() {
        let docx = fixtures::docx_with(&[(
            "word/embeddings/Microsoft_Excel_Worksheet.xlsx",
            &fixtures::xlsx_with_hidden_sheet(),
        )]);
        let (pieces, _) = readable("a.docx", &docx);
        let hidden = piece(&pieces, "word/embeddings/Microsoft_Excel_Worksheet.xlsx › 原始数据（隐藏）");
        assert!(hidden.contains("11010519491231002X"));
    }

    #[test]
    fn docx_holding_only_a_picture_is_unreadable() {
        let docx = fixtures::package(&[
            ("[Content_Types].xml", b"<Types/>".as_slice()),
            ("word/document.xml", b"<w:document><w:body><w:p><w:r><w:drawing/></w:r></w:p></w:body></w:document>"),
            ("word/media/image1.png", &fixtures::PNG_1X1),
        ]);
        let Extracted::Unreadable { why } = extract("名单.docx", &docx) else { panic!() };
        assert!(why.contains("只有图片"), "{why}");
        // Pictures beside text are passed over.
        let docx = fixtures::docx_with(&[("word/media/image1.png", &fixtures::PNG_1X1)]);
        readable("a.docx", &docx);
    }

    #[test]
    fn pptx_slides_and_tables() {
        let (pieces, sheets) = readable("宣讲.pptx", &fixtures::pptx());
        assert!(piece(&pieces, "ppt/slides/slide1.xml").contains("资助政策 咨询电话 13812345678"));
        assert!(piece(&pieces, "ppt/notesSlides/notesSlide1.xml").contains("11010519491231002X"));
        assert_eq!(sheets[0].rows[1], ["张小明", "一班"]);
    }

    #[test]
    fn odt_text_and_ods_sheets_hidden_ones_included() {
        let (pieces, _) = readable("通知.odt", &fixtures::odt());
        assert!(piece(&pieces, "content.xml").contains("联系电话 13812345678"));
        assert!(!pieces.iter().any(|p| p.label == "mimetype"), "{pieces:?}");
        assert!(piece(&pieces, "meta.xml").contains("王老师"));
        let (pieces, sheets) = readable("名单.ods", &fixtures::ods());
        let labels: Vec<&str> = sheets.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, ["公示", "原始数据"]);
        assert_eq!(sheets[1].rows[1], ["张小明", "11010519491231002X"]);
        assert!(piece(&pieces, "content.xml").contains("11010519491231002X"));
    }

    #[test]
    fn epub_chapters_are_read() {
        let epub = fixtures::package(&[
            ("mimetype", b"application/epub+zip".as_slice()),
            ("META-INF/container.xml", b"<container/>"),
            ("OEBPS/ch1.xhtml", "<html><body><p>电话 13812345678</p><p>张三</p></body></html>".as_bytes()),
        ]);
        let (pieces, _) = readable("a.epub", &epub);
        assert!(piece(&pieces, "OEBPS/ch1.xhtml").contains("电话 13812345678\n张三"));
    }

    #[test]
    fn xlsx_headers_unreferenced_strings_and_pivot_caches_are_read() {
        let xlsx = fixtures::xlsx_with_hidden_sheet();
        let mut members = fixtures::unzip(&xlsx);
        for (name, bytes) in &mut members {
            if name == "xl/worksheets/sheet1.xml" {
                let s = String::from_utf8(bytes.clone()).unwrap();
                let s = s.replace(
                    "</worksheet>",
                    "<headerFooter><oddFooter>&amp;C制表人 13900001111</oddFooter></headerFooter></worksheet>",
                );
                *bytes = s.into_bytes();
            }
            if name == "xl/sharedStrings.xml" {
                let s = String::from_utf8(bytes.clone()).unwrap();
                *bytes = s.replace("</sst>", "<si><t>孤立的 13700001111</t></si></sst>").into_bytes();
            }
        }
        members.push((
            "xl/pivotCache/pivotCacheRecords1.xml".into(),
            r#"<pivotCacheRecords><r><s v="赵六"/><s v="430621200501011234"/></r></pivotCacheRecords>"#.as_bytes().to_vec(),
        ));
        let parts: Vec<(&str, &[u8])> = members.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
        let (pieces, _) = readable("a.xlsx", &zip_of(&parts));
        assert!(piece(&pieces, "xl/worksheets/sheet1.xml").contains("制表人 13900001111"));
        let unseen = piece(&pieces, "xl/sharedStrings.xml");
        assert_eq!(unseen, "孤立的 13700001111", "only strings no cell shows");
        assert!(piece(&pieces, "xl/pivotCache/pivotCacheRecords1.xml").contains("赵六\n430621200501011234"));
    }

    #[test]
    fn text_parts_outside_xml_are_read_and_binary_parts_passed_over() {
        let font: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
        let docx = fixtures::docx_with(&[
            ("word/fonts/font1.odttf", &font),
            ("customXml/名单.csv", "姓名,电话\n张三,13812345678\n李四,13912345678\n".as_bytes()),
        ]);
        let (pieces, sheets) = readable("a.docx", &docx);
        assert!(piece(&pieces, "customXml/名单.csv").contains("13812345678"));
        assert!(sheets.iter().any(|s| s.label == "customXml/名单.csv"), "{sheets:?}");
        assert!(!pieces.iter().any(|p| p.label.contains("font1")));
    }

    #[test]
    fn embedded_object_that_cannot_be_read_makes_the_document_unreadable() {
        let docx =
            fixtures::docx_with(&[("word/embeddings/oleObject1.bin", &fixtures::ole_with_stream("WordDocument"))]);
        let Extracted::Unreadable { why } = extract("a.docx", &docx) else { panic!() };
        assert!(why.contains("oleObject1.bin") && why.contains(".doc"), "{why}");
    }
}
