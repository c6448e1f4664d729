//! `gongshi publish`: build, then bring each `[[publish]]` target (or the
//! one named) to exactly the new site, append to the take-down log, and
//! refresh the private staff files in `schedule/` (calendar, nginx map).
//!
//! Exit codes: 0 every target is up to date; 1 the site has errors (nothing
//! published); 2 usage (no such target, no targets); 4 a target could not
//! be brought up to date (the next publish finishes the job).

pub mod cms;
pub mod digests;
pub mod failsafe;
pub mod folder;
pub mod ics;
pub mod log;
pub mod s3;
pub mod s3_plan;
pub mod timeline;

use crate::config::SiteConfig;
use crate::date::Date;
use crate::diag::SiteErrors;
use crate::lists::cache::CACHE_DIR;
use crate::output::lock::LOCK_FILE;
use crate::pipeline::{self as build, BuildError, BuildOptions};
use crate::schedule::status::ListStatus;
use crate::targets::{Kind, Target};
use log::{Entry, Event};
use std::fs;
use std::path::{Path, PathBuf};
use timeline::{Clock, Timeline};

pub use crate::targets::SCHEDULE_DIR;

pub struct Options {
    pub root: PathBuf,
    pub today: Option<Date>,
    /// Only this target.
    pub target: Option<String>,
    pub s3: s3::Options,
}

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// Exit code 2.
    #[error("{0}")]
    Usage(String),
    /// Exit code 1: nothing was published.
    #[error(transparent)]
    Site(#[from] SiteErrors),
    #[error(transparent)]
    Build(#[from] BuildError),
}

/// What happened on one target.
pub struct TargetReport {
    pub name: String,
    pub what: String,
    /// A one-line summary in Chinese, or the error with its hint.
    pub result: Result<String, String>,
}

pub struct Report {
    pub build: build::Summary,
    pub targets: Vec<TargetReport>,
    /// Private files written (calendar, nginx map), for the user.
    pub notes: Vec<String>,
    pub today: Date,
    pub next_change: Option<Date>,
}

impl Report {
    pub fn failed(&self) -> bool {
        self.targets.iter().any(|t| t.result.is_err())
    }
}

/// The targets a publish goes to.
pub fn select<'a>(config: &'a SiteConfig, name: Option<&str>) -> Result<Vec<&'a Target>, PublishError> {
    if config.publish.is_empty() {
        return Err(PublishError::Usage(
            "site-config.toml 里还没有发布目标\n  提示：加一段 [[publish]]，例如\n    [[publish]]\n    name = \"web\"\n    folder = \"/srv/www/zizhu\"\n  详见 README 的“发布”一节".into(),
        ));
    }
    match name {
        None => Ok(config.publish.iter().collect()),
        Some(n) => match config.publish.iter().find(|t| t.name == n) {
            Some(t) => Ok(vec![t]),
            None => Err(PublishError::Usage(format!(
                "没有名为“{n}”的发布目标\n  提示：site-config.toml 里的发布目标有：{}",
                config.publish.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join("、")
            ))),
        },
    }
}

pub fn publish(opts: &Options) -> Result<Report, PublishError> {
    let root = opts.root.as_path();
    let config = SiteConfig::load(root)?;
    let targets = select(&config, opts.target.as_deref())?;
    let clock = Clock::on(opts.today);
    let time = log::stamp(clock.now);
    let mut summary = match build::build(&BuildOptions {
        root: root.to_path_buf(),
        out: None,
        print: None,
        today: clock.today,
        write: true,
        base_url: None,
        adopt_out: false,
        adopt_print: false,
        private_dir: None,
    }) {
        Ok(s) => s,
        Err(e) => {
            let entries: Vec<Entry> = targets
                .iter()
                .map(|t| Entry::summary(&time, &t.name, Event::Failed, "构建失败，没有发布".into()))
                .collect();
            let _ = log::append(root, &entries);
            return Err(e.into());
        }
    };
    crate::timing::mark("publish: build");
    let timeline = Timeline::of(&summary.list_bundles(root), &config)?;
    crate::timing::mark("publish: timeline");
    let public = summary.out.clone();
    // One publish at a time: the site's lock, as a build holds it, from the
    // end of the build until every target is done.
    let _lock = crate::output::lock::Lock::acquire(&root.join(CACHE_DIR).join(LOCK_FILE), "这个站点")
        .map_err(BuildError::Output)?;
    let files = folder::built_files(&public).map_err(BuildError::Io)?;
    crate::timing::mark("publish: files");
    let history = log::read(root);
    crate::timing::mark("publish: log");
    let mut entries = Vec::new();
    let mut reports = Vec::new();
    for t in targets {
        let env = Env { root, public: &public, files: &files, timeline: &timeline, clock: &clock, log: &history, opts };
        let (result, mut list_entries) = match publish_to(t, &env, &config) {
            Ok((line, list_entries)) => {
                let mut e = list_entries;
                e.push(Entry::summary(&time, &t.name, Event::Done, line.clone()));
                (Ok(line), e)
            }
            Err(message) => {
                let first = message.lines().next().unwrap_or("").to_string();
                (Err(message), vec![Entry::summary(&time, &t.name, Event::Failed, first)])
            }
        };
        entries.append(&mut list_entries);
        crate::timing::mark("publish: target");
        reports.push(TargetReport { name: t.name.clone(), what: t.describe(), result });
    }
    let mut notes = Vec::new();
    if let Err(e) = log::append(root, &entries) {
        notes.push(format!(
            "无法写入发布记录 {}：{}",
            crate::platform::shown(&log::path(root)),
            crate::output::error::cause(&e)
        ));
    }
    notes.extend(write_private_files(root, &config, &timeline, clock.today));
    Ok(Report {
        build: summary,
        targets: reports,
        notes,
        today: clock.today,
        next_change: timeline.next_change(clock.today),
    })
}

