//! `gongshi schedule`: ready-to-use files in `<site>/schedule/` that run
//! `gongshi publish` every day shortly after midnight (Beijing time), so
//! lists go up and come down on their dates without anyone remembering:
//! a systemd service and timer, a cron line, and a Windows Task Scheduler
//! task (XML, a `schtasks` command and a .bat that runs it). Each catches
//! up after the machine was off: systemd `Persistent=true`, cron
//! `@reboot`, Task Scheduler `StartWhenAvailable` and a logon trigger.

use crate::config::SiteConfig;
use crate::date::Date;
use crate::publish::timeline::{Change, Timeline};
use crate::publish::{write_private_files, SCHEDULE_DIR};
use crate::targets::Kind;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

pub const SERVICE: &str = "gongshi-publish.service";
pub const TIMER: &str = "gongshi-publish.timer";
pub const CRON: &str = "crontab.txt";
pub const TASK_XML: &str = "gongshi-publish.xml";
pub const TASK_BAT: &str = "install-windows-task.bat";
pub const ENV_EXAMPLE: &str = "gongshi.env.example";
/// The Task Scheduler task's name (ASCII, so the .bat works in any code page).
pub const TASK_NAME: &str = "gongshi-publish";
/// When the daily publish runs.
pub const AT: (u32, u32) = (0, 5);

pub struct Written {
    pub dir: PathBuf,
    pub files: Vec<String>,
    pub schtasks: String,
    pub cron: String,
    pub notes: Vec<String>,
}

/// Writes the files and says what they are; `exe` is the gongshi program.
pub fn write(root: &Path, exe: &Path, config: &SiteConfig, timeline: &Timeline, today: Date) -> io::Result<Written> {
    let root = std::path::absolute(root)?;
    let dir = root.join(SCHEDULE_DIR);
    fs::create_dir_all(&dir)?;
    let cron = cron_lines(&root, exe);
    let schtasks =
        format!("schtasks /Create /TN \"{TASK_NAME}\" /XML \"{}\" /F", crate::platform::shown(&dir.join(TASK_XML)));
    let mut files: Vec<(&str, Vec<u8>)> = vec![
        (SERVICE, service(&root, exe, &config.title).into_bytes()),
        (TIMER, timer().into_bytes()),
        (CRON, cron.clone().into_bytes()),
        (TASK_XML, utf16(&task_xml(&root, exe, today))),
        (TASK_BAT, bat().into_bytes()),
    ];
    if config.publish.iter().any(|t| t.kind() == Some(Kind::S3)) {
        files.push((ENV_EXAMPLE, env_example(config).into_bytes()));
    }
    let mut names = Vec::new();
    for (name, bytes) in files {
        fs::write(dir.join(name), bytes)?;
        names.push(name.to_string());
    }
    let notes = write_private_files(&root, config, timeline, today);
    names.push(crate::publish::ics::ICS_FILE.into());
    names.push(crate::publish::failsafe::NGINX_FILE.into());
    Ok(Written { dir, files: names, schtasks, cron, notes })
}

