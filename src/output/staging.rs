//! The build writes into a staging folder beside the output folder; only a
//! build without errors is then synchronised into place. Synchronising
//! replaces just the files whose bytes changed (so their mtimes stay and
//! `rsync` uploads only the change) and deletes files no longer produced.

use crate::fingerprint::FnvBuildHasher;
use std::collections::HashSet;
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Paths relative to an output folder, `/`-separated. Strings hashed with
/// FNV, not `PathBuf`s: a county's print folder lists 30,000 files, and
/// hashing paths component by component was most of publishing it.
pub type RelPaths = HashSet<String, FnvBuildHasher>;

pub struct Staging {
    dir: PathBuf,
    /// Every file written, so neither the leak gate nor publishing has to
    /// walk the staged tree (10,000 folders for 10,000 pages).
    written: Mutex<Vec<String>>,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SyncStats {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

impl Staging {
    /// A fresh staging folder next to `out` (same file system, so files
    /// can be moved into place by renaming).
    pub fn create(out: &Path) -> io::Result<Staging> {
        let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
        let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        fs::create_dir_all(parent)?;
        let dir = parent.join(format!(".{name}.staging"));
        if dir.exists() {
            fs::remove_dir_all(&dir)?;
        }
        fs::create_dir_all(&dir)?;
        Ok(Staging { dir, written: Mutex::new(Vec::new()) })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.write_parts(rel, &[bytes])
    }

    /// Writes the parts one after another into one file (a page and the
    /// large table spliced into it are never joined in memory).
    pub fn write_parts(&self, rel: &str, parts: &[&[u8]]) -> io::Result<()> {
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let mut file = fs::File::create(path)?;
        for part in parts {
            file.write_all(part)?;
        }
        self.written.lock().unwrap_or_else(|e| e.into_inner()).push(rel.replace('\\', "/"));
        Ok(())
    }

    /// Relative paths of the files written so far, sorted.
    pub fn files(&self) -> Vec<String> {
        let mut files = self.written.lock().unwrap_or_else(|e| e.into_inner()).clone();
        files.sort();
        files.dedup();
        files
    }

    pub fn discard(self) {
        let _ = fs::remove_dir_all(&self.dir);
    }

    /// Moves the staged tree into `out`, touching only what changed.
    /// `keep_as_is`: files not staged this time that must stay as they are
    /// (lists taken unchanged from the cache). `manifest`: where the list
    /// of files this build leaves in `out` is kept; with the previous one,
    /// stale files are found without walking `out` (a county's print folder
    /// holds tens of thousands of files).
    pub fn publish(self, out: &Path, keep_as_is: &RelPaths, manifest: Option<&Path>) -> io::Result<SyncStats> {
        let mut stats = SyncStats::default();
        let staged = self.files();
        let previous = manifest.and_then(|m| fs::read_to_string(m).ok());
        if !out.exists() {
            stats.written = staged.len();
            fs::rename(&self.dir, out)?;
            write_manifest(manifest, previous.as_deref(), staged.iter().chain(keep_as_is));
            return Ok(stats);
        }
        let mut keep = RelPaths::with_capacity_and_hasher(staged.len(), FnvBuildHasher::default());
        for rel in &staged {
            let from = self.dir.join(rel);
            let to = out.join(rel);
            keep.insert(rel.clone());
            if to.is_file() && same_bytes(&from, &to)? {
                stats.unchanged += 1;
                continue;
            }
            if to.is_dir() {
                fs::remove_dir_all(&to)?;
            }
            if let Some(parent) = to.parent() {
                make_dir_replacing_file(out, parent)?;
            }
            fs::rename(&from, &to)?;
            stats.written += 1;
        }
        let walked;
        let existing: Vec<&str> = match &previous {
            Some(text) => text.lines().filter(|l| !l.is_empty()).collect(),
            None => {
                walked = files_under(out)?;
                walked.iter().map(String::as_str).collect()
            }
        };
        let mut emptied = HashSet::new();
        for rel in existing {
            if keep_as_is.contains(rel) {
                stats.unchanged += 1;
            } else if !keep.contains(rel) {
                match fs::remove_file(out.join(rel)) {
                    Ok(()) => stats.removed += 1,
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e),
                }
                if let Some(parent) = Path::new(rel).parent() {
                    emptied.insert(parent.to_path_buf());
                }
            }
        }
        remove_empty_parents(out, emptied)?;
        fs::remove_dir_all(&self.dir)?;
        write_manifest(manifest, previous.as_deref(), keep.iter().chain(keep_as_is));
        Ok(stats)
    }
}

/// Writes the list of files left in the output, unless it is unchanged.
fn write_manifest<'a>(path: Option<&Path>, previous: Option<&str>, files: impl Iterator<Item = &'a String>) {
    let Some(path) = path else { return };
    let mut lines: Vec<&str> = files.map(String::as_str).collect();
    lines.sort_unstable();
    lines.dedup();
    let text = lines.join("\n");
    if previous == Some(text.as_str()) {
        return;
    }
    if let Some(dir) = path.parent() {
        let _ = fs::create_dir_all(dir);
    }
    let _ = fs::write(path, text);
}

