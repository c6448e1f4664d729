#!/usr/bin/env bash
# gongshi.exe under Wine, compared with the Linux build of the same source
# byte for byte (called by scripts/test.sh after scripts/windows/build.sh):
#   - the demo site with a fixed --today: public/ and print/ identical;
#   - the demo in a folder whose path has Chinese characters and spaces;
#   - the demo with CRLF line endings in every content file and CSV;
#   - the demo in a folder whose path is longer than 260 characters;
#   - a data file held open with no sharing (as Excel and WPS hold one):
#     the Chinese message that says to close it, with the path in `\`;
#   - the site's build lock held by another process: refused, then taken.
# Prints `ok - …` / `not ok - …` and ends with `wine: N passed, M failed`.
#
# Wine 8 (Debian 12) lacks bcryptprimitives.dll, which Rust's standard
# library imports; tests/windows/bcryptprimitives.c is a stand-in built here
# and put beside the test copy of gongshi.exe only. Wine's prefix lives in
# target/wine/ (ignored), and so does the temporary folder (TMPDIR), where
# Wine's server keeps its socket; no display is used; the Wine server is
# stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
zip=dist/gongshi-windows-x64.zip
linux=target/debug/gongshi
today=2025-10-15
[ -f "$zip" ] || { echo "error: $zip missing: run scripts/windows/build.sh first" >&2; exit 1; }
cargo build --quiet

work=$root/target/wine
export WINEPREFIX=$work/prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" WINEARCH=win64
unset DISPLAY WAYLAND_DISPLAY
# Wine keeps its server's socket in a folder of the temporary folder:
# this run's temporary folder is its own, removed at the end.
export TMPDIR=$work/tmp
rm -rf "$work/bin" "$work/sites" "$TMPDIR"
mkdir -p "$work/bin" "$work/sites" "$TMPDIR"

cleanup() {
  wineserver -k >/dev/null 2>&1 || true
  wineserver -w >/dev/null 2>&1 || true
  rm -rf "$TMPDIR"
}
trap cleanup EXIT

passed=0
failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $1"; failed=$((failed + 1)); }

# The exe exactly as shipped, from the zip.
python3 -c 'import sys, zipfile; open(sys.argv[2], "wb").write(zipfile.ZipFile(sys.argv[1]).read("gongshi.exe"))' "$zip" "$work/bin/gongshi.exe"
x86_64-w64-mingw32-gcc -O2 -shared -o "$work/bin/bcryptprimitives.dll" tests/windows/bcryptprimitives.c -ladvapi32
x86_64-w64-mingw32-gcc -O2 -municode -o "$work/bin/hold.exe" tests/windows/hold.c
if [ ! -f "$WINEPREFIX/system.reg" ]; then
  echo "==> making the Wine prefix in $WINEPREFIX"
  wineboot --init >/dev/null 2>&1 || true
fi

# A copy of the demo site's sources at $1, with an attachment in static/
# under a folder named with Chinese and a space (its URL must come out
# with `/` on Windows too).
demo_copy() {
  mkdir -p "$1/static/附件 材料/2025"
  cp -a site-config.toml content themes "$1/"
  printf '学生资助政策问答\n家庭经济困难学生可以申请国家助学金。\n' >"$1/static/附件 材料/2025/问答.txt"
}

# gongshi.exe under Wine in folder $1 with the remaining arguments; its
# output goes to $1.out (both streams), its exit code is returned.
win_gongshi() {
  local dir=$1
  shift
  (cd "$dir" && wine "$work/bin/gongshi.exe" "$@") >"$dir.out" 2>&1
}

# Both output folders of $1 identical to the Linux build's.
same_output() {
  local what=$1 dir=$2
  if diff -r "$work/sites/linux/public" "$dir/public" >"$dir.diff" && diff -r "$work/sites/linux/print" "$dir/print" >>"$dir.diff"; then
    ok "$what: public/ and print/ byte-identical to the Linux build ($(find "$dir/public" "$dir/print" -type f | wc -l) files)"
  else
    not_ok "$what: output differs from the Linux build"
    head -20 "$dir.diff" | sed 's/^/  /'
  fi
}

# gongshi.exe build with the remaining arguments, run in folder $3; then
# the output folders of the site in $2 compared with the Linux build's.
build_same() {
  local what=$1 site=$2 dir=$3
  shift 3
  if win_gongshi "$dir" build --today "$today" "$@"; then
    same_output "$what" "$site"
  else
    not_ok "$what: gongshi.exe build failed"
    sed 's/^/  /' "$dir.out" | head -20
  fi
}

