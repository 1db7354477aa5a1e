// sx-sink's run, below its flags: checks the combinations, takes the locks,
// builds the sink (stdout/--output or --path) and drives it over the input.
// tools/sx-sink/main.cpp only declares the flags (man/sx-sink.1).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "sink/stdout_sink.h"

namespace sx {

// sx-sink's flags, as given.
struct SinkFlags {
  std::vector<std::string> inputs;  // empty or "-": stdin
  std::string format = "ndjson";
  std::string output;            // --output FILE; empty: stdout
  std::string checkpoint;        // --checkpoint DIR; empty: none
  std::string name = "sx-sink";  // --name
  bool wait_lock = false;        // --wait-lock
  SinkOptions stream;            // --keep-control, --num-rows, --truncate, --time-zone, --precision
  std::string empty_batches;     // --empty-batches show|skip; empty: skip on a terminal
  std::string on_error = "fail";  // --on-error
  std::size_t max_line_bytes = std::size_t{16} << 20;
  // --path DIR and the flags that go with it only.
  std::string path;
  std::string mode = "append";
  bool mode_given = false;
  std::vector<std::string> partition_by;  // FIELD paths, in order
  std::size_t max_partitions = 10000;
  bool max_partitions_given = false;
  std::string compress;  // "" or "zstd"
  // --db URL and the flags that go with it (sink/sqlite_sink.h).
  std::string db;
  std::string table;
  std::string db_timeout = "30s";
  bool db_timeout_given = false;
  // --kafka BROKERS and the flags that go with it (sink/kafka_sink.h).
  std::string kafka;
  std::string topic;
  std::vector<std::string> kafka_options;  // KEY=VALUE
  std::string kafka_timeout = "60s";
  bool kafka_timeout_given = false;
};

// Throws usage_error for flags that do not go together (naming them and
// what to do), and what the run throws; returns the exit code (kExitOk).
int run_sink(SinkFlags flags);

}  // namespace sx
