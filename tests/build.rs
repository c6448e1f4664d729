//! `gongshi build` / `check` / `init` on fixture sites: pages, anchors,
//! every front-matter error, overrides, staging and determinism.

mod common;
use common::{run_in, tree, Site};
use std::path::Path;

#[test]
fn builds_pages_indexes_and_feeds() {
    let site = Site::fixture("basic");
    site.build().ok();
    for page in [
        "public/index.html",
        "public/policies/banfa/index.html",
        "public/policies/index.html",
        "public/explainers/jiedu/index.html",
        "public/explainers/index.html",
        "public/notices/dongtai/index.html",
        "public/notices/index.html",
        "public/programmes/index.html",
        "public/programmes/gaozhong-zhuxuejin/index.html",
        "public/stages/senior-high/index.html",
        "public/404.html",
        "public/sitemap.xml",
        "public/atom.xml",
        "public/robots.txt",
        "public/static/style.css",
    ] {
        assert!(site.path(page).is_file(), "missing {page}");
    }
    let policy = site.read("public/policies/banfa/index.html");
    assert!(policy.contains("lang=zh-CN") || policy.contains("lang=\"zh-CN\""));
    assert!(policy.contains("测教发〔2023〕31号"));
    assert!(policy.contains("2023年5月10日"), "dates in Chinese");
    assert!(policy.contains("相关解读") && policy.contains("/explainers/jiedu/"), "lists the explainers citing it");
    let explainer = site.read("public/explainers/jiedu/index.html");
    assert!(explainer.contains("/policies/banfa/#article-2"), "resolved @/ link with anchor");
    let programme = site.read("public/programmes/gaozhong-zhuxuejin/index.html");
    assert!(programme.contains("/policies/banfa/") && programme.contains("/explainers/jiedu/"));
    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap.contains("https://test.example.org/policies/banfa/"));
    let atom = site.read("public/atom.xml");
    assert!(atom.contains("资助申请开始") && atom.contains("资助办法解读"));
    assert!(!atom.contains("测试县资助工作实施办法"), "policies are not in the feed");
}

#[test]
fn article_anchors_on_reference_document_structures() {
    let site = Site::fixture("basic");
    site.build().ok();
    let html = site.read("public/policies/banfa/index.html");
    // `### 第一章 总 则`, `## **第二章 人员配备**`, `## 第三章 …`, and a plain paragraph `第五章 附 则`.
    for id in ["chapter-1", "chapter-2", "chapter-3", "chapter-5"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "missing anchor {id}");
    }
    // `**第一条**`, `**第二条**`, plain `第三条　`, `**第四条**` and `第十二条`.
    for id in ["article-1", "article-2", "article-3", "article-4", "article-12"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "missing anchor {id}");
        assert!(html.contains(&format!("href=\"#{id}\"")), "table of contents lacks {id}");
    }
}

#[test]
fn unknown_front_matter_key_lists_the_known_keys() {
    let site = Site::fixture("basic");
    site.edit("content/notices/dongtai.md", "summary = ", "sumary = ");
    site.build()
        .fails_with(1)
        .stderr_has("content/notices/dongtai.md 第 4 行")
        .stderr_has("未知的字段“sumary”")
        .stderr_has("title、date、summary、programmes、stages");
}

#[test]
fn bad_dates_are_reported_with_their_line() {
    let site = Site::fixture("basic");
    site.edit("content/notices/dongtai.md", "date = 2023-09-01", "date = \"2023/09/01\"");
    site.edit("content/explainers/jiedu.md", "date = 2023-06-01", "date = 2023-13-01");
    let run = site.build();
    run.fails_with(1)
        .stderr_has("content/notices/dongtai.md 第 3 行")
        .stderr_has("无效的日期“2023/09/01”")
        .stderr_has("content/explainers/jiedu.md 第 3 行");
}

