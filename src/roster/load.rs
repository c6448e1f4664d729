//! Loading a roster: the header row found, every column given a role,
//! every row checked (names, ID numbers, amounts, duplicates), all
//! problems reported at once with file, line and column.

use super::{Column, Record, Roster};
use crate::data::normalise::squash;
use crate::data::table::{RawRow, RawTable};
use crate::data::{amount, idnum, normalise};
use crate::diag::Diagnostic;
use crate::fingerprint::FnvBuildHasher;
use crate::privacy::roles::{infer, sensitive, Role, NAME_HEADERS};
use crate::privacy::sniff;
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

/// What the build tells staff about a roster that loaded: inferred roles,
/// skipped footer rows.
pub struct Loaded {
    pub roster: Roster,
    pub notes: Vec<String>,
}

/// Where diagnostics point: the data file, and the bundle's index.md for
/// problems in `[columns]`.
pub struct Files<'a> {
    pub data: &'a str,
    pub index: &'a str,
    pub columns_line: usize,
    /// The bundle's `allow_empty`: a list without rows is then no error.
    pub allow_empty: bool,
}

const FOOTER_STARTS: [&str; 9] = ["合计", "总计", "小计", "制表", "审核", "填表", "注：", "说明：", "备注："];

pub fn load(
    table: RawTable,
    columns: Option<&BTreeMap<String, Role>>,
    files: &Files,
) -> Result<Loaded, Vec<Diagnostic>> {
    let header_at = find_header(&table, columns, files)?;
    let header_row = table.rows[header_at];
    let headers: Vec<String> = table.cells.row(&header_row).map(squash).collect();
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    let roles = assign_roles(&headers, columns, files, &mut problems, &mut notes);
    let Some(name_col) = roles.iter().position(|r| *r == Role::Name) else {
        problems.push(Diagnostic::new(files.data, header_row.line, "表头中没有姓名列"));
        return Err(problems);
    };
    let id_col = roles.iter().position(|r| *r == Role::IdNumber);
    let amount_col = roles.iter().position(|r| *r == Role::Amount);
    let guardian_col = roles.iter().position(|r| *r == Role::GuardianId);
    let columns: Vec<Column> =
        headers.iter().zip(&roles).map(|(h, r)| Column { header: h.clone(), role: *r }).collect();

    // Rows are checked in parallel chunks (a province list can hold
    // 100,000), then duplicates are found in file order so the first row is
    // the one named.
    let data_rows = &table.rows[header_at + 1..];
    let check = RowCheck {
        table: &table,
        columns: &columns,
        name_col,
        id_col,
        amount_col,
        guardian_col,
        files,
        width: header_row.len,
    };
    let checked: Vec<Checked> = data_rows
        .par_chunks(CHECK_CHUNK)
        .map(|chunk| {
            let mut out = Checked {
                records: Vec::with_capacity(chunk.len()),
                keys: Vec::with_capacity(chunk.len()),
                ..Checked::default()
            };
            for raw in chunk {
                check.row(raw, &mut out);
            }
            out
        })
        .collect();
    let mut records = Vec::with_capacity(data_rows.len());
    let mut keys = Vec::with_capacity(data_rows.len());
    let mut mangled = Vec::new();
    for chunk in checked {
        records.extend(chunk.records);
        keys.extend(chunk.keys);
        problems.extend(chunk.problems);
        notes.extend(chunk.notes);
        mangled.extend(chunk.mangled);
    }
    if let Some(c) = id_col {
        problems.extend(mangled_ids(&mangled, records.len(), &headers[c], c, files));
        problems.sort_by_key(|d| (d.line, d.column));
    }
    let total_fen = amount_col.map(|_| records.iter().filter_map(|r| r.amount_fen).sum());
    let roster = Roster { columns, table, records, name_col, id_col, amount_col, guardian_col, total_fen };
    if roster.records.is_empty() && !files.allow_empty {
        problems.push(
            Diagnostic::new(files.data, header_row.line, "名单只有表头，下面没有学生：不能公示“共 0 人”")
                .with_hint("检查导出的是不是空表；如果本期确实没有学生，在 index.md 的头信息中写 allow_empty = true"),
        );
    }
    problems.extend(never_public_values(&roster, files));
    problems.extend(duplicates(&roster, &keys, files));
    problems.extend(super::names_in_cells::check(&roster, files));
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Loaded { roster, notes })
}

