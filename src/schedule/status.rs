//! A list's status on a given day.

use super::calendar::Calendar;
use crate::date::Date;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ListStatus {
    /// Before the period: published nowhere.
    Upcoming,
    /// In the period: the masked list is public.
    Active,
    /// After the period: withdrawn; only a notice without names remains.
    Ended,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: Date,
    pub end: Date,
}

impl Period {
    pub fn status(&self, today: Date) -> ListStatus {
        if today < self.start {
            ListStatus::Upcoming
        } else if today <= self.end {
            ListStatus::Active
        } else {
            ListStatus::Ended
        }
    }

    /// Working days left, today included.
    pub fn remaining(&self, today: Date, cal: &Calendar) -> u32 {
        cal.working_days_between(today.max(self.start), self.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifecycle() {
        let p = Period { start: Date::parse("2025-10-10").unwrap(), end: Date::parse("2025-10-16").unwrap() };
        let day = |s| Date::parse(s).unwrap();
        assert_eq!(p.status(day("2025-10-09")), ListStatus::Upcoming);
        assert_eq!(p.status(day("2025-10-10")), ListStatus::Active);
        assert_eq!(p.status(day("2025-10-16")), ListStatus::Active);
        assert_eq!(p.status(day("2025-10-17")), ListStatus::Ended);
        let cal = Calendar::new(&Default::default());
        assert_eq!(p.remaining(day("2025-10-16"), &cal), 1);
        assert_eq!(p.remaining(day("2025-10-13"), &cal), 4);
    }
}
