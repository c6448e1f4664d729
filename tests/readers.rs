//! Reading recipient lists as staff really make them, end to end: headers
//! and values that may never be public, broken CSV structure, empty lists,
//! workbooks with hidden and several sheets, doubtful ID numbers. Every
//! refused list fails the build (exit 1) with a Chinese diagnostic naming
//! the file and line, and leaves the previous `public/` as it was.

mod common;
use common::{add_list, all_text, build_on, tree, Site};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};

const TODAY: &str = "2025-10-15";
const DIR: &str = "content/lists/2025-qiu";

/// The fixture site, built once: the `public/` every refused build must keep.
fn built_site() -> (Site, Vec<(String, Vec<u8>)>) {
    let site = Site::fixture("lists");
    build_on(&site, TODAY).ok();
    let before = tree(&site.path("public"));
    (site, before)
}

/// Builds, expecting exit 1 with every `needle` on stderr, `public/`
/// unchanged and none of `secrets` in it.
fn refused(site: &Site, before: &[(String, Vec<u8>)], needles: &[&str], secrets: &[&str]) {
    let run = build_on(site, TODAY);
    run.fails_with(1);
    for n in needles {
        run.stderr_has(n);
    }
    assert_eq!(tree(&site.path("public")), before, "a refused build changed public/");
    let text = all_text(&site.path("public"));
    for s in secrets {
        assert!(!text.contains(s), "{s} reached public/");
    }
}

fn columns(pairs: &[(&str, &str)]) -> String {
    let mut s = String::from("[columns]\n");
    for (h, r) in pairs {
        s.push_str(&format!("\"{h}\" = \"{r}\"\n"));
    }
    s
}

#[test]
fn headers_that_name_never_public_data_cannot_be_public() {
    let (site, before) = built_site();
    for (slug, header, why) in [
        ("hukou", "户口所在地", "家庭住址"),
        ("xueji", "学籍号", "学籍号或学号（可能含身份证号）"),
        ("email", "Email", "联系方式"),
        ("typo", "身分证号", "身份证号"),
        ("leibie", "学生类别", "家庭经济困难情况"),
        ("minzu", "民族", "宗教信仰或民族"),
    ] {
        let data = format!("姓名,班级,{header}\n张小明,高一1班,一\n");
        let extra = columns(&[("姓名", "name"), ("班级", "public"), (header, "public")]);
        add_list(&site, slug, &extra, "a.csv", data.as_bytes());
        let run = build_on(&site, TODAY);
        run.fails_with(1)
            .stderr_has(&format!("{DIR}/{slug}/index.md 第 9 行：“{header}”属于{why}，不能公开（不能设为 public）"))
            .stderr_has("提示：把它设为 \"private\"");
        assert_eq!(tree(&site.path("public")), before);
        std::fs::remove_dir_all(site.path(&format!("{DIR}/{slug}"))).unwrap();
    }
}

#[test]
fn public_columns_holding_never_public_values_are_refused() {
    let (site, before) = built_site();
    let extra = columns(&[("姓名", "name"), ("班级", "public"), ("备注", "public")]);
    let cases = [
        ("birth", "2008-03-15", "出生日期：“2008-**-**”", "03-15"),
        ("address", "新华村3组", "家庭住址：“**村*组”", "新华村"),
        ("hardship", "低保户", "家庭经济困难情况：“低保”", "低保户"),
        ("landline", "0730-8123456", "电话号码：“073****3456”", "8123456"),
        ("xuejihao", "G11010519491231002X", "身份证号：“110***********002X”", "19491231"),
    ];
    for (slug, value, _, _) in cases {
        let data = format!("姓名,班级,备注\n张小明,高一1班,\n欧阳志华,高一2班,{value}\n");
        add_list(&site, slug, &extra, "a.csv", data.as_bytes());
    }
    let needles: Vec<String> = cases
        .iter()
        .map(|(slug, _, seen, _)| {
            format!("{DIR}/{slug}/a.csv 第 3 行第 3 列：“备注”列（第 3 列，设为 public）的内容像{seen}，这一列不能公开")
        })
        .collect();
    let needles: Vec<&str> = needles.iter().map(String::as_str).collect();
    let secrets: Vec<&str> = cases.iter().map(|c| c.3).collect();
    refused(&site, &before, &needles, &secrets);
}

