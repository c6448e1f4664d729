#!/usr/bin/env python3
"""gongshi benchmarks: builds the synthetic presets and the same content as
Zola and Hugo see it, and prints wall time, CPU time and peak RSS (median of
several runs) with each target of the performance issues. Run through
bench/run.sh, which builds the binaries first. Sites go to tmpfs
(BENCH_DIR) and, for the real-disk figures, to BENCH_DISK_DIR.

Environment: BENCH_DIR (default /dev/shm/gongshi-bench), BENCH_DISK_DIR
(default target/bench-disk in this repository: the machine's own disk, not
tmpfs), RUNS (default 5), BENCH_PAUSE (seconds before each run, default
3: see PAUSE), ZOLA=path to a zola command (a release build of
Zola 0.22 from its source is the fair peer; without ZOLA, run.sh falls back
to Zola 0.22.0 from npm through bench/zola.sh, and every ratio says so),
ZOLA=none skips it; HUGO (default: hugo on PATH); PRESETS (default
"demo county pages biglist province growth reader publish audit").

`publish` publishes the province preset to a local S3 server, s3s-fs from
.cache/cargo-bin, see bench/publish.py. `audit` is the province laid out
for the county's checks (synth --audit): the full build with every check
on, against the same site with every check off (synth --audit-off).
`growth` builds 1k, 10k and 100k pages and one list of 10k, 100k and 1M
rows and prints the factor of each step. `reader` prints what a phone
downloads: the home page and a policy page, gzip-compressed.

Zola's times have its start-up subtracted: the median wall time of
`zola --version`. For the npm build that is starting node and loading the
module (about 0.1 s); for a native binary it is a few milliseconds."""
import os, re, shutil, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GONGSHI = os.path.join(ROOT, "target/release/gongshi")
SYNTH = os.path.join(ROOT, "target/release/examples/synth")
BENCH = os.environ.get("BENCH_DIR", "/dev/shm/gongshi-bench")
DISK = os.environ.get("BENCH_DISK_DIR", os.path.join(ROOT, "target/bench-disk"))
RUNS = int(os.environ.get("RUNS", "5"))
# Seconds between the end of one run and the start of the next. A person
# rebuilds seconds after the last build; on this machine (a VM that hands
# freed memory back to its host) a build right after another reused the
# pages just freed and was up to twice as fast as the same build after a
# pause. 0 measures back to back, as rounds before 2026-11-24 did.
PAUSE = float(os.environ.get("BENCH_PAUSE", "3"))
TODAY = "2025-10-15"
results = []  # (target, measured text, ok)


