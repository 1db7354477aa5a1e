#include "source/source.h"

#include "source/file_source.h"
#include "source/kafka_source.h"

namespace sx {

std::unique_ptr<Source> make_source(SourceOptions options, Output& out) {
  if (!options.kafka.brokers.empty()) {
    return std::make_unique<KafkaSource>(std::move(options), out);
  }
  return std::make_unique<FileSource>(std::move(options), out);
}

}  // namespace sx
