//! Text pasted from Word or WPS, made into the Markdown its author meant,
//! before pulldown-cmark sees it:
//! - a line break ends a paragraph where the text starts a new one (the
//!   line ends in 。！？；： or the next starts with （一）, 一、, 第X条, 1.);
//! - a paragraph split by a page break (a blank line in mid-sentence, left
//!   by PDF conversion) is joined again;
//! - lines indented with spaces, tabs or no-break spaces before Chinese
//!   text are paragraphs, not code blocks; lines of only such spaces are
//!   blank;
//! - tab-separated lines and one-cell-per-line schedule tables become
//!   tables (`tables.rs`);
//! - `**强化责任：**认真` is bold although CommonMark's flanking rule says
//!   otherwise next to Chinese punctuation (`bold.rs`).
//!
//! Every output line knows the source line it came from, so diagnostics
//! still point at the line the user wrote.

mod bold;
mod lines;
mod tables;

pub use lines::is_paragraph_start as starts_paragraph;

/// `- …`, `* …` or `1. …`: a Markdown list item.
pub fn is_list_item(line: &str) -> bool {
    lines::kind(line) == LineKind::ListItem
}
use lines::{ends_paragraph, is_blank, is_paragraph_start, kind, strip_cjk_indent, LineKind};

/// The normalised text and, for each of its lines, the 0-based body line it
/// came from.
#[derive(Debug, Default)]
pub struct Normalised {
    pub text: String,
    lines: Vec<usize>,
}

impl Normalised {
    /// The 1-based body line of a 1-based line of the normalised text.
    pub fn source_line(&self, line: usize) -> usize {
        line.checked_sub(1).and_then(|i| self.lines.get(i)).map_or(line, |l| l + 1)
    }
}

/// Output being built: text plus the source line of each line.
struct Out {
    n: Normalised,
    last_blank: bool,
}

impl Out {
    fn push(&mut self, line: &str, src: usize) {
        self.n.text.push_str(line);
        self.n.text.push('\n');
        self.n.lines.push(src);
        self.last_blank = line.is_empty();
    }

    fn blank(&mut self, src: usize) {
        if !self.last_blank {
            self.push("", src);
        }
    }
}

/// What the previous line left open.
#[derive(Default)]
enum Prev {
    #[default]
    Blank,
    /// A paragraph or list item: its text so far (without markers) and
    /// whether its last line ends a paragraph.
    Text {
        para: String,
        list: bool,
        ends: bool,
        hard_break: bool,
        last: String,
    },
    Other,
}

pub fn normalise(body: &str) -> Normalised {
    let src: Vec<&str> = body.lines().collect();
    let mut out = Out { n: Normalised::default(), last_blank: true };
    let mut prev = Prev::Blank;
    let mut fence: Option<String> = None;
    let mut i = 0;
    while i < src.len() {
        let raw = src[i];
        if let Some(f) = &fence {
            out.push(raw, i);
            if lines::closes_fence(raw, f) {
                fence = None;
            }
            i += 1;
            continue;
        }
        if let Some(f) = lines::opens_fence(raw) {
            out.push(raw, i);
            fence = Some(f);
            prev = Prev::Other;
            i += 1;
            continue;
        }
        if is_blank(raw) {
            if page_break(&prev, &src, i) {
                i += 1;
                continue;
            }
            out.blank(i);
            prev = Prev::Blank;
            i += 1;
            continue;
        }
        if let Some((table, next)) = tables::detect(&src, i) {
            out.blank(i);
            for (row, at) in table {
                out.push(&bold::fix(&row), at);
            }
            out.blank(next.saturating_sub(1));
            prev = Prev::Blank;
            i = next;
            continue;
        }
        prev = text_line(&mut out, prev, raw, i);
        i += 1;
    }
    out.n
}

