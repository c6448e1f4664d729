//! The private audit report in the print folder (`print/审核/`, never
//! published): one HTML page per term and the same tables as CSV for
//! Excel (UTF-8 with BOM). Counts and amounts by school and programme
//! against quotas; every flag with its files and lines; objections and
//! their deadlines; receipt return rates, missing receipts and declines;
//! students added and dropped since the previous term. Students appear by
//! name and masked ID (first 6 and last 4), never by full ID.

use super::{Findings, ListPrivate, Site};
use crate::config::Level;
use crate::data::amount::format_yuan;
use crate::diag::Diagnostic;
use crate::escape::html_into;
use crate::letters::print::file_segment;
use crate::render::writer::PrintWriter;
use crate::roster::flag;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;
use tera::Context;

pub const DIR: &str = "审核";

/// Rows of a table shown on the page; a longer table (a province's added
/// and dropped students) is whole in its CSV only.
pub const HTML_ROWS: usize = 5000;

/// One table of the report, written as HTML and as CSV.
#[derive(Debug, Clone)]
pub struct Table {
    /// The CSV's file name without `.csv`.
    pub file: &'static str,
    pub title: &'static str,
    pub headers: &'static [&'static str],
    /// The rows the page shows (the first `HTML_ROWS`), each row's cells
    /// joined by `SEP`: one string a row, not one a cell.
    shown: Vec<String>,
    /// Every row as CSV, written as it comes (a province's added and
    /// dropped students are 300,000 rows, never all held as strings).
    csv: Vec<u8>,
    count: usize,
}

/// Between the cells of a row; no cell holds it (a control character).
const SEP: char = '\u{1f}';

/// One CSV field, quoted where it holds a comma, a quote or a line break.
fn csv_field(out: &mut Vec<u8>, s: &str) {
    if s.bytes().any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n')) {
        out.push(b'"');
        out.extend_from_slice(s.replace('"', "\"\"").as_bytes());
        out.push(b'"');
    } else {
        out.extend_from_slice(s.as_bytes());
    }
}

impl Table {
    fn new(file: &'static str, title: &'static str, headers: &'static [&'static str]) -> Table {
        // UTF-8 with a BOM, so that Excel on Chinese Windows opens it right.
        let mut t = Table { file, title, headers, shown: Vec::new(), csv: vec![0xEF, 0xBB, 0xBF], count: 0 };
        t.csv_row(headers.iter());
        t.count = 0;
        t
    }

    fn csv_row<S: AsRef<str>>(&mut self, cells: impl Iterator<Item = S>) {
        for (i, c) in cells.enumerate() {
            if i > 0 {
                self.csv.push(b',');
            }
            csv_field(&mut self.csv, c.as_ref());
        }
        self.csv.extend_from_slice(b"\r\n");
        self.count += 1;
    }

    pub fn push<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) {
        let cells: Vec<S> = cells.into_iter().collect();
        self.csv_row(cells.iter());
        if self.shown.len() < HTML_ROWS {
            let mut row = String::new();
            for (i, c) in cells.iter().enumerate() {
                if i > 0 {
                    row.push(SEP);
                }
                match c.as_ref() {
                    c if c.contains(SEP) => row.push_str(&c.replace(SEP, " ")),
                    c => row.push_str(c),
                }
            }
            self.shown.push(row);
        }
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    pub fn html(&self) -> String {
        let mut out = String::with_capacity(64 * (self.shown.len() + 1));
        out.push_str("<table><thead><tr>");
        for h in self.headers {
            out.push_str("<th scope=\"col\">");
            html_into(&mut out, h);
            out.push_str("</th>");
        }
        out.push_str("</tr></thead><tbody>\n");
        for r in &self.shown {
            out.push_str("<tr>");
            for c in r.split(SEP) {
                out.push_str("<td>");
                html_into(&mut out, c);
                out.push_str("</td>");
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody></table>");
        if self.count > self.shown.len() {
            let _ = write!(out, "<p>共 {} 行，网页只列出前 {} 行；完整内容见 CSV。</p>", self.count, self.shown.len());
        }
        out
    }

    /// The whole table as CSV: UTF-8 with a BOM, lines ending CRLF.
    pub fn csv(&self) -> &[u8] {
        &self.csv
    }
}

/// What the report reads: the checks' site and findings, and each list's
/// names (index as in `Site::lists`).
pub struct View<'a> {
    pub site: &'a Site<'a>,
    pub findings: &'a Findings,
    pub privates: &'a [Option<&'a ListPrivate>],
}

