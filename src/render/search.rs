//! The client-side search index: plain text of policies, explainers and
//! notices, split at their anchors so a hit links to the right article.
//! Publicity lists and letters are never indexed: the index is built from
//! `Content` and rendered bodies only, which hold no list data.
//!
//! Why plain text and substring matching rather than a word index: Chinese
//! has no spaces, and segmenters miss partial terms like 专干 or document
//! numbers like 湘阴教发〔2023〕31号. Every term is matched as a substring.
//!
//! So that a reader's phone does not download the whole site's text to
//! search it, the index is split into files under `search/`:
//! - `index.json`, the manifest: `{"v":2,"docs":N,"shards":S,"chunks":[n…]}`,
//!   the number of documents, of posting shards, and of documents in each
//!   chunk (chunk `i` holds the documents after those of chunks `0..i`).
//! - `c/<i>.json`, chunks: arrays of documents in the format the whole index
//!   had before (`{t,u,k,n,d,s:[[anchor, heading, text]…]}`), verbatim text
//!   (so the leak gate and name guard read it as they read pages), a new
//!   chunk begun once one reaches `CHUNK_BYTES`.
//! - `p/<h>.json`, posting shards: a JSON object from a gram (one UTF-16
//!   code unit of normalised text, or two adjacent ones, of one field) to
//!   the documents holding it; gram `g` is in shard `fnv1a(g) % S`. Keys and
//!   postings are written in `ALPHABET` (no digits, no text), varints of
//!   5 bits a character, the sixth bit saying another follows. A key is the
//!   gram's code units, a posting per document: the document's id minus the
//!   previous one's, the number of fields, then per field `10 * f + c - 1`,
//!   `f` 0 the title, 1 the document number, `2 + i` section `i`, `c` the
//!   gram's non-overlapping count in the section's text plus three times
//!   that in its heading, capped at 10 (1 for the title and number).
//!
//! The client (`static/search.js`) scores one- and two-character terms
//! from the postings alone and fetches the chunks of the 50 results it
//! shows; a longer term's candidates are the documents holding all its
//! bigrams, checked against their chunks' text. Both give exactly the
//! results of scanning every document.

use super::pages::Pages;
use crate::fingerprint::FnvBuildHasher;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

/// A chunk is closed once its documents' JSON reaches this many bytes.
const CHUNK_BYTES: usize = 16 * 1024;
/// Shards are sized for about this many bytes of postings each.
const SHARD_BYTES: usize = 12 * 1024;
const MAX_SHARDS: usize = 4096;
/// Counts above this add nothing to a score (a section adds at most 10).
const MAX_COUNT: u32 = 10;
const SHARD_SHIFT: u32 = 40;
const GRAM_BITS: u64 = (1 << 33) - 1;
/// The characters of keys and postings: 64 of them, no digits (no number
/// for the leak gate to misread), nothing JSON escapes.
pub const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-./";
pub const MANIFEST: &str = "search/index.json";

#[derive(Serialize)]
pub struct Doc<'a> {
    /// title, url, kind label, document number, date
    t: &'a str,
    u: String,
    k: &'static str,
    n: &'a str,
    d: String,
    /// [anchor, heading, text] per section
    s: Vec<[&'a str; 3]>,
}

#[derive(Serialize)]
struct Manifest {
    v: u32,
    docs: usize,
    shards: usize,
    chunks: Vec<usize>,
}

/// The searchable documents, in the order the client numbers them.
pub fn docs<'a>(pages: &'a Pages, root: &str) -> Vec<Doc<'a>> {
    pages
        .all()
        .map(|(e, r)| Doc {
            t: e.meta.title(),
            u: format!("{root}{}", e.path()),
            k: e.kind.label(),
            n: "",
            d: e.meta.date().chinese(),
            s: r.sections.iter().map(|s| [s.anchor.as_str(), s.heading.as_str(), s.text.as_str()]).collect(),
        })
        .zip(pages.policies.iter().map(|p| p.doc.meta.doc_number.as_deref().unwrap_or("")).chain(std::iter::repeat("")))
        .map(|(doc, n)| Doc { n, ..doc })
        .collect()
}

/// Every file of the index: (path in the output, text), the manifest first.
pub fn build(pages: &Pages, root: &str) -> Vec<(String, String)> {
    files(&docs(pages, root))
}

pub fn files(docs: &[Doc]) -> Vec<(String, String)> {
    let ((chunks, sizes), shards) = rayon::join(|| chunks(docs), || shards(docs));
    let manifest = Manifest { v: 2, docs: docs.len(), shards: shards.len(), chunks: sizes };
    let mut files = Vec::with_capacity(1 + chunks.len() + shards.len());
    files.push((MANIFEST.to_string(), serde_json::to_string(&manifest).unwrap_or_default()));
    files.extend(chunks.into_iter().enumerate().map(|(i, c)| (format!("search/c/{i}.json"), c)));
    files.extend(shards.into_iter().enumerate().map(|(i, s)| (format!("search/p/{i}.json"), s)));
    files
}

