//! Which output folders gongshi may write into, and which files in them
//! are its own.
//!
//! gongshi writes into an output or print folder only when the folder is
//! new, empty, or carries gongshi's manifest (`.gongshi-manifest`, written
//! by the previous build: every file gongshi wrote there). It replaces and
//! removes only files that manifest lists. A folder holding anything else
//! is refused, naming the first files that are not gongshi's, unless the
//! user adopts it (`--adopt-out`, `--adopt-print`): then those files stay
//! as they are, and gongshi writes its own beside them.
//!
//! Older gongshi versions kept the list of files a build left in the
//! site's cache folder, not in the output folder. A folder without a
//! manifest whose every file that old list names is taken over as it is.

use super::error::OutputError;
use super::journal::{self, FastSet, Prepared, Recovered, Target, MANIFEST, TMP_PREFIX, WORK};
use super::lock::{Lock, LOCK_FILE};
use super::staging::{Published, RelPaths, Staging, SyncStats};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Foreign files named in a refusal before the rest are counted.
const SHOWN: usize = 5;

/// The two kinds of output folder, for messages and option names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Public,
    Print,
    /// A `[[publish]]` folder target (`gongshi publish`).
    Target,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Public => "输出目录",
            Role::Print => "告知书目录",
            Role::Target => "发布目录",
        }
    }

    fn option(self) -> &'static str {
        match self {
            Role::Public => "--adopt-out",
            Role::Print => "--adopt-print",
            Role::Target => "adopt = true",
        }
    }

    fn default_name(self) -> &'static str {
        match self {
            Role::Public => "public/",
            Role::Print => "print/",
            Role::Target => "在 site-config.toml 的 [[publish]] 里写新的目录",
        }
    }
}

/// An output folder this build holds the lock of and may publish into.
pub struct OutputFolder {
    dir: PathBuf,
    role: Role,
    /// The manifest as found: the files gongshi wrote here.
    manifest_text: Option<String>,
    /// Without a manifest: files an older gongshi listed (taken over).
    adopted: Vec<String>,
    /// The old-style manifest in the site's cache folder, removed once the
    /// folder has its own.
    legacy: Option<PathBuf>,
    /// Created by this build: removed again if it stays empty.
    created: bool,
    published: bool,
    lock: Option<Lock>,
    /// For the user: an interrupted publish undone, a lock taken over.
    pub notes: Vec<String>,
}

pub struct Open<'a> {
    pub dir: &'a Path,
    pub role: Role,
    /// The user allows files that are not gongshi's in the folder.
    pub adopt: bool,
    /// Where an older gongshi kept the list of files it left in `dir`.
    pub legacy_manifest: Option<&'a Path>,
    /// Create the folder when it does not exist (else `Ok(None)`).
    pub create: bool,
}

impl OutputFolder {
    /// Locks the folder, finishes or undoes a publish a killed build left
    /// in it, and decides which of its files are gongshi's; refuses a
    /// folder holding files that are not, unless adopted.
    pub fn open(o: Open) -> Result<Option<OutputFolder>, OutputError> {
        let (dir, role) = (o.dir, o.role);
        let label = role.label();
        // The folder itself may be a link (public -> /srv/www/zizhu).
        let created = match fs::metadata(dir) {
            Ok(m) if m.is_dir() => false,
            Ok(_) => {
                return Err(OutputError::plain(
                    format!("{label} {} 已经存在，但不是目录", crate::platform::shown(dir)),
                    format!("换一个{label}，或者移走这个文件"),
                ))
            }
            // Not there, or a file stands in its path (then creating it
            // says which).
            Err(e) if missing(&e) && !o.create => return Ok(None),
            Err(e) if missing(&e) => {
                fs::create_dir_all(dir).map_err(|e| OutputError::io(&format!("无法创建{label} {{}}"), dir, &e))?;
                true
            }
            Err(e) => return Err(OutputError::io(&format!("无法读取{label} {{}}"), dir, &e)),
        };
        let mut folder = OutputFolder {
            dir: dir.to_path_buf(),
            role,
            manifest_text: None,
            adopted: Vec::new(),
            legacy: None,
            created,
            published: false,
            lock: None,
            notes: Vec::new(),
        };
        // A folder that is not gongshi's is refused before anything, even a
        // lock file, is written into it; then decided again under the lock.
        let marked = |name: &str| fs::symlink_metadata(dir.join(name)).is_ok();
        if !created && !marked(WORK) && !marked(MANIFEST) {
            folder.read_ownership(o.adopt, o.legacy_manifest)?;
        }
        let lock = Lock::acquire(&dir.join(LOCK_FILE), &format!("{label} {}", crate::platform::shown(dir)))?;
        if let Some(pid) = lock.taken_over {
            folder.notes.push(format!(
                "{label} {} 的上一次构建（进程号 {pid}）没有正常结束，已接管它留下的锁",
                crate::platform::shown(dir)
            ));
        }
        folder.lock = Some(lock);
        remove_half_written(dir);
        match journal::recover(dir, label)? {
            Some(Recovered::RolledBack) => folder.notes.push(format!(
                "上一次构建在发布途中被中断，已把{label} {} 恢复成那次构建之前的样子",
                crate::platform::shown(dir)
            )),
            Some(Recovered::Finished) => {}
            None => {}
        }
        folder.read_ownership(o.adopt, o.legacy_manifest)?;
        Ok(Some(folder))
    }

