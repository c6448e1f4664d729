//! Resident ID numbers (GB 11643-1999): check digit, old 15-digit form, and
//! the ways Excel mangles them.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdProblem {
    Empty,
    /// `4.30621E+17`: Excel showed the number in scientific notation.
    Scientific,
    /// 18 digits ending in 000 that fail the check: Excel kept only 15
    /// significant digits.
    Truncated,
    BadLength(usize),
    BadCharacters,
    BadChecksum,
    BadBirthDate,
}

impl IdProblem {
    /// Message and hint in Chinese.
    pub fn explain(self) -> (String, &'static str) {
        const TEXT_HINT: &str = "在 Excel 中把身份证号这一列设为“文本”格式，重新输入或粘贴完整号码后再保存";
        match self {
            IdProblem::Empty => ("身份证号为空".into(), "补上该学生的身份证号"),
            IdProblem::Scientific => {
                ("身份证号被 Excel 改成了科学计数法（如 4.30621E+17），号码已经丢失".into(), TEXT_HINT)
            }
            IdProblem::Truncated => {
                ("身份证号末尾变成了 000：Excel 只保留了前 15 位数字，号码已被截断".into(), TEXT_HINT)
            }
            IdProblem::BadLength(n) => (format!("身份证号长度不对（{n} 位，应为 18 位）"), "核对号码是否漏位或多位"),
            IdProblem::BadCharacters => {
                ("身份证号含有数字和末位 X 以外的字符".into(), "只保留 18 位号码，去掉空格、撇号等")
            }
            IdProblem::BadChecksum => ("身份证号校验位不对（号码有误）".into(), "与户口簿核对每一位数字"),
            IdProblem::BadBirthDate => ("身份证号中的出生日期不存在".into(), "与户口簿核对第 7 到 14 位"),
        }
    }
}

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: [u8; 11] = *b"10X98765432";

/// The check character for the first 17 digits (ISO 7064 MOD 11-2).
pub fn check_char(first17: &[u8]) -> u8 {
    let sum: u32 = first17.iter().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    CHECK[(sum % 11) as usize]
}

pub fn check(raw: &str) -> Result<(), IdProblem> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(IdProblem::Empty);
    }
    if s.contains(['E', 'e']) && s.contains('+') {
        return Err(IdProblem::Scientific);
    }
    let b = s.as_bytes();
    let body_ok = |n: usize| b[..n].iter().all(u8::is_ascii_digit);
    match b.len() {
        18 => {
            if !body_ok(17) || !(b[17].is_ascii_digit() || b[17] == b'X' || b[17] == b'x') {
                return Err(IdProblem::BadCharacters);
            }
            if check_char(&b[..17]) != b[17].to_ascii_uppercase() {
                return Err(if s.ends_with("000") { IdProblem::Truncated } else { IdProblem::BadChecksum });
            }
            if !valid_date(&s[6..14]) {
                return Err(IdProblem::BadBirthDate);
            }
            Ok(())
        }
        15 if body_ok(15) => {
            // Old IDs have no check digit; the date is YYMMDD in 19xx.
            if valid_date(&format!("19{}", &s[6..12])) {
                Ok(())
            } else {
                Err(IdProblem::BadBirthDate)
            }
        }
        n if b.iter().all(|c| c.is_ascii_digit() || *c == b'X' || *c == b'x') => Err(IdProblem::BadLength(n)),
        _ => Err(IdProblem::BadCharacters),
    }
}

/// Something doubtful about an ID that passed `check`: reported as a
/// warning with its line, not an error (the number may be right).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdDoubt {
    /// 18 digits ending in 000 whose check digit happens to fit: one in
    /// eleven IDs cut by Excel to 15 significant digits passes the check.
    MaybeTruncated,
    /// An old 15-digit ID: replaced by 18-digit IDs, not valid since 2013.
    Old15,
}

impl IdDoubt {
    /// Message and hint in Chinese.
    pub fn explain(self) -> (&'static str, &'static str) {
        match self {
            IdDoubt::MaybeTruncated => (
                "身份证号末尾是 000，可能被 Excel 截断（只保留了前 15 位数字，碰巧通过了校验）",
                "与户口簿核对；如确被截断，在 Excel 中把这一列设为“文本”格式，重新输入完整号码后再保存",
            ),
            IdDoubt::Old15 => {
                ("这是 15 位的旧身份证号（2013 年起已停止使用）", "与户口簿核对，改为 18 位的第二代身份证号")
            }
        }
    }
}

/// What is doubtful about an ID that `check` accepts, if anything.
pub fn doubt(raw: &str) -> Option<IdDoubt> {
    let s = raw.trim();
    match s.len() {
        18 if s.ends_with("000") => Some(IdDoubt::MaybeTruncated),
        15 => Some(IdDoubt::Old15),
        _ => None,
    }
}

