//! `gongshi new list 名单.xlsx`: a publicity list from a school's data
//! file. The file is read and checked as a build would; the roles of its
//! columns are inferred and written into `[columns]` for the user to
//! confirm; the preview shows what the public page will show (masked
//! names, public columns only). The data file is copied beside the new
//! `index.md` under `content/lists/`, never anywhere public.

use crate::config::SiteConfig;
use crate::date::Date;
use crate::privacy::roles::Role;
use crate::roster::{self, Files, PublicTable};
use chrono::Datelike;
use std::collections::BTreeMap;
use std::path::Path;

pub struct NewList<'a> {
    pub file: &'a Path,
    pub today: Date,
    pub term: Option<&'a str>,
    pub school: Option<&'a str>,
    pub programme: Option<&'a str>,
    pub slug: Option<&'a str>,
    pub sheet: Option<&'a str>,
    /// Roles chosen by the user (the workbench); None: inferred from the
    /// headers. Never-public headers set public are refused as a build
    /// refuses them.
    pub columns: Option<&'a BTreeMap<String, Role>>,
    /// `publicity_days`: working days from `today`.
    pub days: u32,
    /// How messages name the file (the workbench: the name the user
    /// chose, not the upload's place); None: its path.
    pub label: Option<&'a str>,
}

/// What was written, and the preview to print.
pub struct Written {
    pub index: String,
    pub count: usize,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub columns: Vec<(String, Role)>,
    pub to_check: Vec<String>,
}

/// Rows shown in the terminal preview.
pub const PREVIEW_ROWS: usize = 5;

/// The term a date falls in: autumn from August to January.
pub fn term_of(today: Date) -> (String, String) {
    let (y, m) = (today.0.year(), today.0.month());
    match m {
        8..=12 => (format!("{y}年秋季学期"), format!("{y}-qiu")),
        1 => (format!("{}年秋季学期", y - 1), format!("{}-qiu", y - 1)),
        _ => (format!("{y}年春季学期"), format!("{y}-chun")),
    }
}

fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Reads and checks the data file; on problems gives them all, in the
/// build's words.
fn read_roster(req: &NewList, shown_as: &str) -> Result<roster::Roster, Vec<String>> {
    let bytes =
        std::fs::read(req.file).map_err(|e| vec![format!("错误：{}", crate::platform::read_failure(shown_as, &e))])?;
    let table = crate::data::table::read(req.file, &bytes, req.sheet).map_err(|e| {
        let mut d = crate::diag::Diagnostic::new(shown_as, e.line, e.message);
        if !e.hint.is_empty() {
            d = d.with_hint(e.hint);
        }
        vec![d.to_string()]
    })?;
    let files = Files { data: shown_as, index: shown_as, columns_line: 0, allow_empty: false };
    roster::load(table, req.columns, &files)
        .map(|l| l.roster)
        .map_err(|ds| ds.iter().map(ToString::to_string).collect())
}

/// What the public page would show of the file, nothing written: the
/// columns with their roles, the first `n` rows masked, the count.
pub struct Inspected {
    pub columns: Vec<(String, Role)>,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub count: usize,
}

pub fn inspect(req: &NewList, shown_as: &str, how: crate::privacy::mask::NameMask) -> Result<Inspected, Vec<String>> {
    let roster = read_roster(req, shown_as)?;
    let columns = roster.headers().map(|(h, r)| (h.to_string(), r)).collect();
    let (headers, rows) = PublicTable::preview(&roster, how, false, PREVIEW_ROWS);
    Ok(Inspected { columns, headers, rows, count: roster.count() })
}

