//! `[[publish]]` in site-config.toml: where `gongshi publish` brings the
//! site. A contract (extend it, never rename): each target has a `name`
//! and exactly one of `folder`, `s3` or `cms`.
//!
//! ```toml
//! [[publish]]
//! name = "web"
//! folder = "/srv/www/zizhu"
//!
//! [[publish]]
//! name = "oss"
//! s3 = { endpoint = "https://oss.example.cn", bucket = "zizhu", prefix = "", region = "cn-hunan" }
//!
//! [[publish]]
//! name = "portal"
//! cms = "cms"
//! ```

use crate::diag::Diagnostic;
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// `gongshi publish`'s record of every publish, in the site folder.
pub const LOG_FILE: &str = "发布记录.csv";
/// The site's private folder for schedule files, the nginx map and the calendar.
pub const SCHEDULE_DIR: &str = "schedule";

/// What `publish` writes in and beside the site folder, none of it read by
/// a build: its record, the schedule folder, and the targets' folders
/// (relative ones are in the site folder).
pub fn written_by_publish(root: &Path, targets: &[Target]) -> Vec<PathBuf> {
    let dirs = targets.iter().flat_map(|t| [t.folder.as_deref(), t.cms.as_deref()]).flatten();
    [root.join(LOG_FILE), root.join(SCHEDULE_DIR)]
        .into_iter()
        .chain(dirs.map(|d| if Path::new(d).is_absolute() { PathBuf::from(d) } else { root.join(d) }))
        .collect()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub name: String,
    /// A folder a web server serves (relative paths are from the site folder).
    #[serde(default)]
    pub folder: Option<String>,
    /// S3-compatible object storage (Alibaba OSS, Tencent COS, Huawei OBS, MinIO).
    #[serde(default)]
    pub s3: Option<S3Target>,
    /// A private folder of paste-ready fragments for a portal CMS (never
    /// inside the output folder).
    #[serde(default)]
    pub cms: Option<String>,
    /// Folder targets: write beside files gongshi did not write (they stay
    /// as they are), as `--adopt-out` does for the output folder.
    #[serde(default)]
    pub adopt: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3Target {
    /// `https://oss-cn-hangzhou.aliyuncs.com`, `http://127.0.0.1:9000`.
    pub endpoint: String,
    pub bucket: String,
    /// Keys start with this folder (`zizhu/`); "" for the whole bucket.
    /// Nothing outside it is ever read, written or deleted.
    #[serde(default)]
    pub prefix: String,
    #[serde(default)]
    pub region: Option<String>,
    /// Virtual-hosted style (`bucket.endpoint`) instead of path style
    /// (`endpoint/bucket`). Default: on for the public clouds that need it
    /// (Alibaba OSS, Tencent COS, Huawei OBS, AWS), off otherwise (MinIO).
    #[serde(default)]
    pub virtual_hosted: Option<bool>,
    /// Tries of a failed request after the first, with growing pauses.
    #[serde(default = "default_retries")]
    pub retries: usize,
}

fn default_retries() -> usize {
    5
}

/// What kind of target, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Folder,
    S3,
    Cms,
}

impl Target {
    pub fn kind(&self) -> Option<Kind> {
        match (&self.folder, &self.s3, &self.cms) {
            (Some(_), None, None) => Some(Kind::Folder),
            (None, Some(_), None) => Some(Kind::S3),
            (None, None, Some(_)) => Some(Kind::Cms),
            _ => None,
        }
    }

    /// "文件夹 /srv/www/zizhu", "对象存储 zizhu/", "CMS 导出 cms".
    pub fn describe(&self) -> String {
        if let Some(f) = &self.folder {
            format!("文件夹 {f}")
        } else if let Some(s) = &self.s3 {
            format!("对象存储 {}/{}", s.bucket, s.prefix.trim_matches('/'))
        } else if let Some(c) = &self.cms {
            format!("CMS 导出 {c}")
        } else {
            "（未设置）".into()
        }
    }
}

impl S3Target {
    /// The prefix as keys start with it: "" or "zizhu/".
    pub fn key_prefix(&self) -> String {
        let p = self.prefix.trim_matches('/');
        if p.is_empty() {
            String::new()
        } else {
            format!("{p}/")
        }
    }

    pub fn uses_virtual_hosts(&self) -> bool {
        self.virtual_hosted.unwrap_or_else(|| {
            let host = self.endpoint.split("://").nth(1).unwrap_or(&self.endpoint);
            let host = host.split(['/', ':']).next().unwrap_or("");
            ["aliyuncs.com", "myqcloud.com", "myhuaweicloud.com", "amazonaws.com"].iter().any(|d| host.ends_with(d))
        })
    }
}

