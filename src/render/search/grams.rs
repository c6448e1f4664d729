//! Counting a document's grams (one or two code units of a field's
//! normalised text) and the positions of its trigrams (three code units).

use super::text::norm;
use super::{Doc, MAX_COUNT};

/// A position in a field's heading rather than its text.
pub(super) const HEAD: u32 = 1 << 31;
/// An empty place in `Scratch`'s table.
const NONE: u32 = u32::MAX;

/// One gram of one field of a document, as a shard holds it: the gram, the
/// document, and `data`: for one or two code units the field code, for a
/// trigram where its field's positions are (in `Grams::positions`: the
/// field, their number, then each; later in its batch's encoded bytes).
/// Either way, `data` grows with the field within a document, so shards
/// order their entries by gram, document and `data`. 16 bytes an entry:
/// a large site has millions.
#[derive(Clone, Copy)]
pub(super) struct Entry {
    pub(super) gram: u64,
    pub(super) doc: u32,
    pub(super) data: u32,
}

/// A document's entries, and the positions of its trigrams.
#[derive(Default)]
pub(super) struct Grams {
    pub(super) entries: Vec<Entry>,
    pub(super) positions: Vec<u32>,
}

/// One distinct gram of the field being read: its non-overlapping count so
/// far (a heading's hits three times), where the last hit ended, in which
/// part, and how many positions it has.
#[derive(Clone, Copy)]
pub(super) struct Slot {
    pub(super) gram: u64,
    pub(super) count: u32,
    end: u32,
    head: bool,
    pub(super) positions: u32,
}

/// Reused by every field a thread reads: an open-addressing table from
/// gram to slot, the slots, each bigram occurrence's slot and position,
/// and where each slot's next position goes.
#[derive(Default)]
pub(super) struct Scratch {
    table: Vec<u32>,
    pub(super) slots: Vec<Slot>,
    occurrences: Vec<(u32, u32)>,
    cursor: Vec<u32>,
}

impl Scratch {
    /// Empties the table, sized for a field of `units` code units (at most
    /// three grams each, but far fewer distinct ones in real text).
    pub(super) fn reset(&mut self, units: usize) {
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

    /// Every gram of `text` (a heading when `flag` is `HEAD`): code units
    /// and bigrams counted, trigrams' positions kept.
    pub(super) fn read(&mut self, text: &[u16], flag: u32) {
        let head = flag != 0;
        for (i, &u) in text.iter().enumerate() {
            let p = i as u32;
            let s = self.slot(unigram(u));
            self.hit(s, p, head, 1);
            let Some(&next) = text.get(i + 1) else { continue };
            let s = self.slot(bigram(u, next));
            self.hit(s, p, head, 2);
            let Some(&third) = text.get(i + 2) else { continue };
            let s = self.slot(trigram(u, next, third));
            self.slots[s as usize].positions += 1;
            self.occurrences.push((s, p | flag));
        }
    }

    /// The field's entries for document `doc`, its trigrams' positions
    /// appended to `out.positions` (text before heading, ascending).
    fn emit(&mut self, doc: u32, field: u32, out: &mut Grams) {
        let mut at = out.positions.len() as u32;
        self.cursor.clear();
        for s in &self.slots {
            let data = if is_trigram(s.gram) {
                at += 2 + s.positions;
                at - s.positions - 2
            } else if field < 2 {
                10 * field
            } else {
                10 * field + s.count.min(MAX_COUNT) - 1
            };
            out.entries.push(Entry { gram: s.gram, doc, data });
            self.cursor.push(data + 2);
        }
        out.positions.resize(at as usize, 0);
        for (s, e) in self.slots.iter().zip(&out.entries[out.entries.len() - self.slots.len()..]) {
            if is_trigram(e.gram) {
                out.positions[e.data as usize] = field;
                out.positions[e.data as usize + 1] = s.positions;
            }
        }
        for &(s, p) in &self.occurrences {
            let c = &mut self.cursor[s as usize];
            out.positions[*c as usize] = p;
            *c += 1;
        }
    }
}

/// A gram: one code unit; two (the first above bit 16, bit 32 set); or
/// three (from bit 32 down, bit 48 set).
pub(super) fn unigram(u: u16) -> u64 {
    u as u64
}
pub(super) fn bigram(a: u16, b: u16) -> u64 {
    1 << 32 | (a as u64) << 16 | b as u64
}
pub(super) fn trigram(a: u16, b: u16, c: u16) -> u64 {
    1 << 48 | (a as u64) << 32 | (b as u64) << 16 | c as u64
}
pub(super) fn is_trigram(gram: u64) -> bool {
    gram >> 48 == 1
}

/// A gram's code units, first to last.
pub(super) fn units(gram: u64) -> impl Iterator<Item = u64> {
    let n = if is_trigram(gram) {
        3
    } else if gram >> 32 == 1 {
        2
    } else {
        1
    };
    (0..n).rev().map(move |i| (gram >> (16 * i)) & 0xFFFF)
}

/// One document's grams per field, with their counts and positions.
pub(super) fn doc_grams(id: usize, doc: &Doc, scratch: &mut Scratch, out: &mut Grams) {
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
