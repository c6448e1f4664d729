//! What the user's operating system changes in what gongshi says: the
//! system's error numbers in Chinese (Unix and Windows number them
//! differently), a file another program holds open (Excel and WPS lock the
//! workbook they show, and Windows then refuses to let anyone read it), and
//! paths written the way the user's system writes them (`\` on Windows).
//! Output files never go through here: their bytes are the same everywhere.

use std::io;
use std::path::Path;

/// What an operating-system error means, whichever system numbered it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OsCause {
    NotPermitted,
    NotFound,
    Denied,
    Busy,
    /// Another program has the file open and shares it with no one.
    HeldOpen,
    Exists,
    CrossDevice,
    NotADirectory,
    IsADirectory,
    DiskFull,
    ReadOnly,
    NameTooLong,
    NotEmpty,
    Quota,
    /// Too large for the file system (FAT keeps at most 4 GiB a file).
    TooLarge,
    /// The file system refuses the name (FAT: `:` `?` `*` and the like).
    BadName,
    /// The file system cannot do this at all (`fusefat` has no `chmod`).
    Unsupported,
    /// The disk went away (a FUSE driver ended, a USB drive was pulled).
    Disconnected,
}

impl OsCause {
    /// The cause of error number `code` on Windows (`windows`) or Unix.
    pub fn of_code(code: i32, windows: bool) -> Option<OsCause> {
        Some(match (windows, code) {
            (false, 1) => OsCause::NotPermitted,
            (false, 2) => OsCause::NotFound,
            (false, 13) => OsCause::Denied,
            (false, 16) => OsCause::Busy,
            (false, 17) => OsCause::Exists,
            (false, 18) => OsCause::CrossDevice,
            (false, 20) => OsCause::NotADirectory,
            (false, 21) => OsCause::IsADirectory,
            (false, 28) => OsCause::DiskFull,
            (false, 30) => OsCause::ReadOnly,
            (false, 36) => OsCause::NameTooLong,
            (false, 39) => OsCause::NotEmpty,
            (false, 122) => OsCause::Quota,
            (false, 27) => OsCause::TooLarge,
            // EINVAL: what Linux's own FAT driver says of a name it refuses.
            (false, 22) => OsCause::BadName,
            (false, 38 | 95) => OsCause::Unsupported,
            (false, 107) => OsCause::Disconnected,
            // ERROR_FILE_NOT_FOUND, ERROR_PATH_NOT_FOUND, ERROR_INVALID_DRIVE.
            (true, 2 | 3 | 15) => OsCause::NotFound,
            (true, 5) => OsCause::Denied,
            // ERROR_WRITE_PROTECT.
            (true, 19) => OsCause::ReadOnly,
            // ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION.
            (true, 32 | 33) => OsCause::HeldOpen,
            (true, 17) => OsCause::CrossDevice,
            // ERROR_HANDLE_DISK_FULL, ERROR_DISK_FULL.
            (true, 39 | 112) => OsCause::DiskFull,
            // ERROR_FILE_EXISTS, ERROR_ALREADY_EXISTS.
            (true, 80 | 183) => OsCause::Exists,
            (true, 145) => OsCause::NotEmpty,
            // ERROR_FILENAME_EXCED_RANGE.
            (true, 206) => OsCause::NameTooLong,
            // ERROR_DIRECTORY: a file where a folder was named.
            (true, 267) => OsCause::NotADirectory,
            // ERROR_DISK_QUOTA_EXCEEDED.
            (true, 1295) => OsCause::Quota,
            // ERROR_FILE_TOO_LARGE, ERROR_INVALID_NAME, ERROR_NOT_SUPPORTED.
            (true, 223) => OsCause::TooLarge,
            (true, 123) => OsCause::BadName,
            (true, 50) => OsCause::Unsupported,
            // ERROR_NOT_READY, ERROR_DEVICE_NOT_CONNECTED.
            (true, 21 | 1167) => OsCause::Disconnected,
            _ => return None,
        })
    }

    /// The cause of `e` on the system this program runs on.
    pub fn of(e: &io::Error) -> Option<OsCause> {
        e.raw_os_error().and_then(|c| OsCause::of_code(c, cfg!(windows)))
    }

