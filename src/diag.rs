//! User-facing diagnostics: every problem found in a site is collected here
//! with its file, line and a hint, and printed in Chinese in one go.

use std::fmt;
use std::path::Path;
use std::sync::Mutex;

/// One problem in the user's site, pointing at the place to fix it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// Path relative to the site root, with `/` separators.
    pub file: String,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column; 0 when unknown.
    pub column: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn new(file: impl Into<String>, line: usize, message: impl Into<String>) -> Self {
        Diagnostic { file: file.into(), line, column: 0, message: message.into(), hint: None }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn with_column(mut self, column: usize) -> Self {
        self.column = column;
        self
    }

    /// `file` could not be read; `what` names it ("数据文件", or "" for
    /// a plain "无法读取："). A file another program holds open (Excel or
    /// WPS on Windows) says so and to close it, not the system's error.
    pub fn unreadable(file: impl Into<String>, what: &str, e: &std::io::Error) -> Self {
        let file = file.into();
        if crate::platform::held_open(e) {
            let message = crate::platform::held_open_message(&crate::platform::shown_str(&file));
            return Diagnostic::new(file, 0, message).with_hint(HELD_OPEN_HINT);
        }
        Diagnostic::new(file, 0, format!("无法读取{what}：{}", crate::platform::cause(e)))
    }

    /// Whether this is `unreadable`'s message for a file held open, whose
    /// hint a caller should keep.
    pub fn is_held_open(&self) -> bool {
        self.hint.as_deref() == Some(HELD_OPEN_HINT)
    }

    /// Sets the hint unless the problem is a file held open (whose hint
    /// says what to do already).
    pub fn with_hint_unless_held_open(self, hint: impl Into<String>) -> Self {
        if self.is_held_open() {
            self
        } else {
            self.with_hint(hint)
        }
    }
}

const HELD_OPEN_HINT: &str = "关闭后重新运行；找不到打开它的窗口时，退出 Excel 和 WPS（或重启电脑）再试";

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "错误：{}", crate::platform::shown_str(&self.file))?;
        if self.line > 0 {
            write!(f, " 第 {} 行", self.line)?;
            if self.column > 0 {
                write!(f, "第 {} 列", self.column)?;
            }
        }
        write!(f, "：{}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  提示：{hint}")?;
        }
        Ok(())
    }
}

/// A thread-safe collector, so parallel stages can report every problem
/// instead of stopping at the first one.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Mutex<Vec<Diagnostic>>,
}

impl Diagnostics {
    pub fn push(&self, d: Diagnostic) {
        self.items.lock().unwrap_or_else(|e| e.into_inner()).push(d);
    }

    pub fn extend(&self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.items.lock().unwrap_or_else(|e| e.into_inner()).extend(ds);
    }

    /// Sorted and de-duplicated, so output order does not depend on threads.
    pub fn into_sorted(self) -> Vec<Diagnostic> {
        let mut v = self.items.into_inner().unwrap_or_else(|e| e.into_inner());
        v.sort();
        v.dedup();
        v
    }
}

/// The error a build ends with when the site has problems (exit code 1).
#[derive(Debug, thiserror::Error)]
#[error("发现 {} 处问题", .0.len())]
pub struct SiteErrors(pub Vec<Diagnostic>);

/// Warnings do not stop the build but are printed.
#[derive(Debug, Default)]
pub struct Warnings {
    items: Mutex<Vec<String>>,
}

impl Warnings {
    pub fn push(&self, w: impl Into<String>) {
        self.items.lock().unwrap_or_else(|e| e.into_inner()).push(w.into());
    }

    pub fn is_empty(&self) -> bool {
        self.items.lock().unwrap_or_else(|e| e.into_inner()).is_empty()
    }

    pub fn into_sorted(self) -> Vec<String> {
        let mut v = self.items.into_inner().unwrap_or_else(|e| e.into_inner());
        v.sort();
        v.dedup();
        v
    }
}

/// Site-relative display path with forward slashes (also on Windows).
pub fn rel_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    parts.join("/")
}

/// 1-based line of a byte offset in `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_in_chinese_with_line_and_hint() {
        let d = Diagnostic::new("content/a.md", 3, "未知字段").with_hint("可用字段：title");
        assert_eq!(d.to_string(), "错误：content/a.md 第 3 行：未知字段\n  提示：可用字段：title");
    }

    #[test]
    fn line_of_counts_newlines() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(line_of("a\nb\nc", 99), 3);
    }

    #[test]
    fn collector_sorts_and_dedups() {
        let ds = Diagnostics::default();
        ds.push(Diagnostic::new("b", 1, "x"));
        ds.push(Diagnostic::new("a", 2, "y"));
        ds.push(Diagnostic::new("b", 1, "x"));
        let v = ds.into_sorted();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].file, "a");
    }
}
