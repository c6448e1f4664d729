//! The county's checks (issue 17) end to end: each check as an error and as
//! a warning, rounds, objections and their deadlines, results, receipts,
//! term over term, 一生一册, the private report, and that none of it
//! reaches `public/` or the cache.

mod common;
use common::{all_text, build_on, Site};

const CONFIG: &str = r#"title = "测试县学生资助"
base_url = "https://test.example.org/"
hotline = "0731-7654321"
issuer = "测试县教育局"

[[programmes]]
name = "普通高中国家助学金"
slug = "gaozhong-zhuxuejin"
stage = "普通高中"
tiers = { "一档" = 3000, "二档" = 1600 }

[[programmes]]
name = "普通高中免学杂费"
slug = "gaozhong-mianxuezafei"
stage = "普通高中"

[[programmes]]
name = "中职国家助学金"
slug = "zhongzhi-zhuxuejin"
stage = "中职"

[[exclusive]]
programmes = ["普通高中国家助学金", "中职国家助学金"]
"#;

/// A valid 18-digit ID number, different for each `n`.
fn id(n: u32) -> String {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let body = format!("43062120080{}{:02}{:03}", 1 + n / 2800 % 9, 1 + n / 100 % 28, n % 1000);
    let sum: u32 = body.bytes().zip(W).map(|(d, w)| u32::from(d - b'0') * w).sum();
    format!("{body}{}", b"10X98765432"[(sum % 11) as usize] as char)
}

const HEADER: &str = "姓名,班级,身份证号,资助档次,资助金额\n";

/// (name, class, id number, tier, amount) as CSV rows under `HEADER`.
fn csv(rows: &[(&str, &str, u32, &str, u32)]) -> String {
    let mut s = HEADER.to_string();
    for (name, class, n, tier, amount) in rows {
        s.push_str(&format!("{name},{class},{},{tier},{amount}\n", id(*n)));
    }
    s
}

const STUDENTS: [(&str, &str, u32, &str, u32); 3] = [
    ("张晓明", "高一1班", 1, "一档", 1500),
    ("欧阳志华", "高一2班", 2, "二档", 800),
    ("李明轩", "高二1班", 3, "一档", 1500),
];

fn site() -> Site {
    let site = Site::fixture("basic");
    site.write("site-config.toml", CONFIG);
    site
}

/// A list `content/lists/<term_slug>/<slug>/` with `名单.csv`.
struct List<'a> {
    term_slug: &'a str,
    slug: &'a str,
    programme: &'a str,
    school: &'a str,
    /// More front matter (publicity dates, rounds, files).
    extra: &'a str,
}

impl List<'_> {
    fn term(&self) -> &str {
        if self.term_slug.ends_with("chun") {
            "2025年春季学期"
        } else {
            "2025年秋季学期"
        }
    }

    fn write(&self, site: &Site, data: &str) {
        let dir = format!("content/lists/{}/{}", self.term_slug, self.slug);
        let start = if self.term_slug.ends_with("chun") { "2025-03-10" } else { "2025-10-13" };
        let period = if self.extra.contains("publicity_") {
            String::new()
        } else {
            format!("publicity_start = {start}\npublicity_days = 5\n")
        };
        site.write(
            &format!("{dir}/index.md"),
            &format!(
                "+++\ntitle = \"{}{}{}名单公示\"\nprogramme = \"{}\"\nschool = \"{}\"\nterm = \"{}\"\ndata = \"名单.csv\"\n{period}{}\n+++\n\n经审核，拟资助以下学生，现予公示。\n",
                self.school, self.term(), self.programme, self.programme, self.school, self.term(), self.extra
            ),
        );
        site.write(&format!("{dir}/名单.csv"), data);
    }
}

fn gaozhong<'a>(slug: &'a str, extra: &'a str) -> List<'a> {
    List {
        term_slug: "2025-qiu", slug, programme: "普通高中国家助学金", school: "测试县第一中学", extra
    }
}

fn check(site: &Site) -> common::Run {
    site.run(&["check", "--today", "2025-10-15"])
}

fn set_level(site: &Site, check: &str, level: &str) {
    site.write("site-config.toml", &format!("{CONFIG}\n[audit]\n{check} = \"{level}\"\n"));
}

