//! The default theme, compiled into the binary so `gongshi` works on a
//! site that has no `themes/` folder. The repository's `themes/default/`
//! is the single source: these are included from it at compile time.

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
    "static/style.css",
    "static/print.css",
    "static/site.js",
    "static/search.js",
);
