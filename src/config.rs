//! `site-config.toml`: the site's identity and its declared programmes.

use crate::diag::{Diagnostic, SiteErrors};
use crate::names::{closest, STAGES};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;

pub const CONFIG_FILE: &str = "site-config.toml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    pub title: String,
    pub base_url: String,
    #[serde(default = "default_theme")]
    pub theme: String,
    /// 监督电话, shown on every page and allowed through the leak gate.
    pub hotline: String,
    /// The body that runs the site (e.g. 示例县教育局学生资助管理中心).
    pub issuer: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    /// Further numbers that may appear in public (office phones, etc.).
    #[serde(default)]
    pub public_numbers: Vec<String>,
    #[serde(default)]
    pub programmes: Vec<Programme>,
    #[serde(default)]
    pub publicity: PublicityDefaults,
    /// Days that add to or correct the shipped official holiday table.
    #[serde(default)]
    pub calendar: crate::schedule::calendar::Days,
    /// Published files whose text cannot be read (images, scanned PDFs),
    /// checked by a person: path in the output → SHA-256 of its bytes.
    /// A file that changes must be checked again.
    #[serde(default)]
    pub reviewed_attachments: std::collections::BTreeMap<String, String>,
    /// `[[publish]]`: where `gongshi publish` brings the site.
    #[serde(default)]
    pub publish: Vec<crate::targets::Target>,
}

/// Defaults for every publicity list of the site.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicityDefaults {
    /// How names are masked when a list does not say; default `middle`.
    #[serde(default)]
    pub name_mask: crate::privacy::mask::NameMask,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Programme {
    pub name: String,
    pub slug: String,
    pub stage: String,
    #[serde(default)]
    pub summary: Option<String>,
}

fn default_theme() -> String {
    "default".into()
}

impl SiteConfig {
    pub fn load(root: &Path) -> Result<SiteConfig, SiteErrors> {
        let path = root.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            SiteErrors(vec![Diagnostic::new(CONFIG_FILE, 0, format!("无法读取：{e}"))
                .with_hint("站点目录里需要有 site-config.toml；可用 gongshi init 新建站点")])
        })?;
        Self::parse(&text)
    }

    pub fn parse(text: &str) -> Result<SiteConfig, SiteErrors> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let config: SiteConfig = toml::from_str(text)
            .map_err(|e| SiteErrors(vec![crate::toml_error::to_diagnostic(CONFIG_FILE, text, 1, &e)]))?;
        let problems = config.validate(text);
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(SiteErrors(problems))
        }
    }

    fn validate(&self, text: &str) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let line_of = |needle: &str| text.find(needle).map(|i| crate::diag::line_of(text, i)).unwrap_or(0);
        if !(self.base_url.starts_with("http://") || self.base_url.starts_with("https://")) {
            out.push(
                Diagnostic::new(CONFIG_FILE, line_of("base_url"), "base_url 必须以 http:// 或 https:// 开头")
                    .with_hint("例如 base_url = \"https://zizhu.example.gov.cn/\""),
            );
        }
        let mut names = BTreeSet::new();
        let mut slugs = BTreeSet::new();
        for p in &self.programmes {
            let line = line_of(&format!("\"{}\"", p.name));
            if !names.insert(&p.name) {
                out.push(Diagnostic::new(CONFIG_FILE, line, format!("资助项目“{}”声明了两次", p.name)));
            }
            if !slugs.insert(&p.slug) {
                out.push(Diagnostic::new(CONFIG_FILE, line, format!("项目网址名 slug“{}”重复", p.slug)));
            }
            if !is_slug(&p.slug) {
                out.push(
                    Diagnostic::new(CONFIG_FILE, line, format!("项目“{}”的 slug“{}”不能用作网址", p.name, p.slug))
                        .with_hint("slug 只能用小写英文字母、数字和连字符，例如 gaozhong-zhuxuejin"),
                );
            }
            if !STAGES.iter().any(|s| s.name == p.stage) {
                let stage_names: Vec<&str> = STAGES.iter().map(|s| s.name).collect();
                let mut d = Diagnostic::new(CONFIG_FILE, line, format!("项目“{}”的学段“{}”不存在", p.name, p.stage));
                d = d.with_hint(match closest(&p.stage, stage_names.iter().copied()) {
                    Some(c) => format!("是不是“{c}”？可选：{}", stage_names.join("、")),
                    None => format!("可选：{}", stage_names.join("、")),
                });
                out.push(d);
            }
        }
        out.extend(crate::targets::validate(&self.publish, CONFIG_FILE, text));
        out
    }

    /// The path part of `base_url`, always ending in `/`: every internal link
    /// starts with it, so a site can live under a sub-folder of a server.
    pub fn root_path(&self) -> String {
        let after_scheme = self.base_url.split_once("://").map(|x| x.1).unwrap_or("");
        let path = after_scheme.find('/').map(|i| &after_scheme[i..]).unwrap_or("/");
        if path.ends_with('/') {
            path.to_string()
        } else {
            format!("{path}/")
        }
    }

    /// Absolute URL for a site path like `policies/x/`.
    pub fn absolute(&self, path: &str) -> String {
        format!("{}/{}", self.base_url.trim_end_matches('/'), path.trim_start_matches('/'))
    }

    /// Numbers that may appear on public pages (hotlines, office phones),
    /// in digit-only form for the leak gate.
    pub fn allowed_numbers(&self) -> Vec<String> {
        std::iter::once(&self.hotline)
            .chain(&self.public_numbers)
            .map(|n| crate::privacy::scan::digits_only(n))
            .collect()
    }

    pub fn programme(&self, name: &str) -> Option<&Programme> {
        self.programmes.iter().find(|p| p.name == name)
    }
}

pub fn is_slug(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: &str = r#"
title = "示例县学生资助"
base_url = "https://example.gov.cn/zizhu"
hotline = "0730-1234567"
issuer = "示例县教育局"
[[programmes]]
name = "普通高中国家助学金"
slug = "gaozhong-zhuxuejin"
stage = "普通高中"
"#;

    #[test]
    fn parses_and_derives_root_path() {
        let c = SiteConfig::parse(OK).unwrap();
        assert_eq!(c.theme, "default");
        assert_eq!(c.root_path(), "/zizhu/");
        assert_eq!(c.absolute("policies/a/"), "https://example.gov.cn/zizhu/policies/a/");
    }

    #[test]
    fn bad_stage_suggests_closest() {
        let text = OK.replace("stage = \"普通高中\"", "stage = \"普高\"");
        let errs = SiteConfig::parse(&text).unwrap_err().0;
        assert_eq!(errs.len(), 1);
        assert!(errs[0].hint.as_deref().unwrap().contains("普通高中"));
    }

    #[test]
    fn unknown_key_is_an_error() {
        let text = format!("{OK}\n");
        let text = text.replace("hotline", "hotlnie");
        let errs = SiteConfig::parse(&text).unwrap_err().0;
        assert!(errs[0].message.contains("hotlnie"));
    }
}
