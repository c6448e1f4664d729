//! Loads the theme's Tera templates, then the site's own `templates/`
//! overrides (the same name wins).

use crate::diag::{rel_path, Diagnostic};
use crate::theme::{ThemeSource, DEFAULT_THEME};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use tera::Tera;

/// The templates that are the built-in theme's as it ships, unchanged by
/// the theme folder or the site's `templates/`.
#[derive(Debug, Default, Clone)]
pub struct BuiltIn(BTreeSet<String>);

impl BuiltIn {
    /// Whether a page of the built-in `template` reads only built-in
    /// templates: its own, `base.html` it extends and `macros.html` it
    /// imports. Only then may its context differ from what themes are given
    /// (nothing else reads a context).
    pub fn renders(&self, template: &str) -> bool {
        [template, "base.html", "macros.html"].iter().all(|n| self.0.contains(*n))
    }
}

/// The theme's templates, and which of them are the built-in ones.
pub fn load(root: &Path, source: &ThemeSource) -> Result<(Tera, BuiltIn), Vec<Diagnostic>> {
    let mut files: Vec<(String, String, String)> = Vec::new(); // (name, text, file for diagnostics)
    let mut problems = Vec::new();
    // The built-in templates first: a theme folder (perhaps copied from an
    // older gongshi) needs only the templates it changes.
    for (path, text) in DEFAULT_THEME {
        if let Some(name) = path.strip_prefix("templates/") {
            files.push((name.into(), (*text).into(), format!("（内置主题）{path}")));
        }
    }
    if let ThemeSource::Dir(dir) = source {
        read_templates(root, &dir.join("templates"), &mut files, &mut problems);
    }
    read_templates(root, &root.join("templates"), &mut files, &mut problems);
    // Later entries (the site's overrides) replace earlier ones of the same name.
    let mut by_name = std::collections::BTreeMap::new();
    for (name, text, file) in files {
        by_name.insert(name, (text, file));
    }
    let built_in = BuiltIn(
        DEFAULT_THEME
            .iter()
            .filter_map(|(path, text)| Some((path.strip_prefix("templates/")?, text)))
            .filter(|(name, text)| by_name.get(*name).is_some_and(|(t, _)| t == *text))
            .map(|(name, _)| name.to_string())
            .collect(),
    );
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(crate::escape::html);
    // Compacted once here, so pages need no minifier (see compact.rs).
    let compacted: Vec<(String, String)> = by_name
        .iter()
        .map(|(n, (t, _))| (n.clone(), if n.ends_with(".html") { super::compact::compact(t) } else { t.clone() }))
        .collect();
    if let Err(e) = tera.add_raw_templates(compacted) {
        // Parse the originals to report the error at the line the author wrote.
        let as_written: Vec<(String, String)> = by_name.iter().map(|(n, (t, _))| (n.clone(), t.clone())).collect();
        let msg = error_chain(&Tera::default().add_raw_templates(as_written).err().unwrap_or(e));
        // Tera names the failing template in its message; find which file it was.
        let failing = msg.split("Failed to parse '").nth(1).and_then(|r| r.split('\'').next());
        let file =
            failing.and_then(|name| by_name.get(name)).map(|(_, f)| f.clone()).unwrap_or_else(|| "templates/".into());
        problems.push(
            Diagnostic::new(file, 0, format!("模板有语法错误：{msg}"))
                .with_hint("模板使用 Tera 语法（与 Jinja2 相似），检查 {% %} 与 {{ }} 是否成对"),
        );
    }
    if problems.is_empty() {
        Ok((tera, built_in))
    } else {
        Err(problems)
    }
}

fn read_templates(root: &Path, dir: &Path, out: &mut Vec<(String, String, String)>, problems: &mut Vec<Diagnostic>) {
    if !dir.is_dir() {
        return;
    }
    let mut entries: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    entries.sort();
    for path in entries {
        let name = rel_path(dir, &path);
        match std::fs::read_to_string(&path) {
            Ok(text) => out.push((name, text, rel_path(root, &path))),
            Err(e) => problems.push(Diagnostic::unreadable(rel_path(root, &path), "模板", &e)),
        }
    }
}

/// Tera hides the useful part of an error in its source chain.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(s) = cur {
        parts.push(s.to_string());
        cur = s.source();
    }
    parts.join("：")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built_in_with(overrides: &[(&str, &str)]) -> BuiltIn {
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(site.path().join("templates")).unwrap();
        for (name, text) in overrides {
            std::fs::write(site.path().join("templates").join(name), text).unwrap();
        }
        load(site.path(), &ThemeSource::Embedded).unwrap().1
    }

    #[test]
    fn a_page_is_built_in_while_it_its_base_and_its_macros_are() {
        let none = built_in_with(&[]);
        assert!(none.renders("lists.html") && none.renders("index.html"));
        let lists = built_in_with(&[("lists.html", "{{ terms | length }}")]);
        assert!(!lists.renders("lists.html") && lists.renders("index.html"));
        for shared in ["base.html", "macros.html"] {
            assert!(!built_in_with(&[(shared, "")]).renders("index.html"), "{shared}");
        }
        // A copy of the built-in text is the built-in template.
        let same = DEFAULT_THEME.iter().find(|(p, _)| *p == "templates/lists.html").unwrap().1;
        assert!(built_in_with(&[("lists.html", same)]).renders("lists.html"));
    }
}
