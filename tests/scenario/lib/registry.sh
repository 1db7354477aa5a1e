# Sourced by the Avro scenarios (after common.sh): the schema-registry stand-in
# (build/bin/sx_test_schema_registry) on loopback for the scenario's life, and
# Avro test data made with Avro C (build/bin/sx_test_avro_encode).
#   registry_start DIR [--auth USER:PASSWORD] [--fail N]
#                          serves GET /schemas/ids/ID from DIR/ID.avsc; sets $REGISTRY
#                          (http://127.0.0.1:PORT)
#   registry_get PATH      the answer's status line and body (e.g. /schemas/ids/1)
#   registry_requests      the schema requests served so far (its GET /stats)
#   avro_encode SCHEMA DIR [--registry-id N] < values.ndjson
#                          one file a value, DIR/000001.bin ...: send them with
#                          kafka_produce TOPIC DIR/*.bin (kcat sends a file as one message)
#   registry_stop          (also at exit)
[ -x "$BIN/sx_test_schema_registry" ] || fail "$BIN/sx_test_schema_registry is missing (built with the tests)"
[ -x "$BIN/sx_test_avro_encode" ] || fail "$BIN/sx_test_avro_encode is missing (built with the tests)"

registry_start() {
  mkfifo "$WORK/.registry.in"
  "$BIN/sx_test_schema_registry" --dir "$@" < "$WORK/.registry.in" > "$WORK/.registry.out" \
    2> "$WORK/.registry.err" &
  REGISTRY_PID=$!
  exec {REGISTRY_FD}> "$WORK/.registry.in"
  wait_until 10 test -s "$WORK/.registry.out" ||
    fail "the registry stand-in did not start: $(cat "$WORK/.registry.err")"
  REGISTRY=$(head -1 "$WORK/.registry.out")
  export REGISTRY
}

# HTTP/1.1 GET with bash's /dev/tcp (no curl needed): "STATUS BODY".
registry_get() {
  local hostport=${REGISTRY#http://} fd answer
  exec {fd}<> "/dev/tcp/${hostport%:*}/${hostport#*:}"
  printf 'GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$1" "$hostport" >&"$fd"
  answer=$(cat <&"$fd" | tr -d '\r')
  exec {fd}<&-
  printf '%s %s\n' "$(head -1 <<< "$answer" | cut -d' ' -f2)" "$(sed '1,/^$/d' <<< "$answer")"
}

registry_requests() {
  registry_get /stats | cut -d' ' -f2
}

avro_encode() {
  local schema=$1 dir=$2
  shift 2
  "$BIN/sx_test_avro_encode" --schema "$schema" --out "$dir" "$@"
}

registry_stop() {
  [ -n "${REGISTRY_PID:-}" ] || return 0
  exec {REGISTRY_FD}>&-
  wait "$REGISTRY_PID" 2>/dev/null || true
  REGISTRY_PID=
}
