#!/usr/bin/env bash
# Installs whatever is missing, then builds and launches Chute.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
exec cargo run --release --locked --features custom-protocol --bin chute-app