#[test]
fn undeclared_programme_suggests_the_declared_name() {
    let site = Site::fixture("basic");
    site.edit(
        "content/policies/banfa.md",
        "programmes = [\"普通高中国家助学金\"]",
        "programmes = [\"普高国家助学金\"]",
    );
    site.build()
        .fails_with(1)
        .stderr_has("content/policies/banfa.md 第 6 行")
        .stderr_has("资助项目“普高国家助学金”没有声明")
        .stderr_has("是不是“普通高中国家助学金”");
}

#[test]
fn unknown_stage_is_an_error() {
    let site = Site::fixture("basic");
    site.edit("content/policies/banfa.md", "stages = [\"普通高中\"]", "stages = [\"高中\"]");
    site.build().fails_with(1).stderr_has("学段“高中”没有声明").stderr_has("普通高中");
}

#[test]
fn broken_internal_link_names_file_and_line() {
    let site = Site::fixture("basic");
    site.edit("content/explainers/jiedu.md", "@/policies/banfa.md#article-2", "@/policies/banfa2.md#article-2");
    site.build()
        .fails_with(1)
        .stderr_has("content/explainers/jiedu.md 第 8 行")
        .stderr_has("链接的页面不存在：@/policies/banfa2.md#article-2");
}

#[test]
fn broken_anchor_names_file_line_and_existing_anchors() {
    let site = Site::fixture("basic");
    site.edit("content/explainers/jiedu.md", "#article-12", "#article-13");
    site.build()
        .fails_with(1)
        .stderr_has("content/explainers/jiedu.md 第 10 行")
        .stderr_has("“#article-13”在 policies/banfa.md 中不存在")
        .stderr_has("article-1、article-2、article-3、article-4、article-12、chapter-1");
}

#[test]
fn unknown_policy_reference_in_explainer() {
    let site = Site::fixture("basic");
    site.edit("content/explainers/jiedu.md", "policies = [\"banfa\"]", "policies = [\"banfa-old\"]");
    site.build().fails_with(1).stderr_has("第 4 行").stderr_has("找不到政策文件“banfa-old”");
}

#[test]
fn all_problems_of_a_run_are_reported_together() {
    let site = Site::fixture("basic");
    site.edit("content/notices/dongtai.md", "summary = ", "sumary = ");
    site.edit("content/policies/banfa.md", "stages = [\"普通高中\"]", "stages = [\"高中\"]");
    site.edit("content/explainers/jiedu.md", "#article-12", "#article-99");
    site.write("content/notices/broken.md", "没有头信息\n");
    let run = site.build();
    run.fails_with(1).stderr_has("共 4 处问题");
    for f in ["dongtai.md", "banfa.md", "jiedu.md", "broken.md"] {
        run.stderr_has(f);
    }
}

