//! The same student twice across lists, by keyed ID fingerprint: in two
//! lists of one programme and term (重复资助), in two programmes of one
//! `[[exclusive]]` group in one term (互斥项目); and the same name in the
//! same class of one school with two different IDs (同名同班, a warning:
//! two students, or an ID typed wrong). Only each list's last round
//! counts, and only lists with an ID column are compared.

use super::{Check, Flag, Listed, Site};
use rayon::prelude::*;
use std::collections::HashMap;

/// One row of one school's lists of a term, sortable by name and class.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    key: u64,
    /// The student's ID fingerprint: what differs between namesakes.
    student: u64,
    list: u32,
    row: u32,
}

fn compared<'a>(site: &'a Site) -> impl Iterator<Item = (usize, &'a Listed<'a>)> + 'a {
    site.lists.iter().enumerate().filter(|(_, l)| l.last && l.audit.rows.has_ids)
}

pub fn check(site: &Site) -> Vec<Flag> {
    let mut flags = Vec::new();
    if site.on(Check::DoubleFunding) || site.on(Check::Exclusive) {
        flags.extend(same_student(site));
    }
    if site.on(Check::SameName) {
        flags.extend(same_name(site));
    }
    flags
}

/// Each term on its own (in parallel): every student's first row in list
/// order; a later row of the same student in another list is a pair to
/// judge.
fn same_student(site: &Site) -> Vec<Flag> {
    let mut terms: HashMap<&str, Vec<usize>> = HashMap::new();
    for (li, l) in compared(site) {
        terms.entry(l.term()).or_default().push(li);
    }
    let terms: Vec<Vec<usize>> = terms.into_values().collect();
    terms.par_iter().flat_map_iter(|lists| same_student_in(site, lists)).collect()
}

/// The term's rows sorted by student, then by place: each run's first is
/// the student's first row. Sorted rather than hashed: a province's term
/// has a million rows, which a map held at twice the memory.
fn same_student_in(site: &Site, lists: &[usize]) -> Vec<Flag> {
    let mut rows: Vec<(u64, (u32, u32))> = lists
        .iter()
        .flat_map(|&li| site.lists[li].kept().map(move |(ri, r)| (r.student, (li as u32, ri as u32))))
        .collect();
    rows.sort_unstable();
    let exclusive = |a: &str, b: &str| {
        site.config.exclusive.iter().any(|e| e.programmes.iter().any(|p| p == a) && e.programmes.iter().any(|p| p == b))
    };
    let mut pairs = Vec::new();
    for run in rows.chunk_by(|a, b| a.0 == b.0) {
        let earlier = run[0].1;
        // Another list's row only: a list's own duplicate is reported when it is read.
        for &(_, this) in run.iter().skip(1).filter(|(_, this)| this.0 != earlier.0) {
            let (a, b) = (&site.lists[earlier.0 as usize], &site.lists[this.0 as usize]);
            let (pa, pb) = (&a.bundle.meta.programme, &b.bundle.meta.programme);
            let check = if pa == pb {
                Check::DoubleFunding
            } else if exclusive(pa, pb) {
                Check::Exclusive
            } else {
                continue;
            };
            pairs.push((this, earlier, check));
        }
    }
    // In the order of the rows that repeat a student, as they are read.
    pairs.sort_unstable_by_key(|&(this, _, _)| this);
    pairs.into_iter().map(|(this, earlier, check)| pair_flag(site, check, earlier, this)).collect()
}

fn pair_flag(site: &Site, check: Check, first: (u32, u32), this: (u32, u32)) -> Flag {
    let (a, b) = (&site.lists[first.0 as usize], &site.lists[this.0 as usize]);
    let (ra, rb) = (&a.audit.rows.rows[first.1 as usize], &b.audit.rows.rows[this.1 as usize]);
    let (message, hint) = match check {
        Check::DoubleFunding => (
            format!("同一学生（身份证号相同）在{}的两份{}名单中都有", b.term(), b.bundle.meta.programme),
            "一名学生一学期只能享受一次同一项资助：核对后从其中一份名单删去",
        ),
        _ => (
            format!(
                "同一学生（身份证号相同）在{}同时享受互斥的“{}”和“{}”",
                b.term(),
                a.bundle.meta.programme,
                b.bundle.meta.programme
            ),
            "site-config.toml 的 [[exclusive]] 规定这些项目同一学期只能享受一项",
        ),
    };
    Flag {
        check,
        term: b.term().to_string(),
        at: b.row_place(rb),
        other: Some(a.row_place(ra)),
        message,
        hint: hint.into(),
        student: Some((this.0 as usize, this.1 as usize)),
    }
}

/// Same name and class, different IDs: within each school and term, which
/// are sorted apart and in parallel (a few hundred rows each, not millions
/// in one sort).
fn same_name(site: &Site) -> Vec<Flag> {
    let mut groups: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (li, l) in compared(site) {
        groups.entry((l.term(), l.bundle.meta.school.as_str())).or_default().push(li);
    }
    let mut groups: Vec<Vec<usize>> = groups.into_values().collect();
    groups.sort();
    groups.par_iter().flat_map_iter(|lists| same_name_in(site, lists)).collect()
}

fn same_name_in(site: &Site, lists: &[usize]) -> Vec<Flag> {
    let mut entries: Vec<Entry> = lists
        .iter()
        .flat_map(|&li| {
            let l = &site.lists[li];
            l.kept().map(move |(ri, r)| Entry {
                key: r.name_class,
                student: r.student,
                list: li as u32,
                row: ri as u32,
            })
        })
        .collect();
    entries.sort_unstable();
    let mut flags = Vec::new();
    for run in entries.chunk_by(|a, b| a.key == b.key) {
        if run.iter().all(|e| e.student == run[0].student) {
            continue;
        }
        // The earliest row in list order, and the earliest of another student.
        let mut run = run.to_vec();
        run.sort_by_key(|e| (e.list, e.row));
        let first = &run[0];
        let Some(e) = run.iter().find(|e| e.student != first.student) else { continue };
        let (a, b) = (&site.lists[first.list as usize], &site.lists[e.list as usize]);
        let rb = &b.audit.rows.rows[e.row as usize];
        flags.push(Flag {
            check: Check::SameName,
            term: b.term().to_string(),
            at: b.row_place(rb),
            other: Some(a.row_place(&a.audit.rows.rows[first.row as usize])),
            message: format!("同一学校同一班级（{}）有同名学生，身份证号却不同", b.audit.rows.class(rb)),
            hint: "如确是两名学生可忽略；否则核对身份证号是否填错".into(),
            student: Some((e.list as usize, e.row as usize)),
        });
    }
    flags
}