#[test]
fn double_funding_names_both_files_and_lines_and_can_be_a_warning() {
    let site = site();
    gaozhong("a", "").write(&site, &csv(&STUDENTS));
    gaozhong("b", "").write(&site, &csv(&[("赵小刚", "高一3班", 7, "二档", 800), STUDENTS[1]]));
    let run = build_on(&site, "2025-10-15");
    run.fails_with(1)
        .stderr_has("错误：content/lists/2025-qiu/b/名单.csv 第 3 行：【重复资助】同一学生（身份证号相同）在2025年秋季学期的两份普通高中国家助学金名单中都有（另见 content/lists/2025-qiu/a/名单.csv 第 3 行）");
    assert!(!run.stderr.contains("欧阳志华") && !run.stderr.contains(&id(2)), "no name or ID in the message");
    assert!(!site.path("public").exists(), "nothing published");
    set_level(&site, "double_funding", "warn");
    let run = check(&site);
    run.ok().stderr_has("提醒：【重复资助】content/lists/2025-qiu/b/名单.csv 第 3 行：同一学生");
    assert!(run.stdout.contains("审核：提醒 1 个（重复资助 1）"), "{}", run.stdout);
    let built = build_on(&site, "2025-10-15");
    built.ok();
    assert!(!built.stderr.contains("提醒："), "a build gives the summary, not every flag");
    let flags = site.read("print/审核/2025年秋季学期/问题.csv");
    assert!(flags.contains("重复资助,提醒,content/lists/2025-qiu/b/名单.csv 第 3 行,content/lists/2025-qiu/a/名单.csv 第 3 行,欧阳志华（430621********"), "{flags}");
    set_level(&site, "double_funding", "off");
    assert!(!check(&site).ok().stdout.contains("重复资助"));
}

#[test]
fn a_student_in_two_programmes_is_fine_unless_they_exclude_each_other() {
    let site = site();
    gaozhong("a", "").write(&site, &csv(&STUDENTS));
    let mian = List { programme: "普通高中免学杂费", ..gaozhong("mian", "") };
    mian.write(&site, &format!("姓名,班级,身份证号\n张晓明,高一1班,{}\n", id(1)));
    check(&site).ok();
    let zz = List { programme: "中职国家助学金", school: "测试县职业中专", ..gaozhong("zz", "") };
    zz.write(&site, &format!("姓名,班级,身份证号\n李明轩,机电1班,{}\n", id(3)));
    check(&site).fails_with(1).stderr_has("错误：content/lists/2025-qiu/zz/名单.csv 第 2 行：【互斥项目】同一学生（身份证号相同）在2025年秋季学期同时享受互斥的“普通高中国家助学金”和“中职国家助学金”（另见 content/lists/2025-qiu/a/名单.csv 第 4 行）");
    set_level(&site, "exclusive", "warn");
    check(&site).ok().stderr_has("提醒：【互斥项目】");
}

#[test]
fn quotas_over_is_an_error_with_both_numbers_and_under_use_is_reported() {
    let site = site();
    gaozhong("a", "").write(&site, &csv(&STUDENTS));
    let zz = List { programme: "中职国家助学金", school: "测试县职业中专", ..gaozhong("zz", "") };
    zz.write(&site, &format!("姓名,班级,身份证号\n王芳华,机电1班,{}\n", id(9)));
    site.write(
        "content/quotas.csv",
        "学期,资助项目,学校,名额,金额\n2025年秋季学期,普通高中国家助学金,测试县第一中学,2,5000\n2025年秋季学期,中职国家助学金,测试县职业中专,5,\n",
    );
    let run = check(&site);
    // 3,800 yuan is within 5,000: only the count is over.
    run.fails_with(1).stderr_has("错误：content/lists/2025-qiu/a/index.md：【超出名额】测试县第一中学2025年秋季学期普通高中国家助学金共 3 人，超出名额 2 人（另见 content/quotas.csv 第 2 行）");
    site.edit("content/quotas.csv", ",2,5000", ",2,3000");
    check(&site)
        .fails_with(1)
        .stderr_has("超出名额 2 人，金额合计 3,800 元，超出核定的 3,000 元（另见 content/quotas.csv 第 2 行）");
    set_level(&site, "quota", "warn");
    let run = build_on(&site, "2025-10-15");
    run.ok();
    assert!(run.stdout.contains("名额：超出 1 处，未用完 1 处"), "{}", run.stdout);
    let summary = site.read("print/审核/2025年秋季学期/汇总.csv");
    assert!(summary.contains("测试县职业中专,中职国家助学金,1,1,,5,,未用完（余 4 个）"), "{summary}");
    assert!(summary.contains("测试县第一中学,普通高中国家助学金,1,3,\"3,800\",2,\"3,000\",超出"), "{summary}");
}

