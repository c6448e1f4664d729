//! Never-public data recognised by its values, whatever the column is
//! called: a column that can reach a public page (name, public, tier,
//! amount) is refused when its cells look like ID numbers, phone numbers,
//! bank cards, dates of birth, home addresses or family hardship.
//!
//! The rules are written so that real public values pass: schools
//! (示例县第一中学, 某某镇中心小学, 解放路小学), classes (高一（3）班, 2023级1班),
//! majors, grades, tiers (一档), amounts (1,500, 1150元) and the programme
//! names (义务教育家庭经济困难学生生活补助 says 困难 but no hardship class).
//! Cells arrive cleaned by `data::normalise::cell` (full-width digits and
//! letters are ASCII).

use crate::data::idnum;
use std::collections::{HashMap, HashSet};

/// What a cell looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    IdNumber,
    Phone,
    BankCard,
    /// 12 or more digits that are none of the above (an ID cut by Excel, a
    /// card that fails its check, a 学籍号): never a public value.
    LongNumber,
    BirthDate,
    Address,
    Hardship,
}

impl Kind {
    /// What the value looks like, in Chinese.
    pub fn label(self) -> &'static str {
        match self {
            Kind::IdNumber => "身份证号",
            Kind::Phone => "电话号码",
            Kind::BankCard => "银行卡号",
            Kind::LongNumber => "长串数字（像身份证号、银行卡号或学籍号）",
            Kind::BirthDate => "出生日期",
            Kind::Address => "家庭住址",
            Kind::Hardship => "家庭经济困难情况",
        }
    }
}

/// A never-public value, and how to show it in a diagnostic without
/// repeating it (digits and place names masked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub kind: Kind,
    pub masked: String,
}

/// The first never-public value of a column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Index of the cell in the sequence given to `column`.
    pub index: usize,
    pub seen: Seen,
    /// How many cells of the column look never-public.
    pub count: usize,
}

/// Looks at every cell of one column. Numbers, addresses and hardship words
/// are judged cell by cell; dates by the column: a date shared by every
/// cell (发放日期 2025-10-13 on each row) is an event, dates that differ
/// from row to row, or a date among other text (a 备注 cell), are birth
/// dates.
pub fn column<'a>(cells: impl IntoIterator<Item = &'a str>) -> Option<Hit> {
    let mut first: Option<(usize, Seen)> = None;
    let mut count = 0;
    let (mut filled, mut date_cells) = (0usize, 0usize);
    let mut first_date: Option<(usize, String)> = None;
    let mut dates: HashSet<(u32, u32, u32)> = HashSet::new();
    // Each distinct value is judged once: grades, classes and amounts
    // repeat on thousands of rows.
    let mut judged: HashMap<&str, Judged> = HashMap::new();
    for (i, text) in cells.into_iter().enumerate() {
        if text.is_empty() {
            continue;
        }
        filled += 1;
        let verdict = judged.entry(text).or_insert_with(|| match cell(text) {
            Some(seen) => Judged::Seen(seen),
            None => date_in(text).map_or(Judged::Clean, |(ymd, masked)| Judged::Date(ymd, masked)),
        });
        if let Judged::Seen(seen) = verdict {
            count += 1;
            first.get_or_insert_with(|| (i, seen.clone()));
            continue;
        }
        if let Judged::Date(ymd, masked) = verdict {
            date_cells += 1;
            if dates.len() < 2 {
                dates.insert(*ymd);
            }
            first_date.get_or_insert_with(|| (i, masked.clone()));
        }
    }
    let event_date = date_cells >= 2 && date_cells == filled && dates.len() == 1;
    if let Some((i, masked)) = first_date.filter(|_| !event_date) {
        count += date_cells;
        if first.as_ref().is_none_or(|(f, _)| i < *f) {
            first = Some((i, Seen { kind: Kind::BirthDate, masked }));
        }
    }
    first.map(|(index, seen)| Hit { index, seen, count })
}

/// What `column` found in one distinct value.
enum Judged {
    Seen(Seen),
    Date((u32, u32, u32), String),
    Clean,
}

/// A cell's text for a message, in quotes, unless it holds a never-public
/// value (a shifted column puts an ID into the amount column): then only
/// what it looks like. Messages reach the terminal, the workbench and
/// screenshots staff share.
pub fn quoted_for_message(text: &str) -> String {
    match cell(text) {
        Some(seen) => format!("（内容像{}，不在这里显示）", seen.kind.label()),
        None => format!("“{text}”"),
    }
}

