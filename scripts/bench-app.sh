#!/usr/bin/env bash
# Benchmarks the desktop app's own cost: the release Chute app, built as
# shipped (`--features custom-protocol`, the page inside the binary), next to
# a bare Tauri 2 window built here (benches/bare-window: the same Tauri, the
# same 1100×720 window, one static page, nothing else). For each launch:
#   mapped       launch → the window is mapped (xdotool finds it, visible, by title)
#   first paint  launch → its content is painted: the window's screenshot
#                (ImageMagick's import, counting its colours as identify's %k
#                does) has at least the threshold's number of colours, where a
#                blank webview has one; the time is the start of the capture
#                that saw it, so it is as precise as one poll (printed)
#   complete     launch → the window shows its whole first screen: the first
#                screenshot with at least 95 % of the colours of the settled
#                window (Chute paints its frame first and its content once
#                its data is loaded; the bare window's first paint is all of
#                it). Screenshots go on after the first paint until the count
#                has not changed for 8 of them in a row (at most 10 s).
#   PSS, RSS     once the screenshots have settled (above) and BENCH_SETTLE
#                seconds more: summed over the app and all its descendants
#                (WebKitWebProcess, WebKitNetworkProcess…) from
#                /proc/PID/smaps_rollup. PSS shares
#                each page among the processes mapping it, so it is what the
#                app adds to the machine; RSS counts shared libraries fully.
# The two apps alternate (the order swaps every round), each launch in a
# private world: one Xvfb display for the run (1280x800x24), `env -i` with
# HOME, XDG folders and (for Chute) CHUTE_DATA_DIR in a temp folder, a D-Bus
# session of its own, NO_AT_BRIDGE=1 and WEBKIT_DISABLE_COMPOSITING_MODE=1
# for both; the process group is killed after measuring. One unmeasured
# launch of each app first (it creates Chute's database and both apps' caches
# in their worlds, warms the disk cache, and shows the blank window's colour
# count the threshold is checked against), so the rounds measure a regular
# launch, not a first one. A launch not painted within 60 s (now and then every
# screenshot of a window fails for a minute) is closed and launched once more,
# and the round says so; so is one that exits before it paints (either app,
# now and then, printing nothing). Prints the versions and the machine, each round,
# then a table of medians and the ratios chute/bare.
#
#   scripts/bench-app.sh                    5 rounds
#   BENCH_ROUNDS=9 scripts/bench-app.sh
#   BENCH_SETTLE=5                          seconds between the paint and the memory figures
#   BENCH_POLL_MS=25                        pause between two polls (xdotool, screenshots)
#   BENCH_PAINT_COLOURS=N                   the painted threshold (default: from the warm-up launches)
#   CHUTE_APP_BIN=… BARE_WINDOW_BIN=…       skip the release builds
#
# Installs what it needs (Debian packages xvfb, xdotool, imagemagick, dbus,
# libwebkit2gtk-4.1-dev to build). The last round's settled windows are kept
# in $CARGO_TARGET_DIR/bench-artifacts/app/ with each app's output.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

rounds=${BENCH_ROUNDS:-5}
settle=${BENCH_SETTLE:-5}
poll_ms=${BENCH_POLL_MS:-25}
for v in rounds settle poll_ms; do
  [[ "${!v}" =~ ^[0-9]+$ ]] && [ "${!v}" -gt 0 ] \
    || { echo "error: $v is '${!v}', not a whole number above 0; set BENCH_ROUNDS, BENCH_SETTLE, BENCH_POLL_MS to one" >&2; exit 2; }