echo "==> the release zip"
if python3 - "$zip" <<'PY'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = z.namelist()
text = z.read("使用说明.txt")
lines = text.split(b"\n")
assert names[:2] == ["gongshi.exe", "使用说明.txt"], names[:2]
assert text.startswith(b"\xef\xbb\xbf") and all(l.endswith(b"\r") for l in lines[:-1]), "使用说明.txt: BOM and CRLF"
assert "示例站点/site-config.toml" in names and any(n.startswith("示例站点/content/lists/") for n in names), names
assert not [n for n in names if n.lower().endswith(".dll")], "no DLL (the shim is for tests only)"
assert z.getinfo("gongshi.exe").file_size < 40 << 20, "stripped exe"
PY
then
  ok "the zip holds gongshi.exe, 使用说明.txt (BOM, CRLF) and 示例站点/, no DLL"
else
  not_ok "the zip's contents"
fi

echo "==> the demo site on Linux (reference)"
demo_copy "$work/sites/linux"
(cd "$work/sites/linux" && "$root/$linux" build --today "$today" --out public --print print >/dev/null 2>&1)

echo "==> gongshi.exe under Wine"
# (Wine's own services may report a crash of theirs on a first start
# without a display: only gongshi's line counts.)
if win_gongshi "$work/bin" --version && grep -q '^gongshi [0-9]' "$work/bin.out"; then
  ok "gongshi.exe runs under Wine: $(grep -m1 '^gongshi [0-9]' "$work/bin.out" | tr -d '\r')"
else
  not_ok "gongshi.exe does not run under Wine"
  sed 's/^/  /' "$work/bin.out" | head -20
fi

demo_copy "$work/sites/demo"
build_same "demo" "$work/sites/demo" "$work/sites/demo" --out public --print print

spaced="$work/sites/资助 站点 一"
demo_copy "$spaced"
build_same "a site in a folder with Chinese characters and spaces" "$spaced" "$spaced"
# `schedule` there: the Task Scheduler files and what it prints name the
# site in Windows' own shape (`\`, no `\\?\`), and no Linux steps.
if win_gongshi "$spaced" schedule \
  && grep -qF "双击 Z:${spaced//\//\\}\\schedule\\install-windows-task.bat" "$spaced.out" \
  && ! grep -qF -e systemctl -e '\\?\' "$spaced.out" \
  && iconv -f UTF-16 -t UTF-8 "$spaced/schedule/gongshi-publish.xml" | grep -qF "<WorkingDirectory>Z:${spaced//\//\\}</WorkingDirectory>"; then
  ok "schedule names the site with \\ in its message and in the Task Scheduler XML"
else
  not_ok "schedule: paths not in Windows' shape"
  sed 's/^/  /' "$spaced.out" | head -20
fi

crlf="$work/sites/crlf"
demo_copy "$crlf"
n=0
while IFS= read -r -d '' f; do
  LC_ALL=C sed -i 's/\r*$/\r/' "$f"
  n=$((n + 1))
done < <(find "$crlf/content" "$crlf/site-config.toml" -type f \( -name '*.md' -o -name '*.csv' -o -name '*.toml' -o -name '*.txt' \) -print0)
if [ "$(grep -c $'\r$' "$crlf/site-config.toml")" -gt 0 ]; then
  build_same "CRLF in $n content, CSV and config files" "$crlf" "$crlf"
else
  not_ok "CRLF content files: site-config.toml was not converted"
fi

