//! The build writes into a staging folder beside the output folder; only a
//! build without errors is then synchronised into place. Synchronising
//! replaces just the files whose bytes changed (so their mtimes stay and
//! `rsync` uploads only the change) and deletes files no longer produced.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

pub struct Staging {
    dir: PathBuf,
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
        Ok(Staging { dir })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(path, bytes)
    }

    pub fn discard(self) {
        let _ = fs::remove_dir_all(&self.dir);
    }

    /// Moves the staged tree into `out`, touching only what changed.
    pub fn publish(self, out: &Path) -> io::Result<SyncStats> {
        let mut stats = SyncStats::default();
        let staged = files_under(&self.dir)?;
        if !out.exists() {
            stats.written = staged.len();
            fs::rename(&self.dir, out)?;
            return Ok(stats);
        }
        let mut keep = HashSet::with_capacity(staged.len());
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
        for rel in files_under(out)? {
            if !keep.contains(&rel) {
                fs::remove_file(out.join(&rel))?;
                stats.removed += 1;
            }
        }
        remove_empty_dirs(out)?;
        fs::remove_dir_all(&self.dir)?;
        Ok(stats)
    }
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

fn remove_empty_dirs(dir: &Path) -> io::Result<()> {
    let mut dirs: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_dir())
        .map(|e| e.into_path())
        .collect();
    // Deepest first, so a parent is empty once its children are gone.
    dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    for d in dirs {
        if fs::read_dir(&d)?.next().is_none() {
            fs::remove_dir(&d)?;
        }
    }
    Ok(())
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
        let st = s.publish(&out).unwrap();
        assert_eq!(st.written, 2);

        let s = Staging::create(&out).unwrap();
        s.write("a/index.html", b"one").unwrap();
        s.write("c/index.html", b"three").unwrap();
        let st = s.publish(&out).unwrap();
        assert_eq!((st.written, st.unchanged, st.removed), (1, 1, 1));
        assert!(!out.join("b").exists(), "empty folder of a removed page is gone");
        assert_eq!(fs::read(out.join("c/index.html")).unwrap(), b"three");
        assert!(!tmp.path().join(".public.staging").exists());
    }
}
