//! `gongshi serve`: build, serve over HTTP, watch the site, rebuild on
//! change, and reload open tabs. Output goes to a temporary folder, so the
//! site's own `public/` and `print/` are never touched by previewing.

mod files;
mod http;
mod watch;

use crate::build::{self, BuildError, BuildOptions};
use crate::date::Date;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use tokio::sync::broadcast;

pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    /// Fixed day for list status; default the system date at each rebuild.
    pub today: Option<Date>,
}

/// The last build's outcome, shown to every open tab.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Status {
    pub ok: bool,
    pub message: String,
    pub builds: u64,
}

pub struct Shared {
    pub public: PathBuf,
    pub print: PathBuf,
    /// Letters carry full names: previewed only on this machine.
    pub print_allowed: bool,
    pub status: RwLock<Status>,
    /// "reload" or "problems\n<text>" to every open tab.
    pub events: broadcast::Sender<String>,
}

pub fn run(opts: ServeOptions) -> anyhow::Result<()> {
    let work = std::env::temp_dir().join(format!("gongshi-serve-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let (events, _) = broadcast::channel(16);
    let shared = Arc::new(Shared {
        public: work.join("public"),
        print: work.join("print"),
        print_allowed: opts.bind.is_loopback(),
        status: RwLock::new(Status { ok: true, message: String::new(), builds: 0 }),
        events,
    });
    let addr = SocketAddr::new(opts.bind, opts.port);
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(addr))
        .map_err(|e| anyhow::anyhow!("无法监听 {addr}：{e}（端口被占用？用 --port 换一个端口）"))?;
    let actual = listener.local_addr()?;
    let base_url = format!("http://{actual}/");
    let builder =
        Builder { root: opts.root.clone(), today: opts.today, base_url: base_url.clone(), shared: shared.clone() };
    builder.rebuild();
    println!("正在预览：{base_url}（按 Ctrl+C 停止）");
    if shared.print_allowed {
        println!("告知书预览：{base_url}_print/");
    } else {
        println!("注意：监听的不是本机地址，/_print/ 不提供（告知书含学生姓名，只能在本机预览）");
    }
    let _watcher = watch::start(&opts.root, builder)?;
    let result = runtime.block_on(http::serve(listener, shared));
    let _ = std::fs::remove_dir_all(&work);
    println!("已停止预览。");
    result
}

/// Runs a build into the preview folder and tells the open tabs.
#[derive(Clone)]
pub struct Builder {
    root: PathBuf,
    today: Option<Date>,
    base_url: String,
    shared: Arc<Shared>,
}

impl Builder {
    pub fn rebuild(&self) {
        let opts = BuildOptions {
            root: self.root.clone(),
            out: Some(self.shared.public.clone()),
            print: Some(self.shared.print.clone()),
            today: self.today.unwrap_or_else(Date::today),
            write: true,
            base_url: Some(self.base_url.clone()),
        };
        let outcome = build::build(&opts);
        let mut status = self.shared.status.write().unwrap_or_else(|e| e.into_inner());
        status.builds += 1;
        match outcome {
            Ok(summary) => {
                status.ok = true;
                status.message.clear();
                println!(
                    "已重新构建：{} 个页面，更新 {} 个文件，用时 {:.2} 秒",
                    summary.pages,
                    summary.sync.written,
                    summary.elapsed.as_secs_f64()
                );
                let _ = self.shared.events.send("reload".into());
            }
            Err(e) => {
                let text = match e {
                    BuildError::Site(errors) => errors.0.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n"),
                    other => other.to_string(),
                };
                eprintln!("{text}\n构建失败，继续显示上一次成功构建的结果。");
                status.ok = false;
                status.message = text.clone();
                let _ = self.shared.events.send(format!("problems\n{text}"));
            }
        }
    }
}
