//! Amounts against a programme's `tiers` (yearly amounts in
//! site-config.toml): each row's amount must be its tier's amount, for a
//! term (half) or for a year as the amount column's header says; a tier
//! the programme does not have is wrong too. Rows with the same fault in
//! one list are reported once, at the first, with how many there are.

use super::{Check, Flag, Listed, Place, Site};
use crate::config::CONFIG_FILE;
use crate::data::amount::format_yuan;
use crate::roster::AuditRow;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// Line of a programme's `tiers` in site-config.toml (0 if not found).
fn tiers_line(site: &Site, programme: &str) -> usize {
    let Ok(text) = std::fs::read_to_string(site.root.join(CONFIG_FILE)) else { return 0 };
    let Some(at) = text.find(&format!("\"{programme}\"")) else { return 0 };
    let tiers = text[at..].find("tiers").map_or(at, |i| at + i);
    crate::diag::line_of(&text, tiers)
}

/// What is wrong with a row, as the key that groups the same fault.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Fault {
    UnknownTier(String),
    /// Tier (or "" without a tier column), amount written, amount expected.
    Amount(String, i64, Option<i64>),
}

fn fault(tiers: &BTreeMap<String, i64>, tier: Option<&str>, amount: Option<i64>) -> Option<Fault> {
    match (tier, amount) {
        (Some(t), _) if !tiers.contains_key(t) => Some(Fault::UnknownTier(t.to_string())),
        (Some(t), Some(a)) if tiers[t] != a => Some(Fault::Amount(t.to_string(), a, Some(tiers[t]))),
        (None, Some(a)) if !tiers.values().any(|v| *v == a) => Some(Fault::Amount(String::new(), a, None)),
        _ => None,
    }
}

fn describe(f: &Fault, tiers: &BTreeMap<String, i64>, per: &str) -> String {
    match f {
        Fault::UnknownTier(t) => {
            let t = crate::privacy::sniff::quoted_for_message(t);
            format!("档次{t}不是这个资助项目的档次（有：{}）", tiers.keys().cloned().collect::<Vec<_>>().join("、"))
        }
        Fault::Amount(t, a, Some(e)) => format!("{t}的金额是{per} {} 元，应为 {} 元", format_yuan(*a), format_yuan(*e)),
        Fault::Amount(_, a, None) => format!(
            "金额{per} {} 元不是任何一档的金额（{}）",
            format_yuan(*a),
            tiers.iter().map(|(t, v)| format!("{t} {} 元", format_yuan(*v))).collect::<Vec<_>>().join("、")
        ),
    }
}

pub fn check(site: &Site) -> Vec<Flag> {
    if !site.on(Check::Tiers) {
        return Vec::new();
    }
    site.lists.par_iter().enumerate().flat_map_iter(|(li, l)| list_flags(site, li, l)).collect()
}

/// A list's rows against its programme's tiers: each fault once.
fn list_flags(site: &Site, li: usize, l: &Listed) -> Vec<Flag> {
    let Some(p) = site.config.programme(&l.bundle.meta.programme).filter(|p| !p.tiers.is_empty()) else {
        return Vec::new();
    };
    let rows = &l.audit.rows;
    let per_year = rows.per_year;
    // Yearly amounts in fen; a term's is half.
    let tiers: BTreeMap<String, i64> = p
        .tiers
        .iter()
        .map(|(t, y)| {
            let fen = (y * 100.0).round() as i64;
            (t.clone(), if per_year { fen } else { fen / 2 })
        })
        .collect();
    // The amount each of the list's own tier names asks for, looked up once.
    let expected: Vec<Option<i64>> = rows.tiers.iter().map(|t| tiers.get(t).copied()).collect();
    let fine = |r: &AuditRow| match (expected.get(r.tier as usize), r.amount_fen()) {
        (Some(Some(e)), a) => a.is_none_or(|a| a == *e),
        (Some(None), _) => false,
        (None, a) => a.is_none_or(|a| tiers.values().any(|v| *v == a)),
    };
    let mut faults: BTreeMap<Fault, Vec<(usize, &AuditRow)>> = BTreeMap::new();
    for (ri, r) in rows.rows.iter().enumerate().filter(|(_, r)| !fine(r)) {
        if let Some(f) = fault(&tiers, rows.tier(r), r.amount_fen()) {
            faults.entry(f).or_default().push((ri, r));
        }
    }
    if faults.is_empty() {
        return Vec::new();
    }
    let per = if per_year { "每年" } else { "每学期" };
    let config_line = tiers_line(site, &p.name);
    faults
        .into_iter()
        .map(|(f, hits)| {
            let (ri, first) = hits[0];
            let more = if hits.len() > 1 { format!("（共 {} 行如此）", hits.len()) } else { String::new() };
            Flag {
                check: Check::Tiers,
                term: l.term().to_string(),
                at: l.row_place(first),
                other: Some(Place { file: CONFIG_FILE.into(), line: config_line }),
                message: format!("{}{more}", describe(&f, &tiers, per)),
                hint: "tiers 写的是每年的金额；金额列的表头含“年”时按每年核对，否则按每学期（一半）核对".into(),
                student: Some((li, ri)),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_by_tier_and_amount() {
        let tiers: BTreeMap<String, i64> = [("一档".to_string(), 150_000), ("二档".to_string(), 80_000)].into();
        assert_eq!(fault(&tiers, Some("一档"), Some(150_000)), None);
        assert_eq!(
            fault(&tiers, Some("一档"), Some(80_000)),
            Some(Fault::Amount("一档".into(), 80_000, Some(150_000)))
        );
        assert_eq!(fault(&tiers, Some("三档"), None), Some(Fault::UnknownTier("三档".into())));
        assert_eq!(fault(&tiers, None, Some(80_000)), None);
        assert_eq!(fault(&tiers, None, Some(100_000)), Some(Fault::Amount(String::new(), 100_000, None)));
        let text = describe(&Fault::Amount("一档".into(), 80_000, Some(150_000)), &tiers, "每学期");
        assert_eq!(text, "一档的金额是每学期 800 元，应为 1,500 元");
    }
}
