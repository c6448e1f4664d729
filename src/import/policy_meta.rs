//! A policy's front matter found in its text: the head of an official
//! document (发文机关 + 文件, 文号, title) and the date of its signature.
//! What cannot be found is left for the user and marked.

use super::Block;
use crate::date::Date;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Found {
    pub title: Option<String>,
    pub doc_number: Option<String>,
    pub issuer: Option<String>,
    pub date: Option<Date>,
    /// Blocks before this one are the document's head (issuer line,
    /// number, title): shown in the page's header, left out of the body.
    pub body_start: usize,
}

/// A paragraph's words: without bold marks and with spaces between Chinese
/// characters dropped (`岳阳市教育事务中心 2025 年` → `…中心2025年`).
pub fn plain(text: &str) -> String {
    let t = text.replace("**", "").replace('\u{3000}', " ");
    let chars: Vec<char> = t.trim().chars().collect();
    let mut out = String::new();
    for (k, c) in chars.iter().enumerate() {
        if c.is_whitespace() {
            let prev = out.chars().last();
            let next = chars[k + 1..].iter().find(|c| !c.is_whitespace());
            if prev.is_some_and(|p| !p.is_ascii()) || next.is_some_and(|n| !n.is_ascii()) || prev == Some(' ') {
                continue;
            }
        }
        out.push(if c.is_whitespace() { ' ' } else { *c });
    }
    out
}

fn is_ideograph(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || c == '〇'
}

/// 湘阴教发〔2023〕31号, also written with [ ] 【 】 ［ ］ ( ) （ ）:
/// given with 〔 〕.
pub fn doc_number(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    for (k, c) in chars.iter().enumerate() {
        if !"〔[【［(（".contains(*c) {
            continue;
        }
        let year: String = chars[k + 1..].iter().take(4).collect();
        if year.len() != 4 || !year.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        let Some(close) = chars.get(k + 5).filter(|c| "〕]】］)）".contains(**c)) else { continue };
        let _ = close;
        let number: String = chars[k + 6..].iter().take_while(|c| c.is_ascii_digit()).collect();
        if number.is_empty() || chars.get(k + 6 + number.len()) != Some(&'号') {
            continue;
        }
        let prefix: String = {
            let mut p: Vec<char> =
                chars[..k].iter().rev().take_while(|c| is_ideograph(**c)).take(12).copied().collect();
            p.reverse();
            p.into_iter().collect()
        };
        if prefix.is_empty() {
            continue;
        }
        return Some(format!("{prefix}〔{year}〕{number}号"));
    }
    None
}

/// A line that is only a date: 2019年3月3日, 2023年 6月 1日 or
/// 二〇二三年六月一日.
pub fn date_line(text: &str) -> Option<Date> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let (y, rest) = t.split_once('年')?;
    let (m, rest) = rest.split_once('月')?;
    let d = rest.strip_suffix('日')?;
    let year = cn_digits(y)?;
    let (month, day) = (cn_number(m)?, cn_number(d)?);
    let date = chrono::NaiveDate::from_ymd_opt(year as i32, month, day)?;
    (1949..=2100).contains(&year).then_some(Date(date))
}

/// 2023 or 二〇二三, digit by digit.
fn cn_digits(s: &str) -> Option<u32> {
    if s.chars().count() != 4 {
        return None;
    }
    s.chars().try_fold(0, |n, c| Some(n * 10 + digit(c)?))
}

/// 6, 06, 六, 十二, 二十一.
fn cn_number(s: &str) -> Option<u32> {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) {
        return s.parse().ok();
    }
    crate::render::structure::parse_number(s)
}

fn digit(c: char) -> Option<u32> {
    c.to_digit(10)
        .or_else(|| "〇一二三四五六七八九".chars().position(|d| d == c || (c == '零' && d == '〇')).map(|p| p as u32))
}

/// Names of bodies that issue documents end like this.
const ORG_ENDS: &[&str] =
    &["局", "委员会", "委", "中心", "厅", "部", "政府", "办公室", "学校", "中学", "小学", "院", "会"];

fn is_org(s: &str) -> bool {
    s.chars().count() <= 24 && !s.contains("关于") && ORG_ENDS.iter().any(|e| s.ends_with(e))
}

/// Where the head of the document ends: at the first table, sentence,
/// numbered part or long paragraph.
fn head_end(blocks: &[Block]) -> usize {
    blocks
        .iter()
        .position(|b| match b {
            Block::Table(_) | Block::Raw(_) => true,
            Block::Para { text, .. } => {
                let t = plain(text);
                let ends = t.ends_with(['。', '：', '；', ':', '，', ',']);
                ends || t.chars().count() > 60 || crate::render::word_text::starts_paragraph(&t)
            }
        })
        .unwrap_or(blocks.len())
}

