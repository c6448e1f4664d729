//! The build stamp: a build in which nothing has changed since the last
//! successful one is that build. When every file of the site (by path,
//! size, modification and change time), the gongshi binary, `--today`, the
//! folders and the name key are as they were, and every published file is
//! as that build left it, its summary is shown again and nothing is read,
//! rendered or written: the bytes in place are the bytes the guards passed.
//!
//! Change times cannot be set back by hand, so a file replaced by one of
//! the same size and date (`cp -p`, `touch -r`) still counts as changed.
//! A file changed less than `platform::SETTLE` before the build looked at it could
//! change again within the file system's clock step unnoticed: such a
//! build writes no stamp, and the next one builds in full. The stamp is
//! removed before anything is published, so a killed build leaves none.

use super::{BuildOptions, ListCounts, PrintSummary, Summary};
use crate::config::SiteConfig;
use crate::fingerprint::Fnv;
use crate::fingerprint::WordBuildHasher;
use crate::lists::cache::CACHE_DIR;
use crate::output::journal::{parse_manifest, write_replacing, MANIFEST};
use crate::output::staging::SyncStats;
use crate::platform::{changed_since, keeps_change_times, SETTLE};
use crate::privacy::names_guard::NameKey;
use crate::targets::written_by_publish;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const STAMP_FILE: &str = "build-stamp.json";

