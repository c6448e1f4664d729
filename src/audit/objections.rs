//! Objections (异议登记): a private file beside a list's index.md with
//! 收到日期, 身份证号 or 姓名 + 班级, 内容, 核实结果, optional 核实日期 and
//! 复核日期, and 是否调整. A complaint is verified within `verify_days`
//! working days of its receipt and reviewed within `review_days` working
//! days of its verification (新教办〔2022〕12号: 3 and 2); deadlines are
//! counted with the site's working-day calendar against `--today`.

use super::{Check, Flag, Place, Site};
use crate::date::Date;
use crate::diag::Diagnostic;
use crate::roster::SideTable;
use crate::schedule::calendar::Calendar;
use chrono::Duration;
use serde::{Deserialize, Serialize};

/// Headers that mark the header row of an objections file.
pub const HEADERS: [&str; 3] = ["收到日期", "受理日期", "反映日期"];

/// One objection, without its text (cached with the list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Objection {
    pub line: usize,
    pub received: Date,
    pub verified: Option<Date>,
    pub reviewed: Option<Date>,
    /// 核实结果 is filled.
    pub found: bool,
    /// 是否调整 = 是: the student leaves the list.
    pub adjusted: bool,
    /// The row of the list it concerns, when it names a listed student.
    pub row: Option<usize>,
}

/// What only the print folder sees of an objection.
#[derive(Debug, Clone, Default)]
pub struct ObjectionText {
    pub content: String,
    pub finding: String,
    /// The student as the objection names them, masked (when not matched).
    pub name_masked: String,
}

/// A date as staff type it: 2025-10-14, 2025/10/14, 2025.10.14, 2025年10月14日.
pub fn parse_date(s: &str) -> Option<Date> {
    let t = s.trim().trim_end_matches('日');
    let parts: Vec<&str> = t.split(['-', '/', '.', '年', '月']).collect();
    let [y, m, d] = parts.as_slice() else { return None };
    let (y, m, d) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    chrono::NaiveDate::from_ymd_opt(y, m, d).map(Date)
}

fn yes(s: &str) -> bool {
    matches!(s.trim(), "是" | "已调整" | "调整" | "取消" | "y" | "Y" | "yes" | "√" | "✓")
}

/// Reads the objections, matching each to a row of the list with
/// `find(id print, name-and-class print)`.
pub fn read(
    table: &SideTable,
    file: &str,
    find: &dyn Fn(Option<u64>, Option<u64>) -> Option<usize>,
) -> Result<(Vec<Objection>, Vec<ObjectionText>), Vec<Diagnostic>> {
    let col = |names: &[&str]| table.column(names);
    let (received, verified, reviewed) = (col(&HEADERS), col(&["核实日期"]), col(&["复核日期"]));
    let (content, finding, adjusted) =
        (col(&["内容", "异议内容", "反映内容"]), col(&["核实结果", "核实情况"]), col(&["是否调整"]));
    let mut out = (Vec::new(), Vec::new());
    let mut problems = Vec::new();
    for r in &table.rows {
        let date = |c: Option<usize>, what: &str, problems: &mut Vec<Diagnostic>| match table.cell(r, c) {
            "" => None,
            v => parse_date(v).or_else(|| {
                problems.push(
                    Diagnostic::new(
                        file,
                        r.line,
                        format!("{what}{}不是日期", crate::privacy::sniff::quoted_for_message(v)),
                    )
                    .with_hint("日期写成 2025-10-14 或 2025年10月14日"),
                );
                None
            }),
        };
        let Some(got) = date(received, "收到日期", &mut problems) else {
            if table.cell(r, received).is_empty() {
                problems.push(Diagnostic::new(file, r.line, "没有收到日期").with_hint("每条异议都要登记收到日期"));
            }
            continue;
        };
        let o = Objection {
            line: r.line,
            received: got,
            verified: date(verified, "核实日期", &mut problems),
            reviewed: date(reviewed, "复核日期", &mut problems),
            found: !table.cell(r, finding).is_empty(),
            adjusted: yes(table.cell(r, adjusted)),
            row: find(r.id, r.name_class),
        };
        let text = ObjectionText {
            content: table.cell(r, content).to_string(),
            finding: table.cell(r, finding).to_string(),
            name_masked: r.name_masked.clone(),
        };
        out.0.push(o);
        out.1.push(text);
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// 公示结果 of a list whose period has ended: counts only.
pub fn result(objections: &[Objection], count: usize, removed: usize) -> String {
    if objections.is_empty() {
        "公示期满无异议".to_string()
    } else if objections.iter().any(|o| !o.found) {
        "公示期满，异议正在核实，结果另行公布".to_string()
    } else {
        format!("经核实调整 {removed} 人，最终资助 {} 人", count - removed)
    }
}

/// Where an objection stands on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Verifying,
    VerifyOverdue,
    Reviewing,
    ReviewOverdue,
    Done,
    DoneLate,
}

impl Stage {
    pub fn label(self) -> &'static str {
        match self {
            Stage::Verifying => "核实中",
            Stage::VerifyOverdue => "核实超期",
            Stage::Reviewing => "复核中",
            Stage::ReviewOverdue => "复核超期",
            Stage::Done => "已办结",
            Stage::DoneLate => "办结但超期",
        }
    }

    pub fn overdue(self) -> bool {
        matches!(self, Stage::VerifyOverdue | Stage::ReviewOverdue | Stage::DoneLate)
    }
}

