//! 三榜公示 (新教办〔2022〕12号): the school publishes (第一榜), the county
//! centre reviews and the school posts again (第二榜), the centre publishes
//! (第三榜). A list says `round = 2` and `follows = "<term>/<slug>"`, the
//! round before it, which must be the same programme, school and term, one
//! round earlier and over before this one starts. A later round holds only
//! students of the round it follows, and none that an objection removed.

use super::{Check, Flag, Listed, Place, Site};
use crate::content::list::ListBundle;
use crate::fingerprint::PrehashedBuild;
use crate::roster::flag;
use std::collections::HashMap;

/// 第一榜, 第二榜, 第三榜.
pub fn label(round: u8) -> Option<&'static str> {
    ["第一榜", "第二榜", "第三榜"].get(usize::from(round).checked_sub(1)?).copied()
}

fn flag_at(b: &ListBundle, needle: &str, other: Option<Place>, message: String, hint: &str) -> Flag {
    Flag {
        check: Check::Rounds,
        term: b.meta.term.clone(),
        at: Place { file: b.file.clone(), line: b.line_of(needle) },
        other,
        message,
        hint: hint.into(),
        student: None,
    }
}

/// The front-matter checks of one list against the list it follows.
fn bundle_flags(b: &ListBundle, prev: Option<&ListBundle>) -> Vec<Flag> {
    let m = &b.meta;
    let round = m.round.unwrap_or(1);
    let mut out = Vec::new();
    let hint = "round 写 1、2 或 3；第二、三榜用 follows = \"<学期文件夹>/<名单文件夹>\" 指明上一榜";
    if label(round).is_none() {
        out.push(flag_at(b, "round", None, format!("round = {round} 不对：三榜公示只有第一、二、三榜"), hint));
        return out;
    }
    match (&m.follows, prev) {
        (None, _) if round > 1 => {
            out.push(flag_at(b, "round", None, format!("{}没有写 follows（上一榜）", label(round).unwrap_or("")), hint))
        }
        (None, _) => {}
        (Some(_), _) if round == 1 => out.push(flag_at(b, "follows", None, "第一榜不能有 follows".into(), hint)),
        (Some(f), None) => {
            out.push(flag_at(b, "follows", None, format!("follows 指的名单“{f}”不存在（或是草稿）"), hint))
        }
        (Some(_), Some(p)) => {
            let there = Some(Place { file: p.file.clone(), line: 0 });
            let pm = &p.meta;
            if (&pm.programme, &pm.school, &pm.term) != (&m.programme, &m.school, &m.term) {
                out.push(flag_at(b, "follows", there.clone(), "上一榜的资助项目、学校或学期与本榜不同".into(), hint));
            }
            if pm.round.unwrap_or(1) + 1 != round {
                let msg = format!("本榜是 round = {round}，上一榜却是 round = {}", pm.round.unwrap_or(1));
                out.push(flag_at(b, "round", there, msg, hint));
            }
        }
    }
    out
}

/// Students of a later round against the round it follows.
fn student_flags(li: usize, l: &Listed, prev: &Listed) -> Vec<Flag> {
    let mut out = Vec::new();
    if l.audit.start <= prev.audit.end {
        out.push(flag_at(
            l.bundle,
            "publicity_start",
            Some(Place { file: prev.bundle.file.clone(), line: prev.bundle.line_of("publicity_start") }),
            format!(
                "本榜 {} 开始公示，上一榜到 {} 才结束：各榜要依次公示",
                l.audit.start.chinese(),
                prev.audit.end.chinese()
            ),
            "上一榜公示期满后再开始下一榜",
        ));
    }
    let by_id = l.audit.rows.has_ids && prev.audit.rows.has_ids;
    let key = |r: &crate::roster::AuditRow| if by_id { r.student } else { r.name_class };
    let before: HashMap<u64, usize, PrehashedBuild> =
        prev.audit.rows.rows.iter().enumerate().map(|(i, r)| (key(r), i)).collect();
    let round = label(l.bundle.meta.round.unwrap_or(1)).unwrap_or("");
    for (ri, r) in l.audit.rows.rows.iter().enumerate() {
        let (message, other) = match before.get(&key(r)) {
            None => (
                format!("{round}新增了上一榜没有的学生：每名学生都要先经过上一榜公示"),
                Place { file: prev.bundle.data_file(), line: 0 },
            ),
            Some(&pi) if prev.audit.rows.rows[pi].has(flag::REMOVED) => (
                format!("这名学生在上一榜经异议核实已取消，却又出现在{round}"),
                prev.row_place(&prev.audit.rows.rows[pi]),
            ),
            Some(_) => continue,
        };
        out.push(Flag {
            check: Check::Rounds,
            term: l.term().to_string(),
            at: l.row_place(r),
            other: Some(other),
            message,
            hint: "核对本榜名单：只能是上一榜公示过、且未因异议取消的学生".into(),
            student: Some((li, ri)),
        });
    }
    out
}

pub fn check(site: &Site) -> Vec<Flag> {
    if !site.on(Check::Rounds) {
        return Vec::new();
    }
    let bundles: HashMap<String, &ListBundle> = site.bundles.iter().map(|b| (b.key(), *b)).collect();
    let listed: HashMap<String, usize> = site.lists.iter().enumerate().map(|(i, l)| (l.bundle.key(), i)).collect();
    let mut out = Vec::new();
    for b in &site.bundles {
        if b.meta.round.is_none() && b.meta.follows.is_none() {
            continue;
        }
        let prev = b.meta.follows.as_ref().and_then(|f| bundles.get(f.as_str()).copied());
        let front = bundle_flags(b, prev);
        let ok = front.is_empty();
        out.extend(front);
        let pair = prev.and_then(|p| Some((*listed.get(&b.key())?, *listed.get(&p.key())?)));
        if let (true, Some((li, pi))) = (ok, pair) {
            out.extend(student_flags(li, &site.lists[li], &site.lists[pi]));
        }
    }
    out
}
