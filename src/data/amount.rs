//! Money as staff type it: `1150`, `1,150`, `1150元`, `1150.00`, `￥1150`.
//! Kept in fen (cents) so sums are exact.

pub fn parse_fen(raw: &str) -> Option<i64> {
    let s: String = raw
        .trim()
        .trim_start_matches(['￥', '¥'])
        .trim_end_matches('元')
        .chars()
        .filter(|c| *c != ',' && *c != '，' && !c.is_whitespace())
        .collect();
    if s.is_empty() || s.starts_with('-') {
        return None;
    }
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 2
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let yuan: i64 = whole.parse().ok()?;
    let fen: i64 = format!("{frac:0<2}").parse().ok()?;
    yuan.checked_mul(100)?.checked_add(fen)
}

/// `115000` → `1150`, `115050` → `1150.50`, with thousands separators.
pub fn format_yuan(fen: i64) -> String {
    let yuan = fen / 100;
    let digits = yuan.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match fen % 100 {
        0 => grouped,
        f => format!("{grouped}.{f:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_what_staff_type() {
        for s in ["1150", "1,150", "1150元", "1150.00", "￥1,150", " 1150 "] {
            assert_eq!(parse_fen(s), Some(115_000), "{s}");
        }
        assert_eq!(parse_fen("800.5"), Some(80_050));
    }

    #[test]
    fn rejects_non_numbers() {
        for s in ["", "一千", "12a", "-5", "1.234", "."] {
            assert_eq!(parse_fen(s), None, "{s}");
        }
    }

    #[test]
    fn formats_with_grouping() {
        assert_eq!(format_yuan(115_000), "1,150");
        assert_eq!(format_yuan(80_050), "800.50");
        assert_eq!(format_yuan(123_456_700), "1,234,567");
    }
}
