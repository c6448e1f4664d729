//! Publishing a staged build into an output folder as one transaction.
//!
//! 1. Plan: compare every staged file with the one in the output folder;
//!    only changed and new files move, so unchanged files keep their
//!    modification times (and `rsync` uploads only the change). Files
//!    gongshi's manifest lists that this build no longer produces are
//!    removed. A file gongshi did not write is never replaced or removed.
//! 2. Prepare, in `<out>/.gongshi-publish/`: the new manifest
//!    (`manifest.new`), then the journal listing every step, each written
//!    to a temporary name, flushed to disk (fsync) and renamed into place.
//! 3. Apply the steps in order. A file that is replaced is first linked
//!    (or moved) to `.gongshi-publish/old/`, then the new file is renamed
//!    over it: a reader never sees half a file. Removed files are moved to
//!    `old/` too, not deleted.
//! 4. Commit: rename `manifest.new` to `<out>/.gongshi-manifest`. That one
//!    rename is the moment the new site becomes the published one.
//! 5. Clean up: delete the journal, then `.gongshi-publish/`.
//!
//! If a step fails, the steps done are undone from the journal and the
//! old site is back. If the process is killed, the next build to open the
//! folder finds the journal: before the commit (`manifest.new` still there)
//! it undoes every step, so the folder holds the old site; after it, it
//! only finishes the clean-up. Undoing is idempotent, so a build killed
//! while undoing is undone again by the next one.

use super::error::OutputError;
use super::staging::{copy_file, remove_empty_parents, same_bytes, RelPaths, SyncStats};
use crate::fingerprint::WordBuildHasher;
use std::collections::{HashMap, HashSet};

/// Sets of paths hashed eight bytes a step (a print folder lists 30,000 files).
pub type FastSet<T> = HashSet<T, WordBuildHasher>;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The manifest: every file gongshi wrote in this folder.
pub const MANIFEST: &str = ".gongshi-manifest";
/// Work folder of a publish in progress (journal, old files).
pub const WORK: &str = ".gongshi-publish";
const JOURNAL: &str = "journal";
const NEW_MANIFEST: &str = "manifest.new";
const OLD: &str = "old";
const COPIED: &str = "new";
const JOURNAL_HEAD: &str = "gongshi-journal 1";
/// Files being written (then renamed into place) start with this.
pub const TMP_PREFIX: &str = ".gongshi-tmp.";
pub const MANIFEST_HEAD: &str =
    "# gongshi：这个目录中由 gongshi 写入的文件。gongshi 只会改动或删除这里列出的文件；请勿修改或删除本文件。";

/// One step of a publish, in the order they are applied.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    /// Move an old file gongshi wrote aside (it is no longer produced).
    Del(String),
    /// Remove a folder that held only removed files (a file goes there now).
    Rmdir(String),
    /// Move a whole staged folder into place where nothing was.
    AddDir(String),
    /// Move a staged file into place where nothing was.
    Add(String),
    /// Replace a file gongshi wrote before.
    Put(String),
}

impl Step {
    fn line(&self) -> String {
        match self {
            Step::Del(r) => format!("del {r}"),
            Step::Rmdir(r) => format!("rmdir {r}"),
            Step::AddDir(r) => format!("adddir {r}"),
            Step::Add(r) => format!("add {r}"),
            Step::Put(r) => format!("put {r}"),
        }
    }

    fn parse(line: &str) -> Option<Step> {
        let (op, rel) = line.split_once(' ')?;
        let rel = rel.to_string();
        Some(match op {
            "del" => Step::Del(rel),
            "rmdir" => Step::Rmdir(rel),
            "adddir" => Step::AddDir(rel),
            "add" => Step::Add(rel),
            "put" => Step::Put(rel),
            _ => return None,
        })
    }
}

/// What a folder's state means for a path the plan needs as a folder.
#[derive(Clone, Copy, PartialEq, Eq)]
enum DirState {
    Real,
    /// Not there (or only an old file of ours that goes): moved in whole.
    Missing,
}

/// What publishing needs to know about the folder.
pub struct Target<'a> {
    pub out: &'a Path,
    /// Files gongshi wrote here (the manifest, or adopted files).
    pub owned: &'a FastSet<&'a str>,
    /// The manifest file's text as found, to skip rewriting it unchanged.
    pub manifest_text: Option<&'a str>,
    /// How the folder is called in messages ("输出目录", "告知书目录").
    pub label: &'static str,
}

