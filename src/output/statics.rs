//! Static files: the theme's `static/` goes to `static/` in the output, a
//! site's own `static/` (attachments, images) to the output root.

use super::staging::Staging;
use crate::diag::{rel_path, Diagnostic};
use crate::theme::ThemeSource;
use crate::theme::DEFAULT_THEME;
use std::path::Path;

pub fn copy(root: &Path, theme: &ThemeSource, staging: &Staging) -> Result<usize, Diagnostic> {
    let mut n = 0;
    // Built-in files first, so a theme folder needs only what it changes.
    for (path, text) in DEFAULT_THEME {
        if path.starts_with("static/") {
            staging.write(path, text.as_bytes()).map_err(|e| staging.write_failure(path, &e))?;
            n += 1;
        }
    }
    if let ThemeSource::Dir(dir) = theme {
        n += copy_tree(root, &dir.join("static"), "static/", staging)?;
    }
    n += copy_tree(root, &root.join("static"), "", staging)?;
    Ok(n)
}

fn copy_tree(root: &Path, from: &Path, prefix: &str, staging: &Staging) -> Result<usize, Diagnostic> {
    if !from.is_dir() {
        return Ok(0);
    }
    let mut n = 0;
    for entry in walkdir::WalkDir::new(from).min_depth(1).sort_by_file_name() {
        let entry = entry.map_err(|e| io_diag(&rel_path(root, from), std::io::Error::other(e)))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = format!("{prefix}{}", rel_path(from, entry.path()));
        let bytes = std::fs::read(entry.path())
            .map_err(|e| Diagnostic::unreadable(rel_path(root, entry.path()), "静态文件", &e))?;
        staging.write(&rel, &bytes).map_err(|e| staging.write_failure(&rel, &e))?;
        n += 1;
    }
    Ok(n)
}

fn io_diag(file: &str, e: std::io::Error) -> Diagnostic {
    Diagnostic::new(file, 0, format!("复制静态文件失败：{}", super::error::cause(&e)))
}
