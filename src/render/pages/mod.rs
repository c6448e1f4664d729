//! The public pages of the site as a list of independent jobs, so they
//! render in parallel; each job builds just the context its page needs
//! (`views`), from the typed site model and its queries (`queries`).

mod list_links;
mod queries;
mod views;

use super::context::SiteCtx;
use super::markdown::Rendered;
use super::templates::BuiltIn;
use super::writer::PublicWriter;
use crate::config::SiteConfig;
use crate::content::list_summary::ListSummary;
use crate::content::meta::{ExplainerMeta, NoticeMeta, PolicyMeta};
use crate::content::{Doc, Entry, Kind};
use crate::diag::Diagnostic;
use crate::names::STAGES;
use tera::Context;

pub use queries::PER_PAGE;

/// A content page with its rendered body: the two never need lining up.
pub struct Page<'a, M> {
    pub doc: &'a Doc<M>,
    pub body: Rendered,
}

/// Every content page, rendered, by kind (each kind in slug order).
pub struct Pages<'a> {
    pub policies: Vec<Page<'a, PolicyMeta>>,
    pub explainers: Vec<Page<'a, ExplainerMeta>>,
    pub notices: Vec<Page<'a, NoticeMeta>>,
}

impl Pages<'_> {
    /// Every page of every kind with its body, policies first.
    pub fn all(&self) -> impl Iterator<Item = (Entry<'_>, &Rendered)> {
        let policies = self.policies.iter().map(|p| (p.doc.entry(Kind::Policy), &p.body));
        let explainers = self.explainers.iter().map(|p| (p.doc.entry(Kind::Explainer), &p.body));
        let notices = self.notices.iter().map(|p| (p.doc.entry(Kind::Notice), &p.body));
        policies.chain(explainers).chain(notices)
    }

    pub fn len(&self) -> usize {
        self.policies.len() + self.explainers.len() + self.notices.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The policy called `slug`.
    pub fn policy(&self, slug: &str) -> Option<&Doc<PolicyMeta>> {
        self.policies.iter().map(|p| p.doc).find(|d| d.slug == slug)
    }
}

/// Everything the page jobs read; built once, shared by all threads.
pub struct Model<'a> {
    pub config: &'a SiteConfig,
    pub pages: Pages<'a>,
    pub site: SiteCtx,
    pub root: String,
    /// Published lists (active and ended), newest first; filled in after
    /// the list jobs, before the index jobs.
    pub lists: Vec<ListSummary>,
    /// Each kind's pages in index order, computed once for all index pages.
    pub sorted: [std::sync::OnceLock<Vec<super::context::PageRef>>; 3],
    /// Which templates are the built-in ones (see `list_links`).
    pub built_in: BuiltIn,
}

impl<'a> Model<'a> {
    /// The model before the list jobs: no list summaries yet.
    pub fn new(config: &'a SiteConfig, pages: Pages<'a>, built_in: BuiltIn) -> Model<'a> {
        Model {
            site: SiteCtx::new(config),
            root: config.root_path(),
            config,
            pages,
            lists: Vec::new(),
            sorted: Default::default(),
            built_in,
        }
    }
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
    let p = &model.pages;
    let mut jobs: Vec<Job> = (0..p.policies.len()).map(|i| Job::Page(Kind::Policy, i)).collect();
    jobs.extend((0..p.explainers.len()).map(|i| Job::Page(Kind::Explainer, i)));
    jobs.extend((0..p.notices.len()).map(|i| Job::Page(Kind::Notice, i)));
    jobs
}

/// Index pages, rendered once every list's summary is known.
pub fn index_jobs(model: &Model) -> Vec<Job> {
    let mut jobs = vec![Job::Home, Job::Programmes, Job::ListsIndex, Job::Search, Job::NotFound];
    for kind in Kind::ALL {
        jobs.extend((0..queries::section_pages(model, kind)).map(|p| Job::Section(kind, p)));
    }
    jobs.extend((0..model.config.programmes.len()).map(Job::Programme));
    jobs.extend(
        (0..STAGES.len())
            .filter(|&i| {
                super::context::stage_has_content(model.config, model.pages.all().map(|(e, _)| e), STAGES[i].name)
            })
            .map(Job::Stage),
    );
    jobs
}

pub fn render_job(model: &Model, writer: &PublicWriter, job: Job) -> Result<(), Diagnostic> {
    let mut ctx = Context::new();
    let (path, template) = match job {
        Job::Page(kind, i) => views::doc_page(model, kind, i, &mut ctx),
        Job::Home => views::home(model, &mut ctx),
        Job::Section(kind, page) => views::section(model, kind, page, &mut ctx),
        Job::Programmes => views::programmes(model, &mut ctx),
        Job::Programme(i) => views::programme(model, i, &mut ctx),
        Job::Stage(i) => views::stage(model, i, &mut ctx),
        Job::ListsIndex => views::lists_index(model, &mut ctx),
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
