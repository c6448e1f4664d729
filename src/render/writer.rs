//! Renders pages through Tera and writes them to staging, in two kinds:
//! the public writer, whose every page passes the leak gate and which
//! takes recipient rows only as a `PublicTable`'s `PublicRows`; and the
//! print writer, which writes the print bundle (letters with full names)
//! into the print folder's staging only. Pages need no minifier: the
//! templates were compacted when loaded (compact.rs).

use super::context::SiteCtx;
use super::templates::error_chain;
use crate::diag::Diagnostic;
use crate::output::{scan_gate::Gate, staging::Staging};
use crate::roster::{PublicRows, ROWS_PLACEHOLDER};
use tera::{Context, Tera};

/// Writes pages that will be published; the gate is not optional.
pub struct PublicWriter<'a> {
    pub tera: &'a Tera,
    pub staging: &'a Staging,
    pub site: &'a SiteCtx,
    pub gate: &'a Gate,
}

/// Writes the print bundle; never published.
pub struct PrintWriter<'a> {
    pub tera: &'a Tera,
    /// The print folder's staging, never the public one.
    pub print_staging: &'a Staging,
    pub site: &'a SiteCtx,
}

impl PublicWriter<'_> {
    /// `path` is relative to the output folder (`policies/a/index.html`).
    pub fn page(&self, path: &str, template: &str, ctx: Context) -> Result<(), Diagnostic> {
        self.list_page(path, template, ctx, None)
    }

    /// A page whose template placed `ROWS_PLACEHOLDER` where a projected
    /// table's rows go (see `render_spliced`).
    pub fn list_page(
        &self,
        path: &str,
        template: &str,
        ctx: Context,
        rows: Option<&PublicRows>,
    ) -> Result<(), Diagnostic> {
        let splices: Vec<(&str, &[String])> = rows.map(|r| (ROWS_PLACEHOLDER, r.pieces())).into_iter().collect();
        let html = render(self.tera, self.site, path, template, ctx)?;
        let parts = splice(&html, &splices);
        self.gate.check_parts(path, &parts);
        write(self.staging, path, &parts, Scanned::Yes)
    }
}

impl PrintWriter<'_> {
    pub fn page(&self, path: &str, template: &str, ctx: Context) -> Result<(), Diagnostic> {
        self.page_spliced(path, template, ctx, &[])
    }

    /// Like `page`, then each placeholder replaced by its pieces (see `splice`).
    pub fn page_spliced(
        &self,
        path: &str,
        template: &str,
        ctx: Context,
        splices: &[(&str, &[String])],
    ) -> Result<(), Diagnostic> {
        let html = render(self.tera, self.site, path, template, ctx)?;
        write(self.print_staging, path, &splice(&html, splices), Scanned::No)
    }

    pub fn file(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.print_staging.write(path, bytes).map_err(|e| self.print_staging.write_failure(path, &e))
    }
}

fn render(tera: &Tera, site: &SiteCtx, path: &str, template: &str, mut ctx: Context) -> Result<String, Diagnostic> {
    ctx.insert("site", site);
    tera.render(template, &ctx).map_err(|e| {
        Diagnostic::new(format!("templates/{template}"), 0, format!("渲染 {path} 时模板出错：{}", error_chain(&e)))
            .with_hint("检查模板里用到的变量名；可对照内置主题 themes/default/templates/")
    })
}

/// Replaces each placeholder (in the order given) with its content, pieces
/// of large, already compact HTML such as a 100,000-row table body. The
/// pieces go straight to the file: a page of 8 MB is neither copied into
/// Tera nor joined in memory. A placeholder a template left out is skipped.
fn splice<'a>(html: &'a str, splices: &[(&str, &'a [String])]) -> Vec<&'a str> {
    let mut parts: Vec<&str> = Vec::with_capacity(1 + splices.iter().map(|(_, c)| c.len() + 1).sum::<usize>());
    let mut rest = html;
    for (placeholder, content) in splices {
        if let Some(at) = rest.find(placeholder) {
            parts.push(&rest[..at]);
            parts.extend(content.iter().map(String::as_str));
            rest = &rest[at + placeholder.len()..];
        }
    }
    parts.push(rest);
    parts
}

/// Whether the leak gate has just scanned what is written.
enum Scanned {
    Yes,
    No,
}

fn write(staging: &Staging, path: &str, parts: &[&str], scanned: Scanned) -> Result<(), Diagnostic> {
    let bytes: Vec<&[u8]> = parts.iter().map(|p| p.as_bytes()).collect();
    match scanned {
        Scanned::Yes => staging.write_checked(path, &bytes),
        Scanned::No => staging.write_parts(path, &bytes),
    }
    .map_err(|e| staging.write_failure(path, &e))
}
