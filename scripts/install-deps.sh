#!/usr/bin/env bash
# Installs what Chute needs on Debian/Ubuntu, skipping what is already there.
#   scripts/install-deps.sh          build + run the desktop app
#   scripts/install-deps.sh --test   also the test prerequisites
set -euo pipefail

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# Tauri 2 on Linux: WebKitGTK 4.1 and friends.
pkgs=(build-essential pkg-config curl file libssl-dev libwebkit2gtk-4.1-dev libxdo-dev
      libayatana-appindicator3-dev librsvg2-dev)
if [ "$want_test" = 1 ]; then
  # A private X display, WebDriver for WebKitGTK, a real Secret Service on a
  # private D-Bus, secret-tool to inspect it, and `import` for screenshots.
  pkgs+=(xvfb xauth webkit2gtk-driver dbus gnome-keyring libsecret-tools imagemagick)
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

if [ "$want_test" = 1 ]; then
  cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
  if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$cargo_bin/tauri-driver" ]; then
    echo "==> installing tauri-driver (WebDriver bridge for the GUI tests)"
    cargo install tauri-driver --version '^2' --locked
  fi
fi