/// The header row: the first with the name column, which `[columns]`
/// names (exactly one) or one of the usual name headers.
fn find_header(
    table: &RawTable,
    columns: Option<&BTreeMap<String, Role>>,
    files: &Files,
) -> Result<usize, Vec<Diagnostic>> {
    let name_headers: Vec<String> = match columns {
        Some(map) => {
            let names: Vec<String> = map.iter().filter(|(_, r)| **r == Role::Name).map(|(h, _)| squash(h)).collect();
            if names.len() != 1 {
                let msg = if names.is_empty() {
                    "[columns] 中没有指定姓名列"
                } else {
                    "[columns] 中指定了多个姓名列"
                };
                return Err(vec![
                    Diagnostic::new(files.index, files.columns_line, msg).with_hint("恰好一列写成 \"姓名\" = \"name\"")
                ]);
            }
            names
        }
        None => NAME_HEADERS.iter().map(|s| s.to_string()).collect(),
    };
    table.rows.iter().position(|r| table.cells.row(r).any(|c| name_headers.contains(&squash(c)))).ok_or_else(|| {
        let how = if table.how.is_empty() { String::new() } else { format!("（{}）", table.how) };
        vec![Diagnostic::new(files.data, 0, format!("找不到表头：没有哪一行含有“{}”{how}", name_headers.join("”或“")))
            .with_hint("表头行要有姓名列（表头上方的标题行会被自动跳过）；姓名列叫别的名字时，在 index.md 的 [columns] 里写 \"列名\" = \"name\"；读错了工作表时用 sheet = 指定")]
    })
}

const CHECK_CHUNK: usize = 4096;

/// IDs Excel stored as numbers. When at least three rows and half the
/// list have it, the column was a number column: reported once, with how
/// to make it text. Otherwise each row is reported at its cell.
fn mangled_ids(
    rows: &[(usize, idnum::IdProblem)],
    records: usize,
    header: &str,
    col: usize,
    files: &Files,
) -> Vec<Diagnostic> {
    let column_wide = rows.len() >= 3 && rows.len() * 2 >= records;
    match rows {
        [] => Vec::new(),
        _ if !column_wide => rows
            .iter()
            .map(|(line, p)| {
                let (msg, hint) = p.explain();
                Diagnostic::new(files.data, *line, format!("{msg}（{header}列）")).with_column(col + 1).with_hint(hint)
            })
            .collect(),
        [(first, _), ..] => {
            let lines: Vec<String> = rows.iter().take(5).map(|(l, _)| l.to_string()).collect();
            let more = if rows.len() > 5 { "……" } else { "" };
            vec![Diagnostic::new(
                files.data,
                *first,
                format!(
                    "“{header}”列（第 {} 列）是数字格式，Excel 把其中 {} 个身份证号改坏了（只保留 15 位，或变成 4.30621E+17 这样）：第 {}{more} 行",
                    col + 1,
                    rows.len(),
                    lines.join("、")
                ),
            )
            .with_column(col + 1)
            .with_hint("在 Excel 中选中这一列，右键“设置单元格格式”选“文本”，再把完整的 18 位号码重新粘贴或输入（改格式找不回已丢失的数字），保存后再构建")]
        }
    }
}

/// Consecutive rows after their own checks; duplicates are found afterwards.
#[derive(Default)]
struct Checked {
    /// Skipped rows (footers, no name) have none.
    records: Vec<Record>,
    /// One per record.
    keys: Vec<DupKey>,
    problems: Vec<Diagnostic>,
    notes: Vec<String>,
    /// Lines whose ID Excel turned into a number (`4.30621E+17`, `…000`),
    /// with the problem: one such row is reported as it is, several as one
    /// problem of the column.
    mangled: Vec<(usize, idnum::IdProblem)>,
}

/// What makes a row the same student as another.
#[derive(Clone, Copy, Default)]
enum DupKey {
    /// A valid ID number in this column.
    Id(usize),
    /// Without an ID, the same name in the same class.
    #[default]
    NameAndPlace,
}

