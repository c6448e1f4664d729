//! What an object-storage publish will do, worked out before any request:
//! which objects to delete, which to upload and in what order, and the
//! headers each object carries. Pure functions, tested without a server.
//!
//! Order: objects of withdrawn pages first (deletions, then pages of lists
//! that ended), then new and changed pages (assets before pages), then
//! indexes (home, section indexes, feeds, search, the stamp), so no index
//! ever links to a page that is not there yet and no name outlives its list
//! by more than the first step.

use crate::fingerprint::FnvBuildHasher;
use crate::publish::failsafe::STAMP_FILE;
use crate::publish::timeline::{Clock, Timeline};
use crate::schedule::status::ListStatus;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// gongshi's record of what it uploaded under the prefix.
pub const MANIFEST_KEY: &str = ".gongshi-manifest.json";

/// Longest time a cache may keep an active list's page: also never past the
/// list's end (see `cache_control`).
pub const LIST_MAX_AGE: i64 = 300;
/// A withdrawal notice: short, so a corrected notice shows soon.
pub const NOTICE_MAX_AGE: i64 = 60;
/// Other pages, feeds and indexes.
pub const PAGE_MAX_AGE: i64 = 600;
/// Style sheets, scripts, images and attachments.
pub const ASSET_MAX_AGE: i64 = 3600;

/// The manifest object: every key gongshi owns under the prefix, with the
/// hash of what it uploaded there ("" while an upload is pending).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    pub format: u32,
    pub generator: String,
    /// `publishing` from before the first change until the last; then `complete`.
    pub state: String,
    /// The `--today` of the publish that wrote it.
    pub today: String,
    /// Key (relative to the prefix) → content hash.
    pub objects: BTreeMap<String, String>,
}

pub const PUBLISHING: &str = "publishing";
pub const COMPLETE: &str = "complete";

impl Manifest {
    pub fn new(state: &str, today: &str, objects: BTreeMap<String, String>) -> Manifest {
        Manifest {
            format: 1,
            generator: format!("gongshi {}", env!("CARGO_PKG_VERSION")),
            state: state.into(),
            today: today.into(),
            objects,
        }
    }

    pub fn is_complete(&self) -> bool {
        self.state == COMPLETE
    }
}

/// One file of the site to upload, with its headers.
#[derive(Debug, Clone)]
pub struct Local {
    /// Relative to the prefix, `/`-separated.
    pub key: String,
    pub size: u64,
    pub content_type: &'static str,
    pub cache_control: String,
    /// Over the headers and the bytes.
    pub hash: String,
    pub phase: Phase,
}

/// When an upload happens within a publish.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    /// The page of a list that is no longer active.
    Withdraw,
    /// Style sheets, scripts, images, attachments.
    Asset,
    /// Content pages and active lists' pages.
    Page,
    /// Home, section indexes, feeds, search, sitemap.
    Index,
    /// `gongshi-status.json`: the very last.
    Stamp,
}

/// What the bucket holds under the prefix, as far as it is known.
pub enum Remote {
    /// From a complete manifest: what gongshi uploaded, trusted as it is.
    Manifest(Manifest),
    /// Listed (first publish, or one that was interrupted): every key and
    /// size, plus the manifest of the interrupted publish if there was one.
    Listed { manifest: Option<Manifest>, keys: HashMap<String, u64, FnvBuildHasher> },
}

#[derive(Debug, Default)]
pub struct Plan {
    /// Keys gongshi owns that the new site no longer has.
    pub delete: Vec<String>,
    /// Uploads, in order of `Phase`.
    pub upload: Vec<Local>,
    pub unchanged: usize,
    /// Keys under the prefix that gongshi did not write and will not touch.
    pub foreign: Vec<String>,
    /// The manifest to write before the first change: the union of what
    /// gongshi owns now and what it is about to upload (hash "" pending).
    pub pending: BTreeMap<String, String>,
    /// The manifest once everything is done.
    pub done: BTreeMap<String, String>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.delete.is_empty() && self.upload.is_empty()
    }
}

pub fn plan(local: Vec<Local>, remote: &Remote) -> Plan {
    let (owned, listed) = match remote {
        Remote::Manifest(m) => (Some(&m.objects), None),
        Remote::Listed { manifest, keys } => (manifest.as_ref().map(|m| &m.objects), Some(keys)),
    };
    let empty = BTreeMap::new();
    let owned = owned.unwrap_or(&empty);
    let mut p = Plan::default();
    let local_keys: HashMap<&str, &Local> = local.iter().map(|l| (l.key.as_str(), l)).collect();
    for (key, _) in owned.iter() {
        let there = listed.is_none_or(|k| k.contains_key(key));
        if !local_keys.contains_key(key.as_str()) && there {
            p.delete.push(key.clone());
        }
    }
    if let Some(keys) = listed {
        let mut foreign: Vec<String> = keys
            .keys()
            .filter(|k| k.as_str() != MANIFEST_KEY && !owned.contains_key(*k) && !local_keys.contains_key(k.as_str()))
            .cloned()
            .collect();
        foreign.sort();
        p.foreign = foreign;
    }
    let mut upload = Vec::new();
    for l in local {
        let recorded = owned.get(&l.key).map(String::as_str);
        let present = match listed {
            None => recorded.is_some(),
            Some(keys) => keys.get(&l.key) == Some(&l.size),
        };
        p.done.insert(l.key.clone(), l.hash.clone());
        if present && recorded == Some(l.hash.as_str()) {
            p.unchanged += 1;
            p.pending.insert(l.key.clone(), l.hash.clone());
        } else {
            p.pending.insert(l.key.clone(), String::new());
            upload.push(l);
        }
    }
    for key in &p.delete {
        p.pending.insert(key.clone(), owned.get(key).cloned().unwrap_or_default());
    }
    upload.sort_by(|a, b| (a.phase, &a.key).cmp(&(b.phase, &b.key)));
    p.upload = upload;
    p.delete.sort();
    p
}

