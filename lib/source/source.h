// The source of a pipeline (sx-read's engine): reads files, directories or
// stdin, validates each line, extracts event time, and writes the stream:
// a `stream` header, the data records as their original bytes, and `epoch` and
// `watermark` control records where the epoch policy says (sx(7), "EPOCHS AND
// WATERMARKS"). Its options and the Source interface.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/event_time.h"
#include "io/line_format.h"
#include "io/output.h"
#include "stream/control_record.h"

namespace sx {

// sx-read --kafka (the Kafka source, kafka_source.h).
struct KafkaOptions {
  std::string brokers;                 // --kafka HOST:PORT,... (empty: not Kafka)
  std::vector<std::string> subscribe;  // --subscribe T1,T2
  std::string pattern;                 // --subscribe-pattern REGEX
  std::string assign;                  // --assign JSON
  std::string starting = "latest";     // --starting-offsets
  bool ending_latest = false;          // --ending-offsets latest
  std::uint64_t max_offsets = 0;       // --max-offsets-per-trigger (0: none)
  bool fail_on_data_loss = true;       // --fail-on-data-loss
  std::vector<std::pair<std::string, std::string>> options;  // --kafka-option KEY=VALUE
  std::string metadata;                                      // --kafka-metadata FIELD (empty: none)
  std::string value_format = "json";       // --value-format json|avro (json: --format applies)
  std::string avro_schema;                 // --avro-schema FILE
  std::string schema_registry;             // --schema-registry URL
  Micros timeout = 60 * kMicrosPerSecond;  // --kafka-timeout
};

struct SourceOptions {
  std::vector<std::string> inputs;  // files, directories, "-" (stdin); empty = stdin
  // --format: how lines become records (io/line_format.h); ndjson needs no
  // conversion, and its lines go on as their bytes.
  std::string format = "ndjson";
  FormatOptions format_options;
  StreamInfo stream;  // time field/format/zone, watermark delay
  // Epoch limits. 0 = not given. Defaults (sx(7)): with neither given, each
  // file is one epoch and stdin cuts an epoch every kDefaultStdinRecords.
  std::uint64_t max_files_per_trigger = 0;
  std::uint64_t max_records_per_trigger = 0;
  bool follow = false;                        // keep reading appended lines and new files
  Micros idle_epoch = 100 * kMicrosPerMilli;  // 0 = never end an epoch on idleness
  std::string on_error = "fail";
  std::size_t max_line_bytes = std::size_t{16} << 20;
  // --checkpoint DIR (empty: none) and this stage's name in it; --reset.
  std::string checkpoint;
  std::string name = "sx-read";
  bool reset = false;
  // --trigger: continuous (the default: the input's end ends the stream),
  // available-now (read what is there in epochs, checkpoint, stop without
  // ending the stream), once (one epoch, then the same).
  std::string progress;        // --progress FILE (empty: none)
  bool progress_line = false;  // a live progress line on stderr (a terminal)
  enum class Trigger { kContinuous, kAvailableNow, kOnce };
  Trigger trigger = Trigger::kContinuous;
  // --trigger interval=D (live inputs only): an epoch ends when it has been
  // open for D of processing time, and not at idleness. 0: not given; live
  // input then ends an epoch when it has been open for kDefaultLiveEpoch
  // (or was quiet for idle_epoch).
  Micros interval = 0;
  KafkaOptions kafka;
};

inline constexpr std::uint64_t kDefaultStdinRecords = 100000;
// How long an epoch of live input (a stdin pipe or terminal, --follow) stays
// open at most by default: results within tens of milliseconds under steady
// traffic (sx-read(1), "EPOCHS"); a burst still makes epochs of thousands of
// records. With --checkpoint each epoch is a checkpoint in every stage and a
// commit in the sink: kDefaultLiveCheckpointEpoch then.
inline constexpr Micros kDefaultLiveEpoch = 10 * kMicrosPerMilli;
inline constexpr Micros kDefaultLiveCheckpointEpoch = kMicrosPerSecond;

// Whether stdin is live input (a pipe, a terminal, a socket): not a regular
// file, whose epochs are deterministic.
bool stdin_is_live();

// What sx-read reads from: FileSource (files, directories, stdin) or
// KafkaSource (--kafka, kafka_source.h). A source writes the stream
// through a StreamWriter (stream_writer.h: validation, event time, epochs
// and watermarks, the checkpoint barrier) and keeps its own position in its
// checkpoint: the payload is opaque to everything but the source itself.
class Source {
 public:
  virtual ~Source() = default;
  // Reads everything (or, live, until interrupted) and writes the stream.
  // Throws data_error for bad input under --on-error fail, io_error for
  // unreadable inputs, interrupted_error on SIGINT/SIGTERM.
  virtual void run() = 0;
  // Records written so far.
  virtual std::uint64_t records() const = 0;
};

// The source for `options` (--kafka: a KafkaSource; else a FileSource).
// Throws usage_error for bad options.
std::unique_ptr<Source> make_source(SourceOptions options, Output& out);

}  // namespace sx
