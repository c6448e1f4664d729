//! Name masks for public lists: 张*明, 欧阳*华, 张*.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum NameMask {
    /// The full name (only where the publisher chooses it).
    Full,
    /// Surname and last character kept: 张*明, 欧阳*华; two-character names 张*.
    #[default]
    Middle,
    /// Only the surname kept: 张*, 张**, 欧阳**.
    Surname,
}

/// Two-character surnames, so that 欧阳华 masks as 欧阳* and not 欧*华.
const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "令狐", "夏侯",
    "轩辕", "端木", "澹台", "西门", "南宫", "独孤", "呼延", "万俟", "闻人", "申屠", "钟离", "拓跋", "百里", "东郭",
    "赫连", "太史", "司空", "公冶", "濮阳", "淳于", "单于", "太叔", "仲孙", "第五", "左丘", "梁丘", "谷梁", "宰父",
    "乐正", "漆雕", "壤驷", "公西", "巫马", "亓官", "司寇", "子车", "颛孙", "段干", "羊舌", "微生", "梁丘",
];

fn surname_len(chars: &[char]) -> usize {
    if chars.len() >= 3 {
        let first_two: String = chars[..2].iter().collect();
        if COMPOUND_SURNAMES.contains(&first_two.as_str()) {
            return 2;
        }
    }
    1
}

pub fn mask(name: &str, how: NameMask) -> String {
    let chars: Vec<char> = name.chars().collect();
    if how == NameMask::Full || chars.is_empty() {
        return name.to_string();
    }
    if chars.len() == 1 {
        return "*".into();
    }
    let keep = surname_len(&chars);
    let head: String = chars[..keep].iter().collect();
    let hidden = chars.len() - keep;
    match how {
        NameMask::Surname => format!("{head}{}", "*".repeat(hidden)),
        // A two-character name keeps only its surname: 张明 → 张*.
        _ if hidden == 1 => format!("{head}*"),
        _ => format!("{head}{}{}", "*".repeat(hidden - 1), chars[chars.len() - 1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn middle_mask() {
        assert_eq!(mask("张小明", NameMask::Middle), "张*明");
        assert_eq!(mask("张明", NameMask::Middle), "张*");
        assert_eq!(mask("欧阳志华", NameMask::Middle), "欧阳*华");
        assert_eq!(mask("欧阳华", NameMask::Middle), "欧阳*");
        assert_eq!(mask("阿依古丽", NameMask::Middle), "阿**丽");
    }

    #[test]
    fn surname_and_full_masks() {
        assert_eq!(mask("张小明", NameMask::Surname), "张**");
        assert_eq!(mask("张明", NameMask::Surname), "张*");
        assert_eq!(mask("欧阳志华", NameMask::Surname), "欧阳**");
        assert_eq!(mask("张小明", NameMask::Full), "张小明");
        assert_eq!(mask("王", NameMask::Middle), "*");
    }
}
