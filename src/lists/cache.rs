//! The list cache (`.gongshi-cache/` in the site folder): a list whose
//! inputs are unchanged since the last successful build is neither read
//! nor rendered again, and its published files are left in place. This is
//! what makes a rebuild after editing one notice fast on a county site.
//!
//! The key covers everything a list's outputs depend on: gongshi's version,
//! the site config, every template and letter, the list's `index.md` and
//! data file bytes, its rendered notice text, the basis policies it shows,
//! and its status and working days left on `--today`. A hit also needs
//! every output file it recorded to still exist, and its published page to
//! be as the build left it (by a keyed fingerprint of its bytes).

use super::outputs_state as state;
use crate::audit::ListAudit;
use crate::content::list_summary::ListSummary;
use crate::fingerprint::Fnv;
use crate::letters::print::Batch;
use crate::output::journal::write_replacing;
use crate::privacy::names_guard::{NameKey, NamePrint};
use crate::roster::packed;
use crate::schedule::status::ListStatus;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub const CACHE_DIR: &str = ".gongshi-cache";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CachedList {
    pub key: u64,
    pub status: ListStatus,
    pub summary: ListSummary,
    pub notes: Vec<String>,
    /// Keyed name fingerprints for the name guard (never names; the key is
    /// not in the site folder, see `names_guard::key_store`). Shared with
    /// the list job's outcome; stored after the JSON as raw records.
    #[serde(skip)]
    pub names: Arc<[NamePrint]>,
    /// The list's page when it shows names in full.
    pub shown_in_full: Option<String>,
    /// Stored after the JSON as bytes (`batch_bytes`).
    #[serde(skip)]
    pub batches: Vec<Batch>,
    pub sheet: Option<(String, String)>,
    /// Output files, relative to the public folder (those in the print
    /// folder are the batches' and the sheet's: `print_files`).
    pub public_files: Vec<String>,
    /// A keyed fingerprint of the published files' bytes when the entry
    /// was stored: a page edited or replaced by hand since is written again
    /// (and guarded again), not kept. Letters are private: only their
    /// presence.
    #[serde(default)]
    pub public_state: u64,
    /// `print_digest` of the batches and sheet: the print index's key is
    /// made of every list's, not of 14,400 batches serialised again.
    #[serde(default)]
    pub print_digest: u64,
    /// What the county's checks keep of the list: keyed fingerprints,
    /// lines, amounts, tiers, classes, objection dates (no names, no IDs).
    /// Shared with the list job's outcome: a province's rows are held once.
    /// Stored after the JSON as raw bytes (see `to_bytes`).
    #[serde(skip)]
    pub audit: Option<Arc<ListAudit>>,
}

/// The private report as last published: kept as it is while its key
/// (every list's key, the audit's own files, `--today`) is the same.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CachedAudit {
    pub key: u64,
    /// Files in the print folder.
    pub files: Vec<String>,
    /// (title, path) links of the print index.
    pub links: Vec<(String, String)>,
}

pub struct ListCache {
    dir: PathBuf,
    /// Keys the fingerprints of published pages (`public_state`).
    key: NameKey,
    /// Hash of what every list depends on (config, templates, letters).
    pub global: u64,
    pub out: PathBuf,
    pub print: PathBuf,
    /// What earlier builds saw of each list's outputs.
    facts: state::Facts,
}

impl CachedList {
    pub fn print_files(&self) -> impl Iterator<Item = &String> {
        print_files(&self.batches, self.sheet.as_ref())
    }
}

/// What the print index shows of a list: its batches and sheet, hashed
/// (never 0, which old entries without one read as).
pub fn print_digest(batches: &[Batch], sheet: Option<&(String, String)>) -> u64 {
    let json = serde_json::to_vec(&(batches, sheet)).unwrap_or_default();
    Fnv::default().bulk(&json).finish().max(1)
}

/// A list's files in the print folder: each batch's letters and receipt
/// roster, and the notice-board sheet.
pub fn print_files<'a>(batches: &'a [Batch], sheet: Option<&'a (String, String)>) -> impl Iterator<Item = &'a String> {
    batches.iter().flat_map(|b| [&b.letters_file, &b.roster_file]).chain(sheet.map(|s| &s.1))
}

impl ListCache {
    pub fn new(root: &Path, global: u64, out: &Path, print: &Path, key: NameKey) -> ListCache {
        ListCache {
            dir: root.join(CACHE_DIR).join("lists"),
            key,
            global,
            out: out.to_path_buf(),
            print: print.to_path_buf(),
            facts: state::Facts::load(root.join(CACHE_DIR).join("outputs-seen.json"), (out, print)),
        }
    }

