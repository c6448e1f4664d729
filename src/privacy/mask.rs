//! Name masks for public lists: 张*明, 欧阳*华, 张*.

use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

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

/// How many leading characters of a name of `count` characters are its surname.
fn surname_len(name: &str, count: usize) -> usize {
    // The list as character pairs, made once: every recipient is masked.
    static PAIRS: OnceLock<Vec<(char, char)>> = OnceLock::new();
    let pairs = PAIRS.get_or_init(|| {
        COMPOUND_SURNAMES
            .iter()
            .filter_map(|s| {
                let mut c = s.chars();
                Some((c.next()?, c.next()?))
            })
            .collect()
    });
    let mut chars = name.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if count >= 3 && pairs.contains(&(a, b)) => 2,
        _ => 1,
    }
}

pub fn mask(name: &str, how: NameMask) -> String {
    let mut out = String::with_capacity(name.len());
    mask_into(&mut out, name, how);
    out
}

/// `mask`, appended to `out` (no string of its own: a list masks 100,000 names).
pub fn mask_into(out: &mut String, name: &str, how: NameMask) {
    let count = name.chars().count();
    if how == NameMask::Full || count == 0 {
        out.push_str(name);
        return;
    }
    if count == 1 {
        out.push('*');
        return;
    }
    let keep = surname_len(name, count);
    out.extend(name.chars().take(keep));
    let hidden = count - keep;
    let stars = |out: &mut String, n: usize| out.extend(std::iter::repeat_n('*', n));
    match how {
        NameMask::Surname => stars(out, hidden),
        // A two-character name keeps only its surname: 张明 → 张*.
        _ if hidden == 1 => out.push('*'),
        _ => {
            stars(out, hidden - 1);
            out.extend(name.chars().last());
        }
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
