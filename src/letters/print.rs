//! Writes one list's part of the print bundle: letter batches (one A4
//! letter per recipient, grouped), receipt rosters, and for active lists
//! the on-site publicity sheet.

use super::compile::Letter;
use super::fill::{self, Shared, Values};
use super::fit;
use crate::config::SiteConfig;
use crate::content::list::{LettersSpec, ListBundle};
use crate::data::amount::format_yuan;
use crate::date::Date;
use crate::diag::Diagnostic;
use crate::escape::html_into;
use crate::fingerprint::FnvBuildHasher;
use crate::render::writer::PrintWriter;
use crate::roster::{LetterColumn, LetterRow, NotForLetters, PublicRows, PublicTable, Roster, ROWS_PLACEHOLDER};
use serde::Serialize;
use std::collections::HashMap;
use std::fmt::Write;
use tera::{Context, Tera};

/// One printable batch, as the print index lists it.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Batch {
    pub term: String,
    pub school: String,
    pub group: String,
    pub list_title: String,
    pub count: usize,
    /// Paths relative to the print folder.
    pub letters_file: String,
    pub roster_file: String,
    /// Letters set smaller than 12 pt to fit their page, and the smallest
    /// size used, in tenths of a point.
    #[serde(default)]
    pub shrunk: usize,
    #[serde(default)]
    pub smallest_size: u32,
}

pub struct PrintEnv<'a> {
    pub config: &'a SiteConfig,
    pub tera: &'a Tera,
    pub writer: &'a PrintWriter<'a>,
    pub letters: &'a HashMap<String, Letter>,
}

/// A file or folder name from staff-typed text (school, class).
pub fn file_segment(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| if "/\\:*?\"<>|".contains(c) || c.is_control() || c.is_whitespace() { '_' } else { c })
        .collect();
    if cleaned.is_empty() || cleaned.starts_with('.') {
        format!("_{cleaned}")
    } else {
        cleaned
    }
}

#[derive(Serialize)]
struct LetterItem {
    body: String,
    name: String,
    class: String,
    /// The body's font size when smaller than the page's 12 pt (`11.5pt`).
    size: Option<String>,
}

/// What the page around a letter's body holds.
fn page_of(letter: &Letter, b: &ListBundle, config: &SiteConfig) -> fit::Page {
    fit::Page {
        fields: letter.meta.receipt.fields.len(),
        options: !letter.meta.receipt.options.is_empty(),
        qr: config.programme(&b.meta.programme).is_some(),
        title_chars: letter.meta.title.chars().count(),
    }
}

/// A letter that does not fit its page even at the smallest size.
fn too_long(letter: &Letter, b: &ListBundle, line: usize, body: &str, page: &fit::Page) -> Diagnostic {
    let chars = body.split('<').map(|s| s.split_once('>').map_or(s, |x| x.1)).collect::<String>();
    let chars = chars.chars().filter(|c| !c.is_whitespace()).count();
    Diagnostic::new(
        &letter.file,
        0,
        format!(
            "告知书正文太长：为 {} 第 {line} 行的学生生成的告知书正文约 {chars} 字，缩小到五号字（{} 磅）也印不下一页，打印时会被截掉",
            b.data_file(),
            fit::MIN_SIZE as f32 / 10.0
        ),
    )
    .with_hint(format!(
        "请把正文精简到约 {} 字以内{}",
        fit::capacity(page),
        if page.fields > 0 { "，或减少回执中的 fields" } else { "" }
    ))
}

/// `(end, removed)`: the end of publicity, and the data-file lines of
/// students an objection removed (they get no letter).
pub fn write_letters(
    b: &ListBundle,
    roster: &Roster,
    (end, removed): (Date, &[usize]),
    env: &PrintEnv,
) -> Result<Vec<Batch>, Vec<Diagnostic>> {
    let Some(spec) = &b.meta.letters else { return Ok(Vec::new()) };
    let plan = plan(b, spec, roster, env)?;
    let m = &b.meta;
    let shared = Shared {
        school: &m.school,
        programme: &m.programme,
        term: &m.term,
        hotline: m.hotline.as_deref().unwrap_or(&env.config.hotline),
        date: spec.date.unwrap_or(end).chinese(),
        title: &plan.letter.meta.title,
    };
    let per_year = roster.amounts_per_year();
    let page = page_of(plan.letter, b, env.config);
    let class_col = roster.letter_column("班级").ok();
    let mut batches = Vec::new();
    for (group, rows) in groups(roster, &plan.group_cols, removed) {
        let mut smallest = fit::SIZES[0];
        let mut items = Vec::with_capacity(rows.len());
        for r in &rows {
            let values = Values {
                shared: &shared,
                name: r.name(),
                id_masked: r.id_masked(),
                amount: r.amount_fen().map(format_yuan),
                amount_per_term: r.amount_fen().map(|fen| format_yuan(if per_year { fen / 2 } else { fen })),
                columns: plan.key_cols.iter().map(|&c| r.cell(c)).collect(),
            };
            let body = fill::body(plan.letter, &values, env.tera).map_err(|why| {
                let at = format!("为 {} 第 {} 行生成告知书时出错：{why}", b.data_file(), r.line());
                vec![Diagnostic::new(&plan.letter.file, 0, at)]
            })?;
            let class = class_col.map(|c| r.cell(c).to_string()).unwrap_or_else(|| group.clone());
            // Shrunk to fit its page, never cut off: too long is an error.
            let size = fit::size(&body, &page).ok_or_else(|| vec![too_long(plan.letter, b, r.line(), &body, &page)])?;
            let size_css = (size < fit::SIZES[0]).then(|| format!("{}pt", size as f32 / 10.0));
            items.push(LetterItem { body, name: r.name().to_string(), class, size: size_css });
            smallest = smallest.min(size);
        }
        let mut batch = write_batch(b, &plan, &shared, group, &items, env).map_err(|d| vec![d])?;
        batch.shrunk = items.iter().filter(|i| i.size.is_some()).count();
        batch.smallest_size = smallest;
        batches.push(batch);
    }
    Ok(batches)
}

