//! Properties: valid IDs, mobiles and cards written in random forms amid
//! random text are found; ordinary number-heavy text finds nothing.

use super::judge::{amount_like, ordinary};
use super::tests::{card, id18, wide};
use super::*;
use proptest::prelude::*;

const PROVINCES: [&str; 12] = ["11", "13", "22", "31", "37", "43", "44", "50", "53", "62", "65", "81"];
const CARD_PREFIXES: [&str; 9] = ["62", "621700", "622202", "4", "52", "9558", "35", "60", "37"];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Id,
    Mobile,
    Card,
}

fn id_number() -> impl Strategy<Value = String> {
    (0..PROVINCES.len(), 0u32..10_000, 1930u32..2025, 1u32..=12, 1u32..=28, 0u32..1000)
        .prop_map(|(p, r, y, m, d, s)| id18(&format!("{}{r:04}{y}{m:02}{d:02}{s:03}", PROVINCES[p])))
}

fn secret() -> impl Strategy<Value = (Kind, String)> {
    prop_oneof![
        id_number().prop_map(|v| (Kind::Id, v)),
        "1[3-9][0-9]{9}".prop_map(|v| (Kind::Mobile, v)),
        (0..CARD_PREFIXES.len(), 16usize..=19, "[0-9]{19}").prop_map(|(p, len, body)| {
            let prefix = CARD_PREFIXES[p];
            (Kind::Card, card(&format!("{prefix}{}", &body[..len - 1 - prefix.len()])))
        }),
    ]
}

/// The ways a number is split (lengths of its parts) and whether each
/// split may cross table cells too.
fn shapes(kind: Kind, len: usize) -> Vec<(Vec<usize>, bool)> {
    let mut out = vec![(vec![len], false)];
    match kind {
        Kind::Id => {
            for s in [vec![6, 8, 4], vec![6, 4, 4, 4], vec![3, 3, 4, 4, 4], vec![4, 4, 4, 4, 2]] {
                out.push((s, true));
            }
            for a in 1..18 {
                out.push((vec![a, 18 - a], a >= 6));
                for b in 1..18 - a {
                    out.push((vec![a, b, 18 - a - b], a >= 6));
                }
            }
        }
        Kind::Mobile => {
            out.extend([(vec![3, 4, 4], false), (vec![3, 8], false), (vec![7, 4], true), (vec![4, 3, 4], false)]);
        }
        Kind::Card => {
            out.push((vec![6, len - 6], true));
            if len > 16 {
                out.push((vec![4, 4, 4, 4, len - 16], false));
            } else {
                out.push((vec![4, 4, 4, 4], false));
            }
        }
    }
    out
}

const TIGHT: [&str; 15] =
    [" ", "-", "－", "–", "—", ".", "．", "/", "／", "_", "\u{a0}", "\u{3000}", "&nbsp;", "\u{200b}", "&ndash;"];
const CELL: [&str; 6] = ["</td><td>", "</td>\n  <td>", "</td><td class=\"n\">", "\t", ",", " | "];
const BEFORE: [&str; 8] =
    ["", "<p>联系电话：", "家长", "<tr><td>7</td><td>张*明</td><td>", "<tr><td>8</td><td>", "备注：", "学籍号", "<li>"];
const AFTER: [&str; 6] = ["", "。</p>", "</td></tr>", "，请核对", " 联系人", "</li>"];
const GLUE_BEFORE: [&str; 6] = ["", "G", "ID", "Tel", "No", "Ｇ"];
const GLUE_AFTER: [&str; 5] = ["", "abc", "x", "号", "Ｋ"];
const COUNTRY: [&str; 10] = ["", "+86 ", "86 ", "0086 ", "(+86)", "+86-", "（＋８６）", "+86", "0086", "86"];

#[derive(Debug, Clone)]
struct Form {
    shape: usize,
    seps: Vec<(bool, usize, usize)>,
    wide: Vec<bool>,
    before: usize,
    after: usize,
    glue_before: usize,
    glue_after: usize,
    country: usize,
}

fn form() -> impl Strategy<Value = Form> {
    (
        any::<prop::sample::Index>(),
        prop::collection::vec((any::<bool>(), 0..TIGHT.len(), 0..TIGHT.len() + 1), 4),
        prop::collection::vec(prop::bool::weighted(0.3), 19),
        (0..BEFORE.len(), 0..AFTER.len(), 0..GLUE_BEFORE.len(), 0..GLUE_AFTER.len(), 0..COUNTRY.len()),
    )
        .prop_map(|(shape, seps, wide, (before, after, glue_before, glue_after, country))| Form {
            shape: shape.index(usize::MAX),
            seps,
            wide,
            before,
            after,
            glue_before,
            glue_after,
            country,
        })
}

