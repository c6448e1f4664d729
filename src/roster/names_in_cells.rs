//! A recipient's full name in a public cell (a 备注 saying "张小明的同桌")
//! would stand unmasked beside the masked name column. Any name of the
//! list, of two or more characters, anywhere in a cell of a column that can
//! be public, is an error with its line and column.

use super::{load::Files, Roster};
use crate::diag::Diagnostic;
use crate::privacy::mask::{mask, NameMask};
use std::collections::HashSet;

pub(super) fn check(roster: &Roster, files: &Files) -> Vec<Diagnostic> {
    let names: HashSet<&str> =
        roster.records.iter().map(|r| roster.name(r)).filter(|n| n.chars().count() >= 2).collect();
    let mut lengths: Vec<usize> = names.iter().map(|n| n.chars().count()).collect();
    lengths.sort_unstable();
    lengths.dedup();
    let shown: Vec<usize> =
        (0..roster.columns.len()).filter(|&c| c != roster.name_col && roster.columns[c].role.can_be_public()).collect();
    let mut out = Vec::new();
    for r in &roster.records {
        for &c in &shown {
            // Spaces between the characters (钱 琰) do not hide a name.
            let cell = &crate::data::normalise::squash(roster.cell(r, c));
            let starts: Vec<usize> = cell.char_indices().map(|(i, _)| i).chain([cell.len()]).collect();
            let found = (0..starts.len()).find_map(|i| {
                lengths
                    .iter()
                    .filter_map(|&len| starts.get(i + len).map(|&end| &cell[starts[i]..end]))
                    .find(|w| names.contains(w))
            });
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
