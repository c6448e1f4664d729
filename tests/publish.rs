//! Publishing is one transaction: a build killed at any point of its
//! publish leaves the old site or the new one (checked by content hashes
//! after the next build has opened the folder), two builds at once do not
//! mix, and a lock left by a dead build is taken over.

mod bigsite;
mod common;
use bigsite::{set_version, tree_hash, Version};
use common::{bin, Site};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Temporary and key folders of the spawned builds, owned by the test.
struct Env {
    tmp: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("tmp")).unwrap();
        Env { tmp }
    }

    fn command(&self, site: &Site, args: &[&str]) -> Command {
        let mut c = Command::new(bin());
        c.args(args)
            .current_dir(site.root())
            .env("TMPDIR", self.tmp.path().join("tmp"))
            .env("GONGSHI_KEY_DIR", self.tmp.path().join("key"));
        c
    }

    fn build(&self, site: &Site, v: Version) -> std::process::Output {
        self.command(site, &["build", "--today", v.today()]).output().unwrap()
    }

    /// Starts a build that reports its stages on stderr.
    fn spawn_build(&self, site: &Site, v: Version) -> Child {
        self.command(site, &["build", "--today", v.today()])
            .env("GONGSHI_TIMINGS", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    }

    fn temp_is_empty(&self) {
        let left: Vec<_> =
            std::fs::read_dir(self.tmp.path().join("tmp")).unwrap().flatten().map(|e| e.path()).collect();
        assert!(left.is_empty(), "left in the temporary folder: {left:?}");
    }
}

fn ok(out: &std::process::Output) {
    assert!(
        out.status.success(),
        "build failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Both published folders.
fn hashes(site: &Site) -> ((usize, u64), (usize, u64)) {
    (tree_hash(&site.path("public")), tree_hash(&site.path("print")))
}

/// Reads the child's stderr until a line containing `marker`; false if
/// the child ended first.
fn wait_for_line(child: &mut Child, marker: &str) -> (bool, BufReader<std::process::ChildStderr>) {
    let mut reader = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return (false, reader);
        }
        if line.contains(marker) {
            return (true, reader);
        }
    }
}

/// Opens the folders (undoing an interrupted publish) and stops at once:
/// a template that does not compile fails the build right after.
fn recover(env: &Env, site: &Site, v: Version) {
    site.write("templates/base.html", "{% if %}");
    let out = env.build(site, v);
    // The whole folder: an empty `templates/` would change every list's
    // cache key.
    std::fs::remove_dir_all(site.path("templates")).unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
}

fn no_bookkeeping_left(site: &Site) {
    for dir in ["public", "print"] {
        for name in [".gongshi-publish", ".gongshi-lock"] {
            assert!(!site.path(dir).join(name).exists(), "{dir}/{name} left");
        }
    }
    assert!(!site.path(".gongshi-cache/.gongshi-lock").exists());
}

/// How long a build's publish takes: from its first journal to the last
/// stage mark (its cache written). None if the build did not get there.
fn time_publish(env: &Env, site: &Site, v: Version) -> Option<Duration> {
    let mut child = env.spawn_build(site, v);
    let (seen, mut rest) = wait_for_line(&mut child, "publish: journal written");
    let start = Instant::now();
    let mut line = String::new();
    let mut end = None;
    while seen && rest.read_line(&mut line).unwrap_or(0) > 0 {
        if line.starts_with("[timing] publish:") {
            end = Some(start.elapsed());
        }
        line.clear();
    }
    assert!(child.wait().unwrap().success());
    end
}

/// Kills needed during a publish, and at most how many builds to kill to
/// get them (a kill can land just after a publish has ended).
const KILLS_IN_PUBLISH: u32 = 20;
const MAX_KILLS: u32 = 80;

