//! What the county's checks (`audit`) take from a roster: per row, keyed
//! fingerprints (never the ID or the name), the line, the amount, the tier
//! and the class; and, for the private report and 一生一册 in the print
//! folder only, names with masked IDs.

use super::packed;
use super::{Record, Roster};
use crate::data::idnum;
use crate::data::normalise::squash;
use crate::fingerprint::FnvBuildHasher;
use crate::privacy::names_guard::NameKey;
use crate::privacy::roles::Role;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::HashMap;

/// Bits of `AuditRow::flags`, set from a list's own files.
pub mod flag {
    /// Removed after an objection (是否调整 = 是).
    pub const REMOVED: u8 = 1;
    /// The receipts file names this student.
    pub const RECEIPT_LISTED: u8 = 2;
    /// The receipt came back.
    pub const RECEIPT_RETURNED: u8 = 4;
    /// The family declined the aid (自愿放弃).
    pub const DECLINED: u8 = 8;
    /// A letter was written for this student.
    pub const LETTER: u8 = 16;
}

/// `AuditRow::tier` of a row without a tier.
pub const NO_TIER: u8 = u8::MAX;

/// One recipient as the checks see it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AuditRow {
    pub line: u32,
    /// Keyed fingerprint of the ID number when the list has IDs, else of
    /// the name (then only comparable within one school).
    pub student: u64,
    /// Keyed fingerprint of the name with the class.
    pub name_class: u64,
    /// Index into `AuditRows::classes`.
    pub class: u16,
    /// Index into `AuditRows::tiers`, or `NO_TIER`.
    pub tier: u8,
    /// Amount in fen as written (per term or per year: see `per_year`);
    /// `NO_AMOUNT` when none (a sentinel keeps the row at 32 bytes).
    pub amount: i32,
    pub flags: u8,
}

/// `AuditRow::amount` of a row without an amount.
pub const NO_AMOUNT: i32 = i32::MIN;

impl AuditRow {
    pub fn has(&self, bit: u8) -> bool {
        self.flags & bit != 0
    }

    /// Amount in fen as written, when the row has one.
    pub fn amount_fen(&self) -> Option<i64> {
        (self.amount != NO_AMOUNT).then_some(i64::from(self.amount))
    }
}

/// Every row of a list as the checks see it: small, and stored in the
/// list cache (fingerprints keyed with the name key, no names, no IDs).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AuditRows {
    /// Distinct values of the class column (班级, else 年级), by first use.
    pub classes: Strings,
    /// Distinct values of the tier column, by first use.
    pub tiers: Strings,
    /// `student` holds ID fingerprints (the list has an ID column).
    pub has_ids: bool,
    pub has_amounts: bool,
    /// The amount column holds yearly amounts (its header says 年).
    pub per_year: bool,
    #[serde(with = "packed::rows")]
    pub rows: Vec<AuditRow>,
    /// Keyed fingerprints of the guardians' IDs, row for row (0 where
    /// empty); empty when the list has no guardian column.
    #[serde(with = "packed::words")]
    pub guardians: Vec<u64>,
}

impl AuditRows {
    /// Everything but the rows and guardians (stored apart as raw bytes).
    pub fn header(&self) -> AuditRows {
        AuditRows {
            classes: self.classes.clone(),
            tiers: self.tiers.clone(),
            has_ids: self.has_ids,
            has_amounts: self.has_amounts,
            per_year: self.per_year,
            rows: Vec::new(),
            guardians: Vec::new(),
        }
    }

    pub fn class(&self, r: &AuditRow) -> &str {
        self.classes.get(r.class as usize).unwrap_or("")
    }

    pub fn tier(&self, r: &AuditRow) -> Option<&str> {
        self.tiers.get(r.tier as usize)
    }

    pub fn guardian(&self, i: usize) -> u64 {
        self.guardians.get(i).copied().unwrap_or(0)
    }
}

/// A few strings in one buffer (a list's classes or tiers): a province
/// keeps twenty thousand lists' of them, one allocation each instead of
/// one a string. Serialised as a sequence of strings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Strings {
    text: String,
    /// Where each string ends in `text`.
    ends: Vec<u32>,
}

