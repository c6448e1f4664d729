//! The preview HTTP server: the built site, `/_print/` on loopback only,
//! and the live-reload endpoints under `/__gongshi/`. Every request must be
//! addressed to this machine (its Host header), so a web page elsewhere
//! cannot read the preview through a name that resolves here (DNS
//! rebinding).

use super::files::{content_type, resolve, with_live_reload};
use super::Shared;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::convert::Infallible;
use std::net::IpAddr;
use std::sync::Arc;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::{Stream, StreamExt};

const SHUTDOWN: &str = "__shutdown";

/// The signals that stop serve: Ctrl-C (SIGINT), SIGTERM and SIGHUP (the
/// terminal closed). Made before the first build, so none is missed.
pub struct Stop {
    #[cfg(unix)]
    signals: [tokio::signal::unix::Signal; 3],
}

impl Stop {
    /// Must be called inside the runtime.
    pub fn new() -> std::io::Result<Stop> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let signals =
                [signal(SignalKind::interrupt())?, signal(SignalKind::terminate())?, signal(SignalKind::hangup())?];
            Ok(Stop { signals })
        }
        #[cfg(not(unix))]
        Ok(Stop {})
    }

    pub async fn wait(self) {
        #[cfg(unix)]
        {
            let [mut int, mut term, mut hup] = self.signals;
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
                _ = hup.recv() => {}
                _ = parent_gone() => {}
            }
        }
        #[cfg(windows)]
        {
            // Closing the console window (how staff quit a double-clicked
            // gongshi.exe) gives a few seconds to clean up.
            let close = async {
                match tokio::signal::windows::ctrl_close() {
                    Ok(mut c) => {
                        c.recv().await;
                    }
                    Err(_) => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = close => {}
                _ = parent_gone() => {}
            }
        }
    }
}

/// Set by the workbench for the preview it starts: the process to outlive.
pub const PARENT_ENV: &str = "GONGSHI_PARENT_PID";

/// Ends when the process named by `PARENT_ENV` has ended (a workbench
/// killed without cleaning up): its preview, serving letters, stops too.
async fn parent_gone() {
    let Some(pid) = std::env::var(PARENT_ENV).ok().and_then(|p| p.parse::<u32>().ok()) else {
        return std::future::pending().await;
    };
    loop {
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        if !crate::output::lock::alive(pid) {
            return;
        }
    }
}

pub async fn serve(listener: tokio::net::TcpListener, shared: Arc<Shared>, stop: Stop) -> anyhow::Result<()> {
    let app = Router::new()
        .route("/__gongshi/live.js", get(live_js))
        .route("/__gongshi/status", get(status))
        .route("/__gongshi/events", get(events))
        .fallback(get(file))
        .layer(middleware::from_fn_with_state(shared.clone(), this_machine_only))
        .with_state(shared.clone());
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            stop.wait().await;
            // Open event streams never end by themselves: tell them to.
            let _ = shared.events.send(SHUTDOWN.into());
        })
        .await?;
    Ok(())
}

/// Refuses (403) a request whose Host is not this machine.
async fn this_machine_only(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    if host_allowed(host, shared.bind, shared.port) {
        return next.run(req).await;
    }
    let text = format!(
        "gongshi serve 只回应发给本机地址的请求，这个请求的 Host 是“{}”。请用 http://127.0.0.1:{}/ 打开预览。",
        host.chars().take(100).collect::<String>(),
        shared.port
    );
    (StatusCode::FORBIDDEN, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response()
}

/// Whether a Host header names this machine: `localhost`, a loopback
/// address, or the address serve was told to bind (with serve's port, or
/// none). Bound to all addresses (`0.0.0.0`, `::`), any IP address is
/// accepted: DNS rebinding needs a name, an address cannot be rebound.
pub fn host_allowed(host: &str, bind: IpAddr, port: u16) -> bool {
    let (name, host_port) = match host.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((addr, tail)) => (addr, tail.strip_prefix(':')),
            None => return false,
        },
        None => match host.rsplit_once(':') {
            Some((n, p)) => (n, Some(p)),
            None => (host, None),
        },
    };
    if let Some(p) = host_port {
        if p.parse::<u16>() != Ok(port) {
            return false;
        }
    }
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    if name == "localhost" {
        return true;
    }
    match name.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback() || ip == bind || bind.is_unspecified(),
        Err(_) => false,
    }
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
                // Browsers drop an event whose data is empty (the SSE
                // spec's dispatch rule): the name goes in the data too.
                None => Event::default().event(&msg).data(&msg),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_of_this_machine_are_answered() {
        let lo: IpAddr = "127.0.0.1".parse().unwrap();
        for ok in ["127.0.0.1:1111", "localhost:1111", "LOCALHOST", "[::1]:1111", "127.0.0.1", "localhost."] {
            assert!(host_allowed(ok, lo, 1111), "{ok}");
        }
        for bad in ["evil.example:1111", "evil.example", "127.0.0.1:80", "", "[::1", "localhost.evil.example:1111"] {
            assert!(!host_allowed(bad, lo, 1111), "{bad}");
        }
        let lan: IpAddr = "192.168.1.5".parse().unwrap();
        assert!(host_allowed("192.168.1.5:1111", lan, 1111));
        assert!(!host_allowed("192.168.1.6:1111", lan, 1111));
        let any: IpAddr = "0.0.0.0".parse().unwrap();
        assert!(host_allowed("192.168.1.6:1111", any, 1111));
        assert!(!host_allowed("rebind.evil.example:1111", any, 1111));
    }
}