/// Rows naming a student already listed, each pointing at the first one
/// (in file order). Keys borrow from the records: no string per row.
fn duplicates(roster: &Roster, keys: &[DupKey], files: &Files) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut seen: HashMap<Cow<str>, (usize, &'static str), FnvBuildHasher> =
        HashMap::with_capacity_and_hasher(roster.records.len(), FnvBuildHasher::default());
    for (record, key) in roster.records.iter().zip(keys) {
        let (key, why) = match *key {
            DupKey::Id(c) => (upper(roster.cell(record, c)), "身份证号相同"),
            DupKey::NameAndPlace => {
                let mut key = roster.name(record).to_string();
                for (c, _) in roster.columns.iter().enumerate().filter(|(_, c)| c.role == Role::Public) {
                    key.push('|');
                    key.push_str(roster.cell(record, c));
                }
                (Cow::Owned(key), "姓名和班级相同")
            }
        };
        if let Some((first, why)) = seen.get(&key) {
            problems.push(
                Diagnostic::new(
                    files.data,
                    record.line,
                    format!("与第 {first} 行是同一个学生（{why}）：“{}”重复", roster.name(record)),
                )
                .with_hint("删除重复的一行；如确是两名学生，请核对身份证号或班级"),
            );
        } else {
            seen.insert(key, (record.line, why));
        }
    }
    problems
}

/// An ID's check character may be typed `x`.
fn upper(id: &str) -> Cow<'_, str> {
    if id.bytes().any(|b| b.is_ascii_lowercase()) {
        Cow::Owned(id.to_ascii_uppercase())
    } else {
        Cow::Borrowed(id)
    }
}

/// What checking a row needs to know about the table.
struct RowCheck<'a> {
    table: &'a RawTable,
    columns: &'a [Column],
    name_col: usize,
    id_col: Option<usize>,
    amount_col: Option<usize>,
    guardian_col: Option<usize>,
    files: &'a Files<'a>,
    /// Cells in the header row: a delimited row with more is shifted.
    width: usize,
}

impl RowCheck<'_> {
    /// Checks the ID in column `c` of a row; gives what makes the row's
    /// student the same as another's.
    fn id(&self, raw: &RawRow, c: usize, out: &mut Checked) -> DupKey {
        let value = self.table.cell(raw, c);
        match idnum::check(value) {
            Ok(()) => {
                if let Some(doubt) = idnum::doubt(value) {
                    let (msg, hint) = doubt.explain();
                    out.notes.push(format!(
                        "{} 第 {} 行第 {} 列：{msg}（提示：{hint}）",
                        self.files.data,
                        raw.line,
                        c + 1
                    ));
                }
                DupKey::Id(c)
            }
            Err(p @ (idnum::IdProblem::Scientific | idnum::IdProblem::Truncated)) => {
                out.mangled.push((raw.line, p));
                DupKey::NameAndPlace
            }
            Err(p) => {
                let (msg, hint) = p.explain();
                let header = &self.columns[c].header;
                out.problems.push(
                    Diagnostic::new(self.files.data, raw.line, format!("{msg}（{header}列）"))
                        .with_column(c + 1)
                        .with_hint(hint),
                );
                DupKey::NameAndPlace
            }
        }
    }

    /// Checks one row on its own, adding its record or what is wrong to `out`.
    fn row(&self, raw: &RawRow, out: &mut Checked) {
        let (files, columns) = (self.files, self.columns);
        let cell = |col: usize| self.table.cell(raw, col);
        let name = normalise::name(cell(self.name_col));
        let at = |col: usize, msg: String| {
            Diagnostic::new(files.data, raw.line, format!("{msg}（{}列）", columns[col].header)).with_column(col + 1)
        };
        if FOOTER_STARTS.iter().any(|f| cell(0).starts_with(f)) {
            out.notes.push(format!("{} 第 {} 行是合计或说明行，已跳过", files.data, raw.line));
            return;
        }
        if self.table.delimited && raw.len > self.width {
            // A stray comma moved every cell after it one column right: the
            // row is refused whole, so nothing shifted reaches a public column.
            let extra = raw.len - self.width;
            out.problems.push(
                Diagnostic::new(
                    files.data,
                    raw.line,
                    format!("第 {} 行比表头多 {extra} 个单元格：这一行的内容会错位到别的列", raw.line),
                )
                .with_column(self.width + 1)
                .with_hint("多半是某个单元格里有英文逗号（如地址、1,500 没加引号）：删去多余的逗号或改成中文逗号，或在 Excel 中重新另存为 CSV"),
            );
            return;
        }
        if self.table.delimited {
            let broken =
                (0..columns.len()).find(|&c| columns[c].role.can_be_public() && cell(c).contains(['\n', '\r']));
            if let Some(c) = broken {
                out.problems.push(
                    at(c, "单元格里有换行：公开的列不能跨行，多半是前面一个英文双引号没有配对，把后面几行并进了这个单元格".into())
                        .with_hint("删去多余的英文双引号，让每个学生占一行；单元格里的换行请删掉"),
                );
                return;
            }
        }
        if name.is_empty() {
            out.problems.push(at(self.name_col, "姓名为空".into()).with_hint("补上姓名，或删除这一行"));
            return;
        }
        let key = match self.id_col {
            Some(c) => self.id(raw, c, out),
            None => DupKey::NameAndPlace,
        };
        out.problems.extend(self.guardian(raw));
        let amount_fen = self.amount_col.and_then(|c| {
            let fen = amount::parse_fen(cell(c));
            if fen.is_none() {
                out.problems.push(
                    at(c, format!("金额{}不是数字", sniff::quoted_for_message(cell(c))))
                        .with_hint("金额写成 1150、1,150、1150元 或 1150.00 都可以"),
                );
            }
            fen
        });
        let name = match name {
            Cow::Owned(squashed) => Some(squashed.into_boxed_str()),
            Cow::Borrowed(_) => None,
        };
        out.records.push(Record { line: raw.line, row: *raw, name, amount_fen });
        out.keys.push(key);
    }
}

