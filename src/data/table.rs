//! Reads a data file into rows of cleaned text cells, each with the line
//! (CSV) or row number (Excel) staff see in their editor.

use super::decode::decode;
use super::normalise;
use std::path::Path;

#[derive(Debug, Clone)]
pub struct RawRow {
    pub line: usize,
    /// Cleaned cells in one buffer (two allocations a row, not one a cell:
    /// allocation was most of reading 100,000 rows).
    pub cells: csv::StringRecord,
}

#[derive(Debug, Clone, Default)]
pub struct RawTable {
    pub rows: Vec<RawRow>,
    /// How the file was read, for the build log (`UTF-8`, `GB18030`, `xlsx`).
    pub encoding: &'static str,
}

/// A problem reading the file itself (not its contents): line 0 if unknown.
#[derive(Debug)]
pub struct ReadError {
    pub line: usize,
    pub message: String,
    pub hint: &'static str,
}

/// `bytes` are the file's contents; its name decides the format.
pub fn read(path: &Path, bytes: &[u8], sheet: Option<&str>) -> Result<RawTable, ReadError> {
    let ext = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "csv" | "txt" | "tsv" => read_csv(bytes),
        "xlsx" | "xlsm" | "xls" | "ods" => read_sheet(bytes, sheet),
        _ => Err(ReadError {
            line: 0,
            message: format!("不支持的数据文件类型“.{ext}”"),
            hint: "数据文件请用 .csv（Excel“另存为 CSV”）或 .xlsx",
        }),
    }
}

pub fn read_csv(bytes: &[u8]) -> Result<RawTable, ReadError> {
    let decoded = decode(bytes).map_err(|message| ReadError {
        line: 0,
        message,
        hint: "在 Excel 或 WPS 中另存为“CSV UTF-8”或“CSV（逗号分隔）”",
    })?;
    let first_line = decoded.text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    // Excel's "Unicode text" is tab-separated UTF-16.
    let delimiter = if first_line.contains('\t') && !first_line.contains(',') { b'\t' } else { b',' };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(decoded.text.as_bytes());
    // The csv crate does not count blank lines in its line numbers; byte
    // offsets are exact, so lines are counted from those.
    let mut lines = LineCounter { text: decoded.text.as_bytes(), at: 0, line: 1 };
    let mut rows = Vec::with_capacity(decoded.text.len() / 64);
    let mut record = csv::StringRecord::new();
    loop {
        let more = reader.read_record(&mut record).map_err(|e| ReadError {
            line: e.position().map(|p| lines.line_at(p.byte())).unwrap_or(0),
            message: format!("CSV 格式错误：{e}"),
            hint: "常见原因是单元格里有不成对的英文双引号",
        })?;
        if !more {
            break;
        }
        let line = record.position().map(|p| lines.line_at(p.byte())).unwrap_or(0);
        // Cleaning never lengthens a cell, so the raw sizes are enough.
        push_row(&mut rows, line, record.iter(), (record.as_slice().len(), record.len()));
    }
    Ok(RawTable { rows, encoding: decoded.encoding })
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
    let mut rows = Vec::new();
    for (i, row) in range.rows().enumerate() {
        push_row(&mut rows, first_row + i + 1, row.iter().map(cell_text), (0, row.len()));
    }
    Ok(RawTable { rows, encoding: "xlsx" })
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

/// Line numbers of byte offsets, counted forward: records come in file order.
struct LineCounter<'a> {
    text: &'a [u8],
    at: usize,
    line: usize,
}

impl LineCounter<'_> {
    /// The line a record at `byte` starts on. A record's position can point
    /// at the blank lines before it: those are skipped.
    fn line_at(&mut self, byte: u64) -> usize {
        let mut to = (byte as usize).min(self.text.len());
        while to < self.text.len() && (self.text[to] == b'\n' || self.text[to] == b'\r') {
            to += 1;
        }
        if to > self.at {
            self.line += self.text[self.at..to].iter().filter(|&&b| b == b'\n').count();
            self.at = to;
        }
        self.line
    }
}

/// Keeps a row unless it is blank; trailing empty columns are dropped.
/// `capacity`: bytes and cells to reserve (one allocation each, not a
/// doubling series per row).
fn push_row<S: AsRef<str>>(
    rows: &mut Vec<RawRow>,
    line: usize,
    cells: impl Iterator<Item = S>,
    capacity: (usize, usize),
) {
    let mut record = csv::StringRecord::with_capacity(capacity.0, capacity.1);
    let mut filled = 0;
    for cell in cells {
        let cell = normalise::cell(cell.as_ref());
        record.push_field(&cell);
        if !cell.is_empty() {
            filled = record.len();
        }
    }
    if filled > 0 {
        record.truncate(filled);
        rows.push(RawRow { line, cells: record });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_lines_blank_rows_and_trailing_columns() {
        let t = read_csv("名单\n\n姓名,班级,,\n张三,１班,,\n\"李\n四\",2班\n".as_bytes()).unwrap();
        let lines: Vec<usize> = t.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [1, 3, 4, 5]);
        assert_eq!(t.rows[1].cells.iter().collect::<Vec<_>>(), ["姓名", "班级"]);
        assert_eq!(t.rows[2].cells.iter().collect::<Vec<_>>(), ["张三", "1班"]);
    }

    #[test]
    fn huge_numbers_keep_excels_fifteen_digits() {
        assert_eq!(excel_digits(430621200801010000.0), "430621200801010000");
        assert_eq!(excel_digits(4.30621e17), "430621000000000000");
    }

    #[test]
    fn tab_separated_utf16() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "姓名\t班级\n张三\t1班\n".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let t = read_csv(&bytes).unwrap();
        assert_eq!(t.rows[1].cells.iter().collect::<Vec<_>>(), ["张三", "1班"]);
    }
}
