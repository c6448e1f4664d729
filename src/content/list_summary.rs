//! What indexes know of a list: its title, place in time, and counts.
//! No names, no rows: summaries are all that outlive a list's own job.

use crate::schedule::status::ListStatus;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ListSummary {
    pub title: String,
    pub url: String,
    pub term: String,
    pub term_slug: String,
    pub programme: String,
    pub programme_slug: String,
    pub school: String,
    pub status: ListStatus,
    pub start: String,
    pub start_cn: String,
    pub end: String,
    pub end_cn: String,
    pub count: usize,
    /// Total in yuan, present only when the list shows amounts.
    pub total: Option<String>,
    /// The same total in fen, for sums; present only when `total` is.
    pub total_fen: Option<i64>,
}

/// Recipients (and amounts, where every list shows them) of one programme
/// in one term: the only figures about recipients that outlive their lists.
#[derive(Debug, Clone, Serialize)]
pub struct TermStats {
    pub term: String,
    pub lists: usize,
    pub recipients: usize,
    pub amount: Option<String>,
}

pub fn term_stats<'a>(lists: impl Iterator<Item = &'a ListSummary>) -> Vec<TermStats> {
    let mut by_term: Vec<(String, Vec<&ListSummary>)> = Vec::new();
    for l in lists.filter(|l| l.status != ListStatus::Upcoming) {
        match by_term.iter_mut().find(|(t, _)| *t == l.term) {
            Some((_, v)) => v.push(l),
            None => by_term.push((l.term.clone(), vec![l])),
        }
    }
    by_term.sort_by(|a, b| b.0.cmp(&a.0));
    by_term
        .into_iter()
        .map(|(term, ls)| {
            let amount = ls.iter().map(|l| l.total_fen).sum::<Option<i64>>();
            TermStats {
                term,
                lists: ls.len(),
                recipients: ls.iter().map(|l| l.count).sum(),
                amount: amount.map(crate::data::amount::format_yuan),
            }
        })
        .collect()
}
