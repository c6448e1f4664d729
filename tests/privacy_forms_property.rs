//! Property over how staff really write and store things: random tables
//! (names of 2 to 8 characters, some with `·`; every mask; data files in
//! UTF-8, UTF-8 with BOM, GB18030 and Excel's UTF-16 tab-separated text),
//! then one private value planted somewhere public (a notice, a public
//! column, an attachment in some encoding or format) written in a random
//! form (separators, full-width digits, glued letters, country prefixes,
//! split over table cells). Without the plant the build succeeds and no
//! private value or unmasked name is in any published byte; with it the
//! build fails and the published site stays as it was.

mod common;
use common::{add_list, all_text, build_on, tree, Site};
use proptest::prelude::*;

const SURNAMES: &[&str] = &["钱", "孙", "周", "吴", "郑", "冯", "欧阳", "司马", "阿卜杜拉·"];
const GIVEN: &[char] = &['琰', '玥', '瑾', '璇', '骁', '翊', '珩', '霁', '晗', '昀', '翎', '婕', '菡', '芮'];
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

fn id_number(seed: u64) -> String {
    let body = format!("430621{}{:02}{:02}{:03}", 2005 + seed % 12, 1 + seed % 12, 1 + seed % 28, seed % 1000);
    let sum: u32 = body.bytes().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    format!("{body}{}", b"10X98765432"[(sum % 11) as usize] as char)
}