/// Which phase a file of the site belongs to; `list_status` gives the status
/// of the list whose folder holds it (`lists/<term>/<slug>/…`), if any.
pub fn phase_of(key: &str, list_status: Option<ListStatus>) -> Phase {
    if key == STAMP_FILE {
        return Phase::Stamp;
    }
    if let Some(status) = list_status {
        return if status == ListStatus::Active { Phase::Page } else { Phase::Withdraw };
    }
    let is_page = [".html", ".htm", ".xml", ".json", ".txt"].iter().any(|e| key.ends_with(e));
    if !is_page {
        return Phase::Asset;
    }
    let depth = key.matches('/').count();
    let top = key.split('/').next().unwrap_or("");
    if depth == 0
        || (depth == 1 && key.ends_with("/index.html"))
        || top == "search"
        || top == "programmes"
        || top == "stages"
    {
        Phase::Index
    } else {
        Phase::Page
    }
}

/// The list a key belongs to: `lists/<term>/<slug>/…` → `<term>/<slug>`.
pub fn list_id(key: &str) -> Option<&str> {
    let rest = key.strip_prefix("lists/")?;
    let mut parts = rest.splitn(3, '/');
    let (term, slug) = (parts.next()?, parts.next()?);
    parts.next()?;
    Some(&rest[..term.len() + 1 + slug.len()])
}

/// `Cache-Control` for a key. An active list's page may be kept at most
/// `LIST_MAX_AGE` seconds and never past the moment it must be withdrawn,
/// counted from this publish; a withdrawal notice a minute.
pub fn cache_control(key: &str, phase: Phase, timeline: &Timeline, clock: &Clock) -> String {
    let age = match phase {
        Phase::Stamp => return "no-cache".into(),
        Phase::Withdraw => NOTICE_MAX_AGE,
        Phase::Page if list_id(key).is_some() => {
            let left =
                list_id(key).and_then(|id| timeline.get(id)).map(|l| clock.seconds_until(l.withdraw_at())).unwrap_or(0);
            left.clamp(0, LIST_MAX_AGE)
        }
        Phase::Asset => ASSET_MAX_AGE,
        Phase::Page | Phase::Index => PAGE_MAX_AGE,
    };
    if age == 0 {
        "no-cache".into()
    } else {
        format!("public, max-age={age}")
    }
}

/// `Content-Type` by file extension; text always with its charset.
pub fn content_type(key: &str) -> &'static str {
    let ext = key.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "xml" if key.ends_with("atom.xml") => "application/atom+xml; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "zip" => "application/zip",
        "mp4" => "video/mp4",
        _ => "application/octet-stream",
    }
}

