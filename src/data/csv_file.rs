//! CSV files into a `RawTable`, with the line numbers staff see in their
//! editor. A large file without quotes is read in pieces on every core.

use super::decode::decode;
use super::table::RawTable;
use super::table::ReadError;
use rayon::prelude::*;

/// Below this, a file is read in one piece (splitting would cost more).
const MIN_PIECE: usize = 512 * 1024;

pub fn read(bytes: &[u8]) -> Result<RawTable, ReadError> {
    let decoded = decode(bytes).map_err(|message| ReadError {
        line: 0,
        message,
        hint: "在 Excel 或 WPS 中另存为“CSV UTF-8”或“CSV（逗号分隔）”",
    })?;
    let text: &str = &decoded.text;
    // Cells are never longer than the text: one check for every piece.
    if text.len() > u32::MAX as usize {
        return Err(super::table::too_large());
    }
    // Excel's "Unicode text" is tab-separated UTF-16; a title row above the
    // header has no separator at all, so the first lines decide together.
    let head: String = text.lines().take(20).collect();
    let tabs = head.matches('\t').count();
    let delimiter = if tabs > 0 && tabs >= head.matches(',').count() { b'\t' } else { b',' };
    let n = rayon::current_num_threads().min(text.len() / MIN_PIECE).max(1);
    let quotes = text.as_bytes().contains(&b'"').then(|| scan_quotes(text.as_bytes(), delimiter, n));
    if let Some(line) = quotes.as_ref().and_then(|q| q.unclosed) {
        return Err(ReadError {
            line,
            message: format!(
                "第 {line} 行有一个英文双引号（\"）打开后直到文件末尾都没有关上：从这里起的所有内容都会被读成一个单元格"
            ),
            hint: "删去这个多余的双引号，或改成中文引号“”；单元格里要保留英文双引号时写成两个（\"\"）",
        });
    }
    let pieces = match &quotes {
        Some(q) => cut_at(text, &q.cuts),
        None => pieces(text, n),
    };
    let mut table = read_pieces(text, pieces, delimiter)?;
    table.encoding = decoded.encoding;
    table.delimited = true;
    let separator = if delimiter == b'\t' { "制表符（Tab）" } else { "逗号" };
    table.how = format!("按{separator}分隔读取，编码 {}", decoded.encoding);
    Ok(table)
}

/// What one pass over a file with quotes finds: where a quoted cell opens
/// and never closes, and where the file may be cut into pieces.
struct QuoteScan {
    /// The line of a quoted cell that never closes. The csv crate then
    /// reads the rest of the file into that one cell without an error.
    unclosed: Option<usize>,
    /// Byte offsets just after line breaks that end a record (not inside a
    /// quoted cell), the first at or after each of the cut targets.
    cuts: Vec<usize>,
}

/// Follows the csv crate's rules: a `"` opens a quoted cell only as the
/// cell's first character, `""` inside is a quote, and a quote closes the
/// cell. `n`: the number of pieces wanted.
fn scan_quotes(text: &[u8], delimiter: u8, n: usize) -> QuoteScan {
    #[derive(Clone, Copy)]
    enum State {
        CellStart,
        Unquoted,
        Quoted,
        /// A quote inside a quoted cell: closes it, or doubles as `""`.
        QuoteInQuoted,
    }
    let targets: Vec<usize> = (1..n).map(|k| text.len() * k / n).collect();
    let mut cuts = Vec::with_capacity(targets.len());
    let (mut state, mut line, mut opened) = (State::CellStart, 1, 0);
    for (at, &b) in text.iter().enumerate() {
        state = match (state, b) {
            (State::Quoted, b'"') => State::QuoteInQuoted,
            (State::Quoted, _) => State::Quoted,
            (State::QuoteInQuoted, b'"') => State::Quoted,
            (State::CellStart, b'"') => {
                opened = line;
                State::Quoted
            }
            (_, b'\n' | b'\r') => State::CellStart,
            (_, d) if d == delimiter => State::CellStart,
            _ => State::Unquoted,
        };
        if b == b'\n' {
            line += 1;
            // A record ends here: a piece may start after it.
            if matches!(state, State::CellStart) && targets.get(cuts.len()).is_some_and(|&t| at >= t) {
                cuts.push(at + 1);
            }
        }
    }
    QuoteScan { unclosed: matches!(state, State::Quoted).then_some(opened), cuts }
}

/// The line where a quoted cell opens and never closes, if one does.
#[cfg(test)]
fn unclosed_quote(text: &[u8], delimiter: u8) -> Option<usize> {
    scan_quotes(text, delimiter, 1).unclosed
}

/// Reads `text` in up to `n` pieces at once, then joins them in order.
#[cfg(test)]
fn read_text(text: &str, delimiter: u8, n: usize) -> Result<RawTable, ReadError> {
    let pieces = if text.contains('"') {
        cut_at(text, &scan_quotes(text.as_bytes(), delimiter, n).cuts)
    } else {
        pieces(text, n)
    };
    read_pieces(text, pieces, delimiter)
}

