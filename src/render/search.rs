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
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        let c = full_width_as_ascii(c);
        match c {
            _ if c.is_ascii() => out.push(c.to_ascii_lowercase() as u16),
            // Punctuation, CJK and half-width forms: no case to lower.
            '\u{2000}'..='\u{206F}' | '\u{3000}'..='\u{9FFF}' | '\u{FF00}'..='\u{FFEF}' => out.push(c as u16),
            _ => return norm_any(s),
        }
    }
    out
}

fn full_width_as_ascii(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// `norm` for any text: lower case as the standard says (what JavaScript's
/// `toLowerCase` does), which may change the length.
fn norm_any(s: &str) -> Vec<u16> {
    let mapped: String = s.chars().map(full_width_as_ascii).collect();
    mapped.to_lowercase().encode_utf16().collect()
}

/// A position in a field's heading rather than its text.
const HEAD: u32 = 1 << 31;
/// The `start` of a single code unit's entry: it has no positions.
const NONE: u32 = u32::MAX;

/// One gram of one field of a document, as a shard holds it: `sort` is the
/// gram above bit 31 and the document below (the order postings are
/// written in), `code` the field code, and `start` where the gram's
/// positions are in its document's positions: their number, then each
/// (`NONE` for a single code unit).
#[derive(Clone, Copy)]
struct Entry {
    sort: u64,
    code: u32,
    start: u32,
}

impl Entry {
    fn gram(&self) -> u64 {
        self.sort >> 31
    }
    fn doc(&self) -> u32 {
        (self.sort & (HEAD as u64 - 1)) as u32
    }
}

/// A document's entries, and the positions of its bigrams.
#[derive(Default)]
struct Grams {
    entries: Vec<Entry>,
    positions: Vec<u32>,
}

/// One distinct gram of the field being read: its non-overlapping count so
/// far (a heading's hits three times), where the last hit ended, in which
/// part, and how many positions it has.
#[derive(Clone, Copy)]
struct Slot {
    gram: u64,
    count: u32,
    end: u32,
    head: bool,
    positions: u32,
}

/// Reused by every field a thread reads: an open-addressing table from
/// gram to slot, the slots, each bigram occurrence's slot and position,
/// and where each slot's next position goes.
#[derive(Default)]
struct Scratch {
    table: Vec<u32>,
    slots: Vec<Slot>,
    occurrences: Vec<(u32, u32)>,
    cursor: Vec<u32>,
}

impl Scratch {
    /// Empties the table, sized for a field of `units` code units.
    fn reset(&mut self, units: usize) {
        let size = (4 * units + 4).next_power_of_two();
        self.table.clear();
        self.table.resize(size, NONE);
        self.slots.clear();
        self.occurrences.clear();
    }

    fn slot(&mut self, gram: u64) -> u32 {
        let mask = self.table.len() - 1;
        let mut i = (gram.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) as usize & mask;
        loop {
            match self.table[i] {
                NONE => {
                    let s = self.slots.len() as u32;
                    self.table[i] = s;
                    self.slots.push(Slot { gram, count: 0, end: 0, head: false, positions: 0 });
                    return s;
                }
                s if self.slots[s as usize].gram == gram => return s,
                _ => i = (i + 1) & mask,
            }
        }
    }

    /// Counts one hit of a gram of `width` code units at `p`, left to right
    /// as `indexOf` from the end of the previous hit finds them.
    fn hit(&mut self, slot: u32, p: u32, head: bool, width: u32) {
        let s = &mut self.slots[slot as usize];
        if s.head != head {
            (s.end, s.head) = (0, head);
        }
        if p >= s.end {
            s.count += if head { 3 } else { 1 };
            s.end = p + width;
        }
    }

    /// Every gram of `text` (a heading when `flag` is `HEAD`), counted.
    fn read(&mut self, text: &[u16], flag: u32) {
        let head = flag != 0;
        for (i, &u) in text.iter().enumerate() {
            let p = i as u32;
            let s = self.slot(unigram(u));
            self.hit(s, p, head, 1);
            if let Some(&next) = text.get(i + 1) {
                let s = self.slot(bigram(u, next));
                self.hit(s, p, head, 2);
                self.slots[s as usize].positions += 1;
                self.occurrences.push((s, p | flag));
            }
        }
    }

    /// The field's entries for document `doc`, its bigrams' positions
    /// appended to `out.positions` (text before heading, ascending).
    fn emit(&mut self, doc: u32, field: u32, out: &mut Grams) {
        let mut at = out.positions.len() as u32;
        self.cursor.clear();
        for s in &self.slots {
            let code = if field < 2 { 10 * field } else { 10 * field + s.count.min(MAX_COUNT) - 1 };
            let start = if s.gram >> 32 == 1 { at } else { NONE };
            out.entries.push(Entry { sort: s.gram << 31 | doc as u64, code, start });
            self.cursor.push(at + 1);
            if start != NONE {
                at += 1 + s.positions;
            }
        }
        let base = out.positions.len();
        out.positions.resize(at as usize, 0);
        for (s, e) in self.slots.iter().zip(&out.entries[out.entries.len() - self.slots.len()..]) {
            if e.start != NONE {
                out.positions[e.start as usize] = s.positions;
            }
        }
        debug_assert!(base <= at as usize);
        for &(s, p) in &self.occurrences {
            let c = &mut self.cursor[s as usize];
            out.positions[*c as usize] = p;
            *c += 1;
        }
    }
}

/// A gram: one code unit, or two (the first above bit 16, bit 32 set).
fn unigram(u: u16) -> u64 {
    u as u64
}
fn bigram(a: u16, b: u16) -> u64 {
    1 << 32 | (a as u64) << 16 | b as u64
}

/// One document's grams per field, with their counts and positions.
fn doc_grams(id: usize, doc: &Doc, scratch: &mut Scratch, out: &mut Grams) {
    let mut field = |f: u32, text: &[u16], head: &[u16]| {
        scratch.reset(text.len() + head.len());
        scratch.read(text, 0);
        scratch.read(head, HEAD);
        scratch.emit(id as u32, f, out);
    };
    field(0, &norm(doc.t), &[]);
    field(1, &norm(doc.n), &[]);
    for (i, [_, head, text]) in doc.s.iter().enumerate() {
        field(2 + i as u32, &norm(text), &norm(head));
    }
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
    let batches: Vec<Batch> = docs
        .par_chunks(BATCH_DOCS)
        .enumerate()
        .map_init(Scratch::default, |s, (b, d)| read_batch(b * BATCH_DOCS, d, shards, s))
        .collect();
    let mut out: Vec<(usize, (String, String))> =
        (0..GROUPS.min(shards)).into_par_iter().flat_map_iter(|g| encode_group(g, shards, &batches)).collect();
    out.sort_unstable_by_key(|(h, _)| *h);
    out.into_iter().map(|(_, s)| s).collect()
}

/// Documents read together by one thread; shards are encoded in groups
/// (shard `h` in group `h % GROUPS`), each batch's entries kept by group.
const BATCH_DOCS: usize = 128;
const GROUPS: usize = 64;

/// A batch's entries by shard group, and per group its bigrams' positions
/// encoded in the entries' order, each as its length (4 bytes) and bytes.
struct Batch {
    groups: Vec<Vec<Entry>>,
    held: Vec<Vec<u8>>,
}

fn read_batch(first: usize, docs: &[Doc], shards: usize, scratch: &mut Scratch) -> Batch {
    let mut grams = Grams::default();
    for (i, doc) in docs.iter().enumerate() {
        doc_grams(first + i, doc, scratch, &mut grams);
    }
    let n = GROUPS.min(shards);
    let (mut groups, mut held) = (vec![Vec::new(); n], vec![Vec::new(); n]);
    for mut e in grams.entries {
        let g = shard_of(e.gram(), shards) % n;
        if e.start != NONE {
            let p = &grams.positions[e.start as usize..];
            let h: &mut Vec<u8> = &mut held[g];
            e.start = h.len() as u32;
            h.extend_from_slice(&[0; 4]);
            encode_positions(h, e.code / 10, &p[1..1 + p[0] as usize]);
            let len = (h.len() - e.start as usize - 4) as u32;
            h[e.start as usize..e.start as usize + 4].copy_from_slice(&len.to_le_bytes());
        }
        groups[g].push(e);
    }
    Batch { groups, held }
}

/// The shards of group `g`: every batch's entries of the group, in
/// document order, into their shards, each encoded.
fn encode_group(g: usize, shards: usize, batches: &[Batch]) -> Vec<(usize, (String, String))> {
    let n = GROUPS.min(shards);
    let mut out: Vec<Vec<Entry>> = vec![Vec::new(); shards.saturating_sub(g).div_ceil(n)];
    for b in batches {
        for &e in &b.groups[g] {
            out[shard_of(e.gram(), shards) / n].push(e);
        }
    }
    // A bigram's positions, encoded, in its batch's bytes for this group.
    let held = |e: &Entry| {
        let (held, at) = (&batches[e.doc() as usize / BATCH_DOCS].held[g], e.start as usize);
        let len = u32::from_le_bytes([held[at], held[at + 1], held[at + 2], held[at + 3]]) as usize;
        &held[at + 4..at + 4 + len]
    };
    out.into_iter().enumerate().map(|(i, mut s)| (g + i * n, encode_shard(&mut s, &held))).collect()
}

/// A shard as two JSON objects from gram to posting, both in `ALPHABET`:
/// the postings (per document its fields and counts) and the bigrams'
/// positions (per document and field, those in the text, then the heading).
fn encode_shard<'a>(entries: &mut [Entry], held: &impl Fn(&Entry) -> &'a [u8]) -> (String, String) {
    entries.sort_unstable_by_key(|e| (e.sort, e.code));
    let mut out = Vec::with_capacity(3 * entries.len() + 16);
    let mut at = Vec::with_capacity(16 * entries.len() + 16);
    out.push(b'{');
    at.push(b'{');
    for group in entries.chunk_by(|a, b| a.gram() == b.gram()) {
        let gram = group[0].gram();
        let has_positions = gram >> 32 == 1;
        let mut key = Vec::with_capacity(8);
        if has_positions {
            varint(&mut key, (gram >> 16) & 0xFFFF);
        }
        varint(&mut key, gram & 0xFFFF);
        open_key(&mut out, &key);
        if has_positions {
            open_key(&mut at, &key);
        }
        let mut prev = 0;
        for fields in group.chunk_by(|a, b| a.doc() == b.doc()) {
            let doc = fields[0].doc();
            varint(&mut out, (doc - prev) as u64);
            varint(&mut out, fields.len() as u64);
            if has_positions {
                varint(&mut at, (doc - prev) as u64);
                varint(&mut at, fields.len() as u64);
            }
            for e in fields {
                varint(&mut out, e.code as u64);
                if has_positions {
                    at.extend_from_slice(held(e));
                }
            }
            prev = doc;
        }
        out.push(b'"');
        if has_positions {
            at.push(b'"');
        }
    }
    out.push(b'}');
    at.push(b'}');
    (String::from_utf8(out).unwrap_or_default(), String::from_utf8(at).unwrap_or_default())
}

