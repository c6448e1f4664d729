//! Recognises the chapters (第X章) and articles (第X条) of official texts,
//! whether written as headings, bold paragraph starts or plain paragraphs,
//! and gives them stable anchors `chapter-N` / `article-N`.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Chapter,
    Article,
}

impl Unit {
    pub fn anchor(self, n: u32) -> String {
        match self {
            Unit::Chapter => format!("chapter-{n}"),
            Unit::Article => format!("article-{n}"),
        }
    }
}

/// `第十二条 …` → (Article, 12). Leading spaces (ASCII, full-width) are
/// ignored, and so are spaces inside the marker (`第 五 条`).
pub fn detect(text: &str) -> Option<(Unit, u32)> {
    let text = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{3000}');
    let rest = text.strip_prefix('第')?;
    let mut numeral = String::new();
    for c in rest.chars() {
        match c {
            '章' | '条' => {
                let n = parse_number(&numeral)?;
                let unit = if c == '章' { Unit::Chapter } else { Unit::Article };
                return Some((unit, n));
            }
            ' ' | '\u{3000}' => continue,
            _ if numeral.chars().count() < 8 => numeral.push(c),
            _ => return None,
        }
    }
    None
}

/// Chinese (一百零五, 十二, 两) or Arabic (105, full-width １０５) numerals.
pub fn parse_number(s: &str) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    if s.chars().all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c)) {
        let ascii: String = s
            .chars()
            .map(|c| if c.is_ascii_digit() { c } else { char::from(b'0' + (c as u32 - '０' as u32) as u8) })
            .collect();
        return ascii.parse().ok().filter(|&n| n > 0);
    }
    let mut total = 0u32;
    let mut digit: Option<u32> = None;
    for c in s.chars() {
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            _ => {
                digit = Some(match c {
                    '零' | '〇' => 0,
                    '一' => 1,
                    '二' | '两' => 2,
                    '三' => 3,
                    '四' => 4,
                    '五' => 5,
                    '六' => 6,
                    '七' => 7,
                    '八' => 8,
                    '九' => 9,
                    _ => return None,
                });
                continue;
            }
        };
        // 十二 means 12: a unit without a digit before it counts once.
        total += digit.take().unwrap_or(1) * unit;
    }
    total += digit.unwrap_or(0);
    (total > 0).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numerals() {
        for (s, n) in [
            ("一", 1),
            ("十", 10),
            ("十二", 12),
            ("二十", 20),
            ("二十一", 21),
            ("一百", 100),
            ("一百零五", 105),
            ("一百一十", 110),
            ("两百", 200),
            ("12", 12),
            ("１２", 12),
        ] {
            assert_eq!(parse_number(s), Some(n), "{s}");
        }
        assert_eq!(parse_number("甲"), None);
        assert_eq!(parse_number(""), None);
    }

    #[test]
    fn detects_markers_in_the_forms_of_real_documents() {
        assert_eq!(detect("第一章 总 则"), Some((Unit::Chapter, 1)));
        assert_eq!(detect("第十二条 本办法自发布之日起施行。"), Some((Unit::Article, 12)));
        assert_eq!(detect("　　第五条　资助工作人员"), Some((Unit::Article, 5)));
        assert_eq!(detect("第 3 条"), Some((Unit::Article, 3)));
        assert_eq!(detect("第一批名单"), None);
        assert_eq!(detect("第二学期"), None);
        assert_eq!(detect("附件"), None);
    }
}
