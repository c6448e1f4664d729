//! The `content/` folder: walking it, reading each page, and parsing its
//! front matter. Produces plain values; nothing here renders.

pub mod letter;
pub mod list;
pub mod list_summary;
pub mod meta;
pub mod validate;

use crate::diag::{rel_path, Diagnostic, Diagnostics, Warnings};
use crate::frontmatter;
use meta::{ExplainerMeta, Meta, NoticeMeta, PolicyMeta};
use rayon::prelude::*;
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Policy,
    Explainer,
    Notice,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Policy, Kind::Explainer, Kind::Notice];

    /// Folder under `content/` and first URL segment.
    pub fn section(self) -> &'static str {
        match self {
            Kind::Policy => "policies",
            Kind::Explainer => "explainers",
            Kind::Notice => "notices",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Policy => "政策文件",
            Kind::Explainer => "政策解读",
            Kind::Notice => "资助动态",
        }
    }
}

/// One Markdown page: where it came from, its front matter and body.
#[derive(Debug, Clone)]
pub struct Doc<M> {
    pub slug: String,
    /// Site-relative source path, for diagnostics.
    pub file: String,
    pub body: String,
    /// The raw front matter, kept to point diagnostics at a field's line.
    pub front: String,
    /// File line where the body starts.
    pub body_line: usize,
    pub meta: M,
}

impl<M> Doc<M> {
    /// File line of the first front-matter line mentioning `"value"`.
    pub fn line_of_value(&self, value: &str) -> usize {
        let quoted = format!("\"{value}\"");
        self.front.find(&quoted).map(|i| crate::diag::line_of(&self.front, i) + 1).unwrap_or(1)
    }

    /// File line of the front-matter line that sets `key`.
    pub fn line_of_key(&self, key: &str) -> usize {
        self.front
            .lines()
            .position(|l| l.trim_start().strip_prefix(key).is_some_and(|r| r.trim_start().starts_with('=')))
            .map_or(1, |i| i + 2)
    }

    /// Site path of the page, without the root prefix: `policies/<slug>/`.
    pub fn path(&self, kind: Kind) -> String {
        format!("{}/{}/", kind.section(), self.slug)
    }
}

impl<M: Meta> Doc<M> {
    /// The page seen through what all kinds share.
    pub fn entry(&self, kind: Kind) -> Entry<'_> {
        Entry {
            kind,
            slug: &self.slug,
            file: &self.file,
            body: &self.body,
            body_line: self.body_line,
            front: &self.front,
            meta: &self.meta,
        }
    }
}

#[derive(Debug, Default)]
pub struct Content {
    pub policies: Vec<Doc<PolicyMeta>>,
    pub explainers: Vec<Doc<ExplainerMeta>>,
    pub notices: Vec<Doc<NoticeMeta>>,
}

impl Content {
    pub fn page_count(&self) -> usize {
        self.policies.len() + self.explainers.len() + self.notices.len()
    }

    pub fn policy(&self, slug: &str) -> Option<&Doc<PolicyMeta>> {
        self.policies.iter().find(|d| d.slug == slug)
    }

    /// Every page of every kind, policies first, each kind in slug order.
    pub fn all(&self) -> impl Iterator<Item = Entry<'_>> {
        fn entries<M: Meta>(kind: Kind, docs: &[Doc<M>]) -> impl Iterator<Item = Entry<'_>> {
            docs.iter().map(move |d| d.entry(kind))
        }
        entries(Kind::Policy, &self.policies)
            .chain(entries(Kind::Explainer, &self.explainers))
            .chain(entries(Kind::Notice, &self.notices))
    }
}

/// A page of any kind, seen through what all kinds share.
#[derive(Clone, Copy)]
pub struct Entry<'a> {
    pub kind: Kind,
    pub slug: &'a str,
    pub file: &'a str,
    pub body: &'a str,
    pub body_line: usize,
    /// The raw front matter; it starts on the file's second line.
    pub front: &'a str,
    pub meta: &'a dyn Meta,
}

impl Entry<'_> {
    /// Key used by `@/` links: `policies/<slug>.md`.
    pub fn link_key(&self) -> String {
        format!("{}/{}.md", self.kind.section(), self.slug)
    }

    /// Site path: `policies/<slug>/`.
    pub fn path(&self) -> String {
        format!("{}/{}/", self.kind.section(), self.slug)
    }
}

/// Folders and files under `content/` that other stages own (lists,
/// letters; the audit's quotas and its private files, never published).
const OTHER_SECTIONS: [&str; 5] = ["lists", "letters", "private", "quotas.csv", "quotas.xlsx"];

pub fn load(root: &Path, diags: &Diagnostics, warnings: &Warnings) -> Content {
    let content_dir = root.join("content");
    if !content_dir.is_dir() {
        diags.push(
            Diagnostic::new("content", 0, "找不到 content 文件夹")
                .with_hint("站点目录里需要 content/policies、content/explainers、content/notices 等文件夹"),
        );
        return Content::default();
    }
    warn_about_strays(root, &content_dir, warnings);
    Content {
        policies: load_section(root, Kind::Policy, diags),
        explainers: load_section(root, Kind::Explainer, diags),
        notices: load_section(root, Kind::Notice, diags),
    }
}

fn warn_about_strays(root: &Path, content_dir: &Path, warnings: &Warnings) {
    let Ok(entries) = std::fs::read_dir(content_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let known = Kind::ALL.iter().any(|k| k.section() == name) || OTHER_SECTIONS.contains(&name.as_str());
        if !known && !name.starts_with('.') {
            warnings.push(format!(
                "{} 不是已知的栏目，已忽略（栏目有 policies、explainers、notices、lists、letters）",
                rel_path(root, &entry.path())
            ));
        }
    }
}

fn section_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .max_depth(1)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    files.sort();
    files
}

fn load_section<M: DeserializeOwned + Send>(root: &Path, kind: Kind, diags: &Diagnostics) -> Vec<Doc<M>> {
    let dir = root.join("content").join(kind.section());
    let files = section_files(&dir);
    let mut docs: Vec<Doc<M>> = files
        .par_iter()
        .filter_map(|path| match read_doc(root, path) {
            Ok(doc) => Some(doc),
            Err(d) => {
                diags.push(d);
                None
            }
        })
        .collect();
    docs.sort_by(|a, b| a.slug.cmp(&b.slug));
    docs
}

fn read_doc<M: DeserializeOwned>(root: &Path, path: &Path) -> Result<Doc<M>, Diagnostic> {
    let file = rel_path(root, path);
    let text = frontmatter::read_text(&file, path)?;
    let slug = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    if !is_url_safe(&slug) {
        return Err(Diagnostic::new(&file, 0, format!("文件名“{slug}”不能用作网址"))
            .with_hint("文件名只用字母、数字、汉字、连字符 - 和下划线 _，不要有空格和标点"));
    }
    let split = frontmatter::split(&file, &text)?;
    let meta: M = frontmatter::parse(&file, &split)?;
    Ok(Doc {
        slug,
        body: split.body.to_string(),
        front: split.front.to_string(),
        body_line: split.body_line,
        meta,
        file,
    })
}

pub(crate) fn is_url_safe(slug: &str) -> bool {
    !slug.is_empty() && !slug.starts_with('.') && slug.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_safe_slugs() {
        assert!(is_url_safe("zhuxuejin-2025"));
        assert!(is_url_safe("助学金办法"));
        assert!(!is_url_safe("a b"));
        assert!(!is_url_safe("a（b）"));
        assert!(!is_url_safe(""));
    }
}
