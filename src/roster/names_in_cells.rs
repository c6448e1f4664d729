//! A recipient's full name in a public cell (a 备注 saying "张小明的同桌")
//! would stand unmasked beside the masked name column. Any name of the
//! list, of two or more characters, anywhere in a cell of a column that can
//! be public, is an error with its line and column.

use super::{load::Files, Roster};
use crate::data::normalise::squash;
use crate::diag::Diagnostic;
use crate::fingerprint::FnvBuildHasher;
use crate::privacy::mask::{mask, NameMask};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// The list's names (two characters or more) and their lengths.
struct Names<'a> {
    set: HashSet<&'a str, FnvBuildHasher>,
    /// Lengths in characters, ascending.
    lengths: Vec<usize>,
    /// The characters names start with, sorted: a name can start only there.
    firsts: Vec<char>,
}

impl Names<'_> {
    /// The first name found in `cell` (leftmost start, then shortest), as
    /// written with its spaces taken out: spaces between the characters
    /// (钱 琰) do not hide a name.
    fn first_in(&self, cell: &str) -> Option<String> {
        let cell: Cow<str> = if cell.contains(char::is_whitespace) { Cow::Owned(squash(cell)) } else { cell.into() };
        let starts: Vec<usize> = cell.char_indices().map(|(i, _)| i).chain([cell.len()]).collect();
        let may_start = |at: usize| cell[at..].chars().next().is_some_and(|c| self.firsts.binary_search(&c).is_ok());
        (0..starts.len()).filter(|&i| may_start(starts[i])).find_map(|i| {
            self.lengths
                .iter()
                .filter_map(|&len| starts.get(i + len).map(|&end| &cell[starts[i]..end]))
                .find(|w| self.set.contains(w))
                .map(str::to_string)
        })
    }
}

pub(super) fn check(roster: &Roster, files: &Files) -> Vec<Diagnostic> {
    let set: HashSet<&str, FnvBuildHasher> =
        roster.records.iter().map(|r| roster.name(r)).filter(|n| n.chars().nth(1).is_some()).collect();
    let mut lengths: Vec<usize> = set.iter().map(|n| n.chars().count()).collect();
    lengths.sort_unstable();
    lengths.dedup();
    let mut firsts: Vec<char> = set.iter().filter_map(|n| n.chars().next()).collect();
    firsts.sort_unstable();
    firsts.dedup();
    let names = Names { set, lengths, firsts };
    let shown: Vec<usize> =
        (0..roster.columns.len()).filter(|&c| c != roster.name_col && roster.columns[c].role.can_be_public()).collect();
    // Public columns repeat their values (grades, classes, tiers, amounts):
    // each distinct value of a column is looked at once.
    let mut seen: Vec<HashMap<&str, Option<String>, FnvBuildHasher>> = vec![HashMap::default(); shown.len()];
    let mut out = Vec::new();
    for r in &roster.records {
        for (&c, seen) in shown.iter().zip(&mut seen) {
            let cell = roster.cell(r, c);
            let found = seen.entry(cell).or_insert_with(|| names.first_in(cell));
            if let Some(name) = found {
                out.push(
                    Diagnostic::new(
                        files.data,
                        r.line,
                        format!(
                            "公开列“{}”中出现了名单中学生的完整姓名“{}”",
                            roster.columns[c].header,
                            mask(name, NameMask::Middle)
                        ),
                    )
                    .with_column(c + 1)
                    .with_hint("公开列只能写学校、年级、班级等；删去姓名，或在 [columns] 中把这一列设为 \"private\""),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::privacy::roles::Role;
    use std::collections::BTreeMap;

    fn problems(csv: &str) -> Vec<(usize, usize, String)> {
        let cols: BTreeMap<String, Role> =
            [("姓名", Role::Name), ("班级", Role::Public), ("备注", Role::Public), ("电话", Role::Private)]
                .iter()
                .map(|(h, r)| (h.to_string(), *r))
                .collect();
        let files = Files { data: "d", index: "i", columns_line: 1, allow_empty: false };
        let table = crate::data::csv_file::read(csv.as_bytes()).unwrap();
        match super::super::load(table, Some(&cols), &files) {
            Ok(_) => Vec::new(),
            Err(ds) => ds.into_iter().map(|d| (d.line, d.column, d.message)).collect(),
        }
    }

    #[test]
    fn every_row_with_a_name_in_a_public_cell_is_reported_even_when_the_value_repeats() {
        let csv =
            "姓名,班级,备注,电话\n张小明,1班,与李四同住,李四\n李四,2班,,\n王芳,1班,与李四同住,\n赵六,李 四班,王芳,\n";
        let found = problems(csv);
        let at: Vec<(usize, usize)> = found.iter().map(|(l, c, _)| (*l, *c)).collect();
        // Rows 2 and 4 hold the same 备注; row 5's 班级 hides 李四 with a
        // space; the private 电话 column is never looked at.
        assert_eq!(at, [(2, 3), (4, 3), (5, 2), (5, 3)], "{found:?}");
        assert!(found[0].2.contains("公开列“备注”中出现了名单中学生的完整姓名“李*”"), "{}", found[0].2);
        assert!(found[3].2.contains("“王*”"), "{}", found[3].2);
    }

    #[test]
    fn the_leftmost_then_shortest_name_is_named() {
        let csv = "姓名,班级,备注,电话\n张小明,1班,,\n小明,1班,,\n李四,2班,李四和张小明,\n";
        let found = problems(csv);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].2.ends_with("“李*”"), "{}", found[0].2);
        let csv = "姓名,班级,备注,电话\n张小明,1班,,\n小明,1班,,\n李四,2班,张小明,\n";
        assert!(problems(csv)[0].2.ends_with("“张*明”"));
    }
}