impl RowCheck<'_> {
    /// A guardian's ID may be left empty; one that is filled must be valid.
    fn guardian(&self, raw: &RawRow) -> Option<Diagnostic> {
        let c = self.guardian_col?;
        let (msg, hint) =
            idnum::check(self.table.cell(raw, c)).err().filter(|_| !self.table.cell(raw, c).is_empty())?.explain();
        let header = &self.columns[c].header;
        Some(
            Diagnostic::new(self.files.data, raw.line, format!("{msg}（{header}列）"))
                .with_column(c + 1)
                .with_hint(hint),
        )
    }
}

/// Columns that can reach a public page whose values look never-public
/// (`privacy::sniff`): one error per column, at the first such cell.
fn never_public_values(roster: &Roster, files: &Files) -> Vec<Diagnostic> {
    // A public column whose header is never-public is refused by its name
    // already (`assign_roles`).
    let public: Vec<usize> = (0..roster.columns.len())
        .filter(|&c| roster.columns[c].role.can_be_public() && sensitive(&roster.columns[c].header).is_none())
        .collect();
    let hits: Vec<(usize, sniff::Hit)> = public
        .par_iter()
        .filter_map(|&c| sniff::column(roster.records.iter().map(|r| roster.cell(r, c))).map(|hit| (c, hit)))
        .collect();
    hits.into_iter()
        .map(|(c, hit)| {
            let column = &roster.columns[c];
            let more = if hit.count > 1 { format!("，这一列共 {} 行如此", hit.count) } else { String::new() };
            let hint = if c == roster.name_col {
                "姓名列只写姓名：核对这一行是否错位，或把其他信息移到不公开的列".to_string()
            } else {
                format!(
                    "在 index.md 的 [columns] 中把“{}”设为 \"private\"（只用于告知书）；没有 [columns] 时加上它，并写明姓名列和要公开的列",
                    column.header
                )
            };
            Diagnostic::new(
                files.data,
                roster.records[hit.index].line,
                format!(
                    "“{}”列（第 {} 列，设为 {}）的内容像{}：“{}”{more}，这一列不能公开",
                    column.header,
                    c + 1,
                    column.role.key(),
                    hit.seen.kind.label(),
                    hit.seen.masked
                ),
            )
            .with_column(c + 1)
            .with_hint(hint)
        })
        .collect()
}

