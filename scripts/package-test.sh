#!/usr/bin/env bash
# The package test (scripts/test.sh runs it): builds the .deb from a debug
# build (scripts/package.sh --debug --bundles deb; with --release, the
# release one the README's package command makes), installs it (dpkg, through apt-get),
# checks what it put on the system (the chute command and its version, the
# desktop entry taking files, the icons, the runtime dependencies), launches
# the installed /usr/bin/chute-app with a file and a folder as arguments
# (as a file manager's "Open with" does) on a private Xvfb display and waits
# for its window, then removes the package and checks nothing is left.
#
# It changes the system's packages, so it needs root (or sudo) and refuses to
# run where a package named chute is already installed. The app runs with
# its own HOME, data folder and D-Bus session: nothing of yours is touched.
# The window and the app's output are kept in
# $CARGO_TARGET_DIR/test-artifacts/package/.
set -euo pipefail
cd "$(dirname "$0")/.."

profile=debug
case "${1:-}" in
  "") ;;
  --release) profile=release ;;
  *) echo "usage: $0 [--release]" >&2; exit 2 ;;
esac

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "error: installing a package needs root; run this as root or install sudo" >&2; exit 1; }
  SUDO="sudo"
fi
for tool in Xvfb xdotool dbus-run-session import identify dpkg; do
  command -v "$tool" >/dev/null || {
    echo "error: $tool is missing; scripts/install-deps.sh --test installs it" >&2; exit 1; }
done
if dpkg-query -W -f='${Status}' chute 2>/dev/null | grep -q "ok installed"; then
  echo "error: a package named chute is already installed here, and this test would replace and then remove it;" \
       "remove it first ($SUDO dpkg -r chute) or run the test on another machine" >&2
  exit 1
fi

