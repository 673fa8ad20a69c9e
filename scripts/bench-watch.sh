#!/usr/bin/env bash
# Benchmarks watched folders with the release `chute` CLI as the headless
# agent (`chute --json watch run`) against one local s3s-fs server:
#   latency  200 files written 20 ms apart: time from a file having settled
#            (last write + the settle time) to its `delivered` line;
#            median and p95
#   burst    10,000 files of 1 KiB written at once: end to end, files/s,
#            the agent's CPU seconds and peak RSS
#   idle     the agent with 10 watches and nothing to do for 60 s: CPU %
#            and RSS
#
#   scripts/bench-watch.sh
#   BENCH_LATENCY_FILES=200 BENCH_BURST_FILES=10000 BENCH_IDLE_SECS=60 BENCH_SETTLE=500ms
#   CHUTE_BIN=path/to/chute   skip the release build
#
# Talks to 127.0.0.1 only; everything lives in a temp folder, removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
if ! command -v s3s-fs >/dev/null 2>&1 && [ ! -x "$cargo_bin/s3s-fs" ]; then
  echo "==> installing s3s-fs (takes a few minutes once)"
  cargo install s3s-fs --version 0.14.1 --features binary --locked
fi
if [ -z "${CHUTE_BIN:-}" ]; then
  echo "==> building chute (release)"
  cargo build --release --locked -p chute-cli
  CHUTE_BIN="${CARGO_TARGET_DIR:-$(pwd)/target}/release/chute"
fi
export CHUTE_BIN S3S_FS="$(command -v s3s-fs || echo "$cargo_bin/s3s-fs")"
exec python3 scripts/bench_watch.py
