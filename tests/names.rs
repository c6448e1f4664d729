//! The name guard against how names really reach a site: list titles,
//! school fields, folder names, notice summaries (the feed), the site
//! config, template overrides, static files and their names, other
//! recipients in public cells, draft and ended lists, long names, names
//! with dots and spaces. Each is refused with exit 1 and the previous
//! `public/` stays as it was.

mod common;
use common::{add_list, build_on, tree, Site};

const CSV: &str = "姓名,班级,身份证号\n张小明,高一1班,11010519491231002X\n李四,高一2班,110105200001010016\n阿卜杜拉·买买提,高一3班,110105200801010014\n";

/// A site with one good list, built once so `public/` exists.
fn built_site() -> (Site, Vec<(String, Vec<u8>)>) {
    let site = Site::fixture("lists");
    add_list(&site, "yizhong", "", "a.csv", CSV.as_bytes());
    build_on(&site, "2025-10-15").ok();
    let before = tree(&site.path("public"));
    (site, before)
}

fn refused(site: &Site, before: &[(String, Vec<u8>)], needles: &[&str]) {
    let run = build_on(site, "2025-10-15");
    run.fails_with(1);
    for n in needles {
        run.stderr_has(n);
    }
    assert!(tree(&site.path("public")) == before, "public/ changed after a refused build");
}

#[test]
fn a_name_in_a_list_title_or_school_field() {
    let (site, before) = built_site();
    site.edit("content/lists/2025-qiu/yizhong/index.md", "title = \"测试县", "title = \"李四等测试县");
    refused(&site, &before, &["content/lists/2025-qiu/yizhong/index.md 第 2 行：出现了公示名单中学生的完整姓名“李*”"]);
    site.edit("content/lists/2025-qiu/yizhong/index.md", "李四等测试县", "测试县");
    site.edit("content/lists/2025-qiu/yizhong/index.md", "school = \"测试县第一中学\"", "school = \"张小明\"");
    refused(&site, &before, &["index.md 第 4 行：出现了公示名单中学生的完整姓名“张*明”"]);
}

#[test]
fn a_name_as_a_list_folder() {
    let (site, before) = built_site();
    add_list(&site, "张小明", "", "a.csv", "姓名,班级\n王芳芳,1班\n".as_bytes());
    refused(&site, &before, &["content/lists/2025-qiu/张小明/index.md：出现了公示名单中学生的完整姓名“张*明”"]);
}

#[test]
fn a_name_in_a_notice_summary_reaches_the_feed() {
    let (site, before) = built_site();
    site.edit(
        "content/notices/tongzhi.md",
        "date = 2025-10-10",
        "date = 2025-10-10\nsummary = \"表扬阿卜杜拉·买买提同学\"",
    );
    refused(&site, &before, &["content/notices/tongzhi.md 第 4 行：出现了公示名单中学生的完整姓名“阿******提”"]);
}

#[test]
fn a_name_in_a_notice_body_is_refused_page_and_search_index_alike() {
    // The notice's text reaches its page and, verbatim, a chunk of the
    // search index (the posting shards hold no text): the build is refused
    // at the source, and nothing of it is published.
    let (site, before) = built_site();
    site.edit("content/notices/tongzhi.md", "各学校名单公示开始", "各学校名单公示开始，张小明同学请到校");
    refused(&site, &before, &["content/notices/tongzhi.md 第 7 行：出现了公示名单中学生的完整姓名“张*明”"]);
    let chunks: Vec<(String, Vec<u8>)> = before.iter().filter(|(p, _)| p.contains("search/c/")).cloned().collect();
    assert!(!chunks.is_empty(), "the search index has text chunks");
}

#[test]
fn a_name_in_the_site_config() {
    let (site, before) = built_site();
    site.edit(
        "site-config.toml",
        "issuer = \"测试县教育局\"",
        "issuer = \"测试县教育局\"\ndescription = \"本站表彰张小明等学生\"",
    );
    refused(&site, &before, &["site-config.toml 第 5 行：出现了公示名单中学生的完整姓名“张*明”"]);
}

#[test]
fn a_name_in_a_template_override_is_found_in_the_output() {
    let (site, before) = built_site();
    let base = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/404.html"),
    )
    .unwrap();
    site.write(
        "templates/404.html",
        &base.replacen("{% endblock main %}", "<p>联系人：张 小 明</p>{% endblock main %}", 1),
    );
    refused(&site, &before, &["public/404.html", "“张*明”", "templates/"]);
}