#[test]
fn an_excel_date_cell_under_a_public_note_is_refused() {
    let (site, before) = built_site();
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    for (c, h) in ["姓名", "班级", "备注"].iter().enumerate() {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    ws.write_string(0, 0, "测试县第一中学拟资助名单").unwrap();
    ws.write_string(2, 0, "张小明").unwrap();
    ws.write_string(2, 1, "高一1班").unwrap();
    ws.write_string(3, 0, "欧阳志华").unwrap();
    ws.write_string(3, 1, "高一2班").unwrap();
    let date = ExcelDateTime::from_ymd(2008, 3, 15).unwrap();
    ws.write_datetime_with_format(3, 2, &date, &Format::new().set_num_format("yyyy/m/d")).unwrap();
    let extra = columns(&[("姓名", "name"), ("班级", "public"), ("备注", "public")]);
    add_list(&site, "date", &extra, "名单.xlsx", &book.save_to_buffer().unwrap());
    refused(&site, &before, &["名单.xlsx 第 4 行第 3 列：“备注”列（第 3 列，设为 public）的内容像出生日期"], &[]);
}

#[test]
fn a_row_wider_than_its_header_is_refused() {
    let (site, before) = built_site();
    // The comma in the address shifts 新华村 into 班级.
    let data = "姓名,住址,班级\n张小明,人民路,高一1班\n欧阳志华,新华村,3组,高一2班\n";
    add_list(&site, "wide", "", "a.csv", data.as_bytes());
    refused(
        &site,
        &before,
        &[&format!("{DIR}/wide/a.csv 第 3 行第 4 列：第 3 行比表头多 1 个单元格"), "英文逗号"],
        &["新华村", "人民路"],
    );
}

#[test]
fn an_unclosed_quote_is_refused_at_the_line_it_opens() {
    let (site, before) = built_site();
    let data = "姓名,班级,身份证号\n张小明,高一1班,11010519491231002X\n欧阳志华,\"高一2班,110105200001010016\n李明,高二1班,110105200801010014\n";
    add_list(&site, "quote", "", "a.csv", data.as_bytes());
    refused(
        &site,
        &before,
        &[&format!("{DIR}/quote/a.csv 第 3 行：第 3 行有一个英文双引号"), "没有关上"],
        &["110105200001010016", "110105200801010014"],
    );
}

#[test]
fn a_line_break_in_a_public_cell_is_refused() {
    let (site, before) = built_site();
    // Two stray quotes: the second row swallows the third into its 班级.
    let data = "姓名,班级,身份证号\n张小明,\"高一1班,11010519491231002X\n欧阳志华,高一2班\",110105200001010016\n";
    add_list(&site, "break", "", "a.csv", data.as_bytes());
    refused(&site, &before, &[&format!("{DIR}/break/a.csv 第 2 行第 2 列：单元格里有换行")], &["11010519491231002X"]);
}

#[test]
fn a_list_without_rows_needs_allow_empty() {
    let (site, before) = built_site();
    add_list(&site, "empty", "", "a.csv", "姓名,班级\n".as_bytes());
    refused(&site, &before, &[&format!("{DIR}/empty/a.csv 第 1 行：名单只有表头"), "allow_empty = true"], &[]);
    site.edit(&format!("{DIR}/empty/index.md"), "data = ", "allow_empty = true\ndata = ");
    build_on(&site, TODAY).ok();
    assert!(site.read("public/lists/2025-qiu/empty/index.html").contains("公示"));
}

/// A workbook of `(name, hidden, rows)` sheets; the first visible one active.
fn workbook(sheets: &[(&str, bool, &[&[&str]])]) -> Vec<u8> {
    let mut book = Workbook::new();
    let mut active = false;
    for (name, hidden, rows) in sheets {
        let mut ws = Worksheet::new();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, text) in row.iter().enumerate() {
                ws.write_string(r as u32, c as u16, *text).unwrap();
            }
        }
        if *hidden {
            ws.set_hidden(true);
        } else if !active {
            ws.set_active(true);
            active = true;
        }
        book.push_worksheet(ws);
    }
    book.save_to_buffer().unwrap()
}

