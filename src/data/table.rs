//! Reads a data file into rows of cleaned text cells, each with the line
//! (CSV) or row number (Excel) staff see in their editor.

use super::normalise;
use std::path::Path;

/// Every cleaned cell of a file in one buffer: no allocation per row or
/// cell (allocation and fresh memory were most of reading 100,000 rows).
#[derive(Debug, Clone, Default)]
pub struct Cells {
    text: String,
    /// Where each cell ends in `text`.
    ends: Vec<u32>,
}

impl Cells {
    /// Cell `i` of the whole table (rows know their first cell).
    pub fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    /// The cells of one row, in order.
    pub fn row(&self, r: &RawRow) -> impl Iterator<Item = &str> {
        (r.first..r.first + r.len).map(|i| self.get(i))
    }

    fn push(&mut self, cell: &str) {
        self.text.push_str(cell);
        self.ends.push(self.text.len() as u32);
    }

    /// Keeps the first `n` cells.
    fn truncate(&mut self, n: usize) {
        self.ends.truncate(n);
        self.text.truncate(self.ends.last().map_or(0, |&e| e as usize));
    }
}

/// One non-blank row: where its cells are in `Cells`.
#[derive(Debug, Clone, Copy)]
pub struct RawRow {
    pub line: usize,
    pub first: usize,
    /// Cells up to the last non-empty one.
    pub len: usize,
}

#[derive(Debug, Clone, Default)]
pub struct RawTable {
    pub cells: Cells,
    pub rows: Vec<RawRow>,
    /// How the file was read, for the build log (`UTF-8`, `GB18030`, `xlsx`).
    pub encoding: &'static str,
}

impl RawTable {
    /// Cell `col` of `row`, empty past its last cell.
    pub fn cell(&self, row: &RawRow, col: usize) -> &str {
        if col < row.len {
            self.cells.get(row.first + col)
        } else {
            ""
        }
    }

    /// Adds a row of raw cells, cleaned; fails once the table outgrows the
    /// 4 GB its cell offsets can address.
    pub(super) fn push_row<S: AsRef<str>>(
        &mut self,
        line: usize,
        cells: impl Iterator<Item = S>,
    ) -> Result<(), ReadError> {
        let first = self.cells.ends.len();
        let mut filled = 0;
        for (n, cell) in cells.enumerate() {
            let cell = normalise::cell(cell.as_ref());
            self.cells.push(&cell);
            if !cell.is_empty() {
                filled = n + 1;
            }
        }
        // Blank rows are dropped, and so are trailing empty columns.
        self.cells.truncate(first + filled);
        if filled > 0 {
            self.rows.push(RawRow { line, first, len: filled });
        }
        if self.cells.text.len() > u32::MAX as usize {
            return Err(too_large());
        }
        Ok(())
    }

    /// Adds the rows of `next`, a later piece of the same file whose line
    /// numbers start `lines` lines further down.
    pub(super) fn append(&mut self, next: RawTable, lines: usize) {
        let (text_base, cell_base) = (self.cells.text.len() as u32, self.cells.ends.len());
        self.cells.text.push_str(&next.cells.text);
        self.cells.ends.extend(next.cells.ends.iter().map(|e| e + text_base));
        self.rows.extend(next.rows.iter().map(|r| RawRow {
            line: r.line + lines,
            first: r.first + cell_base,
            len: r.len,
        }));
    }

    pub(super) fn reserve(&mut self, bytes: usize) {
        self.rows.reserve(bytes / 64);
        self.cells.text.reserve(bytes);
        self.cells.ends.reserve(bytes / 8);
    }
}

/// A problem reading the file itself (not its contents): line 0 if unknown.
#[derive(Debug)]
pub struct ReadError {
    pub line: usize,
    pub message: String,
    pub hint: &'static str,
}

/// Cell offsets are 32-bit: half the memory of a large table's index.
pub(super) fn too_large() -> ReadError {
    ReadError { line: 0, message: "数据文件超过 4 GB，无法读取".into(), hint: "把名单拆成几个文件" }
}

/// `bytes` are the file's contents; its name decides the format.
pub fn read(path: &Path, bytes: &[u8], sheet: Option<&str>) -> Result<RawTable, ReadError> {
    let ext = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "csv" | "txt" | "tsv" => super::csv_file::read(bytes),
        "xlsx" | "xlsm" | "xls" | "ods" => read_sheet(bytes, sheet),
        _ => Err(ReadError {
            line: 0,
            message: format!("不支持的数据文件类型“.{ext}”"),
            hint: "数据文件请用 .csv（Excel“另存为 CSV”）或 .xlsx",
        }),
    }
}

fn read_sheet(bytes: &[u8], sheet: Option<&str>) -> Result<RawTable, ReadError> {
    use calamine::Reader;
    let fail =
        |message: String| ReadError {
            line: 0, message, hint: "用 Excel 打开确认文件没有损坏，或另存为 .xlsx 后再试"
        };
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| fail(format!("无法打开表格文件：{e}")))?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(s) if names.iter().any(|n| n == s) => s.to_string(),
        Some(s) => {
            return Err(ReadError {
                line: 0,
                message: format!("表格中没有名为“{s}”的工作表（现有：{}）", names.join("、")),
                hint: "sheet 写工作表标签上的名字",
            })
        }
        None => names.first().cloned().ok_or_else(|| fail("表格文件里没有工作表".into()))?,
    };
    let range = book.worksheet_range(&name).map_err(|e| fail(format!("无法读取工作表“{name}”：{e}")))?;
    let first_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
    let mut table = RawTable { encoding: "xlsx", ..RawTable::default() };
    for (i, row) in range.rows().enumerate() {
        table.push_row(first_row + i + 1, row.iter().map(cell_text))?;
    }
    Ok(table)
}

/// Excel cells as the text staff typed. A number is written without a
/// trailing `.0`; a huge number (an ID typed into a number cell) keeps
/// Excel's 15 significant digits so the truncation is detected.
fn cell_text(c: &calamine::Data) -> String {
    use calamine::Data;
    match c {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() >= 1e15 => excel_digits(*f),
        Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "是" } else { "否" }.into(),
        // Excel serial dates count days from 1899-12-30.
        Data::DateTime(d) => chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
            .and_then(|base| base.checked_add_signed(chrono::Duration::days(d.as_f64() as i64)))
            .map(|t| t.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// A whole number of 16 or more digits as Excel holds it: at most 15
/// significant digits, then zeros (an 18-digit ID becomes `…000`).
fn excel_digits(f: f64) -> String {
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: usize = exp.parse().unwrap_or(0);
    let mut digits: String = mantissa.chars().filter(char::is_ascii_digit).take(15).collect();
    while digits.len() < exp + 1 {
        digits.push('0');
    }
    digits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_numbers_keep_excels_fifteen_digits() {
        assert_eq!(excel_digits(430621200801010000.0), "430621200801010000");
        assert_eq!(excel_digits(4.30621e17), "430621000000000000");
    }
}
