//! `gongshi new policy 文件.docx|.txt`: a policy page from a document as
//! staff have it. The text becomes Markdown (headings, 第X章/第X条,
//! tables, bold); the front matter is filled from the text where it can be
//! found, and every field the user must check is marked.

mod docx;
mod markdown;
pub mod policy_meta;
mod text;

use crate::config::SiteConfig;
use std::path::Path;

/// A piece of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// One paragraph; `**…**` marks bold; `level` is a heading level from
    /// the paragraph's style (1 = top).
    Para {
        text: String,
        level: Option<u8>,
        centred: bool,
    },
    Table(Vec<Vec<String>>),
    /// Markdown kept as it is (a table or list found in plain text).
    Raw(String),
}

impl Block {
    pub fn plain(&self) -> String {
        match self {
            Block::Para { text, .. } => policy_meta::plain(text),
            _ => String::new(),
        }
    }
}

#[derive(Debug)]
pub struct Imported {
    /// Site-relative path of the page written.
    pub file: String,
    /// What the user should check, in Chinese, one line each.
    pub to_check: Vec<String>,
}

/// Why nothing was written; every message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The command was given the wrong kind of file (exit code 2).
    #[error("{0}")]
    Usage(String),
    /// The file could not be read or the page not written (exit code 1).
    #[error("{0}")]
    Failed(String),
}

/// Reads `source` and writes `content/policies/<slug>.md` under `root`.
pub fn policy(root: &Path, source: &Path, slug: Option<&str>, config: &SiteConfig) -> Result<Imported, ImportError> {
    policy_checked(root, source, slug, config, &|_| ())
}

/// The fields found in `source` (title, 文号, issuer, date), nothing written.
pub fn fields(source: &Path) -> Result<policy_meta::Found, ImportError> {
    Ok(policy_meta::find(&read_blocks(source)?))
}

/// Like `policy`, with the fields found first passed through `checked`
/// (the workbench: what the user corrected).
pub fn policy_checked(
    root: &Path,
    source: &Path,
    slug: Option<&str>,
    config: &SiteConfig,
    checked: &dyn Fn(&mut policy_meta::Found),
) -> Result<Imported, ImportError> {
    let blocks = read_blocks(source)?;
    let mut found = policy_meta::find(&blocks);
    checked(&mut found);
    let slug = match slug {
        Some(s) => s.to_string(),
        None => slug_from(source),
    };
    if !crate::content::is_url_safe(&slug) {
        return Err(ImportError::Usage(format!(
            "“{slug}”不能用作网址\n  提示：用 --slug 指定文件名，只用字母、数字、汉字、连字符 - 和下划线 _"
        )));
    }
    let file = format!("content/policies/{slug}.md");
    let target = root.join(&file);
    if target.exists() {
        return Err(ImportError::Usage(format!(
            "{file} 已经存在，没有覆盖\n  提示：用 --slug 另起一个文件名，或先删去旧文件"
        )));
    }
    let fallback_title = source.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let (front, to_check) = markdown::front_matter(&found, &fallback_title, config);
    let body = markdown::body(&blocks[found.body_start..]);
    let text = format!("+++\n{front}+++\n\n{body}");
    std::fs::create_dir_all(target.parent().unwrap_or(root))
        .and_then(|()| std::fs::write(&target, text))
        .map_err(|e| ImportError::Failed(format!("无法写入 {file}：{e}")))?;
    Ok(Imported { file, to_check })
}

/// The document's blocks, by its content (a renamed file is still known).
fn read_blocks(source: &Path) -> Result<Vec<Block>, ImportError> {
    let name = crate::platform::shown(source);
    let bytes = std::fs::read(source).map_err(|e| ImportError::Usage(crate::platform::read_failure(&name, &e)))?;
    let ext = source.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    // Word 97–2003 (.doc) and WPS (.wps) files are OLE2 compound files.
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) || ext == "doc" || ext == "wps" {
        return Err(ImportError::Usage(format!(
            "{name} 是旧版 Word 或 WPS 文字文件（.doc/.wps），不能直接导入\n  提示：用 Word 或 WPS 打开它，“另存为”时文件类型选“Word 文档（*.docx）”，再导入 .docx 文件"
        )));
    }
    if bytes.starts_with(b"PK") {
        return docx::read(&bytes).map_err(|e| ImportError::Usage(format!("{name}：{e}")));
    }
    if bytes.starts_with(b"%PDF") || ext == "pdf" {
        return Err(ImportError::Usage(format!(
            "{name} 是 PDF 文件，不能直接导入\n  提示：用 Word 或 WPS 打开原文件另存为 .docx；或复制全文粘贴到记事本，保存为 .txt 再导入"
        )));
    }
    let text = crate::data::decode::decode(&bytes).map_err(|e| ImportError::Usage(format!("{name}：{e}")))?;
    Ok(text::blocks(&text.text))
}

/// File name → page name: the stem, with characters a URL cannot hold
/// replaced by `-`.
pub fn slug_from(source: &Path) -> String {
    let stem = source.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let mut slug = String::new();
    for c in stem.chars() {
        if c.is_alphanumeric() || c == '_' {
            slug.extend(c.to_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-').to_string();
    if slug.is_empty() {
        "policy".into()
    } else {
        slug
    }
}
