//! Whether a table found in an attachment is a list of people.

use super::Sheet;

/// Headers of a name column (compared with spaces removed), besides any
/// header of at most 10 characters containing 姓名 (学生姓名, 幼儿姓名,
/// 家长姓名, 姓名（必填）).
const NAME_HEADERS: &[&str] = &[
    "名字",
    "学生",
    "幼儿",
    "儿童",
    "受助学生",
    "受助幼儿",
    "受助人",
    "受助对象",
    "资助对象",
    "申请人",
    "获奖学生",
    "获助学生",
    "学生名字",
    "获奖者",
    "户主",
];

/// Words of form labels: a cell holding one is a label (身份证号, 家庭住址),
/// not a name, even below a 姓名 header in a form laid out vertically.
const LABEL_WORDS: &[&str] = &[
    "性别", "身份", "证件", "号码", "电话", "手机", "住址", "地址", "户籍", "家庭", "成员", "学校", "年级", "班级",
    "学号", "学籍", "民族", "出生", "日期", "年龄", "关系", "工作", "单位", "收入", "金额", "原因", "理由", "意见",
    "签字", "签名", "盖章", "备注", "类别", "类型", "等级", "项目", "标准", "情况", "合计", "总计", "序号", "银行",
    "账号", "卡号", "邮编", "联系", "审核", "公示", "申请", "认定", "说明", "姓名", "时间", "填表", "人数", "学生",
];

/// Common Chinese surnames (the 百家姓 and other frequent ones), single
/// characters; compound surnames start with one of their own characters
/// that is also listed (欧阳 with 欧, 司马 with 司) or are listed below.
const SURNAMES: &str = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛奚范彭郎\
鲁韦昌马苗凤花方俞任袁柳酆鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬安常乐于时傅皮卞齐康伍余元卜顾孟平黄和穆萧尹姚邵湛汪祁毛禹狄\
米贝明臧计伏成戴谈宋茅庞熊纪舒屈项祝董梁杜阮蓝闵席季麻强贾路娄危江童颜郭梅盛林刁钟徐邱骆高夏蔡田樊胡凌霍虞万支柯昝管卢莫\
经房裘缪干解应宗丁宣贲邓郁单杭洪包诸左石崔吉钮龚程嵇邢滑裴陆荣翁荀羊於惠甄曲家封芮羿储靳汲邴糜松井段富巫乌焦巴弓牧隗山谷车\
侯宓蓬全郗班仰秋仲伊宫宁仇栾暴甘钭厉戎祖武符刘景詹束龙叶幸司韶郜黎蓟薄印宿白怀蒲邰从鄂索咸籍赖卓蔺屠蒙池乔阴郁胥能苍双闻莘\
党翟谭贡劳逄姬申扶堵冉宰郦雍却璩桑桂濮牛寿通边扈燕冀郏浦尚农温别庄晏柴瞿阎充慕连茹习宦艾鱼容向古易慎戈廖庾终暨居衡步都耿满\
弘匡国文寇广禄阙东欧殳沃利蔚越夔隆师巩厍聂晁勾敖融冷訾辛阚那简饶空曾毋沙乜养鞠须丰巢关蒯相查后荆红游竺权逯盖益桓公覃岳谌佘\
尉付肖邝兰涂揭粟晋练代佟母门种原银占寻阳朴卿麦区庹敬冼植檀邸么仝帅修尧旷靖税眭展付补鄢郗阿次格达扎央";

/// Whether a table looks like a list of people (a recipient list), by
/// either of two rules:
///
/// 1. **A name column:** some row has a header cell for names — with
///    spaces removed, a cell of at most 10 characters containing 姓名, or
///    one of 名字, 学生, 幼儿, 儿童, 受助学生, 受助人, 资助对象, 申请人, 获奖学生 … —
///    and at least 2 rows below it hold a name in that column. A name here
///    is any short value (1 to 20 characters, masked ones like 张*明
///    included) without digits, without a colon and without a form-label
///    word (性别, 身份证号, 家庭住址, 联系电话, 备注 …), so a blank or filled-in
///    application form laid out vertically (姓名 above 性别 above 身份证号)
///    is not a list.
/// 2. **Names beside numbers:** at least 2 rows each hold a value that
///    looks like a Chinese personal name (2 to 4 Chinese characters
///    starting with a common surname, a masked name such as 张*明, or a
///    name with a middle dot such as 阿卜杜拉·买买提) and, in another cell, a
///    value that looks like an ID number (18 characters: 17 digits and a
///    digit or X; or 15 digits) or a mobile number (11 digits from 13 to
///    19), masked forms (4306**********1234, 138****5678) included.
pub fn looks_like_roster(sheet: &Sheet) -> bool {
    by_name_column(&sheet.rows) || by_names_beside_numbers(&sheet.rows)
}

fn squeeze(cell: &str) -> String {
    cell.chars().filter(|c| !c.is_whitespace()).collect()
}

fn is_name_header(cell: &str) -> bool {
    let s = squeeze(cell);
    let len = s.chars().count();
    (s.contains("姓名") && len <= 10) || NAME_HEADERS.contains(&s.as_str())
}

/// A value that may be a person's name in a column headed 姓名.
fn is_name_value(cell: &str) -> bool {
    let s = squeeze(cell);
    let len = s.chars().count();
    (1..=20).contains(&len)
        && !s.chars().any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c) || matches!(c, ':' | '：'))
        && !LABEL_WORDS.iter().any(|w| s.contains(w))
}

