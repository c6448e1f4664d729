//! The rendering stage: list jobs and content pages in parallel, then the
//! index pages, feeds and the print index, then the guards.

use super::{checks, name_sources as sources, BuildOptions, Kept, ListCounts, PrintSummary, RenderStats, Stages};
use crate::config::SiteConfig;
use crate::content::list::ListBundle;
use crate::content::list_summary::ListSummary;
use crate::content::{Content, Kind};
use crate::date::Date;
use crate::diag::{Diagnostic, Diagnostics, Warnings};
use crate::fingerprint::Fnv;
use crate::letters::print::{self, PrintEnv};
use crate::lists::cache::{CachedAudit, ListCache, PrintPart};
use crate::lists::job;
use crate::output::scan_gate::{Gate, KeptPages, NameRules};
use crate::output::verdicts::Verdicts;
use crate::output::{feeds, staging::Staging, statics};
use crate::privacy::names_guard::{NameGuard, NameKey};
use crate::render::links::AnchorIndex;
use crate::render::pages::{self, Model};
use crate::render::search;
use crate::render::writer::{PrintWriter, PublicWriter};
use crate::schedule::calendar::Calendar;
use crate::schedule::status::ListStatus;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A progress line on a terminal for long builds; silent otherwise.
pub(super) struct Progress {
    total: usize,
    done: AtomicUsize,
    shown: bool,
}

impl Progress {
    pub(super) fn new(total: usize) -> Progress {
        let shown = total >= 200 && std::io::stderr().is_terminal();
        Progress { total, done: AtomicUsize::new(0), shown }
    }

    pub(super) fn tick(&self) {
        let n = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if self.shown && (n.is_multiple_of((self.total / 50).max(1)) || n == self.total) {
            eprint!("\r渲染页面和名单 {n}/{}", self.total);
        }
    }

    pub(super) fn finish(&self) {
        if self.shown {
            eprintln!();
        }
    }
}

/// What the rendering stage reads of the site.
pub(super) struct SiteIn<'a> {
    pub opts: &'a BuildOptions,
    pub config: &'a SiteConfig,
    pub content: &'a Content,
    pub bundles: &'a [ListBundle],
    pub anchors: &'a AnchorIndex,
}

/// Where every stage reports problems and notes.
pub(super) struct Report<'a> {
    pub diags: &'a Diagnostics,
    pub warnings: &'a Warnings,
}

/// List jobs and content pages in parallel, then the index pages, extras
/// and the print index, then the guards over everything published.
pub(super) fn render_and_guard(site: &SiteIn, stages: &Stages, model: &mut Model, report: &Report) -> RenderStats {
    let (config, tera) = (site.config, stages.tera);
    let calendar = Calendar::new(&config.calendar);
    let site_ctx = model.site.clone();
    let (gate, explained) = leak_gate(site, report);
    let writer = PublicWriter { tera, staging: stages.staging, site: &site_ctx, gate: &gate };
    let print_writer = PrintWriter { tera, print_staging: stages.print_staging, site: &site_ctx };
    let print_env = PrintEnv { config, tera, writer: &print_writer, letters: stages.letters };
    let env = job::Env {
        config,
        content: site.content,
        calendar: &calendar,
        today: site.opts.today,
        pages: stages.links,
        anchors: site.anchors,
        writer: &writer,
        print: &print_env,
        cache: stages.cache,
        name_key: stages.name_key,
    };
    crate::timing::mark("list+page jobs start");
    let (outcomes, doc_jobs) = first_phase(site, &env, model, report);
    let mut lists = collect(outcomes, site, stages.name_key, report);
    model.lists = std::mem::take(&mut lists.summaries);
    crate::timing::mark("list+page jobs");
    // Phase two: indexes (every list's summary) beside the county's checks
    // (every list's audit values); then the guards beside the checks'
    // private report (after them, a core stood idle on a large list).
    let model: &Model = model;
    let (checked, index_jobs) = rayon::join(
        || checks::check(site, &env, std::mem::take(&mut lists.audit), report),
        || {
            let index_jobs = pages::index_jobs(model);
            index_jobs.par_iter().for_each(|&j| report.diags.extend(pages::render_job(model, &writer, j).err()));
            crate::timing::mark("index jobs");
            report.diags.extend(
                crate::output::failsafe::write_to(stages.staging, &model.lists, &model.root, site.opts.today).err(),
            );
            report
                .diags
                .extend(write_extras(&site.opts.root, config, site.content, stages.theme, stages.staging).err());
            crate::timing::mark("extras");
            index_jobs
        },
    );
    let (audit, (search_files, search_bytes, verdicts)) = rayon::join(
        || checks::write_report(checked, site, &env, &print_writer, report),
        || guard(site, model, &gate, stages, &lists.names, report),
    );
    crate::timing::mark("guards and audit report");
    let mut kept = lists.kept;
    let index = PrintIndex { lists: lists.print, audit: &audit.links };
    let print = print_index(index, stages.cache, (config, &print_writer), (&mut kept, report));
    crate::timing::mark("print index");
    report.diags.extend(
        gate.found
            .into_sorted()
            .into_iter()
            .filter(|d| !explained.iter().any(|m| d.message.ends_with(&format!("：{m}")))),
    );
    kept.print.extend(audit.kept);
    kept.audit = audit.fresh;
    kept.verdicts = verdicts;
    RenderStats {
        pages: doc_jobs + index_jobs.len() + lists.counts.active + lists.counts.ended,
        lists: lists.counts,
        print,
        search_files,
        search_bytes,
        kept,
        audit: audit.summary,
    }
}

