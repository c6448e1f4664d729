//! `gongshi publish` to S3-compatible object storage, against a real
//! server (s3s-fs on 127.0.0.1, started by each test and killed on drop).

mod common;
#[path = "common/s3.rs"]
mod s3;

use common::*;
use gongshi::date::Date;
use gongshi::publish::s3_plan::{Manifest, MANIFEST_KEY};
use gongshi::publish::timeline::{Clock, Timeline};
use s3::{S3Server, ACCESS_KEY, SECRET_KEY};
use std::path::Path;
use std::process::Command;

const BUCKET: &str = "zizhu";
const NAMES: [&str; 3] = PUBLISHED_NAMES;
const MASKED: [&str; 3] = PUBLISHED_MASKED;

/// `publish_site` with one object-storage target on `server`.
fn site_for(server: &S3Server, s3_extra: &str) -> Site {
    publish_site(&format!(
        "[[publish]]\nname = \"oss\"\ns3 = {{ endpoint = \"{}\", bucket = \"{BUCKET}\", prefix = \"site\", region = \"cn-hunan\"{s3_extra} }}\n",
        server.endpoint()
    ))
}

fn publish_with(site: &Site, today: &str, key: &str, secret: &str) -> Run {
    Command::new(bin())
        .args(["publish", "--today", today])
        .current_dir(site.root())
        .env("GONGSHI_S3_ACCESS_KEY", key)
        .env("GONGSHI_S3_SECRET_KEY", secret)
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .output()
        .unwrap()
        .into()
}

fn publish(site: &Site, today: &str) -> Run {
    publish_with(site, today, ACCESS_KEY, SECRET_KEY)
}

fn status_target(site: &Site, today: &str) -> Run {
    Command::new(bin())
        .args(["status", "--today", today, "--target", "oss"])
        .current_dir(site.root())
        .env("GONGSHI_S3_ACCESS_KEY", ACCESS_KEY)
        .env("GONGSHI_S3_SECRET_KEY", SECRET_KEY)
        .output()
        .unwrap()
        .into()
}

/// Every object under the prefix, read straight from the server's folder.
fn objects(server: &S3Server) -> Vec<(String, Vec<u8>)> {
    tree(&server.bucket_dir(BUCKET).join("site"))
}

fn object(server: &S3Server, key: &str) -> String {
    std::fs::read_to_string(server.bucket_dir(BUCKET).join("site").join(key)).unwrap_or_else(|e| panic!("{key}: {e}"))
}

/// An object's headers, as the server answers a GET.
fn headers(server: &S3Server, key: &str) -> (String, String) {
    let conf: gongshi::targets::S3Target =
        toml::from_str(&format!("endpoint = \"{}\"\nbucket = \"{BUCKET}\"\nprefix = \"site\"", server.endpoint()))
            .unwrap();
    let bucket = gongshi::publish::s3::Bucket::connect_with("oss", &conf, ACCESS_KEY, SECRET_KEY).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (_, attrs) = rt.block_on(bucket.get(key)).unwrap().unwrap_or_else(|| panic!("{key} missing"));
    let get = |a| attrs.get(&a).map(|v| v.to_string()).unwrap_or_default();
    (get(object_store::Attribute::ContentType), get(object_store::Attribute::CacheControl))
}

/// The bucket holds exactly the built site (not Apache's `.htaccess`, not
/// the output folder's bookkeeping), byte for byte, besides gongshi's manifest.
fn same_site(site: &Site, server: &S3Server) {
    let built: Vec<(String, Vec<u8>)> = tree(&site.path("public"))
        .into_iter()
        .filter(|(p, _)| p != ".htaccess" && !p.starts_with(".gongshi"))
        .collect();
    let mut uploaded = objects(server);
    uploaded.retain(|(p, _)| p != MANIFEST_KEY);
    let names = |v: &[(String, Vec<u8>)]| v.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(names(&built), names(&uploaded), "the same keys as the built files");
    for ((p, a), (_, b)) in built.iter().zip(&uploaded) {
        assert!(a == b, "{p} differs from the built file");
    }
}

