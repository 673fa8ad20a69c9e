#!/usr/bin/env bash
# Measures how the window previews a folder of 100,000 files: the real app
# (a release build) over WebDriver on a private Xvfb, as the GUI tests
# drive it. A folder of 100,000 one-byte files is dropped on a destination
# (a local s3s-fs); it prints the time from the drop to the file count
# shown and to the first rows, then the frame intervals while the table is
# scrolled from top to bottom over 120 animation frames (median, p95,
# worst), and how long the last rows take to load at the bottom. Xvfb
# paints in software, so frames here are slower than on a desktop.
#
#   scripts/bench-preview.sh
#
# Needs the test prerequisites (scripts/install-deps.sh --test). The
# scenario is tests/gui/preview_scale.rs; it is ignored in the suite and
# asserts only that the preview is whole, never a time.
set -euo pipefail
cd "$(dirname "$0")/.."
export NO_AT_BRIDGE=1 AWS_EC2_METADATA_DISABLED=true
unset DISPLAY WAYLAND_DISPLAY
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:${CHUTE_TEST_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/chute/test-venv}/bin:$PATH"
echo "==> building the app and the GUI scenarios (release)"
cargo test --release --locked -p chute --test gui --no-run
echo "==> previewing 100,000 files ($(nproc) cores)"
out=$(cargo test --release --locked -p chute --test gui preview_scale -- --ignored --nocapture 2>&1) || {
  echo "$out" | tail -40 >&2
  echo "!! the scenario failed (its output is above)" >&2
  exit 1
}
echo "$out" | grep -E '^preview of'