    fn file(&self, term_slug: &str, slug: &str) -> PathBuf {
        self.dir.join(format!("{term_slug}__{slug}.entry"))
    }

    /// The entry for a list if its key matches and its files are all there.
    pub fn get(&self, term_slug: &str, slug: &str, key: u64) -> Option<CachedList> {
        let entry = from_bytes(&std::fs::read(self.file(term_slug, slug)).ok()?)?;
        // The key first: looking at the output folders costs more than comparing it.
        if entry.key != key {
            return None;
        }
        let list = format!("{term_slug}__{slug}");
        let known = self.facts.known(&list);
        // Versions before bytes: a page changed while it is read has
        // other versions next time.
        let seen = state::Seen {
            key,
            state: entry.public_state,
            public: self.versions(&self.out, self.facts.out_device, entry.public_files.iter().map(String::as_str)),
            print: self.versions(&self.print, self.facts.print_device, state::folders(entry.print_files())),
        };
        let same_entry = known.key == key && known.state == seen.state;
        let published_as_left = (same_entry && seen.public != 0 && known.public == seen.public)
            || entry.public_state == state::bytes_state(&self.key, &self.out, &entry.public_files);
        let letters_present = (same_entry && seen.print != 0 && known.print == seen.print)
            || state::all_present(&self.print, entry.print_files());
        let hit = published_as_left && letters_present;
        if hit {
            self.facts.note(list, seen);
        }
        hit.then_some(entry)
    }

    /// `outputs_state::versions`, keyed like `public_state`: the facts file
    /// is in the site folder, and a value for a page edited by hand cannot
    /// be made without the key.
    fn versions<'a>(&self, base: &Path, device: Option<u64>, paths: impl IntoIterator<Item = &'a str>) -> u64 {
        match state::versions(base, device, paths, self.facts.settled) {
            0 => 0,
            v => self.key.bytes_print(&v.to_le_bytes()).max(1),
        }
    }

    /// Keeps what this build saw of the lists it reused, for the next:
    /// after a successful publish.
    pub fn save_facts(&self) {
        self.facts.save();
    }

    /// Where the guards' verdicts are kept (`output::verdicts`).
    pub fn verdicts_file(&self) -> PathBuf {
        self.dir.with_file_name(crate::output::verdicts::FILE)
    }

    /// Drops a list's entry: called before publishing new files for it, so
    /// a build killed while publishing leaves no entry describing files
    /// that may since have been replaced.
    pub fn forget(&self, term_slug: &str, slug: &str) {
        let _ = std::fs::remove_file(self.file(term_slug, slug));
    }

    /// Stores each (term slug, slug, entry), on every core (a province
    /// writes 20,000 at the end of its build). Called only after a
    /// successful publish, so entries always describe files that are
    /// really in place.
    pub fn put_all(&self, entries: &[(String, String, CachedList)]) {
        if !entries.is_empty() && std::fs::create_dir_all(&self.dir).is_ok() {
            entries.par_iter().for_each(|(term_slug, slug, entry)| self.write_entry(term_slug, slug, entry));
        }
    }

    fn write_entry(&self, term_slug: &str, slug: &str, entry: &CachedList) {
        let entry =
            CachedList { public_state: state::bytes_state(&self.key, &self.out, &entry.public_files), ..entry.clone() };
        if let Some(bytes) = to_bytes(&entry) {
            let _ = write_replacing(&self.file(term_slug, slug), &bytes);
        }
    }
}

/// The print folder's own files kept beside the lists' entries: the
/// private audit report, and the print index of every batch.
#[derive(Debug, Clone, Copy)]
pub enum PrintPart {
    Audit,
    Index,
}

impl ListCache {
    fn part_file(&self, part: PrintPart) -> PathBuf {
        self.dir.with_file_name(match part {
            PrintPart::Audit => "audit.json",
            PrintPart::Index => "print-index.json",
        })
    }

    /// A print part's entry if its key matches and its files are all there.
    pub fn get_part(&self, part: PrintPart, key: u64) -> Option<CachedAudit> {
        let entry: CachedAudit = serde_json::from_slice(&std::fs::read(self.part_file(part)).ok()?).ok()?;
        (entry.key == key && state::all_present(&self.print, &entry.files)).then_some(entry)
    }

    /// Before a publish that rewrites the part: an interrupted publish
    /// must not leave an entry describing the old files.
    pub fn forget_part(&self, part: PrintPart) {
        let _ = std::fs::remove_file(self.part_file(part));
    }

