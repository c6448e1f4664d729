//! Publicity lists end to end: reading real files, validation errors with
//! their lines, the lifecycle, name masks, and the leak gate.

mod common;
use common::{add_list, all_text, build_on, tree, Site};

const HEADER: &str = "姓名,年级,班级,身份证号,联系电话,困难类型\n";

fn rows() -> String {
    [
        "张小明,高一,高一（1）班,11010519491231002X,13812345678,低保家庭",
        "欧阳志华,高一,高一（2）班,110105200001010016,13987654321,脱贫家庭",
        "李明,高二,高二（1）班,110105200801010014,15011112222,其他",
    ]
    .join("\n")
        + "\n"
}

/// The three standard students as `a.csv` in list `slug`.
fn add_standard_list(site: &Site, slug: &str, extra: &str) {
    add_list(site, slug, extra, "a.csv", format!("{HEADER}{}", rows()).as_bytes());
}

/// The same students in several lists of one programme and term: the
/// county's check would call it double funding (an error), which is not
/// what these tests are about.
fn allow_the_same_students_twice(site: &Site) {
    let config = site.read("site-config.toml");
    site.write("site-config.toml", &format!("{config}\n[audit]\ndouble_funding = \"off\"\n"));
}

fn tbody_rows(html: &str) -> usize {
    let body = html.split("<tbody>").nth(1).expect("recipients table").split("</tbody>").next().unwrap();
    body.matches("<tr>").count()
}

fn assert_private_data_absent(site: &Site) {
    let text = all_text(&site.path("public"));
    for secret in [
        "11010519491231002X",
        "110105200001010016",
        "13812345678",
        "13987654321",
        "低保家庭",
        "脱贫家庭",
        "张小明",
        "欧阳志华",
    ] {
        assert!(!text.contains(secret), "{secret} reached public/");
    }
}

#[test]
fn utf8_list_is_published_masked_while_active() {
    let site = Site::fixture("lists");
    add_list(&site, "yizhong", "", "名单.csv", format!("{HEADER}{}", rows()).as_bytes());
    build_on(&site, "2025-10-15").ok();
    let html = site.read("public/lists/2025-qiu/yizhong/index.html");
    assert_eq!(tbody_rows(html.split("class=\"recipients\"").nth(1).unwrap()), 3);
    for shown in
        ["张*明", "欧阳*华", "李*", "高一（1）班", "2025年10月13日", "2025年10月17日", "3个工作日", "0731-7654321"]
    {
        assert!(html.contains(shown), "list page lacks {shown}");
    }
    assert!(html.contains("<meta name=\"robots\" content=\"noindex, nofollow\">"), "noindex meta");
    assert!(site.read("public/index.html").contains("/lists/2025-qiu/yizhong/"), "home shows active list");
    assert!(site.read("public/programmes/gaozhong-zhuxuejin/index.html").contains("/lists/2025-qiu/yizhong/"));
    assert!(site.read("public/lists/index.html").contains("/lists/2025-qiu/yizhong/"));
    for machine in ["public/sitemap.xml", "public/atom.xml"] {
        assert!(!site.read(machine).contains("/lists/"), "{machine} mentions a list");
    }
    assert_private_data_absent(&site);
}

