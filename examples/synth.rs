//! Writes a synthetic site in the real content format, deterministic by seed,
//! for benchmarks: `cargo run --release --example synth -- PRESET OUT [SEED]`.
//!
//! Presets: `county` (300 pages, 400 lists, 50,000 recipients, letters),
//! `province` (2,000 pages, 20,000 lists, 2,000,000 recipients, no letters),
//! `pages` (10,000 notices of about 2 KB, no lists), `biglist` (one list of
//! 100,000 rows). Lists span two terms and many schools; every third data
//! file is GB18030 as Excel on Chinese Windows saves it. With `--peers`, the
//! Markdown pages are also exported as a plain Zola site and a Hugo site,
//! and the largest list as a CSV table page for each.
//!
//! `--notices=N` and `--rows=N` change a preset's number of notices and of
//! recipients (the benchmark's growth steps); `--quoted` quotes the amount
//! on one row in ten as Excel and WPS do ("1,500", "800").
//!
//! With `--audit`, the lists are laid out for the county's checks (issue
//! 17), with the same number of lists and rows: every school has each
//! programme in both terms, 85 of every 100 autumn students continuing
//! from spring; one school in ten publishes one programme's autumn list in
//! two rounds (an objection removing a student in the first); tiers,
//! `[[exclusive]]`, `content/quotas.csv` (each school a little under its
//! quota), a 三类人员 list of 1,000 IDs no student has, objections and
//! receipts files. `[audit]` turns every check on; `--audit-off` writes
//! the same site with every check off, for the benchmark's comparison.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

struct Preset {
    policies: usize,
    explainers: usize,
    notices: usize,
    lists: usize,
    recipients: usize,
    letters: bool,
}

fn preset(name: &str) -> Option<Preset> {
    Some(match name {
        "county" => {
            Preset { policies: 100, explainers: 100, notices: 100, lists: 400, recipients: 50_000, letters: true }
        }
        "province" => Preset {
            policies: 700,
            explainers: 700,
            notices: 600,
            lists: 20_000,
            recipients: 2_000_000,
            letters: false,
        },
        "pages" => Preset { policies: 0, explainers: 0, notices: 10_000, lists: 0, recipients: 0, letters: false },
        "biglist" => Preset { policies: 1, explainers: 0, notices: 0, lists: 1, recipients: 100_000, letters: false },
        _ => return None,
    })
}

/// xorshift64*: small, fast, and the same sequence on every machine.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const PROGRAMMES: [(&str, &str, &str); 4] = [
    ("普通高中国家助学金", "gaozhong-zhuxuejin", "普通高中"),
    ("义务教育家庭经济困难学生生活补助", "yiwu-shenghuo-buzhu", "义务教育"),
    ("中职国家助学金", "zhongzhi-zhuxuejin", "中职"),
    ("学前教育资助", "xueqian-zizhu", "学前"),
];
const PHRASES: [&str; 12] = [
    "各学校要按照认定结果确定资助对象，做到应助尽助、精准资助。",
    "资助资金按学期通过学生资助卡发放，不得以实物或服务代替。",
    "公示只公布必要信息，公示期满及时撤下，严禁泄露学生个人信息。",
    "学校应建立资助工作档案，妥善保管申请表、评议记录和发放台账。",
    "对资助工作有疑问的，可向学校资助专干或县学生资助管理中心咨询。",
    "县教育局将资助工作纳入学校年度考核，定期开展专项检查。",
    "家庭经济困难学生认定每学年开展一次，每学期动态调整。",
    "任何单位和个人不得截留、挤占、挪用学生资助资金。",
    "各地要加强政策宣传，确保每名学生和家长知晓资助政策。",
    "学生或监护人对认定结果有异议的，可在五个工作日内提出。",
    "资助育人要与思想政治教育、心理健康教育相结合。",
    "民办学校学生按同类公办学校标准享受相应资助政策。",
];
const NUMERALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
// Name characters rarely found in policy prose, so no name looks like text.
const SURNAMES: [&str; 24] = [
    "赵", "钱", "孙", "李", "周", "吴", "郑", "王", "冯", "陈", "褚", "卫", "蒋", "沈", "韩", "杨", "朱", "秦", "尤",
    "许", "何", "吕", "施", "欧阳",
];
const GIVEN: [&str; 24] = [
    "梓", "涵", "轩", "彤", "睿", "萱", "瑶", "琪", "昊", "煜", "芮", "娅", "骁", "珂", "霖", "璐", "铭", "钰", "晗",
    "妍", "楠", "蕾", "翊", "骏",
];

