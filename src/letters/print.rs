//! Writes one list's part of the print bundle: letter batches (one A4
//! letter per recipient, grouped), receipt rosters, and for active lists
//! the on-site publicity sheet.

use super::compile::{Letter, Piece};
use crate::config::SiteConfig;
use crate::content::list::ListBundle;
use crate::data::amount::format_yuan;
use crate::date::Date;
use crate::diag::Diagnostic;
use crate::escape::html_into;
use crate::fingerprint::FnvBuildHasher;
use crate::render::writer::PrintWriter;
use crate::roster::{LetterRow, NotForLetters, PublicRows, PublicTable, Roster, ROWS_PLACEHOLDER};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
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
}

pub fn write_letters(
    b: &ListBundle,
    roster: &Roster,
    end: Date,
    env: &PrintEnv,
) -> Result<Vec<Batch>, Vec<Diagnostic>> {
    let Some(spec) = &b.meta.letters else { return Ok(Vec::new()) };
    let Some(letter) = env.letters.get(&spec.template) else {
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
    if !problems.is_empty() {
        return Err(problems);
    }

    let m = &b.meta;
    let date = spec.date.unwrap_or(end);
    let programme_url = env
        .config
        .programme(&m.programme)
        .map(|p| env.config.absolute(&format!("programmes/{}/", p.slug)))
        .unwrap_or_else(|| env.config.absolute(""));
    let per_year = roster.amounts_per_year();
    let mut base = Context::new();
    base.insert("school", &m.school);
    base.insert("programme", &m.programme);
    base.insert("term", &m.term);
    let hotline = m.hotline.as_deref().unwrap_or(&env.config.hotline);
    let date_cn = date.chinese();
    base.insert("hotline", hotline);
    base.insert("issuer", &m.school);
    base.insert("date", &date.chinese());
    base.insert("title", &letter.meta.title);
    let class_col = roster.letter_column("班级").ok();

    // Batches in roster order: the first row of a group places the group.
    let mut groups: Vec<(String, Vec<LetterRow>)> = Vec::new();
    for r in roster.letter_rows() {
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
    // One QR image per programme, shared by every batch that links to it.
    let qr_file = env.config.programme(&m.programme).map(|p| format!("qr/{}.svg", p.slug));
    // One folder per list: two lists of one school and term never collide.
    let dir = format!("{}/{}/{}", file_segment(&b.term_slug), file_segment(&m.school), file_segment(&b.slug));
    let mut batches = Vec::new();
    for (group, records) in groups {
        let mut items = Vec::with_capacity(records.len());
        for r in &records {
            let name = r.name();
            let id_masked = r.id_masked();
            let amount = r.amount_fen().map(format_yuan);
            let per_term = r.amount_fen().map(|fen| format_yuan(if per_year { fen / 2 } else { fen }));
            let columns: Vec<&str> = key_cols.iter().map(|&c| r.cell(c)).collect();
            let body = match &letter.pieces {
                Some(pieces) => {
                    let named = |p: &str| -> Option<&str> {
                        Some(match p {
                            "name" => name,
                            "id_masked" => id_masked.as_deref()?,
                            "amount" => amount.as_deref()?,
                            "amount_per_term" => per_term.as_deref()?,
                            "hotline" => hotline,
                            "school" | "issuer" => &m.school,
                            "programme" => &m.programme,
                            "term" => &m.term,
                            "date" => &date_cn,
                            "title" => &letter.meta.title,
                            _ => return None,
                        })
                    };
                    fill(pieces, named, &columns)
                }
                None => {
                    let mut ctx = base.clone();
                    ctx.insert("name", name);
                    let row: BTreeMap<String, &str> =
                        columns.iter().enumerate().map(|(n, v)| (format!("c{n}"), *v)).collect();
                    ctx.insert("row", &row);
                    if let Some(v) = &id_masked {
                        ctx.insert("id_masked", v);
                    }
                    if let (Some(a), Some(t)) = (&amount, &per_term) {
                        ctx.insert("amount", a);
                        ctx.insert("amount_per_term", t);
                    }
                    // Tera can panic on unusual input; a letter must not take the build down.
                    let rendered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        env.tera.render(&letter.template_name(), &ctx)
                    }));
                    let fail = |why: String| {
                        vec![Diagnostic::new(
                            &letter.file,
                            0,
                            format!("为 {} 第 {} 行生成告知书时出错：{why}", b.data_file(), r.line()),
                        )]
                    };
                    match rendered {
                        Ok(Ok(body)) => body,
                        Ok(Err(e)) => return Err(fail(crate::render::templates::error_chain(&e))),
                        Err(_) => return Err(fail("模板引擎内部错误".into())),
                    }
                }
            };
            let class = class_col.map(|c| r.cell(c).to_string()).unwrap_or_else(|| group.clone());
            items.push(LetterItem { body, name: name.to_string(), class });
        }
        let stem = file_segment(&group);
        let letters_file = format!("{dir}/{stem}.html");
        let roster_file = format!("{dir}/{stem}-回执登记表.html");
        let batch = Batch {
            term: m.term.clone(),
            school: m.school.clone(),
            group: group.clone(),
            list_title: m.title.clone(),
            count: items.len(),
            letters_file,
            roster_file,
        };
        let mut ctx = Context::new();
        ctx.insert("batch", &batch);
        ctx.insert("letters", &items);
        ctx.insert("title", &letter.meta.title);
        ctx.insert("receipt", &letter.meta.receipt);
        ctx.insert("qr", &qr_file);
        ctx.insert("qr_url", &programme_url);
        ctx.insert("school", &m.school);
        ctx.insert("date", &date.chinese());
        ctx.insert("root", &relative_root(&batch.letters_file));
        env.writer.page(&batch.letters_file, "print/letters.html", ctx.clone()).map_err(|d| vec![d])?;
        env.writer.page(&batch.roster_file, "print/receipts.html", ctx).map_err(|d| vec![d])?;
        batches.push(batch);
    }
    Ok(batches)
}

/// A letter from its pieces: literal text, escaped values.
fn fill<'v>(pieces: &[Piece], named: impl Fn(&str) -> Option<&'v str>, columns: &[&str]) -> String {
    let mut out =
        String::with_capacity(pieces.iter().map(|p| if let Piece::Text(t) = p { t.len() + 16 } else { 16 }).sum());
    for p in pieces {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Named(n) => html_into(&mut out, named(n).unwrap_or("")),
            Piece::Column(i) => html_into(&mut out, columns.get(*i).copied().unwrap_or("")),
        }
    }
    out
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

pub fn write_index(batches: &[Batch], sheets: &[(String, String)], writer: &PrintWriter) -> Result<(), Diagnostic> {
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
    order.sort_by(|&a, &b| (groups[b].term, groups[a].school).cmp(&(groups[a].term, groups[b].school)));
    let splices: Vec<(&str, &[String])> =
        order.iter().map(|&i| (groups[i].rows.as_str(), std::slice::from_ref(&rows[i]))).collect();
    let sorted: Vec<&SchoolGroup> = order.iter().map(|&i| &groups[i]).collect();
    let mut ctx = Context::new();
    ctx.insert("groups", &sorted);
    ctx.insert("total", &batches.iter().map(|b| b.count).sum::<usize>());
    ctx.insert("batch_count", &batches.len());
    ctx.insert("sheets", sheets);
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
