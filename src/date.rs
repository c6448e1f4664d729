//! Calendar dates as written in front matter: either a bare TOML date
//! (`date = 2025-10-10`) or a string (`date = "2025-10-10"`).

use chrono::{Datelike, NaiveDate};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

impl Date {
    pub fn parse(s: &str) -> Option<Date> {
        let s = s.trim();
        // Exactly YYYY-MM-DD: chrono alone would also accept "2025-1-5".
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().map(Date)
    }

    /// 2025年10月10日: the form every date takes on a public page.
    pub fn chinese(&self) -> String {
        format!("{}年{}月{}日", self.0.year(), self.0.month(), self.0.day())
    }

    pub fn iso(&self) -> String {
        self.0.format("%Y-%m-%d").to_string()
    }

    /// The system's local date.
    pub fn today() -> Date {
        Date(chrono::Local::now().date_naive())
    }

    pub fn year(&self) -> i32 {
        self.0.year()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.iso())
    }
}

const DATE_HINT: &str = "日期应写成 YYYY-MM-DD，例如 2025-10-10";

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        struct DateVisitor;
        impl<'de> Visitor<'de> for DateVisitor {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(DATE_HINT)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Date, E> {
                Date::parse(v).ok_or_else(|| E::custom(format!("无效的日期“{v}”：{DATE_HINT}")))
            }
            // A bare TOML date arrives as a one-entry map holding its text.
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Date, A::Error> {
                let Some((_, value)) = map.next_entry::<String, String>()? else {
                    return Err(de::Error::custom(DATE_HINT));
                };
                if value.len() > 10 {
                    return Err(de::Error::custom(format!("“{value}”带有时间，这里只需要日期：{DATE_HINT}")));
                }
                self.visit_str(&value)
            }
        }
        d.deserialize_any(DateVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct T {
        d: Date,
    }

    #[test]
    fn bare_and_quoted_dates() {
        let a: T = toml::from_str("d = 2025-10-10").unwrap();
        let b: T = toml::from_str("d = \"2025-10-10\"").unwrap();
        assert_eq!(a.d, b.d);
        assert_eq!(a.d.chinese(), "2025年10月10日");
    }

    #[test]
    fn rejects_bad_dates() {
        assert!(toml::from_str::<T>("d = \"2025-13-01\"").is_err());
        assert!(toml::from_str::<T>("d = \"2025/10/10\"").is_err());
        assert!(toml::from_str::<T>("d = \"2025-1-5\"").is_err());
        assert!(toml::from_str::<T>("d = 2025-10-10T10:00:00").is_err());
        assert!(toml::from_str::<T>("d = 20251010").is_err());
    }
}