/// A publish planned (nothing moved yet): the steps, and what they do.
pub struct Prepared {
    out: PathBuf,
    staging: PathBuf,
    label: &'static str,
    steps: Vec<Step>,
    manifest_text: String,
    /// The manifest needs writing although no file moves.
    manifest_changed: bool,
    pub stats: SyncStats,
}

/// Plans publishing `staged` (relative paths under `staging`) into `t.out`:
/// refuses, before anything moves, to replace or remove a file gongshi did
/// not write. `keep_as_is`: files not staged this time that stay as they
/// are (lists taken unchanged from the cache); they remain in the manifest.
pub fn prepare(t: &Target, staging: &Path, staged: &[String], keep_as_is: &RelPaths) -> Result<Prepared, OutputError> {
    // The same files as the manifest lists (a rebuild that changed a few
    // pages): nothing to remove, and the manifest stays as it is, without
    // sorting a county's 29,000 letters again.
    let (new_set, manifest_text) = match t.manifest_text.filter(|_| same_files(t.owned, staged, keep_as_is)) {
        Some(text) => (None, text.to_string()),
        None => {
            let mut manifest: Vec<&str> = staged.iter().chain(keep_as_is.iter()).map(String::as_str).collect();
            manifest.sort_unstable();
            manifest.dedup();
            if let Some(bad) = manifest.iter().find(|r| r.contains(['\n', '\r']) || r.starts_with(".gongshi-")) {
                return Err(OutputError::plain(
                    format!("不能写出文件名“{}”", bad.escape_debug()),
                    "文件名不能含换行，也不能以 .gongshi- 开头：改一改生成这个文件的内容或文件夹的名字",
                ));
            }
            (Some(manifest.iter().copied().collect::<FastSet<&str>>()), manifest_text(&manifest))
        }
    };
    let (steps, unchanged) = plan(t, staging, staged, new_set.as_ref())?;
    let mut stats = SyncStats { unchanged: unchanged + keep_as_is.len(), ..SyncStats::default() };
    for s in &steps {
        match s {
            Step::Del(_) => stats.removed += 1,
            Step::Add(_) | Step::Put(_) => stats.written += 1,
            Step::AddDir(r) => stats.written += staged.iter().filter(|f| is_under(f, r)).count(),
            Step::Rmdir(_) => {}
        }
    }
    Ok(Prepared {
        out: t.out.to_path_buf(),
        staging: staging.to_path_buf(),
        label: t.label,
        manifest_changed: t.manifest_text != Some(manifest_text.as_str()),
        steps,
        manifest_text,
        stats,
    })
}

/// The plan when nothing was staged and the files kept are exactly those
/// the manifest lists (a county's print folder, 29,000 letters, after a
/// rebuild that changed no list): nothing moves, and the manifest is not
/// read into a set to find that out. None otherwise.
pub fn nothing_to_do(out: &Path, label: &'static str, manifest_text: &str, keep_as_is: &RelPaths) -> Option<Prepared> {
    // Summed prints, not a look-up of each line: the lines are read in
    // order, the set's strings once (a look-up each cost twice as much).
    let print = |rel: &str| crate::fingerprint::Fnv::default().bulk(rel.as_bytes()).finish();
    let (mut listed, mut last, mut sum) = (0, "", 0u64);
    // Written sorted: a line out of order or twice is a manifest edited by hand.
    for rel in parse_manifest(manifest_text) {
        if rel <= last {
            return None;
        }
        (listed, last, sum) = (listed + 1, rel, sum.wrapping_add(print(rel)));
    }
    let kept = keep_as_is.iter().fold(0u64, |sum, rel| sum.wrapping_add(print(rel)));
    (listed == keep_as_is.len() && sum == kept).then(|| Prepared {
        out: out.to_path_buf(),
        staging: PathBuf::new(),
        label,
        steps: Vec::new(),
        manifest_text: manifest_text.to_string(),
        manifest_changed: false,
        stats: SyncStats { unchanged: listed, ..SyncStats::default() },
    })
}

