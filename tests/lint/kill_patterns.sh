#!/usr/bin/env bash
# Tests run side by side (ctest -j), so a test may only kill its own
# processes. pkill, pgrep -f and killall pick processes by name or command
# line: a pattern such as "crash/ck" also matches the stages of another test
# that happens to use the same relative path, and one test then kills the
# other's pipeline. Every such pattern in the scenarios and examples must name
# the test's own scratch directory ($WORK, unique per run), or the process must
# be killed by its pid.
set -euo pipefail
cd "$(dirname "$0")/../.."
bad=0
while IFS= read -r hit; do
  case "$hit" in
    *'$WORK'*) ;;
    *)
      echo "kill by a pattern that other tests' processes can match: $hit" >&2
      echo "  (name \$WORK in the pattern, or kill by pid)" >&2
      bad=1
      ;;
  esac
done < <(grep -nE '(^|[^[:alnum:]_-])(pkill|killall|pgrep[[:space:]]+(-[[:alnum:]]+[[:space:]]+)*-f)([[:space:]]|$)' \
  tests/scenario/*.sh tests/scenario/lib/*.sh examples/*.sh 2> /dev/null || true)
exit $bad
