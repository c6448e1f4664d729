//! Workbooks through calamine: every sheet, hidden ones included, read
//! cell by cell (xlsx and xlsb as a stream of the cells that exist, so a
//! sheet with one cell at A1 and one at XFD1048576 costs two cells), and
//! legacy OLE2 files (.xls; a .doc, .ppt or a password-protected file is
//! unreadable with a hint).

use super::{guarded, Found, Outcome, Piece, Sheet, MAX_CELLS};
use calamine::{DataType, Reader, SheetType, SheetVisible};
use std::io::Cursor;

/// Sheets of an xlsx/xlsm (or, with `binary`, xlsb) workbook.
pub(super) fn read_xlsx(bytes: &[u8], binary: bool) -> Result<Vec<Sheet>, String> {
    guarded("读取 Excel 表格", || {
        let fail = |e: String| format!("Excel 表格已损坏，无法读取（{e}）");
        let mut cells = Cells::default();
        // Xlsb and Xlsx have the same cell readers under different types.
        macro_rules! read_worksheets {
            ($book:expr) => {{
                let mut book = $book.map_err(|e| fail(e.to_string()))?;
                for meta in book.sheets_metadata().to_vec() {
                    if meta.typ != SheetType::WorkSheet {
                        continue;
                    }
                    let mut reader = book.worksheet_cells_reader(&meta.name).map_err(|e| fail(e.to_string()))?;
                    cells.begin(sheet_label(&meta));
                    while let Some(cell) = reader.next_cell().map_err(|e| fail(e.to_string()))? {
                        cells.add(cell.get_position(), cell.get_value())?;
                    }
                }
            }};
        }
        if binary {
            read_worksheets!(calamine::Xlsb::new(Cursor::new(bytes)));
        } else {
            read_worksheets!(calamine::Xlsx::new(Cursor::new(bytes)));
        }
        Ok(cells.finish())
    })
}

/// A legacy OLE2 compound file, told by the streams its directory names:
/// `WordDocument` is a .doc, `PowerPoint Document` a .ppt,
/// `EncryptedPackage` an OOXML file with an open password; `Workbook` or
/// `Book` an .xls, checked (see [`super::ole`]) and read through calamine.
pub(super) fn read_ole(bytes: &[u8]) -> Outcome {
    let compound = super::ole::open(bytes)?;
    let has = |name: &str| compound.names.iter().any(|n| n.eq_ignore_ascii_case(name));
    if has("EncryptedPackage") || has("EncryptionInfo") {
        return Err("Office 文件设置了打开密码，无法读取其中的文字；请去掉密码后再放入".into());
    }
    if has("WordDocument") {
        return Err("旧版 Word 文档（.doc）无法读取，请用 Word 或 WPS 另存为 .docx 或 PDF 后再放入".into());
    }
    if has("PowerPoint Document") {
        return Err("旧版 PowerPoint 文件（.ppt）无法读取，请另存为 .pptx 或 PDF 后再放入".into());
    }
    let Some(workbook) = compound.workbook else {
        return Err(
            "无法识别的 Office 旧版文件（OLE 复合文档），无法读取其中的文字；请另存为 .docx、.xlsx 或 PDF".into()
        );
    };
    super::ole::check_workbook(&workbook)?;
    let sheets = guarded("读取 Excel 表格（.xls）", || {
        let mut book = calamine::Xls::new(Cursor::new(bytes)).map_err(|e| match e {
            calamine::XlsError::Password => "Excel 文件设置了密码，无法读取；请去掉密码后再放入".to_string(),
            e => format!("Excel 表格（.xls）已损坏，无法读取（{e}）"),
        })?;
        let mut cells = Cells::default();
        for meta in book.sheets_metadata().to_vec() {
            if meta.typ != SheetType::WorkSheet {
                continue;
            }
            let range = book.worksheet_range(&meta.name).map_err(|e| format!("Excel 表格（.xls）无法读取（{e}）"))?;
            cells.begin(sheet_label(&meta));
            for (row, col, value) in range.used_cells() {
                let (r0, c0) = range.start().unwrap_or((0, 0));
                cells.add((r0 + row as u32, c0 + col as u32), value)?;
            }
        }
        Ok(cells.finish())
    })?;
    Ok(found_from_sheets(sheets))
}

