//! Which runs of digit groups are personal numbers: the shapes accepted
//! for each kind, and the checks each must pass. The rules keep tables of
//! ordinary numbers (row numbers, amounts, dates, years) quiet: a Luhn
//! check passes for one random number in ten, so shape and context carry
//! the weight for cards and mobiles; ID numbers carry their own check
//! digit, birth date and province code.

use super::lex::Join;
use crate::data::idnum;

/// The most groups one number is read from (3-3-4-4-4, 4-4-4-4-3).
pub(super) const MAX_PARTS: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Id18,
    Id15,
    Mobile,
    Card,
}

impl Kind {
    pub(super) fn label(self) -> &'static str {
        match self {
            Kind::Id18 => "身份证号",
            Kind::Id15 => "身份证号（15位）",
            Kind::Mobile => "手机号码",
            Kind::Card => "银行卡号",
        }
    }
}

/// One run of digits in a chain of groups joined by gaps.
#[derive(Debug, Clone, Copy)]
pub(super) struct Group {
    /// Where its digits start in the chain's digit buffer.
    pub start: usize,
    pub len: usize,
    /// Followed by `X` (the group is the last of its chain).
    pub x: bool,
    /// How it is joined to the group before; `None` at a chain's start.
    pub join: Option<Join>,
    /// How the group before is joined to the one before it.
    pub join_before: Option<Join>,
    /// The group before is a country code (`86`, `0086`).
    pub after_cc: bool,
}

/// Consecutive groups read as one candidate number.
pub(super) struct Window<'a> {
    pub groups: &'a [Group],
    /// The groups' digits, contiguous.
    pub digits: &'a [u8],
    /// How the groups next to the window are joined to it, if they are (a
    /// country code before it does not count), then how those are joined
    /// to the next ones out.
    pub before: [Option<Join>; 2],
    pub after: [Option<Join>; 2],
}

impl Window<'_> {
    /// Another number is joined to it by separators (not a cell boundary):
    /// a run of numbers, a row of a text table.
    fn crowded(&self) -> bool {
        [self.before[0], self.after[0]].iter().any(|j| matches!(j, Some(Join::Tight | Join::Dash(_))))
    }

    /// Its first or last part belongs to a number written with dashes,
    /// dots or slashes next to it: the same dash joins that part to the
    /// outside and either to the window's next part or, outside, on to
    /// one more part: `400-130-1000 1001`, `400-100-4033 2016 2029 0816`.
    /// Not `138 1234 5678/139 8765 4321`: two phones.
    fn inside_dashed(&self) -> bool {
        let g = self.groups;
        let k = g.len();
        let dashed = |out: [Option<Join>; 2], inner: Option<Join>| {
            matches!(out[0], Some(Join::Dash(_))) && (inner == out[0] || out[1] == out[0])
        };
        k >= 2 && (dashed(self.before, g[1].join) || dashed(self.after, g[k - 1].join))
    }

    fn part(&self, i: usize) -> &[u8] {
        let g = &self.groups[i];
        let at = g.start - self.groups[0].start;
        &self.digits[at..at + g.len]
    }

    /// Whether every part from `from` ends in `suffix`.
    fn parts_end_in(&self, from: usize, to: usize, suffix: &[u8]) -> bool {
        (from..to).all(|i| self.part(i).ends_with(suffix))
    }
}