#[test]
fn quotas_missing_for_a_school_and_bad_rows() {
    let site = site();
    gaozhong("a", "").write(&site, &csv(&STUDENTS));
    site.write("content/quotas.csv", "学期,资助项目,学校,名额\n2025年秋季学期,普通高中国家助学金,测试县第二中学,10\n");
    check(&site).fails_with(1).stderr_has("共 3 人，名额文件中没有这所学校的名额");
    site.write("content/quotas.csv", "学期,资助项目,学校,名额\n2025年秋季学期,普高助学金,测试县第一中学,十\n");
    check(&site)
        .fails_with(1)
        .stderr_has("错误：content/quotas.csv 第 2 行：资助项目“普高助学金”没有在 site-config.toml 中声明");
}

#[test]
fn amounts_must_match_their_tier_per_term_or_per_year() {
    let site = site();
    let rows = [
        STUDENTS[0],
        ("欧阳志华", "高一2班", 2, "二档", 1500),
        ("李明轩", "高二1班", 3, "二档", 1500),
        ("钱多多", "高二1班", 4, "三档", 800),
    ];
    gaozhong("a", "").write(&site, &csv(&rows));
    let run = check(&site);
    run.fails_with(1)
        .stderr_has("错误：content/lists/2025-qiu/a/名单.csv 第 3 行：【档次金额】二档的金额是每学期 1,500 元，应为 800 元（共 2 行如此）（另见 site-config.toml 第 10 行）")
        .stderr_has("第 5 行：【档次金额】档次“三档”不是这个资助项目的档次（有：一档、二档）");
    // Yearly amounts under a header that says so.
    let yearly =
        csv(&STUDENTS).replace("资助金额", "年资助金额").replace(",1500\n", ",3000\n").replace(",800\n", ",1600\n");
    gaozhong("a", "[columns]\n\"姓名\" = \"name\"\n\"班级\" = \"public\"\n\"身份证号\" = \"id_number\"\n\"资助档次\" = \"tier\"\n\"年资助金额\" = \"amount\"").write(&site, &yearly);
    check(&site).ok();
    gaozhong("a", "").write(&site, &csv(&rows));
    set_level(&site, "tiers", "warn");
    check(&site).ok().stderr_has("提醒：【档次金额】content/lists/2025-qiu/a/名单.csv 第 3 行");
}

#[test]
fn three_kinds_of_people_by_own_or_guardian_id_never_published() {
    let site = site();
    let data = format!(
        "姓名,班级,身份证号,监护人身份证号\n张晓明,高一1班,{},\n欧阳志华,高一2班,{},{}\n李明轩,高二1班,{},\n",
        id(1),
        id(2),
        id(501),
        id(3)
    );
    List { extra: "", ..gaozhong("a", "") }.write(&site, &data);
    site.write(
        "content/private/exclusions.csv",
        &format!("身份证号,姓名,审核意见\n{},王局长,\n{},某某,\n", id(501), id(3)),
    );
    let run = build_on(&site, "2025-10-15");
    run.fails_with(1)
        .stderr_has("错误：content/lists/2025-qiu/a/名单.csv 第 3 行：【三类人员】监护人的身份证号在三类人员名单中，需经审核才能资助（另见 content/private/exclusions.csv 第 2 行）")
        .stderr_has("名单.csv 第 4 行：【三类人员】学生本人的身份证号在三类人员名单中");
    assert!(!run.stderr.contains("王局长"));
    // Reviewed: fine.
    site.write(
        "content/private/exclusions.csv",
        &format!("身份证号,姓名,审核意见\n{},王局长,经审核同意\n{},某某,经审核同意\n", id(501), id(3)),
    );
    build_on(&site, "2025-10-15").ok();
    let public = all_text(&site.path("public"));
    for secret in [id(501), id(3), "王局长".into(), "某某".into(), "三类人员".into()] {
        assert!(!public.contains(&secret), "{secret} reached public/");
    }
    set_level(&site, "exclusions", "warn");
    site.write("content/private/exclusions.csv", &format!("身份证号\n{}\n", id(501)));
    check(&site).ok().stderr_has("提醒：【三类人员】");
}

