//! `gongshi init DIR`: a new site with a small working example: pages, a
//! publicity list active from the day of `init` (masked on its page) and
//! the letter template its notification letters are printed from.

use crate::date::Date;
use std::fs;
use std::path::Path;

const FILES: &[(&str, &str)] = &[
    (
        "site-config.toml",
        r#"# 站点设置：改成本单位的信息
title = "某某县学生资助"
base_url = "https://zizhu.example.gov.cn/"
hotline = "0000-1234567"
issuer = "某某县教育局学生资助管理中心"
description = "学生资助政策、解读与公示"

# 发布目标（gongshi publish）：去掉 # 并改成本单位的目录或对象存储，见 README“发布与按期撤下”
# [[publish]]
# name = "web"
# folder = "/srv/www/zizhu"

# 本站使用的资助项目；页面里的 programmes 只能用这里声明过的名称
[[programmes]]
name = "普通高中国家助学金"
slug = "gaozhong-zhuxuejin"
stage = "普通高中"
summary = "平均每生每年2300元，分档发放"
"#,
    ),
    (
        "content/policies/gaozhong-zhuxuejin-banfa.md",
        r#"+++
title = "某某县普通高中国家助学金管理办法"
doc_number = "某教发〔2025〕1号"
issuer = "某某县教育局"
date = 2025-03-01
programmes = ["普通高中国家助学金"]
stages = ["普通高中"]
summary = "规定助学金的资助对象、标准和发放程序。"
+++

## 第一章 总则

**第一条** 为做好普通高中国家助学金工作，制定本办法。

**第二条** 本办法适用于本县公办普通高中和民办普通高中。

## 第二章 资助对象和标准

**第三条** 资助对象为具有正式学籍的家庭经济困难学生。

**第四条** 资助标准为平均每生每年2300元，分为两档。
"#,
    ),
    (
        "content/explainers/gaozhong-zhuxuejin-jiedu.md",
        r#"+++
title = "一图读懂普通高中国家助学金"
date = 2025-03-05
policies = ["gaozhong-zhuxuejin-banfa"]
programmes = ["普通高中国家助学金"]
summary = "谁能申请、补助多少、怎么申请。"
+++

## 谁可以申请

家庭经济困难的在校普通高中学生（见[第三条](@/policies/gaozhong-zhuxuejin-banfa.md#article-3)）。

## 补助多少

平均每生每年2300元（见[第四条](@/policies/gaozhong-zhuxuejin-banfa.md#article-4)）。
"#,
    ),
    (
        "content/notices/2025-chunji-kaishi.md",
        r#"+++
title = "2025年春季学期资助申请开始"
date = 2025-03-10
programmes = ["普通高中国家助学金"]
+++

2025年春季学期普通高中国家助学金申请工作即日开始，请向班主任提交申请表。
"#,
    ),
    ("templates/README.txt", "把与主题模板同名的文件放在这里即可覆盖主题模板，例如 templates/index.html。\n"),
    (".gitignore", "/public\n/print\n/.public.staging\n/.print.staging\n/.gongshi-cache\n"),
];

/// The example letter: what the example list's families receive.
const LETTER: &str = r#"+++
title = "普通高中国家助学金资助告知书"

[receipt]
options = ["同意领取", "自愿放弃"]
+++

尊敬的家长：

您的孩子 **{{ name }}**（{{ row["班级"] }}）经本人申请、班级评议、学校审核，获得{{ term }}**{{ programme }}**，档次为{{ row["资助档次"] }}，本学期资助金额 **{{ amount }} 元**。

助学金通过学生资助卡发放，不收取任何费用。如有疑问，请拨打监督电话 {{ hotline }}。
"#;

/// Example recipients (invented names): masked on the public page, in
/// full only on the letters in print/.
const LIST_CSV: &str = "姓名,年级,班级,资助档次,资助金额,家长电话\n\
李明轩,高一,高一（1）班,一档,1250,13800000001\n\
王思雨,高一,高一（1）班,二档,1000,13800000002\n\
陈雨桐,高二,高二（3）班,一档,1250,13800000003\n";

/// The example list's `index.md`, in publicity from `today`.
fn list_index(term: &str, today: Date) -> String {
    format!(
        r#"+++
title = "某某县第一中学{term}普通高中国家助学金拟资助学生名单公示"
programme = "普通高中国家助学金"
school = "某某县第一中学"
term = "{term}"
data = "名单.csv"
publicity_start = {today}
publicity_days = 5
policies = ["gaozhong-zhuxuejin-banfa"]

# 各列的用途：name 姓名（网站上打码），public 公开，tier 档次、amount 金额（show_amount = true 才公开），private 不公开
[columns]
"姓名" = "name"
"年级" = "public"
"班级" = "public"
"资助档次" = "tier"
"资助金额" = "amount"
"家长电话" = "private"

# 告知书：每位学生一份，写到 print/（含姓名，只用于打印，不要上传）
[letters]
template = "gaozhong-zhuxuejin"
group_by = ["班级"]
+++

经学生本人申请、班级民主评议、学校审核，拟资助以下学生，现予公示。公示期间如有异议，请拨打监督电话反映。

（这是示例名单：换成学校报来的名单时，可以用 gongshi new list 名单.xlsx 新建。）
"#
    )
}

/// Writes the new site; gives the number of files written. `today` dates
/// the example list, so it is in publicity right after `init`.
pub fn init(dir: &Path, today: Date) -> Result<usize, String> {
    if dir.exists() && fs::read_dir(dir).map(|mut d| d.next().is_some()).unwrap_or(true) {
        return Err(format!("目录 {} 已存在且不是空的；请指定一个新目录", crate::platform::shown(dir)));
    }
    let (term, term_slug) = crate::scaffold::list::term_of(today);
    let list_dir = format!("content/lists/{term_slug}/yizhong-zhuxuejin");
    let generated = [
        (format!("{list_dir}/index.md"), list_index(&term, today)),
        (format!("{list_dir}/名单.csv"), LIST_CSV.to_string()),
        ("content/letters/gaozhong-zhuxuejin.md".to_string(), LETTER.to_string()),
    ];
    let files = FILES.iter().map(|(p, t)| (p.to_string(), t.to_string())).chain(generated);
    let mut n = 0;
    for (path, text) in files {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|e| {
                format!("无法创建 {}：{}", crate::platform::shown(parent), crate::output::error::cause(&e))
            })?;
        }
        fs::write(&target, text).map_err(|e| {
            format!("无法写入 {}：{}", crate::platform::shown(&target), crate::output::error::cause(&e))
        })?;
        n += 1;
    }
    Ok(n)
}
