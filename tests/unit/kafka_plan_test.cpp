// Issue 16: the Kafka source's decisions that need no broker (source/kafka_plan.h).
#include "source/kafka_plan.h"

#include <doctest/doctest.h>

#include "base/error.h"

using sx::kafka::Offsets;
using sx::kafka::TopicPartition;

TEST_CASE("issue 16: --assign takes Spark's JSON, sorted and without repeats") {
  const auto tps = sx::kafka::parse_assign(R"({"b":[2,0],"a":[1],"b ":[]})");
  REQUIRE(tps.size() == 3);
  CHECK(tps[0] == TopicPartition{"a", 1});
  CHECK(tps[1] == TopicPartition{"b", 0});
  CHECK(tps[2] == TopicPartition{"b", 2});
  CHECK_THROWS_AS(sx::kafka::parse_assign("t:0"), sx::Error);
  CHECK_THROWS_AS(sx::kafka::parse_assign(R"({"t":[-1]})"), sx::Error);
  CHECK_THROWS_AS(sx::kafka::parse_assign(R"({"t":"0"})"), sx::Error);
  CHECK_THROWS_AS(sx::kafka::parse_assign("{}"), sx::Error);
}

TEST_CASE("issue 16: --starting-offsets: earliest, latest and Spark's JSON") {
  CHECK(sx::kafka::parse_starting_offsets("earliest").start_of({"t", 0}) == sx::kafka::kEarliest);
  CHECK(sx::kafka::parse_starting_offsets("latest").start_of({"t", 0}) == sx::kafka::kLatest);
  const auto s = sx::kafka::parse_starting_offsets(R"({"t":{"0":23,"1":-1,"2":-2}})");
  CHECK(s.json);
  CHECK(s.start_of({"t", 0}) == 23);
  CHECK(s.start_of({"t", 1}) == sx::kafka::kLatest);
  CHECK(s.start_of({"t", 2}) == sx::kafka::kEarliest);
  CHECK(s.start_of({"t", 3}) == sx::kafka::kLatest);  // not named: latest (Spark: an error
                                                      // at start; new ones from earliest)
  CHECK_THROWS_AS(sx::kafka::parse_starting_offsets("first"), sx::Error);
  CHECK_THROWS_AS(sx::kafka::parse_starting_offsets(R"({"t":{"x":1}})"), sx::Error);
  CHECK_THROWS_AS(sx::kafka::parse_starting_offsets(R"({"t":{"0":-3}})"), sx::Error);
}

TEST_CASE("issue 16: an epoch's ranges, with Spark's rate limit") {
  const Offsets from{{{"t", 0}, 0}, {{"t", 1}, 10}, {{"t", 2}, 100}};
  const Offsets latest{{{"t", 0}, 4}, {{"t", 1}, 12}, {{"t", 2}, 103}};
  // No limit, or a limit above the total (9): everything.
  CHECK(sx::kafka::plan_until(from, latest, 0) == latest);
  CHECK(sx::kafka::plan_until(from, latest, 9) == latest);
  // 4 of 9 in proportion: 4*4/9 = 1.78 -> 1, 4*2/9 = 0.89 -> 1 (below 1: up), 4*3/9 = 1.33 -> 1.
  const Offsets four = sx::kafka::plan_until(from, latest, 4);
  CHECK(four.at({"t", 0}) == 1);
  CHECK(four.at({"t", 1}) == 11);
  CHECK(four.at({"t", 2}) == 101);
  // A partition with nothing new, and one the latest offsets do not know.
  const Offsets none = sx::kafka::plan_until(Offsets{{{"t", 0}, 4}, {{"u", 0}, 7}}, latest, 2);
  CHECK(none.at({"t", 0}) == 4);
  CHECK(none.at({"u", 0}) == 7);
  // A limit of 1 over 1000 partitions' worth: every share below 1 rounds up (Spark).
  CHECK(sx::kafka::plan_until(Offsets{{{"t", 0}, 0}}, Offsets{{{"t", 0}, 1000}}, 1).at({"t", 0}) ==
        1);
}

TEST_CASE("issue 16: the Kafka source's checkpoint payload round-trips") {
  sx::kafka::KafkaSourceState s;
  s.epochs.next_epoch = 7;
  s.epochs.max_time = sx::EventTime{123};
  s.epochs.watermark = sx::EventTime{100};
  s.epochs.wm_last_epoch = sx::EventTime{90};
  s.next = {{{"a", 0}, 5}, {{"b", 3}, 1LL << 40}};
  const auto back = sx::kafka::decode_state(sx::kafka::encode_state(s), "ck/sx-read/6");
  CHECK(back.epochs.next_epoch == 7);
  CHECK(back.epochs.max_time.us == 123);
  CHECK(back.epochs.watermark.us == 100);
  CHECK(back.epochs.wm_last_epoch.us == 90);
  CHECK(back.next == s.next);
  std::string bad = sx::kafka::encode_state(s);
  CHECK_THROWS_AS(sx::kafka::decode_state(bad.substr(0, bad.size() - 1), "x"), sx::Error);
  bad[0] = 9;
  CHECK_THROWS_WITH_AS(sx::kafka::decode_state(bad, "x"),
                       doctest::Contains("not a Kafka source's checkpoint"), sx::Error);
}

TEST_CASE("issue 16: metadata members, keys and headers of any bytes") {
  std::string out;
  const char key[] = {'k', '\xff', '"'};
  std::vector<sx::kafka::Header> headers{{"h", "v", 1}, {"none", nullptr, 0}};
  sx::kafka::append_metadata(out, "kafka", {"t", 2}, 41, 1704067200123, 0, key, sizeof key,
                             headers);
  CHECK(out ==
        R"("kafka":{"topic":"t","partition":2,"offset":41,"timestamp":"2024-01-01T00:00:00.123Z",)"
        R"("timestampType":0,"key":"k\u00ff\u0022","headers":[{"key":"h","value":"v"},)"
        R"({"key":"none","value":null}]})");
  out.clear();
  sx::kafka::append_metadata(out, "m", {"t", 0}, 0, -1, 1, nullptr, 0, {});
  CHECK(out == R"("m":{"topic":"t","partition":0,"offset":0,"timestamp":null,"timestampType":1,)"
               R"("key":null,"headers":[]})");
}
