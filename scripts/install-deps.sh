#!/usr/bin/env bash
# Installs what Chute needs on Debian/Ubuntu, skipping what is already there.
#   scripts/install-deps.sh          build + run the desktop app
#   scripts/install-deps.sh --package  also the Tauri bundler (scripts/package.sh)
#   scripts/install-deps.sh --test     also the test prerequisites (the bundler too:
#                                      the suite builds and installs a .deb)
set -euo pipefail

want_test=0 want_package=0
case "${1:-}" in
  --test) want_test=1 want_package=1 ;;
  --package) want_package=1 ;;
  "") ;;
  *) echo "usage: $0 [--test|--package]" >&2; exit 2 ;;
esac

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# Tauri 2 on Linux: WebKitGTK 4.1 and friends.
pkgs=(build-essential pkg-config curl file libssl-dev libwebkit2gtk-4.1-dev libxdo-dev
      libayatana-appindicator3-dev librsvg2-dev)
if [ "$want_test" = 1 ]; then
  # A private X display (and xdotool to answer native dialogs on it, dunst
  # to show the desktop notifications sent on the test's own D-Bus),
  # WebDriver for WebKitGTK, a real Secret Service on a
  # private D-Bus, secret-tool to inspect it, gdbus to read and click the
  # tray's menu on it, `import` for screenshots, tinyproxy, a real HTTP
  # proxy for the proxy tests, and xclip to copy and read the test display's
  # clipboard as another application would.
  pkgs+=(xvfb xauth webkit2gtk-driver dbus gnome-keyring libsecret-tools libglib2.0-bin imagemagick
         python3 python3-venv openssl iproute2 util-linux xdotool dunst tinyproxy xclip)
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "==> installing system packages: ${missing[*]}"
  $SUDO apt-get update -q
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "error: cargo not found. Install Rust (https://rustup.rs) and run this again." >&2
  exit 1
fi

# The Tauri CLI, which builds the .deb and AppImage (scripts/package.sh),
# pinned, into a cache folder of its own: from npm when npm is there (a
# prebuilt binary, seconds), else built by cargo (several minutes, once).
# scripts/package.sh runs $tauri_root/bin/tauri.
TAURI_CLI_VERSION=2.12.4
if [ "$want_package" = 1 ]; then
  tauri_root="${XDG_CACHE_HOME:-$HOME/.cache}/chute/tauri-cli"
  if [ "$("$tauri_root/bin/tauri" --version 2>/dev/null)" != "tauri-cli $TAURI_CLI_VERSION" ]; then
    echo "==> installing the Tauri CLI $TAURI_CLI_VERSION (the bundler) into $tauri_root"
    rm -rf "$tauri_root"
    mkdir -p "$tauri_root/bin"
    if command -v npm >/dev/null 2>&1; then
      npm install --prefix "$tauri_root" --no-audit --no-fund --loglevel=error "@tauri-apps/cli@$TAURI_CLI_VERSION"
      ln -s ../node_modules/.bin/tauri "$tauri_root/bin/tauri"
    else
      cargo install tauri-cli --version "$TAURI_CLI_VERSION" --locked --root "$tauri_root"
      # Called as cargo calls it (`cargo tauri ARGS` runs `cargo-tauri tauri ARGS`).
      printf '#!/bin/sh\nexec "%s/bin/cargo-tauri" tauri "$@"\n' "$tauri_root" > "$tauri_root/bin/tauri"
      chmod +x "$tauri_root/bin/tauri"
    fi
    if [ "$("$tauri_root/bin/tauri" --version 2>/dev/null)" != "tauri-cli $TAURI_CLI_VERSION" ]; then
      echo "error: the Tauri CLI in $tauri_root does not answer 'tauri-cli $TAURI_CLI_VERSION' after installing it;" \
           "remove that folder and run this again (npm or cargo printed why above)" >&2
      exit 1
    fi
  fi
fi

if [ "$want_test" = 1 ]; then
  cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
  if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$cargo_bin/tauri-driver" ]; then
    echo "==> installing tauri-driver (WebDriver bridge for the GUI tests)"
    cargo install tauri-driver --version '^2' --locked
  fi
  # Real S3-protocol servers for the connection and delivery tests. moto goes
  # into a venv of its own (system Pythons refuse pip installs, PEP 668);
  # scripts/test.sh puts its bin/ first on PATH.
  venv="${CHUTE_TEST_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/chute/test-venv}"
  if [ ! -x "$venv/bin/moto_server" ]; then
    echo "==> installing moto (S3 + IAM server) into $venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --upgrade pip
    "$venv/bin/python" -m pip install --quiet "moto[server]==5.*"
  fi
  if ! command -v s3s-fs >/dev/null 2>&1 && [ ! -x "$cargo_bin/s3s-fs" ]; then
    echo "==> installing s3s-fs (S3 server on a folder; takes a few minutes once)"
    cargo install s3s-fs --version 0.14.1 --features binary --locked
  fi
  # Garage, the third server (real regions, per-key permissions, no
  # conditional writes), into a folder of its own: SQLite metadata only and
  # light optimisation keep its build to about 7 minutes on 2 cores.
  garage_root="${XDG_CACHE_HOME:-$HOME/.cache}/chute/garage"
  if [ ! -x "$garage_root/bin/garage" ]; then
    echo "==> installing Garage 2.5.0 into $garage_root (an S3 server for the tests; about 7 minutes once)"
    CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_DEBUG=false \
      cargo install garage --version 2.5.0 --locked --no-default-features --features bundled-libs,sqlite --root "$garage_root"
  fi
fi
