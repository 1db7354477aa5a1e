#include "stream/control_record.h"

#include <simdjson.h>

#include "base/duration.h"
#include "base/time_parser.h"
#include "io/json.h"

namespace sx {

namespace dom = simdjson::dom;

std::optional<Control> parse_control(std::string_view line, std::string* why) {
  static thread_local dom::parser parser;
  dom::element root;
  if (auto err = parser.parse(line.data(), line.size(), false).get(root)) {
    *why = std::string("malformed control record (") + simdjson::error_message(err) + ")";
    return std::nullopt;
  }
  dom::object obj;
  std::string_view type;
  if (root.get_object().get(obj) || obj["@sx"].get_string().get(type)) {
    *why = "malformed control record (\"@sx\" must be a string)";
    return std::nullopt;
  }
  Control c;
  c.type_name = std::string(type);
  if (type == "epoch") {
    c.type = ControlType::kEpoch;
    if (obj["id"].get_int64().get(c.epoch) || c.epoch < 0) {
      *why = "malformed epoch record (\"id\" must be a non-negative integer)";
      return std::nullopt;
    }
  } else if (type == "watermark") {
    c.type = ControlType::kWatermark;
    std::string_view t;
    if (obj["t"].get_string().get(t)) {
      *why = "malformed watermark record (\"t\" must be an ISO-8601 string)";
      return std::nullopt;
    }
    if (t == "+inf") {
      c.watermark = EventTime::end();
    } else {
      static const TimeParser iso("iso8601", "UTC");
      std::string reason;
      if (!iso.parse(t, &c.watermark, &reason)) {
        *why = "malformed watermark record (" + reason + ")";
        return std::nullopt;
      }
    }
  } else if (type == "stream") {
    c.type = ControlType::kStream;
    std::string_view s;
    if (!obj["time_field"].get_string().get(s)) c.stream.time_field = std::string(s);
    if (!obj["time_format"].get_string().get(s)) c.stream.time_format = std::string(s);
    if (!obj["time_zone"].get_string().get(s)) c.stream.time_zone = std::string(s);
    if (!obj["source"].get_string().get(s)) c.stream.source = std::string(s);
    bool bounded = false;
    if (!obj["bounded"].get_bool().get(bounded)) c.stream.bounded = bounded;
    dom::array columns;
    if (!obj["columns"].get_array().get(columns)) {
      for (auto col : columns) {
        if (!col.get_string().get(s)) c.stream.columns.emplace_back(s);
      }
    }
    dom::array keys;
    if (!obj["keys"].get_array().get(keys)) {
      for (auto key : keys) {
        if (!key.get_string().get(s)) c.stream.keys.emplace_back(s);
      }
    }
    std::int64_t shift;
    if (!obj["time_shift_us"].get_int64().get(shift)) c.stream.time_shift = shift;
    if (!obj["watermark_delay"].get_string().get(s)) {
      try {
        c.stream.watermark_delay = parse_duration(s, true);
      } catch (const std::exception& e) {
        *why = std::string("malformed stream record (") + e.what() + ")";
        return std::nullopt;
      }
    }
  }
  return c;
}

std::string make_epoch_record(std::int64_t id) {
  return R"({"@sx":"epoch","id":)" + std::to_string(id) + "}";
}

std::string make_watermark_record(EventTime t) {
  return R"({"@sx":"watermark","t":")" + format_time(t) + "\"}";
}

std::string make_stream_record(const StreamInfo& info) {
  std::string s = R"({"@sx":"stream","v":1)";
  if (!info.source.empty()) {
    s += ",\"source\":";
    append_json_string(s, info.source);
  }
  if (info.bounded) s += ",\"bounded\":true";
  if (!info.time_field.empty()) {
    s += ",\"time_field\":";
    append_json_string(s, info.time_field);
    s += ",\"time_format\":";
    append_json_string(s, info.time_format);
    s += ",\"time_zone\":";
    append_json_string(s, info.time_zone);
    if (info.time_shift != 0) s += ",\"time_shift_us\":" + std::to_string(info.time_shift);
  }
  if (info.watermark_delay >= 0) {
    s += ",\"watermark_delay\":";
    append_json_string(s, format_duration(info.watermark_delay));
  }
  if (!info.columns.empty()) {
    s += ",\"columns\":[";
    for (std::size_t i = 0; i < info.columns.size(); ++i) {
      if (i > 0) s += ',';
      append_json_string(s, info.columns[i]);
    }
    s += "]";
  }
  if (!info.keys.empty()) {
    s += ",\"keys\":[";
    for (std::size_t i = 0; i < info.keys.size(); ++i) {
      if (i > 0) s += ',';
      append_json_string(s, info.keys[i]);
    }
    s += "]";
  }
  s += "}";
  return s;
}

}  // namespace sx
