//! One list, start to finish, in one parallel job: check, load the data,
//! validate every row, publish the masked page if active (or the withdrawal
//! notice if ended), and hand back a summary. The roster is dropped when
//! the job ends, so memory does not grow with the number of lists.

use super::cache::{self, CachedList, ListCache};
use super::check;
use crate::audit::{self, list::Prepared, ListAudit, ListPrivate};
use crate::config::SiteConfig;
use crate::content::list::ListBundle;
use crate::content::list_summary::ListSummary;
use crate::content::Content;
use crate::data::table;
use crate::date::Date;
use crate::diag::Diagnostic;
use crate::fingerprint::Fnv;
use crate::letters::print::{self, Batch, PrintEnv};
use crate::privacy::mask::NameMask;
use crate::privacy::names_guard::{NameKey, NamePrint};
use crate::render::context::{PageRef, Tag};
use crate::render::links::{self, AnchorIndex};
use crate::render::markdown;
use crate::render::writer::PublicWriter;
use crate::roster::{self, Files, PublicTable, Roster};
use crate::schedule::calendar::Calendar;
use crate::schedule::status::{ListStatus, Period};
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use tera::Context;

/// What every list job reads.
pub struct Env<'a> {
    pub config: &'a SiteConfig,
    pub content: &'a Content,
    pub calendar: &'a Calendar,
    pub today: Date,
    pub pages: &'a HashMap<String, String>,
    pub anchors: &'a AnchorIndex,
    pub writer: &'a PublicWriter<'a>,
    pub print: &'a PrintEnv<'a>,
    /// None for `check`, which always reads everything.
    pub cache: Option<&'a ListCache>,
    /// Fingerprints names for the name guard.
    pub name_key: &'a NameKey,
}

#[derive(Default)]
pub struct Outcome {
    /// None for an upcoming list (published nowhere) or one with errors.
    pub summary: Option<ListSummary>,
    pub status: Option<ListStatus>,
    pub diagnostics: Vec<Diagnostic>,
    pub notes: Vec<String>,
    /// Fingerprints of full names that must not appear in anything
    /// published; shared with the cache entry (a province has millions).
    pub guarded_names: Arc<[NamePrint]>,
    /// The list's own page, when it shows the names in full (an active list
    /// with `name_mask = "full"`): the only place they may appear.
    pub shown_in_full: Option<String>,
    /// Letter batches written to the print folder.
    pub batches: Vec<Batch>,
    /// (title, path) of the on-site publicity sheet of an active list.
    pub sheet: Option<(String, String)>,
    /// `cache::print_digest` of the batches and sheet (0 when none were made).
    pub print_digest: u64,
    /// What the cache holds for this list: reused (`from_cache`) or new.
    pub entry: Option<CachedList>,
    pub from_cache: bool,
    /// The list's cache key on this build, when there is a cache.
    pub key: Option<u64>,
    /// What the county's checks keep of the list (cached with it).
    pub audit: Option<Arc<ListAudit>>,
    /// Names and masked IDs for the private report: never cached, so a
    /// list from the cache has none, nor a list whose job left them out
    /// (see `private_again`).
    pub private: Option<ListPrivate>,
}

impl Outcome {
    /// The entry's batches move to the outcome (a county's 14,400 are not
    /// copied): a reused entry is not stored again.
    fn from_cache(mut e: CachedList) -> Outcome {
        if e.print_digest == 0 {
            e.print_digest = cache::print_digest(&e.batches, e.sheet.as_ref());
        }
        Outcome {
            print_digest: e.print_digest,
            summary: Some(e.summary.clone()),
            status: Some(e.status),
            diagnostics: Vec::new(),
            notes: e.notes.clone(),
            guarded_names: e.names.clone(),
            shown_in_full: e.shown_in_full.clone(),
            batches: std::mem::take(&mut e.batches),
            sheet: e.sheet.clone(),
            key: Some(e.key),
            audit: e.audit.clone(),
            private: None,
            entry: Some(e),
            from_cache: true,
        }
    }
}

/// Everything this list's outputs depend on (see `cache`).
fn cache_key(b: &ListBundle, env: &Env, period: &Period, inputs: &Inputs, data: &[u8], global: u64) -> u64 {
    let status = period.status(env.today);
    let remaining = if status == ListStatus::Active { period.remaining(env.today, env.calendar) } else { 0 };
    let mut h = Fnv::default()
        .bytes(&global.to_le_bytes())
        .str(&b.file)
        .str(&b.front)
        .str(&b.body)
        .bulk(data)
        .str(&inputs.body.html);
    // The objections and receipts files: they change the letters, the result and the audit.
    for side in [&b.meta.objections, &b.meta.receipts].into_iter().flatten() {
        h = h.str(side).bulk(&std::fs::read(b.dir.join(side)).unwrap_or_default());
    }
    h = h.str(&format!("{status:?}{remaining}{}{}", period.start, period.end));
    for p in b.meta.policies.iter().filter_map(|p| env.content.policy(p)) {
        h = h
            .str(&p.slug)
            .str(&p.meta.title)
            .str(p.meta.doc_number.as_deref().unwrap_or(""))
            .str(&format!("{:?}{}", p.meta.status, p.meta.date));
    }
    h.finish()
}

