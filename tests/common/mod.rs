//! Helpers for integration tests: copy a fixture site to a temporary
//! folder and run the real `gongshi` binary on it.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    /// A private copy of `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name), dir.path());
        Site { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.path(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Replaces `from` by `to` in a file, failing the test if `from` is absent.
    pub fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} does not contain {from:?}");
        self.write(rel, &text.replacen(from, to, 1));
    }

    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.root(), args)
    }

    pub fn build(&self) -> Run {
        self.run(&["build", "--today", "2025-10-15"])
    }
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

impl Run {
    pub fn ok(&self) -> &Run {
        assert_eq!(self.code, 0, "expected success\nstdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        self
    }

    pub fn fails_with(&self, code: i32) -> &Run {
        assert_eq!(self.code, code, "expected exit {code}\nstdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        self
    }

    pub fn stderr_has(&self, needle: &str) -> &Run {
        assert!(self.stderr.contains(needle), "stderr lacks {needle:?}:\n{}", self.stderr);
        self
    }
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_gongshi")
}

pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    Command::new(bin()).args(args).current_dir(dir).output().expect("run gongshi").into()
}

pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir` with its bytes, sorted by path.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned(), fs::read(e.path()).unwrap()))
        .collect();
    v.sort();
    v
}

/// A list bundle under `content/lists/2025-qiu/<slug>/`, active from
/// 2025-10-13 to 2025-10-17 unless `extra` says otherwise.
pub fn add_list(site: &Site, slug: &str, extra: &str, data_name: &str, data: &[u8]) {
    let dir = format!("content/lists/2025-qiu/{slug}");
    let period = if extra.contains("publicity_") { "" } else { "publicity_start = 2025-10-13\npublicity_days = 5\n" };
    site.write(
        &format!("{dir}/index.md"),
        &format!(
            "+++\ntitle = \"测试县第一中学{slug}拟资助名单公示\"\nprogramme = \"普通高中国家助学金\"\nschool = \"测试县第一中学\"\nterm = \"2025年秋季学期\"\ndata = \"{data_name}\"\n{period}{extra}\n+++\n\n经审核，拟资助以下学生，现予公示。\n"
        ),
    );
    std::fs::write(site.path(&format!("{dir}/{data_name}")), data).unwrap();
}

/// All text under a folder (file names included), for "appears nowhere" checks.
pub fn all_text(dir: &Path) -> String {
    tree(dir).into_iter().map(|(p, b)| format!("{p}\n{}\n", String::from_utf8_lossy(&b))).collect()
}

pub fn build_on(site: &Site, today: &str) -> Run {
    site.run(&["build", "--today", today])
}

/// The students of `publish_site`'s list, and as its page shows them.
pub const PUBLISHED_NAMES: [&str; 3] = ["张三丰", "欧阳晓华", "李小明"];
pub const PUBLISHED_MASKED: [&str; 3] = ["张*丰", "欧阳*华", "李*明"];

/// The `lists` fixture with a CSV list of `PUBLISHED_NAMES` (active
/// 2025-10-13 to 2025-10-17) and the publishing targets given (TOML
/// appended to site-config.toml).
pub fn publish_site(targets: &str) -> Site {
    let site = Site::fixture("lists");
    add_list(
        &site,
        "gaozhong",
        "",
        "名单.csv",
        "姓名,班级\n张三丰,高一1班\n欧阳晓华,高一2班\n李小明,高二3班\n".as_bytes(),
    );
    let config = site.read("site-config.toml");
    site.write("site-config.toml", &format!("{config}\n{targets}"));
    site
}
