//! The default theme, compiled into the binary so `gongshi` works on a
//! site that has no `themes/` folder. The repository's `themes/default/`
//! is the single source: these are included from it at compile time.
//! Also where a site's theme comes from (`ThemeSource`), which both the
//! renderer (templates) and the output (static files) read.

use crate::diag::Diagnostic;
use std::path::{Path, PathBuf};

macro_rules! theme_files {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_str!(concat!("../themes/default/", $path)))),*]
    };
}

/// (path inside the theme folder, contents)
pub const DEFAULT_THEME: &[(&str, &str)] = theme_files!(
    "templates/base.html",
    "templates/macros.html",
    "templates/index.html",
    "templates/policy.html",
    "templates/explainer.html",
    "templates/notice.html",
    "templates/section.html",
    "templates/programmes.html",
    "templates/taxonomy.html",
    "templates/404.html",
    "templates/list.html",
    "templates/lists.html",
    "templates/search.html",
    "templates/print/base.html",
    "templates/print/letters.html",
    "templates/print/receipts.html",
    "templates/print/sheet.html",
    "templates/print/index.html",
    "templates/print/audit.html",
    "templates/print/archive.html",
    "static/style.css",
    "static/print.css",
    "static/site.js",
    "static/search.js",
);

/// Where the theme's files come from: a folder on disk, or the copy
/// compiled into the binary.
pub enum ThemeSource {
    Dir(PathBuf),
    Embedded,
}

pub fn theme_source(root: &Path, theme: &str) -> Result<ThemeSource, Diagnostic> {
    let dir = root.join("themes").join(theme);
    if dir.is_dir() {
        Ok(ThemeSource::Dir(dir))
    } else if theme == "default" {
        Ok(ThemeSource::Embedded)
    } else {
        Err(Diagnostic::new(crate::config::CONFIG_FILE, 0, format!("找不到主题“{theme}”"))
            .with_hint(format!("主题应放在 themes/{theme}/ 下；不写 theme 则使用内置的 default 主题")))
    }
}
