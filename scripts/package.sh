#!/usr/bin/env bash
# Builds Chute's Linux packages with Tauri's bundler (tauri.conf.json):
#   scripts/package.sh                 release .deb and AppImage
#   scripts/package.sh --debug         the same from a debug build (faster; what
#                                      scripts/package-test.sh installs)
#   scripts/package.sh --bundles deb   only these bundles (deb, appimage)
# Both packages hold the app (/usr/bin/chute-app, its desktop entry and icons)
# and the `chute` command (/usr/bin/chute), built first by this script.
# They land in $CARGO_TARGET_DIR/{release,debug}/bundle/{deb,appimage}/.
#
# The AppImage needs linuxdeploy and its plugins, which the bundler downloads
# into ~/.cache/tauri the first time. Where they cannot be downloaded, the
# .deb is still built and the AppImage is reported as not built, with why;
# asked for alone (--bundles appimage), that is a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

profile=release
bundles="deb,appimage"
bundles_asked=0
while [ $# -gt 0 ]; do
  case "$1" in
    --debug) profile=debug ;;
    --bundles) shift; bundles="${1:?--bundles needs a list, e.g. deb,appimage}"; bundles_asked=1 ;;
    *) echo "usage: $0 [--debug] [--bundles deb,appimage]" >&2; exit 2 ;;
  esac
  shift
done
want() { [[ ",$bundles," == *",$1,"* ]]; }
for b in ${bundles//,/ }; do
  case "$b" in deb|appimage) ;; *)
    echo "error: unknown bundle '$b': this script builds deb and appimage (the .dmg and .msi come from" \
         "'tauri build' on macOS and Windows, see the README)" >&2
    exit 2 ;;
  esac
done

bash scripts/install-deps.sh --package
tauri="${XDG_CACHE_HOME:-$HOME/.cache}/chute/tauri-cli/bin/tauri"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

# Where cargo puts its output, as the bundler will see it.
target_dir="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
case "$target_dir" in
  /*) ;;
  *) echo "error: could not read cargo's target directory from 'cargo metadata' (got '$target_dir'); run this from the repository with cargo on PATH" >&2; exit 1 ;;
esac
out="$target_dir/$profile"
debug_flag=()
if [ "$profile" = debug ]; then debug_flag=(--debug); fi

start=$(date +%s)
# 1. The command-line tool, which both packages carry as /usr/bin/chute.
echo "==> building the chute command ($profile)"
if [ "$profile" = debug ]; then
  # A debug package is the package test's, which runs after the test build:
  # its `chute` is that build's, so nothing is compiled again. Built alone
  # (-p chute-cli), cargo would settle the crates' features differently and
  # compile most of them a second time (about 2 minutes on a new machine).
  cargo build --locked --workspace --all-targets
else
  cargo build --locked --release -p chute-cli --bin chute
fi
cli="$out/chute"
[ -x "$cli" ] || { echo "error: cargo finished but $cli is missing; is CARGO_TARGET_DIR the same for cargo and this script?" >&2; exit 1; }

# The CLI's place in the packages depends on where the target dir is, so it
# is added to tauri.conf.json here rather than written into it.
case "$cli" in *[\"\\]*)
  echo "error: the target dir path '$target_dir' holds a quote or backslash, which the bundler config cannot carry; set CARGO_TARGET_DIR to a plainer path" >&2
  exit 1 ;;
esac
files="{\"/usr/bin/chute\": \"$cli\"}"
extra_config="{\"bundle\": {\"linux\": {\"deb\": {\"files\": $files}, \"appimage\": {\"files\": $files}}}}"

# 2. The app (with the custom-protocol feature, as shipped) and the .deb.
built=()
if want deb; then
  echo "==> building the app and the .deb ($profile)"
  "$tauri" build --ci "${debug_flag[@]}" --bundles deb --config "$extra_config"
  built+=("$out"/bundle/deb/*.deb)
else
  "$tauri" build --ci "${debug_flag[@]}" --no-bundle --config "$extra_config"
fi

# 3. The AppImage, from the binary just built (`tauri bundle` does not build again).
appimage_note=""
if want appimage; then
  echo "==> bundling the AppImage ($profile)"
  # The bundler marks the binary with the bundle type in place and puts it
  # back after bundling, but not when bundling fails: keep a copy to put back,
  # or the next .deb would carry a binary marked as an AppImage.
  backup="$(mktemp "$out/.chute-app.XXXXXX")"
  cp "$out/chute-app" "$backup"
  if "$tauri" bundle --ci "${debug_flag[@]}" --bundles appimage --config "$extra_config"; then
    rm -f "$backup"
    built+=("$out"/bundle/appimage/*.AppImage)
  else
    cp "$backup" "$out/chute-app"   # writes into the same file, so cargo's copy is restored too
    rm -f "$backup"
    appimage_note="AppImage NOT built: Tauri's bundler needs linuxdeploy and its helpers (AppRun-x86_64,
linuxdeploy-x86_64.AppImage, linuxdeploy-plugin-gtk.sh, linuxdeploy-plugin-gstreamer.sh), which it downloads
into ${XDG_CACHE_HOME:-$HOME/.cache}/tauri on first use, and that failed (the bundler's error is above).
Fix: run this once on a machine that can reach the download, or copy those files into that folder."
    if [ "$bundles_asked" = 1 ]; then
      echo "error: $appimage_note" >&2
      exit 1
    fi
  fi
fi

echo "==> packages built in $(( $(date +%s) - start )) s ($profile):"
for f in "${built[@]}"; do
  echo "    $f ($(du -h "$f" | cut -f1))"
done
if [ -n "$appimage_note" ]; then echo "warning: $appimage_note" >&2; fi