/// Opens a member: a comma unless first, the key, the colon and the
/// value's quote.
fn open_key(out: &mut Vec<u8>, key: &[u8]) {
    if out.len() > 1 {
        out.push(b',');
    }
    out.push(b'"');
    out.extend_from_slice(key);
    out.extend_from_slice(b"\":\"");
}

/// A field's number, then its text's positions and its heading's, each
/// as a count and the differences from the one before.
fn encode_positions(out: &mut Vec<u8>, field: u32, positions: &[u32]) {
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

fn varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let digit = (v & 31) as usize;
        v >>= 5;
        if v == 0 {
            out.push(ALPHABET[digit]);
            return;
        }
        out.push(ALPHABET[digit | 32]);
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
        let (text, head) = (norm("aaaa ａＡ"), norm("aaa"));
        let mut s = Scratch::default();
        s.reset(text.len() + head.len());
        s.read(&text, 0);
        s.read(&head, HEAD);
        let slot = |g: u64| s.slots.iter().find(|x| x.gram == g).copied().unwrap();
        let aa = bigram('a' as u16, 'a' as u16);
        assert_eq!(slot(aa).count, 6, "aaaa has two, aa (full-width, lowered) one, aaa one (×3)");
        assert_eq!(slot(unigram('a' as u16)).count, 15);
        assert_eq!(slot(aa).positions, 3 + 1 + 2, "every position kept, overlapping or not");
    }

    /// Keys and postings as a string, as the shards hold them.
    fn varint(out: &mut String, v: u64) {
        let mut bytes = Vec::new();
        super::varint(&mut bytes, v);
        out.push_str(std::str::from_utf8(&bytes).unwrap());
    }

    #[test]
    fn the_fast_lower_case_is_the_standard_one() {
        for text in ["示教发〔2025〕5号 ＡＢｃ “资助”…　ｘ", "ABC def ｶﾅ ㎡", "Ä İ Σ ΣΑΣ ß", "资助 Straße"]
        {
            assert_eq!(norm(text), norm_any(text), "{text}");
        }
        assert_eq!(norm("ＡＢ"), "ab".encode_utf16().collect::<Vec<_>>());
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

#[cfg(test)]
mod timing {
    use super::{chunks, shards, Doc};

    /// `SEARCH_CHUNKS=<site>/public/search/c cargo test --release timing -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn time_the_index_of_a_built_site() {
        let dir = std::env::var("SEARCH_CHUNKS").unwrap();
        let mut all: Vec<serde_json::Value> = Vec::new();
        for i in 0.. {
            let Ok(text) = std::fs::read_to_string(format!("{dir}/{i}.json")) else { break };
            all.extend(serde_json::from_str::<Vec<serde_json::Value>>(&text).unwrap());
        }
        let s = |v: &serde_json::Value| v.as_str().unwrap().to_string();
        let owned: Vec<(String, String, Vec<[String; 3]>)> = all
            .iter()
            .map(|d| {
                (
                    s(&d["t"]),
                    s(&d["n"]),
                    d["s"].as_array().unwrap().iter().map(|x| [s(&x[0]), s(&x[1]), s(&x[2])]).collect(),
                )
            })
            .collect();
        let docs: Vec<Doc> = owned
            .iter()
            .map(|(t, n, secs)| Doc {
                t,
                u: String::new(),
                k: "",
                n,
                d: String::new(),
                s: secs.iter().map(|[a, b, c]| [a.as_str(), b.as_str(), c.as_str()]).collect(),
            })
            .collect();
        for _ in 0..5 {
            let t0 = std::time::Instant::now();
            let c = chunks(&docs);
            let t1 = t0.elapsed();
            let sh = shards(&docs);
            eprintln!("chunks {:?} shards {:?} ({} chunks, {} shards)", t1, t0.elapsed() - t1, c.0.len(), sh.len());
        }
    }
}
