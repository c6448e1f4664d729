//! `gongshi workbench` end to end, on the real binary with `--no-open`:
//! it answers only this machine and only with the session's token (a
//! changing request only with the token in its header), refuses to make a
//! never-public column public whatever the page sends, writes a list that
//! builds, offers to make a site where there is none, opens from a folder
//! given alone, and removes its work folder when stopped (SIGTERM, or its
//! last page closed).

mod common;
use common::{bin, Site};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

struct Bench {
    child: Child,
    port: u16,
    token: String,
    /// Lines of its output so far.
    out: mpsc::Receiver<String>,
}

impl Drop for Bench {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_in(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> Bench {
    let mut child = Command::new(bin())
        .args(args)
        .current_dir(dir)
        .envs(envs.iter().copied())
        .env("GONGSHI_NO_OPEN", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (tx, out) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut seen = Vec::new();
    let url = loop {
        let line = out.recv_timeout(Duration::from_secs(30)).unwrap_or_else(|_| panic!("no address in {seen:?}"));
        if let Some(u) = line.strip_prefix("工作台地址：") {
            break u.to_string();
        }
        seen.push(line);
    };
    let rest = url.strip_prefix("http://127.0.0.1:").expect(&url);
    let (port, token) = rest.split_once("/?t=").expect(&url);
    Bench { child, port: port.parse().unwrap(), token: token.to_string(), out }
}

fn start(site: &Site) -> Bench {
    start_in(site.root(), &["workbench", "--no-open", "--today", "2025-10-15"], &[])
}

struct Reply {
    code: u16,
    head: String,
    body: String,
}

/// One HTTP/1.1 request on loopback.
fn request(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        req += &format!("Host: 127.0.0.1:{port}\r\n");
    }
    for (k, v) in headers {
        req += &format!("{k}: {v}\r\n");
    }
    req += "\r\n";
    s.write_all(req.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let code = head.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    Reply { code, head: head.to_string(), body: body.to_string() }
}

impl Bench {
    fn get(&self, path: &str) -> Reply {
        let sep = if path.contains('?') { '&' } else { '?' };
        request(self.port, "GET", &format!("{path}{sep}t={}", self.token), &[], b"")
    }

    fn post(&self, path: &str, body: &str) -> Reply {
        request(self.port, "POST", path, &[("X-Gongshi-Token", &self.token)], body.as_bytes())
    }

    fn upload(&self, path: &str, name: &str, bytes: &[u8]) -> Reply {
        let encoded: String = name.bytes().map(|b| format!("%{b:02X}")).collect();
        request(self.port, "POST", path, &[("X-Gongshi-Token", &self.token), ("X-File-Name", &encoded)], bytes)
    }

    /// Waits until the first check has run.
    fn checked(&self) -> String {
        let start = Instant::now();
        loop {
            let r = self.get("/api/problems");
            if !r.body.contains("\"runs\":0") {
                return r.body;
            }
            assert!(start.elapsed() < Duration::from_secs(120), "no check ran");
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn wait_exit(&mut self, within: Duration) -> std::process::ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s;
            }
            assert!(start.elapsed() < within, "the workbench did not stop");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

fn work_dirs(site: &Site) -> Vec<String> {
    std::fs::read_dir(site.path(".gongshi-cache"))
        .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect::<Vec<String>>())
        .unwrap_or_default()
        .into_iter()
        .filter(|n| n.starts_with("workbench-"))
        .collect()
}

#[test]
fn only_this_machine_with_the_token() {
    let site = Site::fixture("basic");
    let b = start(&site);
    let page = b.get("/");
    assert_eq!(page.code, 200, "{}", page.head);
    assert!(page.body.contains("gongshi 工作台") && page.body.contains(&b.token));
    assert!(page.head.to_ascii_lowercase().contains("set-cookie: gongshi_workbench="), "{}", page.head);
    assert!(page.head.contains("HttpOnly") && page.head.contains("SameSite=Strict"), "{}", page.head);
    // No token: refused, with a Chinese message.
    let bare = request(b.port, "GET", "/", &[], b"");
    assert_eq!(bare.code, 403);
    assert!(bare.body.contains("缺少工作台的口令"), "{}", bare.body);
    assert_eq!(request(b.port, "GET", "/api/overview", &[], b"").code, 403);
    assert_eq!(request(b.port, "GET", "/print/index.html", &[], b"").code, 403);
    let wrong = format!("/api/overview?t={}", "0".repeat(32));
    assert_eq!(request(b.port, "GET", &wrong, &[], b"").code, 403);
    // A foreign Host, even with the token (DNS rebinding).
    let with_token = format!("/api/overview?t={}", b.token);
    let foreign = request(b.port, "GET", &with_token, &[("Host", &format!("evil.example:{}", b.port))], b"");
    assert_eq!(foreign.code, 403);
    assert!(foreign.body.contains("只回应发给本机地址的请求"), "{}", foreign.body);
    // The cookie the page set lets pages through, not changes.
    let cookie = format!("gongshi_workbench={}", b.token);
    assert_eq!(request(b.port, "GET", "/api/overview", &[("Cookie", &cookie)], b"").code, 200);
    // Print pages come from templates anyone with the folder can edit:
    // sandboxed, so a script in one cannot use the session.
    std::fs::create_dir_all(site.path("print")).unwrap();
    std::fs::write(site.path("print/letter.html"), "<script>fetch('/')</script>").unwrap();
    let letter = request(b.port, "GET", "/print/letter.html", &[("Cookie", &cookie)], b"");
    assert_eq!(letter.code, 200, "{}", letter.head);
    let head = letter.head.to_ascii_lowercase();
    assert!(
        head.contains("content-security-policy: sandbox allow-scripts") && head.contains("connect-src 'none'"),
        "{head}"
    );
    assert!(!head.contains("allow-same-origin"), "{head}");
    let check_by_cookie = format!("/api/check?t={}", b.token);
    assert_eq!(request(b.port, "POST", &check_by_cookie, &[("Cookie", &cookie)], b"").code, 403);
    let checked = b.post("/api/check", "{}");
    assert_eq!(checked.code, 200, "{}", checked.body);
    assert!(checked.body.contains("\"ok\":true"), "{}", checked.body);
}

/// The demo's primary-school list: names, IDs, an address column.
fn school_csv() -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("content/lists/2025-qiu/chengguan-xiaoxue-buzhu/recipients.csv"),
    )
    .unwrap()
}

#[test]
fn the_list_wizard_refuses_public_private_columns_and_writes_a_list_that_builds() {
    let site = Site::fixture("basic");
    let b = start(&site);
    let up = b.upload("/api/list/upload", "城关小学名单.csv", &school_csv());
    assert_eq!(up.code, 200, "{}", up.body);
    let v: serde_json::Value = serde_json::from_str(&up.body).unwrap();
    let id = v["upload"].as_str().unwrap().to_string();
    // Masked names only, no ID, no address in the preview.
    assert!(up.body.contains("罗*明") && !up.body.contains("罗欣明"), "{}", up.body);
    assert!(!up.body.contains("430621201402014110") && !up.body.contains("某村"), "{}", up.body);
    assert!(up.body.contains("\"never_public\":\"家庭住址\""), "{}", up.body);
    // The upload is kept in the private work folder only.
    let work = site.path(".gongshi-cache").join(&work_dirs(&site)[0]);
    assert!(work.join("uploads").join(&id).join("城关小学名单.csv").is_file());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&work).unwrap().permissions().mode() & 0o777, 0o700);
    }

    let roles = r#"{"学生姓名":"name","学校":"public","年级":"public","班级":"public","身份证件号码":"id_number","家庭住址":"public","补助金额":"amount"}"#;
    let refused = b.post("/api/list/preview", &format!(r#"{{"upload":"{id}","roles":{roles}}}"#));
    assert_eq!(refused.code, 422, "{}", refused.body);
    assert!(refused.body.contains("“家庭住址”属于家庭住址，不能公开"), "{}", refused.body);
    let create = |roles: &str| {
        b.post(
            "/api/list/create",
            &format!(
                r#"{{"upload":"{id}","roles":{roles},"programme":"普通高中国家助学金","school":"测试县城关小学","term":"2025年秋季学期","start":"2025-10-13","days":5,"slug":"chengguan"}}"#
            ),
        )
    };
    assert_eq!(create(roles).code, 422);
    assert!(!site.path("content/lists/2025-qiu/chengguan").exists(), "a refused list wrote files");

    let roles = roles.replace(r#""家庭住址":"public""#, r#""家庭住址":"private""#);
    let made = create(&roles);
    assert_eq!(made.code, 200, "{}", made.body);
    let index = site.read("content/lists/2025-qiu/chengguan/index.md");
    assert!(index.contains("publicity_start = 2025-10-13") && index.contains("publicity_days = 5"), "{index}");
    assert!(index.contains("\"家庭住址\" = \"private\"") && index.contains("school = \"测试县城关小学\""), "{index}");
    assert!(site.path("content/lists/2025-qiu/chengguan/城关小学名单.csv").is_file());
    assert!(!work.join("uploads").join(&id).exists(), "the upload was not removed");
    let built = b.post("/api/build", "{}");
    assert!(built.body.contains("\"ok\":true") && built.body.contains("公示中 1"), "{}", built.body);
    assert!(site.path("public/lists/2025-qiu/chengguan/index.html").is_file());
    // Working days counted by the calendar: 2025-09-29 + 5 spans the
    // National Day holiday and ends on the make-up Saturday.
    let days = b.get("/api/workdays?start=2025-09-29&days=5");
    assert!(days.body.contains("\"end\":\"2025-10-11\""), "{}", days.body);
}

#[test]
fn the_policy_wizard_writes_the_fields_the_user_checked() {
    let site = Site::fixture("basic");
    let b = start(&site);
    let docx =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/docx/xiangyin-duiwu.docx")).unwrap();
    let up = b.upload("/api/policy/upload", "湘阴文件.docx", &docx);
    assert_eq!(up.code, 200, "{}", up.body);
    assert!(up.body.contains("湘阴教发"), "{}", up.body);
    let v: serde_json::Value = serde_json::from_str(&up.body).unwrap();
    let body = serde_json::json!({
        "upload": v["upload"], "title": "改过的标题", "doc_number": v["doc_number"], "issuer": "湘阴县教育局",
        "date": "2023-06-01", "slug": "xiangyin"
    });
    // A line break pasted into a field would break the whole site's build.
    let mut broken = body.clone();
    broken["title"] = serde_json::json!("t\"\n[x]");
    let refused = b.post("/api/policy/create", &broken.to_string());
    assert_eq!(refused.code, 400, "{}", refused.body);
    assert!(refused.body.contains("不能有换行") && !site.path("content/policies/xiangyin.md").exists());
    let made = b.post("/api/policy/create", &body.to_string());
    assert_eq!(made.code, 200, "{}", made.body);
    let page = site.read("content/policies/xiangyin.md");
    assert!(page.contains("title = \"改过的标题\"") && page.contains("date = 2023-06-01"), "{page}");
    assert!(b.upload("/api/policy/upload", "a.exe", b"MZ").code == 400);
    // A broken document: the message names the file the user chose, not the
    // copy in the work folder.
    let bad = b.upload("/api/policy/upload", "坏文件.docx", b"PK\x03\x04 broken");
    assert_eq!(bad.code, 422, "{}", bad.body);
    assert!(bad.body.contains("坏文件.docx") && !bad.body.contains(".gongshi-cache"), "{}", bad.body);
    // A name the file system refuses: nothing half-saved stays behind.
    let long = format!("{}.docx", "长".repeat(100));
    assert_eq!(b.upload("/api/policy/upload", &long, &docx).code, 500);
    let uploads: Vec<_> = std::fs::read_dir(site.path(".gongshi-cache"))
        .unwrap()
        .flatten()
        .filter_map(|w| std::fs::read_dir(w.path().join("uploads")).ok())
        .flat_map(|d| d.flatten().map(|e| e.path()))
        .collect();
    assert!(uploads.iter().all(|d| std::fs::read_dir(d).is_ok_and(|mut e| e.next().is_some())), "{uploads:?}");
}

#[test]
fn stops_on_sigterm_and_when_its_last_page_closed_and_cleans_up() {
    let site = Site::fixture("basic");
    let mut b = start(&site);
    b.checked();
    assert_eq!(work_dirs(&site).len(), 1);
    assert!(Command::new("kill").args(["-TERM", &b.child.id().to_string()]).status().unwrap().success());
    b.wait_exit(Duration::from_secs(20));
    assert!(work_dirs(&site).is_empty(), "{:?}", work_dirs(&site));

    let mut b = start_in(site.root(), &["workbench", "--no-open"], &[("GONGSHI_WORKBENCH_IDLE", "1")]);
    {
        // A page's event stream, opened and closed.
        let mut s = TcpStream::connect(("127.0.0.1", b.port)).unwrap();
        let req = format!("GET /api/events?t={} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n", b.token, b.port);
        s.write_all(req.as_bytes()).unwrap();
        let mut first = [0u8; 12];
        s.read_exact(&mut first).unwrap();
        assert_eq!(&first, b"HTTP/1.1 200");
    }
    b.wait_exit(Duration::from_secs(30));
    let said: Vec<String> = b.out.try_iter().collect();
    assert!(said.iter().any(|l| l.contains("工作台的网页都已关闭")), "{said:?}");
    assert!(work_dirs(&site).is_empty());
}

#[test]
fn a_killed_workbench_leaves_no_upload_past_the_next_build() {
    let site = Site::fixture("basic");
    let mut b = start(&site);
    b.checked();
    let csv = "姓名,班级,身份证号\n张三,1班,11010519491231002X\n".as_bytes();
    assert_eq!(b.upload("/api/list/upload", "名单.csv", csv).code, 200);
    assert!(Command::new("kill").args(["-KILL", &b.child.id().to_string()]).status().unwrap().success());
    b.wait_exit(Duration::from_secs(20));
    assert_eq!(work_dirs(&site).len(), 1, "killed: nothing could clean up");
    let out = Command::new(bin()).args(["build", "--today", "2025-10-15"]).current_dir(site.root()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(work_dirs(&site).iter().all(|d| !d.starts_with("workbench-")), "{:?}", work_dirs(&site));
}

#[test]
fn without_a_site_it_says_so_and_makes_one() {
    let dir = tempfile::tempdir().unwrap();
    let b = start_in(dir.path(), &["workbench", "--no-open"], &[]);
    let o = b.get("/api/overview");
    assert!(o.body.contains("\"site\":false"), "{}", o.body);
    let new = dir.path().join("新站点");
    let made = b.post("/api/init", &serde_json::json!({ "dir": new.display().to_string() }).to_string());
    assert_eq!(made.code, 200, "{}", made.body);
    assert!(new.join("site-config.toml").is_file());
    assert!(b.get("/api/overview").body.contains("\"site\":true"));
}

#[test]
fn a_folder_alone_opens_the_workbench_and_help_still_works() {
    let site = Site::fixture("basic");
    let sub = site.path("content");
    let b = start_in(Path::new(env!("CARGO_MANIFEST_DIR")), &[sub.to_str().unwrap()], &[]);
    assert!(b.get("/api/overview").body.contains("测试县学生资助"));
    let help = Command::new(bin()).arg("--help").output().unwrap();
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(help.status.success() && text.contains("workbench") && text.contains("打开工作台"), "{text}");
    let none = tempfile::tempdir().unwrap();
    let b = start_in(none.path(), &[], &[]);
    assert!(b.get("/api/overview").body.contains("\"site\":false"));
}