impl Strings {
    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)? as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        Some(&self.text[start..end])
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.ends.push(self.text.len() as u32);
    }

    /// Gives back what the buffers reserved beyond their strings.
    fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
    }
}

impl<S: AsRef<str>> FromIterator<S> for Strings {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Strings {
        let mut out = Strings::default();
        for s in iter {
            out.push(s.as_ref());
        }
        out
    }
}

impl Serialize for Strings {
    fn serialize<Z: Serializer>(&self, s: Z) -> Result<Z::Ok, Z::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for Strings {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Strings, D::Error> {
        Ok(Vec::<std::borrow::Cow<str>>::deserialize(d)?.into_iter().collect())
    }
}

/// Names and masked IDs (first 6 and last 4), row for row with
/// `AuditRows`: for the private report and 一生一册, written only into the
/// print folder. Neither serialisable nor cached.
#[derive(Debug, Clone, Default)]
pub struct PrivateRows {
    text: String,
    /// Two entries a row: where its name ends, then its masked ID.
    ends: Vec<u32>,
}

impl PrivateRows {
    fn part(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    pub fn len(&self) -> usize {
        self.ends.len() / 2
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn name(&self, row: usize) -> &str {
        if row < self.len() {
            self.part(2 * row)
        } else {
            ""
        }
    }

    /// Empty when the list has no ID column.
    pub fn id_masked(&self, row: usize) -> &str {
        if row < self.len() {
            self.part(2 * row + 1)
        } else {
            ""
        }
    }
}

/// Distinct strings by first use, each an index; the last one found is
/// tried first (rows of a class often come together).
#[derive(Default)]
struct Interner<'a> {
    at: HashMap<&'a str, usize, FnvBuildHasher>,
    values: Strings,
    last: usize,
}

impl<'a> Interner<'a> {
    fn index(&mut self, s: &'a str) -> usize {
        if self.values.get(self.last) == Some(s) {
            return self.last;
        }
        self.last = match self.at.get(s) {
            Some(&i) => i,
            None => {
                self.values.push(s);
                self.at.insert(s, self.values.len() - 1);
                self.values.len() - 1
            }
        };
        self.last
    }

    /// The strings, in no more memory than they take.
    fn into_values(mut self) -> Strings {
        self.values.shrink_to_fit();
        self.values
    }
}

impl Roster {
    /// The class column: 班级, else 年级; none when the list has neither.
    fn class_col(&self) -> Option<usize> {
        ["班级", "年级"].iter().find_map(|h| self.columns.iter().position(|c| squash(&c.header) == *h))
    }

    fn tier_col(&self) -> Option<usize> {
        self.columns.iter().position(|c| c.role == Role::Tier)
    }

    /// The class of a record as the checks group it (empty without a class column).
    fn class_of<'a>(&'a self, r: &'a Record, col: Option<usize>) -> &'a str {
        col.map_or("", |c| self.cell(r, c))
    }

    /// Every row as the checks see it, fingerprinted with `key`.
    pub fn audit_rows(&self, key: &NameKey) -> AuditRows {
        let (class_col, tier_col) = (self.class_col(), self.tier_col());
        let (mut classes, mut tiers) = (Interner::default(), Interner::default());
        let rows = self
            .records
            .iter()
            .map(|r| {
                let class = self.class_of(r, class_col);
                let student = match self.id_col {
                    Some(c) => key.id_print(self.cell(r, c)),
                    None => key.text_print(&[self.name(r)]),
                };
                let tier = tier_col.map(|c| self.cell(r, c)).filter(|t| !t.is_empty());
                AuditRow {
                    line: r.line as u32,
                    student,
                    name_class: key.text_print(&[self.name(r), class]),
                    class: classes.index(class).min(u16::MAX as usize) as u16,
                    tier: tier.map_or(NO_TIER, |t| tiers.index(t).min(NO_TIER as usize - 1) as u8),
                    amount: r
                        .amount_fen
                        .map_or(NO_AMOUNT, |f| f.clamp(i64::from(NO_AMOUNT) + 1, i64::from(i32::MAX)) as i32),
                    flags: 0,
                }
            })
            .collect();
        let guardians = match self.guardian_col {
            Some(c) => self
                .records
                .iter()
                .map(|r| Some(self.cell(r, c)).filter(|g| !g.is_empty()).map_or(0, |g| key.id_print(g)))
                .collect(),
            None => Vec::new(),
        };
        AuditRows {
            classes: classes.into_values(),
            tiers: tiers.into_values(),
            has_ids: self.id_col.is_some(),
            has_amounts: self.amount_col.is_some(),
            per_year: self.amounts_per_year(),
            rows,
            guardians,
        }
    }

