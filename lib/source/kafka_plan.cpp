#include "source/kafka_plan.h"

#include <simdjson.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdlib>

#include "base/error.h"
#include "base/event_time.h"
#include "io/checkpoint_file.h"
#include "io/json.h"

namespace sx::kafka {

std::string to_string(const TopicPartition& tp) {
  return tp.topic + "/" + std::to_string(tp.partition);
}

namespace {

simdjson::dom::element parse_flag_json(simdjson::dom::parser& parser, const std::string& text,
                                       const std::string& flag, const std::string& example) {
  simdjson::dom::element root;
  if (parser.parse(text).get(root) || root.type() != simdjson::dom::element_type::OBJECT) {
    throw usage_error(flag + ": '" + text + "' is not a JSON object like " + example);
  }
  return root;
}

std::int32_t partition_number(std::int64_t n, const std::string& flag, std::string_view topic) {
  if (n < 0 || n > INT32_MAX) {
    throw usage_error(flag + ": topic " + std::string(topic) + ": " + std::to_string(n) +
                      " is not a partition number");
  }
  return static_cast<std::int32_t>(n);
}

}  // namespace

std::vector<TopicPartition> parse_assign(std::string_view json) {
  const std::string flag = "--assign";
  const std::string example = "{\"topicA\":[0,1],\"topicB\":[2,4]}";
  simdjson::dom::parser parser;
  const std::string text(json);
  const auto root = parse_flag_json(parser, text, flag, example);
  std::vector<TopicPartition> out;
  for (auto [topic, parts] : root.get_object()) {
    simdjson::dom::array arr;
    if (parts.get_array().get(arr)) {
      throw usage_error(flag + ": topic " + std::string(topic) +
                        " takes an array of partition numbers, as in " + example);
    }
    for (auto p : arr) {
      std::int64_t n;
      if (p.get_int64().get(n)) {
        throw usage_error(flag + ": topic " + std::string(topic) +
                          ": partitions are numbers, as in " + example);
      }
      out.push_back({std::string(topic), partition_number(n, flag, topic)});
    }
  }
  if (out.empty()) throw usage_error(flag + ": no partition given, as in " + example);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::int64_t StartingOffsets::start_of(const TopicPartition& tp) const {
  const auto it = given.find(tp);
  return it != given.end() ? it->second : all;
}

StartingOffsets parse_starting_offsets(std::string_view text) {
  StartingOffsets s;
  if (text == "earliest") {
    s.all = kEarliest;
    return s;
  }
  if (text == "latest") return s;
  const std::string flag = "--starting-offsets";
  const std::string example = "{\"topicA\":{\"0\":23,\"1\":-1},\"topicB\":{\"0\":-2}}";
  if (text.empty() || text.front() != '{') {
    throw usage_error(flag + ": '" + std::string(text) +
                      "' is not earliest, latest or a JSON object like " + example);
  }
  simdjson::dom::parser parser;
  const std::string copy(text);
  const auto root = parse_flag_json(parser, copy, flag, example);
  s.json = true;
  for (auto [topic, parts] : root.get_object()) {
    simdjson::dom::object obj;
    if (parts.get_object().get(obj)) {
      throw usage_error(flag + ": topic " + std::string(topic) +
                        " takes an object of partition: offset, as in " + example);
    }
    for (auto [part, off] : obj) {
      std::int64_t n;
      std::int64_t o;
      const std::string ptext(part);
      char* end = nullptr;
      n = std::strtoll(ptext.c_str(), &end, 10);
      if (ptext.empty() || *end != '\0') {
        throw usage_error(flag + ": topic " + std::string(topic) + ": '" + ptext +
                          "' is not a partition number");
      }
      if (off.get_int64().get(o) || o < kEarliest) {
        throw usage_error(flag + ": " + std::string(topic) + "/" + ptext +
                          ": an offset is a number >= 0, or -2 (earliest) or -1 (latest)");
      }
      s.given[{std::string(topic), partition_number(n, flag, topic)}] = o;
    }
  }
  return s;
}

Offsets plan_until(const Offsets& from, const Offsets& latest, std::uint64_t max_offsets) {
  Offsets until;
  double total = 0;
  for (const auto& [tp, begin] : from) {
    const auto it = latest.find(tp);
    const std::int64_t end = it == latest.end() ? begin : std::max(begin, it->second);
    until[tp] = end;
    total += static_cast<double>(end - begin);
  }
  if (max_offsets == 0 || total <= static_cast<double>(max_offsets)) return until;
  const double limit = static_cast<double>(max_offsets);
  for (auto& [tp, end] : until) {
    const std::int64_t begin = from.at(tp);
    const double size = static_cast<double>(end - begin);
    const double prorate = limit * (size / total);
    const double share = prorate < 1 ? std::ceil(prorate) : std::floor(prorate);
    end = std::min(end, begin + static_cast<std::int64_t>(share));
  }
  return until;
}

std::string encode_state(const KafkaSourceState& s) {
  PayloadWriter w;
  w.put_u8(1);  // the payload's version
  w.put_i64(s.epochs.next_epoch);
  w.put_i64(s.epochs.max_time.us);
  w.put_i64(s.epochs.watermark.us);
  w.put_i64(s.epochs.wm_last_epoch.us);
  w.put_u64(s.next.size());
  for (const auto& [tp, off] : s.next) {
    w.put_string(tp.topic);
    w.put_u32(static_cast<std::uint32_t>(tp.partition));
    w.put_i64(off);
  }
  return w.take();
}

KafkaSourceState decode_state(std::string_view payload, const std::string& where) {
  PayloadReader r(payload, where);
  KafkaSourceState s;
  if (r.get_u8() != 1) {
    throw data_error(where +
                     ": not a Kafka source's checkpoint (made by the file source, or a newer sx)");
  }
  s.epochs.next_epoch = r.get_i64();
  s.epochs.max_time.us = r.get_i64();
  s.epochs.watermark.us = r.get_i64();
  s.epochs.wm_last_epoch.us = r.get_i64();
  const std::size_t n = r.get_count(8 + 4 + 8);
  for (std::size_t i = 0; i < n; ++i) {
    TopicPartition tp;
    tp.topic = std::string(r.get_string());
    tp.partition = static_cast<std::int32_t>(r.get_u32());
    s.next[tp] = r.get_i64();
  }
  r.expect_end();
  return s;
}

void append_json_bytes(std::string& out, std::string_view bytes) {
  if (is_valid_utf8(bytes)) {
    append_json_string(out, bytes);
    return;
  }
  static const char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    if (b >= 0x20 && b < 0x7f && b != '"' && b != '\\') {
      out.push_back(c);
    } else {
      out.append("\\u00");
      out.push_back(kHex[b >> 4]);
      out.push_back(kHex[b & 15]);
    }
  }
  out.push_back('"');
}

void append_metadata(std::string& out, std::string_view name, const TopicPartition& tp,
                     std::int64_t offset, std::int64_t timestamp_ms, int timestamp_type,
                     const void* key, std::size_t key_size, const std::vector<Header>& headers) {
  append_json_string(out, name);
  out.append(":{\"topic\":");
  append_json_string(out, tp.topic);
  out.append(",\"partition\":").append(std::to_string(tp.partition));
  out.append(",\"offset\":").append(std::to_string(offset));
  out.append(",\"timestamp\":");
  if (timestamp_ms < 0) {
    out.append("null");
  } else {
    out.push_back('"');
    out.append(format_time(EventTime{timestamp_ms * 1000}));
    out.push_back('"');
  }
  out.append(",\"timestampType\":").append(std::to_string(timestamp_type));
  out.append(",\"key\":");
  if (key == nullptr) {
    out.append("null");
  } else {
    append_json_bytes(out, std::string_view(static_cast<const char*>(key), key_size));
  }
  out.append(",\"headers\":[");
  for (std::size_t i = 0; i < headers.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.append("{\"key\":");
    append_json_bytes(out, headers[i].key);
    out.append(",\"value\":");
    if (headers[i].value == nullptr) {
      out.append("null");
    } else {
      append_json_bytes(
          out, std::string_view(static_cast<const char*>(headers[i].value), headers[i].size));
    }
    out.push_back('}');
  }
  out.append("]}");
}

}  // namespace sx::kafka
