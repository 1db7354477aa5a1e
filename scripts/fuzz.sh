#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/*.cpp; clang++, ASan+UBSan, in
# build-fuzz/) and runs one of them, or each in turn, for a bounded time.
# Usage: scripts/fuzz.sh TARGET|all [SECONDS] [libFuzzer flags...]
#   TARGET   json_scan, control, time_parser, checkpoint or formats (tests/fuzz/TARGET.cpp)
#   SECONDS  per target, default 3600 (scripts/test.sh runs each for 10)
# Seeds come from tests/fuzz/corpus/TARGET/ (read only); what the run learns
# goes to build-fuzz/corpus/TARGET/ and is used again by the next run. A crash
# stops the run with exit status 1 and is saved as
# build-fuzz/crashes/TARGET/crash-<sha1> (or leak-, timeout-, oom-); replay it:
#   build-fuzz/bin/fuzz_TARGET build-fuzz/crashes/TARGET/crash-<sha1>
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 1 ]; then
  echo "usage: scripts/fuzz.sh TARGET|all [SECONDS] [libFuzzer flags...]" >&2
  echo "targets: $(cd tests/fuzz && ls ./*.cpp | sed 's|^\./||; s|\.cpp$||' | tr '\n' ' ')" >&2
  exit 2
fi
target=$1
seconds=${2:-3600}
shift $(($# < 2 ? $# : 2))
if [ "$target" = all ]; then
  targets=()
  for f in tests/fuzz/*.cpp; do targets+=("$(basename "$f" .cpp)"); done
else
  if [ ! -f "tests/fuzz/$target.cpp" ]; then
    echo "fuzz: no target $target (no tests/fuzz/$target.cpp); run scripts/fuzz.sh for the list" >&2
    exit 2
  fi
  targets=("$target")
fi

dir=build-fuzz
cmake -S . -B "$dir" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSX_FUZZ=ON -DSX_TESTS=OFF >/dev/null
build=()
for t in "${targets[@]}"; do build+=(--target "fuzz_$t"); done
cmake --build "$dir" -j "$(nproc)" "${build[@]}"

failed=()
for t in "${targets[@]}"; do
  mkdir -p "$dir/corpus/$t" "$dir/crashes/$t"
  flags=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=256
    -print_final_stats=1 -artifact_prefix="$dir/crashes/$t/")
  case "$t" in json_scan | control) flags+=(-dict=tests/fuzz/json.dict) ;; esac
  echo "fuzz: $t for ${seconds}s" >&2
  if ! "$dir/bin/fuzz_$t" "${flags[@]}" "$@" "$dir/corpus/$t" "tests/fuzz/corpus/$t" \
    >"$dir/fuzz_$t.log" 2>&1; then
    tail -n 40 "$dir/fuzz_$t.log" >&2
    echo "fuzz: $t FAILED: the input is in $dir/crashes/$t/, the log in $dir/fuzz_$t.log" >&2
    failed+=("$t")
  else
    # libFuzzer's last status line (runs, coverage) and its final stats.
    grep -E '^#[0-9]+.*DONE|^stat::number_of_executed_units' "$dir/fuzz_$t.log" >&2 || true
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failed: ${failed[*]}" >&2
  exit 1
fi