# Windows itself refuses a working folder longer than 260 characters, so
# the site is named with --root from above it; its files' paths (the site's
# own and those written into public/ and print/) are all over 260.
long="$work/sites/long"
while [ ${#long} -lt 300 ]; do long="$long/很长的文件夹名称-long-folder-name"; done
demo_copy "$long"
build_same "a site at a path of ${#long} characters (over Windows' 260)" "$long" "$work/sites" --root "${long#"$work/sites/"}"

# The remaining arguments (a command) run while hold.exe
# (tests/windows/hold.c) holds the file $2 of $held in mode $1 (share:
# opened sharing nothing, as Excel does; lock: locked with LockFileEx);
# `held_pid` is hold.exe's Windows process id meanwhile, `status` the
# command's exit code, or 99 when the file could not be held.
while_held() {
  local mode=$1 file=$2 holder
  shift 2
  rm -f "$held.ready"
  (cd "$held" && wine "$work/bin/hold.exe" "$mode" "$file" "../held.ready") >/dev/null 2>&1 &
  holder=$!
  for _ in $(seq 300); do [ -s "$held.ready" ] && break; sleep 0.1; done
  status=99
  if [ -s "$held.ready" ]; then
    held_pid=$(tr -dc 0-9 <"$held.ready")
    status=0
    "$@" || status=$?
  fi
  rm -f "$held.ready"
  wait "$holder" || true
}

echo "==> a data file held open by another program"
held="$work/sites/held"
demo_copy "$held"
data="content/lists/2025-qiu/yizhong-zhuxuejin/$(sed -n 's/^data *= *"\(.*\)"/\1/p' "$held/content/lists/2025-qiu/yizhong-zhuxuejin/index.md")"
while_held share "$data" win_gongshi "$held" check --today "$today"
want="文件 ${data//\//\\} 正被其他程序（如 Excel 或 WPS）打开，请先关闭它再试。"
if [ "$status" = 1 ] && grep -qF "$want" "$held.out" && grep -qF "错误：${data//\//\\}：" "$held.out"; then
  ok "a data file held open: exit 1, the file named with \\ and “$want”"
else
  not_ok "a data file held open: exit $status, expected “$want”"
  sed 's/^/  /' "$held.out" | head -20
fi
if win_gongshi "$held" check --today "$today"; then
  ok "the same file closed again: check passes"
else
  not_ok "the same file closed again: check fails"
  sed 's/^/  /' "$held.out" | head -20
fi

echo "==> the site's build lock held by another process"
mkdir -p "$held/.gongshi-cache"
while_held lock .gongshi-cache/.gongshi-lock win_gongshi "$held" build --today "$today"
if [ "$status" = 1 ] && grep -qF "正在构建这个站点，这次构建没有开始" "$held.out" && [ ! -e "$held/public" ]; then
  ok "a build while the site's lock is held: refused, nothing written"
else
  not_ok "a build while the site's lock is held: exit $status"
  sed 's/^/  /' "$held.out" | head -20
fi
build_same "the lock released: the next build" "$held" "$held"

echo "==> a file in public/ held open by another program"
attachment="public/附件 材料/2025/问答.txt"
echo "改过的内容" >>"$held/static/附件 材料/2025/问答.txt"
while_held share "$attachment" win_gongshi "$held" build --today "$today"
want="文件 .\\${attachment//\//\\} 正被其他程序（如 Excel 或 WPS）打开，请先关闭它再试。"
if [ "$status" = 1 ] && grep -qF "$want" "$held.out" && ! grep -q "改过的内容" "$held/$attachment"; then
  ok "an output file held open: the build stops with “$want”, the site as it was"
else
  not_ok "an output file held open: exit $status, expected “$want”"
  sed 's/^/  /' "$held.out" | head -20
fi

echo "==> check's temporary folders left by ended processes"
# `check` works in %TEMP%\gongshi-check-<pid>-XXXXXX and first removes such
# folders whose process has ended (by OpenProcess, src/output/lock.rs).
temp=$(winepath -u "$(wine cmd /c echo %TEMP% 2>/dev/null | tr -d '\r')" 2>/dev/null || true)
temp=${temp%/}
case "$temp" in
  "$WINEPREFIX"/*) ;;
  *) echo "error: Wine's %TEMP% ($temp) is not inside $WINEPREFIX" >&2; exit 1 ;;
esac
stale_check() {
  mkdir -p "$temp/gongshi-check-$held_pid-running" "$temp/gongshi-check-4000000-ended"
  win_gongshi "$held" check --today "$today"
}
while_held share scratch.txt stale_check
if [ "$status" = 0 ] && [ -d "$temp/gongshi-check-$held_pid-running" ] && [ ! -e "$temp/gongshi-check-4000000-ended" ]; then
  ok "check removes the temporary folder of an ended process and keeps a running one's"
else
  not_ok "temporary folders of other processes: exit $status; left: $(ls "$temp" | grep gongshi- | tr '\n' ' ')"
  sed 's/^/  /' "$held.out" | head -20
fi
rm -rf "${temp:?}"/gongshi-check-*

echo "wine: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
