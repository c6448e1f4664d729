//! What a letter may read of a recipient: the name (letters go to the
//! family), the masked ID, the amount, and columns checked to hold no ID
//! number. A full ID can never be read from here: an ID column is refused
//! by its role, by its header and by its values.

use super::{Record, Roster};
use crate::data::idnum;
use crate::privacy::roles::{sensitive, Role};
use crate::privacy::sniff;

/// A column a letter may print, only made by `Roster::letter_column`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LetterColumn(usize);

/// Why a column cannot go into a letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotForLetters {
    /// No column has this header.
    Missing,
    /// The column holds ID numbers (by role, header or values); `line` is
    /// the first data line where one was seen, if it was the values.
    IdNumbers { line: Option<usize> },
}

impl Roster {
    /// The column called `header`, if a letter may print it.
    pub fn letter_column(&self, header: &str) -> Result<LetterColumn, NotForLetters> {
        let col = self.columns.iter().position(|c| c.header == header).ok_or(NotForLetters::Missing)?;
        let c = &self.columns[col];
        if matches!(c.role, Role::IdNumber | Role::GuardianId) || sensitive(&c.header) == Some("身份证号") {
            return Err(NotForLetters::IdNumbers { line: None });
        }
        match self.records.iter().find(|r| sniff::holds_id_number(self.cell(r, col))) {
            Some(r) => Err(NotForLetters::IdNumbers { line: Some(r.line) }),
            None => Ok(LetterColumn(col)),
        }
    }

    /// Every recipient in roster order, as letters see them.
    pub fn letter_rows(&self) -> impl Iterator<Item = LetterRow<'_>> {
        self.records.iter().map(move |record| LetterRow { roster: self, record })
    }
}

/// One recipient as a letter sees it.
#[derive(Clone, Copy)]
pub struct LetterRow<'a> {
    roster: &'a Roster,
    record: &'a Record,
}

impl<'a> LetterRow<'a> {
    /// The line of the data file the recipient is on.
    pub fn line(&self) -> usize {
        self.record.line
    }

    /// The full name: letters go to the family.
    pub fn name(&self) -> &'a str {
        self.roster.name(self.record)
    }

    /// First 6 and last 4 characters of the ID, when the list has IDs.
    pub fn id_masked(&self) -> Option<String> {
        self.roster.id_col.map(|c| idnum::mask(self.roster.cell(self.record, c)))
    }

    pub fn amount_fen(&self) -> Option<i64> {
        self.record.amount_fen
    }

    pub fn cell(&self, col: LetterColumn) -> &'a str {
        self.roster.cell(self.record, col.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::from_csv as roster;

    #[test]
    fn id_columns_are_refused_by_role_header_and_values() {
        let r = roster(
            "姓名,班级,身份证号,身份证,学籍号,备注\n张小明,1班,11010519491231002X,11010519491231002X,G11010519491231002X,转学\n",
        );
        assert_eq!(r.letter_column("身份证号"), Err(NotForLetters::IdNumbers { line: None }), "by role");
        assert_eq!(r.letter_column("身份证"), Err(NotForLetters::IdNumbers { line: None }), "by header");
        assert_eq!(r.letter_column("学籍号"), Err(NotForLetters::IdNumbers { line: Some(2) }), "by value");
        assert_eq!(r.letter_column("不存在"), Err(NotForLetters::Missing));
        let class = r.letter_column("班级").unwrap();
        let rows: Vec<(&str, &str, Option<String>)> =
            r.letter_rows().map(|row| (row.name(), row.cell(class), row.id_masked())).collect();
        assert_eq!(rows, [("张小明", "1班", Some("110105********002X".to_string()))]);
        assert!(sniff::holds_id_number("学籍号：G11010519491231002X"));
        assert!(sniff::holds_id_number("１１０１０５１９４９１２３１００２Ｘ"));
        assert!(!sniff::holds_id_number("2025-10-15 1,500元 高一(3)班"));
    }
}
