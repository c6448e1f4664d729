//! The build writes into a staging folder beside the output folder; only a
//! build without errors is then synchronised into place. Synchronising
//! replaces just the files whose bytes changed (so their mtimes stay and
//! `rsync` uploads only the change) and deletes files no longer produced.

use std::collections::HashSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub struct Staging {
    dir: PathBuf,
    /// Every file written, so neither the leak gate nor publishing has to
    /// walk the staged tree (10,000 folders for 10,000 pages).
    written: Mutex<Vec<PathBuf>>,
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
        self.written.lock().unwrap_or_else(|e| e.into_inner()).push(PathBuf::from(rel));
        Ok(())
    }

    /// Relative paths of the files written so far, sorted.
    pub fn files(&self) -> Vec<PathBuf> {
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
    pub fn publish(self, out: &Path, keep_as_is: &HashSet<PathBuf>, manifest: Option<&Path>) -> io::Result<SyncStats> {
        let mut stats = SyncStats::default();
        let staged = self.files();
        let previous = manifest.and_then(read_manifest);
        if !out.exists() {
            stats.written = staged.len();
            fs::rename(&self.dir, out)?;
            write_manifest(manifest, staged.iter().chain(keep_as_is));
            return Ok(stats);
        }
        let mut keep: HashSet<PathBuf> = HashSet::with_capacity(staged.len());
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
        let existing = match previous {
            Some(files) => files,
            None => files_under(out)?.into_iter().collect(),
        };
        let mut emptied = HashSet::new();
        for rel in existing {
            if keep_as_is.contains(&rel) {
                stats.unchanged += 1;
            } else if !keep.contains(&rel) {
                match fs::remove_file(out.join(&rel)) {
                    Ok(()) => stats.removed += 1,
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e),
                }
                if let Some(parent) = rel.parent() {
                    emptied.insert(parent.to_path_buf());
                }
            }
        }
        remove_empty_parents(out, emptied)?;
        fs::remove_dir_all(&self.dir)?;
        write_manifest(manifest, keep.iter().chain(keep_as_is));
        Ok(stats)
    }
}

fn read_manifest(path: &Path) -> Option<HashSet<PathBuf>> {
    let text = fs::read_to_string(path).ok()?;
    Some(text.lines().filter(|l| !l.is_empty()).map(PathBuf::from).collect())
}

fn write_manifest<'a>(path: Option<&Path>, files: impl Iterator<Item = &'a PathBuf>) {
    let Some(path) = path else { return };
    let mut lines: Vec<String> = files.map(|p| p.to_string_lossy().into_owned()).collect();
    lines.sort();
    lines.dedup();
    if let Some(dir) = path.parent() {
        let _ = fs::create_dir_all(dir);
    }
    let _ = fs::write(path, lines.join("\n"));
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

fn same_bytes(a: &Path, b: &Path) -> io::Result<bool> {
    let (ma, mb) = (fs::metadata(a)?, fs::metadata(b)?);
    if ma.len() != mb.len() {
        return Ok(false);
    }
    Ok(fs::read(a)? == fs::read(b)?)
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
pub fn files_under(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1) {
        let entry = entry.map_err(io::Error::other)?;
        if entry.file_type().is_file() {
            out.push(entry.path().strip_prefix(dir).map(Path::to_path_buf).unwrap_or_default());
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publish_writes_only_changes_and_removes_stale_files() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let s = Staging::create(&out).unwrap();
        s.write("a/index.html", b"one").unwrap();
        s.write("b/index.html", b"two").unwrap();
        let st = s.publish(&out, &HashSet::new(), None).unwrap();
        assert_eq!(st.written, 2);

        let s = Staging::create(&out).unwrap();
        s.write("a/index.html", b"one").unwrap();
        s.write("c/index.html", b"three").unwrap();
        let st = s.publish(&out, &HashSet::new(), None).unwrap();
        assert_eq!((st.written, st.unchanged, st.removed), (1, 1, 1));
        assert!(!out.join("b").exists(), "empty folder of a removed page is gone");
        assert_eq!(fs::read(out.join("c/index.html")).unwrap(), b"three");
        assert!(!tmp.path().join(".public.staging").exists());
    }
}
