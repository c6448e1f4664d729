//! Where a build writes: output folders that must stay apart from the
//! site and from each other, the temporary folder of `check`, and the
//! manifest of files each build leaves.

use crate::diag::{Diagnostic, SiteErrors};
use crate::lists::cache as list_cache;
use std::path::{Path, PathBuf};

/// Where the list of files a build left in `dir` is kept (in the cache
/// folder, one per output folder).
pub(super) fn manifest(root: &Path, dir: &Path) -> Option<PathBuf> {
    let key = crate::fingerprint::of(&comparable(dir).to_string_lossy());
    Some(root.join(list_cache::CACHE_DIR).join(format!("manifest-{key:016x}.txt")))
}

/// `public/` and `print/` must not contain each other: letters carry full names.
pub(super) fn guard_apart(out: &Path, print: &Path) -> Result<(), SiteErrors> {
    let canon = comparable;
    let (o, p) = (canon(out), canon(print));
    if o.starts_with(&p) || p.starts_with(&o) {
        return Err(SiteErrors(vec![Diagnostic::new(
            print.display().to_string(),
            0,
            "告知书目录不能放在网站输出目录里面（告知书含学生姓名，不能发布）",
        )
        .with_hint("使用默认的 print/，或用 --print 指定 public/ 以外的目录")]));
    }
    Ok(())
}

/// The output folder is emptied of stale files, so it must never be the
/// site itself or a folder that holds it.
pub(super) fn guard_output_folder(root: &Path, out: &Path) -> Result<(), SiteErrors> {
    let canon = comparable;
    let (root_c, out_c) = (canon(root), canon(out));
    if root_c.starts_with(&out_c) || out_c.join(crate::config::CONFIG_FILE).exists() || out_c.join("content").is_dir() {
        return Err(SiteErrors(vec![Diagnostic::new(
            out.display().to_string(),
            0,
            "输出目录不能是站点目录本身或它的上级目录（构建会清理输出目录中多余的文件）",
        )
        .with_hint("使用默认的 public/，或用 --out 指定一个单独的空目录")]));
    }
    Ok(())
}

/// A path to compare with others: resolved through the file system when it
/// exists, otherwise made absolute without `.` components.
pub(super) fn comparable(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| match p.parent().filter(|x| !x.as_os_str().is_empty()) {
        // A folder not yet created: resolve its parent, keep its name.
        Some(parent) if parent.exists() => comparable(parent).join(p.file_name().unwrap_or_default()),
        _ => std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()),
    })
}

pub(super) fn tempfile_dir() -> std::io::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("gongshi-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
