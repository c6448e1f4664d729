//! How the list cache tells that the files an entry recorded are still as
//! the build left them, cheaply when nothing touched them.
//!
//! Published pages: by a keyed fingerprint of their bytes, which no hand
//! edit escapes; first by their versions (size, times, file number and,
//! where the system keeps one, the change time, which cannot be set back),
//! so an untouched page is not read again. Letters are private: only their
//! presence counts, first by the versions of their folders (a file removed
//! or added changes its folder's), then by listing the folders.

use crate::fingerprint::Fnv;
use crate::output::journal::write_replacing;
use crate::privacy::names_guard::NameKey;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

/// What a build established about the outputs of a list's cache entry
/// `key`: its published files, with versions `public`, had the bytes
/// fingerprint `state`; its letters' folders, with versions `print`, held
/// every letter. True whenever it was noted: a change since shows in the
/// versions (see `versions`). 0: none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    pub key: u64,
    pub state: u64,
    pub public: u64,
    pub print: u64,
}

/// The last build's `Seen` of every list it reused, and this build's.
pub struct Facts {
    file: PathBuf,
    known: HashMap<String, Seen>,
    noted: Mutex<HashMap<String, Seen>>,
    /// Files changed since are not vouched for (see `versions`).
    pub settled: SystemTime,
    /// The output and print folders' devices, where their file systems
    /// keep change times (`platform::keeps_change_times`); None: dates
    /// vouch for nothing there.
    pub out_device: Option<u64>,
    pub print_device: Option<u64>,
}

impl Facts {
    pub fn load(file: PathBuf, (out, print): (&Path, &Path)) -> Facts {
        let known = std::fs::read(&file).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
        let settled = SystemTime::now().checked_sub(crate::platform::SETTLE).unwrap_or(SystemTime::UNIX_EPOCH);
        let trusted = |dir: &Path| device(dir).filter(|_| crate::platform::keeps_change_times(dir));
        Facts { file, known, noted: Mutex::default(), settled, out_device: trusted(out), print_device: trusted(print) }
    }

    pub fn known(&self, list: &str) -> Seen {
        self.known.get(list).copied().unwrap_or_default()
    }

    pub fn note(&self, list: String, seen: Seen) {
        self.noted.lock().unwrap_or_else(|e| e.into_inner()).insert(list, seen);
    }

    /// After a successful publish. A failed write only makes the next
    /// build read what it would have trusted.
    pub fn save(&self) {
        let noted = self.noted.lock().unwrap_or_else(|e| e.into_inner());
        if let Ok(json) = serde_json::to_vec(&*noted) {
            let _ = write_replacing(&self.file, &json);
        }
    }
}

/// A keyed fingerprint of the files' bytes (a missing file counts too).
pub fn bytes_state(key: &NameKey, base: &Path, files: &[String]) -> u64 {
    files
        .iter()
        .fold(Fnv::default(), |h, f| match std::fs::read(base.join(f)) {
            Ok(bytes) => h.str(f).bytes(&key.bytes_print(&bytes).to_le_bytes()),
            Err(_) => h.str(f).str("-"),
        })
        .finish()
}

/// The versions of the files (or folders) at `paths`, when all of them
/// are on `device` (the folder's, from `Facts`; None where dates vouch for
/// nothing) and last changed before `settled`; else 0, as when one is
/// missing or is a link (what it points to may change while the link does
/// not), or lies on another file system (a linked or mounted folder on the
/// way, whose change time may be set back). A file changed by hand after
/// the versions were taken then always has another one: its change time
/// is later than `settled` by more than any clock step of the file
/// system. Never 0 otherwise.
pub fn versions<'a>(
    base: &Path,
    device: Option<u64>,
    paths: impl IntoIterator<Item = &'a str>,
    settled: SystemTime,
) -> u64 {
    let Some(device) = device else { return 0 };
    let mut h = Fnv::default();
    for p in paths {
        match std::fs::symlink_metadata(base.join(p)) {
            Ok(meta)
                if (meta.is_file() || meta.is_dir())
                    && device_of(&meta) == Some(device)
                    && !crate::platform::changed_since(&meta, settled) =>
            {
                h = h.str(p).file_times(&meta)
            }
            _ => return 0,
        }
    }
    h.finish().max(1)
}

/// The device a folder is on (None where the system numbers none).
pub fn device(dir: &Path) -> Option<u64> {
    std::fs::metadata(dir).ok().as_ref().and_then(device_of)
}

fn device_of(meta: &std::fs::Metadata) -> Option<u64> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some(meta.dev())
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

