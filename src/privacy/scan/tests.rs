use super::*;
use crate::data::idnum;

/// An 18-character ID from its first 17 digits.
pub(super) fn id18(first17: &str) -> String {
    format!("{first17}{}", char::from(idnum::check_char(first17.as_bytes())))
}

/// A Luhn-valid card number from all digits but the last.
pub(super) fn card(body: &str) -> String {
    (b'0'..=b'9').map(|c| format!("{body}{}", char::from(c))).find(|n| judge::luhn(n.as_bytes())).unwrap()
}

/// Each ASCII character as its full-width form.
pub(super) fn wide(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_graphic() { char::from_u32(c as u32 + 0xFEE0).unwrap() } else { c }).collect()
}

fn kinds(text: &str) -> Vec<&'static str> {
    find(text, &HashSet::new()).into_iter().map(|l| l.kind).collect()
}

fn masked(text: &str) -> Vec<String> {
    find(text, &HashSet::new()).into_iter().map(|l| l.masked).collect()
}

const ID: &str = "身份证号";
const MOBILE: &str = "手机号码";
const CARD: &str = "银行卡号";

#[test]
fn finds_ids_phones_and_cards_in_any_layout() {
    assert_eq!(kinds("身份证11010519491231002X。"), [ID]);
    assert_eq!(kinds("<td>110105 19491231 002X</td>"), [ID]);
    assert_eq!(kinds("电话13812345678"), [MOBILE]);
    assert_eq!(kinds("电话 138-1234-5678 或 +86 13812345678"), [MOBILE, MOBILE]);
    assert_eq!(kinds("卡号 6222 0212 3456 7890 128"), [CARD]);
    assert_eq!(kinds("卡号4111111111111111"), [CARD]);
    assert_eq!(kinds("旧证110105491231002"), ["身份证号（15位）"]);
}

#[test]
fn full_width_digits_letters_and_separators() {
    assert_eq!(masked("电话：１３８１２３４５６７８"), ["138****5678"]);
    assert_eq!(masked("身份证：１１０１０５１９４９１２３１００２Ｘ"), ["110***********002X"]);
    assert_eq!(masked("身份证：１１０１０５１９４９１２３１００２ｘ"), ["110***********002X"]);
    assert_eq!(kinds("１３８－１２３４－５６７８"), [MOBILE]);
    assert_eq!(kinds("１３８　１２３４　５６７８"), [MOBILE]);
    assert_eq!(kinds("１３８．１２３４．５６７８"), [MOBILE]);
    assert_eq!(kinds("138１２３4５678"), [MOBILE], "mixed widths");
    assert_eq!(kinds(&wide("6222 0212 3456 7890 128")), [CARD]);
    assert_eq!(kinds(&wide("+86-138-1234-5678")), [MOBILE]);
}

#[test]
fn digits_glued_to_letters() {
    let id = id18("43062120080101123");
    assert_eq!(kinds(&format!("学籍号G{id}")), [ID]);
    assert_eq!(kinds(&format!("<td>G{id}</td>")), [ID]);
    assert_eq!(kinds(&format!("ID{id}abc")), [ID]);
    assert_eq!(kinds("G11010519491231002X"), [ID]);
    assert_eq!(kinds("G11010519491231002Xy"), [ID]);
    assert_eq!(kinds("Tel13812345678"), [MOBILE]);
    assert_eq!(kinds("手机:13812345678abc"), [MOBILE]);
    assert_eq!(kinds("app.13812345678abc.js"), [MOBILE], "a mobile, even in a file name");
    assert_eq!(kinds("Mob+8613812345678x"), [MOBILE]);
    assert_eq!(kinds(&format!("card{}end", card("622202123456789012"))), [CARD]);
    assert_eq!(kinds(&format!("学号2023{id}"),), [ID], "an ID inside a longer student number");
    assert_eq!(kinds(&format!("学号{id}01")), [ID]);
}

