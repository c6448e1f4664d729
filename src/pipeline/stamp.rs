//! The build stamp: a build in which nothing has changed since the last
//! successful one is that build. When every file of the site (by path,
//! size, modification and change time), the gongshi binary, `--today`, the
//! folders and the name key are as they were, and every published file is
//! as that build left it, its summary is shown again and nothing is read,
//! rendered or written: the bytes in place are the bytes the guards passed.
//!
//! Change times cannot be set back by hand, so a file replaced by one of
//! the same size and date (`cp -p`, `touch -r`) still counts as changed.
//! A file changed less than `RACY` before the build looked at it could
//! change again within the file system's clock step unnoticed: such a
//! build writes no stamp, and the next one builds in full. The stamp is
//! removed before anything is published, so a killed build leaves none.

use super::{BuildOptions, ListCounts, PrintSummary, Summary};
use crate::fingerprint::Fnv;
use crate::lists::cache::CACHE_DIR;
use crate::output::journal::{parse_manifest, MANIFEST};
use crate::output::staging::SyncStats;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const STAMP_FILE: &str = "build-stamp.json";
/// Longer than any file system's clock step (FAT's two seconds).
const RACY: Duration = Duration::from_secs(2);

/// What a build depends on, taken before it reads anything.
pub(super) struct Inputs {
    file: PathBuf,
    key: u64,
    files: u64,
    /// A file changed within `RACY` of this look: no stamp this time.
    racy: bool,
}

/// What the last successful build left: its inputs, the outputs to look
/// at (relative to the output and print folders) and its summary.
#[derive(Serialize, Deserialize)]
struct Stamp {
    key: u64,
    files: u64,
    public: Vec<String>,
    print: Vec<String>,
    outputs: u64,
    summary: Saved,
}

/// The parts of a summary shown again.
#[derive(Serialize, Deserialize)]
struct Saved {
    pages: usize,
    lists: [usize; 5],
    print: [usize; 3],
    search: [usize; 2],
    files: usize,
    warnings: Vec<String>,
    audit_warnings: Vec<String>,
    audit_lines: Vec<String>,
    audit_files: usize,
}

/// Before a build: the last build's summary when nothing has changed
/// since it; otherwise what this build will be stamped with, if anything
/// (the old stamp is gone by then).
pub(super) enum Verdict {
    Unchanged(Box<Summary>),
    Build(Option<Inputs>),
}

/// `usual`: nothing unusual happened opening the folders (a lock taken
/// over, a killed publish undone); else the build runs in full.
pub(super) fn decide(opts: &BuildOptions, (out, print): (&Path, &Path), usual: bool, started: Instant) -> Verdict {
    let inputs = usual.then(|| look(opts, out, print)).flatten();
    let Some(inputs) = inputs else { return Verdict::Build(None) };
    match reuse(&inputs, out, print) {
        Some(mut summary) => {
            // `publish` reads the lists' dates from them.
            summary.bundles = crate::content::list::load(&opts.root, &crate::diag::Diagnostics::default());
            summary.elapsed = started.elapsed();
            crate::timing::mark("nothing changed");
            Verdict::Unchanged(Box::new(summary))
        }
        None => {
            let _ = std::fs::remove_file(&inputs.file);
            Verdict::Build(Some(inputs))
        }
    }
}

/// The site's inputs as they are now, or None when this build cannot be
/// stamped: `check`, `serve`'s previews (their own address and folder), a
/// site without a name key (no caches), a folder that cannot be walked.
fn look(opts: &BuildOptions, out: &Path, print: &Path) -> Option<Inputs> {
    if !opts.write || opts.base_url.is_some() || opts.private_dir.is_some() {
        return None;
    }
    let key = crate::privacy::names_guard::stored_key(&opts.root)?;
    let exe = std::env::current_exe().ok()?;
    let (out, print) = (super::folders::comparable(out), super::folders::comparable(print));
    let key = Fnv::default()
        .str("stamp 1")
        .str(env!("CARGO_PKG_VERSION"))
        .file_times(&std::fs::metadata(&exe).ok()?)
        .str(&exe.to_string_lossy())
        .str(&opts.today.to_string())
        .str(&out.to_string_lossy())
        .str(&print.to_string_lossy())
        .bytes(&[u8::from(opts.adopt_out), u8::from(opts.adopt_print)])
        .bytes(&key.check_value().to_le_bytes())
        .finish();
    let now = SystemTime::now();
    let (files, racy) = walk_site(&super::folders::comparable(&opts.root), &out, &print, now)?;
    Some(Inputs { file: opts.root.join(CACHE_DIR).join(STAMP_FILE), key, files, racy })
}

