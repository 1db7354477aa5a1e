#!/usr/bin/env bash
# Checkpoint benchmark: what --checkpoint costs a stateful pipeline, and how
# long a restart takes to load a large state.
#   overhead  sx-read DIR | sx-dedup | sx-window | sx-sink over N events split
#             into 100 files, an epoch every 100000 records: with --checkpoint
#             on every stage (sx-sink --path, exactly-once) against the same
#             pipeline without (sx-sink to a file); sx-dedup keyed by
#             event_id,timestamp (state bounded by the watermark) and by
#             event_id (state kept for the life of the stream)
#   resume    a checkpoint holding the state of BENCH_RESUME_EVENTS events
#             (sx-dedup's keys, or sx-window's running counts by event_id),
#             made by one --trigger available-now run; then the same run again
#             with no new input: it loads the state and stops
#
# Usage: bench/checkpoint.sh [--sizes 10000000]
#   BENCH_RUNS=3                    runs of each pipeline; the best wall time counts
#   BENCH_RESUME_EVENTS=1000000     events whose state the resume checkpoint holds
#   SX_BIN=build/bin                where the sx tools are
# Data: bench/out/events-<N>.ndjson, made by sx-gen once and reused; the split
# files, checkpoints and outputs in a scratch directory under bench/out (on
# the same disk, so checkpoint fsyncs are real), removed at the end. Results:
# the tables on stdout, also kept in bench/out/checkpoint.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

. bench/lib.sh
parse_sizes bench/checkpoint.sh 23 10000000 "$@"
resume_n=${BENCH_RESUME_EVENTS:-1000000}
need_size bench/checkpoint.sh "$resume_n"
out=bench/out
mkdir -p "$out"
tmp=$(mktemp -d)
work=$(mktemp -d "$out/checkpoint.XXXXXX")
# The sx tools' stderr (their summaries) goes to $tmp/err: shown if a command fails.
on_exit() {
  local status=$?
  if [ "$status" -ne 0 ] && [ -s "$tmp/err" ]; then cat "$tmp/err" >&2; fi
  rm -rf "$tmp" "$work"
}
trap on_exit EXIT

scripts/setup.sh --bench   # GNU time (and the other benchmarks' peers) from Debian packages
bin=${SX_BIN:-build/bin}
runs=${BENCH_RUNS:-3}

need_tools bench/checkpoint.sh "$bin" sx-gen sx-read sx-sink sx-dedup sx-window

# rio K PROG ARGS: as lib.sh's rss, and after PROG's peak RSS on the same
# line of $tmp/rss.K, the blocks it wrote (512 bytes each) and its user and
# system CPU seconds.
rio() {
  local k=$1
  shift
  /usr/bin/time -f '%M %O %U %S' -o "$tmp/rss.$k" "$@"
}
# written_cpu: "MB a+b+...", the MB written by the processes of the last
# measure and the CPU seconds (user + system) of each.
written_cpu() {
  cat "$tmp"/rss.* | awk '{ b += $2; c = c (NR > 1 ? "+" : "") sprintf("%.1f", $3 + $4) }
    END { printf "%.1f %s", b * 512 / 1e6, c }'
}
# fresh_best RUNS CMD DIR...: best_of, with DIR... emptied (and the disk
# synced) before each run, outside the time; $written and $cpu: the best run's.
fresh_best() {
  local n=$1 cmd=$2 best="" peak="" w="" i
  shift 2
  for ((i = 0; i < n; i++)); do
    rm -rf "$@"
    mkdir -p "$@"
    sync
    measure "$cmd"
    if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$wall
      w=$(written_cpu)
    fi
    peak=$(max_rss "$peak" "$rss_list")
  done
  wall=$best
  rss_list=$peak
  read -r written cpu <<< "$w"
}
# ck_sizes CK STAGE...: "stage 1.20 MB, ...": the largest of the stage's
# checkpoint files left in CK/STAGE (the removal of old epochs lags a little,
# so a directory holds one to three of them, and the newest one of a finished
# stream can be nearly empty).
ck_sizes() {
  local ck=$1 s line=""
  shift
  for s in "$@"; do
    line+="$s $(stat -c %s "$ck/$s"/* | sort -n | tail -n 1 | awk '{ printf "%.2f MB", $1 / 1e6 }'), "
  done
  echo "${line%, }"
}
# ck_file CK STAGE: "1.20 MB (du 2.40 MB)": the stage's file for the newest
# commit, then all of CK/STAGE.
ck_file() {
  local f
  f=$1/$2/$(ls "$1/_commits")
  echo "$(stat -c %s "$f" | awk '{ printf "%.2f MB", $1 / 1e6 }')" \
    "(du $(du -sb "$1/$2" | awk '{ printf "%.2f MB", $1 / 1e6 }'))"
}
# per_s N SECONDS: events per second.
per_s() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f", n / t }'; }

