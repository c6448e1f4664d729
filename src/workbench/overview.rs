//! The site at a glance: every list with its state, period, working days
//! left, withdrawal day and round, the next date the site changes (all as
//! `gongshi status` computes them, `status::rows`), the publish targets,
//! and whether each target's published copy is right for today
//! (`status::check_target`, as `gongshi status --target`).

use super::reply::{self, ApiError, ApiResult};
use super::state::State;
use crate::publish::timeline::Timeline;
use crate::targets::Kind;
use axum::extract::State as Extract;
use serde_json::{json, Value};
use std::sync::Arc;

/// GET /api/overview.
pub async fn overview(Extract(state): Extract<Arc<State>>) -> ApiResult {
    reply::json(&reply::blocking(move || glance(&state)).await?)
}

fn glance(state: &State) -> Result<Value, ApiError> {
    let Ok(root) = state.root() else {
        let suggested = state.start_dir.join("资助公示网站");
        return Ok(json!({
            "site": false,
            "start_dir": crate::platform::shown(&state.start_dir),
            "suggested": crate::platform::shown(&suggested),
        }));
    };
    let today = state.today();
    let (_, config) = state.site()?;
    let timeline = Timeline::load(&root, &config)
        .map_err(|e| ApiError::refused("名单的设置有问题", e.0.iter().map(ToString::to_string).collect()))?;
    let rows = crate::status::rows(&timeline, &config, today);
    let count = |s: &str| rows.iter().filter(|r| r.state == s).count();
    let targets: Vec<Value> = config
        .publish
        .iter()
        .map(|t| json!({ "name": t.name, "describe": t.describe(), "folder": t.kind() == Some(Kind::Folder) }))
        .collect();
    let programmes: Vec<&str> = config.programmes.iter().map(|p| p.name.as_str()).collect();
    let (term, _) = crate::scaffold::list::term_of(today);
    Ok(json!({
        "site": true,
        "root": crate::platform::shown(&root),
        "title": config.title,
        "issuer": config.issuer,
        "today": today.iso(),
        "today_chinese": today.chinese(),
        "lists": rows,
        "active": count("公示中"),
        "upcoming": count("未开始"),
        "ended": count("已结束"),
        "next_change": crate::status::next_change(&timeline, today),
        "targets": targets,
        "programmes": programmes,
        "term": term,
        "built": root.join("public").join("index.html").is_file(),
        "print": root.join("print").join("index.html").is_file(),
    }))
}

/// GET /api/published: each target's published copy against today.
pub async fn published(Extract(state): Extract<Arc<State>>) -> ApiResult {
    reply::json(&reply::blocking(move || targets(&state)).await?)
}

fn targets(state: &State) -> Result<Value, ApiError> {
    let (root, config) = state.site()?;
    let today = state.today();
    let timeline = Timeline::load(&root, &config)
        .map_err(|e| ApiError::refused("名单的设置有问题", e.0.iter().map(ToString::to_string).collect()))?;
    let out: Vec<Value> = config
        .publish
        .iter()
        .map(|t| match crate::status::check_target(&root, &config, t, &timeline, today) {
            Ok(c) if c.problems.is_empty() => json!({
                "name": t.name,
                "ok": true,
                "text": format!("与今天（{today}）相符，核对了 {} 个名单页面", c.pages_read),
            }),
            Ok(c) => json!({
                "name": t.name,
                "ok": false,
                "text": format!("与今天（{today}）不符，需要重新发布"),
                "problems": c.problems,
            }),
            Err(e) => json!({ "name": t.name, "ok": false, "text": format!("无法读取：{}", e.0) }),
        })
        .collect();
    Ok(json!({ "targets": out }))
}
