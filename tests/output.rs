//! Where gongshi may write: never into the site's own folders, never over
//! or away files it did not write, and never leaving temporary folders
//! behind; and what it says when it cannot write.

mod bigsite;
mod common;
use common::{add_list, bin, tree, Run, Site};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Runs gongshi with a temporary folder the test owns.
fn run_with_tmp(site: &Site, tmp: &Path, args: &[&str]) -> Run {
    Command::new(bin()).args(args).current_dir(site.root()).env("TMPDIR", tmp).output().unwrap().into()
}

fn assert_empty(dir: &Path) {
    let left: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().map(|e| e.path()).collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

/// Every file of the site (sources, cache, outputs) with its bytes.
fn snapshot(site: &Site) -> Vec<(String, Vec<u8>)> {
    tree(site.root())
}

#[test]
fn output_or_print_folders_in_the_sites_own_folders_are_refused_and_nothing_is_touched() {
    let site = Site::fixture("lists");
    site.write("static/letters/readme.txt", "attachments");
    site.write("templates/.keep", "");
    let before = snapshot(&site);
    let cases: &[(&[&str], &str)] = &[
        (&["--out", "content"], "输出目录不能放在站点的 content/ 里面"),
        (&["--out", "content/policies"], "输出目录不能放在站点的 content/ 里面"),
        (&["--print", "content"], "告知书目录不能放在站点的 content/ 里面"),
        (&["--print", "static/letters"], "告知书目录不能放在站点的 static/ 里面（static/ 里的文件会原样发布到网站"),
        (&["--out", "templates"], "输出目录不能放在站点的 templates/ 里面"),
        (&["--out", "themes/x"], "输出目录不能放在站点的 themes/ 里面"),
        (&["--out", ".gongshi-cache/out"], "输出目录不能放在站点的 .gongshi-cache/ 里面"),
        (&["--out", "."], "输出目录不能是站点目录本身或它的上级目录"),
        (&["--out", ".."], "输出目录不能是站点目录本身或它的上级目录"),
        (&["--print", "."], "告知书目录不能是站点目录本身或它的上级目录"),
        (&["--out", "public", "--print", "public/print"], "告知书目录不能放在网站输出目录里面"),
        (&["--out", "print/site"], "网站输出目录不能放在告知书目录里面"),
        (&["--out", "content/../content"], "输出目录不能放在站点的 content/ 里面"),
    ];
    for (extra, message) in cases {
        let mut args = vec!["build", "--today", "2025-10-15"];
        args.extend_from_slice(extra);
        site.run(&args).fails_with(1).stderr_has(message);
        assert!(snapshot(&site) == before, "{extra:?} changed the site");
    }
}

/// A web root shared with other departments.
fn shared_web_root(dir: &Path) {
    for (rel, text) in [
        ("index.php", "<?php // the county portal"),
        ("other-dept/news/index.html", "<p>another department</p>"),
        ("uploads/2024年工作总结.docx", "docx bytes"),
    ] {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

#[test]
fn a_folder_holding_other_files_is_refused_or_shared_but_never_cleaned() {
    let site = Site::fixture("basic");
    let www = tempfile::tempdir().unwrap();
    let out = www.path().join("zizhu");
    shared_web_root(&out);
    let before = tree(&out);
    let out_s = out.to_str().unwrap();
    let run = site.run(&["build", "--out", out_s]);
    run.fails_with(1)
        .stderr_has(&format!("输出目录 {out_s} 里有 3 个不是 gongshi 写的文件"))
        .stderr_has("index.php")
        .stderr_has("other-dept/news/index.html")
        .stderr_has("uploads/2024年工作总结.docx")
        .stderr_has("--adopt-out");
    assert!(tree(&out) == before, "nothing written into or deleted from the folder");
    assert!(!site.path(".gongshi-cache/staging").read_dir().is_ok_and(|mut d| d.next().is_some()));

    // Shared on purpose: their files stay, gongshi's own come and go.
    site.run(&["build", "--out", out_s, "--adopt-out"]).ok();
    assert!(out.join("notices/dongtai/index.html").is_file());
    std::fs::remove_file(site.path("content/notices/dongtai.md")).unwrap();
    let run = site.run(&["build", "--out", out_s]);
    run.ok();
    assert!(!out.join("notices/dongtai/index.html").exists(), "its own stale page removed");
    for (rel, bytes) in &before {
        assert_eq!(&std::fs::read(out.join(rel)).unwrap(), bytes, "{rel} untouched");
    }

    // A file of theirs where gongshi would now write: refused, nothing moved.
    std::fs::create_dir_all(out.join("notices/xinwen")).unwrap();
    std::fs::write(out.join("notices/xinwen/index.html"), "their page").unwrap();
    site.write("content/notices/xinwen.md", "+++\ntitle = \"新闻\"\ndate = 2025-10-01\n+++\n\n新闻。\n");
    let index = std::fs::read(out.join("notices/index.html")).unwrap();
    site.run(&["build", "--out", out_s])
        .fails_with(1)
        .stderr_has("notices/xinwen/index.html 不是 gongshi 写的，gongshi 不会替换或删除它");
    assert_eq!(std::fs::read_to_string(out.join("notices/xinwen/index.html")).unwrap(), "their page");
    assert_eq!(std::fs::read(out.join("notices/index.html")).unwrap(), index, "nothing published");
}

#[test]
fn a_print_folder_holding_other_files_is_refused() {
    // Without letters, a `print/` of the site's own is not even looked at.
    let plain = Site::fixture("basic");
    plain.write("print/海报.pdf", "poster");
    plain.run(&["build"]).ok();
    assert_eq!(tree(&plain.path("print")), vec![("海报.pdf".to_string(), b"poster".to_vec())]);

    let site = Site::fixture("lists");
    site.write("content/letters/l.md", "+++\ntitle = \"告知书\"\n+++\n\n{{ name }}\n");
    add_list(
        &site,
        "yizhong",
        "[letters]\ntemplate = \"l\"",
        "a.csv",
        "姓名,班级,身份证号\n张小明,1班,11010519491231002X\n".as_bytes(),
    );
    site.write("print/学校通讯录.xlsx", "numbers");
    site.run(&["build", "--today", "2025-10-15"])
        .fails_with(1)
        .stderr_has("告知书目录")
        .stderr_has("学校通讯录.xlsx")
        .stderr_has("--adopt-print");
    assert!(!site.path("public").exists(), "a refused build leaves no new output folder");
    site.run(&["build", "--today", "2025-10-15", "--adopt-print"]).ok();
    assert_eq!(site.read("print/学校通讯录.xlsx"), "numbers");
    assert!(site.path("print/index.html").is_file());
}

#[test]
fn an_output_folder_of_an_older_gongshi_is_taken_over_through_its_old_list() {
    let site = Site::fixture("basic");
    site.run(&["build"]).ok();
    // As an older version left it: no manifest in the folder, the list of
    // its files in the cache folder.
    let manifest = site.read("public/.gongshi-manifest");
    std::fs::remove_file(site.path("public/.gongshi-manifest")).unwrap();
    let files: Vec<&str> = manifest.lines().filter(|l| !l.starts_with('#')).collect();
    let key = gongshi::fingerprint::of(&std::fs::canonicalize(site.path("public")).unwrap().to_string_lossy());
    let old_list = site.path(&format!(".gongshi-cache/manifest-{key:016x}.txt"));
    std::fs::write(&old_list, files.join("\n")).unwrap();
    std::fs::remove_file(site.path("content/notices/dongtai.md")).unwrap();
    site.run(&["build"]).ok();
    assert!(!site.path("public/notices/dongtai").exists(), "stale page of the old version removed");
    assert!(site.path("public/.gongshi-manifest").is_file() && !old_list.exists());

    // Without the old list, such a folder is refused with a hint.
    std::fs::remove_file(site.path("public/.gongshi-manifest")).unwrap();
    site.run(&["build"]).fails_with(1).stderr_has("如果它是旧版 gongshi 生成的目录");
}

#[cfg(unix)]
#[test]
fn a_file_that_cannot_be_replaced_leaves_the_old_output_whole_and_is_named() {
    let site = Site::fixture("basic");
    site.run(&["build"]).ok();
    let before = tree(&site.path("public"));
    let mtimes = || -> Vec<(String, std::time::SystemTime)> {
        before
            .iter()
            .map(|(rel, _)| {
                (rel.clone(), std::fs::metadata(site.path("public").join(rel)).unwrap().modified().unwrap())
            })
            .collect()
    };
    let times = mtimes();
    let stuck = site.path("public/notices/dongtai/index.html");
    // Root ignores permissions: make the file immutable instead.
    let root = unsafe { libc::geteuid() } == 0;
    let locked = if root {
        Command::new("chattr").arg("+i").arg(&stuck).status().is_ok_and(|s| s.success())
    } else {
        use std::os::unix::fs::PermissionsExt;
        let dir = stuck.parent().unwrap();
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).is_ok()
    };
    if !locked {
        eprintln!("skipped: cannot make a file unreplaceable here (running as root without a working chattr)");
        return;
    }
    let unlock = || {
        if root {
            Command::new("chattr").arg("-i").arg(&stuck).status().unwrap();
        } else {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(stuck.parent().unwrap(), std::fs::Permissions::from_mode(0o755)).unwrap();
        }
    };
    site.edit("content/notices/dongtai.md", "资助申请开始", "资助申请改期");
    site.edit("content/policies/banfa.md", "第一条", "第一条（修订）");
    let run = site.run(&["build"]);
    unlock();
    run.fails_with(1)
        .stderr_has("无法替换 ./public/notices/dongtai/index.html：操作不允许")
        .stderr_has("已有的输出目录保持原样")
        .stderr_has("提示：");
    assert!(!run.stderr.contains("Operation not permitted"), "the cause in Chinese, once: {}", run.stderr);
    assert_eq!(run.stderr.matches("系统错误").count(), 1, "{}", run.stderr);
    assert!(tree(&site.path("public")) == before, "the old output is whole");
    assert!(mtimes() == times, "and its files are the same files (modification times kept)");
    site.run(&["build"]).ok();
    assert!(site.read("public/notices/dongtai/index.html").contains("资助申请改期"));
}

#[test]
fn an_output_folder_under_a_file_is_one_clear_message() {
    let site = Site::fixture("basic");
    site.write("notes.txt", "a file");
    let run = site.run(&["build", "--out", "notes.txt/public"]);
    run.fails_with(1).stderr_has("无法创建输出目录 notes.txt/public").stderr_has("notes.txt 是一个文件");
    assert!(!run.stderr.contains("File exists"), "{}", run.stderr);
    assert_eq!(run.stderr.matches("系统错误").count(), 1, "{}", run.stderr);
    let staging = site.path(".gongshi-cache/staging");
    assert!(!staging.exists() || staging.read_dir().unwrap().next().is_none(), "no staging left");
}

#[test]
fn staging_is_never_beside_or_inside_the_output_folder() {
    let site = Site::fixture("basic");
    let www = tempfile::tempdir().unwrap();
    let out = www.path().join("zizhu");
    site.run(&["build", "--out", out.to_str().unwrap()]).ok();
    let names: Vec<String> = std::fs::read_dir(www.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["zizhu".to_string()], "nothing beside the output folder");
    let mut hidden: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    hidden.sort();
    // The manifest, and the site's own Apache fail-safe (output::failsafe).
    assert_eq!(hidden, vec![".gongshi-manifest".to_string(), ".htaccess".to_string()]);
}

#[test]
fn check_leaves_nothing_in_the_temporary_folder_even_when_it_fails() {
    let site = Site::fixture("lists");
    let tmp = tempfile::tempdir().unwrap();
    run_with_tmp(&site, tmp.path(), &["check", "--today", "2025-10-15"]).ok();
    assert_empty(tmp.path());
    site.edit("content/notices/tongzhi.md", "title = ", "titel = ");
    run_with_tmp(&site, tmp.path(), &["check", "--today", "2025-10-15"]).fails_with(1);
    assert_empty(tmp.path());
    assert!(!site.path("public").exists() && !site.path(".gongshi-cache").exists(), "check writes nothing");
}

#[cfg(unix)]
#[test]
fn an_interrupted_check_removes_its_private_folder() {
    use std::os::unix::fs::PermissionsExt;
    let site = bigsite::site();
    let tmp = tempfile::tempdir().unwrap();
    for (signal, number) in [("INT", 2), ("TERM", 15), ("HUP", 1)] {
        let mut child = Command::new(bin())
            .args(["check", "--today", "2025-10-15"])
            .current_dir(site.root())
            .env("TMPDIR", tmp.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Wait until it renders into its folder.
        let start = Instant::now();
        let dir = loop {
            let found = std::fs::read_dir(tmp.path()).unwrap().flatten().map(|e| e.path()).find(|p| {
                p.file_name().unwrap().to_string_lossy().starts_with("gongshi-check-") && p.join("staging").exists()
            });
            if let Some(d) = found {
                break d;
            }
            assert!(start.elapsed() < Duration::from_secs(30), "check never made its folder");
            assert!(child.try_wait().unwrap().is_none(), "check ended before it could be interrupted");
            std::thread::sleep(Duration::from_millis(5));
        };
        assert_eq!(std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777, 0o700, "private");
        let pid = child.id().to_string();
        assert!(Command::new("kill").args([&format!("-{signal}"), &pid]).status().unwrap().success());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(128 + number), "SIG{signal}: {status}");
        assert_empty(tmp.path());
    }
}

/// A FAT32 disk image mounted with `fusefat` (the FUSE driver for FAT),
/// unmounted when dropped, the test failing or not.
struct FatDisk {
    dir: tempfile::TempDir,
}

impl FatDisk {
    /// None, with the reason printed, where the tools or mounting are missing.
    fn mount() -> Option<FatDisk> {
        let have = |tool: &str| {
            Command::new("sh").args(["-c", &format!("command -v {tool}")]).output().is_ok_and(|o| o.status.success())
        };
        if let Some(tool) = ["mkfs.vfat", "fusefat", "fusermount"].into_iter().find(|t| !have(t)) {
            println!("skipped: {tool} is not installed (Debian: dosfstools, fusefat, fuse3)");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let (image, mnt) = (dir.path().join("fat.img"), dir.path().join("mnt"));
        std::fs::File::create(&image).unwrap().set_len(64 << 20).unwrap();
        std::fs::create_dir(&mnt).unwrap();
        let ok = |c: &mut Command| c.output().is_ok_and(|o| o.status.success());
        if !ok(Command::new("mkfs.vfat").args(["-F", "32"]).arg(&image)) {
            println!("skipped: mkfs.vfat failed");
            return None;
        }
        let mounted = ok(Command::new("fusefat").args(["-o", "rw+"]).arg(&image).arg(&mnt));
        let disk = FatDisk { dir };
        if !mounted || !disk.path().join("x").parent().is_some_and(|m| mounts().contains(&m.display().to_string())) {
            println!("skipped: fusefat could not mount a disk image here (no /dev/fuse, or not allowed)");
            return None;
        }
        Some(disk)
    }

    fn path(&self) -> std::path::PathBuf {
        self.dir.path().join("mnt")
    }
}

fn mounts() -> String {
    std::fs::read_to_string("/proc/self/mounts").unwrap_or_default()
}

impl Drop for FatDisk {
    fn drop(&mut self) {
        let mnt = self.path();
        if mounts().contains(&mnt.display().to_string()) {
            let _ = Command::new("fusermount").arg("-u").arg(&mnt).status();
        }
        if mounts().contains(&mnt.display().to_string()) {
            let _ = Command::new("fusermount").arg("-uz").arg(&mnt).status();
        }
    }
}

/// On FAT through `fusefat`: `chmod` is not implemented (ENOSYS) and a
/// Chinese file name is refused (EPERM). A site whose files all have
/// ASCII names is published there; a print folder of Chinese names fails
/// in Chinese, naming the file and the remedy, without a panic.
#[test]
fn an_output_folder_on_a_fat_disk_is_written_or_refused_in_chinese() {
    let Some(disk) = FatDisk::mount() else { return };
    let mnt = disk.path();
    let site = Site::fixture("basic");
    let out = mnt.join("public");
    let build = || site.run(&["build", "--today", "2025-10-15", "--out", out.to_str().unwrap()]);
    // fusefat loses the files of a folder renamed into place: the build
    // says so and publishes nothing, or every file it lists is there.
    let published_whole = |run: Run| {
        if run.code == 0 {
            let manifest = std::fs::read_to_string(out.join(".gongshi-manifest")).unwrap();
            let listed: Vec<&str> = manifest.lines().filter(|l| !l.starts_with('#')).collect();
            assert!(listed.len() > 5 && listed.iter().all(|f| out.join(f).is_file()), "{listed:?}");
        } else {
            run.fails_with(1).stderr_has("丢失").stderr_has("本机磁盘");
            assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        }
    };
    published_whole(build());
    // A second build, over what the first one published.
    site.edit("content/notices/dongtai.md", "九月受理申请", "九月受理申请。");
    published_whole(build());

    let lists = Site::fixture("lists");
    let print = mnt.join("print");
    let run = lists.run(&["build", "--today", "2025-10-15", "--print", print.to_str().unwrap()]);
    run.fails_with(1);
    assert!(run.stderr.contains("这个磁盘不允许这样写（系统错误 1）"), "{}", run.stderr);
    assert!(run.stderr.contains("中文文件名") && run.stderr.contains("本机磁盘"), "{}", run.stderr);
    assert!(!run.stderr.contains("os error") && !run.stderr.contains("panicked"), "{}", run.stderr);
}
