//! Notification letters and the print bundle: one letter per recipient in
//! the right batches, placeholders filled, stubs present, rosters, sheets,
//! and nothing of it under public/.

mod common;
use common::{add_list, all_text, build_on, Site};

const LETTER: &str = "+++\ntitle = \"测试助学金告知书\"\n\n[receipt]\noptions = [\"同意领取\", \"自愿放弃\"]\nfields = [\"家长电话\"]\n+++\n\n您的孩子{{ name }}（{{ row[\"班级\"] }}）获得{{ term }}{{ programme }}，金额{{ amount }}元，每学期{{ amount_per_term }}元。\n\n身份证号：{{ id_masked }}。监督电话 {{ hotline }}，{{ school }}，{{ date }}。\n";

const CSV: &str = "姓名,班级,身份证号,资助金额,联系电话\n\
    张小明,高一（1）班,11010519491231002X,1500,13812345678\n\
    欧阳志华,高一（2）班,110105200001010016,800,13987654321\n\
    李明,高一（1）班,110105200801010014,1500,15011112222\n";

const LETTERS_SPEC: &str = "[letters]\ntemplate = \"zhuxuejin\"\ngroup_by = [\"班级\"]\ndate = 2025-10-20";

fn site_with_letters() -> Site {
    let site = Site::fixture("lists");
    site.write("content/letters/zhuxuejin.md", LETTER);
    add_list(&site, "yizhong", LETTERS_SPEC, "a.csv", CSV.as_bytes());
    site
}

fn letters_in(html: &str) -> usize {
    html.matches("<article class=\"letter\">").count()
}

const BATCH_DIR: &str = "print/2025-qiu/测试县第一中学/yizhong";

#[test]
fn one_letter_per_recipient_in_group_batches() {
    let site = site_with_letters();
    let run = build_on(&site, "2025-10-15");
    run.ok();
    assert!(run.stdout.contains("告知书：3 份，2 批"), "{}", run.stdout);
    assert!(run.stdout.contains("切勿发布到网站"));
    let class1 = site.read(&format!("{BATCH_DIR}/高一（1）班.html"));
    let class2 = site.read(&format!("{BATCH_DIR}/高一（2）班.html"));
    assert_eq!((letters_in(&class1), letters_in(&class2)), (2, 1));
    // Roster order inside a batch.
    assert!(class1.find("张小明").unwrap() < class1.find("李明").unwrap());
    for (html, n) in [(&class1, 2), (&class2, 1)] {
        assert_eq!(html.matches("回执（请交回学校）").count(), n, "a stub on each letter");
        assert_eq!(
            html.matches("class=\"qr-code\" src=\"../../../qr/gaozhong-zhuxuejin.svg\"").count(),
            n,
            "a QR code on each letter"
        );
    }
    let qr = site.read("print/qr/gaozhong-zhuxuejin.svg");
    assert!(qr.contains("<svg") && qr.contains("<path"), "the QR image");
    let index = site.read("print/index.html");
    assert!(index.contains("共 2 批告知书，3 份"), "{index}");
    assert!(index.contains("高一（1）班") && index.contains("高一（2）班"));
}

#[test]
fn placeholders_are_filled_and_the_full_id_never_printed() {
    let site = site_with_letters();
    build_on(&site, "2025-10-15").ok();
    let html = site.read(&format!("{BATCH_DIR}/高一（1）班.html"));
    for filled in [
        "您的孩子张小明（高一（1）班）获得2025年秋季学期普通高中国家助学金",
        "金额1,500元，每学期1,500元",
        "身份证号：110105********002X",
        "监督电话 0731-7654321，测试县第一中学，2025年10月20日",
        "□ 同意领取",
        "家长电话",
    ] {
        assert!(html.contains(filled), "letter lacks {filled}");
    }
    let print = all_text(&site.path("print"));
    assert!(!print.contains("11010519491231002X"), "full ID in the print bundle");
    assert!(!print.contains("{{"), "unfilled placeholder");
}

#[test]
fn nothing_of_the_letters_reaches_public() {
    let site = site_with_letters();
    build_on(&site, "2025-10-15").ok();
    let public = all_text(&site.path("public"));
    for absent in ["测试助学金告知书", "张小明", "欧阳志华", "回执", "print/"] {
        assert!(!public.contains(absent), "{absent} in public/");
    }
}

#[test]
fn rosters_and_publicity_sheets_beside_the_batches() {
    let site = site_with_letters();
    build_on(&site, "2025-10-15").ok();
    let roster = site.read(&format!("{BATCH_DIR}/高一（1）班-回执登记表.html"));
    assert!(roster.contains("回执回收登记表") && roster.contains("张小明") && roster.contains("李明"));
    assert_eq!(roster.split("<tbody>").nth(1).unwrap().matches("<tr>").count(), 2);
    let sheet = site.read(&format!("{BATCH_DIR}/公示栏.html"));
    assert!(sheet.contains("<thead>"), "header row repeats on each printed page");
    assert!(sheet.contains("张*明") && !sheet.contains("张小明"), "sheet is the masked public table");
    assert!(sheet.contains("2025年10月13日</span>至<span class=\"nowrap\">2025年10月17日"), "dates kept on one line");
}