#[test]
fn groups_split_by_any_separator() {
    let id = id18("43062120080101123");
    let (a, b, c, d) = (&id[..6], &id[6..10], &id[10..14], &id[14..]);
    for sep in [" ", "  ", "-", "－", "–", "—", ".", "/", "_", "\u{a0}", "\u{3000}", "&nbsp;", " - ", "\u{200b}"] {
        assert_eq!(kinds(&format!("证号{a}{sep}{b}{c}{sep}{d}。")), [ID], "6-8-4 with {sep:?}");
        assert_eq!(kinds(&format!("证号{a}{sep}{b}{sep}{c}{sep}{d}。")), [ID], "6-4-4-4 with {sep:?}");
        assert_eq!(kinds(&format!("{}{sep}{}{sep}{b}{sep}{c}{sep}{d}", &a[..3], &a[3..])), [ID], "3-3-4-4-4");
        assert_eq!(kinds(&format!("{}{sep}{}", &id[..9], &id[9..])), [ID], "9-9 with {sep:?}");
        assert_eq!(kinds(&format!("电话 138{sep}1234{sep}5678 联系")), [MOBILE], "3-4-4 with {sep:?}");
        assert_eq!(kinds(&format!("电话 138{sep}12345678")), [MOBILE], "3-8 with {sep:?}");
        assert_eq!(kinds(&format!("电话 1381234{sep}5678")), [MOBILE], "7-4 with {sep:?}");
        assert_eq!(kinds(&format!("电话 1381{sep}234{sep}5678")), [MOBILE], "4-3-4 with {sep:?}");
        let card = card("622202123456789012");
        let (p, q) = card.split_at(6);
        assert_eq!(kinds(&format!("卡号 {p}{sep}{q}")), [CARD], "6-13 with {sep:?}");
        let quads: Vec<&str> = [0, 4, 8, 12].iter().map(|&i| &card[i..(i + 4).min(card.len())]).collect();
        assert_eq!(kinds(&format!("卡号 {}{sep}{}", quads.join(sep), &card[16..])), [CARD], "4-4-4-4-3 with {sep:?}");
    }
    let card16 = card("621700123456789");
    assert_eq!(kinds(&format!("{} {}", &card16[..6], &card16[6..])), [CARD], "6-10");
    let card18 = card("62220212345678901");
    assert_eq!(kinds(&format!("{}-{}", &card18[..6], &card18[6..])), [CARD], "6-12");
    assert_eq!(kinds("身份证 110105\t19491231\t002X"), [ID], "tabs");
    assert_eq!(kinds(&format!("{}<span>{}</span>", &id[..6], &id[6..])), [ID], "inline markup");
}

#[test]
fn mobiles_with_country_codes() {
    for form in [
        "+86 13812345678",
        "86 13812345678",
        "0086 13812345678",
        "(+86)13812345678",
        "（+86）138 1234 5678",
        "+86-138-1234-5678",
        "+8613812345678",
        "8613812345678",
        "008613812345678",
        "＋８６　１３８１２３４５６７８",
    ] {
        assert_eq!(masked(&format!("联系电话：{form}。")), ["138****5678"], "{form}");
    }
    // Round parts after a country code are still a phone, not a row of amounts.
    assert_eq!(masked("0086-138-1230-5600"), ["138****5600"]);
    assert_eq!(masked("+86 138 1230 5670"), ["138****5670"]);
    assert_eq!(masked("+86１39 00０0  0０0０"), ["139****0000"]);
    assert_eq!(masked("008613900000000"), ["139****0000"]);
    // Two phones side by side.
    assert_eq!(masked("138 1234 5678/139 8765 4321"), ["138****5678", "139****4321"]);
    assert_eq!(masked("0730-1234567/138-1234-5678"), ["138****5678"]);
}

