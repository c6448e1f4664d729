//! The command line in Chinese: clap's help pages, headings and usage
//! errors translated (commands and flags keep their names), and the site
//! folder found from a subfolder, as git finds its repository.

use clap::builder::StyledStr;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command, CommandFactory, FromArgMatches};
use std::path::{Path, PathBuf};

pub mod new;

/// `--today` and other dates on the command line.
pub fn parse_date(s: &str) -> Result<crate::date::Date, String> {
    crate::date::Date::parse(s).ok_or_else(|| format!("日期“{s}”无效，应写成 YYYY-MM-DD，例如 2025-10-10"))
}

const TEMPLATE: &str = "{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";

/// Help texts, headings and usage lines of `cmd` and its subcommands in
/// Chinese.
pub fn localise(cmd: Command) -> Command {
    localise_at(cmd, "")
}

/// `parent`: the command line up to this command (`gongshi new`).
fn localise_at(cmd: Command, parent: &str) -> Command {
    let top = parent.is_empty();
    let path = if top { cmd.get_name().to_string() } else { format!("{parent} {}", cmd.get_name()) };
    let mut cmd = cmd
        .help_template(TEMPLATE)
        .disable_help_flag(true)
        .disable_help_subcommand(true)
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        .mut_args(localise_arg)
        .arg(
            Arg::new("help").short('h').long("help").action(ArgAction::Help).help("显示这段说明").help_heading("选项"),
        );
    if top && cmd.get_version().is_some() {
        cmd = cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("显示版本号")
                .help_heading("选项"),
        );
    }
    let usage = usage(&cmd, &path);
    cmd = cmd.override_usage(usage);
    let names: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).collect();
    for name in names {
        cmd = cmd.mut_subcommand(&name, |s| localise_at(s, &path));
    }
    cmd
}

/// An argument's heading, value placeholder and default in Chinese.
fn localise_arg(a: Arg) -> Arg {
    let mut a = if a.is_positional() { a.help_heading("参数") } else { a.help_heading("选项") };
    let id = a.get_id().as_str().to_string();
    let derived = a.get_value_names().is_none_or(|v| v.len() == 1 && v[0].as_str() == id.to_uppercase());
    if a.get_action().takes_values() && derived && !a.is_positional() {
        a = a.value_name(value_name(&id));
    }
    let defaults: Vec<String> = a.get_default_values().iter().map(|v| v.to_string_lossy().into_owned()).collect();
    if !defaults.is_empty() && !a.is_hide_default_value_set() {
        let help = a.get_help().map(ToString::to_string).unwrap_or_default();
        a = a.hide_default_value(true).help(format!("{help}（默认 {}）", defaults.join("、")));
    }
    a
}

/// Chinese placeholders for option values that name none (`--out <目录>`).
fn value_name(id: &str) -> &'static str {
    match id {
        "root" | "out" | "print" | "dir" => "目录",
        "port" => "端口",
        "bind" => "地址",
        "today" | "date" => "日期",
        "file" => "文件",
        _ => "值",
    }
}

/// `gongshi build [选项]`, `gongshi init <目录>`, `gongshi <命令>`.
fn usage(cmd: &Command, path: &str) -> String {
    let mut u = path.to_string();
    if cmd.has_subcommands() {
        let names: Vec<&str> = cmd.get_subcommands().map(|s| s.get_name()).collect();
        u += &format!(" <命令：{}>", names.join("|"));
        return u;
    }
    if cmd.get_opts().any(|a| a.get_id() != "help") {
        u += " [选项]";
    }
    for p in cmd.get_positionals() {
        let name =
            p.get_value_names().and_then(|v| v.first()).map_or_else(|| p.get_id().to_string(), |v| v.to_string());
        u += &format!(" <{name}>");
    }
    u
}

/// Parses the process's arguments; on a usage error prints it in Chinese
/// and exits with code 2 (help and version exit with 0).
pub fn parse<T: FromArgMatches + CommandFactory>() -> T {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let mut cmd = localise(T::command());
    let result = cmd.try_get_matches_from_mut(&args).and_then(|m| T::from_arg_matches(&m));
    match result {
        Ok(t) => t,
        Err(e) => {
            let code = match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                    let _ = e.print();
                    0
                }
                ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand => {
                    let sub = subcommand_of(&mut cmd, &args);
                    eprintln!("{}", sub.render_help());
                    2
                }
                _ => {
                    eprintln!("{}", message(&e, subcommand_of(&mut cmd, &args)));
                    2
                }
            };
            std::process::exit(code);
        }
    }
}

/// The deepest subcommand named in `args`, for its usage line.
fn subcommand_of<'c>(cmd: &'c mut Command, args: &[std::ffi::OsString]) -> &'c mut Command {
    let names = args.iter().skip(1).filter_map(|a| a.to_str()).filter(|a| !a.starts_with('-'));
    let mut cur = cmd;
    for name in names {
        if cur.find_subcommand(name).is_none() {
            break;
        }
        cur = cur.find_subcommand_mut(name).expect("found above");
    }
    cur
}

