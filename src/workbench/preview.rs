//! 打开预览: `gongshi serve` on a free port of this machine, started by the
//! workbench as a child process (its own private folder, builds, file
//! watch and live reload, exactly as the command), stopped with the
//! workbench (SIGTERM, so it removes its folder).

use super::reply::{self, ApiError, ApiResult};
use super::state::State;
use axum::extract::State as Extract;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc};
use std::time::Duration;

/// How long the first build may take before the preview is given up.
const FIRST_BUILD: Duration = Duration::from_secs(300);

pub struct Preview {
    child: Child,
    pub url: String,
}

impl Preview {
    /// Stops the preview and waits for it to clean up.
    pub fn stop(mut self) {
        #[cfg(unix)]
        // SAFETY: kill has no memory effects; the pid is our child's.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM);
        }
        #[cfg(not(unix))]
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// POST /api/preview: the preview's address (started if it is not running).
pub async fn preview(Extract(state): Extract<Arc<State>>) -> ApiResult {
    let url = reply::blocking(move || running_or_start(&state)).await?;
    reply::json(&serde_json::json!({ "ok": true, "url": url }))
}

fn running_or_start(state: &State) -> Result<String, ApiError> {
    let mut slot = state.preview.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(p) = slot.as_mut() {
        if matches!(p.child.try_wait(), Ok(None)) {
            return Ok(p.url.clone());
        }
    }
    let root = state.root()?;
    let exe = std::env::current_exe()
        .map_err(|e| ApiError::internal(format!("找不到 gongshi 程序：{}", crate::output::error::cause(&e))))?;
    let mut cmd = Command::new(exe);
    cmd.arg("serve").arg("--root").arg(&root).args(["--port", "0", "--bind", "127.0.0.1"]);
    // The preview ends with this workbench, even when it is killed.
    cmd.env(crate::serve::PARENT_ENV, std::process::id().to_string());
    if let Some(d) = state.today {
        cmd.args(["--today", &d.iso()]);
    }
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| ApiError::internal(format!("无法启动预览：{}", crate::output::error::cause(&e))))?;
    let url = match child.stdout.take().map(wait_for_url) {
        Some(Ok(url)) => url,
        other => {
            let _ = child.kill();
            let _ = child.wait();
            let why = match other {
                Some(Err(why)) => why,
                _ => "预览没有启动".into(),
            };
            return Err(ApiError::internal(why));
        }
    };
    *slot = Some(Preview { child, url: url.clone() });
    Ok(url)
}

/// Reads serve's output until it says where it listens; the rest of the
/// output is passed on to this terminal.
fn wait_for_url(out: std::process::ChildStdout) -> Result<String, String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut sent = false;
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            println!("预览：{line}");
            if !sent {
                if let Some(url) = url_in(&line) {
                    let _ = tx.send(url);
                    sent = true;
                }
            }
        }
    });
    rx.recv_timeout(FIRST_BUILD).map_err(|_| "预览没有启动（gongshi serve 没有给出地址）".to_string())
}

/// `正在预览：http://127.0.0.1:41234/（按 Ctrl+C 停止）` → the address.
pub fn url_in(line: &str) -> Option<String> {
    let rest = line.strip_prefix("正在预览：")?;
    let end = rest.find(['（', ' ']).unwrap_or(rest.len());
    Some(rest[..end].to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_address_is_read_from_serve_s_first_line() {
        assert_eq!(
            super::url_in("正在预览：http://127.0.0.1:41234/（按 Ctrl+C 停止）").as_deref(),
            Some("http://127.0.0.1:41234/")
        );
        assert_eq!(super::url_in("已构建：3 个页面"), None);
    }
}
