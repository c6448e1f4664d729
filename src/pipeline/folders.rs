//! Where a build writes: output folders that must stay apart from the
//! site's sources and from each other, the private places where it
//! stages, and the old-style manifest older versions kept in the cache.

use super::{BuildOptions, Kept};
use crate::diag::{Diagnostic, SiteErrors, Warnings};
use crate::lists::cache::{self as list_cache, ListCache, PrintPart};
use crate::output::error::OutputError;
use crate::output::journal::{MANIFEST, WORK};
use crate::output::lock::{Lock, LOCK_FILE};
use crate::output::ownership::{Open, OutputFolder, Role};
use crate::output::private_dir::PrivateDir;
use crate::output::staging::{Staging, SyncStats};
use std::path::{Path, PathBuf};

/// Where gongshi before version 0.2 kept the list of files a build left in
/// `dir` (in the cache folder). Read only to take over such a folder.
pub(super) fn legacy_manifest(root: &Path, dir: &Path) -> PathBuf {
    let key = crate::fingerprint::of(&comparable(dir).to_string_lossy());
    root.join(list_cache::CACHE_DIR).join(format!("manifest-{key:016x}.txt"))
}

/// The private folder a build stages an output folder's files in: the
/// site's cache folder (never beside the output, where a web server might
/// serve it), or the given private folder (`check`, `serve`).
pub(super) fn staging_dir(root: &Path, private: Option<&Path>, dir: &Path, role: Role) -> PathBuf {
    let name = match role {
        Role::Public => "public",
        Role::Print => "print",
        Role::Target => "target",
    };
    match private {
        Some(p) => p.join("staging").join(name),
        None => {
            let key = crate::fingerprint::of(&comparable(dir).to_string_lossy());
            root.join(list_cache::CACHE_DIR).join("staging").join(format!("{name}-{key:016x}"))
        }
    }
}

/// Site folders an output folder may neither be inside of nor contain;
/// a publish target inside them is not left out of the build stamp's walk.
pub(super) const SOURCES: [&str; 5] = ["content", "static", "templates", "themes", list_cache::CACHE_DIR];

/// The output and print folders are written into and cleaned of stale
/// files: never the site, its sources or cache, or each other.
pub(super) fn guard_folders(root: &Path, out: &Path, print: &Path) -> Result<(), SiteErrors> {
    let root_c = comparable(root);
    let mut problems = Vec::new();
    for (dir, role) in [(out, Role::Public), (print, Role::Print)] {
        let label = role.label();
        let d = comparable(dir);
        let problem =
            |message: String, hint: &str| Diagnostic::new(crate::platform::shown(dir), 0, message).with_hint(hint);
        let option = if role == Role::Public { "--out" } else { "--print" };
        let default = if role == Role::Public { "public/" } else { "print/" };
        if root_c.starts_with(&d) || d.join(crate::config::CONFIG_FILE).exists() || d.join("content").is_dir() {
            problems.push(problem(
                format!("{label}不能是站点目录本身或它的上级目录（构建会在{label}里写文件、删除旧文件）"),
                &format!("使用默认的 {default}，或用 {option} 指定一个单独的空目录"),
            ));
        } else if let Some(src) = SOURCES.iter().find(|s| d.starts_with(root_c.join(s))) {
            let why = if role == Role::Print && *src == "static" {
                "（static/ 里的文件会原样发布到网站，告知书含学生姓名）"
            } else {
                "（构建会在那里写文件、删除旧文件，站点的源文件会被改动）"
            };
            problems.push(problem(
                format!("{label}不能放在站点的 {src}/ 里面{why}"),
                &format!("使用默认的 {default}，或用 {option} 指定站点源文件以外的目录"),
            ));
        }
    }
    let (o, p) = (comparable(out), comparable(print));
    if problems.is_empty() && (o.starts_with(&p) || p.starts_with(&o)) {
        let message = if p.starts_with(&o) {
            "告知书目录不能放在网站输出目录里面（告知书含学生姓名，不能发布）"
        } else {
            "网站输出目录不能放在告知书目录里面（告知书含学生姓名，不能发布）"
        };
        problems.push(
            Diagnostic::new(crate::platform::shown(print), 0, message)
                .with_hint("使用默认的 print/，或用 --print 指定 public/ 以外的目录"),
        );
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(SiteErrors(problems))
    }
}

