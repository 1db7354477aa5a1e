#!/usr/bin/env bash
# Sets up, builds and runs every test: doctest unit tests, golden CLI cases,
# scenario scripts and the examples, through ctest.
# Usage: scripts/test.sh [--sanitize]   (run the suite on an ASan+UBSan build)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh "$@"
dir=build
[ "${1:-}" = "--sanitize" ] && dir=build-asan
ctest --test-dir "$dir" --output-on-failure -j "$(nproc)"