/// What the window is, with its value (digits, and a final `X`) in
/// `value`; a mobile's value is the 11-digit national number.
pub(super) fn judge(w: &Window, value: &mut String) -> Option<Kind> {
    let (g, d) = (w.groups, w.digits);
    let (k, n) = (g.len(), d.len());
    if n < 11 {
        return None;
    }
    let x = g[k - 1].x;
    let mut lens = [0usize; MAX_PARTS];
    for (l, g) in lens.iter_mut().zip(g) {
        *l = g.len;
    }
    let lens = &mut lens[..k];
    // Any cell boundary inside the window.
    let cell = g[1..].iter().any(|g| g.join == Some(Join::Cell));
    let set = |value: &mut String, digits: &[u8], x: bool| {
        value.clear();
        value.extend(digits.iter().map(|&c| char::from(c)));
        if x {
            value.push('X');
        }
    };

    if n == 18 || (n == 17 && x) {
        let with_x = n == 17;
        lens[k - 1] += usize::from(with_x);
        if id18_shape(lens, cell) && valid_id18(d, with_x) {
            set(value, d, with_x);
            return Some(Kind::Id18);
        }
        lens[k - 1] -= usize::from(with_x);
    }
    if n == 15 && matches!(&*lens, [15] | [6, 6, 3] | [6, 9]) && valid_id15(d) {
        set(value, d, false);
        return Some(Kind::Id15);
    }
    if k == 1 {
        let national = match n {
            11 => Some(d),
            13 if d.starts_with(b"86") => Some(&d[2..]),
            15 if d.starts_with(b"0086") => Some(&d[4..]),
            _ => None,
        };
        if let Some(m) = national.filter(|m| is_mobile(m)) {
            set(value, m, false);
            return Some(Kind::Mobile);
        }
    } else if n == 11 && mobile_shape(lens, cell) && is_mobile(d) && !mobile_in_table(w) && !w.inside_dashed() {
        set(value, d, false);
        return Some(Kind::Mobile);
    } else if let Some(m) = glued_country_code(d, lens, cell) {
        // `+86139 0000 0000`: a country code says phone, whatever its parts look like.
        set(value, m, false);
        return Some(Kind::Mobile);
    }
    if (16..=19).contains(&n)
        && is_card(d)
        && (k == 1 || (card_shape(lens, cell) && !card_in_table(w, lens) && !w.inside_dashed()))
    {
        set(value, d, false);
        return Some(Kind::Card);
    }
    // A student number built on the ID number: 18 characters at either end
    // of a longer run of digits.
    if k == 1 && (18..=24).contains(&n) {
        if x && valid_id18(&d[n - 17..], true) {
            set(value, &d[n - 17..], true);
            return Some(Kind::Id18);
        }
        for id in [&d[..18], &d[n - 18..]] {
            if n > 18 && valid_id18(id, false) {
                set(value, id, false);
                return Some(Kind::Id18);
            }
        }
    }
    None
}

/// Region, birth date and seq of an ID number may be grouped any way in 2
/// or 3 parts; in 4 or 5 parts only as people write them. Across cells the
/// first part must hold the region code (6 digits or more): a short first
/// cell is a row number.
fn id18_shape(lens: &[usize], cell: bool) -> bool {
    match lens.len() {
        1 => true,
        2 | 3 => !cell || lens[0] >= 6,
        _ => matches!(lens, [6, 4, 4, 4] | [3, 3, 4, 4, 4] | [4, 4, 4, 4, 2]),
    }
}

/// A grouped mobile with `86` or `0086` glued to its first part
/// (`+86139 0000 0000`): the national number, if it is one.
fn glued_country_code<'d>(d: &'d [u8], lens: &[usize], cell: bool) -> Option<&'d [u8]> {
    let cc = [b"0086".as_slice(), b"86"].into_iter().find(|cc| d.len() == 11 + cc.len() && d.starts_with(cc))?.len();
    let mut national: Vec<usize> = lens.to_vec();
    national[0] = national[0].checked_sub(cc).filter(|&l| l > 0)?;
    let m = &d[cc..];
    (mobile_shape(&national, cell) && is_mobile(m)).then_some(m)
}

/// 138 1234 5678, 138 12345678, 1381234 5678, 1381 234 5678; across
/// cells only 1381234 | 5678 (a row number and two 4-digit amounts in the
/// next cells would read as 3-4-4).
fn mobile_shape(lens: &[usize], cell: bool) -> bool {
    if cell {
        lens == [7, 4]
    } else {
        matches!(lens, [3, 4, 4] | [3, 8] | [7, 4] | [4, 3, 4])
    }
}

/// A row of amounts, not a phone: `150 2500 1250`, `1381 625 2500`
/// (the parts after the first all look like amounts), or parts all ending
/// in 0 amid more numbers. The rare 4-3-4 form is read only when it
/// stands alone, does not start with a year and its later parts are not
/// amounts or years (`1990 625 1001人`, `2019 625 1990`, `1381 625 0730
/// 1234567`). Only the three-part forms: one amount after a 7- or 3-digit
/// number is no pattern of ordinary tables.
fn mobile_in_table(w: &Window) -> bool {
    let k = w.groups.len();
    let four = w.groups[0].len == 4;
    k == 3
        && ((1..k).all(|i| amount_like(w.part(i)))
            || (four && (ordinary(w.part(0)) || (1..k).all(|i| ordinary(w.part(i)))))
            || (w.crowded() && (four || w.parts_end_in(1, k, b"0"))))
}

