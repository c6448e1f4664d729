//! `gongshi new explainer|notice`: a page to fill in, with its front
//! matter written out and the values to choose from listed beside it.
//! Nothing is copied from anywhere; the page is written under `content/`.

use crate::config::SiteConfig;
use crate::date::Date;
use std::path::Path;

pub mod list;

/// What to write: the section folder, the page's slug, title and date.
pub struct NewPage<'a> {
    pub title: &'a str,
    pub slug: Option<&'a str>,
    pub today: Date,
}

/// A title as a page name: letters, digits and Chinese kept, the rest `-`.
pub fn slug_of(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars().take(24) {
        if c.is_alphanumeric() || c == '_' {
            slug.extend(c.to_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn taxonomy(config: &SiteConfig) -> String {
    let names: Vec<&str> = config.programmes.iter().map(|p| p.name.as_str()).collect();
    let stages: Vec<&str> = crate::names::STAGES.iter().map(|s| s.name).collect();
    format!(
        "programmes = []  # 可选：资助项目，可填 {}\nstages = []  # 可选：学段，可填 {}\n",
        names.join("、"),
        stages.join("、")
    )
}

/// Writes `content/<section>/<slug>.md`; gives its site-relative path.
fn write(root: &Path, section: &str, page: &NewPage, text: String) -> Result<String, String> {
    let slug = page.slug.map_or_else(|| slug_of(page.title), str::to_string);
    if !crate::content::is_url_safe(&slug) {
        return Err(format!(
            "“{slug}”不能用作网址\n  提示：用 --slug 指定文件名，只用字母、数字、汉字、连字符 - 和下划线 _"
        ));
    }
    let file = format!("content/{section}/{slug}.md");
    let target = root.join(&file);
    if target.exists() {
        return Err(format!("{file} 已经存在，没有覆盖\n  提示：用 --slug 另起一个文件名"));
    }
    std::fs::create_dir_all(root.join("content").join(section))
        .and_then(|()| std::fs::write(&target, text))
        .map_err(|e| format!("无法写入 {file}：{}", crate::output::error::cause(&e)))?;
    Ok(file)
}

pub fn explainer(root: &Path, page: &NewPage, config: &SiteConfig, policies: &[String]) -> Result<String, String> {
    let known = if policies.is_empty() { "（还没有政策文件）".to_string() } else { policies.join("、") };
    let text = format!(
        "+++\ntitle = {}\ndate = {}\npolicies = []  # 解读的政策文件：content/policies/ 下的文件名（不带 .md），可填 {known}\n{}# summary = \"一句话说明这篇解读讲什么\"\n+++\n\n## 谁可以申请\n\n（写明申请条件。引用政策条文可写成 `[第三条](@/policies/文件名.md#article-3)`。）\n\n## 补助多少\n\n## 怎么申请\n\n## 什么时候申请\n\n## 咨询电话\n\n{}\n",
        quoted(page.title),
        page.today,
        taxonomy(config),
        config.hotline
    );
    write(root, "explainers", page, text)
}

pub fn notice(root: &Path, page: &NewPage, config: &SiteConfig) -> Result<String, String> {
    let text = format!(
        "+++\ntitle = {}\ndate = {}\n{}# summary = \"一句话说明这条动态\"\n+++\n\n（在这里写正文。一行一段；以“一、”“（一）”开头的行会自成一段。）\n",
        quoted(page.title),
        page.today,
        taxonomy(config)
    );
    write(root, "notices", page, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_from_titles() {
        assert_eq!(slug_of("2025年秋季资助申请开始！"), "2025年秋季资助申请开始");
        assert_eq!(slug_of("一图读懂 普通高中 国家助学金"), "一图读懂-普通高中-国家助学金");
    }
}