#[test]
fn a_name_in_a_static_file_or_its_name() {
    let (site, before) = built_site();
    site.write("static/附件/说明.html", "<p>获奖学生：李四</p>");
    refused(&site, &before, &["public/附件/说明.html", "“李*”"]);
    std::fs::remove_file(site.path("static/附件/说明.html")).unwrap();
    site.write("static/附件/张小明申请表.txt", "申请表");
    refused(&site, &before, &["public/附件/张小明申请表.txt：出现了公示名单中学生的完整姓名“张*明”"]);
}

/// A static file at a page's path replaces the page (statics are copied
/// after pages): it is read as itself, not taken for the page the leak
/// gate saw as it was written. UTF-16 with a byte-order mark, which a
/// browser shows and a UTF-8 reading would not.
#[test]
fn a_static_file_in_a_pages_place_is_read_as_itself() {
    let (site, before) = built_site();
    let text = "<html><body>受助学生：张小明，身份证 110105200001010016，电话 13812345678</body></html>\n";
    let utf16: Vec<u8> = [0xff, 0xfe].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    std::fs::create_dir_all(site.path("static/notices/tongzhi")).unwrap();
    std::fs::write(site.path("static/notices/tongzhi/index.html"), utf16).unwrap();
    refused(&site, &before, &["public/notices/tongzhi/index.html", "身份证号", "手机号码", "“张*明”"]);
}

#[test]
fn another_recipients_name_in_a_public_cell() {
    let site = Site::fixture("lists");
    let csv = "姓名,班级,备注\n张小明,高一1班,\n李四,高一2班,张小明的同桌\n";
    add_list(
        &site,
        "yizhong",
        "[columns]\n\"姓名\" = \"name\"\n\"班级\" = \"public\"\n\"备注\" = \"public\"",
        "a.csv",
        csv.as_bytes(),
    );
    build_on(&site, "2025-10-15").fails_with(1).stderr_has("“张*明”");
    assert!(!site.path("public").exists());
}

#[test]
fn names_of_draft_upcoming_and_ended_lists_are_guarded() {
    for extra in [
        "draft = true",
        "publicity_start = 2025-11-03\npublicity_days = 5",
        "publicity_start = 2025-09-01\npublicity_days = 5",
    ] {
        let site = Site::fixture("lists");
        add_list(&site, "later", extra, "a.csv", "姓名,班级\n赵六六,1班\n".as_bytes());
        site.edit("content/notices/tongzhi.md", "各学校名单公示开始", "各学校名单公示开始，赵六六同学");
        build_on(&site, "2025-10-15")
            .fails_with(1)
            .stderr_has("content/notices/tongzhi.md 第 7 行：出现了公示名单中学生的完整姓名“赵*六”");
    }
}

#[test]
fn a_full_name_list_shows_its_own_names_only_on_its_own_page() {
    let site = Site::fixture("lists");
    add_list(&site, "yizhong", "name_mask = \"full\"", "a.csv", CSV.as_bytes());
    build_on(&site, "2025-10-15").ok();
    let page = site.read("public/lists/2025-qiu/yizhong/index.html");
    assert!(page.contains("张小明") && page.contains("阿卜杜拉·买买提"));
    // The same name anywhere else is refused.
    site.write("static/名单.txt", "张小明");
    build_on(&site, "2025-10-15").fails_with(1).stderr_has("public/名单.txt");
}

#[test]
fn ordinary_words_that_are_also_two_character_names_pass_in_running_text() {
    let site = Site::fixture("lists");
    add_list(&site, "yizhong", "", "a.csv", "姓名,班级\n文明,1班\n高明,2班\n".as_bytes());
    site.edit("content/notices/tongzhi.md", "各学校名单公示开始", "创建文明校园，高明的做法，各学校名单公示开始");
    build_on(&site, "2025-10-15").ok();
}

#[test]
fn a_two_character_name_inside_a_public_cell() {
    let site = Site::fixture("lists");
    let csv = "姓名,班级,备注\n张小明,高一1班,\n李四,高一2班,\n王芳芳,高一2班,与李四同住\n";
    add_list(
        &site,
        "yizhong",
        "[columns]\n\"姓名\" = \"name\"\n\"班级\" = \"public\"\n\"备注\" = \"public\"",
        "a.csv",
        csv.as_bytes(),
    );
    build_on(&site, "2025-10-15").fails_with(1).stderr_has(
        "content/lists/2025-qiu/yizhong/a.csv 第 4 行第 3 列：公开列“备注”中出现了名单中学生的完整姓名“李*”",
    );
}
