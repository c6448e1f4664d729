//! Every list's place in time, read from the site without loading any
//! recipient data: when it starts, ends and must be withdrawn, and the
//! dates on which the site changes. `status`, `schedule`, the fail-safes,
//! the take-down log and the staff calendar all read this.

use crate::config::SiteConfig;
use crate::content::list::{self, ListBundle};
use crate::date::Date;
use crate::diag::{Diagnostics, SiteErrors};
use crate::lists::check;
use crate::schedule::calendar::Calendar;
use crate::schedule::status::{ListStatus, Period};
use chrono::{Duration, NaiveDateTime, NaiveTime};
use std::path::Path;

/// Publicity periods are Beijing time, whatever the machine's clock says.
pub const BEIJING_OFFSET_HOURS: i64 = 8;

/// "Now" for publishing: a date and a Beijing wall-clock time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pub today: Date,
    /// Beijing time.
    pub now: NaiveDateTime,
}

impl Clock {
    /// The real time, in Beijing.
    pub fn system() -> Clock {
        let now = (chrono::Utc::now() + Duration::hours(BEIJING_OFFSET_HOURS)).naive_utc();
        Clock { today: Date(now.date()), now }
    }

    /// `--today D`: that day, at the current Beijing time of day (so a
    /// publish for a given day is stable within the day).
    pub fn on(today: Option<Date>) -> Clock {
        let real = Clock::system();
        match today {
            Some(d) => Clock { today: d, now: d.0.and_time(real.now.time()) },
            None => real,
        }
    }

    /// Seconds from now until `t` (negative once past).
    pub fn seconds_until(&self, t: NaiveDateTime) -> i64 {
        (t - self.now).num_seconds()
    }
}

/// One list (drafts excluded), without its data.
#[derive(Debug, Clone)]
pub struct ListTime {
    /// `2025-qiu/yizhong-zhuxuejin`: the list's id in logs and checks.
    pub id: String,
    /// Site path `lists/<term>/<slug>/`.
    pub path: String,
    pub title: String,
    pub school: String,
    pub programme: String,
    pub term: String,
    pub round: Option<u8>,
    pub period: Period,
    /// `publicity_days`, when the period is counted in working days.
    pub days: Option<u32>,
}

impl ListTime {
    pub fn status(&self, today: Date) -> ListStatus {
        self.period.status(today)
    }

    /// The first day the list must be gone: the day after its end.
    pub fn withdraw_day(&self) -> Date {
        next_day(self.period.end)
    }

    /// The moment it must be gone: the withdrawal day at 00:00, Beijing time.
    pub fn withdraw_at(&self) -> NaiveDateTime {
        self.withdraw_day().0.and_time(NaiveTime::MIN)
    }

    /// The next date after `today` on which this list's status changes.
    pub fn next_change(&self, today: Date) -> Option<Date> {
        match self.status(today) {
            ListStatus::Upcoming => Some(self.period.start),
            ListStatus::Active => Some(self.withdraw_day()),
            ListStatus::Ended => None,
        }
    }

    /// "第一榜" for a round of a 三榜公示.
    pub fn round_label(&self) -> Option<&'static str> {
        match self.round? {
            1 => Some("第一榜"),
            2 => Some("第二榜"),
            3 => Some("第三榜"),
            _ => None,
        }
    }

    /// The page of the list in the output: `lists/<term>/<slug>/index.html`.
    pub fn page_file(&self) -> String {
        format!("{}index.html", self.path)
    }
}

pub fn next_day(d: Date) -> Date {
    Date(d.0 + Duration::days(1))
}

/// Every non-draft list of a site, by id.
#[derive(Debug, Clone, Default)]
pub struct Timeline {
    pub lists: Vec<ListTime>,
}

impl Timeline {
    /// Reads the list bundles' front matter (not their data). A list whose
    /// period cannot be worked out is an error, as in a build.
    pub fn load(root: &Path, config: &SiteConfig) -> Result<Timeline, SiteErrors> {
        let diags = Diagnostics::default();
        let bundles = list::load(root, &diags);
        let problems = diags.into_sorted();
        if !problems.is_empty() {
            return Err(SiteErrors(problems));
        }
        Timeline::of(&bundles, config)
    }

    /// From bundles already read (a build's).
    pub fn of(bundles: &[ListBundle], config: &SiteConfig) -> Result<Timeline, SiteErrors> {
        let diags = Diagnostics::default();
        let cal = Calendar::new(&config.calendar);
        let mut lists = Vec::new();
        for b in bundles.iter().filter(|b| !b.meta.draft) {
            match check::period(b, &cal, &mut Vec::new()) {
                Ok(period) => lists.push(ListTime::of(b, period)),
                Err(d) => diags.push(d),
            }
        }
        let problems = diags.into_sorted();
        if !problems.is_empty() {
            return Err(SiteErrors(problems));
        }
        lists.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(Timeline { lists })
    }

    /// The list with this id (`lists` is kept sorted by id: a province has
    /// 20,000 lists and every published file asks).
    pub fn get(&self, id: &str) -> Option<&ListTime> {
        self.lists.binary_search_by(|l| l.id.as_str().cmp(id)).ok().map(|i| &self.lists[i])
    }