/// Reads the pieces of `text` at once, then joins them in order.
fn read_pieces(text: &str, pieces: Vec<&str>, delimiter: u8) -> Result<RawTable, ReadError> {
    // The first piece makes room for the whole file: the others are
    // appended to it without moving it.
    let mut pieces = pieces
        .into_par_iter()
        .enumerate()
        .map(|(k, piece)| read_piece(piece, delimiter, if k == 0 { text.len() } else { piece.len() }))
        .collect::<Vec<_>>()
        .into_iter();
    let (mut table, mut lines) = pieces.next().unwrap_or_else(|| Ok((RawTable::default(), 0)))?;
    for piece in pieces {
        let (next, piece_lines) = piece.map_err(|e| ReadError { line: e.line + lines, ..e })?;
        table.append(next, lines);
        lines += piece_lines;
    }
    Ok(table)
}

/// The text cut at the given offsets (each just after a line break that
/// ends a record, so each piece reads exactly as it would in the whole).
fn cut_at<'a>(text: &'a str, cuts: &[usize]) -> Vec<&'a str> {
    let mut out = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0;
    for &cut in cuts {
        out.push(&text[start..cut]);
        start = cut;
    }
    out.push(&text[start..]);
    out
}

/// A file without `"` cut after line breaks into `n` pieces: without
/// quotes no cell spans a line break.
fn pieces(text: &str, n: usize) -> Vec<&str> {
    if n <= 1 {
        return vec![text];
    }
    let mut out = Vec::with_capacity(n);
    let mut start = 0;
    for k in 1..n {
        let target = (text.len() * k / n).max(start);
        let Some(nl) = text.as_bytes()[target..].iter().position(|&b| b == b'\n') else { break };
        out.push(&text[start..=target + nl]);
        start = target + nl + 1;
    }
    out.push(&text[start..]);
    out
}

/// One piece read on its own: its rows, numbered from line 1, and how many
/// line breaks it holds. `room`: bytes of text to reserve for.
fn read_piece(text: &str, delimiter: u8, room: usize) -> Result<(RawTable, usize), ReadError> {
    if !text.as_bytes().contains(&b'"') {
        return Ok(read_plain(text, delimiter, room));
    }
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    // The csv crate does not count blank lines in its line numbers; byte
    // offsets are exact, so lines are counted from those.
    let mut lines = LineCounter { text: text.as_bytes(), at: 0, line: 1 };
    let mut table = RawTable::default();
    table.reserve(room);
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
        table.push_row(line, record.iter())?;
    }
    Ok((table, text.bytes().filter(|&b| b == b'\n').count()))
}