#[test]
fn same_name_and_class_with_different_ids_is_a_warning() {
    let site = site();
    gaozhong("a", "").write(&site, &csv(&STUDENTS));
    let mian = List { programme: "普通高中免学杂费", ..gaozhong("mian", "") };
    mian.write(&site, &format!("姓名,班级,身份证号\n张晓明,高一1班,{}\n", id(77)));
    check(&site).ok().stderr_has("提醒：【同名同班】content/lists/2025-qiu/mian/名单.csv 第 2 行：同一学校同一班级（高一1班）有同名学生，身份证号却不同（另见 content/lists/2025-qiu/a/名单.csv 第 2 行）");
    set_level(&site, "same_name", "error");
    check(&site).fails_with(1).stderr_has("错误：content/lists/2025-qiu/mian/名单.csv 第 2 行：【同名同班】");
}

const ROUND_2: &str = "round = 2\nfollows = \"2025-chun/r1\"\npublicity_start = 2025-03-17\npublicity_days = 5";

fn rounds_site() -> Site {
    let site = site();
    let r1 = List { term_slug: "2025-chun", ..gaozhong("r1", "round = 1\nobjections = \"异议登记.csv\"") };
    r1.write(&site, &csv(&STUDENTS));
    site.write(
        "content/lists/2025-chun/r1/异议登记.csv",
        &format!(
            "收到日期,身份证号,姓名,班级,内容,核实日期,核实结果,复核日期,是否调整\n2025-03-11,{},,,反映家庭有车,2025-03-13,情况属实,2025-03-17,是\n2025-03-12,,张晓明,高一1班,反映成绩,2025-03-12,不影响资助,2025-03-13,否\n",
            id(2)
        ),
    );
    let extra = format!("{ROUND_2}\n[letters]\ntemplate = \"l\"");
    let r2 = List { term_slug: "2025-chun", ..gaozhong("r2", &extra) };
    r2.write(&site, &csv(&[STUDENTS[0], STUDENTS[2]]));
    site.write("content/letters/l.md", "+++\ntitle = \"告知书\"\n+++\n\n{{ name }}\n");
    site
}

#[test]
fn rounds_show_on_the_page_and_a_later_round_holds_only_earlier_students() {
    let site = rounds_site();
    build_on(&site, "2025-10-15").ok();
    let r1 = site.read("public/lists/2025-chun/r1/index.html");
    assert!(r1.contains("名单公示 · 第一榜") && r1.contains("公示结果：经核实调整 1 人，最终资助 2 人。"), "{r1}");
    let r2 = site.read("public/lists/2025-chun/r2/index.html");
    assert!(r2.contains("名单公示 · 第二榜") && r2.contains("公示结果：公示期满无异议。"), "{r2}");
    // A student without a first round, and one an objection removed.
    site.write(
        "content/lists/2025-chun/r2/名单.csv",
        &csv(&[STUDENTS[0], ("新来的", "高一9班", 60, "一档", 1500), STUDENTS[1]]),
    );
    check(&site)
        .fails_with(1)
        .stderr_has("错误：content/lists/2025-chun/r2/名单.csv 第 3 行：【三榜公示】第二榜新增了上一榜没有的学生：每名学生都要先经过上一榜公示（另见 content/lists/2025-chun/r1/名单.csv）")
        .stderr_has("错误：content/lists/2025-chun/r2/名单.csv 第 4 行：【三榜公示】这名学生在上一榜经异议核实已取消，却又出现在第二榜（另见 content/lists/2025-chun/r1/名单.csv 第 3 行）");
    // Out of order and a wrong round number.
    site.write("content/lists/2025-chun/r2/名单.csv", &csv(&[STUDENTS[0]]));
    site.edit("content/lists/2025-chun/r2/index.md", "publicity_start = 2025-03-17", "publicity_start = 2025-03-12");
    check(&site)
        .fails_with(1)
        .stderr_has("r2/index.md 第 9 行：【三榜公示】本榜 2025年3月12日 开始公示，上一榜到 2025年3月14日 才结束");
    site.edit("content/lists/2025-chun/r2/index.md", "round = 2", "round = 3");
    check(&site).fails_with(1).stderr_has("【三榜公示】本榜是 round = 3，上一榜却是 round = 1");
    site.edit("content/lists/2025-chun/r2/index.md", "follows = \"2025-chun/r1\"", "follows = \"2025-chun/r0\"");
    check(&site).fails_with(1).stderr_has("follows 指的名单“2025-chun/r0”不存在（或是草稿）");
}

