//! What one line of pasted text is: blank, Markdown block syntax or plain
//! text; whether it ends a paragraph or starts one.

use crate::render::markdown::is_cjk;
use crate::render::structure;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// Paragraph text.
    Plain,
    /// `- …`, `* …`, `1. …`
    ListItem,
    /// Headings, quotes, tables, HTML, rules, definitions, indented code.
    Other,
}

/// Spaces, tabs and the other blanks Word leaves (no-break, en and
/// ideographic spaces) only.
pub fn is_blank(line: &str) -> bool {
    line.chars().all(is_space)
}

pub fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// Leading blanks before Chinese text or a paragraph marker are Word's
/// indentation, not a code block, and no-break spaces are no Markdown
/// indentation at all: both dropped. Other lines are kept as they are.
pub fn strip_cjk_indent(line: &str) -> &str {
    let t = line.trim_start_matches(|c: char| is_space(c) && c != '\u{3000}');
    let indent = &line[..line.len() - t.len()];
    let wordish = t.chars().next().is_some_and(|c| !c.is_ascii()) || is_paragraph_start(t);
    if !indent.is_empty() && (wordish || !indent.is_ascii()) {
        t
    } else {
        line
    }
}

pub fn kind(line: &str) -> LineKind {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if line.starts_with('\t') || indent >= 4 {
        return LineKind::Other;
    }
    let t = line.trim_start_matches(' ');
    let first = t.chars().next().unwrap_or(' ');
    if matches!(first, '#' | '>' | '|' | '<') || is_rule(t) || (first == '[' && t.contains("]:")) {
        return LineKind::Other;
    }
    let after_bullet = t.strip_prefix(['-', '+', '*']);
    if after_bullet.is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t'])) {
        return LineKind::ListItem;
    }
    let digits = t.len() - t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if (1..=9).contains(&digits) {
        let r = &t[digits..];
        if r.strip_prefix(['.', ')']).is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t'])) {
            return LineKind::ListItem;
        }
    }
    LineKind::Plain
}

fn is_rule(t: &str) -> bool {
    let s: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    s.len() >= 3 && ["-", "*", "_", "="].iter().any(|m| s.chars().all(|c| c.to_string() == *m))
}

/// Closing quotes and brackets that may follow the full stop.
const CLOSERS: &[char] = &['”', '’', '」', '』', '）', ')', '】', '》', '"', '\''];

/// The line ends a sentence that ends its paragraph: 。！？；：, or the ASCII
/// forms after Chinese text.
pub fn ends_paragraph(line: &str) -> bool {
    let t = line.trim_end_matches(is_space).trim_end_matches("**").trim_end_matches(CLOSERS);
    let mut rev = t.chars().rev();
    match rev.next() {
        Some('。' | '！' | '？' | '；' | '：') => true,
        Some(';' | ':' | '!' | '?') => rev.next().is_some_and(is_cjk),
        _ => false,
    }
}

/// The line starts with a paragraph marker of official texts: （一）, (1),
/// 一、, 第X条/章/节, 1. or 1、, ①.
pub fn is_paragraph_start(line: &str) -> bool {
    let t = line.trim_start_matches(|c: char| is_space(c) || c == '*');
    if structure::detect(t).is_some() || is_section(t) {
        return true;
    }
    let mut chars = t.chars();
    let Some(first) = chars.next() else { return false };
    if ('①'..='⑳').contains(&first) {
        return true;
    }
    if first == '（' || first == '(' {
        let inner: String = chars.by_ref().take_while(|c| *c != '）' && *c != ')').collect();
        return inner.chars().count() <= 3 && is_numeral(&inner);
    }
    let numeral: String = t.chars().take_while(|c| is_numeral_char(*c)).collect();
    if numeral.is_empty() || numeral.chars().count() > 3 {
        return false;
    }
    let mut rest = t[numeral.len()..].chars();
    match rest.next() {
        Some('、') => true,
        Some('.' | '．') => {
            numeral.chars().all(|c| c.is_ascii_digit()) && !rest.next().is_some_and(|c| c.is_ascii_digit())
        }
        _ => false,
    }
}

/// 第X节
fn is_section(t: &str) -> bool {
    let Some(rest) = t.strip_prefix('第') else { return false };
    let n: String = rest.chars().take_while(|c| *c != '节').collect();
    n.chars().count() < rest.chars().count() && n.chars().count() <= 4 && is_numeral(&n)
}

fn is_numeral(s: &str) -> bool {
    !s.is_empty() && s.chars().all(is_numeral_char)
}

fn is_numeral_char(c: char) -> bool {
    c.is_ascii_digit() || "一二三四五六七八九十零〇百".contains(c)
}

