//! The leak gate: reads every file about to be published and finds
//! personal numbers: valid 18-digit ID numbers, old 15-digit IDs, mainland
//! mobile numbers, and bank card numbers that pass the Luhn check.
//! Numbers configured as public (hotlines) are allowed.

use crate::data::idnum;
use std::collections::HashSet;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Leak {
    pub kind: &'static str,
    /// The value with its middle hidden, safe to print.
    pub masked: String,
}

/// Finds personal numbers in `text`; `allowed` holds digit-only forms.
pub fn find(text: &str, allowed: &HashSet<String>) -> Vec<Leak> {
    let mut out = Vec::new();
    let groups = digit_groups(text.as_bytes());
    let mut i = 0;
    while i < groups.len() {
        // Numbers written in groups: 138 1234 5678, 6222 0212 3456 7890, 110105 19491231 002X.
        let mut consumed = 1;
        for take in (2..=5).rev() {
            if i + take > groups.len() || !groups[i..i + take].windows(2).all(|w| w[0].joined_to_next) {
                continue;
            }
            let lens: Vec<usize> = groups[i..i + take].iter().map(|g| g.text.len()).collect();
            let shape_ok = matches!(lens.as_slice(), [3, 4, 4] | [6, 8, 4])
                || (lens.len() >= 4
                    && lens[..lens.len() - 1].iter().all(|&l| l == 4)
                    && (1..=4).contains(&lens[lens.len() - 1]));
            if !shape_ok {
                continue;
            }
            let joined: Vec<u8> = groups[i..i + take].iter().flat_map(|g| g.text.iter().copied()).collect();
            if let Some(leak) = classify(&joined, allowed) {
                out.push(leak);
                consumed = take;
                break;
            }
        }
        if consumed == 1 {
            if let Some(leak) = classify(groups[i].text, allowed) {
                out.push(leak);
            }
        }
        i += consumed;
    }
    out
}

struct Group<'a> {
    text: &'a [u8],
    /// Followed by one space or hyphen and then another group.
    joined_to_next: bool,
}

/// Maximal runs of ASCII digits (an ID may end in X), bounded by non-digits.
fn digit_groups(b: &[u8]) -> Vec<Group<'_>> {
    let mut out: Vec<Group> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i < b.len() && (b[i] == b'X' || b[i] == b'x') && !b.get(i + 1).is_some_and(u8::is_ascii_alphanumeric) {
            i += 1;
        }
        // A digit run glued to letters (a hash in a file name) is not a number.
        let glued = start > 0 && b[start - 1].is_ascii_alphabetic() || b.get(i).is_some_and(u8::is_ascii_alphabetic);
        let joined_prev = start >= 2 && (b[start - 1] == b' ' || b[start - 1] == b'-') && b[start - 2].is_ascii_digit();
        if let Some(prev) = out.last_mut() {
            prev.joined_to_next = joined_prev;
        }
        if glued {
            out.push(Group { text: &b[start..start], joined_to_next: false });
        } else {
            out.push(Group { text: &b[start..i], joined_to_next: false });
        }
    }
    out
}

fn classify(n: &[u8], allowed: &HashSet<String>) -> Option<Leak> {
    if n.len() < 11 {
        return None;
    }
    let digits = String::from_utf8_lossy(n).to_ascii_uppercase();
    if allowed.contains(&digits) {
        return None;
    }
    let all_digits = n.iter().all(u8::is_ascii_digit);
    let kind = if n.len() == 18 && idnum::is_valid_18(n) {
        "身份证号"
    } else if n.len() == 15 && idnum::is_plausible_15(n) {
        "身份证号（15位）"
    } else if !all_digits {
        return None;
    } else if is_mobile(n) {
        "手机号码"
    } else if (16..=19).contains(&n.len()) && luhn(n) {
        "银行卡号"
    } else {
        return None;
    };
    Some(Leak { kind, masked: mask_number(&digits) })
}

