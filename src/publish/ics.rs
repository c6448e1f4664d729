//! A private iCalendar file of every list's start and withdrawal day, for
//! staff calendars (Outlook, WPS, phones). Written to `schedule/`, never
//! published: upcoming lists are in it.

use crate::date::Date;
use crate::publish::timeline::{month_day, Timeline};

pub const ICS_FILE: &str = "公示日历.ics";

/// All-day events: "开始公示" on the first day, "撤下" on the day after the
/// last. Stable UIDs, so a re-import updates instead of duplicating.
pub fn calendar(site_title: &str, timeline: &Timeline, today: Date) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        "PRODID:-//gongshi//publicity lists//ZH".to_string(),
        "CALSCALE:GREGORIAN".to_string(),
        "METHOD:PUBLISH".to_string(),
        format!("X-WR-CALNAME:{}", text(&format!("{site_title} 名单公示"))),
        "X-WR-TIMEZONE:Asia/Shanghai".to_string(),
    ];
    let stamp = format!("{}T000000Z", today.0.format("%Y%m%d"));
    for l in &timeline.lists {
        let events = [
            (
                "start",
                l.period.start,
                format!("开始公示：{}", l.title),
                format!("{}。公示时间 {} 至 {}。", l.school, l.period.start.iso(), l.period.end.iso()),
            ),
            (
                "withdraw",
                l.withdraw_day(),
                format!("撤下名单：{}", l.title),
                format!(
                    "{}。公示期 {} 结束，请于 {} 确认各渠道（网站、公示栏、CMS）已撤下。",
                    l.school,
                    l.period.end.iso(),
                    month_day(l.withdraw_day())
                ),
            ),
        ];
        for (kind, day, summary, description) in events {
            lines.push("BEGIN:VEVENT".into());
            lines.push(format!("UID:{}-{kind}@gongshi", l.id.replace('/', "-")));
            lines.push(format!("DTSTAMP:{stamp}"));
            lines.push(format!("DTSTART;VALUE=DATE:{}", day.0.format("%Y%m%d")));
            lines.push(format!("DTEND;VALUE=DATE:{}", crate::publish::timeline::next_day(day).0.format("%Y%m%d")));
            lines.push(format!("SUMMARY:{}", text(&summary)));
            lines.push(format!("DESCRIPTION:{}", text(&description)));
            lines.push("TRANSP:TRANSPARENT".into());
            lines.push("END:VEVENT".into());
        }
    }
    lines.push("END:VCALENDAR".into());
    let mut out = String::new();
    for line in lines {
        fold(&mut out, &line);
    }
    out
}

/// Escapes iCalendar TEXT.
fn text(s: &str) -> String {
    s.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace('\n', "\\n")
}

/// Lines of at most 75 octets, continued with a space (RFC 5545 3.1),
/// never splitting a character.
fn fold(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::publish::timeline::sample;

    #[test]
    fn events_for_start_and_withdrawal_in_folded_lines() {
        let mut l = sample("2025-qiu/a", "2025-10-13", "2025-10-17");
        l.title = "示例县第一中学2025年秋季学期普通高中国家助学金拟资助学生名单公示,第一榜".into();
        let t = Timeline { lists: vec![l] };
        let ics = calendar("示例县", &t, Date::parse("2025-10-01").unwrap());
        assert!(ics.contains("DTSTART;VALUE=DATE:20251013\r\n"));
        assert!(ics.contains("DTSTART;VALUE=DATE:20251018\r\n"));
        assert!(ics.contains("UID:2025-qiu-a-withdraw@gongshi"));
        assert_eq!(ics.matches("BEGIN:VEVENT").count(), 2);
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "{line}");
        }
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains("名单公示\\,第一榜"), "comma escaped, text whole after unfolding: {unfolded}");
    }
}