# The pipelines. sx-read cuts an epoch every 100000 records (the files hold
# 1/100 of the events each, so at 10M events an epoch is a file).
read_flags="--time-field timestamp --watermark 10m --max-records-per-trigger 100000 --no-progress-line"
window_flags="--tumbling 5m --by event_type --agg count --mode append"
# pipeline KEYS IN CK OUT: the overhead pipeline; CK empty: no checkpoints.
pipeline() {
  local keys=$1 in=$2 ck=$3 o=$4 c=""
  if [ -n "$ck" ]; then c="--checkpoint '$ck'"; fi
  local p="rio 1 '$bin/sx-read' $c $read_flags '$in/' 2>> '$tmp/err' \
    | rio 2 '$bin/sx-dedup' $c --key $keys 2>> '$tmp/err' \
    | rio 3 '$bin/sx-window' $c $window_flags 2>> '$tmp/err'"
  if [ -n "$ck" ]; then
    echo "$p | rio 4 '$bin/sx-sink' $c --path '$o' 2>> '$tmp/err'"
  else
    echo "$p | rio 4 '$bin/sx-sink' > '$o/all.ndjson' 2>> '$tmp/err'"
  fi
}

report=$tmp/report.txt
{
  echo "sx checkpoint benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  host_line
  echo "tools: $("$bin/sx-read" --version), $("$bin/sx-dedup" --version)," \
    "$("$bin/sx-window" --version), $("$bin/sx-sink" --version);" \
    "checkpoints on $(df -T "$work" | awk 'NR == 2 { print $1 " (" $2 ")" }')"
  echo "wall time: best of $runs runs, a fresh checkpoint and output each run; events/s = N / wall" \
    "seconds; RSS: peak per process, MB (read+dedup+window+sink); CPU: user+system seconds per" \
    "process; written: MB they wrote (checkpoints and output, GNU time %O)"
} | tee "$report"

