//! The fixed school stages, and "did you mean" suggestions for names.

use serde::Serialize;

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Stage {
    pub name: &'static str,
    pub slug: &'static str,
}

pub const STAGES: [Stage; 5] = [
    Stage { name: "学前", slug: "preschool" },
    Stage { name: "义务教育", slug: "compulsory" },
    Stage { name: "普通高中", slug: "senior-high" },
    Stage { name: "中职", slug: "vocational" },
    Stage { name: "高校", slug: "higher" },
];

pub fn stage(name: &str) -> Option<&'static Stage> {
    STAGES.iter().find(|s| s.name == name)
}

/// The candidate nearest to `wanted` by edit distance over characters, if
/// it is near enough to be a plausible typo or abbreviation (普高国家助学金
/// → 普通高中国家助学金).
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted_len = wanted.chars().count();
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(wanted, c), c))
        .filter(|(d, c)| *d <= wanted_len.max(c.chars().count()) / 2 + 1)
        // Ties go to the candidate sharing more characters: an abbreviation
        // keeps most of the full name's characters.
        .min_by_key(|(d, c)| (*d, std::cmp::Reverse(shared_chars(wanted, c)), *c))
        .map(|(_, c)| c)
}

fn shared_chars(a: &str, b: &str) -> usize {
    a.chars().filter(|ch| b.contains(*ch)).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_full_programme_name_for_abbreviation() {
        let names = ["普通高中国家助学金", "中职国家助学金", "普通高中免学杂费"];
        assert_eq!(closest("普高国家助学金", names), Some("普通高中国家助学金"));
    }

    #[test]
    fn no_suggestion_for_unrelated_text() {
        assert_eq!(closest("天气预报", ["普通高中国家助学金"]), None);
    }
}
