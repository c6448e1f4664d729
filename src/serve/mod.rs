//! `gongshi serve`: build, serve over HTTP, watch the site, rebuild on
//! change, and reload open tabs. Output goes to a private temporary folder
//! (0700, removed on Ctrl-C, SIGTERM and SIGHUP), so the site's own
//! `public/` and `print/` are never touched by previewing.

mod files;
mod http;
mod watch;

pub use files::{content_type, percent_decode, resolve};
pub use http::{host_allowed, Stop, PARENT_ENV};
pub use watch::on_change;

use crate::date::Date;
use crate::diag::Diagnostic;
use crate::output::private_dir::PrivateDir;
use crate::pipeline::{self, BuildError, BuildOptions};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
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
    /// Listening on this machine only: letters (full names) are previewed
    /// and problems are shown in full only then.
    pub print_allowed: bool,
    /// What requests must be addressed to (the Host header).
    pub bind: IpAddr,
    pub port: u16,
    pub status: RwLock<Status>,
    /// "reload" or "problems\n<text>" to every open tab.
    pub events: broadcast::Sender<String>,
}

pub fn run(opts: ServeOptions) -> anyhow::Result<()> {
    let work = PrivateDir::new("serve")
        .map_err(|e| anyhow::anyhow!("无法创建预览用的临时目录：{}", crate::output::error::cause(&e)))?;
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    // Listening for the signals from the start: one arriving during the
    // first build stops serve as soon as it is done (and the folder goes).
    let stop = runtime.block_on(async { http::Stop::new() })?;
    let addr = SocketAddr::new(opts.bind, opts.port);
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(addr))
        .map_err(|e| anyhow::anyhow!("无法监听 {addr}：{e}（端口被占用？用 --port 换一个端口）"))?;
    let actual = listener.local_addr()?;
    let (events, _) = broadcast::channel(16);
    let shared = Arc::new(Shared {
        public: work.path().join("public"),
        print: work.path().join("print"),
        print_allowed: opts.bind.is_loopback(),
        bind: opts.bind,
        port: actual.port(),
        status: RwLock::new(Status { ok: true, message: String::new(), builds: 0 }),
        events,
    });
    let base_url = format!("http://{actual}/");
    let builder = Builder {
        root: opts.root.clone(),
        today: opts.today,
        base_url: base_url.clone(),
        private: work.path().to_path_buf(),
        shared: shared.clone(),
        stopped: Arc::new(Mutex::new(false)),
    };
    builder.rebuild();
    println!("正在预览：{base_url}（按 Ctrl+C 停止）");
    if shared.print_allowed {
        println!("告知书预览：{base_url}_print/");
    } else {
        println!("注意：监听的不是本机地址，/_print/ 不提供（告知书含学生姓名，只能在本机预览）；网页上的问题提示不显示名单数据，详情只在这个窗口里显示");
    }
    let rebuilder = builder.clone();
    let _watcher = watch::on_change(&opts.root, move || rebuilder.rebuild())?;
    let result = runtime.block_on(http::serve(listener, shared, stop));
    // No rebuild may write into the folder once it is being removed.
    *builder.stopped.lock().unwrap_or_else(|e| e.into_inner()) = true;
    drop(work);
    println!("已停止预览。");
    result
}

/// Runs a build into the preview folder and tells the open tabs.
#[derive(Clone)]
pub struct Builder {
    root: PathBuf,
    today: Option<Date>,
    base_url: String,
    private: PathBuf,
    shared: Arc<Shared>,
    /// Held during a rebuild; true once serve is stopping.
    stopped: Arc<Mutex<bool>>,
}

impl Builder {
    pub fn rebuild(&self) {
        let stopped = self.stopped.lock().unwrap_or_else(|e| e.into_inner());
        if *stopped {
            return;
        }
        let opts = BuildOptions {
            root: self.root.clone(),
            out: Some(self.shared.public.clone()),
            print: Some(self.shared.print.clone()),
            today: self.today.unwrap_or_else(Date::today),
            write: true,
            base_url: Some(self.base_url.clone()),
            adopt_out: false,
            adopt_print: false,
            private_dir: Some(self.private.clone()),
        };
        let outcome = pipeline::build(&opts);
        let mut status = self.shared.status.write().unwrap_or_else(|e| e.into_inner());
        status.builds += 1;
        match outcome {
            Ok(summary) => {
                status.ok = true;
                status.message.clear();
                // The first build is no rebuild.
                let verb = if status.builds == 1 { "已构建" } else { "已重新构建" };
                println!(
                    "{verb}：{} 个页面，更新 {} 个文件，用时 {:.2} 秒",
                    summary.pages,
                    summary.sync.written,
                    summary.elapsed.as_secs_f64()
                );
                let _ = self.shared.events.send("reload".into());
            }
            Err(e) => {
                let (text, served) = match e {
                    BuildError::Site(errors) => (
                        errors.0.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n"),
                        served_problems(&errors.0, self.shared.print_allowed),
                    ),
                    other => (other.to_string(), other.to_string()),
                };
                eprintln!("{text}\n构建失败，继续显示上一次成功构建的结果。");
                status.ok = false;
                status.message = served.clone();
                let _ = self.shared.events.send(format!("problems\n{served}"));
            }
        }
    }
}

/// The problems as shown over HTTP. Beyond this machine, problems found
/// in a list's data file (which may quote a recipient's name) show only
/// where they are; the terminal has them in full.
fn served_problems(problems: &[Diagnostic], on_loopback: bool) -> String {
    let shown = |d: &Diagnostic| {
        if on_loopback || !may_hold_names(&d.file) {
            return d.to_string();
        }
        let mut at = d.file.clone();
        if d.line > 0 {
            at.push_str(&format!(" 第 {} 行", d.line));
        }
        format!("错误：{at}：名单数据中有问题（可能含学生姓名，详情只显示在运行 gongshi serve 的终端窗口里）")
    };
    problems.iter().map(shown).collect::<Vec<_>>().join("\n")
}

/// A list's data file (CSV, Excel): anything but the site's own text files.
fn may_hold_names(file: &str) -> bool {
    let ext = file.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    !matches!(ext.as_str(), "md" | "toml" | "html" | "htm" | "xml" | "json" | "css" | "js" | "svg")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_file_problems_are_not_served_beyond_loopback() {
        let d = vec![
            Diagnostic::new("content/lists/a/b/名单.csv", 3, "与第 2 行是同一个学生（身份证号相同）：“张小明”重复"),
            Diagnostic::new("content/notices/a.md", 2, "未知的键“sumary”"),
        ];
        let far = served_problems(&d, false);
        assert!(!far.contains("张小明"), "{far}");
        assert!(far.contains("名单.csv 第 3 行") && far.contains("sumary"), "{far}");
        assert!(served_problems(&d, true).contains("张小明"));
    }
}
