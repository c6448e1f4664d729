//! Quotas (名额): `content/quotas.csv` or `content/quotas.xlsx` with the
//! columns 学期, 资助项目, 学校, 名额 and optionally 金额 (yuan for the
//! term). Each school's students in its last-round lists (less those an
//! objection removed) and their amounts are held against its quota: over
//! is a flag naming the list and both numbers; under-use is reported. A
//! school with lists for a term and programme the file covers but no row
//! of its own has a quota of nothing.

use super::{Check, Flag, Place, Site};
use crate::data::amount::{format_yuan, parse_fen};
use crate::data::normalise::squash;
use crate::data::table;
use crate::diag::Diagnostic;
use std::collections::{BTreeMap, HashSet};

const NAMES: [&str; 2] = ["content/quotas.csv", "content/quotas.xlsx"];

/// One quota row of the file.
#[derive(Debug, Clone)]
struct Quota {
    line: usize,
    count: usize,
    fen: Option<i64>,
}

/// A school's use of one programme in one term.
#[derive(Debug, Clone, Default)]
pub struct QuotaUse {
    pub term: String,
    pub programme: String,
    pub school: String,
    /// Students funded (last rounds, objections' removals left out).
    pub count: usize,
    /// Their amounts for the term, when every list has amounts.
    pub fen: Option<i64>,
    /// The quota, when the file has one for this school (0 when the file
    /// covers the term and programme but not the school).
    pub quota: Option<usize>,
    pub quota_fen: Option<i64>,
    /// Indexes in `Site::lists`.
    pub lists: Vec<usize>,
}

impl QuotaUse {
    pub fn over(&self) -> bool {
        self.quota.is_some_and(|q| self.count > q) || matches!((self.fen, self.quota_fen), (Some(f), Some(q)) if f > q)
    }

    pub fn under(&self) -> bool {
        !self.over() && self.quota.is_some_and(|q| self.count < q)
    }
}

type Key = (String, String, String);

/// The quota file's rows by (term, programme, school).
type Quotas = BTreeMap<Key, Quota>;

fn read(site: &Site) -> Result<Option<(String, Quotas)>, Vec<Diagnostic>> {
    let Some(rel) = NAMES.iter().find(|n| site.root.join(n).is_file()) else { return Ok(None) };
    let path = site.root.join(rel);
    let bytes = std::fs::read(&path).map_err(|e| vec![Diagnostic::unreadable(*rel, "", &e)])?;
    let t = table::read(&path, &bytes, None)
        .map_err(|e| vec![Diagnostic::new(*rel, e.line, e.message).with_hint(e.hint)])?;
    let hint = "表头写：学期,资助项目,学校,名额,金额（金额可不填）";
    let Some(at) = t.rows.iter().position(|r| t.cells.row(r).any(|c| squash(c) == "名额")) else {
        return Err(vec![Diagnostic::new(*rel, 0, "找不到表头：没有哪一行含有“名额”").with_hint(hint)]);
    };
    let headers: Vec<String> = t.cells.row(&t.rows[at]).map(squash).collect();
    let col = |h: &str| headers.iter().position(|x| x == h);
    let (Some(term), Some(prog), Some(school), Some(count)) = (col("学期"), col("资助项目"), col("学校"), col("名额"))
    else {
        return Err(vec![Diagnostic::new(*rel, t.rows[at].line, "表头缺少学期、资助项目、学校或名额").with_hint(hint)]);
    };
    let amount = col("金额").or_else(|| col("金额(元)")).or_else(|| col("金额（元）"));
    let mut out = BTreeMap::new();
    let mut problems = Vec::new();
    for r in &t.rows[at + 1..] {
        let cell = |c: usize| t.cell(r, c).to_string();
        let bad = |what: String| Diagnostic::new(*rel, r.line, what).with_hint(hint);
        if site.config.programme(&cell(prog)).is_none() {
            problems.push(bad(format!("资助项目“{}”没有在 site-config.toml 中声明", cell(prog))));
            continue;
        }
        let Ok(n) = cell(count).trim().parse::<usize>() else {
            problems.push(bad(format!("名额“{}”不是整数", cell(count))));
            continue;
        };
        let fen = amount.map(cell).filter(|a| !a.is_empty()).map(|a| parse_fen(&a).ok_or(a));
        let fen = match fen {
            Some(Err(a)) => {
                problems.push(bad(format!("金额“{a}”不是数字")));
                continue;
            }
            f => f.and_then(Result::ok),
        };
        if out.insert((cell(term), cell(prog), cell(school)), Quota { line: r.line, count: n, fen }).is_some() {
            problems.push(bad("同一学期、项目和学校的名额写了两行".into()));
        }
    }
    if problems.is_empty() {
        Ok(Some((rel.to_string(), out)))
    } else {
        Err(problems)
    }
}

