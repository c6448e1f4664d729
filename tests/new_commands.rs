//! `gongshi new policy|explainer|notice|list`, Chinese help and usage
//! errors, and commands run from a subfolder of the site.

mod common;
use common::{run_in, Site};
use std::path::Path;

fn fixture_file(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(rel).display().to_string()
}

fn reference(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/word/content/policies").join(name);
    let text = std::fs::read_to_string(p).unwrap();
    // The pasted body, without the fixture's own front matter.
    text.splitn(3, "+++\n").nth(2).unwrap().to_string()
}

#[test]
fn a_docx_policy_is_imported_and_check_asks_only_for_the_marked_date() {
    let site = Site::fixture("basic");
    let run = site.run(&["new", "policy", &fixture_file("docx/xiangyin-duiwu.docx")]);
    run.ok();
    assert!(run.stdout.contains("已导入：content/policies/xiangyin-duiwu.md"), "{}", run.stdout);
    assert!(run.stdout.contains("成文日期 date：没有找到落款日期，请填写"), "{}", run.stdout);
    let page = site.read("content/policies/xiangyin-duiwu.md");
    assert!(page.contains("title = \"湘阴县教育局关于加强学校学生资助工作队伍建设的实施办法（试行）\""), "{page}");
    assert!(page.contains("doc_number = \"湘阴教发〔2023〕31号\""), "{page}");
    assert!(page.contains("issuer = \"湘阴县教育局\""), "{page}");
    assert!(page.contains("**第十二条** 本办法自发布之日起施行。"), "{page}");
    // The head of the document is in the front matter, not the body.
    assert!(!page.contains("湘阴县教育局文件"), "{page}");
    // `check` refuses exactly the field marked to fill in, at its line.
    let run = site.run(&["check", "--today", "2025-10-15"]);
    run.fails_with(1).stderr_has("content/policies/xiangyin-duiwu.md 第 5 行：无效的日期“请填写成文日期");
    assert_eq!(run.stderr.matches("错误：").count(), 1, "{}", run.stderr);
    site.edit("content/policies/xiangyin-duiwu.md", "date = \"请填写成文日期，如 2025-03-01\"", "date = 2023-06-01");
    site.run(&["build", "--today", "2025-10-15"]).ok();
    let html = site.read("public/policies/xiangyin-duiwu/index.html");
    for n in 1..=7 {
        assert!(html.contains(&format!("id=\"chapter-{n}\"")), "chapter {n}");
    }
    for n in 1..=12 {
        assert!(html.contains(&format!("id=\"article-{n}\"")), "article {n}");
    }
    assert!(html.contains("提供准确、完整的学生学籍档案"), "page break joined at render");
}

#[test]
fn a_docx_table_and_bold_survive_and_a_plan_needs_no_document_number() {
    let site = Site::fixture("basic");
    site.run(&["new", "policy", &fixture_file("docx/yueyang-jihua.docx"), "--slug", "yueyang"]).ok();
    let page = site.read("content/policies/yueyang.md");
    assert!(page.contains("# doc_number = \"\""), "{page}");
    assert!(page.contains("**强化责任：**认真落实"), "{page}");
    assert!(
        page.contains(
            "| 时间 | 工作内容 |\n| --- | --- |\n| 元月至 2 月份 | 1、参与迎接国家、省、市乡村振兴考核检查 |"
        ),
        "{page}"
    );
    site.edit("content/policies/yueyang.md", "date = \"请填写成文日期，如 2025-03-01\"", "date = 2025-01-10");
    site.run(&["build", "--today", "2025-10-15"]).ok();
    let html = site.read("public/policies/yueyang/index.html");
    assert!(html.contains("<strong>强化责任：</strong>认真落实"), "{html}");
    assert!(html.contains("<tr><td>5 月份</td><td>1、组织 2025 年春季中职学生资助专项核查工作</td></tr>"), "{html}");
    assert!(!html.contains("文号"), "no number row for a plan");
}