#[test]
fn every_encoding_and_excel_give_the_same_table() {
    let text = format!("{HEADER}{}", rows());
    let (gb18030, _, _) = encoding_rs::GB18030.encode(&text);
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(text.as_bytes());
    let mut utf16 = vec![0xFF, 0xFE];
    for u in text.replace(',', "\t").encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    let site = Site::fixture("lists");
    allow_the_same_students_twice(&site);
    add_list(&site, "utf8", "", "a.csv", text.as_bytes());
    add_list(&site, "bom", "", "a.csv", &bom);
    add_list(&site, "gbk", "", "a.csv", &gb18030);
    add_list(&site, "utf16", "", "a.txt", &utf16);
    build_on(&site, "2025-10-15").ok();
    for slug in ["utf8", "bom", "gbk", "utf16"] {
        let html = site.read(&format!("public/lists/2025-qiu/{slug}/index.html"));
        for shown in ["张*明", "欧阳*华", "高一（2）班"] {
            assert!(html.contains(shown), "{slug}: lacks {shown}");
        }
    }
    // The xlsx list of the fixture: named sheet, title rows, full-width digits.
    let xlsx = site.read("public/lists/2025-qiu/zhizhuan/index.html");
    assert!(xlsx.contains("张*明") && xlsx.contains("欧阳*华") && xlsx.contains("机电1班"), "xlsx list");
    assert_private_data_absent(&site);
}

#[test]
fn title_rows_full_width_data_and_padding_are_cleaned() {
    let site = Site::fixture("lists");
    let csv = "测试县第一中学拟资助名单,,,\n填报单位：测试县第一中学,,,\n\n姓名 ,班级,身份证号,,\n张　小明,高一（１）班,１１０１０５１９４９１２３１００２Ｘ,,\n\n李  明 , 高二（1）班 ,110105200801010014,,\n";
    add_list(&site, "messy", "", "a.csv", csv.as_bytes());
    build_on(&site, "2025-10-15").ok();
    let html = site.read("public/lists/2025-qiu/messy/index.html");
    let table = html.split("class=\"recipients\"").nth(1).unwrap();
    assert_eq!(tbody_rows(table), 2);
    assert!(table.contains("<td>张*明</td><td>高一（1）班</td>"), "{table}");
    assert!(table.contains("<td>李*</td><td>高二（1）班</td>"));
}

#[test]
fn every_data_error_is_reported_with_its_line() {
    let site = Site::fixture("lists");
    let csv = "姓名,班级,身份证号,资助金额\n\
               张小明,1班,11010519491231002X,1500\n\
               ,1班,110105200001010016,1500\n\
               李四,1班,4.30621E+17,1500\n\
               王五,2班,430621200801010000,1500\n\
               赵六,2班,110105194912310021,1500\n\
               钱七,2班,110105200801010014,一千五\n\
               张小明,3班,11010519491231002X,800\n";
    build_on(&site, "2025-10-15").ok();
    let before = tree(&site.path("public"));
    add_list(&site, "bad", "", "a.csv", csv.as_bytes());
    let run = build_on(&site, "2025-10-15");
    run.fails_with(1)
        .stderr_has("content/lists/2025-qiu/bad/a.csv 第 3 行第 1 列：姓名为空")
        .stderr_has("a.csv 第 4 行第 3 列：身份证号被 Excel 改成了科学计数法")
        .stderr_has("a.csv 第 5 行第 3 列：身份证号末尾变成了 000")
        .stderr_has("“文本”格式")
        .stderr_has("a.csv 第 6 行第 3 列：身份证号校验位不对")
        .stderr_has("a.csv 第 7 行第 4 列：金额“一千五”不是数字")
        .stderr_has("a.csv 第 8 行：与第 2 行是同一个学生（身份证号相同）")
        .stderr_has("共 6 处问题");
    assert_eq!(tree(&site.path("public")), before, "a list with errors changed public/");
}

#[test]
fn excel_number_cells_with_ids_are_caught() {
    let site = Site::fixture("lists");
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/data/mangled.xlsx"),
        site.path("content/lists/2025-qiu/zhizhuan/recipients.xlsx"),
    )
    .unwrap();
    build_on(&site, "2025-10-15").fails_with(1).stderr_has("recipients.xlsx 第 6 行第 3 列：身份证号末尾变成了 000");
}

