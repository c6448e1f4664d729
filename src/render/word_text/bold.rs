//! Bold next to Chinese punctuation. CommonMark's flanking rule does not
//! let `**强化责任：**认真` close (the `**` follows punctuation and precedes
//! a letter), so the asterisks would show. Such a pair becomes
//! `<strong>…</strong>`, which renders the same as Markdown bold; pairs
//! CommonMark reads as bold are left as they are.

pub fn fix(line: &str) -> String {
    if !line.contains("**") {
        return line.to_string();
    }
    let chars: Vec<char> = line.chars().collect();
    let runs = runs(&chars);
    let mut replace: Vec<(usize, &str)> = Vec::new();
    for pair in runs.chunks_exact(2) {
        let (open, close) = (pair[0], pair[1]);
        if close == open + 2 {
            continue;
        }
        if !(can_open(&chars, open) && can_close(&chars, close)) {
            replace.push((open, "<strong>"));
            replace.push((close, "</strong>"));
        }
    }
    if replace.is_empty() {
        return line.to_string();
    }
    let mut out = String::with_capacity(line.len() + 16);
    let mut k = 0;
    let mut next = replace.iter().peekable();
    while k < chars.len() {
        if let Some((_, tag)) = next.next_if(|(at, _)| *at == k) {
            out.push_str(tag);
            k += 2;
        } else {
            out.push(chars[k]);
            k += 1;
        }
    }
    out
}

/// Positions of runs of exactly two asterisks outside code spans.
fn runs(chars: &[char]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut k = 0;
    while k < chars.len() {
        match chars[k] {
            '`' => {
                let ticks = chars[k..].iter().take_while(|c| **c == '`').count();
                let close = (k + ticks..chars.len()).find(|&j| {
                    chars[j..].iter().take_while(|c| **c == '`').count() == ticks && (j == 0 || chars[j - 1] != '`')
                });
                k = close.map_or(k + ticks, |j| j + ticks);
            }
            '\\' => k += 2,
            '*' => {
                let n = chars[k..].iter().take_while(|c| **c == '*').count();
                if n == 2 {
                    out.push(k);
                }
                k += n;
            }
            _ => k += 1,
        }
    }
    out
}

fn can_open(chars: &[char], at: usize) -> bool {
    let before = at.checked_sub(1).map(|k| chars[k]);
    let Some(after) = chars.get(at + 2).copied() else { return false };
    !after.is_whitespace() && (!is_punct(after) || before.is_none_or(|c| c.is_whitespace() || is_punct(c)))
}

fn can_close(chars: &[char], at: usize) -> bool {
    let after = chars.get(at + 2).copied();
    let Some(before) = at.checked_sub(1).map(|k| chars[k]) else { return false };
    !before.is_whitespace() && (!is_punct(before) || after.is_none_or(|c| c.is_whitespace() || is_punct(c)))
}

/// ASCII and Unicode punctuation as CommonMark counts it (general
/// categories P and S), for the scripts Chinese texts use.
fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c as u32,
            0xA1..=0xBF | 0xD7 | 0xF7 | 0x2010..=0x2027 | 0x2030..=0x205E | 0x2190..=0x23FF | 0x2500..=0x27BF
            | 0x3000..=0x303F | 0xFE10..=0xFE1F | 0xFE30..=0xFE4F | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20
            | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65 | 0xFFE0..=0xFFEE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bold_next_to_chinese_punctuation() {
        assert_eq!(fix("**强化责任：**认真落实。"), "<strong>强化责任：</strong>认真落实。");
        assert_eq!(fix("要做到**“两个维护”**和"), "要做到<strong>“两个维护”</strong>和");
    }

    #[test]
    fn bold_commonmark_reads_is_left_alone() {
        for s in ["**第一条** 以", "## **第二章 人员配备**", "a **b** c", "`**x：**y`", "***x***", "**"] {
            assert_eq!(fix(s), s);
        }
    }
}