/// The leak gate, letting through the numbers that may be public (the
/// site's and each list's hotline). Numbers written in the sources are
/// reported there, at their line; gives them too, so the gate does not
/// report them again.
fn leak_gate(site: &SiteIn, report: &Report) -> (Gate, HashSet<String>) {
    let mut allowed = site.config.allowed_numbers();
    allowed
        .extend(site.bundles.iter().filter_map(|b| b.meta.hotline.as_deref()).map(crate::privacy::scan::digits_only));
    let allowed_set = allowed.iter().cloned().collect();
    let (in_sources, explained) = sources::check_numbers(site.content, site.bundles, &allowed_set);
    report.diags.extend(in_sources);
    (Gate::new(allowed).reviewing(site.config.reviewed_attachments.clone()), explained)
}

/// Phase one: lists and content pages, all independent of each other.
/// Gives the list jobs' outcomes (in bundle order, drafts left out) and the
/// number of content pages.
fn first_phase(site: &SiteIn, env: &job::Env, model: &Model, report: &Report) -> (Vec<job::Outcome>, usize) {
    let doc_jobs = pages::doc_jobs(model);
    let live: Vec<&ListBundle> = site.bundles.iter().filter(|b| !b.meta.draft).collect();
    let progress = Progress::new(doc_jobs.len() + live.len());
    let (outcomes, ()) = rayon::join(
        || {
            live.par_iter()
                .map(|b| {
                    let o = job::run(b, env);
                    progress.tick();
                    o
                })
                .collect::<Vec<_>>()
        },
        || {
            doc_jobs.par_iter().for_each(|&j| {
                report.diags.extend(pages::render_job(model, env.writer, j).err());
                progress.tick();
            })
        },
    );
    progress.finish();
    (outcomes, doc_jobs.len())
}

/// What the list jobs left, gathered.
struct Collected {
    summaries: Vec<ListSummary>,
    print: PrintLists,
    kept: Kept,
    counts: ListCounts,
    names: Names,
    /// What each non-draft list left for the county's checks, in bundle order.
    audit: Vec<checks::Item>,
}

/// Every list's names (drafts' too), where they may stand in full, and
/// the published pages of the lists taken from the cache, which may hold
/// a name another list added since.
struct Names {
    guard: NameGuard,
    shown_in_full: HashMap<String, HashSet<u64>>,
    kept: Vec<KeptPages>,
}

