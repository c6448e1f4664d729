//! Build inputs prepared once: rendered Markdown and its anchors, the
//! `@/` link map, compiled letters, and the hash every list's cache key uses.

use super::BuildOptions;
use crate::config::SiteConfig;
use crate::content::meta::Meta;
use crate::content::{self, Content, Doc, Kind};
use crate::diag::{Diagnostic, Diagnostics, Warnings};
use crate::letters::compile::{self, Letter};
use crate::lists::cache as list_cache;
use crate::render::links::AnchorIndex;
use crate::render::pages::{Page, Pages};
use crate::render::{markdown, templates};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::Path;

/// What every list's outputs depend on besides the list itself: the
/// program, the config, the theme, the site's templates and letters.
pub(super) fn global_hash(root: &Path, config: &SiteConfig, opts: &BuildOptions) -> u64 {
    let mut h = crate::fingerprint::Fnv::default()
        .str(env!("CARGO_PKG_VERSION"))
        .bytes(&std::fs::read(root.join(crate::config::CONFIG_FILE)).unwrap_or_default())
        .str(opts.base_url.as_deref().unwrap_or(""))
        .str(&config.theme);
    let theme_dir = root.join("themes").join(&config.theme);
    h = if theme_dir.is_dir() {
        list_cache::hash_tree(h, &theme_dir)
    } else {
        crate::theme::DEFAULT_THEME.iter().fold(h, |h, (p, t)| h.str(p).str(t))
    };
    h = list_cache::hash_tree(h, &root.join("templates"));
    list_cache::hash_tree(h, &root.join("content").join("letters")).finish()
}

/// Compiles every letter body once into the template set.
pub(super) fn compile_letters(
    root: &Path,
    tera: &mut tera::Tera,
    diags: &Diagnostics,
    warnings: &Warnings,
) -> HashMap<String, Letter> {
    let mut out = HashMap::new();
    for src in content::letter::load(root, diags) {
        match compile::compile(&src) {
            Ok(letter) => {
                if let Err(e) = tera.add_raw_template(&letter.template_name(), &letter.template) {
                    diags.push(Diagnostic::new(
                        &letter.file,
                        0,
                        format!("告知书模板有语法错误：{}", templates::error_chain(&e)),
                    ));
                    continue;
                }
                if letter.text_chars > LETTER_CHARS_ON_A_PAGE {
                    warnings.push(format!(
                        "{}：正文约 {} 字，可能一页印不下（超出部分会被截掉）；请精简到 {} 字以内，并打印一份检查",
                        letter.file, letter.text_chars, LETTER_CHARS_ON_A_PAGE
                    ));
                }
                out.insert(letter.name.clone(), letter);
            }
            Err(ds) => diags.extend(ds),
        }
    }
    out
}

/// About what fits above the receipt stub on A4 at 12 pt.
pub(super) const LETTER_CHARS_ON_A_PAGE: usize = 650;

/// `policies/x.md` → `/root/policies/x/` for `@/` links.
pub(super) fn link_map(content: &Content, root: &str) -> HashMap<String, String> {
    content.all().map(|e| (e.link_key(), format!("{root}{}", e.path()))).collect()
}

/// Renders every page body in parallel; results keep `content.all()` order
/// and are split back per kind.
/// Every content page's Markdown rendered, in parallel; each page keeps
/// its body.
pub(super) fn render_markdown<'c>(
    content: &'c Content,
    pages: &HashMap<String, String>,
    diags: &Diagnostics,
) -> Pages<'c> {
    fn render_all<'c, M: Meta + Sync>(
        docs: &'c [Doc<M>],
        kind: Kind,
        pages: &HashMap<String, String>,
        diags: &Diagnostics,
    ) -> Vec<Page<'c, M>> {
        docs.par_iter()
            .map(|doc| {
                let e = doc.entry(kind);
                let src = markdown::Source { file: e.file, body_line: e.body_line, pages };
                let mut body = markdown::render(e.body, &src);
                diags.extend(std::mem::take(&mut body.diagnostics));
                Page { doc, body }
            })
            .collect()
    }
    Pages {
        policies: render_all(&content.policies, Kind::Policy, pages, diags),
        explainers: render_all(&content.explainers, Kind::Explainer, pages, diags),
        notices: render_all(&content.notices, Kind::Notice, pages, diags),
    }
}

pub(super) fn anchor_index(pages: &Pages) -> AnchorIndex {
    pages.all().map(|(e, r)| (e.link_key(), r.anchors.clone())).collect()
}