/// What a build depends on, taken before it reads anything.
pub(super) struct Inputs {
    file: PathBuf,
    /// Keys the fingerprints of published files' bytes.
    names: NameKey,
    key: u64,
    files: u64,
    /// A file changed within `SETTLE` of this look: no stamp this time.
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
pub(super) fn decide(
    opts: &BuildOptions,
    config: &SiteConfig,
    (out, print): (&Path, &Path),
    usual: bool,
    started: Instant,
) -> Verdict {
    let inputs = usual.then(|| look(opts, config, out, print)).flatten();
    let Some(inputs) = inputs else { return Verdict::Build(None) };
    match reuse(&inputs, out, print) {
        Some(mut summary) => {
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
fn look(opts: &BuildOptions, config: &SiteConfig, out: &Path, print: &Path) -> Option<Inputs> {
    // A theme from outside the site folder is not walked: never stamped.
    if !opts.write || opts.base_url.is_some() || opts.private_dir.is_some() || escapes(&config.theme) {
        return None;
    }
    // Where a change time can be set back (FAT, exFAT, network shares), a
    // file copied over with its old date would pass: never stamped there.
    // (Windows has no change time; the stamp compares creation times.)
    if cfg!(target_os = "linux") && ![&opts.root, out, print].iter().all(|d| keeps_change_times(d)) {
        return None;
    }
    let name_key = crate::privacy::names_guard::stored_key(&opts.root)?;
    let binary = crate::output::verdicts::this_binary()?;
    let (out, print) = (super::folders::comparable(out), super::folders::comparable(print));
    let key = Fnv::default()
        .str("stamp 1")
        .bytes(&binary.to_le_bytes())
        .str(&opts.today.to_string())
        .str(&out.to_string_lossy())
        .str(&print.to_string_lossy())
        .bytes(&[u8::from(opts.adopt_out), u8::from(opts.adopt_print)])
        .bytes(&name_key.check_value().to_le_bytes())
        .finish();
    let now = SystemTime::now();
    let root = super::folders::comparable(&opts.root);
    // What gongshi itself writes in the site folder is not an input, but
    // a target set inside the site's sources hides nothing from the walk.
    let sources: Vec<PathBuf> = super::folders::SOURCES.iter().map(|d| root.join(d)).collect();
    let mut skipped = vec![out, print];
    skipped.extend(
        written_by_publish(&opts.root, &config.publish)
            .iter()
            .map(|p| super::folders::comparable(p))
            .filter(|p| *p != root && !sources.iter().any(|s| p.starts_with(s) || s.starts_with(p))),
    );
    let (files, racy) = walk_site(&root, &skipped, now)?;
    Some(Inputs { file: opts.root.join(CACHE_DIR).join(STAMP_FILE), names: name_key, key, files, racy })
}

/// Every file and folder of the site but its outputs and gongshi's cache:
/// a hash of their names, sizes and times (summed, so neither the order the
/// file system lists them in nor the order the cores finish matters), and
/// whether one changed just now. A link is looked at through; a site with
/// a linked folder is not stamped (what is inside it is not walked).
fn walk_site(root: &Path, skipped: &[PathBuf], now: SystemTime) -> Option<(u64, bool)> {
    let skip = |p: &Path| {
        skipped.iter().any(|s| s == p)
            || p.file_name().is_some_and(|n| n == ".git" || (n == CACHE_DIR && p.parent() == Some(root)))
    };
    let seen = walk_folder(root, root, &skip, now)?;
    Some((seen.sum ^ seen.count.rotate_left(32), seen.racy))
}

/// What a folder's walk saw.
#[derive(Default)]
struct Seen {
    sum: u64,
    count: u64,
    racy: bool,
}

impl Seen {
    fn and(self, other: Seen) -> Seen {
        Seen { sum: self.sum.wrapping_add(other.sum), count: self.count + other.count, racy: self.racy || other.racy }
    }
}

/// A folder's entries on every core, its folders walked the same way.
fn walk_folder(root: &Path, dir: &Path, skip: &(dyn Fn(&Path) -> bool + Sync), now: SystemTime) -> Option<Seen> {
    let entries: Vec<std::fs::DirEntry> = std::fs::read_dir(dir).ok()?.collect::<Result<_, _>>().ok()?;
    let seen: Option<Vec<Seen>> = entries
        .par_iter()
        .filter(|e| !skip(&e.path()))
        .map(|e| {
            let path = e.path();
            let h = Fnv::default().str(&path.strip_prefix(root).ok()?.to_string_lossy());
            if e.file_type().ok()?.is_dir() {
                let inside = walk_folder(root, &path, skip, now)?;
                return Some(inside.and(Seen { sum: h.str("/").finish(), count: 1, racy: false }));
            }
            let meta = std::fs::metadata(&path).ok()?;
            if meta.is_dir() {
                return None;
            }
            Some(Seen { sum: h.file_times(&meta).finish(), count: 1, racy: recent(&meta, now) })
        })
        .collect();
    Some(seen?.into_iter().fold(Seen::default(), Seen::and))
}

/// A path given in the site's files that leads out of its folder (or may).
fn escapes(path: &str) -> bool {
    let p = Path::new(path);
    p.is_absolute()
        || path.contains('\\')
        || p.components().any(|c| !matches!(c, std::path::Component::Normal(_) | std::path::Component::CurDir))
}

/// Changed (or dated in the future) within `SETTLE` of `now`.
fn recent(meta: &std::fs::Metadata, now: SystemTime) -> bool {
    changed_since(meta, now.checked_sub(SETTLE).unwrap_or(UNIX_EPOCH))
}

/// The last build's summary when nothing has changed since it.
fn reuse(inputs: &Inputs, out: &Path, print: &Path) -> Option<Summary> {
    let stamp: Stamp = serde_json::from_slice(&std::fs::read(&inputs.file).ok()?).ok()?;
    let same = stamp.key == inputs.key
        && stamp.files == inputs.files
        && stamp.outputs
            == outputs_state(&inputs.names, (out, &stamp.public), (print, &stamp.print), &Written::default());
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

/// The prints of the files this build wrote, by path
/// (`NameKey::content_print`, as `Staging::prints` gives them).
pub(super) type Written = HashMap<String, u64, WordBuildHasher>;

/// Whether this build will be stamped, if it succeeds.
pub(super) fn wanted(inputs: Option<&Inputs>) -> bool {
    inputs.is_some_and(|i| !i.racy)
}

/// After a successful publish: what this build read and left, stamped
/// (when it can be). A published file this build wrote is taken by the
/// print of what it wrote, not read again (the province's 243 MB took
/// 150 ms): were it changed since, the next build reads another print.
pub(super) fn recorded(inputs: Option<&Inputs>, print: &Path, summary: Summary, written: &Written) -> Summary {
    if let Some(i) = inputs.filter(|i| wanted(Some(i))) {
        record(i, &summary, print, written);
        crate::timing::mark("stamp recorded");
    }
    summary
}

fn record(inputs: &Inputs, summary: &Summary, print: &Path, written: &Written) {
    let public = manifest_files(&summary.out);
    if public.is_empty() {
        // No manifest to say what was published: nothing to look at next time.
        return;
    }
    // A list reading a file outside its site folder: that file is not
    // walked, so the site is never stamped.
    let outside = summary.bundles.iter().any(|b| {
        let m = &b.meta;
        [Some(&m.data), m.objections.as_ref(), m.receipts.as_ref()].into_iter().flatten().any(|p| escapes(p))
    });
    if outside {
        return;
    }
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
        outputs: outputs_state(&inputs.names, (&summary.out, &public), (print, &print_dirs), written),
        public,
        print: print_dirs,
        summary: saved(summary),
    };
    if let Ok(json) = serde_json::to_vec(&stamp) {
        let _ = write_replacing(&inputs.file, &json);
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

/// A hash of the published files' bytes (keyed: no page can be made to
/// pass for another), of their folders, of the print folder's folders and
/// top files, and of both manifests: any published file removed, replaced
/// or edited, whatever its size and dates say, changes it. Summed, read on
/// every core (a county's 8 MB in a few milliseconds), but for the files
/// in `written`, whose prints are known.
fn outputs_state(
    names: &NameKey,
    (out, public): (&Path, &[String]),
    (print, print_dirs): (&Path, &[String]),
    written: &Written,
) -> u64 {
    let mut dirs = BTreeSet::new();
    for f in public {
        let mut d = f.as_str();
        while let Some((parent, _)) = d.rsplit_once('/') {
            if !dirs.insert(parent) {
                break;
            }
            d = parent;
        }
    }
    // Not the top folders: their lock files come and go with every build.
    let public_files: BTreeSet<&str> = public.iter().map(String::as_str).collect();
    let looks: Vec<(&Path, &str)> = [(out, MANIFEST), (print, MANIFEST)]
        .into_iter()
        .chain(public.iter().map(String::as_str).chain(dirs).map(|f| (out, f)))
        .chain(print_dirs.iter().map(|d| (print, d.as_str())))
        .collect();
    looks
        .par_iter()
        .map(|(base, rel)| {
            let h = Fnv::default().str(&base.to_string_lossy()).str(rel);
            let path = base.join(rel);
            if *base == out && public_files.contains(rel) {
                let print = written.get(*rel).copied();
                return match print.or_else(|| std::fs::read(&path).ok().map(|b| names.content_print(rel, &[&b]))) {
                    Some(p) => h.bytes(&p.to_le_bytes()).finish(),
                    None => h.str("-").finish(),
                };
            }
            // Folders through links, with their change times: a letter
            // deleted and its folder's date set back still shows.
            match std::fs::metadata(&path) {
                Ok(meta) => h.file_times(&meta).finish(),
                _ => h.str("-").finish(),
            }
        })
        .reduce(|| 0, u64::wrapping_add)
        ^ (looks.len() as u64).rotate_left(32)
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
        let skipped = [root.join("public"), root.join("print")];
        let before = walk_site(&root, &skipped, SystemTime::now()).unwrap().0;
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(&f, "乙").unwrap();
        std::fs::File::options().write(true).open(&f).unwrap().set_modified(old).unwrap();
        let after = walk_site(&root, &skipped, SystemTime::now()).unwrap().0;
        assert_ne!(before, after, "same size, same date, new bytes: the change time differs");
        // Outputs and the cache are not inputs.
        std::fs::create_dir_all(root.join("public")).unwrap();
        std::fs::write(root.join("public/index.html"), "x").unwrap();
        std::fs::create_dir_all(root.join(CACHE_DIR)).unwrap();
        std::fs::write(root.join(CACHE_DIR).join("x"), "x").unwrap();
        assert_eq!(after, walk_site(&root, &skipped, SystemTime::now()).unwrap().0);
        std::fs::write(root.join("content/b.md"), "").unwrap();
        assert_ne!(after, walk_site(&root, &skipped, SystemTime::now()).unwrap().0);
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
        let look = || walk_site(&root, &[root.join("public")], SystemTime::now());
        let before = look().unwrap().0;
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(elsewhere.join("a.md"), "乙").unwrap();
        assert_ne!(before, look().unwrap().0, "the linked file's change is seen");
        std::os::unix::fs::symlink(elsewhere.join("lists"), root.join("content/lists")).unwrap();
        assert!(look().is_none());
    }
}