/// Emits one non-blank line outside code and tables, with a paragraph
/// break before it where the text starts a new paragraph.
fn text_line(out: &mut Out, prev: Prev, raw: &str, i: usize) -> Prev {
    let line = strip_cjk_indent(raw);
    let k = kind(line);
    let new_para = is_paragraph_start(line) || lines::is_doc_number(line) || lines::is_date(line);
    if let (Prev::Text { ends, hard_break: false, last, .. }, LineKind::Plain) = (&prev, k) {
        if *ends || new_para || lines::is_doc_number(last) || lines::is_date(last) {
            out.blank(i);
        }
    }
    out.push(&bold::fix(line), i);
    match k {
        LineKind::Plain | LineKind::ListItem => {
            let (mut para, list) = match prev {
                Prev::Text { para, list, .. } if !out.last_blank && k == LineKind::Plain && !new_para => (para, list),
                _ => (String::new(), k == LineKind::ListItem),
            };
            para.push_str(line.trim());
            Prev::Text {
                para,
                list,
                ends: ends_paragraph(line),
                hard_break: raw.ends_with("  ") || raw.ends_with('\\'),
                last: line.trim().to_string(),
            }
        }
        LineKind::Other => Prev::Other,
    }
}

/// A single blank line in mid-sentence between two parts of one
/// paragraph: a page break of the document it was copied from.
fn page_break(prev: &Prev, src: &[&str], i: usize) -> bool {
    let Prev::Text { para, last, .. } = prev else { return false };
    let Some(next) = src.get(i + 1).map(|l| strip_cjk_indent(l)) else { return false };
    if is_blank(next) || kind(next) != LineKind::Plain || is_paragraph_start(next) || lines::is_doc_number(next) {
        return false;
    }
    lines::broken_sentence(para, last) && lines::continues_sentence(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> String {
        normalise(s).text
    }

    #[test]
    fn lines_that_end_or_start_a_paragraph_are_split() {
        let t = n("总体要求是：\n一、坚持力学笃行\n（一）坚持党的领导。\n（二）坚持导向，\n推动落实。\n第三条 资助\n1.加强宣传");
        assert_eq!(
            t,
            "总体要求是：\n\n一、坚持力学笃行\n\n（一）坚持党的领导。\n\n（二）坚持导向，\n推动落实。\n\n第三条 资助\n\n1.加强宣传\n"
        );
    }

    #[test]
    fn markdown_blocks_are_left_alone() {
        let md = "## 一、标准\n\n- 第一项；\n- 第二项。\n\n1. 甲。\n2. 乙。\n\n> 引用。\n> 第二行。\n\n```\n第一条。\n    代码\n```\n";
        assert_eq!(n(md), md);
    }

    #[test]
    fn page_breaks_inside_a_sentence_are_joined() {
        let t = n("**第六条** 建立资助工作协同保障机制，教务处要及时提供准确、\n\n完整的学生学籍档案，形成新局面。\n\n第七条 下一条。");
        assert_eq!(t, "**第六条** 建立资助工作协同保障机制，教务处要及时提供准确、\n完整的学生学籍档案，形成新局面。\n\n第七条 下一条。\n");
        // A signature after an address is not a page break.
        let sig = "联系地址：示例县人民路1号，示例县教育局学生资助管理中心\n\n示例县教育局\n";
        assert_eq!(n(sig), sig);
    }

    #[test]
    fn indented_chinese_is_a_paragraph_not_code() {
        let t = n("\u{a0}\u{a0}\u{a0} 一、指导思想\n\n    认真贯彻落实。\n\u{a0}\n\tx = 1\n");
        assert_eq!(t, "一、指导思想\n\n认真贯彻落实。\n\n\tx = 1\n");
    }

    #[test]
    fn source_lines_are_kept() {
        let r = normalise("甲。\n乙。\n\n[链接](@/a.md)\n");
        assert_eq!(r.text, "甲。\n\n乙。\n\n[链接](@/a.md)\n");
        assert_eq!(r.source_line(5), 4);
        assert_eq!(r.source_line(3), 2);
    }
}