/// The hash of an object: its headers and the digest of its bytes.
pub fn hash(content_type: &str, cache_control: &str, digest: u128) -> String {
    let headers = crate::publish::digests::digest(format!("{content_type}\0{cache_control}").as_bytes());
    format!("{:032x}", headers ^ digest.rotate_left(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::Date;
    use crate::publish::timeline::sample;

    fn local(key: &str, bytes: &str, phase: Phase) -> Local {
        Local {
            key: key.into(),
            size: bytes.len() as u64,
            content_type: content_type(key),
            cache_control: String::new(),
            hash: hash(content_type(key), "", crate::publish::digests::digest(bytes.as_bytes())),
            phase,
        }
    }

    #[test]
    fn phases_put_withdrawals_first_and_indexes_last() {
        assert_eq!(phase_of("lists/t/a/index.html", Some(ListStatus::Ended)), Phase::Withdraw);
        assert_eq!(phase_of("lists/t/a/index.html", Some(ListStatus::Active)), Phase::Page);
        assert_eq!(phase_of("static/style.css", None), Phase::Asset);
        assert_eq!(phase_of("policies/x/index.html", None), Phase::Page);
        for k in ["index.html", "lists/index.html", "policies/index.html", "sitemap.xml", "atom.xml", "404.html"] {
            assert_eq!(phase_of(k, None), Phase::Index, "{k}");
        }
        assert_eq!(phase_of("search/index.json", None), Phase::Index);
        assert_eq!(phase_of("search/p/17.json", None), Phase::Index, "the index's parts go together");
        assert_eq!(phase_of("programmes/x/index.html", None), Phase::Index);
        assert_eq!(phase_of(STAMP_FILE, None), Phase::Stamp);
        assert!(Phase::Withdraw < Phase::Asset && Phase::Page < Phase::Index && Phase::Index < Phase::Stamp);
        assert_eq!(list_id("lists/2025-qiu/yizhong/index.html"), Some("2025-qiu/yizhong"));
        assert_eq!(list_id("lists/index.html"), None);
        assert_eq!(list_id("lists/2025-qiu/index.html"), None);
    }

    #[test]
    fn an_unchanged_site_uploads_nothing_and_a_changed_one_only_the_change() {
        let site = || {
            vec![
                local("index.html", "home", Phase::Index),
                local("lists/t/a/index.html", "list", Phase::Page),
                local("static/s.css", "css", Phase::Asset),
            ]
        };
        let first = plan(site(), &Remote::Listed { manifest: None, keys: HashMap::default() });
        assert_eq!(first.upload.len(), 3);
        assert_eq!(
            first.upload.iter().map(|l| l.key.as_str()).collect::<Vec<_>>(),
            ["static/s.css", "lists/t/a/index.html", "index.html"]
        );
        assert!(first.pending.values().all(String::is_empty));
        let m = Manifest::new(COMPLETE, "2025-10-15", first.done.clone());
        let again = plan(site(), &Remote::Manifest(m.clone()));
        assert!(again.is_empty());
        assert_eq!(again.unchanged, 3);

        // The list ends: its page changes and a stale key goes first.
        let mut owned = m.objects.clone();
        owned.insert("lists/t/old/index.html".into(), "x".into());
        let mut next = site();
        next[1] = local("lists/t/a/index.html", "notice", Phase::Withdraw);
        next.remove(0);
        next.push(local("index.html", "home2", Phase::Index));
        let p = plan(next, &Remote::Manifest(Manifest::new(COMPLETE, "d", owned)));
        assert_eq!(p.delete, ["lists/t/old/index.html"]);
        assert_eq!(p.upload.iter().map(|l| l.key.as_str()).collect::<Vec<_>>(), ["lists/t/a/index.html", "index.html"]);
        assert!(p.pending.contains_key("lists/t/old/index.html"), "a key is owned until it is deleted");
        assert!(!p.done.contains_key("lists/t/old/index.html"));
    }

    #[test]
    fn an_interrupted_publish_is_completed_from_the_listing() {
        let site = vec![local("a.html", "a", Phase::Index), local("b.html", "b", Phase::Index)];
        let mut pending = BTreeMap::new();
        pending.insert("a.html".to_string(), String::new());
        pending.insert("b.html".to_string(), String::new());
        pending.insert("gone.html".to_string(), "h".to_string());
        let mut keys = HashMap::default();
        keys.insert("a.html".to_string(), 1u64);
        keys.insert("theirs.html".to_string(), 5u64);
        let p = plan(site, &Remote::Listed { manifest: Some(Manifest::new(PUBLISHING, "d", pending)), keys });
        // a.html was uploaded but its hash was never recorded: sent again.
        assert_eq!(p.upload.len(), 2);
        assert!(p.delete.is_empty(), "gone.html was already deleted");
        assert_eq!(p.foreign, ["theirs.html"]);
    }

    #[test]
    fn list_pages_are_never_cached_past_their_end() {
        let t = Timeline { lists: vec![sample("t/a", "2025-10-13", "2025-10-17")] };
        let day = |s: &str| Clock {
            today: Date::parse(&s[..10]).unwrap(),
            now: chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap(),
        };
        let cc = |c: &Clock| cache_control("lists/t/a/index.html", Phase::Page, &t, c);
        assert_eq!(cc(&day("2025-10-15 10:00:00")), "public, max-age=300");
        assert_eq!(cc(&day("2025-10-17 23:58:20")), "public, max-age=100");
        assert_eq!(cc(&day("2025-10-17 23:59:59")), "public, max-age=1");
        assert_eq!(
            cache_control("lists/t/a/index.html", Phase::Withdraw, &t, &day("2025-10-18 00:05:00")),
            "public, max-age=60"
        );
        assert_eq!(
            cache_control("policies/p/index.html", Phase::Page, &t, &day("2025-10-18 00:05:00")),
            "public, max-age=600"
        );
        assert_eq!(cache_control(STAMP_FILE, Phase::Stamp, &t, &day("2025-10-18 00:05:00")), "no-cache");
    }

    #[test]
    fn text_types_carry_their_charset() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("atom.xml"), "application/atom+xml; charset=utf-8");
        assert_eq!(content_type("static/site.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("x.PDF"), "application/pdf");
        let d = crate::publish::digests::digest;
        assert_ne!(hash("a", "b", d(b"c")), hash("a", "b", d(b"d")));
        assert_ne!(hash("a", "b", d(b"c")), hash("a", "c", d(b"c")));
    }
}
