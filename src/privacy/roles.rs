//! Column roles in a recipient list, inferred from common headers or set
//! by the bundle's `[columns]`; and the columns that may never be public.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The student's name: public only masked per the list's `name_mask`.
    Name,
    /// Shown as is (school, grade, class, major).
    Public,
    /// Aid tier (一档/二档): public only with `show_amount = true`.
    Tier,
    /// Amount in yuan: validated, summed; public only with `show_amount`.
    Amount,
    /// Validated, never public; masked on letters.
    IdNumber,
    /// Kept for letters, never public.
    Private,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Name => "姓名（按设置打码）",
            Role::Public => "公开",
            Role::Tier => "档次（show_amount 时公开）",
            Role::Amount => "金额（show_amount 时公开）",
            Role::IdNumber => "身份证号（不公开）",
            Role::Private => "不公开",
        }
    }

    /// Roles whose values can reach a public page.
    pub fn can_be_public(self) -> bool {
        matches!(self, Role::Name | Role::Public | Role::Tier | Role::Amount)
    }
}

/// The role of a header when the bundle has no `[columns]`.
pub fn infer(header: &str) -> Role {
    let h: String = header.chars().filter(|c| !c.is_whitespace()).collect();
    if sensitive(&h).is_some() {
        return match h.as_str() {
            "身份证号" | "身份证号码" | "身份证件号码" | "证件号码" | "公民身份号码" => {
                Role::IdNumber
            }
            _ => Role::Private,
        };
    }
    match h.as_str() {
        "姓名" | "学生姓名" | "幼儿姓名" => Role::Name,
        "学校" | "学校名称" | "就读学校" | "学段" | "年级" | "班级" | "专业" | "院系" | "系部" | "资助项目" => {
            Role::Public
        }
        "金额" | "资助金额" | "补助金额" | "发放金额" | "资助金额（元）" | "金额（元）" | "补助金额（元）" => {
            Role::Amount
        }
        "档次" | "资助档次" | "资助等次" => Role::Tier,
        _ => Role::Private,
    }
}

/// Why a header names data that may never be public (ID, contact, address,
/// birth date, bank, family hardship), if it does.
pub fn sensitive(header: &str) -> Option<&'static str> {
    const RULES: &[(&[&str], &str)] = &[
        (&["身份证", "证件", "身份号"], "身份证号"),
        (&["电话", "手机", "联系方式", "微信", "QQ"], "联系方式"),
        (&["住址", "地址", "居住", "户籍", "家庭住"], "家庭住址"),
        (&["出生", "生日", "年龄"], "出生日期"),
        (&["银行", "卡号", "账号", "帐号", "资助卡", "社保卡"], "银行卡信息"),
        (
            &[
                "困难",
                "低保",
                "建档立卡",
                "脱贫",
                "特困",
                "残疾",
                "孤儿",
                "孤残",
                "烈士",
                "认定等级",
                "认定结果",
                "家庭情况",
                "家庭经济",
                "收入",
                "致贫",
                "监护人",
                "家长",
                "父亲",
                "母亲",
            ],
            "家庭经济困难情况",
        ),
    ];
    RULES.iter().find(|(words, _)| words.iter().any(|w| header.contains(w))).map(|(_, why)| *why)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn infers_common_headers() {
        assert_eq!(infer("姓名"), Role::Name);
        assert_eq!(infer("身份证件号码"), Role::IdNumber);
        assert_eq!(infer("班级"), Role::Public);
        assert_eq!(infer("资助金额"), Role::Amount);
        assert_eq!(infer("资助档次"), Role::Tier);
        assert_eq!(infer("联系电话"), Role::Private);
        assert_eq!(infer("困难类型"), Role::Private);
        assert_eq!(infer("备注"), Role::Private);
    }

    #[test]
    fn sensitive_headers() {
        for h in ["联系电话", "家庭住址", "出生日期", "银行卡号", "困难类型", "认定等级", "建档立卡户", "监护人姓名"]
        {
            assert!(sensitive(h).is_some(), "{h}");
        }
        for h in ["姓名", "班级", "年级", "学校", "资助档次", "资助金额"] {
            assert!(sensitive(h).is_none(), "{h}");
        }
    }
}
