#!/usr/bin/env bash
# Issue 16, the Avro test helpers the Kafka scenarios build on: the registry
# stand-in answers Confluent's GET /schemas/ids/{id} (and its 404), counts
# requests; sx_test_avro_encode writes Avro C's encoding, Confluent-framed,
# one file a value (the bytes below worked out by hand: zigzag varints); kcat
# sends each file as one message and the mock cluster gives them back intact.
source "$(dirname "$0")/common.sh" "$1"
source "$ROOT/tests/scenario/lib/kafka.sh"
source "$ROOT/tests/scenario/lib/registry.sh"

mkdir reg
cat > reg/1.avsc <<'AVSC'
{"type":"record","name":"Ad","namespace":"ads","fields":[{"name":"ad_id","type":"string"},{"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"country","type":["null","string"]}]}
AVSC
registry_start reg
case $REGISTRY in http://127.0.0.1:*) ;; *) fail "registry URL: $REGISTRY" ;; esac

# The schema as a JSON string; an unknown id is Confluent's 404.
expect_eq "$(registry_get /schemas/ids/1)" "200 {\"schema\":\"$(sed 's/"/\\"/g' reg/1.avsc)\"}" "GET 1"
expect_eq "$(registry_get /schemas/ids/9)" '404 {"error_code":40403,"message":"Schema not found"}' "GET 9"
expect_eq "$(registry_requests)" 2 "requests"

# Encoding: magic 0, id 1 big-endian, "a1" (length 2 -> 04), ts 1704067200000
# (zigzag varint 80 d0 8f a5 98 63), union branch 1 (02) then "FR"; branch 0
# (00) for null.
printf '%s\n' '{"ad_id":"a1","ts":1704067200000,"country":{"string":"FR"}}' '' \
  '{"ad_id":"a2","ts":1704067201000,"country":null}' | avro_encode reg/1.avsc vals --registry-id 1
expect_eq "$(ls vals)" "$(printf '000001.bin\n000002.bin')" "files"
expect_eq "$(xxd -p vals/000001.bin)" 000000000104613180d08fa5986302044652 "value 1"
expect_eq "$(xxd -p vals/000002.bin)" 0000000001046132d0df8fa5986300 "value 2"
# Without --registry-id: the bare Avro binary.
echo '{"ad_id":"","ts":-1,"country":null}' | avro_encode reg/1.avsc plain
expect_eq "$(xxd -p plain/000001.bin)" 000100 "plain value"
# A value that does not fit the schema: exit 1, naming the line and the field.
rc=0
printf '%s\n' '{"ad_id":"a1","ts":0,"country":null}' '{"ad_id":1,"ts":0,"country":null}' \
  | avro_encode reg/1.avsc bad 2> err || rc=$?
expect_eq "$rc" 1 "bad value exit"
expect_eq "$(cat err)" "sx_test_avro_encode: line 2: field ad_id: expected a string for an Avro string" "bad value message"

# Through Kafka with kcat, one message a file, bytes intact.
kafka_start --topic ads:1
kafka_produce ads vals/*.bin
expect_eq "$(kafka_consume ads -f '%S\n')" "$(printf '18\n15')" "message sizes"
kafka_consume ads -f '%s' > got.bin
cat vals/*.bin > want.bin
cmp got.bin want.bin || fail "the messages differ from the files"
kafka_stop
registry_stop
echo "ok"
