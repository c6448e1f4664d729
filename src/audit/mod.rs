//! The county's own checks (issue 17), over every list of the site: the
//! same student funded twice, exclusive programmes, quotas, tier amounts,
//! 三类人员, 三榜公示 rounds, objection deadlines, receipts, and the
//! students added and dropped term over term; a private report in the
//! print folder (`report`) and 一生一册 (`archive`).
//!
//! Lists are read in parallel jobs that drop their rosters: each job keeps
//! a `ListAudit` (keyed fingerprints, lines, amounts, tiers, classes; no
//! names, no IDs; stored in the list cache) and, for the print folder
//! only, a `ListPrivate` (names and masked IDs). The checks run once all
//! jobs are done (`run`), on the fingerprints alone.

pub mod archive;
pub mod double_funding;
pub mod exclusions;
pub mod list;
pub mod objections;
pub mod quotas;
pub mod receipts;
pub mod report;
pub mod rounds;
pub mod terms;
pub mod tiers;

use crate::config::{AuditSettings, Level, SiteConfig};
use crate::content::list::ListBundle;
use crate::date::Date;
use crate::diag::Diagnostic;
use crate::privacy::names_guard::NameKey;
use crate::roster::{AuditRow, AuditRows, PrivateRows};
use crate::schedule::calendar::Calendar;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

/// What the checks keep of one list; cached with it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ListAudit {
    pub rows: AuditRows,
    /// The publicity period, for the order of rounds.
    pub start: Date,
    pub end: Date,
    /// The objections registered, without their text.
    pub objections: Vec<objections::Objection>,
    /// The list names a receipts file (its rows' flags say what came back).
    pub receipts: bool,
}

impl ListAudit {
    /// Everything but the rows (see `AuditRows::header`).
    pub fn header(&self) -> ListAudit {
        ListAudit {
            rows: self.rows.header(),
            start: self.start,
            end: self.end,
            objections: self.objections.clone(),
            receipts: self.receipts,
        }
    }
}

/// What only the print folder may see of one list: never cached.
#[derive(Debug, Clone, Default)]
pub struct ListPrivate {
    pub rows: PrivateRows,
    /// Each objection's text (内容, 核实结果), in `ListAudit::objections` order.
    pub objections: Vec<objections::ObjectionText>,
    /// Receipt dates and notes by row.
    pub receipts: HashMap<usize, receipts::ReceiptNote>,
}

/// One list as the cross-list checks see it.
pub struct Listed<'a> {
    pub bundle: &'a ListBundle,
    pub audit: &'a ListAudit,
    /// Not followed by a later round: its students are the ones funded.
    pub last: bool,
}

impl Listed<'_> {
    pub fn term(&self) -> &str {
        &self.bundle.meta.term
    }

    pub fn row_place(&self, r: &AuditRow) -> Place {
        Place { file: self.bundle.data_file(), line: r.line as usize }
    }

    /// Rows still funded: not removed after an objection.
    pub fn kept(&self) -> impl Iterator<Item = (usize, &AuditRow)> {
        self.audit.rows.rows.iter().enumerate().filter(|(_, r)| !r.has(crate::roster::flag::REMOVED))
    }
}

/// A file and line (0: the whole file).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place {
    pub file: String,
    pub line: usize,
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line > 0 {
            write!(f, "{} 第 {} 行", self.file, self.line)
        } else {
            f.write_str(&self.file)
        }
    }
}

/// The checks, each with its `[audit]` key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Check {
    DoubleFunding,
    Exclusive,
    Quota,
    Tiers,
    Exclusions,
    Rounds,
    SameName,
    Objections,
}

impl Check {
    pub const ALL: [Check; 8] = [
        Check::DoubleFunding,
        Check::Exclusive,
        Check::Quota,
        Check::Tiers,
        Check::Exclusions,
        Check::Rounds,
        Check::SameName,
        Check::Objections,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Check::DoubleFunding => "重复资助",
            Check::Exclusive => "互斥项目",
            Check::Quota => "超出名额",
            Check::Tiers => "档次金额",
            Check::Exclusions => "三类人员",
            Check::Rounds => "三榜公示",
            Check::SameName => "同名同班",
            Check::Objections => "异议超期",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Check::DoubleFunding => "double_funding",
            Check::Exclusive => "exclusive",
            Check::Quota => "quota",
            Check::Tiers => "tiers",
            Check::Exclusions => "exclusions",
            Check::Rounds => "rounds",
            Check::SameName => "same_name",
            Check::Objections => "objections",
        }
    }

    pub fn level(self, s: &AuditSettings) -> Level {
        match self {
            Check::DoubleFunding => s.double_funding,
            Check::Exclusive => s.exclusive,
            Check::Quota => s.quota,
            Check::Tiers => s.tiers,
            Check::Exclusions => s.exclusions,
            Check::Rounds => s.rounds,
            Check::SameName => s.same_name,
            Check::Objections => s.objections,
        }
    }
}

