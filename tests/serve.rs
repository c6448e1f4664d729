//! `gongshi serve` end to end: it serves the site, rebuilds after an edit,
//! keeps the last good site when an edit breaks the build (and reports
//! it), keeps letters off non-loopback addresses, and stops on Ctrl-C.

mod common;
use common::{bin, Site};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    port: u16,
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
    let port = free_port();
    let port_s = port.to_string();
    let mut args = vec!["serve", "--port", &port_s, "--today", "2025-10-15"];
    args.extend_from_slice(extra);
    let child = Command::new(bin())
        .args(&args)
        .current_dir(site.root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    Server { child, port }
}

/// Plain HTTP/1.1 GET on loopback: (status code, body).
fn get(port: u16, path: &str) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")?;
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
