// sx-sink --kafka BROKERS --topic T: the Kafka sink (man/sx-sink.1, "KAFKA
// SINK"), an EpochSink (sink/epoch_sink.h) over librdkafka's idempotent
// producer.
//
// Each data record (its bytes as they came) is one message to the topic;
// --key FIELD makes the field's value the message key (a string's text,
// other values their JSON; a record without the field, or with null, has no
// key and the default partitioner spreads it).
//
// Without --checkpoint: at-least-once. Every message is acknowledged before
// the run ends (a flush at the end); a message the producer gave up on is
// an error naming its partition and librdkafka's reason.
//
// With --checkpoint: exactly-once for epochs that replay the same records
// (sx-read --checkpoint's do). Each message carries the headers sx-epoch
// (its epoch) and sx-sink (the checkpoint's identity, made at the first run:
// the part kafka-id of the sink's folder). An epoch commits in the
// checkpoint only after every message of it is acknowledged, and its commit
// record keeps, per partition, the offset after the newest message of this
// sink (the part kafka-start keeps the partitions' ends before the first
// epoch). A restart after a crash inside epoch C+1 reads the topic from
// those offsets, collects the messages of this sink's epoch C+1 that made it
// (by key and value, a multiset), and when the epoch replays skips one
// record per message found: the topic ends with each record once, for
// read_committed and read_uncommitted readers alike.
//
// Why not Kafka transactions (one per epoch, the epoch committed as a
// consumer group offset inside it): librdkafka 2.0.2's mock cluster, which
// the tests run on, accepts the transaction requests but writes no commit or
// abort markers (Fetch answers LastStableOffset = the end and no aborted
// transactions), and TxnOffsetCommit discards its offsets (OffsetFetch
// never sees them): neither the isolation of an aborted epoch nor the epoch
// recorded in the group could be tested (rdkafka_mock_handlers.c, v2.0.2:
// rd_kafka_mock_handle_TxnOffsetCommit and _EndTxn). The header scan needs
// neither and holds on any broker.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sink/epoch_sink.h"
#include "sink/sink_operator.h"
#include "stream/bad_input.h"
#include "stream/checkpoint.h"

namespace sx {

// sx-sink --kafka's options (sink_run.cpp fills them from the flags).
struct KafkaSinkOptions {
  std::string brokers;  // --kafka: bootstrap servers, host:port[,host:port...]
  std::string topic;    // --topic
  std::string key;      // --key FIELD (a dotted path; empty: no key)
  // --kafka-option KEY=VALUE, in order (librdkafka's configuration).
  std::vector<std::pair<std::string, std::string>> options;
  // --kafka-timeout: how long a message may wait for its acknowledgement
  // (message.timeout.ms), and the bound of every other wait, in ms.
  std::int64_t timeout_ms = 60000;
};

// "KEY=VALUE" split at the first '='; usage_error without one or with an
// empty KEY, or for a property sx-sink sets itself (bootstrap.servers: use
// --kafka; enable.idempotence, transactional.id).
std::pair<std::string, std::string> parse_kafka_option(const std::string& text);

class KafkaSink final : public EpochSink {
 public:
  // Makes the producer: a usage_error for an option librdkafka refuses.
  // `ckpt` is null without --checkpoint.
  KafkaSink(KafkaSinkOptions options, CheckpointDir* ckpt, BadInputPolicy& bad);
  ~KafkaSink() override;
  KafkaSink(const KafkaSink&) = delete;
  KafkaSink& operator=(const KafkaSink&) = delete;

  void open(const SinkHeader& header) override;
  std::int64_t last_committed() const override;
  void begin_epoch(std::int64_t id) override;
  void write(const Line& line, const std::string& source) override;
  void commit_epoch(std::int64_t id) override;
  void abort_epoch() override;
  void finish() override;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

class KafkaSinkOperator final : public SinkOperatorFor<KafkaSink> {
 public:
  KafkaSinkOperator(KafkaSinkOptions options, CheckpointDir* ckpt, BadInputPolicy& bad, Output& out)
      : SinkOperatorFor<KafkaSink>(out, std::move(options), ckpt, bad) {}
};

// The per-partition offsets a commit record keeps ("P OFFSET" lines), and
// back; std::nullopt-like empty result for a payload of another sink.
struct KafkaCommit {
  std::string topic;
  std::string sink_id;
  std::vector<std::int64_t> next;  // next[p]: the offset after this sink's newest message in p
};
std::string format_kafka_commit(const KafkaCommit& c);
// False for a payload that is not a Kafka sink's commit.
bool parse_kafka_commit(std::string_view payload, KafkaCommit* out);

}  // namespace sx