/// Removes folders left empty by removed files, walking up towards `out`.
fn remove_empty_parents(out: &Path, dirs: HashSet<PathBuf>) -> io::Result<()> {
    let mut dirs: Vec<PathBuf> = dirs.into_iter().collect();
    // Deepest first, so a parent is empty once its children are gone.
    dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    for rel in dirs {
        let mut cur = Some(rel.as_path());
        while let Some(d) = cur.filter(|d| !d.as_os_str().is_empty()) {
            let full = out.join(d);
            let empty = fs::read_dir(&full).map(|mut e| e.next().is_none()).unwrap_or(false);
            if !empty {
                break;
            }
            fs::remove_dir(&full)?;
            cur = d.parent();
        }
    }
    Ok(())
}

/// Compared a block at a time: a print index is megabytes, and reading
/// both copies whole would take that much fresh memory twice.
fn same_bytes(a: &Path, b: &Path) -> io::Result<bool> {
    let (mut fa, mut fb) = (fs::File::open(a)?, fs::File::open(b)?);
    if fa.metadata()?.len() != fb.metadata()?.len() {
        return Ok(false);
    }
    let (mut ba, mut bb) = (vec![0u8; 64 * 1024], vec![0u8; 64 * 1024]);
    loop {
        let n = read_full(&mut fa, &mut ba)?;
        if n != read_full(&mut fb, &mut bb)? || ba[..n] != bb[..n] {
            return Ok(false);
        }
        if n < ba.len() {
            return Ok(true);
        }
    }
}

/// Fills `buf` unless the file ends first; how many bytes were read.
fn read_full(f: &mut fs::File, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// Creates `dir` under `out`, removing a file that stands where a folder
/// must now be (a page that became a section).
fn make_dir_replacing_file(out: &Path, dir: &Path) -> io::Result<()> {
    let mut cur = out.to_path_buf();
    for comp in dir.strip_prefix(out).unwrap_or(dir).components() {
        cur.push(comp);
        if cur.is_file() {
            fs::remove_file(&cur)?;
        }
    }
    fs::create_dir_all(dir)
}

/// Relative paths of every file under `dir`, with `/` separators.
pub fn files_under(dir: &Path) -> io::Result<Vec<String>> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1) {
        let entry = entry.map_err(io::Error::other)?;
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_bytes_compares_every_block() {
        let tmp = tempfile::tempdir().unwrap();
        let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let mut late = big.clone();
        late[150_000] ^= 1;
        let write = |name: &str, bytes: &[u8]| {
            let p = tmp.path().join(name);
            fs::write(&p, bytes).unwrap();
            p
        };
        let (a, b, c, d) = (write("a", &big), write("b", &big), write("c", &late), write("d", &big[..199_999]));
        assert!(same_bytes(&a, &b).unwrap());
        assert!(!same_bytes(&a, &c).unwrap());
        assert!(!same_bytes(&a, &d).unwrap());
    }

    #[test]
    fn publish_writes_only_changes_and_removes_stale_files() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let s = Staging::create(&out).unwrap();
        s.write("a/index.html", b"one").unwrap();
        s.write("b/index.html", b"two").unwrap();
        let st = s.publish(&out, &RelPaths::default(), None).unwrap();
        assert_eq!(st.written, 2);

        let s = Staging::create(&out).unwrap();
        s.write("a/index.html", b"one").unwrap();
        s.write("c/index.html", b"three").unwrap();
        let st = s.publish(&out, &RelPaths::default(), None).unwrap();
        assert_eq!((st.written, st.unchanged, st.removed), (1, 1, 1));
        assert!(!out.join("b").exists(), "empty folder of a removed page is gone");
        assert_eq!(fs::read(out.join("c/index.html")).unwrap(), b"three");
        assert!(!tmp.path().join(".public.staging").exists());
    }
}