impl Prepared {
    /// Applies the plan as one transaction (see the module's notes).
    pub fn execute(self) -> Result<SyncStats, OutputError> {
        let (out, steps, label) = (self.out.as_path(), &self.steps, self.label);
        if steps.is_empty() {
            if self.manifest_changed {
                write_durably(&out.join(MANIFEST), self.manifest_text.as_bytes())
                    .map_err(|e| OutputError::io("无法写入清单 {}", &out.join(MANIFEST), &e))?;
            }
            return Ok(self.stats);
        }
        let work = out.join(WORK);
        let prepared = (|| {
            if fs::symlink_metadata(&work).is_ok() {
                fs::remove_dir_all(&work)?;
            }
            fs::create_dir(&work)?;
            fs::create_dir(work.join(OLD))?;
            write_synced(&work.join(NEW_MANIFEST), self.manifest_text.as_bytes())?;
            let mut journal = String::from(JOURNAL_HEAD);
            for s in steps {
                journal.push('\n');
                journal.push_str(&s.line());
            }
            journal.push('\n');
            write_durably(&work.join(JOURNAL), journal.as_bytes())?;
            sync_dir(out);
            Ok(())
        })();
        if let Err(e) = prepared {
            let _ = fs::remove_dir_all(&work);
            return Err(OutputError::io("无法在 {} 里准备发布", out, &e).with_state(untouched(label)));
        }
        crate::timing::mark("publish: journal written");
        for (i, step) in steps.iter().enumerate() {
            if let Err(failed) = apply(out, &self.staging, i, step) {
                return Err(match undo(out, &steps[..=i]) {
                    Ok(()) => failed.with_state(format!("这次构建已撤销，{}", untouched(label))),
                    Err(e) => failed.with_state(format!(
                        "撤销时又出错（{e}），{label} {} 现在新旧文件混杂；下一次构建开始时会再次撤销",
                        crate::platform::shown(out)
                    )),
                });
            }
        }
        // The commit: from here on the new site is the published one.
        fs::rename(work.join(NEW_MANIFEST), out.join(MANIFEST)).map_err(|e| {
            let failed = OutputError::io("无法写入清单 {}", &out.join(MANIFEST), &e);
            match undo(out, steps) {
                Ok(()) => failed.with_state(format!("这次构建已撤销，{}", untouched(label))),
                Err(_) => failed.with_state("下一次构建开始时会撤销这次没有完成的发布"),
            }
        })?;
        sync_dir(out);
        finish(out, steps);
        Ok(self.stats)
    }
}

fn untouched(label: &str) -> String {
    format!("已有的{label}保持原样")
}

/// What the next build found of an interrupted publish.
#[derive(Debug, PartialEq, Eq)]
pub enum Recovered {
    /// Killed before its commit: every step undone, the old site is back.
    RolledBack,
    /// Killed after its commit: the new site was already in place.
    Finished,
}

/// Finishes or undoes a publish that a killed build left in `out`.
pub fn recover(out: &Path, label: &str) -> Result<Option<Recovered>, OutputError> {
    let work = out.join(WORK);
    if fs::symlink_metadata(&work).is_err() {
        return Ok(None);
    }
    let journal = match fs::read_to_string(work.join(JOURNAL)) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            // Killed while preparing: nothing had moved yet.
            let _ = fs::remove_dir_all(&work);
            return Ok(None);
        }
        Err(e) => return Err(OutputError::io("无法读取上次中断的发布记录 {}", &work.join(JOURNAL), &e)),
    };
    let mut lines = journal.lines();
    if lines.next() != Some(JOURNAL_HEAD) {
        return Err(OutputError::plain(
            format!("{label}里的发布记录 {} 无法识别", crate::platform::shown(&work.join(JOURNAL))),
            "它可能来自另一个版本的 gongshi：用那个版本构建一次，或者删除这个目录后重新构建",
        ));
    }
    let steps: Vec<Step> = lines.filter_map(Step::parse).collect();
    if fs::symlink_metadata(work.join(NEW_MANIFEST)).is_ok() {
        undo(out, &steps).map_err(|e| {
            e.with_state(format!("上一次构建在发布途中被中断，{label}{} 现在新旧文件混杂", crate::platform::shown(out)))
        })?;
        Ok(Some(Recovered::RolledBack))
    } else {
        finish(out, &steps);
        Ok(Some(Recovered::Finished))
    }
}

/// Whether the staged and kept files are exactly the files `owned` lists.
fn same_files(owned: &FastSet<&str>, staged: &[String], keep_as_is: &RelPaths) -> bool {
    let staged_set: FastSet<&str> = staged.iter().map(String::as_str).collect();
    let kept_only = keep_as_is.iter().filter(|k| !staged_set.contains(k.as_str())).count();
    staged_set.len() + kept_only == owned.len()
        && staged.iter().chain(keep_as_is.iter()).all(|f| owned.contains(f.as_str()))
}