pub fn find(blocks: &[Block]) -> Found {
    let body_start = head_end(blocks);
    let mut found = Found { body_start, ..Found::default() };
    let mut header_issuer = None;
    let mut parts: Vec<String> = Vec::new();
    for b in &blocks[..body_start] {
        let Block::Para { text, .. } = b else { continue };
        let t = plain(text);
        if let Some(n) = doc_number(&t).filter(|_| t.chars().count() <= 30) {
            found.doc_number.get_or_insert(n);
        } else if let Some(org) = t.strip_suffix("文件").filter(|o| is_org(o)) {
            header_issuer = Some(org.to_string());
        } else if !t.is_empty() && date_line(&t).is_none() {
            parts.push(t);
        }
    }
    // A line with only the issuing body above the title (岳阳, 铜梁).
    let mut org_line = None;
    if parts.len() > 1 && is_org(&parts[0]) {
        org_line = Some(parts.remove(0));
    }
    let mut title = parts.concat();
    if let Some(org) = &org_line {
        if title.starts_with("关于") {
            title = format!("{org}{title}");
        }
    }
    let title_issuer = title.split_once("关于").map(|(o, _)| o.to_string()).filter(|o| !o.is_empty() && is_org(o));
    let (signature, date) = signature(blocks, body_start);
    found.date = date.or_else(|| blocks[..body_start].iter().find_map(|b| date_line(&b.plain())));
    found.issuer = header_issuer.or(signature).or(title_issuer).or(org_line);
    found.title = (!title.is_empty()).then_some(title);
    found
}

/// The signature at the end: the issuing body and the date below it.
fn signature(blocks: &[Block], from: usize) -> (Option<String>, Option<Date>) {
    let tail = &blocks[from.max(blocks.len().saturating_sub(8))..];
    for (k, b) in tail.iter().enumerate().rev() {
        if let Some(date) = date_line(&b.plain()) {
            let issuer = k
                .checked_sub(1)
                .map(|p| tail[p].plain())
                .filter(|t| t.chars().count() <= 40 && !t.ends_with(['。', '：', '；', '，']) && !t.is_empty());
            return (issuer, Some(date));
        }
    }
    (None, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(t: &str) -> Block {
        Block::Para { text: t.into(), level: None, centred: false }
    }

    #[test]
    fn document_numbers_in_every_bracket() {
        assert_eq!(doc_number("湘阴教发〔2023〕31号").as_deref(), Some("湘阴教发〔2023〕31号"));
        assert_eq!(doc_number("冀财教[2018]50号").as_deref(), Some("冀财教〔2018〕50号"));
        assert_eq!(doc_number("铜教办（2023）17号").as_deref(), Some("铜教办〔2023〕17号"));
        assert_eq!(doc_number("〔2023〕31号"), None);
        assert_eq!(doc_number("2023年工作要点"), None);
    }

    #[test]
    fn dates_in_figures_and_in_words() {
        assert_eq!(date_line("2019年3月3日"), Date::parse("2019-03-03"));
        assert_eq!(date_line("  2023年 6月 1日 "), Date::parse("2023-06-01"));
        assert_eq!(date_line("二〇二三年十二月二十一日"), Date::parse("2023-12-21"));
        assert_eq!(date_line("2019年春季学期"), None);
    }

    #[test]
    fn head_and_signature_of_an_official_document() {
        let blocks = [
            para("重庆市铜梁区教育委员会"),
            para("关于印发2023年铜梁区学生资助工作要点的"),
            para("通知"),
            para("铜教办〔2023〕17号"),
            para("各学区管理中心，区教育学会："),
            para("现将要点印发给你们。"),
            para("重庆市铜梁区教育委员会"),
            para("2023年3月1日"),
        ];
        let f = find(&blocks);
        assert_eq!(f.title.as_deref(), Some("重庆市铜梁区教育委员会关于印发2023年铜梁区学生资助工作要点的通知"));
        assert_eq!(f.doc_number.as_deref(), Some("铜教办〔2023〕17号"));
        assert_eq!(f.issuer.as_deref(), Some("重庆市铜梁区教育委员会"));
        assert_eq!(f.date, Date::parse("2023-03-01"));
        assert_eq!(f.body_start, 4);
    }

    #[test]
    fn a_header_line_names_the_issuer() {
        let blocks = [
            para("湘阴县教育局文件"),
            para("湘阴教发〔2023〕31号"),
            para("湘阴县教育局 关于加强学校学生资助工作队伍建设的 实施办法（试行）"),
            para("为进一步做好工作，制定本办法。"),
        ];
        let f = find(&blocks);
        assert_eq!(f.title.as_deref(), Some("湘阴县教育局关于加强学校学生资助工作队伍建设的实施办法（试行）"));
        assert_eq!(f.issuer.as_deref(), Some("湘阴县教育局"));
        assert_eq!(f.date, None);
        assert_eq!(f.body_start, 3);
    }

    #[test]
    fn a_work_plan_without_number() {
        let blocks =
            [para("岳阳市教育事务中心"), para("岳阳市教育事务中心 2025 年学生资助工作计划"), para("一、指导思想")];
        let f = find(&blocks);
        assert_eq!(f.title.as_deref(), Some("岳阳市教育事务中心2025年学生资助工作计划"));
        assert_eq!(f.issuer.as_deref(), Some("岳阳市教育事务中心"));
        assert_eq!(f.doc_number, None);
    }
}
