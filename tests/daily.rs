//! Daily commands as staff meet them: serve's first words, stage pages
//! that have nothing, `init` then `build`.

mod common;
use common::{bin, run_in, Site};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

#[test]
fn serve_says_built_the_first_time_and_rebuilt_after() {
    let site = Site::fixture("basic");
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port().to_string();
    let tmp = tempfile::tempdir().unwrap();
    let mut child = Command::new(bin())
        .args(["serve", "--port", &port, "--today", "2025-10-15"])
        .current_dir(site.root())
        .env("TMPDIR", tmp.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let line_with = |rx: &std::sync::mpsc::Receiver<String>, what: &str| loop {
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(line) if line.contains(what) => break line,
            Ok(_) => continue,
            Err(e) => panic!("no line with {what}: {e}"),
        }
    };
    let first = line_with(&rx, "构建：");
    assert!(first.starts_with("已构建："), "{first}");
    // Watching starts once the preview is served.
    line_with(&rx, "正在预览");
    std::thread::sleep(Duration::from_millis(300));
    site.edit("content/notices/dongtai.md", "九月受理申请", "九月受理申请。");
    let second = line_with(&rx, "构建：");
    let _ = child.kill();
    let _ = child.wait();
    assert!(second.starts_with("已重新构建："), "{second}");
}

#[test]
fn stage_pages_without_anything_are_neither_written_nor_in_the_sitemap() {
    let site = Site::fixture("basic");
    site.run(&["build", "--today", "2025-10-15"]).ok();
    let sitemap = site.read("public/sitemap.xml");
    // basic declares 普通高中 and 中职 programmes only.
    assert!(site.path("public/stages/senior-high/index.html").exists());
    assert!(sitemap.contains("stages/senior-high/"), "{sitemap}");
    for empty in ["preschool", "compulsory", "higher"] {
        assert!(!site.path(&format!("public/stages/{empty}/index.html")).exists(), "{empty} written");
        assert!(!sitemap.contains(&format!("stages/{empty}/")), "{empty} in sitemap");
    }
    // A page naming a stage gives that stage a page.
    site.edit("content/notices/dongtai.md", "title = ", "stages = [\"高校\"]\ntitle = ");
    site.run(&["build", "--today", "2025-10-15"]).ok();
    assert!(site.path("public/stages/higher/index.html").exists());
    assert!(site.read("public/sitemap.xml").contains("stages/higher/"));
}

#[test]
fn init_then_build_shows_an_active_list_and_letters() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("我的站点");
    run_in(dir.path(), &["init", "我的站点"]).ok();
    let run = run_in(&site, &["build"]);
    run.ok();
    assert!(run.stdout.contains("公示中 1"), "{}", run.stdout);
    assert!(run.stdout.contains("告知书："), "{}", run.stdout);
    let lists = std::fs::read_to_string(site.join("public/lists/index.html")).unwrap();
    assert!(lists.contains("拟资助学生名单公示"), "{lists}");
    let print_index = std::fs::read_to_string(site.join("print/index.html")).unwrap();
    assert!(print_index.contains("告知书"), "{print_index}");
    run_in(&site, &["check"]).ok();
}

#[test]
fn print_index_orders_schools_grades_and_classes_naturally() {
    let site = Site::fixture("lists");
    site.write(
        "content/letters/xin.md",
        "+++\ntitle = \"告知书\"\n+++\n\n您的孩子 {{ name }}（{{ row[\"班级\"] }}）获得资助。\n",
    );
    let csv = "姓名,班级\n甲一,高一（10）班\n乙二,高三（1）班\n丙三,高一（2）班\n丁四,高二（1）班\n戊五,七年级3班\n己六,小学六年级1班\n";
    common::add_list(&site, "ban", "[letters]\ntemplate = \"xin\"\ngroup_by = [\"班级\"]", "a.csv", csv.as_bytes());
    site.run(&["build", "--today", "2025-10-15"]).ok();
    let index = site.read("print/index.html");
    let order: Vec<usize> = ["小学六年级1班", "七年级3班", "高一（2）班", "高一（10）班", "高二（1）班", "高三（1）班"]
        .iter()
        .map(|c| index.find(&format!(">{c}<")).unwrap_or_else(|| panic!("{c} missing")))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
}

#[test]
fn the_notice_board_sheet_keeps_hotline_and_dates_on_one_line() {
    let site = Site::fixture("lists");
    site.run(&["build", "--today", "2025-10-15"]).ok();
    let sheet = site.read("print/2025-qiu/测试县职业中专/zhizhuan/公示栏.html");
    assert!(sheet.contains(".nowrap, .hotline, .doc-number { white-space: nowrap; }"), "{sheet}");
    assert!(sheet.contains("监督电话 <span class=\"hotline\">0731-7654321</span>"), "{sheet}");
    assert!(sheet.contains("<span class=\"nowrap\">2025年10月13日</span>"), "{sheet}");
}

/// Classes the stylesheet lets scroll (`overflow: auto|scroll`).
fn scrolling_classes(css: &str) -> Vec<String> {
    let mut out = Vec::new();
    for rule in css.split('}') {
        let Some((selector, body)) = rule.split_once('{') else { continue };
        let scrolls = ["overflow:", "overflow-x:", "overflow-y:"].iter().any(|p| {
            body.split(';').any(|d| {
                let d = d.trim();
                d.starts_with(p) && (d.contains("auto") || d.contains("scroll"))
            })
        });
        if scrolls {
            out.extend(selector.split(',').filter_map(|s| s.trim().strip_prefix('.')).map(|s| s.to_string()));
        }
    }
    out
}

#[test]
fn every_scrolling_region_is_focusable_and_labelled() {
    let theme = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    let css = std::fs::read_to_string(theme.join("static/style.css")).unwrap();
    let classes = scrolling_classes(&css);
    assert!(classes.contains(&"table-wrap".to_string()), "{classes:?}");
    // Every template, and a built page with a Markdown table and a list table.
    let site = Site::fixture("lists");
    let notice = site.read("content/notices/tongzhi.md");
    site.write("content/notices/tongzhi.md", &format!("{notice}\n| 时间 | 内容 |\n|---|---|\n| 3月 | 公示 |\n"));
    site.run(&["build", "--today", "2025-10-15"]).ok();
    let mut sources: Vec<(String, String)> = walkdir::WalkDir::new(theme.join("templates"))
        .into_iter()
        .flatten()
        .filter(|e| {
            e.path().extension().is_some_and(|x| x == "html") && !e.path().to_string_lossy().contains("/print/")
        })
        .map(|e| (e.path().display().to_string(), std::fs::read_to_string(e.path()).unwrap()))
        .collect();
    for page in ["public/notices/tongzhi/index.html", "public/lists/2025-qiu/zhizhuan/index.html"] {
        sources.push((page.to_string(), site.read(page)));
    }
    let mut regions = 0;
    for (file, text) in &sources {
        for class in &classes {
            for (at, _) in text.match_indices(&format!("class=\"{class}\"")) {
                let start = text[..at].rfind('<').unwrap();
                let tag = &text[start..start + text[start..].find('>').unwrap()];
                assert!(tag.contains("tabindex=\"0\""), "{file}: not focusable: {tag}");
                assert!(tag.contains("role=\"region\"") && tag.contains("aria-label=\""), "{file}: no label: {tag}");
                regions += 1;
            }
        }
    }
    assert!(regions >= 4, "{regions} regions checked");
}
