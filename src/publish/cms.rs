//! CMS export, for bureaus that post into the county portal's shared CMS:
//! a private folder (never inside the output folder) with, for each active
//! list, a paste-ready HTML fragment (notice text, period, hotline, masked
//! table; inline styles only, no scripts), a page to preview and copy them
//! (`index.html`), and a plain take-down list (`撤下清单.txt`). A list that
//! has ended stays on the take-down list as "请于 X 月 X 日撤下" until staff
//! mark its line `[x]`; the next publish records that in the take-down log.
//!
//! The masked table comes from the same public projection as the list's
//! page, and every fragment passes the leak gate's number scan before it
//! is written.

use crate::config::SiteConfig;
use crate::content::list::{self, ListBundle};
use crate::data::table;
use crate::diag::{Diagnostics, Warnings};
use crate::escape::html as esc;
use crate::publish::log::{self, Entry, Event};
use crate::publish::timeline::{Clock, ListTime, Timeline};
use crate::render::markdown;
use crate::roster::{self, Files, PublicTable};
use crate::schedule::status::ListStatus;
use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::path::Path;

pub const TAKE_DOWN_FILE: &str = "撤下清单.txt";
pub const FRAGMENTS_DIR: &str = "名单";
const INDEX_FILE: &str = "index.html";
/// The fragments gongshi wrote (it removes only these).
const OWN_FILE: &str = ".gongshi-cms";
/// Fragments shown in full on the preview page.
const PREVIEWS: usize = 100;

#[derive(Debug, Default)]
pub struct CmsOutcome {
    /// Active lists, each with its fragment written.
    pub active: Vec<String>,
    /// Ended lists still to be taken down from the CMS.
    pub due: Vec<String>,
    /// Lists staff marked as taken down in this run.
    pub confirmed: Vec<String>,
    /// Fragments removed because their list is no longer active.
    pub removed: usize,
    /// Log entries for this target.
    pub entries: Vec<Entry>,
}

#[derive(Debug)]
pub struct CmsError(pub String);

impl std::fmt::Display for CmsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CmsError {}

pub struct Export<'a> {
    pub root: &'a Path,
    pub config: &'a SiteConfig,
    pub timeline: &'a Timeline,
    pub clock: &'a Clock,
    pub dir: &'a Path,
    pub target: &'a str,
    /// The take-down log so far.
    pub log: &'a [Entry],
}

pub fn export(x: &Export) -> Result<CmsOutcome, CmsError> {
    let io = |what: &str, e: std::io::Error| {
        let hint = crate::output::error::hint(&e, x.dir)
            .unwrap_or_else(|| format!("确认目录 {} 可以写入", crate::platform::shown(x.dir)));
        CmsError(format!("CMS 导出：{what}失败：{}\n  提示：{hint}", crate::output::error::cause_at(&e, x.dir)))
    };
    fs::create_dir_all(x.dir.join(FRAGMENTS_DIR)).map_err(|e| io("创建目录", e))?;
    // The export holds names (masked): readable by its owner only.
    crate::output::staging::make_private(x.dir).map_err(|e| io("设置目录权限", e))?;
    let today = x.clock.today;
    let time = log::stamp(x.clock.now);
    let bundles = list::load(x.root, &Diagnostics::default());
    let pages = link_map(x.root, x.config);
    let mut out = CmsOutcome::default();
    let mut written = BTreeSet::new();
    let mut previews = Vec::new();
    let before = log::last_events(x.log, x.target);
    let by_id: HashMap<String, &ListBundle> =
        bundles.iter().map(|b| (format!("{}/{}", b.term_slug, b.slug), b)).collect();
    for l in x.timeline.lists.iter().filter(|l| l.status(today) == ListStatus::Active) {
        let Some(b) = by_id.get(&l.id) else { continue };
        let html = fragment(b, l, x.config, &pages, x.clock)?;
        let name = fragment_name(l);
        write_if_changed(&x.dir.join(FRAGMENTS_DIR).join(&name), html.as_bytes()).map_err(|e| io(&name, e))?;
        written.insert(format!("{FRAGMENTS_DIR}/{name}"));
        // The preview page shows the first lists in full; a province's
        // thousands are linked, not copied into one page twice over.
        previews.push((l, (previews.len() < PREVIEWS).then_some(html)));
        out.active.push(l.id.clone());
        if !matches!(before.get(&l.id), Some(Event::Published)) {
            out.entries.push(Entry::about(&time, x.target, Event::Published, l));
        }
    }
    out.removed = remove_stale(x.dir, &written).map_err(|e| io("删除过期的名单片段", e))?;
    // Take-downs: lists exported before that are no longer active.
    let marked = marked_done(&fs::read_to_string(x.dir.join(TAKE_DOWN_FILE)).unwrap_or_default());
    let mut due = Vec::new();
    let active: std::collections::HashSet<&String> = out.active.iter().collect();
    for (id, event) in &before {
        if !matches!(event, Event::Published | Event::TakeDownDue) || active.contains(id) {
            continue;
        }
        let Some(l) = x.timeline.get(id).cloned().or_else(|| from_log(x.log, id)) else { continue };
        if marked.contains(id) {
            out.entries.push(Entry::about(&time, x.target, Event::TakenDown, &l));
            out.confirmed.push(id.clone());
        } else {
            if *event == Event::Published {
                out.entries.push(Entry::about(&time, x.target, Event::TakeDownDue, &l));
            }
            out.due.push(id.clone());
            due.push(l);
        }
    }
    due.sort_by(|a, b| (a.withdraw_day(), &a.id).cmp(&(b.withdraw_day(), &b.id)));
    out.due = due.iter().map(|l| l.id.clone()).collect();
    let active: Vec<&ListTime> = previews.iter().map(|(l, _)| *l).collect();
    write_if_changed(&x.dir.join(TAKE_DOWN_FILE), take_down_list(&due, &active, today).as_bytes())
        .map_err(|e| io(TAKE_DOWN_FILE, e))?;
    write_if_changed(&x.dir.join(INDEX_FILE), index_page(x.config, &previews, &due, today).as_bytes())
        .map_err(|e| io(INDEX_FILE, e))?;
    fs::write(x.dir.join(OWN_FILE), written.iter().cloned().collect::<Vec<_>>().join("\n"))
        .map_err(|e| io(OWN_FILE, e))?;
    Ok(out)
}