#[test]
fn a_gbk_text_file_is_imported_with_its_head_and_signature() {
    let site = Site::fixture("basic");
    let body = reference("tongliang-yaodian.md");
    // GBK has no en space (U+2002): Notepad would have saved a plain one.
    let text = format!("{body}\n重庆市铜梁区教育委员会\n2023年3月1日\n").replace('\u{2002}', " ");
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let file = site.path("铜梁要点.txt");
    std::fs::write(&file, &gbk).unwrap();
    site.run(&["new", "policy", file.to_str().unwrap(), "--slug", "tongliang"]).ok();
    let page = site.read("content/policies/tongliang.md");
    assert!(page.contains("title = \"重庆市铜梁区教育委员会关于印发2023年铜梁区学生资助工作要点的通知\""), "{page}");
    assert!(page.contains("doc_number = \"铜教办〔2023〕17号\""), "{page}");
    assert!(page.contains("date = 2023-03-01"), "{page}");
    assert!(page.contains("\n## 一、坚持力学笃行，落实党对学生资助工作的全面领导\n"), "{page}");
    site.run(&["check", "--today", "2025-10-15"]).ok();
}

#[test]
fn old_word_files_and_pdfs_get_a_message_what_to_do() {
    let site = Site::fixture("basic");
    let doc = site.path("旧文件.doc");
    std::fs::write(&doc, [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0]).unwrap();
    site.run(&["new", "policy", doc.to_str().unwrap()]).fails_with(2).stderr_has("另存为").stderr_has(".docx");
    let wps = site.path("通知.wps");
    std::fs::write(&wps, [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]).unwrap();
    site.run(&["new", "policy", wps.to_str().unwrap()]).fails_with(2).stderr_has("WPS");
    let pdf = site.path("文件.pdf");
    std::fs::write(&pdf, b"%PDF-1.4\n").unwrap();
    site.run(&["new", "policy", pdf.to_str().unwrap()]).fails_with(2).stderr_has("PDF");
    assert!(!site.path("content/policies/旧文件.md").exists());
}

#[test]
fn explainer_and_notice_scaffolds_pass_check() {
    let site = Site::fixture("basic");
    let run = site.run(&["new", "explainer", "一图读懂助学金", "--today", "2025-10-15"]);
    run.ok();
    assert!(run.stdout.contains("content/explainers/一图读懂助学金.md"), "{}", run.stdout);
    let page = site.read("content/explainers/一图读懂助学金.md");
    assert!(page.contains("date = 2025-10-15") && page.contains("可填 banfa"), "{page}");
    site.run(&["new", "notice", "秋季申请开始", "--slug", "qiuji", "--today", "2025-09-01"]).ok();
    assert!(site.read("content/notices/qiuji.md").contains("title = \"秋季申请开始\""));
    site.run(&["new", "notice", "秋季申请开始", "--slug", "qiuji"]).fails_with(2).stderr_has("已经存在");
    site.run(&["check", "--today", "2025-10-15"]).ok();
}

#[test]
fn a_list_from_a_data_file_shows_only_the_masked_preview_and_passes_check() {
    let site = Site::fixture("basic");
    let csv = "学生姓名,班级,身份证号,联系电话\n张小明,高一1班,110105200803010034,13812345678\n欧阳华,高一2班,430621200905150048,13912345678\n";
    let file = site.path("第一中学名单.csv");
    std::fs::write(&file, csv).unwrap();
    let run = site.run(&[
        "new",
        "list",
        file.to_str().unwrap(),
        "--school",
        "测试县第一中学",
        "--programme",
        "普通高中国家助学金",
        "--today",
        "2025-10-13",
        "--slug",
        "yizhong",
    ]);
    run.ok();
    let out = format!("{}{}", run.stdout, run.stderr);
    assert!(out.contains("content/lists/2025-qiu/yizhong/index.md"), "{out}");
    assert!(out.contains("张*明") && out.contains("欧阳*"), "{out}");
    assert!(out.contains("共 2 人"), "{out}");
    for private in ["张小明", "欧阳华", "110105200803010034", "13812345678", "430621"] {
        assert!(!out.contains(private), "{private} in the terminal preview:\n{out}");
    }
    let index = site.read("content/lists/2025-qiu/yizhong/index.md");
    for line in [
        "\"学生姓名\" = \"name\"",
        "\"班级\" = \"public\"",
        "\"身份证号\" = \"id_number\"",
        "\"联系电话\" = \"private\"",
        "publicity_start = 2025-10-13",
        "term = \"2025年秋季学期\"",
        "data = \"第一中学名单.csv\"",
    ] {
        assert!(index.contains(line), "{line}\n{index}");
    }
    assert!(site.path("content/lists/2025-qiu/yizhong/第一中学名单.csv").exists());
    site.run(&["build", "--today", "2025-10-14"]).ok();
    let page = site.read("public/lists/2025-qiu/yizhong/index.html");
    assert!(page.contains("张*明") && !page.contains("张小明"));
}

