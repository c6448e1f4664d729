//! The five reference documents pasted as staff paste them
//! (tests/fixtures/word): paragraphs, tables, bold and anchors as their
//! authors see them.

mod common;
use common::Site;

fn body(site: &Site, slug: &str) -> String {
    let page = site.read(&format!("public/policies/{slug}/index.html"));
    let start = page.find("<div class=\"doc-body\">").expect("doc body");
    let end = page[start..].find("</article>").map_or(page.len(), |e| start + e);
    page[start..end].to_string()
}

fn built() -> Site {
    let site = Site::fixture("word");
    site.run(&["build", "--today", "2025-10-15"]).ok();
    site
}

#[test]
fn no_markdown_leaks_and_no_code_blocks_in_any_reference_text() {
    let site = built();
    for slug in ["xiangyin-duiwu", "tongliang-yaodian", "yueyang-jihua", "xinzhou-yijian", "zhuozhou-jihua"] {
        let b = body(&site, slug);
        assert!(!b.contains("**"), "{slug}: asterisks shown");
        assert!(!b.contains("<pre") && !b.contains("<code"), "{slug}: indented text became code");
        assert!(!b.contains("<p>\u{a0}") && !b.contains("<p> "), "{slug}: a paragraph starts with blanks");
    }
}

#[test]
fn one_paragraph_a_line_when_the_line_ends_a_sentence_or_starts_a_marker() {
    let b = body(&built(), "tongliang-yaodian");
    for p in [
        "<p>铜教办〔2023〕17号</p>",
        "<p>现将《2023年铜梁区学生资助工作要点》印发给你们，请认真贯彻落实。</p>",
        "<p>一、坚持力学笃行，落实党对学生资助工作的全面领导</p>",
        "<p>（二）及时足额发放学生资助资金。",
        "<p>六、坚持内外兼修",
        "<p>（三）建立并完整保存资助档案资料，每期一校一资助台账，受资助学生要一生一册资料，并按要求装档，长期保存。</p>",
    ] {
        assert!(b.contains(p), "missing {p}\n{b}");
    }
    // 33 lines of text: two of only blanks, the title over two lines, one line each.
    assert_eq!(b.matches("<p>").count(), 29, "{b}");
}

#[test]
fn tab_separated_schedule_is_a_table_and_bold_next_to_punctuation_works() {
    let b = body(&built(), "yueyang-jihua");
    assert!(b.contains("<p><strong>强化责任：</strong>认真落实"), "{b}");
    assert!(b.contains("<p><strong>精准资助：</strong>确保"), "{b}");
    assert!(b.contains("<thead><tr><th>时间</th><th>工作内容</th></tr>"), "{b}");
    assert!(b.contains("<tr><td>5 月份</td><td>1、组织 2025 年春季中职学生资助专项核查工作</td></tr>"), "{b}");
    assert!(b.contains("<tr><td></td><td>2、维护和审核"), "{b}");
    // The header repeated after the page break is gone; one table.
    assert!(!b.contains("工 作 内 容"), "{b}");
    assert_eq!(b.matches("<table>").count(), 1);
    assert_eq!(b.matches("<tr>").count(), 1 + 39, "{b}");
}

#[test]
fn chapters_and_articles_keep_their_anchors_and_page_breaks_are_joined() {
    let b = body(&built(), "xiangyin-duiwu");
    for n in 1..=7 {
        assert!(b.contains(&format!("<h2 id=\"chapter-{n}\">")), "chapter {n}\n{b}");
    }
    for n in 1..=12 {
        assert!(b.contains(&format!("id=\"article-{n}\" class=\"article\"")), "article {n}\n{b}");
    }
    assert!(b.contains("<p>（一）政治素质好。"), "{b}");
    assert!(b.contains("提供准确、完整的学生学籍档案"), "page break joined\n{b}");
    assert!(b.contains("实施目标管理，按年度"), "page break joined\n{b}");
    assert!(b.contains("<li>(九) 完成上级和学校交办的其他事项。</li>"), "{b}");
}

#[test]
fn page_breaks_in_list_items_and_paragraphs_are_joined() {
    let b = body(&built(), "xinzhou-yijian");
    assert!(b.contains("落实过程中的不正之风和腐败问题"), "{b}");
    assert!(b.contains("认真贯彻落实国家对家庭经济困难学生资助有关文件精神"), "{b}");
    assert!(b.contains("<p>(二) 落实分类处理机制</p>"), "{b}");
}

#[test]
fn one_cell_per_line_schedule_is_a_table() {
    let b = body(&built(), "zhuozhou-jihua");
    assert!(b.contains("<p>一、指导思想</p>"), "{b}");
    assert!(b.contains("<p>(三)完善规范档案管理,建立长效机制。</p>"), "{b}");
    assert!(b.contains("<thead><tr><th>时间</th><th>工作内容</th><th>责任单位</th><th>备注</th></tr>"), "{b}");
    assert!(
        b.contains("<tr><td>三月份</td><td>开展“两课”“两信、两回执” 政策宣传工作</td><td>各学校</td><td></td></tr>"),
        "{b}"
    );
    assert!(b.contains("<tr><td></td><td>扶贫资助队伍培训会</td><td>学生资助管理中心</td><td></td></tr>"), "{b}");
    assert!(
        b.contains("<tr><td>五月份</td><td>教育扶贫资助工作联查</td><td>学生资助管理中心</td><td></td></tr>"),
        "{b}"
    );
    assert!(b.contains("<tr><td></td><td>家庭经济困难大学新生贷款工作</td><td>高中、中职</td><td></td></tr>"), "{b}");
    assert_eq!(b.matches("<tr>").count(), 1 + 14, "{b}");
    assert!(b.contains("<p>涿州市教育和体育局</p>"), "{b}");
}

#[test]
fn a_link_after_inserted_paragraph_breaks_is_reported_at_its_own_line() {
    let site = Site::fixture("word");
    site.write(
        "content/policies/lianjie.md",
        "+++\ntitle = \"链接\"\nissuer = \"测试县教育局\"\ndate = 2025-01-01\n+++\n第一句。\n第二句。\n第三句。\n见[附件](@/policies/meiyou.md)。\n",
    );
    site.run(&["check"]).fails_with(1).stderr_has("content/policies/lianjie.md 第 9 行：链接的页面不存在");
}
