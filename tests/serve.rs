//! `gongshi serve` end to end: it serves the site, rebuilds after an edit,
//! keeps the last good site when an edit breaks the build (and reports
//! it), keeps letters and names off non-loopback addresses, answers only
//! requests addressed to this machine, keeps its folder private and
//! removes it when stopped by Ctrl-C, SIGTERM or SIGHUP.

mod common;
use common::{bin, Site};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    port: u16,
    /// The temporary folder serve was given (owned by the test).
    tmp: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn start(site: &Site, extra: &[&str]) -> Server {
    let server = spawn(site, extra);
    let port = server.port;
    wait_for(|| get(port, "/").map(|(code, _)| code == 200).unwrap_or(false), "server to answer");
    server
}

/// Starts serve without waiting for a good site.
fn spawn(site: &Site, extra: &[&str]) -> Server {
    spawn_env(site, extra, &[])
}

fn spawn_env(site: &Site, extra: &[&str], env: &[(&str, &str)]) -> Server {
    let port = free_port();
    let port_s = port.to_string();
    let mut args = vec!["serve", "--port", &port_s, "--today", "2025-10-15"];
    args.extend_from_slice(extra);
    let tmp = tempfile::tempdir().unwrap();
    let child = Command::new(bin())
        .args(&args)
        .current_dir(site.root())
        .env("TMPDIR", tmp.path())
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    Server { child, port, tmp }
}

impl Server {
    /// The preview folder serve made in its temporary folder.
    fn preview_dirs(&self) -> Vec<std::path::PathBuf> {
        std::fs::read_dir(self.tmp.path()).unwrap().flatten().map(|e| e.path()).collect()
    }

    /// Sends a signal and waits (up to 15 s) for serve to exit.
    fn stop_with(&mut self, signal: &str) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill").args([&format!("-{signal}"), &pid]).status().unwrap().success());
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(start.elapsed() < Duration::from_secs(15), "serve did not stop on SIG{signal}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// Plain HTTP/1.1 GET on loopback: (status code, body).
fn get(port: u16, path: &str) -> std::io::Result<(u16, String)> {
    get_as(port, path, "127.0.0.1")
}

/// A GET with the given Host header, as a browser that reached this port
/// through that name would send.
fn get_as(port: u16, path: &str, host: &str) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(s, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let code = text.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|x| x.1.to_string()).unwrap_or_default();
    Ok((code, body))
}

/// Polls `cond` every 100 ms, failing after a generous 30 s.
fn wait_for(mut cond: impl FnMut() -> bool, what: &str) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        if cond() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("timed out waiting for {what}");
}

#[test]
fn edits_are_rebuilt_and_broken_edits_keep_the_last_good_site() {
    let site = Site::fixture("basic");
    let server = start(&site, &[]);
    let port = server.port;
    let (code, page) = get(port, "/notices/dongtai/").unwrap();
    assert_eq!(code, 200);
    assert!(page.contains("资助申请开始"));
    assert!(page.contains("/__gongshi/live.js"), "live reload script injected when serving");
    assert!(!site.path("public").exists(), "previewing does not touch the site's public/");

    site.edit("content/notices/dongtai.md", "资助申请开始", "资助申请改期");
    wait_for(|| get(port, "/notices/dongtai/").is_ok_and(|(_, b)| b.contains("资助申请改期")), "the edit to be served");

    site.edit("content/notices/dongtai.md", "summary = ", "sumary = ");
    wait_for(
        || get(port, "/__gongshi/status").is_ok_and(|(_, b)| b.contains("\"ok\":false")),
        "the broken build to be reported",
    );
    let (_, status) = get(port, "/__gongshi/status").unwrap();
    assert!(status.contains("sumary"), "{status}");
    let (code, page) = get(port, "/notices/dongtai/").unwrap();
    assert_eq!(code, 200);
    assert!(page.contains("资助申请改期"), "last good page still served");

    site.edit("content/notices/dongtai.md", "sumary = ", "summary = ");
    wait_for(
        || get(port, "/__gongshi/status").is_ok_and(|(_, b)| b.contains("\"ok\":true")),
        "the fix to clear the report",
    );
    let (code, _) = get(port, "/missing/").unwrap();
    assert_eq!(code, 404);
}