/// A path to compare with others: resolved through the file system as far
/// as it exists (links followed), the rest made absolute without `.` and
/// `..` components.
pub(super) fn comparable(p: &Path) -> PathBuf {
    if let Ok(c) = std::fs::canonicalize(p) {
        return c;
    }
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mut norm = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::ParentDir => {
                norm.pop();
            }
            std::path::Component::CurDir => {}
            other => norm.push(other),
        }
    }
    let mut rest = Vec::new();
    let mut existing = norm.clone();
    loop {
        if let Ok(c) = std::fs::canonicalize(&existing) {
            return rest.iter().rev().fold(c, |acc: PathBuf, n: &std::ffi::OsString| acc.join(n));
        }
        match existing.file_name() {
            Some(n) => rest.push(n.to_os_string()),
            None => return norm,
        }
        if !existing.pop() {
            return norm;
        }
    }
}

/// The locks a publishing build holds (the site's, the output folder's and
/// the print folder's, in that order) and the folders it publishes into.
pub(super) struct Publisher {
    out: OutputFolder,
    print: Option<OutputFolder>,
    print_dir: PathBuf,
    adopt_print: bool,
    legacy_print: PathBuf,
    /// Released last (fields drop in order).
    _site: Lock,
}

impl Publisher {
    /// None for `check`, which publishes nothing and takes no lock.
    pub(super) fn open(
        opts: &BuildOptions,
        out: &Path,
        print: &Path,
        warnings: &Warnings,
    ) -> Result<Option<Publisher>, OutputError> {
        if !opts.write {
            return Ok(None);
        }
        let root = opts.root.as_path();
        let site = Lock::acquire(&root.join(list_cache::CACHE_DIR).join(LOCK_FILE), "这个站点")?;
        if let Some(pid) = site.taken_over {
            warnings.push(format!("这个站点的上一次构建（进程号 {pid}）没有正常结束，已接管它留下的锁"));
        }
        // Under the site's lock no other build stages here: what is in the
        // staging folder was left by a killed build (letters included).
        let _ = std::fs::remove_dir_all(root.join(list_cache::CACHE_DIR).join("staging"));
        let legacy_out = legacy_manifest(root, out);
        let open = |dir: &Path, role, adopt, legacy: &Path, create| {
            OutputFolder::open(Open { dir, role, adopt, legacy_manifest: Some(legacy), create })
        };
        let out_folder = open(out, Role::Public, opts.adopt_out, &legacy_out, true)?.ok_or_else(|| {
            OutputError::plain(format!("无法打开输出目录 {}", crate::platform::shown(out)), "换一个输出目录")
        })?;
        let legacy_print = legacy_manifest(root, print);
        // The print folder appears only once a list asks for letters. One
        // that is not gongshi's is looked at only then: a site without
        // letters may have a `print/` of its own.
        let ours = |name: &str| std::fs::symlink_metadata(print.join(name)).is_ok();
        let print_folder = match ours(MANIFEST) || ours(WORK) || legacy_print.exists() {
            true => open(print, Role::Print, opts.adopt_print, &legacy_print, false)?,
            false => None,
        };
        for note in out_folder.notes.iter().chain(print_folder.iter().flat_map(|f| &f.notes)) {
            warnings.push(note.clone());
        }
        Ok(Some(Publisher {
            out: out_folder,
            print: print_folder,
            print_dir: print.to_path_buf(),
            adopt_print: opts.adopt_print,
            legacy_print,
            _site: site,
        }))
    }

    /// The output folder's files as published, for the staging to skip.
    pub(super) fn published(&self) -> Option<crate::output::staging::Published> {
        self.out.published()
    }