pub fn create(root: &Path, req: &NewList, config: &SiteConfig) -> Result<Written, Vec<String>> {
    let file_name = req.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let shown_as = req.label.map_or_else(|| crate::platform::shown(req.file), str::to_string);
    let roster = read_roster(req, &shown_as)?;
    let (term, term_slug) = match req.term {
        Some(t) => (t.to_string(), super::slug_of(t)),
        None => term_of(req.today),
    };
    let stem = req.file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let slug = req.slug.map_or_else(|| super::slug_of(&stem), str::to_string);
    if !crate::content::is_url_safe(&slug) || !crate::content::is_url_safe(&term_slug) {
        return Err(vec![format!("错误：“{term_slug}/{slug}”不能用作网址\n  提示：用 --slug 指定名单的文件夹名，只用字母、数字、汉字和连字符")]);
    }
    let dir = format!("content/lists/{term_slug}/{slug}");
    if root.join(&dir).exists() {
        return Err(vec![format!("错误：{dir} 已经存在，没有覆盖\n  提示：用 --slug 另起一个名字")]);
    }
    let mut to_check = Vec::new();
    let programme = pick_programme(req, config, &mut to_check)?;
    let school = req.school.map(str::to_string).unwrap_or_else(|| {
        to_check.push(format!("学校 school：暂填“{}”，请改成学校全称（或用 --school 指定）", config.issuer));
        config.issuer.clone()
    });
    let columns: Vec<(String, Role)> = roster.headers().map(|(h, r)| (h.to_string(), r)).collect();
    to_check.push("[columns]：各列的用途是按表头推断的，请逐列核对（name 打码公开，public 公开，其余不公开）".into());
    let how = config.publicity.name_mask;
    let (headers, rows) = PublicTable::preview(&roster, how, false, PREVIEW_ROWS);
    let list =
        ListText { title: format!("{school}{term}{programme}拟资助学生名单公示"), programme, school, term };
    let index = index_md(&list, &file_name, (req.today, req.days), &columns, config);
    std::fs::create_dir_all(root.join(&dir))
        .and_then(|()| std::fs::copy(req.file, root.join(&dir).join(&file_name)).map(|_| ()))
        .and_then(|()| std::fs::write(root.join(&dir).join("index.md"), index))
        .map_err(|e| vec![format!("错误：无法写入 {dir}：{e}")])?;
    Ok(Written { index: format!("{dir}/index.md"), count: roster.count(), headers, rows, columns, to_check })
}

fn pick_programme(req: &NewList, config: &SiteConfig, to_check: &mut Vec<String>) -> Result<String, Vec<String>> {
    let names: Vec<&str> = config.programmes.iter().map(|p| p.name.as_str()).collect();
    match req.programme {
        Some(p) if names.contains(&p) => Ok(p.to_string()),
        Some(p) => Err(vec![format!(
            "错误：资助项目“{p}”没有在 site-config.toml 中声明\n  提示：可选的有 {}",
            names.join("、")
        )]),
        None => match names.as_slice() {
            [] => Err(vec![
                "错误：site-config.toml 里还没有声明任何资助项目\n  提示：先在 [[programmes]] 中声明，再新建名单"
                    .into(),
            ]),
            [only] => Ok(only.to_string()),
            [first, ..] => {
                to_check.push(format!(
                    "资助项目 programme：暂填“{first}”，可选 {}（或用 --programme 指定）",
                    names.join("、")
                ));
                Ok(first.to_string())
            }
        },
    }
}

struct ListText {
    title: String,
    programme: String,
    school: String,
    term: String,
}

fn index_md(
    list: &ListText,
    data: &str,
    period: (Date, u32),
    columns: &[(String, Role)],
    config: &SiteConfig,
) -> String {
    let (today, days) = period;
    let mut s = String::from("+++\n");
    s += &format!("title = {}\n", quoted(&list.title));
    s += &format!("programme = {}\n", quoted(&list.programme));
    s += &format!("school = {}\n", quoted(&list.school));
    s += &format!("term = {}\n", quoted(&list.term));
    s += &format!("data = {}\n", quoted(data));
    s += &format!("publicity_start = {today}  # 公示开始日期\n");
    s += &format!("publicity_days = {days}  # 公示几个工作日（不算周末和法定节假日）\n");
    s += "policies = []  # 公示依据：content/policies/ 下的文件名（不带 .md）\n";
    s += "show_amount = false  # true：公开资助档次和金额\n";
    s += "[columns]  # 表头 → 用途：name 姓名（打码公开），public 公开，tier 档次，amount 金额，id_number 身份证号（不公开），private 不公开\n";
    for (h, r) in columns {
        s += &format!("{} = \"{}\"\n", quoted(h), r.key());
    }
    s += "+++\n\n";
    s += &format!(
        "根据有关规定，经学生本人申请、班级民主评议、学校审核，现将{}{}{}拟资助学生名单予以公示。公示期间如有异议，请拨打监督电话 {} 反映。\n",
        list.school, list.term, list.programme, config.hotline
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_by_month() {
        assert_eq!(term_of(Date::parse("2025-10-15").unwrap()), ("2025年秋季学期".into(), "2025-qiu".into()));
        assert_eq!(term_of(Date::parse("2026-01-05").unwrap()), ("2025年秋季学期".into(), "2025-qiu".into()));
        assert_eq!(term_of(Date::parse("2026-03-02").unwrap()), ("2026年春季学期".into(), "2026-chun".into()));
    }
}