/// Every school's use by (term, programme, school), from the last rounds.
fn uses(site: &Site) -> BTreeMap<Key, QuotaUse> {
    let mut uses: BTreeMap<Key, QuotaUse> = BTreeMap::new();
    for (li, l) in site.lists.iter().enumerate().filter(|(_, l)| l.last) {
        let m = &l.bundle.meta;
        let u = uses.entry((m.term.clone(), m.programme.clone(), m.school.clone())).or_insert_with(|| QuotaUse {
            term: m.term.clone(),
            programme: m.programme.clone(),
            school: m.school.clone(),
            fen: Some(0),
            ..QuotaUse::default()
        });
        u.lists.push(li);
        let rows = &l.audit.rows;
        for (_, r) in l.kept() {
            u.count += 1;
            let fen = r.amount_fen().map(|a| if rows.per_year { a / 2 } else { a });
            u.fen = u.fen.zip(fen).map(|(a, b)| a + b);
        }
    }
    uses
}

pub fn check(site: &Site) -> (Vec<QuotaUse>, Vec<Flag>, Vec<Diagnostic>) {
    let mut uses = uses(site);
    let (rel, quotas) = match read(site) {
        Ok(Some(q)) => q,
        Ok(None) => return (uses.into_values().collect(), Vec::new(), Vec::new()),
        Err(ds) => return (uses.into_values().collect(), Vec::new(), ds),
    };
    let covered: HashSet<(&str, &str)> = quotas.keys().map(|(t, p, _)| (t.as_str(), p.as_str())).collect();
    let mut lines = BTreeMap::new();
    for (key, u) in uses.iter_mut() {
        match quotas.get(key) {
            Some(q) => {
                (u.quota, u.quota_fen) = (Some(q.count), q.fen);
                lines.insert(key.clone(), q.line);
            }
            None if covered.contains(&(key.0.as_str(), key.1.as_str())) => u.quota = Some(0),
            None => {}
        }
    }
    for (key, q) in &quotas {
        uses.entry(key.clone()).or_insert_with(|| QuotaUse {
            term: key.0.clone(),
            programme: key.1.clone(),
            school: key.2.clone(),
            quota: Some(q.count),
            quota_fen: q.fen,
            fen: Some(0),
            ..QuotaUse::default()
        });
    }
    let flags = uses
        .iter()
        .filter(|(_, u)| u.over())
        .map(|(key, u)| over_flag(site, u, Place { file: rel.clone(), line: lines.get(key).copied().unwrap_or(0) }))
        .collect();
    (uses.into_values().collect(), flags, Vec::new())
}

fn over_flag(site: &Site, u: &QuotaUse, quota: Place) -> Flag {
    let first = &site.lists[u.lists[0]];
    let mut what = Vec::new();
    if let Some(q) = u.quota.filter(|q| u.count > *q) {
        what.push(if quota.line == 0 {
            format!("共 {} 人，名额文件中没有这所学校的名额", u.count)
        } else {
            format!("共 {} 人，超出名额 {q} 人", u.count)
        });
    }
    if let (Some(f), Some(q)) = (u.fen, u.quota_fen) {
        if f > q {
            what.push(format!("金额合计 {} 元，超出核定的 {} 元", format_yuan(f), format_yuan(q)));
        }
    }
    let lists = if u.lists.len() > 1 { format!("（{} 份名单合计）", u.lists.len()) } else { String::new() };
    Flag {
        check: Check::Quota,
        term: u.term.clone(),
        at: Place { file: first.bundle.file.clone(), line: 0 },
        other: Some(quota),
        message: format!("{}{}{}{lists}{}", u.school, u.term, u.programme, what.join("，")),
        hint: "核对名单，或在 content/quotas.csv 中更正这所学校的名额".into(),
        student: None,
    }
}
