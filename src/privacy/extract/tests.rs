//! Tests across formats: recognition by content, and mutated fixtures.

use super::fixtures::{self, zip_of};
use super::*;

fn why(name: &str, bytes: &[u8]) -> String {
    match extract(name, bytes) {
        Extracted::Unreadable { why } => why,
        Extracted::Readable { pieces, .. } => panic!("{name} was read: {pieces:?}"),
    }
}

#[test]
fn images_fonts_media_and_other_archives_are_unreadable() {
    let mut webp = b"RIFF\x24\0\0\0WEBPVP8 ".to_vec();
    webp.resize(40, 0);
    let mut bmp = b"BM".to_vec();
    bmp.extend(70u32.to_le_bytes());
    bmp.extend([0; 8]);
    bmp.extend(40u32.to_le_bytes());
    bmp.resize(70, 0);
    let mut tar = vec![0u8; 512];
    tar[257..262].copy_from_slice(b"ustar");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("a.png", fixtures::PNG_1X1.to_vec(), "图片文件（PNG）"),
        ("a.jpg", vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F'], "图片文件（JPEG）"),
        ("a.gif", b"GIF89a\x01\0\x01\0".to_vec(), "图片文件（GIF）"),
        ("a.webp", webp, "图片文件（WebP）"),
        ("a.bmp", bmp, "图片文件（BMP）"),
        ("a.tif", b"II*\0\x08\0\0\0".to_vec(), "图片文件（TIFF）"),
        ("favicon.ico", vec![0, 0, 1, 0, 1, 0, 16, 16], "图片文件（ICO）"),
        ("a.heic", b"\0\0\0\x18ftypheic\0\0\0\0".to_vec(), "图片文件（HEIF/AVIF）"),
        ("a.woff2", b"wOF2\0\x01\0\0".to_vec(), "字体文件（WOFF）"),
        ("a.woff", b"wOFF\0\x01\0\0".to_vec(), "字体文件（WOFF）"),
        ("a.ttf", vec![0, 1, 0, 0, 0, 0x0E, 0, 0x80], "字体文件"),
        ("a.otf", b"OTTO\0\x0C\0\x80".to_vec(), "字体文件"),
        ("a.7z", vec![0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C, 0, 4], "7z 压缩文件"),
        ("a.rar", b"Rar!\x1A\x07\x01\0".to_vec(), "RAR 压缩文件"),
        ("a.gz", vec![0x1F, 0x8B, 8, 0], "gzip 压缩文件"),
        ("a.tar", tar, "tar 压缩文件"),
        ("a.mp4", b"\0\0\0\x18ftypisom\0\0\0\0".to_vec(), "音频或视频文件"),
        ("a.mp3", b"ID3\x04\0\0\0\0\0\0".to_vec(), "音频或视频文件"),
    ];
    for (name, bytes, expected) in cases {
        let w = why(name, &bytes);
        assert!(w.contains(expected), "{name}: {w}");
    }
}

#[test]
fn content_decides_not_the_extension() {
    // Text named like a picture is read as text; a picture named .csv is not.
    let Extracted::Readable { pieces, .. } = extract("logo.png", "电话 13812345678".as_bytes()) else { panic!() };
    assert_eq!(pieces[0].text, "电话 13812345678");
    assert!(why("名单.csv", &fixtures::PNG_1X1).contains("图片"));
    // A text file that starts with the letters of a BMP signature stays text.
    let Extracted::Readable { .. } = extract("说明.txt", "BM25 算法说明".as_bytes()) else { panic!() };
    // Text that mentions a PDF header stays text.
    let Extracted::Readable { .. } = extract("说明.md", "PDF 文件以 %PDF-1.7 开头。".as_bytes()) else {
        panic!()
    };
    // A PDF with junk before its header is still a PDF.
    let mut pdf = b"\r\n\r\n".to_vec();
    pdf.extend(fixtures::pdf(&[fixtures::PdfPage::Text("13812345678")]));
    let Extracted::Readable { pieces, .. } = extract("notice", &pdf) else { panic!() };
    assert!(pieces[0].text.contains("13812345678"));
}

