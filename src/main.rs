//! The `gongshi` command line: parse arguments, run a stage, print the
//! outcome in Chinese, choose the exit code (0 ok, 1 site errors, 2 usage).

use clap::{Parser, Subcommand};
use gongshi::cli::new::NewCommand;
use gongshi::date::Date;
use gongshi::pipeline::{self, BuildError, BuildOptions};
use std::path::PathBuf;
use std::process::ExitCode;

mod publish_cli;

// Builds allocate many short-lived strings from two threads at once; glibc's
// malloc spent about a quarter of a 10,000-page build in its own bookkeeping.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "gongshi", version, about = "学生资助政策宣传与公示网站生成工具")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args)]
struct SiteArgs {
    /// 站点目录（含 site-config.toml）；默认是当前目录，或它上层最近的站点目录
    #[arg(long, value_name = "目录")]
    root: Option<PathBuf>,
    /// 以哪一天为“今天”判断公示状态（YYYY-MM-DD），默认系统日期
    #[arg(long, value_parser = parse_date, value_name = "日期")]
    today: Option<Date>,
}

impl SiteArgs {
    fn root(&self) -> PathBuf {
        gongshi::cli::site_root(self.root.clone())
    }
}

#[derive(Subcommand)]
enum Command {
    /// 生成网站到 public/
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// 输出目录，默认 <站点目录>/public
        #[arg(long)]
        out: Option<PathBuf>,
        /// 告知书等打印文件的目录，默认 <站点目录>/print（不能在输出目录里）
        #[arg(long)]
        print: Option<PathBuf>,
        /// 允许输出目录里已有不是 gongshi 写的文件：它们保持原样，gongshi 不会改动或删除
        #[arg(long)]
        adopt_out: bool,
        /// 允许告知书目录里已有不是 gongshi 写的文件：它们保持原样，gongshi 不会改动或删除
        #[arg(long)]
        adopt_print: bool,
    },
    /// 检查全部内容，不写出任何文件
    Check {
        #[command(flatten)]
        site: SiteArgs,
    },
    /// 本机预览：构建、提供网页、监视修改并自动刷新浏览器
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        /// 端口
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// 监听地址；默认只允许本机访问（告知书预览只在本机提供）
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
    },
    /// 构建并发布到 site-config.toml 中的每个发布目标（[[publish]]）
    Publish {
        #[command(flatten)]
        site: SiteArgs,
        /// 只发布到这个目标（按 name）
        #[arg(long)]
        target: Option<String>,
    },
    /// 列出每份名单的状态和网站下次变化的日期；加 --target 检查已发布的网站
    Status {
        #[command(flatten)]
        site: SiteArgs,
        /// 检查这个发布目标上的网站是否与今天相符（不符时退出码 3）
        #[arg(long)]
        target: Option<String>,
        /// 显示发布记录（名单何时发布、何时撤下）
        #[arg(long)]
        log: bool,
    },
    /// 生成每天自动发布的定时任务文件（Linux systemd/cron、Windows 任务计划）到 schedule/
    Schedule {
        /// 站点目录（含 site-config.toml）；默认是当前目录，或它上层最近的站点目录
        #[arg(long, value_name = "目录")]
        root: Option<PathBuf>,
    },
    /// 新建一个带示例内容的站点
    Init {
        /// 新站点的目录
        #[arg(value_name = "目录")]
        dir: PathBuf,
        /// 示例公示名单从哪一天开始公示（YYYY-MM-DD），默认今天
        #[arg(long, value_parser = parse_date, value_name = "日期")]
        today: Option<Date>,
    },
    /// 新建页面：从 Word 文件导入政策文件，或新建政策解读、资助动态、公示名单
    New {
        #[command(subcommand)]
        what: NewCommand,
    },
    /// 打开工作台：在浏览器里检查、生成、发布网站，新建名单和政策文件（不带参数运行 gongshi、或把站点文件夹拖到 gongshi 上，也会打开）
    Workbench {
        #[command(flatten)]
        site: SiteArgs,
        /// 不自动打开浏览器，只在窗口里显示工作台的地址
        #[arg(long)]
        no_open: bool,
    },
}

/// Notes printed in full before the rest are summarised in one line.
const MAX_NOTES: usize = 20;

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s).ok_or_else(|| format!("日期“{s}”无效，应写成 YYYY-MM-DD，例如 2025-10-10"))
}