fn paragraph(rng: &mut Rng, sentences: usize) -> String {
    (0..sentences).map(|_| *rng.pick(&PHRASES)).collect()
}

/// About 2 KB of Markdown: two chapters of articles and a schedule table.
fn policy_body(rng: &mut Rng) -> String {
    let mut s = String::new();
    let mut article = 0;
    for (ch, numeral) in NUMERALS.iter().take(2).enumerate() {
        let _ = writeln!(s, "## 第{numeral}章 {}\n", if ch == 0 { "总则" } else { "资助管理" });
        for _ in 0..3 {
            let _ = writeln!(s, "**第{}条** {}\n", NUMERALS[article % 10], paragraph(rng, 2));
            article += 1;
        }
    }
    s.push_str("| 时间 | 工作内容 | 责任单位 |\n|---|---|---|\n| 9月 | 认定与评审 | 各学校 |\n| 10月 | 名单公示 | 各学校 |\n| 11月 | 资金发放 | 县学生资助管理中心 |\n");
    s
}

fn check_digit(body: &str) -> char {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body.bytes().zip(W).map(|(d, w)| u32::from(d - b'0') * w).sum();
    b"10X98765432"[(sum % 11) as usize] as char
}

/// A valid, unique ID for recipient number `n`.
fn id_number(n: usize) -> String {
    let day = 1 + (n / 1000) % 28;
    let month = 1 + (n / 28_000) % 12;
    let year = 2005 + (n / 336_000) % 12;
    let body = format!("430621{year}{month:02}{day:02}{:03}", n % 1000);
    format!("{body}{}", check_digit(&body))
}

