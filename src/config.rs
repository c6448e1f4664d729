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
    /// Groups of programmes no student may hold two of in one term.
    #[serde(default)]
    pub exclusive: Vec<Exclusive>,
    /// The county's own checks (`audit`): how each is reported.
    #[serde(default)]
    pub audit: AuditSettings,
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
    /// Yearly amount of each tier in yuan (`{ "一档" = 2500 }`): a list's
    /// amounts must match their tier, per term or per year.
    #[serde(default)]
    pub tiers: std::collections::BTreeMap<String, f64>,
}

/// `[[exclusive]] programmes = […]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exclusive {
    pub programmes: Vec<String>,
}

/// How a finding of a check is reported: it fails the build, is a
/// warning, or is not looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warn,
    Off,
}

/// `[audit]`: each check's level, the objection deadlines in working days,
/// and whether to print 一生一册.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuditSettings {
    pub double_funding: Level,
    pub exclusive: Level,
    pub quota: Level,
    pub tiers: Level,
    pub exclusions: Level,
    pub rounds: Level,
    pub same_name: Level,
    pub objections: Level,
    pub verify_days: u32,
    pub review_days: u32,
    pub student_files: bool,
}

impl Default for AuditSettings {
    fn default() -> Self {
        AuditSettings {
            double_funding: Level::Error,
            exclusive: Level::Error,
            quota: Level::Error,
            tiers: Level::Error,
            exclusions: Level::Error,
            rounds: Level::Error,
            same_name: Level::Warn,
            objections: Level::Warn,
            verify_days: 3,
            review_days: 2,
            student_files: false,
        }
    }
}

impl AuditSettings {
    /// Every check off: the cross-list stage and its report are skipped.
    pub fn all_off(&self) -> bool {
        [
            self.double_funding,
            self.exclusive,
            self.quota,
            self.tiers,
            self.exclusions,
            self.rounds,
            self.same_name,
            self.objections,
        ]
        .iter()
        .all(|l| *l == Level::Off)
            && !self.student_files
    }
}

fn default_theme() -> String {
    "default".into()
}

impl SiteConfig {
    pub fn load(root: &Path) -> Result<SiteConfig, SiteErrors> {
        let path = root.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            SiteErrors(vec![Diagnostic::unreadable(CONFIG_FILE, "", &e)
                .with_hint_unless_held_open("站点目录里需要有 site-config.toml；可用 gongshi init 新建站点")])
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
            out.extend(self.check_tiers(p, line));
        }
        out.extend(self.check_exclusive(&line_of));
        out.extend(crate::targets::validate(&self.publish, CONFIG_FILE, text));
        out
    }

    fn check_tiers(&self, p: &Programme, line: usize) -> Option<Diagnostic> {
        let bad = p.tiers.iter().find(|(_, y)| !(y.is_finite() && **y > 0.0 && (**y * 100.0).fract() == 0.0))?;
        Some(
            Diagnostic::new(CONFIG_FILE, line, format!("项目“{}”的档次“{}”金额 {} 不对", p.name, bad.0, bad.1))
                .with_hint("tiers 写每档每年的金额（元），如 tiers = { \"一档\" = 2500, \"二档\" = 2000 }"),
        )
    }

    fn check_exclusive(&self, line_of: &dyn Fn(&str) -> usize) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for e in &self.exclusive {
            for name in e.programmes.iter().filter(|n| self.programme(n).is_none()) {
                let names: Vec<&str> = self.programmes.iter().map(|p| p.name.as_str()).collect();
                out.push(
                    Diagnostic::new(
                        CONFIG_FILE,
                        line_of("[[exclusive]]"),
                        format!("[[exclusive]] 中的资助项目“{name}”没有声明"),
                    )
                    .with_hint(match closest(name, names.iter().copied()) {
                        Some(c) => format!("是不是“{c}”？"),
                        None => format!("已声明的资助项目：{}", names.join("、")),
                    }),
                );
            }
        }
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
    fn tiers_exclusive_and_audit_levels() {
        let text = format!(
            "{OK}tiers = {{ \"一档\" = 3000, \"二档\" = 1600.5 }}\n[[exclusive]]\nprogrammes = [\"普通高中国家助学金\", \"中职助学金\"]\n[audit]\nsame_name = \"error\"\nquota = \"off\"\n"
        );
        let errs = SiteConfig::parse(&text).unwrap_err().0;
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].message.contains("“中职助学金”没有声明"), "{}", errs[0]);
        let c = SiteConfig::parse(&text.replace("\"中职助学金\"", "\"普通高中国家助学金\"")).unwrap();
        assert_eq!(c.programmes[0].tiers["二档"], 1600.5);
        assert_eq!((c.audit.same_name, c.audit.quota, c.audit.tiers), (Level::Error, Level::Off, Level::Error));
        assert_eq!((c.audit.verify_days, c.audit.review_days), (3, 2));
        let bad = SiteConfig::parse(&format!("{OK}tiers = {{ \"一档\" = -1 }}\n")).unwrap_err().0;
        assert!(bad[0].message.contains("档次“一档”"), "{}", bad[0]);
    }

    #[test]
    fn unknown_key_is_an_error() {
        let text = format!("{OK}\n");
        let text = text.replace("hotline", "hotlnie");
        let errs = SiteConfig::parse(&text).unwrap_err().0;
        assert!(errs[0].message.contains("hotlnie"));
    }
}
