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
    /// Cells were split at delimiters (CSV, tab-separated text), not placed
    /// by a workbook: a stray delimiter shifts the cells after it, and a
    /// line break inside a cell means a quote spanned lines.
    pub delimited: bool,
    /// How the cells were found, for messages: the separator of a text
    /// file, or the sheet of a workbook and the sheets it has.
    pub how: String,
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

/// Zip (xlsx, xlsm, xlsb, ods, WPS .et of today) and OLE2 (xls, older
/// WPS .et) files start with these bytes.
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE2_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

const SHEET_EXTENSIONS: [&str; 7] = ["xlsx", "xlsm", "xlsb", "xls", "ods", "et", "ett"];

/// `bytes` are the file's contents. A workbook is recognised by its first
/// bytes whatever its name (an .xlsx renamed .csv, a WPS .et); otherwise
/// the name decides, and a text file named .xls (what some national
/// systems export) is read as the CSV or tab-separated text it is.
pub fn read(path: &Path, bytes: &[u8], sheet: Option<&str>) -> Result<RawTable, ReadError> {
    let ext = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    let known = ["csv", "txt", "tsv"].contains(&ext.as_str()) || SHEET_EXTENSIONS.contains(&ext.as_str());
    if !known {
        return Err(ReadError {
            line: 0,
            message: format!("不支持的数据文件类型“.{ext}”"),
            hint: "数据文件请用 .csv（Excel“另存为 CSV”）、.xlsx、.xls 或 WPS 的 .et",
        });
    }
    if bytes.starts_with(ZIP_MAGIC) || bytes.starts_with(OLE2_MAGIC) {
        return read_sheet(bytes, sheet);
    }
    if SHEET_EXTENSIONS.contains(&ext.as_str()) {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_lowercase();
        if head.contains("<html") || head.contains("<table") || head.contains("<?xml") {
            return Err(ReadError {
                line: 0,
                message: format!("这个“.{ext}”文件其实是网页（HTML/XML）格式，不是真正的表格文件"),
                hint: "用 Excel 或 WPS 打开它，另存为 .xlsx 或“CSV UTF-8”后再用",
            });
        }
    }
    super::csv_file::read(bytes)
}

fn read_sheet(bytes: &[u8], sheet: Option<&str>) -> Result<RawTable, ReadError> {
    use calamine::{Reader, Sheets};
    let fail =
        |message: String| ReadError {
            line: 0, message, hint: "用 Excel 打开确认文件没有损坏，或另存为 .xlsx 后再试"
        };
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| fail(format!("无法打开表格文件：{e}")))?;
    let encoding = match &book {
        Sheets::Xls(_) => "xls",
        Sheets::Xlsx(_) => "xlsx",
        Sheets::Xlsb(_) => "xlsb",
        Sheets::Ods(_) => "ods",
    };
    let name = choose_sheet(book.sheets_metadata(), sheet)?;
    let sheets: Vec<String> = book
        .sheets_metadata()
        .iter()
        .filter(|s| s.typ == calamine::SheetType::WorkSheet)
        .map(|s| {
            let hidden = if s.visible == calamine::SheetVisible::Visible { "" } else { "（隐藏）" };
            format!("“{}”{hidden}", s.name)
        })
        .collect();
    let how = format!("读的是工作表“{name}”；工作簿中的工作表：{}", sheets.join("、"));
    let range = book.worksheet_range(&name).map_err(|e| fail(format!("无法读取工作表“{name}”：{e}")))?;
    let first_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
    let mut table = RawTable { encoding, how, ..RawTable::default() };
    for (i, row) in range.rows().enumerate() {
        table.push_row(first_row + i + 1, row.iter().map(cell_text))?;
    }
    Ok(table)
}

