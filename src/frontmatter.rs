//! Splits a content file into its `+++` TOML front matter and Markdown body,
//! and parses the front matter strictly.

use crate::diag::Diagnostic;
use serde::de::DeserializeOwned;

pub struct Split<'a> {
    pub front: &'a str,
    pub body: &'a str,
    /// File line on which the body starts (1-based).
    pub body_line: usize,
}

const FENCE: &str = "+++";

/// A content file's text. Not UTF-8 (Notepad's ANSI, i.e. GBK, is the
/// usual case) is an error at the line of the first byte that is not.
pub fn read_text(file: &str, path: &std::path::Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| Diagnostic::unreadable(file, "", &e))?;
    String::from_utf8(bytes).map_err(|e| {
        let line = crate::diag::line_of(&String::from_utf8_lossy(e.as_bytes()), e.utf8_error().valid_up_to());
        Diagnostic::new(file, line, "文件不是 UTF-8 编码（可能是记事本的 ANSI/GBK）")
            .with_hint("用记事本或 WPS 打开，另存为时编码选“UTF-8”")
    })
}

pub fn split<'a>(file: &str, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let missing = || {
        Diagnostic::new(file, 1, "文件开头缺少 +++ 包围的头信息（front matter）")
            .with_hint("第一行写 +++，接着写 title = \"…\" 等字段，再用一行 +++ 结束，然后是正文")
    };
    let first_end = text.find('\n').ok_or_else(missing)?;
    if text[..first_end].trim_end() != FENCE {
        return Err(missing());
    }
    let rest = &text[first_end + 1..];
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == FENCE {
            let front = &rest[..offset];
            let body = &rest[offset + line.len()..];
            let body_line = 2 + front.matches('\n').count() + 1;
            return Ok(Split { front, body, body_line });
        }
        offset += line.len();
    }
    Err(Diagnostic::new(file, 1, "头信息没有结束：找不到第二行 +++").with_hint("在头信息的最后一个字段下面加一行 +++"))
}

/// Parses front matter into `T`; errors point at the line in the file.
pub fn parse<T: DeserializeOwned>(file: &str, split: &Split) -> Result<T, Diagnostic> {
    toml::from_str(split.front).map_err(|e| crate::toml_error::to_diagnostic(file, split.front, 2, &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_with_crlf_and_bom() {
        let text = "\u{feff}+++\r\ntitle = \"a\"\r\n+++\r\n正文\r\n";
        let s = split("a.md", text).unwrap();
        assert_eq!(s.front.trim(), "title = \"a\"");
        assert_eq!(s.body.trim(), "正文");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn missing_front_matter() {
        let e = split("a.md", "# 标题\n").err().unwrap();
        assert!(e.message.contains("缺少"));
        let e = split("a.md", "+++\ntitle = \"a\"\n").err().unwrap();
        assert!(e.message.contains("没有结束"));
    }
}
