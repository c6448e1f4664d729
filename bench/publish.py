"""Publishing the province preset (2,000 pages, 20,000 lists) to a local
S3-compatible server (s3s-fs, installed by scripts/test.sh into
.cache/cargo-bin), as the performance issue asks:

1. first publish on 2025-10-15 (10,000 autumn lists active): every object;
2. the same publish again, nothing changed: 0 objects, target <= 3 s;
3. 2025-10-24: the autumn lists have ended (their pages become notices)
   and 100 lists moved to 2025-10-20..24 are active;
4. 2025-10-25: those 100 lists end. Only their pages and the indexes may
   change: checked against the files whose bytes changed in public/.

The bench copy of the site is `<BENCH>/province-publish`; the bucket lives
in `<BENCH>/s3`, both removed at the start of a run."""
import hashlib, os, re, shutil, socket, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
S3S = os.environ.get("GONGSHI_S3S_FS", os.path.join(ROOT, ".cache/cargo-bin/bin/s3s-fs"))
KEY, SECRET = "bench-key", "bench-secret-0123456789"
MOVED = 100


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data):
    port = free_port()
    proc = subprocess.Popen([S3S, "--host", "127.0.0.1", "--port", str(port), "--access-key", KEY, "--secret-key", SECRET, data],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 15
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, port
        except OSError:
            time.sleep(0.05)
    proc.kill()
    sys.exit("s3s-fs did not start")


def publish(gongshi, site, today, timings=False):
    env = dict(os.environ, GONGSHI_S3_ACCESS_KEY=KEY, GONGSHI_S3_SECRET_KEY=SECRET)
    if timings:
        env["GONGSHI_TIMINGS"] = "1"
    start = time.perf_counter()
    out = subprocess.run([gongshi, "publish", "--root", site, "--today", today], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if out.returncode != 0:
        sys.exit(f"publish {today} failed:\n{out.stdout}\n{out.stderr[-3000:]}")
    if timings:
        # Where the time went: the build's stages summed, then publishing's.
        marks = re.findall(r"\[timing\] ([^:]+(?:: [a-z ]+)?): ([\d.]+) ms", out.stderr)
        build = sum(float(ms) for name, ms in marks if not name.startswith(("publish: ", "s3: ")))
        rest = ", ".join(f"{name} {float(ms):.0f} ms" for name, ms in marks if name.startswith(("publish: ", "s3: ")))
        print(f"      (build {build:.0f} ms; {rest})")
    m = re.search(r"上传 (\d+) 个对象，未变 (\d+) 个，删除 (\d+) 个", out.stdout)
    if not m:
        sys.exit(f"no upload summary in:\n{out.stdout}")
    return wall, tuple(int(x) for x in m.groups())


def hashes(public):
    out = {}
    for dirpath, _, files in os.walk(public):
        for f in files:
            p = os.path.join(dirpath, f)
            rel = os.path.relpath(p, public).replace(os.sep, "/")
            if rel.startswith(".gongshi") or rel == ".htaccess":
                continue
            with open(p, "rb") as fh:
                out[rel] = hashlib.blake2b(fh.read(), digest_size=16).hexdigest()
    return out


def is_index(key):
    depth = key.count("/")
    return depth == 0 or (depth == 1 and key.endswith("/index.html")) or key == "search/index.json" \
        or key.split("/")[0] in ("programmes", "stages")


def run(province, bench, gongshi, target):
    if not os.path.exists(S3S):
        print(f"publish: {S3S} missing; install it with bash scripts/test.sh; skipped")
        return
    site = os.path.join(bench, "province-publish")
    data = os.path.join(bench, "s3")
    shutil.rmtree(site, ignore_errors=True)
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(province, site, ignore=shutil.ignore_patterns("public", "print", ".gongshi-cache"))
    os.makedirs(os.path.join(data, "zizhu"))
    # 100 spring lists moved to 2025-10-20 (five working days: to 10-24).
    moved = []
    for l in range(1, 2 * MOVED, 2):
        [d] = [d for d in os.listdir(os.path.join(site, "content/lists/2025-chun")) if d.startswith(f"s{l}-")]
        path = os.path.join(site, "content/lists/2025-chun", d, "index.md")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace("publicity_start = 2025-03-10", "publicity_start = 2025-10-20"))
        moved.append(f"lists/2025-chun/{d}/")
    proc, port = start_server(data)
    try:
        with open(os.path.join(site, "site-config.toml"), "a", encoding="utf-8") as f:
            f.write(f'\n[[publish]]\nname = "oss"\ns3 = {{ endpoint = "http://127.0.0.1:{port}", bucket = "zizhu", prefix = "site" }}\n')
        print(f"publish: province preset to s3s-fs on 127.0.0.1:{port}")
        wall, (up, same, gone) = publish(gongshi, site, "2025-10-15")
        print(f"  {'first publish (2025-10-15)':<44} wall {wall:7.3f} s   uploaded {up}, unchanged {same}, deleted {gone}")
        runs = []
        for _ in range(3):
            runs.append(publish(gongshi, site, "2025-10-15", timings=True))
        wall = statistics.median(r[0] for r in runs)
        ups = [r[1][0] for r in runs]
        print(f"  {'second publish, nothing changed':<44} wall {wall:7.3f} s   uploaded {ups} (median of 3)")
        builds = []
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run([gongshi, "build", "--root", site, "--today", "2025-10-15"], capture_output=True, check=True)
            builds.append(time.perf_counter() - start)
        build = statistics.median(builds)
        print(f"  {'  of which a build, nothing changed':<44} wall {build:7.3f} s   (gongshi build alone, median of 3)")
        target("province publish, nothing changed", wall, 3)
        target("  objects uploaded by it", max(ups), 0, "objects")
        wall, (up, same, gone) = publish(gongshi, site, "2025-10-24")
        print(f"  {'2025-10-24: 10,000 lists ended, 100 active':<44} wall {wall:7.3f} s   uploaded {up}, unchanged {same}, deleted {gone}")
        before = hashes(os.path.join(site, "public"))
        wall, (up, same, gone) = publish(gongshi, site, "2025-10-25")
        after = hashes(os.path.join(site, "public"))
        changed = sorted(k for k in after if before.get(k) != after[k])
        removed = sorted(k for k in before if k not in after)
        lists = [k for k in changed if any(k.startswith(m) for m in moved)]
        other = [k for k in changed if k not in lists and not is_index(k)]
        print(f"  {'2025-10-25: the 100 lists end':<44} wall {wall:7.3f} s   uploaded {up}, unchanged {same}, deleted {gone}")
        print(f"      changed in public/: {len(lists)} pages of the ended lists, {len(changed) - len(lists) - len(other)} indexes, {len(other)} other; removed {len(removed)}")
        target("100 lists end: objects uploaded", up, len(changed), "objects")
        target("100 lists end: other pages changed", len(other), 0, "pages")
        if other:
            print("      other:", other[:10])
    finally:
        proc.kill()
        proc.wait()
