//! Files from the preview folder: safe paths, content types, and the live
//! reload script added to HTML on the way out (never written to disk).

use std::path::{Component, Path, PathBuf};

const LIVE_TAG: &str = "<script src=\"/__gongshi/live.js\"></script>";

/// `/lists/%E5%90%8D/` → `<dir>/lists/名/index.html`; None for `..` tricks.
pub fn resolve(dir: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url_path)?;
    let rel = Path::new(decoded.trim_start_matches('/'));
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    let mut path = dir.join(rel);
    if path.is_dir() || decoded.ends_with('/') {
        path = path.join("index.html");
    }
    Some(path)
}

/// `%E5%90%8D` → `名`; None when the escapes are not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// Adds the live-reload script before `</body>` (or at the end).
pub fn with_live_reload(html: Vec<u8>) -> Vec<u8> {
    let text = String::from_utf8_lossy(&html);
    match text.rfind("</body>") {
        Some(i) => format!("{}{LIVE_TAG}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{LIVE_TAG}").into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_safely() {
        let d = Path::new("/srv");
        assert_eq!(resolve(d, "/a/b.css"), Some(PathBuf::from("/srv/a/b.css")));
        assert_eq!(resolve(d, "/lists/%E5%90%8D/"), Some(PathBuf::from("/srv/lists/名/index.html")));
        assert_eq!(resolve(d, "/../etc/passwd"), None);
        assert_eq!(resolve(d, "/%2e%2e/etc/passwd"), None);
    }

    #[test]
    fn injects_before_body_end() {
        let out = String::from_utf8(with_live_reload(b"<body><p>x</p></body></html>".to_vec())).unwrap();
        assert_eq!(out, format!("<body><p>x</p>{LIVE_TAG}</body></html>"));
    }
}
