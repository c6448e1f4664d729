//! The leak gate's number finder: reads every file about to be published
//! and finds personal numbers: valid 18-character ID numbers (check
//! character, birth date, province code), old 15-digit IDs, mainland
//! mobile numbers (also after 86, +86, 0086), and payment card numbers
//! that pass the Luhn check. Numbers configured as public are allowed.
//!
//! Numbers are read the way people write them:
//! - full-width digits, `Ｘ` and separators (U+FF01..U+FF5E folded to
//!   ASCII, U+3000 and the other Unicode spaces and dashes to separators);
//! - glued to letters (`G43062120080101123X`, `Tel13812345678`): a letter
//!   ends a number but does not hide it;
//! - in groups split by any run of separators (spaces, `-`, `.`, `/`, `_`,
//!   dashes, NBSP, `&nbsp;`), and across the cells of one table row (cell
//!   and inline tags, tabs, `,`, `|`, wide runs of spaces): see `judge`
//!   for the shapes accepted each way and why.
//!
//! Where a number is ambiguous the rules prefer silence on ordinary
//! tables (see `judge`): a row number, amounts, years or a landline next
//! to each other are not read as a card or a mobile. Known blind spots: a
//! phone written 3-4-4 or 4-3-4 whose later parts are all amounts (one in
//! 2,500), a card written 4-4-4-4 with three amount- or year-like parts
//! (one in 6,000), mobiles split 3-4-4 or 3-8 over cells or tabs.
//!
//! One pass over the bytes: text without digits is skipped eight bytes at
//! a time, characters are decoded only around digits, and the digits of a
//! run of groups go into one reused buffer.

mod judge;
pub(crate) use judge::luhn;
mod lex;
mod markup;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_corpus;
#[cfg(test)]
mod tests_prop;

use judge::{Group, Kind, Window, MAX_PARTS};
use lex::{Ch, GapEnd};
use std::collections::HashSet;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Leak {
    pub kind: &'static str,
    /// The value with its middle hidden, safe to print.
    pub masked: String,
}

/// Finds personal numbers in `text`; `allowed` holds digit-only forms.
pub fn find(text: &str, allowed: &HashSet<String>) -> Vec<Leak> {
    let mut s = Scanner { allowed, digits: Vec::new(), chain: Vec::new(), value: String::new(), leaks: Vec::new() };
    s.scan(text.as_bytes());
    s.leaks
}

/// Finds personal numbers in one table row given as its cells (a number
/// split over neighbouring cells is found as in a `<tr>` of a page).
pub fn find_in_row(cells: &[&str], allowed: &HashSet<String>) -> Vec<Leak> {
    let mut row = String::with_capacity(cells.iter().map(|c| c.len() + 1).sum());
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            row.push('\t');
        }
        row.push_str(cell);
    }
    find(&row, allowed)
}

/// Whether a number could run from the end of `a` on into `b`, text that
/// follows it directly. When not, the two can be scanned apart.
pub fn may_join(a: &str, b: &str) -> bool {
    let ab = a.as_bytes();
    // The last digit within reach of the seam.
    let from = ab.len().saturating_sub(lex::MAX_GAP + 4);
    let Some(last) = (from..ab.len()).rev().find(|&i| lex::digit_at(ab, i)) else { return false };
    let end = last + lex::read(ab, last).1;
    if end == ab.len() {
        // The digits run to the seam: a digit or check character goes on.
        return b.is_empty()
            || matches!(lex::read(b.as_bytes(), 0).0, Ch::Digit(_) | Ch::X)
            || gap_goes_on(&a[end..], b);
    }
    if lex::read(ab, end).0 == Ch::X {
        return false;
    }
    gap_goes_on(&a[end..], b)
}

/// Whether the gap that starts `tail` (right after a digit group) may go
/// on into `b` and reach a digit there.
fn gap_goes_on(tail: &str, b: &str) -> bool {
    let mut head = b.len().min(lex::MAX_GAP + 8);
    while !b.is_char_boundary(head) {
        head -= 1;
    }
    let seam = [tail, &b[..head]].concat();
    !matches!(lex::gap(seam.as_bytes(), 0), GapEnd::Hard(_))
}

/// First 3 and last 4 shown: enough to find the value, not to misuse it.
pub fn mask_number(s: &str) -> String {
    let n = s.chars().count();
    if n < 8 {
        return "*".repeat(n);
    }
    let head: String = s.chars().take(3).collect();
    let tail: String = s.chars().skip(n - 4).collect();
    format!("{head}{}{tail}", "*".repeat(n - 7))
}