#[test]
fn a_removed_student_leaves_the_letters_and_the_result_and_only_last_rounds_count() {
    let site = rounds_site();
    let r1 = List {
        term_slug: "2025-chun",
        ..gaozhong("r1", "round = 1\nobjections = \"异议登记.csv\"\n[letters]\ntemplate = \"l\"")
    };
    r1.write(&site, &csv(&STUDENTS));
    build_on(&site, "2025-10-15").ok();
    let letters = site.read("print/2025-chun/测试县第一中学/r1/全校.html");
    assert!(letters.contains("张晓明") && letters.contains("李明轩") && !letters.contains("欧阳志华"), "{letters}");
    // Round one and two hold the same students: no double funding, and the
    // quota counts the last round only.
    let summary = site.read("print/审核/2025年春季学期/汇总.csv");
    assert!(summary.contains("测试县第一中学,普通高中国家助学金,1,2,"), "{summary}");
    let objections = site.read("print/审核/2025年春季学期/异议.csv");
    assert!(objections.contains("欧阳志华（430621********"), "{objections}");
    assert!(
        objections.contains("反映家庭有车,2025-03-14,2025-03-13,情况属实,2025-03-17,2025-03-17,是,已办结"),
        "{objections}"
    );
}

#[test]
fn overdue_objections_are_reported_against_today() {
    let site = site();
    gaozhong("a", "objections = \"异议登记.csv\"").write(&site, &csv(&STUDENTS));
    site.write(
        "content/lists/2025-qiu/a/异议登记.csv",
        "收到日期,姓名,班级,内容,核实日期,核实结果,复核日期,是否调整\n2025-10-09,张晓明,高一1班,反映情况,,,,\n2025-10-14,李明轩,高二1班,反映情况,2025-10-14,属实,,\n",
    );
    // 10-09 (Thu): verify by 10-13 (10-11 is a make-up Saturday). On 10-15 overdue.
    let run = check(&site);
    run.ok().stderr_has("提醒：【异议超期】content/lists/2025-qiu/a/异议登记.csv 第 2 行：2025年10月9日收到的异议核实超期：期限是 2025年10月13日（核实 3 个工作日、复核 2 个工作日）（另见 content/lists/2025-qiu/a/名单.csv 第 2 行）");
    assert!(!run.stderr.contains("第 3 行：2025年10月14日"), "the second is within its review deadline");
    assert!(run.stdout.contains("异议：2 件，超期 1 件"), "{}", run.stdout);
    // Two days later the review of the second is overdue too (by 10-16).
    let later = site.run(&["check", "--today", "2025-10-17"]);
    later.ok().stderr_has("第 3 行：2025年10月14日收到的异议复核超期：期限是 2025年10月16日");
    // Deadlines are configurable.
    site.write("site-config.toml", &format!("{CONFIG}\n[audit]\nverify_days = 5\n"));
    assert!(!check(&site).ok().stderr.contains("核实超期"));
    // A list ended with an objection not verified yet: no final result.
    build_on(&site, "2025-10-25").ok();
    assert!(site
        .read("public/lists/2025-qiu/a/index.html")
        .contains("公示结果：公示期满，异议正在核实，结果另行公布。"));
}