#[test]
fn numbers_split_over_cells_of_one_row() {
    let id = id18("43062120080101123");
    let row =
        |cells: &[&str]| format!("<tr>{}</tr>", cells.iter().map(|c| format!("<td>{c}</td>")).collect::<String>());
    assert_eq!(kinds(&format!("<td>{}</td><td>{}</td>", &id[..6], &id[6..])), [ID]);
    assert_eq!(kinds(&row(&["1", "张*明", &id[..6], &id[6..]])), [ID]);
    assert_eq!(kinds(&row(&["2", &id[..6], &id[6..14], &id[14..]])), [ID]);
    assert_eq!(kinds(&row(&["3", &id[..14], &id[14..]])), [ID]);
    assert_eq!(kinds(&format!("<tr>\n  <td>{}</td>\n  <td class=\"c\">{}</td>\n</tr>", &id[..6], &id[6..])), [ID]);
    assert_eq!(kinds(&row(&["4", "1381234", "5678"])), [MOBILE]);
    let card = card("622202123456789012");
    assert_eq!(kinds(&row(&["5", &card[..6], &card[6..]])), [CARD]);
    assert_eq!(kinds(&format!("{},{}\n", &id[..6], &id[6..])), [ID], "CSV");
    assert_eq!(kinds(&format!("| {} | {} |\n", &id[..6], &id[6..])), [ID], "Markdown table");
    assert_eq!(kinds(&format!("{}\t{}\r\n", &id[..6], &id[6..])), [ID], "TSV");
    assert_eq!(find_in_row(&["张*明", &id[..6], &id[6..]], &HashSet::new()).len(), 1);
    assert_eq!(find_in_row(&["1381234", "5678"], &HashSet::new()).len(), 1);
}

#[test]
fn allowed_numbers_pass_in_every_form() {
    let allowed: HashSet<String> =
        [digits_only("138-1234-5678"), digits_only("+86 139 8765 4321")].into_iter().collect();
    for form in [
        "13812345678",
        "138 1234 5678",
        "１３８１２３４５６７８",
        "+86 138-1234-5678",
        "008613812345678",
        "1381234 5678",
        "<td>1381234</td><td>5678</td>",
        "Tel13812345678",
        "13987654321",
        "139 8765 4321",
        "+86 13987654321",
    ] {
        assert!(find(&format!("监督电话 {form}"), &allowed).is_empty(), "{form}");
    }
    assert_eq!(find("监督电话 138 1234 5678，家长 139 1234 5678", &allowed).len(), 1);
    assert_eq!(digits_only("１３８－１２３４－５６７８"), "13812345678");
    assert_eq!(digits_only("11010519491231002x"), "11010519491231002X");
}

#[test]
fn file_names_are_read_too() {
    assert_eq!(kinds("附件/13812345678.pdf"), [MOBILE]);
    assert_eq!(kinds("11010519491231002X.txt"), [ID]);
    assert!(kinds("lists/2025-qiu/yizhong-zhuxuejin/index.html").is_empty());
    assert!(kinds("static/app.3f2a9c81.js").is_empty());
    assert!(kinds("assets/style.5d41402abc4b2a76b9719d911017c592.css").is_empty());
}

#[test]
fn ordinary_numbers_pass() {
    // Luhn-valid, so only the table rules keep these quiet.
    for n in ["6000125030003000", "4002400240024002", "4007201620290816"] {
        assert!(judge::luhn(n.as_bytes()) && judge::is_card(n.as_bytes()), "{n}");
    }
    for text in [
        "0730-1234567，2025-10-10，湘阴教发〔2023〕31号，1,150元，20000元",
        "2025-10-10-2025-10-16",
        "2025-10-15 08:00-17:30",
        "2025.10.15 2025/10/16 20251017",
        "监督电话：0730-1234567、0730 1234567、(0730)12345678、400-123-4567、12345",
        "2500 2500 2500 2500",
        "6000 1250 3000 3000",
        "4002 4002 4002 4002",
        "150 2500 2500",
        "150 2500 2500 2500 2500",
        "1,500元 1,250元 2,300元",
        "400-130-1000 1001",
        "400-100-4007 2016 2029 0816 2000000",
        "2019 2020 2021 2022 2023 2024 2025",
        "1990 1991 1992 1993",
        "第 1 2 3 4 5 … 138 139 140 页",
        "湘财教〔2022〕13号、教财〔2015〕8号、湘教发〔2019〕30号",
        "2023-2024学年 2024—2025学年",
        "sha256-3f2a9c81e4b0d1c2a7f6e5d4c3b2a1908f7e6d5c4b3a291807f6e5d4c3b2a19",
        "5d41402abc4b2a76b9719d911017c592",
        "110105194912310021",
        "4111111111111112",
        "2000000000000000",
        "统一社会信用代码：12430621448000123X",
    ] {
        assert!(kinds(text).is_empty(), "{text}: {:?}", find(text, &HashSet::new()));
    }
}

