//! Errors of writing the output: the file, the operation and the cause,
//! each said once, in Chinese, with a hint; plus what became of the output
//! folder, so the user knows whether the published site changed.

use crate::platform::{held_open_message, shown, ForeignFs, OsCause};
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub struct OutputError {
    /// "无法把新文件移到 public/a/index.html" and the like.
    pub what: String,
    /// The operating system's reason, in Chinese, without repeating `what`.
    pub cause: Option<String>,
    pub hint: Option<String>,
    /// What the user should know about the output folder afterwards.
    pub state: Option<String>,
    pub kind: Option<io::ErrorKind>,
}

impl OutputError {
    /// `op` is a verb phrase with `{}` where the path goes: "写入 {}".
    pub fn io(op: &str, path: &Path, e: &io::Error) -> OutputError {
        OutputError {
            what: op.replace("{}", &shown(path)),
            cause: Some(cause_at(e, path)),
            hint: hint(e, path),
            state: None,
            kind: Some(e.kind()),
        }
    }

    pub fn plain(what: impl Into<String>, hint: impl Into<String>) -> OutputError {
        OutputError { what: what.into(), cause: None, hint: Some(hint.into()), state: None, kind: None }
    }

    pub fn with_state(mut self, state: impl Into<String>) -> OutputError {
        self.state = Some(state.into());
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> OutputError {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.what)?;
        if let Some(c) = &self.cause {
            write!(f, "：{c}")?;
        }
        if let Some(s) = &self.state {
            write!(f, "。{s}")?;
        }
        if let Some(h) = &self.hint {
            write!(f, "\n  提示：{h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for OutputError {}

pub use crate::platform::cause;

/// `cause`, for an error on `path`: a removable disk's refusal is not
/// said to be a file set unchangeable.
pub fn cause_at(e: &io::Error, path: &Path) -> String {
    match (OsCause::of(e), e.raw_os_error()) {
        (Some(OsCause::NotPermitted), Some(n)) if ForeignFs::of(path).is_some() => {
            format!("这个磁盘不允许这样写（系统错误 {n}）")
        }
        _ => cause(e),
    }
}

/// What to do about an error on `path`, when there is something to say.
pub fn hint(e: &io::Error, path: &Path) -> Option<String> {
    disk_hint(OsCause::of(e)?, ForeignFs::of(path)).or_else(|| local_hint(e, path))
}

/// When the disk holding the file refuses it for what the disk is
/// (`fs`: its kind, where known): U-disk formats and network shares.
fn disk_hint(cause: OsCause, fs: Option<ForeignFs>) -> Option<String> {
    let on = fs.map_or("这个磁盘", ForeignFs::name);
    let move_it =
        "请把站点文件夹、输出目录和告知书目录都放到本机磁盘（如 NTFS、ext4）上，需要时再把生成的文件夹整个复制过去";
    Some(match (cause, fs) {
        (OsCause::TooLarge, _) => format!("{on}存不下这么大的文件（FAT32 每个文件最多 4 GB）。{move_it}"),
        (OsCause::BadName, _) | (OsCause::NotPermitted, Some(_)) => format!(
            "{on}不允许这样写：这类磁盘不接受含 \\ : * ? \" < > | 等字符的文件名，经 FUSE 挂载的 FAT32（fusefat）连中文文件名都不接受。{move_it}"
        ),
        (OsCause::Unsupported, _) => format!("{on}不支持 gongshi 写文件时要做的操作。{move_it}"),
        (OsCause::Disconnected, _) => "磁盘已经断开（U 盘被拔出，或挂载它的程序已退出）：重新接上或挂载后再构建".into(),
        _ => return None,
    })
}

fn local_hint(e: &io::Error, path: &Path) -> Option<String> {
    let blocker = || first_file_on_the_way(path).map(|p| shown(&p));
    Some(match OsCause::of(e)? {
        OsCause::NotPermitted | OsCause::Denied if cfg!(windows) => {
            "检查这个文件和它所在目录的权限，以及文件是否被设为只读；改好后重新构建".to_string()
        }
        OsCause::NotPermitted | OsCause::Denied => {
            "检查这个文件和它所在目录的权限，以及是否被设为只读或不可修改（chattr +i）；改好后重新构建".to_string()
        }
        OsCause::HeldOpen => held_open_message(&shown(path)),
        OsCause::Exists | OsCause::NotADirectory => match blocker() {
            Some(b) => format!("{b} 是一个文件，挡住了要建的目录：换一个输出目录，或移走这个文件"),
            None => "路径中有同名的文件挡住了目录：换一个输出目录".to_string(),
        },
        OsCause::DiskFull | OsCause::Quota => "清理磁盘空间后重新构建".to_string(),
        OsCause::ReadOnly => "输出目录所在的磁盘是只读的：换一个可写的输出目录".to_string(),
        _ => return None,
    })
}

/// The first existing ancestor of `path` (itself included) that is not a
/// folder: the file that stands where a folder should be.
fn first_file_on_the_way(path: &Path) -> Option<PathBuf> {
    let mut cur = PathBuf::new();
    for c in path.components() {
        cur.push(c);
        match std::fs::symlink_metadata(&cur) {
            Ok(m) if !m.is_dir() => return Some(cur),
            Ok(_) => {}
            Err(_) => return None,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_the_cause_once() {
        let e = io::Error::from_raw_os_error(1);
        let text = OutputError::io("无法替换 {}", Path::new("public/a.html"), &e).to_string();
        assert!(text.starts_with("无法替换 public/a.html：操作不允许"), "{text}");
        assert_eq!(text.matches("系统错误 1").count(), 1, "{text}");
        assert!(!text.contains("Operation not permitted"), "{text}");
    }

    #[test]
    fn a_removable_disk_refusing_a_name_or_size_says_to_use_a_local_disk() {
        // fusefat refuses a Chinese file name with EPERM.
        let name = disk_hint(OsCause::NotPermitted, Some(ForeignFs::Fuse)).unwrap();
        assert!(name.contains("中文文件名") && name.contains("本机磁盘"), "{name}");
        let big = disk_hint(OsCause::TooLarge, Some(ForeignFs::Fat)).unwrap();
        assert!(big.starts_with("FAT32 等 FAT 格式的磁盘存不下") && big.contains("4 GB"), "{big}");
        assert!(disk_hint(OsCause::Unsupported, None).unwrap().starts_with("这个磁盘不支持"));
        // EPERM on a disk that keeps permissions: chattr +i, not the disk.
        assert_eq!(disk_hint(OsCause::NotPermitted, None), None);
        let local = hint(&io::Error::from_raw_os_error(1), Path::new("/proc/x")).unwrap();
        assert!(local.contains("chattr"), "{local}");
        let text = OutputError::io("无法写出 {}", Path::new("/proc/x"), &io::Error::from_raw_os_error(38)).to_string();
        assert!(text.contains("不支持这个操作（系统错误 38）") && !text.contains("not implemented"), "{text}");
    }

    #[test]
    fn every_cause_is_said_in_chinese() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("gbk.md"), [0xd5, 0xc5]).unwrap();
        let not_text = std::fs::read_to_string(tmp.path().join("gbk.md")).unwrap_err();
        let folder = std::fs::read_to_string(tmp.path()).unwrap_err();
        let missing = std::fs::read(tmp.path().join("nothing")).unwrap_err();
        for e in [not_text, folder, missing] {
            let text = cause(&e);
            assert!(!text.chars().next().unwrap().is_ascii(), "{text}");
            assert!(!text.contains("valid UTF-8") && !text.contains("Is a directory"), "{text}");
        }
        assert!(cause(&io::Error::other("boom")).starts_with("系统报告的错误"));
    }

    #[test]
    fn names_the_file_in_the_way() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("f");
        std::fs::write(&file, "x").unwrap();
        let e = std::fs::create_dir_all(file.join("public")).unwrap_err();
        let text = OutputError::io("无法创建输出目录 {}", &file.join("public"), &e).to_string();
        assert!(text.contains(&format!("{} 是一个文件", file.display())), "{text}");
    }
}
