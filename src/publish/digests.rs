//! Content digests of the output's files, remembered between publishes in
//! the site's cache folder: a file whose size, modification time and
//! identity (inode) are unchanged is not read again. The build replaces a
//! changed file by renaming a new one into place, so an unchanged identity
//! means unchanged bytes; a province's 22,000 files then cost one `stat`
//! each instead of reading 200 MB.

use rayon::prelude::*;
use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stat {
    len: u64,
    mtime_ns: i128,
    ino: u64,
}

pub struct Digests {
    path: Option<PathBuf>,
    known: HashMap<String, (Stat, u128)>,
    seen: Mutex<Vec<(String, Stat, u128)>>,
}

impl Digests {
    /// The digests kept at `path` (none when there is no such file).
    pub fn load(path: Option<&Path>) -> Digests {
        let text = path.and_then(|p| fs::read_to_string(p).ok()).unwrap_or_default();
        let known = text
            .lines()
            .filter_map(|line| {
                let mut f = line.split('\t');
                let rel = f.next()?.to_string();
                let stat = Stat {
                    len: f.next()?.parse().ok()?,
                    mtime_ns: f.next()?.parse().ok()?,
                    ino: f.next()?.parse().ok()?,
                };
                let digest = u128::from_str_radix(f.next()?, 16).ok()?;
                Some((rel, (stat, digest)))
            })
            .collect();
        Digests { path: path.map(Path::to_path_buf), known, seen: Mutex::new(Vec::new()) }
    }

    /// Size and digest of `dir/rel`, read only when it may have changed.
    pub fn of(&self, dir: &Path, rel: &str) -> io::Result<(u64, u128)> {
        let path = dir.join(rel);
        let stat = stat(&fs::metadata(&path)?);
        let digest = match self.known.get(rel) {
            Some((s, d)) if *s == stat => *d,
            _ => digest(&fs::read(&path)?),
        };
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).push((rel.to_string(), stat, digest));
        Ok((stat.len, digest))
    }

    /// Keeps the digests of the files seen in this run.
    pub fn save(&self) {
        let Some(path) = &self.path else { return };
        let mut seen = std::mem::take(&mut *self.seen.lock().unwrap_or_else(|e| e.into_inner()));
        seen.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut text = String::with_capacity(seen.len() * 80);
        for (rel, s, d) in seen {
            if !rel.contains(['\t', '\n']) {
                text.push_str(&format!("{rel}\t{}\t{}\t{}\t{d:032x}\n", s.len, s.mtime_ns, s.ino));
            }
        }
        if let Some(dir) = path.parent() {
            let _ = fs::create_dir_all(dir);
        }
        let _ = fs::write(path, text);
    }
}

/// A 128-bit SipHash of the bytes.
pub fn digest(bytes: &[u8]) -> u128 {
    use siphasher::sip128::{Hasher128, SipHasher13};
    use std::hash::Hasher;
    let mut h = SipHasher13::new_with_keys(0x676f6e6773686900, 0x7075626c69736801);
    h.write(bytes);
    h.finish128().as_u128()
}

fn stat(m: &fs::Metadata) -> Stat {
    let mtime_ns = m
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos() as i128)
        .unwrap_or(-1);
    #[cfg(unix)]
    let ino = std::os::unix::fs::MetadataExt::ino(m);
    #[cfg(not(unix))]
    let ino = 0;
    Stat { len: m.len(), mtime_ns, ino }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unchanged_files_are_not_read_again_and_changed_ones_are() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = tmp.path().join("digests.tsv");
        fs::write(tmp.path().join("a.html"), "one").unwrap();
        let first = Digests::load(Some(&cache));
        let (len, d1) = first.of(tmp.path(), "a.html").unwrap();
        assert_eq!((len, d1), (3, digest(b"one")));
        first.save();
        // Replaced by renaming a new file, as the build does: a new identity.
        fs::write(tmp.path().join("new"), "two").unwrap();
        fs::rename(tmp.path().join("new"), tmp.path().join("a.html")).unwrap();
        let second = Digests::load(Some(&cache));
        assert_eq!(second.of(tmp.path(), "a.html").unwrap().1, digest(b"two"));
        second.save();
        // Known and unchanged: the remembered digest is used.
        let mut third = Digests::load(Some(&cache));
        let stat = third.known["a.html"].0;
        third.known.insert("a.html".into(), (stat, 42));
        assert_eq!(third.of(tmp.path(), "a.html").unwrap().1, 42);
    }
}