done
poll=$(printf '0.%03d' "$poll_ms"); [ "$poll_ms" -lt 1000 ] || poll=$((poll_ms / 1000))

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# --- what the benchmark needs -------------------------------------------------
missing=()
command -v Xvfb >/dev/null || missing+=(xvfb)
command -v xdotool >/dev/null || missing+=(xdotool)
command -v import >/dev/null && command -v identify >/dev/null || missing+=(imagemagick)
command -v dbus-run-session >/dev/null || missing+=(dbus)
if [ -z "${CHUTE_APP_BIN:-}" ] || [ -z "${BARE_WINDOW_BIN:-}" ]; then
  dpkg-query -W -f='${Status}' libwebkit2gtk-4.1-dev 2>/dev/null | grep -q "install ok installed" \
    || missing+=(libwebkit2gtk-4.1-dev libayatana-appindicator3-dev librsvg2-dev libxdo-dev pkg-config)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  [ -z "$SUDO" ] || command -v sudo >/dev/null \
    || { echo "error: ${missing[*]} missing and installing them needs root; run this as root or install sudo" >&2; exit 1; }
  echo "==> installing system packages: ${missing[*]}"
  $SUDO apt-get update -q
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# --- the two apps, release ----------------------------------------------------
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
target_dir="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
case "$target_dir" in
  /*) ;;
  *) echo "error: could not read cargo's target directory from 'cargo metadata' (got '$target_dir'); run this with cargo on PATH" >&2; exit 1 ;;
esac
chute_bin=${CHUTE_APP_BIN:-}
if [ -z "$chute_bin" ]; then
  echo "==> building the Chute app (release, --features custom-protocol, as scripts/package.sh ships it)"
  cargo build --locked --release --features custom-protocol -p chute --bin chute-app
  chute_bin="$target_dir/release/chute-app"
fi
bare_bin=${BARE_WINDOW_BIN:-}
if [ -z "$bare_bin" ]; then
  echo "==> building the bare window (release, --features custom-protocol)"
  # Its own workspace, built into the same target folder: the shared crates build once.
  CARGO_TARGET_DIR="$target_dir" cargo build --locked --release --features custom-protocol \
    --manifest-path benches/bare-window/Cargo.toml
  bare_bin="$target_dir/release/bare-window"
fi
for b in "$chute_bin" "$bare_bin"; do
  [ -x "$b" ] || { echo "error: $b is missing or not executable; unset CHUTE_APP_BIN/BARE_WINDOW_BIN to build it, or check CARGO_TARGET_DIR" >&2; exit 1; }
done

artifacts="$target_dir/bench-artifacts/app"
rm -rf "$artifacts"
mkdir -p "$artifacts"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chute-bench-app.XXXXXX")
xvfb_pid="" app_pid=""
stop_app() {
  [ -n "$app_pid" ] || return 0
  kill -TERM -- "-$app_pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$app_pid" 2>/dev/null || true
  wait "$app_pid" 2>/dev/null || true
  app_pid=""
}
cleanup() {
  local rc=$?
  stop_app
  if [ -n "$xvfb_pid" ]; then kill "$xvfb_pid" 2>/dev/null || true; wait "$xvfb_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
  if [ "$rc" != 0 ]; then echo "bench-app FAILED (the apps' output and windows: $artifacts)" >&2; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
fail() {
  [ -z "$xvfb_pid" ] || kill -0 "$xvfb_pid" 2>/dev/null || echo "error: the Xvfb display ${DISPLAY:-} is gone (its log: $artifacts/xvfb.log)" >&2
  echo "error: $*" >&2; exit 1
}

Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$tmp/display" 2>"$artifacts/xvfb.log" &
xvfb_pid=$!
for _ in $(seq 100); do [ -s "$tmp/display" ] && break; sleep 0.1; done
[ -s "$tmp/display" ] || fail "Xvfb printed no display number within 10 s (its log: $artifacts/xvfb.log)"
export DISPLAY=":$(cat "$tmp/display")"

# --- one launch ------------------------------------------------------------------
now_us() { echo "${EPOCHREALTIME/./}"; }
# The colours in window $1's screenshot (0 when it cannot be taken).
# A poll never waits more than 10 s: an app stuck on the display (seen once, with a
# trial build) held import forever, and the launch's 60-s limit never came.
colours() { timeout 10 import -silent -window "$1" -format %k info: 2>/dev/null || echo 0; }
# PID $1 and all its descendants.
tree_pids() {
  local all=" $1 " grew=1 pid ppid
  while [ "$grew" = 1 ]; do
    grew=0
    while read -r pid ppid; do
      if [[ "$all" == *" $ppid "* && "$all" != *" $pid "* ]]; then all+="$pid "; grew=1; fi
    done < <(ps -e -o pid=,ppid=)
  done
  echo $all
}

# give_up NAME KIND WHY: keeps the launch's output as NAME-KIND-output.log, sets
# `stalled` to WHY and where that output is, and stops the app.
give_up() {
  cp "$artifacts/$1-output.log" "$artifacts/$1-$2-output.log" 2>/dev/null || true
  stalled="$3 (its output: $artifacts/$1-$2-output.log)"
  stop_app
}

# launch NAME BIN TITLE [warm] → sets mapped_ms, paint_ms, complete_ms, pss_kib,
# rss_kib, blank (the first screenshot's colours), painted (the settled
# window's), procs. A warm launch only looks at its window once mapped and once
# settled. A window not painted within 60 s is closed, or one that exits before
# painting is cleaned up, and the launch returns 1, with `stalled` saying why.
launch() {
  local name=$1 bin=$2 title=$3 warm=${4:-} world="$tmp/world-$1" t0 t window="" c=0 ts te last
  mkdir -p "$world/home/.config" "$world/home/.local/share" "$world/home/.cache" "$world/data"
  [ -d "$world/run" ] || mkdir -m 700 "$world/run"
  # The last launch's window can outlive its killed process for a moment; a
  # launch that found it would time nothing.
  for _ in $(seq 100); do
    [ -n "$(timeout 10 xdotool search --name "^$title\$" 2>/dev/null)" ] || break
    sleep 0.1
  done
  t0=$(now_us)
  # Its own process group (setsid) and D-Bus session, nothing of the caller's environment.
  setsid env -i PATH=/usr/bin:/bin DISPLAY="$DISPLAY" HOME="$world/home" \
    XDG_CONFIG_HOME="$world/home/.config" XDG_DATA_HOME="$world/home/.local/share" \
    XDG_CACHE_HOME="$world/home/.cache" XDG_RUNTIME_DIR="$world/run" CHUTE_DATA_DIR="$world/data" \
    NO_AT_BRIDGE=1 WEBKIT_DISABLE_COMPOSITING_MODE=1 \
    dbus-run-session -- "$bin" >"$artifacts/$name-output.log" 2>&1 &
  app_pid=$!
  while :; do
    window="$(timeout 10 xdotool search --onlyvisible --name "^$title\$" 2>/dev/null | head -1)" || true
    t=$(now_us)
    [ -z "$window" ] || break
    kill -0 "$app_pid" 2>/dev/null || fail "$name exited before showing its window (its output: $artifacts/$name-output.log)"
    [ $((t - t0)) -lt 60000000 ] || fail "no window titled '$title' appeared within 60 s (its output: $artifacts/$name-output.log)"
    sleep "$poll"
  done
  mapped_ms=$(( (t - t0) / 1000 ))
  blank=""
  while [ -z "$warm" ]; do
    ts=$(now_us); c=$(colours "$window"); te=$(now_us)
    capture_ms+=" $(( (te - ts) / 1000 ))"
    if [ -n "$blank" ]; then poll_ms_seen+=" $(( (ts - last) / 1000 ))"; else blank=$c; fi
    last=$ts
    [ "$c" -lt "$threshold" ] || break
    # Now and then an app (either one, printing nothing) exits once its
    # window is mapped, or a launch's screenshots all fail (0 colours) for a
    # minute: the caller launches it once more, and says so.
    if ! kill -0 "$app_pid" 2>/dev/null; then
      give_up "$name" exited "$name exited before painting"; return 1
    fi
    if [ $((te - t0)) -ge 60000000 ]; then
      give_up "$name" stalled "$name's window stayed under $threshold colours for 60 s ($c)"; return 1
    fi
    sleep "$poll"
  done
  if [ -n "$warm" ]; then ts=$(now_us); blank=$(colours "$window"); fi
  paint_ms=$(( (ts - t0) / 1000 ))
  local samples="$paint_ms:$c" same=0 prev=$c
  while [ -z "$warm" ] && [ "$same" -lt 8 ] && [ $(( $(now_us) - ts )) -lt 10000000 ]; do
    sleep "$poll"
    t=$(now_us); c=$(colours "$window")
    samples+=" $(( (t - t0) / 1000 )):$c"
    if [ "$c" = "$prev" ]; then same=$((same + 1)); else same=0 prev=$c; fi
  done
  sleep "$settle"
  kill -0 "$app_pid" 2>/dev/null || fail "$name exited after painting (its output: $artifacts/$name-output.log)"
  # The app is dbus-run-session's child named after its binary; the D-Bus daemon is not counted.
  local app="" pid f kib
  app=$(ps --ppid "$app_pid" -o pid=,comm= | awk -v n="$(basename "$bin" | cut -c1-15)" '$2 == n { print $1; exit }')
  [ -n "$app" ] || fail "could not find $name's process under PID $app_pid (ps -ef --forest shows the tree)"
  pss_kib=0 rss_kib=0 procs=""
  for pid in $(tree_pids "$app"); do
    f=/proc/$pid/smaps_rollup
    [ -r "$f" ] || continue
    kib=$(awk '$1 == "Pss:" { print $2 }' "$f" 2>/dev/null || true); pss_kib=$((pss_kib + ${kib:-0}))
    kib=$(awk '$1 == "Rss:" { print $2 }' "$f" 2>/dev/null || true); rss_kib=$((rss_kib + ${kib:-0}))
    procs+="$(cat "/proc/$pid/comm" 2>/dev/null) "
  done
  painted=$(colours "$window")
  complete_ms=""
  for t in $samples; do
    if [ "${t#*:}" -ge $(( painted * 95 / 100 )) ]; then complete_ms=${t%%:*}; break; fi
  done
  complete_ms=${complete_ms:-later}
  timeout 10 import -silent -window "$window" "$artifacts/$name.png" 2>/dev/null || true
  stop_app
}

median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# --- versions and machine --------------------------------------------------------
lock_version() { awk -v n="$1" '$0 == "name = \"" n "\"" { getline; gsub(/version = |"/, ""); print; exit }' "$2"; }
echo "==> versions and machine"
echo "    tauri $(lock_version tauri Cargo.lock) (Chute), $(lock_version tauri benches/bare-window/Cargo.lock) (bare window);" \
     "wry $(lock_version wry Cargo.lock)"
echo "    libwebkit2gtk-4.1-0 $(dpkg-query -W -f='${Version}' libwebkit2gtk-4.1-0 2>/dev/null || echo '?')," \
     "libgtk-3-0 $(dpkg-query -W -f='${Version}' libgtk-3-0 2>/dev/null || echo '?')"
echo "    $(nproc) cores, $(awk '$1 == "MemTotal:" { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) memory," \
     "$(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "    Chute: $chute_bin ($(du -h "$chute_bin" | cut -f1)); bare window: $bare_bin ($(du -h "$bare_bin" | cut -f1))"
echo "    $rounds rounds, settle $settle s, polls every $poll_ms ms"

# --- warm-up: one launch each, unmeasured; the threshold -----------------------------
declare -A app_title=([chute]=Chute [bare]="Bare window") app_bin=([chute]=$chute_bin [bare]=$bare_bin)
echo "==> warm-up launch of each app (not counted): colours when mapped, then settled"
blank_max=0 painted_min=1000000
for app in chute bare; do
  launch "$app" "${app_bin[$app]}" "${app_title[$app]}" warm
  echo "    $app: $blank colours when mapped, $painted after ${settle} s (processes: $procs)"
  [ "$blank" -le "$blank_max" ] || blank_max=$blank
  [ "$painted" -ge "$painted_min" ] || painted_min=$painted
done
if [ -n "${BENCH_PAINT_COLOURS:-}" ]; then
  threshold=$BENCH_PAINT_COLOURS
else
  # Well above a blank window, well below either settled page.
  threshold=$(( blank_max + (painted_min - blank_max) / 3 ))
fi
[ "$painted_min" -gt "$threshold" ] && [ "$threshold" -gt $((blank_max * 2)) ] && [ "$threshold" -ge 8 ] \
  || fail "cannot tell a painted window from a blank one: a blank window had up to $blank_max colours, a settled page" \
          "as few as $painted_min (threshold $threshold); see $artifacts/*.png, and set BENCH_PAINT_COLOURS if the pages changed"
echo "    painted = at least $threshold colours (blank windows: up to $blank_max; settled pages: from $painted_min)"

# --- the rounds ---------------------------------------------------------------------
declare -A paint complete mapped pss rss
capture_ms="" poll_ms_seen=""
echo "==> $rounds rounds (launch → mapped, launch → painted, then PSS and RSS of the app and its children after ${settle} s)"
printf '    %-5s %-6s %9s %9s %9s %9s %9s %8s  %s\n' round app mapped painted complete "PSS" "RSS" colours "first capture"
for r in $(seq "$rounds"); do
  order="chute bare"; [ $((r % 2)) = 1 ] || order="bare chute"
  for app in $order; do
    if ! launch "$app" "${app_bin[$app]}" "${app_title[$app]}"; then
      echo "    $r     $app    $stalled; launched again"
      launch "$app" "${app_bin[$app]}" "${app_title[$app]}" || fail "$stalled (twice in a row)"
    fi
    mapped[$app]+=" $mapped_ms" paint[$app]+=" $paint_ms" pss[$app]+=" $pss_kib" rss[$app]+=" $rss_kib"
    [ "$complete_ms" = later ] || complete[$app]+=" $complete_ms"
    printf '    %-5s %-6s %6s ms %6s ms %6s %s %5s MiB %5s MiB %8s  %s colours\n' "$r" "$app" "$mapped_ms" "$paint_ms" "$complete_ms" "$([ "$complete_ms" = later ] && echo '  ' || echo ms)" \
      "$(mib "$pss_kib")" "$(mib "$rss_kib")" "$painted" "$blank"
  done
done
echo "    one screenshot took $(echo "$capture_ms" | median) ms, one poll $(echo "$poll_ms_seen" | median) ms" \
     "(medians of $(echo "$capture_ms" | wc -w)): the paint times are as precise as one poll; load now $(cut -d' ' -f1-3 /proc/loadavg)"

echo "==> medians of $rounds rounds"
printf '    | %-12s | %14s | %11s | %9s | %8s | %8s |\n' app "first paint ms" "complete ms" "mapped ms" "PSS MiB" "RSS MiB"
printf '    |%s|%s|%s|%s|%s|%s|\n' -------------- ---------------- ------------- ----------- ---------- ----------
declare -A m_paint m_complete m_pss
for app in chute bare; do
  m_paint[$app]=$(echo "${paint[$app]}" | median)
  m_pss[$app]=$(echo "${pss[$app]}" | median)
  m_complete[$app]=""; [ -z "${complete[$app]:-}" ] || m_complete[$app]=$(echo "${complete[$app]}" | median)
  name=Chute; [ "$app" = chute ] || name="bare window"
  printf '    | %-12s | %14s | %11s | %9s | %8s | %8s |\n' "$name" "${m_paint[$app]}" "${m_complete[$app]:-later}" "$(echo "${mapped[$app]}" | median)" \
    "$(mib "${m_pss[$app]}")" "$(mib "$(echo "${rss[$app]}" | median)")"
done
awk -v pc="${m_paint[chute]}" -v pb="${m_paint[bare]}" -v cc="${m_complete[chute]:-0}" -v cb="${m_complete[bare]:-0}" \
  -v mc="${m_pss[chute]}" -v mb="${m_pss[bare]}" \
  'BEGIN { printf "    chute/bare: first paint %.2f×, complete %s, PSS %.2f×\n", pc / pb, (cc && cb) ? sprintf("%.2f×", cc / cb) : "later than its settling", mc / mb }'
echo "    the last round's settled windows and the apps' output: $artifacts"