    /// Called only after a successful publish.
    pub fn put_part(&self, part: PrintPart, entry: &CachedAudit) {
        let file = self.part_file(part);
        if let (Some(dir), Ok(json)) = (file.parent(), serde_json::to_vec(entry)) {
            if std::fs::create_dir_all(dir).is_ok() {
                let _ = write_replacing(&file, &json);
            }
        }
    }
}

/// An entry file: `GSC3`, the entry as JSON, its name fingerprints as raw
/// records, its letter batches (`batch_bytes`), then its audit values (a
/// JSON header without the rows, the rows and guardians as raw records),
/// each part after its length as a little-endian u32. Raw records: a province's two million rows and names
/// are written and read without base64 or JSON escaping.
const MAGIC: &[u8] = b"GSC3";

/// A name fingerprint as a raw record: its length, then its hash.
const NAME: usize = 2 + 8;

fn names_to_bytes(names: &[NamePrint]) -> Vec<u8> {
    let mut out = Vec::with_capacity(names.len() * NAME);
    for n in names {
        out.extend_from_slice(&n.len.to_le_bytes());
        out.extend_from_slice(&n.hash.to_le_bytes());
    }
    out
}

fn names_from_bytes(bytes: &[u8]) -> Option<Arc<[NamePrint]>> {
    if !bytes.len().is_multiple_of(NAME) {
        return None;
    }
    let names = bytes.chunks_exact(NAME).map(|b| NamePrint {
        len: u16::from_le_bytes([b[0], b[1]]),
        hash: u64::from_le_bytes(b[2..].try_into().unwrap_or_default()),
    });
    Some(names.collect())
}

fn part(out: &mut Vec<u8>, bytes: &[u8]) -> Option<()> {
    out.extend_from_slice(&u32::try_from(bytes.len()).ok()?.to_le_bytes());
    out.extend_from_slice(bytes);
    Some(())
}

fn to_bytes(entry: &CachedList) -> Option<Vec<u8>> {
    let mut out = MAGIC.to_vec();
    part(&mut out, &serde_json::to_vec(entry).ok()?)?;
    part(&mut out, &names_to_bytes(&entry.names))?;
    part(&mut out, &super::batch_bytes::to_bytes(&entry.batches))?;
    if let Some(a) = &entry.audit {
        part(&mut out, &serde_json::to_vec(&a.header()).ok()?)?;
        part(&mut out, &packed::to_bytes(&a.rows.rows))?;
        part(&mut out, &packed::words_to_bytes(&a.rows.guardians))?;
    }
    Some(out)
}

fn from_bytes(bytes: &[u8]) -> Option<CachedList> {
    let mut rest = bytes.strip_prefix(MAGIC)?;
    let mut next = || -> Option<&[u8]> {
        let len = u32::from_le_bytes(rest.get(..4)?.try_into().ok()?) as usize;
        let (p, r) = rest.get(4..)?.split_at_checked(len)?;
        rest = r;
        Some(p)
    };
    let mut entry: CachedList = serde_json::from_slice(next()?).ok()?;
    entry.names = names_from_bytes(next()?)?;
    entry.batches = super::batch_bytes::from_bytes(next()?)?;
    if let Some(header) = next() {
        let mut audit: ListAudit = serde_json::from_slice(header).ok()?;
        audit.rows.rows = packed::from_bytes(next()?)?;
        audit.rows.guardians = packed::words_from_bytes(next()?)?;
        entry.audit = Some(Arc::new(audit));
    }
    Some(entry)
}