#[test]
fn a_missing_or_broken_objections_or_receipts_file_is_an_error() {
    let site = site();
    gaozhong("a", "objections = \"异议登记.csv\"\nreceipts = \"回执.csv\"").write(&site, &csv(&STUDENTS));
    let run = check(&site);
    run.fails_with(1)
        .stderr_has("错误：content/lists/2025-qiu/a/异议登记.csv：无法读取")
        .stderr_has("错误：content/lists/2025-qiu/a/回执.csv：无法读取");
    assert!(!run.stderr.contains("No such file") && run.stderr.contains("（系统错误 "), "{}", run.stderr);
    site.write("content/lists/2025-qiu/a/异议登记.csv", "收到日期,姓名,班级,内容\n10月14日,张晓明,高一1班,x\n");
    site.write("content/lists/2025-qiu/a/回执.csv", "学生姓名,班级,回执\n张晓明,高一1班,√\n");
    check(&site)
        .fails_with(1)
        .stderr_has("错误：content/lists/2025-qiu/a/异议登记.csv 第 2 行：收到日期“10月14日”不是日期");
}

#[test]
fn an_ended_list_without_objections_says_so() {
    let site = site();
    gaozhong("a", "").write(&site, &csv(&STUDENTS));
    build_on(&site, "2025-10-25").ok();
    let page = site.read("public/lists/2025-qiu/a/index.html");
    assert!(page.contains("公示期已结束") && page.contains("公示结果：公示期满无异议。"), "{page}");
    assert!(!page.contains("张*明"), "still no names");
}

#[test]
fn receipts_give_return_rates_missing_receipts_and_declines() {
    let site = site();
    let data = csv(&[STUDENTS[0], STUDENTS[1], STUDENTS[2], ("钱多多", "高一1班", 4, "二档", 800)]);
    gaozhong("a", "receipts = \"回执登记.csv\"").write(&site, &data);
    site.write(
        "content/lists/2025-qiu/a/回执登记.csv",
        "序号,学生姓名,班级,回执已收回（√）,收回日期,备注\n1,张晓明,高一1班,√,2025-10-21,\n2,欧阳志华,高一2班,,,\n3,李明轩,高二1班,√,2025-10-22,家长自愿放弃\n4,钱多多,高一1班,√,2025-10-21,\n5,不存在,高三9班,√,,\n",
    );
    let run = build_on(&site, "2025-10-25");
    run.ok();
    assert!(run.stdout.contains("回执：回收率 75.0%，未交回 1 份，自愿放弃 1 户"), "{}", run.stdout);
    assert!(run.stderr.contains("回执登记.csv 第 6 行的学生不在名单"), "{}", run.stderr);
    let rates = site.read("print/审核/2025年秋季学期/回执.csv");
    assert!(rates.contains("测试县第一中学,高一1班,2,2,0,0,100.0%"), "{rates}");
    assert!(rates.contains("测试县第一中学,（全校）,4,3,1,1,75.0%"), "{rates}");
    let missing = site.read("print/审核/2025年秋季学期/回执未交回.csv");
    assert!(missing.contains("测试县第一中学,高一2班,欧阳志华（430621********"), "{missing}");
    let declined = site.read("print/审核/2025年秋季学期/自愿放弃.csv");
    assert!(
        declined.contains("高二1班,李明轩（430621********") && declined.contains("2025-10-22,家长自愿放弃"),
        "{declined}"
    );
    assert!(!all_text(&site.path("public")).contains("自愿放弃"));
}

#[test]
fn term_over_term_lists_added_and_dropped_students() {
    let site = site();
    List { term_slug: "2025-chun", ..gaozhong("a", "") }.write(&site, &csv(&STUDENTS));
    gaozhong("a", "").write(&site, &csv(&[STUDENTS[0], STUDENTS[2], ("钱多多", "高一1班", 4, "二档", 800)]));
    let run = build_on(&site, "2025-10-15");
    run.ok();
    assert!(run.stdout.contains("学期增减：新增 1 人，减少 1 人"), "{}", run.stdout);
    let counts = site.read("print/审核/2025年秋季学期/增减.csv");
    assert!(counts.contains("测试县第一中学,普通高中国家助学金,2025年春季学期,3,3,1,1"), "{counts}");
    let people = site.read("print/审核/2025年秋季学期/增减名单.csv");
    assert!(
        people.contains("新增,钱多多（430621********") && people.contains("减少,欧阳志华（430621********"),
        "{people}"
    );
    assert!(!people.contains("张晓明"), "{people}");
    let page = site.read("print/审核/2025年秋季学期.html");
    assert!(page.contains("与上学期相比的学生增减（1）"), "{page}");
    assert!(site.read("print/index.html").contains("审核/2025年秋季学期.html"));
}