#[test]
fn letters_for_ended_lists_but_not_upcoming_ones() {
    let site = site_with_letters();
    build_on(&site, "2025-11-01").ok();
    assert_eq!(letters_in(&site.read(&format!("{BATCH_DIR}/高一（1）班.html"))), 2, "ended list still gets letters");
    assert!(!site.path(&format!("{BATCH_DIR}/公示栏.html")).exists(), "no notice-board sheet after the period");
    let site = site_with_letters();
    build_on(&site, "2025-10-01").ok();
    // The audit report covers upcoming lists (faults are best found before
    // publicity), but no letter is printed for them.
    assert!(!site.path(BATCH_DIR).exists(), "upcoming list printed");
    assert!(site.path("print/审核/2025年秋季学期.html").is_file());
}

#[test]
fn default_batch_is_the_whole_school() {
    let site = Site::fixture("lists");
    site.write("content/letters/zhuxuejin.md", LETTER);
    add_list(&site, "yizhong", "[letters]\ntemplate = \"zhuxuejin\"", "a.csv", CSV.as_bytes());
    build_on(&site, "2025-10-15").ok();
    assert_eq!(letters_in(&site.read(&format!("{BATCH_DIR}/全校.html"))), 3);
}

#[test]
fn letter_errors_name_file_line_and_what_exists() {
    let site = Site::fixture("lists");
    site.write(
        "content/letters/zhuxuejin.md",
        "+++\ntitle = \"告知书\"\n+++\n\n{{ nmae }}同学\n\n{{ row[\"专业\"] }}，{{ row[\"身份证号\"] }}\n",
    );
    add_list(&site, "yizhong", LETTERS_SPEC, "a.csv", CSV.as_bytes());
    build_on(&site, "2025-10-15")
        .fails_with(1)
        .stderr_has("content/letters/zhuxuejin.md 第 5 行：未知的占位符“{{ nmae }}”")
        .stderr_has("可用的占位符：name、school");
    site.write(
        "content/letters/zhuxuejin.md",
        "+++\ntitle = \"告知书\"\n+++\n\n{{ name }}\n\n{{ row[\"专业\"] }}，{{ row[\"身份证号\"] }}\n",
    );
    build_on(&site, "2025-10-15")
        .fails_with(1)
        .stderr_has(
            "content/letters/zhuxuejin.md 第 7 行：名单 content/lists/2025-qiu/yizhong/index.md 中没有“专业”这一列",
        )
        .stderr_has("这份名单的列有：姓名、班级、资助金额、联系电话")
        .stderr_has("告知书不能写出完整的身份证号");
    assert!(!site.path("print").exists(), "no letters for a list with errors");
}

#[test]
fn letters_spec_errors() {
    let site = Site::fixture("lists");
    site.write("content/letters/zhuxuejin.md", LETTER);
    add_list(&site, "a", "[letters]\ntemplate = \"zhuxuejin2\"", "a.csv", CSV.as_bytes());
    add_list(&site, "b", "[letters]\ntemplate = \"zhuxuejin\"\ngroup_by = [\"年级\"]", "a.csv", CSV.as_bytes());
    add_list(&site, "c", "[letters]\ntemplate = \"zhuxuejin\"\ngroupby = [\"班级\"]", "a.csv", CSV.as_bytes());
    build_on(&site, "2025-10-15")
        .fails_with(1)
        .stderr_has("找不到告知书模板 content/letters/zhuxuejin2.md")
        .stderr_has("现有的告知书模板：zhuxuejin")
        .stderr_has("group_by 中的“年级”不是名单的列")
        .stderr_has("未知的字段“groupby”");
}

#[test]
fn amount_placeholders_need_an_amount_column() {
    let site = Site::fixture("lists");
    site.write("content/letters/zhuxuejin.md", LETTER);
    add_list(&site, "yizhong", LETTERS_SPEC, "a.csv", "姓名,班级,身份证号\n张小明,1班,11010519491231002X\n".as_bytes());
    build_on(&site, "2025-10-15").fails_with(1).stderr_has("没有金额列，不能使用 {{ amount }}");
}

#[test]
fn print_folder_may_not_be_inside_public() {
    let site = site_with_letters();
    site.run(&["build", "--today", "2025-10-15", "--print", "public/print"])
        .fails_with(1)
        .stderr_has("告知书目录不能放在网站输出目录里面");
}

#[test]
fn demo_site_writes_letters() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let (out, print) = (tmp.path().join("public"), tmp.path().join("print"));
    let run = common::run_in(
        root,
        &["build", "--today", "2025-10-15", "--out", out.to_str().unwrap(), "--print", print.to_str().unwrap()],
    );
    run.ok();
    // Spring letters go with its second round: 19 students (20 in the
    // first round, one removed after an objection).
    assert!(run.stdout.contains("告知书：91 份"), "{}", run.stdout);
}

#[test]
fn letters_with_template_logic_use_the_template_engine() {
    let site = Site::fixture("lists");
    site.write(
        "content/letters/zhuxuejin.md",
        "+++\ntitle = \"告知书\"\n+++\n\n{% if amount == \"1,500\" %}一档：{% else %}二档：{% endif %}{{ name }}（{{ row[\"班级\"] }}）{{ amount }}元 <b>&</b>\n",
    );
    add_list(&site, "yizhong", LETTERS_SPEC, "a.csv", CSV.as_bytes());
    build_on(&site, "2025-10-15").ok();
    let class1 = site.read(&format!("{BATCH_DIR}/高一（1）班.html"));
    assert!(class1.contains("一档：张小明（高一（1）班）1,500元"), "{class1}");
    let class2 = site.read(&format!("{BATCH_DIR}/高一（2）班.html"));
    assert!(class2.contains("二档：欧阳志华（高一（2）班）800元"));
}