/// 1[3-9]xxxxxxxxx, also with the +86 country code in front.
fn is_mobile(n: &[u8]) -> bool {
    let n = if n.len() == 13 && n.starts_with(b"86") { &n[2..] } else { n };
    n.len() == 11 && n[0] == b'1' && (b'3'..=b'9').contains(&n[1])
}

fn luhn(n: &[u8]) -> bool {
    let sum: u32 = n
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            let d = u32::from(d - b'0');
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

/// First 3 and last 4 shown: enough to find the value, not to misuse it.
pub fn mask_number(s: &str) -> String {
    let n = s.len();
    format!("{}{}{}", &s[..3], "*".repeat(n - 7), &s[n - 4..])
}

/// Digit-only form of a configured number, for the allow-list.
pub fn digits_only(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_digit() || *c == 'X' || *c == 'x').collect::<String>().to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<&'static str> {
        find(text, &HashSet::new()).into_iter().map(|l| l.kind).collect()
    }

    #[test]
    fn finds_ids_phones_and_cards_in_any_layout() {
        assert_eq!(kinds("身份证11010519491231002X。"), ["身份证号"]);
        assert_eq!(kinds("<td>110105 19491231 002X</td>"), ["身份证号"]);
        assert_eq!(kinds("电话13812345678"), ["手机号码"]);
        assert_eq!(kinds("电话 138-1234-5678 或 +86 13812345678"), ["手机号码", "手机号码"]);
        assert_eq!(kinds("卡号 6222 0212 3456 7890 128"), ["银行卡号"]);
        assert_eq!(kinds("卡号4111111111111111"), ["银行卡号"]);
        assert_eq!(kinds("旧证110105491231002"), ["身份证号（15位）"]);
    }

    #[test]
    fn ordinary_numbers_pass() {
        assert!(kinds("0730-1234567，2025-10-10，湘阴教发〔2023〕31号，1,150元，20000元").is_empty());
        assert!(kinds("110105194912310021").is_empty(), "bad check digit");
        assert!(kinds("4111111111111112").is_empty(), "fails Luhn");
        assert!(kinds("app.13812345678abc.js").is_empty(), "digits glued to letters");
        assert!(kinds("2025-10-10-2025-10-16").is_empty());
    }

    #[test]
    fn allowed_numbers_pass() {
        let allowed: HashSet<String> = [digits_only("138-1234-5678")].into_iter().collect();
        assert!(find("监督电话 13812345678", &allowed).is_empty());
    }

    /// A synthetic list page of about 10 MB, like a 100,000-row list.
    fn synthetic_list_page() -> String {
        use std::fmt::Write as _;
        let mut page =
            String::from("<!doctype html><html><body><h1>2025年秋季学期普通高中国家助学金公示</h1><table><tbody>\n");
        let mut i = 1;
        while page.len() < 10_000_000 {
            let _ = write!(
                page,
                "<tr><td>{i}</td><td>张*明</td><td>湘阴县第{}中学</td><td>高{}</td><td>高一（{}）班</td><td>2025-10-{:02}</td><td>1,{}50元</td></tr>\n",
                i % 7 + 1,
                i % 3 + 1,
                i % 20 + 1,
                i % 28 + 1,
                i % 10
            );
            i += 1;
        }
        page.push_str("</tbody></table><p>监督电话：0730-1234567</p></body></html>");
        page
    }

    /// `cargo test --release --lib privacy::scan::tests::timing -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn timing_of_a_10_mb_list_page() {
        let page = synthetic_list_page();
        let allowed = HashSet::new();
        let mut best = f64::MAX;
        for _ in 0..5 {
            let t = std::time::Instant::now();
            let leaks = find(std::hint::black_box(&page), &allowed);
            best = best.min(t.elapsed().as_secs_f64());
            assert!(leaks.is_empty());
        }
        println!("scanned {:.1} MB in {:.2} ms (best of 5)", page.len() as f64 / 1e6, best * 1e3);
    }

    #[test]
    fn masks_values() {
        assert_eq!(mask_number("13812345678"), "138****5678");
    }
}
