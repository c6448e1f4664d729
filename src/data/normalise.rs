//! Cell clean-up for data typed in Excel: full-width digits, letters and
//! spaces become ASCII, and cells are trimmed.

use std::borrow::Cow;

/// Full-width ASCII forms (１２３, ＡＢＣ) and the ideographic space become
/// ASCII; full-width punctuation such as （） is Chinese text and stays.
pub fn cell(s: &str) -> Cow<'_, str> {
    // Most cells need nothing but trimming: no new string for them.
    if !s.chars().any(|c| matches!(c, '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '\u{3000}' | '\u{00A0}')) {
        return Cow::Borrowed(s.trim());
    }
    let mapped: String = s
        .chars()
        .map(|c| match c {
            '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' | '\u{00A0}' => ' ',
            _ => c,
        })
        .collect();
    Cow::Owned(mapped.trim().to_string())
}

/// Names lose every inner space: Excel users pad two-character names
/// (王  芳) to line them up with three-character ones.
pub fn name(s: &str) -> Cow<'_, str> {
    match cell(s) {
        Cow::Borrowed(b) if !b.chars().any(char::is_whitespace) => Cow::Borrowed(b),
        c => Cow::Owned(c.chars().filter(|c| !c.is_whitespace()).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_forms_and_spaces() {
        assert_eq!(cell("　１２３Ｘ "), "123X");
        assert_eq!(cell("高一（３）班"), "高一（3）班");
        assert_eq!(name(" 王　 芳 "), "王芳");
    }
}