/// Hash of every file under `dir` (path and bytes), in a stable order.
pub fn hash_tree(mut h: Fnv, dir: &Path) -> Fnv {
    if !dir.is_dir() {
        return h.str("-");
    }
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    // Paths inside the tree, not as the root was spelt: `--root .` and
    // `--root D:\site`, or the site moved, are the same site (the whole
    // cache was missed, and every letter written again, when they differed).
    let count = files.len();
    for f in files {
        let inside = f.strip_prefix(dir).unwrap_or(&f);
        h = h.str(&inside.to_string_lossy()).bytes(&std::fs::read(&f).unwrap_or_default());
    }
    h.str(&count.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::{AuditRow, AuditRows};
    use crate::schedule::status::ListStatus;

    fn entry(audit: Option<ListAudit>) -> CachedList {
        let summary: ListSummary = serde_json::from_str(
            r#"{"title":"t","url":"u","term":"2025年秋季学期","term_slug":"2025-qiu","programme":"p","programme_slug":"s","school":"x","status":"ended","start":"2025-10-13","start_cn":"","end":"2025-10-17","end_cn":"","count":2,"total":null,"total_fen":null}"#,
        )
        .unwrap();
        CachedList {
            key: 7,
            status: ListStatus::Ended,
            summary,
            notes: vec!["n".into()],
            names: Arc::new([NamePrint { len: 2, hash: u64::MAX }, NamePrint { len: 3, hash: 5 }]),
            shown_in_full: None,
            batches: Vec::new(),
            sheet: None,
            public_files: vec!["a".into()],
            public_state: 0,
            print_digest: 0,
            audit: audit.map(Arc::new),
        }
    }

    /// A site folder whose output folder holds the entries' page `a`.
    fn site_with_page(text: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let (out, print) = (dir.path().join("public"), dir.path().join("print"));
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("a"), text).unwrap();
        (dir, out, print)
    }

    #[test]
    fn a_forged_facts_file_vouches_for_no_page_edited_by_hand() {
        let (dir, out, print) = site_with_page("page");
        let key = NameKey::random();
        let cache = ListCache::new(dir.path(), 1, &out, &print, key);
        cache.put_all(&[("t".into(), "s".into(), entry(None))]);
        let stored = from_bytes(&std::fs::read(cache.file("t", "s")).unwrap()).unwrap();
        // Edited by hand, same size; then a facts file claiming the edited
        // page's versions for the entry, made as anyone can, without the key.
        std::fs::write(out.join("a"), "edit").unwrap();
        let long_after = std::time::SystemTime::now() + std::time::Duration::from_secs(60);
        let forged = state::versions(&out, state::device(&out), ["a"], long_after);
        let facts = format!(r#"{{"t__s":{{"key":7,"state":{},"public":{forged},"print":0}}}}"#, stored.public_state);
        std::fs::write(dir.path().join(CACHE_DIR).join("outputs-seen.json"), facts).unwrap();
        let mut cache = ListCache::new(dir.path(), 1, &out, &print, key);
        (cache.facts.settled, cache.facts.out_device) = (long_after, state::device(&out));
        assert!(cache.get("t", "s", 7).is_none(), "the edited page is rendered again");
    }

    #[test]
    fn entries_put_together_are_found_by_their_key_while_their_files_exist() {
        let (dir, out, print) = site_with_page("");
        let cache = ListCache::new(dir.path(), 1, &out, &print, NameKey::random());
        let entries: Vec<(String, String, CachedList)> =
            (0..40).map(|i| ("2025-qiu".to_string(), format!("s{i}"), entry(None))).collect();
        cache.put_all(&entries);
        for i in 0..40 {
            let e = cache.get("2025-qiu", &format!("s{i}"), 7).expect("stored");
            assert_eq!(e.names, entry(None).names);
        }
        assert!(cache.get("2025-qiu", "s0", 8).is_none(), "another key");
        std::fs::remove_file(out.join("a")).unwrap();
        assert!(cache.get("2025-qiu", "s0", 7).is_none(), "a file gone");
    }

    #[test]
    fn entries_round_trip_with_their_audit_rows_as_raw_records() {
        let d = crate::date::Date::parse("2025-10-13").unwrap();
        let rows = vec![
            AuditRow { line: 2, student: u64::MAX, name_class: 3, class: 1, tier: 0, amount: 150_000, flags: 5 },
            AuditRow {
                line: 3,
                student: 9,
                name_class: 4,
                class: 0,
                tier: crate::roster::NO_TIER,
                amount: i32::MIN,
                flags: 0,
            },
        ];
        let audit = ListAudit {
            rows: AuditRows {
                classes: ["1班", "2班"].into_iter().collect(),
                tiers: ["一档"].into_iter().collect(),
                has_ids: true,
                rows,
                guardians: vec![0, 11],
                ..AuditRows::default()
            },
            start: d,
            end: d,
            objections: Vec::new(),
            receipts: true,
        };
        let bytes = to_bytes(&entry(Some(audit.clone()))).unwrap();
        let back = from_bytes(&bytes).unwrap();
        let a = back.audit.unwrap();
        assert_eq!(
            (a.rows.rows.clone(), a.rows.guardians.clone(), a.rows.classes.clone()),
            (audit.rows.rows, audit.rows.guardians, audit.rows.classes)
        );
        assert!(a.receipts && back.key == 7 && back.notes == ["n"]);
        assert_eq!(back.names, entry(None).names);
        assert!(from_bytes(&to_bytes(&entry(None)).unwrap()).unwrap().audit.is_none());
        assert!(from_bytes(&bytes[..bytes.len() - 3]).is_none(), "a cut file is no entry");
        assert!(from_bytes(b"{}").is_none());
    }
}
