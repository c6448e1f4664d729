//! Server-sent events to every open workbench page ("problems",
//! "overview", "busy"), as `gongshi serve` tells its tabs to reload. The
//! open streams are counted: once the last page has been closed for a
//! while (`IDLE`), the workbench stops by itself and cleans up.

use super::state::State;
use axum::extract::State as Extract;
use axum::response::sse::{Event, KeepAlive, Sse};
use std::convert::Infallible;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::{Stream, StreamExt};

/// Sent to the streams when the workbench stops: they end.
pub const SHUTDOWN: &str = "__shutdown";

/// How long the workbench waits after its last page closed (a reload or a
/// lost connection reconnects well within it). `GONGSHI_WORKBENCH_IDLE`
/// (seconds) changes it, for tests.
fn idle() -> Duration {
    let secs = std::env::var("GONGSHI_WORKBENCH_IDLE").ok().and_then(|s| s.parse().ok()).unwrap_or(120);
    Duration::from_secs(secs)
}

/// One open stream; counted while it lives.
struct Open(Arc<State>);

impl Open {
    fn new(state: Arc<State>) -> Open {
        state.streams.fetch_add(1, Ordering::SeqCst);
        Open(state)
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        if self.0.streams.fetch_sub(1, Ordering::SeqCst) == 1 {
            *self.0.last_closed.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
        }
    }
}

/// GET /api/events.
pub async fn events(Extract(state): Extract<Arc<State>>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let open = Open::new(state.clone());
    let stream = BroadcastStream::new(state.events.subscribe())
        .take_while(|msg| msg.as_deref() != Ok(SHUTDOWN))
        .filter_map(move |msg| {
            let _counted = &open;
            // Browsers drop an event without data (the SSE standard).
            let name = msg.ok()?;
            Some(Ok(Event::default().data(&name).event(name)))
        });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// Resolves once every page has been closed for `idle()` (never before the
/// first page opened).
pub async fn all_closed(state: Arc<State>) {
    let idle = idle();
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let closed = *state.last_closed.lock().unwrap_or_else(|e| e.into_inner());
        if state.streams.load(Ordering::SeqCst) == 0 && closed.is_some_and(|t| t.elapsed() >= idle) {
            return;
        }
    }
}
