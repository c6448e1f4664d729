//! The public pages of the site as a list of independent jobs, so they
//! render in parallel; each job builds just the context its page needs.

use super::context::{programme_refs, programme_tags, stage_groups, stage_tags, PageRef, SiteCtx};
use super::markdown::Rendered;
use super::writer::PublicWriter;
use crate::config::SiteConfig;
use crate::content::list_summary::{term_stats, ListSummary};
use crate::content::meta::{Meta, Status};
use crate::content::{Content, Doc, Kind};
use crate::diag::Diagnostic;
use crate::names::STAGES;
use crate::schedule::status::Status as ListStatus;
use serde::Serialize;
use tera::Context;

/// Everything the page jobs read; built once, shared by all threads.
pub struct Model<'a> {
    pub config: &'a SiteConfig,
    pub content: &'a Content,
    pub policies: Vec<Rendered>,
    pub explainers: Vec<Rendered>,
    pub notices: Vec<Rendered>,
    pub site: SiteCtx,
    pub root: String,
    /// Published lists (active and ended), newest first; filled in after
    /// the list jobs, before the index jobs.
    pub lists: Vec<ListSummary>,
    /// Each kind's pages in index order, computed once for all index pages.
    pub sorted: [std::sync::OnceLock<Vec<PageRef>>; 3],
}

/// Entries per page of a section index: a long list is slow on a phone.
pub const PER_PAGE: usize = 50;

fn kind_index(kind: Kind) -> usize {
    Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0)
}

/// A kind's pages as its index shows them: newest first, and policies
/// grouped current, amended, repealed.
fn sorted<'m>(model: &'m Model, kind: Kind) -> &'m [PageRef] {
    model.sorted[kind_index(kind)].get_or_init(|| {
        let mut all = refs_where(model, kind, |_| true);
        if kind == Kind::Policy {
            let rank = |p: &PageRef| {
                [Status::Current, Status::Amended, Status::Repealed].iter().position(|s| p.status == Some(*s))
            };
            all.sort_by_key(rank);
        }
        all
    })
}

fn section_pages(model: &Model, kind: Kind) -> usize {
    sorted(model, kind).len().div_ceil(PER_PAGE).max(1)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    Page(Kind, usize),
    Home,
    /// A section index page (0-based page number).
    Section(Kind, usize),
    Programmes,
    Programme(usize),
    Stage(usize),
    ListsIndex,
    Search,
    NotFound,
}

/// Pages of policies, explainers and notices: they need no list summary.
pub fn doc_jobs(model: &Model) -> Vec<Job> {
    let c = model.content;
    let mut jobs: Vec<Job> = (0..c.policies.len()).map(|i| Job::Page(Kind::Policy, i)).collect();
    jobs.extend((0..c.explainers.len()).map(|i| Job::Page(Kind::Explainer, i)));
    jobs.extend((0..c.notices.len()).map(|i| Job::Page(Kind::Notice, i)));
    jobs
}

/// Index pages, rendered once every list's summary is known.
pub fn index_jobs(model: &Model) -> Vec<Job> {
    let mut jobs = vec![Job::Home, Job::Programmes, Job::ListsIndex, Job::Search, Job::NotFound];
    for kind in Kind::ALL {
        jobs.extend((0..section_pages(model, kind)).map(|p| Job::Section(kind, p)));
    }
    jobs.extend((0..model.config.programmes.len()).map(Job::Programme));
    jobs.extend((0..STAGES.len()).map(Job::Stage));
    jobs
}

