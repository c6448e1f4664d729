//! Letter bodies: `content/letters/<name>.md`, Markdown with Tera
//! placeholders (`{{ name }}`, `{{ row["班级"] }}`), one per programme.

use crate::diag::{rel_path, Diagnostics};
use crate::frontmatter;
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LetterMeta {
    /// 普通高中国家助学金资助告知书
    pub title: String,
    #[serde(default)]
    pub receipt: ReceiptSpec,
}

/// The receipt stub below the cut line.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiptSpec {
    /// Tick boxes, e.g. ["同意领取", "放弃"].
    #[serde(default)]
    pub options: Vec<String>,
    /// Extra blanks for the family to fill in, e.g. ["家长联系电话"].
    #[serde(default)]
    pub fields: Vec<String>,
    /// Replaces the default "已阅读并知晓" sentence.
    #[serde(default)]
    pub statement: Option<String>,
}

#[derive(Debug, Clone)]
pub struct LetterSource {
    pub name: String,
    pub file: String,
    pub body: String,
    pub body_line: usize,
    pub meta: LetterMeta,
}

pub fn load(root: &Path, diags: &Diagnostics) -> Vec<LetterSource> {
    let dir = root.join("content").join("letters");
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut files: Vec<_> = walkdir::WalkDir::new(&dir)
        .min_depth(1)
        .max_depth(1)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let file = rel_path(root, &path);
        let read = frontmatter::read_text(&file, &path).and_then(|text| {
            let split = frontmatter::split(&file, &text)?;
            let meta: LetterMeta = frontmatter::parse(&file, &split)?;
            Ok(LetterSource {
                name: path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(),
                body: split.body.to_string(),
                body_line: split.body_line,
                meta,
                file: file.clone(),
            })
        });
        match read {
            Ok(l) => out.push(l),
            Err(d) => diags.push(d),
        }
    }
    out
}
