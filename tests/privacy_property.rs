//! Property: for random recipient tables, no ID number, phone or private
//! value reaches any file under public/, and every recipient of an active
//! list appears exactly once.

mod common;
use common::{add_list, all_text, build_on, Site};
use proptest::prelude::*;

const SURNAMES: &[&str] = &["王", "李", "张", "刘", "陈", "欧阳", "司马", "诸葛"];
const GIVEN: &[char] =
    &['子', '涵', '梓', '轩', '浩', '宇', '欣', '怡', '雨', '桐', '思', '远', '佳', '琪', '俊', '杰'];
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

fn id_number(seed: u64) -> String {
    let body = format!("430621{}{:02}{:02}{:03}", 2005 + seed % 12, 1 + seed % 12, 1 + seed % 28, seed % 1000);
    let sum: u32 = body.bytes().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    format!("{body}{}", b"10X98765432"[(sum % 11) as usize] as char)
}

#[derive(Debug, Clone)]
struct Student {
    name: String,
    class: u8,
    id: String,
    phone: String,
    secret: String,
}

fn student() -> impl Strategy<Value = Student> {
    (
        0..SURNAMES.len(),
        proptest::collection::vec(0..GIVEN.len(), 1..3),
        1u8..9,
        any::<u64>(),
        0u64..100_000_000,
        "[A-Z]{12}",
    )
        .prop_map(|(s, given, class, seed, phone, secret)| Student {
            name: format!("{}{}", SURNAMES[s], given.iter().map(|&g| GIVEN[g]).collect::<String>()),
            class,
            id: id_number(seed),
            phone: format!("139{phone:08}"),
            secret,
        })
}

fn table() -> impl Strategy<Value = Vec<Student>> {
    proptest::collection::vec(student(), 1..25).prop_map(|mut v| {
        // One row per student: the same name in the same class would be a duplicate.
        let mut seen = std::collections::HashSet::new();
        v.retain(|s| seen.insert((s.name.clone(), s.class)) && seen.insert((s.id.clone(), 0)));
        v
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn nothing_private_reaches_public_and_everyone_appears_once(students in table(), full in any::<bool>(), active in any::<bool>()) {
        let site = Site::fixture("lists");
        let mut csv = String::from("姓名,班级,身份证号,联系电话,困难类型\n");
        for s in &students {
            csv.push_str(&format!("{},{}班,{},{},{}\n", s.name, s.class, s.id, s.phone, s.secret));
        }
        let mask = if full { "name_mask = \"full\"" } else { "name_mask = \"middle\"" };
        add_list(&site, "p", mask, "a.csv", csv.as_bytes());
        let today = if active { "2025-10-15" } else { "2025-10-20" };
        let run = build_on(&site, today);
        prop_assert_eq!(run.code, 0, "{}", run.stderr);
        let text = all_text(&site.path("public"));
        for s in &students {
            prop_assert!(!text.contains(&s.id), "ID {} published", s.id);
            prop_assert!(!text.contains(&s.phone), "phone {} published", s.phone);
            prop_assert!(!text.contains(&s.secret), "private value {} published", s.secret);
        }
        if !(full && active) {
            for s in &students {
                prop_assert!(!text.contains(&s.name), "full name {} published", s.name);
            }
        }
        let page = site.read("public/lists/2025-qiu/p/index.html");
        if active {
            let body = page.split("class=\"recipients\"").nth(1).unwrap().split("</tbody>").next().unwrap();
            prop_assert_eq!(body.matches("<tr>").count(), students.len() + 1, "one header row plus one row per recipient");
            if full {
                for s in &students {
                    let row = format!("<td>{}</td><td>{}班</td>", s.name, s.class);
                    prop_assert_eq!(text.matches(&row).count(), 1, "{} not exactly once", row);
                }
            }
        } else {
            prop_assert!(!page.contains("class=\"recipients\""));
            for s in &students {
                let masked = format!("<td>{}</td>", gongshi::privacy::mask::mask(&s.name, gongshi::privacy::mask::NameMask::Middle));
                prop_assert!(!text.contains(&masked), "{} still published after the period", masked);
            }
        }
    }
}