#[test]
fn web_assets_are_plain_text_without_tables() {
    for name in ["site.css", "app.js", "data.json", "icon.svg", "feed.xml", "a.webmanifest", "app.js.map", "index.html"]
    {
        let body = "/* 监督电话 13812345678, 0730-1234567 */\n\"a\",\"b\"\n\"c\",\"d\"\n";
        let Extracted::Readable { pieces, sheets } = extract(name, body.as_bytes()) else { panic!("{name}") };
        assert_eq!(pieces.len(), 1);
        assert_eq!(pieces[0].text, body, "{name}");
        assert!(sheets.is_empty(), "{name}: {sheets:?}");
    }
}

#[test]
fn a_panicking_parser_becomes_unreadable() {
    let r: Result<(), String> = guarded("测试", || panic!("boom"));
    assert_eq!(r, Err("测试时出错，文件可能已损坏".to_string()));
}

#[test]
fn labels_nest_with_arrows() {
    let inner = zip_of(&[("a.xlsx", &fixtures::xlsx_with_hidden_sheet())]);
    let outer = zip_of(&[("名单.zip", &inner)]);
    let Extracted::Readable { pieces, .. } = extract("上报材料.zip", &outer) else { panic!() };
    let labels: Vec<&str> = pieces.iter().map(|p| p.label.as_str()).collect();
    assert!(labels.contains(&"名单.zip › a.xlsx › 公示"), "{labels:?}");
    assert!(labels.contains(&"名单.zip › a.xlsx › 原始数据（隐藏）"), "{labels:?}");
}

#[test]
fn roster_rule_sees_sheets_from_every_format() {
    let rosters = |name: &str, bytes: &[u8]| match extract(name, bytes) {
        Extracted::Readable { sheets, .. } => sheets.iter().filter(|s| looks_like_roster(s)).count(),
        Extracted::Unreadable { why } => panic!("{name}: {why}"),
    };
    assert_eq!(rosters("a.xlsx", &fixtures::xlsx_with_hidden_sheet()), 2);
    assert_eq!(rosters("a.docx", &fixtures::docx()), 1);
    assert_eq!(rosters("a.ods", &fixtures::ods()), 0, "one row under 姓名 in each sheet");
    let (gbk, _, _) = encoding_rs::GBK.encode("姓名,学校\n张三,一中\n李四,二中\n");
    assert_eq!(rosters("a.csv", &gbk), 1);
    assert_eq!(rosters("a.xls", &fixtures::committed("名单.xls")), 2);
}

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(rng: &mut Rng, bytes: &mut Vec<u8>) {
    for _ in 0..1 + rng.below(4) {
        if bytes.is_empty() {
            bytes.push(rng.next() as u8);
            continue;
        }
        let at = rng.below(bytes.len());
        match rng.below(6) {
            0 | 1 => bytes[at] ^= 1 << rng.below(8),
            2 => bytes[at] = rng.next() as u8,
            3 => bytes.truncate(at),
            4 => {
                let len = rng.below(64).min(bytes.len() - at);
                let copy = bytes[at..at + len].to_vec();
                let to = rng.below(bytes.len());
                bytes.splice(to..to, copy);
            }
            _ => {
                let digits = b"0123456789<>{}\\'\"&;:/ \n";
                bytes.insert(at, digits[rng.below(digits.len())]);
            }
        }
    }
}