/// Looks like an amount in yuan: a multiple of 50, or a 3-digit multiple
/// of 25 (625, 375: half of 1250 and 750). A random 4-digit part is one in
/// 50.
pub(super) fn amount_like(p: &[u8]) -> bool {
    [b"00", b"50"].iter().any(|e| p.ends_with(*e)) || (p.len() == 3 && [b"25", b"75"].iter().any(|e| p.ends_with(*e)))
}

/// An amount or a year (19xx, 20xx).
pub(super) fn ordinary(p: &[u8]) -> bool {
    amount_like(p) || matches!(p, [b'1', b'9', _, _] | [b'2', b'0', _, _])
}

/// 4-4-4-4 with an optional tail of 1 to 3, or 6 + 10..13 (bank, then
/// account); across cells only the 6 + 10..13 split.
fn card_shape(lens: &[usize], cell: bool) -> bool {
    let six = lens.len() == 2 && lens[0] == 6 && (10..=13).contains(&lens[1]);
    let fours = lens.len() >= 4 && lens[..4] == [4, 4, 4, 4] && (lens.len() == 4 || (1..=3).contains(&lens[4]));
    six || (!cell && fours)
}

/// A row of amounts or years, not a card: three of the four parts look
/// like amounts or years (`6000 3000 3000 3000`, `3518 2019 2020 2500`,
/// `6000/2003/2009/2573人`: one in 6,000 real cards), all four the same, or
/// all after the first ending in 0 amid more numbers. Only the 4-4-4-4
/// form: amounts never come as 6 + 10..13 digits.
fn card_in_table(w: &Window, lens: &[usize]) -> bool {
    lens.len() >= 4
        && ((0..4).filter(|&i| ordinary(w.part(i))).count() >= 3
            || (1..4).all(|i| w.part(i) == w.part(0))
            || (w.crowded() && w.parts_end_in(1, 4, b"0")))
}

/// Province codes of resident ID numbers (first two digits).
fn province(d: &[u8]) -> bool {
    matches!(
        (d[0], d[1]),
        (b'1', b'1'..=b'5')
            | (b'2', b'1'..=b'3')
            | (b'3', b'1'..=b'7')
            | (b'4', b'1'..=b'6')
            | (b'5', b'0'..=b'4')
            | (b'6', b'1'..=b'5')
            | (b'7', b'1')
            | (b'8', b'1'..=b'3')
    )
}

/// 17 digits and `X`, or 18 digits: check character, real birth date
/// from 1900 to next year, province code.
pub(super) fn valid_id18(d: &[u8], x: bool) -> bool {
    let mut id = [b'X'; 18];
    let n = if x { 17 } else { 18 };
    if d.len() != n {
        return false;
    }
    id[..n].copy_from_slice(d);
    province(&id) && born_by_next_year(&id[6..10]) && idnum::is_valid_18(&id)
}

fn born_by_next_year(year: &[u8]) -> bool {
    static NEXT_YEAR: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    let next = *NEXT_YEAR.get_or_init(|| u32::try_from(chrono::Datelike::year(&chrono::Local::now()) + 1).unwrap_or(0));
    year.iter()
        .try_fold(0u32, |y, &c| c.is_ascii_digit().then(|| y * 10 + u32::from(c - b'0')))
        .is_some_and(|y| y <= next)
}

fn valid_id15(d: &[u8]) -> bool {
    province(d) && idnum::is_plausible_15(d)
}

/// 1[3-9] and 11 digits.
pub(super) fn is_mobile(d: &[u8]) -> bool {
    d.len() == 11 && d[0] == b'1' && (b'3'..=b'9').contains(&d[1])
}

/// 16 to 19 digits, the issuer prefix of a card issued or used in China
/// (34, 37 Amex; 35 JCB; 4x Visa; 51-55 Mastercard; 60, 62 UnionPay and
/// domestic debit; 94, 95 old domestic cards), Luhn-valid.
pub(super) fn is_card(d: &[u8]) -> bool {
    (16..=19).contains(&d.len())
        && matches!(
            (d[0], d[1]),
            (b'3', b'4' | b'5' | b'7') | (b'4', _) | (b'5', b'1'..=b'5') | (b'6', b'0' | b'2') | (b'9', b'4' | b'5')
        )
        && luhn(d)
}

/// The Luhn check of a card number (digits only).
pub(crate) fn luhn(d: &[u8]) -> bool {
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, c)| {
            let v = u32::from(c - b'0');
            if i % 2 == 1 {
                let v = v * 2;
                v - if v > 9 { 9 } else { 0 }
            } else {
                v
            }
        })
        .sum();
    sum.is_multiple_of(10)
}
