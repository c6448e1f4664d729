#!/usr/bin/env bash
# The whole test suite, from a fresh machine with only Rust on it:
# installs what the tests need, then runs format, lint, the Rust tests,
# the Nu Html Checker and the browser checks on the demo site.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: Chromium and fonts for browser and print tests, poppler
# for counting PDF pages, Java for the Nu Html Checker, Node for the
# browser driver. Installed only when missing, so a second run starts at once.
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdfinfo >/dev/null 2>&1 || need+=(poppler-utils)
[ -d /usr/share/fonts/opentype/noto ] || need+=(fonts-noto-cjk)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
# mingw-w64 links gongshi.exe; Wine runs it (Debian 12: `wine` is the
# launcher, `wine64` the 64-bit loader, enough for a 64-bit exe without i386).
command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || need+=(gcc-mingw-w64-x86-64)
command -v wine >/dev/null 2>&1 || need+=(wine)
# A FAT32 disk image mounted with fusefat, for the output-on-a-U-disk test
# (it is skipped, saying why, where FUSE cannot mount).
command -v mkfs.vfat >/dev/null 2>&1 || need+=(dosfstools)
command -v fusefat >/dev/null 2>&1 || need+=(fusefat)
command -v fusermount >/dev/null 2>&1 || need+=(fuse3)
[ -x /usr/lib/wine/wine64 ] || need+=(wine64)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "error: missing ${need[*]} and cannot install them (needs root and apt-get)" >&2
    exit 1
  fi
fi
# npm packages (playwright-core drives the system Chromium; it downloads no browser).
mkdir -p .cache/node
if ! cmp -s tests/browser/package.json .cache/node/package.json || [ ! -d .cache/node/node_modules/playwright-core ]; then
  echo "==> installing playwright-core, axe-core, vnu-jar into .cache/node"
  cp tests/browser/package.json .cache/node/package.json
  (cd .cache/node && npm install --no-audit --no-fund --silent --loglevel=error)
fi

# The Rust standard library for 64-bit Windows (scripts/windows/build.sh).
if command -v rustup >/dev/null 2>&1 && ! rustup target list --installed | grep -qx x86_64-pc-windows-gnu; then
  echo "==> installing the rustup target x86_64-pc-windows-gnu"
  rustup target add x86_64-pc-windows-gnu
fi

# The S3-compatible server the object-storage tests start themselves
# (s3s-fs serves a folder over the S3 protocol), built from crates.io into
# the ignored .cache/cargo-bin, only when missing. Without it those tests
# fail, saying how to install it.
if [ ! -x .cache/cargo-bin/bin/s3s-fs ]; then
  echo "==> installing s3s-fs (S3 test server) into .cache/cargo-bin"
  cargo install s3s-fs --version 0.14.1 --features binary --locked --root .cache/cargo-bin --target-dir target/s3s-fs-build --quiet
fi

# Folders gongshi makes in the system's temporary folder (check, serve):
# counted now and at the end, where none may be left by this run.
tmp_root="${TMPDIR:-/tmp}"
gongshi_tmp() { { find "$tmp_root" -maxdepth 1 -name 'gongshi-*' 2>/dev/null || true; } | sort; }
tmp_before=$(gongshi_tmp)

echo "==> cargo fmt --check"
cargo fmt --all -- --check
echo "==> structure (imports down the pipeline, no glob imports, short functions)"
python3 scripts/check_structure.py
echo "==> cargo clippy"
cargo clippy --all-targets --quiet -- -D warnings
echo "==> cargo test"
mkdir -p target
cargo test --quiet 2>&1 | tee target/test-output.txt
rust=$(awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i) ~ /^passed;?$/) p += $(i-1); if ($(i) ~ /^failed;?$/) f += $(i-1) } }
     END { printf "%d %d", p, f }' target/test-output.txt)

echo "==> Windows: release zip, gongshi.exe under Wine compared with Linux"
win_status=0
{ bash scripts/windows/build.sh && bash scripts/windows/wine-test.sh; } 2>&1 | tee target/wine-output.txt || win_status=$?
wine=$(awk '/^wine: / { print $2, $4 }' target/wine-output.txt)

echo "==> demo site for the HTML and browser checks"
site=target/demo-site
rm -rf "$site"
cargo run --quiet -- build --today 2025-10-15 --out "$site/public" --print "$site/print" >/dev/null

echo "==> Nu Html Checker"
vnu_passed=0
vnu_failed=0
for dir in "$site/public" "$site/print"; do
  if java -jar .cache/node/node_modules/vnu-jar/build/dist/vnu.jar --errors-only --skip-non-html "$dir"; then
    echo "ok - no HTML errors in $dir"
    vnu_passed=$((vnu_passed + 1))
  else
    echo "not ok - HTML errors in $dir"
    vnu_failed=$((vnu_failed + 1))
  fi
done

echo "==> browser checks (screenshots in tests-output/screenshots)"
browser_status=0
NODE_MODULES_DIR=.cache/node/node_modules node tests/browser/run.mjs "$site/public" tests-output/screenshots | tee target/browser-output.txt || browser_status=$?
browser=$(awk '/^browser: / { print $2, $4 }' target/browser-output.txt)

echo "==> workbench in the browser (screenshots in docs/screenshots)"
workbench_status=0
NODE_MODULES_DIR=.cache/node/node_modules node tests/workbench/run.mjs target/debug/gongshi docs/screenshots target/workbench-browser | tee target/workbench-output.txt || workbench_status=$?
workbench=$(awk '/^workbench: / { print $2, $4 }' target/workbench-output.txt)

echo "==> temporary folders left behind"
tmp_left=$(comm -13 <(echo "$tmp_before") <(gongshi_tmp) | sed '/^$/d')
if [ -z "$tmp_left" ]; then
  echo "ok - no gongshi-* folder left in $tmp_root ($(echo "$tmp_before" | sed '/^$/d' | wc -l) before, $(gongshi_tmp | wc -l) after)"
  tmp_passed=1
  tmp_failed=0
else
  echo "not ok - left in $tmp_root by this run:"
  echo "$tmp_left" | sed 's/^/  /'
  tmp_passed=0
  tmp_failed=1
fi

read -r rp rf <<<"$rust"
read -r bp bf <<<"${browser:-0 1}"
read -r wp wf <<<"${workbench:-0 1}"
read -r winp winf <<<"${wine:-0 1}"
total_passed=$((rp + vnu_passed + bp + wp + winp + tmp_passed))
total_failed=$((rf + vnu_failed + bf + wf + winf + tmp_failed))
echo
echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ] && [ "$browser_status" -eq 0 ] && [ "$workbench_status" -eq 0 ] && [ "$win_status" -eq 0 ]
