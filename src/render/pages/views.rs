//! Each page's view: the context its template gets and where it is
//! written. One function per kind of page.

use super::list_links::{ended_list, list_list};
use super::queries::{active_by_term, latest, lists_where, refs_where, section_groups, section_pages};
use super::{Model, Page};
use crate::content::list_summary::{term_stats, ListSummary};
use crate::content::meta::{Meta, PolicyStatus};
use crate::content::Kind;
use crate::names::STAGES;
use crate::render::context::{programme_refs, programme_tags, stage_groups, stage_tags, PageRef, ProgrammeRef, Tag};
use crate::render::markdown::TocEntry;
use crate::schedule::status::ListStatus;
use serde::Serialize;
use tera::Context;

/// (output path, template) of a page.
pub(super) type Route = (String, &'static str);

pub(super) fn doc_page(model: &Model, kind: Kind, i: usize, ctx: &mut Context) -> Route {
    ctx.insert("section", kind.section());
    let (path, template) = match kind {
        Kind::Policy => {
            ctx.insert("page", &policy_page(model, &model.pages.policies[i]));
            (model.pages.policies[i].doc.path(kind), "policy.html")
        }
        Kind::Explainer => {
            ctx.insert("page", &explainer_page(model, &model.pages.explainers[i]));
            (model.pages.explainers[i].doc.path(kind), "explainer.html")
        }
        Kind::Notice => {
            let p = &model.pages.notices[i];
            ctx.insert("page", &DocPage::new(model, p, Kind::Notice));
            (p.doc.path(kind), "notice.html")
        }
    };
    (format!("{path}index.html"), template)
}

pub(super) fn home(model: &Model, ctx: &mut Context) -> Route {
    ctx.insert("section", "home");
    ctx.insert("notices", &latest(model, Kind::Notice, 6));
    ctx.insert("explainers", &latest(model, Kind::Explainer, 6));
    ctx.insert("stages", &stage_groups(model.config));
    let listing = Listing { ctx, built_in: model.built_in.renders("index.html") };
    listing.insert("lists", &lists_where(model, ListStatus::Active, |_| true), list_list);
    ("index.html".into(), "index.html")
}

/// Lists a page shows, for its template.
struct Listing<'c> {
    ctx: &'c mut Context,
    /// The page reads only built-in templates (see `list_links`).
    built_in: bool,
}

impl Listing<'_> {
    /// `lists` under `name`; or, for built-in templates with lists to
    /// show, the built-in macro's markup (`html`) under `{name}_html`.
    fn insert(self, name: &str, lists: &[&ListSummary], html: fn(&[&ListSummary]) -> String) {
        if self.built_in && !lists.is_empty() {
            self.ctx.insert(format!("{name}_html"), &html(lists));
        } else {
            self.ctx.insert(name, lists);
        }
    }
}

#[derive(Serialize)]
struct Pagination {
    current: usize,
    total: usize,
    prev: Option<String>,
    next: Option<String>,
}

pub(super) fn section(model: &Model, kind: Kind, page: usize, ctx: &mut Context) -> Route {
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

pub(super) fn programmes(model: &Model, ctx: &mut Context) -> Route {
    ctx.insert("section", "programmes");
    ctx.insert("stages", &stage_groups(model.config));
    ("programmes/index.html".into(), "programmes.html")
}

pub(super) fn programme(model: &Model, i: usize, ctx: &mut Context) -> Route {
    let p = &model.config.programmes[i];
    ctx.insert("section", "programmes");
    let term = Term { kind: "资助项目", name: p.name.clone(), summary: p.summary.clone(), programmes: vec![] };
    insert_taxonomy(model, ctx, term, |m| m.programmes().contains(&p.name), |l| l.programme == p.name);
    (format!("programmes/{}/index.html", p.slug), "taxonomy.html")
}

pub(super) fn stage(model: &Model, i: usize, ctx: &mut Context) -> Route {
    let s = STAGES[i];
    ctx.insert("section", "programmes");
    let in_stage: Vec<String> =
        model.config.programmes.iter().filter(|p| p.stage == s.name).map(|p| p.name.clone()).collect();
    let programmes = programme_refs(model.config).into_iter().filter(|p| p.stage == s.name).collect();
    let term = Term { kind: "学段", name: s.name.into(), summary: None, programmes };
    insert_taxonomy(
        model,
        ctx,
        term,
        |m| m.stages().iter().any(|x| x == s.name) || m.programmes().iter().any(|p| in_stage.contains(p)),
        |l| in_stage.contains(&l.programme),
    );
    (format!("stages/{}/index.html", s.slug), "taxonomy.html")
}

pub(super) fn lists_index(model: &Model, ctx: &mut Context) -> Route {
    ctx.insert("section", "lists");
    let built_in = model.built_in.renders("lists.html");
    let terms = active_by_term(model);
    if built_in {
        let html: Vec<TermHtml> = terms.iter().map(|g| TermHtml { term: g.term, html: list_list(&g.lists) }).collect();
        ctx.insert("terms", &html);
    } else {
        ctx.insert("terms", &terms);
    }
    Listing { ctx, built_in }.insert("ended", &lists_where(model, ListStatus::Ended, |_| true), ended_list);
    ("lists/index.html".into(), "lists.html")
}

/// A term's active lists as the built-in macro shows them.
#[derive(Serialize)]
struct TermHtml<'a> {
    term: &'a str,
    html: String,
}