#[test]
fn hostile_inputs_are_diagnostics_not_panics() {
    let site = Site::fixture("basic");
    site.write("content/notices/empty.md", "");
    site.write("content/notices/unclosed.md", "+++\ntitle = \"x\"\n");
    site.write("content/notices/badtoml.md", "+++\ntitle = \"x\ndate = 2023-01-01\n+++\n");
    std::fs::write(site.path("content/notices/binary.md"), [0xff, 0xfe, 0x00, 0x81]).unwrap();
    site.write("content/notices/bad name.md", "+++\ntitle = \"x\"\ndate = 2023-01-01\n+++\n");
    let run = site.build();
    run.fails_with(1)
        .stderr_has("共 5 处问题")
        .stderr_has("不是 UTF-8")
        .stderr_has("没有结束")
        .stderr_has("不能用作网址");
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

#[test]
fn config_errors_are_reported() {
    let site = Site::fixture("basic");
    site.edit("site-config.toml", "stage = \"中职\"", "stage = \"中专\"");
    site.edit("site-config.toml", "hotline", "hot_line");
    site.build().fails_with(1).stderr_has("site-config.toml").stderr_has("hot_line");
}

#[test]
fn site_template_overrides_theme_template_by_name() {
    let site = Site::fixture("basic");
    site.write(
        "templates/notice.html",
        "{% extends \"base.html\" %}{% block main %}<p class=\"custom\">自定义模板：{{ page.title }}</p>{% endblock main %}",
    );
    site.build().ok();
    let html = site.read("public/notices/dongtai/index.html");
    assert!(html.contains("自定义模板：资助申请开始"), "{html}");
    assert!(site.read("public/index.html").contains("测试县学生资助"), "other templates still from the theme");
}

#[test]
fn broken_override_template_is_reported_not_panicked() {
    let site = Site::fixture("basic");
    // Templates are compacted before Tera parses them; the error still
    // points at the line the author wrote (line 5).
    let broken = "{% extends \"base.html\" %}\n{% block main %}\n  <div>\n    <p>\n      {{ page.title }\n    </p>\n  </div>\n{% endblock main %}\n";
    site.write("templates/notice.html", broken);
    site.build().fails_with(1).stderr_has("templates/notice.html").stderr_has("模板有语法错误").stderr_has("--> 5:21");
}

#[test]
fn failed_build_leaves_previous_output_untouched() {
    let site = Site::fixture("basic");
    site.build().ok();
    let before = tree(&site.path("public"));
    site.edit("content/notices/dongtai.md", "资助申请开始", "资助申请改期");
    site.edit("content/explainers/jiedu.md", "#article-2", "#article-200");
    site.build().fails_with(1).stderr_has("已有的输出目录没有改动");
    assert_eq!(tree(&site.path("public")), before, "public/ changed after a failed build");
    assert!(!site.path(".public.staging").exists(), "staging folder left behind");
}

#[test]
fn pages_come_out_without_template_indentation() {
    let site = Site::fixture("basic");
    site.build().ok();
    for (path, bytes) in tree(&site.path("public")) {
        if path.ends_with(".html") {
            let html = String::from_utf8(bytes).unwrap();
            assert!(!html.contains("\n "), "{path} keeps template indentation");
        }
    }
}

#[test]
fn same_input_gives_byte_identical_output() {
    let site = Site::fixture("basic");
    site.run(&["build", "--today", "2025-10-15", "--out", "out-a"]).ok();
    site.run(&["build", "--today", "2025-10-15", "--out", "out-b"]).ok();
    let (a, b) = (tree(&site.path("out-a")), tree(&site.path("out-b")));
    assert!(!a.is_empty());
    assert_eq!(a, b);
}

#[test]
fn rebuild_rewrites_only_changed_files_and_removes_stale_ones() {
    let site = Site::fixture("basic");
    site.build().ok();
    let second = site.build();
    second.ok();
    assert!(second.stdout.contains("更新 0 个文件"), "{}", second.stdout);
    std::fs::remove_file(site.path("content/notices/dongtai.md")).unwrap();
    site.edit("content/explainers/jiedu.md", "\n\n谁来做", "\n\n谁来做资助工作？");
    site.build().ok();
    assert!(!site.path("public/notices/dongtai").exists(), "deleted page still published");
}

#[test]
fn check_validates_without_writing() {
    let site = Site::fixture("basic");
    site.run(&["check"]).ok();
    assert!(!site.path("public").exists());
    site.edit("content/explainers/jiedu.md", "#article-2", "#article-200");
    site.run(&["check"]).fails_with(1).stderr_has("检查未通过");
}

#[test]
fn usage_errors_exit_with_code_2() {
    let site = Site::fixture("basic");
    site.run(&["build", "--today", "2025-13-40"]).fails_with(2).stderr_has("日期“2025-13-40”无效");
    let empty = tempfile::tempdir().unwrap();
    run_in(empty.path(), &["build"]).fails_with(2).stderr_has("找不到 site-config.toml");
    site.run(&["build", "--out", "."]).fails_with(1).stderr_has("输出目录不能是站点目录");
}

#[test]
fn init_creates_a_site_that_builds() {
    let tmp = tempfile::tempdir().unwrap();
    run_in(tmp.path(), &["init", "mysite"]).ok();
    let site = tmp.path().join("mysite");
    run_in(&site, &["build"]).ok();
    assert!(site.join("public/policies/gaozhong-zhuxuejin-banfa/index.html").is_file());
    run_in(tmp.path(), &["init", "mysite"]).fails_with(2).stderr_has("不是空的");
}

#[test]
fn pages_load_nothing_from_other_hosts() {
    let site = Site::fixture("basic");
    site.build().ok();
    for (path, bytes) in tree(&site.path("public")) {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        for attr in ["src=http", "src=\"http", "src=//", "href=//", "@import"] {
            assert!(!html.contains(attr), "{path} loads an external resource ({attr})");
        }
        for tag in html.split("<link ").skip(1) {
            let tag = &tag[..tag.find('>').unwrap()];
            assert!(!tag.contains("href=http") && !tag.contains("href=\"http"), "{path}: external <link {tag}>");
        }
    }
}

#[test]
fn demo_site_passes_check() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    run_in(root, &["check", "--today", "2025-10-15"]).ok();
}