    fn read_ownership(&mut self, adopt: bool, legacy: Option<&Path>) -> Result<(), OutputError> {
        let dir = &self.dir;
        let manifest = dir.join(MANIFEST);
        match fs::read_to_string(&manifest) {
            Ok(text) => {
                self.manifest_text = Some(text);
                return Ok(());
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(OutputError::io("无法读取清单 {}", &manifest, &e)),
        }
        if self.created {
            return Ok(());
        }
        let label = self.role.label();
        let present = entries_under(dir).map_err(|e| OutputError::io(&format!("无法读取{label} {{}}"), dir, &e))?;
        let present: Vec<String> = present.into_iter().filter(|f| !reserved(f)).collect();
        let listed: RelPaths = legacy
            .and_then(|p| fs::read_to_string(p).ok())
            .map(|t| t.lines().filter(|l| !l.is_empty()).map(String::from).collect())
            .unwrap_or_default();
        let foreign: Vec<&String> = present.iter().filter(|f| !listed.contains(f.as_str())).collect();
        if !foreign.is_empty() && !adopt {
            return Err(refusal(self.role, dir, &foreign, !listed.is_empty()));
        }
        // The files the old list names are gongshi's; the rest (adopted) not.
        self.adopted = present.into_iter().filter(|f| listed.contains(f.as_str())).collect();
        self.legacy = legacy.filter(|_| !listed.is_empty()).map(Path::to_path_buf);
        Ok(())
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The files gongshi published here, by its manifest (none without one).
    pub fn published(&self) -> Option<Published> {
        let text = self.manifest_text.as_deref()?;
        Some(Published { dir: self.dir.clone(), owned: journal::parse_manifest(text).map(str::to_string).collect() })
    }

    /// Plans moving the staged build into the folder (see `journal`);
    /// `keep_as_is` are files of this build already in place, as are those
    /// the staging skipped as published. Refuses, with nothing moved, to
    /// replace a file gongshi did not write.
    pub fn prepare(&self, staging: &Staging, keep_as_is: &RelPaths) -> Result<Prepared, OutputError> {
        let quiet = staging.files().is_empty() && staging.same_as_published().is_empty();
        if let Some(text) = self.manifest_text.as_deref().filter(|_| quiet) {
            if let Some(plan) = journal::nothing_to_do(&self.dir, self.role.label(), text, keep_as_is) {
                return Ok(plan);
            }
        }
        let owned: FastSet<&str> = match &self.manifest_text {
            Some(text) => journal::parse_manifest(text).collect(),
            None => self.adopted.iter().map(String::as_str).collect(),
        };
        let target = Target {
            out: &self.dir,
            owned: &owned,
            manifest_text: self.manifest_text.as_deref(),
            label: self.role.label(),
        };
        // Files not staged because they are published as they are stay too.
        let same = staging.same_as_published();
        let keep = match same.is_empty() {
            true => std::borrow::Cow::Borrowed(keep_as_is),
            false => std::borrow::Cow::Owned(keep_as_is.iter().cloned().chain(same).collect()),
        };
        journal::prepare(&target, staging.dir(), &staging.files(), &keep)
    }

    /// Publishes a plan made by `prepare`, as one transaction.
    pub fn publish(&mut self, plan: Prepared) -> Result<SyncStats, OutputError> {
        let stats = plan.execute()?;
        self.published = true;
        if let Some(old) = self.legacy.take() {
            let _ = fs::remove_file(old);
        }
        Ok(stats)
    }
}

impl Drop for OutputFolder {
    fn drop(&mut self) {
        drop(self.lock.take());
        if self.created && !self.published {
            // Only succeeds if the failed build left the new folder empty.
            let _ = fs::remove_dir(&self.dir);
        }
    }
}

fn missing(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::NotFound || e.raw_os_error() == Some(20)
}

/// Every file and link under `dir` (links not followed), relative, sorted.
fn entries_under(dir: &Path) -> io::Result<Vec<String>> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1) {
        let entry = entry.map_err(io::Error::other)?;
        if !entry.file_type().is_dir() {
            let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    out.sort();
    Ok(out)
}

/// gongshi's own bookkeeping entries in an output folder.
fn reserved(rel: &str) -> bool {
    let top = rel.split('/').next().unwrap_or(rel);
    top == LOCK_FILE || top == WORK || top == MANIFEST || top.starts_with(TMP_PREFIX)
}

/// Removes half-written files a killed build left at the top of `dir`.
fn remove_half_written(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        if e.file_name().to_string_lossy().starts_with(TMP_PREFIX) {
            let _ = fs::remove_file(e.path());
        }
    }
}

fn refusal(role: Role, dir: &Path, foreign: &[&String], had_legacy: bool) -> OutputError {
    let label = role.label();
    let mut what = format!(
        "{label} {} 里有 {} 个不是 gongshi 写的文件，gongshi 不会写入这个目录，也没有改动其中任何文件：",
        crate::platform::shown(dir),
        foreign.len()
    );
    for f in foreign.iter().take(SHOWN) {
        what.push_str("\n    ");
        what.push_str(f);
    }
    if foreign.len() > SHOWN {
        what.push_str(&format!("\n    ……另有 {} 个", foreign.len() - SHOWN));
    }
    let old = if had_legacy {
        ""
    } else {
        "如果它是旧版 gongshi 生成的目录，里面都是生成的文件，可以删除它后重新构建；"
    };
    OutputError::plain(
        what,
        format!(
            "用一个新的或空的目录（默认的 {}）；{old}如果确实要把网站和这些文件放在同一个目录，加 {}：这些文件保持原样，gongshi 以后也不会改动或删除它们",
            role.default_name(),
            role.option()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(dir: &Path, adopt: bool, legacy: Option<&Path>) -> Result<Option<OutputFolder>, OutputError> {
        OutputFolder::open(Open { dir, role: Role::Public, adopt, legacy_manifest: legacy, create: true })
    }

    #[test]
    fn new_and_empty_folders_are_taken_foreign_files_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let new = tmp.path().join("new");
        let f = open(&new, false, None).unwrap().unwrap();
        assert!(new.join(LOCK_FILE).exists());
        drop(f);
        assert!(!new.exists(), "a folder made for a build that published nothing is removed again");

        let theirs = tmp.path().join("www");
        fs::create_dir_all(theirs.join("uploads")).unwrap();
        fs::write(theirs.join("index.php"), "<?php").unwrap();
        fs::write(theirs.join("uploads/2024年工作总结.docx"), "x").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink("/etc", theirs.join("etc-link")).unwrap();
        let n = if cfg!(unix) { 3 } else { 2 };
        let err = open(&theirs, false, None).err().unwrap().to_string();
        assert!(err.contains(&format!("{n} 个不是 gongshi 写的文件")), "{err}");
        assert!(err.contains("index.php") && err.contains("uploads/2024年工作总结.docx"), "{err}");
        assert!(err.contains("--adopt-out"), "{err}");
        assert!(!theirs.join(LOCK_FILE).exists(), "refused folder keeps no lock file");

        let adopted = open(&theirs, true, None).unwrap().unwrap();
        assert!(adopted.adopted.is_empty(), "adopting does not make their files gongshi's");
    }

    #[test]
    fn an_old_public_folder_listed_in_the_old_cache_manifest_is_taken_over() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        fs::create_dir_all(out.join("a")).unwrap();
        fs::write(out.join("a/index.html"), "a").unwrap();
        fs::write(out.join("index.html"), "i").unwrap();
        let legacy = tmp.path().join("manifest-1.txt");
        fs::write(&legacy, "a/index.html\nindex.html").unwrap();
        let f = open(&out, false, Some(&legacy)).unwrap().unwrap();
        assert_eq!(f.adopted.len(), 2);
        drop(f);

        fs::write(out.join("extra.html"), "someone's").unwrap();
        let err = open(&out, false, Some(&legacy)).err().unwrap().to_string();
        assert!(err.contains("extra.html") && err.contains("1 个"), "{err}");
    }
}