/// Problems with the `[[publish]]` tables, pointing at their lines.
pub fn validate(targets: &[Target], file: &str, text: &str) -> Vec<Diagnostic> {
    let line_of = |needle: &str| text.find(needle).map(|i| crate::diag::line_of(text, i)).unwrap_or(0);
    let mut out = Vec::new();
    let mut names = BTreeSet::new();
    for t in targets {
        let line = line_of(&format!("\"{}\"", t.name));
        if t.name.trim().is_empty() {
            out.push(
                Diagnostic::new(file, line_of("[[publish]]"), "发布目标缺少名称")
                    .with_hint("每个 [[publish]] 写一个 name，例如 name = \"web\""),
            );
            continue;
        }
        if !names.insert(t.name.as_str()) {
            out.push(Diagnostic::new(file, line, format!("发布目标“{}”写了两次", t.name)));
        }
        if t.kind().is_none() {
            out.push(
                Diagnostic::new(file, line, format!("发布目标“{}”要写且只写 folder、s3、cms 中的一项", t.name))
                    .with_hint(
                        "例如 folder = \"/srv/www/zizhu\"，或 s3 = { endpoint = \"https://…\", bucket = \"zizhu\" }，或 cms = \"cms\"",
                    ),
            );
        }
        if let Some(s3) = &t.s3 {
            if !(s3.endpoint.starts_with("http://") || s3.endpoint.starts_with("https://")) {
                out.push(
                    Diagnostic::new(
                        file,
                        line,
                        format!("发布目标“{}”的 endpoint 必须以 http:// 或 https:// 开头", t.name),
                    )
                    .with_hint("例如 endpoint = \"https://oss-cn-hangzhou.aliyuncs.com\""),
                );
            }
            if s3.bucket.trim().is_empty() || s3.bucket.contains('/') {
                out.push(
                    Diagnostic::new(file, line, format!("发布目标“{}”的 bucket（存储桶名称）无效", t.name))
                        .with_hint("只写存储桶的名字，例如 bucket = \"zizhu\"；子目录写在 prefix 里"),
                );
            }
            if s3.prefix.split('/').any(|p| p == "." || p == "..") {
                out.push(Diagnostic::new(file, line, format!("发布目标“{}”的 prefix 不能含 . 或 ..", t.name)));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Doc {
        publish: Vec<Target>,
    }

    fn parse(text: &str) -> Vec<Target> {
        toml::from_str::<Doc>(text).unwrap().publish
    }

    #[test]
    fn the_contract_parses() {
        let text = r#"
[[publish]]
name = "web"
folder = "/srv/www/zizhu"

[[publish]]
name = "oss"
s3 = { endpoint = "https://oss-cn-hangzhou.aliyuncs.com", bucket = "zizhu", prefix = "", region = "cn-hunan" }

[[publish]]
name = "minio"
s3 = { endpoint = "http://127.0.0.1:9000", bucket = "zizhu", prefix = "/site/" }

[[publish]]
name = "portal"
cms = "cms"
"#;
        let t = parse(text);
        assert!(validate(&t, "site-config.toml", text).is_empty());
        assert_eq!(
            t.iter().map(|t| t.kind().unwrap()).collect::<Vec<_>>(),
            [Kind::Folder, Kind::S3, Kind::S3, Kind::Cms]
        );
        let oss = t[1].s3.as_ref().unwrap();
        assert_eq!(oss.key_prefix(), "");
        assert!(oss.uses_virtual_hosts());
        assert_eq!(oss.retries, 5);
        let minio = t[2].s3.as_ref().unwrap();
        assert_eq!(minio.key_prefix(), "site/");
        assert!(!minio.uses_virtual_hosts());
    }

    #[test]
    fn mistakes_are_named() {
        let text = r#"
[[publish]]
name = "web"
folder = "a"
cms = "b"

[[publish]]
name = "web"
s3 = { endpoint = "oss.example.cn", bucket = "a/b" }
"#;
        let t = parse(text);
        let msgs: Vec<String> = validate(&t, "site-config.toml", text).into_iter().map(|d| d.message).collect();
        assert!(msgs.iter().any(|m| m.contains("只写 folder、s3、cms 中的一项")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("写了两次")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("http://")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("bucket")), "{msgs:?}");
    }
}
