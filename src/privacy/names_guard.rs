//! Catches a recipient's full name pasted into a page the site writes by
//! hand (a notice, an explainer, a list's own notice text). Names of three
//! or more characters are checked: two-character names are too often also
//! ordinary words (文明, 高明) to check without false alarms.

use crate::diag::{line_of, Diagnostic};
use crate::fingerprint::FnvBuildHasher;
use crate::privacy::mask::{mask, NameMask};
use std::collections::HashMap;

/// Hashes rather than strings: a province's two million names stay small.
#[derive(Default)]
pub struct NameGuard {
    /// Keyed by fingerprint through FNV, not SipHash: it is looked up three
    /// times for every character of every hand-written page.
    names: HashMap<u64, u32, FnvBuildHasher>,
    lists: Vec<String>,
}

const MIN_CHARS: usize = 3;
const MAX_CHARS: usize = 5;

/// The fingerprint a name is kept as (also in the list cache).
pub fn hash(s: &str) -> u64 {
    crate::fingerprint::of(s)
}

/// Fingerprints of the names long enough to check.
pub fn fingerprints<'a>(names: impl Iterator<Item = &'a str>) -> Vec<u64> {
    names.filter(|n| (MIN_CHARS..=MAX_CHARS).contains(&n.chars().count())).map(hash).collect()
}

impl NameGuard {
    /// Registers the names of one list (`list` names it in messages).
    pub fn add_list<'a>(&mut self, list: &str, names: impl Iterator<Item = &'a str>) {
        self.add_fingerprints(list, fingerprints(names));
    }

    /// Registers a list by its names' fingerprints (from the list cache).
    pub fn add_fingerprints(&mut self, list: &str, prints: Vec<u64>) {
        let id = self.lists.len() as u32;
        self.lists.push(list.to_string());
        for p in prints {
            self.names.insert(p, id);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Every full name found in `text` (a file's body starting at `first_line`).
    pub fn check(&self, file: &str, text: &str, first_line: usize) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        if self.names.is_empty() {
            return out;
        }
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let mut i = 0;
        while i < chars.len() {
            let mut matched = 0;
            for len in (MIN_CHARS..=MAX_CHARS).rev() {
                if i + len > chars.len() {
                    continue;
                }
                let start = chars[i].0;
                let end = chars.get(i + len).map(|c| c.0).unwrap_or(text.len());
                let window = &text[start..end];
                if let Some(list) = self.names.get(&hash(window)) {
                    out.push(
                        Diagnostic::new(
                            file,
                            line_of(text, start) + first_line - 1,
                            format!("出现了公示名单中学生的完整姓名“{}”", mask(window, NameMask::Middle)),
                        )
                        .with_hint(format!(
                            "该学生在名单 {} 中；公开页面不能出现受助学生的完整姓名，请删去",
                            self.lists[*list as usize]
                        )),
                    );
                    matched = len;
                    break;
                }
            }
            i += matched.max(1);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_full_names_with_line() {
        let mut g = NameGuard::default();
        g.add_list("lists/a/b", ["张小明", "李四", "欧阳志华"].into_iter());
        let found = g.check("n.md", "第一行\n表扬张小明同学和欧阳志华同学。李四也不错。", 5);
        assert_eq!(found.len(), 2, "two-character names are not checked");
        assert_eq!(found[0].line, 6);
        assert!(found[0].message.contains("张*明"));
        assert!(g.check("n.md", "张*明", 1).is_empty());
    }
}
