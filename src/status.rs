//! `gongshi status`: every list's state in a table, the site's next change
//! date, the take-down log, and with `--target` a check of the published
//! copy against the day (exit 3 when it is wrong).

use crate::config::SiteConfig;
use crate::date::Date;
use crate::publish::failsafe::{self, PageShows, Stamp, STAMP_FILE};
use crate::publish::log::{self, Entry, Event};
use crate::publish::s3::{Bucket, S3Error};
use crate::publish::s3_plan::{list_id, Manifest};
use crate::publish::timeline::{ListTime, Timeline};
use crate::publish::{cms, folder};
use crate::schedule::calendar::Calendar;
use crate::schedule::status::ListStatus;
use crate::targets::{Kind, Target};
use std::path::Path;

/// Lists ended this many days ago or less are read back from object
/// storage; older ones are trusted to the manifest of a complete publish.
const RECENT_DAYS: i64 = 31;

pub fn state_label(s: ListStatus) -> &'static str {
    match s {
        ListStatus::Upcoming => "未开始",
        ListStatus::Active => "公示中",
        ListStatus::Ended => "已结束",
    }
}

/// One list as `status` shows it: the table's row, and the workbench's.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ListRow {
    pub id: String,
    pub title: String,
    pub school: String,
    pub programme: String,
    /// 第一榜 … or "—".
    pub round: String,
    pub state: &'static str,
    pub start: String,
    pub end: String,
    /// Working days left (active), the whole period (upcoming), or "—".
    pub days_left: String,
    /// `2025-10-22 撤下`, `2025-11-03 开始` or "—".
    pub next: String,
    /// The first day the list must be gone from every channel.
    pub withdraw_day: String,
}

/// Every list, active first, then upcoming, then ended, each by its next
/// change.
pub fn rows(timeline: &Timeline, config: &SiteConfig, today: Date) -> Vec<ListRow> {
    let cal = Calendar::new(&config.calendar);
    let mut lists: Vec<&ListTime> = timeline.lists.iter().collect();
    let rank = |l: &ListTime| match l.status(today) {
        ListStatus::Active => 0,
        ListStatus::Upcoming => 1,
        ListStatus::Ended => 2,
    };
    lists.sort_by(|a, b| {
        (rank(a), a.next_change(today), std::cmp::Reverse(a.period.end), &a.id).cmp(&(
            rank(b),
            b.next_change(today),
            std::cmp::Reverse(b.period.end),
            &b.id,
        ))
    });
    lists.iter().map(|l| row(l, &cal, today)).collect()
}

fn row(l: &ListTime, cal: &Calendar, today: Date) -> ListRow {
    let status = l.status(today);
    let days_left = match status {
        ListStatus::Active => l.period.remaining(today, cal).to_string(),
        ListStatus::Upcoming => format!("（共 {}）", cal.working_days_between(l.period.start, l.period.end)),
        ListStatus::Ended => "—".into(),
    };
    let next = match status {
        ListStatus::Upcoming => format!("{} 开始", l.period.start),
        ListStatus::Active => format!("{} 撤下", l.withdraw_day()),
        ListStatus::Ended => "—".into(),
    };
    ListRow {
        id: l.id.clone(),
        title: l.title.clone(),
        school: l.school.clone(),
        programme: l.programme.clone(),
        round: l.round_label().unwrap_or("—").into(),
        state: state_label(status),
        start: l.period.start.iso(),
        end: l.period.end.iso(),
        days_left,
        next,
        withdraw_day: l.withdraw_day().iso(),
    }
}

/// The site's next change: `网站下次变化：…` without the prefix.
pub fn next_change(timeline: &Timeline, today: Date) -> String {
    match timeline.upcoming_changes(today).first() {
        Some((d, changes)) => {
            let starts = changes.iter().filter(|c| matches!(c, crate::publish::timeline::Change::Starts(_))).count();
            let ends = changes.len() - starts;
            format!("{d}（开始公示 {starts} 份，撤下 {ends} 份）")
        }
        None => "没有（所有名单都已结束）".into(),
    }
}

