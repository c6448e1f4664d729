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
                // On every build, whether or not a list prints it now.
                match fits_a_page(&letter) {
                    Ok(Some(note)) => warnings.push(note),
                    Ok(None) => {}
                    Err(d) => {
                        diags.push(d);
                        continue;
                    }
                }
                out.insert(letter.name.clone(), letter);
            }
            Err(ds) => diags.extend(ds),
        }
    }
    out
}

/// Whether a letter's text, placeholders as written, fits one A4 page: a
/// note when only at a smaller size, an error naming the template and its
/// length when not even at the smallest. Each letter is measured again
/// with its recipient's values when it is written.
fn fits_a_page(letter: &Letter) -> Result<Option<String>, Diagnostic> {
    use crate::letters::fit;
    let page = fit::Page {
        fields: letter.meta.receipt.fields.len(),
        options: !letter.meta.receipt.options.is_empty(),
        qr: true,
        title_chars: letter.meta.title.chars().count(),
    };
    match fit::size(&letter.template, &page) {
        Some(s) if s == fit::SIZES[0] => Ok(None),
        Some(s) => Ok(Some(format!(
            "{}：正文约 {} 字，一页印不下 12 磅的字，告知书将缩小到 {} 磅印在一页上",
            letter.file,
            letter.text_chars,
            s as f32 / 10.0
        ))),
        None => Err(Diagnostic::new(
            &letter.file,
            0,
            format!(
                "告知书正文太长：约 {} 字，缩小到五号字（{} 磅）也印不下一页，打印时会被截掉",
                letter.text_chars,
                fit::MIN_SIZE as f32 / 10.0
            ),
        )
        .with_hint(format!(
            "请把正文精简到约 {} 字以内{}",
            fit::capacity(&page),
            if page.fields > 0 { "，或减少回执中的 fields" } else { "" }
        ))),
    }
}

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
