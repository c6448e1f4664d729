//! Errors of writing the output: the file, the operation and the cause,
//! each said once, in Chinese, with a hint; plus what became of the output
//! folder, so the user knows whether the published site changed.

use crate::platform::{held_open_message, shown, OsCause};
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
            cause: Some(cause(e)),
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

/// The cause in Chinese, with the system's error number for searching.
pub fn cause(e: &io::Error) -> String {
    match (OsCause::of(e), e.raw_os_error()) {
        (Some(c), Some(n)) => format!("{}（系统错误 {n}）", c.text()),
        _ => match e.kind() {
            io::ErrorKind::PermissionDenied => "没有权限".into(),
            io::ErrorKind::NotFound => "文件或目录不存在".into(),
            io::ErrorKind::AlreadyExists => "已经有同名的文件或目录".into(),
            _ => e.to_string(),
        },
    }
}

fn hint(e: &io::Error, path: &Path) -> Option<String> {
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
    fn names_the_file_in_the_way() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("f");
        std::fs::write(&file, "x").unwrap();
        let e = std::fs::create_dir_all(file.join("public")).unwrap_err();
        let text = OutputError::io("无法创建输出目录 {}", &file.join("public"), &e).to_string();
        assert!(text.contains(&format!("{} 是一个文件", file.display())), "{text}");
    }
}
