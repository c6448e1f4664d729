//! The rendering stage: list jobs and content pages in parallel, then the
//! index pages, feeds and the print index, then the guards.

use super::*;

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
        if self.shown && (n % (self.total / 50).max(1) == 0 || n == self.total) {
            eprint!("\r渲染页面和名单 {n}/{}", self.total);
        }
    }

    pub(super) fn finish(&self) {
        if self.shown {
            eprintln!();
        }
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn render_and_guard(
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
    let site = model.site.clone();
    // Numbers that may be public: the site's and each list's hotline.
    let mut allowed = config.allowed_numbers();
    allowed.extend(bundles.iter().filter_map(|b| b.meta.hotline.as_deref()).map(crate::privacy::scan::digits_only));
    let gate = Gate::new(allowed);
    let writer = PublicWriter { tera, staging, site: &site, gate: &gate };
    let print_writer = PrintWriter { tera, print_staging: stages.print_staging, site: &site };
    let print_env = PrintEnv { config, tera, writer: &print_writer, letters: stages.letters };
    let env = job::Env {
        config,
        content,
        calendar: &calendar,
        today: opts.today,
        pages: stages.links,
        anchors,
        writer: &writer,
        print: &print_env,
        cache: stages.cache,
        name_key: stages.name_key,
    };

    // Phase one: lists and content pages, all independent of each other.
    let doc_jobs = pages::doc_jobs(model);
    let progress = Progress::new(doc_jobs.len() + bundles.len());
    let guard = Mutex::new(NameGuard::new(*stages.name_key));
    let mut shown_in_full: HashMap<String, HashSet<u64>> = HashMap::new();
    let mut counts = ListCounts { drafts: bundles.iter().filter(|b| b.meta.draft).count(), ..ListCounts::default() };
    let live: Vec<&ListBundle> = bundles.iter().filter(|b| !b.meta.draft).collect();
    crate::timing::mark("list+page jobs start");
    let (outcomes, ()) = rayon::join(
        || {
            live.par_iter()
                .map(|b| {
                    let o = job::run(b, &env);
                    guard.lock().unwrap_or_else(|e| e.into_inner()).add_list(&b.file, &o.guarded_names);
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
    // Drafts are published nowhere, but their names are guarded too.
    bundles.par_iter().filter(|b| b.meta.draft).for_each(|b| {
        let prints = job::draft_names(b, stages.name_key);
        guard.lock().unwrap_or_else(|e| e.into_inner()).add_list(&b.file, &prints);
    });
    for (o, b) in outcomes.into_iter().zip(&live) {
        if let Some(page) = &o.shown_in_full {
            shown_in_full.insert(page.clone(), o.guarded_names.iter().map(|p| p.hash).collect());
        }
        match (o.entry, o.from_cache) {
            (Some(e), true) => {
                kept.public.extend(e.public_files.iter().cloned());
                kept.print.extend(e.print_files.iter().cloned());
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
            if let Err(d) = print_writer.file(&format!("qr/{}.svg", p.slug), svg.as_bytes()) {
                diags.push(d);
            }
        }
    }
    let print_summary = PrintSummary {
        letters: batches.iter().map(|b| b.count).sum(),
        batches: batches.len(),
        sheets: sheets.len(),
        dir: PathBuf::new(),
    };

    // Guards: no recipient's full name and no personal number in anything
    // published. Names are looked for in the sources first, so a finding
    // points at the file and line to fix; then in every published file, for
    // what no source explains (templates, static files, the site config).
    crate::timing::mark("indexes+extras");
    let guard = guard.into_inner().unwrap_or_else(|e| e.into_inner());
    // The search index: content pages only, never list data; checked all the same.
    let index = search::build(&model.pages, &model.root);
    gate.check(SEARCH_INDEX, index.as_bytes());
    if let Err(e) = staging.write(SEARCH_INDEX, index.as_bytes()) {
        diags.push(Diagnostic::new(SEARCH_INDEX, 0, format!("写出失败：{e}")));
    }
    let explained = if guard.is_empty() {
        HashSet::new()
    } else {
        let found = sources::check_names(&opts.root, content, bundles, &guard);
        let explained = found.iter().map(|(_, hash)| *hash).collect();
        diags.extend(found.into_iter().map(|(d, _)| d));
        explained
    };
    crate::timing::mark("guards");
    gate.scan_rest(staging, &guard, &NameRules { explained: &explained, shown_in_full: &shown_in_full });
    diags.extend(gate.found.into_sorted());
    Ok(RenderStats {
        pages: doc_jobs.len() + index_jobs.len() + counts.active + counts.ended,
        lists: counts,
        print: print_summary,
        search_bytes: index.len(),
        kept,
    })
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