/// `2025-qiu_yizhong-zhuxuejin.html`.
fn fragment_name(l: &ListTime) -> String {
    format!("{}.html", l.id.replace('/', "_"))
}

/// A list no longer in the timeline (its folder was deleted): what the log
/// remembers of it.
fn from_log(log: &[Entry], id: &str) -> Option<ListTime> {
    let e = log.iter().rev().find(|e| e.list == id)?;
    let (start, end) = e.period.split_once(" 至 ")?;
    let (term, slug) = id.split_once('/')?;
    Some(ListTime {
        id: id.into(),
        path: format!("lists/{term}/{slug}/"),
        title: e.title.clone(),
        school: e.school.clone(),
        programme: String::new(),
        term: String::new(),
        round: None,
        period: crate::schedule::status::Period {
            start: crate::date::Date::parse(start)?,
            end: crate::date::Date::parse(end)?,
        },
        days: None,
    })
}

/// `@/` link targets as absolute addresses: a fragment lives on another site.
fn link_map(root: &Path, config: &SiteConfig) -> HashMap<String, String> {
    let content = crate::content::load(root, &Diagnostics::default(), &Warnings::default());
    content.all().map(|e| (e.link_key(), config.absolute(&e.path()))).collect()
}

const BOX: &str = "font-size:16px;line-height:1.75;color:#222;max-width:960px";
const H: &str = "font-size:20px;line-height:1.4;margin:0 0 12px";
const P: &str = "margin:0 0 8px";
const NOTE: &str = "margin:12px 0;padding:8px 12px;background:#fff8e1;border-left:4px solid #e0a800";
const TABLE: &str = "border-collapse:collapse;width:100%;font-size:15px;margin:12px 0";
const CAPTION: &str = "text-align:left;font-weight:bold;padding:4px 0";
const CELL: &str = "border:1px solid #999;padding:4px 8px;text-align:left";