/// An argument for a shell or unit file, quoted when it needs to be.
fn quoted(p: &Path) -> String {
    let s = p.display().to_string();
    if s.chars().all(|c| c.is_ascii_alphanumeric() || "/._-+:".contains(c)) {
        s
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// systemd wants double quotes.
fn dquoted(p: &Path) -> String {
    let s = p.display().to_string();
    if s.chars().any(|c| c.is_whitespace() || c == '"' || c == '\\') {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        s
    }
}

fn service(root: &Path, exe: &Path, title: &str) -> String {
    format!(
        "# gongshi：每天发布一次网站，名单按期上线、到期撤下。由 gongshi schedule 生成。\n\
         # 安装：sudo cp {service_path} {timer_path} /etc/systemd/system/\n\
         #       sudo systemctl daemon-reload && sudo systemctl enable --now {TIMER}\n\
         [Unit]\n\
         Description=gongshi publish: {title}\n\
         Wants=network-online.target\n\
         After=network-online.target\n\n\
         [Service]\n\
         Type=oneshot\n\
         WorkingDirectory={root_q}\n\
         ExecStart={exe_q} publish --root {root_q}\n\
         # 对象存储的访问密钥写在这个文件里（每行 名称=值，权限 600）；没有就忽略\n\
         EnvironmentFile=-{env_q}\n\
         Environment=TZ=Asia/Shanghai\n",
        service_path = root.join(SCHEDULE_DIR).join(SERVICE).display(),
        timer_path = root.join(SCHEDULE_DIR).join(TIMER).display(),
        root_q = dquoted(root),
        exe_q = dquoted(exe),
        env_q = dquoted(&root.join(SCHEDULE_DIR).join("gongshi.env")),
    )
}

fn timer() -> String {
    format!(
        "# gongshi：每天北京时间 {h}:{m:02} 运行 {SERVICE}；关机错过的，开机后补跑（Persistent=true）。\n\
         [Unit]\n\
         Description=gongshi publish every day at {h}:{m:02} (Asia/Shanghai)\n\n\
         [Timer]\n\
         OnCalendar=*-*-* {h:02}:{m:02}:00 Asia/Shanghai\n\
         Persistent=true\n\n\
         [Install]\n\
         WantedBy=timers.target\n",
        h = AT.0,
        m = AT.1
    )
}

fn cron_lines(root: &Path, exe: &Path) -> String {
    let log = root.join(SCHEDULE_DIR).join("publish-cron.log");
    let cmd =
        format!("cd {r} && {e} publish --root {r} >> {l} 2>&1", r = quoted(root), e = quoted(exe), l = quoted(&log));
    format!(
        "# gongshi：每天北京时间 {h}:{m:02} 发布一次；开机后 2 分钟补跑一次（cron 不会补跑关机时错过的任务）。\n\
         # 安装：crontab -e，把下面三行加到最后（服务器时区须为北京时间；CRON_TZ 只有部分 cron 支持）。\n\
         CRON_TZ=Asia/Shanghai\n\
         {m} {h} * * * {cmd}\n\
         @reboot sleep 120 && {cmd}\n",
        h = AT.0,
        m = AT.1
    )
}

fn xml_escape(s: &str) -> String {
    crate::escape::html(s)
}

fn task_xml(root: &Path, exe: &Path, today: Date) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Description>gongshi：每天 {h}:{m:02} 发布网站，名单按期上线、到期撤下；开机或登录后补跑错过的发布。</Description>
    <URI>\{TASK_NAME}</URI>
  </RegistrationInfo>
  <Triggers>
    <CalendarTrigger>
      <StartBoundary>{day}T{h:02}:{m:02}:00</StartBoundary>
      <Enabled>true</Enabled>
      <ScheduleByDay>
        <DaysInterval>1</DaysInterval>
      </ScheduleByDay>
    </CalendarTrigger>
    <LogonTrigger>
      <Enabled>true</Enabled>
      <Delay>PT2M</Delay>
    </LogonTrigger>
  </Triggers>
  <Principals>
    <Principal id="Author">
      <LogonType>InteractiveToken</LogonType>
      <RunLevel>LeastPrivilege</RunLevel>
    </Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <StartWhenAvailable>true</StartWhenAvailable>
    <RunOnlyIfNetworkAvailable>false</RunOnlyIfNetworkAvailable>
    <WakeToRun>false</WakeToRun>
    <ExecutionTimeLimit>PT2H</ExecutionTimeLimit>
    <Enabled>true</Enabled>
  </Settings>
  <Actions Context="Author">
    <Exec>
      <Command>{exe}</Command>
      <Arguments>publish --root "{root}"</Arguments>
      <WorkingDirectory>{root}</WorkingDirectory>
    </Exec>
  </Actions>
</Task>
"#,
        h = AT.0,
        m = AT.1,
        day = today.iso(),
        exe = xml_escape(&crate::platform::shown(exe)),
        root = xml_escape(&crate::platform::shown(root)),
    )
    .replace('\n', "\r\n")
}