fn write(path: &Path, bytes: &[u8]) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let peers = args.iter().any(|a| a == "--peers");
    let audit = if args.iter().any(|a| a == "--audit-off") {
        Some(false)
    } else {
        args.iter().any(|a| a == "--audit").then_some(true)
    };
    // Sizes for the benchmark's growth steps; `--quoted`: Excel's quoting,
    // one amount in ten written "1,500" and so quoted.
    let option = |name: &str| args.iter().find_map(|a| a.strip_prefix(name)?.parse::<usize>().ok());
    let (notices, rows, quoted) = (option("--notices="), option("--rows="), args.iter().any(|a| a == "--quoted"));
    let args: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let (Some(name), Some(out)) = (args.first(), args.get(1)) else {
        eprintln!("usage: synth PRESET OUT [SEED] [--peers] [--audit|--audit-off] [--notices=N] [--rows=N] [--quoted]   (presets: county, province, pages, biglist)");
        std::process::exit(2);
    };
    let Some(mut p) = preset(name) else {
        eprintln!("unknown preset {name}");
        std::process::exit(2);
    };
    p.notices = notices.unwrap_or(p.notices);
    p.recipients = rows.unwrap_or(p.recipients);
    let seed: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    let out = PathBuf::from(out);
    let _ = fs::remove_dir_all(&out);
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);

    let mut config = String::from("title = \"合成测试站点\"\nbase_url = \"https://bench.example.org/\"\nhotline = \"0730-1234567\"\nissuer = \"合成县教育局\"\n");
    for (name, slug, stage) in PROGRAMMES {
        let _ = write!(config, "\n[[programmes]]\nname = \"{name}\"\nslug = \"{slug}\"\nstage = \"{stage}\"\n");
        if audit.is_some() {
            config.push_str("tiers = { \"一档\" = 3000, \"二档\" = 1600 }\n");
        }
    }
    if let Some(on) = audit {
        config.push_str(&audit_config(on));
    }
    write(&out.join("site-config.toml"), config.as_bytes());

    let mut pages: Vec<(String, String, String)> = Vec::new(); // (section/slug, title, body) for peers
    for i in 0..p.policies {
        let (prog, _, stage) = PROGRAMMES[i % PROGRAMMES.len()];
        let body = policy_body(&mut rng);
        let title = format!("合成县{prog}管理办法（第{i}号）");
        let front = format!("title = \"{title}\"\ndoc_number = \"合教发〔2025〕{i}号\"\nissuer = \"合成县教育局\"\ndate = 2025-{:02}-{:02}\nprogrammes = [\"{prog}\"]\nstages = [\"{stage}\"]\n", 1 + i % 12, 1 + i % 28);
        write(&out.join(format!("content/policies/p{i}.md")), format!("+++\n{front}+++\n\n{body}").as_bytes());
        pages.push((format!("policies/p{i}"), title, body));
    }
    for i in 0..p.explainers {
        let (prog, _, _) = PROGRAMMES[i % PROGRAMMES.len()];
        let target = i % p.policies.max(1);
        let mut body =
            format!("## 谁可以申请\n\n{}见[第二条](@/policies/p{target}.md#article-2)。\n\n", paragraph(&mut rng, 3));
        for h in ["补助多少", "怎么申请", "有问题问谁"] {
            let _ = write!(body, "## {h}\n\n{}\n\n", paragraph(&mut rng, 4));
        }
        let title = format!("{prog}政策解读（{i}）");
        let front = format!(
            "title = \"{title}\"\ndate = 2025-{:02}-{:02}\npolicies = [\"p{target}\"]\nprogrammes = [\"{prog}\"]\n",
            1 + i % 12,
            1 + i % 28
        );
        write(&out.join(format!("content/explainers/e{i}.md")), format!("+++\n{front}+++\n\n{body}").as_bytes());
        pages.push((format!("explainers/e{i}"), title, body));
    }
    for i in 0..p.notices {
        let body: String = (0..5).map(|_| paragraph(&mut rng, 4) + "\n\n").collect();
        let title = format!("资助工作动态第{i}期");
        let front = format!("title = \"{title}\"\ndate = 2025-{:02}-{:02}\n", 1 + i % 12, 1 + i % 28);
        write(&out.join(format!("content/notices/n{i}.md")), format!("+++\n{front}+++\n\n{body}").as_bytes());
        pages.push((format!("notices/n{i}"), title, body));
    }
    if p.letters {
        for (prog, slug, _) in PROGRAMMES {
            let letter = format!("+++\ntitle = \"{prog}告知书\"\n[receipt]\noptions = [\"同意领取\", \"自愿放弃\"]\n+++\n\n您的孩子 **{{{{ name }}}}**（{{{{ row[\"班级\"] }}}}）获得{{{{ term }}}}{{{{ programme }}}}，本学期 {{{{ amount }}}} 元。学生身份证号：{{{{ id_masked }}}}。\n\n{}\n\n如有疑问，请拨打监督电话 {{{{ hotline }}}}。\n", paragraph(&mut rng, 3));
            write(&out.join(format!("content/letters/{slug}.md")), letter.as_bytes());
        }
    }

    if audit.is_some() {
        let n = audit_lists(&out, &p, &mut rng);
        println!("{name} (audit): {} pages, {} lists, {n} recipients → {}", pages.len(), p.lists, out.display());
        return;
    }
    // Lists: recipients spread evenly, two terms, schools of 4 lists each.
    let mut biggest = (0usize, PathBuf::new());
    let mut next_id = 0usize;
    for l in 0..p.lists {
        let rows = p.recipients / p.lists + usize::from(l < p.recipients % p.lists.max(1));
        let (prog, slug, _) = PROGRAMMES[l % PROGRAMMES.len()];
        let (term, term_slug, start) = if l % 2 == 0 {
            ("2025年秋季学期", "2025-qiu", "2025-10-13")
        } else {
            ("2025年春季学期", "2025-chun", "2025-03-10")
        };
        let school = format!("合成县第{}学校", l / 4);
        let dir = out.join(format!("content/lists/{term_slug}/s{l}-{slug}"));
        let letters = if p.letters {
            format!("\n[letters]\ntemplate = \"{slug}\"\ngroup_by = [\"班级\"]\n")
        } else {
            String::new()
        };
        let index = format!("+++\ntitle = \"{school}{term}{prog}拟资助学生名单公示\"\nprogramme = \"{prog}\"\nschool = \"{school}\"\nterm = \"{term}\"\ndata = \"名单.csv\"\npublicity_start = {start}\npublicity_days = 5\n{letters}+++\n\n经学生申请、班级评议、学校审核，拟资助以下学生，现予公示。\n");
        write(&dir.join("index.md"), index.as_bytes());
        let mut csv = String::from("姓名,年级,班级,身份证号,联系电话,资助档次,资助金额\n");
        for r in 0..rows {
            let name = format!("{}{}{}", rng.pick(&SURNAMES), rng.pick(&GIVEN), rng.pick(&GIVEN));
            let grade = ["高一", "高二", "高三"][r % 3];
            let class = format!("{grade}（{}）班", 1 + (r / 3) % 12);
            let (tier, amount) = if rng.below(3) == 0 { ("一档", "1500") } else { ("二档", "800") };
            let amount = match (quoted && r % 10 == 0, amount) {
                (true, "1500") => "\"1,500\"".to_string(),
                (true, a) => format!("\"{a}\""),
                (false, a) => a.to_string(),
            };
            let _ = writeln!(
                csv,
                "{name},{grade},{class},{},13{:09},{tier},{amount}",
                id_number(next_id),
                rng.below(1_000_000_000)
            );
            next_id += 1;
        }
        let bytes = if l % 3 == 2 { encoding_rs::GB18030.encode(&csv).0.into_owned() } else { csv.into_bytes() };
        write(&dir.join("名单.csv"), &bytes);
        if rows > biggest.0 {
            biggest = (rows, dir.join("名单.csv"));
        }
    }
    if peers {
        export_peers(&out, &pages, &biggest.1);
    }
    println!("{name}: {} pages, {} lists, {} recipients → {}", pages.len(), p.lists, next_id, out.display());
}

