#!/usr/bin/env bash
# Issue 16: the libraries only some runs need are loaded by those runs
# (dlopen), not at every start of every tool: libcurl (--schema-registry,
# 31 libraries of its own) tripled sx-read's start time (4 ms to 13.5 ms);
# librdkafka and Avro C (--kafka, --value-format avro) doubled it; libpq
# (--db postgresql://) and librdkafka made sx-sink load 35 libraries.
source "$(dirname "$0")/common.sh" "$1"
for tool in sx-read sx-window sx-dedup sx-join sx-sink sx-map; do
  if ldd "$BIN/$tool" | grep -E 'lib(curl|rdkafka|avro|pq)\.'; then
    fail "$tool links a library that only some of its runs need (above)"
  fi
done
echo '{"a":1}' | sx-read > out.ndjson
expect_eq "$(grep -vc '"@sx"' out.ndjson)" 1 "sx-read still reads"
echo "i16_startup: ok"
