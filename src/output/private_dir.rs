//! Private temporary folders for `check` and `serve`: readable by their
//! owner only (0700; files inside inherit that protection), named
//! `gongshi-<what>-<pid>-XXXXXX` in the system's temporary folder, and
//! removed when dropped — at the end, on an error, and while a panic
//! unwinds. `removed_on_signals` also removes one when the process is
//! interrupted (SIGINT, SIGTERM, SIGHUP): it may hold letters with full
//! names. A folder left by a process killed outright is removed by the
//! next `check` or `serve` of the same user.

use std::io;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub struct PrivateDir {
    dir: tempfile::TempDir,
}

impl PrivateDir {
    /// `what`: "check" or "serve". Named `gongshi-<what>-<pid>-XXXXXX`;
    /// such folders of this user whose process has ended (killed with
    /// SIGKILL, which no program can act on) are removed first.
    pub fn new(what: &str) -> io::Result<PrivateDir> {
        let tmp = std::env::temp_dir();
        remove_stale(&tmp);
        let prefix = format!("gongshi-{what}-{}-", std::process::id());
        let dir = tempfile::Builder::new().prefix(&prefix).tempdir_in(&tmp)?;
        super::staging::make_private(dir.path())?;
        Ok(PrivateDir { dir })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// Removes `gongshi-check-<pid>-*` and `gongshi-serve-<pid>-*` folders of
/// this user in `tmp` whose process no longer runs (also `…-<pid>`, the
/// names older versions used).
fn remove_stale(tmp: &Path) {
    let Ok(entries) = std::fs::read_dir(tmp) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(rest) = name.strip_prefix("gongshi-check-").or_else(|| name.strip_prefix("gongshi-serve-")) else {
            continue;
        };
        // `<pid>-XXXXXX`, or `<pid>` as gongshi before 0.2 named them.
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else { continue };
        if pid == std::process::id() || super::lock::alive(pid) || !mine(&entry) {
            continue;
        }
        let _ = std::fs::remove_dir_all(entry.path());
    }
}

#[cfg(unix)]
fn mine(entry: &std::fs::DirEntry) -> bool {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid has no preconditions.
    let me = unsafe { libc::geteuid() };
    entry.metadata().is_ok_and(|m| m.is_dir() && m.uid() == me)
}

/// On Windows the temporary folder (`%TEMP%`) is the user's own.
#[cfg(not(unix))]
fn mine(entry: &std::fs::DirEntry) -> bool {
    entry.metadata().is_ok_and(|m| m.is_dir())
}

impl PrivateDir {
    /// Like `new`, and removed when SIGINT, SIGTERM or SIGHUP arrives: the
    /// process then ends with 128 + the signal's number. Call it before
    /// other threads start (they inherit the blocked signals; one thread
    /// waits for them). The signals are blocked before the folder exists,
    /// so none can end the process between the two.
    pub fn removed_on_signals(what: &str) -> io::Result<PrivateDir> {
        let signals = block_signals();
        let dir = PrivateDir::new(what)?;
        if let Some(set) = signals {
            let path = dir.path().to_path_buf();
            std::thread::spawn(move || wait_and_remove(set, path));
        }
        Ok(dir)
    }
}

#[cfg(unix)]
struct Signals(libc::sigset_t);

#[cfg(unix)]
fn block_signals() -> Option<Signals> {
    // SAFETY: plain calls on a local signal set.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for s in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            libc::sigaddset(&mut set, s);
        }
        (libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) == 0).then_some(Signals(set))
    }
}

static INTERRUPTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether a signal arrived and the folder is being removed: the process
/// is about to end, and its work (failing as its folder goes) is moot.
/// The caller should report nothing and wait for the end.
pub fn interrupted() -> bool {
    INTERRUPTED.load(std::sync::atomic::Ordering::SeqCst)
}

/// Waits for the process to be ended by the thread that removes the folder.
pub fn wait_for_the_end() -> ! {
    loop {
        std::thread::park();
    }
}

#[cfg(unix)]
fn wait_and_remove(set: Signals, dir: PathBuf) {
    let mut sig: libc::c_int = 0;
    // SAFETY: waits for one of the signals blocked above.
    if unsafe { libc::sigwait(&set.0, &mut sig) } == 0 {
        INTERRUPTED.store(true, std::sync::atomic::Ordering::SeqCst);
        // Other threads may still be writing: staging never makes its own
        // folder again, so removing until it stays gone is enough; a short
        // watch covers a folder being made at the very start.
        let mut quiet = 0;
        while quiet < 10 {
            match std::fs::symlink_metadata(&dir) {
                Ok(_) => {
                    let _ = std::fs::remove_dir_all(&dir);
                    quiet = 0;
                }
                Err(_) => quiet += 1,
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        std::process::exit(128 + sig);
    }
}

#[cfg(not(unix))]
struct Signals;

#[cfg(not(unix))]
fn block_signals() -> Option<Signals> {
    None
}

#[cfg(not(unix))]
fn wait_and_remove(_set: Signals, _dir: PathBuf) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_removed_when_dropped() {
        let d = PrivateDir::new("test").unwrap();
        let path = d.path().to_path_buf();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with(&format!("gongshi-test-{}-", std::process::id())), "{name}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o700);
        }
        std::fs::write(path.join("x"), "y").unwrap();
        drop(d);
        assert!(!path.exists());
    }
}