    /// Publishes the print folder (when there are letters or it exists),
    /// then the output folder, each as one transaction; both are planned
    /// first, so a file gongshi may not replace in either stops the build
    /// before anything moves. `forget` runs before anything moves.
    pub(super) fn publish(
        &mut self,
        staging: Staging,
        print_staging: Staging,
        kept: &Kept,
        letters: bool,
        forget: impl FnOnce(),
    ) -> Result<SyncStats, OutputError> {
        if letters && self.print.is_none() {
            self.print = OutputFolder::open(Open {
                dir: &self.print_dir,
                role: Role::Print,
                adopt: self.adopt_print,
                legacy_manifest: Some(&self.legacy_print),
                create: true,
            })?;
        }
        crate::timing::mark("publish: print folder opened");
        let print_plan = self.print.as_ref().map(|f| f.prepare(&print_staging, &kept.print)).transpose()?;
        crate::timing::mark("publish: print folder planned");
        let plan = self.out.prepare(&staging, &kept.public)?;
        crate::timing::mark("publish: output folder planned");
        forget();
        let mut print_changed = false;
        if let (Some(print), Some(p)) = (&mut self.print, print_plan) {
            let st = print.publish(p)?;
            print_changed = st.written + st.removed > 0;
        }
        drop(print_staging);
        let stats = self.out.publish(plan).map_err(|e| match print_changed {
            true => {
                let note = format!("告知书目录 {} 已经更新为这次构建的结果", crate::platform::shown(&self.print_dir));
                let state = e.state.clone().map(|s| format!("{s}；{note}")).unwrap_or(note);
                e.with_state(state)
            }
            false => e,
        })?;
        drop(staging);
        Ok(stats)
    }
}

/// The staging folders of the output and print folders, and the private
/// temporary folder `check` stages in when the caller gave none (kept
/// alive by the caller, removed when dropped). A publishing build's
/// output staging skips files already published as they are.
pub(super) fn stagings(
    opts: &BuildOptions,
    (out, print): (&Path, &Path),
    publisher: Option<&Publisher>,
) -> Result<(Option<PrivateDir>, Staging, Staging), OutputError> {
    let own = match opts.write || opts.private_dir.is_some() {
        true => None,
        false => Some(
            PrivateDir::new("check").map_err(|e| OutputError::io("无法创建临时目录 {}", &std::env::temp_dir(), &e))?,
        ),
    };
    let private = opts.private_dir.as_deref().or(own.as_ref().map(PrivateDir::path));
    let root = opts.root.as_path();
    let mut staging = create_staging(&staging_dir(root, private, out, Role::Public))?;
    if let Some(published) = publisher.and_then(Publisher::published) {
        staging = staging.skipping_published(published);
    }
    let print_staging = create_staging(&staging_dir(root, private, print, Role::Print))?;
    Ok((own, staging, print_staging))
}

fn create_staging(dir: &Path) -> Result<Staging, OutputError> {
    Staging::create(dir).map_err(|e| OutputError::io("无法创建暂存目录 {}", dir, &e))
}

/// Publishes a build (nothing for `check`, which has no publisher). The
/// cache entries of lists rendered afresh describe files about to be
/// replaced: dropped before anything moves, written once both folders are
/// published.
pub(super) fn publish(
    publisher: Option<&mut Publisher>,
    staging: Staging,
    print_staging: Staging,
    kept: &Kept,
    letters: bool,
    cache: Option<&ListCache>,
) -> Result<SyncStats, OutputError> {
    let Some(publisher) = publisher else { return Ok(SyncStats::default()) };
    let forget = || {
        if let Some(cache) = cache {
            for (term_slug, slug, _) in &kept.fresh {
                cache.forget(term_slug, slug);
            }
            for (part, fresh) in [(PrintPart::Audit, &kept.audit), (PrintPart::Index, &kept.print_index)] {
                if fresh.is_some() {
                    cache.forget_part(part);
                }
            }
        }
    };
    let sync = publisher.publish(staging, print_staging, kept, letters, forget)?;
    if let Some(cache) = cache {
        cache.put_all(&kept.fresh);
        cache.save_facts();
        crate::output::verdicts::save(&cache.verdicts_file(), &kept.verdicts);
        for (part, fresh) in [(PrintPart::Audit, &kept.audit), (PrintPart::Index, &kept.print_index)] {
            if let Some(entry) = fresh {
                cache.put_part(part, entry);
            }
        }
    }
    Ok(sync)
}