/// Task Scheduler reads its XML as UTF-16 (little-endian, with a BOM).
fn utf16(text: &str) -> Vec<u8> {
    let mut out = vec![0xff, 0xfe];
    for unit in text.encode_utf16() {
        out.extend_from_slice(&unit.to_le_bytes());
    }
    out
}

/// ASCII only, so it runs whatever the console's code page.
fn bat() -> String {
    format!(
        "@echo off\r\n\
         rem gongshi: register the daily publish task (Task Scheduler). Double-click to run.\r\n\
         schtasks /Create /TN \"{TASK_NAME}\" /XML \"%~dp0{TASK_XML}\" /F\r\n\
         if errorlevel 1 (echo FAILED) else (echo OK: task {TASK_NAME} runs gongshi publish every day at {h}:{m:02})\r\n\
         pause\r\n",
        h = AT.0,
        m = AT.1
    )
}

fn env_example(config: &SiteConfig) -> String {
    let mut t = String::from(
        "# 对象存储的访问密钥。复制为 gongshi.env（Linux：chmod 600 gongshi.env），填上密钥。\n\
         # Windows：在“系统属性 → 环境变量”中为本用户添加同名变量。\n\
         GONGSHI_S3_ACCESS_KEY=\nGONGSHI_S3_SECRET_KEY=\n",
    );
    for target in config.publish.iter().filter(|t| t.kind() == Some(Kind::S3)) {
        let n: String =
            target.name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect();
        t.push_str(&format!(
            "# 只给目标“{}”用的密钥（可选）：\n# GONGSHI_S3_{n}_ACCESS_KEY=\n# GONGSHI_S3_{n}_SECRET_KEY=\n",
            target.name
        ));
    }
    t
}

/// The next dates on which the site changes, for people.
pub fn next_changes(timeline: &Timeline, today: Date, max: usize) -> String {
    let changes = timeline.upcoming_changes(today);
    if changes.is_empty() {
        return "接下来没有名单开始或结束公示。\n".into();
    }
    let mut out = String::new();
    for (day, cs) in changes.iter().take(max) {
        let mut parts = Vec::new();
        for c in cs {
            match c {
                Change::Starts(l) => parts.push(format!("开始公示 {}", l.title)),
                Change::Ends(l) => parts.push(format!("撤下 {}", l.title)),
            }
        }
        out.push_str(&format!("  {day}：{}\n", parts.join("；")));
    }
    if changes.len() > max {
        out.push_str(&format!("  ……另有 {} 个日期\n", changes.len() - max));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_xml_is_utf16_with_a_bom_and_quotes_paths() {
        let xml = task_xml(
            Path::new("C:\\资助网站"),
            Path::new("C:\\gongshi\\gongshi.exe"),
            Date::parse("2025-10-15").unwrap(),
        );
        assert!(xml.contains("<StartBoundary>2025-10-15T00:05:00</StartBoundary>"));
        assert!(xml.contains("<StartWhenAvailable>true</StartWhenAvailable>"));
        assert!(xml.contains("<Arguments>publish --root \"C:\\资助网站\"</Arguments>"));
        let bytes = utf16(&xml);
        assert_eq!(&bytes[..2], &[0xff, 0xfe]);
        assert_eq!(
            String::from_utf16(&bytes[2..].chunks(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect::<Vec<_>>())
                .unwrap(),
            xml
        );
        assert!(bat().is_ascii());
    }

    #[test]
    fn unit_files_run_publish_daily_and_catch_up() {
        let s = service(Path::new("/srv/site a"), Path::new("/usr/local/bin/gongshi"), "示例县");
        assert!(s.contains("ExecStart=/usr/local/bin/gongshi publish --root \"/srv/site a\""), "{s}");
        let t = timer();
        assert!(t.contains("OnCalendar=*-*-* 00:05:00 Asia/Shanghai") && t.contains("Persistent=true"));
        let c = cron_lines(Path::new("/srv/site"), Path::new("/usr/bin/gongshi"));
        assert!(c.contains("5 0 * * * cd /srv/site && /usr/bin/gongshi publish --root /srv/site"), "{c}");
        assert!(c.contains("@reboot"));
    }
}
