#!/usr/bin/env bash
# The Windows release: gongshi.exe for 64-bit Windows, cross-built on this
# Linux machine with mingw-w64, packed as dist/gongshi-windows-x64.zip with
# 使用说明.txt (CRLF, UTF-8 with BOM) and a small example site (what
# `gongshi init` writes). Never the test-only bcryptprimitives.dll shim.
#
# Needs the rustup target x86_64-pc-windows-gnu and Debian's
# gcc-mingw-w64-x86-64; scripts/test.sh installs both when missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
target=x86_64-pc-windows-gnu
# The linker for this one target, set here rather than in a
# .cargo/config.toml: the script is the one place that cross-builds, and a
# config file would apply to every cargo run in the repository (and to
# developers on Windows, whose own toolchain needs no such setting).
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER="${CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER:-x86_64-w64-mingw32-gcc}"
if ! command -v "$CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER" >/dev/null 2>&1; then
  echo "error: $CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER missing: apt-get install gcc-mingw-w64-x86-64" >&2
  exit 1
fi
echo "==> cargo build --release --target $target"
cargo build --release --locked --quiet --target "$target"
exe="target/$target/release/gongshi.exe"

# The example site, from this machine's own build of the same source
# (`init` writes the same files on every system).
stage=target/windows-dist
rm -rf "$stage"
mkdir -p "$stage"
cargo run --quiet -- init "$stage/示例站点" >/dev/null
# The release profile keeps line tables for Linux backtraces; the shipped
# exe goes without (a quarter of the size).
x86_64-w64-mingw32-strip -o "$stage/gongshi.exe" "$exe"
python3 scripts/windows/pack.py "$stage/gongshi.exe" scripts/windows/使用说明.txt "$stage/示例站点" dist/gongshi-windows-x64.zip
rm -rf "$stage"
