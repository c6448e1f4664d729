//! A recipient roster: the one place where recipients' private data lives.
//!
//! Its records, columns and cells are private to this module and its
//! children. Callers get only what they need: loading with its checks
//! (`load`), counts and totals, the public projection (`PublicTable`, the
//! only recipient data a public page can take), letter rows that can never
//! yield a full ID (`letter_rows`), keyed fingerprints of the names for
//! the name guard, and what the county's checks need (`audit_rows`: keyed
//! fingerprints; names with masked IDs only for the print folder). Side
//! files (objections, receipts, 三类人员) are read here too (`side`).
//! Code elsewhere cannot read a cell:
//!
//! ```compile_fail,E0624
//! fn leak(r: &gongshi::roster::Roster) -> &str {
//!     r.cell(&r.records[0], 0)
//! }
//! ```
//!
//! while the public surface is open to it:
//!
//! ```
//! fn count(r: &gongshi::roster::Roster) -> usize {
//!     r.count()
//! }
//! ```

mod audit_rows;
mod letter_rows;
mod load;
mod names_in_cells;
pub mod packed;
mod public_table;
mod side;

/// A roster read from CSV text as a build reads a list's data file, for
/// the tests of the roster's views.
#[cfg(test)]
fn from_csv(csv: &str) -> Roster {
    let files = Files { data: "d", index: "i", columns_line: 1, allow_empty: false };
    load(crate::data::csv_file::read(csv.as_bytes()).unwrap(), None, &files).unwrap().roster
}

pub use audit_rows::{flag, AuditRow, AuditRows, PrivateRows, Strings, NO_TIER};
pub use letter_rows::{LetterColumn, LetterRow, NotForLetters};
pub use load::{load, Files, Loaded};
pub use public_table::{PublicRows, PublicTable, ROWS_PLACEHOLDER};
pub use side::{SideFile, SideRow, SideTable};

use crate::data::table::{RawRow, RawTable};
use crate::privacy::names_guard::{NameKey, NamePrint};
use crate::privacy::roles::Role;

#[derive(Debug, Clone)]
struct Column {
    header: String,
    role: Role,
}

/// One recipient. Its cells stay in the roster's table (read them with
/// `Roster::cell`): a list of 100,000 rows is one buffer, not 100,000.
#[derive(Debug, Clone)]
struct Record {
    line: usize,
    row: RawRow,
    /// The name without inner spaces, when that differs from the cell.
    name: Option<Box<str>>,
    amount_fen: Option<i64>,
}

/// Deliberately not `Serialize`: no template can be handed a roster.
#[derive(Debug, Clone)]
pub struct Roster {
    columns: Vec<Column>,
    table: RawTable,
    records: Vec<Record>,
    name_col: usize,
    id_col: Option<usize>,
    amount_col: Option<usize>,
    guardian_col: Option<usize>,
    total_fen: Option<i64>,
}

impl Roster {
    /// The cell of `r` in column `col` (empty where the row was short).
    fn cell<'a>(&'a self, r: &'a Record, col: usize) -> &'a str {
        match &r.name {
            Some(name) if col == self.name_col => name,
            _ => self.table.cell(&r.row, col),
        }
    }

    fn name<'a>(&'a self, r: &'a Record) -> &'a str {
        self.cell(r, self.name_col)
    }

    /// Number of recipients.
    pub fn count(&self) -> usize {
        self.records.len()
    }

    /// Sum of the amount column in fen, when the list has one.
    pub fn total_fen(&self) -> Option<i64> {
        self.total_fen
    }

    /// Headers and roles, in file order (headers are not private).
    pub fn headers(&self) -> impl Iterator<Item = (&str, Role)> {
        self.columns.iter().map(|c| (c.header.as_str(), c.role))
    }

    pub fn has_id_column(&self) -> bool {
        self.id_col.is_some()
    }

    pub fn has_amount_column(&self) -> bool {
        self.amount_col.is_some()
    }

    /// Whether the amount column holds yearly amounts (its header says 年).
    pub fn amounts_per_year(&self) -> bool {
        self.amount_col.is_some_and(|c| self.columns[c].header.contains('年'))
    }

    /// Keyed fingerprints of every recipient's full name, for the name
    /// guard: the names themselves never leave the roster.
    pub fn name_prints(&self, key: &NameKey) -> Vec<NamePrint> {
        self.records.iter().filter_map(|r| key.print(self.name(r))).collect()
    }
}