    pub fn text(self) -> &'static str {
        match self {
            OsCause::NotPermitted => "操作不允许，文件可能被设为不可修改",
            OsCause::NotFound => "文件或目录不存在",
            OsCause::Denied => "没有权限",
            OsCause::Busy => "文件或目录正被占用",
            OsCause::HeldOpen => "文件正被其他程序打开",
            OsCause::Exists => "已经有同名的文件或目录",
            OsCause::CrossDevice => "不能跨文件系统改名",
            OsCause::NotADirectory => "路径中有一级是文件，不是目录",
            OsCause::IsADirectory => "这是一个目录",
            OsCause::DiskFull => "磁盘空间不足",
            OsCause::ReadOnly => "文件系统是只读的",
            OsCause::NameTooLong => "文件名太长",
            OsCause::NotEmpty => "目录不是空的",
            OsCause::Quota => "超出磁盘配额",
            OsCause::TooLarge => "文件太大，这个磁盘存不下",
            OsCause::BadName => "这个磁盘不接受这个文件名",
            OsCause::Unsupported => "这个磁盘不支持这个操作",
            OsCause::Disconnected => "磁盘已断开",
        }
    }
}

/// "文件 X 正被其他程序（如 Excel 或 WPS）打开，请先关闭它再试。"
pub fn held_open_message(shown: &str) -> String {
    format!("文件 {shown} 正被其他程序（如 Excel 或 WPS）打开，请先关闭它再试。")
}

/// Whether `e` says another program holds the file open (Windows).
pub fn held_open(e: &io::Error) -> bool {
    OsCause::of(e) == Some(OsCause::HeldOpen)
}

/// Why reading `shown` failed, for a message: the held-open sentence when
/// another program holds it, else the system's own words.
pub fn read_failure(shown: &str, e: &io::Error) -> String {
    read_failure_on(shown, e, cfg!(windows))
}

fn read_failure_on(shown: &str, e: &io::Error, windows: bool) -> String {
    match e.raw_os_error().and_then(|c| OsCause::of_code(c, windows)) {
        Some(OsCause::HeldOpen) => held_open_message(&shown_str_on(shown, windows)),
        _ => format!("无法读取 {}：{e}", shown_str_on(shown, windows)),
    }
}

/// A path as the user's system writes it: on Windows with `\` throughout
/// (paths joined from `a/b` pieces mix both) and without the `\\?\` that
/// canonical and long paths carry; elsewhere as it is.
pub fn shown(path: &Path) -> String {
    shown_str_on(&path.display().to_string(), cfg!(windows))
}

/// `shown` for a path already in text (a site-relative `a/b.md`).
pub fn shown_str(path: &str) -> String {
    shown_str_on(path, cfg!(windows))
}

fn shown_str_on(path: &str, windows: bool) -> String {
    if !windows || path.contains("://") {
        return path.to_string();
    }
    let path = match path.strip_prefix(r"\\?\UNC\") {
        Some(rest) => format!(r"\\{rest}"),
        None => path.strip_prefix(r"\\?\").unwrap_or(path).to_string(),
    };
    path.replace('/', "\\")
}

/// The cause in Chinese, with the system's error number for searching.
pub fn cause(e: &std::io::Error) -> String {
    match (OsCause::of(e), e.raw_os_error()) {
        (Some(c), Some(n)) => format!("{}（系统错误 {n}）", c.text()),
        _ => match e.kind() {
            std::io::ErrorKind::PermissionDenied => "没有权限".into(),
            std::io::ErrorKind::NotFound => "文件或目录不存在".into(),
            std::io::ErrorKind::AlreadyExists => "已经有同名的文件或目录".into(),
            // What reading a file as text says of bytes that are not UTF-8.
            std::io::ErrorKind::InvalidData => "内容不是 UTF-8 编码的文字（可用记事本“另存为”UTF-8）".into(),
            // Not the system's: said as it was, marked as a report.
            _ => format!("系统报告的错误：{e}"),
        },
    }
}

/// Keeps the process on ordinary 4 KiB pages. mimalloc asks Linux for
/// transparent huge pages, and every 2 MiB page is zeroed in full when
/// first touched, used or not. On this project's machine a rebuild that
/// follows a pause of a second or more (as every rebuild by a person does)
/// spent most of its time there: the county's one-notice rebuild took
/// 189 ms with huge pages and 89 ms without, 10,000 pages 0.90 s and
/// 0.71 s, the province 4.28 s and 3.83 s (peak 484 and 414 MiB); builds
/// started back to back, which reuse pages just freed, were up to a fifth
/// faster with them. Windows gives a process no huge pages unasked.
pub fn small_pages_only() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_THP_DISABLE reads no memory of ours; it
    // only sets a flag of this process (and the children it starts).
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Longer than any file system's clock step (FAT keeps two seconds): a
/// file changed less than this before gongshi looked at it may change
/// again unnoticed by its dates.
pub const SETTLE: std::time::Duration = std::time::Duration::from_secs(2);

/// Whether a file was modified or changed (created, where the system keeps
/// no change time) at or after `since`, or is dated later.
pub fn changed_since(meta: &std::fs::Metadata, since: std::time::SystemTime) -> bool {
    let changed = {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let nanos = meta.ctime_nsec().clamp(0, 999_999_999) as u32;
            std::time::UNIX_EPOCH.checked_add(std::time::Duration::new(meta.ctime().max(0) as u64, nanos))
        }
        #[cfg(not(unix))]
        {
            meta.created().ok()
        }
    };
    [meta.modified().ok(), changed].into_iter().flatten().any(|t| t >= since)
}