fn context(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(v.join("、")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::StyledStrs(v) => Some(v.iter().map(StyledStr::to_string).collect::<Vec<_>>().join("、")),
        ContextValue::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A usage error in Chinese: what is wrong, a suggestion where clap has
/// one, the command's usage line and where to read more.
pub fn message(e: &clap::Error, cmd: &mut Command) -> String {
    let arg = context(e, ContextKind::InvalidArg).unwrap_or_default();
    let value = context(e, ContextKind::InvalidValue).unwrap_or_default();
    let what = match e.kind() {
        ErrorKind::UnknownArgument => format!("不认识的参数“{arg}”"),
        ErrorKind::InvalidSubcommand => {
            format!("没有“{}”这个命令", context(e, ContextKind::InvalidSubcommand).unwrap_or_default())
        }
        ErrorKind::InvalidValue if value.is_empty() => format!("参数 {arg} 后面缺少取值"),
        ErrorKind::InvalidValue => format!("参数 {arg} 的取值“{value}”无效"),
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(e).map(|s| s.to_string()).unwrap_or_default();
            format!("参数 {arg} 的取值“{value}”无效：{why}")
        }
        ErrorKind::MissingRequiredArgument => format!("缺少必填的参数 {arg}"),
        ErrorKind::ArgumentConflict => {
            format!("参数 {arg} 不能和 {} 一起用", context(e, ContextKind::PriorArg).unwrap_or_default())
        }
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues => format!("参数 {arg} 的取值个数不对"),
        ErrorKind::NoEquals => format!("参数 {arg} 要写成 {arg}=取值"),
        _ => "命令行参数有误".to_string(),
    };
    let mut out = format!("错误：{what}");
    let suggestion = context(e, ContextKind::SuggestedArg)
        .or_else(|| context(e, ContextKind::SuggestedSubcommand))
        .or_else(|| context(e, ContextKind::SuggestedValue));
    if let Some(s) = suggestion {
        out += &format!("\n  提示：是不是 {s}？");
    }
    if let Some(valid) = context(e, ContextKind::ValidSubcommand).or_else(|| context(e, ContextKind::ValidValue)) {
        out += &format!("\n  可用的有：{valid}");
    }
    let usage = cmd.render_usage().to_string();
    let usage = usage.trim().trim_start_matches("Usage:").trim();
    let name = usage.split([' ']).take_while(|w| !w.starts_with(['[', '<'])).collect::<Vec<_>>().join(" ");
    out += &format!("\n\n用法：{usage}\n更多说明：{name} --help");
    out
}

/// The site folder: `--root` when given, else the nearest folder upwards
/// from the current one that holds `site-config.toml` (so commands work
/// from `content/policies/` too), else the current folder.
pub fn site_root(given: Option<PathBuf>) -> PathBuf {
    if let Some(root) = given {
        return root;
    }
    let here = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    match find_up(&here) {
        // The current folder is shown as `.`, as before: `./public/…`.
        Some(found) if found != here => found,
        _ => PathBuf::from("."),
    }
}

/// The site folder at or above `start`, if there is one.
pub fn find_site(start: &Path) -> Option<PathBuf> {
    find_up(start)
}

fn find_up(start: &Path) -> Option<PathBuf> {
    start.ancestors().find(|d| d.join(crate::config::CONFIG_FILE).is_file()).map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(clap::Parser)]
    #[command(name = "gongshi", about = "工具")]
    struct T {
        #[command(subcommand)]
        cmd: Sub,
    }

    #[derive(clap::Subcommand)]
    enum Sub {
        /// 生成
        Build {
            /// 目录
            #[arg(long)]
            root: Option<PathBuf>,
        },
    }

    #[test]
    fn help_is_chinese() {
        let mut cmd = localise(T::command());
        let help = cmd.render_help().to_string();
        assert!(help.contains("用法：gongshi <命令：build>"), "{help}");
        assert!(help.contains("命令:") && help.contains("选项:") && help.contains("显示这段说明"), "{help}");
        assert!(!help.contains("Usage") && !help.contains("Options") && !help.contains("Print"), "{help}");
        let sub = cmd.find_subcommand_mut("build").unwrap();
        let help = sub.render_help().to_string();
        assert!(help.contains("用法：gongshi build [选项]"), "{help}");
    }

    #[test]
    fn usage_errors_are_chinese() {
        let mut cmd = localise(T::command());
        let e = cmd.try_get_matches_from_mut(["gongshi", "biuld"]).unwrap_err();
        let m = message(&e, &mut cmd);
        assert!(m.starts_with("错误：没有“biuld”这个命令"), "{m}");
        assert!(m.contains("是不是 build？"), "{m}");
        let e = cmd.try_get_matches_from_mut(["gongshi", "build", "--rot", "x"]).unwrap_err();
        let m = message(&e, cmd.find_subcommand_mut("build").unwrap());
        assert!(m.starts_with("错误：不认识的参数“--rot”"), "{m}");
        assert!(m.contains("是不是 --root？") && m.contains("用法：gongshi build [选项]"), "{m}");
    }

    #[test]
    fn site_root_from_a_subfolder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(crate::config::CONFIG_FILE), "").unwrap();
        let sub = dir.path().join("content/policies");
        std::fs::create_dir_all(&sub).unwrap();
        assert_eq!(find_up(&sub).as_deref(), Some(dir.path()));
    }
}