/// A never-public number, address or hardship word in one cell (dates
/// need the whole column: see `column`).
pub fn cell(text: &str) -> Option<Seen> {
    number_in(text).or_else(|| address_in(text)).or_else(|| hardship_in(text))
}

/// Whether a cell holds a resident ID number anywhere in it, glued to
/// letters (G + ID, the national 学籍号) or split by separators: 18
/// characters with a real birth date (whatever the check digit: a mistyped
/// ID is still somebody's ID), an Excel-cut 18-digit number, or an old
/// 15-digit ID. Letters call this on every column they may print.
pub fn holds_id_number(text: &str) -> bool {
    let text = crate::data::normalise::cell(text);
    digit_strings(&text).iter().any(|d| looks_like_id(&d.d))
}

/// Whether any cell of a column holds an ID number (`holds_id_number`).
pub fn column_holds_id_numbers<'a>(cells: impl IntoIterator<Item = &'a str>) -> bool {
    cells.into_iter().any(holds_id_number)
}

fn looks_like_id(d: &[u8]) -> bool {
    match d.len() {
        18 => {
            d[..17].iter().all(u8::is_ascii_digit)
                && (idnum::is_valid_18(d)
                    || d.ends_with(b"000")
                    || std::str::from_utf8(&d[6..14]).is_ok_and(|s| real_date(s).is_some()))
        }
        15 => idnum::is_plausible_15(d),
        _ => false,
    }
}

/// Digits as written in a cell: one run, or runs joined across separators.
struct Digits {
    /// ASCII digits, and an ID's check character `X` at the end.
    d: Vec<u8>,
    /// Length of each run joined (one for a plain run).
    groups: Vec<usize>,
}

/// The digit strings of a cell: each run of digits (with an ID's trailing
/// X), and each chain of runs joined across short separators (138 1234
/// 5678, 0730-1234567, +86 138…), since that is how people write numbers.
fn digit_strings(text: &str) -> Vec<Digits> {
    let b = text.as_bytes();
    let mut out: Vec<Digits> = Vec::new();
    let mut chain = Digits { d: Vec::new(), groups: Vec::new() };
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let mut run = b[start..i].to_vec();
        chain.d.extend_from_slice(&run);
        chain.groups.push(run.len());
        // An ID's check character X ends a run of 17 digits, or a chain.
        if (run.len() == 17 || chain.d.len() == 17) && i < b.len() && (b[i] == b'X' || b[i] == b'x') {
            if run.len() == 17 {
                run.push(b'X');
            }
            chain.d.push(b'X');
            i += 1;
        }
        let groups = vec![run.len()];
        out.push(Digits { d: run, groups });
        // The chain goes on when a short run of separators leads to a digit.
        let gap = separators(&text[i..]);
        if gap > 0 && b.get(i + gap).is_some_and(u8::is_ascii_digit) && chain.d.last() != Some(&b'X') {
            i += gap;
            continue;
        }
        let chain = std::mem::replace(&mut chain, Digits { d: Vec::new(), groups: Vec::new() });
        if chain.groups.len() > 1 {
            out.push(chain);
        }
    }
    out
}

/// Bytes of separators at the start of `b`, at most three of them: spaces,
/// tabs, - . / _ + ( ) and the dashes and dots of Chinese text (－ – — ‐ ·).
fn separators(s: &str) -> usize {
    let mut bytes = 0;
    for (n, c) in s.chars().enumerate() {
        let sep = matches!(
            c,
            ' ' | '\t' | '-' | '.' | '/' | '_' | '+' | '(' | ')' | '－' | '–' | '—' | '‐' | '‑' | '·' | '（' | '）'
        );
        if !sep || n == 3 {
            break;
        }
        bytes += c.len_utf8();
    }
    bytes
}

fn number_in(text: &str) -> Option<Seen> {
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    digit_strings(text).iter().find_map(|d| classify(d).map(|kind| Seen { kind, masked: mask_digits(&d.d, kind) }))
}

