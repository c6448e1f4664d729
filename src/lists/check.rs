//! Checks on a list bundle's front matter that need the rest of the site:
//! declared programme, basis policies, the publicity period.

use crate::config::SiteConfig;
use crate::content::list::ListBundle;
use crate::content::Content;
use crate::diag::Diagnostic;
use crate::names::closest;
use crate::schedule::calendar::{Calendar, MAX_DAYS};
use crate::schedule::status::Period;

pub fn period(b: &ListBundle, cal: &Calendar, warnings: &mut Vec<String>) -> Result<Period, Diagnostic> {
    let m = &b.meta;
    let start = m.publicity_start;
    let end = match (m.publicity_days, m.publicity_end) {
        (Some(_), Some(_)) => {
            return Err(Diagnostic::new(
                &b.file,
                b.line_of("publicity_end"),
                "publicity_days 和 publicity_end 只能写一个",
            )
            .with_hint("按工作日计算写 publicity_days = 5；指定结束日期写 publicity_end = 2025-10-16"))
        }
        (None, None) => {
            return Err(Diagnostic::new(&b.file, b.line_of("publicity_start"), "没有写公示期的长度")
                .with_hint("加一行 publicity_days = 5（工作日），或 publicity_end = 2025-10-16"))
        }
        (Some(days), None) if days == 0 || days > MAX_DAYS => {
            return Err(Diagnostic::new(&b.file, b.line_of("publicity_days"), format!("公示天数 {days} 不合理"))
                .with_hint(format!("公示期一般为 5 或 7 个工作日，最多 {MAX_DAYS} 个工作日")))
        }
        (Some(days), None) => cal.nth_working_day(start, days),
        (None, Some(end)) if end < start => {
            return Err(Diagnostic::new(&b.file, b.line_of("publicity_end"), "公示结束日期早于开始日期"))
        }
        (None, Some(end)) => end,
    };
    let uncovered = cal.uncovered_years(start, end);
    if !uncovered.is_empty() && m.publicity_days.is_some() {
        warnings.push(format!(
            "{}：公示期涉及 {} 年，内置的法定节假日表没有这一年，按周末计算；请在 site-config.toml 的 [calendar] 中补充当年的节假日和调休上班日",
            b.file,
            uncovered.iter().map(|y| y.to_string()).collect::<Vec<_>>().join("、")
        ));
    }
    Ok(Period { start, end })
}

pub fn references(b: &ListBundle, config: &SiteConfig, content: &Content) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let m = &b.meta;
    if config.programme(&m.programme).is_none() {
        let names: Vec<&str> = config.programmes.iter().map(|p| p.name.as_str()).collect();
        let hint = match closest(&m.programme, names.iter().copied()) {
            Some(c) => format!("是不是“{c}”？已声明的资助项目：{}", names.join("、")),
            None => format!("已声明的资助项目：{}（在 site-config.toml 的 [[programmes]] 中声明）", names.join("、")),
        };
        out.push(
            Diagnostic::new(
                &b.file,
                b.line_of(&format!("\"{}\"", m.programme)),
                format!("资助项目“{}”没有声明", m.programme),
            )
            .with_hint(hint),
        );
    }
    for p in &m.policies {
        if content.policy(p).is_none() {
            out.push(
                Diagnostic::new(&b.file, b.line_of(&format!("\"{p}\"")), format!("找不到政策文件“{p}”"))
                    .with_hint("policies 里写的是 content/policies/ 下的文件名（不带 .md）"),
            );
        }
    }
    if !b.dir.join(&m.data).is_file() {
        out.push(
            Diagnostic::new(&b.file, b.line_of("data"), format!("找不到数据文件“{}”", m.data))
                .with_hint("把名单文件放在 index.md 旁边，data 写它的文件名（如 recipients.csv 或 名单.xlsx）"),
        );
    }
    out
}