#[test]
fn letters_are_previewed_on_loopback_only() {
    let site = Site::fixture("lists");
    site.write("content/letters/l.md", "+++\ntitle = \"告知书\"\n+++\n\n{{ name }}同学\n");
    site.edit(
        "content/lists/2025-qiu/zhizhuan/index.md",
        "publicity_days = 5\n",
        "publicity_days = 5\n[letters]\ntemplate = \"l\"\n",
    );
    let server = start(&site, &[]);
    let (code, index) = get(server.port, "/_print/").unwrap();
    assert_eq!(code, 200);
    assert!(index.contains("打印目录"));
    drop(server);

    let server = start(&site, &["--bind", "0.0.0.0"]);
    let (code, body) = get(server.port, "/_print/").unwrap();
    assert_eq!(code, 404);
    assert!(!body.contains("打印目录"));
}

#[test]
fn only_requests_addressed_to_this_machine_are_answered() {
    let site = Site::fixture("lists");
    site.write("content/letters/l.md", "+++\ntitle = \"告知书\"\n+++\n\n{{ name }}同学\n");
    site.edit(
        "content/lists/2025-qiu/zhizhuan/index.md",
        "publicity_days = 5\n",
        "publicity_days = 5\n[letters]\ntemplate = \"l\"\n",
    );
    let server = start(&site, &[]);
    let port = server.port;
    for host in [format!("127.0.0.1:{port}"), format!("localhost:{port}"), format!("[::1]:{port}")] {
        assert_eq!(get_as(port, "/_print/", &host).unwrap().0, 200, "{host}");
    }
    // A page elsewhere whose name was made to resolve to 127.0.0.1 (DNS
    // rebinding) sends its own name: refused, letters and all.
    for host in [format!("rebind.example.com:{port}"), "example.com".to_string(), format!("127.0.0.1:{}", port + 1)] {
        for path in ["/", "/_print/", "/__gongshi/status"] {
            let (code, body) = get_as(port, path, &host).unwrap();
            assert_eq!(code, 403, "{host} {path}");
            assert!(!body.contains("打印目录") && body.contains("只回应发给本机地址的请求"), "{body}");
        }
    }
}

#[test]
fn beyond_loopback_the_status_never_quotes_a_name() {
    let site = Site::fixture("lists");
    common::add_list(
        &site,
        "chongfu",
        "",
        "a.csv",
        "姓名,班级,身份证号\n欧阳志华,1班,110105200001010016\n欧阳志华,1班,110105200001010016\n".as_bytes(),
    );
    for (bind, shown) in [("0.0.0.0", false), ("127.0.0.1", true)] {
        let mut server = spawn(&site, &["--bind", bind]);
        let port = server.port;
        wait_for(|| get(port, "/__gongshi/status").is_ok_and(|(_, b)| b.contains("\"ok\":false")), "the failed build");
        let (_, status) = get(port, "/__gongshi/status").unwrap();
        assert_eq!(status.contains("欧阳志华"), shown, "--bind {bind}: {status}");
        assert!(status.contains("a.csv"), "where the problem is, at least: {status}");
        assert!(server.stop_with("INT").success());
        let mut err = String::new();
        server.child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
        assert!(err.contains("欧阳志华"), "the terminal has the problem in full: {err}");
    }
}