/// A document number standing alone: 铜教办〔2023〕17号.
pub fn is_doc_number(line: &str) -> bool {
    let t = line.trim_matches(is_space);
    t.ends_with('号') && t.chars().count() <= 24 && (t.contains('〔') || t.contains('[') || t.contains('【'))
}

/// A date standing alone, as under a signature: 2019年3月3日,
/// 二〇二三年六月一日.
pub fn is_date(line: &str) -> bool {
    if !line.trim_end_matches(is_space).ends_with('日') {
        return false;
    }
    let t: String = line.chars().filter(|c| !is_space(*c)).collect();
    t.ends_with('日')
        && t.contains('年')
        && t.contains('月')
        && t.chars().count() <= 14
        && t.chars().all(|c| c.is_ascii_digit() || "年月日〇零一二三四五六七八九十".contains(c))
}

/// The paragraph stops in mid-sentence: its last line ends with a comma,
/// an enumeration comma or a Chinese character, and it is long enough to
/// be running text (a title or a signature is short and has no commas).
pub fn broken_sentence(para: &str, last: &str) -> bool {
    let t = last.trim_end_matches(is_space);
    let Some(end) = t.chars().last() else { return false };
    let mid = matches!(end, '，' | '、' | ',') || ('\u{4e00}'..='\u{9fff}').contains(&end);
    mid && para.chars().count() >= 20 && para.contains(['，', '。', ',', '；', '、'])
}

/// The line goes on with a sentence: it starts with a Chinese character, and
/// a short line must end in punctuation (a short line without it is a
/// heading or a signature).
pub fn continues_sentence(next: &str) -> bool {
    let t = next.trim();
    let starts = t.chars().next().is_some_and(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let ends_in_punct = t.chars().last().is_some_and(|c| "，。：；、,.:;！？".contains(c));
    starts && (t.chars().count() >= 20 || ends_in_punct)
}

/// ```` ``` ```` or `~~~` opening a fenced code block: gives the fence.
pub fn opens_fence(line: &str) -> Option<String> {
    let t = line.trim_start_matches(' ');
    if line.len() - t.len() > 3 {
        return None;
    }
    for c in ['`', '~'] {
        let n = t.len() - t.trim_start_matches(c).len();
        if n >= 3 {
            return Some(c.to_string().repeat(n));
        }
    }
    None
}

pub fn closes_fence(line: &str, fence: &str) -> bool {
    let t = line.trim();
    t.starts_with(fence) && t.chars().all(|c| fence.starts_with(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraph_markers() {
        for s in [
            "（一）坚持",
            "(三) 建立",
            "一、指导思想",
            "十二、附则",
            "第三条 资助",
            "**第五条** 资助",
            "1.加强",
            "2、研究",
            "①各学校",
            "第二节 认定",
        ] {
            assert!(is_paragraph_start(s), "{s}");
        }
        for s in ["一是压实", "1.5万元", "2025年", "（注）", "(见附件)", "第二学期", "十分重要"] {
            assert!(!is_paragraph_start(s), "{s}");
        }
    }

    #[test]
    fn paragraph_ends() {
        for s in ["落实。", "如下：", "工作:", "（见附件）。", "“两个维护”；", "完成！**"] {
            assert!(ends_paragraph(s), "{s}");
        }
        for s in ["准确、", "资助", "ratio: 1:2", "end:"] {
            assert!(!ends_paragraph(s), "{s}");
        }
    }

    #[test]
    fn kinds() {
        assert_eq!(kind("- 项"), LineKind::ListItem);
        assert_eq!(kind("1. 项"), LineKind::ListItem);
        assert_eq!(kind("1.项"), LineKind::Plain);
        assert_eq!(kind("**第一条**"), LineKind::Plain);
        assert_eq!(kind("## 标题"), LineKind::Other);
        assert_eq!(kind("| a |"), LineKind::Other);
        assert_eq!(kind("---"), LineKind::Other);
        assert_eq!(kind("    code"), LineKind::Other);
    }

    #[test]
    fn dates() {
        assert!(is_date("2019年3月3日"));
        assert!(is_date("  二〇二三年十二月一日"));
        assert!(!is_date("2019年3月3日召开会议"));
    }

    #[test]
    fn doc_numbers() {
        assert!(is_doc_number("铜教办〔2023〕17号"));
        assert!(is_doc_number(" 冀财教[2018]50号 "));
        assert!(!is_doc_number(
            "按照冀财教[2018]50号文件和涿教字[2018]41号文件及时做好家庭经济困难学生的认定工作，确保到号"
        ));
    }
}