/// `[audit]` with every check on (same-name and overdue objections as
/// warnings, as by default), or every check off.
fn audit_config(on: bool) -> String {
    let mut s = String::from("\n[[exclusive]]\nprogrammes = [\"普通高中国家助学金\", \"中职国家助学金\"]\n\n[audit]\n");
    let checks = ["double_funding", "exclusive", "quota", "tiers", "exclusions", "rounds", "same_name", "objections"];
    for c in checks {
        let level = match (on, c) {
            (false, _) => "off",
            (true, "same_name" | "objections") => "warn",
            (true, _) => "error",
        };
        let _ = writeln!(s, "{c} = \"{level}\"");
    }
    s
}

/// One student of a synthetic list.
#[derive(Clone)]
struct Row {
    name: String,
    grade: &'static str,
    class: String,
    id: String,
    tier: &'static str,
    amount: u32,
}

fn new_row(rng: &mut Rng, r: usize, id: String) -> Row {
    let name = format!("{}{}{}", rng.pick(&SURNAMES), rng.pick(&GIVEN), rng.pick(&GIVEN));
    let grade = ["高一", "高二", "高三"][r % 3];
    let class = format!("{grade}（{}）班", 1 + (r / 3) % 12);
    let (tier, amount) = if rng.below(3) == 0 { ("一档", 1500) } else { ("二档", 800) };
    Row { name, grade, class, id, tier, amount }
}

/// A list bundle of the audit layout.
struct AuditList<'a> {
    dir: PathBuf,
    school: &'a str,
    programme: &'a str,
    term: (&'a str, &'a str),
    start: &'a str,
    extra: String,
    /// The letter template (the programme's slug), when the preset prints letters.
    letters: Option<&'a str>,
}

fn write_audit_list(l: &AuditList, rows: &[Row], gbk: bool) {
    let (prog, school, (term, _)) = (l.programme, l.school, l.term);
    let letters =
        l.letters.map(|t| format!("[letters]\ntemplate = \"{t}\"\ngroup_by = [\"班级\"]\n")).unwrap_or_default();
    let index = format!("+++\ntitle = \"{school}{term}{prog}拟资助学生名单公示\"\nprogramme = \"{prog}\"\nschool = \"{school}\"\nterm = \"{term}\"\ndata = \"名单.csv\"\npublicity_start = {}\npublicity_days = 5\n{}{letters}+++\n\n经学生申请、班级评议、学校审核，拟资助以下学生，现予公示。\n", l.start, l.extra);
    write(&l.dir.join("index.md"), index.as_bytes());
    let mut csv = String::from("姓名,年级,班级,身份证号,资助档次,资助金额\n");
    for r in rows {
        let _ = writeln!(csv, "{},{},{},{},{},{}", r.name, r.grade, r.class, r.id, r.tier, r.amount);
    }
    let bytes = if gbk { encoding_rs::GB18030.encode(&csv).0.into_owned() } else { csv.into_bytes() };
    write(&l.dir.join("名单.csv"), &bytes);
}

