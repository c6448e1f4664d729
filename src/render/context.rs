//! Small serialisable values handed to templates. Each page gets the site
//! header values and only the entries it shows, never the whole site.

use crate::config::SiteConfig;
use crate::content::meta::{Meta, PolicyMeta, PolicyStatus};
use crate::content::{Doc, Kind};
use crate::names::{stage, STAGES};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct PageRef {
    pub title: String,
    pub url: String,
    pub date: String,
    pub date_cn: String,
    pub summary: Option<String>,
    pub doc_number: Option<String>,
    pub status: Option<PolicyStatus>,
    pub status_label: Option<&'static str>,
}

impl PageRef {
    pub fn of<M: Meta>(doc: &Doc<M>, kind: Kind, root: &str) -> PageRef {
        PageRef {
            title: doc.meta.title().to_string(),
            url: format!("{root}{}", doc.path(kind)),
            date: doc.meta.date().iso(),
            date_cn: doc.meta.date().chinese(),
            summary: doc.meta.summary().map(str::to_string),
            doc_number: None,
            status: None,
            status_label: None,
        }
    }

    pub fn of_policy(doc: &Doc<PolicyMeta>, root: &str) -> PageRef {
        PageRef {
            doc_number: doc.meta.doc_number.clone(),
            status: Some(doc.meta.status),
            status_label: Some(doc.meta.status.label()),
            ..PageRef::of(doc, Kind::Policy, root)
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct NavItem {
    pub label: &'static str,
    pub url: String,
    pub section: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProgrammeRef {
    pub name: String,
    pub slug: String,
    pub stage: String,
    pub url: String,
    pub summary: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StageGroup {
    pub name: &'static str,
    pub slug: &'static str,
    pub url: String,
    pub programmes: Vec<ProgrammeRef>,
}

/// A name linked to its taxonomy page (programme or stage tags on a page).
#[derive(Debug, Clone, Serialize)]
pub struct Tag {
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SiteCtx {
    pub title: String,
    pub description: Option<String>,
    pub issuer: String,
    pub hotline: String,
    pub address: Option<String>,
    pub root: String,
    pub base_url: String,
    pub nav: Vec<NavItem>,
}

impl SiteCtx {
    pub fn new(config: &SiteConfig) -> SiteCtx {
        let root = config.root_path();
        let nav = [
            ("首页", "", "home"),
            ("政策文件", "policies/", "policies"),
            ("政策解读", "explainers/", "explainers"),
            ("资助动态", "notices/", "notices"),
            ("资助项目", "programmes/", "programmes"),
            ("名单公示", "lists/", "lists"),
        ]
        .into_iter()
        .map(|(label, path, section)| NavItem { label, url: format!("{root}{path}"), section })
        .collect();
        SiteCtx {
            title: config.title.clone(),
            description: config.description.clone(),
            issuer: config.issuer.clone(),
            hotline: config.hotline.clone(),
            address: config.address.clone(),
            base_url: config.base_url.clone(),
            root,
            nav,
        }
    }
}

pub fn programme_refs(config: &SiteConfig) -> Vec<ProgrammeRef> {
    let root = config.root_path();
    config
        .programmes
        .iter()
        .map(|p| ProgrammeRef {
            name: p.name.clone(),
            slug: p.slug.clone(),
            stage: p.stage.clone(),
            url: format!("{root}programmes/{}/", p.slug),
            summary: p.summary.clone(),
        })
        .collect()
}

/// Whether a stage has anything to show: a declared programme of that
/// stage, or a page that names the stage. Stage pages without are neither
/// written nor listed in the sitemap.
pub fn stage_has_content<'a>(
    config: &SiteConfig,
    mut pages: impl Iterator<Item = crate::content::Entry<'a>>,
    stage: &str,
) -> bool {
    config.programmes.iter().any(|p| p.stage == stage) || pages.any(|e| e.meta.stages().iter().any(|s| s == stage))
}

/// Declared programmes grouped under the stages that have any.
pub fn stage_groups(config: &SiteConfig) -> Vec<StageGroup> {
    let root = config.root_path();
    let programmes = programme_refs(config);
    STAGES
        .iter()
        .map(|s| StageGroup {
            name: s.name,
            slug: s.slug,
            url: format!("{root}stages/{}/", s.slug),
            programmes: programmes.iter().filter(|p| p.stage == s.name).cloned().collect(),
        })
        .filter(|g| !g.programmes.is_empty())
        .collect()
}

pub fn programme_tags(names: &[String], config: &SiteConfig) -> Vec<Tag> {
    let root = config.root_path();
    names
        .iter()
        .filter_map(|n| config.programme(n))
        .map(|p| Tag { name: p.name.clone(), url: format!("{root}programmes/{}/", p.slug) })
        .collect()
}

pub fn stage_tags(names: &[String], root: &str) -> Vec<Tag> {
    names
        .iter()
        .filter_map(|n| stage(n))
        .map(|s| Tag { name: s.name.into(), url: format!("{root}stages/{}/", s.slug) })
        .collect()
}
