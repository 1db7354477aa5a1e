# shellcheck shell=bash disable=SC2154  # $tmp is the caller's
# Helpers shared by the benchmark scripts; source it from bench/*.sh after
# `cd` to the repository root and after setting $tmp to a scratch directory
# (measure keeps its /usr/bin/time outputs there).
#   bench_need_debian PKG...    apt-get install what is missing (root or sudo)
#   have CMD                    CMD is on PATH
#   duckdb_setup                node, npm and the pinned @duckdb/node-api in bench/node_modules
#   events_file N BIN           bench/out/events-N.ndjson, made by sx-gen once
#   rss K PROG ARGS...          run PROG under /usr/bin/time, its peak RSS in $tmp/rss.K
#   measure CMD                 run the shell pipeline CMD: $wall (s), $rss_list ("a+b" MB)
#   best_of RUNS CMD            the best $wall of RUNS runs, the largest $rss_list seen
#   host_line                   "host: CPU, cores, memory" for a report header
#   fmt_rate EVENTS_PER_S       1234567 -> "1.23M", 45678 -> "45.7k"
#   parse_sizes SCRIPT HELP DEFAULTS ARGS...   the --sizes/--help command line
#   need_size SCRIPT N          stops SCRIPT unless N is a positive integer

have() { command -v "$1" > /dev/null; }

# need_size SCRIPT N: stops SCRIPT (exit 2) unless N is a number of events.
need_size() {
  [[ $2 =~ ^[1-9][0-9]*$ ]] || { echo "$1: '$2' is not a size" >&2; exit 2; }
}

# parse_sizes SCRIPT HELP DEFAULTS ARGS...: the benchmark scripts' command
# line. Sets the array `sizes` from --sizes LIST or --sizes=LIST (LIST and
# DEFAULTS comma-separated); --help prints lines 2 to HELP of SCRIPT (its
# header comment) and exits; anything else stops SCRIPT with exit status 2.
parse_sizes() {
  local script=$1 help=$2 n
  IFS=, read -r -a sizes <<< "$3"
  shift 3
  while [ $# -gt 0 ]; do
    case $1 in
      --sizes) IFS=, read -r -a sizes <<< "${2:?--sizes needs a list such as 1000000,10000000}"; shift 2 ;;
      --sizes=*) IFS=, read -r -a sizes <<< "${1#--sizes=}"; shift ;;
      -h|--help) sed -n "2,${help}p" "$script" | sed 's/^# \{0,1\}//'; exit 0 ;;
      *) echo "$script: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
  done
  for n in "${sizes[@]}"; do need_size "$script" "$n"; done
}

# need_tools SCRIPT BIN TOOL...: stops SCRIPT when a tool is not built in BIN
# or GNU time (for peak memory) is missing.
need_tools() {
  local script=$1 bin=$2 tool
  shift 2
  for tool in "$@"; do
    if [ ! -x "$bin/$tool" ]; then
      echo "$script: $bin/$tool is missing; build the tools first: scripts/build.sh" >&2
      exit 1
    fi
  done
  if [ ! -x /usr/bin/time ]; then
    echo "$script: /usr/bin/time is missing (apt-get install time)" >&2
    exit 1
  fi
}

bench_need_debian() {
  local missing=() p sudo=""
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "bench: installing ${missing[*]}" >&2
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
}

# duckdb_setup: DuckDB for the bench/duckdb_*.mjs scripts. node and npm come
# from Debian if missing; a pinned @duckdb/node-api from npm, into the
# git-ignored bench/node_modules (no package.json).
duckdb_api=1.5.6-r.1
duckdb_setup() {
  if ! have node || ! have npm; then bench_need_debian nodejs npm; fi
  if [ "$(node -p 'require("./bench/node_modules/@duckdb/node-api/package.json").version' 2>/dev/null)" \
    != "$duckdb_api" ]; then
    echo "installing @duckdb/node-api@$duckdb_api into bench/node_modules ..." >&2
    npm install --prefix bench --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
      "@duckdb/node-api@$duckdb_api" >&2
  fi
}

# events_file N BIN: prints the path of the N-event data file, generating it
# (sx-gen, the flags every benchmark uses) when it is missing.
events_gen_flags="--seed 1 --late-fraction 0.05 --duplicate-fraction 0.02"
events_file() {
  local n=$1 bin=$2 file=bench/out/events-$1.ndjson
  if [ ! -s "$file" ]; then
    echo "generating $file ..." >&2
    # shellcheck disable=SC2086
    "$bin/sx-gen" --events "$n" $events_gen_flags > "$file.tmp"
    mv "$file.tmp" "$file"
  fi
  echo "$file"
}

# CMD is a shell pipeline in which every process is wrapped as
# `rss K prog args` (K = its position, 1-9), so that rss_list lists them in order.
rss() {
  local k=$1
  shift
  /usr/bin/time -f %M -o "$tmp/rss.$k" "$@"
}
measure() {
  local cmd=$1 start end
  rm -f "$tmp"/rss.*
  start=$EPOCHREALTIME
  eval "$cmd"
  end=$EPOCHREALTIME
  wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
  rss_list=$(for f in "$tmp"/rss.*; do awk '{ kb = $1 } END { printf "%.0f\n", kb / 1024 }' "$f"; done \
    | paste -sd+)
}
# max_rss A B: the per-process maximum of two "a+b+c" RSS lists.
max_rss() {
  printf '%s\n%s\n' "$1" "$2" | awk -F+ 'NF {
    for (i = 1; i <= NF; i++) if ($i > m[i]) m[i] = $i; if (NF > k) k = NF }
    END { for (i = 1; i <= k; i++) printf "%s%s", (i > 1 ? "+" : ""), m[i]; print "" }'
}

best_of() {
  local n=$1 cmd=$2 best="" peak="" i
  for ((i = 0; i < n; i++)); do
    measure "$cmd"
    if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$wall; fi
    peak=$(max_rss "$peak" "$rss_list")
  done
  wall=$best
  rss_list=$peak
}

host_line() {
  echo "host: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores," \
    "$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
}

fmt_rate() {
  awk -v r="$1" 'BEGIN {
    if (r >= 1e6) printf "%.2fM", r / 1e6; else if (r >= 1e3) printf "%.1fk", r / 1e3; else printf "%.0f", r }'
}

# For scripts that keep their measurements in the associative arrays secs
# (seconds) and events (N) by key:
# rate KEY: events/s.
rate() { awk -v n="${events[$1]}" -v t="${secs[$1]}" 'BEGIN { printf "%.0f", n / t }'; }
# ratio A B FLOOR: A's events/s over B's, and how it stands against FLOOR.
ratio() {
  local a=$1 b=$2 floor=${3:-}
  if [ -z "${secs[$a]:-}" ] || [ -z "${secs[$b]:-}" ]; then
    echo "n/a"
    return
  fi
  awk -v ra="$(rate "$a")" -v rb="$(rate "$b")" -v f="$floor" 'BEGIN {
    x = ra / rb
    printf (x >= 10 ? "%.0f" : "%.2f"), x
    if (f != "") printf " (floor %s: %s)", f, (x >= f ? "ok" : "BELOW") }'
}
