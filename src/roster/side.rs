//! Private side files read like a roster: a list's objections (异议登记)
//! and receipts (回执登记), the site's 三类人员 list. Their ID numbers are
//! turned into keyed fingerprints as they are read and never handed out;
//! names only masked, or as a fingerprint with the class.

use crate::data::idnum;
use crate::data::normalise::{self, squash};
use crate::data::table::{self, RawRow, RawTable};
use crate::diag::Diagnostic;
use crate::privacy::mask::{mask, NameMask};
use crate::privacy::names_guard::NameKey;
use crate::privacy::roles::{infer, Role, NAME_HEADERS};
use std::path::Path;

/// One row of a side file.
#[derive(Debug, Clone)]
pub struct SideRow {
    pub line: usize,
    /// Keyed fingerprint of the row's ID number, when it holds a valid one.
    pub id: Option<u64>,
    /// Keyed fingerprint of name and class, when the row has a name.
    pub name_class: Option<u64>,
    /// The name masked (张*明), for the private report.
    pub name_masked: String,
    raw: RawRow,
}

/// A side file: headers and rows; the ID column cannot be read.
#[derive(Debug)]
pub struct SideTable {
    table: RawTable,
    headers: Vec<String>,
    id_col: Option<usize>,
    pub rows: Vec<SideRow>,
}

/// Where a side file is and how to find its header row.
pub struct SideFile<'a> {
    /// Site-relative path, for diagnostics.
    pub file: &'a str,
    pub path: &'a Path,
    /// The header row is the first holding one of these.
    pub headers: &'a [&'a str],
}

impl SideTable {
    /// Reads the file; an ID cell that is filled but invalid is an error
    /// with its line. A missing or unreadable file is an error too.
    pub fn read(f: &SideFile, key: &NameKey) -> Result<SideTable, Vec<Diagnostic>> {
        let bytes = std::fs::read(f.path)
            .map_err(|e| vec![Diagnostic::unreadable(f.file, "", &e).with_hint_unless_held_open("检查文件名和位置")])?;
        let table = table::read(f.path, &bytes, None)
            .map_err(|e| vec![Diagnostic::new(f.file, e.line, e.message).with_hint(e.hint)])?;
        let Some(at) =
            table.rows.iter().position(|r| table.cells.row(r).any(|c| f.headers.contains(&squash(c).as_str())))
        else {
            return Err(vec![Diagnostic::new(
                f.file,
                0,
                format!("找不到表头：没有哪一行含有“{}”", f.headers.join("”或“")),
            )]);
        };
        let headers: Vec<String> = table.cells.row(&table.rows[at]).map(squash).collect();
        let id_col = headers.iter().position(|h| matches!(infer(h), Role::IdNumber | Role::GuardianId));
        let name_col = headers.iter().position(|h| NAME_HEADERS.contains(&h.as_str()));
        let class_col = headers.iter().position(|h| h == "班级");
        let mut problems = Vec::new();
        let mut rows = Vec::new();
        for raw in &table.rows[at + 1..] {
            let cell = |c: Option<usize>| c.map_or("", |c| table.cell(raw, c));
            let id = match cell(id_col) {
                "" => None,
                v => match idnum::check(v) {
                    Ok(()) => Some(key.id_print(v)),
                    Err(p) => {
                        let (msg, hint) = p.explain();
                        problems.push(Diagnostic::new(f.file, raw.line, msg).with_hint(hint));
                        None
                    }
                },
            };
            let name = normalise::name(cell(name_col));
            let name_class = (!name.is_empty()).then(|| key.text_print(&[&name, cell(class_col)]));
            rows.push(SideRow {
                line: raw.line,
                id,
                name_class,
                name_masked: mask(&name, NameMask::Middle),
                raw: *raw,
            });
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(SideTable { table, headers, id_col, rows })
    }

    /// The first column whose header is one of `names`, or contains one of
    /// them when none is equal; never the ID column.
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        let usable = |i: &usize| Some(*i) != self.id_col;
        (0..self.headers.len()).filter(usable).find(|&i| names.contains(&self.headers[i].as_str())).or_else(|| {
            (0..self.headers.len()).filter(usable).find(|&i| names.iter().any(|n| self.headers[i].contains(n)))
        })
    }

    pub fn has_id_column(&self) -> bool {
        self.id_col.is_some()
    }

    /// A cell; empty for the ID column and for a missing column.
    pub fn cell(&self, row: &SideRow, col: Option<usize>) -> &str {
        match col {
            Some(c) if Some(c) != self.id_col => self.table.cell(&row.raw, c),
            _ => "",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_become_prints_and_cannot_be_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("异议登记.csv");
        std::fs::write(&path, "说明\n收到日期,身份证号,姓名,班级,内容\n2025-10-14,11010519491231002X,,,反映情况\n2025-10-15,,张 三,1班,x\n").unwrap();
        let key = NameKey::from_bytes([5; 16]);
        let f = SideFile { file: "a/异议登记.csv", path: &path, headers: &["收到日期"] };
        let t = SideTable::read(&f, &key).unwrap();
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].id, Some(key.id_print("11010519491231002X")));
        assert_eq!(t.rows[1].name_class, Some(key.text_print(&["张三", "1班"])));
        assert_eq!(t.rows[1].name_masked, "张*");
        let id_col = t.column(&["身份证号"]);
        assert_eq!(id_col, None, "the ID column is never handed out");
        assert_eq!(t.cell(&t.rows[0], Some(1)), "");
        assert_eq!(t.cell(&t.rows[0], t.column(&["内容"])), "反映情况");
        std::fs::write(&path, "收到日期,身份证号\n2025-10-14,4.30621E+17\n").unwrap();
        let errs = SideTable::read(&f, &key).unwrap_err();
        assert_eq!((errs[0].file.as_str(), errs[0].line), ("a/异议登记.csv", 2));
    }
}
