#!/usr/bin/env bash
# lib/ is laid out in layers, one folder each (sx(7) is silent on this; see
# README "Layout"): a file may include its own folder and the folders below it,
# never one above. Lowest first:
#   base   errors, signals, durations, event time and its parsing
#   io     files, lines, output, JSON, CSV, tables, checkpoint files
#   stream control records, the stage driver, bad input, checkpoints, locks
#   state  keys, key sets, windows, aggregates
#   expr   Spark SQL expressions: parser, values, evaluation (sx-expr(7))
#   ops | source | sink   the operators, the sources, the sinks (one level,
#          but none of the three includes another)
#   cli    the command-line frame: the only folder of lib/ that knows CLI11
set -euo pipefail
cd "$(dirname "$0")/../.."
rank() {
  case "$1" in
    base) echo 0 ;; io) echo 1 ;; stream) echo 2 ;; state) echo 3 ;;
    expr) echo 4 ;; ops | source | sink) echo 5 ;; cli) echo 6 ;; *) echo 99 ;;
  esac
}
bad=0
for f in lib/*/*.cpp lib/*/*.h; do
  layer=$(basename "$(dirname "$f")")
  r=$(rank "$layer")
  if [ "$r" = 99 ]; then
    echo "$f: folder lib/$layer is not a known layer (add it to $0)" >&2
    bad=1
    continue
  fi
  while IFS= read -r inc; do
    dep=${inc%%/*}
    d=$(rank "$dep")
    if [ "$d" -gt "$r" ] || { [ "$d" = "$r" ] && [ "$dep" != "$layer" ]; }; then
      echo "$f includes $inc: lib/$layer may not include lib/$dep" >&2
      bad=1
    fi
  done < <(sed -n 's/^#include "\([a-z_]*\/[a-z_]*\.h\)".*/\1/p' "$f")
  if [ "$layer" != cli ] && grep -q '^#include <CLI/' "$f"; then
    echo "$f includes CLI11: only lib/cli and tools/ may" >&2
    bad=1
  fi
  if grep -q '^#include "[a-z_]*\.h"' "$f"; then
    echo "$f: include lib headers by folder (\"layer/name.h\")" >&2
    bad=1
  fi
done
exit $bad