impl View<'_> {
    /// Name and masked ID of a row.
    pub fn student(&self, list: usize, row: usize) -> (&str, &str) {
        match self.privates.get(list).copied().flatten() {
            Some(p) => (p.rows.name(row), p.rows.id_masked(row)),
            None => ("", ""),
        }
    }

    fn who(&self, s: Option<(usize, usize)>) -> String {
        match s.map(|(l, r)| self.student(l, r)) {
            Some((name, "")) => name.to_string(),
            Some((name, id)) => format!("{name}（{id}）"),
            None => String::new(),
        }
    }

    fn lists_of<'b>(&'b self, term: &'b str) -> impl Iterator<Item = (usize, &'b super::Listed<'b>)> + 'b {
        self.site.lists.iter().enumerate().filter(move |(_, l)| l.term() == term)
    }
}

/// A list as the report names it: its title, and its round if any.
fn list_name(l: &super::Listed) -> String {
    match l.bundle.meta.round.and_then(super::rounds::label) {
        Some(r) => format!("{}（{r}）", l.bundle.meta.title),
        None => l.bundle.meta.title.clone(),
    }
}

fn fen(f: Option<i64>) -> String {
    f.map(format_yuan).unwrap_or_default()
}

fn summary(v: &View, term: &str) -> Table {
    let mut t = Table::new(
        "汇总",
        "各校资助人数、金额与名额",
        &["学校", "资助项目", "名单数", "人数", "金额（元）", "名额", "核定金额（元）", "使用情况"],
    );
    for u in v.findings.quotas.iter().filter(|u| u.term == term) {
        let state = if u.over() {
            "超出".to_string()
        } else if u.under() {
            format!("未用完（余 {} 个）", u.quota.unwrap_or(0) - u.count)
        } else if u.quota.is_some() {
            "用满".to_string()
        } else {
            "未设名额".to_string()
        };
        t.push(vec![
            u.school.clone(),
            u.programme.clone(),
            u.lists.len().to_string(),
            u.count.to_string(),
            fen(u.fen),
            u.quota.map(|q| q.to_string()).unwrap_or_default(),
            fen(u.quota_fen),
            state,
        ]);
    }
    t
}

fn flags(v: &View, term: &str) -> Table {
    let mut t = Table::new("问题", "发现的问题", &["类别", "级别", "位置", "另见", "学生", "说明", "处理建议"]);
    let s = v.site.settings();
    for f in v.findings.flags.iter().filter(|f| f.term == term) {
        let level = if f.check.level(s) == Level::Error { "错误" } else { "提醒" };
        t.push(vec![
            f.check.label().into(),
            level.into(),
            f.at.to_string(),
            f.other.as_ref().map(|o| o.to_string()).unwrap_or_default(),
            v.who(f.student),
            f.message.clone(),
            f.hint.clone(),
        ]);
    }
    t
}

fn objections(v: &View, term: &str) -> Table {
    let mut t = Table::new(
        "异议",
        "异议登记与办理期限",
        &[
            "名单",
            "登记表行号",
            "学生",
            "收到日期",
            "内容",
            "核实期限",
            "核实日期",
            "核实结果",
            "复核期限",
            "复核日期",
            "是否调整",
            "状态",
        ],
    );
    let date = |d: Option<crate::date::Date>| d.map(|d| d.iso()).unwrap_or_default();
    for d in v.findings.deadlines.iter().filter(|d| v.site.lists[d.list].term() == term) {
        let l = &v.site.lists[d.list];
        let o = &l.audit.objections[d.objection];
        let text = v.privates[d.list].and_then(|p| p.objections.get(d.objection)).cloned().unwrap_or_default();
        let who = if o.row.is_some() {
            v.who(o.row.map(|r| (d.list, r)))
        } else {
            format!("{}（不在名单中）", text.name_masked)
        };
        t.push(vec![
            list_name(l),
            o.line.to_string(),
            who,
            o.received.iso(),
            text.content,
            d.verify_by.iso(),
            date(o.verified),
            text.finding,
            d.review_by.iso(),
            date(o.reviewed),
            if o.adjusted { "是" } else { "否" }.into(),
            d.stage.label().into(),
        ]);
    }
    t
}

