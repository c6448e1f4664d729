//! The buttons: 检查 (check now), 生成网站 (build into public/ and print/),
//! 发布 (publish to one target), 打开文件夹 (the site folder in the file
//! manager). Each runs as the command of the same name does, one at a
//! time, and answers with what the command would print.

use super::problems::{self, Problem};
use super::reply::{self, ApiError, ApiResult};
use super::state::State;
use crate::pipeline::{self, BuildError, BuildOptions};
use crate::publish::{self, PublishError};
use axum::body::Bytes;
use axum::extract::State as Extract;
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

/// POST /api/check.
pub async fn check(Extract(state): Extract<Arc<State>>) -> ApiResult {
    state.tell("busy");
    reply::json(&reply::blocking(move || problems::check(&state)).await?)
}

/// POST /api/build: `gongshi build` (public/ and print/).
pub async fn build(Extract(state): Extract<Arc<State>>) -> ApiResult {
    state.tell("busy");
    reply::json(&reply::blocking(move || run_build(&state)).await?)
}

fn run_build(state: &State) -> Result<serde_json::Value, ApiError> {
    let root = state.root()?;
    let opts = BuildOptions {
        root,
        out: None,
        print: None,
        today: state.today(),
        write: true,
        base_url: None,
        adopt_out: false,
        adopt_print: false,
        private_dir: None,
    };
    let outcome = {
        let _job = state.jobs.lock().unwrap_or_else(|e| e.into_inner());
        pipeline::build(&opts)
    };
    let lines = match &outcome {
        Ok(s) => {
            let l = s.lists;
            let mut lines = vec![format!(
                "已生成网站：{} 个页面，更新 {} 个文件，未变 {} 个，删除 {} 个，用时 {:.1} 秒 → {}",
                s.pages,
                s.sync.written,
                s.sync.unchanged,
                s.sync.removed,
                s.elapsed.as_secs_f64(),
                crate::platform::shown(&s.out)
            )];
            lines.push(format!(
                "公示名单：公示中 {}，已结束（已撤下）{}，未开始 {}，草稿 {}",
                l.active, l.ended, l.upcoming, l.drafts
            ));
            if s.print.batches > 0 {
                lines.push(format!(
                    "告知书：{} 份，{} 批，写到 {}（含学生姓名，只用于打印，切勿发布到网站）",
                    s.print.letters,
                    s.print.batches,
                    crate::platform::shown(&s.print.dir)
                ));
            }
            lines
        }
        Err(_) => Vec::new(),
    };
    let ok = outcome.is_ok();
    let checked =
        problems::keep(state, problems::from_outcome(outcome.map(|s| (s.pages, s.warnings, s.audit.warnings))))?;
    state.tell("overview");
    let message =
        if ok { "生成完成" } else { "生成失败：已有的 public/ 没有改动，请先改好下面的问题" };
    Ok(json!({ "ok": ok, "message": message, "lines": lines, "problems": checked.problems, "error": checked.error }))
}

#[derive(Deserialize)]
struct Target {
    target: String,
}

/// POST /api/publish {"target": "web"}: `gongshi publish --target web`.
pub async fn publish(Extract(state): Extract<Arc<State>>, body: Bytes) -> ApiResult {
    let t: Target = reply::parse(&body)?;
    state.tell("busy");
    reply::json(&reply::blocking(move || run_publish(&state, t.target)).await?)
}

fn run_publish(state: &State, target: String) -> Result<serde_json::Value, ApiError> {
    let root = state.root()?;
    let opts = publish::Options { root, today: state.today, target: Some(target), s3: Default::default() };
    let outcome = {
        let _job = state.jobs.lock().unwrap_or_else(|e| e.into_inner());
        publish::publish(&opts)
    };
    state.tell("overview");
    let report = match outcome {
        Ok(r) => r,
        Err(PublishError::Usage(m)) => return Err(ApiError::bad(m)),
        Err(PublishError::Site(errors)) | Err(PublishError::Build(BuildError::Site(errors))) => {
            let problems: Vec<Problem> = errors.0.iter().map(Problem::from).collect();
            problems::keep(state, problems::Checked { problems: problems.clone(), ..Default::default() })?;
            return Ok(
                json!({ "ok": false, "message": "构建失败，没有发布：请先改好下面的问题", "problems": problems }),
            );
        }
        Err(PublishError::Build(e)) => return Err(ApiError::internal(format!("构建中断，没有发布：{e}"))),
    };
    let mut lines = Vec::new();
    for t in &report.targets {
        lines.push(match &t.result {
            Ok(line) => format!("发布到“{}”（{}）：{line}", t.name, t.what),
            Err(e) => format!("发布到“{}”（{}）没有完成：{e}", t.name, t.what),
        });
    }
    lines.extend(report.notes.iter().cloned());
    if let Some(d) = report.next_change {
        lines.push(format!("网站下次变化：{d}（到时需要再发布一次）"));
    }
    let ok = !report.failed();
    Ok(json!({ "ok": ok, "message": if ok { "发布完成" } else { "发布没有完成，下次发布会补上" }, "lines": lines }))
}

/// POST /api/open-folder: the site folder in the file manager.
pub async fn open_folder(Extract(state): Extract<Arc<State>>) -> ApiResult {
    let root = state.root()?;
    let root = std::fs::canonicalize(&root).unwrap_or(root);
    let shown = crate::platform::shown(&root);
    if !state.open {
        return reply::json(&json!({ "ok": true, "opened": false, "path": shown }));
    }
    super::system::open(root.as_os_str())
        .map_err(|e| ApiError::internal(format!("无法打开文件夹 {shown}：{}", crate::output::error::cause(&e))))?;
    reply::json(&json!({ "ok": true, "opened": true, "path": shown }))
}

#[derive(Deserialize)]
struct NewSite {
    dir: String,
}

/// POST /api/init {"dir": "…"}: a new site (as `gongshi init`), then the
/// workbench opens it.
pub async fn init(Extract(state): Extract<Arc<State>>, body: Bytes) -> ApiResult {
    let req: NewSite = reply::parse(&body)?;
    let dir = std::path::PathBuf::from(req.dir.trim());
    if req.dir.trim().is_empty() {
        return Err(ApiError::bad("请填写新站点的文件夹"));
    }
    reply::json(
        &reply::blocking(move || {
            if state.root().is_ok() {
                return Err(ApiError::bad("工作台已经打开了一个站点"));
            }
            let n = crate::init::init(&dir, state.today()).map_err(|e| ApiError::refused("没有新建站点", vec![e]))?;
            state.attach(&dir)?;
            state.tell("overview");
            let s = Arc::clone(&state);
            std::thread::spawn(move || problems::check_and_tell(&s));
            Ok(json!({ "ok": true, "message": format!("已新建站点 {}（{n} 个文件）", crate::platform::shown(&dir)) }))
        })
        .await?,
    )
}
