//! Publicity-list bundles: `content/lists/<term>/<slug>/index.md` (front
//! matter + the notice text shown above the list) and the data file it
//! names. A contract: extend the fields, never rename them.

use crate::date::Date;
use crate::diag::{rel_path, Diagnostic, Diagnostics};
use crate::frontmatter;
use crate::privacy::mask::NameMask;
use crate::privacy::roles::Role;
use rayon::prelude::*;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListMeta {
    pub title: String,
    pub programme: String,
    pub school: String,
    pub term: String,
    /// The data file beside index.md: `.csv` (or tab-separated text), or a
    /// workbook (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`, WPS `.et`).
    pub data: String,
    /// Worksheet of a workbook. Default: the only visible sheet; a workbook
    /// with several visible sheets must name one. A hidden sheet is read
    /// only when named here.
    #[serde(default)]
    pub sheet: Option<String>,
    pub publicity_start: Date,
    /// Working days from the start; or `publicity_end` instead.
    #[serde(default)]
    pub publicity_days: Option<u32>,
    #[serde(default)]
    pub publicity_end: Option<Date>,
    /// 监督电话 of this list; default the site's.
    #[serde(default)]
    pub hotline: Option<String>,
    #[serde(default)]
    pub policies: Vec<String>,
    #[serde(default)]
    pub name_mask: Option<NameMask>,
    #[serde(default)]
    pub show_amount: bool,
    #[serde(default)]
    pub columns: Option<BTreeMap<String, Role>>,
    /// The list is meant to have no recipients (a notice that nobody
    /// qualified this term). Without it, a data file with a header and no
    /// rows is an error: a list published as 共 0 人 is usually an export
    /// that went wrong.
    #[serde(default)]
    pub allow_empty: bool,
    /// A draft is left out of the build entirely.
    #[serde(default)]
    pub draft: bool,
    /// Round of a 三榜公示 (1, 2 or 3), shown by `gongshi status` and on
    /// the list page (第一榜…); the county's checks hold a later round to
    /// the one it `follows`.
    #[serde(default)]
    pub round: Option<u8>,
    /// Notification letters for every recipient.
    #[serde(default)]
    pub letters: Option<LettersSpec>,
    /// The round before this one: `"<term folder>/<list folder>"`.
    #[serde(default)]
    pub follows: Option<String>,
    /// Objections registered during publicity: a private file beside
    /// index.md (收到日期, 身份证号 or 姓名+班级, 内容, 核实结果, 是否调整).
    #[serde(default)]
    pub objections: Option<String>,
    /// Receipts typed back by the school: a private file beside index.md.
    #[serde(default)]
    pub receipts: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LettersSpec {
    /// A file name under `content/letters/`, without `.md`.
    pub template: String,
    /// Columns that split the letters into print batches (e.g. ["班级"]);
    /// default: one batch for the whole school.
    #[serde(default)]
    pub group_by: Vec<String>,
    /// The date on the letters; default the end of the publicity period.
    #[serde(default)]
    pub date: Option<Date>,
}

#[derive(Debug, Clone)]
pub struct ListBundle {
    /// Folder names: the list's URL is `/lists/<term_slug>/<slug>/`.
    pub term_slug: String,
    pub slug: String,
    pub dir: PathBuf,
    /// Site-relative path of index.md.
    pub file: String,
    pub front: String,
    pub body: String,
    pub body_line: usize,
    pub meta: ListMeta,
}

impl ListBundle {
    pub fn path(&self) -> String {
        format!("lists/{}/{}/", self.term_slug, self.slug)
    }

    pub fn data_file(&self) -> String {
        self.beside(&self.meta.data)
    }

    /// Site-relative path of a file beside index.md.
    pub fn beside(&self, name: &str) -> String {
        format!("{}{}", self.file.trim_end_matches("index.md"), name)
    }

    /// `"<term folder>/<list folder>"`, as `follows` names a list.
    pub fn key(&self) -> String {
        format!("{}/{}", self.term_slug, self.slug)
    }

    /// File line of the first front-matter line mentioning `"value"` or `key`.
    pub fn line_of(&self, needle: &str) -> usize {
        self.front.find(needle).map(|i| crate::diag::line_of(&self.front, i) + 1).unwrap_or(1)
    }
}

/// Every bundle under `content/lists/`, drafts included (callers skip them).
pub fn load(root: &Path, diags: &Diagnostics) -> Vec<ListBundle> {
    let lists_dir = root.join("content").join("lists");
    if !lists_dir.is_dir() {
        return Vec::new();
    }
    let mut dirs: Vec<PathBuf> = walkdir::WalkDir::new(&lists_dir)
        .min_depth(2)
        .max_depth(2)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_dir())
        .map(|e| e.into_path())
        .collect();
    dirs.sort();
    let mut bundles: Vec<ListBundle> = dirs
        .par_iter()
        .filter_map(|dir| match read_bundle(root, dir) {
            Ok(b) => Some(b),
            Err(d) => {
                diags.push(d);
                None
            }
        })
        .collect();
    bundles.sort_by(|a, b| (&a.term_slug, &a.slug).cmp(&(&b.term_slug, &b.slug)));
    bundles
}

fn read_bundle(root: &Path, dir: &Path) -> Result<ListBundle, Diagnostic> {
    let index = dir.join("index.md");
    let file = rel_path(root, &index);
    if !index.is_file() {
        return Err(Diagnostic::new(rel_path(root, dir), 0, "公示名单文件夹里缺少 index.md")
            .with_hint("每个名单文件夹需要一个 index.md（头信息 + 公示说明）和它在 data 中指定的数据文件"));
    }
    let name = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let slug = name(dir);
    let term_slug = dir.parent().map(name).unwrap_or_default();
    for part in [&term_slug, &slug] {
        if !super::is_url_safe(part) {
            return Err(Diagnostic::new(&file, 0, format!("文件夹名“{part}”不能用作网址"))
                .with_hint("文件夹名只用字母、数字、汉字、连字符和下划线，例如 2025-qiu/yizhong-zhuxuejin"));
        }
    }
    let text = frontmatter::read_text(&file, &index)?;
    let split = frontmatter::split(&file, &text)?;
    let meta: ListMeta = frontmatter::parse(&file, &split)?;
    Ok(ListBundle {
        term_slug,
        slug,
        dir: dir.to_path_buf(),
        front: split.front.to_string(),
        body: split.body.to_string(),
        body_line: split.body_line,
        meta,
        file,
    })
}