/// The number written in `form`, amid text; `None` for the forms the scanner
/// documents as read as amounts (a phone 3-4-4 or 4-3-4, a card 4-4-4-4
/// whose later parts are all multiples of 50, or all four the same).
fn write(kind: Kind, value: &str, f: &Form) -> Option<String> {
    let shapes = shapes(kind, value.len());
    let (lens, cells) = &shapes[f.shape % shapes.len()];
    let mut parts = Vec::new();
    let mut at = 0;
    for &l in lens {
        parts.push(&value[at..at + l]);
        at += l;
    }
    let all = |to: usize, f: fn(&[u8]) -> bool| parts.len() >= to && parts[1..to].iter().all(|p| f(p.as_bytes()));
    if (kind == Kind::Mobile
        && parts.len() == 3
        && (all(3, amount_like) || (lens[0] == 4 && (all(3, ordinary) || ordinary(parts[0].as_bytes())))))
        || (kind == Kind::Card
            && parts.len() >= 4
            && (parts[..4].iter().filter(|p| ordinary(p.as_bytes())).count() >= 3
                || parts[1..4].iter().all(|p| *p == parts[0])))
    {
        return None;
    }
    let mut out = String::from(BEFORE[f.before]);
    if kind == Kind::Mobile && (lens.len() == 1 || !COUNTRY[f.country].ends_with(['6', '+'])) {
        out.push_str(COUNTRY[f.country]);
    }
    out.push_str(GLUE_BEFORE[f.glue_before]);
    let mut i = 0;
    for (n, part) in parts.iter().enumerate() {
        if n > 0 {
            let (cell, a, b) = f.seps[n - 1];
            if cell && *cells {
                out.push_str(CELL[a % CELL.len()]);
            } else {
                out.push_str(TIGHT[a]);
                // At most two separators: three spaces in a row are a cell boundary.
                if let Some(s) = TIGHT.get(b) {
                    out.push_str(s);
                }
            }
        }
        for c in part.chars() {
            out.push_str(&if f.wide[i % f.wide.len()] { wide(&c.to_string()) } else { c.to_string() });
            i += 1;
        }
    }
    // A check character written apart is read as one only before a non-letter.
    if parts.last() != Some(&"X") {
        out.push_str(GLUE_AFTER[f.glue_after]);
    }
    out.push_str(AFTER[f.after]);
    Some(out)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn numbers_in_any_written_form_are_found((kind, value) in secret(), f in form()) {
        let Some(text) = write(kind, &value, &f) else { return Ok(()) };
        let found = find(&text, &HashSet::new());
        let want = mask_number(&value);
        // 17 card digits with an `x` glued on may be an ID number as well.
        let or_id = (kind == Kind::Card && value.len() == 17).then(|| mask_number(&format!("{value}X")));
        prop_assert!(
            found.iter().any(|l| l.masked == want || Some(&l.masked) == or_id.as_ref()),
            "{kind:?} {value} in {text:?}: {found:?}"
        );
        // Allowed in that form too.
        let allowed: HashSet<String> = [digits_only(&value)].into_iter().collect();
        let found = find(&text, &allowed);
        prop_assert!(!found.iter().any(|l| l.masked == want), "allowed {value} in {text:?}: {found:?}");
    }
}

const AMOUNTS: [&str; 14] =
    ["625", "750", "1150", "1250", "1500", "2000", "2100", "2300", "2500", "3000", "3500", "6000", "20000", "25000"];

fn ordinary_item() -> impl Strategy<Value = String> {
    prop_oneof![
        (2000u32..2030, 1u32..=12, 1u32..=28, 0..6usize).prop_map(|(y, m, d, how)| match how {
            0 => format!("{y}-{m:02}-{d:02}"),
            1 => format!("{y}年{m}月{d}日"),
            2 => format!("{y}.{m:02}.{d:02}"),
            3 => format!("{y}/{m}/{d}"),
            4 => format!("{y}{m:02}{d:02}"),
            _ => format!("{y}-{m:02}-{d:02}—{y}-{m:02}-{:02}", d + 1),
        }),
        (0u32..24, 0u32..60, 0u32..24).prop_map(|(h, m, h2)| format!("{h:02}:{m:02}-{h2:02}:30")),
        (0..AMOUNTS.len(), 0..3usize).prop_map(|(a, how)| match how {
            0 => AMOUNTS[a].to_string(),
            1 => format!("{}元", AMOUNTS[a]),
            _ => {
                let v: u32 = AMOUNTS[a].parse().unwrap();
                format!("{},{:03}元", v / 1000, v % 1000)
            }
        }),
        (0..4usize, 2015u32..2030, 1u32..200).prop_map(|(who, y, n)| {
            format!("{}〔{y}〕{n}号", ["湘阴教发", "教财", "湘财教", "铜教办"][who])
        }),
        // Landlines: 010, 02x with 8 digits; 03xx..09xx with 7 or 8.
        (0..30usize, 2_000_000u32..90_000_000, any::<bool>()).prop_map(|(area, local, dash)| {
            let sep = if dash { "-" } else { " " };
            match area {
                0 => format!("010{sep}{}", local.max(20_000_000)),
                1..=9 => format!("02{area}{sep}{}", local.max(20_000_000)),
                _ => format!("0{}{sep}{local}", 300 + area * 23),
            }
        }),
        (100u32..1000, 1000u32..10_000).prop_map(|(a, b)| format!("400-{a}-{b}")),
        (1990u32..2030).prop_map(|y| y.to_string()),
        (2015u32..2030).prop_map(|y| format!("{y}-{}学年", y + 1)),
        (1u32..300).prop_map(|p| format!("第{p}页")),
        (1u32..100).prop_map(|p| format!("{p}%")),
        (1u32..5000).prop_map(|p| format!("{p}人")),
        prop::sample::select(vec!["张*明", "高一（3）班", "城关中学", "一档", "合计", "湘阴县"]).prop_map(String::from),
    ]
}