#[test]
fn tables_of_ordinary_numbers_pass() {
    use std::fmt::Write as _;
    let (mut html, mut tsv, mut text, mut csv) = (String::new(), String::new(), String::new(), String::new());
    for i in 1..=2000 {
        let cells = [i.to_string(), "2500".into(), "1250".into(), "2500".into(), "6000".into()];
        let _ = writeln!(html, "<tr><td>{}</td></tr>", cells.join("</td><td>"));
        let _ = writeln!(html, "<tr><td>{i}</td><td>2023{:04}</td><td>2025-10-{:02}</td></tr>", i % 10000, i % 28 + 1);
        let _ = writeln!(tsv, "{}", cells.join("\t"));
        let _ = writeln!(text, "{}", cells.join(" "));
        let _ = writeln!(text, "{i} 2500 2500");
        let _ = writeln!(csv, "{i},张*明,高一（{}）班,2500,1250,{}", i % 20, 1000 + i);
    }
    for t in [&html, &tsv, &text, &csv] {
        let found = find(t, &HashSet::new());
        assert!(found.is_empty(), "{found:?}");
    }
}

#[test]
fn long_runs_of_numbers_are_read_in_pieces() {
    // A run longer than CHAIN_LIMIT groups is read as it goes: a number at
    // any place in it, also across the places where it is cut, is found.
    for at in 0..150 {
        let mut words: Vec<String> = (1..=200).map(|i| (i % 97 + 1).to_string()).collect();
        words.insert(at, "110105 19491231 002X".into());
        words.insert(at / 2, "6222 0212 3456 7890 128".into());
        let text = words.join(" ");
        assert_eq!(kinds(&text), [CARD, ID], "at {at}");
    }
}

#[test]
fn masks_values() {
    assert_eq!(mask_number("13812345678"), "138****5678");
    assert_eq!(mask_number("１２"), "**");
}

#[test]
fn seams_that_a_number_may_cross() {
    assert!(may_join("<td>138", "1234"));
    assert!(may_join("<td>1381234</td>", "<td>5678</td>"));
    assert!(may_join("<td>1381234</", "td><td>5678</td>"));
    assert!(may_join("11010519491231002", "X"));
    assert!(may_join("138\n<span>", "1234 5678"));
    assert!(may_join("138 ", " 1234"));
    assert!(!may_join("<td>1,250元</td></tr>\n", "<tr><td>2</td>"));
    assert!(!may_join("<td>12</td></tr>\n", "<tr><td>13</td>"));
    assert!(!may_join("<p>无号码</p>", "<td>1</td>"));
    assert!(!may_join("138\n", "1234"));
    assert!(!may_join("11010519491231002X", "1"));
}

/// A synthetic list page of about 10 MB, like a 100,000-row list.
fn synthetic_list_page() -> String {
    use std::fmt::Write as _;
    let mut page =
        String::from("<!doctype html><html><body><h1>2025年秋季学期普通高中国家助学金公示</h1><table><tbody>\n");
    let mut i = 1;
    while page.len() < 10_000_000 {
        let _ = writeln!(
            page,
            "<tr><td>{i}</td><td>张*明</td><td>湘阴县第{}中学</td><td>高{}</td><td>高一（{}）班</td><td>2025-10-{:02}</td><td>1,{}50元</td></tr>",
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
    // Worst case: nothing but numbers and separators, one endless chain.
    let numbers = "2500 1250 2025-10-15 138 0730-1234567\t".repeat(10_000_000 / 38);
    let t = std::time::Instant::now();
    assert!(find(std::hint::black_box(&numbers), &allowed).is_empty());
    println!("scanned {:.1} MB of numbers in {:.2} ms", numbers.len() as f64 / 1e6, t.elapsed().as_secs_f64() * 1e3);
}