#[test]
fn search_index_holds_content_pages_by_section() {
    let site = Site::fixture("basic");
    let run = site.build();
    run.ok();
    assert!(run.stdout.contains("搜索索引："), "build reports the index size: {}", run.stdout);
    let manifest: serde_json::Value = serde_json::from_str(&site.read("public/search/index.json")).unwrap();
    assert_eq!(manifest["docs"], 3, "one entry per policy, explainer and notice");
    assert!(manifest["shards"].as_u64().unwrap() >= 1);
    let chunks = manifest["chunks"].as_array().unwrap();
    let docs: Vec<serde_json::Value> = (0..chunks.len())
        .flat_map(|i| {
            let chunk: Vec<serde_json::Value> =
                serde_json::from_str(&site.read(&format!("public/search/c/{i}.json"))).unwrap();
            chunk
        })
        .collect();
    assert_eq!(docs.len(), 3, "the chunks hold every document");
    let policy = docs.iter().find(|d| d["n"] == "测教发〔2023〕31号").expect("policy with its document number");
    assert_eq!(policy["u"], "/policies/banfa/");
    let sections = policy["s"].as_array().unwrap();
    let article2 = sections.iter().find(|s| s[0] == "article-2").expect("article-2 section");
    assert!(article2[2].as_str().unwrap().contains("资助专干"));
    let search_page = site.read("public/search/index.html");
    assert!(
        search_page.contains("search.js") && !search_page.contains("index.json\"></script"),
        "index is fetched lazily"
    );
    assert!(!site.read("public/index.html").contains("search.js"), "only the search page loads the search script");
}

#[test]
fn a_theme_folder_needs_only_the_templates_it_changes() {
    let site = Site::fixture("basic");
    site.write("site-config.toml", &site.read("site-config.toml").replace("issuer = ", "theme = \"mine\"\nissuer = "));
    site.write(
        "themes/mine/templates/notice.html",
        "{% extends \"base.html\" %}{% block main %}<p>我的主题：{{ page.title }}</p>{% endblock main %}",
    );
    site.build().ok();
    assert!(site.read("public/notices/dongtai/index.html").contains("我的主题：资助申请开始"));
    assert!(site.read("public/index.html").contains("测试县学生资助"), "other templates are the built-in ones");
}