pub fn run(b: &ListBundle, env: &Env) -> Outcome {
    let mut out = Outcome { diagnostics: check::references(b, env.config, env.content), ..Outcome::default() };
    let inputs = read_inputs(b, env, &mut out);
    let key = match (&inputs.period, env.cache, &inputs.data) {
        (Some(p), Some(cache), Some(data)) if out.diagnostics.is_empty() => {
            let key = cache_key(b, env, p, &inputs, data, cache.global);
            if let Some(entry) = cache.get(&b.term_slug, &b.slug, key) {
                return Outcome::from_cache(entry);
            }
            out.key = Some(key);
            Some(key)
        }
        _ => None,
    };
    let roster = inputs.data.and_then(|bytes| load_roster(b, bytes, &mut out));
    let (Some(period), Some(roster)) = (inputs.period, roster) else {
        return out;
    };
    let status = period.status(env.today);
    out.status = Some(status);
    let mask = b.meta.name_mask.unwrap_or(env.config.publicity.name_mask);
    out.guarded_names = roster.name_prints(env.name_key).into();
    let page_file = format!("{}index.html", b.path());
    if status == ListStatus::Active && mask == NameMask::Full {
        out.shown_in_full = Some(page_file.clone());
    }
    let names = Names::when_sure(b, env.config, roster.count());
    let prepared = prepare_audit(b, env, (&roster, &period, names), &mut out);
    if !out.diagnostics.is_empty() || status == ListStatus::Upcoming {
        return out;
    }
    let (removed, result) = match prepared {
        Some(p) => (p.lines, p.result),
        // No objections file: nothing was objected to.
        None => (Vec::new(), (status == ListStatus::Ended).then(|| audit::objections::result(&[], roster.count(), 0))),
    };
    let listed = Listed {
        b,
        env,
        period: &period,
        status,
        body_html: &inputs.body.html,
        removed: &removed,
        result: result.as_deref(),
    };
    publish(&listed, &roster, mask, &page_file, &mut out);
    out.print_digest = cache::print_digest(&out.batches, out.sheet.as_ref());
    if let (Some(key), true) = (key, out.diagnostics.is_empty()) {
        out.entry = cache_entry(key, status, &out, page_file);
    }
    out
}

/// What a list job reads before its data: the period, the notice text
/// (rendered, links checked) and the data file's bytes.
struct Inputs {
    period: Option<Period>,
    body: markdown::Rendered,
    /// Read once: for the cache key, and for the roster on a cache miss.
    data: Option<Vec<u8>>,
}

fn read_inputs(b: &ListBundle, env: &Env, out: &mut Outcome) -> Inputs {
    let period = check::period(b, env.calendar, &mut out.notes).map_err(|d| out.diagnostics.push(d)).ok();
    let src = markdown::Source { file: &b.file, body_line: b.body_line, pages: env.pages };
    let body = markdown::render(&b.body, &src);
    out.diagnostics.extend(body.diagnostics.iter().cloned());
    out.diagnostics.extend(links::check(&b.file, &body.links, env.anchors));
    let data_path = b.dir.join(&b.meta.data);
    let data = match std::fs::read(&data_path) {
        Ok(bytes) => Some(bytes),
        // A missing file is reported by check::references.
        Err(e) if data_path.exists() => {
            out.diagnostics.push(Diagnostic::unreadable(b.data_file(), "数据文件", &e));
            None
        }
        Err(_) => None,
    };
    Inputs { period, body, data }
}

/// A list that is active or ended on `today`, about to be written.
struct Listed<'a> {
    b: &'a ListBundle,
    env: &'a Env<'a>,
    period: &'a Period,
    status: ListStatus,
    body_html: &'a str,
    /// Lines of students an objection removed: they get no letter.
    removed: &'a [usize],
    /// 公示结果 of an ended list.
    result: Option<&'a str>,
}

/// Whether a list job keeps its students' names for the private report.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Names {
    Keep,
    /// Left out: the report reads the list again if it names its students
    /// (a province's two million names would stay in memory for the few
    /// hundred the report shows).
    Drop,
}

impl Names {
    /// Kept where the report is sure to name the list's students (every
    /// list with 一生一册, a list with a receipts file), and for a large
    /// list, which the report would pay as much to read again as the job
    /// did (one 100,000-row list's build took 40 % longer); a province's
    /// 20,000 small lists are read again only when named.
    fn when_sure(b: &ListBundle, config: &SiteConfig, rows: usize) -> Names {
        const LARGE: usize = 5_000;
        if config.audit.student_files || b.meta.receipts.is_some() || rows >= LARGE {
            Names::Keep
        } else {
            Names::Drop
        }
    }
}