    /// Names and masked IDs, row for row with `audit_rows`, in no more
    /// memory than they take (a province keeps two million of them).
    pub fn private_rows(&self) -> PrivateRows {
        let mut bytes: usize = self.records.iter().map(|r| self.name(r).len()).sum();
        if let Some(c) = self.id_col {
            // A masked ID has as many bytes as the ID, but for a non-ASCII one.
            bytes += self.records.iter().map(|r| self.cell(r, c).len()).sum::<usize>();
        }
        let mut p =
            PrivateRows { text: String::with_capacity(bytes), ends: Vec::with_capacity(2 * self.records.len()) };
        for r in &self.records {
            p.text.push_str(self.name(r));
            p.ends.push(p.text.len() as u32);
            if let Some(c) = self.id_col {
                idnum::mask_into(&mut p.text, self.cell(r, c));
            }
            p.ends.push(p.text.len() as u32);
        }
        p.text.shrink_to_fit();
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::from_csv as roster;

    #[test]
    fn rows_hold_prints_lines_classes_tiers_and_amounts() {
        let key = NameKey::from_bytes([3; 16]);
        let r = roster("姓名,班级,身份证号,资助档次,资助金额,监护人身份证号\n张三,1班,11010519491231002X,一档,1500,\n李四,2班,110105200801010014,二档,800元,11010519491231002X\n");
        let a = r.audit_rows(&key);
        assert!(a.has_ids && a.has_amounts && !a.per_year);
        assert_eq!(a.classes.iter().collect::<Vec<_>>(), ["1班", "2班"]);
        assert_eq!(a.tiers.iter().collect::<Vec<_>>(), ["一档", "二档"]);
        let lines: Vec<u32> = a.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 3]);
        assert_eq!(a.rows[0].student, key.id_print("11010519491231002x"));
        assert_eq!(a.rows[1].amount_fen(), Some(80_000));
        assert_eq!(std::mem::size_of::<AuditRow>(), 32);
        assert_eq!(a.tier(&a.rows[1]), Some("二档"));
        assert_eq!(a.guardians, [0, key.id_print("11010519491231002X")]);
        assert_eq!(a.rows[0].name_class, key.text_print(&["张三", "1班"]));
        let p = r.private_rows();
        assert_eq!((p.name(1), p.id_masked(1)), ("李四", "110105********0014"));
        // Nothing of a name or an ID in what the cache stores.
        let json = serde_json::to_string(&a).unwrap();
        for secret in ["张三", "李四", "11010519491231002X", "110105200801010014"] {
            assert!(!json.contains(secret), "{secret} in {json}");
        }
        assert!(json.contains(r#""classes":["1班","2班"],"tiers":["一档","二档"]"#), "{json}");
        let back: AuditRows = serde_json::from_str(&json).unwrap();
        assert_eq!((&back.classes, &back.tiers), (&a.classes, &a.tiers));
        assert_eq!(back.rows, a.rows);
        assert_eq!(back.guardians, a.guardians);
    }

    #[test]
    fn without_ids_students_are_their_names() {
        let key = NameKey::from_bytes([3; 16]);
        let a = roster("姓名,年级\n张 三,高一\n").audit_rows(&key);
        assert!(!a.has_ids);
        assert_eq!(a.rows[0].student, key.text_print(&["张三"]));
        assert_eq!(a.classes.iter().collect::<Vec<_>>(), ["高一"]);
        assert_eq!(a.rows[0].tier, NO_TIER);
        assert!(a.guardians.is_empty());
    }
}