fn by_name_column(rows: &[Vec<String>]) -> bool {
    // Per column: whether a name header was seen, and names counted since.
    let mut names_below: Vec<Option<usize>> = Vec::new();
    for row in rows {
        for (col, cell) in row.iter().enumerate() {
            if names_below.len() <= col {
                names_below.resize(col + 1, None);
            }
            if is_name_header(cell) {
                names_below[col] = Some(0);
            } else if let Some(count) = names_below[col].as_mut() {
                if is_name_value(cell) {
                    *count += 1;
                    if *count >= 2 {
                        return true;
                    }
                }
            }
        }
    }
    false
}

fn is_han(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c)
}

/// A Chinese personal name, plain or masked.
fn is_personal_name(cell: &str) -> bool {
    let s = squeeze(cell);
    if LABEL_WORDS.iter().any(|w| s.contains(w)) {
        return false;
    }
    let chars: Vec<char> = s.chars().collect();
    let Some(&first) = chars.first() else { return false };
    let masks = |c: char| matches!(c, '*' | '＊' | '×' | '○' | '某');
    if chars.contains(&'·') || chars.contains(&'•') {
        return (3..=15).contains(&chars.len()) && chars.iter().all(|&c| is_han(c) || matches!(c, '·' | '•'));
    }
    (2..=4).contains(&chars.len())
        && SURNAMES.contains(first)
        && chars.iter().all(|&c| is_han(c) || masks(c))
        && chars[1..].iter().any(|&c| is_han(c) || masks(c))
}

/// An ID number or a mobile number, plain or masked in the middle.
fn is_personal_number(cell: &str) -> bool {
    let s: Vec<char> = squeeze(cell).chars().filter(|c| !matches!(c, '-' | '－')).collect();
    let digit = |c: char| c.is_ascii_digit();
    let digit_or_mask = |c: char| c.is_ascii_digit() || matches!(c, '*' | '＊' | 'x' | 'X' | '×');
    match s.len() {
        18 => {
            s[..3].iter().all(|&c| digit(c))
                && s[3..17].iter().all(|&c| digit_or_mask(c))
                && (digit(s[17]) || matches!(s[17], 'X' | 'x'))
        }
        15 => s.iter().all(|&c| digit(c)),
        11 => {
            s[0] == '1'
                && ('3'..='9').contains(&s[1])
                && s[..3].iter().all(|&c| digit(c))
                && s[3..7].iter().all(|&c| digit_or_mask(c))
                && s[7..].iter().all(|&c| digit(c))
        }
        _ => false,
    }
}

fn by_names_beside_numbers(rows: &[Vec<String>]) -> bool {
    rows.iter()
        .filter(|row| {
            row.iter().enumerate().any(|(i, name)| {
                is_personal_name(name) && row.iter().enumerate().any(|(j, n)| j != i && is_personal_number(n))
            })
        })
        .nth(1)
        .is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(rows: &[&[&str]]) -> Sheet {
        Sheet { label: String::new(), rows: rows.iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect() }
    }

    #[test]
    fn header_with_a_name_column_and_two_rows_is_a_roster() {
        assert!(looks_like_roster(&sheet(&[
            &["序号", "学生姓名", "班级"],
            &["1", "张小明", "一班"],
            &["2", "李华", "二班"]
        ])));
        assert!(looks_like_roster(&sheet(&[&["幼儿 姓名"], &["张*明"], &["欧阳**"]])));
        assert!(looks_like_roster(&sheet(&[
            &["示例县2025年秋季学期资助名单（附件）"],
            &["名字", "学校"],
            &["Zhang San", "一中"],
            &["阿卜杜拉·买买提", "二中"],
        ])));
    }

    #[test]
    fn one_row_or_a_blank_template_is_not_a_roster() {
        assert!(!looks_like_roster(&sheet(&[&["姓名", "班级"], &["张小明", "一班"]])));
        assert!(!looks_like_roster(&sheet(&[&["姓名", "班级"], &["", ""], &["", ""], &["", ""]])));
        assert!(!looks_like_roster(&sheet(&[])));
    }

    #[test]
    fn a_form_laid_out_vertically_is_not_a_roster() {
        assert!(!looks_like_roster(&sheet(&[
            &["学生姓名", "", "性别", ""],
            &["身份证号", "", "民族", ""],
            &["家庭住址", ""],
            &["家庭人口", "", "年收入（元）", ""],
            &["申请理由", ""],
        ])));
        // Not a list either: a table of amounts by programme.
        assert!(!looks_like_roster(&sheet(&[
            &["项目", "人数", "金额"],
            &["普通高中国家助学金", "120", "138000"],
            &["中职免学费", "80", "96000"],
        ])));
    }

    #[test]
    fn names_beside_id_or_phone_numbers_without_a_header() {
        assert!(looks_like_roster(&sheet(&[
            &["张小明", "11010519491231002X"],
            &["李华", "138 1234 5678"],
            &["合计", "2"],
        ])));
        assert!(looks_like_roster(&sheet(&[&["1", "王*芳", "4306**********1234"], &["2", "赵六", "138****5678"]])));
        assert!(!looks_like_roster(&sheet(&[&["张小明", "11010519491231002X"]])), "one row is not a list");
        assert!(!looks_like_roster(&sheet(&[
            &["示例县教育局", "0730-1234567"],
            &["家庭住址", "13812345678"],
            &["资助中心", "13812345679"],
        ])));
    }
}
