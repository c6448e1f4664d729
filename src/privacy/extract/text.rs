//! Text in any encoding staff's tools write, and the tables inside it:
//! tab- or comma-delimited rows and Markdown pipe tables.

use super::{Found, Outcome, Sheet};
use encoding_rs::{Encoding, GB18030, UTF_16BE, UTF_16LE};

/// Extensions of web assets: decoded as text, never read as tables (an
/// HTML page's own tables are the site's pages, not attachments).
const WEB: [&str; 9] = ["html", "htm", "xml", "svg", "js", "css", "json", "map", "webmanifest"];

pub(super) fn read(name: &str, bytes: &[u8]) -> Outcome {
    let text = decode(bytes).ok_or_else(|| "无法识别的二进制文件，不是文字、表格、文档或压缩包".to_string())?;
    let mut found = Found::text("", String::new());
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let is_web = WEB.contains(&ext.as_str());
    let is_markup = text.trim_start().starts_with('<');
    if is_markup && !is_web {
        // Markup under another name: a table saved as a web page or as
        // Excel 2003 XML and named .xls, .doc or nothing at all.
        let tables = super::xml::strip(&text, Some(&super::xml::MARKUP)).tables;
        for (i, t) in tables.into_iter().enumerate() {
            found.sheets.push(Sheet { label: format!("表格{}", i + 1), rows: t.rows });
        }
    } else if !is_markup && !is_web {
        if let Some(rows) = delimited(&text) {
            found.sheets.push(Sheet { label: String::new(), rows });
        }
        for (i, rows) in pipe_tables(&text).into_iter().enumerate() {
            found.sheets.push(Sheet { label: format!("表格{}", i + 1), rows });
        }
    }
    found.pieces[0].text = text;
    Ok(found)
}

/// Decodes text: a BOM decides (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE); NUL
/// bytes in every other position mean BOM-less UTF-16; otherwise strict
/// UTF-8, then GB18030 (which covers GBK and GB2312). `None` for bytes that
/// are not text in any of these.
pub(super) fn decode(bytes: &[u8]) -> Option<String> {
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE\0\0") {
        return textual(utf32(rest, u32::from_le_bytes));
    }
    if let Some(rest) = bytes.strip_prefix(b"\0\0\xFE\xFF") {
        return textual(utf32(rest, u32::from_be_bytes));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return textual(String::from_utf8_lossy(rest).into_owned());
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return textual(decode_with(UTF_16LE, rest));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return textual(decode_with(UTF_16BE, rest));
    }
    if let Some(utf16) = utf16_by_nuls(bytes) {
        return textual(decode_with(utf16, bytes));
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return textual(s.to_string());
    }
    if let Some(s) = GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
        return textual(s.into_owned());
    }
    // A text file with a few damaged bytes (cut in the middle of a
    // character, one bad byte): whichever reading loses less.
    let utf8 = String::from_utf8_lossy(bytes).into_owned();
    let gb = decode_with(GB18030, bytes);
    let lost = |s: &str| s.chars().filter(|&c| c == '\u{FFFD}').count();
    let best = if lost(&gb) < lost(&utf8) { gb } else { utf8 };
    let chars = best.chars().count();
    if lost(&best) * 100 > chars {
        return None;
    }
    textual(best)
}

fn decode_with(encoding: &'static Encoding, bytes: &[u8]) -> String {
    encoding.decode_without_bom_handling(bytes).0.into_owned()
}

fn utf32(bytes: &[u8], from: fn([u8; 4]) -> u32) -> String {
    bytes
        .chunks(4)
        .map(|c| {
            let word = [c[0], *c.get(1).unwrap_or(&0), *c.get(2).unwrap_or(&0), *c.get(3).unwrap_or(&0)];
            char::from_u32(from(word)).unwrap_or('\u{FFFD}')
        })
        .collect()
}

