//! The `publish`, `status` and `schedule` commands: run them and print the
//! outcome in Chinese. Exit codes: 0 ok; 1 site errors; 2 usage; 3 (status
//! --target) the published copy is wrong for the day; 4 a target could not
//! be written or read.

use gongshi::config::SiteConfig;
use gongshi::date::Date;
use gongshi::diag::SiteErrors;
use gongshi::pipeline::BuildError;
use gongshi::publish::timeline::{Clock, Timeline};
use gongshi::publish::{self, PublishError};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const MAX_NOTES: usize = 20;

fn site_errors(errors: &SiteErrors, what: &str) -> ExitCode {
    for d in &errors.0 {
        eprintln!("{d}");
    }
    eprintln!("\n{what}：共 {} 处问题。", errors.0.len());
    ExitCode::from(1)
}

pub fn publish(root: PathBuf, today: Option<Date>, target: Option<String>) -> ExitCode {
    let opts = publish::Options { root, today, target, s3: Default::default() };
    let report = match publish::publish(&opts) {
        Ok(r) => r,
        Err(PublishError::Usage(msg)) => {
            eprintln!("错误：{msg}");
            return ExitCode::from(2);
        }
        Err(PublishError::Site(errors)) | Err(PublishError::Build(BuildError::Site(errors))) => {
            return site_errors(&errors, "构建失败，没有发布到任何目标");
        }
        Err(PublishError::Build(e)) => {
            eprintln!("错误：构建中断，没有发布到任何目标：{e}");
            return ExitCode::from(1);
        }
    };
    let b = &report.build;
    for w in b.warnings.iter().take(MAX_NOTES) {
        eprintln!("注意：{w}");
    }
    if b.warnings.len() > MAX_NOTES {
        eprintln!("注意：另有 {} 条提示未显示", b.warnings.len() - MAX_NOTES);
    }
    println!(
        "构建：{} 个页面，公示中的名单 {} 份，已撤下 {} 份（按 {} 判断）{}→ {}",
        b.pages,
        b.lists.active,
        b.lists.ended,
        report.today,
        if b.unchanged { "，站点自上次构建以来没有任何变化" } else { "" },
        gongshi::platform::shown(&b.out)
    );
    for t in &report.targets {
        match &t.result {
            Ok(line) => println!("发布到“{}”（{}）：{line}", t.name, t.what),
            Err(e) => eprintln!("错误：发布到“{}”（{}）没有完成：{e}", t.name, t.what),
        }
    }
    for n in &report.notes {
        eprintln!("注意：{n}");
    }
    println!("已记入发布记录 {}", publish::log::LOG_FILE);
    match report.next_change {
        Some(d) => println!("网站下次变化：{d}（到时需要再发布一次；用 gongshi schedule 设置每天自动发布）"),
        None => println!("网站下次变化：没有（所有名单都已结束）"),
    }
    if report.failed() {
        ExitCode::from(4)
    } else {
        ExitCode::SUCCESS
    }
}

fn load(root: &Path) -> Result<(SiteConfig, Timeline), ExitCode> {
    let config = SiteConfig::load(root).map_err(|e| site_errors(&e, "站点设置有误"))?;
    let timeline = Timeline::load(root, &config).map_err(|e| site_errors(&e, "名单设置有误"))?;
    Ok((config, timeline))
}

pub fn status(root: &Path, today: Option<Date>, target: Option<&str>, log: bool) -> ExitCode {
    let (config, timeline) = match load(root) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let today = today.unwrap_or_else(|| Clock::system().today);
    if log {
        print!("{}", gongshi::status::log_table(root, target));
        if target.is_none() {
            return ExitCode::SUCCESS;
        }
        println!();
    }
    let Some(name) = target else {
        print!("{}", gongshi::status::table(&timeline, &config, today));
        return ExitCode::SUCCESS;
    };
    let t = match publish::select(&config, Some(name)) {
        Ok(t) => t[0],
        Err(e) => {
            eprintln!("错误：{e}");
            return ExitCode::from(2);
        }
    };
    match gongshi::status::check_target(root, &config, t, &timeline, today) {
        Ok(c) if c.problems.is_empty() => {
            let made = c.stamp.map(|d| format!("，按 {d} 生成")).unwrap_or_default();
            println!(
                "正常：发布目标“{}”（{}）上的网站与 {today} 相符{made}（核对了 {} 个名单页面）",
                t.name,
                t.describe(),
                c.pages_read
            );
            ExitCode::SUCCESS
        }
        Ok(c) => {
            eprintln!("不正常：发布目标“{}”（{}）上的网站与 {today} 不符：", t.name, t.describe());
            for p in &c.problems {
                eprintln!("  - {p}");
            }
            eprintln!("  提示：运行 gongshi publish --target {} 重新发布；CMS 需按 撤下清单.txt 手工处理", t.name);
            ExitCode::from(3)
        }
        Err(e) => {
            eprintln!("错误：无法读取发布目标“{}”：{}", t.name, e.0);
            ExitCode::from(4)
        }
    }
}

pub fn schedule(root: &Path) -> ExitCode {
    let (config, timeline) = match load(root) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let today = Clock::system().today;
    let exe = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("gongshi"));
    let w = match gongshi::schedule_files::write(root, &exe, &config, &timeline, today) {
        Ok(w) => w,
        Err(e) => {
            eprintln!(
                "错误：无法写出定时任务文件到 {}：{e}",
                gongshi::platform::shown(&root.join(publish::SCHEDULE_DIR))
            );
            return ExitCode::from(1);
        }
    };
    for n in &w.notes {
        eprintln!("注意：{n}");
    }
    use gongshi::schedule_files as sf;
    let d = gongshi::platform::shown(&w.dir);
    println!("已在 {d} 写出：{}", w.files.join("、"));
    println!("它们让电脑每天北京时间 0:05 运行一次 gongshi publish：到开始日期的名单上线，到期的名单撤下。");
    println!("电脑在某个日期关机或断网也没关系：开机后会补跑，补跑前可用 gongshi status --target 名称 检查（不符时退出码 3）。\n");
    let at = |file: &str| gongshi::platform::shown(&w.dir.join(file));
    // On Windows the staff's own computer runs the task: the Linux lines
    // (for a server) would only name its paths in the wrong shape.
    if !cfg!(windows) {
        println!("Linux 服务器（systemd，推荐）：");
        println!("  sudo cp {} {} /etc/systemd/system/", at(sf::SERVICE), at(sf::TIMER));
        println!("  sudo systemctl daemon-reload && sudo systemctl enable --now {}", sf::TIMER);
        println!("Linux（cron）：crontab -e，加入 {} 中的三行：", at(sf::CRON));
        for line in w.cron.lines().filter(|l| !l.starts_with('#')) {
            println!("  {line}");
        }
    }
    println!("Windows（本机任务计划）：双击 {}，或在命令提示符中运行：", at(sf::TASK_BAT));
    println!("  {}", w.schtasks);
    if config.publish.is_empty() {
        println!(
            "\n注意：site-config.toml 里还没有发布目标（[[publish]]），定时发布前请先加上，见 README 的“发布”一节。"
        );
    }
    println!("\n接下来网站变化的日期：");
    print!("{}", sf::next_changes(&timeline, today, 10));
    ExitCode::SUCCESS
}
