//! Messages that point at the cause: the file and line to fix, one
//! message per cause, no false second one.

mod common;
use common::{add_list, build_on, Site};
use rust_xlsxwriter::Workbook;

const TODAY: &str = "2025-10-15";

fn errors(stderr: &str) -> usize {
    stderr.matches("错误：").count()
}

#[test]
fn an_empty_site_config_is_named_as_such() {
    let site = Site::fixture("basic");
    site.write("site-config.toml", "\n\n");
    let run = site.run(&["check"]);
    run.fails_with(1).stderr_has("错误：site-config.toml：文件是空的").stderr_has("title、base_url、hotline、issuer");
    assert!(!run.stderr.contains("+++"), "{}", run.stderr);
    site.write("site-config.toml", "title = \"县资助\"\n");
    let run = site.run(&["check"]);
    run.fails_with(1).stderr_has("缺少必填字段“base_url”").stderr_has("请在 site-config.toml 里加上一行 base_url");
    assert!(!run.stderr.contains("+++"), "{}", run.stderr);
}

#[test]
fn a_gbk_list_index_gets_a_line_and_the_same_hint_as_a_gbk_page() {
    let site = Site::fixture("lists");
    for file in ["content/lists/2025-qiu/zhizhuan/index.md", "content/notices/tongzhi.md"] {
        let text = site.read(file);
        let (gbk, _, _) = encoding_rs::GBK.encode(&text);
        std::fs::write(site.path(file), &gbk).unwrap();
    }
    let run = build_on(&site, TODAY);
    run.fails_with(1);
    for file in ["content/lists/2025-qiu/zhizhuan/index.md", "content/notices/tongzhi.md"] {
        run.stderr_has(&format!("{file} 第 2 行：文件不是 UTF-8 编码"));
    }
    assert_eq!(run.stderr.matches("另存为时编码选“UTF-8”").count(), 2, "{}", run.stderr);
}

#[test]
fn a_bad_letter_placeholder_is_one_error() {
    let site = Site::fixture("lists");
    site.write("content/letters/zhizhuan.md", "+++\ntitle = \"告知书\"\n+++\n\n您的孩子 {{ nam }} 获得资助。\n");
    site.edit(
        "content/lists/2025-qiu/zhizhuan/index.md",
        "publicity_days = 5\n",
        "publicity_days = 5\n[letters]\ntemplate = \"zhizhuan\"\n",
    );
    let run = build_on(&site, TODAY);
    run.fails_with(1).stderr_has("content/letters/zhizhuan.md 第 5 行：未知的占位符“{{ nam }}”");
    assert!(!run.stderr.contains("找不到告知书模板"), "{}", run.stderr);
    assert_eq!(errors(&run.stderr), 1, "{}", run.stderr);
    // A template that really is missing is still reported.
    std::fs::remove_file(site.path("content/letters/zhizhuan.md")).unwrap();
    build_on(&site, TODAY).fails_with(1).stderr_has("找不到告知书模板 content/letters/zhizhuan.md");
}

#[test]
fn a_number_in_a_list_notice_is_reported_at_its_line() {
    let site = Site::fixture("lists");
    add_list(&site, "dianhua", "", "a.csv", "姓名,班级\n张小明,高一1班\n".as_bytes());
    site.edit("content/lists/2025-qiu/dianhua/index.md", "现予公示。", "现予公示。\n\n联系人：王老师 13812345678。");
    let run = build_on(&site, TODAY);
    run.fails_with(1).stderr_has("content/lists/2025-qiu/dianhua/index.md 第 14 行：写有手机号码：138****5678");
    assert_eq!(errors(&run.stderr), 1, "{}", run.stderr);
}

#[test]
fn no_header_names_the_separator_and_the_sheets() {
    let site = Site::fixture("lists");
    add_list(&site, "wubiaotou", "", "a.csv", "学生,班级\n张小明,高一1班\n".as_bytes());
    build_on(&site, TODAY).fails_with(1).stderr_has("找不到表头：没有哪一行含有“姓名”").stderr_has("按逗号分隔读取");
    // Excel's Unicode text (UTF-16, tabs) with a title row above the header
    // is read at its tabs, not as one column.
    let site = Site::fixture("lists");
    let text = "测试县第一中学拟资助名单\r\n姓名\t班级\r\n张小明\t高一1班\r\n";
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    add_list(&site, "unicode", "", "a.txt", &utf16);
    build_on(&site, TODAY).ok();
    assert!(site.read("public/lists/2025-qiu/unicode/index.html").contains("<td>高一1班</td>"));
    // A workbook: the sheet read and the sheets there are.
    let site = Site::fixture("lists");
    let mut book = Workbook::new();
    book.add_worksheet().set_name("说明").unwrap().write(0, 0, "本表为公示名单").unwrap();
    let hidden = book.add_worksheet().set_name("原始数据").unwrap();
    hidden.write(0, 0, "姓名").unwrap();
    hidden.set_hidden(true);
    add_list(&site, "gongzuobiao", "", "a.xlsx", &book.save_to_buffer().unwrap());
    build_on(&site, TODAY)
        .fails_with(1)
        .stderr_has("找不到表头")
        .stderr_has("读的是工作表“说明”；工作簿中的工作表：“说明”、“原始数据”（隐藏）");
}

#[test]
fn a_number_typed_id_column_is_one_error_with_the_excel_fix() {
    let site = Site::fixture("lists");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["姓名", "班级", "身份证号"].iter().enumerate() {
        sheet.write(0, c as u16, *h).unwrap();
    }
    for (r, (name, id)) in
        [("张小明", 430621200901015123.0), ("李小红", 430621200902026234.0), ("王小刚", 430621200903037345.0)]
            .iter()
            .enumerate()
    {
        sheet.write(r as u32 + 1, 0, *name).unwrap();
        sheet.write(r as u32 + 1, 1, "高一1班").unwrap();
        sheet.write(r as u32 + 1, 2, *id).unwrap();
    }
    add_list(&site, "shuzi", "", "a.xlsx", &book.save_to_buffer().unwrap());
    let run = build_on(&site, TODAY);
    run.fails_with(1)
        .stderr_has("“身份证号”列（第 3 列）是数字格式，Excel 把其中 3 个身份证号改坏了")
        .stderr_has("第 2、3、4 行")
        .stderr_has("设置单元格格式");
    assert_eq!(errors(&run.stderr), 1, "{}", run.stderr);
}

#[test]
fn an_old_fifteen_digit_id_is_a_warning() {
    let site = Site::fixture("lists");
    add_list(&site, "jiu", "", "a.csv", "姓名,班级,身份证号\n张小明,高一1班,430621900101512\n".as_bytes());
    let run = build_on(&site, TODAY);
    run.ok();
    assert!(run.stderr.contains("注意：") && run.stderr.contains("15 位"), "{}", run.stderr);
}
