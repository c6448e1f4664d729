//! Natural order for the names staff read in lists: schools (第二中学
//! before 第十中学), grades (小学一年级 … 六年级, 七年级 … 九年级 = 初一 …
//! 初三, 高一 … 高三) and classes (2班 before 10班, 高一（2）班 before
//! 高一（10）班), instead of character codes.

use std::cmp::Ordering;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Part {
    Number(u64),
    Text(String),
}

/// Grades written by their school stage, as year of schooling.
const GRADES: &[(&str, &str)] = &[
    ("小学", ""),
    ("初中", ""),
    ("初一", "七年级"),
    ("初二", "八年级"),
    ("初三", "九年级"),
    ("高一", "十年级"),
    ("高二", "十一年级"),
    ("高三", "十二年级"),
    ("小班", "负一年级"),
    ("中班", "负二年级"),
    ("大班", "负三年级"),
];

fn digit(c: char) -> Option<u64> {
    match c {
        '0'..='9' => c.to_digit(10).map(u64::from),
        '０'..='９' => Some(c as u64 - '０' as u64),
        '〇' | '零' => Some(0),
        '一' => Some(1),
        '二' | '两' => Some(2),
        '三' => Some(3),
        '四' => Some(4),
        '五' => Some(5),
        '六' => Some(6),
        '七' => Some(7),
        '八' => Some(8),
        '九' => Some(9),
        _ => None,
    }
}

/// A run of Chinese numerals (十二, 二十一, 一百零五) or digits as a number.
fn number(run: &str) -> u64 {
    if run.chars().all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c)) {
        return run.chars().filter_map(digit).fold(0u64, |n, d| n.saturating_mul(10).saturating_add(d));
    }
    let (mut total, mut cur) = (0u64, None::<u64>);
    for c in run.chars() {
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            _ => {
                cur = digit(c);
                continue;
            }
        };
        total += cur.take().unwrap_or(1) * unit;
    }
    total + cur.unwrap_or(0)
}

fn is_numeral(c: char) -> bool {
    digit(c).is_some() || matches!(c, '十' | '百' | '千')
}

fn parts(s: &str) -> Vec<Part> {
    let mut text = s.to_string();
    for (from, to) in GRADES {
        text = text.replace(from, to);
    }
    let negative = text.contains("负");
    let text = text.replace('负', "");
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        let numeral = is_numeral(c);
        let mut run = String::new();
        while let Some(&c) = chars.peek().filter(|c| is_numeral(**c) == numeral) {
            run.push(c);
            chars.next();
        }
        out.push(if numeral { Part::Number(number(&run)) } else { Part::Text(run) });
    }
    // Kindergarten classes come before the first year of school.
    if negative {
        out.insert(0, Part::Number(0));
    } else {
        out.insert(0, Part::Number(1));
    }
    out
}

/// A name's place in natural order, computed once: sorting thousands of
/// letter batches with `sort_by_cached_key` splits each name once instead
/// of twice per comparison.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key(Vec<Part>, String);

/// The natural-order key of one name: its parts, then the name itself so
/// that different spellings of the same number never compare equal.
pub fn key(s: &str) -> Key {
    Key(parts(s), s.to_string())
}

/// Natural order of many `/`-separated paths made of few distinct names
/// (terms, schools, grades, classes): each distinct name is placed once,
/// and a path's key is the places of its segments.
pub struct PathOrder {
    place: std::collections::HashMap<String, u32>,
}

impl PathOrder {
    pub fn new<'a>(paths: impl IntoIterator<Item = &'a str>) -> PathOrder {
        let mut names: Vec<&str> = paths.into_iter().flat_map(|p| p.split('/')).collect();
        names.sort_unstable();
        names.dedup();
        names.sort_by_cached_key(|n| key(n));
        PathOrder { place: names.into_iter().map(str::to_string).zip(0..).collect() }
    }

    /// The key of a path given to `new`, segment by segment (a path that is
    /// a prefix of another comes first).
    pub fn key(&self, path: &str) -> Vec<u32> {
        path.split('/').map(|s| self.place.get(s).copied().unwrap_or(u32::MAX)).collect()
    }
}

/// Compares two names in natural order.
pub fn cmp(a: &str, b: &str) -> Ordering {
    key(a).cmp(&key(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Paths compared segment by segment, each split again for every
    /// comparison: the reference `PathOrder` must agree with.
    fn cmp_paths(a: &str, b: &str) -> Ordering {
        let path_key = |p: &str| p.split('/').map(key).collect::<Vec<Key>>();
        path_key(a).cmp(&path_key(b))
    }

    fn sorted(mut v: Vec<&str>) -> Vec<&str> {
        v.sort_by(|a, b| cmp(a, b));
        v
    }

    #[test]
    fn grades_in_school_order() {
        assert_eq!(
            sorted(vec!["高三", "七年级", "小学六年级", "高一", "九年级", "小学一年级", "八年级", "大班", "小班"]),
            ["小班", "大班", "小学一年级", "小学六年级", "七年级", "八年级", "九年级", "高一", "高三"]
        );
        assert_eq!(sorted(vec!["初三", "初一", "初二"]), ["初一", "初二", "初三"]);
    }

    #[test]
    fn classes_and_schools_by_number() {
        assert_eq!(sorted(vec!["10班", "2班", "1班"]), ["1班", "2班", "10班"]);
        assert_eq!(
            sorted(vec!["高一（10）班", "高二（1）班", "高一（2）班"]),
            ["高一（2）班", "高一（10）班", "高二（1）班"]
        );
        assert_eq!(
            sorted(vec!["示例县第十中学", "示例县第二中学", "示例县第一中学"]),
            ["示例县第一中学", "示例县第二中学", "示例县第十中学"]
        );
    }

    #[test]
    fn paths_segment_by_segment() {
        let mut v =
            vec!["2025/第一中学/a/高一（10）班.html", "2025/第一中学/a/高一（2）班.html", "2025/第二中学/a/1班.html"];
        let mut by_order = v.clone();
        v.sort_by(|a, b| cmp_paths(a, b));
        let order = PathOrder::new(by_order.iter().copied());
        by_order.sort_by_cached_key(|p| order.key(p));
        assert_eq!(by_order, v);
        assert_eq!(
            v,
            ["2025/第一中学/a/高一（2）班.html", "2025/第一中学/a/高一（10）班.html", "2025/第二中学/a/1班.html"]
        );
    }
}
