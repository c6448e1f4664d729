//! The public projection of a roster: the only way recipient data reaches
//! a public page. Only `name` (masked), `public`, and with `show_amount`
//! `tier` and `amount` columns survive; ID, private and unknown columns
//! never leave the roster.

use super::mask::{mask, NameMask};
use super::roles::Role;
use crate::data::amount::format_yuan;
use crate::data::roster::Roster;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct PublicTable {
    headers: Vec<String>,
    /// Not handed to templates as data: a 100,000-row list would be slow
    /// to loop over there. They get `rows_html` instead.
    #[serde(skip)]
    rows: Vec<Vec<String>>,
    /// `<tr>` per recipient (number, then the public cells), escaped.
    rows_html: String,
    count: usize,
    /// `1,150` (yuan) when amounts are shown.
    total: Option<String>,
}

impl PublicTable {
    pub fn project(roster: &Roster, how: NameMask, show_amount: bool) -> PublicTable {
        let shown: Vec<(usize, Role)> = roster
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| match c.role {
                Role::Name | Role::Public => true,
                Role::Tier | Role::Amount => show_amount,
                Role::IdNumber | Role::Private => false,
            })
            .map(|(i, c)| (i, c.role))
            .collect();
        let headers = shown.iter().map(|(i, _)| roster.columns[*i].header.clone()).collect();
        let rows: Vec<Vec<String>> = roster
            .records
            .iter()
            .map(|r| {
                shown
                    .iter()
                    .map(|(i, role)| match role {
                        Role::Name => mask(&r.cells[*i], how),
                        Role::Amount => r.amount_fen.map(|f| format!("{}元", format_yuan(f))).unwrap_or_default(),
                        _ => r.cells[*i].clone(),
                    })
                    .collect()
            })
            .collect();
        let rows_html = rows_html(&rows);
        PublicTable {
            headers,
            rows_html,
            rows,
            count: roster.records.len(),
            total: roster.total_fen.filter(|_| show_amount).map(format_yuan),
        }
    }

    /// Moves the rows' HTML out, leaving a one-row placeholder: the page is
    /// rendered and minified without them, and they are put back after
    /// (see `Writer::page_spliced`). Already compact, they need neither.
    pub fn take_rows_html(&mut self) -> String {
        std::mem::replace(&mut self.rows_html, ROWS_PLACEHOLDER.to_string())
    }

    pub fn count(&self) -> usize {
        self.count
    }

    pub fn rows(&self) -> &[Vec<String>] {
        &self.rows
    }

    pub fn headers(&self) -> &[String] {
        &self.headers
    }
}

/// Stands for the rows until they are spliced in; survives minification.
pub const ROWS_PLACEHOLDER: &str = "<tr><td>__GONGSHI_ROWS__</td></tr>";

fn rows_html(rows: &[Vec<String>]) -> String {
    let mut out = String::with_capacity(rows.len() * 64);
    for (i, row) in rows.iter().enumerate() {
        out.push_str(&format!("<tr><td>{}</td>", i + 1));
        for cell in row {
            out.push_str("<td>");
            crate::escape::html_into(&mut out, cell);
            out.push_str("</td>");
        }
        out.push_str("</tr>\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::roster::{build, Files};
    use crate::data::table::read_csv;

    #[test]
    fn only_allowed_columns_survive() {
        let csv =
            "姓名,班级,身份证号,联系电话,资助档次,资助金额\n张小明,高一1班,11010519491231002X,13812345678,一档,1500\n";
        let l =
            build(read_csv(csv.as_bytes()).unwrap(), None, &Files { data: "d", index: "i", columns_line: 1 }).unwrap();
        let hidden = PublicTable::project(&l.roster, NameMask::Middle, false);
        assert_eq!(hidden.headers(), ["姓名", "班级"]);
        assert_eq!(hidden.rows()[0], ["张*明", "高一1班"]);
        assert_eq!(hidden.rows_html, "<tr><td>1</td><td>张*明</td><td>高一1班</td></tr>\n");
        assert_eq!(hidden.total, None);
        let shown = PublicTable::project(&l.roster, NameMask::Surname, true);
        assert_eq!(shown.headers(), ["姓名", "班级", "资助档次", "资助金额"]);
        assert_eq!(shown.rows()[0], ["张**", "高一1班", "一档", "1,500元"]);
        assert_eq!(shown.total.as_deref(), Some("1,500"));
        let text = format!("{:?}", shown);
        assert!(!text.contains("11010519491231002X") && !text.contains("13812345678"));
    }
}
