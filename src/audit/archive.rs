//! 一生一册 (铜教办〔2023〕17号: one file per student): a private page per
//! student, by keyed ID fingerprint across every term of the site, listing
//! each programme, term, amount, letter and receipt; batched by school and
//! class (the student's latest) for printing, one A4 page each, into
//! `print/一生一册/<学校>/<班级>.html`. Only with `[audit] student_files =
//! true`: a province would print millions of pages.

use super::report::View;
use crate::data::amount::format_yuan;
use crate::diag::Diagnostic;
use crate::escape::html_into;
use crate::letters::print::file_segment;
use crate::render::writer::PrintWriter;
use crate::roster::flag;
use std::collections::{BTreeMap, HashMap};
use tera::Context;

pub const DIR: &str = "一生一册";

/// A student's records: (term rank, list, row), in time order.
type Records = Vec<(usize, usize, usize)>;

/// Students by fingerprint (lists without IDs: by name within a school).
fn students(v: &View) -> Vec<Records> {
    let rank: HashMap<&str, usize> = v.findings.terms.iter().enumerate().map(|(i, t)| (t.as_str(), i)).collect();
    let mut by: HashMap<(u64, &str), usize> = HashMap::new();
    let mut out: Vec<Records> = Vec::new();
    for (li, l) in v.site.lists.iter().enumerate() {
        let scope = if l.audit.rows.has_ids { "" } else { l.bundle.meta.school.as_str() };
        // Earlier rounds only for the students an objection removed there.
        let rows = l.audit.rows.rows.iter().enumerate().filter(|(_, r)| l.last || r.has(flag::REMOVED));
        for (ri, r) in rows {
            let i = *by.entry((r.student, scope)).or_insert_with(|| {
                out.push(Vec::new());
                out.len() - 1
            });
            out[i].push((rank[l.term()], li, ri));
        }
    }
    for records in &mut out {
        records.sort();
    }
    out
}

fn cell(out: &mut String, text: &str) {
    out.push_str("<td>");
    html_into(out, text);
    out.push_str("</td>");
}

fn receipt(l: &super::Listed, r: &crate::roster::AuditRow) -> &'static str {
    match (l.audit.receipts, r.has(flag::RECEIPT_RETURNED), r.has(flag::DECLINED)) {
        (false, _, _) => "—",
        (true, _, true) => "自愿放弃",
        (true, true, false) => "已交回",
        (true, false, false) => "未交回",
    }
}

/// One student's A4 page.
fn page(v: &View, records: &Records, out: &mut String) {
    let &(_, li, ri) = records.last().unwrap_or(&(0, 0, 0));
    let (name, id) = v.student(li, ri);
    let l = &v.site.lists[li];
    out.push_str("<section class=\"sheet student\"><h2>学生资助档案（一生一册）</h2><p>姓名：");
    html_into(out, name);
    out.push_str("　　身份证号：");
    html_into(out, if id.is_empty() { "—" } else { id });
    out.push_str("　　学校：");
    html_into(out, &l.bundle.meta.school);
    out.push_str("　　班级：");
    html_into(out, l.audit.rows.class(&l.audit.rows.rows[ri]));
    out.push_str("</p><table><thead><tr><th scope=\"col\">学期</th><th scope=\"col\">资助项目</th><th scope=\"col\">学校</th><th scope=\"col\">班级</th><th scope=\"col\">档次</th><th scope=\"col\">金额（元）</th><th scope=\"col\">公示</th><th scope=\"col\">告知书</th><th scope=\"col\">回执</th></tr></thead><tbody>\n");
    for &(_, li, ri) in records {
        let l = &v.site.lists[li];
        let rows = &l.audit.rows;
        let r = &rows.rows[ri];
        out.push_str("<tr>");
        cell(out, l.term());
        cell(out, &l.bundle.meta.programme);
        cell(out, &l.bundle.meta.school);
        cell(out, rows.class(r));
        cell(out, rows.tier(r).unwrap_or("—"));
        let per = if rows.per_year { "（每年）" } else { "" };
        cell(out, &r.amount_fen().map(|a| format!("{}{per}", format_yuan(a))).unwrap_or_else(|| "—".into()));
        cell(out, if r.has(flag::REMOVED) { "经异议核实取消" } else { "已公示" });
        cell(out, if r.has(flag::LETTER) { "已发" } else { "—" });
        cell(out, receipt(l, r));
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table><p class=\"sign\">经办人：＿＿＿＿＿＿　　审核人：＿＿＿＿＿＿　　归档日期：＿＿＿＿＿＿</p></section>\n");
}

/// Writes every batch; gives the files and (title, path) links.
pub fn write(v: &View, writer: &PrintWriter) -> Result<super::report::Written, Diagnostic> {
    let mut batches: BTreeMap<(String, String), Vec<Records>> = BTreeMap::new();
    for records in students(v) {
        let &(_, li, ri) = records.last().unwrap_or(&(0, 0, 0));
        let l = &v.site.lists[li];
        let class = l.audit.rows.class(&l.audit.rows.rows[ri]);
        let class = if class.is_empty() { "全校" } else { class };
        batches.entry((l.bundle.meta.school.clone(), class.to_string())).or_default().push(records);
    }
    let mut written = super::report::Written::default();
    // Schools, grades and classes in the order people count them (二年级 before 十年级, 2班 before 10班).
    let mut batches: Vec<_> = batches.into_iter().collect();
    batches.sort_by_cached_key(|((school, class), _)| (crate::natural::key(school), crate::natural::key(class)));
    for ((school, class), students) in batches {
        let path = format!("{DIR}/{}/{}.html", file_segment(&school), file_segment(&class));
        let mut body = String::new();
        for records in &students {
            page(v, records, &mut body);
        }
        let placeholder = "<p>__GONGSHI_STUDENT_FILES__</p>";
        let mut ctx = Context::new();
        ctx.insert("school", &school);
        ctx.insert("class", &class);
        ctx.insert("count", &students.len());
        ctx.insert("placeholder", placeholder);
        ctx.insert("root", "../../");
        writer.page_spliced(&path, "print/archive.html", ctx, &[(placeholder, std::slice::from_ref(&body))])?;
        written.links.push((format!("{school} {class}（{} 人）", students.len()), path.clone()));
        written.files.push(path);
    }
    Ok(written)
}