/// Decides the steps; also how many staged files are unchanged. `new_set`:
/// every file of this build, or None when they are the files `t.owned`
/// lists (nothing goes).
fn plan(
    t: &Target,
    staging: &Path,
    staged: &[String],
    new_set: Option<&FastSet<&str>>,
) -> Result<(Vec<Step>, usize), OutputError> {
    let out = t.out;
    let goes = |rel: &str| new_set.is_some_and(|n| t.owned.contains(rel) && !n.contains(rel));
    let foreign = |rel: &str| {
        OutputError::plain(
            format!(
                "{}{} 里的 {rel} 不是 gongshi 写的，gongshi 不会替换或删除它",
                t.label,
                crate::platform::shown(out)
            ),
            "移走这个文件，或者改动站点内容，不要生成同名的文件",
        )
        .with_state(untouched(t.label))
    };
    let io_err =
        |rel: &str, e: &io::Error| OutputError::io("无法读取 {}", &out.join(rel), e).with_state(untouched(t.label));
    let mut dirs: HashMap<String, DirState, WordBuildHasher> = HashMap::default();
    let mut steps = Vec::new();
    let mut rmdirs = Vec::new();
    let mut unchanged = 0;

    let dels = match new_set {
        Some(n) => stale_files(t, n, io_err)?,
        None => Vec::new(),
    };

    'files: for rel in staged {
        for anc in ancestors(rel) {
            let state = match dirs.get(anc) {
                Some(&s) => s,
                None => {
                    let s = match fs::symlink_metadata(out.join(anc)) {
                        Ok(m) if m.is_dir() => DirState::Real,
                        Ok(_) if goes(anc) => DirState::Missing,
                        Ok(_) => return Err(foreign(anc)),
                        Err(e) if e.kind() == io::ErrorKind::NotFound => DirState::Missing,
                        Err(e) => return Err(io_err(anc, &e)),
                    };
                    dirs.insert(anc.to_string(), s);
                    if s == DirState::Missing {
                        steps.push(Step::AddDir(anc.to_string()));
                    }
                    s
                }
            };
            if state == DirState::Missing {
                continue 'files;
            }
        }
        let target = out.join(rel);
        match fs::symlink_metadata(&target) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => steps.push(Step::Add(rel.clone())),
            Err(e) => return Err(io_err(rel, &e)),
            Ok(m) if m.is_dir() => {
                // A page that used to be a folder: only if all in it goes.
                let inside = super::staging::files_under(&target).map_err(|e| io_err(rel, &e))?;
                if let Some(f) = inside.iter().find(|f| !goes(&format!("{rel}/{f}"))) {
                    return Err(foreign(&format!("{rel}/{f}")));
                }
                rmdirs.push(Step::Rmdir(rel.clone()));
                steps.push(Step::Add(rel.clone()));
            }
            Ok(m) => {
                if !t.owned.contains(rel.as_str()) {
                    return Err(foreign(rel));
                }
                if m.is_file() && same_bytes(&staging.join(rel), &target).map_err(|e| io_err(rel, &e))? {
                    unchanged += 1;
                } else {
                    steps.push(Step::Put(rel.clone()));
                }
            }
        }
    }
    let mut all = dels;
    all.extend(rmdirs);
    all.extend(steps);
    Ok((all, unchanged))
}

/// Files of ours no longer produced, to remove (never through a link).
fn stale_files(
    t: &Target,
    new_set: &FastSet<&str>,
    io_err: impl Fn(&str, &io::Error) -> OutputError,
) -> Result<Vec<Step>, OutputError> {
    let mut gone: Vec<&str> = t.owned.iter().copied().filter(|r| !new_set.contains(r)).collect();
    gone.sort();
    let mut dels = Vec::new();
    for rel in gone {
        if !ancestors(rel).all(|a| fs::symlink_metadata(t.out.join(a)).is_ok_and(|m| m.is_dir())) {
            continue;
        }
        match fs::symlink_metadata(t.out.join(rel)) {
            Ok(m) if !m.is_dir() => dels.push(Step::Del(rel.to_string())),
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_err(rel, &e)),
        }
    }
    Ok(dels)
}

/// `a/b/c.html` → `a`, `a/b`.
fn ancestors(rel: &str) -> impl Iterator<Item = &str> {
    rel.match_indices('/').map(move |(i, _)| &rel[..i])
}

fn is_under(file: &str, dir: &str) -> bool {
    file.len() > dir.len() && file.starts_with(dir) && file.as_bytes()[dir.len()] == b'/'
}