#[test]
fn duplicates_without_ids_are_same_name_in_same_class() {
    let site = Site::fixture("lists");
    add_list(&site, "dup", "", "a.csv", "姓名,班级\n张小明,1班\n张小明,2班\n张 小明,1班\n".as_bytes());
    build_on(&site, "2025-10-15")
        .fails_with(1)
        .stderr_has("a.csv 第 4 行：与第 2 行是同一个学生（姓名和班级相同）")
        .stderr_has("共 1 处问题");
}

#[test]
fn lifecycle_upcoming_active_ended() {
    let site = Site::fixture("lists");
    add_standard_list(&site, "yizhong", "");
    let page = "public/lists/2025-qiu/yizhong/index.html";

    let run = build_on(&site, "2025-10-12");
    run.ok();
    assert!(run.stdout.contains("未开始 2"), "{}", run.stdout);
    assert!(!site.path(page).exists(), "upcoming list published");
    assert!(!all_text(&site.path("public")).contains("yizhong"), "upcoming list linked");

    build_on(&site, "2025-10-17").ok();
    let active = site.read(page);
    assert!(active.contains("张*明") && active.contains("1个工作日"));

    build_on(&site, "2025-10-18").ok();
    let ended = site.read(page);
    assert!(ended.contains("公示期已结束"));
    assert!(ended.contains("2025年10月13日") && ended.contains("2025年10月17日"));
    assert!(!ended.contains("class=\"recipients\""), "withdrawn list still has its table");
    let everything = all_text(&site.path("public"));
    for name in ["张*明", "欧阳*华", "李*", "张小明", "欧阳志华", "李明"] {
        assert!(!everything.contains(name), "{name} remains in public/ after the period");
    }
    let index = site.read("public/lists/index.html");
    assert!(index.contains("已结束的公示") && index.contains("/lists/2025-qiu/yizhong/"));
}

#[test]
fn working_days_skip_the_national_day_holiday() {
    let site = Site::fixture("lists");
    // Friday 2025-09-26 + 5 working days: 26, 28 (a Sunday make-up day), 29, 30, 9 Oct.
    add_standard_list(&site, "guoqing", "publicity_start = 2025-09-26\npublicity_days = 5");
    build_on(&site, "2025-10-08").ok();
    let html = site.read("public/lists/2025-qiu/guoqing/index.html");
    assert!(html.contains("2025年10月9日"), "end date");
    assert!(html.contains("1个工作日"), "remaining on a holiday counts the 9th only");
}

#[test]
fn name_masks_full_middle_surname() {
    let site = Site::fixture("lists");
    allow_the_same_students_twice(&site);
    let data = format!("{HEADER}{}", rows());
    add_list(&site, "full", "name_mask = \"full\"", "a.csv", data.as_bytes());
    add_list(&site, "middle", "name_mask = \"middle\"", "a.csv", data.as_bytes());
    add_list(&site, "surname", "name_mask = \"surname\"", "a.csv", data.as_bytes());
    build_on(&site, "2025-10-15").ok();
    let cells = |slug: &str| {
        let html = site.read(&format!("public/lists/2025-qiu/{slug}/index.html"));
        let table = html.split("class=\"recipients\"").nth(1).unwrap().to_string();
        table
    };
    let full = cells("full");
    assert!(full.contains("<td>张小明</td>") && full.contains("<td>欧阳志华</td>") && full.contains("<td>李明</td>"));
    let middle = cells("middle");
    assert!(
        middle.contains("<td>张*明</td>") && middle.contains("<td>欧阳*华</td>") && middle.contains("<td>李*</td>")
    );
    let surname = cells("surname");
    assert!(
        surname.contains("<td>张**</td>") && surname.contains("<td>欧阳**</td>") && surname.contains("<td>李*</td>")
    );
}