    /// The list whose page is `lists/<term>/<slug>/index.html`.
    pub fn by_page(&self, page_file: &str) -> Option<&ListTime> {
        let id = page_file.strip_prefix("lists/")?.strip_suffix("/index.html")?;
        self.get(id).filter(|l| l.page_file() == page_file)
    }

    /// The next date after `today` on which any list starts or must be withdrawn.
    pub fn next_change(&self, today: Date) -> Option<Date> {
        self.lists.iter().filter_map(|l| l.next_change(today)).min()
    }

    /// Every date after `today` on which the site changes, in order.
    pub fn upcoming_changes(&self, today: Date) -> Vec<(Date, Vec<Change<'_>>)> {
        let mut events: Vec<(Date, Change)> = Vec::new();
        for l in &self.lists {
            if l.period.start > today {
                events.push((l.period.start, Change::Starts(l)));
            }
            if l.withdraw_day() > today {
                events.push((l.withdraw_day(), Change::Ends(l)));
            }
        }
        events.sort_by(|a, b| (a.0, &a.1.list().id).cmp(&(b.0, &b.1.list().id)));
        let mut out: Vec<(Date, Vec<Change>)> = Vec::new();
        for (d, c) in events {
            match out.last_mut() {
                Some((last, cs)) if *last == d => cs.push(c),
                _ => out.push((d, vec![c])),
            }
        }
        out
    }

    /// The latest date up to `today` on which a list started or had to be
    /// withdrawn: a published copy older than this is out of date.
    pub fn last_change(&self, today: Date) -> Option<Date> {
        self.lists.iter().flat_map(|l| [l.period.start, l.withdraw_day()]).filter(|d| *d <= today).max()
    }
}

/// What happens to a list on a date.
#[derive(Debug, Clone, Copy)]
pub enum Change<'a> {
    Starts(&'a ListTime),
    Ends(&'a ListTime),
}

impl<'a> Change<'a> {
    pub fn list(&self) -> &'a ListTime {
        match self {
            Change::Starts(l) | Change::Ends(l) => l,
        }
    }
}

impl ListTime {
    fn of(b: &ListBundle, period: Period) -> ListTime {
        ListTime {
            id: format!("{}/{}", b.term_slug, b.slug),
            path: b.path(),
            title: b.meta.title.clone(),
            school: b.meta.school.clone(),
            programme: b.meta.programme.clone(),
            term: b.meta.term.clone(),
            round: b.meta.round,
            period,
            days: b.meta.publicity_days,
        }
    }
}

/// "10月18日": how dates read in notices to staff.
pub fn month_day(d: Date) -> String {
    use chrono::Datelike;
    format!("{}月{}日", d.0.month(), d.0.day())
}

#[cfg(test)]
pub(crate) fn sample(id: &str, start: &str, end: &str) -> ListTime {
    let (term, slug) = id.split_once('/').unwrap();
    ListTime {
        id: id.to_string(),
        path: format!("lists/{term}/{slug}/"),
        title: format!("{slug}名单公示"),
        school: "示例县第一中学".into(),
        programme: "普通高中国家助学金".into(),
        term: "2025年秋季学期".into(),
        round: None,
        period: Period { start: Date::parse(start).unwrap(), end: Date::parse(end).unwrap() },
        days: Some(5),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn changes_and_their_dates() {
        let t = Timeline {
            lists: vec![sample("t/a", "2025-10-13", "2025-10-17"), sample("t/b", "2025-10-20", "2025-10-24")],
        };
        assert_eq!(t.next_change(d("2025-10-01")), Some(d("2025-10-13")));
        assert_eq!(t.next_change(d("2025-10-13")), Some(d("2025-10-18")));
        assert_eq!(t.next_change(d("2025-10-18")), Some(d("2025-10-20")));
        assert_eq!(t.next_change(d("2025-10-25")), None);
        assert_eq!(t.last_change(d("2025-10-12")), None);
        assert_eq!(t.last_change(d("2025-10-19")), Some(d("2025-10-18")));
        let ch = t.upcoming_changes(d("2025-10-15"));
        let dates: Vec<String> = ch.iter().map(|(d, _)| d.iso()).collect();
        assert_eq!(dates, ["2025-10-18", "2025-10-20", "2025-10-25"]);
        assert!(matches!(ch[0].1[0], Change::Ends(l) if l.id == "t/a"));
        assert_eq!(t.lists[0].withdraw_at().to_string(), "2025-10-18 00:00:00");
        assert_eq!(month_day(t.lists[0].withdraw_day()), "10月18日");
        assert_eq!(t.get("t/b").map(|l| l.id.as_str()), Some("t/b"));
        assert!(t.get("t/c").is_none());
        assert_eq!(t.by_page("lists/t/a/index.html").map(|l| l.id.as_str()), Some("t/a"));
        assert!(t.by_page("lists/t/a/other.html").is_none());
    }

    #[test]
    fn a_given_day_keeps_the_time_of_day() {
        let c = Clock::on(Some(d("2025-10-15")));
        assert_eq!(c.today, d("2025-10-15"));
        assert_eq!(c.now.date(), d("2025-10-15").0);
        let end = d("2025-10-16").0.and_time(NaiveTime::MIN);
        let secs = c.seconds_until(end);
        assert!(secs > 0 && secs <= 86_400, "{secs}");
    }
}