fn assign_roles(
    headers: &[String],
    columns: Option<&BTreeMap<String, Role>>,
    files: &Files,
    problems: &mut Vec<Diagnostic>,
    notes: &mut Vec<String>,
) -> Vec<Role> {
    let Some(map) = columns else {
        let roles: Vec<Role> = headers.iter().map(|h| infer(h)).collect();
        let described: Vec<String> = headers
            .iter()
            .zip(&roles)
            .filter(|(h, _)| !h.is_empty())
            .map(|(h, r)| format!("{h}→{}", r.label()))
            .collect();
        notes.push(format!("{} 没有 [columns]，按表头推断：{}", files.index, described.join("，")));
        return roles;
    };
    for (header, role) in map {
        let squashed = squash(header);
        if !headers.contains(&squashed) {
            problems.push(
                Diagnostic::new(
                    files.index,
                    files.columns_line,
                    format!("[columns] 中的“{header}”在数据文件的表头中不存在"),
                )
                .with_hint(format!(
                    "表头有：{}",
                    headers.iter().filter(|h| !h.is_empty()).cloned().collect::<Vec<_>>().join("、")
                )),
            );
        }
        if let Some(why) = sensitive(&squashed).filter(|_| role.can_be_public()) {
            problems.push(
                Diagnostic::new(
                    files.index,
                    files.columns_line,
                    format!("“{header}”属于{why}，不能公开（不能设为 {}）", role.key()),
                )
                .with_hint("把它设为 \"private\"（只用于告知书），或从 [columns] 中删去"),
            );
        }
    }
    headers
        .iter()
        .map(|h| map.iter().find(|(k, _)| squash(k) == *h).map(|(_, r)| *r).unwrap_or(Role::Private))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::csv_file::read as read_csv;

    fn files() -> Files<'static> {
        Files { data: "d.csv", index: "index.md", columns_line: 5, allow_empty: false }
    }

    fn load_csv(csv: &str) -> Result<Loaded, Vec<Diagnostic>> {
        load(read_csv(csv.as_bytes()).unwrap(), None, &files())
    }

    #[test]
    fn skips_title_rows_and_infers_roles() {
        let l = load_csv("示例县第一中学拟资助名单,,\n制表日期：2025年10月,,\n姓名,班级,身份证号,联系电话\n张三,高一1班,11010519491231002X,13812345678\n").unwrap();
        assert_eq!(l.roster.records.len(), 1);
        assert_eq!(l.roster.records[0].line, 4);
        let roles: Vec<Role> = l.roster.columns.iter().map(|c| c.role).collect();
        assert_eq!(roles, [Role::Name, Role::Public, Role::IdNumber, Role::Private]);
        assert!(l.notes[0].contains("联系电话→不公开"));
    }

    #[test]
    fn reports_every_row_problem_with_line_and_column() {
        let errs = load_csv("姓名,班级,身份证号,资助金额\n,1班,11010519491231002X,1150\n李四,1班,4.30621E+17,1150\n王五,1班,430621200801010000,一千\n").err().unwrap();
        let lines: Vec<(usize, usize)> = errs.iter().map(|d| (d.line, d.column)).collect();
        assert_eq!(lines, [(2, 1), (3, 3), (4, 3), (4, 4)]);
        assert!(errs[1].message.contains("科学计数法"));
        assert!(errs[2].message.contains("截断"));
        assert!(errs[3].message.contains("不是数字"));
    }

    #[test]
    fn a_shifted_column_never_puts_a_private_number_in_a_message() {
        // The amount column holds an ID, or a note with a card and a phone.
        let csv = "姓名,班级,资助金额,身份证号\n张三,1班,430621200910076217,11010519491231002X\n李四,2班,1150（卡号6222021234567890123 电话13926685878）,110105200801010014\n";
        let errs = load_csv(csv).err().unwrap();
        let text: Vec<String> = errs.iter().map(ToString::to_string).collect();
        assert!(text.iter().any(|m| m.contains("不是数字")), "{text:?}");
        for secret in ["430621200910076217", "6222021234567890123", "13926685878"] {
            assert!(text.iter().all(|m| !m.contains(secret)), "{secret} in {text:?}");
        }
    }

    #[test]
    fn duplicates_by_id_or_by_name_and_class() {
        let errs =
            load_csv("姓名,班级,身份证号\n张三,1班,11010519491231002X\n张叁,2班,11010519491231002x\n").err().unwrap();
        assert!(errs[0].message.contains("与第 2 行是同一个学生（身份证号相同）"), "{}", errs[0]);
        let errs = load_csv("姓名,班级\n张三,1班\n张三,2班\n张 三,1班\n").err().unwrap();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].line, 4);
    }

    #[test]
    fn rows_get_exactly_one_cell_per_column() {
        let l = load_csv("姓名,班级,备注\n张三,1班,,,\n李 四\n王五,2班,转学\n").unwrap();
        let r = &l.roster;
        let rows: Vec<Vec<&str>> = r.records.iter().map(|rec| (0..3).map(|c| r.cell(rec, c)).collect()).collect();
        assert_eq!(rows, [vec!["张三", "1班", ""], vec!["李四", "", ""], vec!["王五", "2班", "转学"]]);
    }

    fn with_columns(csv: &str, columns: &[(&str, Role)], allow_empty: bool) -> Result<Loaded, Vec<Diagnostic>> {
        let map: BTreeMap<String, Role> = columns.iter().map(|(h, r)| (h.to_string(), *r)).collect();
        let files = Files { allow_empty, ..files() };
        load(read_csv(csv.as_bytes()).unwrap(), Some(&map), &files)
    }

    const NAME_CLASS_NOTE: &[(&str, Role)] = &[("姓名", Role::Name), ("班级", Role::Public), ("备注", Role::Public)];

    #[test]
    fn a_row_wider_than_the_header_is_refused_whole() {
        // The address's comma shifts 高一2班 into 备注 and the village into 班级.
        let csv = "姓名,班级,备注\n张三,高一1班,\n李四,新华村,3组,高一2班\n王五,高一3班,转学,,\n";
        let errs = with_columns(csv, NAME_CLASS_NOTE, false).err().unwrap();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!((errs[0].line, errs[0].column), (3, 4));
        assert!(errs[0].message.starts_with("第 3 行比表头多 1 个单元格"), "{}", errs[0].message);
        assert!(errs[0].hint.as_deref().unwrap().contains("逗号"));
        // A workbook places its cells: one past the header is not a shift.
        let mut t = read_csv(csv.as_bytes()).unwrap();
        t.delimited = false;
        assert!(load(t, None, &files()).is_ok());
    }

    #[test]
    fn a_line_break_in_a_public_cell_is_refused() {
        let csv = "姓名,班级,住址\n张三,\"高一1班\n李四\",新华村\n王五,高一2班,\"人民路\n12号\"\n";
        let errs = with_columns(csv, &[("姓名", Role::Name), ("班级", Role::Public)], false).err().unwrap();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!((errs[0].line, errs[0].column), (2, 2));
        assert!(errs[0].message.contains("换行"));
        // In a name column too.
        let errs =
            with_columns("姓名,班级\n\"张三\n李四\",高一1班\n", NAME_CLASS_NOTE[..2].as_ref(), false).err().unwrap();
        assert_eq!((errs[0].line, errs[0].column), (2, 1), "{errs:?}");
    }

    #[test]
    fn a_list_without_rows_needs_allow_empty() {
        let csv = "示例县第一中学拟资助名单\n姓名,班级\n合计,0\n";
        let errs = with_columns(csv, &NAME_CLASS_NOTE[..2], false).err().unwrap();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].line, 2);
        assert!(
            errs[0].message.contains("没有学生") && errs[0].hint.as_deref().unwrap().contains("allow_empty = true")
        );
        assert_eq!(with_columns(csv, &NAME_CLASS_NOTE[..2], true).unwrap().roster.count(), 0);
    }

    #[test]
    fn public_columns_with_never_public_values_are_refused() {
        let csv = "姓名,班级,备注,档次\n张三,高一1班,转学,一档\n李四,高一2班,2008-03-15,特困\n王五,高一3班,,二档\n";
        let cols = [("姓名", Role::Name), ("班级", Role::Public), ("备注", Role::Public), ("档次", Role::Tier)];
        let errs = with_columns(csv, &cols, false).err().unwrap();
        let at: Vec<(usize, usize)> = errs.iter().map(|d| (d.line, d.column)).collect();
        assert_eq!(at, [(3, 3), (3, 4)], "{errs:?}");
        assert!(
            errs[0].message.contains("“备注”列（第 3 列，设为 public）的内容像出生日期：“2008-**-**”"),
            "{}",
            errs[0]
        );
        assert!(!errs[0].message.contains("03-15"));
        assert!(errs[0].hint.as_deref().unwrap().contains("设为 \"private\""));
        assert!(errs[1].message.contains("家庭经济困难情况：“特困”"), "{}", errs[1]);
        // The same columns private: fine.
        let cols = [("姓名", Role::Name), ("班级", Role::Public), ("备注", Role::Private), ("档次", Role::Private)];
        assert!(with_columns(csv, &cols, false).is_ok());
        // A G + ID 学籍号 under a harmless header, and an ID in the name column.
        let errs = with_columns(
            "姓名,编号\n张三,G11010519491231002X\n",
            &[("姓名", Role::Name), ("编号", Role::Public)],
            false,
        )
        .err()
        .unwrap();
        assert!(errs[0].message.contains("身份证号：“110***********002X”"), "{}", errs[0]);
        let errs = load_csv("姓名,班级\n张三11010519491231002X,1班\n").err().unwrap();
        assert_eq!((errs[0].line, errs[0].column), (2, 1), "{errs:?}");
    }

    #[test]
    fn doubtful_ids_are_noted_with_their_line() {
        let l = load_csv("姓名,身份证号\n张三,110105200801019000\n李四,110105491231002\n王五,11010519491231002X\n")
            .unwrap();
        let doubts: Vec<&String> = l.notes.iter().filter(|n| n.starts_with("d.csv")).collect();
        assert_eq!(doubts.len(), 2, "{:?}", l.notes);
        assert!(
            doubts[0].starts_with("d.csv 第 2 行第 2 列：身份证号末尾是 000") && doubts[0].contains("文本"),
            "{}",
            doubts[0]
        );
        assert!(doubts[1].starts_with("d.csv 第 3 行第 2 列：这是 15 位的旧身份证号"), "{}", doubts[1]);
    }

    #[test]
    fn guardian_ids_may_be_empty_but_not_wrong() {
        let l = load_csv(
            "姓名,身份证号,监护人身份证号\n张三,11010519491231002X,\n李四,110105200801010014,11010519491231002X\n",
        )
        .unwrap();
        assert_eq!(l.roster.guardian_col, Some(2));
        let errs = load_csv("姓名,身份证号,监护人身份证号\n张三,11010519491231002X,4.30621E+17\n").err().unwrap();
        assert_eq!((errs[0].line, errs[0].column), (2, 3), "{errs:?}");
        assert!(errs[0].message.contains("监护人身份证号列"), "{}", errs[0]);
    }

    #[test]
    fn sums_amounts_and_skips_footer_rows() {
        let l = load_csv("姓名,班级,资助金额\n张三,1班,\"1,150\"\n李四,1班,800元\n合计,,1950\n").unwrap();
        assert_eq!(l.roster.total_fen, Some(195_000));
        assert_eq!(l.roster.records.len(), 2);
    }

    #[test]
    fn sensitive_columns_cannot_be_made_public() {
        let mut map = BTreeMap::new();
        map.insert("姓名".to_string(), Role::Name);
        map.insert("联系电话".to_string(), Role::Public);
        map.insert("困难类型".to_string(), Role::Tier);
        map.insert("不存在".to_string(), Role::Private);
        let t = read_csv("姓名,联系电话,困难类型\n张三,13812345678,低保\n".as_bytes()).unwrap();
        let errs = load(t, Some(&map), &files()).err().unwrap();
        assert_eq!(errs.len(), 3, "{errs:?}");
        assert!(errs.iter().all(|d| d.file == "index.md"));
    }
}