fn manifest(server: &S3Server) -> Manifest {
    serde_json::from_str(&object(server, MANIFEST_KEY)).unwrap()
}

const PAGE: &str = "lists/2025-qiu/gaozhong/index.html";

#[test]
fn publish_in_the_period_uploads_the_masked_list_with_its_headers() {
    let server = S3Server::start(&[BUCKET]);
    let site = site_for(&server, "");
    let run = publish(&site, "2025-10-15");
    run.ok();
    assert!(run.stdout.contains("发布到“oss”"), "{}", run.stdout);
    let page = object(&server, PAGE);
    for m in MASKED {
        assert!(page.contains(m), "{m} in the active list's page");
    }
    for n in NAMES {
        assert!(
            !objects(&server).iter().any(|(_, b)| String::from_utf8_lossy(b).contains(n)),
            "full name {n} uploaded"
        );
    }
    // Exactly the site: every built file, byte for byte, and gongshi's manifest.
    same_site(&site, &server);
    assert!(manifest(&server).is_complete());
    assert_eq!(headers(&server, PAGE).0, "text/html; charset=utf-8");
    assert_eq!(headers(&server, "static/style.css").0, "text/css; charset=utf-8");
    assert_eq!(headers(&server, "atom.xml").0, "application/atom+xml; charset=utf-8");
    status_target(&site, "2025-10-15").ok();
    assert!(site.read("发布记录.csv").contains("oss,发布,2025-qiu/gaozhong"));
}

#[test]
fn cache_control_never_outlives_the_list() {
    let server = S3Server::start(&[BUCKET]);
    let site = site_for(&server, "");
    // A second list whose last day is the publish day.
    add_list(
        &site,
        "today",
        "publicity_start = 2025-10-13\npublicity_end = 2025-10-15\n",
        "名单.csv",
        "姓名,班级\n王小二,初一1班\n".as_bytes(),
    );
    publish(&site, "2025-10-15").ok();
    let max_age = |cc: &str| -> i64 {
        cc.strip_prefix("public, max-age=").and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("no max-age: {cc}"))
    };
    // Ends 2025-10-17: the cap of five minutes.
    assert_eq!(headers(&server, PAGE).1, "public, max-age=300");
    // Ends today: never past midnight, Beijing time.
    let clock = Clock::on(Some(Date::parse("2025-10-15").unwrap()));
    let midnight = Date::parse("2025-10-16").unwrap().0.and_hms_opt(0, 0, 0).unwrap();
    let left = clock.seconds_until(midnight);
    let (_, cc) = headers(&server, "lists/2025-qiu/today/index.html");
    if cc != "no-cache" {
        assert!(max_age(&cc) <= left.min(300) + 60, "{cc} with {left} s left");
    }
    assert_eq!(headers(&server, "policies/banfa/index.html").1, "public, max-age=600");
    assert_eq!(headers(&server, "static/style.css").1, "public, max-age=3600");
    assert_eq!(headers(&server, "gongshi-status.json").1, "no-cache");
    // After the end: the withdrawal notice is cached one minute.
    publish(&site, "2025-10-20").ok();
    assert_eq!(headers(&server, PAGE).1, "public, max-age=60");
}

#[test]
fn publish_after_the_end_leaves_no_recipient_and_no_name() {
    let server = S3Server::start(&[BUCKET]);
    let site = site_for(&server, "");
    publish(&site, "2025-10-15").ok();
    let run = publish(&site, "2025-10-20");
    run.ok();
    let page = object(&server, PAGE);
    assert!(page.contains("公示期已结束"), "{page}");
    for (key, bytes) in objects(&server) {
        let text = String::from_utf8_lossy(&bytes);
        for n in NAMES.iter().chain(MASKED.iter()) {
            assert!(!text.contains(n), "{n} still in {key}");
        }
        assert!(!text.contains("高一1班"), "a recipient's class still in {key}");
    }
    assert!(site.read("发布记录.csv").contains("oss,撤下,2025-qiu/gaozhong"));
    status_target(&site, "2025-10-20").ok();
}