/// An objection's deadlines on `today`.
#[derive(Debug, Clone)]
pub struct Deadline {
    /// Index in `Site::lists` and in the list's objections.
    pub list: usize,
    pub objection: usize,
    pub verify_by: Date,
    pub review_by: Date,
    pub stage: Stage,
}

fn next_day(d: Date) -> Date {
    Date(d.0 + Duration::days(1))
}

/// The deadlines of one objection on `today`.
pub fn deadline(o: &Objection, cal: &Calendar, days: (u32, u32), today: Date) -> (Date, Date, Stage) {
    let verify_by = cal.nth_working_day(next_day(o.received), days.0);
    let verified = o.verified.or(if o.found { Some(verify_by.min(today)) } else { None });
    let review_by = cal.nth_working_day(next_day(verified.unwrap_or(verify_by)), days.1);
    let late = |done: Option<Date>, by: Date| done.is_some_and(|d| d > by);
    let stage = match (verified, o.reviewed) {
        (None, _) if today > verify_by => Stage::VerifyOverdue,
        (None, _) => Stage::Verifying,
        (Some(_), None) if today > review_by => Stage::ReviewOverdue,
        (Some(_), None) => Stage::Reviewing,
        (Some(_), Some(r)) if late(o.verified, verify_by) || late(Some(r), review_by) => Stage::DoneLate,
        _ => Stage::Done,
    };
    (verify_by, review_by, stage)
}

/// Every objection's deadlines, and a flag for each one overdue.
pub fn deadlines(site: &Site) -> (Vec<Deadline>, Vec<Flag>) {
    let s = site.settings();
    let days = (s.verify_days.max(1), s.review_days.max(1));
    let mut out = (Vec::new(), Vec::new());
    for (li, l) in site.lists.iter().enumerate() {
        let file = l.bundle.meta.objections.as_deref().map(|f| l.bundle.beside(f)).unwrap_or_default();
        for (oi, o) in l.audit.objections.iter().enumerate() {
            let (verify_by, review_by, stage) = deadline(o, site.calendar, days, site.today);
            out.0.push(Deadline { list: li, objection: oi, verify_by, review_by, stage });
            if !stage.overdue() {
                continue;
            }
            let by = if stage == Stage::VerifyOverdue { verify_by } else { review_by };
            out.1.push(Flag {
                check: Check::Objections,
                term: l.term().to_string(),
                at: Place { file: file.clone(), line: o.line },
                other: o.row.map(|r| l.row_place(&l.audit.rows.rows[r])),
                message: format!(
                    "{}收到的异议{}：期限是 {}（核实 {} 个工作日、复核 {} 个工作日）",
                    o.received.chinese(),
                    stage.label(),
                    by.chinese(),
                    days.0,
                    days.1
                ),
                hint: "尽快核实、复核并在登记表中填写核实日期、核实结果和复核日期".into(),
                student: o.row.map(|r| (li, r)),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn objection(received: &str) -> Objection {
        Objection {
            line: 2,
            received: d(received),
            verified: None,
            reviewed: None,
            found: false,
            adjusted: false,
            row: None,
        }
    }

    #[test]
    fn dates_as_staff_type_them() {
        for s in ["2025-10-14", "2025/10/14", "2025.10.14", "2025年10月14日"] {
            assert_eq!(parse_date(s), Some(d("2025-10-14")), "{s}");
        }
        assert_eq!(parse_date("10月14日"), None);
    }

    #[test]
    fn deadlines_count_working_days_after_receipt() {
        let cal = Calendar::new(&Default::default());
        // Received Thursday 2025-09-25: three working days are 26 (Fri),
        // 28 (Sunday, a make-up workday) and 29; review by 30 and 9 October
        // (1-8 October are the National Day holiday).
        let o = objection("2025-09-25");
        let (verify_by, review_by, stage) = deadline(&o, &cal, (3, 2), d("2025-09-29"));
        assert_eq!((verify_by, review_by, stage), (d("2025-09-29"), d("2025-10-09"), Stage::Verifying));
        assert_eq!(deadline(&o, &cal, (3, 2), d("2025-09-30")).2, Stage::VerifyOverdue);
        let verified = Objection { verified: Some(d("2025-09-26")), found: true, ..o.clone() };
        let (_, review_by, stage) = deadline(&verified, &cal, (3, 2), d("2025-09-30"));
        assert_eq!((review_by, stage), (d("2025-09-29"), Stage::ReviewOverdue));
        let done = Objection { reviewed: Some(d("2025-09-29")), ..verified.clone() };
        assert_eq!(deadline(&done, &cal, (3, 2), d("2025-12-01")).2, Stage::Done);
        let late = Objection { reviewed: Some(d("2025-10-10")), ..verified };
        assert_eq!(deadline(&late, &cal, (3, 2), d("2025-12-01")).2, Stage::DoneLate);
    }

    #[test]
    fn results_are_counts_only() {
        assert_eq!(result(&[], 30, 0), "公示期满无异议");
        let mut o = objection("2025-10-14");
        assert!(result(&[o.clone()], 30, 0).contains("正在核实"));
        o.found = true;
        o.adjusted = true;
        assert_eq!(result(&[o], 30, 1), "经核实调整 1 人，最终资助 29 人");
    }
}
