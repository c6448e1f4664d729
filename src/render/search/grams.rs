//! Counting a document's grams (one or two code units of a field's
//! normalised text) and the positions of its bigrams.

use super::text::norm;
use super::{Doc, MAX_COUNT};

/// A position in a field's heading rather than its text.
pub(super) const HEAD: u32 = 1 << 31;
/// The `start` of a single code unit's entry: it has no positions.
pub(super) const NONE: u32 = u32::MAX;

/// One gram of one field of a document, as a shard holds it: `sort` is the
/// gram above bit 31 and the document below (the order postings are
/// written in), `code` the field code, and `start` where the gram's
/// positions are in its document's positions: their number, then each
/// (`NONE` for a single code unit).
#[derive(Clone, Copy)]
pub(super) struct Entry {
    pub(super) sort: u64,
    pub(super) code: u32,
    pub(super) start: u32,
}

impl Entry {
    pub(super) fn gram(&self) -> u64 {
        self.sort >> 31
    }
    pub(super) fn doc(&self) -> u32 {
        (self.sort & (HEAD as u64 - 1)) as u32
    }
}

/// A document's entries, and the positions of its bigrams.
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
    /// Empties the table, sized for a field of `units` code units.
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

    /// Every gram of `text` (a heading when `flag` is `HEAD`), counted.
    pub(super) fn read(&mut self, text: &[u16], flag: u32) {
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
pub(super) fn unigram(u: u16) -> u64 {
    u as u64
}
pub(super) fn bigram(a: u16, b: u16) -> u64 {
    1 << 32 | (a as u64) << 16 | b as u64
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