/// One piece per sheet (its rows, cells separated by tabs) and the sheets.
pub(super) fn found_from_sheets(sheets: Vec<Sheet>) -> Found {
    let mut found = Found::default();
    for s in sheets {
        found.pieces.push(Piece { label: s.label.clone(), text: sheet_text(&s.rows) });
        found.sheets.push(s);
    }
    found
}

pub(super) fn sheet_text(rows: &[Vec<String>]) -> String {
    let mut text = String::new();
    for row in rows {
        let mut first = true;
        for cell in row {
            if !first {
                text.push('\t');
            }
            first = false;
            text.push_str(cell);
        }
        text.push('\n');
    }
    text
}

fn sheet_label(meta: &calamine::Sheet) -> String {
    match meta.visible {
        SheetVisible::Visible => meta.name.clone(),
        SheetVisible::Hidden | SheetVisible::VeryHidden => format!("{}（隐藏）", meta.name),
    }
}

/// Most columns a sheet row keeps (text past it is still in the piece).
const MAX_COLUMNS: u32 = 1024;

/// A non-empty cell: row, column, text.
type CellText = (u32, u32, String);

/// Cells of several sheets, collected sparsely and laid out in rows at the end.
#[derive(Default)]
struct Cells {
    sheets: Vec<(String, Vec<CellText>)>,
    total: usize,
}

impl Cells {
    fn begin(&mut self, label: String) {
        self.sheets.push((label, Vec::new()));
    }

    fn add(&mut self, pos: (u32, u32), value: &impl DataType) -> Result<(), String> {
        let text = cell_text(value);
        let text = text.trim();
        if text.is_empty() {
            return Ok(());
        }
        self.total += 1;
        if self.total > MAX_CELLS {
            return Err(format!("表格超过 {MAX_CELLS} 个单元格，无法全部读取"));
        }
        if let Some((_, cells)) = self.sheets.last_mut() {
            cells.push((pos.0, pos.1, text.to_string()));
        }
        Ok(())
    }

    fn finish(self) -> Vec<Sheet> {
        self.sheets
            .into_iter()
            .map(|(label, mut cells)| {
                cells.sort_by_key(|&(r, c, _)| (r, c));
                let first_col = cells.iter().map(|c| c.1).min().unwrap_or(0);
                let mut rows: Vec<Vec<String>> = Vec::new();
                let mut last_row = None;
                for (r, c, text) in cells {
                    if last_row != Some(r) {
                        rows.push(Vec::new());
                        last_row = Some(r);
                    }
                    let col = c - first_col;
                    let Some(row) = rows.last_mut() else { continue };
                    if col >= MAX_COLUMNS {
                        // Out of the table's shape; keep the text at the row's end.
                        row.push(text);
                        continue;
                    }
                    if row.len() < col as usize {
                        row.resize(col as usize, String::new());
                    }
                    row.push(text);
                }
                Sheet { label, rows }
            })
            .collect()
    }
}

/// A cell as the text a reader sees. Whole numbers have no `.0`; a number
/// of 16 or more digits (an ID typed into a number cell) is written out
/// in full as Excel holds it; a date cell becomes `YYYY-MM-DD`.
fn cell_text(v: &impl DataType) -> String {
    if let Some(s) = v.get_string().or_else(|| v.get_datetime_iso()).or_else(|| v.get_duration_iso()) {
        return s.to_string();
    }
    if let Some(i) = v.get_int() {
        return i.to_string();
    }
    if let Some(d) = v.get_datetime() {
        if d.is_datetime() {
            let days = d.as_f64();
            return chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
                .filter(|_| days.is_finite() && days.abs() < 3e6)
                .and_then(|base| base.checked_add_signed(chrono::Duration::days(days.floor() as i64)))
                .map(|t| t.format("%Y-%m-%d").to_string())
                .unwrap_or_else(|| days.to_string());
        }
        return d.as_f64().to_string();
    }
    if let Some(f) = v.get_float() {
        return match f {
            f if f.is_finite() && f.fract() == 0.0 && f.abs() >= 1e15 && f.abs() < 1e21 => excel_digits(f),
            f if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
            f => f.to_string(),
        };
    }
    if let Some(b) = v.get_bool() {
        return if b { "TRUE" } else { "FALSE" }.into();
    }
    if let Some(e) = v.get_error() {
        return format!("#{e:?}");
    }
    String::new()
}