/// The table of every list, and the site's next change date.
pub fn table(timeline: &Timeline, config: &SiteConfig, today: Date) -> String {
    let lists = rows(timeline, config, today);
    let mut table = vec![["学校", "资助项目", "轮次", "状态", "开始", "结束", "剩余工作日", "下次变化", "名单"]
        .map(String::from)
        .to_vec()];
    for l in &lists {
        table.push(vec![
            l.school.clone(),
            l.programme.clone(),
            l.round.clone(),
            l.state.into(),
            l.start.clone(),
            l.end.clone(),
            l.days_left.clone(),
            l.next.clone(),
            l.id.clone(),
        ]);
    }
    let mut out = format!("今天：{today}（北京时间）\n");
    if lists.is_empty() {
        out.push_str("没有公示名单（草稿不计）。\n");
    } else {
        out.push_str(&align(&table));
    }
    let count = |s: ListStatus| lists.iter().filter(|l| l.state == state_label(s)).count();
    out.push_str(&format!(
        "\n公示中 {}，未开始 {}，已结束 {}。\n",
        count(ListStatus::Active),
        count(ListStatus::Upcoming),
        count(ListStatus::Ended)
    ));
    out.push_str(&format!("网站下次变化：{}。\n", next_change(timeline, today)));
    out
}