/// One finding: where, what, and the other place it concerns.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Flag {
    pub check: Check,
    pub term: String,
    pub at: Place,
    pub other: Option<Place>,
    /// In Chinese, without names or ID numbers (the report adds names).
    pub message: String,
    pub hint: String,
    /// The student concerned (list index in `Site::lists`, row), for the report.
    pub student: Option<(usize, usize)>,
}

impl Flag {
    /// The message naming both places.
    pub fn text(&self) -> String {
        match &self.other {
            Some(o) => format!("{}（另见 {o}）", self.message),
            None => self.message.clone(),
        }
    }

    pub fn diagnostic(&self) -> Diagnostic {
        Diagnostic::new(&self.at.file, self.at.line, format!("【{}】{}", self.check.label(), self.text()))
            .with_hint(&self.hint)
    }

    pub fn warning(&self) -> String {
        format!("【{}】{}：{}（{}）", self.check.label(), self.at, self.text(), self.hint)
    }
}

/// Everything the checks read.
pub struct Site<'a> {
    pub root: &'a Path,
    pub config: &'a SiteConfig,
    /// Lists with their audit values, in bundle order.
    pub lists: Vec<Listed<'a>>,
    /// Every non-draft bundle, for rounds that name a list with errors.
    pub bundles: Vec<&'a ListBundle>,
    pub key: &'a NameKey,
    pub today: Date,
    pub calendar: &'a Calendar,
}

