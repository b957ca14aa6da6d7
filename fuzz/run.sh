#!/usr/bin/env bash
# Runs the fuzz targets one after the other, each for FUZZ_SECONDS (default 600), and prints a
# line per target for the record in README.md. Installs cargo-fuzz when it is missing and seeds
# the corpora first (seed.sh). Needs a nightly toolchain.
#
#   ./run.sh                      # every target, 10 minutes each
#   FUZZ_SECONDS=60 ./run.sh shard exercise
#
# On a machine shared through the build lock, set MODSIM_CARGO_LOCK=/tmp/modsim-cargo.lock:
# the targets are then built under it, and only the fuzzing runs outside it.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${FUZZ_SECONDS:-600}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(policy scenario condition run reform exercise shard)
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi
./seed.sh
build=(cargo +nightly fuzz build)
if [ -n "${MODSIM_CARGO_LOCK:-}" ]; then
  build=(flock "$MODSIM_CARGO_LOCK" "${build[@]}")
fi
"${build[@]}"
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
echo "| date | commit | target | runs | time | crashes |"
for target in "${targets[@]}"; do
  log="fuzz-$target.log"
  status=0
  cargo +nightly fuzz run "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -max_len=16384 -rss_limit_mb=2048 >"$log" 2>&1 || status=$?
  runs=$(grep -oE 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -n 1 | grep -oE '[0-9]+' | head -n 1 || true)
  took=$(grep -oE 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -n 1 | grep -oE '[0-9]+ second' | grep -oE '[0-9]+' || true)
  if [ "$status" -eq 0 ]; then
    crashes=none
  else
    crashes="see fuzz/$log and fuzz/artifacts/$target/"
  fi
  echo "| $(date +%F) | $commit | \`$target\` | ${runs:-?} | ${took:-?} s | $crashes |"
done
