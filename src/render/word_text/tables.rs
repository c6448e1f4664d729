//! Tables as Word and web pages paste them, made into Markdown tables:
//! - tab-separated lines (Word's table copied as text): one row a line; a
//!   header repeated after a page break is dropped;
//! - one cell per line (a web page's table): a run of known header words
//!   (时间, 工作内容, 责任单位, 备注 …) gives the columns; cells follow one a
//!   line, and a double blank line ends a row whose last cell is empty. A
//!   row without its first cell continues the one above (a merged 时间
//!   cell), and a cell wrapped onto two lines is joined again.

use super::lines::is_blank;

/// Markdown table lines with their source lines, and the index of the first
/// source line after the table.
pub type Table = (Vec<(String, usize)>, usize);

pub fn detect(src: &[&str], i: usize) -> Option<Table> {
    tab_table(src, i).or_else(|| cell_table(src, i))
}

fn cells(line: &str) -> Vec<String> {
    line.split('\t').map(|c| c.trim().to_string()).collect()
}

fn squashed(row: &[String]) -> String {
    row.iter().map(|c| c.chars().filter(|c| !c.is_whitespace()).collect::<String>()).collect::<Vec<_>>().join("\t")
}

fn tab_table(src: &[&str], i: usize) -> Option<Table> {
    // Most lines have no tab: no table starts there.
    if !src[i].contains('\t') {
        return None;
    }
    let first = cells(src[i]);
    if first.iter().filter(|c| !c.is_empty()).count() < 2 || !src.get(i + 1).is_some_and(|l| l.contains('\t')) {
        return None;
    }
    let header = squashed(&first);
    let mut rows: Vec<(Vec<String>, usize)> = vec![(first, i)];
    let mut j = i + 1;
    while j < src.len() {
        if src[j].contains('\t') && !is_blank(src[j]) {
            rows.push((cells(src[j]), j));
            j += 1;
        } else if is_blank(src[j]) && src.get(j + 1).is_some_and(|l| squashed(&cells(l)) == header) {
            // The header again after a page break.
            j += 2;
        } else {
            break;
        }
    }
    Some((markdown(rows), j))
}

/// Header words of schedule tables, compared without spaces.
const HEADER_WORDS: &[&str] = &[
    "时间",
    "日期",
    "月份",
    "时间安排",
    "时间节点",
    "完成时间",
    "完成时限",
    "时限",
    "工作内容",
    "内容",
    "主要工作",
    "工作任务",
    "重点工作",
    "具体工作",
    "工作事项",
    "事项",
    "任务",
    "主要内容",
    "工作要求",
    "工作措施",
    "措施",
    "责任单位",
    "牵头单位",
    "配合单位",
    "责任部门",
    "牵头部门",
    "负责部门",
    "责任人",
    "负责人",
    "责任领导",
    "备注",
    "序号",
    "项目",
    "完成情况",
];

fn is_header_word(line: &str) -> bool {
    // The longest header word is 4 characters: a long line is none of them,
    // however widely it is spaced out.
    if line.len() > 128 {
        return false;
    }
    let s: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    HEADER_WORDS.contains(&s.as_str())
}

fn is_time(cell: &str) -> bool {
    cell.chars().count() <= 16
        && ["月", "季度", "学期", "周", "年", "日", "长期", "常态"].iter().any(|w| cell.contains(w))
}

/// Where the cells of a one-cell-per-line table stop: a line of only
/// no-break spaces, a paragraph, a heading, a marker, a signature far to
/// the right, or three blank lines.
fn ends_cells(line: &str) -> bool {
    let t = line.trim();
    (t.is_empty() && !line.is_empty())
        || t.starts_with('#')
        || is_heading_marker(t)
        || (t.ends_with('。') && t.chars().count() > 40)
        || line.len() - line.trim_start().len() >= 8
}

/// 一、 or 第X章: the next part of the document.
fn is_heading_marker(t: &str) -> bool {
    let numeral = t.chars().take_while(|c| "一二三四五六七八九十".contains(*c)).count();
    (numeral > 0 && t.chars().nth(numeral) == Some('、'))
        || crate::render::structure::detect(t).is_some_and(|(u, _)| u == crate::render::structure::Unit::Chapter)
}

fn cell_table(src: &[&str], i: usize) -> Option<Table> {
    if i > 0 && !is_blank(src[i - 1]) {
        return None;
    }
    let mut header = Vec::new();
    let mut j = i;
    while j < src.len() && is_header_word(src[j]) {
        header.push(src[j].trim().to_string());
        j += 1;
        if src.get(j).is_some_and(|l| l.is_empty()) && src.get(j + 1).is_some_and(|l| !is_blank(l)) {
            j += 1;
        }
    }
    if header.len() < 3 {
        return None;
    }
    // Cells in groups: a double blank line ends a group.
    let mut groups: Vec<(Vec<String>, usize, usize)> = Vec::new();
    let mut blanks = 0;
    while j < src.len() {
        let line = src[j];
        if line.is_empty() {
            blanks += 1;
            if blanks >= 3 {
                break;
            }
        } else if ends_cells(line) {
            break;
        } else {
            if groups.is_empty() || blanks >= 2 {
                groups.push((Vec::new(), j, 0));
            }
            let g = groups.last_mut().expect("pushed above");
            g.0.push(line.trim().to_string());
            blanks = 0;
        }
        if let Some(g) = groups.last_mut() {
            g.2 = blanks;
        }
        j += 1;
    }
    if groups.is_empty() {
        return None;
    }
    let rows = rows(&header, groups);
    let mut all = vec![(header, i)];
    all.extend(rows);
    Some((markdown(all), j))
}