/// Whether the file system holding `path` keeps for every file a change
/// time that no program can set back: on Linux, ext2/3/4, XFS, Btrfs,
/// F2FS, ZFS, tmpfs, ramfs and overlay. FAT and exFAT give the modification
/// time as the change time (`touch -d` sets both), network and FUSE file
/// systems whatever their server says, other systems are not asked: there
/// gongshi does not trust dates to mean a file is unchanged.
pub fn keeps_change_times(path: &Path) -> bool {
    const KINDS: [i64; 8] =
        [0xEF53, 0x5846_5342, 0x9123_683E, 0xF2F5_2010, 0x2FC1_2FC1, 0x0102_1994, 0x8584_58F6, 0x794C_7630];
    fs_magic(path).is_some_and(|kind| KINDS.contains(&kind))
}

/// File systems of removable and Windows disks and of network shares,
/// which keep no Unix permissions and refuse some names or sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForeignFs {
    Fat,
    ExFat,
    Ntfs,
    Network,
    /// Any FUSE driver: `fusefat` and `exfat-fuse` among them, but also
    /// drivers that do keep permissions (sshfs).
    Fuse,
}

impl ForeignFs {
    /// The file system holding `path` (Linux only; elsewhere None).
    pub fn of(path: &Path) -> Option<ForeignFs> {
        Some(match fs_magic(path)? {
            0x4D44 => ForeignFs::Fat,
            0x2011_BAB0 => ForeignFs::ExFat,
            0x5346_544E | 0x7366_746E => ForeignFs::Ntfs,
            0x517B | 0xFF53_4D42 | 0xFE53_4D42 => ForeignFs::Network,
            0x6573_5546 => ForeignFs::Fuse,
            _ => return None,
        })
    }

    /// For messages: "FAT32 等 FAT 格式的磁盘".
    pub fn name(self) -> &'static str {
        match self {
            ForeignFs::Fat => "FAT32 等 FAT 格式的磁盘",
            ForeignFs::ExFat => "exFAT 格式的磁盘",
            ForeignFs::Ntfs => "NTFS 格式的磁盘",
            ForeignFs::Network => "网络共享文件夹",
            ForeignFs::Fuse => "经 FUSE 挂载的磁盘（如 U 盘常用的 FAT32、exFAT）",
        }
    }
}

/// Whether `e`, from setting the permissions of a file on `path`, says
/// only that its file system keeps none, so that there is nothing to
/// restrict (see `no_permissions_kept`).
pub fn keeps_no_permissions(path: &Path, e: &io::Error) -> bool {
    no_permissions_kept(e.raw_os_error(), ForeignFs::of(path), cfg!(unix))
}

/// A file system without `chmod` (ENOSYS, ENOTSUP: `fusefat`) keeps no
/// permissions, whatever it is. EPERM means so only on a file system known
/// to keep none (Linux's FAT driver refuses modes it cannot store): on any
/// other, FUSE drivers included, it means the file is another user's, a
/// failure to report.
fn no_permissions_kept(code: Option<i32>, fs: Option<ForeignFs>, unix: bool) -> bool {
    match code {
        Some(38 | 95) => unix,
        Some(1) => unix && fs.is_some_and(|f| f != ForeignFs::Fuse),
        _ => false,
    }
}