/// Side files of one list in ten: an objection (verified in time, no
/// change) and the receipts typed back, one in twenty missing.
fn side_files(dir: &Path, rows: &[Row]) -> String {
    let r = &rows[0];
    let objection = format!("收到日期,姓名,班级,内容,核实日期,核实结果,复核日期,是否调整\n2025-10-13,{},{},反映情况,2025-10-14,情况不实,2025-10-15,否\n", r.name, r.class);
    write(&dir.join("异议登记.csv"), objection.as_bytes());
    let mut receipts = String::from("序号,学生姓名,班级,身份证号,回执已收回（√）,收回日期,备注\n");
    for (i, r) in rows.iter().enumerate() {
        let tick = if i % 20 == 7 { "" } else { "√" };
        let note = if i % 50 == 3 { "家长自愿放弃" } else { "" };
        let _ = writeln!(receipts, "{},{},{},{},{tick},2025-10-20,{note}", i + 1, r.name, r.class, r.id);
    }
    write(&dir.join("回执登记.csv"), receipts.as_bytes());
    "objections = \"异议登记.csv\"\nreceipts = \"回执登记.csv\"\n".into()
}

const TERMS: [(&str, &str); 2] = [("2025年春季学期", "2025-chun"), ("2025年秋季学期", "2025-qiu")];

/// Lists of the audit layout: schools of 8 lists (4 programmes × 2 terms);
/// gives the number of rows written.
fn audit_lists(out: &Path, p: &Preset, rng: &mut Rng) -> usize {
    let per = p.recipients / p.lists;
    let mut next_id = 0usize;
    let mut fresh = |rng: &mut Rng, r: usize| {
        next_id += 1;
        new_row(rng, r, id_number(next_id - 1))
    };
    let (mut quotas, mut written) = (String::from("学期,资助项目,学校,名额,金额\n"), 0);
    for l in (0..p.lists).step_by(2) {
        let (school, (prog, slug, _)) = (format!("合成县第{}学校", l / 8), PROGRAMMES[(l / 2) % 4]);
        let spring: Vec<Row> = (0..per).map(|r| fresh(rng, r)).collect();
        let mut autumn: Vec<Row> = spring[..per * 85 / 100].to_vec();
        autumn.extend((autumn.len()..per).map(|r| fresh(rng, r)));
        let in_rounds = (l / 8) % 10 == 0 && (l / 2) % 4 == 3;
        let list = |t: usize, name: String, start: &'static str, extra: String| AuditList {
            dir: out.join(format!("content/lists/{}/{name}", TERMS[t].1)),
            school: &school,
            programme: prog,
            term: TERMS[t],
            start,
            extra,
            letters: p.letters.then_some(slug),
        };
        if in_rounds {
            // Autumn in two rounds instead of spring and autumn.
            let first = list(1, format!("s{l}-{slug}-r1"), "2025-09-22", String::new());
            let objection = format!("收到日期,身份证号,内容,核实日期,核实结果,复核日期,是否调整\n2025-09-23,{},反映情况,2025-09-24,属实,2025-09-25,是\n", autumn[0].id);
            write(&first.dir.join("异议登记.csv"), objection.as_bytes());
            write_audit_list(
                &AuditList { extra: "round = 1\nobjections = \"异议登记.csv\"\n".into(), ..first },
                &autumn,
                false,
            );
            let follows = format!("round = 2\nfollows = \"2025-qiu/s{l}-{slug}-r1\"\n");
            write_audit_list(&list(1, format!("s{l}-{slug}"), "2025-10-13", follows), &autumn[1..], l % 3 == 2);
            let _ = writeln!(quotas, "{},{prog},{school},{},", TERMS[1].0, per + 5);
            written += 2 * per - 1;
            continue;
        }
        for (t, rows) in [(0, &spring), (1, &autumn)] {
            let start = if t == 0 { "2025-03-10" } else { "2025-10-13" };
            let mut one = list(t, format!("s{}-{slug}", l + t), start, String::new());
            if t == 1 && (l / 2) % 10 == 1 {
                one.extra = side_files(&one.dir, rows);
            }
            write_audit_list(&one, rows, (l + t) % 3 == 2);
            let fen: u32 = rows.iter().map(|r| r.amount).sum();
            let _ = writeln!(quotas, "{},{prog},{school},{},{}", TERMS[t].0, per + 5, fen + 5000);
            written += per;
        }
    }
    write(&out.join("content/quotas.csv"), quotas.as_bytes());
    let mut excluded = String::from("身份证号,姓名\n");
    for i in 0..1000 {
        let body = format!("430621197{}{:02}{:02}{:03}", i % 10, 1 + i % 12, 1 + i % 28, i);
        let _ = writeln!(excluded, "{body}{},某某", check_digit(&body));
    }
    write(&out.join("content/private/exclusions.csv"), excluded.as_bytes());
    written
}