/// A list's letters, checked against its roster before any is written.
struct Plan<'a> {
    letter: &'a Letter,
    /// The letter's `row["…"]` columns, in the order of its keys.
    key_cols: Vec<LetterColumn>,
    group_cols: Vec<LetterColumn>,
}

fn plan<'a>(
    b: &ListBundle,
    spec: &LettersSpec,
    roster: &Roster,
    env: &PrintEnv<'a>,
) -> Result<Plan<'a>, Vec<Diagnostic>> {
    let Some(letter) = env.letters.get(&spec.template) else {
        // A template that exists but did not compile has had its own
        // errors reported at its own lines: no second, false one here.
        let site = b.dir.ancestors().nth(4);
        if site.is_some_and(|r| r.join("content/letters").join(format!("{}.md", spec.template)).is_file()) {
            return Err(Vec::new());
        }
        let mut known: Vec<&str> = env.letters.keys().map(String::as_str).collect();
        known.sort();
        return Err(vec![Diagnostic::new(
            &b.file,
            b.line_of("template"),
            format!("找不到告知书模板 content/letters/{}.md", spec.template),
        )
        .with_hint(if known.is_empty() {
            "content/letters/ 下还没有告知书模板".to_string()
        } else {
            format!("现有的告知书模板：{}", known.join("、"))
        })]);
    };
    let (key_cols, mut problems) = match letter.columns_in(roster, &b.file) {
        Ok(cols) => (cols, Vec::new()),
        Err(ds) => (Vec::new(), ds),
    };
    let mut group_cols = Vec::new();
    for g in &spec.group_by {
        match roster.letter_column(g) {
            Ok(c) => group_cols.push(c),
            Err(why) => {
                let message = match why {
                    NotForLetters::Missing => format!("group_by 中的“{g}”不是名单的列"),
                    NotForLetters::IdNumbers { .. } => format!("group_by 中的“{g}”含身份证号，不能用来分组"),
                };
                let headers: Vec<&str> = roster.headers().map(|(h, _)| h).collect();
                problems.push(
                    Diagnostic::new(&b.file, b.line_of("group_by"), message)
                        .with_hint(format!("名单的列有：{}", headers.join("、"))),
                )
            }
        }
    }
    if problems.is_empty() {
        Ok(Plan { letter, key_cols, group_cols })
    } else {
        Err(problems)
    }
}

/// Batches in roster order: the first row of a group places the group.
fn groups<'r>(roster: &'r Roster, group_cols: &[LetterColumn], removed: &[usize]) -> Vec<(String, Vec<LetterRow<'r>>)> {
    let mut groups: Vec<(String, Vec<LetterRow>)> = Vec::new();
    for r in roster.letter_rows().filter(|r| !removed.contains(&r.line())) {
        let key = if group_cols.is_empty() {
            "全校".to_string()
        } else {
            group_cols.iter().map(|&c| r.cell(c)).collect::<Vec<_>>().join("-")
        };
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => v.push(r),
            None => groups.push((key, vec![r])),
        }
    }
    groups
}

/// One batch's letters and its receipt roster.
fn write_batch(
    b: &ListBundle,
    plan: &Plan,
    shared: &Shared,
    group: String,
    items: &[LetterItem],
    env: &PrintEnv,
) -> Result<Batch, Diagnostic> {
    let m = &b.meta;
    // One folder per list: two lists of one school and term never collide.
    let dir = format!("{}/{}/{}", file_segment(&b.term_slug), file_segment(&m.school), file_segment(&b.slug));
    let stem = file_segment(&group);
    let batch = Batch {
        term: m.term.clone(),
        school: m.school.clone(),
        group,
        list_title: m.title.clone(),
        count: items.len(),
        letters_file: format!("{dir}/{stem}.html"),
        roster_file: format!("{dir}/{stem}-回执登记表.html"),
        shrunk: 0,
        smallest_size: fit::SIZES[0],
    };
    let config = env.config;
    let programme = config.programme(&m.programme);
    let programme_url =
        programme.map_or_else(|| config.absolute(""), |p| config.absolute(&format!("programmes/{}/", p.slug)));
    let mut ctx = Context::new();
    ctx.insert("batch", &batch);
    ctx.insert("letters", items);
    ctx.insert("title", &plan.letter.meta.title);
    ctx.insert("receipt", &plan.letter.meta.receipt);
    // One QR image per programme, shared by every batch that links to it.
    ctx.insert("qr", &programme.map(|p| format!("qr/{}.svg", p.slug)));
    ctx.insert("qr_url", &programme_url);
    ctx.insert("school", &m.school);
    ctx.insert("date", &shared.date);
    ctx.insert("root", &relative_root(&batch.letters_file));
    env.writer.page(&batch.letters_file, "print/letters.html", ctx.clone())?;
    env.writer.page(&batch.roster_file, "print/receipts.html", ctx)?;
    Ok(batch)
}