/// Where step `i` keeps the old file: one folder, numbered by step (no
/// folder to make per file).
fn aside(out: &Path, i: usize) -> PathBuf {
    out.join(WORK).join(OLD).join(i.to_string())
}

fn apply(out: &Path, staging: &Path, i: usize, step: &Step) -> Result<(), OutputError> {
    match step {
        Step::Del(rel) => {
            let aside = aside(out, i);
            fs::rename(out.join(rel), &aside).map_err(|e| OutputError::io("无法删除旧文件 {}", &out.join(rel), &e))
        }
        Step::Rmdir(rel) => {
            remove_empty_tree(&out.join(rel)).map_err(|e| OutputError::io("无法删除旧目录 {}", &out.join(rel), &e))
        }
        Step::AddDir(rel) | Step::Add(rel) => move_in(out, staging, rel),
        Step::Put(rel) => {
            let target = out.join(rel);
            let aside = aside(out, i);
            // A second name for the old file: it stays where it is until
            // the new one is renamed over it. Where links are not possible,
            // it is moved aside instead (missing for a moment).
            if fs::hard_link(&target, &aside).is_err() {
                fs::rename(&target, &aside).map_err(|e| OutputError::io("无法替换 {}", &target, &e))?;
            }
            move_in(out, staging, rel)
        }
    }
}

/// Renames a staged file or folder into place; across file systems it is
/// first copied next to the output (into the work folder), then renamed.
/// Some drivers lose the files of a folder they rename (`fusefat`): on a
/// disk gongshi does not know to keep them, a folder's files are counted
/// before and after it moves, and a loss fails the publish (undone).
fn move_in(out: &Path, staging: &Path, rel: &str) -> Result<(), OutputError> {
    let (from, to) = (staging.join(rel), out.join(rel));
    let cant = |e: &io::Error| OutputError::io("无法写出 {}", &to, e);
    let counted = crate::platform::ForeignFs::of(out).filter(|_| from.is_dir()).map(|fs| (fs, files_in(&from)));
    match fs::rename(&from, &to) {
        Ok(()) => {}
        Err(e) if e.raw_os_error() == Some(18) => {
            let copy = out.join(WORK).join(COPIED).join(rel);
            make_parent(&copy).map_err(|e| cant(&e))?;
            copy_tree(&from, &copy).map_err(|e| cant(&e))?;
            fs::rename(&copy, &to).map_err(|e| cant(&e))?;
        }
        Err(e) => return Err(cant(&e)),
    }
    let Some((kind, before)) = counted else { return Ok(()) };
    match files_in(&to) {
        after if after != before => Err(OutputError::plain(
            format!(
                "{}把文件夹移到 {} 时丢失了其中的文件（应有 {before} 个，只剩 {after} 个）",
                kind.name(),
                crate::platform::shown(&to),
            ),
            "这个磁盘的驱动移动文件夹时会丢失文件。请把网站文件夹、输出目录和告知书目录都放在本机磁盘上，构建完成后再把输出目录复制过去",
        )),
        _ => Ok(()),
    }
}

/// How many files (not folders) are under `dir`.
fn files_in(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir).into_iter().flatten().filter(|e| !e.file_type().is_dir()).count()
}

