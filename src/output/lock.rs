//! One build at a time: a lock file per site (in its cache folder) and per
//! output folder (inside it). The lock is the operating system's lock on
//! the file (std's `File::try_lock`: `flock` on Unix, `LockFileEx` on
//! Windows), which is released when its process ends however it ends, so a
//! lock left by a killed build is simply taken over; the file's text (the
//! holder's process id and start time) is only for the message shown to a
//! second build (on Windows the held lock keeps others from reading it, so
//! there the message names no process). The file is removed when the lock
//! is released.

use super::error::OutputError;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};

pub const LOCK_FILE: &str = ".gongshi-lock";

#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
    _file: File,
    /// The process that held this lock before and ended without
    /// releasing it (its id), when there was one.
    pub taken_over: Option<u32>,
}

/// Who holds a lock, from its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub pid: u32,
    /// Seconds since the Unix epoch.
    pub since: i64,
}

impl Holder {
    fn me() -> Holder {
        let since =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
        Holder { pid: std::process::id(), since }
    }

    fn parse(text: &str) -> Option<Holder> {
        let mut it = text.split_whitespace();
        Some(Holder { pid: it.next()?.parse().ok()?, since: it.next()?.parse().ok()? })
    }

    /// "进程号 1234，2025-10-15 10:00:03 开始".
    pub fn describe(&self) -> String {
        use chrono::TimeZone;
        match chrono::Local.timestamp_opt(self.since, 0).single() {
            Some(t) => format!("进程号 {}，{} 开始", self.pid, t.format("%Y-%m-%d %H:%M:%S")),
            None => format!("进程号 {}", self.pid),
        }
    }
}

impl Lock {
    /// Takes the lock `path` or says who holds it. `what` names what is
    /// locked for the message ("这个站点", "输出目录 public").
    pub fn acquire(path: &Path, what: &str) -> Result<Lock, OutputError> {
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| OutputError::io("无法创建目录 {}", dir, &e))?;
        }
        loop {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(path)
                .map_err(|e| OutputError::io("无法创建锁文件 {}", path, &e))?;
            let mut text = String::new();
            let _ = file.read_to_string(&mut text);
            let previous = Holder::parse(&text);
            match try_lock(&file) {
                Ok(true) => {}
                Ok(false) => return Err(busy(what, path, previous)),
                Err(e) => {
                    // No locking on this file system: fall back to asking
                    // whether the recorded process still runs.
                    if previous.as_ref().is_some_and(|h| h.pid != std::process::id() && alive(h.pid)) {
                        return Err(busy(what, path, previous));
                    }
                    let _ = e;
                }
            }
            // The holder before us may have removed the file after we opened
            // it: then we locked a file nobody else will look at. Start over.
            if !same_file(&file, path) {
                continue;
            }
            let me = Holder::me();
            file.set_len(0)
                .and_then(|_| file.rewind())
                .and_then(|_| file.write_all(format!("{} {}\n", me.pid, me.since).as_bytes()))
                .map_err(|e| OutputError::io("无法写入锁文件 {}", path, &e))?;
            let taken_over = previous.map(|h| h.pid).filter(|&p| p != me.pid);
            return Ok(Lock { path: path.to_path_buf(), _file: file, taken_over });
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still held; the file handle closes (and unlocks) after.
        let _ = fs::remove_file(&self.path);
    }
}

fn busy(what: &str, path: &Path, holder: Option<Holder>) -> OutputError {
    let who = holder.map(|h| format!("（{}）", h.describe())).unwrap_or_default();
    OutputError::plain(
        format!("另一个 gongshi 进程{who}正在构建{what}，这次构建没有开始，没有改动任何文件"),
        format!(
            "等那个进程结束后再运行。同一个站点、同一个输出目录一次只能有一个构建（锁文件 {}；进程结束后锁会自动释放，不需要手动删除）",
            crate::platform::shown(path)
        ),
    )
}

/// Takes the lock on `file` without waiting: `flock` on Unix, `LockFileEx`
/// on Windows (std's `File::try_lock`). Ok(false) when another open file
/// holds it; an error when the file system cannot lock.
fn try_lock(file: &File) -> io::Result<bool> {
    match file.try_lock() {
        Ok(()) => Ok(true),
        Err(std::fs::TryLockError::WouldBlock) => Ok(false),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

/// Whether process `pid` still runs (on systems that can say; else no).
#[cfg(unix)]
pub(crate) fn alive(pid: u32) -> bool {
    // SAFETY: signal 0 only asks whether the process exists.
    let r = unsafe { libc::kill(pid as libc::pid_t, 0) };
    r == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Whether process `pid` still runs: it can be opened (or exists but is
/// another user's) and has no exit code yet.
#[cfg(windows)]
pub(crate) fn alive(pid: u32) -> bool {
    use windows_sys::Win32::Foundation::{CloseHandle, GetLastError, ERROR_ACCESS_DENIED, STILL_ACTIVE};
    use windows_sys::Win32::System::Threading::{GetExitCodeProcess, OpenProcess, PROCESS_QUERY_LIMITED_INFORMATION};
    // SAFETY: plain calls on a handle this function opens and closes.
    unsafe {
        let handle = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid);
        if handle.is_null() {
            return GetLastError() == ERROR_ACCESS_DENIED;
        }
        let mut code = 0u32;
        let running = GetExitCodeProcess(handle, &mut code) != 0 && code == STILL_ACTIVE as u32;
        CloseHandle(handle);
        running
    }
}

#[cfg(not(any(unix, windows)))]
pub(crate) fn alive(_pid: u32) -> bool {
    false
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Without a stable file identity in std on Windows: the file now at
/// `path` is the one `file` locked when a fresh handle on it cannot take
/// the lock (a Windows lock belongs to its handle, so ours refuses it).
#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    match OpenOptions::new().read(true).write(true).open(path) {
        Ok(other) => !matches!(try_lock(&other), Ok(true)),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_holder_is_refused_and_named_then_succeeds_after_release() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join(LOCK_FILE);
        let first = Lock::acquire(&path, "这个站点").unwrap();
        // flock locks belong to open file descriptions: a second open in the
        // same process conflicts just like another process would.
        let err = Lock::acquire(&path, "这个站点").unwrap_err().to_string();
        assert!(err.contains(&format!("进程号 {}", std::process::id())), "{err}");
        assert!(err.contains("正在构建这个站点"), "{err}");
        drop(first);
        assert!(!path.exists(), "released lock leaves no file");
        let again = Lock::acquire(&path, "这个站点").unwrap();
        assert_eq!(again.taken_over, None);
    }

    #[test]
    fn a_lock_file_left_by_a_dead_process_is_taken_over() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join(LOCK_FILE);
        std::fs::write(&path, "999999999 1700000000\n").unwrap();
        let lock = Lock::acquire(&path, "这个站点").unwrap();
        assert_eq!(lock.taken_over, Some(999_999_999));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with(&format!("{} ", std::process::id())), "{text}");
    }
}
