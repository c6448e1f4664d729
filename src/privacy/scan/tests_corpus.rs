//! No false alarms on real text: the five reference policy documents, the
//! default theme, the demo site's pages, and number-heavy excerpts.

use super::*;
use std::path::Path;

fn assert_quiet(what: &str, text: &str) {
    assert_quiet_but(what, text, &HashSet::new());
}

fn assert_quiet_but(what: &str, text: &str, allowed: &HashSet<String>) {
    let found = find(text, allowed);
    assert!(found.is_empty(), "{what}: {found:?}");
}

/// Every file under `dir` (text read lossily), and its path.
fn scan_tree(dir: &Path, allowed: &HashSet<String>) -> usize {
    let mut n = 0;
    for entry in walkdir::WalkDir::new(dir).into_iter().filter_map(Result::ok).filter(|e| e.file_type().is_file()) {
        let rel = entry.path().strip_prefix(dir).unwrap().to_string_lossy().to_string();
        assert_quiet_but(&rel, &rel, allowed);
        let bytes = std::fs::read(entry.path()).unwrap();
        assert_quiet_but(&rel, &String::from_utf8_lossy(&bytes), allowed);
        n += 1;
    }
    n
}

#[test]
fn reference_policy_documents_are_quiet() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/reference");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("{} not found: skipped", dir.display());
        return;
    };
    for e in entries.filter_map(Result::ok) {
        let text = std::fs::read_to_string(e.path()).unwrap();
        assert_quiet(&e.path().display().to_string(), &text);
    }
}

#[test]
fn the_default_theme_and_the_demo_pages_are_quiet() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let none = HashSet::new();
    assert!(scan_tree(&root.join("themes/default"), &none) > 10);
    for section in ["policies", "explainers", "notices", "letters"] {
        assert!(scan_tree(&root.join("content").join(section), &none) > 0);
    }
    for bundle in walkdir::WalkDir::new(root.join("content/lists")).into_iter().filter_map(Result::ok) {
        if bundle.file_name() == "index.md" {
            assert_quiet(&bundle.path().display().to_string(), &std::fs::read_to_string(bundle.path()).unwrap());
        }
    }
    assert_quiet("site-config.toml", &std::fs::read_to_string(root.join("site-config.toml")).unwrap());
}

/// Scans a built site: `GONGSHI_SCAN_DIR=/tmp/x/public [GONGSHI_ALLOWED=a,b]
/// cargo test --lib privacy::scan::tests_corpus::a_built_site -- --ignored`.
#[test]
#[ignore]
fn a_built_site_is_quiet() {
    let dir = std::env::var("GONGSHI_SCAN_DIR").expect("GONGSHI_SCAN_DIR");
    let allowed = std::env::var("GONGSHI_ALLOWED").unwrap_or_default().split(',').map(digits_only).collect();
    println!("{} files scanned", scan_tree(Path::new(&dir), &allowed));
}

/// Lines of the reference documents (kept here so the test runs without
/// them) and text written the same way.
const EXCERPTS: &str = "\
湘阴教发〔2023〕31号
**第二条** 500人以上学校应配备1名资助专干和1名及以上资料员（以下统称“资助工作人员”）；500人以下学校应配备1名资助专干。
铜教办〔2023〕17号
（三）幼儿园要落实从保育教育费中不少于5%，普通高中学校从事业收入中的3%足额提取资助资金，民办普通高中和中等职业学校应从学费收入中提取不少于5%的资金。
## 岳阳市教育事务中心 2025 年学生资助工作计划
\t2、维护和审核全国学生资助信息管理系统中2024年秋季信息数据
3 月份\t1、召开2024年市直学校普通高中、中职学校学生资助工作会
\t2、组织推选2023-2024学年中等职业教育国家奖学金获奖学生代表典型事迹
7 月份 至 8 月份\t1、协调和指导县（市）区做好生源地信用助学贷款工作
11 月份\t1、审定发放市直义务教育学校 2025 年秋季学期家庭经济困难学生补助金
新教办〔2022〕12号
依据《涿州市教育局关于打赢脱贫攻坚战三年行动计划(2018—2020)》的安排，以扎实的教育扶贫工作成效迎接2019年国家、省扶贫考核验收
                                  2019年3月3日
学校地址:河北省涿州市松林店镇 邮编:072750
电话:0312-3951300 Email:hbzzez@126.com
Copyright © www.zzez.com.cn All Rights Reserved 涿州市第二中学 版权所有 冀ICP备17022615号
寄宿生小学每年1250元、初中每年1500元，非寄宿生减半（625元、750元）。
平均每生每年2300元，分两档：一档 2500 元，二档 2100 元。
| 学段 | 寄宿生 | 非寄宿生 |
| 小学 | 1250 | 625 |
| 初中 | 1500 | 750 |
资助标准  2500  2500  2500  2500
公示时间：2025年10月15日至2025年10月21日（5个工作日），08:00-12:00、14:30-17:30。
公示时间：2025-10-15—2025-10-21
监督电话：0730-1234567，0730—12345678，（0730）1234567，400-123-4567，12345。
贷款额度每生每年不超过20000元（研究生25000元），2024年秋季起执行。
序号 学校 人数 金额
1 城关中学 138 172500
2 第一中学 1204 2769200
";

#[test]
fn number_heavy_excerpts_are_quiet() {
    for line in EXCERPTS.lines() {
        assert_quiet(line, line);
    }
    assert_quiet("all", EXCERPTS);
}