/// The 公示栏 sheet of an active list: the same masked table as the site.
pub fn write_sheet(
    b: &ListBundle,
    table: &PublicTable,
    rows: Option<&PublicRows>,
    start: Date,
    end: Date,
    env: &PrintEnv,
) -> Result<String, Diagnostic> {
    let m = &b.meta;
    let path =
        format!("{}/{}/{}/公示栏.html", file_segment(&b.term_slug), file_segment(&m.school), file_segment(&b.slug));
    let mut ctx = Context::new();
    ctx.insert("title", &m.title);
    ctx.insert("school", &m.school);
    ctx.insert("start_cn", &start.chinese());
    ctx.insert("end_cn", &end.chinese());
    ctx.insert("hotline", m.hotline.as_deref().unwrap_or(&env.config.hotline));
    ctx.insert("table", table);
    ctx.insert("root", &relative_root(&path));
    // `table` holds a placeholder for its rows, `rows` says what replaces it.
    let splice: Vec<(&str, &[String])> = rows.map(|r| (ROWS_PLACEHOLDER, r.pieces())).into_iter().collect();
    env.writer.page_spliced(&path, "print/sheet.html", ctx, &splice)?;
    Ok(path)
}

/// `a/b/c.html` → `../../`: links from a print page back to the index.
fn relative_root(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

#[derive(Serialize)]
struct SchoolGroup<'a> {
    term: &'a str,
    school: &'a str,
    /// A placeholder for the table rows, spliced in after Tera: a county
    /// has tens of thousands of batches, megabytes of rows that would be
    /// copied into the context and again into the page.
    rows: String,
    count: usize,
}

fn push_row(rows: &mut String, b: &Batch) {
    rows.push_str("<tr><td>");
    html_into(rows, &b.list_title);
    rows.push_str("</td><td><a href=\"");
    html_into(rows, &b.letters_file);
    rows.push_str("\">");
    html_into(rows, &b.group);
    let _ = write!(rows, "</a></td><td>{}</td><td><a href=\"", b.count);
    html_into(rows, &b.roster_file);
    rows.push_str("\">登记表</a></td></tr>\n");
}

/// `sheets` and `audit`: (title, path) of the notice-board sheets and of
/// the audit report's pages and 一生一册 batches.
/// (title, path) of a page in the print folder.
pub type Link = (String, String);

pub fn write_index(
    batches: &[Batch],
    (sheets, audit): (&[Link], &[Link]),
    writer: &PrintWriter,
) -> Result<(), Diagnostic> {
    let mut groups: Vec<SchoolGroup> = Vec::new();
    let mut rows: Vec<String> = Vec::new();
    // A county has hundreds of schools and tens of thousands of batches.
    let mut at: HashMap<(&str, &str), usize, FnvBuildHasher> = HashMap::default();
    for b in batches {
        let i = *at.entry((&b.term, &b.school)).or_insert_with(|| {
            let placeholder = format!("<tr><td>__GONGSHI_BATCHES_{}__</td></tr>", groups.len());
            groups.push(SchoolGroup { term: &b.term, school: &b.school, rows: placeholder, count: 0 });
            rows.push(String::new());
            groups.len() - 1
        });
        push_row(&mut rows[i], b);
        groups[i].count += b.count;
    }
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by(|&a, &b| {
        groups[b].term.cmp(groups[a].term).then_with(|| crate::natural::cmp(groups[a].school, groups[b].school))
    });
    let splices: Vec<(&str, &[String])> =
        order.iter().map(|&i| (groups[i].rows.as_str(), std::slice::from_ref(&rows[i]))).collect();
    let sorted: Vec<&SchoolGroup> = order.iter().map(|&i| &groups[i]).collect();
    let mut ctx = Context::new();
    ctx.insert("groups", &sorted);
    ctx.insert("total", &batches.iter().map(|b| b.count).sum::<usize>());
    ctx.insert("batch_count", &batches.len());
    ctx.insert("sheets", sheets);
    ctx.insert("audit", audit);
    ctx.insert("root", "");
    writer.page_spliced("index.html", "print/index.html", ctx, &splices)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_segments_are_safe() {
        assert_eq!(file_segment("高一（1）班"), "高一（1）班");
        assert_eq!(file_segment("a/b c"), "a_b_c");
        assert_eq!(file_segment(".."), "_..");
        assert_eq!(relative_root("a/b/c.html"), "../../");
    }
}
