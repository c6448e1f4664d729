//! Posting and position shards: documents read in batches, their grams
//! filed by shard group, each shard encoded in `ALPHABET`.

use super::grams::{doc_grams, is_trigram, units, Entry, Grams, Scratch, HEAD};
use super::{Doc, ALPHABET, MAX_SHARDS, SHARD_BYTES};
use rayon::prelude::*;

/// FNV-1a over a gram's code units: the client computes the same.
pub(super) fn shard_of(gram: u64, shards: usize) -> usize {
    units(gram).fold(0x811c_9dc5u32, |h, u| (h ^ u as u32).wrapping_mul(0x0100_0193)) as usize % shards
}

/// The posting shards and the position shards, shard `h` of each.
pub(super) fn shards(docs: &[Doc]) -> Vec<(String, String)> {
    // Postings take about 3 characters an entry, and Chinese text has about
    // 3 entries (distinct grams of a field) for 4 characters of 3 bytes.
    let bytes: usize =
        docs.iter().map(|d| d.t.len() + d.n.len() + d.s.iter().map(|s| s[1].len() + s[2].len()).sum::<usize>()).sum();
    let shards = (bytes / 4 * 3 / SHARD_BYTES).clamp(1, MAX_SHARDS);
    let batches: Vec<Batch> = docs
        .par_chunks(BATCH_DOCS)
        .enumerate()
        .map_init(<(Scratch, Grams)>::default, |(s, g), (b, d)| read_batch(b * BATCH_DOCS, d, shards, s, g))
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

/// A batch's entries by shard group (group `g` at `bounds[g]..bounds[g +
/// 1]`) and its trigrams' positions, encoded, each as its length (4 bytes)
/// and bytes. Each in one buffer of the size it needs: a site's entries
/// take hundreds of megabytes, and growing buffers costs more than
/// filling them.
struct Batch {
    entries: Vec<Entry>,
    bounds: Vec<usize>,
    held: Vec<u8>,
}

impl Batch {
    fn group(&self, g: usize) -> &[Entry] {
        &self.entries[self.bounds[g]..self.bounds[g + 1]]
    }
}

/// Reads a batch of documents; `scratch` and `grams` are the thread's,
/// reused from batch to batch.
fn read_batch(first: usize, docs: &[Doc], shards: usize, scratch: &mut Scratch, grams: &mut Grams) -> Batch {
    grams.entries.clear();
    grams.positions.clear();
    for (i, doc) in docs.iter().enumerate() {
        doc_grams(first + i, doc, scratch, grams);
    }
    let n = GROUPS.min(shards);
    let (mut entries, bounds) = by_key(grams.entries.iter(), n, |e| shard_of(e.gram, shards) % n);
    // Encoded in the entries' order, so that a group's are together when
    // its shards are written.
    let mut held = Vec::with_capacity(2 * grams.positions.len());
    for e in entries.iter_mut().filter(|e| is_trigram(e.gram)) {
        let p = &grams.positions[e.data as usize..];
        let start = held.len();
        held.extend_from_slice(&[0; 4]);
        encode_positions(&mut held, p[0], &p[2..2 + p[1] as usize]);
        let len = (held.len() - start - 4) as u32;
        held[start..start + 4].copy_from_slice(&len.to_le_bytes());
        e.data = start as u32;
    }
    Batch { entries, bounds, held }
}

/// Entries placed by `key` (below `n`), in their order within a key; and
/// where each key's entries begin (and the last end).
fn by_key<'a>(
    entries: impl Iterator<Item = &'a Entry> + Clone,
    n: usize,
    key: impl Fn(&Entry) -> usize,
) -> (Vec<Entry>, Vec<usize>) {
    let mut bounds = vec![0; n + 1];
    entries.clone().for_each(|e| bounds[key(e) + 1] += 1);
    for k in 0..n {
        bounds[k + 1] += bounds[k];
    }
    let mut next = bounds.clone();
    let mut out = vec![Entry { gram: 0, doc: 0, data: 0 }; bounds[n]];
    for e in entries {
        let k = key(e);
        out[next[k]] = *e;
        next[k] += 1;
    }
    (out, bounds)
}

/// The shards of group `g`: every batch's entries of the group, in
/// document order, into their shards, each encoded.
fn encode_group(g: usize, shards: usize, batches: &[Batch]) -> Vec<(usize, (String, String))> {
    let n = GROUPS.min(shards);
    let entries = batches.iter().flat_map(|b| b.group(g));
    let (mut out, bounds) = by_key(entries, shards.saturating_sub(g).div_ceil(n), |e| shard_of(e.gram, shards) / n);
    // A trigram's positions, encoded, in its batch's bytes.
    let held = |e: &Entry| {
        let (held, at) = (&batches[e.doc as usize / BATCH_DOCS].held, e.data as usize);
        let len = u32::from_le_bytes([held[at], held[at + 1], held[at + 2], held[at + 3]]) as usize;
        &held[at + 4..at + 4 + len]
    };
    let mut files = Vec::with_capacity(bounds.len() - 1);
    for (i, w) in bounds.windows(2).enumerate() {
        files.push((g + i * n, encode_shard(&mut out[w[0]..w[1]], &held)));
    }
    files
}

/// A shard as two JSON objects from gram to posting, both in `ALPHABET`:
/// the postings of its code units and bigrams (per document its fields
/// and counts) and the trigrams' positions (per document and field, those
/// in the text, then the heading).
fn encode_shard<'a>(entries: &mut [Entry], held: &impl Fn(&Entry) -> &'a [u8]) -> (String, String) {
    entries.sort_unstable_by_key(|e| (e.gram as u128) << 64 | (e.doc as u128) << 32 | e.data as u128);
    let mut postings = Vec::with_capacity(3 * entries.len() + 16);
    let mut positions = Vec::with_capacity(8 * entries.len() + 16);
    postings.push(b'{');
    positions.push(b'{');
    for group in entries.chunk_by(|a, b| a.gram == b.gram) {
        let trigram = is_trigram(group[0].gram);
        let out = if trigram { &mut positions } else { &mut postings };
        let mut key = Vec::with_capacity(12);
        units(group[0].gram).for_each(|u| varint(&mut key, u));
        open_key(out, &key);
        let mut prev = 0;
        for fields in group.chunk_by(|a, b| a.doc == b.doc) {
            varint(out, (fields[0].doc - prev) as u64);
            varint(out, fields.len() as u64);
            for e in fields {
                if trigram {
                    out.extend_from_slice(held(e));
                } else {
                    varint(out, e.data as u64);
                }
            }
            prev = fields[0].doc;
        }
        out.push(b'"');
    }
    postings.push(b'}');
    positions.push(b'}');
    (String::from_utf8(postings).unwrap_or_default(), String::from_utf8(positions).unwrap_or_default())
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