/// The same Markdown pages (and the largest list as one CSV table page) as
/// a Zola site in `OUT-zola/` and a Hugo site in `OUT-hugo/`.
fn export_peers(out: &Path, pages: &[(String, String, String)], big_csv: &Path) {
    let zola = PathBuf::from(format!("{}-zola", out.display()));
    let hugo = PathBuf::from(format!("{}-hugo", out.display()));
    let _ = fs::remove_dir_all(&zola);
    let _ = fs::remove_dir_all(&hugo);
    write(
        &zola.join("config.toml"),
        b"base_url = \"https://bench.example.org/\"\ncompile_sass = false\nbuild_search_index = false\n",
    );
    write(&zola.join("templates/index.html"), b"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>index</title></head><body>{% for p in section.pages %}<a href=\"{{ p.permalink }}\">{{ p.title }}</a>{% endfor %}</body></html>");
    write(&zola.join("templates/section.html"), b"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{{ section.title }}</title></head><body>{% for p in section.pages %}<a href=\"{{ p.permalink }}\">{{ p.title }}</a>{% endfor %}</body></html>");
    write(&zola.join("templates/page.html"), b"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{{ page.title }}</title></head><body><h1>{{ page.title }}</h1>{{ page.content | safe }}</body></html>");
    write(&zola.join("templates/table.html"), b"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>table</title></head><body>{% set data = load_data(path=\"big.csv\") %}<table><thead><tr>{% for h in data.headers %}<th>{{ h }}</th>{% endfor %}</tr></thead><tbody>{% for r in data.records %}<tr>{% for c in r %}<td>{{ c }}</td>{% endfor %}</tr>{% endfor %}</tbody></table></body></html>");
    write(&hugo.join("hugo.toml"), b"baseURL = \"https://bench.example.org/\"\ndisableKinds = [\"taxonomy\", \"term\", \"RSS\", \"sitemap\", \"robotsTXT\"]\n");
    write(&hugo.join("layouts/_default/baseof.html"), b"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{{ .Title }}</title></head><body>{{ block \"main\" . }}{{ end }}</body></html>");
    write(
        &hugo.join("layouts/_default/single.html"),
        b"{{ define \"main\" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}",
    );
    write(
        &hugo.join("layouts/_default/list.html"),
        b"{{ define \"main\" }}{{ range .Pages }}<a href=\"{{ .Permalink }}\">{{ .Title }}</a>{{ end }}{{ end }}",
    );
    write(&hugo.join("layouts/table/single.html"), b"{{ define \"main\" }}{{ $rows := resources.Get \"big.csv\" | transform.Unmarshal }}<table>{{ range $i, $r := $rows }}<tr>{{ range $r }}<td>{{ . }}</td>{{ end }}</tr>{{ end }}</table>{{ end }}");
    for (path, title, body) in pages {
        let front = format!("+++\ntitle = \"{title}\"\n+++\n\n");
        // `@/` links are gongshi's; peers get plain text links.
        let body = body.replace("(@/policies/", "(/policies/").replace(".md#", "/#");
        write(&zola.join(format!("content/{path}.md")), format!("{front}{body}").as_bytes());
        write(&hugo.join(format!("content/{path}.md")), format!("{front}{body}").as_bytes());
    }
    for section in ["policies", "explainers", "notices"] {
        if zola.join("content").join(section).is_dir() {
            write(&zola.join(format!("content/{section}/_index.md")), b"+++\ntitle = \"section\"\n+++\n");
        }
    }
    if big_csv.is_file() {
        let text = String::from_utf8(fs::read(big_csv).unwrap()).unwrap_or_default();
        write(&zola.join("content/table/_index.md"), b"+++\ntitle = \"table\"\ntemplate = \"table.html\"\n+++\n");
        write(&zola.join("content/table/big.csv"), text.as_bytes());
        write(&zola.join("big.csv"), text.as_bytes());
        write(&hugo.join("content/table/index.md"), b"+++\ntitle = \"table\"\ntype = \"table\"\n+++\n");
        write(&hugo.join("assets/big.csv"), text.as_bytes());
    }
}
