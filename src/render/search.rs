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
//! - `q/<h>.json`, position shards: for the bigrams of shard `h`, per
//!   document the id difference and the number of fields, then per field
//!   its number `f`, the count and position differences of the bigram in
//!   the text, then the same for the heading (UTF-16 offsets).
//!
//! The client (`static/search.js`) scores a one- or two-character term from
//! its posting; a longer term from the positions of bigrams covering it
//! (offsets 0, 2, 4… and the last pair), counting where they stand one
//! after another as `indexOf` would. Both give a posting of the same form,
//! so every query is ranked from postings alone; only the chunks of the 50
//! results shown are fetched. The results are exactly those of scanning
//! every document (tests/browser/search_identity.mjs checks it).

use super::pages::Pages;
use rayon::prelude::*;
use serde::Serialize;

/// A chunk is closed once its documents' JSON reaches this many bytes.
const CHUNK_BYTES: usize = 4 * 1024;
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
    let mut files = Vec::with_capacity(1 + chunks.len() + 2 * shards.len());
    files.push((MANIFEST.to_string(), serde_json::to_string(&manifest).unwrap_or_default()));
    files.extend(chunks.into_iter().enumerate().map(|(i, c)| (format!("search/c/{i}.json"), c)));
    for (i, (postings, positions)) in shards.into_iter().enumerate() {
        files.push((format!("search/p/{i}.json"), postings));
        files.push((format!("search/q/{i}.json"), positions));
    }
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

/// A position in a field's heading rather than its text.
const HEAD: u32 = 1 << 31;

/// One gram of one field of a document: its key (shard above bit 40), its
/// field code, and where its positions are in `Grams::positions` (none for
/// a single code unit).
#[derive(Clone, Copy)]
struct Entry {
    key: u64,
    doc: u32,
    code: u32,
    start: u32,
    len: u32,
}

/// A document's grams, and the positions of its bigrams.
#[derive(Default)]
struct Grams {
    entries: Vec<Entry>,
    positions: Vec<u32>,
}

/// Every gram of `text` with its position, `flag` marking a heading.
fn push_grams(text: &[u16], field: u32, flag: u32, at: &mut Vec<(u64, u32, u32)>) {
    for (i, &u) in text.iter().enumerate() {
        at.push((unigram(u), field, i as u32 | flag));
        if let Some(&next) = text.get(i + 1) {
            at.push((bigram(u, next), field, i as u32 | flag));
        }
    }
}

/// Non-overlapping hits of one gram in one field (positions sorted, the
/// text's before the heading's), found left to right as `indexOf` from the
/// end of the previous hit finds them; a heading's count three times.
fn hits(gram: u64, positions: &[(u64, u32, u32)]) -> u32 {
    let width = if gram >> 32 == 1 { 2 } else { 1 };
    let (mut n, mut end, mut in_head) = (0, 0, false);
    for &(_, _, p) in positions {
        let head = p & HEAD != 0;
        if head != in_head {
            (end, in_head) = (0, head);
        }
        let p = p & !HEAD;
        if p >= end {
            n += if head { 3 } else { 1 };
            end = p + width;
        }
    }
    n
}

