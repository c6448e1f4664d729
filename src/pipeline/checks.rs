//! The county's checks as a pipeline stage, once every list job is done:
//! the cross-list checks on the lists' keyed fingerprints (`audit::run`),
//! then the private report and 一生一册 into the print folder. Those carry
//! names, which the list cache never keeps: when the report must be
//! written again, the lists taken from the cache are read again for their
//! names; when nothing it shows has changed, its files stay as they are.

use super::render::{Report, SiteIn};
use crate::audit::{self, ListAudit, ListPrivate};
use crate::content::list::ListBundle;
use crate::diag::Diagnostic;
use crate::fingerprint::Fnv;
use crate::lists::cache::{CachedAudit, ListCache, PrintPart};
use crate::lists::job;
use crate::render::writer::PrintWriter;
use rayon::prelude::*;
use std::sync::Arc;

/// What a list job left for the checks.
pub(super) struct Item {
    pub audit: Option<Arc<ListAudit>>,
    pub private: Option<ListPrivate>,
    /// The list's cache key; None without a cache.
    pub key: Option<u64>,
}

impl Item {
    pub fn take(o: &mut job::Outcome) -> Item {
        Item { audit: o.audit.take(), private: o.private.take(), key: o.key }
    }
}

/// What the stage leaves: the summary, the print index's links, the files
/// kept as they were, and the cache entry to store once published.
#[derive(Default)]
pub(super) struct Done {
    pub summary: audit::Summary,
    pub links: Vec<(String, String)>,
    pub kept: Vec<String>,
    pub fresh: Option<CachedAudit>,
}

/// The checks done, the report still to write (`write`): what it reads.
pub(super) struct Checked<'a> {
    done: Done,
    /// Each non-draft list with its audit values, in bundle order.
    lists: Vec<(&'a ListBundle, Option<Arc<ListAudit>>)>,
    /// For each list with audit values: its names from its job, and
    /// whether it has none (from the cache, or left out by its job).
    privates: Vec<(Option<ListPrivate>, bool)>,
    findings: audit::Findings,
    /// The report's key; None: no cache, always written.
    key: Option<u64>,
    /// The report is kept as it is (or there is none to write).
    settled: bool,
}

fn base<'a>(site: &'a SiteIn, env: &'a job::Env) -> audit::Base<'a> {
    audit::Base {
        root: &site.opts.root,
        config: site.config,
        key: env.name_key,
        today: site.opts.today,
        calendar: env.calendar,
    }
}

/// Runs the checks over the non-draft lists (`items` in bundle order);
/// their errors go to `report`. The report is kept when its key matches.
pub(super) fn check<'a>(site: &'a SiteIn, env: &job::Env, items: Vec<Item>, report: &Report) -> Checked<'a> {
    let live: Vec<&ListBundle> = site.bundles.iter().filter(|b| !b.meta.draft).collect();
    let mut c = Checked {
        done: Done::default(),
        lists: Vec::new(),
        privates: Vec::new(),
        findings: audit::Findings::default(),
        key: report_key(site, env, &live, &items),
        settled: true,
    };
    if site.config.audit.all_off() {
        return c;
    }
    for (b, item) in live.iter().zip(items) {
        if item.audit.is_some() {
            let without = item.private.is_none();
            c.privates.push((item.private, without));
        }
        c.lists.push((*b, item.audit));
    }
    let audit_site = audit::Site::new(base(site, env), &c.lists);
    c.findings = audit::run(&audit_site);
    crate::timing::mark("audit checks");
    report.diags.extend(c.findings.errors(&site.config.audit));
    c.done.summary = audit::Summary::new(&audit_site, &c.findings);
    match c.key.and_then(|k| env.cache.and_then(|cache| cache.get_part(PrintPart::Audit, k))) {
        Some(entry) => {
            c.done.summary.files = entry.files.len();
            c.done.links = entry.links;
            c.done.kept = entry.files;
        }
        None => c.settled = false,
    }
    c
}

/// Writes the report and 一生一册 unless kept: the names of the lists
/// it names that came without them (from the cache, or left out by their
/// jobs) are read again first.
pub(super) fn write_report(
    mut c: Checked,
    site: &SiteIn,
    env: &job::Env,
    writer: &PrintWriter,
    report: &Report,
) -> Done {
    if c.settled {
        return c.done;
    }
    let audit_site = audit::Site::new(base(site, env), &c.lists);
    let named = c.findings.named_lists(&audit_site);
    let again: Vec<Option<ListPrivate>> = audit_site
        .lists
        .par_iter()
        .zip(c.privates.par_iter().zip(&named))
        .map(|(l, ((_, without), &named))| (*without && named).then(|| job::private_again(l.bundle, env)).flatten())
        .collect();
    let privates: Vec<Option<&ListPrivate>> =
        c.privates.iter().zip(&again).map(|((p, _), a)| p.as_ref().or(a.as_ref())).collect();
    let view = audit::report::View { site: &audit_site, findings: &c.findings, privates: &privates };
    match write(&view, writer) {
        Ok(w) => {
            c.done.summary.files = w.files.len();
            c.done.fresh = c.key.map(|key| CachedAudit { key, files: w.files, links: w.links.clone() });
            c.done.links = w.links;
        }
        Err(d) => report.diags.push(d),
    }
    crate::timing::mark("audit report");
    c.done
}

fn write(view: &audit::report::View, writer: &PrintWriter) -> Result<audit::report::Written, Diagnostic> {
    let mut w = audit::report::write(view, writer)?;
    if view.site.settings().student_files {
        let archive = audit::archive::write(view, writer)?;
        w.files.extend(archive.files);
        w.links.extend(archive.links);
    }
    Ok(w)
}

/// What the report shows depends on: every list (its cache key), the
/// audit's own files, and `--today`. None when a list has no key (no
/// cache, as for `check`): the report is then always written.
fn report_key(site: &SiteIn, env: &job::Env, live: &[&ListBundle], items: &[Item]) -> Option<u64> {
    let cache: &ListCache = env.cache?;
    let mut h = Fnv::default().bytes(&cache.global.to_le_bytes()).str(&site.opts.today.iso());
    for (b, item) in live.iter().zip(items) {
        h = h.str(&b.file).bytes(&item.key?.to_le_bytes());
    }
    let root = &site.opts.root;
    for file in ["content/quotas.csv", "content/quotas.xlsx"] {
        h = h.str(file).bulk(&std::fs::read(root.join(file)).unwrap_or_default());
    }
    if let Some((rel, path)) = audit::exclusions::file(root) {
        h = h.str(&rel).bulk(&std::fs::read(path).unwrap_or_default());
    }
    Some(h.finish())
}
