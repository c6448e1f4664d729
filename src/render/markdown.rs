//! Markdown to HTML for one page: pulldown-cmark with anchors for chapters
//! and articles, `@/` internal links, a table of contents, and CJK-aware
//! line joining.

use super::structure::{detect, Unit};
use super::word_text::Normalised;
use crate::diag::{line_of, Diagnostic};
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TocEntry {
    /// 1 for chapters and top headings, 2 for articles and sub-headings.
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// A `@/section/slug.md#anchor` link found in a page, to be checked once
/// every page's anchors are known.
#[derive(Debug, Clone)]
pub struct InternalLink {
    pub target: String,
    pub anchor: Option<String>,
    pub line: usize,
}

#[derive(Debug, Default)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    pub anchors: BTreeSet<String>,
    pub links: Vec<InternalLink>,
    pub diagnostics: Vec<Diagnostic>,
    /// Plain text by anchored section, for the search index.
    pub sections: Vec<Section>,
}

/// The text from one anchor (heading, chapter, article) to the next.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Section {
    /// Empty for the text before the first anchor.
    pub anchor: String,
    pub heading: String,
    pub text: String,
}

/// Where the page comes from and how `@/` paths map to URLs.
pub struct Source<'a> {
    pub file: &'a str,
    pub body_line: usize,
    /// `policies/x.md` → `/root/policies/x/`; missing means unknown page.
    pub pages: &'a HashMap<String, String>,
}

/// A wide table scrolls inside its own box; the box can take keyboard
/// focus so it can be scrolled without a mouse.
const TABLE_WRAP: &str = "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"表格（可左右滑动）\">";

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
}

type Events<'a> = Vec<(Event<'a>, std::ops::Range<usize>)>;

/// (event index, anchor, title) where each anchored section begins.
type Starts = Vec<(usize, String, String)>;

pub fn render(body: &str, src: &Source) -> Rendered {
    let mut out = Rendered::default();
    // Text pasted from Word becomes the Markdown its author meant.
    let body = &super::word_text::normalise(body);
    let mut events: Events = Parser::new_ext(&body.text, options()).into_offset_iter().collect();
    // The page title is the only <h1>: the body's top heading level becomes
    // <h2> so headings stay in order (texts pasted from Word start at ###).
    let top = events
        .iter()
        .filter_map(|(e, _)| match e {
            Event::Start(Tag::Heading { level, .. }) => Some(*level as usize),
            _ => None,
        })
        .min()
        .unwrap_or(2);
    // Four rewrites in one pass over the events.
    let mut starts: Starts = Vec::new();
    let mut i = 0;
    while i < events.len() {
        i = match &events[i].0 {
            Event::Start(Tag::Heading { .. }) => anchor_heading(&mut events, i, top, &mut out, &mut starts),
            Event::Start(Tag::Paragraph) => anchor_paragraph(&mut events, i, &mut out, &mut starts),
            Event::Start(Tag::Link { dest_url, .. }) if dest_url.starts_with("@/") => {
                resolve_link(&mut events, i, body, src, &mut out)
            }
            Event::SoftBreak => join_cjk_lines(&mut events, i),
            _ => i + 1,
        };
    }
    out.sections = sections(&events, &starts);
    let mut html = String::with_capacity(body.text.len() * 3 / 2);
    let wrapped = events.into_iter().flat_map(|(e, _)| match e {
        // Wide tables scroll inside their own box on a phone.
        Event::Start(Tag::Table(_)) => vec![Event::Html(CowStr::Borrowed(TABLE_WRAP)), e],
        Event::End(TagEnd::Table) => vec![e, Event::Html(CowStr::Borrowed("</div>\n"))],
        e => vec![e],
    });
    pulldown_cmark::html::push_html(&mut html, wrapped);
    out.html = html;
    out
}

/// Gives the heading at `i` its anchor (chapter-N, article-N or its text)
/// and its level: chapters are always <h2> and articles <h3>, however the
/// source marked them; other headings keep their depth below the top one.
/// Returns the index after the heading.
fn anchor_heading(events: &mut Events, i: usize, top: usize, out: &mut Rendered, starts: &mut Starts) -> usize {
    let end = find_end(events, i);
    let title = plain_text(&events[i + 1..end]);
    let detected = detect(&title);
    let id = unique(&mut out.anchors, detected.map_or_else(|| text_anchor(&title), |(unit, n)| unit.anchor(n)));
    let new_level = match (detected, &events[i].0) {
        (Some((Unit::Chapter, _)), _) => HeadingLevel::H2,
        (Some((Unit::Article, _)), _) => HeadingLevel::H3,
        (None, Event::Start(Tag::Heading { level, .. })) => shift(*level, top),
        (None, _) => HeadingLevel::H2,
    };
    if let Event::Start(Tag::Heading { level, id: slot, .. }) = &mut events[i].0 {
        *slot = Some(CowStr::from(id.clone()));
        *level = new_level;
        let toc_level = if new_level <= HeadingLevel::H2 { 1 } else { 2 };
        starts.push((i, id.clone(), title.trim().to_string()));
        out.toc.push(TocEntry { level: toc_level, id, title: title.trim().to_string() });
    }
    if let Event::End(TagEnd::Heading(level)) = &mut events[end].0 {
        *level = new_level;
    }
    end
}

