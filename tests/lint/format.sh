#!/usr/bin/env bash
# The C++ sources follow .clang-format (Google style, 100 columns): this test
# fails on any file clang-format would change, and names it. Fix with
#   clang-format -i FILE
set -euo pipefail
cd "$(dirname "$0")/../.."
mapfile -t files < <(git ls-files 'lib/*.cpp' 'lib/*.h' 'tools/*.cpp' 'tools/*.h' \
  'tests/unit/*.cpp' 'tests/unit/*.h' 'tests/fuzz/*.cpp' 'tests/fuzz/*.h' 2>/dev/null ||
  find lib tools tests/unit \( -name '*.cpp' -o -name '*.h' \))
bad=0
for f in "${files[@]}"; do
  [ -f "$f" ] || continue
  if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
    echo "not formatted: $f (run: clang-format -i $f)" >&2
    bad=1
  fi
done
exit $bad