/// What a digit string is. Joined runs are judged more strictly than a
/// plain run, since separators also join dates and ranges (2025.09-2026.01,
/// 2025.09.01-2026.01.31): they count as a card only in groups of three or
/// more digits, as a landline only after an area code, and never as a mere
/// long number.
fn classify(s: &Digits) -> Option<Kind> {
    let d = s.d.as_slice();
    let plain = s.groups.len() == 1;
    let mobile = |m: &[u8]| m.len() == 11 && m[0] == b'1' && (b'3'..=b'9').contains(&m[1]);
    if d.len() == 18 && idnum::is_valid_18(d) || d.len() == 15 && idnum::is_plausible_15(d) {
        return Some(Kind::IdNumber);
    }
    if !d.iter().all(u8::is_ascii_digit) {
        // 17 digits and an X that fail the check: still ID-shaped.
        return Some(Kind::LongNumber);
    }
    // A landline with its area code (010, 02x, 0xxx) and 7 or 8 digits.
    let landline = if plain {
        (10..=12).contains(&d.len()) && d[0] == b'0' && d[1] != b'0'
    } else {
        let area = s.groups[0];
        (3..=4).contains(&area) && d[0] == b'0' && d[1] != b'0' && (7..=8).contains(&(d.len() - area))
    };
    if mobile(d) || d.strip_prefix(b"86").is_some_and(mobile) || d.strip_prefix(b"0086").is_some_and(mobile) || landline
    {
        return Some(Kind::Phone);
    }
    if (16..=19).contains(&d.len()) && crate::privacy::scan::luhn(d) && s.groups.iter().all(|&g| g >= 3) {
        return Some(Kind::BankCard);
    }
    (plain && d.len() >= 12).then_some(Kind::LongNumber)
}

/// Phones and IDs keep their first 3 and last 4 characters, cards their
/// first and last 4; everything between is `*`.
fn mask_digits(d: &[u8], kind: Kind) -> String {
    let (head, tail) = if kind == Kind::BankCard { (4, 4) } else { (3, 4) };
    let s = String::from_utf8_lossy(d);
    if s.len() <= head + tail {
        return "*".repeat(s.len());
    }
    format!("{}{}{}", &s[..head], "*".repeat(s.len() - head - tail), &s[s.len() - tail..])
}

/// A full date in a cell: 2008-01-01, 2008/1/1, 2008.01.01, 2008年1月1日,
/// or a cell that is only 20080101. Returns the date and the cell's year
/// with month and day masked.
fn date_in(text: &str) -> Option<((u32, u32, u32), String)> {
    let b = text.as_bytes();
    let only_digits = b.len() == 8 && b.iter().all(u8::is_ascii_digit);
    if only_digits {
        return real_date(text).map(|ymd| (ymd, format!("{}****", &text[..4])));
    }
    let mut i = 0;
    while i + 4 <= b.len() {
        let four = &b[i..i + 4];
        let before_digit = i > 0 && b[i - 1].is_ascii_digit();
        if four.iter().all(u8::is_ascii_digit) && !before_digit && matches!(&four[..2], b"19" | b"20") {
            if let Some(ymd) = ymd_after(&text[i..]) {
                return Some((ymd, format!("{}-**-**", &text[i..i + 4])));
            }
        }
        i += 1;
    }
    None
}

/// `s` starts with a year: is it a whole year-month-day?
fn ymd_after(s: &str) -> Option<(u32, u32, u32)> {
    let year: u32 = s[..4].parse().ok()?;
    let mut rest = &s[4..];
    let mut parts = [0u32; 2];
    for (k, part) in parts.iter_mut().enumerate() {
        let sep = rest.chars().next()?;
        let ok = match k {
            0 => matches!(sep, '-' | '/' | '.' | '年'),
            _ => matches!(sep, '-' | '/' | '.' | '月'),
        };
        if !ok {
            return None;
        }
        rest = &rest[sep.len_utf8()..];
        let n = rest.bytes().take_while(u8::is_ascii_digit).count();
        if !(1..=2).contains(&n) {
            return None;
        }
        *part = rest[..n].parse().ok()?;
        rest = &rest[n..];
    }
    if rest.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
        return None;
    }
    chrono::NaiveDate::from_ymd_opt(year as i32, parts[0], parts[1])
        .filter(|_| (1900..=2100).contains(&year))
        .map(|_| (year, parts[0], parts[1]))
}

fn real_date(yyyymmdd: &str) -> Option<(u32, u32, u32)> {
    let n = |a: usize, b: usize| yyyymmdd.get(a..b)?.parse::<u32>().ok();
    let (y, m, d) = (n(0, 4)?, n(4, 6)?, n(6, 8)?);
    ((1900..=2100).contains(&y) && chrono::NaiveDate::from_ymd_opt(y as i32, m, d).is_some()).then_some((y, m, d))
}

