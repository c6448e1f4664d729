//! What the index pages ask of the site model: pages of a kind newest
//! first, lists by status, section pagination and grouping.

use super::Model;
use crate::content::list_summary::ListSummary;
use crate::content::meta::{Meta, PolicyStatus};
use crate::content::{Doc, Kind};
use crate::render::context::PageRef;
use crate::schedule::status::ListStatus;
use serde::Serialize;

/// Entries per page of a section index: a long list is slow on a phone.
pub const PER_PAGE: usize = 50;

fn kind_index(kind: Kind) -> usize {
    Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0)
}

/// A kind's pages as its index shows them: newest first, and policies
/// grouped current, amended, repealed.
pub(super) fn sorted<'m>(model: &'m Model, kind: Kind) -> &'m [PageRef] {
    model.sorted[kind_index(kind)].get_or_init(|| {
        let mut all = refs_where(model, kind, |_| true);
        if kind == Kind::Policy {
            let rank = |p: &PageRef| {
                [PolicyStatus::Current, PolicyStatus::Amended, PolicyStatus::Repealed]
                    .iter()
                    .position(|s| p.status == Some(*s))
            };
            all.sort_by_key(rank);
        }
        all
    })
}

pub(super) fn section_pages(model: &Model, kind: Kind) -> usize {
    sorted(model, kind).len().div_ceil(PER_PAGE).max(1)
}

pub(super) fn lists_where<'m>(
    model: &'m Model,
    status: ListStatus,
    keep: impl Fn(&ListSummary) -> bool,
) -> Vec<&'m ListSummary> {
    model.lists.iter().filter(|l| l.status == status && keep(l)).collect()
}

#[derive(Serialize)]
pub(super) struct TermGroup<'a> {
    pub term: &'a str,
    pub lists: Vec<&'a ListSummary>,
}

/// Active lists grouped by term (newest term first), then programme and school.
pub(super) fn active_by_term<'m>(model: &'m Model) -> Vec<TermGroup<'m>> {
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

/// Page references of one kind, newest first, filtered by `keep`.
pub(super) fn refs_where(model: &Model, kind: Kind, keep: impl Fn(&dyn Meta) -> bool) -> Vec<PageRef> {
    fn dated<'d, M: Meta + 'd>(
        docs: impl Iterator<Item = &'d Doc<M>>,
        keep: &dyn Fn(&dyn Meta) -> bool,
        to_ref: impl Fn(&Doc<M>) -> PageRef,
    ) -> Vec<(crate::date::Date, PageRef)> {
        docs.filter(|d| keep(&d.meta)).map(|d| (d.meta.date(), to_ref(d))).collect()
    }
    let (root, pages) = (&model.root, &model.pages);
    let mut refs = match kind {
        Kind::Policy => dated(pages.policies.iter().map(|p| p.doc), &keep, |d| PageRef::of_policy(d, root)),
        Kind::Explainer => dated(pages.explainers.iter().map(|p| p.doc), &keep, |d| PageRef::of(d, kind, root)),
        Kind::Notice => dated(pages.notices.iter().map(|p| p.doc), &keep, |d| PageRef::of(d, kind, root)),
    };
    // Newest first; the slug order of the pages breaks ties (stable sort).
    refs.sort_by_key(|r| std::cmp::Reverse(r.0));
    refs.into_iter().map(|(_, r)| r).collect()
}

pub(super) fn latest(model: &Model, kind: Kind, n: usize) -> Vec<PageRef> {
    let mut v = refs_where(model, kind, |_| true);
    v.truncate(n);
    v
}

#[derive(Serialize)]
pub(super) struct Group {
    title: String,
    pages: Vec<PageRef>,
}

/// One page of a section index, in groups (policies by status).
pub(super) fn section_groups(model: &Model, kind: Kind, page: usize) -> Vec<Group> {
    let all = sorted(model, kind);
    let slice = &all[(page * PER_PAGE).min(all.len())..((page + 1) * PER_PAGE).min(all.len())];
    if kind != Kind::Policy {
        return vec![Group { title: format!("全部{}", kind.label()), pages: slice.to_vec() }]
            .into_iter()
            .filter(|g| !g.pages.is_empty())
            .collect();
    }
    [PolicyStatus::Current, PolicyStatus::Amended, PolicyStatus::Repealed]
        .into_iter()
        .map(|s| Group {
            title: s.label().to_string(),
            pages: slice.iter().filter(|p| p.status == Some(s)).cloned().collect(),
        })
        .filter(|g| !g.pages.is_empty())
        .collect()
}