#[cfg(unix)]
#[test]
fn the_preview_folder_is_private_and_removed_on_every_signal() {
    use std::os::unix::fs::PermissionsExt;
    let site = Site::fixture("basic");
    for signal in ["INT", "TERM", "HUP"] {
        let mut server = start(&site, &[]);
        let dirs = server.preview_dirs();
        assert_eq!(dirs.len(), 1, "{dirs:?}");
        let dir = &dirs[0];
        assert!(dir.file_name().unwrap().to_string_lossy().starts_with("gongshi-serve-"), "{dir:?}");
        assert_eq!(std::fs::metadata(dir).unwrap().permissions().mode() & 0o777, 0o700, "private folder");
        assert!(dir.join("public/index.html").is_file());
        let status = server.stop_with(signal);
        assert!(status.success(), "SIG{signal}: {status}");
        assert!(server.preview_dirs().is_empty(), "SIG{signal} left {:?}", server.preview_dirs());
    }

    // SIGKILL cannot be acted on: the next serve removes what it left.
    let mut killed = start(&site, &[]);
    let left = killed.preview_dirs();
    killed.child.kill().unwrap();
    killed.child.wait().unwrap();
    assert!(left[0].exists());
    let port = free_port();
    let next = Command::new(bin())
        .args(["serve", "--port", &port.to_string()])
        .current_dir(site.root())
        .env("TMPDIR", killed.tmp.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut next = Server { child: next, port, tmp: tempfile::tempdir().unwrap() };
    wait_for(|| get(port, "/").is_ok_and(|(code, _)| code == 200), "the next serve");
    assert!(!left[0].exists(), "the killed serve's folder is removed by the next one");
    assert!(next.stop_with("TERM").success());
}

#[test]
fn an_edit_sends_a_reload_event_that_browsers_dispatch() {
    let site = Site::fixture("basic");
    let server = start(&site, &[]);
    let mut events = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    write!(events, "GET /__gongshi/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    events.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    site.edit("content/notices/dongtai.md", "资助申请开始", "资助申请改期");
    let (start, mut seen) = (Instant::now(), String::new());
    let mut buf = [0u8; 4096];
    while !seen.contains("event: reload") || !seen[seen.find("event: reload").unwrap()..].contains("\n\n") {
        assert!(start.elapsed() < Duration::from_secs(20), "no reload event: {seen}");
        if let Ok(n) = events.read(&mut buf) {
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    }
    // An event with empty data is never dispatched by a browser's EventSource.
    let event = &seen[seen.find("event: reload").unwrap()..];
    let event = &event[..event.find("\n\n").unwrap()];
    assert!(event.lines().any(|l| l.strip_prefix("data:").is_some_and(|d| !d.trim().is_empty())), "{event:?}");
}

#[test]
fn a_preview_ends_with_the_workbench_that_started_it_even_when_killed() {
    let site = Site::fixture("basic");
    // Stands in for the workbench: killed, as by the task manager.
    let mut parent = Command::new("sleep").arg("120").spawn().unwrap();
    let pid = parent.id().to_string();
    let mut server = spawn_env(&site, &[], &[("GONGSHI_PARENT_PID", &pid)]);
    let port = server.port;
    wait_for(|| get(port, "/").map(|(code, _)| code == 200).unwrap_or(false), "server to answer");
    assert_eq!(server.preview_dirs().len(), 1);
    parent.kill().unwrap();
    parent.wait().unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(start.elapsed() < Duration::from_secs(15), "the preview outlived its workbench");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "{status}");
    assert!(server.preview_dirs().is_empty(), "{:?}", server.preview_dirs());
}

#[test]
fn ctrl_c_stops_it_even_with_a_tab_listening() {
    let site = Site::fixture("basic");
    let mut server = start(&site, &[]);
    // An open event stream, as a browser tab keeps one.
    let mut events = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    write!(events, "GET /__gongshi/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let pid = server.child.id().to_string();
    assert!(Command::new("kill").args(["-INT", &pid]).status().unwrap().success());
    let start = Instant::now();
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert!(status.success(), "exit status {status}");
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(15), "serve did not stop on Ctrl-C");
        std::thread::sleep(Duration::from_millis(100));
    }
    let mut out = String::new();
    server.child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    assert!(out.contains("已停止预览"), "{out}");
}

#[test]
fn a_site_that_never_built_shows_its_problems() {
    let site = Site::fixture("basic");
    site.edit("content/notices/dongtai.md", "summary = ", "sumary = ");
    let server = spawn(&site, &[]);
    let port = server.port;
    wait_for(
        || get(port, "/__gongshi/status").is_ok_and(|(_, b)| b.contains("\"ok\":false")),
        "the failed first build",
    );
    let (code, page) = get(port, "/").unwrap();
    assert_eq!(code, 404);
    assert!(page.contains("/__gongshi/live.js"), "the page loads the script that shows the problems: {page}");
    site.edit("content/notices/dongtai.md", "sumary = ", "summary = ");
    wait_for(|| get(port, "/").is_ok_and(|(code, _)| code == 200), "the fixed site");
}