fn collect(outcomes: Vec<job::Outcome>, site: &SiteIn, key: &NameKey, report: &Report) -> Collected {
    let bundles = site.bundles;
    let mut c = Collected {
        summaries: Vec::with_capacity(outcomes.iter().filter(|o| o.summary.is_some()).count()),
        print: PrintLists::default(),
        kept: Kept::default(),
        counts: ListCounts { drafts: bundles.iter().filter(|b| b.meta.draft).count(), ..ListCounts::default() },
        names: Names { guard: NameGuard::new(*key), shown_in_full: HashMap::new(), kept: Vec::new() },
        audit: Vec::with_capacity(outcomes.len()),
    };
    // Drafts are published nowhere, but their names are guarded too.
    let drafts: Vec<_> =
        bundles.par_iter().filter(|b| b.meta.draft).map(|b| (b.file.as_str(), job::draft_names(b, key))).collect();
    c.names
        .guard
        .reserve(outcomes.iter().map(|o| o.guarded_names.len()).chain(drafts.iter().map(|(_, p)| p.len())).sum());
    for (file, prints) in drafts {
        c.names.guard.add_list(file, &prints);
    }
    // Sized once: a province's 20,000 entries would otherwise be copied
    // as the vector doubles, beside the outcomes they come from.
    c.kept.fresh.reserve_exact(outcomes.iter().filter(|o| o.entry.is_some() && !o.from_cache).count());
    for (mut o, b) in outcomes.into_iter().zip(bundles.iter().filter(|b| !b.meta.draft)) {
        c.audit.push(checks::Item::take(&mut o));
        c.names.guard.add_list(&b.file, &o.guarded_names);
        if let Some(page) = &o.shown_in_full {
            c.names.shown_in_full.insert(page.clone(), o.guarded_names.iter().map(|p| p.hash).collect());
        }
        match (o.entry, o.from_cache) {
            (Some(e), true) => {
                // The entry's batches moved to the outcome.
                c.kept.print.extend(crate::lists::cache::print_files(&o.batches, o.sheet.as_ref()).cloned());
                c.kept.public.extend(e.public_files.iter().cloned());
                c.names.kept.push(KeptPages { state: e.public_state, files: e.public_files });
                c.kept.reused += 1;
            }
            (Some(e), false) => c.kept.fresh.push((b.term_slug.clone(), b.slug.clone(), e)),
            (None, _) => {}
        }
        c.print.digest = c.print.digest.bytes(&o.print_digest.to_le_bytes());
        c.print.batches.extend(o.batches);
        c.print.sheets.extend(o.sheet);
        report.diags.extend(o.diagnostics);
        for n in o.notes {
            report.warnings.push(n);
        }
        match o.status {
            Some(ListStatus::Active) => c.counts.active += 1,
            Some(ListStatus::Ended) => c.counts.ended += 1,
            Some(ListStatus::Upcoming) => c.counts.upcoming += 1,
            None => {}
        }
        c.summaries.extend(o.summary);
    }
    c.summaries.sort_by(|a, b| (&b.start, &a.url).cmp(&(&a.start, &b.url)));
    c
}

/// What the print index lists: the lists' batches and sheets, the audit's links.
struct PrintIndex<'a> {
    lists: PrintLists,
    audit: &'a [print::Link],
}

#[derive(Default)]
struct PrintLists {
    batches: Vec<print::Batch>,
    sheets: Vec<print::Link>,
    /// Every list's `print_digest`, in bundle order, hashed together.
    digest: Fnv,
}

/// The print index and the programmes' QR images, when there is anything
/// to print: letter batches, notice-board sheets, the audit's links. Kept
/// as they are when what they list is unchanged (a county's index lists
/// 14,400 batches).
fn print_index(
    index: PrintIndex,
    cache: Option<&ListCache>,
    (config, writer): (&SiteConfig, &PrintWriter),
    (kept, report): (&mut Kept, &Report),
) -> PrintSummary {
    let PrintIndex { lists: PrintLists { batches, sheets, digest }, audit } = index;
    let digest = digest.finish();
    let summary = PrintSummary {
        letters: batches.iter().map(|b| b.count).sum(),
        batches: batches.len(),
        sheets: sheets.len(),
        dir: PathBuf::new(),
    };
    if batches.is_empty() && sheets.is_empty() && audit.is_empty() {
        return summary;
    }
    let key = cache.map(|c| print_index_key(c.global, digest, audit));
    if let Some(entry) = key.and_then(|k| cache.and_then(|c| c.get_part(PrintPart::Index, k))) {
        kept.print.extend(entry.files);
        return summary;
    }
    let files = write_print_index((batches, sheets, audit), config, writer, report);
    kept.print_index = key.map(|key| CachedAudit { key, files, links: Vec::new() });
    summary
}

/// Everything the print index shows (every list's batches and sheet, by
/// their digest; the audit's links), with what every page depends on.
fn print_index_key(global: u64, lists: u64, audit: &[print::Link]) -> u64 {
    let json = serde_json::to_vec(audit).unwrap_or_default();
    Fnv::default().bytes(&global.to_le_bytes()).bytes(&lists.to_le_bytes()).bulk(&json).finish()
}

