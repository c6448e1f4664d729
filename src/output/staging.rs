//! The build writes into a staging folder in a private place (the site's
//! cache folder, or the temporary folder of `serve` and `check`), never
//! beside or inside the output folder where a web server could serve it.
//! Only a build without errors is then published (see `journal`), which
//! moves just the files whose bytes changed.

use super::error::{cause_at, hint};
use crate::diag::Diagnostic;
use crate::fingerprint::WordBuildHasher;
use crate::privacy::names_guard::NameKey;
use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Paths relative to an output folder, `/`-separated. Strings hashed eight
/// bytes a step, not `PathBuf`s: a county's print folder lists 30,000 files, and
/// hashing paths component by component was most of publishing it.
pub type RelPaths = HashSet<String, WordBuildHasher>;

pub struct Staging {
    dir: PathBuf,
    /// Every file of the build so far, so neither the leak gate nor
    /// publishing has to walk the staged tree (10,000 folders for 10,000
    /// pages).
    paths: Mutex<Paths>,
    /// The output folder as published, when files identical to its own
    /// are not staged again (see `skipping_published`).
    published: Option<Published>,
    /// Keys the files' prints (`printing_with`); none without it.
    key: Option<NameKey>,
}

/// Each path is in one of the two: the last write of a path decides (a
/// site's static file replaces the theme's of the same name).
#[derive(Default)]
struct Paths {
    /// Written into the staging folder.
    staged: RelPaths,
    /// Identical to the published file, not staged.
    same: RelPaths,
    /// What each file written from memory holds (`NameKey::content_print`):
    /// the guards' verdicts on the same bytes are remembered by it.
    prints: HashMap<String, u64, WordBuildHasher>,
    /// Files whose bytes the leak gate scanned as they were written
    /// (`write_checked`); a later write of the path takes it out.
    checked: RelPaths,
}

impl Paths {
    /// What the last write of `rel` left: its print, and whether the leak
    /// gate saw its bytes.
    fn note(&mut self, rel: &str, print: Option<u64>, checked: bool) {
        match print {
            Some(p) => self.prints.insert(rel.to_string(), p),
            None => self.prints.remove(rel),
        };
        match checked {
            true => self.checked.insert(rel.to_string()),
            false => self.checked.remove(rel),
        };
    }
}

/// Files up to this size are printed for the guards' verdicts.
const PRINTED_UP_TO: usize = 1 << 20;

/// A file of the build, where its bytes are, their print when they were
/// written from memory, and whether the leak gate scanned them then.
pub struct Readable {
    pub rel: String,
    pub path: PathBuf,
    pub print: Option<u64>,
    pub checked: bool,
}

/// An output folder and the files gongshi published there (its manifest).
pub struct Published {
    pub dir: PathBuf,
    pub owned: RelPaths,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SyncStats {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

impl Staging {
    /// A fresh, empty staging folder at `dir` (what a killed build left
    /// there is removed first). Its parent is made private (0700): staged
    /// letters carry full names and staged pages have not passed the gate.
    pub fn create(dir: &Path) -> io::Result<Staging> {
        if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent)?;
            make_private(parent)?;
        }
        if fs::symlink_metadata(dir).is_ok() {
            fs::remove_dir_all(dir)?;
        }
        fs::create_dir_all(dir)?;
        Ok(Staging { dir: dir.to_path_buf(), paths: Mutex::new(Paths::default()), published: None, key: None })
    }

    /// A file whose bytes are those gongshi already published at its path
    /// is not staged (on a real disk, creating a county's 900 pages and
    /// their 350 folders again cost more than rendering them); it is read
    /// from the output folder by the guards (`readable`) and kept there.
    pub fn skipping_published(mut self, published: Published) -> Staging {
        self.published = Some(published);
        self
    }

    /// Prints every file written from memory with `key`, for the guards'
    /// verdicts (`output::verdicts`): only where the key is kept outside
    /// the site folder (a build with the list cache).
    pub fn printing_with(mut self, key: NameKey) -> Staging {
        self.key = Some(key);
        self
    }

    /// Files not staged because they are published as they are.
    pub fn same_as_published(&self) -> Vec<String> {
        let mut files: Vec<String> = self.paths().same.iter().cloned().collect();
        files.sort();
        files
    }

