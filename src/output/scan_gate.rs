//! The leak gate over everything about to be published: pages are scanned
//! as they are written (in the parallel jobs, from memory), and whatever
//! else lands in the staging folder (static files, feeds, the search index)
//! is read back and scanned before anything is published. File names are
//! scanned too.

use super::staging::{Readable, Staging};
use super::verdicts::{self, Verdicts};
use crate::diag::{line_of, Diagnostic, Diagnostics};
use crate::fingerprint::Fnv;
use crate::privacy::names_guard::{self, NameGuard, TextKind};
use crate::privacy::scan;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Mutex;

pub struct Gate {
    allowed: HashSet<String>,
    /// `[reviewed_attachments]`: unreadable files a person has checked.
    reviewed: BTreeMap<String, String>,
    /// Files already scanned when written, and whether they passed.
    scanned: Mutex<HashMap<String, bool>>,
    pub found: Diagnostics,
}

impl Gate {
    /// `allowed`: digit-only numbers that may be public (hotlines).
    pub fn new(allowed: impl IntoIterator<Item = String>) -> Gate {
        Gate {
            allowed: allowed.into_iter().collect(),
            reviewed: BTreeMap::new(),
            scanned: Mutex::new(HashMap::new()),
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

    fn note_scanned(&self, rel: &str, passed: bool) -> bool {
        self.scanned.lock().unwrap_or_else(|e| e.into_inner()).insert(rel.to_string(), passed);
        passed
    }

    /// Scans one file's name and its text given as consecutive parts (a
    /// page with a large table spliced in, never joined in memory). Parts
    /// are scanned one by one only where no number can run across a seam.
    /// Gives whether nothing was found.
    pub fn check_parts(&self, rel: &str, parts: &[&str]) -> bool {
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
            return self.note_scanned(rel, true);
        }
        let shown = format!("public/{}", rel.replace('\\', "/"));
        self.found.extend(leaks.into_iter().map(|l| {
            Diagnostic::new(shown.clone(), 0, format!("公开页面中出现了{}：{}", l.kind, l.masked)).with_hint(
                "个人号码不能公开。找到写入它的内容文件、模板或名单列并删去；如果是单位的公开电话，请加到 site-config.toml 的 public_numbers",
            )
        }));
        self.note_scanned(rel, false)
    }

    /// Reads every staged file once: personal numbers in those not already
    /// scanned when written (whatever their format: see `attachments`), full
    /// names in all of them and in their paths. Files whose bytes passed
    /// under the same rules before are not read (`verdicts`).
    pub fn scan_rest(&self, staging: &Staging, names: &NameGuard, rules: &NameRules, verdicts: Option<&Verdicts>) {
        let done = std::mem::take(&mut *self.scanned.lock().unwrap_or_else(|e| e.into_inner()));
        // Staged files, and those identical to the published ones, read there.
        staging.readable().par_iter().for_each(|Readable { rel, path, print, checked }| {
            // Scanned for numbers as written (and whether they passed):
            // only if the last write of the path was the one scanned.
            let written = checked.then(|| done.get(rel).copied()).flatten();
            if names.is_empty() && written.is_some() {
                return;
            }
            verdicts::check_unless_known(verdicts, *print, || {
                let Some(bytes) = self.read(rel, path) else { return false };
                let (texts, numbers_passed) = match written {
                    Some(passed) => (vec![String::from_utf8_lossy(&bytes).into_owned()], passed),
                    None => match super::attachments::text_of(rel, &bytes, &self.reviewed) {
                        Ok(pieces) => {
                            let texts: Vec<String> = pieces.into_iter().map(|p| p.text).collect();
                            let passed = self.check_parts(rel, &texts.iter().map(String::as_str).collect::<Vec<_>>());
                            (texts, passed)
                        }
                        Err(refused) => {
                            self.found.push(refused);
                            return false;
                        }
                    },
                };
                let names_passed = names.is_empty() || self.check_names(rel, &texts, names, rules);
                numbers_passed && names_passed
            });
        });
    }

    /// A file of the build's bytes; a file that cannot be read is a
    /// problem (nothing unread is published), reported here.
    fn read(&self, rel: &str, path: &Path) -> Option<Vec<u8>> {
        std::fs::read(path)
            .map_err(|e| {
                self.found.push(Diagnostic::new(
                    format!("public/{rel}"),
                    0,
                    format!("发布前检查时无法读取：{}", super::error::cause(&e)),
                ))
            })
            .ok()
    }

    /// Full names in the pages of lists taken from the cache (scanned for
    /// numbers when written): read again from `out` unless they passed
    /// under the same rules before. A list's page passed when its own names
    /// were all there were; a name added by another list may be in it.
    pub fn scan_kept(
        &self,
        out: &Path,
        lists: &[KeptPages],
        names: &NameGuard,
        rules: &NameRules,
        verdicts: Option<&Verdicts>,
    ) {
        if names.is_empty() {
            return;
        }
        lists.par_iter().for_each(|list| {
            verdicts::check_unless_known(verdicts, Some(list.state).filter(|&s| s != 0), || {
                // Every page read, whatever the others gave.
                let passed: Vec<bool> = list
                    .files
                    .par_iter()
                    .map(|rel| match self.read(rel, &out.join(rel)) {
                        Some(bytes) => {
                            self.check_names(rel, &[String::from_utf8_lossy(&bytes).into_owned()], names, rules)
                        }
                        None => false,
                    })
                    .collect();
                passed.iter().all(|&p| p)
            });
        });
    }

    /// The guards' rules as one value, for their verdicts (`verdicts`):
    /// the names, where they stand in full, the numbers allowed, the
    /// attachments reviewed, the binary. (Names explained at their source
    /// are not: a file with any name found gets no verdict.) None when the
    /// binary cannot be told apart from another.
    pub fn rules_print(&self, names: &NameGuard, shown_in_full: &HashMap<String, HashSet<u64>>) -> Option<u64> {
        let mut allowed: Vec<&String> = self.allowed.iter().collect();
        allowed.sort();
        let mut in_full: Vec<(&String, Vec<&u64>)> =
            shown_in_full.iter().map(|(page, prints)| (page, prints.iter().collect::<Vec<_>>())).collect();
        in_full.sort();
        for (_, prints) in &mut in_full {
            prints.sort();
        }
        let h = Fnv::default()
            .str("verdicts 1")
            .bytes(&verdicts::this_binary()?.to_le_bytes())
            .bytes(&names.digest().to_le_bytes());
        let h = allowed.iter().fold(h.str("allowed"), |h, a| h.str(a));
        let h = in_full.iter().fold(h.str("in full"), |h, (page, prints)| {
            prints.iter().fold(h.str(page), |h, p| h.bytes(&p.to_le_bytes()))
        });
        let h = self.reviewed.iter().fold(h.str("reviewed"), |h, (path, sha)| h.str(path).str(sha));
        Some(h.finish())
    }

    /// Full names in one published file's path and text; gives whether
    /// none was found (those reported at their source included).
    fn check_names(&self, rel: &str, texts: &[String], names: &NameGuard, rules: &NameRules) -> bool {
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
        let passed = found.is_empty();
        self.found.extend(found.into_iter().filter(|(f, _)| !rules.explained.contains(&f.hash)).map(|(f, line)| {
            Diagnostic::new(format!("public/{rel}"), line, names_guard::message(&f)).with_hint(format!(
                "{}。它不在内容文件中，可能来自 templates/、static/ 中的文件或文件名、或 site-config.toml",
                names_guard::hint(&f)
            ))
        }));
        passed
    }
}

/// The published files of a list taken from the cache, and the keyed
/// print of their bytes (`CachedList::public_state`; 0: unknown).
pub struct KeptPages {
    pub state: u64,
    pub files: Vec<String>,
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
    use crate::privacy::names_guard::NameKey;

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

