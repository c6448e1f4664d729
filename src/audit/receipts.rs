//! Receipts (回执登记): the receipt roster a school printed with the
//! letters (回执回收登记表), ticked and typed back as CSV or xlsx. Per row:
//! 学生姓名, 班级 (or 身份证号), a tick under 回执已收回, optional 收回日期,
//! and 自愿放弃 under 家长意见 or 备注 for a family that declined the aid.
//! Return rates per class and school, the missing receipts and the
//! declines are in the private report; declines are kept there as records.

use crate::roster::SideTable;

/// Headers that mark the header row of a receipts file.
pub const HEADERS: [&str; 2] = ["学生姓名", "姓名"];

/// What came back for one student.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Receipt {
    pub returned: bool,
    pub declined: bool,
}

/// Date and note of a returned receipt, for the report (declines are kept).
#[derive(Debug, Clone, Default)]
pub struct ReceiptNote {
    pub date: String,
    pub note: String,
}

fn ticked(s: &str) -> bool {
    let s = s.trim();
    ["√", "✓", "✔", "是", "已收", "已交", "收回", "已收回", "已交回", "1", "y", "Y", "yes", "有", "○"].contains(&s)
}

/// One row of the receipts file: where it is, who, what came back.
pub struct ReceiptRow {
    pub line: usize,
    pub student: Option<usize>,
    pub receipt: Receipt,
    pub note: ReceiptNote,
}

/// Reads the receipts, matching each row to a student of the list with
/// `find(id print, name-and-class print)`.
pub fn read(table: &SideTable, find: &dyn Fn(Option<u64>, Option<u64>) -> Option<usize>) -> Vec<ReceiptRow> {
    let returned = table.column(&["回执已收回（√）", "回执已收回", "回执", "收回", "已收回"]);
    let choice = table.column(&["家长意见", "意见", "选择", "是否领取"]);
    let date = table.column(&["收回日期", "日期"]);
    let note = table.column(&["备注"]);
    table
        .rows
        .iter()
        .map(|r| {
            let said = |c| table.cell(r, c).contains("放弃");
            let declined = said(choice) || said(note);
            ReceiptRow {
                line: r.line,
                student: find(r.id, r.name_class),
                receipt: Receipt { returned: ticked(table.cell(r, returned)) || declined, declined },
                note: ReceiptNote { date: table.cell(r, date).to_string(), note: table.cell(r, note).to_string() },
            }
        })
        .collect()
}

/// Receipts of one group (a class or a school).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub students: usize,
    pub returned: usize,
    pub declined: usize,
}

impl Tally {
    pub fn missing(&self) -> usize {
        self.students - self.returned
    }

    /// 92.5% (one decimal), or "—" for no students.
    pub fn rate(&self) -> String {
        if self.students == 0 {
            return "—".into();
        }
        format!("{:.1}%", self.returned as f64 * 100.0 / self.students as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::privacy::names_guard::NameKey;
    use crate::roster::SideFile;

    #[test]
    fn ticks_dates_and_declines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("回执登记.csv");
        let csv = "序号,学生姓名,班级,回执已收回（√）,收回日期,备注\n1,张三,1班,√,2025-10-21,\n2,李四,1班,,,\n3,王五,2班,,2025-10-22,家长自愿放弃\n4,赵六,9班,√,,\n";
        std::fs::write(&path, csv).unwrap();
        let key = NameKey::from_bytes([9; 16]);
        let t = SideTable::read(&SideFile { file: "r.csv", path: &path, headers: &HEADERS }, &key).unwrap();
        let known =
            [key.text_print(&["张三", "1班"]), key.text_print(&["李四", "1班"]), key.text_print(&["王五", "2班"])];
        let rows = read(&t, &|_, nc| known.iter().position(|k| Some(*k) == nc));
        let seen: Vec<(Option<usize>, bool, bool)> =
            rows.iter().map(|r| (r.student, r.receipt.returned, r.receipt.declined)).collect();
        assert_eq!(seen, [(Some(0), true, false), (Some(1), false, false), (Some(2), true, true), (None, true, false)]);
        assert_eq!(rows[2].note.note, "家长自愿放弃");
        let t = Tally { students: 3, returned: 2, declined: 1 };
        assert_eq!((t.missing(), t.rate()), (1, "66.7%".to_string()));
    }
}
