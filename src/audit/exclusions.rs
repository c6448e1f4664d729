//! 三类人员 (children of officials, of publicly funded staff, of staff not
//! in special hardship): `content/private/exclusions.csv` (or .xlsx), never
//! published, lists ID numbers (and optionally names) of people whose
//! children may not receive aid without review. A recipient whose own ID or
//! guardian's ID (a `guardian_id` column) is on it is flagged, naming both
//! files and lines, unless that row's 审核意见 says it was reviewed. The
//! IDs are fingerprinted as they are read.

use super::{Check, Flag, Place, Site};
use crate::diag::Diagnostic;
use crate::fingerprint::PrehashedBuild;
use crate::roster::{SideFile, SideTable};
use std::collections::HashMap;

pub const DIR: &str = "content/private";
const NAMES: [&str; 2] = ["exclusions.csv", "exclusions.xlsx"];

/// The file, when the site has one: (site-relative path, full path).
pub fn file(site_root: &std::path::Path) -> Option<(String, std::path::PathBuf)> {
    NAMES.iter().map(|n| (format!("{DIR}/{n}"), site_root.join(DIR).join(n))).find(|(_, p)| p.is_file())
}

/// ID fingerprint → line in the exclusions file.
type Ids = HashMap<u64, usize, PrehashedBuild>;

fn read(site: &Site) -> Result<Option<(String, Ids)>, Vec<Diagnostic>> {
    let Some((rel, path)) = file(site.root) else { return Ok(None) };
    let f = SideFile {
        file: &rel, path: &path, headers: &["身份证号", "身份证件号码", "公民身份号码", "身份证号码"]
    };
    let table = SideTable::read(&f, site.key)?;
    if !table.has_id_column() {
        return Err(vec![Diagnostic::new(&rel, 0, "三类人员名单没有身份证号列")
            .with_hint("第一行写表头：身份证号,姓名（姓名可不填）")]);
    }
    // A row whose 审核意见 is filled has been reviewed: its children may be funded.
    let reviewed = table.column(&["审核意见", "审核结果", "审核"]);
    let mut ids = HashMap::default();
    for r in table.rows.iter().filter(|r| table.cell(r, reviewed).is_empty()) {
        if let Some(id) = r.id {
            ids.entry(id).or_insert(r.line);
        }
    }
    Ok(Some((rel, ids)))
}

pub fn check(site: &Site) -> (Vec<Flag>, Vec<Diagnostic>) {
    if !site.on(Check::Exclusions) {
        return (Vec::new(), Vec::new());
    }
    let (rel, ids) = match read(site) {
        Ok(Some(found)) => found,
        Ok(None) => return (Vec::new(), Vec::new()),
        Err(ds) => return (Vec::new(), ds),
    };
    let mut flags = Vec::new();
    for (li, l) in site.lists.iter().enumerate().filter(|(_, l)| l.last) {
        let rows = &l.audit.rows;
        for (ri, r) in l.kept() {
            let own = if rows.has_ids { ids.get(&r.student) } else { None };
            let guardian = ids.get(&rows.guardian(ri));
            let (line, whose) = match (own, guardian) {
                (Some(line), _) => (line, "学生本人"),
                (None, Some(line)) => (line, "监护人"),
                (None, None) => continue,
            };
            flags.push(Flag {
                check: Check::Exclusions,
                term: l.term().to_string(),
                at: l.row_place(r),
                other: Some(Place { file: rel.clone(), line: *line }),
                message: format!("{whose}的身份证号在三类人员名单中，需经审核才能资助"),
                hint: "核实家庭情况并留存记录；审核同意资助的，在三类人员名单这一行的“审核意见”列写明结论".into(),
                student: Some((li, ri)),
            });
        }
    }
    (flags, Vec::new())
}
