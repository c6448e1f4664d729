//! The build pipeline: config → load → validate → render Markdown →
//! check links → render pages → write (staged) → publish. Each stage takes
//! the previous stage's values; nothing is global.

use crate::config::SiteConfig;
use crate::content::{self, Content, Entry, Kind};
use crate::date::Date;
use crate::diag::{Diagnostic, Diagnostics, SiteErrors, Warnings};
use crate::output::{feeds, minify, staging::Staging, staging::SyncStats, statics};
use crate::render::markdown::{self, Rendered};
use crate::render::pages::{self, Model};
use crate::render::{context::SiteCtx, templates};
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub struct BuildOptions {
    pub root: PathBuf,
    /// Output folder; default `<root>/public`.
    pub out: Option<PathBuf>,
    /// Decides which publicity lists are upcoming, active or ended.
    pub today: Date,
    /// `false` for `gongshi check`: everything is rendered, nothing written.
    pub write: bool,
}

#[derive(Debug)]
pub struct Summary {
    pub pages: usize,
    pub sync: SyncStats,
    pub elapsed: Duration,
    pub warnings: Vec<String>,
    pub out: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// Problems in the user's site: exit code 1.
    #[error(transparent)]
    Site(#[from] SiteErrors),
    /// The output could not be written (disk full, permissions).
    #[error("写出文件失败：{0}")]
    Io(#[from] std::io::Error),
}

pub fn out_dir(opts: &BuildOptions) -> PathBuf {
    opts.out.clone().unwrap_or_else(|| opts.root.join("public"))
}

pub fn build(opts: &BuildOptions) -> Result<Summary, BuildError> {
    let started = Instant::now();
    let root = opts.root.as_path();
    let out = out_dir(opts);
    guard_output_folder(root, &out)?;
    let config = SiteConfig::load(root)?;
    let diags = Diagnostics::default();
    let warnings = Warnings::default();

    let content = content::load(root, &diags, &warnings);
    content::validate::validate(&content, &config, &diags);
    let (policies, explainers, notices) = render_markdown(&content, &config, &diags);
    check_anchors(&content, [&policies, &explainers, &notices], &diags);
    let theme = templates::theme_source(root, &config.theme).map_err(|d| SiteErrors(vec![d]))?;
    let tera = match templates::load(root, &theme) {
        Ok(t) => Some(t),
        Err(ds) => {
            diags.extend(ds);
            None
        }
    };
    let Some(tera) = tera.filter(|_| diags.is_empty()) else {
        return Err(SiteErrors(diags.into_sorted()).into());
    };

    let model = Model {
        site: SiteCtx::new(&config),
        root: config.root_path(),
        config: &config,
        content: &content,
        policies,
        explainers,
        notices,
    };
    let jobs = pages::jobs(&model);
    let staging = if opts.write {
        Some(Staging::create(&out)?)
    } else {
        None
    };
    let progress = Progress::new(jobs.len());
    let write_errors = Diagnostics::default();
    jobs.par_iter().for_each(|&job| {
        match pages::render_job(&model, &tera, job) {
            Ok(page) => {
                let bytes = minify::html(&page.html);
                if let Some(s) = &staging {
                    if let Err(e) = s.write(&page.path, &bytes) {
                        write_errors.push(Diagnostic::new(&page.path, 0, format!("写出失败：{e}")));
                    }
                }
            }
            Err(d) => diags.push(d),
        }
        progress.tick();
    });
    progress.finish();
    diags.extend(write_errors.into_sorted());

    if let Some(s) = &staging {
        if let Err(d) = write_extras(root, &config, &content, &theme, s) {
            diags.push(d);
        }
    }
    let problems = diags.into_sorted();
    if !problems.is_empty() {
        if let Some(s) = staging {
            s.discard();
        }
        return Err(SiteErrors(problems).into());
    }
    let sync = match staging {
        Some(s) => s.publish(&out)?,
        None => SyncStats::default(),
    };
    Ok(Summary {
        pages: jobs.len(),
        sync,
        elapsed: started.elapsed(),
        warnings: warnings.into_sorted(),
        out,
    })
}

/// The output folder is emptied of stale files, so it must never be the
/// site itself or a folder that holds it.
fn guard_output_folder(root: &Path, out: &Path) -> Result<(), SiteErrors> {
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (root_c, out_c) = (canon(root), canon(out));
    if root_c.starts_with(&out_c)
        || out_c.join(crate::config::CONFIG_FILE).exists()
        || out_c.join("content").is_dir()
    {
        return Err(SiteErrors(vec![Diagnostic::new(
            out.display().to_string(),
            0,
            "输出目录不能是站点目录本身或它的上级目录（构建会清理输出目录中多余的文件）",
        )
        .with_hint("使用默认的 public/，或用 --out 指定一个单独的空目录")]));
    }
    Ok(())
}

type RenderedSets = (Vec<Rendered>, Vec<Rendered>, Vec<Rendered>);

/// Renders every page body in parallel; results keep `content.all()` order
/// and are split back per kind.
fn render_markdown(content: &Content, config: &SiteConfig, diags: &Diagnostics) -> RenderedSets {
    let root = config.root_path();
    let entries: Vec<Entry> = content.all().collect();
    let pages: HashMap<String, String> = entries
        .iter()
        .map(|e| (e.link_key(), format!("{root}{}", e.path())))
        .collect();
    let mut all: Vec<Rendered> = entries
        .par_iter()
        .map(|e| {
            let src = markdown::Source {
                file: e.file,
                body_line: e.body_line,
                pages: &pages,
            };
            let mut r = markdown::render(e.body, &src);
            diags.extend(std::mem::take(&mut r.diagnostics));
            r
        })
        .collect();
    let notices = all.split_off(content.policies.len() + content.explainers.len());
    let explainers = all.split_off(content.policies.len());
    (all, explainers, notices)
}

/// `@/policies/x.md#article-5` must name an anchor that page really has.
fn check_anchors(content: &Content, rendered: [&Vec<Rendered>; 3], diags: &Diagnostics) {
    let entries: Vec<Entry> = content.all().collect();
    let rendered: Vec<&Rendered> = rendered.into_iter().flatten().collect();
    let anchors: HashMap<String, &BTreeSet<String>> = entries
        .iter()
        .zip(&rendered)
        .map(|(e, r)| (e.link_key(), &r.anchors))
        .collect();
    for (e, r) in entries.iter().zip(&rendered) {
        for link in &r.links {
            let (Some(anchor), Some(known)) = (&link.anchor, anchors.get(&link.target)) else {
                continue;
            };
            if known.contains(anchor) {
                continue;
            }
            let mut sample: Vec<&str> = known.iter().map(String::as_str).collect();
            sample.sort_by_key(|a| natural_key(a));
            sample.truncate(8);
            let hint = if sample.is_empty() {
                format!("{} 里没有任何可链接的章、条或标题", link.target)
            } else {
                let more = if known.len() > 8 { " 等" } else { "" };
                format!(
                    "{} 里可链接的位置有：{}{more}",
                    link.target,
                    sample.join("、")
                )
            };
            diags.push(
                Diagnostic::new(
                    e.file,
                    link.line,
                    format!("链接的位置“#{anchor}”在 {} 中不存在", link.target),
                )
                .with_hint(hint),
            );
        }
    }
}

/// `article-12` sorts after `article-2`.
fn natural_key(anchor: &str) -> (&str, u64) {
    match anchor.rsplit_once('-') {
        Some((head, n)) if n.bytes().all(|b| b.is_ascii_digit()) => (head, n.parse().unwrap_or(0)),
        _ => (anchor, 0),
    }
}

fn write_extras(
    root: &Path,
    config: &SiteConfig,
    content: &Content,
    theme: &templates::ThemeSource,
    staging: &Staging,
) -> Result<(), Diagnostic> {
    statics::copy(root, theme, staging)?;
    let mut paths: Vec<(String, Option<Date>)> = vec![("".into(), None)];
    for kind in Kind::ALL {
        paths.push((format!("{}/", kind.section()), None));
    }
    paths.push(("programmes/".into(), None));
    for p in &config.programmes {
        paths.push((format!("programmes/{}/", p.slug), None));
    }
    for s in crate::names::STAGES {
        paths.push((format!("stages/{}/", s.slug), None));
    }
    for e in content.all() {
        paths.push((e.path(), Some(e.meta.date())));
    }
    let io = |name: &str, e: std::io::Error| Diagnostic::new(name, 0, format!("写出失败：{e}"));
    staging
        .write("sitemap.xml", feeds::sitemap(config, &paths).as_bytes())
        .map_err(|e| io("sitemap.xml", e))?;
    staging
        .write("atom.xml", feeds::atom(config, content, 30).as_bytes())
        .map_err(|e| io("atom.xml", e))?;
    staging
        .write("robots.txt", feeds::robots(config).as_bytes())
        .map_err(|e| io("robots.txt", e))?;
    Ok(())
}

/// A progress line on a terminal for long builds; silent otherwise.
struct Progress {
    total: usize,
    done: AtomicUsize,
    shown: bool,
}

impl Progress {
    fn new(total: usize) -> Progress {
        let shown = total >= 200 && std::io::stderr().is_terminal();
        Progress {
            total,
            done: AtomicUsize::new(0),
            shown,
        }
    }

    fn tick(&self) {
        let n = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if self.shown && (n % (self.total / 50).max(1) == 0 || n == self.total) {
            eprint!("\r渲染页面 {n}/{}", self.total);
        }
    }

    fn finish(&self) {
        if self.shown {
            eprintln!();
        }
    }
}