# cargo where rustup puts it; dpkg needs the sbin folders (ldconfig).
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH:/usr/sbin:/sbin"
start=$(date +%s)
echo "==> package test: building the .deb ($profile)"
if [ "$profile" = debug ]; then bash scripts/package.sh --debug --bundles deb; else bash scripts/package.sh --bundles deb; fi
target_dir="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
version="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"name":"chute","version":"\([^"]*\)".*/\1/p')"
deb="$target_dir/$profile/bundle/deb/Chute_${version}_amd64.deb"
[ -f "$deb" ] || { echo "error: the bundler reported success but $deb is missing (version read from Cargo.toml: '$version')" >&2; exit 1; }
built_in=$(( $(date +%s) - start ))

artifacts="$target_dir/test-artifacts/package"
rm -rf "$artifacts"
mkdir -p "$artifacts"
tmp="$(mktemp -d)"
installed=0 xvfb_pid="" app_pid=""

# Whatever happens: stop the app and the display, remove the package, clean up.
cleanup() {
  local rc=$?
  if [ -n "$app_pid" ]; then kill -TERM -- "-$app_pid" 2>/dev/null || true; sleep 1; kill -KILL -- "-$app_pid" 2>/dev/null || true; fi
  if [ -n "$xvfb_pid" ]; then kill "$xvfb_pid" 2>/dev/null || true; wait "$xvfb_pid" 2>/dev/null || true; fi
  if [ "$installed" = 1 ]; then remove_package >/dev/null 2>&1 || echo "warning: could not remove the chute package; remove it with: $SUDO dpkg -r chute" >&2; fi
  rm -rf "$tmp"
  if [ "$rc" != 0 ]; then echo "package test FAILED (app output and window, if any: $artifacts)" >&2; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() { echo "error: $*" >&2; exit 1; }
remove_package() {
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q -o DPkg::Lock::Timeout=300 chute
}

echo "==> installing $deb"
installed=1
# apt-get installs a .deb file with dpkg, and also brings any runtime library
# it needs, as for a user; it waits (up to 5 min) while another apt or dpkg
# holds the lock, where a bare dpkg -i would fail at once.
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
  -o DPkg::Lock::Timeout=300 "$deb" \
  || fail "apt-get could not install $deb (its messages are above; dpkg -I $deb lists the dependencies)"
dpkg-query -W -f='${Status}' chute 2>/dev/null | grep -q "install ok installed" \
  || fail "apt-get finished but dpkg does not list chute as installed"

echo "==> checking what the package installed"
[ "$(dpkg-query -W -f='${Version}' chute)" = "$version" ] \
  || fail "the installed package's version is not $version, Cargo.toml's (tauri.conf.json names none, so the bundler should take Cargo's)"
depends="$(dpkg-query -W -f='${Depends}' chute)"
for lib in libwebkit2gtk-4.1-0 libgtk-3-0; do
  [[ "$depends" == *"$lib"* ]] || fail "the package does not depend on $lib (Depends: $depends); check bundle.linux.deb in tauri.conf.json"
done
# The tray draws through libayatana-appindicator, loaded when present: recommended, not required.
recommends="$(dpkg-query -W -f='${Recommends}' chute)"
[[ "$recommends" == *libayatana-appindicator3-1* ]] || fail "the package does not recommend libayatana-appindicator3-1 for the tray (Recommends: $recommends); check bundle.linux.deb in tauri.conf.json"
[ -x /usr/bin/chute-app ] || fail "/usr/bin/chute-app is not installed"
cli_version="$(/usr/bin/chute --version)" || fail "/usr/bin/chute --version failed; scripts/package.sh should put the CLI into the package"
[ "$cli_version" = "chute $version" ] || fail "/usr/bin/chute --version printed '$cli_version', not 'chute $version'"
desktop=/usr/share/applications/Chute.desktop
[ -f "$desktop" ] || fail "no desktop entry at $desktop"
grep -qx 'Exec=chute-app %F' "$desktop" || fail "$desktop does not run 'chute-app %F' (packaging/linux/chute.desktop is its template)"
grep -qx 'MimeType=application/octet-stream;inode/directory;' "$desktop" || fail "$desktop does not offer Chute for files and folders"
grep -qx 'Icon=chute-app' "$desktop" || fail "$desktop names another icon than chute-app"
for size in 32x32 64x64 128x128 256x256 512x512; do
  icon="/usr/share/icons/hicolor/$size/apps/chute-app.png"
  [ -f "$icon" ] || fail "icon $icon is not installed (bundle.icon in tauri.conf.json)"
done

echo "==> launching /usr/bin/chute-app on a private display"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$tmp/display" 2>"$artifacts/xvfb.log" &
xvfb_pid=$!
for _ in $(seq 100); do [ -s "$tmp/display" ] && break; sleep 0.1; done
[ -s "$tmp/display" ] || fail "Xvfb printed no display number within 10 s (its log: $artifacts/xvfb.log)"
display=":$(cat "$tmp/display")"

# A file and a folder on the command line, as the desktop entry's %F gives them.
mkdir -p "$tmp/home" "$tmp/files/a folder"
mkdir -m 700 "$tmp/home/run"
echo "report" > "$tmp/files/a report.csv"
# Its own process group (setsid), so the WebKit helpers go with it; its own
# D-Bus session and no Secret Service: the window must open without a keychain.
setsid env -i PATH=/usr/bin:/bin DISPLAY="$display" HOME="$tmp/home" \
  XDG_CONFIG_HOME="$tmp/home/.config" XDG_DATA_HOME="$tmp/home/.local/share" \
  XDG_CACHE_HOME="$tmp/home/.cache" XDG_RUNTIME_DIR="$tmp/home/run" NO_AT_BRIDGE=1 \
  WEBKIT_DISABLE_COMPOSITING_MODE=1 \
  dbus-run-session -- /usr/bin/chute-app "$tmp/files/a report.csv" "$tmp/files/a folder" \
  >"$artifacts/app-output.log" 2>&1 &
app_pid=$!

window=""
for _ in $(seq 120); do
  window="$(DISPLAY="$display" xdotool search --onlyvisible --name '^Chute$' 2>/dev/null | head -1)" && [ -n "$window" ] && break
  kill -0 "$app_pid" 2>/dev/null || fail "the installed app exited before showing its window (its output: $artifacts/app-output.log)"
  sleep 0.5
done
[ -n "$window" ] || fail "no window titled Chute appeared within 60 s (app output: $artifacts/app-output.log)"
# The window's class is the desktop entry's StartupWMClass, so docks match them.
DISPLAY="$display" xdotool search --class '^chute-app$' | grep -qx "$window" \
  || fail "the window's class is not chute-app, the desktop entry's StartupWMClass"
# The page painted: an empty or white webview (the UI not packed into the
# binary, say) has a handful of colours; Chute's first screen has hundreds.
colours=0
for _ in $(seq 30); do
  DISPLAY="$display" import -window "$window" "$artifacts/window.png" 2>/dev/null \
    && colours="$(identify -format %k "$artifacts/window.png" 2>/dev/null || echo 0)"
  [ "$colours" -ge 100 ] && break
  sleep 1
done
[ "$colours" -ge 100 ] || fail "the window stayed blank for 30 s ($colours colours; see $artifacts/window.png and app-output.log)"
kill -0 "$app_pid" 2>/dev/null || fail "the app exited after showing its window (its output: $artifacts/app-output.log)"
echo "    window $window painted ($colours colours), with a file and a folder as arguments"

echo "==> stopping the app and removing the package"
kill -TERM -- "-$app_pid" 2>/dev/null || true
for _ in $(seq 50); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.1; done
kill -KILL -- "-$app_pid" 2>/dev/null || true
app_pid=""
remove_package >/dev/null || fail "apt-get could not remove the chute package (its messages are above)"
installed=0
for f in /usr/bin/chute-app /usr/bin/chute "$desktop" /usr/share/icons/hicolor/128x128/apps/chute-app.png; do
  [ ! -e "$f" ] || fail "$f is still there after removing the package"
done
! dpkg-query -W -f='${Status}' chute 2>/dev/null | grep -q "ok installed" || fail "dpkg still lists chute as installed"

echo "==> package test passed in $(( $(date +%s) - start )) s (the .deb built in $built_in s, $(du -h "$deb" | cut -f1)); window: $artifacts/window.png"