#[test]
fn an_unchanged_publish_uploads_nothing() {
    let server = S3Server::start(&[BUCKET]);
    let site = site_for(&server, "");
    publish(&site, "2025-10-15").ok();
    let mtimes = |s: &S3Server| -> Vec<(String, std::time::SystemTime)> {
        walkdir::WalkDir::new(s.bucket_dir(BUCKET))
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| (e.path().display().to_string(), e.metadata().unwrap().modified().unwrap()))
            .collect()
    };
    let before = mtimes(&server);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let run = publish(&site, "2025-10-15");
    run.ok();
    assert!(run.stdout.contains("上传 0 个对象"), "{}", run.stdout);
    assert!(run.stdout.contains("删除 0 个"), "{}", run.stdout);
    assert_eq!(before, mtimes(&server), "no object, not even the manifest, was written again");
}

#[test]
fn an_interrupted_publish_is_completed_by_the_next() {
    let server = S3Server::start(&[BUCKET]);
    let site = site_for(&server, "");
    site.build().ok();
    let config = gongshi::config::SiteConfig::load(site.root()).unwrap();
    let timeline = Timeline::load(site.root(), &config).unwrap();
    let clock = Clock::on(Some(Date::parse("2025-10-15").unwrap()));
    let files: Vec<String> = gongshi::output::staging::files_under(&site.path("public"))
        .unwrap()
        .into_iter()
        .filter(|f| !f.starts_with(".gongshi"))
        .collect();
    let conf = config.publish[0].s3.clone().unwrap();
    let opts =
        gongshi::publish::s3::Options { stop_after: Some(5), keys: Some((ACCESS_KEY.into(), SECRET_KEY.into())) };
    let public = site.path("public");
    let built =
        gongshi::publish::s3::Site { dir: &public, files: &files, timeline: &timeline, clock: &clock, digests: None };
    let err = gongshi::publish::s3::publish("oss", &conf, &built, opts).expect_err("stopped after five uploads");
    assert!(err.to_string().contains("中断"), "{err}");
    let m = manifest(&server);
    assert!(!m.is_complete(), "the interrupted publish left its manifest unfinished");
    assert!(m.objects.len() >= files.len() - 1, "it owns every key it may have written");
    let partial = objects(&server).len();
    assert!(partial < files.len(), "only part of the site was uploaded ({partial})");
    // Monitoring sees it.
    status_target(&site, "2025-10-15").fails_with(3).stderr_has("上一次发布没有完成");
    let run = publish(&site, "2025-10-15");
    run.ok();
    same_site(&site, &server);
    assert!(manifest(&server).is_complete());
    status_target(&site, "2025-10-15").ok();
}

#[test]
fn wrong_credentials_missing_bucket_and_unreachable_endpoint_each_say_so() {
    let server = S3Server::start(&[BUCKET]);
    let site = site_for(&server, "");
    let run = publish_with(&site, "2025-10-15", ACCESS_KEY, "not-the-secret");
    run.fails_with(4).stderr_has("拒绝了发布目标“oss”的访问密钥").stderr_has("AccessKey 或 SecretKey 不对");
    let run = publish_with(&site, "2025-10-15", "nobody", SECRET_KEY);
    run.fails_with(4).stderr_has("AccessKey 或 SecretKey 不对");
    assert!(objects(&server).is_empty(), "nothing was written with wrong keys");
    assert!(site.read("发布记录.csv").contains("oss,失败"));

    site.edit("site-config.toml", &format!("bucket = \"{BUCKET}\""), "bucket = \"meiyou\"");
    publish(&site, "2025-10-15").fails_with(4).stderr_has("存储桶“meiyou”不存在");

    let closed = s3::free_port();
    site.edit("site-config.toml", "bucket = \"meiyou\"", &format!("bucket = \"{BUCKET}\", retries = 1"));
    site.edit("site-config.toml", &server.endpoint(), &format!("http://127.0.0.1:{closed}"));
    publish(&site, "2025-10-15").fails_with(4).stderr_has("连接不上发布目标“oss”的对象存储").stderr_has("已重试 1 次");
}