fn main() -> ExitCode {
    gongshi::platform::small_pages_only();
    if let Some(folder) = implicit_workbench() {
        return workbench(folder, None, true);
    }
    let cli: Cli = gongshi::cli::parse();
    match cli.command {
        Command::Build { site, out, print, adopt_out, adopt_print } => {
            run_build(site, Folders { out, print, adopt_out, adopt_print }, true)
        }
        Command::Check { site } => run_build(site, Folders::default(), false),
        Command::New { what } => gongshi::cli::new::run(what),
        Command::Serve { site, port, bind } => {
            let root = site.root();
            if let Some(code) = not_a_site(&root) {
                return code;
            }
            match gongshi::serve::run(gongshi::serve::ServeOptions { root, bind, port, today: site.today }) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("错误：{e:#}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Publish { site, target } => {
            let root = site.root();
            match not_a_site(&root) {
                Some(code) => code,
                None => publish_cli::publish(root, site.today, target),
            }
        }
        Command::Status { site, target, log } => {
            let root = site.root();
            match not_a_site(&root) {
                Some(code) => code,
                None => publish_cli::status(&root, site.today, target.as_deref(), log),
            }
        }
        Command::Schedule { root } => {
            let root = gongshi::cli::site_root(root);
            match not_a_site(&root) {
                Some(code) => code,
                None => publish_cli::schedule(&root),
            }
        }
        Command::Workbench { site, no_open } => workbench(site.root, site.today, !no_open),
        Command::Init { dir, today } => match gongshi::init::init(&dir, today.unwrap_or_else(Date::today)) {
            Ok(n) => {
                println!("已新建站点 {}（{n} 个文件）。", gongshi::platform::shown(&dir));
                println!("下一步：cd {} && gongshi build", gongshi::platform::shown(&dir));
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("错误：{e}");
                ExitCode::from(2)
            }
        },
    }
}

/// `gongshi` alone (a double-click) or with one folder (dropped onto it)
/// opens the workbench: Some(the folder, if any).
fn implicit_workbench() -> Option<Option<PathBuf>> {
    use clap::CommandFactory;
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    match args.as_slice() {
        [] => Some(None),
        [one] => {
            let path = PathBuf::from(one);
            let command = Cli::command().get_subcommands().any(|c| one.to_str() == Some(c.get_name()));
            (!command && !one.to_string_lossy().starts_with('-') && path.is_dir()).then_some(Some(path))
        }
        _ => None,
    }
}

/// The workbench on the site at or above `folder` (default: the current
/// folder); without one, it offers to make a site.
fn workbench(folder: Option<PathBuf>, today: Option<Date>, open: bool) -> ExitCode {
    let here = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let start = folder.map(|f| if f.is_absolute() { f } else { here.join(f) }).unwrap_or(here);
    let root = gongshi::cli::find_site(&start);
    // GONGSHI_NO_OPEN=1: as --no-open, also for `gongshi` alone (tests).
    let open = open && std::env::var_os("GONGSHI_NO_OPEN").is_none_or(|v| v.is_empty() || v == "0");
    let opts = gongshi::workbench::Options { root, start_dir: start, today, open };
    match gongshi::workbench::run(opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::from(2)
        }
    }
}

/// The county's checks: `check` lists every warning; a build says how
/// many and where the private report is.
fn print_audit(summary: &pipeline::Summary, write: bool) {
    let a = &summary.audit;
    if !write {
        for w in &a.warnings {
            eprintln!("提醒：{w}");
        }
    }
    for line in &a.lines {
        println!("{line}");
    }
    if a.files > 0 {
        let verb = if write { "已写到" } else { "将写到" };
        println!(
            "审核报告{verb} {}（含学生姓名，只用于内部审核和存档，切勿发布到网站）",
            gongshi::platform::shown(&summary.print.dir.join(gongshi::audit::report::DIR))
        );
    }
}

/// Exit code 2 with a hint when `root` has no site-config.toml.
fn not_a_site(root: &std::path::Path) -> Option<ExitCode> {
    if root.join(gongshi::config::CONFIG_FILE).is_file() {
        return None;
    }
    eprintln!(
        "错误：{} 不是 gongshi 站点目录（找不到 site-config.toml）\n  提示：用 --root 指定站点目录，或用 gongshi init 新建站点",
        gongshi::platform::shown(root)
    );
    Some(ExitCode::from(2))
}

/// Where `build` writes, from the command line.
#[derive(Default)]
struct Folders {
    out: Option<PathBuf>,
    print: Option<PathBuf>,
    adopt_out: bool,
    adopt_print: bool,
}

