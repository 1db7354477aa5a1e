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
