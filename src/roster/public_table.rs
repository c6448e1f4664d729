//! The public projection of a roster: the only way recipient data reaches
//! a public page (the public writer takes table rows only as a
//! `PublicTable`). Only `name` (masked), `public`, and with `show_amount`
//! `tier` and `amount` columns survive; ID, private and unknown columns
//! never leave the roster.

use super::{Record, Roster};
use crate::data::amount::format_yuan;
use crate::privacy::mask::{mask_into, NameMask};
use crate::privacy::roles::Role;
use rayon::prelude::*;
use serde::Serialize;
use std::fmt::Write;

#[derive(Debug, Clone, Serialize)]
pub struct PublicTable {
    headers: Vec<String>,
    /// `<tr>` per recipient (number, then the public cells), escaped, in
    /// consecutive pieces. Not rows for templates to loop over: 100,000
    /// rows would be slow there. Templates see them as one string.
    #[serde(serialize_with = "joined")]
    rows_html: Vec<String>,
    count: usize,
    /// `1,150` (yuan) when amounts are shown.
    total: Option<String>,
}

impl PublicTable {
    pub fn project(roster: &Roster, how: NameMask, show_amount: bool) -> PublicTable {
        let (shown, headers) = shown_columns(roster, show_amount);
        // Straight to HTML, in parallel chunks: a list of 100,000 rows is
        // one page, and nothing else needs the rows.
        let rows_html = roster
            .records
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(c, records)| {
                let mut out = String::new();
                let mut scratch = String::new();
                let rows = Rows { roster, shown: &shown, how };
                for (k, r) in records.iter().enumerate() {
                    rows.row_html(&mut out, &mut scratch, c * CHUNK + k + 1, r);
                    if k == 0 {
                        // Room for the chunk as its first row suggests: growing
                        // by doubling would copy it and touch twice the memory.
                        out.reserve(out.len() * records.len() * 5 / 4);
                    }
                }
                out
            })
            .collect();
        PublicTable {
            headers,
            rows_html,
            count: roster.records.len(),
            total: roster.total_fen.filter(|_| show_amount).map(format_yuan),
        }
    }

    /// Moves the rows' HTML out, leaving a one-row placeholder: pages are
    /// rendered without them (Tera would copy megabytes into its context)
    /// and they are put back after (see `PublicWriter::list_page`).
    pub fn take_rows(&mut self) -> PublicRows {
        PublicRows(std::mem::replace(&mut self.rows_html, vec![ROWS_PLACEHOLDER.to_string()]))
    }

    pub fn count(&self) -> usize {
        self.count
    }

    /// The first `n` rows as text for a terminal preview (`gongshi new
    /// list`): the same projection as the page, never with amounts or tiers
    /// unless `show_amount`, and never a masked name in full.
    pub fn preview(roster: &Roster, how: NameMask, show_amount: bool, n: usize) -> (Vec<String>, Vec<Vec<String>>) {
        let (shown, headers) = shown_columns(roster, show_amount);
        let rows = roster
            .records
            .iter()
            .take(n)
            .map(|r| {
                shown
                    .iter()
                    .map(|&(i, role)| match role {
                        Role::Name => crate::privacy::mask::mask(roster.cell(r, i), how),
                        Role::Amount => r.amount_fen.map(|f| format!("{}元", format_yuan(f))).unwrap_or_default(),
                        _ => roster.cell(r, i).to_string(),
                    })
                    .collect()
            })
            .collect();
        (headers, rows)
    }

    pub fn headers(&self) -> &[String] {
        &self.headers
    }
}

/// The rows of a projected table as HTML pieces. Only `PublicTable` makes
/// them, so the public writer, which splices table rows into pages only in
/// this form, can never be handed a roster's raw cells.
#[derive(Debug)]
pub struct PublicRows(Vec<String>);

impl PublicRows {
    /// The pieces, in order (a large table is several).
    pub fn pieces(&self) -> &[String] {
        &self.0
    }
}

fn joined<S: serde::Serializer>(pieces: &[String], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&pieces.concat())
}

