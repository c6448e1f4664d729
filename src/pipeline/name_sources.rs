//! The name guard over the site's own sources: every page's front matter
//! and text, every list's front matter, notice text and folder names, and
//! `site-config.toml`. Findings here point at the file and line to fix;
//! the pass over the output (`Gate::scan_rest`) catches what no source
//! explains (templates, static files).

use super::render::SiteIn;
use crate::config::CONFIG_FILE;
use crate::content::list::ListBundle;
use crate::content::Content;
use crate::diag::Diagnostic;
use crate::output::verdicts::{check_unless_known, Verdicts};
use crate::privacy::names_guard::{NameGuard, TextKind};
use rayon::prelude::*;

/// Every full name found, with the fingerprint of the name. Texts that
/// passed under the same rules before are not read again (`verdicts`).
pub(super) fn check_names(site: &SiteIn, guard: &NameGuard, verdicts: Option<&Verdicts>) -> Vec<(Diagnostic, u64)> {
    // (file, text, first line, how to read it); front matter starts on line 2.
    let mut texts: Vec<(String, String, usize, TextKind)> = Vec::new();
    for e in site.content.all() {
        texts.push((e.file.to_string(), e.front.to_string(), 2, TextKind::Free));
        texts.push((e.file.to_string(), e.body.to_string(), e.body_line, TextKind::Free));
    }
    for b in site.bundles {
        // A list's front matter is fields: title, school, term, file names.
        texts.push((b.file.clone(), b.front.clone(), 2, TextKind::Field));
        texts.push((b.file.clone(), b.body.clone(), b.body_line, TextKind::Free));
        texts.push((b.file.clone(), format!("{} {}", b.term_slug, b.slug), 0, TextKind::Field));
    }
    if let Ok(text) = std::fs::read_to_string(site.opts.root.join(CONFIG_FILE)) {
        texts.push((CONFIG_FILE.to_string(), text, 1, TextKind::Free));
    }
    texts
        .par_iter()
        .flat_map_iter(|(file, text, line, kind)| {
            let print = verdicts
                .map(|v| v.print(&format!("source:{file}"), &[format!("{kind:?}").as_bytes(), text.as_bytes()]));
            let mut found = Vec::new();
            check_unless_known(verdicts, print, || {
                found = guard.check_source(file, text, line.max(&1).to_owned(), *kind);
                found.is_empty()
            });
            // Line 0: a finding in the folder names, not in the file's text.
            found
                .into_iter()
                .map(|(d, h)| (if *line == 0 { Diagnostic { line: 0, ..d } } else { d }, h))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Personal numbers in the sources that are published: every page's front
/// matter and text, and every list's front matter and notice text (drafts
/// are published nowhere). Each is reported at its file and line; gives
/// the masked values, so the same finding in the output is not reported
/// twice.
pub(super) fn check_numbers(
    content: &Content,
    bundles: &[ListBundle],
    allowed: &std::collections::HashSet<String>,
) -> (Vec<Diagnostic>, std::collections::HashSet<String>) {
    let mut texts: Vec<(&str, &str, usize)> = Vec::new();
    for e in content.all() {
        texts.push((e.file, e.front, 2));
        texts.push((e.file, e.body, e.body_line));
    }
    for b in bundles.iter().filter(|b| !b.meta.draft) {
        texts.push((&b.file, &b.front, 2));
        texts.push((&b.file, &b.body, b.body_line));
    }
    let found: Vec<(Diagnostic, String)> = texts
        .par_iter()
        .flat_map_iter(|(file, text, first)| {
            text.lines().enumerate().flat_map(move |(k, line)| {
                crate::privacy::scan::find(line, allowed).into_iter().map(move |l| {
                    let d = Diagnostic::new(*file, first + k, format!("写有{}：{}，会公开在网站上", l.kind, l.masked))
                        .with_hint(
                            "个人号码不能公开：删去它；如果是单位的公开电话，请加到 site-config.toml 的 public_numbers",
                        );
                    (d, l.masked)
                })
            })
        })
        .collect();
    let masked = found.iter().map(|(_, m)| m.clone()).collect();
    (found.into_iter().map(|(d, _)| d).collect(), masked)
}
