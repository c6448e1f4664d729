//! The leak gate over everything about to be published: pages are scanned
//! as they are written (in the parallel jobs, from memory), and whatever
//! else lands in the staging folder (static files, feeds, the search index)
//! is read back and scanned before anything is published. File names are
//! scanned too.

use super::staging::Staging;
use crate::diag::{line_of, Diagnostic, Diagnostics};
use crate::privacy::names_guard::{self, NameGuard, TextKind};
use crate::privacy::scan;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Mutex;

pub struct Gate {
    allowed: HashSet<String>,
    /// `[reviewed_attachments]`: unreadable files a person has checked.
    reviewed: BTreeMap<String, String>,
    /// Files already scanned when written.
    scanned: Mutex<HashSet<String>>,
    pub found: Diagnostics,
}

impl Gate {
    /// `allowed`: digit-only numbers that may be public (hotlines).
    pub fn new(allowed: impl IntoIterator<Item = String>) -> Gate {
        Gate {
            allowed: allowed.into_iter().collect(),
            reviewed: BTreeMap::new(),
            scanned: Mutex::new(HashSet::new()),
            found: Diagnostics::default(),
        }
    }

    /// Lets through unreadable files checked by a person (path → SHA-256).
    pub fn reviewing(self, reviewed: BTreeMap<String, String>) -> Gate {
        Gate { reviewed, ..self }
    }

    /// Scans one file's name and bytes; `rel` is its path in the output.
    pub fn check(&self, rel: &str, bytes: &[u8]) {
        self.check_parts(rel, &[&String::from_utf8_lossy(bytes)]);
    }

    /// Scans one file's name and its text given as consecutive parts (a
    /// page with a large table spliced in, never joined in memory). Parts
    /// are scanned one by one only where no number can run across a seam.
    pub fn check_parts(&self, rel: &str, parts: &[&str]) {
        let mut parts: Vec<&str> = parts.iter().copied().filter(|p| !p.is_empty()).collect();
        let joined: String;
        if !parts.windows(2).all(|w| seam_breaks_numbers(w[0], w[1])) {
            joined = parts.concat();
            parts = vec![&joined];
        }
        let mut leaks = scan::find(rel, &self.allowed);
        leaks.par_extend(parts.par_iter().flat_map_iter(|p| scan::find(p, &self.allowed)));
        leaks.sort();
        leaks.dedup();
        if leaks.is_empty() {
            self.scanned.lock().unwrap_or_else(|e| e.into_inner()).insert(rel.to_string());
            return;
        }
        let shown = format!("public/{}", rel.replace('\\', "/"));
        self.found.extend(leaks.into_iter().map(|l| {
            Diagnostic::new(shown.clone(), 0, format!("公开页面中出现了{}：{}", l.kind, l.masked)).with_hint(
                "个人号码不能公开。找到写入它的内容文件、模板或名单列并删去；如果是单位的公开电话，请加到 site-config.toml 的 public_numbers",
            )
        }));
        self.scanned.lock().unwrap_or_else(|e| e.into_inner()).insert(rel.to_string());
    }

    /// Reads every staged file once: personal numbers in those not already
    /// scanned when written (whatever their format: see `attachments`), full
    /// names in all of them and in their paths.
    pub fn scan_rest(&self, staging: &Staging, names: &NameGuard, rules: &NameRules) {
        let done = std::mem::take(&mut *self.scanned.lock().unwrap_or_else(|e| e.into_inner()));
        // Staged files, and those identical to the published ones, read there.
        staging.readable().par_iter().for_each(|(rel, path)| {
            // Scanned for numbers when written, and no names to look for.
            if names.is_empty() && done.contains(rel) {
                return;
            }
            let bytes = std::fs::read(path).unwrap_or_default();
            let texts: Vec<String> = if done.contains(rel) {
                vec![String::from_utf8_lossy(&bytes).into_owned()]
            } else {
                match super::attachments::text_of(rel, &bytes, &self.reviewed) {
                    Ok(pieces) => {
                        let texts: Vec<String> = pieces.into_iter().map(|p| p.text).collect();
                        self.check_parts(rel, &texts.iter().map(String::as_str).collect::<Vec<_>>());
                        texts
                    }
                    Err(refused) => {
                        self.found.push(refused);
                        return;
                    }
                }
            };
            if !names.is_empty() {
                self.check_names(rel, &texts, names, rules);
            }
        });
    }

    /// Full names in one published file's path and text.
    fn check_names(&self, rel: &str, texts: &[String], names: &NameGuard, rules: &NameRules) {
        let none = HashSet::new();
        let allowed = rules.shown_in_full.get(rel).unwrap_or(&none);
        let mut found: Vec<(names_guard::Found, usize)> =
            names.find(rel, TextKind::Field, &none).into_iter().map(|f| (f, 0)).collect();
        for text in texts {
            found.extend(names.find(text, TextKind::Free, allowed).into_iter().map(|f| {
                let line = line_of(text, f.at);
                (f, line)
            }));
        }
        self.found.extend(found.into_iter().filter(|(f, _)| !rules.explained.contains(&f.hash)).map(|(f, line)| {
            Diagnostic::new(format!("public/{rel}"), line, names_guard::message(&f)).with_hint(format!(
                "{}。它不在内容文件中，可能来自 templates/、static/ 中的文件或文件名、或 site-config.toml",
                names_guard::hint(&f)
            ))
        }));
    }
}

/// Where full names may stand in the output, and which are already
/// reported at their source.
pub struct NameRules<'a> {
    /// Fingerprints found in the sources (reported there, with a line).
    pub explained: &'a HashSet<u64>,
    /// A list page showing its names in full → those names' fingerprints.
    pub shown_in_full: &'a HashMap<String, HashSet<u64>>,
}

/// Whether no number can run across the seam between `a` and `b`: after
/// the last digits of `a`, something `scan` never reads as joining two
/// groups (CJK text, a row or block tag, a line break outside markup)
/// comes before any digit of `b`. Separators, cell and inline tags, tabs
/// and commas join groups, so `<td>1381234</td>` + `<td>5678</td>` is one
/// number, and `…</tr>\n` + `<tr>…` is not.
fn seam_breaks_numbers(a: &str, b: &str) -> bool {
    !scan::may_join(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaks(parts: &[&str]) -> usize {
        let gate = Gate::new([]);
        gate.check_parts("a.html", parts);
        gate.found.into_sorted().len()
    }

    #[test]
    fn numbers_across_seams_are_found() {
        assert_eq!(leaks(&["<td>138", "1234", "5678</td>"]), 1);
        assert_eq!(leaks(&["<td>138 ", "", "1234 5678</td>"]), 1);
        assert_eq!(leaks(&["<td>13812345678</td>", "<td>1</td>"]), 1);
        assert_eq!(leaks(&["<td>1381234</td>", "<td>5678</td>"]), 1, "split over two cells");
        assert_eq!(leaks(&["<td>１１０１０５</td>", "\n<td>１９４９１２３１００２Ｘ</td>"]), 1, "an ID over two cells");
        assert_eq!(leaks(&["<td>110105</td>", "\n<td>194912310021</td>"]), 0, "bad check digit");
        assert_eq!(leaks(&["<tr><td>138</td></tr>\n", "<tr><td>1234</td></tr>\n", "<tr><td>5678</td></tr>"]), 0);
        assert_eq!(leaks(&["+86 ", "1381234", " 5678"]), 1);
        assert!(seam_breaks_numbers("<td>1,250元</td></tr>\n", "<tr><td>2</td>"));
        assert!(!seam_breaks_numbers("<td>1381234</td>", "<td>5678</td>"));
    }
}