/// The documents' JSON grouped into chunks, and the number in each.
fn chunks(docs: &[Doc]) -> (Vec<String>, Vec<usize>) {
    let json: Vec<String> = docs.par_iter().map(|d| serde_json::to_string(d).unwrap_or_default()).collect();
    let (mut chunks, mut sizes) = (Vec::new(), Vec::new());
    let mut current = String::from("[");
    let mut n = 0;
    for doc in json {
        if n > 0 {
            current.push(',');
        }
        current.push_str(&doc);
        n += 1;
        if current.len() >= CHUNK_BYTES {
            current.push(']');
            chunks.push(std::mem::replace(&mut current, String::from("[")));
            sizes.push(std::mem::take(&mut n));
        }
    }
    if n > 0 || chunks.is_empty() {
        current.push(']');
        chunks.push(current);
        sizes.push(n);
    }
    (chunks, sizes)
}

/// Text as the client compares it: full-width ASCII as ASCII, lower case,
/// in UTF-16 code units (what JavaScript's string indexes count).
pub fn norm(s: &str) -> Vec<u16> {
    let mapped: String = s
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect();
    mapped.to_lowercase().encode_utf16().collect()
}

/// A gram: one code unit, or two (the first above bit 16, bit 32 set).
fn unigram(u: u16) -> u64 {
    u as u64
}
fn bigram(a: u16, b: u16) -> u64 {
    1 << 32 | (a as u64) << 16 | b as u64
}

/// Per gram of a field: hits so far, where the last hit ended, and in which
/// pass (text or heading) it was found.
type Seen = HashMap<u64, (u32, u32, u8), FnvBuildHasher>;

/// Adds `weight` a non-overlapping hit of every gram of `text` to `seen`,
/// found left to right as `indexOf` from the end of the previous hit finds
/// them; `pass` tells apart the texts of one field.
fn count_into(text: &[u16], weight: u32, pass: u8, seen: &mut Seen) {
    for (i, &u) in text.iter().enumerate() {
        let e = seen.entry(unigram(u)).or_insert((0, 0, pass));
        e.0 += weight;
        if let Some(&next) = text.get(i + 1) {
            let e = seen.entry(bigram(u, next)).or_insert((0, 0, pass));
            if e.2 != pass {
                (e.1, e.2) = (0, pass);
            }
            if i as u32 >= e.1 {
                e.0 += weight;
                e.1 = i as u32 + 2;
            }
        }
    }
}

/// One document's grams with their field codes, sorted, each gram's shard
/// above bit 40 (so that the shards can be filled without hashing again).
fn doc_grams(doc: &Doc, shards: usize) -> Vec<(u64, u32)> {
    let mut seen = Seen::with_capacity_and_hasher(1024, FnvBuildHasher::default());
    let mut out: Vec<(u64, u32)> = Vec::new();
    for (f, text) in [(0u32, doc.t), (1, doc.n)] {
        seen.clear();
        count_into(&norm(text), 1, 0, &mut seen);
        out.extend(seen.keys().map(|&g| (g, 10 * f)));
    }
    for (i, [_, head, text]) in doc.s.iter().enumerate() {
        seen.clear();
        count_into(&norm(text), 1, 0, &mut seen);
        count_into(&norm(head), 3, 1, &mut seen);
        let f = 2 + i as u32;
        out.extend(seen.iter().map(|(&g, &(n, _, _))| (g, 10 * f + n.min(MAX_COUNT) - 1)));
    }
    for e in &mut out {
        e.0 |= (shard_of(e.0, shards) as u64) << SHARD_SHIFT;
    }
    out.sort_unstable();
    out
}

/// FNV-1a over a gram's code units: the client computes the same.
fn shard_of(gram: u64, shards: usize) -> usize {
    let step = |h: u32, u: u64| (h ^ (u & 0xFFFF) as u32).wrapping_mul(0x0100_0193);
    let mut h: u32 = 0x811c_9dc5;
    if gram >> 32 == 1 {
        h = step(h, gram >> 16);
    }
    step(h, gram) as usize % shards
}

fn shards(docs: &[Doc]) -> Vec<String> {
    // Postings take about 3 characters an entry, and Chinese text has about
    // 3 entries (distinct grams of a field) for 4 characters of 3 bytes.
    let bytes: usize =
        docs.iter().map(|d| d.t.len() + d.n.len() + d.s.iter().map(|s| s[1].len() + s[2].len()).sum::<usize>()).sum();
    let shards = (bytes / 4 * 3 / SHARD_BYTES).clamp(1, MAX_SHARDS);
    let grams: Vec<Vec<(u64, u32)>> = docs.par_iter().map(|d| doc_grams(d, shards)).collect();
    let mut sizes = vec![0usize; shards];
    for list in &grams {
        for &(g, _) in list {
            sizes[(g >> SHARD_SHIFT) as usize] += 1;
        }
    }
    let mut buckets: Vec<Vec<(u64, u32, u32)>> = sizes.into_iter().map(Vec::with_capacity).collect();
    for (doc, list) in grams.into_iter().enumerate() {
        for (g, code) in list {
            buckets[(g >> SHARD_SHIFT) as usize].push((g & GRAM_BITS, doc as u32, code));
        }
    }
    buckets.into_par_iter().map(|mut b| encode_shard(&mut b)).collect()
}

