//! A real print: headless Chromium prints a letter batch to PDF, and the
//! PDF has exactly one A4 page per letter, including a long name, a long
//! class name and the demo's longest letter body, none cut off.
//! Needs Debian's `chromium` and `poppler-utils` (scripts/test.sh installs
//! them). Without them the test is skipped locally and fails under CI.

mod common;
use common::{add_list, build_on, Site};
use std::path::Path;
use std::process::Command;

fn tool(name: &str) -> bool {
    Command::new("sh").arg("-c").arg(format!("command -v {name}")).output().is_ok_and(|o| o.status.success())
}

/// The demo letter with the most text.
fn longest_demo_letter() -> (String, String) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("content/letters");
    let mut letters: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| {
            (e.path().file_stem().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(e.path()).unwrap())
        })
        .collect();
    letters.sort_by_key(|(_, text)| std::cmp::Reverse(text.chars().count()));
    letters.remove(0)
}

fn chromium(args: &[&str]) -> std::process::Output {
    let profile = tempfile::tempdir().unwrap();
    Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            &format!("--user-data-dir={}", profile.path().display()),
        ])
        .args(args)
        .output()
        .expect("run chromium")
}

#[test]
fn each_letter_prints_on_exactly_one_a4_page() {
    if !(tool("chromium") && tool("pdfinfo")) {
        assert!(std::env::var_os("CI").is_none(), "CI must have chromium and pdfinfo (scripts/test.sh installs them)");
        eprintln!("skipped: chromium or pdfinfo missing (run scripts/test.sh to install them)");
        return;
    }
    let (name, text) = longest_demo_letter();
    let site = Site::fixture("lists");
    site.write(&format!("content/letters/{name}.md"), &text);
    // Every column any demo letter reads, and names and classes longer than real ones.
    let csv = "姓名,专业,年级,班级,资助档次,资助金额,身份证号\n\
        欧阳娜仁托娅·巴特尔,机电技术应用,2025级,高一（12）班（国际部创新实验班）,一档,1500,11010519491231002X\n\
        张小明,电子商务,2025级,高一（12）班（国际部创新实验班）,二档,800,110105200001010016\n\
        李明,护理,2025级,高一（12）班（国际部创新实验班）,一档,1500,110105200801010014\n";
    add_list(&site, "print", &format!("[letters]\ntemplate = \"{name}\""), "a.csv", csv.as_bytes());
    build_on(&site, "2025-10-15").ok();
    let batch = site.path("print/2025-qiu/测试县第一中学/print/全校.html");
    let html = std::fs::read_to_string(&batch).unwrap();
    assert_eq!(html.matches("<article class=\"letter\">").count(), 3);

    let pdf = site.path("batch.pdf");
    let url = format!("file://{}", batch.display());
    let out = chromium(&["--no-pdf-header-footer", &format!("--print-to-pdf={}", pdf.display()), &url]);
    assert!(pdf.is_file(), "chromium wrote no PDF: {}", String::from_utf8_lossy(&out.stderr));
    let info = Command::new("pdfinfo").arg(&pdf).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    let pages: usize = info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim().parse().unwrap();
    assert_eq!(pages, 3, "one page per letter\n{info}");
    assert!(info.contains("(A4)"), "A4 pages\n{info}");

    // The page's own check flags any letter whose text does not fit.
    let dom = chromium(&["--dump-dom", &url]);
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(dom.contains("<article class=\"letter\""), "DOM dumped");
    assert!(!dom.contains("data-overflow=\"true\""), "a letter is cut off at the page end");
}

/// A letter body of about `n` characters in paragraphs of 143 and 97.
fn long_letter(n: usize) -> String {
    let mut paras = vec!["您的孩子 **{{ name }}**（{{ row[\"班级\"] }}）获得资助。".to_string()];
    let (mut left, mut i) = (n, 0);
    while left > 0 {
        let k = left.min(if i % 2 == 1 { 97 } else { 143 });
        let text: String = "资助政策说明，".repeat(40).chars().take(k - 1).collect();
        paras.push(format!("{text}。"));
        left -= k;
        i += 1;
    }
    format!(
        "+++\ntitle = \"普通高中国家助学金资助告知书\"\n[receipt]\noptions = [\"同意领取\", \"自愿放弃\"]\n+++\n\n{}\n",
        paras.join("\n\n")
    )
}