fn run_build(site: SiteArgs, folders: Folders, write: bool) -> ExitCode {
    let root = site.root();
    if let Some(code) = not_a_site(&root) {
        return code;
    }
    gongshi::workbench::sweep_stale(&root);
    let private = match check_folder(write) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let opts = BuildOptions {
        root,
        out: folders.out,
        print: folders.print,
        today: site.today.unwrap_or_else(Date::today),
        write,
        base_url: None,
        adopt_out: folders.adopt_out,
        adopt_print: folders.adopt_print,
        private_dir: private.as_ref().map(|d| d.path().to_path_buf()),
    };
    let outcome = pipeline::build(&opts);
    if gongshi::output::private_dir::interrupted() {
        // Stopped by a signal: the folder is being removed and the process
        // ended by that; what the build says about its vanishing files is moot.
        gongshi::output::private_dir::wait_for_the_end();
    }
    match outcome {
        Ok(summary) => report(&summary, write),
        Err(BuildError::Site(errors)) => {
            for d in &errors.0 {
                eprintln!("{d}");
            }
            let what = if write { "构建失败" } else { "检查未通过" };
            eprintln!(
                "\n{what}：共 {} 处问题。{}",
                errors.0.len(),
                if write { "已有的输出目录没有改动。" } else { "" }
            );
            ExitCode::from(1)
        }
        Err(BuildError::Io(e)) => {
            eprintln!("错误：构建中断：{}。已有的输出目录没有改动", gongshi::output::error::cause(&e));
            ExitCode::from(1)
        }
        Err(BuildError::Output(e)) => {
            eprintln!("错误：{e}");
            ExitCode::from(1)
        }
    }
}

/// `check` renders into a private temporary folder, removed at the end,
/// on a panic (dropped while unwinding) and on SIGINT, SIGTERM, SIGHUP.
fn check_folder(write: bool) -> Result<Option<gongshi::output::private_dir::PrivateDir>, ExitCode> {
    if write {
        return Ok(None);
    }
    match gongshi::output::private_dir::PrivateDir::removed_on_signals("check") {
        Ok(d) => Ok(Some(d)),
        Err(e) => {
            eprintln!("错误：无法创建临时目录：{}", gongshi::output::error::cause(&e));
            Err(ExitCode::from(1))
        }
    }
}

/// What a successful build or check prints.
fn report(summary: &pipeline::Summary, write: bool) -> ExitCode {
    // A province has thousands of lists: show the first notes only.
    for w in summary.warnings.iter().take(MAX_NOTES) {
        eprintln!("注意：{w}");
    }
    if summary.warnings.len() > MAX_NOTES {
        eprintln!("注意：另有 {} 条提示未显示", summary.warnings.len() - MAX_NOTES);
    }
    let secs = summary.elapsed.as_secs_f64();
    let l = summary.lists;
    if l.active + l.ended + l.upcoming + l.drafts > 0 {
        let reused =
            if l.from_cache > 0 { format!("（沿用上次结果 {}）", l.from_cache) } else { String::new() };
        println!(
            "公示名单：公示中 {}，已结束（已撤下）{}，未开始 {}，草稿 {}{reused}",
            l.active, l.ended, l.upcoming, l.drafts
        );
    }
    let p = &summary.print;
    if p.batches > 0 {
        let verb = if write { "已写到" } else { "将写到" };
        println!(
            "告知书：{} 份，{} 批，公示栏张贴版 {} 份，{verb} {}（含学生姓名，只用于打印，切勿发布到网站）",
            p.letters,
            p.batches,
            p.sheets,
            gongshi::platform::shown(&p.dir)
        );
    }
    print_audit(summary, write);
    println!(
        "搜索索引：{} 个文件，共 {:.0} KB（读者搜索时只下载用到的几个）",
        summary.search_files,
        summary.search_bytes as f64 / 1024.0
    );
    if write && summary.unchanged {
        println!(
            "完成：站点自上次构建以来没有任何变化，{} 个页面原样保留（{} 个文件），用时 {secs:.2} 秒 → {}",
            summary.pages,
            summary.sync.unchanged,
            gongshi::platform::shown(&summary.out)
        );
    } else if write {
        let s = summary.sync;
        println!(
            "完成：{} 个页面，更新 {} 个文件，未变 {} 个，删除 {} 个，用时 {secs:.2} 秒 → {}",
            summary.pages,
            s.written,
            s.unchanged,
            s.removed,
            gongshi::platform::shown(&summary.out)
        );
    } else {
        println!("检查通过：{} 个页面，没有发现问题（用时 {secs:.2} 秒）", summary.pages);
    }
    ExitCode::SUCCESS
}