/// Numbers as they appear in addresses: digits or Chinese numerals.
fn is_numeral(c: char) -> bool {
    c.is_ascii_digit() || "零〇一二三四五六七八九十百千".contains(c)
}

/// An address: …村…组, a road with a house number (…路12号), a house
/// number after a place (…镇12号, …村25号), or a building part (3栋,
/// 2单元, 501室, 5号楼). School names (解放路小学, 某某镇中心小学,
/// 幸福村小学) carry no numbered part and pass.
fn address_in(text: &str) -> Option<Seen> {
    // Most public cells have none of the words an address needs.
    if !text.contains(|x: char| "村路街巷弄道省市县区乡镇栋幢室元号住籍".contains(x)) {
        return None;
    }
    let c: Vec<char> = text.chars().collect();
    let numeral_run = |from: usize| c[from..].iter().take_while(|x| is_numeral(**x)).count();
    let found = (0..c.len()).any(|i| {
        match c[i] {
            // 村 then, within 8 characters, a numbered 组 / 社 / 号.
            '村' => (i + 1..c.len().min(i + 10))
                .any(|j| matches!(c[j], '组' | '社' | '号') && j > i + 1 && is_numeral(c[j - 1])),
            // A road, street or lane, then a number and 号.
            '路' | '街' | '巷' | '弄' | '道' => {
                let n = numeral_run(i + 1);
                n > 0 && c.get(i + 1 + n) == Some(&'号')
            }
            // A place, then within 12 characters a number and 号.
            '省' | '市' | '县' | '区' | '乡' | '镇' => (i + 1..c.len().min(i + 13)).any(|j| {
                let n = numeral_run(j);
                n > 0 && (j == 0 || !is_numeral(c[j - 1])) && c.get(j + n) == Some(&'号')
            }),
            // A number right before a building part.
            _ if c[i].is_ascii_digit() => {
                let n = c[i..].iter().take_while(|x| x.is_ascii_digit()).count();
                let after: String = c[i + n..].iter().take(2).collect();
                ["号楼", "号院", "单元"].contains(&after.as_str())
                    || matches!(after.chars().next(), Some('栋' | '幢' | '室'))
            }
            _ => false,
        }
    }) || ["家住", "住址", "户籍地"].iter().any(|w| text.contains(w));
    found.then(|| Seen { kind: Kind::Address, masked: mask_address(&c) })
}

/// Keeps the words that make it an address, hides every place name and number.
fn mask_address(c: &[char]) -> String {
    c.iter().take(40).map(|&x| if "省市县区乡镇村组社路街巷弄道号栋幢单元室楼".contains(x) { x } else { '*' }).collect()
}

/// Words that state a family's hardship class or a student's condition.
/// Not 困难 on its own: the programme 义务教育家庭经济困难学生生活补助 and
/// a 资助项目 column say it; 认定等级 values (特别困难, 一般困难) are listed.
const HARDSHIP_WORDS: &[&str] = &[
    "低保",
    "特困",
    "孤儿",
    "单亲",
    "残疾",
    "残障",
    "建档立卡",
    "脱贫",
    "返贫",
    "留守",
    "五保",
    "贫困户",
    "贫困家庭",
    "事实无人抚养",
    "无人抚养",
    "边缘户",
    "监测户",
    "监测对象",
    "致贫",
    "孤残",
    "烈士",
    "优抚",
    "低收入",
    "重病",
    "大病",
    "困境儿童",
    "特别困难",
    "比较困难",
    "一般困难",
    "非常困难",
    "特殊困难",
];

/// The first characters of `HARDSHIP_WORDS`.
const HARDSHIP_FIRST: &str = "低特孤单残建脱返留五贫事无边监致烈优重大困一比非";