fn pdf_pages(site: &Site, batch: &Path) -> usize {
    let pdf = site.path("batch.pdf");
    let url = format!("file://{}", batch.display());
    let out = chromium(&["--no-pdf-header-footer", &format!("--print-to-pdf={}", pdf.display()), &url]);
    assert!(pdf.is_file(), "chromium wrote no PDF: {}", String::from_utf8_lossy(&out.stderr));
    let info = Command::new("pdfinfo").arg(&pdf).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout).into_owned();
    info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim().parse().unwrap()
}

#[test]
fn a_long_letter_is_shrunk_to_fit_its_page() {
    if !(tool("chromium") && tool("pdfinfo")) {
        assert!(std::env::var_os("CI").is_none(), "CI must have chromium and pdfinfo");
        eprintln!("skipped: chromium or pdfinfo missing");
        return;
    }
    let site = Site::fixture("lists");
    site.write("content/letters/long.md", &long_letter(560));
    let csv = "姓名,班级\n欧阳娜仁托娅·巴特尔,高一（12）班（国际部创新实验班）\n张小明,高一1班\n";
    add_list(&site, "long", "[letters]\ntemplate = \"long\"", "a.csv", csv.as_bytes());
    let run = build_on(&site, "2025-10-15");
    run.ok();
    assert!(
        run.stderr.contains("content/letters/long.md：正文约") && run.stderr.contains("告知书将缩小到"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("2 份告知书正文较长，已缩小字号印在一页上（最小 11 磅）"), "{}", run.stderr);
    let batch = site.path("print/2025-qiu/测试县第一中学/long/全校.html");
    let html = std::fs::read_to_string(&batch).unwrap();
    assert!(html.contains("<div class=\"body\" style=\"font-size: 11pt\">"), "shrunk");
    assert_eq!(pdf_pages(&site, &batch), 2, "one page per letter");
    let dom = chromium(&["--dump-dom", &format!("file://{}", batch.display())]);
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(dom.contains("<article class=\"letter\"") && !dom.contains("data-overflow=\"true\""), "cut off");
    // At 12 pt the same letter would be cut off: the shrinking is needed.
    std::fs::write(&batch, html.replace(" style=\"font-size: 11pt\"", "")).unwrap();
    let dom = chromium(&["--dump-dom", &format!("file://{}", batch.display())]);
    assert!(String::from_utf8_lossy(&dom.stdout).contains("data-overflow=\"true\""), "fits at 12 pt anyway");
}

#[test]
fn a_letter_too_long_even_at_the_smallest_size_fails_every_build() {
    let site = Site::fixture("lists");
    // Fits at 12 pt: the build succeeds and the list is cached.
    site.write("content/letters/long.md", &long_letter(300));
    add_list(&site, "long", "[letters]\ntemplate = \"long\"", "a.csv", "姓名,班级\n张小明,1班\n".as_bytes());
    build_on(&site, "2025-10-15").ok();
    site.write("content/letters/long.md", &long_letter(1000));
    for _ in 0..2 {
        let run = build_on(&site, "2025-10-15");
        run.fails_with(1)
            .stderr_has("content/letters/long.md：告知书正文太长：约 1036 字，缩小到五号字（10.5 磅）也印不下一页")
            .stderr_has("请把正文精简到约");
    }
    // A template no list prints yet is checked all the same.
    let site = Site::fixture("lists");
    site.write("content/letters/long.md", &long_letter(1000));
    build_on(&site, "2025-10-15").fails_with(1).stderr_has("content/letters/long.md：告知书正文太长");
    // The check is on the letters as written too: a long class name in the data.
    let site = Site::fixture("lists");
    site.write("content/letters/long.md", &long_letter(540));
    let class = "高一（12）班".repeat(40);
    add_list(
        &site,
        "long",
        "[letters]\ntemplate = \"long\"",
        "a.csv",
        format!("姓名,班级\n张小明,{class}\n").as_bytes(),
    );
    build_on(&site, "2025-10-15")
        .fails_with(1)
        .stderr_has("为 content/lists/2025-qiu/long/a.csv 第 2 行的学生生成的告知书正文约");
}