    /// One page naming 王晓东 staged, then changed behind the staging's
    /// back to name 张小明 too (so whether it is read shows), scanned with
    /// a guard knowing `names` and the verdicts `known`; gives how many
    /// names were found and the verdicts of the scan.
    fn scan_once(names: &[&str], known: verdicts::Known) -> (usize, Vec<u64>) {
        let dir = tempfile::tempdir().unwrap();
        let key = NameKey::from_bytes([3; 16]);
        let staging = Staging::create(&dir.path().join("staging")).unwrap().printing_with(key);
        staging.write("a.html", "联系人：王晓东".as_bytes()).unwrap();
        std::fs::write(staging.dir().join("a.html"), "联系人：王晓东、张小明").unwrap();
        let mut guard = NameGuard::new(key);
        let prints: Vec<_> = names.iter().filter_map(|n| key.print(n)).collect();
        guard.add_list("content/lists/a/index.md", &prints);
        let (explained, in_full) = (HashSet::new(), HashMap::new());
        let rules = NameRules { explained: &explained, shown_in_full: &in_full };
        let gate = Gate::new([]);
        let verdicts = Verdicts::new(key, gate.rules_print(&guard, &in_full).unwrap(), known);
        gate.scan_rest(&staging, &guard, &rules, Some(&verdicts));
        (gate.found.into_sorted().len(), verdicts.into_passed())
    }

    #[test]
    fn bytes_that_passed_are_not_read_again_until_a_name_is_added() {
        let (found, passed) = scan_once(&["张小明"], verdicts::Known::default());
        assert_eq!((found, passed.len()), (1, 0), "read: 张小明 found, no verdict");
        let (found, passed) = scan_once(&["李红"], verdicts::Known::default());
        assert_eq!((found, passed.len()), (0, 1), "read: passed");
        let known: verdicts::Known = passed.into_iter().collect();
        assert_eq!(scan_once(&["李红"], known.clone()).0, 0, "same bytes, same rules: not read");
        assert_eq!(scan_once(&["李红", "张小明"], known).0, 1, "a name added: read again");
    }

    /// A cached list's page naming 张小明, read with or without verdicts.
    #[test]
    fn cached_list_pages_are_read_without_verdicts_or_a_print() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("lists/a")).unwrap();
        std::fs::write(dir.path().join("lists/a/index.html"), "备注：张小明").unwrap();
        let key = NameKey::from_bytes([3; 16]);
        let mut guard = NameGuard::new(key);
        guard.add_list("content/lists/b/index.md", &[key.print("张小明").unwrap()]);
        let (explained, in_full) = (HashSet::new(), HashMap::new());
        let rules = NameRules { explained: &explained, shown_in_full: &in_full };
        let found = |state: u64, verdicts: Option<&Verdicts>| {
            let gate = Gate::new([]);
            let kept = [KeptPages { state, files: vec!["lists/a/index.html".to_string()] }];
            gate.scan_kept(dir.path(), &kept, &guard, &rules, verdicts);
            gate.found.into_sorted().len()
        };
        assert_eq!(found(7, None), 1, "no verdicts kept (no key, no binary)");
        let verdicts = Verdicts::new(key, 1, verdicts::Known::default());
        assert_eq!(found(0, Some(&verdicts)), 1, "no print of the page");
        assert_eq!(found(7, Some(&verdicts)), 1);
        assert!(verdicts.into_passed().is_empty(), "no verdict for a page that failed");
    }
}
