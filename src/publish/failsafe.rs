//! Fail-safes for servers nobody rebuilds, and the marks a published copy
//! carries so `gongshi status --target` can check it:
//!
//! - `.htaccess` in the output: Apache answers 410 for each active list's
//!   pages once its end has passed (`RewriteCond %{TIME}`, server time);
//! - an nginx `map` with the same effect, written to `schedule/`;
//! - `gongshi-status.json` in the output: the day the copy was built for;
//! - on each list page (theme `list.html`): `data-gongshi-status` and
//!   `data-gongshi-end`, read back here, and a script that swaps the table
//!   for the withdrawal notice on readers' clocks (a courtesy only).

use crate::date::Date;
pub use crate::output::failsafe::{regex_escape, Stamp, HTACCESS, STAMP_FILE};
use crate::publish::timeline::ListTime;

/// The nginx snippet in the site's `schedule/` folder.
pub const NGINX_FILE: &str = "nginx-gongshi.conf";

/// nginx: a `map` for the `http {}` block and one line for `server {}`.
/// Lists not yet withdrawn on `today` (active or upcoming).
pub fn nginx(lists: &[ListTime], root_path: &str, today: Date) -> String {
    let mut out = String::from(
        "# gongshi：名单公示期结束后，nginx 对名单页面返回 410（已撤下）。由 gongshi publish / gongshi schedule 生成，请勿手改。\n\
         # 用法：\n\
         #   1. 把本文件放进 http { } 会 include 的目录（如 /etc/nginx/conf.d/）；\n\
         #   2. 在网站的 server { } 里加一行：  if ($gongshi_withdrawn) { return 410; }\n\
         #   3. nginx -t && systemctl reload nginx\n\
         # 按服务器本地时间判断：服务器时区必须是北京时间（Asia/Shanghai）。\n\
         # 每次有新名单，重新运行 gongshi publish 或 gongshi schedule 后，把新文件替换上去并 reload。\n\
         map \"$time_iso8601 $uri\" $gongshi_withdrawn {\n    default 0;\n",
    );
    for l in lists.iter().filter(|l| l.withdraw_day() > today) {
        out.push_str(&format!(
            "    # {} 公示到 {}\n    \"~^{}\\S* {}{}\" 1;\n",
            l.id,
            l.period.end.iso(),
            at_or_after(&l.withdraw_day().iso()),
            regex_escape(root_path),
            regex_escape(&l.path)
        ));
    }
    out.push_str("}\n");
    out
}

/// A regex matching text that starts with something at or after `s` in
/// text order, for fixed-width strings of digits and separators such as
/// `2025-10-18` against nginx's `$time_iso8601`.
pub fn at_or_after(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut alts = vec![regex_escape(s)];
    for (i, c) in chars.iter().enumerate() {
        if let Some(d) = c.to_digit(10).filter(|d| *d < 9) {
            let prefix: String = chars[..i].iter().collect();
            alts.push(format!("{}[{}-9]", regex_escape(&prefix), d + 1));
        }
    }
    format!("(?:{})", alts.join("|"))
}

/// What a list page in a published copy shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageShows {
    /// The masked list (a page of an active list).
    List,
    /// The withdrawal notice, without names.
    Notice,
}

/// Reads a list page: the theme's `data-gongshi-status`, or for pages of
/// an older theme or a site's own template, whether it holds a table.
pub fn page_shows(html: &str) -> PageShows {
    if let Some(i) = html.find("data-gongshi-status=\"") {
        let rest = &html[i + "data-gongshi-status=\"".len()..];
        return if rest.starts_with("active") { PageShows::List } else { PageShows::Notice };
    }
    if html.contains("class=\"recipients\"") || html.contains("<tbody") && !html.contains("公示期已结束") {
        PageShows::List
    } else {
        PageShows::Notice
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::publish::timeline::{next_day, sample};

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    /// The regex must agree with text order on every date of several years.
    #[test]
    fn at_or_after_agrees_with_text_order() {
        let mut days = Vec::new();
        let mut day = d("2024-01-01");
        while day <= d("2027-12-31") {
            days.push(day.iso());
            day = next_day(day);
        }
        for s in ["2025-10-18", "2025-12-31", "2026-01-01", "2025-09-30", "2029-09-09"] {
            let re = regex_lite(&at_or_after(s));
            for t in &days {
                let stamp = format!("{t}T00:00:00+08:00");
                assert_eq!(re(&stamp), t.as_str() >= s, "{s} vs {t}");
            }
        }
    }

    /// Just enough of a regex engine for `at_or_after`'s output: a group of
    /// alternatives, each literal characters (escaped) and digit classes.
    fn regex_lite(re: &str) -> impl Fn(&str) -> bool {
        let inner = re.strip_prefix("(?:").unwrap().strip_suffix(')').unwrap().to_string();
        move |text: &str| {
            inner.split('|').any(|alt| {
                let t: Vec<char> = text.chars().collect();
                let a: Vec<char> = alt.chars().collect();
                let (mut i, mut j) = (0, 0);
                while j < a.len() {
                    let Some(&c) = t.get(i) else { return false };
                    match a[j] {
                        '\\' => {
                            if c != a[j + 1] {
                                return false;
                            }
                            j += 2;
                        }
                        '[' => {
                            let (lo, hi) = (a[j + 1], a[j + 3]);
                            if c < lo || c > hi {
                                return false;
                            }
                            j += 5;
                        }
                        x => {
                            if c != x {
                                return false;
                            }
                            j += 1;
                        }
                    }
                    i += 1;
                }
                true
            })
        }
    }

    #[test]
    fn nginx_maps_lists_not_yet_withdrawn() {
        let lists =
            [sample("2025-qiu/a", "2025-10-13", "2025-10-17"), sample("2025-chun/b", "2025-03-03", "2025-03-07")];
        let text = nginx(&lists, "/zizhu/", d("2025-10-15"));
        assert!(text.contains("/zizhu/lists/2025\\-qiu/a/\" 1;"), "{text}");
        assert!(text.contains(&at_or_after("2025-10-18")), "{text}");
        assert!(!text.contains("2025\\-chun/b"), "a list already withdrawn needs no rule: {text}");
    }

    #[test]
    fn pages_are_read_by_their_mark_or_their_table() {
        assert_eq!(page_shows(r#"<article data-gongshi-status="active" data-gongshi-end="x">"#), PageShows::List);
        assert_eq!(page_shows(r#"<article data-gongshi-status="ended">"#), PageShows::Notice);
        assert_eq!(page_shows(r#"<table class="recipients"><tbody>"#), PageShows::List);
        assert_eq!(page_shows("<p>公示期已结束</p>"), PageShows::Notice);
    }
}
