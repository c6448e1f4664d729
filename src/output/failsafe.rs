//! Fail-safes the build writes into the output, for servers nobody
//! rebuilds (see also `publish::failsafe`):
//!
//! - `.htaccess`: Apache answers 410 for each active list's pages once its
//!   end has passed (`RewriteCond %{TIME}`, server time);
//! - `gongshi-status.json`: the day the copy was built for, read back by
//!   `gongshi status --target`.

use crate::content::list_summary::ListSummary;
use crate::date::Date;
use crate::diag::Diagnostic;
use crate::output::staging::Staging;
use crate::schedule::status::ListStatus;
use serde::{Deserialize, Serialize};

/// The published copy's stamp, at the root of the output.
pub const STAMP_FILE: &str = "gongshi-status.json";
pub const HTACCESS: &str = ".htaccess";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub generator: String,
    /// The `--today` the copy was built for.
    pub today: String,
}

impl Stamp {
    pub fn new(today: Date) -> Stamp {
        Stamp { generator: format!("gongshi {}", env!("CARGO_PKG_VERSION")), today: today.iso() }
    }

    pub fn bytes(&self) -> Vec<u8> {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s.into_bytes()
    }

    pub fn parse(bytes: &[u8]) -> Option<Stamp> {
        serde_json::from_slice(bytes).ok()
    }

    pub fn date(&self) -> Option<Date> {
        Date::parse(&self.today)
    }
}

/// An active list page in the output: its path (`lists/<term>/<slug>/`)
/// and its last day.
pub struct Live<'a> {
    pub path: &'a str,
    pub end: Date,
}

/// `.htaccess` for Apache: 410 for each active list's folder after its end.
pub fn htaccess(lists: &[Live]) -> String {
    let mut out = String::from(
        "# gongshi：名单公示期结束后，Apache 对名单页面返回 410（已撤下）。由 gongshi 生成，请勿手改。\n\
         # 需要启用 mod_rewrite，并允许本目录的 .htaccess（AllowOverride FileInfo 或 All）。\n\
         # 按服务器本地时间判断：服务器时区必须是北京时间（Asia/Shanghai）。\n\
         AddDefaultCharset UTF-8\n\
         ErrorDocument 410 \"该名单的公示期已结束，名单已撤下。\"\n\
         <IfModule mod_rewrite.c>\n\
         RewriteEngine On\n",
    );
    let mut lists: Vec<&Live> = lists.iter().collect();
    lists.sort_by(|a, b| a.path.cmp(b.path));
    for l in lists {
        // %{TIME} is YYYYMMDDHHMMSS: the last second of the end day, compared as text.
        out.push_str(&format!(
            "# {} 公示到 {}\nRewriteCond %{{TIME}} >{}235959\nRewriteRule ^{} - [G]\n",
            l.path.trim_end_matches('/'),
            l.end.iso(),
            l.end.0.format("%Y%m%d"),
            regex_escape(l.path)
        ));
    }
    out.push_str("</IfModule>\n");
    out
}

/// Writes the `.htaccess` and the stamp into a build's staging folder.
pub fn write_to(staging: &Staging, lists: &[ListSummary], root_path: &str, today: Date) -> Result<(), Diagnostic> {
    let live: Vec<Live> = lists
        .iter()
        .filter(|l| l.status == ListStatus::Active)
        .filter_map(|l| {
            let path = l.url.strip_prefix(root_path).unwrap_or(&l.url).trim_start_matches('/');
            Some(Live { path, end: Date::parse(&l.end)? })
        })
        .collect();
    let io = |name: &str, e: std::io::Error| staging.write_failure(name, &e);
    staging.write(HTACCESS, htaccess(&live).as_bytes()).map_err(|e| io(HTACCESS, e))?;
    staging.write(STAMP_FILE, &Stamp::new(today).bytes()).map_err(|e| io(STAMP_FILE, e))
}

/// Backslashes before regex metacharacters (and `#`, quotes, spaces, which
/// Apache and nginx configuration files treat specially).
pub fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$-#\"' ".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn htaccess_answers_410_after_the_last_day() {
        let text = htaccess(&[Live { path: "lists/2025-qiu/yizhong-zhuxuejin/", end: d("2025-10-17") }]);
        assert!(
            text.contains(
                "RewriteCond %{TIME} >20251017235959\nRewriteRule ^lists/2025\\-qiu/yizhong\\-zhuxuejin/ - [G]"
            ),
            "{text}"
        );
        assert!(text.contains("<IfModule mod_rewrite.c>") && text.ends_with("</IfModule>\n"));
    }

    #[test]
    fn stamp_round_trips() {
        let s = Stamp::new(d("2025-10-15"));
        assert_eq!(Stamp::parse(&s.bytes()).unwrap().date(), Some(d("2025-10-15")));
    }
}
