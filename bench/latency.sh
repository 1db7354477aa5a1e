#!/usr/bin/env bash
# Latency benchmark (issue 12): how soon a live pipeline shows what comes in.
# A generator writes --rate events/s (default 100000) for --seconds (default
# 10), each stamped with the wall clock when it is made (sx-gen --wall-clock),
# into a stdin pipe; a stamper at the end of the pipeline notes the wall clock
# at which each output line arrives (per read, so its own cost is per chunk).
# Two pipelines, default flags:
#   passthrough  sx-read --time-field timestamp | sx-sink
#                latency = arrival - the event's timestamp
#   window       sx-read --time-field timestamp --watermark 0s
#                  | sx-window --tumbling 100ms --agg count | sx-sink
#                latency = arrival - window_end (the earliest moment the
#                watermark could close it); the last window, closed by the
#                input's end before its end time, is left out
# Reported: p50, p99 and max in milliseconds, and the line count, after a
# first second of warm-up (left out). Targets:
# p99 under 5 ms (passthrough) and under 20 ms (window).
#
# Usage: bench/latency.sh [--seconds 10] [--rate 100000]
#   SX_BIN=build/bin    where the sx tools are
# Needs python3 (the stamper). Results: the table on stdout, also kept in
# bench/out/latency.txt. Run it on an idle machine: a loaded one adds its
# scheduling delays to every figure.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=10
rate=100000
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) seconds=${2:?--seconds needs a number}; shift 2 ;;
    --rate) rate=${2:?--rate needs events per second}; shift 2 ;;
    -h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/latency.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
[[ $seconds =~ ^[1-9][0-9]*$ && $rate =~ ^[1-9][0-9]*$ ]] ||
  { echo "bench/latency.sh: --seconds and --rate take positive integers" >&2; exit 2; }
BIN=${SX_BIN:-build/bin}
for tool in sx-gen sx-read sx-window sx-sink; do
  [ -x "$BIN/$tool" ] || { echo "bench/latency.sh: $BIN/$tool is missing; build first: scripts/build.sh" >&2; exit 1; }
done
command -v python3 > /dev/null || { echo "bench/latency.sh: needs python3" >&2; exit 1; }
mkdir -p bench/out
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The stamper: stdin in chunks, each chunk's complete lines stamped with the
# wall clock (ns) when the chunk arrived; at EOF, the latency of each line
# (its arrival minus the time in FIELD, an ISO-8601 UTC time) in ms.
stamper='
import calendar, os, sys, time
field = sys.argv[1].encode()
key = b"\"" + field + b"\":\""
chunks, rest = [], b""
while True:
    b = os.read(0, 1 << 20)
    if not b:
        break
    now = time.time_ns()
    data = rest + b
    cut = data.rfind(b"\n") + 1
    chunks.append((now, data[:cut]))
    rest = data[cut:]
secs = {}
out = []
for now, data in chunks:
    for line in data.split(b"\n"):
        i = line.find(key)
        if i < 0:
            continue
        t = line[i + len(key):line.index(b"\"", i + len(key))].decode()
        day = t[:19]
        s = secs.get(day)
        if s is None:
            s = secs[day] = calendar.timegm(time.strptime(day, "%Y-%m-%dT%H:%M:%S"))
        frac = t[19:-1]
        us = s * 1000000 + (int((frac[1:] + "000000")[:6]) if frac else 0)
        out.append("%d %.3f" % (us, (now / 1000 - us) / 1000))
sys.stdout.write("\n".join(out) + "\n")
'
# summary NAME FILE [DROP_LAST]: p50, p99, max of the latencies in FILE
# (lines "time_us latency_ms"), leaving out the first second (warm-up: the
# processes of the pipeline start while the generator already writes).
summary() {
  python3 - "$1" "$2" "${3:-0}" <<'PY'
import sys
name, path, drop = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = [l.split() for l in open(path) if l.strip()]
if drop:
    rows = rows[:-drop]
start = min((int(r[0]) for r in rows), default=0)
xs = sorted(float(r[1]) for r in rows if int(r[0]) >= start + 1000000)
if not xs:
    print("| %s | 0 | - | - | - |" % name)
    sys.exit()
pick = lambda q: xs[min(len(xs) - 1, int(q * len(xs)))]
print("| %s | %d | %.2f | %.2f | %.2f |" % (name, len(xs), pick(0.5), pick(0.99), xs[-1]))
PY
}

events=$((rate * seconds))
gen=("$BIN/sx-gen" --events "$events" --rate "$rate" --wall-clock)
"${gen[@]}" | "$BIN/sx-read" --time-field timestamp | "$BIN/sx-sink" \
  | python3 -c "$stamper" timestamp > "$tmp/pass.txt"
"${gen[@]}" | "$BIN/sx-read" --time-field timestamp --watermark 0s \
  | "$BIN/sx-window" --tumbling 100ms --agg count | "$BIN/sx-sink" \
  | python3 -c "$stamper" window_end > "$tmp/window.txt"

{
  echo "latency, $events events at $rate/s ($(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
  echo
  echo "| pipeline | lines | p50 ms | p99 ms | max ms |"
  echo "|---|---:|---:|---:|---:|"
  summary "passthrough: arrival - event time" "$tmp/pass.txt"
  summary "window 100ms: arrival - window end" "$tmp/window.txt" 1
  echo
  echo "targets: p99 < 5 ms (passthrough), < 20 ms (window)"
} | tee bench/out/latency.txt
