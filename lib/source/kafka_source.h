// The Kafka source of sx-read (--kafka BROKERS): reads topics' partitions
// with librdkafka and writes the stream through a StreamWriter, epoch by
// epoch, as Spark's Kafka source does (kafka_plan.h): each epoch is a set of
// offset ranges fixed before it is read, read partition after partition;
// the ranges go in the checkpoint (not in a consumer group) with the epoch,
// and a restart resumes after the newest committed epoch, replaying the
// epochs written after it with the same ranges. See sx-read(1), KAFKA.
#pragma once

#include <cstdint>
#include <memory>

#include "io/output.h"
#include "source/epoch_policy.h"
#include "source/source.h"

namespace sx {

class KafkaSource final : public Source {
 public:
  // Throws usage_error for bad options.
  KafkaSource(SourceOptions options, Output& out, Clock& clock = steady_clock());
  ~KafkaSource() override;

  void run() override;
  std::uint64_t records() const override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sx