/// One document's grams per field, with their counts and positions.
fn doc_grams(id: usize, doc: &Doc, shards: usize) -> Grams {
    let mut at: Vec<(u64, u32, u32)> = Vec::new();
    push_grams(&norm(doc.t), 0, 0, &mut at);
    push_grams(&norm(doc.n), 1, 0, &mut at);
    for (i, [_, head, text]) in doc.s.iter().enumerate() {
        push_grams(&norm(text), 2 + i as u32, 0, &mut at);
        push_grams(&norm(head), 2 + i as u32, HEAD, &mut at);
    }
    at.sort_unstable();
    let mut out = Grams::default();
    let mut i = 0;
    while i < at.len() {
        let (gram, f) = (at[i].0, at[i].1);
        let j = i + at[i..].iter().take_while(|e| e.0 == gram && e.1 == f).count();
        let code = if f < 2 { 10 * f } else { 10 * f + hits(gram, &at[i..j]).min(MAX_COUNT) - 1 };
        let start = out.positions.len() as u32;
        if gram >> 32 == 1 {
            out.positions.extend(at[i..j].iter().map(|e| e.2));
        }
        let len = out.positions.len() as u32 - start;
        let key = gram | (shard_of(gram, shards) as u64) << SHARD_SHIFT;
        out.entries.push(Entry { key, doc: id as u32, code, start, len });
        i = j;
    }
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

/// The posting shards and the position shards, shard `h` of each.
fn shards(docs: &[Doc]) -> Vec<(String, String)> {
    // Postings take about 3 characters an entry, and Chinese text has about
    // 3 entries (distinct grams of a field) for 4 characters of 3 bytes.
    let bytes: usize =
        docs.iter().map(|d| d.t.len() + d.n.len() + d.s.iter().map(|s| s[1].len() + s[2].len()).sum::<usize>()).sum();
    let shards = (bytes / 4 * 3 / SHARD_BYTES).clamp(1, MAX_SHARDS);
    let mut grams: Vec<Grams> = docs.par_iter().enumerate().map(|(i, d)| doc_grams(i, d, shards)).collect();
    let mut sizes = vec![0usize; shards];
    for g in &grams {
        for e in &g.entries {
            sizes[(e.key >> SHARD_SHIFT) as usize] += 1;
        }
    }
    let mut buckets: Vec<Vec<Entry>> = sizes.into_iter().map(Vec::with_capacity).collect();
    for g in &mut grams {
        for e in std::mem::take(&mut g.entries) {
            buckets[(e.key >> SHARD_SHIFT) as usize].push(Entry { key: e.key & GRAM_BITS, ..e });
        }
    }
    buckets.into_par_iter().map(|mut b| encode_shard(&mut b, &grams)).collect()
}

/// A shard as two JSON objects from gram to posting, both in `ALPHABET`:
/// the postings (per document its fields and counts) and the bigrams'
/// positions (per document and field, those in the text, then the heading).
fn encode_shard(entries: &mut [Entry], grams: &[Grams]) -> (String, String) {
    entries.sort_unstable_by_key(|e| (e.key, e.doc, e.code));
    let (mut out, mut at) = (String::from("{"), String::from("{"));
    for group in entries.chunk_by(|a, b| a.key == b.key) {
        let gram = group[0].key;
        let mut key = String::new();
        if gram >> 32 == 1 {
            varint(&mut key, (gram >> 16) & 0xFFFF);
        }
        varint(&mut key, gram & 0xFFFF);
        open_key(&mut out, &key);
        let positions = gram >> 32 == 1;
        if positions {
            open_key(&mut at, &key);
        }
        let mut prev = 0;
        for fields in group.chunk_by(|a, b| a.doc == b.doc) {
            let doc = fields[0].doc;
            for o in [&mut out].into_iter().chain(positions.then_some(&mut at)) {
                varint(o, (doc - prev) as u64);
                varint(o, fields.len() as u64);
            }
            for e in fields {
                varint(&mut out, e.code as u64);
                if positions {
                    let p = &grams[doc as usize].positions[e.start as usize..(e.start + e.len) as usize];
                    encode_positions(&mut at, e.code / 10, p);
                }
            }
            prev = doc;
        }
        out.push('"');
        if positions {
            at.push('"');
        }
    }
    out.push('}');
    at.push('}');
    (out, at)
}

fn open_key(out: &mut String, key: &str) {
    if out.len() > 1 {
        out.push(',');
    }
    out.push('"');
    out.push_str(key);
    out.push_str("\":\"");
}

/// A field's number, then its text's positions and its heading's, each
/// as a count and the differences from the one before.
fn encode_positions(out: &mut String, field: u32, positions: &[u32]) {
    varint(out, field as u64);
    let split = positions.partition_point(|p| p & HEAD == 0);
    for part in [&positions[..split], &positions[split..]] {
        varint(out, part.len() as u64);
        let mut prev = 0;
        for &p in part {
            let p = p & !HEAD;
            varint(out, (p - prev) as u64);
            prev = p;
        }
    }
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
        let mut at = Vec::new();
        push_grams(&norm("aaaa ａＡ"), 2, 0, &mut at);
        push_grams(&norm("aaa"), 2, HEAD, &mut at);
        at.sort_unstable();
        let of = |g: u64| at.iter().filter(|e| e.0 == g).copied().collect::<Vec<_>>();
        let aa = bigram('a' as u16, 'a' as u16);
        assert_eq!(hits(aa, &of(aa)), 6, "aaaa has two, aa (full-width, lowered) one, aaa one (×3)");
        assert_eq!(hits(unigram('a' as u16), &of(unigram('a' as u16))), 15);
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
        for (path, text) in
            files(&docs).iter().filter(|(p, _)| p.starts_with("search/p/") || p.starts_with("search/q/"))
        {
            assert!(!text.chars().any(|c| c.is_ascii_digit() || !c.is_ascii()), "{path}: {text}");
        }
    }

    #[test]
    fn positions_give_each_field_its_text_and_heading_hits() {
        let docs = vec![doc("助学", "", vec![["", "助学金", "关于助学，助学"]])];
        let shards = shards(&docs);
        let mut key = String::new();
        varint(&mut key, '助' as u64);
        varint(&mut key, '学' as u64);
        let shard = &shards[shard_of(bigram('助' as u16, '学' as u16), shards.len())].1;
        let map: std::collections::HashMap<String, String> = serde_json::from_str(shard).unwrap();
        let mut want = String::new();
        // doc 0, two fields; title: one at 0, none in a heading; section 0:
        // text at 2 and 5 (deltas 2, 3), heading at 0.
        for v in [0, 2, 0, 1, 0, 0, 2, 2, 2, 3, 1, 0] {
            varint(&mut want, v);
        }
        assert_eq!(map[&key], want);
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
        let shard = &shards[shard_of(bigram('助' as u16, '学' as u16), shards.len())].0;
        let map: std::collections::HashMap<String, String> = serde_json::from_str(shard).unwrap();
        let mut want = String::new();
        for v in [1, 2, 0, 10 * 2 + 9] {
            varint(&mut want, v);
        }
        assert_eq!(map[&key], want, "doc 1, two fields: title, section 0 with 12 + 3 hits capped at 10");
    }
}
