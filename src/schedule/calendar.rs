//! Working days: Monday to Friday, minus official holidays, plus official
//! make-up working days (调休), from the shipped table and the site's own.

use crate::date::Date;
use chrono::{Datelike, Duration, Weekday};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

const OFFICIAL: &str = include_str!("holidays.toml");

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Days {
    #[serde(default)]
    pub holidays: Vec<Date>,
    #[serde(default)]
    pub workdays: Vec<Date>,
}

#[derive(Debug, Clone, Default)]
pub struct Calendar {
    holidays: BTreeSet<Date>,
    workdays: BTreeSet<Date>,
    covered: BTreeSet<i32>,
}

/// Longest period we will count, so a typo (publicity_days = 500) cannot
/// loop for long.
pub const MAX_DAYS: u32 = 60;

impl Calendar {
    /// The shipped official table, with the site's additions applied last:
    /// a site's workday removes a holiday and vice versa.
    pub fn new(site: &Days) -> Calendar {
        let official: BTreeMap<String, Days> = toml::from_str(OFFICIAL).unwrap_or_default();
        let mut cal = Calendar::default();
        for (year, days) in official {
            if let Ok(y) = year.parse() {
                cal.covered.insert(y);
            }
            cal.holidays.extend(days.holidays);
            cal.workdays.extend(days.workdays);
        }
        for d in &site.holidays {
            cal.workdays.remove(d);
            cal.holidays.insert(*d);
        }
        for d in &site.workdays {
            cal.holidays.remove(d);
            cal.workdays.insert(*d);
        }
        cal
    }

    pub fn is_working_day(&self, d: Date) -> bool {
        if self.workdays.contains(&d) {
            return true;
        }
        if self.holidays.contains(&d) {
            return false;
        }
        !matches!(d.0.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// The `n`th working day counting from `start` (itself included when it
    /// is a working day).
    pub fn nth_working_day(&self, start: Date, n: u32) -> Date {
        let mut d = start;
        let mut counted = 0;
        loop {
            if self.is_working_day(d) {
                counted += 1;
                if counted >= n.max(1) {
                    return d;
                }
            }
            d = Date(d.0 + Duration::days(1));
        }
    }

    /// Working days from `from` to `to`, both included.
    pub fn working_days_between(&self, from: Date, to: Date) -> u32 {
        let mut d = from;
        let mut n = 0;
        while d <= to {
            if self.is_working_day(d) {
                n += 1;
            }
            d = Date(d.0 + Duration::days(1));
        }
        n
    }

    /// Years the official table does not cover, between two dates.
    pub fn uncovered_years(&self, from: Date, to: Date) -> Vec<i32> {
        (from.year()..=to.year()).filter(|y| !self.covered.contains(y)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn national_day_and_make_up_days_2025() {
        let cal = Calendar::new(&Days::default());
        // 2025-09-28 is a Sunday but an official working day.
        assert!(cal.is_working_day(d("2025-09-28")));
        assert!(!cal.is_working_day(d("2025-10-08")));
        // Five working days from Friday 2025-09-26: 26, 28 (Sun, make-up), 29, 30, then 9 (Thu).
        assert_eq!(cal.nth_working_day(d("2025-09-26"), 5), d("2025-10-09"));
    }

    #[test]
    fn start_on_a_weekend_counts_from_the_next_working_day() {
        let cal = Calendar::new(&Days::default());
        assert_eq!(cal.nth_working_day(d("2025-11-22"), 1), d("2025-11-24"));
        assert_eq!(cal.nth_working_day(d("2025-11-24"), 5), d("2025-11-28"));
        assert_eq!(cal.working_days_between(d("2025-11-26"), d("2025-11-28")), 3);
    }

    #[test]
    fn site_days_override_the_official_table() {
        let site = Days { holidays: vec![d("2025-11-24")], workdays: vec![d("2025-10-08")] };
        let cal = Calendar::new(&site);
        assert!(!cal.is_working_day(d("2025-11-24")));
        assert!(cal.is_working_day(d("2025-10-08")));
    }

    #[test]
    fn the_shipped_table_parses_and_covers_its_years() {
        let official: BTreeMap<String, Days> = toml::from_str(OFFICIAL).unwrap();
        assert_eq!(official.keys().collect::<Vec<_>>(), ["2024", "2025", "2026"]);
        let cal = Calendar::new(&Days::default());
        assert_eq!(cal.uncovered_years(d("2026-12-28"), d("2027-01-05")), [2027]);
    }
}