/// A paragraph that starts an article (第三条　…) or is a short chapter
/// line (第五章 附 则) gets its anchor.
fn anchor_paragraph(events: &mut Events, i: usize, out: &mut Rendered, starts: &mut Starts) -> usize {
    let end = find_end(events, i);
    let text = plain_text(&events[i + 1..end]);
    if let Some((unit, n)) = detect(&text).filter(|(u, _)| *u == Unit::Article || text.chars().count() <= 30) {
        let id = unique(&mut out.anchors, unit.anchor(n));
        let label = marker_label(&text);
        let class = if unit == Unit::Chapter { "chapter" } else { "article" };
        events[i].0 = Event::Html(CowStr::from(format!("<p id=\"{id}\" class=\"{class}\">")));
        events[end].0 = Event::Html(CowStr::from("</p>\n"));
        let level = if unit == Unit::Chapter { 1 } else { 2 };
        starts.push((i, id.clone(), label.clone()));
        out.toc.push(TocEntry { level, id, title: label });
    }
    i + 1
}

/// An `@/policies/x.md#article-5` link becomes the page's URL; an unknown
/// page is an error at its line (anchors are checked once all pages exist).
fn resolve_link(events: &mut Events, i: usize, body: &Normalised, src: &Source, out: &mut Rendered) -> usize {
    let at = body.source_line(line_of(&body.text, events[i].1.start)) + src.body_line - 1;
    let (event, _) = &mut events[i];
    let Event::Start(Tag::Link { dest_url, .. }) = event else { return i + 1 };
    let dest = dest_url.to_string();
    let (path, anchor) = match dest[2..].split_once('#') {
        Some((p, a)) => (p.to_string(), Some(a.to_string())),
        None => (dest[2..].to_string(), None),
    };
    match src.pages.get(&path) {
        Some(url) => {
            *dest_url = CowStr::from(match &anchor {
                Some(a) => format!("{url}#{a}"),
                None => url.clone(),
            });
            out.links.push(InternalLink { target: path, anchor, line: at });
        }
        None => out.diagnostics.push(Diagnostic::new(src.file, at, format!("链接的页面不存在：{dest}")).with_hint(
            "内部链接写成 @/policies/文件名.md 或 @/policies/文件名.md#article-5，文件名要与 content/ 下的一致",
        )),
    }
    i + 1
}

/// A line break inside Chinese text is not a space.
fn join_cjk_lines(events: &mut Events, i: usize) -> usize {
    let before = prev_char(&events[..i]);
    let after = next_char(&events[i + 1..]);
    if before.is_some_and(is_cjk) || after.is_some_and(is_cjk) {
        events[i].0 = Event::Text(CowStr::Borrowed(""));
    }
    i + 1
}

/// Splits the page's text at each anchor, for the search index.
fn sections(events: &[(Event, std::ops::Range<usize>)], starts: &[(usize, String, String)]) -> Vec<Section> {
    let mut out = vec![Section::default()];
    let mut next = starts.iter().peekable();
    for (i, (e, _)) in events.iter().enumerate() {
        if let Some((_, id, title)) = next.next_if(|(at, _, _)| *at == i) {
            out.push(Section { anchor: id.clone(), heading: title.clone(), text: String::new() });
        }
        let cur = out.last_mut().expect("one section at least");
        match e {
            Event::Text(t) | Event::Code(t) => cur.text.push_str(t),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell)
            | Event::SoftBreak
            | Event::HardBreak
                if !cur.text.ends_with(' ') && !cur.text.is_empty() =>
            {
                cur.text.push(' ');
            }
            Event::Html(h) if h.starts_with("</p>") => cur.text.push(' '),
            _ => {}
        }
    }
    for s in &mut out {
        s.text = s.text.trim().to_string();
    }
    out.retain(|s| !s.text.is_empty() || !s.anchor.is_empty());
    out
}

fn shift(level: HeadingLevel, top: usize) -> HeadingLevel {
    let n = (level as usize + 2).saturating_sub(top).clamp(2, 6);
    HeadingLevel::try_from(n).unwrap_or(HeadingLevel::H6)
}

fn find_end(events: &[(Event, std::ops::Range<usize>)], start: usize) -> usize {
    let mut depth = 0usize;
    for (j, (e, _)) in events.iter().enumerate().skip(start) {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return j;
                }
            }
            _ => {}
        }
    }
    events.len() - 1
}