const RAW: &[&[&str]] = &[
    &["姓名", "班级", "身份证号", "联系电话", "家庭住址"],
    &["张小明", "高一1班", "11010519491231002X", "13812345678", "新华村3组"],
    &["欧阳志华", "高一2班", "110105200001010016", "13987654321", "人民路12号"],
];
const SHOWN: &[&[&str]] = &[&["姓名", "班级"], &["张小明", "高一1班"], &["欧阳志华", "高一2班"]];

#[test]
fn a_hidden_raw_data_sheet_is_never_read_by_default() {
    let site = Site::fixture("lists");
    let bytes = workbook(&[("原始数据", true, RAW), ("公示", false, SHOWN)]);
    add_list(&site, "hidden", "", "名单.xlsx", &bytes);
    // The same workbook saved by WPS as .et is read by its content.
    add_list(&site, "wps", "", "名单.et", &bytes);
    build_on(&site, TODAY).ok();
    for slug in ["hidden", "wps"] {
        let html = site.read(&format!("public/lists/2025-qiu/{slug}/index.html"));
        assert!(html.contains("<td>张*明</td><td>高一1班</td>"), "{slug}: {html}");
    }
    let text = all_text(&site.path("public"));
    for secret in ["11010519491231002X", "13812345678", "新华村", "人民路12号", "张小明", "欧阳志华"] {
        assert!(!text.contains(secret), "{secret} reached public/");
    }
}

#[test]
fn a_hidden_sheet_is_read_when_named() {
    let site = Site::fixture("lists");
    let bytes = workbook(&[("原始数据", true, RAW), ("公示", false, SHOWN)]);
    add_list(&site, "named", "sheet = \"原始数据\"", "名单.xlsx", &bytes);
    let run = build_on(&site, TODAY);
    run.ok().stderr_has("身份证号→身份证号（不公开）");
    let text = all_text(&site.path("public"));
    for secret in ["11010519491231002X", "13812345678", "新华村", "张小明"] {
        assert!(!text.contains(secret), "{secret} reached public/");
    }
}

#[test]
fn two_visible_sheets_without_a_name_are_refused() {
    let (site, before) = built_site();
    let bytes = workbook(&[("原始数据", true, RAW), ("公示", false, SHOWN), ("汇总", false, SHOWN)]);
    add_list(&site, "two", "", "名单.xlsx", &bytes);
    refused(
        &site,
        &before,
        &[
            &format!("{DIR}/two/名单.xlsx：表格中有 2 个可见的工作表"),
            "可见的工作表：“公示”、“汇总”；隐藏的工作表：“原始数据”",
            "sheet = \"工作表名\"",
        ],
        &[],
    );
}

#[test]
fn a_doubtful_id_is_a_warning_with_its_line() {
    let site = Site::fixture("lists");
    let data = "姓名,班级,身份证号\n张小明,高一1班,110105200801019000\n欧阳志华,高一2班,110105491231002\n";
    add_list(&site, "doubt", "", "a.csv", data.as_bytes());
    build_on(&site, TODAY)
        .ok()
        .stderr_has(&format!("注意：{DIR}/doubt/a.csv 第 2 行第 3 列：身份证号末尾是 000，可能被 Excel 截断"))
        .stderr_has("“文本”格式")
        .stderr_has(&format!("注意：{DIR}/doubt/a.csv 第 3 行第 3 列：这是 15 位的旧身份证号"));
}