/// A 19-digit card number starting 622202 that passes the Luhn check.
fn card_number(seed: u64) -> String {
    let body = format!("622202{:012}", seed % 1_000_000_000_000);
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            let d = u32::from(d - b'0');
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

#[derive(Debug, Clone)]
struct Student {
    name: String,
    class: u8,
    id: String,
    phone: String,
}

fn student() -> impl Strategy<Value = Student> {
    (0..SURNAMES.len(), proptest::collection::vec(0..GIVEN.len(), 1..7), 1u8..9, any::<u64>(), 0u64..100_000_000)
        .prop_map(|(s, given, class, seed, phone)| {
            let mut name = format!("{}{}", SURNAMES[s], given.iter().map(|&g| GIVEN[g]).collect::<String>());
            // Names of 2 to 8 characters.
            name = name.chars().take(8).collect();
            Student { name, class, id: id_number(seed), phone: format!("139{phone:08}") }
        })
}

fn table() -> impl Strategy<Value = Vec<Student>> {
    proptest::collection::vec(student(), 1..12).prop_map(|mut v| {
        let mut seen = std::collections::HashSet::new();
        v.retain(|s| seen.insert(s.name.clone()) && seen.insert(s.id.clone()));
        v
    })
}

/// How the data file is saved.
fn encode(csv: &str, how: u8) -> (Vec<u8>, &'static str) {
    match how % 4 {
        0 => (csv.as_bytes().to_vec(), "a.csv"),
        1 => ([&[0xEF, 0xBB, 0xBF][..], csv.as_bytes()].concat(), "a.csv"),
        2 => (encoding_rs::GB18030.encode(csv).0.into_owned(), "a.csv"),
        _ => {
            let mut b = vec![0xFF, 0xFE];
            for u in csv.replace(',', "\t").encode_utf16() {
                b.extend_from_slice(&u.to_le_bytes());
            }
            (b, "a.txt")
        }
    }
}

const SEPARATORS: &[&str] = &[" ", "  ", "\t", "-", "－", "–", "—", ".", "/", "_", "\u{3000}"];

/// A number in a form people write: grouped with one separator,
/// some digits full-width, letters glued in front.
fn written(number: &str, groups: &[usize], sep: usize, wide: u64, glue: &str) -> String {
    let mut out = String::from(glue);
    let mut at = 0;
    for (k, len) in groups.iter().enumerate() {
        let end = if k + 1 == groups.len() { number.len() } else { (at + len).min(number.len()) };
        for (i, c) in number[at..end].chars().enumerate() {
            let full = wide >> ((at + i) % 64) & 1 == 1;
            out.push(if full && c.is_ascii_digit() {
                char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap()
            } else {
                c
            });
        }
        at = end;
        if at < number.len() {
            out.push_str(SEPARATORS[sep % SEPARATORS.len()]);
        }
    }
    out
}

#[derive(Debug, Clone)]
struct Plant {
    /// 0 ID, 1 phone, 2 card, 3 a full name.
    what: u8,
    /// Where: notice, public column, attachment .txt in UTF-16, .csv in
    /// GB18030, .html, .md, a hidden sheet of an .xlsx, a .docx, a zip in a zip.
    place: u8,
    grouping: u8,
    sep: usize,
    wide: u64,
    glue: u8,
}

fn plant() -> impl Strategy<Value = Plant> {
    (0u8..4, 0u8..9, 0u8..3, 0usize..11, any::<u64>(), 0u8..5)
        .prop_map(|(what, place, grouping, sep, wide, glue)| Plant { what, place, grouping, sep, wide, glue })
}

fn planted_text(p: &Plant, s: &Student) -> String {
    let glue = ["", "G", "ID", "Tel", "No."][p.glue as usize];
    // A tab puts each group in a cell of its own: only the splits people
    // make across cells (an ID in two or three cells, 1381234 | 5678, a
    // card's bank prefix apart).
    let cells = SEPARATORS[p.sep % SEPARATORS.len()] == "\t";
    let grouping = match (cells, p.what) {
        (false, _) | (true, 3) => p.grouping,
        (true, 0) => 1 - p.grouping.min(1),          // whole, or 6-8-4
        (true, _) => [0, 2, 2][p.grouping as usize], // whole, or 7-4 / 6-13
    };
    let p = &Plant { grouping, ..p.clone() };
    match p.what {
        0 => {
            let groups: &[usize] = [&[18][..], &[6, 8, 4], &[6, 4, 4, 4]][p.grouping as usize];
            written(&s.id, groups, p.sep, p.wide, if glue == "Tel" { "" } else { glue })
        }
        1 => {
            let groups: &[usize] = [&[11][..], &[3, 4, 4], &[7, 4]][p.grouping as usize];
            let prefix = ["", "+86", "0086"][p.grouping as usize];
            format!("{prefix}{}", written(&s.phone, groups, p.sep, p.wide, ""))
        }
        2 => {
            let card = card_number(s.id.bytes().map(u64::from).sum::<u64>() * 7919);
            let groups: &[usize] = [&[19][..], &[4, 4, 4, 4, 3], &[6, 13]][p.grouping as usize];
            written(&card, groups, p.sep, p.wide, glue)
        }
        _ => {
            // A full name, with spaces between its characters when grouping says so.
            let sep = if p.grouping == 1 { " " } else { "" };
            s.name.chars().map(String::from).collect::<Vec<_>>().join(sep)
        }
    }
}

fn place(site: &Site, p: &Plant, text: &str) {
    match p.place {
        0 => site.edit("content/notices/tongzhi.md", "各学校名单公示开始", &format!("各学校名单公示开始：{text}。")),
        1 => {} // planted into the list's public column by the caller
        2 => {
            let mut b = vec![0xFF, 0xFE];
            for u in format!("说明\n{text}\n").encode_utf16() {
                b.extend_from_slice(&u.to_le_bytes());
            }
            std::fs::create_dir_all(site.path("static/附件")).unwrap();
            std::fs::write(site.path("static/附件/说明.txt"), b).unwrap();
        }
        3 => {
            std::fs::create_dir_all(site.path("static/附件")).unwrap();
            std::fs::write(
                site.path("static/附件/表.csv"),
                encoding_rs::GB18030.encode(&format!("项目,备注\n资助,{text}\n")).0,
            )
            .unwrap();
        }
        4 => site.write("static/附件/页.html", &format!("<table><tr><td>备注</td><td>{text}</td></tr></table>")),
        5 => site.write("static/附件/说明.md", &format!("# 说明\n\n{text}\n")),
        6 => {
            // A workbook whose only mention sits on a hidden sheet.
            let mut book = rust_xlsxwriter::Workbook::new();
            book.add_worksheet().set_name("说明").unwrap().write(0, 0, "资助说明").unwrap();
            let hidden = book.add_worksheet().set_name("原始").unwrap();
            hidden.write(0, 0, text).unwrap();
            hidden.set_hidden(true);
            std::fs::create_dir_all(site.path("static/附件")).unwrap();
            book.save(site.path("static/附件/说明.xlsx")).unwrap();
        }
        7 => {
            let types = r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
            let docx =
                zip_of(&[("[Content_Types].xml", types.as_bytes()), ("word/document.xml", docx_xml(text).as_bytes())]);
            write_attachment(site, "static/附件/通知.docx", &docx)
        }
        _ => {
            let inner = zip_of(&[("说明.txt", format!("备注：{text}").as_bytes())]);
            write_attachment(site, "static/附件/材料.zip", &zip_of(&[("材料/内层.zip", &inner)]));
        }
    }
}

fn write_attachment(site: &Site, rel: &str, bytes: &[u8]) {
    std::fs::create_dir_all(site.path(rel).parent().unwrap()).unwrap();
    std::fs::write(site.path(rel), bytes).unwrap();
}

/// A Word body with the text split over two runs, as Word saves edits.
fn docx_xml(text: &str) -> String {
    let cut = text.char_indices().nth(text.chars().count() / 2).map_or(0, |(i, _)| i);
    let esc = |t: &str| t.replace('&', "&amp;").replace('<', "&lt;");
    format!(
        "<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>通知：</w:t></w:r><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r><w:r><w:t>{}</w:t></w:r></w:p></w:body></w:document>",
        esc(&text[..cut]),
        esc(&text[cut..])
    )
}

fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in members {
        w.start_file(*name, options).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// The list's CSV; with `public_note`, a public 备注 column holding `note` in row `v`.
fn make_csv(students: &[Student], public_note: bool, v: usize, note: &str) -> String {
    let mut csv = String::from(if public_note {
        "姓名,班级,身份证号,联系电话,备注\n"
    } else {
        "姓名,班级,身份证号,联系电话\n"
    });
    for (i, s) in students.iter().enumerate() {
        csv.push_str(&format!("{},{}班,{},{}", s.name, s.class, s.id, s.phone));
        if public_note {
            csv.push(',');
            csv.push_str(if i == v { note } else { "" });
        }
        csv.push('\n');
    }
    csv
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn private_values_in_any_form_never_reach_public(students in table(), mask in 0u8..3, enc in 0u8..4, p in plant(), victim in any::<prop::sample::Index>()) {
        let site = Site::fixture("lists");
        let public_note = p.place == 1;
        let v = victim.index(students.len());
        let text = planted_text(&p, &students[v]);
        let csv = make_csv(&students, public_note, v, &text.replace([',', '\t', '\n'], " "));
        let mask = ["full", "middle", "surname"][mask as usize];
        let columns = if public_note {
            "\n[columns]\n\"姓名\" = \"name\"\n\"班级\" = \"public\"\n\"身份证号\" = \"id_number\"\n\"联系电话\" = \"private\"\n\"备注\" = \"public\""
        } else {
            ""
        };
        let (bytes, file) = encode(&csv, enc);
        // The clean build first: it must succeed and publish nothing private.
        let clean = make_csv(&students, public_note, v, "");
        let (clean_bytes, _) = encode(&clean, enc);
        add_list(&site, "p", &format!("name_mask = \"{mask}\"{columns}"), file, &clean_bytes);
        let run = build_on(&site, "2025-10-15");
        prop_assert_eq!(run.code, 0, "{}", run.stderr);
        let published = all_text(&site.path("public"));
        for s in &students {
            prop_assert!(!published.contains(&s.id) && !published.contains(&s.phone), "private number published");
        }
        if mask != "full" {
            for s in &students {
                prop_assert!(!published.contains(&s.name), "full name {} published", s.name);
            }
        }
        let before = tree(&site.path("public"));

        // Then the plant: the build fails and nothing published changes.
        add_list(&site, "p", &format!("name_mask = \"{mask}\"{columns}"), file, &bytes);
        if !public_note {
            place(&site, &p, &text);
        }
        let run = build_on(&site, "2025-10-15");
        prop_assert_eq!(run.code, 1, "planted {:?} at {} was published:\n{}", text, p.place, run.stdout);
        prop_assert!(tree(&site.path("public")) == before, "public/ changed after a refused build");
    }
}