for n in "${sizes[@]}"; do
  file=$(events_file "$n" "$bin")
  bytes=$(stat -c %s "$file")
  in=$work/in-$n
  mkdir -p "$in"
  echo "splitting $file into 100 files ..." >&2
  split -l $(((n + 99) / 100)) -d -a 3 --additional-suffix=.ndjson "$file" "$in/part-"
  cat "$in"/* > /dev/null   # into the page cache
  base_out=$work/base-out ck=$work/ck ck_out=$work/ck-out

  {
    echo
    echo "== overhead: $n events, $(awk -v b="$bytes" 'BEGIN { printf "%.0f MB", b / 1e6 }')" \
      "in 100 files, an epoch every 100000 records"
    echo "   sx-read DIR | sx-dedup --key KEYS | sx-window $window_flags | sx-sink"
    printf '%-19s %-12s %8s %9s  %-18s %-15s %10s %9s\n' keys checkpoints seconds events/s "CPU s" \
      "peak RSS MB" "written MB" overhead
  } | tee -a "$report"
  for keys in event_id,timestamp event_id; do
    fresh_best "$runs" "$(pipeline "$keys" "$in" "" "$base_out")" "$base_out"
    b_wall=$wall
    printf '%-19s %-12s %8s %9s  %-18s %-15s %10s %9s\n' "$keys" none "$wall" \
      "$(fmt_rate "$(per_s "$n" "$wall")")" "$cpu" "$rss_list" "$written" "" | tee -a "$report"
    fresh_best "$runs" "$(pipeline "$keys" "$in" "$ck" "$ck_out")" "$ck" "$ck_out"
    over=$(awk -v a="$wall" -v b="$b_wall" 'BEGIN { printf "%+.1f%%", (a / b - 1) * 100 }')
    floor=$(awk -v a="$wall" -v b="$b_wall" 'BEGIN { print ((a / b - 1) * 100 < 10 ? "ok" : "ABOVE") }')
    printf '%-19s %-12s %8s %9s  %-18s %-15s %10s %9s\n' "" "every stage" "$wall" \
      "$(fmt_rate "$(per_s "$n" "$wall")")" "$cpu" "$rss_list" "$written" "$over" | tee -a "$report"
    # The checkpointed run's committed files against the baseline's output.
    rows=$(wc -l < "$base_out/all.ndjson")
    if cmp -s <(sort "$base_out/all.ndjson") <(cat "$ck_out"/part-*.ndjson | sort); then
      same="the same $rows output rows as without checkpoints"
    else
      same="OUTPUT DIFFERS: $rows rows without checkpoints, $(cat "$ck_out"/part-*.ndjson | wc -l) with"
    fi
    {
      echo "  overhead floor < 10%: $floor; $same"
      echo "  largest checkpoint file per stage (last commit: epoch $(ls "$ck/_commits")): $(ck_sizes "$ck" sx-read sx-dedup sx-window _commits)"
    } | tee -a "$report"
  done
  rm -rf "$in" "$base_out" "$ck" "$ck_out"
done

# Resume: one available-now run builds the checkpoint, a second one with no
# new input loads it and stops. Each stateful stage is timed alone after
# sx-read, and against the same pipeline starting with an empty checkpoint.
file=$(events_file "$resume_n" "$bin")
in=$work/resume-in
mkdir -p "$in"
ln "$file" "$in/events.ndjson" 2> /dev/null || cp "$file" "$in/events.ndjson"
empty=$work/empty-in
mkdir -p "$empty"
declare -A stage_flags=(
  [sx-dedup]="--key event_id"
  [sx-window]="--by event_id --agg count --mode update"
)
declare -A stage_label=(
  [sx-dedup]="sx-dedup --key event_id"
  [sx-window]="sx-window --by event_id (update)"
)
# resume_pipeline STAGE IN CK OUT [PROGRESS]
resume_pipeline() {
  local stage=$1 in=$2 ck=$3 o=$4 progress=""
  if [ -n "${5:-}" ]; then progress="--progress '$5'"; fi
  echo "rio 1 '$bin/sx-read' --checkpoint '$ck' --trigger available-now $read_flags '$in/' 2>> '$tmp/err' \
    | rio 2 '$bin/$stage' --checkpoint '$ck' ${stage_flags[$stage]} $progress 2>> '$tmp/err' \
    | rio 3 '$bin/sx-sink' --checkpoint '$ck' --path '$o' 2>> '$tmp/err'"
}
{
  echo
  echo "== resume: a checkpoint of the state of $resume_n events ($file), then a run with no new input"
  echo "   sx-read --checkpoint CK --trigger available-now DIR | STAGE --checkpoint CK | sx-sink --checkpoint CK --path OUT"
  printf '%-42s %10s %9s  %-12s %s\n' stage "state rows" seconds "peak RSS MB" "checkpoint file (du of CK/STAGE)"
} | tee -a "$report"
for stage in sx-dedup sx-window; do
  ck=$work/rck-$stage o=$work/rout-$stage
  label=${stage_label[$stage]}
  # Starting with an empty checkpoint and no input: the cost of starting the pipeline.
  fresh_best "$runs" "$(resume_pipeline "$stage" "$empty" "$ck" "$o")" "$ck" "$o"
  printf '%-42s %10s %9s  %-12s\n' "$label: start, empty" 0 "$wall" "$rss_list" | tee -a "$report"
  # Build (timed once), then resume (best of runs; it commits nothing new).
  rm -rf "$ck" "$o" "$tmp/progress"
  sync
  measure "$(resume_pipeline "$stage" "$in" "$ck" "$o" "$tmp/progress")"
  state=$(tail -n 1 "$tmp/progress" | jq .numRowsTotal)
  commits=$(ls "$ck/_commits")
  printf '%-42s %10s %9s  %-12s %s\n' "$label: build" "$state" "$wall" "$rss_list" \
    "$(ck_file "$ck" "$stage")" | tee -a "$report"
  before=$(ls "$o" | wc -l)
  best_of "$runs" "$(resume_pipeline "$stage" "$in" "$ck" "$o")"
  after="$(ls "$ck/_commits") $(ls "$o" | wc -l)"
  printf '%-42s %10s %9s  %-12s %s\n' "$label: resume" "$state" "$wall" "$rss_list" \
    "$(ck_file "$ck" "$stage")" | tee -a "$report"
  [ "$after" = "$commits $before" ] \
    || echo "  the resume runs changed the checkpoint or the output (commit $commits -> ${after%% *})" \
      | tee -a "$report"
done
cp "$report" "$out/checkpoint.txt"