/// The columns a public table shows, with their roles, and their headers.
fn shown_columns(roster: &Roster, show_amount: bool) -> (Vec<(usize, Role)>, Vec<String>) {
    let shown: Vec<(usize, Role)> = roster
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.role.shown(show_amount))
        .map(|(i, c)| (i, c.role))
        .collect();
    let headers = shown.iter().map(|(i, _)| roster.columns[*i].header.clone()).collect();
    (shown, headers)
}

/// Stands for the rows until they are spliced in after Tera (see `Writer::page_spliced`).
pub const ROWS_PLACEHOLDER: &str = "<tr><td>__GONGSHI_ROWS__</td></tr>";

const CHUNK: usize = 4096;

/// How a projected table's rows are written.
struct Rows<'a> {
    roster: &'a Roster,
    /// The shown columns, in order, with their roles.
    shown: &'a [(usize, Role)],
    how: NameMask,
}

impl Rows<'_> {
    /// One `<tr>`: the row number, then the shown cells, escaped. `scratch`
    /// holds a masked name or an amount before escaping (reused, not one
    /// string a cell).
    fn row_html(&self, out: &mut String, scratch: &mut String, number: usize, r: &Record) {
        let _ = write!(out, "<tr><td>{number}</td>");
        for &(i, role) in self.shown {
            out.push_str("<td>");
            let text = match role {
                Role::Name => {
                    scratch.clear();
                    mask_into(scratch, self.roster.cell(r, i), self.how);
                    scratch.as_str()
                }
                Role::Amount => {
                    scratch.clear();
                    if let Some(fen) = r.amount_fen {
                        scratch.push_str(&format_yuan(fen));
                        scratch.push('元');
                    }
                    scratch.as_str()
                }
                _ => self.roster.cell(r, i),
            };
            crate::escape::html_into(out, text);
            out.push_str("</td>");
        }
        out.push_str("</tr>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::csv_file::read as read_csv;
    use crate::roster::{load, Files};

    #[test]
    fn only_allowed_columns_survive() {
        let csv =
            "姓名,班级,身份证号,联系电话,资助档次,资助金额\n张小明,高一1班,11010519491231002X,13812345678,一档,1500\n";
        let l = load(
            read_csv(csv.as_bytes()).unwrap(),
            None,
            &Files { data: "d", index: "i", columns_line: 1, allow_empty: false },
        )
        .unwrap();
        let hidden = PublicTable::project(&l.roster, NameMask::Middle, false);
        assert_eq!(hidden.headers(), ["姓名", "班级"]);
        assert_eq!(hidden.rows_html.concat(), "<tr><td>1</td><td>张*明</td><td>高一1班</td></tr>\n");
        assert_eq!(hidden.total, None);
        let shown = PublicTable::project(&l.roster, NameMask::Surname, true);
        assert_eq!(shown.headers(), ["姓名", "班级", "资助档次", "资助金额"]);
        assert_eq!(
            shown.rows_html.concat(),
            "<tr><td>1</td><td>张**</td><td>高一1班</td><td>一档</td><td>1,500元</td></tr>\n"
        );
        assert_eq!(shown.total.as_deref(), Some("1,500"));
        let text = format!("{:?}", shown);
        assert!(!text.contains("11010519491231002X") && !text.contains("13812345678"));
        let (headers, rows) = PublicTable::preview(&l.roster, NameMask::Middle, false, 5);
        assert_eq!(headers, ["姓名", "班级"]);
        assert_eq!(rows, [["张*明", "高一1班"]]);
    }

    #[test]
    fn rows_are_numbered_across_parallel_chunks() {
        let mut csv = String::from("姓名,班级\n");
        for n in 0..CHUNK + 2 {
            csv.push_str(&format!("学生{n},{}班\n", n % 7));
        }
        let l = load(
            read_csv(csv.as_bytes()).unwrap(),
            None,
            &Files { data: "d", index: "i", columns_line: 1, allow_empty: false },
        )
        .unwrap();
        let table = PublicTable::project(&l.roster, NameMask::Full, false);
        let html = table.rows_html.concat();
        let rows: Vec<&str> = html.lines().collect();
        assert_eq!(rows.len(), CHUNK + 2);
        for (i, row) in rows.iter().enumerate() {
            assert!(row.starts_with(&format!("<tr><td>{}</td><td>学生{i}</td>", i + 1)), "{row}");
        }
    }
}
