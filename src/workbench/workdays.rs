//! GET /api/workdays?start=2025-10-15&days=5: the end of a publicity
//! period counted in working days by the site's calendar (weekends, the
//! official holidays and make-up working days, `[calendar]`), as a build
//! counts it; the wizard shows it while the user types.

use super::reply::{self, ApiError, ApiResult};
use super::state::State;
use crate::date::Date;
use crate::schedule::calendar::{Calendar, MAX_DAYS};
use axum::extract::State as Extract;
use axum::http::Uri;
use std::sync::Arc;

/// A value from a query string, percent-decoded.
pub fn query_value(uri: &Uri, key: &str) -> Option<String> {
    let q = uri.query()?;
    q.split('&')
        .find_map(|kv| kv.split_once('=').filter(|(k, _)| *k == key).map(|(_, v)| v.to_string()))
        .and_then(|v| crate::serve::percent_decode(&v))
}

pub async fn workdays(Extract(state): Extract<Arc<State>>, uri: Uri) -> ApiResult {
    let start = query_value(&uri, "start").and_then(|s| Date::parse(&s));
    let days = query_value(&uri, "days").and_then(|d| d.parse::<u32>().ok());
    let (Some(start), Some(days)) = (start, days) else {
        return Err(ApiError::bad("请填写开始日期（如 2025-10-15）和公示天数"));
    };
    if days == 0 || days > MAX_DAYS {
        return Err(ApiError::bad(format!("公示天数应在 1 到 {MAX_DAYS} 个工作日之间（一般为 5 或 7）")));
    }
    let (_, config) = state.site()?;
    let cal = Calendar::new(&config.calendar);
    let end = cal.nth_working_day(start, days);
    let withdraw = crate::publish::timeline::next_day(end);
    let mut notes = Vec::new();
    if !cal.is_working_day(start) {
        notes.push(format!("{} 不是工作日：公示期从下一个工作日算起", start.chinese()));
    }
    let uncovered = cal.uncovered_years(start, end);
    if !uncovered.is_empty() {
        notes.push(format!(
            "内置的法定节假日表没有 {} 年，按周末计算；请在 site-config.toml 的 [calendar] 中补充",
            uncovered.iter().map(ToString::to_string).collect::<Vec<_>>().join("、")
        ));
    }
    reply::json(&serde_json::json!({
        "start": start.iso(),
        "end": end.iso(),
        "end_chinese": end.chinese(),
        "withdraw": withdraw.iso(),
        "withdraw_chinese": withdraw.chinese(),
        "calendar_days": (end.0 - start.0).num_days() + 1,
        "notes": notes,
    }))
}
