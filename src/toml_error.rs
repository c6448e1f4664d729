//! Turns `toml`/serde errors into Chinese diagnostics with the right line.

use crate::diag::{line_of, Diagnostic};

/// `file`: site-relative path; `text`: the TOML that was parsed;
/// `first_line`: the file line where `text` starts (1 for a whole file,
/// 2 for front matter after the opening `+++`).
pub fn to_diagnostic(file: &str, text: &str, first_line: usize, err: &toml::de::Error) -> Diagnostic {
    let line = err.span().map(|s| line_of(text, s.start) + first_line - 1).unwrap_or(first_line);
    let (mut message, mut hint) = translate(err.message());
    if first_line == 1 {
        // A whole TOML file (site-config.toml), not front matter between +++.
        hint = hint.map(|h| h.replace("请在 +++ 之间加上一行", &format!("请在 {file} 里加上一行")));
        if text.trim().is_empty() {
            message = "文件是空的".to_string();
            hint = Some("这个文件写站点设置：至少要有 title、base_url、hotline、issuer 四行；可以用 gongshi init 新建一个站点，照着它的 site-config.toml 填写".into());
        }
    }
    let d = Diagnostic::new(file, if text.trim().is_empty() { 0 } else { line }, message);
    match hint {
        Some(h) => d.with_hint(h),
        None => d,
    }
}

/// Known serde messages become Chinese; the rest keep their English detail.
fn translate(msg: &str) -> (String, Option<String>) {
    let msg = msg.trim();
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        let (field, tail) = rest.split_once('`').unwrap_or((rest, ""));
        let known = backticked(tail);
        let hint = if known.is_empty() {
            "这里不接受任何字段".to_string()
        } else {
            format!("可用的字段：{}", known.join("、"))
        };
        return (format!("未知的字段“{field}”（拼写错误？）"), Some(hint));
    }
    if let Some(rest) = msg.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or(rest);
        return (format!("缺少必填字段“{field}”"), Some(format!("请在 +++ 之间加上一行 {field} = …")));
    }
    if let Some(rest) = msg.strip_prefix("unknown variant `") {
        let (value, tail) = rest.split_once('`').unwrap_or((rest, ""));
        return (format!("不支持的取值“{value}”"), Some(format!("可选的取值：{}", backticked(tail).join("、"))));
    }
    if msg.starts_with("invalid type") {
        return (
            format!("取值类型不对（{msg}）"),
            Some("文字要加英文双引号，列表写成 [\"甲\", \"乙\"]，日期写成 2025-10-10".into()),
        );
    }
    if msg.contains("duplicate key") {
        return (format!("字段重复出现（{msg}）"), Some("每个字段只能写一次".into()));
    }
    if msg.contains("无效") || msg.contains("日期") {
        return (msg.to_string(), None);
    }
    (format!("TOML 格式错误（{msg}）"), Some("检查引号是否成对、等号两边是否写全，文字要加英文双引号".into()))
}

fn backticked(s: &str) -> Vec<&str> {
    s.split('`').skip(1).step_by(2).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        title: String,
        date: Option<String>,
    }

    #[test]
    fn unknown_field_lists_known_fields_and_line() {
        let text = "title = \"a\"\ntitel = \"b\"\n";
        let err = toml::from_str::<T>(text).unwrap_err();
        let d = to_diagnostic("x.md", text, 2, &err);
        assert_eq!(d.line, 3);
        assert!(d.message.contains("titel"), "{d}");
        assert!(d.hint.unwrap().contains("title、date"));
    }

    #[test]
    fn missing_field_in_chinese() {
        let err = toml::from_str::<T>("date = \"x\"").unwrap_err();
        let d = to_diagnostic("x.md", "date = \"x\"", 1, &err);
        assert!(d.message.contains("缺少必填字段“title”"), "{d}");
    }
}