fn copy_tree(from: &Path, to: &Path) -> io::Result<()> {
    if fs::metadata(from)?.is_dir() {
        fs::create_dir_all(to)?;
        for entry in fs::read_dir(from)? {
            let entry = entry?;
            copy_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
        Ok(())
    } else {
        copy_file(from, to).map(|_| ())
    }
}

/// Undoes `steps` (all or the first ones applied) in reverse order; every
/// undo looks at what is there, so undoing twice is harmless.
fn undo(out: &Path, steps: &[Step]) -> Result<(), OutputError> {
    let work = out.join(WORK);
    for (i, step) in steps.iter().enumerate().rev() {
        let r = match step {
            Step::Put(rel) | Step::Del(rel) => {
                let aside = aside(out, i);
                if fs::symlink_metadata(&aside).is_ok() {
                    make_parent(&out.join(rel)).and_then(|_| fs::rename(&aside, out.join(rel)))
                } else {
                    Ok(())
                }
            }
            Step::Add(rel) => match fs::symlink_metadata(out.join(rel)) {
                Ok(m) if m.is_dir() => Ok(()),
                Ok(_) => fs::remove_file(out.join(rel)),
                Err(_) => Ok(()),
            },
            Step::AddDir(rel) => match fs::symlink_metadata(out.join(rel)) {
                Ok(m) if m.is_dir() => fs::remove_dir_all(out.join(rel)),
                _ => Ok(()),
            },
            Step::Rmdir(rel) => match fs::symlink_metadata(out.join(rel)) {
                Err(_) => fs::create_dir_all(out.join(rel)),
                Ok(_) => Ok(()),
            },
        };
        let rel = match step {
            Step::Put(r) | Step::Del(r) | Step::Add(r) | Step::AddDir(r) | Step::Rmdir(r) => r,
        };
        r.map_err(|e| OutputError::io("无法恢复 {}", &out.join(rel), &e))?;
    }
    // The journal goes first: once it is gone nothing is left to undo.
    fs::remove_file(work.join(JOURNAL)).map_err(|e| OutputError::io("无法删除 {}", &work.join(JOURNAL), &e))?;
    sync_dir(&work);
    let _ = fs::remove_dir_all(&work);
    Ok(())
}

/// After the commit: the old files and the journal go, and folders left
/// empty by removed files.
fn finish(out: &Path, steps: &[Step]) {
    let work = out.join(WORK);
    let _ = fs::remove_file(work.join(JOURNAL));
    let _ = fs::remove_dir_all(&work);
    let emptied: HashSet<PathBuf> = steps
        .iter()
        .filter_map(|s| match s {
            Step::Del(rel) => Path::new(rel).parent().map(Path::to_path_buf),
            _ => None,
        })
        .collect();
    let _ = remove_empty_parents(out, emptied);
}

fn manifest_text(files: &[&str]) -> String {
    let mut text = String::with_capacity(files.iter().map(|f| f.len() + 1).sum::<usize>() + MANIFEST_HEAD.len() + 1);
    text.push_str(MANIFEST_HEAD);
    text.push('\n');
    for f in files {
        text.push_str(f);
        text.push('\n');
    }
    text
}

/// The files a manifest lists.
pub fn parse_manifest(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Written to a temporary name beside `path` and renamed into place, not
/// flushed: for gongshi's own caches, where a reader must never see half a
/// file but a write lost in a crash only makes the next build miss. The
/// temporary file goes when writing or renaming fails.
pub fn write_replacing(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let result = fs::write(&tmp, bytes).and_then(|()| fs::rename(&tmp, path));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Written to a temporary name, flushed to disk, renamed into place.
pub fn write_durably(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = path.with_file_name(format!(
        "{TMP_PREFIX}{}.{}",
        path.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result?;
    if let Some(dir) = path.parent() {
        sync_dir(dir);
    }
    Ok(())
}

/// Written and flushed to disk (its folder is flushed by the caller).
fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = fs::File::create(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Makes a rename in `dir` durable (where the system allows it).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    let _ = dir;
}

fn make_parent(path: &Path) -> io::Result<()> {
    match path.parent() {
        Some(p) => fs::create_dir_all(p),
        None => Ok(()),
    }
}

/// Removes a folder that holds only (empty) folders.
fn remove_empty_tree(dir: &Path) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            remove_empty_tree(&entry.path())?;
        }
    }
    fs::remove_dir(dir)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::staging::{files_under, Staging};

    struct Fixture {
        _tmp: tempfile::TempDir,
        out: PathBuf,
        stage: PathBuf,
    }

    fn fixture() -> Fixture {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let stage = tmp.path().join("cache/staging/public");
        fs::create_dir_all(&out).unwrap();
        Fixture { out, stage, _tmp: tmp }
    }

    fn manifest(out: &Path) -> Option<String> {
        fs::read_to_string(out.join(MANIFEST)).ok()
    }

    fn owned(text: &Option<String>) -> FastSet<&str> {
        text.as_deref().map(|t| parse_manifest(t).collect()).unwrap_or_default()
    }

    fn publish_files(f: &Fixture, files: &[(&str, &str)]) -> Result<SyncStats, OutputError> {
        publish_keeping(f, files, &[])
    }

    fn publish_keeping(f: &Fixture, files: &[(&str, &str)], keep: &[&str]) -> Result<SyncStats, OutputError> {
        let keep: RelPaths = keep.iter().map(|k| k.to_string()).collect();
        let s = Staging::create(&f.stage).unwrap();
        for (rel, text) in files {
            s.write(rel, text.as_bytes()).unwrap();
        }
        let text = manifest(&f.out);
        let set = owned(&text);
        let t = Target { out: &f.out, owned: &set, manifest_text: text.as_deref(), label: "输出目录" };
        prepare(&t, s.dir(), &s.files(), &keep)?.execute()
    }

    fn tree(dir: &Path) -> Vec<(String, String)> {
        files_under(dir)
            .unwrap()
            .into_iter()
            .filter(|f| !f.starts_with(".gongshi-"))
            .map(|f| {
                let text = fs::read_to_string(dir.join(&f)).unwrap();
                (f, text)
            })
            .collect()
    }

    #[test]
    fn writes_only_changes_and_removes_only_its_own_stale_files() {
        let f = fixture();
        fs::write(f.out.join("theirs.txt"), "not ours").unwrap();
        let st = publish_files(&f, &[("a/index.html", "one"), ("b/index.html", "two"), ("c.html", "c")]).unwrap();
        assert_eq!(st.written, 3);
        let text = manifest(&f.out);
        let set = owned(&text);
        assert!(set.contains("a/index.html") && !set.contains("theirs.txt"));

        let st = publish_files(&f, &[("a/index.html", "one"), ("d/e/index.html", "three"), ("c.html", "C")]).unwrap();
        assert_eq!((st.written, st.unchanged, st.removed), (2, 1, 1));
        assert!(!f.out.join("b").exists(), "empty folder of a removed page is gone");
        assert_eq!(fs::read_to_string(f.out.join("theirs.txt")).unwrap(), "not ours");
        assert!(!f.out.join(WORK).exists());
        assert!(!f.stage.exists(), "staging removed");
    }

    #[test]
    fn the_same_files_as_last_time_keep_the_manifest_and_only_changes_move() {
        let f = fixture();
        publish_files(&f, &[("a.html", "1"), ("l/b.html", "2"), ("l/c.html", "3")]).unwrap();
        let before = manifest(&f.out);
        // b and c kept as they are (the list cache), a changed, c also staged.
        let st = publish_keeping(&f, &[("a.html", "one"), ("l/c.html", "3")], &["l/b.html", "l/c.html"]).unwrap();
        assert_eq!((st.written, st.removed), (1, 0));
        assert_eq!(manifest(&f.out), before);
        assert_eq!(
            tree(&f.out),
            [("a.html".into(), "one".into()), ("l/b.html".into(), "2".into()), ("l/c.html".into(), "3".into())]
        );
        // As many files, one of them new: the one no longer built goes.
        let st = publish_keeping(&f, &[("a.html", "one"), ("l/d.html", "4")], &["l/b.html"]).unwrap();
        assert_eq!((st.written, st.removed), (1, 1));
        assert!(!f.out.join("l/c.html").exists() && manifest(&f.out).unwrap().contains("l/d.html"));
    }

    #[test]
    fn a_replacing_write_is_whole_or_leaves_nothing() {
        let f = fixture();
        let file = f.out.join("entry.json");
        write_replacing(&file, b"one").unwrap();
        write_replacing(&file, b"two").unwrap();
        assert_eq!(fs::read(&file).unwrap(), b"two");
        // The rename fails (a folder stands there): no temporary file stays.
        fs::create_dir(f.out.join("taken")).unwrap();
        fs::write(f.out.join("taken/x"), "x").unwrap();
        assert!(write_replacing(&f.out.join("taken"), b"three").is_err());
        let names: Vec<_> = fs::read_dir(&f.out).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[test]
    fn refuses_to_replace_a_file_it_did_not_write() {
        let f = fixture();
        publish_files(&f, &[("a.html", "1")]).unwrap();
        fs::write(f.out.join("index.html"), "their home page").unwrap();
        let err = publish_files(&f, &[("a.html", "2"), ("index.html", "ours")]).unwrap_err().to_string();
        assert!(err.contains("index.html 不是 gongshi 写的"), "{err}");
        assert_eq!(fs::read_to_string(f.out.join("index.html")).unwrap(), "their home page");
        assert_eq!(fs::read_to_string(f.out.join("a.html")).unwrap(), "1");
    }

    #[test]
    fn a_page_can_become_a_folder_and_back() {
        let f = fixture();
        publish_files(&f, &[("a", "file")]).unwrap();
        publish_files(&f, &[("a/index.html", "dir")]).unwrap();
        assert_eq!(tree(&f.out), vec![("a/index.html".into(), "dir".into())]);
        publish_files(&f, &[("a", "file again")]).unwrap();
        assert_eq!(tree(&f.out), vec![("a".into(), "file again".into())]);
    }

    #[test]
    fn a_failed_step_undoes_the_steps_before_it() {
        let f = fixture();
        publish_files(&f, &[("a.html", "1"), ("b.html", "1"), ("gone.html", "x")]).unwrap();
        let before = tree(&f.out);
        // A folder where the new file would be moved: the rename fails.
        let s = Staging::create(&f.stage).unwrap();
        for rel in ["a.html", "b.html", "c.html"] {
            s.write(rel, b"2").unwrap();
        }
        fs::create_dir_all(f.out.join("c.html/x")).unwrap();
        fs::write(f.out.join("c.html/x/keep"), "theirs").unwrap();
        let text = manifest(&f.out);
        let set = owned(&text);
        let t = Target { out: &f.out, owned: &set, manifest_text: text.as_deref(), label: "输出目录" };
        let err = prepare(&t, s.dir(), &s.files(), &RelPaths::default()).err().unwrap().to_string();
        assert!(err.contains("c.html/x/keep"), "{err}");
        fs::remove_dir_all(f.out.join("c.html")).unwrap();
        assert_eq!(tree(&f.out), before);

        // Now a failure in the middle of applying: undo every step.
        let steps = [
            Step::Del("gone.html".into()),
            Step::Put("a.html".into()),
            Step::Add("c.html".into()),
            Step::Put("b.html".into()),
        ];
        fs::create_dir_all(f.out.join(WORK).join(OLD)).unwrap();
        fs::write(f.out.join(WORK).join(JOURNAL), "x").unwrap();
        for (i, step) in steps[..3].iter().enumerate() {
            apply(&f.out, s.dir(), i, step).unwrap();
        }
        assert_eq!(fs::read_to_string(f.out.join("a.html")).unwrap(), "2");
        undo(&f.out, &steps[..3]).unwrap();
        assert_eq!(tree(&f.out), before);
        assert!(!f.out.join(WORK).exists());
    }

    #[test]
    fn recovery_undoes_before_the_commit_and_finishes_after_it() {
        let f = fixture();
        publish_files(&f, &[("a.html", "1"), ("old/x.html", "x")]).unwrap();
        let before = tree(&f.out);
        let manifest_before = fs::read_to_string(f.out.join(MANIFEST)).unwrap();
        let s = Staging::create(&f.stage).unwrap();
        s.write("a.html", b"2").unwrap();
        s.write("n/new.html", b"n").unwrap();
        let steps = [Step::Del("old/x.html".into()), Step::Put("a.html".into()), Step::AddDir("n".into())];
        let work = f.out.join(WORK);
        fs::create_dir_all(work.join(OLD)).unwrap();
        fs::write(work.join(NEW_MANIFEST), "# new\na.html\nn/new.html\n").unwrap();
        let journal: Vec<String> =
            std::iter::once(JOURNAL_HEAD.to_string()).chain(steps.iter().map(Step::line)).collect();
        fs::write(work.join(JOURNAL), journal.join("\n")).unwrap();
        for (i, step) in steps.iter().enumerate() {
            apply(&f.out, s.dir(), i, step).unwrap();
        }
        // Killed here, before the commit.
        assert_eq!(recover(&f.out, "输出目录").unwrap(), Some(Recovered::RolledBack));
        assert_eq!(tree(&f.out), before);
        assert_eq!(fs::read_to_string(f.out.join(MANIFEST)).unwrap(), manifest_before);
        assert_eq!(recover(&f.out, "输出目录").unwrap(), None);
    }

    #[test]
    fn nothing_to_do_only_when_the_manifest_lists_exactly_the_files_kept() {
        let keep: RelPaths = ["a/1.html", "a/2.html", "b.html"].into_iter().map(String::from).collect();
        let text = |lines: &[&str]| manifest_text(lines);
        let out = Path::new("/nowhere");
        let plan = nothing_to_do(out, "输出目录", &text(&["a/1.html", "a/2.html", "b.html"]), &keep).unwrap();
        assert!(plan.steps.is_empty() && !plan.manifest_changed && plan.stats.unchanged == 3);
        assert!(nothing_to_do(out, "输出目录", &text(&["a/1.html", "a/2.html"]), &keep).is_none(), "one not listed");
        let more = text(&["a/1.html", "a/2.html", "b.html", "c.html"]);
        assert!(nothing_to_do(out, "输出目录", &more, &keep).is_none(), "one that goes");
        let twice = text(&["a/1.html", "a/1.html", "b.html"]);
        assert!(nothing_to_do(out, "输出目录", &twice, &keep).is_none(), "a line twice");
    }
}