fn hardship_in(text: &str) -> Option<Seen> {
    if text.is_ascii() {
        return None;
    }
    // Words are looked for only where one could start: one pass per cell.
    let word = text
        .char_indices()
        .filter(|(_, c)| HARDSHIP_FIRST.contains(*c))
        .find_map(|(i, _)| HARDSHIP_WORDS.iter().find(|w| text[i..].starts_with(*w)))
        .copied()
        .or((text == "困难").then_some("困难"))?;
    Some(Seen { kind: Kind::Hardship, masked: word.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str) -> Option<Kind> {
        cell(text).map(|s| s.kind)
    }

    #[test]
    fn id_numbers_in_any_layout() {
        for t in [
            "11010519491231002X",
            "11010519491231002x",
            "G11010519491231002X",
            "ID11010519491231002X",
            "110105 19491231 002X",
            "110105-1949-1231-002X",
            "110105491231002",
        ] {
            assert!(matches!(kind(t), Some(Kind::IdNumber | Kind::LongNumber)), "{t}");
        }
        assert_eq!(kind("G11010519491231002X"), Some(Kind::IdNumber));
        assert_eq!(kind("110105 19491231 002X"), Some(Kind::IdNumber));
        // Cut by Excel: the check fails, but 18 digits are never public.
        assert_eq!(kind("430621200801010000"), Some(Kind::LongNumber));
        assert_eq!(cell("G11010519491231002X").unwrap().masked, "110***********002X");
    }

    #[test]
    fn phones_in_any_layout() {
        for t in [
            "13812345678",
            "138 1234 5678",
            "138-1234-5678",
            "+86 138 1234 5678",
            "+86-13812345678",
            "008613812345678",
            "Tel13812345678",
            "0730-1234567",
            "(0730)1234567",
            "010-12345678",
            "电话：0730 8123456",
        ] {
            assert_eq!(kind(t), Some(Kind::Phone), "{t}");
        }
        assert_eq!(cell("138 1234 5678").unwrap().masked, "138****5678");
    }

    #[test]
    fn bank_cards_by_luhn() {
        for t in ["6222021234567890128", "6222 0212 3456 7890 128", "4111111111111111"] {
            assert_eq!(kind(t), Some(Kind::BankCard), "{t}");
        }
        assert_eq!(cell("4111111111111111").unwrap().masked, "4111********1111");
        assert_eq!(kind("6222021234567890127"), Some(Kind::LongNumber), "fails Luhn, still never public");
    }

    #[test]
    fn addresses() {
        for t in [
            "新华村3组",
            "和平村十二组",
            "某某镇新华村五组",
            "人民路12号",
            "解放街3号",
            "示例县城关镇建设路188号",
            "城关镇12号",
            "幸福小区3栋2单元501室",
            "5号楼",
            "家住示例县",
        ] {
            assert_eq!(kind(t), Some(Kind::Address), "{t}");
        }
        assert_eq!(cell("新华村3组").unwrap().masked, "**村*组");
    }

    #[test]
    fn hardship_words() {
        for t in ["低保", "低保户", "建档立卡", "脱贫户", "特困供养", "孤儿", "单亲家庭", "留守儿童", "残疾", "五保户"]
        {
            assert_eq!(kind(t), Some(Kind::Hardship), "{t}");
        }
        for t in ["困难", "特别困难", "一般困难", "事实无人抚养儿童", "免学杂费（建档立卡）"]
        {
            assert_eq!(kind(t), Some(Kind::Hardship), "{t}");
        }
    }

    #[test]
    fn every_hardship_word_can_be_found() {
        for w in HARDSHIP_WORDS {
            assert!(HARDSHIP_FIRST.contains(w.chars().next().unwrap()), "{w}");
            assert_eq!(kind(&format!("（{w}）")), Some(Kind::Hardship), "{w}");
        }
    }

    #[test]
    fn public_values_pass() {
        for t in [
            "高一(3)班",
            "高一（3）班",
            "2023级1班",
            "2023级",
            "三年级2班",
            "示例县第一中学",
            "某某镇中心小学",
            "示例县城关镇第二小学",
            "解放路小学",
            "人民路第一小学",
            "幸福村小学",
            "城南区实验学校",
            "示例县特殊教育学校",
            "计算机应用",
            "汽车运用与维修",
            "高一",
            "一档",
            "A档",
            "二等",
            "1,500",
            "1500元",
            "1150.00",
            "2,300.00元",
            "普通高中国家助学金",
            "义务教育家庭经济困难学生生活补助",
            "生源地信用助学贷款",
            "中职免学费",
            "学前教育资助",
            "2025年秋季学期",
            "2025-2026学年",
            "第1学期",
            "男",
            "女",
            "张三",
            "欧阳志华",
            "阿卜杜拉·买买提",
            "2023",
            "12345678",
            "NO.1",
            "2025.09-2026.01",
            "2025.09.01-2026.01.31",
            "01.01-2025.12.31",
            "2025年9月1日至2026年1月31日",
            "1-3班",
            "转学",
        ] {
            assert_eq!(cell(t), None, "{t}");
            assert_eq!(column([t, t]), None, "{t}");
        }
    }

    #[test]
    fn birth_dates_by_column() {
        // Dates that differ from row to row are birth dates.
        let hit = column(["", "2008-01-01", "2009-03-15"]).unwrap();
        assert_eq!((hit.index, hit.seen.kind, hit.count), (1, Kind::BirthDate, 2));
        assert_eq!(hit.seen.masked, "2008-**-**");
        for t in ["2008年1月1日", "2008/1/1", "2008.01.01", "生于2008-1-1", "20080101"] {
            assert_eq!(column([t, "2009-03-15"]).map(|h| h.seen.kind), Some(Kind::BirthDate), "{t}");
        }
        // A date in a note among other notes (an Excel date cell under 备注).
        assert!(column(["转学", "2008-01-01", ""]).is_some());
        // A single-row list with a date: cannot tell, refused.
        assert!(column(["2025-10-13"]).is_some());
        // The same date on every row is an event (发放日期).
        assert_eq!(column(["2025-10-13", "2025-10-13", "2025-10-13"]), None);
        // Not full dates.
        assert_eq!(column(["2008年5月", "2009-03", "2023级", "2025-2026"]), None);
        assert_eq!(column(["20251399", "20080230"]), None, "not calendar dates");
    }

    #[test]
    fn the_first_hit_is_named_and_all_are_counted() {
        let hit = column(["高一1班", "新华村3组", "13812345678", "高一2班"]).unwrap();
        assert_eq!((hit.index, hit.seen.kind, hit.count), (1, Kind::Address, 2));
        // A value judged once still counts on every row it stands in.
        let hit = column(["高一1班", "13812345678", "高一1班", "13812345678", "", "13812345678"]).unwrap();
        assert_eq!((hit.index, hit.seen.kind, hit.count), (1, Kind::Phone, 3));
        let hit = column(["2008-01-01", "高一", "2008-01-01", "2009-03-15"]).unwrap();
        assert_eq!((hit.index, hit.seen.kind, hit.count), (0, Kind::BirthDate, 3));
        assert_eq!(column(["2025-10-13"; 50]), None, "one date on every row is an event");
    }

    #[test]
    fn messages_never_quote_a_private_value() {
        assert_eq!(quoted_for_message("一千元"), "“一千元”");
        for private in ["430621200910076217", "1150（卡号6222021234567890123 电话13926685878）", "新华村3组"]
        {
            let shown = quoted_for_message(private);
            assert!(shown.starts_with("（内容像") && !shown.contains("6217") && !shown.contains("新华村"), "{shown}");
        }
    }

    proptest::proptest! {
        /// Any text, however odd: an answer, never a panic.
        #[test]
        fn never_panics(cells in proptest::collection::vec("[0-9Xx村组路号楼室栋省县镇年月日 .\\-/+()（）－—·低保a-z]{0,40}", 0..6)) {
            for c in &cells {
                let _ = cell(c);
                let _ = holds_id_number(c);
            }
            let _ = column(cells.iter().map(String::as_str));
        }
    }

    #[test]
    fn short_and_odd_numbers() {
        for t in ["0", "00", "0-", "0 0", "X", "1X", "-0", "0730-", "(0)", "2008-1-", "2008年", "村0", "路1"] {
            let _ = cell(t);
            let _ = column([t, t, "2008-1-1"]);
        }
        assert_eq!(cell("0"), None);
    }

    #[test]
    fn id_columns_for_letters() {
        assert!(holds_id_number("G11010519491231002X"));
        assert!(holds_id_number("110105 1949 1231 002X"));
        assert!(holds_id_number("430621200801010000"), "cut by Excel");
        assert!(holds_id_number("110105194912310021"), "wrong check digit, real birth date");
        assert!(holds_id_number("110105491231002"));
        assert!(!holds_id_number("13812345678"));
        assert!(!holds_id_number("6222021234567890128"));
        assert!(!holds_id_number("高一（3）班"));
        assert!(column_holds_id_numbers(["张三", "", "学籍号G11010519491231002X"]));
        assert!(!column_holds_id_numbers(["高一1班", "1500"]));
    }
}
