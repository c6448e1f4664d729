//! A plain-text document (.txt, as Word or Notepad saves it) as blocks:
//! the text is first read as pasted Word text is rendered (paragraphs at
//! sentence ends and markers, tables from tab-separated or one-cell-per-line
//! text), then cut into blocks at its blank lines.

use super::Block;

pub fn blocks(text: &str) -> Vec<Block> {
    let normalised = crate::render::word_text::normalise(text).text;
    let mut out = Vec::new();
    for chunk in normalised.split("\n\n") {
        let chunk = chunk.trim_matches('\n');
        let first = chunk.trim_start();
        if first.is_empty() {
            continue;
        }
        if first.starts_with(['|', '>']) || crate::render::word_text::is_list_item(first) {
            out.push(Block::Raw(chunk.to_string()));
            continue;
        }
        // An ATX heading is one line; the lines after it are a paragraph.
        let mut para: Vec<&str> = Vec::new();
        for line in chunk.lines() {
            match heading(line) {
                Some(h) => {
                    flush(&mut out, &mut para);
                    out.push(h);
                }
                None => para.push(line),
            }
        }
        flush(&mut out, &mut para);
    }
    out
}

fn heading(line: &str) -> Option<Block> {
    let t = line.trim_start();
    let hashes = t.len() - t.trim_start_matches('#').len();
    let rest = t[hashes..].strip_prefix(' ').filter(|_| (1..=6).contains(&hashes))?;
    Some(Block::Para { text: rest.trim().to_string(), level: Some(hashes as u8), centred: false })
}

fn flush(out: &mut Vec<Block>, para: &mut Vec<&str>) {
    if !para.is_empty() {
        out.push(Block::Para { text: join_lines(&para.join("\n")), level: None, centred: false });
        para.clear();
    }
}

/// Lines of one paragraph as one line: no space where Chinese meets.
fn join_lines(chunk: &str) -> String {
    let mut out = String::new();
    for line in chunk.lines().map(str::trim) {
        let glue = match (out.chars().last(), line.chars().next()) {
            (Some(a), Some(b)) => a.is_ascii() && b.is_ascii(),
            _ => false,
        };
        if glue {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_become_paragraphs_headings_and_tables() {
        let b = blocks("# 湘阴县教育局文件\n湘阴教发〔2023〕31号\n\n现将要点印发，\n请落实。\n时间\t内容\n三月\t宣传\n\n- 甲\n- 乙\n");
        assert_eq!(
            b,
            vec![
                Block::Para { text: "湘阴县教育局文件".into(), level: Some(1), centred: false },
                Block::Para { text: "湘阴教发〔2023〕31号".into(), level: None, centred: false },
                Block::Para { text: "现将要点印发，请落实。".into(), level: None, centred: false },
                Block::Raw("| 时间 | 内容 |\n| --- | --- |\n| 三月 | 宣传 |".into()),
                Block::Raw("- 甲\n- 乙".into()),
            ]
        );
    }
}