/// Every file and folder of the site but its outputs and gongshi's cache:
/// a hash of their names, sizes and times (summed, so the order the file
/// system lists them in does not matter), and whether one changed just
/// now. A link is looked at through; a site with a linked folder is not
/// stamped (what is inside it is not walked).
fn walk_site(root: &Path, out: &Path, print: &Path, now: SystemTime) -> Option<(u64, bool)> {
    let skip = |p: &Path| {
        p == out
            || p == print
            || p.file_name().is_some_and(|n| n == ".git" || (n == CACHE_DIR && p.parent() == Some(root)))
    };
    let (mut sum, mut count, mut racy) = (0u64, 0u64, false);
    for entry in walkdir::WalkDir::new(root).into_iter().filter_entry(|e| !skip(e.path())) {
        let entry = entry.ok()?;
        let rel = entry.path().strip_prefix(root).ok()?;
        let h = Fnv::default().str(&rel.to_string_lossy());
        let h = if entry.file_type().is_dir() {
            h.str("/")
        } else {
            let meta = std::fs::metadata(entry.path()).ok()?;
            if meta.is_dir() {
                return None;
            }
            racy |= recent(&meta, now);
            h.file_times(&meta)
        };
        sum = sum.wrapping_add(h.finish());
        count += 1;
    }
    Some((sum ^ count.rotate_left(32), racy))
}

/// Changed (or dated in the future) within `RACY` of `now`.
fn recent(meta: &std::fs::Metadata, now: SystemTime) -> bool {
    let changed = {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            UNIX_EPOCH
                .checked_add(Duration::new(meta.ctime().max(0) as u64, meta.ctime_nsec().clamp(0, 999_999_999) as u32))
        }
        #[cfg(not(unix))]
        {
            meta.created().ok()
        }
    };
    let limit = now.checked_sub(RACY).unwrap_or(UNIX_EPOCH);
    [meta.modified().ok(), changed].into_iter().flatten().any(|t| t > limit)
}

/// The last build's summary when nothing has changed since it.
fn reuse(inputs: &Inputs, out: &Path, print: &Path) -> Option<Summary> {
    let stamp: Stamp = serde_json::from_slice(&std::fs::read(&inputs.file).ok()?).ok()?;
    let same = stamp.key == inputs.key
        && stamp.files == inputs.files
        && stamp.outputs == outputs_state(out, &stamp.public, print, &stamp.print);
    if !same {
        return None;
    }
    let s = stamp.summary;
    let [active, ended, upcoming, drafts, from_cache] = s.lists;
    let [letters, batches, sheets] = s.print;
    Some(Summary {
        pages: s.pages,
        lists: ListCounts { from_cache, active, ended, upcoming, drafts },
        print: PrintSummary { letters, batches, sheets, dir: print.to_path_buf() },
        search_files: s.search[0],
        search_bytes: s.search[1],
        sync: SyncStats { written: 0, unchanged: s.files, removed: 0 },
        elapsed: Duration::ZERO,
        warnings: s.warnings,
        out: out.to_path_buf(),
        bundles: Vec::new(),
        audit: crate::audit::Summary { warnings: s.audit_warnings, lines: s.audit_lines, files: s.audit_files },
        unchanged: true,
    })
}

/// After a successful publish: what this build read and left, stamped
/// (when it can be).
pub(super) fn recorded(inputs: Option<&Inputs>, print: &Path, summary: Summary) -> Summary {
    if let Some(i) = inputs.filter(|i| !i.racy) {
        record(i, &summary, print);
    }
    summary
}

