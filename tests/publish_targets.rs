//! `gongshi publish` to a folder and into a CMS export, `gongshi status`
//! (the table, the log, and `--target` with exit codes 0 and 3),
//! `gongshi schedule`, and the fail-safes in the output.

mod common;

use common::*;
use std::fs;

const NAMES: [&str; 3] = PUBLISHED_NAMES;
const MASKED: [&str; 3] = PUBLISHED_MASKED;
const PAGE: &str = "lists/2025-qiu/gaozhong/index.html";

fn web(site: &Site) -> std::path::PathBuf {
    site.path("www")
}

const FOLDER: &str = "[[publish]]\nname = \"web\"\nfolder = \"www\"\n";
const CMS: &str = "[[publish]]\nname = \"portal\"\ncms = \"cms\"\n";

#[test]
fn folder_target_gets_exactly_the_site_and_only_changes() {
    let site = publish_site(FOLDER);
    let run = site.run(&["publish", "--today", "2025-10-15"]);
    run.ok();
    let www = web(&site);
    let page = fs::read_to_string(www.join(PAGE)).unwrap();
    for m in MASKED {
        assert!(page.contains(m), "{m}");
    }
    assert_eq!(tree(&site.path("public")), tree(&www), "the folder holds exactly the built site");

    let mtimes = |dir: &std::path::Path| -> Vec<(String, std::time::SystemTime)> {
        walkdir::WalkDir::new(dir)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| (e.path().display().to_string(), e.metadata().unwrap().modified().unwrap()))
            .collect()
    };
    let before = mtimes(&www);
    let again = site.run(&["publish", "--today", "2025-10-15"]);
    again.ok();
    assert!(again.stdout.contains("更新 0 个文件"), "{}", again.stdout);
    assert_eq!(before, mtimes(&www), "nothing in the folder was rewritten");
    // Staged privately in the site's cache, never beside the served folder.
    let beside: Vec<_> = fs::read_dir(site.root()).unwrap().flatten().map(|e| e.file_name()).collect();
    assert!(beside.iter().all(|n| !n.to_string_lossy().contains("staging")), "{beside:?}");
    assert!(!site.path(".gongshi-cache/staging/target-web").exists(), "staging removed after publishing");

    // After the end: the page is the notice, and a file of a deleted page goes.
    fs::remove_file(site.path("content/notices/tongzhi.md")).unwrap();
    site.run(&["publish", "--today", "2025-10-20"]).ok();
    let text = all_text(&www);
    for n in NAMES.iter().chain(MASKED.iter()) {
        assert!(!text.contains(n), "{n} left in the folder");
    }
    assert!(!www.join("notices/tongzhi/index.html").exists(), "a page no longer built is removed");
    assert_eq!(tree(&site.path("public")), tree(&www));
    let log = site.read("发布记录.csv");
    assert!(log.contains("web,发布,2025-qiu/gaozhong") && log.contains("web,撤下,2025-qiu/gaozhong"), "{log}");
}

#[test]
fn a_folder_with_other_peoples_files_is_refused_untouched() {
    let site = publish_site(FOLDER);
    site.write("www/index.php", "<?php echo 1;");
    site.write("www/uploads/2024年工作总结.docx", "x");
    let run = site.run(&["publish", "--today", "2025-10-15"]);
    run.fails_with(4).stderr_has("不是 gongshi 写的文件").stderr_has("index.php");
    assert_eq!(site.read("www/index.php"), "<?php echo 1;");
    assert!(!site.path("www/index.html").exists());
    assert!(site.read("发布记录.csv").contains("web,失败"));
}

#[test]
fn an_adopted_folder_keeps_other_peoples_files() {
    let site = publish_site("[[publish]]\nname = \"web\"\nfolder = \"www\"\nadopt = true\n");
    site.write("www/index.php", "<?php echo 1;");
    site.write("www/uploads/2024年工作总结.docx", "x");
    site.run(&["publish", "--today", "2025-10-15"]).ok();
    site.run(&["publish", "--today", "2025-10-20"]).ok();
    assert_eq!(site.read("www/index.php"), "<?php echo 1;");
    assert_eq!(site.read("www/uploads/2024年工作总结.docx"), "x");
    assert!(site.read("www/lists/2025-qiu/gaozhong/index.html").contains("公示期已结束"));
    assert!(!site.read("www/.gongshi-manifest").contains("index.php"), "their files are never gongshi's");
}

#[test]
fn a_target_inside_the_site_folders_is_refused() {
    for (folder, why) in [("public/www", "输出目录"), ("content/www", "content/"), (".", "站点目录")] {
        let site = publish_site(&format!("[[publish]]\nname = \"web\"\nfolder = \"{folder}\"\n"));
        site.run(&["publish", "--today", "2025-10-15"]).fails_with(4).stderr_has(why);
    }
    // The CMS export holds names (masked): never inside the published site.
    for (folder, why) in [("public/cms", "输出目录"), ("static/cms", "static/")] {
        let site = publish_site(&format!("[[publish]]\nname = \"portal\"\ncms = \"{folder}\"\n"));
        site.run(&["publish", "--today", "2025-10-15"]).fails_with(4).stderr_has("CMS 导出目录").stderr_has(why);
        assert!(!site.path(folder).exists(), "{folder} written");
    }
}