struct Env<'a> {
    root: &'a Path,
    public: &'a Path,
    files: &'a [String],
    timeline: &'a Timeline,
    clock: &'a Clock,
    log: &'a [Entry],
    opts: &'a Options,
}

/// Publishes to one target: its summary line and the log entries about lists.
fn publish_to(t: &Target, env: &Env, config: &SiteConfig) -> Result<(String, Vec<Entry>), String> {
    let time = log::stamp(env.clock.now);
    match t.kind() {
        Some(Kind::Folder) => {
            let dir = folder::resolve(env.root, t.folder.as_deref().unwrap_or_default());
            folder::guard(env.root, env.public, &dir, "发布目录").map_err(|e| e.to_string())?;
            let staging = env.root.join(CACHE_DIR).join("staging").join(format!("target-{}", log_safe(&t.name)));
            let s = folder::publish(env.public, &dir, env.files, &staging, t.adopt).map_err(|e| e.to_string())?;
            let line = format!("更新 {} 个文件，未变 {} 个，删除 {} 个", s.written, s.unchanged, s.removed);
            Ok((line, list_events(&time, &t.name, env)))
        }
        Some(Kind::S3) => {
            let conf = t.s3.as_ref().ok_or_else(|| "发布目标设置不完整".to_string())?;
            let digests = env.root.join(CACHE_DIR).join("publish-digests.tsv");
            let site = s3::Site {
                dir: env.public,
                files: env.files,
                timeline: env.timeline,
                clock: env.clock,
                digests: Some(&digests),
            };
            let s = s3::publish(&t.name, conf, &site, env.opts.s3.clone()).map_err(|e| e.to_string())?;
            let mut line = format!("上传 {} 个对象，未变 {} 个，删除 {} 个", s.uploaded, s.unchanged, s.deleted);
            if !s.foreign.is_empty() {
                line.push_str(&format!(
                    "；前缀下另有 {} 个不是 gongshi 上传的对象，未改动（如 {}）",
                    s.foreign.len(),
                    s.foreign.iter().take(3).cloned().collect::<Vec<_>>().join("、")
                ));
            }
            Ok((line, list_events(&time, &t.name, env)))
        }
        Some(Kind::Cms) => {
            let dir = folder::resolve(env.root, t.cms.as_deref().unwrap_or_default());
            folder::guard(env.root, env.public, &dir, "CMS 导出目录").map_err(|e| e.to_string())?;
            let x = cms::Export {
                root: env.root,
                config,
                timeline: env.timeline,
                clock: env.clock,
                dir: &dir,
                target: &t.name,
                log: env.log,
            };
            let out = cms::export(&x).map_err(|e| e.to_string())?;
            let mut line = format!("公示中 {} 份名单片段已写到 {}", out.active.len(), crate::platform::shown(&dir));
            if !out.due.is_empty() {
                line.push_str(&format!("；{} 份已到期，请按 {} 在 CMS 中撤下", out.due.len(), cms::TAKE_DOWN_FILE));
            }
            if !out.confirmed.is_empty() {
                line.push_str(&format!("；已记下 {} 份人工撤下", out.confirmed.len()));
            }
            Ok((line, out.entries))
        }
        None => Err(format!("发布目标“{}”没有设置 folder、s3 或 cms", t.name)),
    }
}

/// Lists that went up or came down on a target since it was last published.
fn list_events(time: &str, target: &str, env: &Env) -> Vec<Entry> {
    let up: Vec<String> = log::up_on(env.log, target);
    let up_set: std::collections::HashSet<&str> = up.iter().map(String::as_str).collect();
    let today = env.clock.today;
    let mut out = Vec::new();
    for l in env.timeline.lists.iter().filter(|l| l.status(today) == ListStatus::Active) {
        if !up_set.contains(l.id.as_str()) {
            out.push(Entry::about(time, target, Event::Published, l));
        }
    }
    for id in &up {
        match env.timeline.get(id) {
            Some(l) if l.status(today) == ListStatus::Active => {}
            Some(l) => out.push(Entry::about(time, target, Event::Withdrawn, l)),
            None => {
                let mut e = Entry::summary(time, target, Event::Withdrawn, "名单已从 content/lists 删除".into());
                e.list = id.clone();
                out.push(e);
            }
        }
    }
    out
}

/// A target's name as part of a file name.
fn log_safe(name: &str) -> String {
    name.chars().map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect()
}

/// The calendar and the nginx map in `schedule/` (private: never published).
pub fn write_private_files(root: &Path, config: &SiteConfig, timeline: &Timeline, today: Date) -> Vec<String> {
    let dir = root.join(SCHEDULE_DIR);
    let files = [
        (ics::ICS_FILE, ics::calendar(&config.title, timeline, today)),
        (failsafe::NGINX_FILE, failsafe::nginx(&timeline.lists, &config.root_path(), today)),
    ];
    let mut notes = Vec::new();
    for (name, text) in files {
        let path = dir.join(name);
        if fs::read_to_string(&path).ok().as_deref() == Some(text.as_str()) {
            continue;
        }
        if let Err(e) = fs::create_dir_all(&dir).and_then(|_| fs::write(&path, &text)) {
            notes.push(format!("无法写出 {}：{}", crate::platform::shown(&path), crate::output::error::cause(&e)));
        }
    }
    notes
}