fn record(inputs: &Inputs, summary: &Summary, print: &Path) {
    let public = manifest_files(&summary.out);
    // Letters are private and many (a county has tens of thousands): their
    // folders are looked at, as the list cache does, not every file; the
    // files at the top (the print index), each. The top folder itself
    // changes with every build's lock file.
    let print_dirs: BTreeSet<String> = manifest_files(print)
        .into_iter()
        .map(|f| f.rsplit_once('/').map_or(f.clone(), |(d, _)| d.to_string()))
        .collect();
    let print_dirs: Vec<String> = print_dirs.into_iter().collect();
    let stamp = Stamp {
        key: inputs.key,
        files: inputs.files,
        outputs: outputs_state(&summary.out, &public, print, &print_dirs),
        public,
        print: print_dirs,
        summary: saved(summary),
    };
    if let Ok(json) = serde_json::to_vec(&stamp) {
        let tmp = inputs.file.with_extension(format!("tmp{}", std::process::id()));
        if std::fs::write(&tmp, json).is_ok() && std::fs::rename(&tmp, &inputs.file).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

fn saved(s: &Summary) -> Saved {
    let l = s.lists;
    Saved {
        pages: s.pages,
        lists: [l.active, l.ended, l.upcoming, l.drafts, l.from_cache],
        print: [s.print.letters, s.print.batches, s.print.sheets],
        search: [s.search_files, s.search_bytes],
        files: s.sync.written + s.sync.unchanged,
        warnings: s.warnings.clone(),
        audit_warnings: s.audit.warnings.clone(),
        audit_lines: s.audit.lines.clone(),
        audit_files: s.audit.files,
    }
}

/// The files a folder's manifest lists (none when it has no manifest).
fn manifest_files(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join(MANIFEST))
        .map(|text| parse_manifest(&text).map(str::to_string).collect())
        .unwrap_or_default()
}

/// A hash of the published files (and their folders) and of the print
/// folder's folders and top files, with both manifests: any of its files
/// removed, replaced or edited in the output folder changes it.
fn outputs_state(out: &Path, public: &[String], print: &Path, print_dirs: &[String]) -> u64 {
    let mut h = Fnv::default();
    let mut look = |base: &Path, rel: &str| {
        h = match std::fs::symlink_metadata(base.join(rel)) {
            Ok(meta) => h.str(rel).file_times(&meta),
            Err(_) => h.str(rel).str("-"),
        };
    };
    look(out, MANIFEST);
    let mut dirs = BTreeSet::new();
    for f in public {
        look(out, f);
        let mut d = f.as_str();
        while let Some((parent, _)) = d.rsplit_once('/') {
            if !dirs.insert(parent) {
                break;
            }
            d = parent;
        }
    }
    // Not the top folder: its lock file comes and goes with every build.
    for d in dirs {
        look(out, d);
    }
    look(print, MANIFEST);
    for d in print_dirs {
        look(print, d);
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_changed_just_now_is_racy_and_an_old_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.md");
        std::fs::write(&f, "x").unwrap();
        let meta = std::fs::metadata(&f).unwrap();
        assert!(recent(&meta, SystemTime::now()));
        assert!(!recent(&meta, SystemTime::now() + Duration::from_secs(3)));
    }

    #[test]
    fn the_walk_sees_a_same_size_rewrite_with_its_old_date() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        let f = root.join("content/a.md");
        std::fs::write(&f, "甲").unwrap();
        let old = std::fs::metadata(&f).unwrap().modified().unwrap();
        let (none, far) = (root.join("public"), root.join("print"));
        let before = walk_site(&root, &none, &far, SystemTime::now()).unwrap().0;
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(&f, "乙").unwrap();
        std::fs::File::options().write(true).open(&f).unwrap().set_modified(old).unwrap();
        let after = walk_site(&root, &none, &far, SystemTime::now()).unwrap().0;
        assert_ne!(before, after, "same size, same date, new bytes: the change time differs");
        // Outputs and the cache are not inputs.
        std::fs::create_dir_all(root.join("public")).unwrap();
        std::fs::write(root.join("public/index.html"), "x").unwrap();
        std::fs::create_dir_all(root.join(CACHE_DIR)).unwrap();
        std::fs::write(root.join(CACHE_DIR).join("x"), "x").unwrap();
        assert_eq!(after, walk_site(&root, &none, &far, SystemTime::now()).unwrap().0);
        std::fs::write(root.join("content/b.md"), "").unwrap();
        assert_ne!(after, walk_site(&root, &none, &far, SystemTime::now()).unwrap().0);
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_file_is_seen_through_and_a_linked_folder_is_never_stamped() {
        let dir = tempfile::tempdir().unwrap();
        let (root, elsewhere) = (dir.path().join("site"), dir.path().join("elsewhere"));
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::create_dir_all(elsewhere.join("lists")).unwrap();
        std::fs::write(elsewhere.join("a.md"), "甲").unwrap();
        std::os::unix::fs::symlink(elsewhere.join("a.md"), root.join("content/a.md")).unwrap();
        let look = || walk_site(&root, &root.join("public"), &root.join("print"), SystemTime::now());
        let before = look().unwrap().0;
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(elsewhere.join("a.md"), "乙").unwrap();
        assert_ne!(before, look().unwrap().0, "the linked file's change is seen");
        std::os::unix::fs::symlink(elsewhere.join("lists"), root.join("content/lists")).unwrap();
        assert!(look().is_none());
    }
}
