//! The built-in theme's listings of lists (`list_list` and `ended_list` in
//! `macros.html`), written in code. A province's index pages list 20,000
//! lists: given to Tera, their summaries took 100–160 MB of context. Used
//! only where the page's template, `base.html` and `macros.html` are the
//! built-in ones (`BuiltIn::renders`), so a theme that changes any of them
//! still gets the summaries; the bytes are the macros' own (tests below).

use crate::content::list_summary::ListSummary;
use crate::escape::html_into;

/// `m::list_list(lists=lists)` of a non-empty list.
pub(super) fn list_list(lists: &[&ListSummary]) -> String {
    let mut out = String::with_capacity(lists.len() * 400);
    out.push_str(r#"<ul class="page-list list-list">"#);
    for l in lists {
        out.push_str(r#"<li><a href=""#);
        html_into(&mut out, &l.url);
        out.push_str(r#"">"#);
        html_into(&mut out, &l.title);
        out.push_str(r#"</a><p class="page-meta"><span>"#);
        html_into(&mut out, &l.school);
        out.push_str(r#"</span> <span>公示时间：<time datetime=""#);
        html_into(&mut out, &l.start);
        out.push_str(r#"">"#);
        html_into(&mut out, &l.start_cn);
        out.push_str(r#"</time>至<time datetime=""#);
        html_into(&mut out, &l.end);
        out.push_str(r#"">"#);
        html_into(&mut out, &l.end_cn);
        out.push_str("</time></span></p></li>");
    }
    out.push_str("</ul>");
    out
}

/// `m::ended_list(lists=ended)` of a non-empty list.
pub(super) fn ended_list(lists: &[&ListSummary]) -> String {
    let mut out = String::with_capacity(lists.len() * 200);
    out.push_str(r#"<section aria-labelledby="h-ended"><h2 id="h-ended">已结束的公示</h2><ul class="ended-list">"#);
    for l in lists {
        out.push_str(r#"<li><a href=""#);
        html_into(&mut out, &l.url);
        out.push_str(r#"">"#);
        html_into(&mut out, &l.title);
        out.push_str("</a>（公示期已结束）</li>");
    }
    out.push_str("</ul></section>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::status::ListStatus;
    use crate::theme::ThemeSource;

    fn summary(i: usize) -> ListSummary {
        ListSummary {
            title: format!("第{i}中学 <助学金> & \"名单\" '公示'"),
            url: format!("/lists/2025-qiu/s{i}-a&b/"),
            term: "2025年秋季学期".into(),
            term_slug: "2025-qiu".into(),
            programme: "普通高中国家助学金".into(),
            programme_slug: "gaozhong".into(),
            school: format!("合成县<第{i}>学校"),
            status: ListStatus::Active,
            start: "2025-10-13".into(),
            start_cn: "2025年10月13日".into(),
            end: "2025-10-17".into(),
            end_cn: "2025年10月17日".into(),
            count: 3,
            total: None,
            total_fen: None,
        }
    }

    /// The built-in macro's output for `lists`, through Tera as pages get it.
    fn by_tera(call: &str, lists: &[&ListSummary]) -> String {
        let mut tera =
            crate::render::templates::load(std::path::Path::new("/nonexistent"), &ThemeSource::Embedded).unwrap().0;
        let template = format!("{{% import \"macros.html\" as m %}}{{{{ m::{call}(lists=lists) }}}}");
        tera.add_raw_template("t.html", &template).unwrap();
        let mut ctx = tera::Context::new();
        ctx.insert("lists", lists);
        tera.render("t.html", &ctx).unwrap()
    }

    #[test]
    fn the_same_bytes_as_the_built_in_macros() {
        let all: Vec<ListSummary> = (0..3).map(summary).collect();
        for n in 1..=3 {
            let lists: Vec<&ListSummary> = all.iter().take(n).collect();
            assert_eq!(list_list(&lists), by_tera("list_list", &lists));
            assert_eq!(ended_list(&lists), by_tera("ended_list", &lists));
        }
    }
}
