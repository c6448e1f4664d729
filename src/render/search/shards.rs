//! Posting and position shards: documents read in batches, their grams
//! filed by shard group, each shard encoded in `ALPHABET`.

use super::grams::{doc_grams, Entry, Grams, Scratch, HEAD, NONE};
use super::parts::{split, Member};
use super::{Doc, ALPHABET, MAX_SHARDS, SHARD_BYTES};
use rayon::prelude::*;

/// FNV-1a over a gram's code units: the client computes the same.
pub(super) fn fnv(gram: u64) -> u32 {
    let step = |h: u32, u: u64| (h ^ (u & 0xFFFF) as u32).wrapping_mul(0x0100_0193);
    let mut h: u32 = 0x811c_9dc5;
    if gram >> 32 == 1 {
        h = step(h, gram >> 16);
    }
    step(h, gram)
}

pub(super) fn shard_of(gram: u64, shards: usize) -> usize {
    fnv(gram) as usize % shards
}

/// The posting shards and the position shards (each in its parts), shard
/// `h` of each.
pub(super) fn shards(docs: &[Doc]) -> Vec<(String, Vec<String>)> {
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
    let mut out: Vec<(usize, (String, Vec<String>))> =
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
fn encode_group(g: usize, shards: usize, batches: &[Batch]) -> Vec<(usize, (String, Vec<String>))> {
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
    out.into_iter().enumerate().map(|(i, mut s)| (g + i * n, encode_shard(&mut s, &held, shards))).collect()
}

/// A shard as two JSON objects from gram to posting, both in `ALPHABET`:
/// the postings (per document its fields and counts) and the bigrams'
/// positions (per document and field, those in the text, then the heading),
/// the latter in parts if large.
fn encode_shard<'a>(entries: &mut [Entry], held: &impl Fn(&Entry) -> &'a [u8], shards: usize) -> (String, Vec<String>) {
    entries.sort_unstable_by_key(|e| (e.sort, e.code));
    let mut out = Vec::with_capacity(3 * entries.len() + 16);
    let mut at = Vec::with_capacity(16 * entries.len() + 16);
    let mut members = Vec::new();
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
        let start = at.len() + usize::from(at.len() > 1);
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
            members.push(Member { hash: fnv(gram), start, end: at.len() });
        }
    }
    out.push(b'}');
    at.push(b'}');
    let parts = split(at, &members, shards).into_iter().map(|p| String::from_utf8(p).unwrap_or_default());
    (String::from_utf8(out).unwrap_or_default(), parts.collect())
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

pub(super) fn varint(out: &mut Vec<u8>, mut v: u64) {
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
