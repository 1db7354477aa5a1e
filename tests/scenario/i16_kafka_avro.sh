#!/usr/bin/env bash
# Issue 16: Avro values from Kafka (the seed's ads stream), with a schema
# file and through the schema-registry stand-in. The JSON expected is worked
# out from the values sent: unions in Avro's JSON mapping ({"string":"FR"},
# null), timestamp-millis as ISO-8601 UTC times (1704067200000 ms is
# 2024-01-01T00:00:00Z), which --time-field reads.
source "$(dirname "$0")/common.sh" "$1"
source "$ROOT/tests/scenario/lib/kafka.sh"
source "$ROOT/tests/scenario/lib/registry.sh"
kafka_start --topic ads:1 --topic framed:1
mkdir reg
cat > reg/7.avsc <<'AVSC'
{"type":"record","name":"Ad","namespace":"ads","fields":[{"name":"ad_id","type":"string"},{"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"clicks","type":"int"},{"name":"country","type":["null","string"]}]}
AVSC
values='{"ad_id":"a1","ts":1704067200000,"clicks":3,"country":{"string":"FR"}}
{"ad_id":"a2","ts":1704067201500,"clicks":0,"country":null}'
expected='{"ad_id":"a1","ts":"2024-01-01T00:00:00Z","clicks":3,"country":{"string":"FR"}}
{"ad_id":"a2","ts":"2024-01-01T00:00:01.500Z","clicks":0,"country":null}'

# A schema file: plain Avro binary values.
avro_encode reg/7.avsc plain <<< "$values"
kafka_produce ads plain/*.bin
sx-read --kafka "$KAFKA" --subscribe ads --starting-offsets earliest --ending-offsets latest \
  --value-format avro --avro-schema reg/7.avsc --time-field ts > plain.out
expect_eq "$(grep -v '"@sx"' plain.out)" "$expected" "Avro with --avro-schema"
grep -q '{"@sx":"watermark","t":"+inf"}' plain.out || fail "no final watermark"

# Confluent's wire format through the registry: one GET for both values.
registry_start reg
avro_encode reg/7.avsc framed --registry-id 7 <<< "$values"
kafka_produce framed framed/*.bin
sx-read --kafka "$KAFKA" --subscribe framed --starting-offsets earliest --ending-offsets latest \
  --value-format avro --schema-registry "$REGISTRY" --time-field ts | sx-sink --format ndjson > framed.out
expect_eq "$(cat framed.out)" "$expected" "Avro through the registry"
expect_eq "$(registry_requests)" 1 "the schema fetched once"

# A value that does not decode is bad input, named by topic/partition:offset.
printf 'junk' > junk.bin
kafka_produce framed junk.bin
rc=0
sx-read --kafka "$KAFKA" --subscribe framed --starting-offsets earliest --ending-offsets latest \
  --value-format avro --schema-registry "$REGISTRY" > /dev/null 2> junk.err || rc=$?
expect_eq "$rc" 1 "a bad value: exit 1"
grep -q '^sx-read: error: kafka:framed/0:2: the Avro value does not decode: ' junk.err || fail "junk: $(cat junk.err)"
sx-read --kafka "$KAFKA" --subscribe framed --starting-offsets earliest --ending-offsets latest \
  --value-format avro --schema-registry "$REGISTRY" --on-error skip 2> skip.err | grep -vc '"@sx"' > n.txt || true
expect_eq "$(cat n.txt)" 2 "skipped: the two good values"

# Options that do not go together are usage errors.
rc=0
sx-read --kafka "$KAFKA" --subscribe ads --value-format avro 2> usage.err || rc=$?
expect_eq "$rc" 2 "avro without a schema"
grep -q "needs the values' schema" usage.err || fail "usage: $(cat usage.err)"
# The registry gone: a clear error, not a skip.
registry_stop
rc=0
sx-read --kafka "$KAFKA" --subscribe framed --starting-offsets earliest --ending-offsets latest \
  --value-format avro --schema-registry "$REGISTRY" --kafka-timeout 1s --on-error skip > /dev/null 2> gone.err || rc=$?
expect_eq "$rc" 1 "registry gone: exit 1"
grep -q "is the registry up" gone.err || fail "registry gone: $(cat gone.err)"
echo "i16_kafka_avro: ok"
