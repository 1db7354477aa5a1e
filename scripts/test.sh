#!/usr/bin/env bash
# Sets up, builds and runs every test: doctest unit tests, golden CLI cases,
# scenario scripts and the examples, through ctest; then each libFuzzer target
# (tests/fuzz/) for a few seconds, through scripts/fuzz.sh.
# Usage: scripts/test.sh [--sanitize]   (run the suite on an ASan+UBSan build)
# SX_FUZZ_SECONDS: seconds per fuzz target (default 10; 0 skips fuzzing).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh "$@"
dir=build
[ "${1:-}" = "--sanitize" ] && dir=build-asan
ctest --test-dir "$dir" --output-on-failure -j "$(nproc)"
fuzz_seconds=${SX_FUZZ_SECONDS:-10}
if [ "$fuzz_seconds" -gt 0 ]; then
  scripts/fuzz.sh all "$fuzz_seconds"
fi