/// Columns padded by display width (a Chinese character is two columns).
pub fn align(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> =
        (0..cols).map(|i| rows.iter().filter_map(|r| r.get(i)).map(|c| width(c)).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < row.len() {
                line.push_str(&" ".repeat(widths[i] - width(cell) + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

pub fn width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            let c = c as u32;
            let wide = (0x1100..=0x115f).contains(&c)
                || (0x2e80..=0xa4cf).contains(&c)
                || (0xac00..=0xd7a3).contains(&c)
                || (0xf900..=0xfaff).contains(&c)
                || (0xfe30..=0xfe4f).contains(&c)
                || (0xff00..=0xff60).contains(&c)
                || (0xffe0..=0xffe6).contains(&c)
                || (0x20000..=0x3fffd).contains(&c);
            if wide {
                2
            } else {
                1
            }
        })
        .sum()
}

/// The take-down log as a table (one target's entries, or all).
pub fn log_table(root: &Path, target: Option<&str>) -> String {
    let entries: Vec<Entry> = log::read(root).into_iter().filter(|e| target.is_none_or(|t| e.target == t)).collect();
    if entries.is_empty() {
        return format!("发布记录 {} 里还没有记录。\n", crate::platform::shown(&log::path(root)));
    }
    let mut rows = vec![["时间", "目标", "事件", "名单", "标题", "说明"].map(String::from).to_vec()];
    for e in &entries {
        rows.push(vec![
            e.time.clone(),
            e.target.clone(),
            e.event.label().into(),
            e.list.clone(),
            e.title.clone(),
            e.note.clone(),
        ]);
    }
    format!("发布记录（{}）：\n{}", crate::platform::shown(&log::path(root)), align(&rows))
}

/// What the check of a published copy found.
#[derive(Debug, Default)]
pub struct Check {
    /// Each wrong thing, naming the list.
    pub problems: Vec<String>,
    /// List pages read back.
    pub pages_read: usize,
    /// The day the copy was built for.
    pub stamp: Option<Date>,
}

/// Reading the published copy failed (exit 4).
#[derive(Debug)]
pub struct Unreadable(pub String);

/// How a published copy is read.
trait Copy {
    /// A file of the site, or None when it is not there.
    fn read(&mut self, rel: &str) -> Result<Option<Vec<u8>>, Unreadable>;
    /// List pages present in the copy (`lists/<term>/<slug>/index.html`)
    /// that `wanted` does not already name.
    fn other_list_pages(&mut self, wanted: &dyn Fn(&str) -> bool) -> Result<Vec<String>, Unreadable>;
    /// Reading every page costs little (a folder, not a bucket).
    fn reads_cheaply(&self) -> bool {
        false
    }
    /// Extra problems the target knows of (an unfinished publish).
    fn problems(&mut self) -> Vec<String> {
        Vec::new()
    }
}

/// Checks the published copy of `target` against `today`.
pub fn check_target(
    root: &Path,
    config: &SiteConfig,
    t: &Target,
    timeline: &Timeline,
    today: Date,
) -> Result<Check, Unreadable> {
    let public = root.join("public");
    match t.kind() {
        Some(Kind::Folder) => {
            let dir = folder::resolve(root, t.folder.as_deref().unwrap_or_default());
            check_copy(&mut FolderCopy { dir: &dir }, timeline, today)
        }
        Some(Kind::S3) => {
            let conf = t.s3.as_ref().ok_or_else(|| Unreadable("发布目标设置不完整".into()))?;
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| Unreadable(e.to_string()))?;
            let bucket = Bucket::connect(&t.name, conf).map_err(unreadable)?;
            let manifest = runtime.block_on(bucket.read_manifest()).map_err(unreadable)?;
            check_copy(&mut S3Copy { bucket: &bucket, runtime: &runtime, manifest }, timeline, today)
        }
        Some(Kind::Cms) => Ok(check_cms(root, t, timeline, today)),
        None => {
            let _ = (config, public);
            Err(Unreadable(format!("发布目标“{}”没有设置 folder、s3 或 cms", t.name)))
        }
    }
}

fn unreadable(e: S3Error) -> Unreadable {
    Unreadable(e.to_string())
}

fn describe(l: &ListTime) -> String {
    format!("{}（{}，公示 {} 至 {}，{}）", l.title, l.school, l.period.start, l.period.end, l.id)
}

fn check_copy(copy: &mut dyn Copy, timeline: &Timeline, today: Date) -> Result<Check, Unreadable> {
    let mut c = Check { problems: copy.problems(), ..Check::default() };
    match copy.read(STAMP_FILE)?.as_deref().and_then(Stamp::parse) {
        Some(stamp) => {
            c.stamp = stamp.date();
            if let (Some(made), Some(last)) = (stamp.date(), timeline.last_change(today)) {
                if made < last {
                    c.problems.push(format!(
                        "发布的网站是按 {made} 生成的，早于最近一次名单变化的日期 {last}：需要重新发布（gongshi publish）"
                    ));
                }
            }
        }
        None => {
            c.problems.push(format!("发布的网站里没有 {STAMP_FILE}：还没有用 gongshi publish 发布过，或发布没有完成"))
        }
    }
    let recent = |l: &ListTime| (today.0 - l.withdraw_day().0).num_days() <= RECENT_DAYS;
    for l in &timeline.lists {
        let status = l.status(today);
        if status == ListStatus::Ended && !recent(l) && !copy.reads_cheaply() {
            continue;
        }
        let shows = copy.read(&l.page_file())?.map(|b| failsafe::page_shows(&String::from_utf8_lossy(&b)));
        c.pages_read += 1;
        match (status, shows) {
            (ListStatus::Active, Some(PageShows::List)) => {}
            (ListStatus::Active, _) => c.problems.push(format!("缺少公示中的名单：{}", describe(l))),
            (ListStatus::Ended, Some(PageShows::List)) => {
                c.problems.push(format!("应撤下但仍在公示：{}，应于 {} 撤下", describe(l), l.withdraw_day()))
            }
            (ListStatus::Upcoming, Some(_)) => c.problems.push(format!("未到公示时间却已公开：{}", describe(l))),
            _ => {}
        }
    }
    let known = |p: &str| timeline.by_page(p).is_some();
    for page in copy.other_list_pages(&known)? {
        if let Some(b) = copy.read(&page)? {
            c.pages_read += 1;
            if failsafe::page_shows(&String::from_utf8_lossy(&b)) == PageShows::List {
                c.problems.push(format!("站点中已没有这份名单，但发布的网站上仍在公示：{page}"));
            }
        }
    }
    Ok(c)
}

struct FolderCopy<'a> {
    dir: &'a Path,
}

