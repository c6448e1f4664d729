//! 打印告知书: the print folder of the last 生成网站 (`print/index.html`,
//! letters with full names) served under `/print/`, only to this machine
//! and only with the session's token (the cookie the workbench page set).

use super::state::State;
use axum::body::Body;
use axum::extract::State as Extract;
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// Print pages come from the site's templates, which anyone who can edit
/// the site folder controls: served on the workbench's own address, a
/// script in a letter template could read the session token and publish
/// or send letters away. They are sandboxed (an origin of their own, no
/// cookies, no requests); the letters' own inline script (flagging a letter
/// too long for its page) still runs.
const PRINT_CSP: &str = "sandbox allow-scripts allow-modals; default-src 'none'; script-src 'unsafe-inline'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'none'; \
    form-action 'none'; base-uri 'none'";

/// GET /print/…
pub async fn file(Extract(state): Extract<Arc<State>>, uri: Uri) -> Response {
    let Ok(root) = state.root() else { return not_found("这里还没有站点") };
    let rest = uri.path().strip_prefix("/print").unwrap_or("/");
    let rest = if rest.is_empty() { "/" } else { rest };
    let dir = root.join("print");
    let Some(path) = crate::serve::resolve(&dir, rest) else { return not_found("没有这个文件") };
    match std::fs::read(&path) {
        Ok(bytes) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, crate::serve::content_type(&path)),
                (header::CACHE_CONTROL, "no-store"),
                (header::REFERRER_POLICY, "no-referrer"),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
                (header::CONTENT_SECURITY_POLICY, PRINT_CSP),
            ],
            Body::from(bytes),
        )
            .into_response(),
        Err(_) if rest == "/" => not_found("还没有告知书：请先点“生成网站”，告知书会生成到站点的 print 文件夹"),
        Err(_) => not_found("没有这个文件"),
    }
}

fn not_found(text: &str) -> Response {
    let page = format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>告知书</title></head><body style=\"font-size:1.4rem\"><p>{}</p></body></html>",
        crate::escape::html(text)
    );
    (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response()
}
