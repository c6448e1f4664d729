//! Test fixtures, made in memory: zips with the `zip` crate (or by hand
//! where a header must be odd), workbooks with `rust_xlsxwriter`, PDFs
//! with the `lopdf` that `pdf-extract` re-exports. Only the legacy `.xls`
//! is a committed file (tests/fixtures/attachments/, see its README).

use pdf_extract::{Dictionary, Document, Object, Stream, StringFormat};
use std::io::{Cursor, Read, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

/// A 1×1 PNG.
pub const PNG_1X1: [u8; 67] = [
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0A, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00,
    0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

pub fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, bytes) in members {
        w.start_file(*name, options).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// An office package: a zip of its parts.
pub fn package(members: &[(&str, &[u8])]) -> Vec<u8> {
    zip_of(members)
}

pub fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().unwrap().to_string(), data)
        })
        .collect()
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// A one-member stored zip written by hand, with the member's name as raw
/// bytes and no UTF-8 flag (as zip tools on Chinese Windows write GBK names).
pub fn zip_with_raw_name(name: &[u8], data: &[u8]) -> Vec<u8> {
    let crc = crc32(data);
    let size = data.len() as u32;
    let mut out = Vec::new();
    let header = |sig: &[u8], central: bool| {
        let mut h = sig.to_vec();
        if central {
            h.extend(20u16.to_le_bytes()); // version made by
        }
        h.extend(20u16.to_le_bytes()); // version needed
        h.extend(0u16.to_le_bytes()); // flags
        h.extend(0u16.to_le_bytes()); // stored
        h.extend([0, 0, 0x21, 0]); // time, date
        h.extend(crc.to_le_bytes());
        h.extend(size.to_le_bytes());
        h.extend(size.to_le_bytes());
        h.extend((name.len() as u16).to_le_bytes());
        h.extend(0u16.to_le_bytes()); // extra
        if central {
            h.extend([0u8; 10]); // comment len, disk, internal attrs, external attrs
            h.extend(0u32.to_le_bytes()); // local header offset
        }
        h.extend(name);
        h
    };
    out.extend(header(b"PK\x03\x04", false));
    out.extend(data);
    let central_at = out.len() as u32;
    let central = header(b"PK\x01\x02", true);
    out.extend(&central);
    out.extend(b"PK\x05\x06");
    out.extend([0u8; 4]);
    out.extend(1u16.to_le_bytes());
    out.extend(1u16.to_le_bytes());
    out.extend((central.len() as u32).to_le_bytes());
    out.extend(central_at.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

/// `members` members of 1 MiB of spaces each (text, so a reader that
/// got past the limit would read them): the data is compressed once
/// and copied raw, so the bomb is cheap to make.
pub fn zip_bomb(members: usize) -> Vec<u8> {
    let one = zip_of(&[("spaces.txt", &vec![b' '; 1 << 20])]);
    let mut source = ZipArchive::new(Cursor::new(one)).unwrap();
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..members {
        let f = source.by_index_raw(0).unwrap();
        w.raw_copy_file_rename(f, format!("{i}.bin")).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// Each `sig` header's 4-byte field at `offset` set to `value`.
fn patch_headers(zip: &mut [u8], sig: &[u8; 4], offset: usize, value: &[u8]) {
    let mut i = 0;
    while i + offset + value.len() <= zip.len() {
        if &zip[i..i + 4] == sig {
            zip[i + offset..i + offset + value.len()].copy_from_slice(value);
        }
        i += 1;
    }
}

/// The zip with every member declaring 1000 bytes uncompressed.
pub fn shrink_declared_sizes(zip: &[u8]) -> Vec<u8> {
    let mut z = zip.to_vec();
    patch_headers(&mut z, b"PK\x03\x04", 22, &1000u32.to_le_bytes());
    patch_headers(&mut z, b"PK\x01\x02", 24, &1000u32.to_le_bytes());
    z
}

/// A zip whose member is flagged as encrypted.
pub fn zip_encrypted() -> Vec<u8> {
    let mut z = zip_of(&[("名单.csv", "张三,11010519491231002X".as_bytes())]);
    patch_headers(&mut z, b"PK\x03\x04", 6, &1u16.to_le_bytes());
    patch_headers(&mut z, b"PK\x01\x02", 8, &1u16.to_le_bytes());
    z
}

/// A new workbook with a fixed creation time, so fixtures are the same
/// bytes in every run (the mutation test is reproducible).
fn workbook() -> rust_xlsxwriter::Workbook {
    let mut book = rust_xlsxwriter::Workbook::new();
    let created = rust_xlsxwriter::ExcelDateTime::from_ymd(2025, 9, 1).unwrap();
    book.set_properties(&rust_xlsxwriter::DocProperties::new().set_author("王老师").set_creation_datetime(&created));
    book
}

/// A workbook whose first sheet is the visible public list and whose
/// second, hidden, sheet holds the raw data with ID and phone numbers.
pub fn xlsx_with_hidden_sheet() -> Vec<u8> {
    let mut book = workbook();
    let public = book.add_worksheet();
    public.set_name("公示").unwrap();
    for (r, row) in [["姓名", "学校"], ["张*明", "示例县第一中学"], ["李*", "示例县第二中学"]].iter().enumerate()
    {
        for (c, v) in row.iter().enumerate() {
            public.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    let raw = book.add_worksheet();
    raw.set_name("原始数据").unwrap();
    raw.write_string(0, 0, "姓名").unwrap();
    raw.write_string(0, 1, "身份证号").unwrap();
    raw.write_string(0, 2, "联系电话").unwrap();
    raw.write_string(1, 0, "张小明").unwrap();
    raw.write_string(1, 1, "11010519491231002X").unwrap();
    raw.write_number(1, 2, 13812345678.0).unwrap();
    raw.write_string(2, 0, "李华").unwrap();
    raw.write_string(2, 1, "430621200501011234").unwrap();
    raw.write_number(2, 2, 13987654321.0).unwrap();
    raw.set_hidden(true);
    book.save_to_buffer().unwrap()
}

/// Numbers, a date and a boolean placed from C3.
pub fn xlsx_numbers() -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format};
    let mut book = workbook();
    let s = book.add_worksheet();
    s.write_string(2, 2, "电话").unwrap();
    s.write_string(2, 3, "出生日期").unwrap();
    s.write_string(2, 4, "金额").unwrap();
    s.write_number(3, 2, 13812345678.0).unwrap();
    let date = ExcelDateTime::from_ymd(2010, 5, 1).unwrap();
    s.write_datetime_with_format(3, 3, &date, &Format::new().set_num_format("yyyy-mm-dd")).unwrap();
    s.write_number(3, 4, 1250.5).unwrap();
    s.write_number(4, 2, 430621200501011234.0).unwrap();
    s.write_boolean(4, 4, true).unwrap();
    book.save_to_buffer().unwrap()
}

/// A file from tests/fixtures/attachments/.
pub fn committed(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/attachments").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A minimal OLE2 compound file (one FAT sector, one directory sector)
/// whose directory holds the root and an empty stream named `stream`.
pub fn ole_with_stream(stream: &str) -> Vec<u8> {
    const END: u32 = 0xFFFF_FFFE;
    const FREE: u32 = 0xFFFF_FFFF;
    let mut b = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    b.resize(512, 0);
    let put = |b: &mut Vec<u8>, at: usize, v: &[u8]| b[at..at + v.len()].copy_from_slice(v);
    put(&mut b, 0x18, &[0x3E, 0, 3, 0, 0xFE, 0xFF, 9, 0, 6, 0]);
    put(&mut b, 0x2C, &1u32.to_le_bytes()); // FAT sectors
    put(&mut b, 0x30, &1u32.to_le_bytes()); // directory starts at sector 1
    put(&mut b, 0x38, &4096u32.to_le_bytes());
    put(&mut b, 0x3C, &END.to_le_bytes()); // no mini FAT
    put(&mut b, 0x44, &END.to_le_bytes()); // no DIFAT sectors
    for i in 0..109 {
        put(&mut b, 0x4C + 4 * i, &(if i == 0 { 0 } else { FREE }).to_le_bytes());
    }
    // Sector 0: the FAT (itself, then the one-sector directory chain).
    let mut fat: Vec<u8> = [0xFFFF_FFFDu32, END].iter().flat_map(|v| v.to_le_bytes()).collect();
    fat.resize(512, 0xFF);
    b.extend(fat);
    // Sector 1: the directory.
    let entry = |name: &str, kind: u8| {
        let mut e: Vec<u8> = name.encode_utf16().chain([0]).flat_map(u16::to_le_bytes).collect();
        let name_len = e.len() as u16;
        e.resize(64, 0);
        e.extend(name_len.to_le_bytes());
        e.extend([kind, 1]);
        e.extend(FREE.to_le_bytes()); // left sibling
        e.extend(FREE.to_le_bytes()); // right sibling
        e.extend((if kind == 5 { 1 } else { FREE }).to_le_bytes()); // child
        e.resize(116, 0);
        e.extend(END.to_le_bytes()); // start sector
        e.resize(128, 0); // size 0
        e
    };
    b.extend(entry("Root Entry", 5));
    b.extend(entry(stream, 2));
    b.resize(1536, 0);
    b
}

const DOCX_TYPES: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#;

/// A docx: the ID number split over runs, a table, a header, a comment,
/// the author in the metadata, a style sheet.
pub fn docx() -> Vec<u8> {
    docx_with(&[])
}

pub fn docx_with(extra: &[(&str, &[u8])]) -> Vec<u8> {
    let document = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:r><w:t>联系人：张老师 13812345678</w:t></w:r></w:p>
<w:p><w:r><w:t>张小明</w:t></w:r></w:p>
<w:p><w:r><w:rPr><w:rFonts w:ascii="宋体"/></w:rPr><w:t xml:space="preserve">身份证号 1101</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>0519491231002X</w:t></w:r></w:p>
<w:tbl><w:tblPr><w:tblW w:w="0"/></w:tblPr>
<w:tr><w:tc><w:p><w:r><w:t>姓名</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>班级</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:p><w:r><w:t>张小明</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>一班</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:p><w:r><w:t>李华</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>二班</w:t></w:r></w:p></w:tc></w:tr>
</w:tbl><w:sectPr/></w:body></w:document>"#;
    let header = r#"<w:hdr xmlns:w="x"><w:p><w:r><w:t>示例县教育局</w:t></w:r></w:p></w:hdr>"#;
    let comments = r#"<w:comments xmlns:w="x"><w:comment w:author="审核人"><w:p><w:r><w:t>李华 13987654321</w:t></w:r></w:p></w:comment></w:comments>"#;
    let core = r#"<cp:coreProperties xmlns:cp="x" xmlns:dc="y"><dc:title>通知</dc:title><dc:creator>王老师</dc:creator></cp:coreProperties>"#;
    let styles = r#"<w:styles xmlns:w="x"><w:style><w:name w:val="Normal"/></w:style><w:latentStyles>标题 1</w:latentStyles></w:styles>"#;
    let mut parts: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", DOCX_TYPES),
        ("word/document.xml", document.as_bytes()),
        ("word/header1.xml", header.as_bytes()),
        ("word/comments.xml", comments.as_bytes()),
        ("word/styles.xml", styles.as_bytes()),
        ("docProps/core.xml", core.as_bytes()),
    ];
    parts.extend_from_slice(extra);
    package(&parts)
}

pub fn pptx() -> Vec<u8> {
    let slide = r#"<p:sld xmlns:p="x" xmlns:a="y"><p:cSld><p:spTree><p:sp><p:txBody>
<a:p><a:r><a:rPr lang="zh-CN"/><a:t>资助政策 </a:t></a:r><a:r><a:t>咨询电话 13812345678</a:t></a:r></a:p></p:txBody></p:sp>
<p:graphicFrame><a:graphic><a:graphicData><a:tbl>
<a:tr><a:tc><a:txBody><a:p><a:r><a:t>姓名</a:t></a:r></a:p></a:txBody></a:tc><a:tc><a:txBody><a:p><a:r><a:t>班级</a:t></a:r></a:p></a:txBody></a:tc></a:tr>
<a:tr><a:tc><a:txBody><a:p><a:r><a:t>张小明</a:t></a:r></a:p></a:txBody></a:tc><a:tc><a:txBody><a:p><a:r><a:t>一班</a:t></a:r></a:p></a:txBody></a:tc></a:tr>
</a:tbl></a:graphicData></a:graphic></p:graphicFrame></p:spTree></p:cSld></p:sld>"#;
    let notes =
        r#"<p:notes xmlns:p="x" xmlns:a="y"><a:p><a:r><a:t>备注：11010519491231002X</a:t></a:r></a:p></p:notes>"#;
    package(&[
        ("[Content_Types].xml", DOCX_TYPES),
        ("ppt/presentation.xml", b"<p:presentation/>"),
        ("ppt/slides/slide1.xml", slide.as_bytes()),
        ("ppt/notesSlides/notesSlide1.xml", notes.as_bytes()),
        ("ppt/media/image1.png", &PNG_1X1),
    ])
}

pub fn odt() -> Vec<u8> {
    let content = r#"<office:document-content xmlns:office="o" xmlns:text="t"><office:body><office:text>
<text:h>通知</text:h><text:p>联系电话 <text:span>13812345678</text:span></text:p></office:text></office:body></office:document-content>"#;
    let meta = r#"<office:document-meta xmlns:office="o" xmlns:meta="m"><office:meta><meta:initial-creator>王老师</meta:initial-creator></office:meta></office:document-meta>"#;
    package(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text".as_slice()),
        ("content.xml", content.as_bytes()),
        ("meta.xml", meta.as_bytes()),
        ("META-INF/manifest.xml", b"<manifest:manifest/>"),
    ])
}

pub fn ods() -> Vec<u8> {
    let content = r#"<office:document-content xmlns:office="o" xmlns:table="t" xmlns:text="x"><office:automatic-styles>
<style:style style:name="ta2"><style:table-properties table:display="false"/></style:style></office:automatic-styles>
<office:body><office:spreadsheet>
<table:table table:name="公示"><table:table-row><table:table-cell><text:p>姓名</text:p></table:table-cell></table:table-row>
<table:table-row><table:table-cell><text:p>张*明</text:p></table:table-cell></table:table-row></table:table>
<table:table table:name="原始数据" table:style-name="ta2"><table:table-row><table:table-cell><text:p>姓名</text:p></table:table-cell><table:table-cell><text:p>身份证号</text:p></table:table-cell><table:table-cell table:number-columns-repeated="1020"/></table:table-row>
<table:table-row><table:table-cell office:value-type="string"><text:p>张小明</text:p></table:table-cell><table:table-cell><text:p>11010519491231002X</text:p></table:table-cell></table:table-row>
<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="1024"/></table:table-row></table:table>
</office:spreadsheet></office:body></office:document-content>"#;
    package(&[
        ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet".as_slice()),
        ("content.xml", content.as_bytes()),
        ("META-INF/manifest.xml", b"<manifest:manifest/>"),
    ])
}

pub enum PdfPage {
    /// Latin text in a standard font.
    Text(&'static str),
    /// Chinese text in a CID font with a ToUnicode map, as Word and WPS write it.
    Chinese(&'static str),
    /// A page that is one picture.
    Image,
    Blank,
}

fn dict(pairs: Vec<(&str, Object)>) -> Dictionary {
    let mut d = Dictionary::new();
    for (k, v) in pairs {
        d.set(k, v);
    }
    d
}

fn name(n: &str) -> Object {
    Object::Name(n.as_bytes().to_vec())
}

fn save(mut doc: Document) -> Vec<u8> {
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// A PDF with one page per entry of `pages`.
pub fn pdf(pages: &[PdfPage]) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let helvetica = doc.add_object(dict(vec![
        ("Type", name("Font")),
        ("Subtype", name("Type1")),
        ("BaseFont", name("Helvetica")),
        ("Encoding", name("WinAnsiEncoding")),
    ]));
    let mut kids = Vec::new();
    for page in pages {
        let mut resources = Dictionary::new();
        let content: Vec<u8> = match page {
            PdfPage::Text(t) => {
                resources.set("Font", dict(vec![("F1", Object::Reference(helvetica))]));
                format!("BT /F1 12 Tf 72 700 Td ({t}) Tj ET").into_bytes()
            }
            PdfPage::Chinese(t) => {
                let font = cid_font(&mut doc, t);
                resources.set("Font", dict(vec![("F2", Object::Reference(font))]));
                let glyphs: String = (1..=t.chars().count()).map(|g| format!("{g:04X}")).collect();
                format!("BT /F2 12 Tf 72 700 Td <{glyphs}> Tj ET").into_bytes()
            }
            PdfPage::Image => {
                let image = doc.add_object(Stream::new(
                    dict(vec![
                        ("Type", name("XObject")),
                        ("Subtype", name("Image")),
                        ("Width", 2.into()),
                        ("Height", 2.into()),
                        ("ColorSpace", name("DeviceGray")),
                        ("BitsPerComponent", 8.into()),
                    ]),
                    vec![0x00, 0xFF, 0xFF, 0x00],
                ));
                resources.set("XObject", dict(vec![("Im1", Object::Reference(image))]));
                b"q 500 0 0 700 50 50 cm /Im1 Do Q".to_vec()
            }
            PdfPage::Blank => Vec::new(),
        };
        let content_id = doc.add_object(Stream::new(Dictionary::new(), content));
        kids.push(Object::Reference(doc.add_object(dict(vec![
            ("Type", name("Page")),
            ("Parent", Object::Reference(pages_id)),
            ("MediaBox", vec![0.into(), 0.into(), 595.into(), 842.into()].into()),
            ("Contents", Object::Reference(content_id)),
            ("Resources", resources.into()),
        ]))));
    }
    let count = kids.len() as i64;
    doc.objects
        .insert(pages_id, dict(vec![("Type", name("Pages")), ("Kids", kids.into()), ("Count", count.into())]).into());
    let catalog = doc.add_object(dict(vec![("Type", name("Catalog")), ("Pages", Object::Reference(pages_id))]));
    doc.trailer.set("Root", Object::Reference(catalog));
    save(doc)
}

/// A Type0 font whose glyph ids 1, 2, 3 … stand for the characters of `text`.
fn cid_font(doc: &mut Document, text: &str) -> pdf_extract::ObjectId {
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    cmap.push_str(&format!("{} beginbfchar\n", text.chars().count()));
    for (i, c) in text.chars().enumerate() {
        cmap.push_str(&format!("<{:04X}> <{:04X}>\n", i + 1, c as u32));
    }
    cmap.push_str("endbfchar\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    let to_unicode = doc.add_object(Stream::new(Dictionary::new(), cmap.into_bytes()));
    let descriptor = doc.add_object(dict(vec![
        ("Type", name("FontDescriptor")),
        ("FontName", name("SimSun")),
        ("Flags", 4.into()),
        ("FontBBox", vec![0.into(), (-120).into(), 1000.into(), 880.into()].into()),
        ("ItalicAngle", 0.into()),
        ("Ascent", 880.into()),
        ("Descent", (-120).into()),
        ("CapHeight", 700.into()),
        ("StemV", 80.into()),
    ]));
    let system_info = dict(vec![
        ("Registry", Object::String(b"Adobe".to_vec(), StringFormat::Literal)),
        ("Ordering", Object::String(b"Identity".to_vec(), StringFormat::Literal)),
        ("Supplement", 0.into()),
    ]);
    let descendant = doc.add_object(dict(vec![
        ("Type", name("Font")),
        ("Subtype", name("CIDFontType2")),
        ("BaseFont", name("SimSun")),
        ("CIDSystemInfo", system_info.into()),
        ("FontDescriptor", Object::Reference(descriptor)),
        ("DW", 1000.into()),
    ]));
    doc.add_object(dict(vec![
        ("Type", name("Font")),
        ("Subtype", name("Type0")),
        ("BaseFont", name("SimSun")),
        ("Encoding", name("Identity-H")),
        ("DescendantFonts", vec![Object::Reference(descendant)].into()),
        ("ToUnicode", Object::Reference(to_unicode)),
    ]))
}

/// A one-page text PDF encrypted with an owner password and `user` as the
/// password to open it (empty: opens without one, as many official PDFs
/// that only forbid copying do).
pub fn pdf_encrypted(user: &str) -> Vec<u8> {
    use pdf_extract::{EncryptionState, EncryptionVersion, Permissions};
    let mut doc = Document::load_mem(&pdf(&[PdfPage::Text("13812345678")])).unwrap();
    let id = Object::String(b"0123456789abcdef".to_vec(), StringFormat::Hexadecimal);
    doc.trailer.set("ID", vec![id.clone(), id]);
    let version = EncryptionVersion::V2 {
        document: &doc,
        owner_password: "owner",
        user_password: user,
        key_length: 128,
        permissions: Permissions::PRINTABLE,
    };
    let state = EncryptionState::try_from(version).unwrap();
    doc.encrypt(&state).unwrap();
    save(doc)
}

/// A one-page PDF whose page draws a form that draws itself.
pub fn pdf_with_form_cycle() -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let form_id = doc.new_object_id();
    let form = Stream::new(
        dict(vec![
            ("Type", name("XObject")),
            ("Subtype", name("Form")),
            ("BBox", vec![0.into(), 0.into(), 10.into(), 10.into()].into()),
            ("Resources", dict(vec![("XObject", dict(vec![("X1", Object::Reference(form_id))]).into())]).into()),
        ]),
        b"/X1 Do".to_vec(),
    );
    doc.objects.insert(form_id, form.into());
    one_page(doc, dict(vec![("XObject", dict(vec![("X1", Object::Reference(form_id))]).into())]), b"/X1 Do")
}

/// A PDF whose page tree loops: the page's parent has the page as parent,
/// and nobody has a MediaBox (so a reader climbing for one never stops).
pub fn pdf_with_parent_cycle() -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let page_id = doc.new_object_id();
    let content = doc.add_object(Stream::new(Dictionary::new(), b"BT ET".to_vec()));
    doc.objects.insert(
        page_id,
        dict(vec![
            ("Type", name("Page")),
            ("Parent", Object::Reference(pages_id)),
            ("Contents", Object::Reference(content)),
        ])
        .into(),
    );
    doc.objects.insert(
        pages_id,
        dict(vec![
            ("Type", name("Pages")),
            ("Kids", vec![Object::Reference(page_id)].into()),
            ("Count", 1.into()),
            ("Parent", Object::Reference(page_id)),
        ])
        .into(),
    );
    let catalog = doc.add_object(dict(vec![("Type", name("Catalog")), ("Pages", Object::Reference(pages_id))]));
    doc.trailer.set("Root", Object::Reference(catalog));
    save(doc)
}

/// A one-page PDF with `mib` compressed streams of 1 MiB of spaces each.
pub fn pdf_with_stream_bomb(mib: usize) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(&vec![b' '; 1 << 20]).unwrap();
    let compressed = z.finish().unwrap();
    let mut doc = Document::with_version("1.5");
    for _ in 0..mib {
        doc.add_object(
            Stream::new(dict(vec![("Filter", name("FlateDecode"))]), compressed.clone()).with_compression(false),
        );
    }
    one_page(doc, Dictionary::new(), b"BT ET")
}

fn one_page(mut doc: Document, resources: Dictionary, content: &[u8]) -> Vec<u8> {
    let pages_id = doc.new_object_id();
    let content_id = doc.add_object(Stream::new(Dictionary::new(), content.to_vec()));
    let page = doc.add_object(dict(vec![
        ("Type", name("Page")),
        ("Parent", Object::Reference(pages_id)),
        ("MediaBox", vec![0.into(), 0.into(), 595.into(), 842.into()].into()),
        ("Contents", Object::Reference(content_id)),
        ("Resources", resources.into()),
    ]));
    doc.objects.insert(
        pages_id,
        dict(vec![("Type", name("Pages")), ("Kids", vec![Object::Reference(page)].into()), ("Count", 1.into())]).into(),
    );
    let catalog = doc.add_object(dict(vec![("Type", name("Catalog")), ("Pages", Object::Reference(pages_id))]));
    doc.trailer.set("Root", Object::Reference(catalog));
    save(doc)
}
