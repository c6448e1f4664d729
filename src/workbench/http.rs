//! The workbench's routes, behind the guard (this machine, the token):
//! the page, the API under `/api/`, the print folder under `/print/`.

use super::guard::{self, Presented, Verdict};
use super::state::State;
use super::{actions, events, new_list, new_policy, overview, preview, print, problems, reply, upload, workdays};
use axum::extract::{DefaultBodyLimit, Request, State as Extract};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use std::sync::Arc;

pub fn router(state: Arc<State>) -> Router {
    let uploads = Router::new()
        .route("/api/list/upload", post(new_list::upload))
        .route("/api/policy/upload", post(new_policy::upload))
        .layer(DefaultBodyLimit::max(upload::MAX_BYTES));
    Router::new()
        .route("/", get(page))
        .route("/api/overview", get(overview::overview))
        .route("/api/published", get(overview::published))
        .route("/api/problems", get(last_check))
        .route("/api/events", get(events::events))
        .route("/api/workdays", get(workdays::workdays))
        .route("/api/check", post(actions::check))
        .route("/api/build", post(actions::build))
        .route("/api/publish", post(actions::publish))
        .route("/api/open-folder", post(actions::open_folder))
        .route("/api/preview", post(preview::preview))
        .route("/api/init", post(actions::init))
        .route("/api/list/preview", post(new_list::roles))
        .route("/api/list/create", post(new_list::create))
        .route("/api/policy/create", post(new_policy::create))
        .route("/print", get(print::file))
        .route("/print/", get(print::file))
        .route("/print/{*rest}", get(print::file))
        .merge(uploads)
        .layer(middleware::from_fn_with_state(state.clone(), guarded))
        .with_state(state)
}

/// Refuses (403) requests for another host or without the token.
async fn guarded(Extract(state): Extract<Arc<State>>, req: Request, next: Next) -> Response {
    let h = req.headers();
    let text = |name: header::HeaderName| h.get(name).and_then(|v| v.to_str().ok());
    let host = text(header::HOST).unwrap_or("").to_string();
    let presented = Presented {
        query: guard::query_token(req.uri().query()),
        header: h.get(guard::TOKEN_HEADER).and_then(|v| v.to_str().ok()),
        cookie: guard::cookie_token(text(header::COOKIE)),
    };
    let message = match guard::judge(&host, state.port, req.method(), &presented, &state.token) {
        Verdict::Allow => return next.run(req).await,
        Verdict::ForeignHost => format!(
            "gongshi 工作台只回应发给本机地址的请求，这个请求的 Host 是“{}”。",
            host.chars().take(100).collect::<String>()
        ),
        Verdict::NoToken => "这个地址缺少工作台的口令。请从运行 gongshi 的窗口里显示的地址打开工作台（地址末尾带有 ?t=…）；如果窗口已经关了，重新双击 gongshi 或运行 gongshi workbench。".into(),
    };
    (StatusCode::FORBIDDEN, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], message).into_response()
}

/// The page, with the token for its API requests; sets the cookie that
/// lets `/print/` pages (opened in new tabs) through.
async fn page(Extract(state): Extract<Arc<State>>) -> Response {
    let html = super::page::html(&state.token);
    let cookie = format!("{}={}; Path=/; HttpOnly; SameSite=Strict", guard::COOKIE, state.token);
    let mut resp = (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        html,
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    let csp = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";
    resp.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
    resp
}

/// GET /api/problems: the last check.
async fn last_check(Extract(state): Extract<Arc<State>>) -> reply::ApiResult {
    let c: problems::Checked = state.checked.read().unwrap_or_else(|e| e.into_inner()).clone();
    reply::json(&c)
}