/// A piece without `"` read as the csv crate reads it, without building
/// its parser (a province reads 20,000 small files): every `\r`, `\n` or
/// `\r\n` ends a record, blank records are skipped, and cells are split
/// at the delimiter.
fn read_plain(text: &str, delimiter: u8, room: usize) -> (RawTable, usize) {
    let mut table = RawTable::default();
    table.reserve(room);
    let (mut line, mut at) = (1, 0);
    let is_break = |b: u8| b == b'\n' || b == b'\r';
    while at < text.len() {
        let bytes = &text.as_bytes()[at..];
        let blank = bytes.iter().position(|&b| !is_break(b)).unwrap_or(bytes.len());
        line += bytes[..blank].iter().filter(|&&b| b == b'\n').count();
        at += blank;
        let len = text.as_bytes()[at..].iter().position(|&b| is_break(b)).unwrap_or(text.len() - at);
        if len > 0 {
            let record = &text[at..at + len];
            // A text of at most 4 GB (checked by `read`) cannot outgrow the table.
            let _ = table.push_row(line, record.split(char::from(delimiter)));
        }
        at += len;
    }
    (table, text.bytes().filter(|&b| b == b'\n').count())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(t: &RawTable) -> Vec<(usize, Vec<&str>)> {
        t.rows.iter().map(|r| (r.line, t.cells.row(r).collect())).collect()
    }

    #[test]
    fn lines_blank_rows_and_trailing_columns() {
        let t = read("名单\n\n姓名,班级,,\n张三,１班,,\n\"李\n四\",2班\n".as_bytes()).unwrap();
        assert_eq!(
            rows(&t),
            [(1, vec!["名单"]), (3, vec!["姓名", "班级"]), (4, vec!["张三", "1班"]), (5, vec!["李\n四", "2班"])]
        );
        assert_eq!(t.cell(&t.rows[3], 5), "");
    }

    #[test]
    fn pieces_read_exactly_like_the_whole() {
        let mut text = String::from("公示名单\r\n\r\n姓名,班级,金额\r\n");
        for i in 0..500 {
            text.push_str(&format!("学生{i},{}班,{}\r\n", i % 9, if i % 7 == 0 { "" } else { "800" }));
            if i % 50 == 0 {
                text.push_str("\n,,\n");
            }
        }
        let whole = read_text(&text, b',', 1).unwrap();
        assert_eq!(pieces(&text, 3).len(), 3);
        for n in [2, 3, 7] {
            assert_eq!(rows(&read_text(&text, b',', n).unwrap()), rows(&whole), "{n} pieces");
        }
        // With quotes, a cell may span lines: never cut inside one.
        let quoted = "a,\"b\nc\"\nd\ne\n";
        let cuts = scan_quotes(quoted.as_bytes(), b',', 3).cuts;
        assert_eq!(cut_at(quoted, &cuts), ["a,\"b\nc\"\n", "d\n", "e\n"]);
    }

    #[test]
    fn quoted_files_are_cut_only_between_records() {
        // Excel's quoting: cells with commas, quotes and line breaks quoted.
        let mut text = String::from("姓名,地址,金额\r\n");
        for i in 0..2000 {
            match i % 10 {
                0 => text.push_str(&format!("学生{i},\"东街, {i}号\",800\r\n")),
                3 => text.push_str(&format!("学生{i},\"第一行\r\n第二行\n第三行\",\"1,000\"\r\n")),
                6 => text.push_str(&format!("学生{i},\"说\"\"好\"\"的\",800\n")),
                _ => text.push_str(&format!("学生{i},北街,800\r\n")),
            }
        }
        let whole = read_text(&text, b',', 1).unwrap();
        assert_eq!(whole.rows.len(), 2001);
        for n in 2..12 {
            let cuts = scan_quotes(text.as_bytes(), b',', n).cuts;
            assert_eq!(cuts.len(), n - 1, "{n} pieces");
            assert_eq!(rows(&read_text(&text, b',', n).unwrap()), rows(&whole), "{n} pieces");
        }
    }

    #[test]
    fn an_unclosed_quote_is_reported_where_it_opens() {
        let text = "姓名,班级,住址\n张三,高一1班,新华村\n李四,\"高一2班,新华村3组\n王五,高一3班,人民路12号\n";
        let e = read(text.as_bytes()).unwrap_err();
        assert_eq!(e.line, 3, "{}", e.message);
        assert!(e.message.contains("第 3 行有一个英文双引号"), "{}", e.message);
        assert_eq!(unclosed_quote(b"a\r\n\r\nb,\"c\"\"d\r\ne\n", b','), Some(3), "\"\" does not close");
        // Closed quotes, quotes inside unquoted cells, doubled quotes: fine.
        for ok in ["a,\"b\nc\",d\n", "a,b\"c,d\n", "a,\"b\"\"c\"\n", "a,\"\"\n", "a, \"b\n"] {
            assert_eq!(unclosed_quote(ok.as_bytes(), b','), None, "{ok:?}");
        }
        assert_eq!(unclosed_quote(b"a\t\"b\n", b'\t'), Some(1));
        assert_eq!(unclosed_quote(b"a,\"b\n", b'\t'), None, "not at a cell start with tabs");
    }

    proptest::proptest! {
        /// Any text: rows or an error with a line inside the file, never a panic.
        #[test]
        fn odd_text_never_panics(text in "[a姓名,\"\t\r\n ]{0,60}") {
            let lines = text.bytes().filter(|&b| b == b'\n').count() + 1;
            match read(text.as_bytes()) {
                Ok(t) => proptest::prop_assert!(t.rows.iter().all(|r| (1..=lines).contains(&r.line))),
                Err(e) => proptest::prop_assert!((1..=lines).contains(&e.line), "{} {}", e.line, e.message),
            }
        }
    }

    proptest::proptest! {
        /// Files without quotes are read without the csv crate, with the
        /// same rows, cells and lines.
        #[test]
        fn plain_text_reads_as_the_csv_crate_reads_it(text in "[a张,\t\r\n ]{0,80}", tab in proptest::bool::ANY) {
            let delimiter = if tab { b'\t' } else { b',' };
            let (plain, breaks) = read_plain(&text, delimiter, 0);
            proptest::prop_assert_eq!(breaks, text.bytes().filter(|&b| b == b'\n').count());
            // A quoted empty cell on a line of its own sends the text through
            // the csv crate; its row is blank, so it is dropped.
            let (by_csv, _) = read_piece(&format!("{text}\n\"\""), delimiter, 0).unwrap();
            proptest::prop_assert_eq!(rows(&plain), rows(&by_csv));
        }
    }

    #[test]
    fn text_tables_are_delimited() {
        assert!(read("姓名\n张三\n".as_bytes()).unwrap().delimited);
    }

    #[test]
    fn tab_separated_utf16() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "姓名\t班级\n张三\t1班\n".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let t = read(&bytes).unwrap();
        assert_eq!(t.cells.row(&t.rows[1]).collect::<Vec<_>>(), ["张三", "1班"]);
    }
}
