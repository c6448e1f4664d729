//! Front-matter shapes of the three kinds of Markdown pages. A contract:
//! sites depend on these field names, so extend, never rename.

use crate::date::Date;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum PolicyStatus {
    #[default]
    Current,
    Amended,
    Repealed,
}

impl PolicyStatus {
    pub fn label(self) -> &'static str {
        match self {
            PolicyStatus::Current => "现行有效",
            PolicyStatus::Amended => "已修订",
            PolicyStatus::Repealed => "已废止",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyMeta {
    pub title: String,
    /// 文号; work plans and 工作要点 have none. Never an empty string.
    #[serde(default)]
    pub doc_number: Option<String>,
    pub issuer: String,
    pub date: Date,
    #[serde(default)]
    pub effective: Option<Date>,
    #[serde(default)]
    pub status: PolicyStatus,
    #[serde(default)]
    pub superseded_by: Option<String>,
    #[serde(default)]
    pub programmes: Vec<String>,
    #[serde(default)]
    pub stages: Vec<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub source_url: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExplainerMeta {
    pub title: String,
    pub date: Date,
    #[serde(default)]
    pub policies: Vec<String>,
    #[serde(default)]
    pub programmes: Vec<String>,
    #[serde(default)]
    pub stages: Vec<String>,
    #[serde(default)]
    pub summary: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticeMeta {
    pub title: String,
    pub date: Date,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub programmes: Vec<String>,
    #[serde(default)]
    pub stages: Vec<String>,
}

/// What every page kind shares, so indexes and validation treat them alike.
pub trait Meta: Sync {
    fn title(&self) -> &str;
    fn date(&self) -> Date;
    fn programmes(&self) -> &[String];
    fn stages(&self) -> &[String];
    fn summary(&self) -> Option<&str>;
}

macro_rules! impl_meta {
    ($t:ty) => {
        impl Meta for $t {
            fn title(&self) -> &str {
                &self.title
            }
            fn date(&self) -> Date {
                self.date
            }
            fn programmes(&self) -> &[String] {
                &self.programmes
            }
            fn stages(&self) -> &[String] {
                &self.stages
            }
            fn summary(&self) -> Option<&str> {
                self.summary.as_deref()
            }
        }
    };
}
impl_meta!(PolicyMeta);
impl_meta!(ExplainerMeta);
impl_meta!(NoticeMeta);