/// Rows from groups of cells; a group followed by a double blank line ends
/// with an empty cell. Without any double blank, cells fill rows in turn.
fn rows(header: &[String], groups: Vec<(Vec<String>, usize, usize)>) -> Vec<(Vec<String>, usize)> {
    let n = header.len();
    let time_first = is_time(&header[0]) || header[0].contains("时间");
    let grouped = groups.len() > 1 || groups.iter().any(|g| g.2 >= 2);
    let units: Vec<(Vec<String>, usize)> = if grouped {
        groups
            .into_iter()
            .map(|(mut cells, at, blanks)| {
                cells.extend(std::iter::repeat_n(String::new(), blanks.saturating_sub(1)));
                (cells, at)
            })
            .collect()
    } else {
        let (cells, at, _) = groups.into_iter().next().expect("one group");
        let mut out: Vec<(Vec<String>, usize)> = Vec::new();
        for c in cells {
            let starts_row = out.last().is_none_or(|r| r.0.len() >= n || (time_first && is_time(&c)));
            if starts_row {
                out.push((Vec::new(), at));
            }
            out.last_mut().expect("pushed above").0.push(c);
        }
        out
    };
    units.into_iter().map(|(cells, at)| (fit(cells, n, time_first), at)).collect()
}

/// Makes a row `n` cells wide: a missing time cell (merged with the row
/// above) is empty; a cell wrapped onto two lines is joined with its
/// neighbour, rightmost first (narrow columns wrap; they stand right of the
/// wide content column).
fn fit(mut cells: Vec<String>, n: usize, time_first: bool) -> Vec<String> {
    if time_first && cells.first().is_some_and(|c| !is_time(c)) {
        cells.insert(0, String::new());
    }
    while cells.len() > n {
        let pair = (1..cells.len() - 1).rfind(|&k| !cells[k].is_empty() && !cells[k + 1].is_empty());
        match pair {
            Some(k) => {
                let next = cells.remove(k + 1);
                cells[k].push_str(&next);
            }
            None => {
                cells.truncate(n);
            }
        }
    }
    cells.resize(n, String::new());
    cells
}

/// Pipe-table lines, every row as wide as the widest; trailing columns
/// empty in every row are dropped.
fn markdown(rows: Vec<(Vec<String>, usize)>) -> Vec<(String, usize)> {
    let mut width = rows.iter().map(|(r, _)| r.len()).max().unwrap_or(0);
    while width > 1 && rows.iter().all(|(r, _)| r.get(width - 1).is_none_or(|c| c.is_empty())) {
        width -= 1;
    }
    let line = |r: &[String]| {
        let cells: Vec<String> =
            (0..width).map(|k| r.get(k).map_or(String::new(), |c| c.replace('|', "\\|"))).collect();
        format!("| {} |", cells.join(" | "))
    };
    let mut out = Vec::with_capacity(rows.len() + 1);
    for (k, (r, at)) in rows.iter().enumerate() {
        out.push((line(r), *at));
        if k == 0 {
            out.push((format!("|{}", " --- |".repeat(width)), *at));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Option<Vec<String>> {
        let src: Vec<&str> = text.lines().collect();
        detect(&src, 0).map(|(rows, _)| rows.into_iter().map(|(r, _)| r).collect())
    }

    #[test]
    fn tab_separated_rows_with_a_repeated_header() {
        let t =
            table("时间\t工作内容\n元月\t1、参与考核\n\t2、维护系统\n\n时间\t工 作 内 容\n5 月份\t1、核查\n").unwrap();
        assert_eq!(
            t,
            [
                "| 时间 | 工作内容 |",
                "| --- | --- |",
                "| 元月 | 1、参与考核 |",
                "|  | 2、维护系统 |",
                "| 5 月份 | 1、核查 |"
            ]
        );
    }

    #[test]
    fn a_single_tab_line_is_no_table() {
        assert!(table("第一条\t总则\n第二条 正文").is_none());
        assert!(table("\t缩进的段落\n\t又一段").is_none());
    }

    #[test]
    fn one_cell_per_line_with_merged_time_cells_and_wrapped_cells() {
        let text = "时间\n\n工作内容\n\n责任单位\n\n备注\n\n三月份\n\n开展宣传\n\n各学校\n\n\n认定工作\n\n各学校\n\n\n培训会\n\n学生资助\n\n管理中心\n\n\n四月份\n\n发放资金\n\n各学校\n\n\n\u{a0}\n";
        let t = table(text).unwrap();
        assert_eq!(
            t,
            [
                "| 时间 | 工作内容 | 责任单位 | 备注 |",
                "| --- | --- | --- | --- |",
                "| 三月份 | 开展宣传 | 各学校 |  |",
                "|  | 认定工作 | 各学校 |  |",
                "|  | 培训会 | 学生资助管理中心 |  |",
                "| 四月份 | 发放资金 | 各学校 |  |"
            ]
        );
    }

    #[test]
    fn one_cell_per_line_without_blank_lines() {
        let t = table("序号\n工作内容\n责任单位\n1\n宣传\n各学校\n2\n认定\n资助中心\n").unwrap();
        assert_eq!(t[2], "| 1 | 宣传 | 各学校 |");
        assert_eq!(t[3], "| 2 | 认定 | 资助中心 |");
    }

    #[test]
    fn two_header_words_are_not_a_table() {
        assert!(table("时间\n内容\n正文。").is_none());
    }
}
