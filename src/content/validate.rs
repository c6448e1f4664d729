//! Cross-page checks on loaded content: declared programmes and stages,
//! and references between pages by slug.

use super::meta::Meta;
use super::{Content, Doc};
use crate::config::SiteConfig;
use crate::diag::{Diagnostic, Diagnostics};
use crate::names::{closest, STAGES};

/// How `gongshi new` marks a value the user must fill in.
const FILL_IN: &str = "请填写";

pub fn validate(content: &Content, config: &SiteConfig, diags: &Diagnostics) {
    for d in &content.policies {
        check_taxonomy(d, config, diags);
        if d.meta.issuer.starts_with(FILL_IN) || d.meta.title.starts_with(FILL_IN) {
            let key = if d.meta.title.starts_with(FILL_IN) { "title" } else { "issuer" };
            diags.push(
                Diagnostic::new(&d.file, d.line_of_key(key), format!("{key} 还没有填写"))
                    .with_hint("把“请填写……”换成文件的标题或发文机关"),
            );
        }
        if d.meta.doc_number.as_deref().is_some_and(|n| n.trim().is_empty()) {
            diags.push(
                Diagnostic::new(&d.file, d.line_of_key("doc_number"), "文号 doc_number 是空的")
                    .with_hint("没有文号的文件（如工作计划、工作要点）删去 doc_number 这一行；有文号就写全，如 doc_number = \"湘阴教发〔2023〕31号\""),
            );
        }
        if let Some(next) = &d.meta.superseded_by {
            if content.policy(next).is_none() {
                diags.push(unknown_policy(d, next, content, "superseded_by"));
            }
        }
    }
    for d in &content.explainers {
        check_taxonomy(d, config, diags);
        for p in &d.meta.policies {
            if content.policy(p).is_none() {
                diags.push(unknown_policy(d, p, content, "policies"));
            }
        }
    }
    for d in &content.notices {
        check_taxonomy(d, config, diags);
    }
}

fn unknown_policy<M>(doc: &Doc<M>, slug: &str, content: &Content, field: &str) -> Diagnostic {
    let slugs = content.policies.iter().map(|p| p.slug.as_str());
    let hint = match closest(slug, slugs) {
        Some(c) => {
            format!("是不是“{c}”？{field} 里写的是 content/policies/ 下的文件名（不带 .md）")
        }
        None => format!("{field} 里写的是 content/policies/ 下的文件名（不带 .md）"),
    };
    Diagnostic::new(&doc.file, doc.line_of_value(slug), format!("找不到政策文件“{slug}”")).with_hint(hint)
}

fn check_taxonomy<M: Meta>(doc: &Doc<M>, config: &SiteConfig, diags: &Diagnostics) {
    let declared: Vec<&str> = config.programmes.iter().map(|p| p.name.as_str()).collect();
    for p in doc.meta.programmes() {
        if !declared.contains(&p.as_str()) {
            diags.push(undeclared(doc, p, "资助项目", &declared, "在 site-config.toml 的 [[programmes]] 中声明"));
        }
    }
    let stages: Vec<&str> = STAGES.iter().map(|s| s.name).collect();
    for s in doc.meta.stages() {
        if !stages.contains(&s.as_str()) {
            diags.push(undeclared(doc, s, "学段", &stages, "学段只能是这几个"));
        }
    }
}

fn undeclared<M>(doc: &Doc<M>, value: &str, what: &str, known: &[&str], how: &str) -> Diagnostic {
    let hint = match closest(value, known.iter().copied()) {
        Some(c) => format!("是不是“{c}”？已声明的{what}：{}", known.join("、")),
        None if known.is_empty() => format!("还没有声明任何{what}：{how}"),
        None => format!("已声明的{what}：{}（{how}）", known.join("、")),
    };
    Diagnostic::new(&doc.file, doc.line_of_value(value), format!("{what}“{value}”没有声明")).with_hint(hint)
}