pub fn render_job(model: &Model, writer: &PublicWriter, job: Job) -> Result<(), Diagnostic> {
    let mut ctx = Context::new();
    let (path, template) = match job {
        Job::Page(kind, i) => {
            ctx.insert("section", kind.section());
            let path = match kind {
                Kind::Policy => {
                    ctx.insert("page", &policy_page(model, i));
                    model.content.policies[i].path(kind)
                }
                Kind::Explainer => {
                    ctx.insert("page", &explainer_page(model, i));
                    model.content.explainers[i].path(kind)
                }
                Kind::Notice => {
                    let d = &model.content.notices[i];
                    ctx.insert("page", &DocPage::new(model, d, Kind::Notice, &model.notices[i]));
                    d.path(kind)
                }
            };
            (format!("{path}index.html"), template_of(kind))
        }
        Job::Home => {
            ctx.insert("section", "home");
            ctx.insert("notices", &latest(model, Kind::Notice, 6));
            ctx.insert("explainers", &latest(model, Kind::Explainer, 6));
            ctx.insert("stages", &stage_groups(model.config));
            ctx.insert("lists", &lists_where(model, ListStatus::Active, |_| true));
            ("index.html".into(), "index.html")
        }
        Job::Section(kind, page) => {
            ctx.insert("section", kind.section());
            ctx.insert("heading", kind.label());
            ctx.insert("groups", &section_groups(model, kind, page));
            let total = section_pages(model, kind);
            let url = |p: usize| match p {
                0 => format!("{}{}/", model.root, kind.section()),
                p => format!("{}{}/page/{}/", model.root, kind.section(), p + 1),
            };
            let pagination = Pagination {
                current: page + 1,
                total,
                prev: (page > 0).then(|| url(page - 1)),
                next: (page + 1 < total).then(|| url(page + 1)),
            };
            ctx.insert("pagination", &pagination);
            let path = match page {
                0 => format!("{}/index.html", kind.section()),
                p => format!("{}/page/{}/index.html", kind.section(), p + 1),
            };
            (path, "section.html")
        }
        Job::Programmes => {
            ctx.insert("section", "programmes");
            ctx.insert("stages", &stage_groups(model.config));
            ("programmes/index.html".into(), "programmes.html")
        }
        Job::Programme(i) => {
            let p = &model.config.programmes[i];
            ctx.insert("section", "programmes");
            let term =
                Term { kind: "资助项目", name: p.name.clone(), summary: p.summary.clone(), programmes: vec![] };
            insert_taxonomy(model, &mut ctx, term, |m| m.programmes().contains(&p.name), |l| l.programme == p.name);
            (format!("programmes/{}/index.html", p.slug), "taxonomy.html")
        }
        Job::Stage(i) => {
            let s = STAGES[i];
            ctx.insert("section", "programmes");
            let in_stage: Vec<String> =
                model.config.programmes.iter().filter(|p| p.stage == s.name).map(|p| p.name.clone()).collect();
            let programmes = programme_refs(model.config).into_iter().filter(|p| p.stage == s.name).collect();
            let term = Term { kind: "学段", name: s.name.into(), summary: None, programmes };
            insert_taxonomy(
                model,
                &mut ctx,
                term,
                |m| m.stages().iter().any(|x| x == s.name) || m.programmes().iter().any(|p| in_stage.contains(p)),
                |l| in_stage.contains(&l.programme),
            );
            (format!("stages/{}/index.html", s.slug), "taxonomy.html")
        }
        Job::ListsIndex => {
            ctx.insert("section", "lists");
            ctx.insert("terms", &active_by_term(model));
            ctx.insert("ended", &lists_where(model, ListStatus::Ended, |_| true));
            ("lists/index.html".into(), "lists.html")
        }
        Job::Search => {
            ctx.insert("section", "search");
            ("search/index.html".into(), "search.html")
        }
        Job::NotFound => {
            ctx.insert("section", "");
            ("404.html".into(), "404.html")
        }
    };
    writer.page(&path, template, ctx)
}

fn lists_where<'m>(model: &'m Model, status: ListStatus, keep: impl Fn(&ListSummary) -> bool) -> Vec<&'m ListSummary> {
    model.lists.iter().filter(|l| l.status == status && keep(l)).collect()
}

#[derive(Serialize)]
struct TermGroup<'a> {
    term: &'a str,
    lists: Vec<&'a ListSummary>,
}

/// Active lists grouped by term (newest term first), then programme and school.
fn active_by_term<'m>(model: &'m Model) -> Vec<TermGroup<'m>> {
    let mut groups: Vec<TermGroup> = Vec::new();
    for l in lists_where(model, ListStatus::Active, |_| true) {
        match groups.iter_mut().find(|g| g.term == l.term) {
            Some(g) => g.lists.push(l),
            None => groups.push(TermGroup { term: &l.term, lists: vec![l] }),
        }
    }
    groups.sort_by(|a, b| b.term.cmp(a.term));
    for g in &mut groups {
        g.lists.sort_by(|a, b| (&a.programme, &a.school, &a.url).cmp(&(&b.programme, &b.school, &b.url)));
    }
    groups
}

fn template_of(kind: Kind) -> &'static str {
    match kind {
        Kind::Policy => "policy.html",
        Kind::Explainer => "explainer.html",
        Kind::Notice => "notice.html",
    }
}

#[derive(Serialize)]
struct DocPage<'a> {
    title: &'a str,
    url: String,
    date: String,
    date_cn: String,
    summary: Option<&'a str>,
    content: &'a str,
    toc: &'a [super::markdown::TocEntry],
    programmes: Vec<super::context::Tag>,
    stages: Vec<super::context::Tag>,
}

impl<'a> DocPage<'a> {
    fn new<M: Meta>(model: &Model, doc: &'a Doc<M>, kind: Kind, r: &'a Rendered) -> DocPage<'a> {
        DocPage {
            title: doc.meta.title(),
            url: format!("{}{}", model.root, doc.path(kind)),
            date: doc.meta.date().iso(),
            date_cn: doc.meta.date().chinese(),
            summary: doc.meta.summary(),
            content: &r.html,
            toc: &r.toc,
            programmes: programme_tags(doc.meta.programmes(), model.config),
            stages: stage_tags(doc.meta.stages(), &model.root),
        }
    }
}

#[derive(Serialize)]
struct PolicyPage<'a> {
    #[serde(flatten)]
    doc: DocPage<'a>,
    doc_number: &'a str,
    issuer: &'a str,
    effective: Option<String>,
    effective_cn: Option<String>,
    status: Status,
    status_label: &'static str,
    successor: Option<PageRef>,
    source_url: Option<&'a str>,
    explainers: Vec<PageRef>,
}