/// Rows of a table or lines of prose: an optional row number, then dates,
/// amounts, document numbers, hotlines, times, years, counts and words.
fn ordinary_text() -> impl Strategy<Value = String> {
    const SEPS: [&str; 14] =
        [" ", "  ", "\t", "，", "、", "</td><td>", " | ", ",", "；", "/", " - ", "\u{3000}", "<br>", "。"];
    const ROWS: [&str; 3] = ["\n", "</td></tr>\n<tr><td>", "</p><p>"];
    let row =
        (prop::option::of(1u32..100_000), prop::collection::vec(ordinary_item(), 1..8), 0..SEPS.len(), 0..ROWS.len());
    prop::collection::vec(row, 1..12).prop_map(|rows| {
        let mut text = String::new();
        for (number, items, sep, end) in rows {
            // A row number comes before a name, as in every list.
            if let Some(n) = number {
                text.push_str(&format!("{n}{}张*明{}", SEPS[sep], SEPS[sep]));
            }
            text.push_str(&items.join(SEPS[sep]));
            text.push_str(ROWS[end]);
        }
        text
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn ordinary_numbers_are_not_found(text in ordinary_text()) {
        let found = find(&text, &HashSet::new());
        prop_assert!(found.is_empty(), "{text:?}: {found:?}");
    }
}

/// Numbers, parts of numbers, and what comes between them.
const NUMBERS: [&str; 16] = [
    "13812345678",
    "138",
    "1234",
    "5678",
    "1381234",
    "110105",
    "19491231",
    "002X",
    "11010519491231002X",
    "１３８１２３４５６７８",
    "6222 0212 3456 7890",
    "128",
    "2500",
    "2025",
    "7",
    "Ｘ",
];
const GAPS: [&str; 18] = [
    " ",
    "  ",
    "-",
    "．",
    "\t",
    ",",
    "</td><td>",
    "</td>\n<td>",
    "</tr><tr>",
    "<span>",
    "&nbsp;",
    "\n",
    "号",
    "a",
    "+86 ",
    "</t",
    "",
    "，",
];

fn pieces() -> impl Strategy<Value = String> {
    let piece = (prop::sample::select(&NUMBERS[..]), prop::sample::select(&GAPS[..]));
    prop::collection::vec(piece, 0..12).prop_map(|p| p.iter().map(|(n, g)| format!("{n}{g}")).collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// The gate scans two parts apart only where `may_join` says no number
    /// crosses: then the parts find exactly what the joined text finds.
    #[test]
    fn parts_apart_find_what_the_whole_finds(text in pieces(), at in any::<prop::sample::Index>()) {
        let bounds: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
        let (a, b) = text.split_at(bounds[at.index(bounds.len())]);
        let allowed = HashSet::new();
        if !may_join(a, b) {
            let mut apart = find(a, &allowed);
            apart.extend(find(b, &allowed));
            let mut whole = find(&text, &allowed);
            apart.sort();
            apart.dedup();
            whole.sort();
            whole.dedup();
            prop_assert_eq!(apart, whole, "{:?} | {:?}", a, b);
        }
    }

    #[test]
    fn any_text_is_read_without_panic(text in "\\PC{0,200}", digits in pieces()) {
        let allowed = HashSet::new();
        find(&text, &allowed);
        find(&format!("{text}{digits}{text}"), &allowed);
        find_in_row(&[&text, &digits], &allowed);
        may_join(&text, &digits);
        may_join(&digits, &text);
    }
}
