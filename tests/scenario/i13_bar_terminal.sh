#!/usr/bin/env bash
# sx-sink --format bar on a terminal: the bars fill the terminal's width,
# found by ioctl(TIOCGWINSZ) when COLUMNS is not set, and COLUMNS wins when
# it is (sx-sink(1), BARS). The terminal is a 50x20 tmux pane; the test reads
# the screen a person sees with tmux capture-pane.
source "$(dirname "$0")/common.sh" "$1"

SOCK="sx-i13-bar-$$"
tm() { tmux -u -L "$SOCK" "$@"; }
trap 'tm kill-server 2>/dev/null || true; cleanup' EXIT

printf '%s\n' '{"g":"a","n":4}' '{"g":"b","n":8}' '{"g":"c","n":2}' '{"@sx":"epoch","id":0}' \
  > "$WORK/in.ndjson"

# run NAME ENV...: runs sx-sink --format bar in a pane with ENV, returns its screen.
run() {
  local name=$1
  shift
  tm new-session -d -x 50 -y 20 -s "$name" \
    "env -u COLUMNS -u LINES $* sx-sink --format bar --value n < '$WORK/in.ndjson'; echo \"exit \$?\"; sleep 60"
  wait_until 10 sh -c "tmux -u -L '$SOCK' capture-pane -p -t '$name' | grep -q '^exit '" ||
    fail "$name: sx-sink did not finish"
  tm capture-pane -p -t "$name" | sed -e '/^$/d'
  tm kill-session -t "$name"
}

B=$(printf '\u2588')
H=$(printf '\u258C')
rep() { local s="" i; for ((i = 0; i < $2; i++)); do s+=$1; done; printf '%s' "$s"; }
sp() { printf '%*s' "$1" ''; }

# 50 columns: label 1 + space + 46 cells + space + value 1; 8 is 46 cells.
want=$(printf '%s\n' "Batch: 0" \
  "a $(rep "$B" 23)$(sp 23) 4" \
  "b $(rep "$B" 46) 8" \
  "c $(rep "$B" 11)$H$(sp 34) 2" \
  "exit 0")
got=$(run ioctl)
[ "$got" = "$want" ] || { diff <(echo "$want") <(echo "$got") >&2 || true; fail "bars at the pane's width"; }

# COLUMNS=30 wins over the terminal: 26 cells, 3.25 per unit.
want=$(printf '%s\n' "Batch: 0" \
  "a $(rep "$B" 13)$(sp 13) 4" \
  "b $(rep "$B" 26) 8" \
  "c $(rep "$B" 6)$H$(sp 19) 2" \
  "exit 0")
got=$(run env COLUMNS=30)
[ "$got" = "$want" ] || { diff <(echo "$want") <(echo "$got") >&2 || true; fail "bars at COLUMNS"; }
echo "ok"