#[test]
fn site_default_mask_applies_and_amounts_show_only_when_asked() {
    let site = Site::fixture("lists");
    site.edit("site-config.toml", "[[programmes]]", "[publicity]\nname_mask = \"surname\"\n\n[[programmes]]");
    let data = "姓名,班级,资助档次,资助金额\n张小明,1班,一档,\"1,500\"\n李明,1班,二档,800元\n";
    add_list(&site, "hidden", "", "a.csv", data.as_bytes());
    add_list(&site, "shown", "show_amount = true", "a.csv", data.as_bytes());
    build_on(&site, "2025-10-15").ok();
    let hidden = site.read("public/lists/2025-qiu/hidden/index.html");
    assert!(hidden.contains("<td>张**</td>"));
    assert!(!hidden.contains("一档") && !hidden.contains("1,500") && !hidden.contains("合计"));
    let shown = site.read("public/lists/2025-qiu/shown/index.html");
    assert!(shown.contains("<td>一档</td><td>1,500元</td>") && shown.contains("合计 2,300 元"), "{shown}");
}

#[test]
fn sensitive_columns_can_never_be_public() {
    let site = Site::fixture("lists");
    let extra =
        "[columns]\n\"姓名\" = \"name\"\n\"联系电话\" = \"public\"\n\"困难类型\" = \"tier\"\n\"住址\" = \"private\"";
    add_list(&site, "bad", extra, "a.csv", format!("{HEADER}{}", rows()).as_bytes());
    build_on(&site, "2025-10-15")
        .fails_with(1)
        .stderr_has("“联系电话”属于联系方式，不能公开（不能设为 public）")
        .stderr_has("“困难类型”属于家庭经济困难情况，不能公开（不能设为 tier）")
        .stderr_has("“住址”在数据文件的表头中不存在");
}

#[test]
fn bundle_front_matter_errors() {
    let site = Site::fixture("lists");
    let data = format!("{HEADER}{}", rows());
    add_list(
        &site,
        "both",
        "publicity_start = 2025-10-13\npublicity_days = 5\npublicity_end = 2025-10-20",
        "a.csv",
        data.as_bytes(),
    );
    add_list(&site, "neither", "publicity_start = 2025-10-13", "a.csv", data.as_bytes());
    add_list(&site, "typo", "nmae_mask = \"full\"", "a.csv", data.as_bytes());
    add_list(&site, "prog", "", "a.csv", data.as_bytes());
    site.edit(
        "content/lists/2025-qiu/prog/index.md",
        "programme = \"普通高中国家助学金\"",
        "programme = \"普高国家助学金\"",
    );
    add_list(&site, "nofile", "", "a.csv", data.as_bytes());
    site.edit("content/lists/2025-qiu/nofile/index.md", "data = \"a.csv\"", "data = \"b.csv\"");
    build_on(&site, "2025-10-15")
        .fails_with(1)
        .stderr_has("publicity_days 和 publicity_end 只能写一个")
        .stderr_has("没有写公示期的长度")
        .stderr_has("未知的字段“nmae_mask”")
        .stderr_has("是不是“普通高中国家助学金”")
        .stderr_has("找不到数据文件“b.csv”");
}

#[test]
fn a_draft_is_left_out_so_other_lists_publish() {
    let site = Site::fixture("lists");
    add_list(&site, "draft", "draft = true", "a.csv", "姓名,身份证号\n张三,4.30621E+17\n".as_bytes());
    let run = build_on(&site, "2025-10-15");
    run.ok();
    assert!(run.stdout.contains("草稿 1"));
    assert!(!site.path("public/lists/2025-qiu/draft").exists());
    assert!(site.path("public/lists/2025-qiu/zhizhuan/index.html").exists());
}

#[test]
fn a_recipients_full_name_pasted_into_a_notice_fails_the_build() {
    let site = Site::fixture("lists");
    add_standard_list(&site, "yizhong", "");
    site.edit("content/notices/tongzhi.md", "各学校名单公示开始", "各学校名单公示开始，欧阳志华同学");
    build_on(&site, "2025-10-15")
        .fails_with(1)
        .stderr_has("content/notices/tongzhi.md 第 7 行：出现了公示名单中学生的完整姓名“欧阳*华”")
        // Reported once, at its source: not again for each page, feed and
        // index it reached.
        .stderr_has("共 1 处问题");
}

