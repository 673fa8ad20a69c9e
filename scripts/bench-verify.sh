#!/usr/bin/env bash
# Benchmarks checking objects at the destination with the release `chute`
# CLI against one local server (s3s-fs, or Garage with BENCH_SERVER=garage,
# whose listings carry ETags), over many small objects:
#   deliver  `chute deliver` of N files of 1 KiB, each object checked as it
#            lands (its receipt): wall time, files/s, the receipt's counts
#   recheck  `chute verify BATCH`: every object described again (by a
#            listing where it gives ETags, else a HEAD each) and compared
#            with what was recorded: objects/s
#   audit    `chute verify --destination D DIR`: the prefix listed, each
#            local file hashed, each object the listing does not verify
#            asked about: objects/s
# recheck and audit run BENCH_ROUNDS times; the median is printed.
#
#   scripts/bench-verify.sh
#   BENCH_VERIFY_FILES=10000 BENCH_VERIFY_KIB=1 BENCH_ROUNDS=3
#   CHUTE_BIN=path/to/chute   skip the release build
#   BENCH_SERVER=garage       Garage (built by scripts/install-deps.sh --test)
#
# Talks to 127.0.0.1 only; everything lives in a temp folder, removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/bench-server.sh
. scripts/bench-server.sh
server=${BENCH_SERVER:-s3s-fs}
case $server in
  s3s-fs | garage) ;;
  *) echo "error: BENCH_SERVER is s3s-fs or garage, not $server" >&2; exit 2 ;;
esac
garage="${XDG_CACHE_HOME:-$HOME/.cache}/chute/garage/bin/garage"
if [ "$server" = garage ] && [ ! -x "$garage" ]; then
  echo "error: Garage is not built; scripts/install-deps.sh --test builds it (about 7 minutes once)" >&2
  exit 1
fi
files=${BENCH_VERIFY_FILES:-10000}
kib=${BENCH_VERIFY_KIB:-1}
rounds=${BENCH_ROUNDS:-3}
cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
if ! command -v s3s-fs >/dev/null 2>&1 && [ ! -x "$cargo_bin/s3s-fs" ]; then
  echo "==> installing s3s-fs (takes a few minutes once)"
  cargo install s3s-fs --version 0.14.1 --features binary --locked
fi
s3s_fs=$(command -v s3s-fs || echo "$cargo_bin/s3s-fs")
if [ -z "${CHUTE_BIN:-}" ]; then
  echo "==> building chute (release)"
  cargo build --release --locked -p chute-cli
  CHUTE_BIN="${CARGO_TARGET_DIR:-$(pwd)/target}/release/chute"
fi

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/root" "$work/logs" "$work/home/.aws" "$work/data" "$work/src"
server_keys "$server"
start_server "$server" "$work/root" "$work/logs" bench "$port"

export HOME="$work/home" CHUTE_DATA_DIR="$work/data" AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE="$HOME/.aws/config" AWS_SHARED_CREDENTIALS_FILE="$HOME/.aws/credentials"
printf '[profile bench]\nregion = us-east-1\n' >"$AWS_CONFIG_FILE"
printf '[bench]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$ak" "$sk" >"$AWS_SHARED_CREDENTIALS_FILE"
chute() { "$CHUTE_BIN" "$@"; }
chute destination add --name bench --provider minio --bucket bench --endpoint "http://127.0.0.1:$port" \
  --prefix v/ --key-template '{prefix}{relpath}' --profile bench >/dev/null 2>&1

echo "==> writing $files files of $kib KiB"
python3 - "$work/src" "$files" "$kib" <<'EOF'
import os, sys
root, n, kib = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(n):
    d = os.path.join(root, f"d{i // 1000:03}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"f{i:06}.bin"), "wb") as f:
        f.write(os.urandom(kib * 1024))
EOF

now() { python3 -c 'import time; print(time.monotonic())'; }
elapsed() { python3 -c "print(f'{$2 - $1:.2f}')"; }
field() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }

echo "==> deliver (each object checked as it lands)"
t0=$(now)
chute --json deliver bench "$work/src" --yes >"$work/deliver.jsonl"
t1=$(now)
deliver_s=$(elapsed "$t0" "$t1")
summary=$(tail -n 1 "$work/deliver.jsonl")
batch=$(echo "$summary" | field 'd["batch_id"]')
receipt=$(echo "$summary" | field '"{} of {} verified, {} differing, {} not checked".format(d["receipt"]["verified"], d["receipt"]["checked"], d["receipt"]["differing"], d["receipt"]["unchecked"])')

median() { python3 -c "import statistics, sys; print(f'{statistics.median(map(float, sys.argv[1:])):.2f}')" "$@"; }
run_rounds() {
  local times=()
  for _ in $(seq "$rounds"); do
    local a b
    a=$(now)
    chute --json verify "$@" >"$work/verify.json" || { echo "verify found differences:"; head -c 2000 "$work/verify.json"; exit 1; }
    b=$(now)
    times+=("$(elapsed "$a" "$b")")
  done
  median "${times[@]}"
}
echo "==> recheck: chute verify BATCH ($rounds rounds)"
recheck_s=$(run_rounds "$batch")
recheck_n=$(field 'len(d["objects"])' <"$work/verify.json")
echo "==> audit: chute verify --destination bench DIR ($rounds rounds)"
audit_s=$(run_rounds --destination bench "$work/src")
audit_n=$(field 'd["verified"]' <"$work/verify.json")

rate() { python3 -c "print(f'{$1 / $2:,.0f}')"; }
echo
printf '| figure | value |\n|---|---|\n'
printf '| deliver %s × %s KiB, each checked as it lands | %s s (%s files/s); receipt: %s |\n' "$files" "$kib" "$deliver_s" "$(rate "$files" "$deliver_s")" "$receipt"
printf '| verify BATCH (%s objects against the record), median | %s s (%s objects/s) |\n' "$recheck_n" "$recheck_s" "$(rate "$recheck_n" "$recheck_s")"
printf '| verify --destination (%s files hashed, objects listed and asked), median | %s s (%s objects/s) |\n' "$audit_n" "$audit_s" "$(rate "$audit_n" "$audit_s")"