/// A whole number of 16 to 21 digits as Excel shows it: 15 significant
/// digits, then zeros (an 18-digit ID typed into a number cell ends `…000`).
fn excel_digits(f: f64) -> String {
    let sci = format!("{:.14e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: usize = exp.parse().unwrap_or(0);
    let mut digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    while digits.len() < exp + 1 {
        digits.push('0');
    }
    digits.truncate(exp + 1);
    if f < 0.0 {
        digits.insert(0, '-');
    }
    digits
}

#[cfg(test)]
mod tests {
    use super::super::fixtures;
    use super::super::{extract, Extracted};

    #[test]
    fn hidden_sheet_holding_an_id_number_is_extracted() {
        let Extracted::Readable { pieces, sheets } = extract("名单.xlsx", &fixtures::xlsx_with_hidden_sheet()) else {
            panic!()
        };
        let labels: Vec<&str> = pieces.iter().map(|p| p.label.as_str()).collect();
        assert!(labels.contains(&"公示") && labels.contains(&"原始数据（隐藏）"), "{labels:?}");
        let hidden = sheets.iter().find(|s| s.label == "原始数据（隐藏）").unwrap();
        assert_eq!(hidden.rows[1], ["张小明", "11010519491231002X", "13812345678"]);
        let hidden_text = &pieces.iter().find(|p| p.label == "原始数据（隐藏）").unwrap().text;
        assert!(hidden_text.contains("张小明\t11010519491231002X\t13812345678\n"), "{hidden_text}");
    }

    #[test]
    fn numbers_dates_and_odd_positions_read_as_staff_see_them() {
        let Extracted::Readable { sheets, .. } = extract("a.xlsx", &fixtures::xlsx_numbers()) else { panic!() };
        let s = &sheets[0];
        // C3:D5 in the workbook: the table starts at its first used column.
        assert_eq!(s.rows[0], ["电话", "出生日期", "金额"]);
        assert_eq!(s.rows[1], ["13812345678", "2010-05-01", "1250.5"]);
        assert_eq!(s.rows[2], ["430621200501011000", "", "TRUE"]);
    }

    #[test]
    fn renamed_xlsx_is_found_by_content() {
        let Extracted::Readable { pieces, .. } = extract("名单.csv.bak", &fixtures::xlsx_with_hidden_sheet()) else {
            panic!()
        };
        assert!(pieces.iter().any(|p| p.text.contains("11010519491231002X")));
        let Extracted::Readable { sheets, .. } = extract("名单", &fixtures::xlsx_with_hidden_sheet()) else {
            panic!()
        };
        assert_eq!(sheets.len(), 2);
    }

    #[test]
    fn legacy_xls_is_read_with_hidden_sheets() {
        let bytes = fixtures::committed("名单.xls");
        let Extracted::Readable { pieces, sheets } = extract("名单.xls", &bytes) else { panic!() };
        let labels: Vec<&str> = sheets.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, ["公示", "原始数据（隐藏）"]);
        assert_eq!(sheets[1].rows[1], ["张小明", "11010519491231002X", "13812345678"]);
        assert!(pieces[1].text.contains("11010519491231002X"));
    }

    #[test]
    fn legacy_doc_ppt_and_encrypted_office_files_are_unreadable_with_hints() {
        for (name, stream, hint) in [
            ("a.doc", "WordDocument", ".docx"),
            ("a.ppt", "PowerPoint Document", ".pptx"),
            ("a.xlsx", "EncryptedPackage", "密码"),
            ("a.bin", "Whatever", "无法识别"),
        ] {
            let Extracted::Unreadable { why } = extract(name, &fixtures::ole_with_stream(stream)) else {
                panic!("{name}")
            };
            assert!(why.contains(hint), "{name}: {why}");
        }
    }

    #[test]
    fn corrupt_xlsx_is_unreadable() {
        let xlsx = fixtures::xlsx_with_hidden_sheet();
        let members = fixtures::unzip(&xlsx);
        let broken: Vec<(&str, &[u8])> = members
            .iter()
            .map(|(n, b)| (n.as_str(), if n == "xl/workbook.xml" { &b"<workbook><sheets><sheet"[..] } else { &b[..] }))
            .collect();
        let Extracted::Unreadable { why } = extract("a.xlsx", &fixtures::zip_of(&broken)) else {
            panic!("a workbook whose sheet list is cut off was read")
        };
        assert!(why.starts_with("Excel 表格已损坏"), "{why}");
    }
}