/// The list's part of the county's checks (its objections and receipts
/// matched to its students); None when every check is off and the list
/// has neither file. The audit values go to `out` (its names only with
/// `Names::Keep`); the caller gets the students removed and the result.
fn prepare_audit(
    b: &ListBundle,
    env: &Env,
    (roster, period, names): (&Roster, &Period, Names),
    out: &mut Outcome,
) -> Option<Removed> {
    let m = &b.meta;
    if !out.diagnostics.is_empty() || (env.config.audit.all_off() && m.objections.is_none() && m.receipts.is_none()) {
        return None;
    }
    let ended = period.status(env.today) == ListStatus::Ended;
    let keep = names == Names::Keep;
    let input = audit::list::ListIn { bundle: b, roster, key: env.name_key, period, ended, names: keep };
    match audit::list::prepare(&input) {
        Ok(Prepared { audit, private, removed, result, mut notes }) => {
            out.notes.append(&mut notes);
            if !env.config.audit.all_off() {
                out.audit = Some(Arc::new(audit));
                out.private = keep.then_some(private);
            }
            Some(Removed { lines: removed, result })
        }
        Err(ds) => {
            out.diagnostics.extend(ds);
            None
        }
    }
}

/// The students an objection removed (data-file lines) and the 公示结果.
struct Removed {
    lines: Vec<usize>,
    result: Option<String>,
}

/// Names and masked IDs of a list taken from the cache or whose job left
/// them out, read again for the private report (the cache keeps no
/// names). None if it cannot be read.
pub fn private_again(b: &ListBundle, env: &Env) -> Option<ListPrivate> {
    let mut out = Outcome::default();
    let period = check::period(b, env.calendar, &mut out.notes).ok()?;
    let roster = load_roster(b, std::fs::read(b.dir.join(&b.meta.data)).ok()?, &mut out)?;
    prepare_audit(b, env, (&roster, &period, Names::Keep), &mut out)?;
    out.private
}

/// Letters, the page (with the masked table while active) and the
/// notice-board sheet; the summary once the page is written.
fn publish(l: &Listed, roster: &Roster, mask: NameMask, page_file: &str, out: &mut Outcome) {
    let (b, env, period) = (l.b, l.env, l.period);
    match print::write_letters(b, roster, (period.end, l.removed), env.print) {
        Ok(batches) => {
            let shrunk: usize = batches.iter().map(|b| b.shrunk).sum();
            if shrunk > 0 {
                let smallest = batches.iter().map(|b| b.smallest_size).min().unwrap_or(0);
                out.notes.push(format!(
                    "{}：{shrunk} 份告知书正文较长，已缩小字号印在一页上（最小 {} 磅）",
                    b.file,
                    smallest as f32 / 10.0
                ));
            }
            out.batches = batches
        }
        Err(ds) => {
            out.diagnostics.extend(ds);
            return;
        }
    }
    let summary = summary(l, roster);
    let mut table = (l.status == ListStatus::Active).then(|| PublicTable::project(roster, mask, b.meta.show_amount));
    let rows = table.as_mut().map(PublicTable::take_rows);
    // The notice-board sheet and the page are independent: a large list
    // renders both at once.
    let (sheet, page) = rayon::join(
        || table.as_ref().map(|t| print::write_sheet(b, t, rows.as_ref(), period.start, period.end, env.print)),
        || {
            let page = ListPage::new(l, &summary, table.as_ref());
            let mut ctx = Context::new();
            ctx.insert("section", "lists");
            ctx.insert("page", &page);
            env.writer.list_page(page_file, "list.html", ctx, rows.as_ref())
        },
    );
    match sheet {
        Some(Ok(path)) => out.sheet = Some((b.meta.title.clone(), path)),
        Some(Err(d)) => out.diagnostics.push(d),
        None => {}
    }
    match page {
        Ok(()) => out.summary = Some(summary),
        Err(d) => out.diagnostics.push(d),
    }
}

/// What the cache keeps of a list rendered afresh.
fn cache_entry(key: u64, status: ListStatus, out: &Outcome, page_file: String) -> Option<CachedList> {
    Some(CachedList {
        key,
        status,
        summary: out.summary.clone()?,
        notes: out.notes.clone(),
        names: out.guarded_names.clone(),
        shown_in_full: out.shown_in_full.clone(),
        batches: out.batches.clone(),
        sheet: out.sheet.clone(),
        public_files: vec![page_file],
        public_state: 0,
        print_digest: out.print_digest,
        audit: out.audit.clone(),
    })
}