/// A valid 18-character ID: used by the leak gate.
pub fn is_valid_18(s: &[u8]) -> bool {
    s.len() == 18
        && s[..17].iter().all(u8::is_ascii_digit)
        && check_char(&s[..17]) == s[17].to_ascii_uppercase()
        && std::str::from_utf8(&s[6..14]).is_ok_and(valid_date)
}

/// A plausible old 15-digit ID: region code and a real 19YYMMDD date.
pub fn is_plausible_15(s: &[u8]) -> bool {
    s.len() == 15
        && s.iter().all(u8::is_ascii_digit)
        && (b'1'..=b'8').contains(&s[0])
        && std::str::from_utf8(&s[6..12]).is_ok_and(|d| valid_date(&format!("19{d}")))
}

fn valid_date(yyyymmdd: &str) -> bool {
    // Parsed by hand: chrono's format parser was a visible part of checking
    // 100,000 rows.
    let num = |from: usize, to: usize| yyyymmdd.get(from..to).and_then(|t| t.parse::<u32>().ok());
    match (yyyymmdd.len(), num(0, 4), num(4, 6), num(6, 8)) {
        (8, Some(y), Some(m), Some(d)) if yyyymmdd.bytes().all(|b| b.is_ascii_digit()) => {
            (1900..=2100).contains(&y) && chrono::NaiveDate::from_ymd_opt(y as i32, m, d).is_some()
        }
        _ => false,
    }
}

/// First 6 and last 4 characters, for letters kept by schools.
/// `mask` into `out`, without allocating for an ASCII ID (every valid one).
pub fn mask_into(out: &mut String, id: &str) {
    if !id.is_ascii() {
        out.push_str(&mask(id));
        return;
    }
    if id.len() < 10 {
        out.extend(std::iter::repeat_n('*', id.len()));
        return;
    }
    out.push_str(&id[..6]);
    out.extend(std::iter::repeat_n('*', id.len() - 10));
    out.push_str(&id[id.len() - 4..]);
}

pub fn mask(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() < 10 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 10))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_domain_example_checks() {
        assert_eq!(check("11010519491231002X"), Ok(()));
        assert_eq!(check("11010519491231002x"), Ok(()));
        assert!(is_valid_18(b"11010519491231002X"));
    }

    #[test]
    fn excel_mangling_is_recognised() {
        assert_eq!(check("4.30621E+17"), Err(IdProblem::Scientific));
        assert_eq!(check("430621200801010000"), Err(IdProblem::Truncated));
    }

    #[test]
    fn other_problems() {
        assert_eq!(check(""), Err(IdProblem::Empty));
        assert_eq!(check("110105194912310021"), Err(IdProblem::BadChecksum));
        assert_eq!(check("1101051949123100"), Err(IdProblem::BadLength(16)));
        assert_eq!(check("11010519491231002Y"), Err(IdProblem::BadCharacters));
        assert_eq!(check("110105491231002"), Ok(()));
        assert_eq!(check("110105491331002"), Err(IdProblem::BadBirthDate));
    }

    #[test]
    fn doubtful_ids_that_pass_the_check() {
        // 11010520080101900, check digit 0: ends in 000 and checks.
        let cut = "110105200801019000";
        assert_eq!(check(cut), Ok(()));
        assert_eq!(doubt(cut), Some(IdDoubt::MaybeTruncated));
        assert_eq!(doubt("110105491231002"), Some(IdDoubt::Old15));
        assert_eq!(doubt("11010519491231002X"), None);
        assert_eq!(doubt("110105200001010016"), None);
        assert!(IdDoubt::MaybeTruncated.explain().1.contains("文本"));
    }

    #[test]
    fn birth_dates_are_real_calendar_dates() {
        assert!(valid_date("20000229") && valid_date("19491231"));
        assert!(!valid_date("19000229"), "1900 was not a leap year");
        assert!(!valid_date("20250431") && !valid_date("20251301") && !valid_date("20250100"));
        assert!(!valid_date("18991231") && !valid_date("21010101"));
        assert!(!valid_date("2025010") && !valid_date("2025+101"));
    }

    #[test]
    fn masks_first_six_last_four() {
        assert_eq!(mask("11010519491231002X"), "110105********002X");
        for id in ["11010519491231002X", "110105491231002", "12345", "１１０１０５１９４９１２３１００２Ｘ"]
        {
            let mut out = String::from("x");
            mask_into(&mut out, id);
            assert_eq!(out, format!("x{}", mask(id)), "{id}");
        }
    }
}