/// Return rates per school and class; the missing receipts; the declines.
fn receipts(v: &View, term: &str) -> [Table; 3] {
    let mut rates =
        Table::new("回执", "回执回收情况", &["学校", "班级", "人数", "已交回", "自愿放弃", "未交回", "回收率"]);
    let mut missing = Table::new("回执未交回", "未交回回执的学生", &["学校", "班级", "学生", "名单"]);
    let mut declined =
        Table::new("自愿放弃", "自愿放弃资助的家庭（存档记录）", &["学校", "班级", "学生", "收回日期", "备注", "名单"]);
    let mut tally: BTreeMap<(&str, &str), super::receipts::Tally> = BTreeMap::new();
    for (li, l) in v.lists_of(term).filter(|(_, l)| l.audit.receipts) {
        let school = l.bundle.meta.school.as_str();
        for (ri, r) in l.kept() {
            let class = l.audit.rows.class(r);
            for key in [(school, class), (school, "（全校）")] {
                let t = tally.entry(key).or_default();
                t.students += 1;
                t.returned += usize::from(r.has(flag::RECEIPT_RETURNED));
                t.declined += usize::from(r.has(flag::DECLINED));
            }
            let row = |extra: Vec<String>| {
                [vec![school.to_string(), class.to_string(), v.who(Some((li, ri)))], extra].concat()
            };
            if !r.has(flag::RECEIPT_RETURNED) {
                missing.push(row(vec![list_name(l)]));
            } else if r.has(flag::DECLINED) {
                let note = v.privates[li].and_then(|p| p.receipts.get(&ri)).cloned().unwrap_or_default();
                declined.push(row(vec![note.date, note.note, list_name(l)]));
            }
        }
    }
    for ((school, class), t) in tally {
        rates.push(vec![
            school.into(),
            class.into(),
            t.students.to_string(),
            t.returned.to_string(),
            t.declined.to_string(),
            t.missing().to_string(),
            t.rate(),
        ]);
    }
    [rates, missing, declined]
}

/// Students added and dropped since the previous term: counts, then names.
fn changes(v: &View, term: &str) -> [Table; 2] {
    let mut counts = Table::new(
        "增减",
        "与上学期相比的学生增减",
        &["学校", "资助项目", "上学期", "上学期人数", "本学期人数", "新增", "减少"],
    );
    let mut people = Table::new("增减名单", "新增和减少的学生", &["学校", "资助项目", "变动", "学生", "班级"]);
    for c in v.findings.changes.iter().filter(|c| c.term == term) {
        let (added, dropped) = if c.comparable {
            (c.added.len().to_string(), c.dropped.len().to_string())
        } else {
            ("无法比对（有的名单没有身份证号列）".to_string(), String::new())
        };
        counts.push(vec![
            c.school.clone(),
            c.programme.clone(),
            c.previous.clone(),
            c.before.to_string(),
            c.now.to_string(),
            added,
            dropped,
        ]);
        for (what, students) in [("新增", &c.added), ("减少", &c.dropped)] {
            for &(li, ri) in students {
                let l = &v.site.lists[li];
                let class = l.audit.rows.class(&l.audit.rows.rows[ri]);
                let who = v.who(Some((li, ri)));
                people.push([c.school.as_str(), &c.programme, what, &who, class]);
            }
        }
    }
    [counts, people]
}

/// Every table of one term's report, in page order.
pub fn term_tables(v: &View, term: &str) -> Vec<Table> {
    let [rates, missing, declined] = receipts(v, term);
    let [counts, people] = changes(v, term);
    vec![summary(v, term), flags(v, term), objections(v, term), rates, missing, declined, counts, people]
}

