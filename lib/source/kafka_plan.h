// The Kafka source's decisions that need no broker (sx-read --kafka): which
// partitions and offsets the options name, how far each epoch reads, and what
// the checkpoint keeps. As Spark's KafkaSource / KafkaMicroBatchStream: an
// epoch is a set of offset ranges [from, until) per partition, fixed before
// its first record is read, read one partition after the other (topic, then
// partition order), so that a replay of an epoch gives the same records in
// the same order.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "source/epoch_policy.h"

namespace sx::kafka {

struct TopicPartition {
  std::string topic;
  std::int32_t partition = 0;
  auto operator<=>(const TopicPartition&) const = default;
};
std::string to_string(const TopicPartition& tp);  // "topic/3"

using Offsets = std::map<TopicPartition, std::int64_t>;

// Spark's special offsets in --starting-offsets JSON.
inline constexpr std::int64_t kEarliest = -2;
inline constexpr std::int64_t kLatest = -1;

// --assign, Spark's JSON: {"topicA":[0,1],"topicB":[2,4]}. Throws
// usage_error naming the flag.
std::vector<TopicPartition> parse_assign(std::string_view json);

// --starting-offsets: "earliest", "latest", or Spark's JSON
// {"topicA":{"0":23,"1":-1},"topicB":{"0":-2}} (-2 earliest, -1 latest).
struct StartingOffsets {
  std::int64_t all = kLatest;  // for a partition the JSON does not name
  Offsets given;               // from the JSON
  bool json = false;
  // The offset to start a partition at when no checkpoint has one (may be
  // kEarliest or kLatest, resolved against the broker's offsets).
  std::int64_t start_of(const TopicPartition& tp) const;
};
StartingOffsets parse_starting_offsets(std::string_view text);

// The end of each partition's range for one epoch: everything from `from`
// up to `latest`, and with `max_offsets` (> 0) Spark's rate limit: the
// limit shared between partitions in proportion to what each has to read
// (KafkaMicroBatchStream.rateLimit: a share below 1 rounds up, others down).
Offsets plan_until(const Offsets& from, const Offsets& latest, std::uint64_t max_offsets);

// The checkpoint payload of the Kafka source after an epoch: the event-time
// state and, per partition, the next offset to read.
struct KafkaSourceState {
  EpochState epochs;
  Offsets next;
};
std::string encode_state(const KafkaSourceState& s);
// Throws data_error naming `where` for a payload that does not parse.
KafkaSourceState decode_state(std::string_view payload, const std::string& where);

// A record's Kafka metadata as JSON object members (--kafka-metadata):
// appends `"NAME":{"topic":..,"partition":..,"offset":..,"timestamp":..,
// "timestampType":..,"key":..,"headers":[{"key":..,"value":..},..]}` to
// `out`. `timestamp_ms` < 0: null. key/header values that are not UTF-8
// have their bytes as \u00XX escapes.
struct Header {
  std::string_view key;
  const void* value = nullptr;  // null: a header without value
  std::size_t size = 0;
};
void append_metadata(std::string& out, std::string_view name, const TopicPartition& tp,
                     std::int64_t offset, std::int64_t timestamp_ms, int timestamp_type,
                     const void* key, std::size_t key_size, const std::vector<Header>& headers);

// Bytes as a JSON string: UTF-8 text as append_json_string writes it, other
// bytes as \u00XX (the byte's value as a code point), as Avro's JSON
// encoding of bytes.
void append_json_bytes(std::string& out, std::string_view bytes);

}  // namespace sx::kafka