impl<'a> Site<'a> {
    /// `lists`: each non-draft bundle with its audit values, when it has them.
    pub fn new(base: Base<'a>, lists: &'a [(&'a ListBundle, Option<std::sync::Arc<ListAudit>>)]) -> Site<'a> {
        let followed: std::collections::HashSet<&str> =
            lists.iter().filter_map(|(b, _)| b.meta.follows.as_deref()).collect();
        let listed = lists
            .iter()
            .filter_map(|(b, a)| {
                let last = !followed.contains(b.key().as_str());
                a.as_ref().map(|audit| Listed { bundle: b, audit, last })
            })
            .collect();
        Site {
            root: base.root,
            config: base.config,
            lists: listed,
            bundles: lists.iter().map(|(b, _)| *b).collect(),
            key: base.key,
            today: base.today,
            calendar: base.calendar,
        }
    }

    pub fn settings(&self) -> &AuditSettings {
        &self.config.audit
    }

    pub fn on(&self, check: Check) -> bool {
        check.level(self.settings()) != Level::Off
    }
}

/// What every audit run shares.
#[derive(Clone, Copy)]
pub struct Base<'a> {
    pub root: &'a Path,
    pub config: &'a SiteConfig,
    pub key: &'a NameKey,
    pub today: Date,
    pub calendar: &'a Calendar,
}

/// What the checks found.
#[derive(Debug, Default)]
pub struct Findings {
    pub flags: Vec<Flag>,
    /// Problems in the audit's own files (quotas, 三类人员): always errors.
    pub problems: Vec<Diagnostic>,
    pub quotas: Vec<quotas::QuotaUse>,
    pub changes: Vec<terms::Change>,
    pub deadlines: Vec<objections::Deadline>,
    /// Terms in time order.
    pub terms: Vec<String>,
}

impl Findings {
    /// Errors: problems in the audit's files and flags of checks set to "error".
    pub fn errors(&self, s: &AuditSettings) -> Vec<Diagnostic> {
        let flags = self.flags.iter().filter(|f| f.check.level(s) == Level::Error).map(Flag::diagnostic);
        self.problems.iter().cloned().chain(flags).collect()
    }

    /// Flags of checks set to "warn".
    pub fn warnings(&self, s: &AuditSettings) -> Vec<&Flag> {
        self.flags.iter().filter(|f| f.check.level(s) == Level::Warn).collect()
    }
}

impl Findings {
    /// The lists whose students the report names (by index in
    /// `Site::lists`): in a flag, an objection, a term-over-term change, a
    /// receipts table; every list for 一生一册.
    pub fn named_lists(&self, site: &Site) -> Vec<bool> {
        let all = site.settings().student_files;
        let mut named: Vec<bool> = site.lists.iter().map(|l| all || l.audit.receipts).collect();
        let flagged = self.flags.iter().filter_map(|f| f.student.map(|s| s.0));
        let changed = self.changes.iter().flat_map(|c| c.added.iter().chain(&c.dropped).map(|s| s.0));
        for i in flagged.chain(changed).chain(self.deadlines.iter().map(|d| d.list)) {
            named[i] = true;
        }
        named
    }
}

/// What the build prints of the audit.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    /// One line per finding of a check set to "warn" (`check` prints them all).
    pub warnings: Vec<String>,
    /// Short lines for the end of a build.
    pub lines: Vec<String>,
    /// Files the report and 一生一册 have in the print folder.
    pub files: usize,
}

impl Summary {
    /// Counts of what the checks found, in a few lines.
    pub fn new(site: &Site, f: &Findings) -> Summary {
        let s = site.settings();
        let warnings: Vec<String> = f.warnings(s).iter().map(|w| w.warning()).collect();
        let mut lines = vec![if warnings.is_empty() {
            "审核：没有发现问题".to_string()
        } else {
            let mut by: std::collections::BTreeMap<&str, usize> = Default::default();
            for w in f.warnings(s) {
                *by.entry(w.check.label()).or_default() += 1;
            }
            let parts: Vec<String> = by.iter().map(|(k, n)| format!("{k} {n}")).collect();
            format!("审核：提醒 {} 个（{}）", warnings.len(), parts.join("，"))
        }];
        let (over, under) =
            (f.quotas.iter().filter(|u| u.over()).count(), f.quotas.iter().filter(|u| u.under()).count());
        if f.quotas.iter().any(|u| u.quota.is_some()) {
            lines.push(format!("名额：超出 {over} 处，未用完 {under} 处"));
        }
        if !f.deadlines.is_empty() {
            let late = f.deadlines.iter().filter(|d| d.stage.overdue()).count();
            lines.push(format!("异议：{} 件，超期 {late} 件", f.deadlines.len()));
        }
        lines.extend(receipt_line(site));
        let (added, dropped) = f.changes.iter().fold((0, 0), |(a, d), c| (a + c.added.len(), d + c.dropped.len()));
        if !f.changes.is_empty() {
            lines.push(format!("学期增减：新增 {added} 人，减少 {dropped} 人"));
        }
        Summary { warnings, lines, files: 0 }
    }
}

fn receipt_line(site: &Site) -> Option<String> {
    let mut t = receipts::Tally::default();
    for l in site.lists.iter().filter(|l| l.audit.receipts) {
        for (_, r) in l.kept() {
            t.students += 1;
            t.returned += usize::from(r.has(crate::roster::flag::RECEIPT_RETURNED));
            t.declined += usize::from(r.has(crate::roster::flag::DECLINED));
        }
    }
    (t.students > 0)
        .then(|| format!("回执：回收率 {}，未交回 {} 份，自愿放弃 {} 户", t.rate(), t.missing(), t.declined))
}

/// Every check, in one pass over the lists' values.
pub fn run(site: &Site) -> Findings {
    let mut f = Findings { terms: terms::order(&site.lists), ..Findings::default() };
    let (pairs, (rounds, tiers)) =
        rayon::join(|| double_funding::check(site), || rayon::join(|| rounds::check(site), || tiers::check(site)));
    f.flags.extend(pairs);
    f.flags.extend(rounds);
    f.flags.extend(tiers);
    crate::timing::mark("audit: double funding, rounds, tiers");
    let (flags, problems) = exclusions::check(site);
    f.flags.extend(flags);
    f.problems.extend(problems);
    crate::timing::mark("audit: exclusions");
    let (uses, flags, problems) = quotas::check(site);
    f.quotas = uses;
    f.flags.extend(flags);
    f.problems.extend(problems);
    let (deadlines, flags) = objections::deadlines(site);
    f.deadlines = deadlines;
    f.flags.extend(flags);
    crate::timing::mark("audit: quotas, objections");
    f.changes = terms::changes(site, &f.terms);
    crate::timing::mark("audit: term over term");
    f.flags.retain(|flag| site.on(flag.check));
    f.flags.sort();
    f
}