fn plain_text(events: &[(Event, std::ops::Range<usize>)]) -> String {
    let mut s = String::new();
    for (e, _) in events {
        match e {
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    s
}

/// The 第X条 marker itself, for the table of contents.
fn marker_label(text: &str) -> String {
    let t = text.trim_start_matches(|c: char| c.is_whitespace());
    let end = t.find(['条', '章']).map(|i| i + 3).unwrap_or(t.len());
    let label: String = t[..end].chars().filter(|c| !c.is_whitespace()).collect();
    if label.ends_with('章') {
        // A chapter written as a paragraph keeps its title: 第一章 总则.
        t.split_whitespace().collect::<Vec<_>>().join(" ")
    } else {
        label
    }
}

/// Anchor for an ordinary heading: its text without spaces or punctuation
/// that would need escaping in a URL fragment.
fn text_anchor(title: &str) -> String {
    let id: String = title
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
        .flat_map(|c| c.to_lowercase())
        .collect();
    if id.is_empty() {
        "section".into()
    } else {
        id
    }
}

fn unique(taken: &mut BTreeSet<String>, id: String) -> String {
    if taken.insert(id.clone()) {
        return id;
    }
    (2..).map(|n| format!("{id}-{n}")).find(|c| taken.insert(c.clone())).unwrap_or(id)
}

fn prev_char(events: &[(Event, std::ops::Range<usize>)]) -> Option<char> {
    match events.last() {
        Some((Event::Text(t), _)) => t.chars().last(),
        _ => None,
    }
}

fn next_char(events: &[(Event, std::ops::Range<usize>)]) -> Option<char> {
    match events.first() {
        Some((Event::Text(t), _)) => t.chars().next(),
        _ => None,
    }
}

pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x2FA1F)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(body: &str) -> Rendered {
        let mut pages = HashMap::new();
        pages.insert("policies/a.md".to_string(), "/policies/a/".to_string());
        render(body, &Source { file: "x.md", body_line: 5, pages: &pages })
    }

    #[test]
    fn anchors_for_every_reference_form() {
        let out = r("### 第一章 总 则\n\n**第一条** 以……\n\n## **第二章 人员配备**\n\n第二条　资助工作人员\n\n第三章 附则\n\n#### 第十二条\n");
        let ids: Vec<&str> = out.toc.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["chapter-1", "article-1", "chapter-2", "article-2", "chapter-3", "article-12"]);
        assert!(out.html.contains("<h2 id=\"chapter-1\">"), "top heading level becomes h2: {}", out.html);
        assert!(out.html.contains("<h2 id=\"chapter-2\">"), "{}", out.html);
        assert!(out.html.contains("<h3 id=\"article-12\">"), "{}", out.html);
        assert!(out.html.contains("<p id=\"article-1\" class=\"article\"><strong>第一条</strong>"), "{}", out.html);
        assert_eq!(out.toc[1].title, "第一条");
        assert_eq!(out.toc[4].title, "第三章 附则");
    }

    #[test]
    fn internal_links_resolve_and_unknown_ones_report_the_line() {
        let out = r("见[第五条](@/policies/a.md#article-5)。\n\n[坏链接](@/policies/b.md)\n");
        assert!(out.html.contains("href=\"/policies/a/#article-5\""));
        assert_eq!(out.links.len(), 1);
        assert_eq!(out.links[0].anchor.as_deref(), Some("article-5"));
        assert_eq!(out.diagnostics.len(), 1);
        assert_eq!(out.diagnostics[0].line, 7);
    }

    #[test]
    fn soft_breaks_inside_chinese_vanish() {
        let out = r("资助工作人员由学校\n考察聘用。\nEnglish\nwords");
        assert!(out.html.contains("资助工作人员由学校考察聘用。"), "{}", out.html);
        assert!(out.html.contains("English\nwords"), "{}", out.html);
    }

    #[test]
    fn sections_split_at_anchors_for_search() {
        let out = r("导语。\n\n## 第一章 总则\n\n**第一条** 资助专干负责宣传。\n\n第二条 资料员协助。\n");
        let anchors: Vec<&str> = out.sections.iter().map(|s| s.anchor.as_str()).collect();
        assert_eq!(anchors, ["", "chapter-1", "article-1", "article-2"]);
        assert_eq!(out.sections[2].text, "第一条 资助专干负责宣传。");
        assert_eq!(out.sections[1].heading, "第一章 总则");
    }

    #[test]
    fn tables_scroll_in_their_own_box() {
        let out = r("| 时间 | 工作内容 |\n|---|---|\n| 9月 | 认定 |\n");
        assert!(out.html.starts_with(&format!("{TABLE_WRAP}<table>")), "{}", out.html);
    }

    #[test]
    fn duplicate_anchors_get_suffixes() {
        let out = r("## 说明\n\n## 说明\n");
        assert_eq!(out.toc[1].id, "说明-2");
    }
}