fn policy_page<'a>(model: &'a Model, i: usize) -> PolicyPage<'a> {
    let d = &model.content.policies[i];
    let m = &d.meta;
    let citing = model
        .content
        .explainers
        .iter()
        .filter(|e| e.meta.policies.contains(&d.slug))
        .map(|e| PageRef::of(e, Kind::Explainer, &model.root))
        .collect();
    PolicyPage {
        doc: DocPage::new(model, d, Kind::Policy, &model.policies[i]),
        doc_number: &m.doc_number,
        issuer: &m.issuer,
        effective: m.effective.map(|x| x.iso()),
        effective_cn: m.effective.map(|x| x.chinese()),
        status: m.status,
        status_label: m.status.label(),
        successor: m
            .superseded_by
            .as_deref()
            .and_then(|s| model.content.policy(s))
            .map(|p| PageRef::of_policy(p, &model.root)),
        source_url: m.source_url.as_deref(),
        explainers: citing,
    }
}

#[derive(Serialize)]
struct ExplainerPage<'a> {
    #[serde(flatten)]
    doc: DocPage<'a>,
    policies: Vec<PageRef>,
}

fn explainer_page<'a>(model: &'a Model, i: usize) -> ExplainerPage<'a> {
    let d = &model.content.explainers[i];
    ExplainerPage {
        doc: DocPage::new(model, d, Kind::Explainer, &model.explainers[i]),
        policies: d
            .meta
            .policies
            .iter()
            .filter_map(|s| model.content.policy(s))
            .map(|p| PageRef::of_policy(p, &model.root))
            .collect(),
    }
}

/// Page references of one kind, newest first, filtered by `keep`.
fn refs_where(model: &Model, kind: Kind, keep: impl Fn(&dyn Meta) -> bool) -> Vec<PageRef> {
    let root = &model.root;
    let mut refs: Vec<(crate::date::Date, PageRef)> = match kind {
        Kind::Policy => model
            .content
            .policies
            .iter()
            .filter(|d| keep(&d.meta))
            .map(|d| (d.meta.date, PageRef::of_policy(d, root)))
            .collect(),
        Kind::Explainer => model
            .content
            .explainers
            .iter()
            .filter(|d| keep(&d.meta))
            .map(|d| (d.meta.date, PageRef::of(d, kind, root)))
            .collect(),
        Kind::Notice => model
            .content
            .notices
            .iter()
            .filter(|d| keep(&d.meta))
            .map(|d| (d.meta.date, PageRef::of(d, kind, root)))
            .collect(),
    };
    // Newest first; the slug order of `content` breaks ties (stable sort).
    refs.sort_by_key(|r| std::cmp::Reverse(r.0));
    refs.into_iter().map(|(_, r)| r).collect()
}

fn latest(model: &Model, kind: Kind, n: usize) -> Vec<PageRef> {
    let mut v = refs_where(model, kind, |_| true);
    v.truncate(n);
    v
}

#[derive(Serialize)]
struct Group {
    title: String,
    pages: Vec<PageRef>,
}

#[derive(Serialize)]
struct Pagination {
    current: usize,
    total: usize,
    prev: Option<String>,
    next: Option<String>,
}

fn section_groups(model: &Model, kind: Kind, page: usize) -> Vec<Group> {
    let all = sorted(model, kind);
    let slice = &all[(page * PER_PAGE).min(all.len())..((page + 1) * PER_PAGE).min(all.len())];
    if kind != Kind::Policy {
        return vec![Group { title: format!("全部{}", kind.label()), pages: slice.to_vec() }]
            .into_iter()
            .filter(|g| !g.pages.is_empty())
            .collect();
    }
    [Status::Current, Status::Amended, Status::Repealed]
        .into_iter()
        .map(|s| Group {
            title: s.label().to_string(),
            pages: slice.iter().filter(|p| p.status == Some(s)).cloned().collect(),
        })
        .filter(|g| !g.pages.is_empty())
        .collect()
}

#[derive(Serialize)]
struct Term {
    kind: &'static str,
    name: String,
    summary: Option<String>,
    programmes: Vec<super::context::ProgrammeRef>,
}

fn insert_taxonomy(
    model: &Model,
    ctx: &mut Context,
    term: Term,
    keep: impl Fn(&dyn Meta) -> bool,
    keep_list: impl Fn(&ListSummary) -> bool,
) {
    ctx.insert("policies", &refs_where(model, Kind::Policy, &keep));
    ctx.insert("explainers", &refs_where(model, Kind::Explainer, &keep));
    ctx.insert("notices", &refs_where(model, Kind::Notice, &keep));
    ctx.insert("lists", &lists_where(model, ListStatus::Active, &keep_list));
    ctx.insert("ended", &lists_where(model, ListStatus::Ended, &keep_list));
    ctx.insert("stats", &term_stats(model.lists.iter().filter(|l| keep_list(l))));
    ctx.insert("term", &term);
}
