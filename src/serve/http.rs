//! The preview HTTP server: the built site, `/_print/` on loopback only,
//! and the live-reload endpoints under `/__gongshi/`.

use super::files::{content_type, resolve, with_live_reload};
use super::Shared;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, StatusCode, Uri};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::convert::Infallible;
use std::sync::Arc;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::{Stream, StreamExt};

const SHUTDOWN: &str = "__shutdown";

pub async fn serve(listener: tokio::net::TcpListener, shared: Arc<Shared>) -> anyhow::Result<()> {
    let app = Router::new()
        .route("/__gongshi/live.js", get(live_js))
        .route("/__gongshi/status", get(status))
        .route("/__gongshi/events", get(events))
        .fallback(get(file))
        .with_state(shared.clone());
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            let _ = tokio::signal::ctrl_c().await;
            // Open event streams never end by themselves: tell them to.
            let _ = shared.events.send(SHUTDOWN.into());
        })
        .await?;
    Ok(())
}

async fn live_js() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], include_str!("live.js"))
}

async fn status(State(shared): State<Arc<Shared>>) -> impl IntoResponse {
    let s = shared.status.read().unwrap_or_else(|e| e.into_inner()).clone();
    let body = serde_json::to_string(&s).unwrap_or_else(|_| "{}".into());
    ([(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "no-store")], body)
}

async fn events(State(shared): State<Arc<Shared>>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let stream = BroadcastStream::new(shared.events.subscribe())
        .take_while(|msg| msg.as_deref() != Ok(SHUTDOWN))
        .filter_map(|msg| {
            let msg = msg.ok()?;
            Some(Ok(match msg.split_once('\n') {
                Some((name, text)) => Event::default().event(name).data(text),
                None => Event::default().event(msg).data(""),
            }))
        });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

async fn file(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    let path = uri.path();
    let (dir, rest) = match path.strip_prefix("/_print") {
        Some(rest) if shared.print_allowed => (&shared.print, if rest.is_empty() { "/" } else { rest }),
        Some(_) => return (StatusCode::NOT_FOUND, "告知书只在本机预览时提供").into_response(),
        None => (&shared.public, path),
    };
    let found = resolve(dir, rest).and_then(|p| std::fs::read(&p).ok().map(|bytes| (p, bytes)));
    let (status, file, bytes) = match found {
        Some((p, bytes)) => (StatusCode::OK, p, bytes),
        None => {
            let p = shared.public.join("404.html");
            match std::fs::read(&p) {
                Ok(bytes) => (StatusCode::NOT_FOUND, p, bytes),
                // No successful build yet: a page that shows the problems
                // (through the live-reload script) and reloads once fixed.
                Err(_) => (StatusCode::NOT_FOUND, p, NO_SITE_YET.as_bytes().to_vec()),
            }
        }
    };
    let ty = content_type(&file);
    let bytes = if ty.starts_with("text/html") { with_live_reload(bytes) } else { bytes };
    (status, [(header::CONTENT_TYPE, ty), (header::CACHE_CONTROL, "no-store")], Body::from(bytes)).into_response()
}

const NO_SITE_YET: &str = "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>gongshi 预览</title></head><body><p>还没有构建成功过，修改后会自动刷新。</p></body></html>";