/// A shard as a JSON object: gram → posting, both in `ALPHABET`.
fn encode_shard(entries: &mut [(u64, u32, u32)]) -> String {
    entries.sort_unstable();
    let mut out = String::from("{");
    let mut i = 0;
    while i < entries.len() {
        let gram = entries[i].0;
        if out.len() > 1 {
            out.push(',');
        }
        out.push('"');
        if gram >> 32 == 1 {
            varint(&mut out, (gram >> 16) & 0xFFFF);
        }
        varint(&mut out, gram & 0xFFFF);
        out.push_str("\":\"");
        let mut prev = 0;
        while i < entries.len() && entries[i].0 == gram {
            let doc = entries[i].1;
            let n = entries[i..].iter().take_while(|e| e.0 == gram && e.1 == doc).count();
            varint(&mut out, (doc - prev) as u64);
            varint(&mut out, n as u64);
            for e in &entries[i..i + n] {
                varint(&mut out, e.2 as u64);
            }
            prev = doc;
            i += n;
        }
        out.push('"');
    }
    out.push('}');
    out
}

fn varint(out: &mut String, mut v: u64) {
    loop {
        let digit = (v & 31) as usize;
        v >>= 5;
        if v == 0 {
            out.push(ALPHABET[digit] as char);
            return;
        }
        out.push(ALPHABET[digit | 32] as char);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc<'a>(t: &'a str, n: &'a str, s: Vec<[&'a str; 3]>) -> Doc<'a> {
        Doc { t, u: "/x/".into(), k: "政策文件", n, d: "2025年1月1日".into(), s }
    }

    #[test]
    fn counts_are_non_overlapping_like_index_of() {
        let mut seen = Seen::default();
        count_into(&norm("aaaa ａＡ"), 1, 0, &mut seen);
        count_into(&norm("aaa"), 3, 1, &mut seen);
        assert_eq!(
            seen[&bigram('a' as u16, 'a' as u16)].0,
            6,
            "aaaa has two, aa (full-width, lowered) one, aaa one (×3)"
        );
        assert_eq!(seen[&unigram('a' as u16)].0, 15);
    }

    #[test]
    fn chunks_hold_every_document_in_order() {
        let text = "资助".repeat(4000);
        let docs: Vec<Doc> = (0..5).map(|_| doc("标题", "", vec![["", "", text.as_str()]])).collect();
        let (chunks, sizes) = chunks(&docs);
        assert_eq!(sizes.iter().sum::<usize>(), 5);
        assert!(chunks.len() > 1, "24 KB a document makes one chunk each");
        let all: Vec<serde_json::Value> =
            chunks.iter().flat_map(|c| serde_json::from_str::<Vec<serde_json::Value>>(c).unwrap()).collect();
        assert_eq!(all.len(), 5);
    }

    #[test]
    fn postings_hold_no_digits_and_no_text() {
        let docs = vec![doc("示例县管理办法", "示教发〔2025〕5号", vec![["article-1", "第一条", "电话13812345678"]])];
        for (path, text) in files(&docs).iter().filter(|(p, _)| p.starts_with("search/p/")) {
            assert!(!text.chars().any(|c| c.is_ascii_digit() || !c.is_ascii()), "{path}: {text}");
        }
    }

    #[test]
    fn a_name_in_a_text_stands_whole_in_its_chunk_for_the_guard() {
        let docs = vec![doc("通知", "", vec![["", "", "请张小明同学到校"]])];
        let files = files(&docs);
        assert!(files.iter().any(|(p, t)| p.starts_with("search/c/") && t.contains("请张小明同学到校")));
        assert!(files.iter().filter(|(p, _)| !p.starts_with("search/c/")).all(|(_, t)| t.is_ascii()));
    }

    #[test]
    fn a_posting_gives_fields_and_capped_counts() {
        let text = "助学金".repeat(12);
        let docs = vec![doc("无关", "", vec![]), doc("助学金办法", "", vec![["", "助学", text.as_str()]])];
        let shards = shards(&docs);
        let mut key = String::new();
        varint(&mut key, '助' as u64);
        varint(&mut key, '学' as u64);
        let shard = &shards[shard_of(bigram('助' as u16, '学' as u16), shards.len())];
        let map: HashMap<String, String> = serde_json::from_str(shard).unwrap();
        let mut want = String::new();
        for v in [1, 2, 0, 10 * 2 + 9] {
            varint(&mut want, v);
        }
        assert_eq!(map[&key], want, "doc 1, two fields: title, section 0 with 12 + 3 hits capped at 10");
    }
}
