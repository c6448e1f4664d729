//! Fuzz-style test of the readers: thousands of random mutations of the
//! demo's real data files, front matter and Markdown (bit flips, cut and
//! doubled pieces, stray quotes, commas, tabs and line breaks, BOMs, CJK
//! text). Nothing may panic, and whatever a mutated list still loads as,
//! its public projection holds no personal number and none of the
//! seed's private values. Deterministic: a fixed seed, so a failure is
//! reproducible; the count of cases run is printed.

use gongshi::data::table;
use gongshi::privacy::mask::NameMask;
use gongshi::privacy::roles::Role;
use gongshi::roster::{self, Files, PublicTable};
use std::collections::{BTreeMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

/// xorshift64*: enough randomness for mutations, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const INSERTS: &[&[u8]] = &[
    b"\"",
    b",",
    b"\n",
    b"\r\n",
    b"\t",
    b",,",
    b"\xEF\xBB\xBF",
    "张".as_bytes(),
    "，".as_bytes(),
    b"\"\"",
    b"+++",
    b"**",
    b"{{",
    b"<td>",
    b"0",
    b"X",
    "１".as_bytes(),
    b"\x00",
    b"\xFF\xFE",
];

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut b = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(b.len() + 1);
        match rng.below(6) {
            0 if !b.is_empty() => {
                let i = rng.below(b.len());
                b[i] ^= 1 << rng.below(8);
            }
            1 => b.truncate(at),
            2 => {
                let end = (at + rng.below(64)).min(b.len());
                b.drain(at..end);
            }
            3 => {
                let end = (at + rng.below(256)).min(b.len());
                let piece = b[at..end].to_vec();
                b.splice(at..at, piece);
            }
            _ => {
                let piece = INSERTS[rng.below(INSERTS.len())];
                b.splice(at..at, piece.iter().copied());
            }
        }
    }
    b
}

fn demo(rel: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Every ID- and phone-like value of a seed file: none may reach a public table.
fn private_values(table: &table::RawTable) -> HashSet<String> {
    let mut out = HashSet::new();
    for r in &table.rows {
        for c in table.cells.row(r) {
            let digits: String = c.chars().filter(|c| c.is_ascii_digit()).collect();
            if digits.len() >= 11 {
                out.insert(digits);
            }
        }
    }
    out
}

#[test]
fn mutated_lists_never_panic_and_never_leak() {
    // (file name, bytes, sheet, columns)
    type Seed = (&'static str, Vec<u8>, Option<&'static str>, Option<BTreeMap<String, Role>>);
    let seeds: Vec<Seed> = vec![
        ("名单.csv", demo("content/lists/2025-qiu/yizhong-zhuxuejin/名单.csv"), None, None),
        ("recipients.csv", demo("content/lists/2025-qiu/chengguan-xiaoxue-buzhu/recipients.csv"), None, None),
        ("名单.xlsx", demo("content/lists/2025-qiu/zhizhuan-zhuxuejin/名单.xlsx"), Some("拟资助名单"), None),
        (
            "recipients.xlsx",
            demo("tests/fixtures/lists/content/lists/2025-qiu/zhizhuan/recipients.xlsx"),
            Some("拟资助名单"),
            None,
        ),
    ];
    let mut rng = Rng(0x5eed_1234_abcd_0042);
    let (mut cases, mut loaded) = (0, 0);
    let files = Files { data: "d", index: "i", columns_line: 1, allow_empty: false };
    for (name, seed, sheet, columns) in &seeds {
        let secrets = private_values(&table::read(Path::new(name), seed, *sheet).expect("seed reads"));
        assert!(!secrets.is_empty(), "{name}: the seed has private numbers to look for");
        for case in 0..1500 {
            let bytes = mutate(&mut rng, seed);
            cases += 1;
            let result = catch_unwind(AssertUnwindSafe(|| {
                let raw = table::read(Path::new(name), &bytes, *sheet).ok()?;
                let loaded = roster::load(raw, columns.as_ref(), &files).ok()?;
                Some(PublicTable::project(&loaded.roster, NameMask::Middle, true).take_rows())
            }));
            let Ok(rows) = result else { panic!("{name} case {case} panicked; bytes: {bytes:?}") };
            let Some(rows) = rows else { continue };
            loaded += 1;
            let html = rows.pieces().concat();
            let leaks = gongshi::privacy::scan::find(&html, &HashSet::new());
            assert!(leaks.is_empty(), "{name} case {case}: {leaks:?} in the public rows");
            let digits: String = html.chars().map(|c| if c.is_ascii_digit() { c } else { ' ' }).collect();
            for run in digits.split(' ').filter(|r| r.len() >= 11) {
                assert!(!secrets.contains(run), "{name} case {case}: private value {run} in the public rows");
            }
        }
    }
    println!("readers fuzz: {cases} mutated lists, {loaded} still loaded, no panic, no leak");
}

#[test]
fn mutated_front_matter_and_markdown_never_panic() {
    let texts = [
        demo("content/lists/2025-qiu/yizhong-zhuxuejin/index.md"),
        demo("content/policies/gaozhong-zhuxuejin-banfa.md"),
        demo("content/notices/2025-qiuji-shenqing-qidong.md"),
    ];
    let pages = Default::default();
    let mut rng = Rng(0x0dd_c0ffee);
    let mut cases = 0;
    for seed in &texts {
        for case in 0..1000 {
            let bytes = mutate(&mut rng, seed);
            let text = String::from_utf8_lossy(&bytes);
            cases += 1;
            let ok = catch_unwind(AssertUnwindSafe(|| {
                if let Ok(split) = gongshi::frontmatter::split("f.md", &text) {
                    let _ = gongshi::frontmatter::parse::<gongshi::content::list::ListMeta>("f.md", &split);
                }
                let src = gongshi::render::markdown::Source { file: "f.md", body_line: 1, pages: &pages };
                gongshi::render::markdown::render(&text, &src);
            }));
            assert!(ok.is_ok(), "case {case} panicked on {text:?}");
        }
    }
    println!("front matter and Markdown fuzz: {cases} mutated files, no panic");
}