    fn paths(&self) -> std::sync::MutexGuard<'_, Paths> {
        self.paths.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records a file staged at `rel` (no longer the published one).
    fn staged(&self, rel: &str) {
        let mut paths = self.paths();
        paths.same.remove(rel);
        paths.staged.insert(rel.to_string());
    }

    /// Every file of this build and where its bytes are: the staged files
    /// in the staging folder, the others in the output folder.
    pub fn readable(&self) -> Vec<Readable> {
        let staged = self.files().into_iter().map(|f| (self.dir.join(&f), f));
        let kept = self.published.as_ref().map(|p| &p.dir);
        let same = self.same_as_published().into_iter().filter_map(|f| Some((kept?.join(&f), f)));
        let paths = self.paths();
        staged
            .chain(same)
            .map(|(path, rel)| Readable {
                print: paths.prints.get(&rel).copied(),
                checked: paths.checked.contains(&rel),
                rel,
                path,
            })
            .collect()
    }

    /// Whether the parts are, byte for byte, the published file at `rel`.
    fn published_as(&self, rel: &str, parts: &[&[u8]]) -> bool {
        let Some(p) = self.published.as_ref().filter(|p| p.owned.contains(rel)) else { return false };
        let path = p.dir.join(rel);
        let len: usize = parts.iter().map(|b| b.len()).sum();
        if !fs::symlink_metadata(&path).is_ok_and(|m| m.is_file() && m.len() == len as u64) {
            return false;
        }
        let Ok(bytes) = fs::read(&path) else { return false };
        let mut at = 0;
        parts.iter().all(|part| {
            let same = bytes.get(at..at + part.len()) == Some(part);
            at += part.len();
            same
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The print of every file written from memory, by path (see `Paths`).
    pub fn prints(&self) -> HashMap<String, u64, WordBuildHasher> {
        self.paths().prints.clone()
    }

    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.write_parts(rel, &[bytes])
    }

    /// Writes the parts one after another into one file (a page and the
    /// large table spliced into it are never joined in memory).
    pub fn write_parts(&self, rel: &str, parts: &[&[u8]]) -> io::Result<()> {
        self.write_noted(rel, parts, false)
    }

    /// Like `write_parts`, for bytes the leak gate has just scanned.
    pub fn write_checked(&self, rel: &str, parts: &[&[u8]]) -> io::Result<()> {
        self.write_noted(rel, parts, true)
    }

    fn write_noted(&self, rel: &str, parts: &[&[u8]], checked: bool) -> io::Result<()> {
        let rel = rel.replace('\\', "/");
        // A large file (a list's table) is read whenever it is staged:
        // hashing it for a verdict would cost a full build and save little.
        let small = parts.iter().map(|p| p.len()).sum::<usize>() <= PRINTED_UP_TO;
        let print = self.key.filter(|_| small).map(|k| k.content_print(&rel, parts));
        if self.published_as(&rel, parts) {
            let mut paths = self.paths();
            // What an earlier write of this path staged is not the file now.
            if paths.staged.remove(&rel) {
                fs::remove_file(self.dir.join(&rel))?;
            }
            paths.note(&rel, print, checked);
            paths.same.insert(rel);
            return Ok(());
        }
        let path = self.dir.join(&rel);
        let mut file = self.in_folder(&path, || fs::File::create(&path))?;
        for part in parts {
            file.write_all(part)?;
        }
        self.staged(&rel);
        self.paths().note(&rel, print, checked);
        Ok(())
    }

    /// Puts a copy of the file `from` at `rel`: a hard link when `from` is
    /// on the same file system (the build replaces files by renaming, never
    /// in place, so the link cannot change under the copy), else a copy.
    pub fn link(&self, rel: &str, from: &Path) -> io::Result<()> {
        let path = self.dir.join(rel);
        if self.in_folder(&path, || fs::hard_link(from, &path)).is_err() {
            copy_file(from, &path)?;
        }
        let rel = rel.replace('\\', "/");
        // Bytes copied from a file: no print of them, not seen by the gate.
        self.paths().note(&rel, None, false);
        self.staged(&rel);
        Ok(())
    }

    /// Why writing `rel` failed, in Chinese, with what to do: the staging
    /// folder is named, as the file's path alone says nothing of where.
    pub fn write_failure(&self, rel: &str, e: &io::Error) -> Diagnostic {
        let path = self.dir.join(rel);
        let what = format!("写出失败（暂存目录 {}）：{}", crate::platform::shown(&self.dir), cause_at(e, &path));
        let d = Diagnostic::new(rel, 0, what);
        match hint(e, &path) {
            Some(h) => d.with_hint(h),
            None => d,
        }
    }

    /// Relative paths of the files written so far, sorted.
    pub fn files(&self) -> Vec<String> {
        let mut files: Vec<String> = self.paths().staged.iter().cloned().collect();
        files.sort();
        files
    }

    /// Runs `make` (which creates `path`), first making `path`'s folder when
    /// it is missing. Trying first saves a look-up per file: most files go
    /// into a folder that already exists.
    fn in_folder<T>(&self, path: &Path, make: impl Fn() -> io::Result<T>) -> io::Result<T> {
        match make() {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                create_below(&self.dir, path.parent().unwrap_or(path))?;
                make()
            }
            other => other,
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// Creates `dir` and its missing parents up to, but never including,
/// `root`: once the staging folder is removed (`check` interrupted), a
/// thread still writing cannot make it again.
fn create_below(root: &Path, dir: &Path) -> io::Result<()> {
    if dir == root {
        return Err(io::ErrorKind::NotFound.into());
    }
    match fs::create_dir(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists && dir.is_dir() => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => match dir.parent() {
            Some(parent) if parent.starts_with(root) => {
                create_below(root, parent)?;
                match fs::create_dir(dir) {
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists && dir.is_dir() => Ok(()),
                    other => other,
                }
            }
            _ => Err(e),
        },
        Err(e) => Err(e),
    }
}

/// Readable by its owner only, where the file system keeps permissions:
/// one that keeps none (FAT, exFAT, a network share) refuses to set them,
/// and there is nothing to restrict. Where the folder is, is the user's
/// choice; any other refusal is an error.
pub fn make_private(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(dir)?.permissions().mode() & 0o777;
        if mode != 0o700 {
            match fs::set_permissions(dir, fs::Permissions::from_mode(0o700)) {
                Err(e) if !crate::platform::keeps_no_permissions(dir, &e) => return Err(e),
                _ => {}
            }
        }
    }
    let _ = dir;
    Ok(())
}

/// Copies the bytes of `from` into a new file `to`. Unlike `fs::copy`, it
/// sets no permissions: the copy gets a new file's, as every staged file
/// does, and file systems that keep none (FAT through `fusefat`) refuse
/// the `chmod` that `fs::copy` makes after copying.
pub fn copy_file(from: &Path, to: &Path) -> io::Result<u64> {
    let mut source = fs::File::open(from)?;
    let mut copy = fs::File::create(to)?;
    io::copy(&mut source, &mut copy)
}

/// Removes folders left empty by removed files, walking up towards `out`.
pub(crate) fn remove_empty_parents(out: &Path, dirs: HashSet<PathBuf>) -> io::Result<()> {
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
pub(crate) fn same_bytes(a: &Path, b: &Path) -> io::Result<bool> {
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

    /// A published folder holding `files`, of which gongshi wrote `owned`,
    /// and a staging that skips what it published as it is.
    fn staging_beside(files: &[(&str, &str)], owned: &[&str]) -> (tempfile::TempDir, PathBuf, Staging) {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        for (rel, text) in files {
            fs::create_dir_all(out.join(rel).parent().unwrap()).unwrap();
            fs::write(out.join(rel), text).unwrap();
        }
        let owned: RelPaths = owned.iter().map(|s| s.to_string()).collect();
        let s = Staging::create(&tmp.path().join("staging"))
            .unwrap()
            .skipping_published(Published { dir: out.clone(), owned });
        (tmp, out, s)
    }

    #[test]
    fn only_files_gongshi_published_with_the_same_bytes_are_not_staged() {
        let files = [("a/same.html", "同"), ("a/changed.html", "旧"), ("theirs.html", "同")];
        let (_tmp, out, s) = staging_beside(&files, &["a/same.html", "a/changed.html"]);
        let key = NameKey::from_bytes([1; 16]);
        let s = s.printing_with(key);
        s.write_parts("a/same.html", &["同".as_bytes(), b""]).unwrap();
        s.write("a/changed.html", "新".as_bytes()).unwrap();
        s.write("theirs.html", "同".as_bytes()).unwrap();
        s.write("new.html", "新".as_bytes()).unwrap();
        assert_eq!(s.same_as_published(), ["a/same.html"]);
        assert_eq!(s.files(), ["a/changed.html", "new.html", "theirs.html"], "a file not ours is staged");
        assert!(!s.dir().join("a/same.html").exists());
        let readable: Vec<_> = s.readable().into_iter().map(|r| (r.rel, r.path, r.print)).collect();
        let same = key.content_print("a/same.html", &["同".as_bytes(), b""]);
        assert!(readable.contains(&("a/same.html".to_string(), out.join("a/same.html"), Some(same))));
        let new = key.content_print("new.html", &["新".as_bytes()]);
        assert!(readable.contains(&("new.html".to_string(), s.dir().join("new.html"), Some(new))));
        assert_eq!(readable.len(), 4);
    }

    /// A page scanned as it was written, then replaced by a static file
    /// of the same path: the gate's scan was of other bytes.
    #[test]
    fn only_the_last_write_of_a_path_says_whether_the_gate_saw_it() {
        let (tmp, _out, s) = staging_beside(&[], &[]);
        let s = s.printing_with(NameKey::from_bytes([1; 16]));
        let from = tmp.path().join("static.html");
        fs::write(&from, "附件").unwrap();
        s.write_checked("a.html", &[b"page"]).unwrap();
        s.write_checked("b.html", &[b"page"]).unwrap();
        s.write_checked("c.html", &[b"page"]).unwrap();
        s.link("a.html", &from).unwrap();
        s.write("b.html", b"feed").unwrap();
        let seen = |rel: &str| s.readable().into_iter().find(|r| r.rel == rel).map(|r| (r.checked, r.print.is_some()));
        assert_eq!(seen("a.html"), Some((false, false)), "linked: not in memory");
        assert_eq!(seen("b.html"), Some((false, true)));
        assert_eq!(seen("c.html"), Some((true, true)));
    }

    #[test]
    fn the_last_write_of_a_path_decides_whether_it_is_staged() {
        let files = [("static/style.css", "site"), ("static/site.js", "theme")];
        let (_tmp, _out, s) = staging_beside(&files, &["static/style.css", "static/site.js"]);
        // The theme's file first, then the site's own of the same name.
        s.write("static/style.css", b"theme").unwrap();
        s.write("static/style.css", b"site").unwrap();
        s.write("static/site.js", b"theme").unwrap();
        s.write("static/site.js", b"site").unwrap();
        assert_eq!(s.same_as_published(), ["static/style.css"]);
        assert!(!s.dir().join("static/style.css").exists(), "the theme's copy is not published over the site's");
        assert_eq!(s.files(), ["static/site.js"]);
        assert_eq!(fs::read_to_string(s.dir().join("static/site.js")).unwrap(), "site");
    }

    /// `fs::copy` sets the copy's permissions, which `fusefat` refuses
    /// (ENOSYS): `copy_file` copies the bytes and leaves them as new.
    #[cfg(unix)]
    #[test]
    fn a_copy_sets_no_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let (from, to) = (tmp.path().join("a"), tmp.path().join("b"));
        fs::write(&from, "附件").unwrap();
        fs::set_permissions(&from, fs::Permissions::from_mode(0o751)).unwrap();
        assert_eq!(copy_file(&from, &to).unwrap(), "附件".len() as u64);
        assert_eq!(fs::read_to_string(&to).unwrap(), "附件");
        assert_ne!(fs::metadata(&to).unwrap().permissions().mode() & 0o777, 0o751);
    }

    #[test]
    fn a_failed_write_names_the_staging_folder_and_the_cause_in_chinese() {
        let (_tmp, _out, s) = staging_beside(&[], &[]);
        let d = s.write_failure("2025-qiu/学校/公示栏.html", &io::Error::from_raw_os_error(28));
        let text = d.to_string();
        assert!(text.contains("写出失败（暂存目录"), "{text}");
        assert!(text.contains("磁盘空间不足（系统错误 28）") && text.contains("清理磁盘空间"), "{text}");
        assert!(!text.contains("os error"), "{text}");
    }

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
}