/// UTF-16 without a BOM: text with ASCII in it (digits, tabs, line breaks)
/// has a NUL byte in every other position and almost none in the others.
fn utf16_by_nuls(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(64 * 1024) & !1];
    let pairs = sample.len() / 2;
    if pairs < 2 {
        return None;
    }
    let zeros_even = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let zeros_odd = sample.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    let mostly = |many: usize, few: usize| many * 10 >= pairs && few * 20 <= many;
    if mostly(zeros_odd, zeros_even) {
        Some(UTF_16LE)
    } else if mostly(zeros_even, zeros_odd) {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// `Some(s)` when `s` reads as text: few control characters (other than
/// tab, line breaks, form feed, escape) and few replacement characters.
fn textual(s: String) -> Option<String> {
    let mut chars = 0usize;
    let mut odd = 0usize;
    for c in s.chars() {
        chars += 1;
        if (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0C' | '\x1B') && (c as u32) < 0x80)
            || c == '\u{FFFD}'
        {
            odd += 1;
        }
    }
    (odd * 50 <= chars).then_some(s)
}

/// Rows of tab- or comma-delimited text, when at least two of the first
/// lines hold the delimiter and at least half of them do (tab wins over
/// comma: Excel's "Unicode text" is tab-separated and its cells may hold
/// commas). Quoted cells follow CSV rules; cells are trimmed, empty rows
/// left out.
pub(super) fn delimited(text: &str) -> Option<Vec<Vec<String>>> {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).take(100).collect();
    let with = |d: char| lines.iter().filter(|l| l.contains(d)).count();
    let delimiter = [b'\t', b','].into_iter().find(|&d| {
        let n = with(d as char);
        n >= 2 && n * 2 >= lines.len()
    })?;
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        // Text is valid UTF-8, and flexible records cannot fail otherwise.
        let Ok(record) = record else { break };
        let row: Vec<String> = record.iter().map(|c| c.trim().to_string()).collect();
        if row.iter().any(|c| !c.is_empty()) {
            rows.push(row);
        }
    }
    (!rows.is_empty()).then_some(rows)
}

/// Markdown pipe tables (`| 姓名 | 学校 |`): runs of at least two lines
/// starting with `|`, the `|---|` rule left out.
fn pipe_tables(text: &str) -> Vec<Vec<Vec<String>>> {
    let mut tables = Vec::new();
    let mut current: Vec<Vec<String>> = Vec::new();
    let mut lines_in_run = 0;
    for line in text.lines().chain(std::iter::once("")) {
        let line = line.trim();
        if let Some(inner) = line.strip_prefix('|') {
            lines_in_run += 1;
            let inner = inner.strip_suffix('|').unwrap_or(inner);
            let cells: Vec<String> = inner.split('|').map(|c| c.trim().to_string()).collect();
            let is_rule = cells.iter().all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')));
            if !is_rule && cells.iter().any(|c| !c.is_empty()) {
                current.push(cells);
            }
        } else {
            if lines_in_run >= 2 && !current.is_empty() {
                tables.push(std::mem::take(&mut current));
            }
            current.clear();
            lines_in_run = 0;
        }
    }
    tables
}

#[cfg(test)]
mod tests {
    use super::super::{extract, Extracted};
    use super::*;

    fn readable(name: &str, bytes: &[u8]) -> (String, Vec<Sheet>) {
        match extract(name, bytes) {
            Extracted::Readable { pieces, sheets } => {
                (pieces.into_iter().map(|p| p.text).collect::<Vec<_>>().join("\n"), sheets)
            }
            Extracted::Unreadable { why } => panic!("{name} unreadable: {why}"),
        }
    }

    fn utf16le(s: &str, bom: bool) -> Vec<u8> {
        let mut out = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
        out.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
        out
    }

    const LIST: &str =
        "姓名\t学校\t身份证号\n张小明\t示例县第一中学\t11010519491231002X\n李华\t示例县第二中学\t430621200501011234\n";

    #[test]
    fn utf16le_tab_list_with_bom_is_text_and_a_sheet() {
        let (text, sheets) = readable("名单.csv", &utf16le(LIST, true));
        assert!(text.contains("11010519491231002X"), "{text}");
        assert_eq!(sheets.len(), 1);
        assert_eq!(sheets[0].rows[1], ["张小明", "示例县第一中学", "11010519491231002X"]);
    }

    #[test]
    fn utf16le_and_be_without_bom_are_told_by_nul_bytes() {
        let (text, _) = readable("名单", &utf16le(LIST, false));
        assert!(text.contains("张小明\t示例县第一中学\t11010519491231002X"), "{text}");
        let be: Vec<u8> = LIST.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let (text, sheets) = readable("名单.txt", &be);
        assert!(text.contains("430621200501011234"), "{text}");
        assert_eq!(sheets[0].rows.len(), 3);
    }