/// The names of a draft list, for the name guard: a draft is published
/// nowhere, but its names must not appear anywhere either. Best effort:
/// a draft whose data cannot be read yet has none.
pub fn draft_names(b: &ListBundle, key: &NameKey) -> Vec<NamePrint> {
    let Ok(bytes) = std::fs::read(b.dir.join(&b.meta.data)) else { return Vec::new() };
    let mut out = Outcome::default();
    load_roster(b, bytes, &mut out).map(|r| r.name_prints(key)).unwrap_or_default()
}

/// `bytes`: the data file (a missing file is reported by check::references).
fn load_roster(b: &ListBundle, bytes: Vec<u8>, out: &mut Outcome) -> Option<Roster> {
    let data_file = b.data_file();
    let read = table::read(Path::new(&b.meta.data), &bytes, b.meta.sheet.as_deref());
    // The table holds its own copy of the cells: the file's bytes go before
    // the rows are checked, the most memory-hungry step.
    drop(bytes);
    let raw = match read {
        Ok(t) => t,
        Err(e) => {
            out.diagnostics.push(Diagnostic::new(&data_file, e.line, e.message).with_hint(e.hint));
            return None;
        }
    };
    let files = Files {
        data: &data_file,
        index: &b.file,
        columns_line: b.line_of("[columns]"),
        allow_empty: b.meta.allow_empty,
    };
    match roster::load(raw, b.meta.columns.as_ref(), &files) {
        Ok(loaded) => {
            out.notes.extend(loaded.notes);
            Some(loaded.roster)
        }
        Err(ds) => {
            out.diagnostics.extend(ds);
            None
        }
    }
}

fn summary(l: &Listed, roster: &Roster) -> ListSummary {
    let (b, env, period, status) = (l.b, l.env, l.period, l.status);
    let m = &b.meta;
    let show = m.show_amount && roster.total_fen().is_some();
    ListSummary {
        title: m.title.clone(),
        url: format!("{}{}", env.config.root_path(), b.path()),
        term: m.term.clone(),
        term_slug: b.term_slug.clone(),
        programme: m.programme.clone(),
        programme_slug: env.config.programme(&m.programme).map(|p| p.slug.clone()).unwrap_or_default(),
        school: m.school.clone(),
        status,
        start: period.start.iso(),
        start_cn: period.start.chinese(),
        end: period.end.iso(),
        end_cn: period.end.chinese(),
        count: roster.count(),
        total: roster.total_fen().filter(|_| show).map(crate::data::amount::format_yuan),
        total_fen: roster.total_fen().filter(|_| show),
    }
}

#[derive(Serialize)]
struct ListPage<'a> {
    title: &'a str,
    url: &'a str,
    programme: Option<Tag>,
    school: &'a str,
    term: &'a str,
    status: ListStatus,
    start: String,
    start_cn: String,
    end: String,
    end_cn: String,
    /// "5个工作日" or None when the end date was given directly.
    length: Option<String>,
    remaining: Option<u32>,
    hotline: &'a str,
    content: &'a str,
    policies: Vec<PageRef>,
    table: Option<&'a PublicTable>,
    count: Option<usize>,
    total: Option<String>,
    /// 第一榜, 第二榜 or 第三榜 of a list published in rounds.
    round: Option<&'static str>,
    /// 公示结果 once the period has ended: counts only.
    result: Option<&'a str>,
}

impl<'a> ListPage<'a> {
    fn new(l: &Listed<'a>, s: &'a ListSummary, table: Option<&'a PublicTable>) -> Self {
        let (b, env, period, status, html) = (l.b, l.env, l.period, l.status, l.body_html);
        let m = &b.meta;
        let root = env.config.root_path();
        let active = status == ListStatus::Active;
        ListPage {
            title: &m.title,
            url: &s.url,
            programme: crate::render::context::programme_tags(std::slice::from_ref(&m.programme), env.config)
                .into_iter()
                .next(),
            school: &m.school,
            term: &m.term,
            status,
            start: s.start.clone(),
            start_cn: s.start_cn.clone(),
            end: s.end.clone(),
            end_cn: s.end_cn.clone(),
            length: m.publicity_days.map(|d| format!("{d}个工作日")),
            remaining: active.then(|| period.remaining(env.today, env.calendar)),
            hotline: m.hotline.as_deref().unwrap_or(&env.config.hotline),
            // The notice text goes with the list when it is withdrawn.
            content: if active { html } else { "" },
            policies: m
                .policies
                .iter()
                .filter_map(|p| env.content.policy(p))
                .map(|p| PageRef::of_policy(p, &root))
                .collect(),
            count: table.map(PublicTable::count),
            total: if active { s.total.clone() } else { None },
            table,
            round: m.round.and_then(audit::rounds::label),
            result: if active { None } else { l.result },
        }
    }
}