#[test]
fn a_build_killed_during_publish_leaves_the_old_or_the_new_site() {
    let env = Env::new();
    let site = bigsite::site();
    let started = Instant::now();
    ok(&env.build(&site, Version::A));
    let a = hashes(&site);
    set_version(&site, Version::B);
    // The uninterrupted publishes (the shorter of two: the machine is shared).
    let first = time_publish(&env, &site, Version::B).expect("the build reports its publish");
    let b = hashes(&site);
    assert_ne!(a, b);
    set_version(&site, Version::A);
    let second = time_publish(&env, &site, Version::A).expect("the build reports its publish");
    assert_eq!(hashes(&site), a);
    let mut window = first.min(second);
    eprintln!("a publish takes ≈ {window:?} ({} + {} files)", b.0 .0, b.1 .0);

    let mut current = Version::A;
    let (mut kills, mut interrupted, mut undone, mut split) = (0, 0, 0, 0);
    while interrupted < KILLS_IN_PUBLISH && kills < MAX_KILLS {
        let i = kills;
        kills += 1;
        let target = current.other();
        set_version(&site, target);
        let mut child = env.spawn_build(&site, target);
        let (seen, rest) = wait_for_line(&mut child, "publish: journal written");
        // Different points of the publish, spread evenly (golden ratio).
        let delay = window.mul_f64((f64::from(i) * 0.618_034).fract() * 1.1);
        std::thread::sleep(delay);
        let _ = child.kill();
        let status = child.wait().unwrap();
        drop(rest);
        let mid = site.path("public/.gongshi-publish").exists() || site.path("print/.gongshi-publish").exists();
        interrupted += u32::from(mid && !status.success());
        if status.success() {
            // The publish ended before the kill: aim earlier from now on.
            window = window.min(delay).mul_f64(0.9);
        }
        recover(&env, &site, target);
        // Each folder is one transaction: the old tree or the new one. The
        // print folder is published first, so it may be new while the site
        // is still old; the site is never new while the letters are old.
        let now = hashes(&site);
        let which = |h, ha, hb| match () {
            _ if h == ha => Some(Version::A),
            _ if h == hb => Some(Version::B),
            _ => None,
        };
        let (site_v, print_v) = (which(now.0, a.0, b.0), which(now.1, a.1, b.1));
        let context = format!("kill {i} after {delay:?} ({status}, seen {seen}): now {now:?}, A {a:?}, B {b:?}");
        let site_v = site_v.unwrap_or_else(|| panic!("the site is neither the old nor the new one: {context}"));
        let print_v = print_v.unwrap_or_else(|| panic!("the letters are neither the old nor the new ones: {context}"));
        assert!(site_v == print_v || (site_v == current && print_v == target), "{context}");
        undone += u32::from(mid && site_v == current);
        split += u32::from(site_v != print_v);
        current = site_v;
        no_bookkeeping_left(&site);
    }
    eprintln!(
        "{kills} kills, {interrupted} during a publish, {undone} of them undone, {split} between the two folders; {:?} in all",
        started.elapsed()
    );
    assert!(interrupted >= KILLS_IN_PUBLISH, "only {interrupted} of {kills} kills landed during a publish");

    // The next build completes and publishes its version exactly.
    let next = current.other();
    set_version(&site, next);
    ok(&env.build(&site, next));
    assert_eq!(hashes(&site), if next == Version::A { a } else { b });
    // A page a killed build moved into place never stays behind.
    assert_eq!(site.path("public/lists/2025-qiu/extra/index.html").exists(), next == Version::B);
    env.temp_is_empty();
}

#[test]
fn two_builds_at_once_one_is_refused_and_the_output_stays_whole() {
    let env = Env::new();
    let site = bigsite::site();
    ok(&env.build(&site, Version::A));
    set_version(&site, Version::B);
    let reference = {
        let other = bigsite::site();
        set_version(&other, Version::B);
        ok(&env.build(&other, Version::B));
        hashes(&other)
    };
    let mut first = env.spawn_build(&site, Version::B);
    let (seen, rest) = wait_for_line(&mut first, "[timing] load");
    assert!(seen);
    let second = env.build(&site, Version::B);
    let err = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("另一个 gongshi 进程（进程号 {}", first.id())), "{err}");
    assert!(err.contains("正在构建这个站点") && err.contains("没有改动任何文件"), "{err}");

    // Another site publishing into the same output folder is refused too.
    let small = Site::fixture("basic");
    let out = site.path("public");
    let third = env
        .command(&small, &["build", "--out", out.to_str().unwrap(), "--print", small.path("print").to_str().unwrap()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&third.stderr);
    assert_eq!(third.status.code(), Some(1), "{err}");
    assert!(err.contains("正在构建输出目录") && err.contains(&format!("进程号 {}", first.id())), "{err}");

    assert!(first.wait().unwrap().success());
    drop(rest);
    assert_eq!(hashes(&site), reference);
    no_bookkeeping_left(&site);
    env.temp_is_empty();
}

#[cfg(unix)]
#[test]
fn a_live_lock_is_respected_and_a_dead_one_taken_over() {
    use std::os::unix::io::AsRawFd;
    let env = Env::new();
    let site = Site::fixture("basic");
    ok(&env.command(&site, &["build"]).output().unwrap());
    let lock_path = site.path(".gongshi-cache/.gongshi-lock");

    // Held by a live process (this test, as a build would hold it).
    let file = std::fs::File::create(&lock_path).unwrap();
    std::fs::write(&lock_path, format!("{} 1700000000\n", std::process::id())).unwrap();
    assert_eq!(unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) }, 0);
    let busy = env.command(&site, &["build"]).output().unwrap();
    let err = String::from_utf8_lossy(&busy.stderr);
    assert_eq!(busy.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("进程号 {}", std::process::id())), "{err}");
    drop(file);
    std::fs::remove_file(&lock_path).unwrap();

    // Left by processes that ended without releasing them.
    let mut dead = Command::new("true").spawn().unwrap();
    let pid = dead.id();
    dead.wait().unwrap();
    std::fs::write(&lock_path, format!("{pid} 1700000000\n")).unwrap();
    std::fs::write(site.path("public/.gongshi-lock"), format!("{pid} 1700000000\n")).unwrap();
    let taken = env.command(&site, &["build"]).output().unwrap();
    ok(&taken);
    let err = String::from_utf8_lossy(&taken.stderr);
    assert!(err.contains(&format!("（进程号 {pid}）没有正常结束，已接管它留下的锁")), "{err}");
    assert!(!lock_path.exists() && !site.path("public/.gongshi-lock").exists(), "locks released");
    env.temp_is_empty();
}
