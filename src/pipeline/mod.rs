//! The build pipeline: config → load → validate → render Markdown →
//! check links → templates → [list jobs ∥ page jobs] → index pages →
//! feeds → guards (names, leak gate) → publish. Each stage takes the
//! previous stage's values; nothing is global.

use crate::config::SiteConfig;
use crate::content;
use crate::date::Date;
use crate::diag::{Diagnostics, SiteErrors, Warnings};
use crate::letters::compile::Letter;
use crate::lists::cache::{CachedList, ListCache};
use crate::output::error::OutputError;
use crate::output::staging::{RelPaths, Staging, SyncStats};
use crate::privacy::names_guard::{self, NameKey};
use crate::render::links;
use crate::render::links::AnchorIndex;
use crate::render::pages::{Model, Pages};
use crate::render::templates;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

mod checks;
mod folders;
mod inputs;
mod name_sources;
mod render;
mod stamp;

use folders::{guard_folders, publish, stagings, Publisher};
use inputs::{anchor_index, compile_letters, global_hash, link_map, render_markdown};
use render::{render_and_guard, Report, SiteIn};

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
    /// Write into an output (print) folder that holds files gongshi did not
    /// write; they stay as they are (`--adopt-out`, `--adopt-print`).
    pub adopt_out: bool,
    pub adopt_print: bool,
    /// A private folder to stage in (`serve`, `check`); default the site's
    /// cache folder, or a new temporary folder for `check`.
    pub private_dir: Option<PathBuf>,
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
    /// Files and bytes of the search index (`search/`), of which a reader
    /// who searches downloads the few a query needs.
    pub search_files: usize,
    pub search_bytes: usize,
    pub sync: SyncStats,
    pub elapsed: Duration,
    pub warnings: Vec<String>,
    pub out: PathBuf,
    /// Every list bundle read (drafts included), for `publish`'s timeline;
    /// none when the build was the last one (`list_bundles` reads them).
    pub bundles: Vec<crate::content::list::ListBundle>,
    /// What the county's checks found (their errors fail the build).
    pub audit: crate::audit::Summary,
    /// Nothing changed since the last build: its summary, shown again.
    pub unchanged: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// Problems in the user's site: exit code 1.
    #[error(transparent)]
    Site(#[from] SiteErrors),
    /// The output could not be written (disk full, permissions).
    #[error("写出文件失败：{0}")]
    Io(#[from] std::io::Error),
    /// A folder gongshi may not write into, a lock held by another build,
    /// or a failed publish: names the file, the operation and the cause.
    #[error(transparent)]
    Output(#[from] OutputError),
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
    guard_folders(root, &out, &print)?;
    let config = load_config(opts)?;
    let diags = Diagnostics::default();
    let warnings = Warnings::default();
    // Locks the site and its output folders; undoes a killed build's publish.
    let mut publisher = Publisher::open(opts, &out, &print, &warnings)?;
    // Taking over a lock or undoing a killed publish: build in full.
    let inputs = match stamp::decide(opts, &config, (&out, &print), warnings.is_empty(), started) {
        stamp::Verdict::Unchanged(summary) => return Ok(*summary),
        stamp::Verdict::Build(inputs) => inputs,
    };
    crate::timing::mark("load");
    let content = content::load(root, &diags, &warnings);
    content::validate::validate(&content, &config, &diags);
    let bundles = content::list::load(root, &diags);
    let link_targets = link_map(&content, &config.root_path());
    let theme = crate::theme::theme_source(root, &config.theme).map_err(|d| SiteErrors(vec![d]))?;
    let ((pages, anchors), templates) =
        markdown_and_templates(root, &content, &link_targets, &theme, (&diags, &warnings));
    let (letters, tera, built_in) = match templates {
        Ok(loaded) => loaded,
        Err(ds) => {
            diags.extend(ds);
            return Err(SiteErrors(diags.into_sorted()).into());
        }
    };
    let mut model = Model::new(&config, pages, built_in);
    // `check` renders into a private temporary folder so it runs every guard too.
    let (_private, staging, print_staging) = stagings(opts, (&out, &print), publisher.as_ref())?;
    let (name_key, cache) = name_key_and_cache(opts, &config, &out, &print);
    let staging = if cache.is_some() { staging.printing_with(name_key) } else { staging }; // verdicts
    let stages = Stages {
        tera: &tera,
        theme: &theme,
        staging: &staging,
        print_staging: &print_staging,
        letters: &letters,
        links: &link_targets,
        cache: cache.as_ref(),
        name_key: &name_key,
    };
    crate::timing::mark("setup");
    let site_in = SiteIn { opts, config: &config, content: &content, bundles: &bundles, anchors: &anchors };
    let report = Report { diags: &diags, warnings: &warnings };
    let stats = render_and_guard(&site_in, &stages, &mut model, &report);
    crate::timing::mark("render+guards");
    let problems = diags.into_sorted();
    if !problems.is_empty() {
        // The staged files go with the stagings, dropped here.
        return Err(SiteErrors(problems).into());
    }
    let RenderStats { pages, mut lists, print: mut print_summary, search_files, search_bytes, kept, audit } = stats;
    lists.from_cache = kept.reused;
    print_summary.dir = print.clone();
    let letters = print_summary.batches + print_summary.sheets + audit.files > 0;
    let written = if stamp::wanted(inputs.as_ref()) { staging.prints() } else { stamp::Written::default() };
    let sync = publish(publisher.as_mut(), staging, print_staging, &kept, letters, cache.as_ref())?;
    crate::timing::mark("publish");
    let summary = Summary {
        pages,
        lists,
        print: print_summary,
        search_files,
        search_bytes,
        sync,
        elapsed: started.elapsed(),
        warnings: warnings.into_sorted(),
        out,
        bundles,
        audit,
        unchanged: false,
    };
    Ok(stamp::recorded(inputs.as_ref(), &print, summary, &written))
}

impl Summary {
    /// Every list bundle (drafts included): those the build read, or, when
    /// nothing changed and it read none, read now.
    pub fn list_bundles(&mut self, root: &Path) -> Vec<crate::content::list::ListBundle> {
        match self.unchanged {
            true => content::list::load(root, &Diagnostics::default()),
            false => std::mem::take(&mut self.bundles),
        }
    }
}

/// The site config, with `base_url` replaced where serve previews at its own address.
fn load_config(opts: &BuildOptions) -> Result<SiteConfig, SiteErrors> {
    let mut config = SiteConfig::load(&opts.root)?;
    if let Some(url) = &opts.base_url {
        config.base_url = url.clone();
    }
    Ok(config)
}

/// The templates and the letters compiled into them, or what is wrong.
type Templates = Result<(HashMap<String, Letter>, tera::Tera, templates::BuiltIn), Vec<crate::diag::Diagnostic>>;

/// The pages' Markdown, and the templates and letters beside it (Tera
/// compiles on one core).
fn markdown_and_templates<'c>(
    root: &Path,
    content: &'c content::Content,
    link_targets: &HashMap<String, String>,
    theme: &crate::theme::ThemeSource,
    (diags, warnings): (&Diagnostics, &Warnings),
) -> ((Pages<'c>, AnchorIndex), Templates) {
    let both = rayon::join(
        || pages_and_anchors(content, link_targets, diags),
        || {
            templates::load(root, theme)
                .map(|(mut t, built_in)| (compile_letters(root, &mut t, diags, warnings), t, built_in))
        },
    );
    crate::timing::mark("markdown+anchors, templates");
    both
}

/// Every content page rendered, and the anchors each page has (its `@/`
/// links checked against them).
fn pages_and_anchors<'c>(
    content: &'c content::Content,
    link_targets: &HashMap<String, String>,
    diags: &Diagnostics,
) -> (Pages<'c>, AnchorIndex) {
    let pages = render_markdown(content, link_targets, diags);
    let anchors = anchor_index(&pages);
    for (e, r) in pages.all() {
        diags.extend(links::check(e.file, &r.links, &anchors));
    }
    (pages, anchors)
}

/// Names are fingerprinted with a key kept outside the site. Without one
/// there is no list cache: it would have to store the names' prints.
/// `check` reads every list afresh; a build reuses unchanged ones.
fn name_key_and_cache(
    opts: &BuildOptions,
    config: &SiteConfig,
    out: &Path,
    print: &Path,
) -> (NameKey, Option<ListCache>) {
    let root = opts.root.as_path();
    let stored_key = opts.write.then(|| names_guard::stored_key(root)).flatten();
    let cache = stored_key.map(|key| {
        let global = crate::fingerprint::Fnv::default()
            .bytes(&global_hash(root, config, opts).to_le_bytes())
            .bytes(&key.check_value().to_le_bytes())
            .finish();
        ListCache::new(root, global, out, print, key)
    });
    (stored_key.unwrap_or_else(NameKey::random), cache)
}

/// What the rendering stage produced.
struct RenderStats {
    pages: usize,
    lists: ListCounts,
    print: PrintSummary,
    search_files: usize,
    search_bytes: usize,
    kept: Kept,
    audit: crate::audit::Summary,
}

/// Lists taken from the cache (their files stay where they are) and lists
/// rendered afresh (stored in the cache once published).
#[derive(Default)]
struct Kept {
    public: RelPaths,
    print: RelPaths,
    reused: usize,
    fresh: Vec<(String, String, CachedList)>,
    /// The private report's entry, when written afresh.
    audit: Option<crate::lists::cache::CachedAudit>,
    /// The print index's entry, when written afresh.
    print_index: Option<crate::lists::cache::CachedAudit>,
    /// The guards' verdicts on every published file (`output::verdicts`),
    /// stored once published.
    verdicts: Vec<u64>,
}

/// What the rendering stage writes with.
struct Stages<'a> {
    tera: &'a tera::Tera,
    theme: &'a crate::theme::ThemeSource,
    staging: &'a Staging,
    print_staging: &'a Staging,
    letters: &'a HashMap<String, Letter>,
    /// `@/` link targets, from `link_map`.
    links: &'a HashMap<String, String>,
    cache: Option<&'a ListCache>,
    name_key: &'a NameKey,
}
