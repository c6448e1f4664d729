//! Blocks of an imported document as a page: TOML front matter with the
//! fields to check marked, and a Markdown body in which chapters and the
//! document's own numbered parts are headings and articles start bold.

use super::policy_meta::{plain, Found};
use super::Block;
use crate::config::SiteConfig;
use crate::render::structure::{detect, Unit};

/// Marks a field the user must fill in; `check` refuses such a value.
pub const FILL_IN: &str = "请填写";

fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The front matter and, one line each, what the user must check.
pub fn front_matter(found: &Found, fallback_title: &str, config: &SiteConfig) -> (String, Vec<String>) {
    let mut out = String::new();
    let mut check = Vec::new();
    match &found.title {
        Some(t) => {
            out += &format!("title = {}  # 请核对：从文件开头找到的标题\n", quoted(t));
            check.push(format!("标题 title：{t}（从文件开头找到，请核对）"));
        }
        None => {
            out += &format!("title = {}  # {FILL_IN}：文件开头没有找到标题，暂用文件名\n", quoted(fallback_title));
            check.push(format!("标题 title：没有找到，暂用文件名“{fallback_title}”，请改成文件的标题"));
        }
    }
    match &found.doc_number {
        Some(n) => {
            out += &format!("doc_number = {}  # 请核对：文号\n", quoted(n));
            check.push(format!("文号 doc_number：{n}（请核对）"));
        }
        None => {
            out += "# doc_number = \"\"  # 没有找到文号：有文号就去掉行首的 # 并填上，没有文号（如工作计划）就删去这一行\n";
            check.push("文号 doc_number：没有找到（工作计划、工作要点等没有文号的文件不用填）".into());
        }
    }
    match &found.issuer {
        Some(i) => {
            out += &format!("issuer = {}  # 请核对：发文机关\n", quoted(i));
            check.push(format!("发文机关 issuer：{i}（请核对）"));
        }
        None => {
            out += &format!("issuer = \"{FILL_IN}发文机关\"\n");
            check.push("发文机关 issuer：没有找到，请填写".into());
        }
    }
    match &found.date {
        Some(d) => {
            out += &format!("date = {d}  # 请核对：成文日期，取自文件的落款\n");
            check.push(format!("成文日期 date：{}（取自落款，请核对）", d.chinese()));
        }
        None => {
            out += &format!("date = \"{FILL_IN}成文日期，如 2025-03-01\"\n");
            check.push("成文日期 date：没有找到落款日期，请填写，写成 2025-03-01 这样".into());
        }
    }
    let names: Vec<&str> = config.programmes.iter().map(|p| p.name.as_str()).collect();
    out += &format!("programmes = []  # 可选：本文件涉及的资助项目，可填 {}\n", names.join("、"));
    let stages: Vec<&str> = crate::names::STAGES.iter().map(|s| s.name).collect();
    out += &format!("stages = []  # 可选：学段，可填 {}\n", stages.join("、"));
    (out, check)
}

pub fn body(blocks: &[Block]) -> String {
    let parts: Vec<String> = blocks.iter().map(block).filter(|b| !b.trim().is_empty()).collect();
    let mut out = parts.join("\n\n");
    out.push('\n');
    out
}

fn block(b: &Block) -> String {
    match b {
        Block::Para { text, level: Some(l), .. } => {
            format!("{} {}", "#".repeat(usize::from(*l).clamp(1, 4) + 1), text.replace('\n', " "))
        }
        Block::Para { text, .. } => paragraph(text),
        Block::Table(rows) => table(rows),
        Block::Raw(md) => md.clone(),
    }
}

/// 第X章 and 一、 lines are headings, （一） lines sub-headings, and an
/// article's 第X条 is bold.
fn paragraph(text: &str) -> String {
    let p = plain(text);
    let n = p.chars().count();
    let ends = p.ends_with(['。', '；', '：', ';', ':', '，']);
    match detect(&p) {
        Some((Unit::Chapter, _)) if n <= 30 => return format!("## {}", text.replace("**", "").trim()),
        Some((Unit::Article, _)) if !text.trim_start().starts_with("**") => {
            let t = text.trim_start();
            if let Some(at) = t.find('条') {
                let (marker, rest) = t.split_at(at + '条'.len_utf8());
                return format!("**{marker}** {}", rest.trim_start_matches([' ', '\u{3000}']));
            }
        }
        _ => {}
    }
    if !ends && n <= 40 && is_numbered(&p, '、') {
        return format!("## {p}");
    }
    if !ends && n <= 30 && (p.starts_with('（') || p.starts_with('(')) && crate::render::word_text::starts_paragraph(&p)
    {
        return format!("### {p}");
    }
    escape_start(text)
}

/// 一、 十二、: a Chinese numeral and `sep`.
fn is_numbered(p: &str, sep: char) -> bool {
    let k = p.chars().take_while(|c| "一二三四五六七八九十".contains(*c)).count();
    k > 0 && p.chars().nth(k) == Some(sep)
}

/// A paragraph starting with Markdown syntax stays text (Word's own list
/// items, marked `- ` by the reader, stay list items).
fn escape_start(text: &str) -> String {
    let t = text.trim_start();
    if t.starts_with("- ") {
        return t.to_string();
    }
    let syntax = t.starts_with(['#', '>', '|', '<', '+', '=']) || (t.starts_with(['-', '*']) && !t.starts_with("**"));
    if syntax {
        format!("\\{t}")
    } else {
        t.to_string()
    }
}

fn table(rows: &[Vec<String>]) -> String {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    if width == 0 {
        return String::new();
    }
    let line = |r: &Vec<String>| {
        let cells: Vec<String> =
            (0..width).map(|k| r.get(k).map_or(String::new(), |c| c.trim().replace('|', "\\|"))).collect();
        format!("| {} |", cells.join(" | "))
    };
    let mut out = vec![line(&rows[0]), format!("|{}", " --- |".repeat(width))];
    out.extend(rows[1..].iter().map(line));
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(t: &str) -> Block {
        Block::Para { text: t.into(), level: None, centred: false }
    }

    #[test]
    fn structure_of_official_texts() {
        let md = body(&[
            para("第一章 总 则"),
            para("第一条　为了帮助学生，制定本办法。"),
            para("**第二条** 已是粗体。"),
            para("一、指导思想"),
            para("（一）建立问题发现机制"),
            para("（二）坚持导向，推动落实。"),
            para("# 不是标题"),
            para("- 列表项"),
            Block::Table(vec![vec!["时间".into(), "内容".into()], vec!["三月".into(), "a|b".into()]]),
        ]);
        assert_eq!(
            md,
            "## 第一章 总 则\n\n**第一条** 为了帮助学生，制定本办法。\n\n**第二条** 已是粗体。\n\n## 一、指导思想\n\n### （一）建立问题发现机制\n\n（二）坚持导向，推动落实。\n\n\\# 不是标题\n\n- 列表项\n\n| 时间 | 内容 |\n| --- | --- |\n| 三月 | a\\|b |\n"
        );
    }
}