    #[test]
    fn utf16be_with_bom_and_utf32_are_decoded() {
        let mut be = vec![0xFE, 0xFF];
        be.extend("电话 13812345678".encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(readable("a.txt", &be).0, "电话 13812345678");
        let mut le32 = vec![0xFF, 0xFE, 0, 0];
        le32.extend("李华 13812345678".chars().flat_map(|c| (c as u32).to_le_bytes()));
        assert_eq!(readable("a.txt", &le32).0, "李华 13812345678");
    }

    #[test]
    fn gbk_csv_is_decoded_and_becomes_a_sheet() {
        let csv = "姓名,学校,联系电话\r\n张小明,示例县第一中学,13812345678\r\n王芳,示例县第二中学,13987654321\r\n";
        let (gbk, _, bad) = encoding_rs::GBK.encode(csv);
        assert!(!bad);
        assert!(std::str::from_utf8(&gbk).is_err(), "the fixture must not be UTF-8");
        let (text, sheets) = readable("名单.csv", &gbk);
        assert!(text.contains("张小明,示例县第一中学,13812345678"), "{text}");
        assert_eq!(sheets[0].rows[2], ["王芳", "示例县第二中学", "13987654321"]);
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(readable("a.md", "# 通知\n电话 13812345678".as_bytes()).0, "# 通知\n电话 13812345678");
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend("姓名,电话\n张三,13812345678\n李四,13812345679\n".as_bytes());
        let (text, sheets) = readable("a.csv.bak", &bom);
        assert!(text.starts_with("姓名"), "BOM kept: {text:?}");
        assert_eq!(sheets[0].rows[0], ["姓名", "电话"]);
    }

    #[test]
    fn text_with_a_damaged_byte_is_still_read() {
        let mut bytes = "通知：请联系 13812345678。".repeat(20).into_bytes();
        bytes[5] = 0xFF;
        assert!(readable("a.txt", &bytes).0.contains("13812345678"));
    }

    #[test]
    fn markdown_pipe_table_is_a_sheet_but_html_tables_are_not() {
        let md = "# 名单\n\n| 姓名 | 班级 |\n|---|:---:|\n| 张小明 | 一班 |\n| 李华 | 二班 |\n\n正文";
        let (_, sheets) = readable("名单.md", md.as_bytes());
        assert_eq!(sheets.len(), 1);
        assert_eq!(sheets[0].label, "表格1");
        assert_eq!(sheets[0].rows, vec![vec!["姓名", "班级"], vec!["张小明", "一班"], vec!["李华", "二班"]]);
        let html = "<table><tr><td>姓名,班级</td></tr><tr><td>张三,一班</td></tr></table>";
        let (text, sheets) = readable("list.html", html.as_bytes());
        assert_eq!(text, html, "markup is scanned as written");
        assert!(sheets.is_empty());
    }

    #[test]
    fn a_web_page_saved_as_xls_gives_its_table() {
        let html = "<html><body><table><tr><td>姓名</td><td>身份证号</td></tr><tr><td>张三</td><td>11010519491231002X</td></tr></table></body></html>";
        let (text, sheets) = readable("名单.xls", html.as_bytes());
        assert_eq!(text, html);
        assert_eq!(sheets[0].rows[1], ["张三", "11010519491231002X"]);
    }

    #[test]
    fn prose_with_a_comma_is_not_a_table() {
        let (_, sheets) = readable("a.txt", "第一行，没有逗号\n第二行, 有一个逗号\n第三行\n第四行\n第五行".as_bytes());
        assert!(sheets.is_empty(), "{sheets:?}");
    }

    #[test]
    fn binary_bytes_are_unreadable() {
        let mut state = 0x2545F4914F6CDD1Du64;
        let random: Vec<u8> = (0..4096)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 24) as u8
            })
            .collect();
        let Extracted::Unreadable { why } = extract("data.bin", &random) else { panic!("random bytes read as text") };
        assert!(why.contains("二进制"), "{why}");
        // An ELF executable: mostly NULs in no UTF-16 pattern, control bytes.
        let mut elf = b"\x7FELF\x02\x01\x01\0".to_vec();
        elf.extend((0u8..=255).cycle().take(2000));
        assert!(matches!(extract("tool", &elf), Extracted::Unreadable { .. }));
    }

    #[test]
    fn empty_file_is_readable_and_empty() {
        assert_eq!(readable("empty.txt", b""), (String::new(), vec![]));
    }
}