impl Copy for FolderCopy<'_> {
    fn reads_cheaply(&self) -> bool {
        true
    }

    fn read(&mut self, rel: &str) -> Result<Option<Vec<u8>>, Unreadable> {
        match std::fs::read(self.dir.join(rel)) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Unreadable(crate::platform::read_failure(&crate::platform::shown(&self.dir.join(rel)), &e))),
        }
    }

    fn other_list_pages(&mut self, wanted: &dyn Fn(&str) -> bool) -> Result<Vec<String>, Unreadable> {
        let lists = self.dir.join("lists");
        if !self.dir.is_dir() {
            return Err(Unreadable(format!("发布目录 {} 不存在：还没有发布过", crate::platform::shown(self.dir))));
        }
        let mut out = Vec::new();
        for e in walkdir::WalkDir::new(&lists).min_depth(3).max_depth(3).into_iter().flatten() {
            let rel = format!(
                "lists/{}",
                e.path().strip_prefix(&lists).unwrap_or(e.path()).to_string_lossy().replace('\\', "/")
            );
            if rel.ends_with("/index.html") && !wanted(&rel) {
                out.push(rel);
            }
        }
        out.sort();
        Ok(out)
    }
}

struct S3Copy<'a> {
    bucket: &'a Bucket,
    runtime: &'a tokio::runtime::Runtime,
    manifest: Option<Manifest>,
}

impl Copy for S3Copy<'_> {
    fn read(&mut self, rel: &str) -> Result<Option<Vec<u8>>, Unreadable> {
        if let Some(m) = &self.manifest {
            // A complete publish lists every object: no request for what is not there.
            if m.is_complete() && !m.objects.contains_key(rel) {
                return Ok(None);
            }
        }
        Ok(self.runtime.block_on(self.bucket.get(rel)).map_err(unreadable)?.map(|(b, _)| b.to_vec()))
    }

    fn other_list_pages(&mut self, wanted: &dyn Fn(&str) -> bool) -> Result<Vec<String>, Unreadable> {
        let keys: Vec<String> = match &self.manifest {
            Some(m) => m.objects.keys().cloned().collect(),
            None => self.runtime.block_on(self.bucket.list()).map_err(unreadable)?.into_keys().collect(),
        };
        let mut out: Vec<String> = keys
            .into_iter()
            .filter(|k| list_id(k).is_some() && k.ends_with("/index.html") && k.matches('/').count() == 3 && !wanted(k))
            .collect();
        out.sort();
        Ok(out)
    }

    fn problems(&mut self) -> Vec<String> {
        match &self.manifest {
            Some(m) if !m.is_complete() => {
                vec!["上一次发布没有完成（中途中断或出错）：重新运行 gongshi publish 会接着完成".into()]
            }
            _ => Vec::new(),
        }
    }
}

/// A CMS copy cannot be read back: what gongshi knows is the take-down log.
fn check_cms(root: &Path, t: &Target, timeline: &Timeline, today: Date) -> Check {
    let mut c = Check::default();
    let entries = log::read(root);
    let last = log::last_events(&entries, &t.name);
    let dir = folder::resolve(root, t.cms.as_deref().unwrap_or_default());
    let marked = cms::marked_done(&std::fs::read_to_string(dir.join(cms::TAKE_DOWN_FILE)).unwrap_or_default());
    for l in &timeline.lists {
        let event = last.get(&l.id).copied();
        match (l.status(today), event) {
            (ListStatus::Active, Some(Event::Published)) => {}
            (ListStatus::Active, _) => {
                c.problems.push(format!("缺少公示中的名单（还没有导出到 CMS）：{}", describe(l)))
            }
            (_, Some(Event::Published | Event::TakeDownDue)) if !marked.contains(&l.id) => c.problems.push(format!(
                "应撤下但尚未确认从 CMS 撤下：{}，应于 {} 撤下（撤下后在 {} 中标记 [x]）",
                describe(l),
                l.withdraw_day(),
                cms::TAKE_DOWN_FILE
            )),
            _ => {}
        }
    }
    let last_run = entries.iter().rev().find(|e| e.target == t.name && e.event == Event::Done);
    if let (Some(run), Some(change)) = (last_run, timeline.last_change(today)) {
        if run.time.get(..10).and_then(Date::parse).is_some_and(|d| d < change) {
            c.problems.push(format!(
                "CMS 导出是 {} 做的，早于最近一次名单变化的日期 {change}：需要重新运行 gongshi publish",
                run.time
            ));
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_takes_two_columns() {
        assert_eq!(width("学校ab"), 6);
        let t = align(&[vec!["学校".into(), "x".into()], vec!["a".into(), "y".into()]]);
        assert_eq!(t, "学校  x\na     y\n");
    }
}
