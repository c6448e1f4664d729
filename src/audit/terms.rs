//! Terms in time order, and term over term (动态管理): for each school and
//! programme, the students added and dropped since its previous term's
//! lists (last rounds, objections' removals left out), by keyed ID
//! fingerprint (by name where a list has no ID column).

use super::{Listed, Site};
use crate::date::Date;
use crate::fingerprint::PrehashedBuild;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// (year, half) of a term name: 2025年春季学期 → (2025, 1), 2025年秋季学期 →
/// (2025, 2), 2025-2026学年第一学期 → (2025, 2), 第二学期 → (2026, 1).
pub fn parse(term: &str) -> Option<(i32, u8)> {
    let digits: String = term.chars().skip_while(|c| !c.is_ascii_digit()).take_while(char::is_ascii_digit).collect();
    let year: i32 = digits.get(..4)?.parse().ok()?;
    if term.contains('春') {
        Some((year, 1))
    } else if term.contains('秋') || term.contains("第一学期") || term.contains("上学期") {
        Some((year, 2))
    } else if term.contains("第二学期") || term.contains("下学期") {
        Some((year + 1, 1))
    } else {
        None
    }
}

/// Every term of the lists in time order: by name where it says the
/// year and half, else by its earliest publicity start.
pub fn order(lists: &[Listed]) -> Vec<String> {
    let mut first: BTreeMap<&str, Date> = BTreeMap::new();
    for l in lists {
        let start = first.entry(l.term()).or_insert(l.audit.start);
        *start = (*start).min(l.audit.start);
    }
    let mut terms: Vec<(&str, Date)> = first.into_iter().collect();
    terms.sort_by_key(|(t, start)| {
        let half = if chrono::Datelike::month(&start.0) >= 8 { 2 } else { 1 };
        let (y, h) = parse(t).unwrap_or((start.year(), half));
        (y, h, *start)
    });
    terms.into_iter().map(|(t, _)| t.to_string()).collect()
}

/// One school's one programme, one term against its previous one.
#[derive(Debug, Clone)]
pub struct Change {
    pub school: String,
    pub programme: String,
    pub term: String,
    pub previous: String,
    pub before: usize,
    pub now: usize,
    /// (index in `Site::lists`, row), in list and row order.
    pub added: Vec<(usize, usize)>,
    pub dropped: Vec<(usize, usize)>,
    /// False when one of the terms' lists has IDs and another has not:
    /// students cannot be matched, only counted.
    pub comparable: bool,
}

/// One term's students of a school and programme: key → (list, row).
#[derive(Default)]
struct Term {
    students: HashMap<u64, (usize, usize), PrehashedBuild>,
    order: Vec<u64>,
    ids: Vec<bool>,
}

/// Every school's programmes term against term; each school and
/// programme on its own, in parallel, so only a few terms' students are
/// held at once.
pub fn changes(site: &Site, terms: &[String]) -> Vec<Change> {
    let rank: HashMap<&str, usize> = terms.iter().enumerate().map(|(i, t)| (t.as_str(), i)).collect();
    // (school, programme) → its last-round lists by term.
    let mut groups: BTreeMap<(&str, &str), BTreeMap<usize, Vec<usize>>> = BTreeMap::new();
    for (li, l) in site.lists.iter().enumerate().filter(|(_, l)| l.last) {
        let m = &l.bundle.meta;
        groups.entry((&m.school, &m.programme)).or_default().entry(rank[l.term()]).or_default().push(li);
    }
    let groups: Vec<_> = groups.into_iter().collect();
    groups
        .par_iter()
        .flat_map_iter(|((school, programme), by_term)| {
            let by_term: Vec<(&usize, &Vec<usize>)> = by_term.iter().collect();
            by_term
                .windows(2)
                .map(|pair| {
                    let ((&pt, prev), (&nt, now)) = (pair[0], pair[1]);
                    let change = compare(&term(site, prev), &term(site, now));
                    Change {
                        school: school.to_string(),
                        programme: programme.to_string(),
                        term: terms[nt].clone(),
                        previous: terms[pt].clone(),
                        ..change
                    }
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// One term's students of a school and programme, from its lists.
fn term(site: &Site, lists: &[usize]) -> Term {
    let mut t = Term::default();
    for &li in lists {
        let l = &site.lists[li];
        t.ids.push(l.audit.rows.has_ids);
        for (ri, r) in l.kept() {
            if t.students.insert(r.student, (li, ri)).is_none() {
                t.order.push(r.student);
            }
        }
    }
    t
}

/// Added and dropped between two terms (names and terms filled by the caller).
fn compare(prev: &Term, now: &Term) -> Change {
    let comparable = prev.ids.iter().chain(&now.ids).all(|&i| i == prev.ids[0]);
    let diff = |a: &Term, b: &Term| -> Vec<(usize, usize)> {
        if !comparable {
            return Vec::new();
        }
        a.order.iter().filter(|k| !b.students.contains_key(k)).map(|k| a.students[k]).collect()
    };
    Change {
        school: String::new(),
        programme: String::new(),
        term: String::new(),
        previous: String::new(),
        before: prev.order.len(),
        now: now.order.len(),
        added: diff(now, prev),
        dropped: diff(prev, now),
        comparable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn term_names_in_time_order() {
        assert_eq!(parse("2025年春季学期"), Some((2025, 1)));
        assert_eq!(parse("2025年秋季学期"), Some((2025, 2)));
        assert_eq!(parse("2025-2026学年第一学期"), Some((2025, 2)));
        assert_eq!(parse("2025-2026学年第二学期"), Some((2026, 1)));
        assert_eq!(parse("本学期"), None);
        assert!(parse("2025年春季学期") < parse("2025-2026学年第一学期"));
    }
}
