#!/usr/bin/env bash
# Fuzzes chute-core for a bounded time with cargo-fuzz (fuzz/): key
# templates, object-key validation and destination validation.
#
#   FUZZ_SECS=20          seconds per target (libFuzzer -max_total_time)
#   FUZZ_TARGETS="..."    which targets (default: all three)
#   FUZZ_TARGET_DIR=dir   build cache, outside the clone
#                         (default ~/.cache/chute-fuzz-target)
#   FUZZ_TOOLCHAIN=name   rustup toolchain (default: nightly if installed,
#                         else stable with RUSTC_BOOTSTRAP=1)
#   FUZZ_SANITIZER=name   cargo-fuzz --sanitizer (default none: the targets
#                         run safe Rust only, where AddressSanitizer has
#                         nothing to catch; without it the build is a few
#                         minutes shorter and each second tries 3-4x the inputs)
#
# New corpus entries go to a temporary directory (the committed seeds in
# fuzz/corpus/ are only read), so a run leaves the clone clean. A crash
# makes the script exit non-zero; the input is kept under fuzz/artifacts/
# (ignored by git) and its path is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

secs="${FUZZ_SECS:-20}"
read -r -a targets <<< "${FUZZ_TARGETS:-key_template key_validation destination_validation}"
target_dir="${FUZZ_TARGET_DIR:-$HOME/.cache/chute-fuzz-target}"
sanitizer="${FUZZ_SANITIZER:-none}"

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "==> installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

# cargo-fuzz passes unstable rustc flags; stable accepts them with
# RUSTC_BOOTSTRAP=1 (a fresh CI machine has only stable).
cargo=(cargo)
if command -v rustup >/dev/null; then
  toolchain="${FUZZ_TOOLCHAIN:-}"
  if [[ -z $toolchain ]]; then
    if rustup toolchain list | grep -q '^nightly'; then toolchain=nightly; else toolchain=stable; fi
  fi
  cargo=(cargo "+$toolchain")
else
  toolchain=default
fi
if [[ $toolchain != nightly* ]]; then
  export RUSTC_BOOTSTRAP=1
fi

fuzz=("${cargo[@]}" fuzz)
opts=(--fuzz-dir "$PWD/fuzz" --target-dir "$target_dir" --sanitizer "$sanitizer")
work=$(mktemp -d "${TMPDIR:-/tmp}/chute-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "==> building fuzz targets ($("${cargo[@]}" --version), toolchain $toolchain${RUSTC_BOOTSTRAP:+ + RUSTC_BOOTSTRAP=1}, sanitizer $sanitizer, target dir $target_dir)"
start=$(date +%s)
"${fuzz[@]}" build "${opts[@]}"
echo "==> build took $(( $(date +%s) - start )) s"

failed=()
for t in "${targets[@]}"; do
  mkdir -p "$work/corpus/$t"
  dict=()
  [[ -f fuzz/dict/$t.dict ]] && dict=("-dict=fuzz/dict/$t.dict")
  echo "==> fuzzing $t for $secs s"
  log="$work/$t.log"
  start=$(date +%s)
  # libFuzzer writes new inputs to the first corpus directory only.
  if "${fuzz[@]}" run "${opts[@]}" "$t" "$work/corpus/$t" "fuzz/corpus/$t" -- \
      -max_total_time="$secs" -timeout=10 -print_final_stats=1 "${dict[@]}" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
    echo "    ok: ${runs:-?} runs in $(( $(date +%s) - start )) s, ${rate:-?} exec/s, ${cov:-cov: ?}, $(find "$work/corpus/$t" -type f | wc -l) new corpus entries"
  else
    failed+=("$t")
    echo "    FAILED: $t"
    # The panic (or sanitizer report) and libFuzzer's verdict; the full log
    # is long (stack traces), so only when neither is found.
    { sed -n '/panicked at/,/^stack backtrace/p' "$log" | head -n 40
      grep -E '^==[0-9]+==ERROR|^SUMMARY|^MS: |Test unit written to|^ALARM|out-of-memory' "$log" | head -n 10
    } | sed 's/^/    | /' | grep . || tail -n 60 "$log" | sed 's/^/    | /'
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    if [[ -n $artifact ]]; then
      [[ $artifact == /* ]] || artifact="$PWD/${artifact#./}"
      echo "    crash input: $artifact"
      echo "    reproduce:   ${RUSTC_BOOTSTRAP:+RUSTC_BOOTSTRAP=1 }${fuzz[*]} run ${opts[*]} $t $artifact"
      echo "    minimise:    ${RUSTC_BOOTSTRAP:+RUSTC_BOOTSTRAP=1 }${fuzz[*]} tmin ${opts[*]} $t $artifact"
    else
      echo "    no crash input was written (build or libFuzzer error?); full log:"
      tail -n 60 "$log" | sed 's/^/    | /'
    fi
  fi
done

if (( ${#failed[@]} )); then
  echo "==> fuzzing found problems in: ${failed[*]}" >&2
  exit 1
fi
echo "==> fuzzing passed: ${targets[*]}, $secs s each"