#[derive(Serialize)]
struct DocPage<'a> {
    title: &'a str,
    url: String,
    date: String,
    date_cn: String,
    summary: Option<&'a str>,
    content: &'a str,
    toc: &'a [TocEntry],
    programmes: Vec<Tag>,
    stages: Vec<Tag>,
}

impl<'a> DocPage<'a> {
    fn new<M: Meta>(model: &Model, page: &'a Page<'a, M>, kind: Kind) -> DocPage<'a> {
        let doc = page.doc;
        DocPage {
            title: doc.meta.title(),
            url: format!("{}{}", model.root, doc.path(kind)),
            date: doc.meta.date().iso(),
            date_cn: doc.meta.date().chinese(),
            summary: doc.meta.summary(),
            content: &page.body.html,
            toc: &page.body.toc,
            programmes: programme_tags(doc.meta.programmes(), model.config),
            stages: stage_tags(doc.meta.stages(), &model.root),
        }
    }
}

#[derive(Serialize)]
struct PolicyPage<'a> {
    #[serde(flatten)]
    doc: DocPage<'a>,
    doc_number: Option<&'a str>,
    issuer: &'a str,
    effective: Option<String>,
    effective_cn: Option<String>,
    status: PolicyStatus,
    status_label: &'static str,
    successor: Option<PageRef>,
    source_url: Option<&'a str>,
    explainers: Vec<PageRef>,
}

fn policy_page<'a>(model: &'a Model, page: &'a Page<'a, crate::content::meta::PolicyMeta>) -> PolicyPage<'a> {
    let d = page.doc;
    let m = &d.meta;
    let citing = model
        .pages
        .explainers
        .iter()
        .filter(|e| e.doc.meta.policies.contains(&d.slug))
        .map(|e| PageRef::of(e.doc, Kind::Explainer, &model.root))
        .collect();
    PolicyPage {
        doc: DocPage::new(model, page, Kind::Policy),
        doc_number: m.doc_number.as_deref(),
        issuer: &m.issuer,
        effective: m.effective.map(|x| x.iso()),
        effective_cn: m.effective.map(|x| x.chinese()),
        status: m.status,
        status_label: m.status.label(),
        successor: m
            .superseded_by
            .as_deref()
            .and_then(|s| model.pages.policy(s))
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

fn explainer_page<'a>(model: &'a Model, page: &'a Page<'a, crate::content::meta::ExplainerMeta>) -> ExplainerPage<'a> {
    ExplainerPage {
        doc: DocPage::new(model, page, Kind::Explainer),
        policies: page
            .doc
            .meta
            .policies
            .iter()
            .filter_map(|s| model.pages.policy(s))
            .map(|p| PageRef::of_policy(p, &model.root))
            .collect(),
    }
}

#[derive(Serialize)]
struct Term {
    kind: &'static str,
    name: String,
    summary: Option<String>,
    programmes: Vec<ProgrammeRef>,
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
    let built_in = model.built_in.renders("taxonomy.html");
    Listing { ctx, built_in }.insert("lists", &lists_where(model, ListStatus::Active, &keep_list), list_list);
    Listing { ctx, built_in }.insert("ended", &lists_where(model, ListStatus::Ended, &keep_list), ended_list);
    ctx.insert("stats", &term_stats(model.lists.iter().filter(|l| keep_list(l))));
    ctx.insert("term", &term);
}