#[test]
fn long_section_indexes_are_paginated() {
    let site = Site::fixture("basic");
    for i in 0..120 {
        site.write(
            &format!("content/notices/n{i:03}.md"),
            &format!("+++\ntitle = \"动态{i:03}\"\ndate = 2024-01-01\n+++\n\n正文。\n"),
        );
    }
    site.build().ok();
    let first = site.read("public/notices/index.html");
    assert!(first.contains("第 1 页，共 3 页") && first.contains("/notices/page/2/"));
    let third = site.read("public/notices/page/3/index.html");
    assert!(third.contains("第 3 页，共 3 页") && third.contains("/notices/page/2/"));
    let listed: usize =
        ["public/notices/index.html", "public/notices/page/2/index.html", "public/notices/page/3/index.html"]
            .iter()
            .map(|p| site.read(p).matches("/notices/n").count())
            .sum();
    assert_eq!(listed, 120, "every notice on exactly one index page");
    for i in 0..100 {
        std::fs::remove_file(site.path(&format!("content/notices/n{i:03}.md"))).unwrap();
    }
    site.build().ok();
    assert!(!site.path("public/notices/page/3").exists(), "pages no longer needed are removed");
}

/// A site's sources (site-config.toml, content/, themes/ where present)
/// copied from `from` into `dir`.
fn site_copy(from: &Path, dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::copy(from.join("site-config.toml"), dir.join("site-config.toml")).unwrap();
    for sub in ["content", "themes"] {
        if from.join(sub).is_dir() {
            common::copy_tree(&from.join(sub), &dir.join(sub));
        }
    }
}

/// Every line of the text files under `dir` (not themes/) ended with CRLF;
/// how many files. Byte by byte: some of the demo's CSV files are GBK,
/// whose trailing bytes are never CR or LF.
fn to_crlf(dir: &Path) -> usize {
    let mut converted = 0;
    for entry in walkdir::WalkDir::new(dir).into_iter().flatten().filter(|e| e.file_type().is_file()) {
        let ext = entry.path().extension().and_then(|e| e.to_str()).unwrap_or("");
        if entry.path().starts_with(dir.join("themes")) || !["md", "csv", "toml", "txt"].contains(&ext) {
            continue;
        }
        let mut with_crlf = Vec::new();
        for &b in std::fs::read(entry.path()).unwrap().iter().filter(|&&b| b != b'\r') {
            if b == b'\n' {
                with_crlf.push(b'\r');
            }
            with_crlf.push(b);
        }
        std::fs::write(entry.path(), with_crlf).unwrap();
        converted += 1;
    }
    converted
}

/// Files saved on Windows end their lines with CRLF (Notepad, WPS, Excel's
/// CSV): front matter, Markdown, pasted Word text (the five reference
/// documents), letters, CSV data and site-config.toml with CRLF give the
/// same site and letters, byte for byte, and the site may sit in a folder
/// named with Chinese and spaces.
#[test]
fn crlf_files_in_a_folder_with_chinese_and_spaces_build_the_same_site() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (name, from, files) in [("demo", repo.to_path_buf(), 20), ("word", repo.join("tests/fixtures/word"), 5)] {
        let tmp = tempfile::tempdir().unwrap();
        let (lf, crlf) = (tmp.path().join("lf"), tmp.path().join("资助 站点 一"));
        site_copy(&from, &lf);
        site_copy(&from, &crlf);
        let converted = to_crlf(&crlf);
        assert!(converted > files, "{name}: {converted} files converted");
        for dir in [&lf, &crlf] {
            run_in(dir, &["build", "--today", "2025-10-15"]).ok();
        }
        for out in ["public", "print"] {
            let (a, b) = (tree(&lf.join(out)), tree(&crlf.join(out)));
            let differ: Vec<&String> = a.iter().zip(&b).filter(|(x, y)| x != y).map(|(x, _)| &x.0).collect();
            assert!(
                a.len() == b.len() && differ.is_empty(),
                "{name} {out}: {} vs {} files, differing: {differ:?}",
                a.len(),
                b.len()
            );
        }
        assert!(tree(&lf.join("public")).len() > 10, "{name}: a site was built");
    }
}
