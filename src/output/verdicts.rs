//! The guards' verdicts, remembered. Whether a published file passes the
//! guards depends only on its path and bytes and on the guards' rules: the
//! names they look for, where names may stand in full, the numbers allowed,
//! the attachments reviewed, the gongshi binary. A build under the rules
//! of an earlier one need not read again what passed then: a rebuild after
//! one notice reads that notice's pages, not the 700 pages around it. A
//! new name on any list changes the rules, and every file is read again,
//! the pages of lists taken from the cache too.
//!
//! Files are known by a print of their path and bytes, and verdicts are
//! stored, keyed both with the name key (kept outside the site folder,
//! SipHash): neither can be made up, or matched by other bytes, without
//! it. A verdict is noted only for a file that passed both guards, read in
//! full, and stored only after a build without a problem.

use crate::fingerprint::{Fnv, PrehashedBuild};
use crate::privacy::names_guard::NameKey;
use std::collections::HashSet;
use std::path::Path;
use std::sync::Mutex;

const HEAD: &[u8; 4] = b"GSV1";

/// Verdicts stored after a build without a problem (raw, 8 bytes each).
pub const FILE: &str = "guard-verdicts";

pub type Known = HashSet<u64, PrehashedBuild>;

pub struct Verdicts {
    key: NameKey,
    /// The rules, as one value (`rules_print`).
    rules: u64,
    known: Known,
    /// Files of this build, passed before or read in it.
    passed: Mutex<Vec<u64>>,
}

impl Verdicts {
    pub fn new(key: NameKey, rules: u64, known: Known) -> Verdicts {
        Verdicts { key, rules, known, passed: Mutex::new(Vec::new()) }
    }

    /// Whether the bytes with this print passed under these rules before;
    /// if so they count as passed in this build too.
    fn known(&self, print: u64) -> bool {
        let verdict = self.key.verdict_print(self.rules, print);
        let known = self.known.contains(&verdict);
        if known {
            self.lock().push(verdict);
        }
        known
    }

    /// Notes bytes the guards read in this build: a verdict once the build
    /// is found to have no problem (only then are verdicts stored).
    fn read(&self, print: u64) {
        let verdict = self.key.verdict_print(self.rules, print);
        self.lock().push(verdict);
    }

    /// A text's print with the verdicts' key (`NameKey::content_print`).
    pub fn print(&self, rel: &str, parts: &[&[u8]]) -> u64 {
        self.key.content_print(rel, parts)
    }

    pub fn into_passed(self) -> Vec<u64> {
        self.passed.into_inner().unwrap_or_else(|e| e.into_inner())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<u64>> {
        self.passed.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Runs `check` (which gives whether the bytes passed) unless the bytes
/// with `print` passed under the same rules before, and notes a pass.
/// Without verdicts or a print, `check` always runs.
pub fn check_unless_known(verdicts: Option<&Verdicts>, print: Option<u64>, check: impl FnOnce() -> bool) {
    let remembered = verdicts.zip(print);
    if remembered.is_some_and(|(v, p)| v.known(p)) {
        return;
    }
    // The check runs first: it must not hang on there being a verdict to note.
    let passed = check();
    if let Some((v, p)) = remembered.filter(|_| passed) {
        v.read(p);
    }
}

/// The running binary (version, file times, path): a gongshi built anew
/// may judge differently. None when it cannot be found.
pub fn this_binary() -> Option<u64> {
    let exe = std::env::current_exe().ok()?;
    let meta = std::fs::metadata(&exe).ok()?;
    Some(Fnv::default().str(env!("CARGO_PKG_VERSION")).file_times(&meta).str(&exe.to_string_lossy()).finish())
}

/// Verdicts stored by an earlier build; none when unreadable.
pub fn load(path: &Path) -> Known {
    let Ok(bytes) = std::fs::read(path) else { return Known::default() };
    let Some(body) = bytes.strip_prefix(HEAD) else { return Known::default() };
    body.chunks_exact(8).map(|c| u64::from_le_bytes(c.try_into().unwrap_or_default())).collect()
}

/// Stores the verdicts of a build (written aside and renamed into place).
pub fn save(path: &Path, verdicts: &[u64]) {
    let mut bytes = Vec::with_capacity(4 + 8 * verdicts.len());
    bytes.extend_from_slice(HEAD);
    for v in verdicts {
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    let _ = crate::output::journal::write_replacing(path, &bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> NameKey {
        NameKey::from_bytes([7; 16])
    }

    #[test]
    fn a_verdict_holds_only_for_the_same_bytes_rules_and_key() {
        let first = Verdicts::new(key(), 1, Known::default());
        assert!(!first.known(42));
        first.read(42);
        let stored: Known = first.into_passed().into_iter().collect();
        assert!(Verdicts::new(key(), 1, stored.clone()).known(42));
        assert!(!Verdicts::new(key(), 1, stored.clone()).known(43), "other bytes");
        assert!(!Verdicts::new(key(), 2, stored.clone()).known(42), "other rules: a name added");
        assert!(!Verdicts::new(NameKey::from_bytes([8; 16]), 1, stored).known(42), "another key");
    }

    #[test]
    fn a_made_up_verdict_vouches_for_nothing() {
        // Without the key, the plain prints or rules are all one can write.
        let forged: Known = [42, 1, 1 ^ 42, Fnv::default().bytes(&[1, 42]).finish()].into_iter().collect();
        assert!(!Verdicts::new(key(), 1, forged).known(42));
    }

    #[test]
    fn the_check_runs_unless_a_verdict_vouches_and_only_a_pass_is_noted() {
        let runs = &std::cell::Cell::new(0);
        let check = |passed: bool| {
            move || {
                runs.set(runs.get() + 1);
                passed
            }
        };
        check_unless_known(None, Some(42), check(true));
        let verdicts = Verdicts::new(key(), 1, Known::default());
        check_unless_known(Some(&verdicts), None, check(true));
        check_unless_known(Some(&verdicts), Some(43), check(false));
        assert_eq!(runs.get(), 3, "no verdict to note is no reason to skip the check");
        check_unless_known(Some(&verdicts), Some(42), check(true));
        let stored: Known = verdicts.into_passed().into_iter().collect();
        assert_eq!(stored.len(), 1, "only the pass with a print is noted");
        let next = Verdicts::new(key(), 1, stored);
        check_unless_known(Some(&next), Some(42), check(true));
        assert_eq!(runs.get(), 4, "a vouched print is not read again");
        check_unless_known(Some(&next), Some(43), check(true));
        assert_eq!(runs.get(), 5, "a failed print is read again");
    }

    #[test]
    fn verdicts_survive_their_file_and_an_unreadable_one_holds_none() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        assert!(load(&path).is_empty());
        save(&path, &[1, 2, u64::MAX]);
        assert_eq!(load(&path), [1, 2, u64::MAX].into_iter().collect());
        std::fs::write(&path, b"junk and more junk").unwrap();
        assert!(load(&path).is_empty());
    }
}