#[test]
fn cms_export_has_paste_ready_fragments_and_a_take_down_list() {
    let site = publish_site(CMS);
    site.run(&["publish", "--today", "2025-10-15"]).ok();
    let frag = site.read("cms/名单/2025-qiu_gaozhong.html");
    for m in MASKED {
        assert!(frag.contains(m), "{m}");
    }
    for n in NAMES {
        assert!(!frag.contains(n), "full name {n} in the fragment");
    }
    assert!(frag.contains("2025年10月13日至2025年10月17日") && frag.contains("0731-7654321"), "{frag}");
    assert!(frag.contains("经审核，拟资助以下学生"), "the notice text");
    assert!(!frag.contains("<script") && !frag.contains("class=") && !frag.contains("<style"), "inline styles only");
    assert!(frag.contains("style=\"border:1px solid"), "cells styled inline");
    assert!(!site.path("public/cms").exists() && !all_text(&site.path("public")).contains("撤下清单"));
    let list = site.read("cms/撤下清单.txt");
    assert!(list.contains("请于 10 月 18 日撤下：测试县第一中学gaozhong拟资助名单公示"), "{list}");
    assert!(site.read("cms/index.html").contains("<textarea"));

    // After the end: the fragment goes, the list waits to be taken down.
    site.run(&["publish", "--today", "2025-10-20"]).ok();
    assert!(!site.path("cms/名单/2025-qiu_gaozhong.html").exists());
    let list = site.read("cms/撤下清单.txt");
    let line = list.lines().find(|l| l.contains("[2025-qiu/gaozhong]")).expect("take-down line").to_string();
    assert!(line.starts_with("[ ] 请于 10 月 18 日撤下：") && line.contains("已超期"), "{line}");
    site.run(&["status", "--today", "2025-10-20", "--target", "portal"])
        .fails_with(3)
        .stderr_has("尚未确认从 CMS 撤下");

    // Staff take it down and tick the line; the next publish records it.
    site.write("cms/撤下清单.txt", &list.replace(&line, &line.replacen("[ ]", "[x]", 1)));
    site.run(&["publish", "--today", "2025-10-21"]).ok();
    assert!(site.read("发布记录.csv").contains("portal,已撤下（人工确认）,2025-qiu/gaozhong"));
    let list = site.read("cms/撤下清单.txt");
    assert!(!list.contains("[2025-qiu/gaozhong]"), "{list}");
    // The fixture's other list is still up in the CMS: monitoring says so.
    assert!(list.contains("[ ] 请于 10 月 18 日撤下：测试县职业中专"), "{list}");
    site.run(&["status", "--today", "2025-10-21", "--target", "portal"]).fails_with(3).stderr_has("2025-qiu/zhizhuan");
    site.write("cms/撤下清单.txt", &list.replace("[ ]", "[√]"));
    site.run(&["publish", "--today", "2025-10-21"]).ok();
    site.run(&["status", "--today", "2025-10-21", "--target", "portal"]).ok();
}

#[test]
fn status_lists_every_list_and_checks_the_published_copy() {
    let site = publish_site(FOLDER);
    let table = site.run(&["status", "--today", "2025-10-15"]);
    table.ok();
    for needle in [
        "学校",
        "资助项目",
        "轮次",
        "剩余工作日",
        "下次变化",
        "测试县第一中学",
        "公示中",
        "2025-10-18 撤下",
        "网站下次变化：2025-10-18",
    ] {
        assert!(table.stdout.contains(needle), "{needle} in\n{}", table.stdout);
    }
    // Nothing published yet: the check fails.
    site.run(&["status", "--today", "2025-10-15", "--target", "web"]).fails_with(4);
    site.run(&["publish", "--today", "2025-10-15"]).ok();
    site.run(&["status", "--today", "2025-10-15", "--target", "web"]).ok();
    // Two days later nothing changed: still right.
    site.run(&["status", "--today", "2025-10-17", "--target", "web"]).ok();
    // After the end without a publish: the list should be down.
    let late = site.run(&["status", "--today", "2025-10-18", "--target", "web"]);
    late.fails_with(3)
        .stderr_has("应撤下但仍在公示")
        .stderr_has("2025-qiu/gaozhong")
        .stderr_has("早于最近一次名单变化");
    // A list that starts while the copy is old is missed.
    add_list(
        &site,
        "later",
        "publicity_start = 2025-10-16\npublicity_days = 3\n",
        "名单.csv",
        "姓名,班级\n赵六,高三1班\n".as_bytes(),
    );
    site.run(&["status", "--today", "2025-10-16", "--target", "web"]).fails_with(3).stderr_has("缺少公示中的名单");
    site.run(&["publish", "--today", "2025-10-16"]).ok();
    site.run(&["status", "--today", "2025-10-16", "--target", "web"]).ok();
    // The log, printed.
    let log = site.run(&["status", "--log"]);
    log.ok();
    assert!(log.stdout.contains("发布") && log.stdout.contains("2025-qiu/later"), "{}", log.stdout);
    site.run(&["status", "--target", "nope"]).fails_with(2);
}

