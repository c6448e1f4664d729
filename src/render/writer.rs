//! Renders one page through Tera and writes it to staging. Pages need no
//! minifier: the templates were compacted when loaded (compact.rs).

use super::context::SiteCtx;
use super::templates::error_chain;
use crate::diag::Diagnostic;
use crate::output::{scan_gate::Gate, staging::Staging};
use tera::{Context, Tera};

pub struct Writer<'a> {
    pub tera: &'a Tera,
    pub staging: &'a Staging,
    pub site: &'a SiteCtx,
    /// The leak gate, for public pages (never for the print bundle).
    pub gate: Option<&'a Gate>,
}

impl Writer<'_> {
    /// `path` is relative to the output folder (`lists/a/b/index.html`).
    pub fn page(&self, path: &str, template: &str, ctx: Context) -> Result<(), Diagnostic> {
        self.page_spliced(path, template, ctx, &[])
    }

    /// Like `page`, then replaces each placeholder (in the order given)
    /// with its content, pieces of large, already compact HTML such as a
    /// 100,000-row table body. The pieces go straight to the file: a page
    /// of 8 MB is neither copied into Tera nor joined in memory. A
    /// placeholder a template left out is skipped.
    pub fn page_spliced(
        &self,
        path: &str,
        template: &str,
        mut ctx: Context,
        splices: &[(&str, &[String])],
    ) -> Result<(), Diagnostic> {
        ctx.insert("site", self.site);
        let html = self.tera.render(template, &ctx).map_err(|e| {
            Diagnostic::new(format!("templates/{template}"), 0, format!("渲染 {path} 时模板出错：{}", error_chain(&e)))
                .with_hint("检查模板里用到的变量名；可对照内置主题 themes/default/templates/")
        })?;
        let mut parts: Vec<&str> = Vec::with_capacity(1 + splices.iter().map(|(_, c)| c.len() + 1).sum::<usize>());
        let mut rest = html.as_str();
        for (placeholder, content) in splices {
            if let Some(at) = rest.find(placeholder) {
                parts.push(&rest[..at]);
                parts.extend(content.iter().map(String::as_str));
                rest = &rest[at + placeholder.len()..];
            }
        }
        parts.push(rest);
        if let Some(gate) = self.gate {
            gate.check_parts(path, &parts);
        }
        let bytes: Vec<&[u8]> = parts.iter().map(|p| p.as_bytes()).collect();
        self.staging.write_parts(path, &bytes).map_err(|e| Diagnostic::new(path, 0, format!("写出失败：{e}")))
    }
}