/// The worksheet to read: the one named by `sheet =` (hidden ones only
/// so), else the only visible one. A workbook often hides its raw data
/// (IDs, phones, addresses) in a sheet before the visible 公示 sheet: that
/// sheet is never read by default, and with two visible sheets the bundle
/// must say which.
fn choose_sheet(sheets: &[calamine::Sheet], wanted: Option<&str>) -> Result<String, ReadError> {
    use calamine::{SheetType, SheetVisible};
    let worksheets = sheets.iter().filter(|s| s.typ == SheetType::WorkSheet);
    let (visible, hidden): (Vec<&calamine::Sheet>, Vec<&calamine::Sheet>) =
        worksheets.partition(|s| s.visible == SheetVisible::Visible);
    let quoted = |v: &[&calamine::Sheet]| v.iter().map(|s| format!("“{}”", s.name)).collect::<Vec<_>>().join("、");
    let listing = || {
        let mut text = format!("可见的工作表：{}", if visible.is_empty() { "无".into() } else { quoted(&visible) });
        if !hidden.is_empty() {
            text.push_str(&format!("；隐藏的工作表：{}", quoted(&hidden)));
        }
        text
    };
    match wanted {
        Some(w) => match visible.iter().chain(&hidden).find(|s| s.name == w || s.name.trim() == w.trim()) {
            Some(s) => Ok(s.name.clone()),
            None => Err(ReadError {
                line: 0,
                message: format!("表格中没有名为“{w}”的工作表（{}）", listing()),
                hint: "sheet 写工作表标签上的名字",
            }),
        },
        None => match visible.as_slice() {
            [only] => Ok(only.name.clone()),
            [] => Err(ReadError {
                line: 0,
                message: format!("表格中没有可见的工作表（{}）", listing()),
                hint: "在 index.md 的头信息中用 sheet = \"工作表名\" 指定要读的工作表",
            }),
            more => Err(ReadError {
                line: 0,
                message: format!("表格中有 {} 个可见的工作表，不知道该读哪一个（{}）", more.len(), listing()),
                hint: "在 index.md 的头信息中用 sheet = \"工作表名\" 指定公示用的工作表",
            }),
        },
    }
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

    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};

    /// An xlsx workbook of `(name, hidden, rows)` sheets, the first visible
    /// one active (Excel cannot hide the active sheet).
    fn workbook(sheets: &[(&str, bool, &[&[&str]])]) -> Vec<u8> {
        let mut book = Workbook::new();
        let mut active = false;
        for (name, hidden, rows) in sheets {
            let mut ws = Worksheet::new();
            ws.set_name(*name).unwrap();
            for (r, row) in rows.iter().enumerate() {
                for (c, text) in row.iter().enumerate() {
                    ws.write_string(r as u32, c as u16, *text).unwrap();
                }
            }
            if *hidden {
                ws.set_hidden(true);
            } else if !active {
                ws.set_active(true);
                active = true;
            }
            book.push_worksheet(ws);
        }
        book.save_to_buffer().unwrap()
    }

    fn first_cells(t: &RawTable) -> Vec<&str> {
        t.rows.iter().map(|r| t.cell(r, 0)).collect()
    }

    const RAW: &[&[&str]] = &[&["姓名", "身份证号", "联系电话"], &["张三", "11010519491231002X", "13812345678"]];
    const PUBLIC: &[&[&str]] = &[&["姓名", "班级"], &["张三", "高一1班"]];

    #[test]
    fn a_hidden_first_sheet_is_not_read_by_default() {
        let bytes = workbook(&[("原始数据", true, RAW), ("公示", false, PUBLIC)]);
        let t = read(Path::new("名单.xlsx"), &bytes, None).unwrap();
        assert_eq!(t.cell(&t.rows[1], 1), "高一1班");
        assert_eq!(t.encoding, "xlsx");
    }

    #[test]
    fn a_hidden_sheet_is_read_when_named() {
        let bytes = workbook(&[("原始数据", true, RAW), ("公示", false, PUBLIC)]);
        let t = read(Path::new("名单.xlsx"), &bytes, Some("原始数据")).unwrap();
        assert_eq!(t.cell(&t.rows[1], 1), "11010519491231002X");
    }

    #[test]
    fn two_visible_sheets_need_a_name() {
        let bytes = workbook(&[("原始数据", true, RAW), ("公示", false, PUBLIC), ("汇总", false, PUBLIC)]);
        let e = read(Path::new("名单.xlsx"), &bytes, None).unwrap_err();
        assert_eq!(e.line, 0);
        assert!(e.message.contains("2 个可见的工作表"), "{}", e.message);
        assert!(e.message.contains("可见的工作表：“公示”、“汇总”；隐藏的工作表：“原始数据”"), "{}", e.message);
        assert!(e.hint.contains("sheet ="));
        assert_eq!(first_cells(&read(Path::new("名单.xlsx"), &bytes, Some("汇总")).unwrap()), ["姓名", "张三"]);
        let e = read(Path::new("名单.xlsx"), &bytes, Some("名单")).unwrap_err();
        assert!(e.message.contains("没有名为“名单”的工作表"), "{}", e.message);
        assert!(e.message.contains("隐藏的工作表：“原始数据”"), "{}", e.message);
    }

    #[test]
    fn workbooks_are_known_by_content_not_name() {
        let bytes = workbook(&[("公示", false, PUBLIC)]);
        for name in ["名单.xlsx", "名单.et", "名单.xls", "名单.csv"] {
            let t = read(Path::new(name), &bytes, None).unwrap_or_else(|e| panic!("{name}: {}", e.message));
            assert_eq!(first_cells(&t), ["姓名", "张三"], "{name}");
        }
        // Tab-separated text named .xls, as some national systems export.
        let t = read(Path::new("名单.xls"), "姓名\t班级\n张三\t高一1班\n".as_bytes(), None).unwrap();
        assert_eq!(t.cell(&t.rows[1], 1), "高一1班");
        let e = read(Path::new("名单.xls"), b"<html><table><tr><td>x</td></tr></table></html>", None).unwrap_err();
        assert!(e.message.contains("网页"), "{}", e.message);
        assert!(read(Path::new("名单.docx"), &bytes, None).is_err());
    }

    #[test]
    fn excel_date_cells_become_iso_dates() {
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        ws.write_string(0, 0, "姓名").unwrap();
        ws.write_string(0, 1, "备注").unwrap();
        ws.write_string(1, 0, "张三").unwrap();
        let date = ExcelDateTime::from_ymd(2008, 3, 15).unwrap();
        ws.write_datetime_with_format(1, 1, &date, &Format::new().set_num_format("yyyy年m月d日")).unwrap();
        let t = read(Path::new("名单.xlsx"), &book.save_to_buffer().unwrap(), None).unwrap();
        assert_eq!(t.cell(&t.rows[1], 1), "2008-03-15");
    }

    #[test]
    fn huge_numbers_keep_excels_fifteen_digits() {
        assert_eq!(excel_digits(430621200801010000.0), "430621200801010000");
        assert_eq!(excel_digits(4.30621e17), "430621000000000000");
    }
}