/// Writes the print index and the QR images; gives the files written.
fn write_print_index(
    (mut batches, mut sheets, audit): (Vec<print::Batch>, Vec<print::Link>, &[print::Link]),
    config: &SiteConfig,
    writer: &PrintWriter,
    report: &Report,
) -> Vec<String> {
    // Schools, grades and classes in the order people count them.
    let order = crate::natural::PathOrder::new(
        batches.iter().map(|b| b.letters_file.as_str()).chain(sheets.iter().flat_map(|s| [s.0.as_str(), s.1.as_str()])),
    );
    batches.sort_by_cached_key(|b| order.key(&b.letters_file));
    sheets.sort_by_cached_key(|s| (order.key(&s.0), order.key(&s.1)));
    let mut files = vec!["index.html".to_string()];
    report.diags.extend(print::write_index(&batches, (&sheets, audit), writer).err());
    for p in &config.programmes {
        let svg = crate::letters::qr::svg(&config.absolute(&format!("programmes/{}/", p.slug))).unwrap_or_default();
        let file = format!("qr/{}.svg", p.slug);
        report.diags.extend(writer.file(&file, svg.as_bytes()).err());
        files.push(file);
    }
    files
}

/// Guards: no recipient's full name and no personal number in anything
/// published. Names are looked for in the sources first, so a finding
/// points at the file and line to fix; then in every published file, for
/// what no source explains (templates, static files, the site config).
/// Writes the search index on the way; gives its number of files and size,
/// and the guards' verdicts on every file (see `output::verdicts`).
fn guard(
    site: &SiteIn,
    model: &Model,
    gate: &Gate,
    stages: &Stages,
    names: &Names,
    report: &Report,
) -> (usize, usize, Vec<u64>) {
    let (files, bytes) = write_search(model, gate, stages.staging, report);
    // Verdicts are remembered only where the name key is kept (the cache's).
    let verdicts = stages.cache.zip(gate.rules_print(&names.guard, &names.shown_in_full)).map(|(cache, rules)| {
        Verdicts::new(*stages.name_key, rules, crate::output::verdicts::load(&cache.verdicts_file()))
    });
    let mut explained = HashSet::new();
    if !names.guard.is_empty() {
        let found = sources::check_names(site, &names.guard, verdicts.as_ref());
        explained.extend(found.iter().map(|(_, hash)| *hash));
        report.diags.extend(found.into_iter().map(|(d, _)| d));
    }
    crate::timing::mark("guards: search, names in sources");
    let rules = NameRules { explained: &explained, shown_in_full: &names.shown_in_full };
    let start = std::time::Instant::now();
    gate.scan_rest(stages.staging, &names.guard, &rules, verdicts.as_ref());
    if let Some(cache) = stages.cache {
        gate.scan_kept(&cache.out, &names.kept, &names.guard, &rules, verdicts.as_ref());
    }
    crate::timing::took("guards: every published file", start);
    (files, bytes, verdicts.map(Verdicts::into_passed).unwrap_or_default())
}

/// The search index (content pages only, never list data), written and
/// checked like every other published file.
fn write_search(model: &Model, gate: &Gate, staging: &Staging, report: &Report) -> (usize, usize) {
    let start = std::time::Instant::now();
    let files = search::build(&model.pages, &model.root);
    crate::timing::took("search index built", start);
    files.par_iter().for_each(|(rel, text)| {
        gate.check(rel, text.as_bytes());
        if let Err(e) = staging.write_checked(rel, &[text.as_bytes()]) {
            report.diags.push(staging.write_failure(rel, &e));
        }
    });
    crate::timing::took("search index built, checked and written", start);
    (files.len(), files.iter().map(|(_, t)| t.len()).sum())
}

pub(super) fn write_extras(
    root: &Path,
    config: &SiteConfig,
    content: &Content,
    theme: &crate::theme::ThemeSource,
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
    for s in
        crate::names::STAGES.iter().filter(|s| crate::render::context::stage_has_content(config, content.all(), s.name))
    {
        paths.push((format!("stages/{}/", s.slug), None));
    }
    for e in content.all() {
        paths.push((e.path(), Some(e.meta.date())));
    }
    let io = |name: &str, e: std::io::Error| staging.write_failure(name, &e);
    staging.write("sitemap.xml", feeds::sitemap(config, &paths).as_bytes()).map_err(|e| io("sitemap.xml", e))?;
    staging.write("atom.xml", feeds::atom(config, content, 30).as_bytes()).map_err(|e| io("atom.xml", e))?;
    staging.write("robots.txt", feeds::robots(config).as_bytes()).map_err(|e| io("robots.txt", e))?;
    Ok(())
}
