//! The build pipeline: config → load → validate → render Markdown →
//! check links → templates → [list jobs ∥ page jobs] → index pages →
//! feeds → guards (names, leak gate) → publish. Each stage takes the
//! previous stage's values; nothing is global.

use crate::config::SiteConfig;
use crate::content::list::ListBundle;
use crate::content::{self, Content, Entry, Kind};
use crate::date::Date;
use crate::diag::{Diagnostic, Diagnostics, SiteErrors, Warnings};
use crate::letters::compile::{self, Letter};
use crate::letters::print::{self, PrintEnv};
use crate::lists::cache::{self as list_cache, Entry as CacheEntry, ListCache};
use crate::lists::{job, summary::ListSummary};
use crate::output::{feeds, scan_gate, staging::Staging, staging::SyncStats, statics};
use crate::privacy::names_guard::NameGuard;
use crate::render::links::{self, AnchorIndex};
use crate::render::markdown::{self, Rendered};
use crate::render::pages::{self, Model};
use crate::render::search;
use crate::render::writer::Writer;
use crate::render::{context::SiteCtx, templates};
use crate::schedule::calendar::Calendar;
use crate::schedule::status::Status;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct BuildOptions {
    pub root: PathBuf,
    /// Output folder; default `<root>/public`.
    pub out: Option<PathBuf>,
    /// Print bundle folder (letters); default `<root>/print`. Never inside
    /// the output folder.
    pub print: Option<PathBuf>,
    /// Decides which publicity lists are upcoming, active or ended.
    pub today: Date,
    /// `false` for `gongshi check`: everything is rendered and checked in a
    /// temporary folder, nothing is published.
    pub write: bool,
    /// Replaces the config's `base_url` (serve previews at its own address).
    pub base_url: Option<String>,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct ListCounts {
    /// Lists taken unchanged from the cache.
    pub from_cache: usize,
    pub active: usize,
    pub ended: usize,
    pub upcoming: usize,
    pub drafts: usize,
}

/// What went to the print folder.
#[derive(Debug, Default, Clone)]
pub struct PrintSummary {
    pub letters: usize,
    pub batches: usize,
    pub sheets: usize,
    pub dir: PathBuf,
}

#[derive(Debug)]
pub struct Summary {
    pub pages: usize,
    pub lists: ListCounts,
    pub print: PrintSummary,
    /// Size of `search/index.json`, downloaded only by readers who search.
    pub search_bytes: usize,
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

pub fn print_dir(opts: &BuildOptions) -> PathBuf {
    opts.print.clone().unwrap_or_else(|| opts.root.join("print"))
}

pub fn build(opts: &BuildOptions) -> Result<Summary, BuildError> {
    let started = Instant::now();
    crate::timing::mark("start");
    let root = opts.root.as_path();
    let out = out_dir(opts);
    let print = print_dir(opts);
    guard_output_folder(root, &out)?;
    guard_output_folder(root, &print)?;
    guard_apart(&out, &print)?;
    let mut config = SiteConfig::load(root)?;
    if let Some(url) = &opts.base_url {
        config.base_url = url.clone();
    }
    let diags = Diagnostics::default();
    let warnings = Warnings::default();

    crate::timing::mark("load");
    let content = content::load(root, &diags, &warnings);
    content::validate::validate(&content, &config, &diags);
    let bundles = content::list::load(root, &diags);
    let (policies, explainers, notices) = render_markdown(&content, &config, &diags);
    let anchors = anchor_index(&content, [&policies, &explainers, &notices]);
    for (e, r) in content.all().zip(policies.iter().chain(&explainers).chain(&notices)) {
        diags.extend(links::check(e.file, &r.links, &anchors));
    }
    let theme = templates::theme_source(root, &config.theme).map_err(|d| SiteErrors(vec![d]))?;
    crate::timing::mark("markdown+anchors");
    let mut tera = match templates::load(root, &theme) {
        Ok(t) => t,
        Err(ds) => {
            diags.extend(ds);
            return Err(SiteErrors(diags.into_sorted()).into());
        }
    };
    let letters = compile_letters(root, &mut tera, &diags, &warnings);

    let root_path = config.root_path();
    let mut model = Model {
        site: SiteCtx::new(&config),
        root: root_path.clone(),
        config: &config,
        content: &content,
        policies,
        explainers,
        notices,
        lists: Vec::new(),
    };
    // `check` renders into a temporary folder so it runs every guard too.
    let check_dir = if opts.write { None } else { Some(tempfile_dir()?) };
    let staging = Staging::create(check_dir.as_ref().map(|d| d.join("public")).as_deref().unwrap_or(&out))?;
    let print_staging = Staging::create(check_dir.as_ref().map(|d| d.join("print")).as_deref().unwrap_or(&print))?;
    // `check` reads every list afresh; a build reuses unchanged ones.
    let cache = opts.write.then(|| ListCache::new(root, global_hash(root, &config, opts), &out, &print));
    let stages = Stages {
        tera: &tera,
        theme: &theme,
        staging: &staging,
        print_staging: &print_staging,
        letters: &letters,
        cache: cache.as_ref(),
    };
    crate::timing::mark("setup");
    let result = render_and_guard(opts, &config, &content, &bundles, &anchors, &stages, &mut model, &diags, &warnings);
    crate::timing::mark("render+guards");
    let problems = diags.into_sorted();
    if !problems.is_empty() || result.is_err() {
        staging.discard();
        print_staging.discard();
        if let Some(d) = check_dir {
            let _ = std::fs::remove_dir_all(d);
        }
        result?;
        return Err(SiteErrors(problems).into());
    }
    let RenderStats { pages, mut lists, print: mut print_summary, search_bytes, kept } = result?;
    lists.from_cache = kept.reused;
    print_summary.dir = print.clone();
    crate::timing::mark("(diags)");
    let sync = match check_dir {
        None => {
            // The print folder appears only once a list asks for letters.
            if print_summary.batches + print_summary.sheets > 0 || print.exists() {
                print_staging.publish(&print, &kept.print, manifest(root, &print).as_deref())?;
            } else {
                print_staging.discard();
            }
            let sync = staging.publish(&out, &kept.public, manifest(root, &out).as_deref())?;
            if let Some(cache) = &cache {
                for (term_slug, slug, entry) in &kept.fresh {
                    cache.put(term_slug, slug, entry);
                }
            }
            sync
        }
        Some(d) => {
            staging.discard();
            print_staging.discard();
            let _ = std::fs::remove_dir_all(d);
            SyncStats::default()
        }
    };
    crate::timing::mark("publish");
    Ok(Summary {
        pages,
        lists,
        print: print_summary,
        search_bytes,
        sync,
        elapsed: started.elapsed(),
        warnings: warnings.into_sorted(),
        out,
    })
}

/// Where the list of files a build left in `dir` is kept (in the cache
/// folder, one per output folder).
fn manifest(root: &Path, dir: &Path) -> Option<PathBuf> {
    let key = crate::fingerprint::of(&comparable(dir).to_string_lossy());
    Some(root.join(list_cache::CACHE_DIR).join(format!("manifest-{key:016x}.txt")))
}

/// What every list's outputs depend on besides the list itself: the
/// program, the config, the theme, the site's templates and letters.
fn global_hash(root: &Path, config: &SiteConfig, opts: &BuildOptions) -> u64 {
    let mut h = crate::fingerprint::Fnv::default()
        .str(env!("CARGO_PKG_VERSION"))
        .bytes(&std::fs::read(root.join(crate::config::CONFIG_FILE)).unwrap_or_default())
        .str(opts.base_url.as_deref().unwrap_or(""))
        .str(&config.theme);
    let theme_dir = root.join("themes").join(&config.theme);
    h = if theme_dir.is_dir() {
        list_cache::hash_tree(h, &theme_dir)
    } else {
        crate::theme::DEFAULT_THEME.iter().fold(h, |h, (p, t)| h.str(p).str(t))
    };
    h = list_cache::hash_tree(h, &root.join("templates"));
    list_cache::hash_tree(h, &root.join("content").join("letters")).finish()
}

/// What the rendering stage produced.
struct RenderStats {
    pages: usize,
    lists: ListCounts,
    print: PrintSummary,
    search_bytes: usize,
    kept: Kept,
}

/// Lists taken from the cache (their files stay where they are) and lists
/// rendered afresh (stored in the cache once published).
#[derive(Default)]
struct Kept {
    public: HashSet<PathBuf>,
    print: HashSet<PathBuf>,
    reused: usize,
    fresh: Vec<(String, String, CacheEntry)>,
}

pub const SEARCH_INDEX: &str = "search/index.json";

/// What the rendering stage writes with.
struct Stages<'a> {
    tera: &'a tera::Tera,
    theme: &'a templates::ThemeSource,
    staging: &'a Staging,
    print_staging: &'a Staging,
    letters: &'a HashMap<String, Letter>,
    cache: Option<&'a ListCache>,
}

/// Compiles every letter body once into the template set.
fn compile_letters(
    root: &Path,
    tera: &mut tera::Tera,
    diags: &Diagnostics,
    warnings: &Warnings,
) -> HashMap<String, Letter> {
    let mut out = HashMap::new();
    for src in content::letter::load(root, diags) {
        match compile::compile(&src) {
            Ok(letter) => {
                if let Err(e) = tera.add_raw_template(&letter.template_name(), &letter.template) {
                    diags.push(Diagnostic::new(
                        &letter.file,
                        0,
                        format!("告知书模板有语法错误：{}", templates::error_chain(&e)),
                    ));
                    continue;
                }
                if letter.text_chars > LETTER_CHARS_ON_A_PAGE {
                    warnings.push(format!(
                        "{}：正文约 {} 字，可能一页印不下（超出部分会被截掉）；请精简到 {} 字以内，并打印一份检查",
                        letter.file, letter.text_chars, LETTER_CHARS_ON_A_PAGE
                    ));
                }
                out.insert(letter.name.clone(), letter);
            }
            Err(ds) => diags.extend(ds),
        }
    }
    out
}

/// About what fits above the receipt stub on A4 at 12 pt.
const LETTER_CHARS_ON_A_PAGE: usize = 650;

/// `public/` and `print/` must not contain each other: letters carry full names.
fn guard_apart(out: &Path, print: &Path) -> Result<(), SiteErrors> {
    let canon = comparable;
    let (o, p) = (canon(out), canon(print));
    if o.starts_with(&p) || p.starts_with(&o) {
        return Err(SiteErrors(vec![Diagnostic::new(
            print.display().to_string(),
            0,
            "告知书目录不能放在网站输出目录里面（告知书含学生姓名，不能发布）",
        )
        .with_hint("使用默认的 print/，或用 --print 指定 public/ 以外的目录")]));
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn render_and_guard(
    opts: &BuildOptions,
    config: &SiteConfig,
    content: &Content,
    bundles: &[ListBundle],
    anchors: &AnchorIndex,
    stages: &Stages,
    model: &mut Model,
    diags: &Diagnostics,
    warnings: &Warnings,
) -> Result<RenderStats, BuildError> {
    let (tera, theme, staging) = (stages.tera, stages.theme, stages.staging);
    let calendar = Calendar::new(&config.calendar);
    let link_map = link_map(content, &config.root_path());
    let site = model.site.clone();
    let writer = Writer { tera, staging, site: &site, minify: true };
    let print_writer = Writer { tera, staging: stages.print_staging, site: &site, minify: false };
    let print_env = PrintEnv { config, tera, writer: &print_writer, letters: stages.letters };
    let env = job::Env {
        config,
        content,
        calendar: &calendar,
        today: opts.today,
        pages: &link_map,
        anchors,
        writer: &writer,
        print: &print_env,
        cache: stages.cache,
    };

    // Phase one: lists and content pages, all independent of each other.
    let doc_jobs = pages::doc_jobs(model);
    let progress = Progress::new(doc_jobs.len() + bundles.len());
    let guard = Mutex::new(NameGuard::default());
    let mut counts = ListCounts { drafts: bundles.iter().filter(|b| b.meta.draft).count(), ..ListCounts::default() };
    let live: Vec<&ListBundle> = bundles.iter().filter(|b| !b.meta.draft).collect();
    crate::timing::mark("list+page jobs start");
    let (outcomes, ()) = rayon::join(
        || {
            live.par_iter()
                .map(|b| {
                    let mut o = job::run(b, &env);
                    let names = std::mem::take(&mut o.guarded_names);
                    guard.lock().unwrap_or_else(|e| e.into_inner()).add_fingerprints(&b.path(), names);
                    progress.tick();
                    o
                })
                .collect::<Vec<_>>()
        },
        || {
            doc_jobs.par_iter().for_each(|&j| {
                if let Err(d) = pages::render_job(model, &writer, j) {
                    diags.push(d);
                }
                progress.tick();
            })
        },
    );
    progress.finish();
    let mut summaries: Vec<ListSummary> = Vec::new();
    let mut batches = Vec::new();
    let mut sheets = Vec::new();
    let mut kept = Kept::default();
    for (o, b) in outcomes.into_iter().zip(&live) {
        match (o.entry, o.from_cache) {
            (Some(e), true) => {
                kept.public.extend(e.public_files.iter().map(PathBuf::from));
                kept.print.extend(e.print_files.iter().map(PathBuf::from));
                kept.reused += 1;
            }
            (Some(e), false) => kept.fresh.push((b.term_slug.clone(), b.slug.clone(), e)),
            (None, _) => {}
        }
        batches.extend(o.batches);
        sheets.extend(o.sheet);
        diags.extend(o.diagnostics);
        for n in o.notes {
            warnings.push(n);
        }
        match o.status {
            Some(Status::Active) => counts.active += 1,
            Some(Status::Ended) => counts.ended += 1,
            Some(Status::Upcoming) => counts.upcoming += 1,
            None => {}
        }
        summaries.extend(o.summary);
    }
    summaries.sort_by(|a, b| (&b.start, &a.url).cmp(&(&a.start, &b.url)));
    model.lists = summaries;

    // Phase two: indexes, which need every list's summary.
    crate::timing::mark("list+page jobs");
    let index_jobs = pages::index_jobs(model);
    index_jobs.par_iter().for_each(|&j| {
        if let Err(d) = pages::render_job(model, &writer, j) {
            diags.push(d);
        }
    });
    crate::timing::mark("index jobs");
    if let Err(d) = write_extras(&opts.root, config, content, theme, staging) {
        diags.push(d);
    }
    crate::timing::mark("extras");
    batches.sort_by(|a, b| a.letters_file.cmp(&b.letters_file));
    sheets.sort();
    if !batches.is_empty() || !sheets.is_empty() {
        if let Err(d) = print::write_index(&batches, &sheets, &print_writer) {
            diags.push(d);
        }
        for p in &config.programmes {
            let svg = crate::letters::qr::svg(&config.absolute(&format!("programmes/{}/", p.slug))).unwrap_or_default();
            if let Err(e) = stages.print_staging.write(&format!("qr/{}.svg", p.slug), svg.as_bytes()) {
                diags.push(Diagnostic::new("print/qr", 0, format!("写出失败：{e}")));
            }
        }
    }
    let print_summary = PrintSummary {
        letters: batches.iter().map(|b| b.count).sum(),
        batches: batches.len(),
        sheets: sheets.len(),
        dir: PathBuf::new(),
    };

    // Guards: no recipient's full name on a hand-written page, no personal
    // number anywhere in the output.
    crate::timing::mark("indexes+extras");
    let guard = guard.into_inner().unwrap_or_else(|e| e.into_inner());
    // The search index: content pages only, never list data; checked all the same.
    let rendered: Vec<&Rendered> = model.policies.iter().chain(&model.explainers).chain(&model.notices).collect();
    let index = search::build(content, &rendered, &model.root);
    diags.extend(guard.check(SEARCH_INDEX, &index, 1).into_iter().map(|d| Diagnostic { line: 0, ..d }));
    if let Err(e) = staging.write(SEARCH_INDEX, index.as_bytes()) {
        diags.push(Diagnostic::new(SEARCH_INDEX, 0, format!("写出失败：{e}")));
    }
    if !guard.is_empty() {
        let texts = content
            .all()
            .map(|e| (e.file, e.body, e.body_line))
            .chain(bundles.iter().map(|b| (b.file.as_str(), b.body.as_str(), b.body_line)));
        for (file, body, line) in texts {
            diags.extend(guard.check(file, body, line));
        }
    }
    let mut allowed = config.allowed_numbers();
    allowed.extend(bundles.iter().filter_map(|b| b.meta.hotline.as_deref()).map(crate::privacy::scan::digits_only));
    crate::timing::mark("guards");
    diags.extend(scan_gate::scan(staging.dir(), &allowed)?);
    Ok(RenderStats {
        pages: doc_jobs.len() + index_jobs.len() + counts.active + counts.ended,
        lists: counts,
        print: print_summary,
        search_bytes: index.len(),
        kept,
    })
}

fn tempfile_dir() -> std::io::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("gongshi-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// The output folder is emptied of stale files, so it must never be the
/// site itself or a folder that holds it.
fn guard_output_folder(root: &Path, out: &Path) -> Result<(), SiteErrors> {
    let canon = comparable;
    let (root_c, out_c) = (canon(root), canon(out));
    if root_c.starts_with(&out_c) || out_c.join(crate::config::CONFIG_FILE).exists() || out_c.join("content").is_dir() {
        return Err(SiteErrors(vec![Diagnostic::new(
            out.display().to_string(),
            0,
            "输出目录不能是站点目录本身或它的上级目录（构建会清理输出目录中多余的文件）",
        )
        .with_hint("使用默认的 public/，或用 --out 指定一个单独的空目录")]));
    }
    Ok(())
}

/// `policies/x.md` → `/root/policies/x/` for `@/` links.
fn link_map(content: &Content, root: &str) -> HashMap<String, String> {
    content.all().map(|e| (e.link_key(), format!("{root}{}", e.path()))).collect()
}

type RenderedSets = (Vec<Rendered>, Vec<Rendered>, Vec<Rendered>);

/// Renders every page body in parallel; results keep `content.all()` order
/// and are split back per kind.
fn render_markdown(content: &Content, config: &SiteConfig, diags: &Diagnostics) -> RenderedSets {
    let entries: Vec<Entry> = content.all().collect();
    let pages = link_map(content, &config.root_path());
    let mut all: Vec<Rendered> = entries
        .par_iter()
        .map(|e| {
            let src = markdown::Source { file: e.file, body_line: e.body_line, pages: &pages };
            let mut r = markdown::render(e.body, &src);
            diags.extend(std::mem::take(&mut r.diagnostics));
            r
        })
        .collect();
    let notices = all.split_off(content.policies.len() + content.explainers.len());
    let explainers = all.split_off(content.policies.len());
    (all, explainers, notices)
}

fn anchor_index(content: &Content, rendered: [&Vec<Rendered>; 3]) -> AnchorIndex {
    content.all().zip(rendered.into_iter().flatten()).map(|(e, r)| (e.link_key(), r.anchors.clone())).collect()
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
    staging.write("sitemap.xml", feeds::sitemap(config, &paths).as_bytes()).map_err(|e| io("sitemap.xml", e))?;
    staging.write("atom.xml", feeds::atom(config, content, 30).as_bytes()).map_err(|e| io("atom.xml", e))?;
    staging.write("robots.txt", feeds::robots(config).as_bytes()).map_err(|e| io("robots.txt", e))?;
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
        Progress { total, done: AtomicUsize::new(0), shown }
    }

    fn tick(&self) {
        let n = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if self.shown && (n % (self.total / 50).max(1) == 0 || n == self.total) {
            eprint!("\r渲染页面和名单 {n}/{}", self.total);
        }
    }

    fn finish(&self) {
        if self.shown {
            eprintln!();
        }
    }
}

/// A path to compare with others: resolved through the file system when it
/// exists, otherwise made absolute without `.` components.
fn comparable(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| match p.parent().filter(|x| !x.as_os_str().is_empty()) {
        // A folder not yet created: resolve its parent, keep its name.
        Some(parent) if parent.exists() => comparable(parent).join(p.file_name().unwrap_or_default()),
        _ => std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()),
    })
}