#[test]
fn schedule_writes_ready_to_use_files_and_the_next_dates() {
    let site = publish_site(FOLDER);
    let run = site.run(&["schedule"]);
    run.ok();
    let dir = site.path("schedule");
    let service = fs::read_to_string(dir.join("gongshi-publish.service")).unwrap();
    let root = std::path::absolute(site.root()).unwrap();
    assert!(service.contains(&format!("ExecStart={} publish --root {}", bin(), root.display())), "{service}");
    let timer = fs::read_to_string(dir.join("gongshi-publish.timer")).unwrap();
    assert!(timer.contains("OnCalendar=*-*-* 00:05:00 Asia/Shanghai") && timer.contains("Persistent=true"));
    let cron = fs::read_to_string(dir.join("crontab.txt")).unwrap();
    assert!(cron.contains("5 0 * * *") && cron.contains("@reboot") && cron.contains("publish --root"), "{cron}");
    let xml = fs::read(dir.join("gongshi-publish.xml")).unwrap();
    assert_eq!(&xml[..2], &[0xff, 0xfe], "Task Scheduler XML in UTF-16 with a BOM");
    let units: Vec<u16> = xml[2..].chunks(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
    let xml = String::from_utf16(&units).unwrap();
    assert!(xml.contains("<StartWhenAvailable>true</StartWhenAvailable>") && xml.contains("<Command>"), "{xml}");
    let bat = fs::read_to_string(dir.join("install-windows-task.bat")).unwrap();
    assert!(bat.contains("schtasks /Create /TN \"gongshi-publish\" /XML"));
    assert!(
        run.stdout.contains("schtasks /Create") && run.stdout.contains("systemctl enable --now gongshi-publish.timer")
    );
    assert!(fs::read_to_string(dir.join("公示日历.ics")).unwrap().contains("BEGIN:VEVENT"));
    let nginx = fs::read_to_string(dir.join("nginx-gongshi.conf")).unwrap();
    assert!(nginx.contains("map \"$time_iso8601 $uri\" $gongshi_withdrawn"));
    // The demo lists are in 2025: whatever today is, the dates printed are
    // the ones still ahead, or none.
    assert!(run.stdout.contains("接下来网站变化的日期"), "{}", run.stdout);
}

#[test]
fn the_output_carries_its_fail_safes() {
    let site = publish_site("");
    site.build().ok();
    let ht = site.read("public/.htaccess");
    assert!(ht.contains("RewriteCond %{TIME} >20251017235959\nRewriteRule ^lists/2025\\-qiu/gaozhong/ - [G]"), "{ht}");
    let page = site.read(&format!("public/{PAGE}"));
    assert!(page.contains("data-gongshi-end=\"2025-10-17T23:59:59+08:00\"") && page.contains("Date.now() > end"));
    assert!(site.read("public/gongshi-status.json").contains("\"today\": \"2025-10-15\""));
    // Once it ended and was rebuilt, no rule is needed: the page is the notice.
    build_on(&site, "2025-10-20").ok();
    assert!(!site.read("public/.htaccess").contains("gaozhong"));
    assert!(site.read(&format!("public/{PAGE}")).contains("data-gongshi-status=\"ended\""));
}

#[test]
fn publish_without_targets_or_with_an_unknown_one_is_a_usage_error() {
    let site = publish_site("");
    site.run(&["publish", "--today", "2025-10-15"]).fails_with(2).stderr_has("[[publish]]");
    let site = publish_site(FOLDER);
    site.run(&["publish", "--target", "nope"]).fails_with(2).stderr_has("web");
}

#[test]
fn a_publish_in_which_nothing_changed_still_knows_when_its_lists_come_down() {
    let site = publish_site(FOLDER);
    site.run(&["publish", "--today", "2025-10-15"]).ok();
    // Old enough to be stamped: this publish's build leaves the stamp.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    site.run(&["publish", "--today", "2025-10-15"]).ok();
    let log = site.read("发布记录.csv");
    let run = site.run(&["publish", "--today", "2025-10-15"]);
    run.ok();
    assert!(run.stdout.contains("没有任何变化"), "{}", run.stdout);
    let lines = |text: &str| -> Vec<String> {
        text.lines().map(|l| l.split_once(',').map_or(l, |(_, rest)| rest).to_string()).collect()
    };
    let (before, all) = (lines(&log), lines(&site.read("发布记录.csv")));
    let last_publish: Vec<&String> = all[before.len()..].iter().collect();
    let previous: Vec<&String> = before[before.len() - last_publish.len()..].iter().collect();
    assert_eq!(last_publish, previous, "the same entries but for the time");
    // The lists' dates are read although the build read nothing.
    assert!(run.stdout.contains("网站下次变化：2025-10-18"), "{}", run.stdout);
    assert!(site.read("schedule/公示日历.ics").contains("gaozhong"));
}
