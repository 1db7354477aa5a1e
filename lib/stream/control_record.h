// Control records travel in-band with the data: a JSON object whose first key
// is "@sx", written exactly as {"@sx":"<type>",...} so that a reader knows it
// by its prefix without parsing (sx(7) lists the types and fields).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/event_time.h"

namespace sx {

inline constexpr std::string_view kControlPrefix = R"({"@sx":)";

// True for a control record. Data records may not start with {"@sx":.
inline bool is_control(std::string_view line) { return line.starts_with(kControlPrefix); }

// Stream metadata announced by the `stream` record at the head of a stream.
struct StreamInfo {
  std::string time_field;  // empty: records carry no event time
  std::string time_format = "auto";
  std::string time_zone = "UTC";
  Micros watermark_delay = -1;  // -1: no watermark
  // Added to the parsed time to get the event time: -1 for window results,
  // whose time field is the exclusive window_end (Spark's window_time).
  Micros time_shift = 0;
  std::string source;  // the tool that wrote the header
  // The stream ends: sx-read over files without --follow or a trigger (and
  // the stages after it). An end-of-stream watermark (+inf) will close every
  // window, so append output needs no watermark delay (sx(7), BOUNDED STREAMS).
  bool bounded = false;
  // The data records' keys, when a stage knows them (sx-window's results);
  // a table sink shows them for a batch without rows.
  std::vector<std::string> columns;
  // Of those, the ones that identify a row (sx-window's window bounds and
  // group keys): an update-mode sink upserts by them.
  std::vector<std::string> keys;
};

enum class ControlType { kStream, kWatermark, kEpoch, kOther };

struct Control {
  ControlType type = ControlType::kOther;
  std::string type_name;    // as written, e.g. "epoch"
  std::int64_t epoch = -1;  // kEpoch: the id
  EventTime watermark;      // kWatermark: t (EventTime::end() for "+inf")
  StreamInfo stream;        // kStream
};

// Parses a control record. Returns nullopt and sets *why when malformed (a
// known type with missing or bad fields, or not JSON). Unknown types parse as
// kOther and are forwarded untouched by every stage.
// REQUIRES: is_control(line); kLinePadding readable bytes after `line`.
std::optional<Control> parse_control(std::string_view line, std::string* why);

// The writers' side: exact bytes, no trailing newline.
std::string make_epoch_record(std::int64_t id);
std::string make_watermark_record(EventTime t);
std::string make_stream_record(const StreamInfo& info);

}  // namespace sx