#[derive(Serialize)]
struct Section<'a> {
    title: &'a str,
    count: usize,
    csv: String,
    placeholder: String,
}

/// The report's files, relative to the print folder, and (title, path)
/// links for the print index.
#[derive(Debug, Default)]
pub struct Written {
    pub files: Vec<String>,
    pub links: Vec<(String, String)>,
}

/// Every term's page and tables, the terms in parallel.
pub fn write(v: &View, writer: &PrintWriter) -> Result<Written, Diagnostic> {
    let terms: Vec<Result<Written, Diagnostic>> =
        v.findings.terms.par_iter().map(|term| write_term(v, term, writer)).collect();
    let mut written = Written::default();
    for w in terms {
        let w = w?;
        written.files.extend(w.files);
        written.links.extend(w.links);
    }
    Ok(written)
}

/// One term's page, and each of its tables as CSV.
fn write_term(v: &View, term: &str, writer: &PrintWriter) -> Result<Written, Diagnostic> {
    let mut written = Written::default();
    let dir = format!("{DIR}/{}", file_segment(term));
    let tables = term_tables(v, term);
    let sections: Vec<Section> = tables
        .iter()
        .enumerate()
        .map(|(i, t)| Section {
            title: t.title,
            count: t.len(),
            csv: format!("{}/{}.csv", file_segment(term), t.file),
            placeholder: format!("<p>__GONGSHI_AUDIT_TABLE_{i}__</p>"),
        })
        .collect();
    let html: Vec<String> = tables.iter().map(Table::html).collect();
    let splices: Vec<(&str, &[String])> =
        sections.iter().zip(&html).map(|(s, h)| (s.placeholder.as_str(), std::slice::from_ref(h))).collect();
    let flags: Vec<_> = v.findings.flags.iter().filter(|f| f.term == term).collect();
    let errors = flags.iter().filter(|f| f.check.level(v.site.settings()) == Level::Error).count();
    let mut ctx = Context::new();
    ctx.insert("term", term);
    ctx.insert("today", &v.site.today.chinese());
    ctx.insert("sections", &sections);
    ctx.insert("flags", &flags.len());
    ctx.insert("errors", &errors);
    ctx.insert("root", "../");
    let page = format!("{DIR}/{}.html", file_segment(term));
    writer.page_spliced(&page, "print/audit.html", ctx, &splices)?;
    for t in &tables {
        let path = format!("{dir}/{}.csv", t.file);
        writer.file(&path, t.csv())?;
        written.files.push(path);
    }
    written.links.push((format!("{term}审核报告"), page.clone()));
    written.files.push(page);
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_as_html_and_csv() {
        let mut t = Table::new("x", "标题", &["学校", "说明"]);
        t.push(["一中", "a,\"b\" <c>"]);
        assert_eq!(
            t.html(),
            "<table><thead><tr><th scope=\"col\">学校</th><th scope=\"col\">说明</th></tr></thead><tbody>\n<tr><td>一中</td><td>a,&quot;b&quot; &lt;c&gt;</td></tr>\n</tbody></table>"
        );
        let csv = t.csv();
        assert!(csv.starts_with(&[0xEF, 0xBB, 0xBF]));
        assert_eq!(String::from_utf8_lossy(&csv[3..]), "学校,说明\r\n一中,\"a,\"\"b\"\" <c>\"\r\n");
    }

    #[test]
    fn long_tables_are_whole_in_csv_and_cut_on_the_page() {
        let mut t = Table::new("x", "标题", &["序号"]);
        for i in 0..HTML_ROWS + 2 {
            t.push([i.to_string()]);
        }
        let html = t.html();
        assert_eq!(html.matches("<tr><td>").count(), HTML_ROWS);
        assert!(
            html.ends_with("<p>共 5002 行，网页只列出前 5000 行；完整内容见 CSV。</p>"),
            "{}",
            &html[html.len() - 80..]
        );
        assert_eq!(t.len(), HTML_ROWS + 2);
        assert_eq!(t.csv().split(|&b| b == b'\n').count(), HTML_ROWS + 4, "header, every row, the end");
    }
}
