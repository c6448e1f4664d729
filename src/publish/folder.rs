//! A folder target: a folder a web server serves, brought to exactly the
//! built site under the output folder's rules (`output::ownership`,
//! `output::journal`): gongshi writes only into a folder that is new,
//! empty or holds its manifest (or one the target adopts); it replaces only
//! files whose bytes changed and removes only files its manifest lists; the
//! change is one journalled transaction, undone after a failure and
//! finished or undone by the next run after a kill; one publish at a time
//! (the folder's lock). The built files are hard-linked (or copied) into a
//! private staging folder in the site's cache, then published from there.

use crate::output::error::OutputError;
use crate::output::ownership::{Open, OutputFolder, Role};
use crate::output::staging::{RelPaths, Staging, SyncStats};
use std::path::{Path, PathBuf};

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
pub fn guard(root: &Path, public: &Path, dir: &Path, what: &str) -> Result<(), OutputError> {
    let (root_c, dir_c, public_c) = (comparable(root), comparable(dir), comparable(public));
    let refuse = |why: &str| {
        OutputError::plain(
            format!("{what} {} {why}", crate::platform::shown(dir)),
            "在 site-config.toml 的 [[publish]] 里换一个单独的目录，例如网站服务器的目录 /srv/www/zizhu",
        )
    };
    if root_c.starts_with(&dir_c) {
        return Err(refuse("是站点目录本身或它的上级目录"));
    }
    if dir_c.starts_with(&public_c) || public_c.starts_with(&dir_c) {
        return Err(refuse("与输出目录 public/ 重叠"));
    }
    for own in ["content", "static", "templates", "themes", "print", crate::lists::cache::CACHE_DIR] {
        if dir_c.starts_with(root_c.join(own)) {
            return Err(refuse(&format!("在站点的 {own}/ 目录里面")));
        }
    }
    Ok(())
}

/// An absolute path without `.`/`..`, resolved through the file system as
/// far as it exists.
fn comparable(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| match p.parent().filter(|x| !x.as_os_str().is_empty()) {
        Some(parent) => comparable(parent).join(p.file_name().unwrap_or_default()),
        None => std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()),
    })
}

/// Brings `dir` to exactly the files `files` of `public`. `staging` is a
/// private folder to stage in (removed when done).
pub fn publish(
    public: &Path,
    dir: &Path,
    files: &[String],
    staging: &Path,
    adopt: bool,
) -> Result<SyncStats, OutputError> {
    let mut folder = OutputFolder::open(Open { dir, role: Role::Target, adopt, legacy_manifest: None, create: true })?
        .ok_or_else(|| {
            OutputError::plain(format!("无法打开发布目录 {}", crate::platform::shown(dir)), "换一个发布目录")
        })?;
    let stage = Staging::create(staging).map_err(|e| OutputError::io("无法创建暂存目录 {}", staging, &e))?;
    for rel in files {
        let from = public.join(rel);
        stage.link(rel, &from).map_err(|e| OutputError::io("无法暂存 {}", &from, &e))?;
    }
    let plan = folder.prepare(&stage, &RelPaths::default())?;
    let stats = folder.publish(plan)?;
    drop(stage);
    Ok(stats)
}

/// The files a build left in an output folder: its manifest, or a walk.
pub fn built_files(public: &Path) -> std::io::Result<Vec<String>> {
    match std::fs::read_to_string(public.join(crate::output::journal::MANIFEST)) {
        Ok(text) => Ok(crate::output::journal::parse_manifest(&text).map(String::from).collect()),
        Err(_) => Ok(crate::output::staging::files_under(public)?
            .into_iter()
            .filter(|f| !f.starts_with(".gongshi"))
            .collect()),
    }
}
