// The output modes of a sink (Spark's outputMode): what an epoch's records do
// to what the sink already holds. man/sx-sink.1 has the user's view.
#pragma once

#include <string>

namespace sx {

enum class SinkMode {
  kAppend,    // each epoch adds its records
  kUpdate,    // each epoch adds the rows that changed in it
  kComplete,  // each epoch's records replace the whole table
};
// "append", "update", "complete"; anything else is a usage_error naming --mode.
SinkMode parse_sink_mode(const std::string& name);
const char* sink_mode_name(SinkMode mode);

}  // namespace sx
