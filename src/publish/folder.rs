//! A folder target: a folder a web server serves, brought to exactly the
//! built site under the same rules as the output folder. The built files
//! are linked (or copied) into a staging folder, which is then published
//! into the target the way a build publishes `public/`: only files whose
//! bytes changed are replaced, and only files gongshi wrote are removed.

use crate::output::staging::{RelPaths, Staging, SyncStats};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub struct FolderError {
    pub message: String,
    pub hint: String,
}

impl std::fmt::Display for FolderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}\n  提示：{}", self.message, self.hint)
    }
}

impl std::error::Error for FolderError {}

/// Where a target folder given in site-config.toml is (relative paths are
/// from the site folder).
pub fn resolve(root: &Path, folder: &str) -> PathBuf {
    let p = Path::new(folder);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        root.join(p)
    }
}

/// A target folder must not be, hold or sit inside the site's own folders.
pub fn guard(root: &Path, public: &Path, dir: &Path, what: &str) -> Result<(), FolderError> {
    let c = |p: &Path| comparable(p);
    let (root_c, dir_c, public_c) = (c(root), c(dir), c(public));
    let refuse = |why: &str| FolderError {
        message: format!("{what} {} {why}", dir.display()),
        hint: "在 site-config.toml 的 [[publish]] 里换一个单独的目录，例如网站服务器的目录 /srv/www/zizhu".into(),
    };
    if root_c.starts_with(&dir_c) {
        return Err(refuse("是站点目录本身或它的上级目录"));
    }
    if dir_c.starts_with(&public_c) || public_c.starts_with(&dir_c) {
        return Err(refuse("与输出目录 public/ 重叠"));
    }
    for own in ["content", "static", "templates", "themes", "print"] {
        if dir_c.starts_with(root_c.join(own)) {
            return Err(refuse(&format!("在站点的 {own}/ 目录里面")));
        }
    }
    Ok(())
}

fn comparable(p: &Path) -> PathBuf {
    fs::canonicalize(p).unwrap_or_else(|_| match p.parent().filter(|x| !x.as_os_str().is_empty()) {
        Some(parent) => comparable(parent).join(p.file_name().unwrap_or_default()),
        None => std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()),
    })
}

/// Brings `dir` to exactly the files `files` of `public`.
pub fn publish(root: &Path, public: &Path, dir: &Path, files: &[String]) -> Result<SyncStats, FolderError> {
    let io_err = |what: String, e: io::Error| FolderError {
        message: format!("{what}：{e}"),
        hint: "确认目标目录可以写入（权限、磁盘空间），然后重新运行 gongshi publish".into(),
    };
    let manifest = manifest_path(root, dir);
    refuse_foreign(dir, &manifest)?;
    let staging = Staging::create(dir).map_err(|e| io_err(format!("无法准备发布到 {}", dir.display()), e))?;
    for rel in files {
        let from = public.join(rel);
        let bytes = fs::read(&from).map_err(|e| io_err(format!("无法读取 {}", from.display()), e))?;
        staging.write(rel, &bytes).map_err(|e| io_err(format!("无法写出 {rel}"), e))?;
    }
    staging
        .publish(dir, &RelPaths::default(), Some(&manifest))
        .map_err(|e| io_err(format!("发布到 {} 失败", dir.display()), e))
}

/// gongshi writes into a target folder only when it is new, empty, or
/// holds what gongshi published there before (its file list exists).
fn refuse_foreign(dir: &Path, manifest: &Path) -> Result<(), FolderError> {
    if manifest.is_file() {
        return Ok(());
    }
    let present = match crate::output::staging::files_under(dir) {
        Ok(files) => files,
        Err(_) if !dir.exists() => return Ok(()),
        Err(e) => {
            return Err(FolderError {
                message: format!("无法读取目标目录 {}：{e}", dir.display()),
                hint: "确认目录存在并且可以读取".into(),
            })
        }
    };
    if present.is_empty() {
        return Ok(());
    }
    let shown: Vec<&str> = present.iter().take(5).map(String::as_str).collect();
    Err(FolderError {
        message: format!(
            "目标目录 {} 里已有 {} 个不是 gongshi 发布的文件，gongshi 不会写入这个目录，也没有改动其中任何文件：\n    {}",
            dir.display(),
            present.len(),
            shown.join("\n    ")
        ),
        hint: "在 [[publish]] 里用一个新的或空的目录；网站的其他文件请放在别的目录".into(),
    })
}

/// The list of files gongshi left in a target folder.
fn manifest_path(root: &Path, dir: &Path) -> PathBuf {
    let key = crate::fingerprint::of(&comparable(dir).to_string_lossy());
    root.join(crate::lists::cache::CACHE_DIR).join(format!("publish-manifest-{key:016x}.txt"))
}