#[test]
fn leak_gate_catches_numbers_in_a_notice_a_template_and_a_public_column() {
    // A notice with an ID number: reported at the line that has it, once.
    let site = Site::fixture("lists");
    site.edit("content/notices/tongzhi.md", "咨询电话", "身份证号 11010519491231002X，咨询电话");
    let run = build_on(&site, "2025-10-15");
    run.fails_with(1)
        .stderr_has("content/notices/tongzhi.md 第 7 行：写有身份证号：110***********002X，会公开在网站上");
    assert!(!run.stderr.contains("public/notices/tongzhi/index.html"), "{}", run.stderr);
    assert!(!site.path("public").exists(), "nothing published");

    // A template with a mobile number.
    let site = Site::fixture("lists");
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block main %}值班手机 13812345678{% endblock main %}",
    );
    build_on(&site, "2025-10-15").fails_with(1).stderr_has("public/404.html：公开页面中出现了手机号码：138****5678");

    // A public column that holds bank card numbers: refused by its values
    // before anything is rendered (privacy::sniff), the gate behind it.
    let site = Site::fixture("lists");
    let extra = "[columns]\n\"姓名\" = \"name\"\n\"班级\" = \"public\"\n\"备注\" = \"public\"";
    add_list(&site, "card", extra, "a.csv", "姓名,班级,备注\n张小明,1班,6222021234567890128\n".as_bytes());
    build_on(&site, "2025-10-15")
        .fails_with(1)
        .stderr_has("a.csv 第 2 行第 3 列：“备注”列（第 3 列，设为 public）的内容像银行卡号：“6222***********0128”");

    // A static file copied as it is, and a static file's name.
    let site = Site::fixture("lists");
    site.write("static/docs/contacts.txt", "班主任 13812345678\n");
    site.write("static/11010519491231002X.txt", "附件\n");
    build_on(&site, "2025-10-15")
        .fails_with(1)
        .stderr_has("public/docs/contacts.txt：公开页面中出现了手机号码：138****5678")
        .stderr_has("public/11010519491231002X.txt：公开页面中出现了身份证号");
}

#[test]
fn leak_gate_keeps_the_previous_output() {
    let site = Site::fixture("lists");
    build_on(&site, "2025-10-15").ok();
    let before = tree(&site.path("public"));
    site.edit("content/notices/tongzhi.md", "咨询电话", "家长电话 13812345678，咨询电话");
    build_on(&site, "2025-10-15").fails_with(1).stderr_has("手机号码");
    assert_eq!(tree(&site.path("public")), before);
}

#[test]
fn demo_site_shows_active_and_ended_lists() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().join("public");
    let run = common::run_in(root, &["build", "--today", "2025-10-15", "--out", out_dir.to_str().unwrap()]);
    run.ok();
    // The spring list is published in two rounds (第一榜, 第二榜).
    assert!(run.stdout.contains("公示中 4，已结束（已撤下）4，未开始 0，草稿 1"), "{}", run.stdout);
}

#[test]
fn search_index_never_holds_list_data() {
    let site = Site::fixture("lists");
    add_standard_list(&site, "yizhong", "");
    build_on(&site, "2025-10-15").ok();
    let index: String = common::tree(&site.path("public/search"))
        .into_iter()
        .filter(|(p, _)| p.ends_with(".json"))
        .map(|(_, bytes)| String::from_utf8(bytes).unwrap())
        .collect();
    for absent in ["张*明", "欧阳*华", "拟资助名单公示", "/lists/", "高一（1）班"] {
        assert!(!index.contains(absent), "{absent} in the search index");
    }
    assert!(index.contains("秋季学期资助名单公示开始"), "the notice is indexed");
}
