//! `gongshi workbench` (and `gongshi` with no arguments, or with a site
//! folder dropped onto it): the local workbench (工作台) in the browser, for
//! staff without a command line. A server on 127.0.0.1 (a free port)
//! answers only this machine and only requests with the session's token,
//! which is in the address it opens. It checks the site as files change,
//! shows every list's state, builds, publishes, previews, opens letters
//! for printing, and writes new lists and policies through wizards.
//! Ctrl-C (SIGINT, SIGTERM, SIGHUP), or every page closed for a while,
//! stops it; its private work folder in `.gongshi-cache/` and the preview
//! go with it.

mod actions;
mod events;
mod guard;
mod http;
mod new_list;
mod new_policy;
mod overview;
mod page;
mod preview;
mod print;
mod problems;
mod reply;
mod state;
pub use state::sweep_stale;
mod system;
mod upload;
mod workdays;

use crate::date::Date;
use state::State;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

pub use state::WORK_PREFIX;

pub struct Options {
    /// The site folder; None when no site was found (the page offers to
    /// make one beside `start_dir`).
    pub root: Option<PathBuf>,
    pub start_dir: PathBuf,
    pub today: Option<Date>,
    /// Open the default browser (off for tests: `--no-open`).
    pub open: bool,
}

pub fn run(opts: Options) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let stop = runtime.block_on(async { crate::serve::Stop::new() })?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(SocketAddr::new(Ipv4Addr::LOCALHOST.into(), 0)))
        .map_err(|e| anyhow::anyhow!("无法在本机打开工作台的端口：{e}"))?;
    let port = listener.local_addr()?.port();
    let token = guard::new_token();
    let state = Arc::new(State::new(token.clone(), port, opts.today, opts.open, opts.start_dir.clone()));
    if let Some(root) = &opts.root {
        state.attach(root).map_err(|e| anyhow::anyhow!(e.message))?;
        let first = state.clone();
        std::thread::spawn(move || problems::check_and_tell(&first));
    }
    let url = format!("http://127.0.0.1:{port}/?t={token}");
    say_where(&opts, &url);
    if opts.open {
        if let Err(e) = system::open(std::ffi::OsStr::new(&url)) {
            println!("无法自动打开浏览器（{e}），请把上面的地址复制到浏览器的地址栏。");
        }
    }
    let app = http::router(state.clone());
    let shutdown_state = state.clone();
    let served = runtime.block_on(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                tokio::select! {
                    () = stop.wait() => {}
                    () = events::all_closed(shutdown_state.clone()) => println!("工作台的网页都已关闭。"),
                }
                shutdown_state.tell(events::SHUTDOWN);
            })
            .await
    });
    clean_up(&state);
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
    println!("已关闭工作台。");
    served.map_err(Into::into)
}

fn say_where(opts: &Options, url: &str) {
    match &opts.root {
        Some(root) => println!("gongshi 工作台：{}", crate::platform::shown(root)),
        None => println!(
            "{} 里没有 gongshi 站点（找不到 site-config.toml）。可以在打开的网页上新建一个站点，或者把站点文件夹拖到 gongshi 上打开。",
            crate::platform::shown(&opts.start_dir)
        ),
    }
    println!("工作台地址：{url}");
    println!("请用浏览器打开上面的地址（只能在这台电脑上打开）。用完关闭网页，或在这个窗口按 Ctrl+C 关闭工作台。");
}

/// Stops the preview and removes the work folder (uploads, check output).
fn clean_up(state: &State) {
    if let Some(p) = state.preview.lock().unwrap_or_else(|e| e.into_inner()).take() {
        p.stop();
    }
    // A job still running keeps the lock: wait for it, so nothing writes
    // into the folder as it goes.
    let _job = state.jobs.lock().unwrap_or_else(|e| e.into_inner());
    state.detach();
}