/// Thousands of random mutations (bit flips, byte changes, truncations,
/// copies, inserted syntax characters) of every fixture, both of the
/// file's bytes and, for zips, of one member's bytes re-zipped (so the
/// XML, workbook and nested readers see damaged input, not only the zip
/// reader). `read_any` is called without the outer guard: a panic in
/// this module's own code fails the test; panics inside third-party
/// parsers are caught by their guards and counted.
#[test]
fn random_mutations_of_every_fixture_never_panic() {
    let rtf = "{\\rtf1\\ansi\\ansicpg936{\\fonttbl{\\f0\\fcharset134 \\'cb\\'ce;}}\\f0 \\'d5\\'c5\\uc1\\u23567? 13812345678\\par\
               \\trowd\\pard\\intbl a\\cell 11010519491231002X\\cell\\row{\\pict 0123}}";
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("姓名\t电话\n张三\t13812345678\n".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let fixtures: Vec<(&str, Vec<u8>)> = vec![
        ("a.xlsx", fixtures::xlsx_with_hidden_sheet()),
        ("b.xlsx", fixtures::xlsx_numbers()),
        ("a.xls", fixtures::committed("名单.xls")),
        ("a.docx", fixtures::docx()),
        ("a.pptx", fixtures::pptx()),
        ("a.odt", fixtures::odt()),
        ("a.ods", fixtures::ods()),
        (
            "a.zip",
            zip_of(&[("x.csv", "姓名,电话\n张三,13812345678\n".as_bytes()), ("in.zip", &zip_of(&[("y.txt", b"1")]))]),
        ),
        (
            "a.pdf",
            fixtures::pdf(&[fixtures::PdfPage::Text("11010519491231002X"), fixtures::PdfPage::Chinese("张小明")]),
        ),
        ("b.pdf", fixtures::pdf(&[fixtures::PdfPage::Image, fixtures::PdfPage::Blank])),
        ("c.pdf", fixtures::pdf_with_form_cycle()),
        ("a.rtf", rtf.as_bytes().to_vec()),
        ("a.csv", utf16),
        ("b.csv", encoding_rs::GBK.encode("姓名,学校\n张三,一中\n").0.into_owned()),
        ("a.doc", fixtures::ole_with_stream("WordDocument")),
        ("a.png", fixtures::PNG_1X1.to_vec()),
    ];
    type Members = Vec<(String, Vec<u8>)>;
    let zipped: Vec<(&str, Members)> =
        fixtures.iter().filter(|(_, b)| b.starts_with(b"PK")).map(|(n, b)| (*n, fixtures::unzip(b))).collect();
    // EXTRACT_FUZZ_SEED and EXTRACT_FUZZ_CASES explore beyond the fixed run.
    let env = |name: &str, default: u64| std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    let cases = env("EXTRACT_FUZZ_CASES", 4000) as usize;
    let mut rng = Rng(env("EXTRACT_FUZZ_SEED", 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let caught_before = CAUGHT_PANICS.load(std::sync::atomic::Ordering::Relaxed);
    let (mut readable, mut unreadable) = (0, 0);
    for case in 0..cases {
        let (name, mut bytes) = if case % 3 == 2 {
            let (name, members) = &zipped[rng.below(zipped.len())];
            let mut members = members.clone();
            let victim = rng.below(members.len());
            mutate(&mut rng, &mut members[victim].1);
            let parts: Vec<(&str, &[u8])> = members.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
            (*name, zip_of(&parts))
        } else {
            let (name, bytes) = &fixtures[rng.below(fixtures.len())];
            (*name, bytes.clone())
        };
        if case % 3 != 2 {
            mutate(&mut rng, &mut bytes);
        }
        if std::env::var_os("EXTRACT_FUZZ_TRACE").is_some() {
            eprintln!("case {case} {name} {}", bytes.len());
        }
        let t0 = std::time::Instant::now();
        let result = read_any(name, &bytes, 0, &mut Ctx::new());
        if std::env::var_os("EXTRACT_FUZZ_TRACE").is_some() && t0.elapsed().as_millis() > 200 {
            eprintln!("slow {case} {name} {:?}", t0.elapsed());
        }
        match result {
            Ok(_) => readable += 1,
            Err(why) => {
                assert!(!why.is_empty());
                unreadable += 1;
            }
        }
    }
    let caught = CAUGHT_PANICS.load(std::sync::atomic::Ordering::Relaxed) - caught_before;
    // Written past the test harness's capture, so the count shows in every run.
    use std::io::Write as _;
    let _ = writeln!(
        std::io::stderr().lock(),
        "extract fuzz: {cases} mutated cases run ({readable} readable, {unreadable} unreadable; \
         {caught} panics inside third-party parsers caught)"
    );
}