/// The folders holding `files`, each once, in order of first appearance.
pub fn folders<'a>(files: impl IntoIterator<Item = &'a String>) -> Vec<&'a str> {
    let mut seen = HashSet::new();
    files.into_iter().map(|f| f.rsplit_once('/').map_or("", |(d, _)| d)).filter(|d| seen.insert(*d)).collect()
}

/// Whether every file exists, listing each folder once rather than asking
/// for each file (a list has dozens of letter batches in one folder).
pub fn all_present<'a>(base: &Path, files: impl IntoIterator<Item = &'a String>) -> bool {
    let mut listed: HashMap<&str, HashSet<OsString>> = HashMap::new();
    files.into_iter().all(|f| {
        let (dir, name) = f.rsplit_once('/').unwrap_or(("", f.as_str()));
        let names = listed.entry(dir).or_insert_with(|| {
            std::fs::read_dir(base.join(dir))
                .map(|entries| entries.flatten().map(|e| e.file_name()).collect())
                .unwrap_or_default()
        });
        names.contains(OsStr::new(name))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> tempfile::TempDir {
        let dir = tempfile::Builder::new().prefix("gongshi-test-").tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a")).unwrap();
        std::fs::write(dir.path().join("a/1.html"), "一").unwrap();
        std::fs::write(dir.path().join("a/2.html"), "二").unwrap();
        dir
    }

    fn later() -> SystemTime {
        SystemTime::now() + std::time::Duration::from_secs(60)
    }

    #[test]
    fn a_folder_version_changes_when_a_file_in_it_goes_or_comes() {
        let dir = site();
        let before = versions(dir.path(), device(dir.path()), ["a"], later());
        assert_eq!(before, versions(dir.path(), device(dir.path()), ["a"], later()));
        std::fs::remove_file(dir.path().join("a/2.html")).unwrap();
        let removed = versions(dir.path(), device(dir.path()), ["a"], later());
        std::fs::write(dir.path().join("a/2.html"), "二").unwrap();
        if cfg!(unix) {
            assert_ne!(before, 0);
            assert_ne!(removed, before);
            assert_ne!(versions(dir.path(), device(dir.path()), ["a"], later()), removed);
        }
        assert_eq!(versions(dir.path(), device(dir.path()), ["missing"], later()), 0);
    }

    #[test]
    fn a_file_edited_in_place_with_its_date_set_back_has_another_version() {
        let dir = site();
        let path = dir.path().join("a/1.html");
        let before = versions(dir.path(), device(dir.path()), ["a/1.html"], later());
        let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
        std::fs::write(&path, "三").unwrap();
        std::fs::File::options().write(true).open(&path).unwrap().set_modified(modified).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().len(), "一".len() as u64);
        if cfg!(unix) {
            assert_ne!(versions(dir.path(), device(dir.path()), ["a/1.html"], later()), before);
        }
    }

    #[test]
    fn a_file_changed_since_the_cut_off_has_no_version() {
        let dir = site();
        let an_hour_ago = SystemTime::now() - std::time::Duration::from_secs(3600);
        assert_eq!(versions(dir.path(), device(dir.path()), ["a/1.html"], an_hour_ago), 0);
        assert_eq!(versions(dir.path(), device(dir.path()), ["a", "a/1.html"], an_hour_ago), 0);
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_file_or_folder_has_no_version() {
        let dir = site();
        std::os::unix::fs::symlink(dir.path().join("a/1.html"), dir.path().join("link.html")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("a"), dir.path().join("b")).unwrap();
        assert_ne!(versions(dir.path(), device(dir.path()), ["a/1.html", "a"], later()), 0);
        assert_eq!(versions(dir.path(), device(dir.path()), ["link.html"], later()), 0);
        assert_eq!(versions(dir.path(), device(dir.path()), ["b"], later()), 0);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_on_another_file_system_than_its_folder_has_no_version() {
        let dir = site();
        // An absolute path replaces the folder: /proc is another file system.
        assert_ne!(versions(dir.path(), device(dir.path()), ["a/1.html"], later()), 0);
        assert_eq!(versions(dir.path(), device(dir.path()), ["/proc/self/status"], later()), 0);
    }

    #[test]
    fn every_file_must_be_listed_in_its_folder() {
        let dir = site();
        let files = ["a/1.html".to_string(), "a/2.html".to_string()];
        assert!(all_present(dir.path(), &files));
        assert_eq!(folders(&files), ["a"]);
        std::fs::remove_file(dir.path().join("a/2.html")).unwrap();
        assert!(!all_present(dir.path(), &files));
    }
}