fn fragment(
    b: &ListBundle,
    l: &ListTime,
    config: &SiteConfig,
    pages: &HashMap<String, String>,
    clock: &Clock,
) -> Result<String, CmsError> {
    let m = &b.meta;
    let fail = |what: String| CmsError(format!("CMS 导出：{}：{what}\n  提示：先运行 gongshi check 修正名单", b.file));
    let bytes = fs::read(b.dir.join(&m.data)).map_err(|e| fail(crate::platform::read_failure(&b.data_file(), &e)))?;
    let raw = table::read(Path::new(&m.data), &bytes, m.sheet.as_deref()).map_err(|e| fail(e.message))?;
    drop(bytes);
    let data_file = b.data_file();
    let files =
        Files { data: &data_file, index: &b.file, columns_line: b.line_of("[columns]"), allow_empty: m.allow_empty };
    let loaded = roster::load(raw, m.columns.as_ref(), &files)
        .map_err(|ds| fail(ds.first().map(|d| d.message.clone()).unwrap_or_default()))?;
    let mask = m.name_mask.unwrap_or(config.publicity.name_mask);
    let mut table = PublicTable::project(&loaded.roster, mask, m.show_amount);
    let rows = table.take_rows();
    let total = loaded.roster.total_fen().filter(|_| m.show_amount).map(crate::data::amount::format_yuan);
    drop(loaded);
    let body = markdown::render(&b.body, &markdown::Source { file: &b.file, body_line: b.body_line, pages }).html;
    let hotline = m.hotline.as_deref().unwrap_or(&config.hotline);
    let withdraw = l.withdraw_day();
    let mut h = String::new();
    h.push_str(&format!(
        "<!-- gongshi：{}。复制到 CMS 编辑器的“源代码/HTML”模式中粘贴。公示期至 {}，请于 {}撤下。 -->\n",
        esc(&m.title).replace("--", "－"),
        l.period.end.iso(),
        spaced(withdraw)
    ));
    h.push_str(&format!("<div style=\"{BOX}\">\n<h2 style=\"{H}\">{}</h2>\n", esc(&m.title)));
    let length = l.days.map(|d| format!("（{d}个工作日）")).unwrap_or_default();
    h.push_str(&format!(
        "<p style=\"{P}\"><strong>公示时间：</strong>{}至{}{length}</p>\n",
        l.period.start.chinese(),
        l.period.end.chinese()
    ));
    h.push_str(&format!(
        "<p style=\"{P}\"><strong>学校：</strong>{}　<strong>资助项目：</strong>{}　<strong>学期：</strong>{}</p>\n",
        esc(&m.school),
        esc(&m.programme),
        esc(&m.term)
    ));
    h.push_str(&format!("<p style=\"{P}\"><strong>监督电话：</strong>{}</p>\n", esc(hotline)));
    h.push_str(&format!("<div>{}</div>\n", inline_styles(&body)));
    h.push_str(&format!(
        "<p style=\"{NOTE}\">对名单有异议的，请在公示期内拨打监督电话 {}，或向{}学生资助工作小组书面反映。我们将为反映人保密。</p>\n",
        esc(hotline),
        esc(&m.school)
    ));
    let total = total.map(|t| format!("，合计{t}元")).unwrap_or_default();
    h.push_str(&format!(
        "<table style=\"{TABLE}\">\n<caption style=\"{CAPTION}\">{}（共{}人{total}）</caption>\n<thead><tr><th style=\"{CELL}\">序号</th>",
        esc(&m.title),
        table.count()
    ));
    for head in table.headers() {
        h.push_str(&format!("<th style=\"{CELL}\">{}</th>", esc(head)));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    let styled_td = format!("<td style=\"{CELL}\">");
    for piece in rows.pieces() {
        h.push_str(&piece.replace("<td>", &styled_td));
    }
    h.push_str(&format!("</tbody>\n</table>\n<p style=\"{P}\">共 {} 人{total}。</p>\n", table.count()));
    h.push_str(&format!("<p style=\"{P}\">{}</p>\n</div>\n", esc(&config.issuer)));
    // The leak gate's rule: no personal number in anything that leaves.
    let mut allowed: std::collections::HashSet<String> = config.allowed_numbers().into_iter().collect();
    allowed.insert(crate::privacy::scan::digits_only(hotline));
    if let Some(leak) = crate::privacy::scan::find(&h, &allowed).first() {
        return Err(fail(format!("导出的片段中出现了{}：{}，没有写出", leak.kind, leak.masked)));
    }
    let _ = clock;
    Ok(h)
}

/// The notice text's own tags with inline styles (CMS editors drop `<style>`).
fn inline_styles(html: &str) -> String {
    html.replace("<p>", &format!("<p style=\"{P}\">"))
        .replace("<table>", &format!("<table style=\"{TABLE}\">"))
        .replace("<td>", &format!("<td style=\"{CELL}\">"))
        .replace("<th>", &format!("<th style=\"{CELL}\">"))
}

fn write_if_changed(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if fs::read(path).ok().as_deref() == Some(bytes) {
        return Ok(());
    }
    fs::write(path, bytes)
}

/// Removes fragments gongshi wrote before that are not written now.
fn remove_stale(dir: &Path, written: &BTreeSet<String>) -> std::io::Result<usize> {
    let before = fs::read_to_string(dir.join(OWN_FILE)).unwrap_or_default();
    let mut n = 0;
    for rel in before.lines().filter(|l| !l.is_empty() && !written.contains(*l)) {
        if rel.starts_with(&format!("{FRAGMENTS_DIR}/")) && !rel.contains("..") {
            match fs::remove_file(dir.join(rel)) {
                Ok(()) => n += 1,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(n)
}

/// Ids of take-down lines staff marked done: `[x]` (or `[X]`, `[√]`, `[✓]`)
/// at the start, the id in brackets at the end.
pub fn marked_done(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim();
            let done = ["[x]", "[X]", "[√]", "[✓]", "[✔]", "【x】", "【X】"].iter().any(|m| line.starts_with(m));
            if !done {
                return None;
            }
            let id = line.rsplit_once('[')?.1.strip_suffix(']')?;
            id.contains('/').then(|| id.to_string())
        })
        .collect()
}

fn take_down_list(due: &[ListTime], active: &[&ListTime], today: crate::date::Date) -> String {
    let mut t = format!(
        "gongshi 撤下清单（{} 生成）\r\n\
         在 CMS 中删除一条名单后，把那一行开头的 [ ] 改成 [x] 并保存；下次 gongshi publish 会把撤下记入“发布记录.csv”，这一行就不再出现。\r\n\r\n",
        today.iso()
    );
    t.push_str("一、应撤下（公示期已结束）\r\n");
    if due.is_empty() {
        t.push_str("    （没有）\r\n");
    }
    for l in due {
        let late = if l.withdraw_day() < today { "，已超期" } else { "" };
        t.push_str(&format!(
            "[ ] 请于 {}撤下：{}（{}，公示 {} 至 {}{late}） [{}]\r\n",
            spaced(l.withdraw_day()),
            l.title,
            l.school,
            l.period.start.iso(),
            l.period.end.iso(),
            l.id
        ));
    }
    t.push_str("\r\n二、公示中（到期后撤下）\r\n");
    if active.is_empty() {
        t.push_str("    （没有）\r\n");
    }
    for l in active {
        t.push_str(&format!("    请于 {}撤下：{}（{}） [{}]\r\n", spaced(l.withdraw_day()), l.title, l.school, l.id));
    }
    t
}

/// "10 月 18 日", as in "请于 10 月 18 日撤下".
fn spaced(d: crate::date::Date) -> String {
    use chrono::Datelike;
    format!("{} 月 {} 日", d.0.month(), d.0.day())
}

/// A private page to preview each fragment and copy its source.
fn index_page(
    config: &SiteConfig,
    previews: &[(&ListTime, Option<String>)],
    due: &[ListTime],
    today: crate::date::Date,
) -> String {
    let mut h = format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"robots\" content=\"noindex, nofollow\">\n<title>CMS 导出 - {}</title>\n</head>\n<body style=\"font-family:sans-serif;max-width:1000px;margin:0 auto;padding:16px\">\n<h1>CMS 导出（{} 生成，仅供本单位内部使用，请勿上传本页）</h1>\n",
        esc(&config.title),
        today.iso()
    );
    if !due.is_empty() {
        h.push_str("<h2>应撤下</h2>\n<ul>\n");
        for l in due {
            h.push_str(&format!(
                "<li>请于 {}撤下：{}（{}）</li>\n",
                spaced(l.withdraw_day()),
                esc(&l.title),
                esc(&l.school)
            ));
        }
        h.push_str("</ul>\n<p>撤下后在 撤下清单.txt 中把对应行的 [ ] 改成 [x]。</p>\n");
    }
    h.push_str(&format!("<h2>公示中的名单（{} 份）</h2>\n", previews.len()));
    for (l, frag) in previews {
        let Some(frag) = frag else {
            h.push_str(&format!(
                "<p><a href=\"{FRAGMENTS_DIR}/{}\">{}</a>（请于 {}撤下；用记事本打开复制）</p>\n",
                fragment_name(l),
                esc(&l.title),
                spaced(l.withdraw_day())
            ));
            continue;
        };
        h.push_str(&format!(
            "<section style=\"border-top:2px solid #ccc;margin-top:24px\">\n<h3>{}</h3>\n<p>请于 {}撤下。复制下面框中的全部代码，粘贴到 CMS 编辑器的“源代码”模式：</p>\n<textarea readonly rows=\"8\" style=\"width:100%\" onclick=\"this.select()\">{}</textarea>\n<p>预览：</p>\n{}</section>\n",
            esc(&l.title),
            spaced(l.withdraw_day()),
            esc(frag),
            frag
        ));
    }
    h.push_str("</body>\n</html>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_marks_are_read_back() {
        let text = "[x] 请于 10 月 18 日撤下：甲（学校） [2025-qiu/a]\n[ ] 请于 10 月 18 日撤下：乙 [2025-qiu/b]\n[√] 丙 [2025-qiu/c]\n    请于 … [2025-qiu/d]\n";
        let done: Vec<String> = marked_done(text).into_iter().collect();
        assert_eq!(done, ["2025-qiu/a", "2025-qiu/c"]);
    }
}
