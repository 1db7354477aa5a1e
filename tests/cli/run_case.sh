#!/usr/bin/env bash
# Runs one golden CLI case: tests/cli/<group>/<NNNN>/
#   cmd          shell command line(s), run with the built tools first on PATH,
#                in a scratch copy of the case folder (so it can read its files)
#   input        (optional) standard input; /dev/null when absent
#   expout       expected standard output, compared byte for byte
#   experr       (optional) expected standard error, compared byte for byte
#   should-fail  (optional) the command must exit non-zero; if the file holds a
#                number, exactly that exit code
# Usage: run_case.sh CASE_DIR BIN_DIR
set -uo pipefail
case_dir=$1
bin_dir=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -R "$case_dir"/. "$work"/
cd "$work" || exit 1
stdin=/dev/null
[ -f input ] && stdin=input
PATH="$bin_dir:$PATH" bash -o pipefail ./cmd < "$stdin" > actual.out 2> actual.err
code=$?
fail=0
if [ -f should-fail ]; then
  want=$(tr -d '[:space:]' < should-fail)
  if [ "$code" -eq 0 ]; then
    echo "FAIL: expected a non-zero exit, got 0"; fail=1
  elif [ -n "$want" ] && [ "$code" -ne "$want" ]; then
    echo "FAIL: expected exit $want, got $code"; fail=1
  fi
elif [ "$code" -ne 0 ]; then
  echo "FAIL: exit $code"; fail=1
fi
if ! cmp -s expout actual.out; then
  echo "FAIL: stdout differs from expout:"; diff expout actual.out | head -40; fail=1
fi
if [ -f experr ] && ! cmp -s experr actual.err; then
  echo "FAIL: stderr differs from experr:"; diff experr actual.err | head -40; fail=1
fi
if [ $fail -ne 0 ]; then
  echo "--- cmd:"; cat cmd
  echo "--- stderr:"; head -20 actual.err
  exit 1
fi
exit 0