/// The file system type (statfs's magic number) of `path`, or of the
/// nearest existing folder above it (where it will be made); Linux only.
fn fs_magic(path: &Path) -> Option<i64> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::ffi::OsStrExt;
        let path = path.ancestors().find(|p| p.exists())?;
        let c_path = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
        let mut st: libc::statfs = unsafe { std::mem::zeroed() };
        // SAFETY: a NUL-terminated path and a zeroed statfs to fill.
        if unsafe { libc::statfs(c_path.as_ptr(), &mut st) } != 0 {
            return None;
        }
        Some(st.f_type as i64).filter(|&kind| kind != 0)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = path;
        None
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_os = "linux")]
    #[test]
    fn proc_and_a_missing_folder_keep_no_change_times_to_trust() {
        assert!(!keeps_change_times(Path::new("/proc")));
        // A folder not made yet is on its parent's file system.
        assert!(!keeps_change_times(Path::new("/proc/no/such/folder")));
        assert_eq!(ForeignFs::of(Path::new("/proc")), None);
    }

    #[test]
    fn a_refused_chmod_is_forgiven_only_where_no_permissions_are_kept() {
        // fusefat has no chmod at all (ENOSYS); some drivers say ENOTSUP.
        assert!(no_permissions_kept(Some(38), Some(ForeignFs::Fuse), true));
        assert!(no_permissions_kept(Some(95), None, true));
        // Linux's FAT driver says EPERM for a mode it cannot store.
        assert!(no_permissions_kept(Some(1), Some(ForeignFs::Fat), true));
        assert!(no_permissions_kept(Some(1), Some(ForeignFs::Network), true));
        // EPERM elsewhere: another user's file, a real failure.
        assert!(!no_permissions_kept(Some(1), None, true));
        assert!(!no_permissions_kept(Some(1), Some(ForeignFs::Fuse), true), "sshfs keeps permissions");
        assert!(!no_permissions_kept(Some(13), Some(ForeignFs::Fat), true));
        assert!(!no_permissions_kept(None, Some(ForeignFs::Fat), true));
        // Windows numbers mean other things.
        assert!(!no_permissions_kept(Some(38), Some(ForeignFs::Fat), false));
    }

    #[test]
    fn full_fat_and_missing_fuse_drivers_have_causes() {
        assert_eq!(OsCause::of_code(27, false), Some(OsCause::TooLarge));
        assert_eq!(OsCause::of_code(223, true), Some(OsCause::TooLarge));
        assert_eq!(OsCause::of_code(38, false), Some(OsCause::Unsupported));
        assert_eq!(OsCause::of_code(107, false), Some(OsCause::Disconnected));
        assert_eq!(OsCause::of_code(123, true), Some(OsCause::BadName));
    }

    use super::*;

    #[test]
    fn windows_sharing_and_lock_violations_mean_held_open() {
        assert_eq!(OsCause::of_code(32, true), Some(OsCause::HeldOpen));
        assert_eq!(OsCause::of_code(33, true), Some(OsCause::HeldOpen));
        // The same numbers on Unix are EPIPE and EDOM, nothing to do with it.
        assert_eq!(OsCause::of_code(32, false), None);
        assert_eq!(OsCause::of_code(33, false), None);
        assert_eq!(OsCause::of_code(5, true), Some(OsCause::Denied));
        assert_eq!(OsCause::of_code(13, false), Some(OsCause::Denied));
        assert_eq!(OsCause::of_code(13, true), None, "ERROR_INVALID_DATA is no permission problem");
        assert_eq!(OsCause::of_code(112, true), Some(OsCause::DiskFull));
        assert_eq!(OsCause::of_code(1, true), None, "ERROR_INVALID_FUNCTION is not EPERM");
    }

    #[test]
    fn a_file_held_by_excel_says_to_close_it() {
        let e = io::Error::from_raw_os_error(32);
        let text = read_failure_on("content/lists/2025-qiu/a/名单.xlsx", &e, true);
        assert_eq!(
            text,
            r"文件 content\lists\2025-qiu\a\名单.xlsx 正被其他程序（如 Excel 或 WPS）打开，请先关闭它再试。"
        );
        let locked = read_failure_on("名单.csv", &io::Error::from_raw_os_error(33), true);
        assert!(locked.contains("请先关闭它再试"), "{locked}");
        // On Unix error 32 is a broken pipe, reported as such.
        let unix = read_failure_on("名单.csv", &e, false);
        assert!(unix.starts_with("无法读取 名单.csv："), "{unix}");
        assert!(!unix.contains("Excel"), "{unix}");
    }

    #[test]
    fn windows_paths_use_backslashes_without_the_verbatim_prefix() {
        assert_eq!(shown_str_on(r"C:\站点 一\content/lists/a.md", true), r"C:\站点 一\content\lists\a.md");
        assert_eq!(shown_str_on(r"\\?\C:\site\public", true), r"C:\site\public");
        assert_eq!(shown_str_on(r"\\?\UNC\server\share\site", true), r"\\server\share\site");
        assert_eq!(shown_str_on("https://example.org/a/b", true), "https://example.org/a/b");
        assert_eq!(shown_str_on("content/a.md", false), "content/a.md");
    }
}
