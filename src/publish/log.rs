//! The take-down log: a private CSV in the site folder (never published)
//! that every publish appends to, as evidence of when each list went up
//! and came down on each target. It opens in Excel (UTF-8 with a BOM).
//! It is also the memory of which lists are up on which target.
//!
//! 时间,目标,事件,名单,标题,学校,公示期,说明

use crate::publish::timeline::ListTime;
use std::collections::HashMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub use crate::targets::LOG_FILE;
const HEADER: &str = "时间,目标,事件,名单,标题,学校,公示期,说明";

/// What happened to a list on a target, or to the publish as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The list became visible on the target.
    Published,
    /// The list came down from the target.
    Withdrawn,
    /// CMS: the list has ended and must be taken down by hand.
    TakeDownDue,
    /// CMS: staff marked it as taken down.
    TakenDown,
    /// The publish to the target finished.
    Done,
    /// The publish to the target failed.
    Failed,
}

impl Event {
    pub fn label(self) -> &'static str {
        match self {
            Event::Published => "发布",
            Event::Withdrawn => "撤下",
            Event::TakeDownDue => "待撤下",
            Event::TakenDown => "已撤下（人工确认）",
            Event::Done => "完成",
            Event::Failed => "失败",
        }
    }

    fn parse(s: &str) -> Option<Event> {
        [Event::Published, Event::Withdrawn, Event::TakeDownDue, Event::TakenDown, Event::Done, Event::Failed]
            .into_iter()
            .find(|e| e.label() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub time: String,
    pub target: String,
    pub event: Event,
    pub list: String,
    pub title: String,
    pub school: String,
    pub period: String,
    pub note: String,
}

impl Entry {
    pub fn about(time: &str, target: &str, event: Event, l: &ListTime) -> Entry {
        Entry {
            time: time.into(),
            target: target.into(),
            event,
            list: l.id.clone(),
            title: l.title.clone(),
            school: l.school.clone(),
            period: format!("{} 至 {}", l.period.start.iso(), l.period.end.iso()),
            note: String::new(),
        }
    }

    pub fn summary(time: &str, target: &str, event: Event, note: String) -> Entry {
        Entry {
            time: time.into(),
            target: target.into(),
            event,
            list: String::new(),
            title: String::new(),
            school: String::new(),
            period: String::new(),
            note,
        }
    }

    fn csv(&self) -> String {
        [&self.time, &self.target, self.event.label(), &self.list, &self.title, &self.school, &self.period, &self.note]
            .iter()
            .map(|f| quote(f))
            .collect::<Vec<_>>()
            .join(",")
    }
}

fn quote(field: &str) -> String {
    let field = field.replace(['\r', '\n'], " ");
    if field.contains([',', '"']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field
    }
}

/// Splits one CSV line written by `quote`.
fn fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cur)),
            (c, _) => cur.push(c),
        }
    }
    out.push(cur);
    out
}

pub fn path(root: &Path) -> PathBuf {
    root.join(LOG_FILE)
}

/// Every entry so far (lines that are not entries are skipped).
pub fn read(root: &Path) -> Vec<Entry> {
    let Ok(text) = fs::read_to_string(path(root)) else { return Vec::new() };
    text.trim_start_matches('\u{feff}')
        .lines()
        .skip(1)
        .filter_map(|line| {
            let f = fields(line);
            let event = Event::parse(f.get(2)?)?;
            let get = |i: usize| f.get(i).cloned().unwrap_or_default();
            Some(Entry {
                time: get(0),
                target: get(1),
                event,
                list: get(3),
                title: get(4),
                school: get(5),
                period: get(6),
                note: get(7),
            })
        })
        .collect()
}

/// Appends entries, creating the file with its header (and a BOM, so
/// Excel reads it as UTF-8) the first time.
pub fn append(root: &Path, entries: &[Entry]) -> io::Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let p = path(root);
    let new = !p.exists();
    let mut f = fs::OpenOptions::new().create(true).append(true).open(&p)?;
    let mut text = String::new();
    if new {
        text.push('\u{feff}');
        text.push_str(HEADER);
        text.push_str("\r\n");
    }
    for e in entries {
        text.push_str(&e.csv());
        text.push_str("\r\n");
    }
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

/// The last list event of each list on `target`.
pub fn last_events(entries: &[Entry], target: &str) -> HashMap<String, Event> {
    let mut out = HashMap::new();
    for e in entries.iter().filter(|e| e.target == target && !e.list.is_empty()) {
        out.insert(e.list.clone(), e.event);
    }
    out
}

/// Lists that are up on `target` as far as the log knows.
pub fn up_on(entries: &[Entry], target: &str) -> Vec<String> {
    let mut ids: Vec<String> = last_events(entries, target)
        .into_iter()
        .filter(|(_, e)| matches!(e, Event::Published | Event::TakeDownDue))
        .map(|(id, _)| id)
        .collect();
    ids.sort();
    ids
}

/// The time of a log line: Beijing time.
pub fn stamp(now: chrono::NaiveDateTime) -> String {
    now.format("%Y-%m-%d %H:%M:%S").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::publish::timeline::sample;

    #[test]
    fn entries_round_trip_and_tell_what_is_up() {
        let tmp = tempfile::tempdir().unwrap();
        let a = sample("t/a", "2025-10-13", "2025-10-17");
        let mut b = sample("t/b", "2025-10-13", "2025-10-17");
        b.title = "含,逗号和\"引号\"的标题".into();
        append(
            tmp.path(),
            &[
                Entry::about("2025-10-13 00:05:00", "web", Event::Published, &a),
                Entry::about("2025-10-13 00:05:00", "web", Event::Published, &b),
                Entry::summary("2025-10-13 00:05:00", "web", Event::Done, "上传 3".into()),
            ],
        )
        .unwrap();
        append(tmp.path(), &[Entry::about("2025-10-18 00:05:00", "web", Event::Withdrawn, &a)]).unwrap();
        let text = fs::read_to_string(path(tmp.path())).unwrap();
        assert!(text.starts_with('\u{feff}'));
        assert_eq!(text.matches(HEADER).count(), 1);
        let entries = read(tmp.path());
        assert_eq!(entries.len(), 4);
        assert_eq!(entries[1].title, b.title);
        assert_eq!(up_on(&entries, "web"), ["t/b"]);
        assert!(up_on(&entries, "oss").is_empty());
    }
}