def run_once(cmd, cwd=None, pause=None):
    """Wall seconds, CPU seconds and peak RSS (MiB) of one run of cmd,
    started `pause` (default PAUSE) seconds after whatever ran before."""
    time.sleep(PAUSE if pause is None else pause)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{err[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def measure(label, cmd, before=None, cwd=None, runs=RUNS, pause=None):
    samples = []
    for _ in range(runs):
        if before:
            before()
        samples.append(run_once(cmd, cwd, pause))
    wall = statistics.median(s[0] for s in samples)
    cpu = statistics.median(s[1] for s in samples)
    rss = max(s[2] for s in samples)
    print(f"  {label:<44} wall {wall:7.3f} s   cpu {cpu:7.3f} s   peak RSS {rss:7.1f} MiB   (median of {runs})")
    return wall, cpu, rss


def clean(site):
    def go():
        for d in ("public", "print", ".gongshi-cache"):
            shutil.rmtree(os.path.join(site, d), ignore_errors=True)
    return go


def drop_stamp(site):
    def go():
        try:
            os.remove(os.path.join(site, ".gongshi-cache/build-stamp.json"))
        except FileNotFoundError:
            pass
    return go


def touch_notice(site):
    path = os.path.join(site, "content/notices/n0.md")
    def go():
        with open(path, encoding="utf-8") as f:
            text = f.read()
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace("资助工作动态第0期", "资助工作动态第零期") if "第0期" in text else text.replace("资助工作动态第零期", "资助工作动态第0期"))
    return go


def target(name, value, limit, unit="s"):
    ok = value <= limit
    results.append((name, f"{value:.3f} {unit} (target ≤ {limit:g} {unit})", ok))


def generate(preset, peers=False, flag=None, where=None):
    site = os.path.join(where or BENCH, preset + (flag or "").replace("=", ""))
    if not os.path.isdir(site):
        extra = (["--peers"] if peers else []) + ([flag] if flag else [])
        subprocess.run([SYNTH, preset, site, "1"] + extra, check=True, stdout=subprocess.DEVNULL)
    return site


def filesystem(path):
    """The file system type of path's mount (tmpfs, ext4, ...)."""
    out = subprocess.run(["findmnt", "-n", "-o", "FSTYPE", "-T", path], capture_output=True, text=True)
    return out.stdout.strip() or "?"


def build(site):
    return [GONGSHI, "build", "--root", site, "--today", TODAY]


def peers(site, label):
    """Peer tools on the same content; returns {name: wall}."""
    out = {}
    hugo = shutil.which(os.environ.get("HUGO", "hugo"))
    if hugo and os.path.isdir(site + "-hugo"):
        dest = os.path.join(BENCH, label + "-hugo-out")
        out["hugo"] = measure(f"hugo ({label})", [hugo, "--quiet", "-s", site + "-hugo", "-d", dest], before=lambda: shutil.rmtree(dest, ignore_errors=True))[0]
    zola = zola_command()
    if zola and os.path.isdir(site + "-zola"):
        dest = os.path.join(BENCH, label + "-zola-out")
        wall = measure(f"zola ({label})", [zola, "build", "-o", dest, "--force"], cwd=site + "-zola", before=lambda: shutil.rmtree(dest, ignore_errors=True))[0]
        if not os.path.isfile(os.path.join(dest, "index.html")):
            sys.exit(f"zola wrote no {dest}/index.html")
        out["zola"] = wall - zola_startup(zola)
        print(f"  {'zola without its start-up':<44} wall {out['zola']:7.3f} s")
    return out


def zola_command():
    zola = os.environ.get("ZOLA", "")
    return zola if zola and zola != "none" else None


def zola_kind():
    """How the Zola being measured was built, printed next to each ratio."""
    zola = zola_command()
    if not zola:
        return "no zola"
    version = subprocess.run([zola, "--version"], capture_output=True, text=True).stdout.strip()
    with open(zola, "rb") as f:
        script = f.read(2) == b"#!"
    return f"{version}, " + ("npm module, node start-up subtracted" if script else "native build")


_startup = {}


def zola_startup(zola):
    """Median wall time of `zola --version`, measured once."""
    if zola not in _startup:
        _startup[zola] = measure("zola start-up (zola --version)", [zola, "--version"])[0]
    return _startup[zola]


# Zola's time as a share of Hugo's, from the figures the performance issue
# quotes for this machine (Zola 2.8 s / Hugo 3.9 s for 10,000 pages, 0.85 s /
# 2.4 s for the table page). Used only when Zola could not be run, and
# printed as an estimate, never as a measurement.
ZOLA_PER_HUGO_PAGES = 2.8 / 3.9
ZOLA_PER_HUGO_TABLE = 0.85 / 2.4


def compare(what, ours, peer_walls, zola_per_hugo, share):
    """Ratios to each measured peer; the Zola target (at most 1/share of
    Zola's time) against a measured Zola, or else an estimate from Hugo."""
    for name, wall in peer_walls.items():
        ok = ours <= wall / share if name == "zola" else True
        text = f"{ours:.3f} s / {wall:.3f} s = {ours / wall:.2f}"
        if name == "zola":
            text += f" (target ≤ {1 / share:.2f}; {zola_kind()})"
        results.append((f"{what}: gongshi / {name}", text, ok))
    if "zola" not in peer_walls and "hugo" in peer_walls:
        zola = peer_walls["hugo"] * zola_per_hugo
        text = f"{ours:.3f} s / ~{zola:.3f} s = {ours / zola:.2f} (target ≤ {1 / share:.2f}; ESTIMATE, no zola binary)"
        results.append((f"{what}: gongshi / zola (est.)", text, "est. ok" if ours <= zola / share else "est. MISS"))


def main():
    os.makedirs(BENCH, exist_ok=True)
    presets = os.environ.get("PRESETS", "demo county pages biglist province growth reader publish audit").split()
    print(f"gongshi benchmarks in {BENCH}, {os.cpu_count()} cores, {PAUSE:g} s between runs (BENCH_PAUSE)")
    if "demo" in presets:
        site = os.path.join(BENCH, "demo")
        shutil.rmtree(site, ignore_errors=True)
        skip = {"target", ".git", ".cache", "public", "print", ".gongshi-cache", "tests-output", "tests"}
        shutil.copytree(ROOT, site, ignore=lambda d, names: [n for n in names if d == ROOT and n in skip])
        notice = os.path.join(site, "content/notices/2025-qiuji-zijin-fafang.md")
        def touch_demo():
            with open(notice, encoding="utf-8") as f:
                text = f.read()
            with open(notice, "w", encoding="utf-8") as f:
                f.write(text.replace("已全部发放", "已全部发放完毕") if "发放完毕" not in text else text.replace("发放完毕", "发放"))
        print("demo site (this repository: 6 policies, 7 explainers, 4 notices, 8 lists, 91 letters)")
        measure("full build (clean output and cache)", build(site), before=clean(site))
        measure("rebuild after editing one notice", build(site), before=touch_demo)
    if "county" in presets:
        county(generate("county"), "tmpfs")
        os.makedirs(DISK, exist_ok=True)
        site = generate("county", where=DISK)
        county(site, filesystem(site), targets=True)
    if "pages" in presets:
        site = generate("pages", peers=True)
        print("10,000 Markdown pages of about 2 KB")
        ours = measure("gongshi", build(site), before=clean(site))[0]
        compare("10,000 pages", ours, peers(site, "pages"), ZOLA_PER_HUGO_PAGES, 4)
    if "biglist" in presets:
        site = generate("biglist", peers=True)
        print("one list of 100,000 rows")
        ours = measure("gongshi (whole site with the list)", build(site), before=clean(site))[0]
        compare("100,000-row list page", ours, peers(site, "biglist"), ZOLA_PER_HUGO_TABLE, 10)
        quoted_list(site)
    if "province" in presets:
        site = generate("province")
        print("province (2,000 pages, 20,000 lists, 2,000,000 recipients, no letters)")
        wall, _, rss = measure("full build (clean output and cache)", build(site), before=clean(site), runs=max(1, RUNS // 2 + 1))
        unchanged = measure("rebuild, nothing changed", build(site), runs=max(1, RUNS // 2 + 1))[0]
        measure("rebuild, nothing changed, stamp removed", build(site), before=drop_stamp(site), runs=max(1, RUNS // 2 + 1))
        target("province full build", wall, 2)
        target("province peak RSS", rss, 256, "MiB")
        target("province rebuild, nothing changed", unchanged, 0.5)
    if "growth" in presets:
        growth()
    if "reader" in presets:
        reader()
    if "publish" in presets:
        publish_bench()
    if "audit" in presets:
        on, off = generate("province", flag="--audit"), generate("province", flag="--audit-off")
        print("province for the county's checks (20,000 lists, 2,000,000 rows; 85% of autumn students continue from spring)")
        runs = max(1, RUNS // 2 + 1)
        # Alternating runs: the machine is shared, and its load drifts.
        walls, cpus, rss = {"off": [], "on": []}, {"off": [], "on": []}, {"off": 0.0, "on": 0.0}
        for _ in range(runs):
            for name, site in (("off", off), ("on", on)):
                clean(site)()
                wall, cpu, peak = run_once(build(site))
                walls[name].append(wall)
                cpus[name].append(cpu)
                rss[name] = max(rss[name], peak)
        w = {k: statistics.median(v) for k, v in walls.items()}
        c = {k: statistics.median(v) for k, v in cpus.items()}
        for name, label in (("off", "every check off"), ("on", "every check on (report to print/审核/)")):
            print(f"  {label:<44} wall {w[name]:7.3f} s   cpu {c[name]:7.3f} s   peak RSS {rss[name]:7.1f} MiB   (median of {runs})")
        print(f"  {'cpu, checks on / checks off':<44} {c['on'] / c['off']:.2f}")
        target("province, checks on / checks off (wall)", w["on"] / w["off"], 1.25, "x")
        rss = rss["on"]
        target("province with checks, peak RSS", rss, 2048, "MiB")
    print("\ntargets")
    for name, text, ok in results:
        mark = ok if isinstance(ok, str) else ("ok" if ok else "MISS")
        print(f"  {mark:<9} {name:<42} {text}")


def county(site, fs, targets=False):
    """The county preset's full build and rebuilds on one file system."""
    print(f"county (300 pages, 400 lists, 50,000 recipients, 50,000 letters) on {fs}: {site}")
    full = measure("full build (clean output and cache)", build(site), before=clean(site))[0]
    measure("rebuild, nothing changed", build(site))
    unchanged = measure("rebuild, nothing changed", build(site))[0]
    # The same without the build stamp: what every rebuild that changed
    # something pays before its own work (the list cache, the guards).
    measure("rebuild, nothing changed, stamp removed", build(site), before=drop_stamp(site))
    touched = measure("rebuild after editing one notice", build(site), before=touch_notice(site))[0]
    if PAUSE:
        measure("the same, back to back (no pause)", build(site), before=touch_notice(site), pause=0)
    if targets:
        target(f"county full build incl. 50,000 letters ({fs})", full, 1.0)
        target(f"county rebuild after one notice ({fs})", touched, 0.08)
        target(f"county rebuild, nothing changed ({fs})", unchanged, 0.08)


def quoted_list(plain):
    """The 100,000-row list with Excel's quoting on one row in ten, against
    the same list unquoted, in alternating runs."""
    quoted = generate("biglist", flag="--quoted")
    walls = {"plain": [], "quoted": []}
    for _ in range(RUNS):
        for name, site in (("plain", plain), ("quoted", quoted)):
            clean(site)()
            walls[name].append(run_once(build(site))[0])
    w = {k: statistics.median(v) for k, v in walls.items()}
    print(f"  {'quoted (1 row in 10) / unquoted':<44} {w['quoted']:.3f} s / {w['plain']:.3f} s   (median of {RUNS}, alternating)")
    target("100,000-row list, quoted / unquoted", w["quoted"] / w["plain"], 1.2, "x")


def growth():
    """Build time at each size step and the factor from the step before
    (linear growth: 10x the input, at most 10x the time)."""
    steps = [("pages", f"--notices={n}", f"{n:,} pages") for n in (1_000, 10_000, 100_000)]
    steps += [("biglist", f"--rows={n}", f"one list of {n:,} rows") for n in (10_000, 100_000, 1_000_000)]
    print("growth: full builds at each size")
    last = {}
    for preset, flag, label in steps:
        site = generate(preset, flag=flag)
        wall = measure(label, build(site), before=clean(site), runs=max(1, RUNS // 2 + 1))[0]
        if preset in last:
            factor = wall / last[preset][1]
            results.append((f"growth: {last[preset][0]} -> {label}", f"{factor:.2f}x for 10x the input", factor <= 10))
        last[preset] = (label, wall)
        shutil.rmtree(site, ignore_errors=True)


def reader():
    """What a reader's phone downloads for the home page and a policy page of
    the county site, compressed as a web server sends it; no script needed."""
    import gzip
    site = generate("county")
    if not os.path.isfile(os.path.join(site, "public/index.html")):
        subprocess.run(build(site), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print("reader side (county site, gzip level 6 as nginx's default; the page and its")
    print("render-blocking stylesheets; scripts are deferred and not needed to read)")
    public = os.path.join(site, "public")
    for label, rel in (("home page", "index.html"), ("a policy page", "policies/p0/index.html")):
        with open(os.path.join(public, rel), "rb") as f:
            raw = f.read()
        parts = [raw]
        for href in re.findall(rb'<link rel="stylesheet" href="/([^"]+)"(?! media="print")', raw):
            with open(os.path.join(public, href.decode()), "rb") as f:
                parts.append(f.read())
        sizes = [len(gzip.compress(p, 6)) / 1024 for p in parts]
        blocking = re.findall(rb"<script src=[^>]*>", raw)
        if any(b"defer" not in tag and b"async" not in tag for tag in blocking):
            results.append((f"reader: {label}", "a script blocks rendering", False))
        print(f"  {label:<44} {len(raw) / 1024:7.1f} KB, {sizes[0]:5.1f} KB gzip; with stylesheets {sum(sizes):5.1f} KB")
        target(f"reader: {label} + stylesheets, compressed", sum(sizes), 14, "KB")


def publish_bench():
    import publish
    publish.run(generate("province"), BENCH, GONGSHI, target)


if __name__ == "__main__":
    main()
