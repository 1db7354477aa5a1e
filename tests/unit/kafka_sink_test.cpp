// The Kafka sink's pieces that need no broker: --kafka-option's parsing and
// the commit record (per-partition offsets) written at each epoch's commit.
#include "sink/kafka_sink.h"

#include <doctest/doctest.h>

#include "base/error.h"

TEST_CASE("issue 16: --kafka-option KEY=VALUE") {
  const auto kv = sx::parse_kafka_option("sasl.password=a=b");
  CHECK(kv.first == "sasl.password");
  CHECK(kv.second == "a=b");  // split at the first '='
  CHECK(sx::parse_kafka_option("linger.ms=").second.empty());
  CHECK_THROWS_WITH_AS(sx::parse_kafka_option("acks"), doctest::Contains("is not KEY=VALUE"),
                       sx::Error);
  CHECK_THROWS_AS(sx::parse_kafka_option("=1"), sx::Error);
  CHECK_THROWS_WITH_AS(sx::parse_kafka_option("bootstrap.servers=h:1"),
                       doctest::Contains("--kafka BROKERS"), sx::Error);
  CHECK_THROWS_AS(sx::parse_kafka_option("metadata.broker.list=h:1"), sx::Error);
  CHECK_THROWS_AS(sx::parse_kafka_option("enable.idempotence=false"), sx::Error);
  CHECK_THROWS_AS(sx::parse_kafka_option("transactional.id=x"), sx::Error);
}

TEST_CASE("issue 16: the Kafka sink's commit record round trip") {
  const sx::KafkaCommit c{"clicks", "0123abcd", {5, 0, 1234567890123}};
  const std::string text = sx::format_kafka_commit(c);
  CHECK(text == "kafka\nclicks\n0123abcd\n0 5\n1 0\n2 1234567890123\n");
  sx::KafkaCommit back;
  REQUIRE(sx::parse_kafka_commit(text, &back));
  CHECK(back.topic == "clicks");
  CHECK(back.sink_id == "0123abcd");
  CHECK(back.next == c.next);
  // A topic without partitions yet (not created): no offsets.
  REQUIRE(sx::parse_kafka_commit("kafka\nt\nid\n", &back));
  CHECK(back.next.empty());
}

TEST_CASE("issue 16: commit records of other sinks or damaged are not the Kafka sink's") {
  sx::KafkaCommit back{"keep", "keep", {7}};
  CHECK_FALSE(sx::parse_kafka_commit("", &back));
  CHECK_FALSE(sx::parse_kafka_commit("sqlite\nw\n", &back));               // the SQLite sink's
  CHECK_FALSE(sx::parse_kafka_commit("kafka\nt\n", &back));                // no identity line
  CHECK_FALSE(sx::parse_kafka_commit("kafka\nt\nid\n0 5\n2 6\n", &back));  // partition 1 skipped
  CHECK_FALSE(sx::parse_kafka_commit("kafka\nt\nid\n0 x\n", &back));
  CHECK_FALSE(sx::parse_kafka_commit("kafka\nt\nid\n05\n", &back));
  CHECK_FALSE(sx::parse_kafka_commit("kafka\nt\nid\n0 5", &back));  // cut short
  CHECK(back.topic == "keep");                                      // untouched on failure
  CHECK(back.next == std::vector<std::int64_t>{7});
}