#[test]
fn a_server_that_answers_late_is_retried_with_backoff() {
    // The endpoint refuses connections for the first two seconds: the
    // retries (0.2 s, 0.4 s, 0.8 s, … apart) reach it once it is up.
    let port = s3::free_port();
    let site = Site::fixture("lists");
    let config = site.read("site-config.toml");
    let target = |retries: usize| {
        format!("{config}\n[[publish]]\nname = \"oss\"\ns3 = {{ endpoint = \"http://127.0.0.1:{port}\", bucket = \"{BUCKET}\", retries = {retries} }}\n")
    };
    site.build().ok();
    let spawn = || {
        Command::new(bin())
            .args(["publish", "--today", "2025-10-15"])
            .current_dir(site.root())
            .env("GONGSHI_S3_ACCESS_KEY", ACCESS_KEY)
            .env("GONGSHI_S3_SECRET_KEY", SECRET_KEY)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let delay = std::time::Duration::from_secs(2);
    // Without retries the same publish fails, and before the server would
    // be up: so the success below comes from retrying, not from luck.
    site.write("site-config.toml", &target(0));
    let started = std::time::Instant::now();
    let out = spawn().wait_with_output().unwrap();
    let first_try = started.elapsed();
    assert_eq!(out.status.code(), Some(4), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(first_try < delay, "the first connection took {first_try:?}: the test would not show a retry");

    site.write("site-config.toml", &target(8));
    let publishing = spawn();
    std::thread::sleep(delay);
    let server = S3Server::start_on(port, &[BUCKET]);
    let out = publishing.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("发布到“oss”"), "{stdout}");
    assert!(server.bucket_dir(BUCKET).join("index.html").is_file(), "the site reached the late server");
}

#[test]
fn keys_outside_the_prefix_and_foreign_keys_are_left_alone() {
    let server = S3Server::start(&[BUCKET]);
    let dir = server.bucket_dir(BUCKET);
    let plant = |rel: &str, text: &str| {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    plant("other-dept/index.html", "其他科室的页面");
    plant("site-old/index.html", "旧网站");
    plant("index.html", "门户首页");
    plant("site/uploads/2024年工作总结.docx", "不是 gongshi 的文件");
    let site = site_for(&server, "");
    let run = publish(&site, "2025-10-15");
    run.ok();
    assert!(run.stdout.contains("不是 gongshi 上传的对象，未改动"), "{}", run.stdout);
    publish(&site, "2025-10-20").ok();
    let read = |rel: &str| std::fs::read_to_string(dir.join(rel)).unwrap();
    assert_eq!(read("other-dept/index.html"), "其他科室的页面");
    assert_eq!(read("site-old/index.html"), "旧网站");
    assert_eq!(read("index.html"), "门户首页");
    assert_eq!(read("site/uploads/2024年工作总结.docx"), "不是 gongshi 的文件");
    assert!(!manifest(&server).objects.keys().any(|k| k.starts_with("uploads/")));
}

#[test]
fn status_reads_the_published_copy() {
    let server = S3Server::start(&[BUCKET]);
    let site = site_for(&server, "");
    publish(&site, "2025-10-15").ok();
    let late = status_target(&site, "2025-10-20");
    late.fails_with(3).stderr_has("应撤下但仍在公示").stderr_has("2025-qiu/gaozhong");
    assert!(Path::new(&server.bucket_dir(BUCKET)).is_dir());
}
