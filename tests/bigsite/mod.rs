//! A site large enough that publishing it takes a while: the `lists`
//! fixture plus a list of 50,000 recipients with letters by class, and
//! many notices. Two versions of it (`Version::A`, `Version::B`) differ in
//! hundreds of output files: B rewrites every notice, drops some, and adds
//! a list (a new list page, its notice-board sheet and print index).
#![allow(dead_code)]

use crate::common::{copy_tree, Site};
use std::fmt::Write as _;
use std::path::Path;

pub const ROWS: usize = 50_000;
const NOTICES: usize = 250;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Version {
    A,
    B,
}

impl Version {
    pub fn other(self) -> Version {
        match self {
            Version::A => Version::B,
            Version::B => Version::A,
        }
    }

    /// The same day for both: the big list stays active and unchanged, so
    /// after the first build it comes from the list cache (its 50,000 rows
    /// are not read again) and a build reaches its publish quickly.
    pub fn today(self) -> &'static str {
        "2025-10-15"
    }
}

const SURNAMES: [char; 20] = [
    '赵', '钱', '孙', '李', '周', '吴', '郑', '王', '冯', '陈', '褚', '卫', '蒋', '沈', '韩', '杨', '朱', '秦', '尤',
    '许',
];
const GIVEN: [char; 50] = [
    '伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀', '霞',
    '平', '刚', '桂', '英', '华', '玉', '萍', '红', '鹏', '辉', '鑫', '宇', '浩', '凯', '晨', '瑶', '琪', '欣', '怡',
    '佳', '悦', '彤', '雪', '婷', '倩', '峰', '斌', '波', '亮', '俊', '蕾',
];

fn check_digit(body: &str) -> char {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body.bytes().zip(W).map(|(d, w)| u32::from(d - b'0') * w).sum();
    b"10X98765432"[(sum % 11) as usize] as char
}

/// A valid, unique ID for recipient `n`.
fn id_number(n: usize) -> String {
    let day = 1 + (n / 1000) % 28;
    let month = 1 + (n / 28_000) % 12;
    let body = format!("430621{}{month:02}{day:02}{:03}", 2008 + (n / 336_000) % 3, n % 1000);
    format!("{body}{}", check_digit(&body))
}

/// A unique three-character name for recipient `n`.
fn name(n: usize) -> String {
    [SURNAMES[n % 20], GIVEN[(n / 20) % 50], GIVEN[(n / 1000) % 50]].iter().collect()
}

/// The `lists` fixture with the big list (version A), in a fresh folder.
pub fn site() -> Site {
    let site = Site::fixture("lists");
    let mut csv = String::with_capacity(ROWS * 40);
    csv.push_str("姓名,班级,身份证号\n");
    for n in 0..ROWS {
        let _ = writeln!(csv, "{},{}班,{}", name(n), 1 + n % 400, id_number(n));
    }
    let dir = "content/lists/2025-qiu/big";
    site.write(
        &format!("{dir}/index.md"),
        "+++\ntitle = \"测试县第一中学2025年秋季学期普通高中国家助学金拟资助学生名单公示\"\nprogramme = \"普通高中国家助学金\"\nschool = \"测试县第一中学\"\nterm = \"2025年秋季学期\"\ndata = \"名单.csv\"\npublicity_start = 2025-10-13\npublicity_days = 5\n[letters]\ntemplate = \"gaozhong\"\ngroup_by = [\"班级\"]\n+++\n\n经学生申请、班级评议、学校审核，拟资助以下学生，现予公示。\n",
    );
    site.write(&format!("{dir}/名单.csv"), &csv);
    // Version B's extra list repeats the fixture's students on purpose: the
    // county's double-funding check is not what these tests are about.
    let config = site.read("site-config.toml");
    site.write("site-config.toml", &format!("{config}\n[audit]\ndouble_funding = \"off\"\n"));
    site.write("content/letters/gaozhong.md", "+++\ntitle = \"资助告知书\"\n+++\n\n{{ name }}同学（{{ row[\"班级\"] }}）：你获得{{ term }}{{ programme }}。\n");
    set_version(&site, Version::A);
    site
}

/// Rewrites the sources to `v` (the notices, the extra list).
pub fn set_version(site: &Site, v: Version) {
    let root = site.root();
    for e in std::fs::read_dir(root.join("content/notices")).unwrap().flatten() {
        if e.file_name().to_string_lossy().starts_with("many-") {
            std::fs::remove_file(e.path()).unwrap();
        }
    }
    let (count, word) = match v {
        Version::A => (NOTICES, "甲"),
        Version::B => (NOTICES - 50, "乙"),
    };
    for i in 0..count {
        site.write(
            &format!("content/notices/many-n{i:03}.md"),
            &format!(
                "+++\ntitle = \"工作动态第{i}期（{word}）\"\ndate = 2025-09-{:02}\n+++\n\n本期动态{word}：第{i}期。\n",
                1 + i % 28
            ),
        );
    }
    let extra = root.join("content/lists/2025-qiu/extra");
    match v {
        Version::A => {
            let _ = std::fs::remove_dir_all(extra);
        }
        Version::B => {
            copy_tree(&root.join("content/lists/2025-qiu/zhizhuan"), &extra);
            site.edit("content/lists/2025-qiu/extra/index.md", "测试县职业中专2025", "测试县职业中专（二）2025");
        }
    }
}

/// Content hash of every file under `dir` except gongshi's bookkeeping
/// (`.gongshi-*` at the top): each file's MD5 (by `md5sum`: the letters are
/// tens of megabytes, too slow to hash in an unoptimised test build) with
/// its path, in path order, folded into one number; and the file count.
pub fn tree_hash(dir: &Path) -> (usize, u64) {
    let mut files: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| !e.file_type().is_dir())
        .map(|e| e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned())
        .filter(|rel| !rel.starts_with(".gongshi-"))
        .collect();
    files.sort();
    let mut text = String::new();
    for chunk in files.chunks(500) {
        let out = std::process::Command::new("md5sum").args(chunk).current_dir(dir).output().expect("md5sum");
        assert!(out.status.success(), "md5sum: {}", String::from_utf8_lossy(&out.stderr));
        text.push_str(&String::from_utf8_lossy(&out.stdout));
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    (files.len(), h)
}
