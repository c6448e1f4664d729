//! One list's part of the audit, inside its job while the roster is at
//! hand: its rows as fingerprints, its objections and receipts matched to
//! its students, the students an objection removed (they get no letter and
//! leave the result), and the 公示结果 of an ended list.

use super::{objections, receipts, ListAudit, ListPrivate};
use crate::content::list::ListBundle;
use crate::diag::Diagnostic;
use crate::fingerprint::PrehashedBuild;
use crate::privacy::names_guard::NameKey;
use crate::roster::{flag, AuditRows, Roster, SideFile, SideTable};
use crate::schedule::status::Period;
use std::collections::HashMap;

/// What a list job takes from its audit files.
pub struct Prepared {
    pub audit: ListAudit,
    pub private: ListPrivate,
    /// Data-file lines of the students removed after an objection.
    pub removed: Vec<usize>,
    /// 公示结果, once the period has ended: counts only.
    pub result: Option<String>,
    pub notes: Vec<String>,
}

/// One list about to be prepared.
pub struct ListIn<'a> {
    pub bundle: &'a ListBundle,
    pub roster: &'a Roster,
    pub key: &'a NameKey,
    pub period: &'a Period,
    pub ended: bool,
    /// Keep the rows' names and masked IDs (`ListPrivate::rows`); without
    /// them the report reads the list again if it names its students.
    pub names: bool,
}

/// Finds a student of the list by ID fingerprint, else by name and class.
struct Finder {
    by_id: HashMap<u64, usize, PrehashedBuild>,
    by_name_class: HashMap<u64, usize, PrehashedBuild>,
}

impl Finder {
    fn new(rows: &AuditRows) -> Finder {
        let mut f = Finder { by_id: HashMap::default(), by_name_class: HashMap::default() };
        for (i, r) in rows.rows.iter().enumerate() {
            if rows.has_ids {
                f.by_id.entry(r.student).or_insert(i);
            }
            f.by_name_class.entry(r.name_class).or_insert(i);
        }
        f
    }

    fn find(&self, id: Option<u64>, name_class: Option<u64>) -> Option<usize> {
        id.and_then(|i| self.by_id.get(&i)).or_else(|| name_class.and_then(|n| self.by_name_class.get(&n))).copied()
    }
}

fn side(l: &ListIn, name: &str, headers: &[&str]) -> Result<SideTable, Vec<Diagnostic>> {
    let b = l.bundle;
    SideTable::read(&SideFile { file: &b.beside(name), path: &b.dir.join(name), headers }, l.key)
}

pub fn prepare(l: &ListIn) -> Result<Prepared, Vec<Diagnostic>> {
    let b = l.bundle;
    let mut rows = l.roster.audit_rows(l.key);
    // Only lists with side files look students up.
    let finder = (b.meta.objections.is_some() || b.meta.receipts.is_some()).then(|| Finder::new(&rows));
    let find = |id: Option<u64>, nc: Option<u64>| finder.as_ref().and_then(|f| f.find(id, nc));
    let names = if l.names { l.roster.private_rows() } else { Default::default() };
    let mut private = ListPrivate { rows: names, ..ListPrivate::default() };
    let mut problems = Vec::new();
    let mut objections = Vec::new();
    if let Some(name) = &b.meta.objections {
        match side(l, name, &objections::HEADERS).and_then(|t| objections::read(&t, &b.beside(name), &find)) {
            Ok((found, texts)) => {
                for o in found.iter().filter(|o| o.adjusted) {
                    if let Some(r) = o.row {
                        rows.rows[r].flags |= flag::REMOVED;
                    }
                }
                objections = found;
                private.objections = texts;
            }
            Err(ds) => problems.extend(ds),
        }
    }
    let mut notes = Vec::new();
    if let Some(name) = &b.meta.receipts {
        match side(l, name, &receipts::HEADERS) {
            Ok(t) => {
                for r in receipts::read(&t, &find) {
                    let Some(i) = r.student else {
                        notes.push(format!("{} 第 {} 行的学生不在名单 {} 中", b.beside(name), r.line, b.data_file()));
                        continue;
                    };
                    let row = &mut rows.rows[i];
                    row.flags |= flag::RECEIPT_LISTED;
                    row.flags |= if r.receipt.returned { flag::RECEIPT_RETURNED } else { 0 };
                    row.flags |= if r.receipt.declined { flag::DECLINED } else { 0 };
                    private.receipts.insert(i, r.note);
                }
            }
            Err(ds) => problems.extend(ds),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut removed = Vec::new();
    for r in &mut rows.rows {
        if r.has(flag::REMOVED) {
            removed.push(r.line as usize);
        } else if b.meta.letters.is_some() {
            r.flags |= flag::LETTER;
        }
    }
    let result = l.ended.then(|| objections::result(&objections, rows.rows.len(), removed.len()));
    let audit =
        ListAudit { rows, start: l.period.start, end: l.period.end, objections, receipts: b.meta.receipts.is_some() };
    Ok(Prepared { audit, private, removed, result, notes })
}