/// Digit-only form of a configured number, for the allow-list: full-width
/// digits count, an ID's `x` becomes `X`.
pub fn digits_only(s: &str) -> String {
    s.chars()
        .filter_map(|c| match if c.is_ascii() { lex::ascii(c as u8) } else { lex::wide(c as u32) } {
            Ch::Digit(d) => Some(char::from(d)),
            Ch::X => Some('X'),
            _ => None,
        })
        .collect()
}

/// A chain is evaluated early once it holds this many groups (a long run
/// of numbers separated by spaces), so its buffers stay small.
const CHAIN_LIMIT: usize = 64;

struct Scanner<'a> {
    allowed: &'a HashSet<String>,
    /// The digits of the current chain (groups joined by gaps), folded to ASCII.
    digits: Vec<u8>,
    chain: Vec<Group>,
    /// The value of the last number found.
    value: String,
    leaks: Vec<Leak>,
}

impl Scanner<'_> {
    fn scan(&mut self, b: &[u8]) {
        let mut i = lex::next_digit(b, 0);
        let mut join = None;
        while i < b.len() {
            let start = self.digits.len();
            while i < b.len() {
                match lex::read(b, i) {
                    (Ch::Digit(d), len) => {
                        self.digits.push(d);
                        i += len;
                    }
                    _ => break,
                }
            }
            let x = i < b.len() && lex::read(b, i).0 == Ch::X;
            if x {
                i += lex::read(b, i).1;
            }
            let after_cc = join.is_some()
                && self.chain.last().is_some_and(|g| matches!(&self.digits[g.start..g.start + g.len], b"86" | b"0086"));
            let join_before = self.chain.last().and_then(|g| g.join).filter(|_| join.is_some());
            self.chain.push(Group { start, len: self.digits.len() - start, x, join, join_before, after_cc });
            if self.chain.len() >= CHAIN_LIMIT {
                self.evaluate(false);
            }
            // The check character ends a number.
            match if x { GapEnd::Hard(i) } else { lex::gap(b, i) } {
                GapEnd::Group(j, at) => {
                    join = Some(j);
                    i = at;
                }
                GapEnd::CheckX(j, at, len) => {
                    // An ID's check character written apart: a part of its own.
                    let join_before = self.chain.last().and_then(|g| g.join);
                    let (start, x) = (self.digits.len(), true);
                    self.chain.push(Group { start, len: 0, x, join: Some(j), join_before, after_cc: false });
                    self.evaluate(true);
                    join = None;
                    i = lex::next_digit(b, at + len);
                }
                GapEnd::Hard(at) => {
                    self.evaluate(true);
                    join = None;
                    i = lex::next_digit(b, at);
                }
                GapEnd::End { .. } => break,
            }
        }
        self.evaluate(true);
    }

    /// Reads numbers from the chain's windows of 1 to `MAX_PARTS` groups,
    /// longest first; `done`: the chain is complete. Otherwise only the
    /// windows whose surroundings are known are read, and those groups
    /// dropped.
    fn evaluate(&mut self, done: bool) {
        let len = self.chain.len();
        // A window needs two groups on from its end known.
        let limit = if done { len } else { len.saturating_sub(MAX_PARTS + 2) };
        let mut i = 0;
        while i < limit {
            let mut took = 1;
            for k in (1..=MAX_PARTS.min(len - i)).rev() {
                let (first, last) = (&self.chain[i], &self.chain[i + k - 1]);
                let digits = &self.digits[first.start..last.start + last.len];
                if digits.len() < 11 {
                    break;
                }
                let before = if first.after_cc { [None; 2] } else { [first.join, first.join_before] };
                let join = |at: usize| self.chain.get(at).and_then(|g: &Group| g.join);
                let w = Window { groups: &self.chain[i..i + k], digits, before, after: [join(i + k), join(i + k + 1)] };
                if let Some(kind) = judge::judge(&w, &mut self.value) {
                    if !self.is_allowed(kind) {
                        self.leaks.push(Leak { kind: kind.label(), masked: mask_number(&self.value) });
                    }
                    took = k;
                    break;
                }
            }
            i += took;
        }
        if done {
            self.chain.clear();
            self.digits.clear();
        } else if i > 0 {
            self.chain.drain(..i);
            let offset = self.chain[0].start;
            self.digits.drain(..offset);
            for g in &mut self.chain {
                g.start -= offset;
            }
        }
    }

    fn is_allowed(&self, kind: Kind) -> bool {
        let v = self.value.as_str();
        self.allowed.contains(v)
            || (kind == Kind::Mobile
                && (self.allowed.contains(&format!("86{v}")) || self.allowed.contains(&format!("0086{v}"))))
    }
}
