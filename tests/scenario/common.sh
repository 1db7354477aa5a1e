# Sourced by every scenario: strict mode, an ERR trap that names the failing
# line, the built tools first on PATH, and a scratch directory.
# Usage in a scenario: source "$(dirname "$0")/common.sh" "$1"
set -euo pipefail
trap 'echo "FAIL: ${BASH_SOURCE[0]}:$LINENO: $BASH_COMMAND" >&2' ERR
BIN=$(cd "${1:?usage: scenario.sh BIN_DIR}" && pwd)
export PATH="$BIN:$PATH"
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=$(mktemp -d)
cleanup() { local pids; pids=$(jobs -p); [ -z "$pids" ] || kill $pids 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
cd "$WORK"
fail() { echo "FAIL: $*" >&2; exit 1; }
expect_eq() { [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"; }
# wait_until SECONDS COMMAND...: until COMMAND succeeds; 1 after SECONDS.
wait_until() {
  local n=$(( $1 * 10 ))
  shift
  until "$@"; do
    n=$((n - 1))
    [ "$n" -gt 0 ] || return 1
    sleep 0.1
  done
}
# wait_for_text FILE TEXT: up to 5 s for TEXT to appear in FILE, else fail.
wait_for_text() {
  for _ in $(seq 100); do grep -qF -- "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
  fail "timed out waiting for '$2' in $1"
}
# kill_random_stage PID CK DELAY: once run PID's pipeline (its stages started
# with --checkpoint $WORK/CK) has started, waits DELAY seconds and kills one
# of sx-read, sx-dedup, sx-window and sx-sink (picked with $RANDOM) with
# kill -9; 0 when a kill landed. Only processes with this test's own $WORK
# path are matched: tests run side by side (ctest -j), and a pattern such as
# "crash/ck" would kill another test's stages too (tests/lint/kill_patterns.sh).
kill_random_stage() {
  local pid=$1 ck=$2 delay=$3
  local stages=(sx-read sx-dedup sx-window sx-sink)
  wait_until 20 eval 'pgrep -f "^sx-sink .*$WORK/$ck" > /dev/null || ! kill -0 "$pid" 2> /dev/null' || true
  sleep "$delay"
  pkill -9 -f "^${stages[$((RANDOM % 4))]} .*$WORK/$ck" 2> /dev/null
}