#[test]
fn a_list_file_with_errors_writes_nothing() {
    let site = Site::fixture("basic");
    let file = site.path("名单.csv");
    std::fs::write(&file, "学生姓名,身份证号\n张小明,4.30621E+17\n").unwrap();
    site.run(&["new", "list", file.to_str().unwrap(), "--today", "2025-10-13"])
        .fails_with(1)
        .stderr_has("没有新建名单");
    assert!(!site.path("content/lists").exists());
}

#[test]
fn help_and_usage_errors_are_in_chinese() {
    let site = Site::fixture("basic");
    let run = site.run(&["--help"]);
    run.ok();
    assert!(run.stdout.contains("用法：gongshi <命令") && run.stdout.contains("显示这段说明"), "{}", run.stdout);
    for sub in [
        vec!["build"],
        vec!["check"],
        vec!["serve"],
        vec!["init"],
        vec!["new"],
        vec!["new", "policy"],
        vec!["new", "list"],
    ] {
        let mut args = sub.clone();
        args.push("--help");
        let run = site.run(&args);
        run.ok();
        let text = &run.stdout;
        assert!(text.contains("用法：gongshi"), "{sub:?}: {text}");
        for english in ["Usage", "Options", "Arguments", "Commands", "Print help", "default:"] {
            assert!(!text.contains(english), "{sub:?} help has {english}: {text}");
        }
    }
    site.run(&["biuld"]).fails_with(2).stderr_has("错误：没有“biuld”这个命令").stderr_has("是不是 build？");
    site.run(&["build", "--todya", "2025-10-15"])
        .fails_with(2)
        .stderr_has("不认识的参数“--todya”")
        .stderr_has("--today");
    site.run(&["build", "--today", "明天"]).fails_with(2).stderr_has("日期“明天”无效");
    site.run(&["init"]).fails_with(2).stderr_has("缺少必填的参数 <目录>");
    // `gongshi` alone opens the workbench (issue 19; tests/workbench.rs);
    // `gongshi new` alone still shows its usage.
    let run = site.run(&["new"]);
    run.fails_with(2);
    assert!(run.stderr.contains("用法：gongshi new <命令") && !run.stderr.contains("Usage"), "{}", run.stderr);
}

#[test]
fn commands_find_the_site_from_a_subfolder() {
    let site = Site::fixture("basic");
    let run = run_in(&site.path("content/policies"), &["build", "--today", "2025-10-15"]);
    run.ok();
    assert!(site.path("public/index.html").exists(), "built into the site root");
    assert!(!site.path("content/policies/public").exists());
    run_in(&site.path("content"), &["new", "notice", "从子文件夹新建", "--slug", "zi"]).ok();
    assert!(site.path("content/notices/zi.md").exists());
    let outside = tempfile::tempdir().unwrap();
    run_in(outside.path(), &["check"]).fails_with(2).stderr_has("不是 gongshi 站点目录");
}

#[test]
fn document_number_is_optional_but_never_empty_and_fill_in_marks_are_refused() {
    let site = Site::fixture("basic");
    site.edit("content/policies/banfa.md", "doc_number = \"测教发〔2023〕31号\"\n", "");
    site.run(&["check", "--today", "2025-10-15"]).ok();
    site.write(
        "content/policies/kong.md",
        "+++\ntitle = \"计划\"\ndoc_number = \"\"\nissuer = \"请填写发文机关\"\ndate = 2025-01-01\n+++\n正文。\n",
    );
    let run = site.run(&["check", "--today", "2025-10-15"]);
    run.fails_with(1)
        .stderr_has("content/policies/kong.md 第 3 行：文号 doc_number 是空的")
        .stderr_has("content/policies/kong.md 第 4 行：issuer 还没有填写");
}
