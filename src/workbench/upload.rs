//! Files the user chose in the page (a school's list, a Word document),
//! sent as the request body and kept in the workbench's private work
//! folder (`.gongshi-cache/workbench-<pid>/uploads/`, 0700) until the
//! wizard writes them into `content/` or the workbench ends. Never under
//! `public/`, never in the system's temporary folder.

use super::reply::ApiError;
use axum::body::Bytes;
use axum::http::HeaderMap;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The header the file's name comes in (percent-encoded UTF-8).
pub const NAME_HEADER: &str = "x-file-name";

/// The largest file taken (a province's list as .xlsx is a few MB).
pub const MAX_BYTES: usize = 64 * 1024 * 1024;

/// What may be uploaded for a wizard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    List,
    Policy,
}

impl Kind {
    fn extensions(self) -> &'static [&'static str] {
        match self {
            Kind::List => &["xlsx", "xlsm", "xls", "xlsb", "et", "ods", "csv", "tsv", "txt"],
            // .doc, .wps and .pdf get import's message on how to save as .docx.
            Kind::Policy => &["docx", "txt", "doc", "wps", "pdf"],
        }
    }
}

#[derive(Debug, Clone)]
pub struct Upload {
    pub kind: Kind,
    /// The file as the user named it.
    pub name: String,
    pub path: PathBuf,
}

#[derive(Default)]
pub struct Uploads {
    next: u64,
    files: HashMap<String, Upload>,
}

impl Uploads {
    pub fn get(&self, id: &str, kind: Kind) -> Result<Upload, ApiError> {
        match self.files.get(id) {
            Some(u) if u.kind == kind => Ok(u.clone()),
            _ => Err(ApiError::bad("找不到上传的文件，请重新选择文件")),
        }
    }

    /// Forgets an upload and removes its folder.
    pub fn remove(&mut self, id: &str) {
        if let Some(u) = self.files.remove(id) {
            if let Some(dir) = u.path.parent() {
                let _ = std::fs::remove_dir_all(dir);
            }
        }
    }
}

/// The file's name from the header: its last part only, no separators.
pub fn file_name(headers: &HeaderMap, kind: Kind) -> Result<String, ApiError> {
    let raw = headers.get(NAME_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
    let name = crate::serve::percent_decode(raw).unwrap_or_default();
    let name = name.rsplit(['/', '\\']).next().unwrap_or("").trim().to_string();
    if name.is_empty() || name.starts_with('.') || name.chars().any(char::is_control) {
        return Err(ApiError::bad("上传的文件没有有效的文件名"));
    }
    let ext = Path::new(&name).extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    if !kind.extensions().contains(&ext.as_str()) {
        return Err(ApiError::bad(format!(
            "“{name}”不是能导入的文件，请选择 {} 文件",
            kind.extensions().iter().map(|e| format!(".{e}")).collect::<Vec<_>>().join("、")
        )));
    }
    Ok(name)
}

/// Writes the body into `<work>/uploads/<n>/<name>` and registers it.
pub fn save(
    uploads: &mut Uploads,
    work: &Path,
    upload: (Kind, String),
    body: &Bytes,
) -> Result<(String, Upload), ApiError> {
    let (kind, name) = upload;
    if body.is_empty() {
        return Err(ApiError::bad(format!("“{name}”是空文件")));
    }
    uploads.next += 1;
    let id = uploads.next.to_string();
    let dir = work.join("uploads").join(&id);
    let path = dir.join(&name);
    std::fs::create_dir_all(&dir)
        .and_then(|()| crate::output::staging::make_private(&work.join("uploads")))
        .and_then(|()| std::fs::write(&path, body))
        .map_err(|e| {
            // Nothing half-saved stays behind (a name too long, a full disk).
            let _ = std::fs::remove_dir_all(&dir);
            ApiError::internal(format!("无法保存上传的文件：{}", crate::output::error::cause(&e)))
        })?;
    let u = Upload { kind, name, path };
    uploads.files.insert(id.clone(), u.clone());
    Ok((id, u))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn named(raw: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(NAME_HEADER, HeaderValue::from_str(raw).unwrap());
        h
    }

    #[test]
    fn names_are_the_last_part_and_of_the_right_kind() {
        let n = file_name(&named("%E5%90%8D%E5%8D%95.xlsx"), Kind::List).unwrap();
        assert_eq!(n, "名单.xlsx");
        assert_eq!(file_name(&named("..%2F..%2Fetc%2Fa.csv"), Kind::List).unwrap(), "a.csv");
        assert!(file_name(&named("a.exe"), Kind::List).is_err());
        assert!(file_name(&named("a.xlsx"), Kind::Policy).is_err());
        assert!(file_name(&named(".."), Kind::List).is_err());
        assert!(file_name(&HeaderMap::new(), Kind::List).is_err());
    }
}
