//! `gongshi init DIR`: a new site with a small working example.

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

pub fn init(dir: &Path) -> Result<usize, String> {
    if dir.exists() && fs::read_dir(dir).map(|mut d| d.next().is_some()).unwrap_or(true) {
        return Err(format!("目录 {} 已存在且不是空的；请指定一个新目录", dir.display()));
    }
    for (path, text) in FILES {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("无法创建 {}：{e}", parent.display()))?;
        }
        fs::write(&target, text).map_err(|e| format!("无法写入 {}：{e}", target.display()))?;
    }
    Ok(FILES.len())
}