#[test]
fn one_file_per_student_across_terms_batched_by_school_and_class() {
    let site = site();
    site.write("site-config.toml", &format!("{CONFIG}\n[audit]\nstudent_files = true\n"));
    List { term_slug: "2025-chun", ..gaozhong("a", "") }.write(&site, &csv(&STUDENTS));
    gaozhong("a", "receipts = \"回执登记.csv\"").write(&site, &csv(&[("张晓明", "高二1班", 1, "二档", 800)]));
    site.write("content/lists/2025-qiu/a/回执登记.csv", "学生姓名,班级,回执已收回\n张晓明,高二1班,√\n");
    build_on(&site, "2025-10-15").ok();
    let batch = site.read("print/一生一册/测试县第一中学/高二1班.html");
    let page = batch.split("<section").nth(1).unwrap();
    assert!(page.contains("张晓明") && page.contains("430621********"), "{page}");
    assert!(!batch.contains(&id(1)), "masked IDs only");
    for cell in [
        "<td>2025年春季学期</td>",
        "<td>高一1班</td>",
        "<td>1,500</td>",
        "<td>2025年秋季学期</td>",
        "<td>800</td>",
        "<td>已交回</td>",
    ] {
        assert!(page.contains(cell), "{cell} in {page}");
    }
    assert_eq!(batch.matches("<section").count(), 2, "张晓明 and 李明轩 (now 高二1班 by their latest list)");
    assert!(site.path("print/一生一册/测试县第一中学/高一2班.html").is_file());
    assert!(site.read("print/index.html").contains("一生一册/测试县第一中学/高二1班.html"));
}

#[test]
fn nothing_private_reaches_public_or_the_cache_and_reports_survive_the_cache() {
    let site = rounds_site();
    gaozhong("a", "").write(&site, &csv(&[("孙悟空", "高三1班", 11, "一档", 1500)]));
    build_on(&site, "2025-10-15").ok();
    let report = site.read("print/审核/2025年春季学期/异议.csv");
    assert!(report.contains("欧阳志华"));
    // Rebuilt from the cache: the report is kept as it is.
    let before = std::fs::metadata(site.path("print/审核/2025年春季学期/异议.csv")).unwrap().modified().unwrap();
    let again = build_on(&site, "2025-10-15");
    again.ok();
    assert!(again.stdout.contains("沿用上次结果 3"), "{}", again.stdout);
    assert_eq!(std::fs::metadata(site.path("print/审核/2025年春季学期/异议.csv")).unwrap().modified().unwrap(), before);
    // One list changes: the report is written again, with the names of the lists from the cache.
    site.edit("content/lists/2025-qiu/a/名单.csv", "孙悟空", "孙悟能");
    let third = build_on(&site, "2025-10-15");
    third.ok();
    assert!(third.stdout.contains("沿用上次结果 2"), "{}", third.stdout);
    assert_eq!(site.read("print/审核/2025年春季学期/异议.csv"), report, "names read again from the cached lists");
    // Same audit findings from the cache: a double funding found on a cached list.
    gaozhong("b", "").write(&site, &csv(&[("孙悟能", "高三1班", 11, "一档", 1500)]));
    build_on(&site, "2025-10-15").fails_with(1).stderr_has("【重复资助】");
    std::fs::remove_dir_all(site.path("content/lists/2025-qiu/b")).unwrap();
    let public = all_text(&site.path("public"));
    let cache = all_text(&site.path(".gongshi-cache"));
    for secret in ["欧阳志华", "张晓明", "孙悟能", "反映家庭有车", "情况属实"]
        .iter()
        .map(|s| s.to_string())
        .chain((1..=3).map(id))
    {
        assert!(!public.contains(&secret), "{secret} reached public/");
        assert!(!cache.contains(&secret), "{secret} in the cache");
    }
    let print = all_text(&site.path("print"));
    assert!(!(1..=3).map(id).any(|i| print.contains(&i)), "no full ID in print/");
}
