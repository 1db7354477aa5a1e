// Fuzz target: control records (stream/control_record.h). The input is one
// line (up to its first '\n'); {"@sx": is put in front unless it starts so.
//   * parse_control never crashes, and refuses with a reason;
//   * what it accepts writes back (make_epoch_record, make_watermark_record,
//     make_stream_record) to a record that parses to the same values, and
//     writing that again gives the same bytes;
//   * make_epoch_record and make_watermark_record round trip for an id and an
//     instant taken from the input's bytes.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "base/event_time.h"
#include "fuzz_check.h"
#include "io/json.h"
#include "stream/control_record.h"

namespace {

std::optional<sx::Control> parse(std::string_view text, std::string* why) {
  const sx::PaddedLine line(text);
  FUZZ_CHECK(sx::is_control(line.view()), "a record the writers made is not a control record");
  return sx::parse_control(line.view(), why);
}

sx::Control reparse(const std::string& written) {
  std::string why;
  const auto c = parse(written, &why);
  if (!c) std::fprintf(stderr, "record: %s\nreason: %s\n", written.c_str(), why.c_str());
  FUZZ_CHECK(c.has_value(), "a record the writers made does not parse");
  return *c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  in = in.substr(0, in.find('\n'));
  std::string text;
  if (!sx::is_control(in)) text = sx::kControlPrefix;
  text.append(in);

  std::string why;
  const auto c = parse(text, &why);
  if (!c) {
    FUZZ_CHECK(!why.empty(), "parse_control refused without a reason");
  } else if (c->type == sx::ControlType::kEpoch) {
    FUZZ_CHECK(c->epoch >= 0, "a negative epoch id was accepted");
    const sx::Control back = reparse(sx::make_epoch_record(c->epoch));
    FUZZ_CHECK(back.type == sx::ControlType::kEpoch && back.epoch == c->epoch, "epoch round trip");
  } else if (c->type == sx::ControlType::kWatermark) {
    const sx::Control back = reparse(sx::make_watermark_record(c->watermark));
    FUZZ_CHECK(back.type == sx::ControlType::kWatermark && back.watermark == c->watermark,
               "watermark round trip");
  } else if (c->type == sx::ControlType::kStream) {
    const std::string once = sx::make_stream_record(c->stream);
    const sx::Control back = reparse(once);
    FUZZ_CHECK(back.type == sx::ControlType::kStream, "stream round trip: type");
    const sx::StreamInfo& a = c->stream;
    const sx::StreamInfo& b = back.stream;
    FUZZ_CHECK(a.source == b.source && a.bounded == b.bounded && a.time_field == b.time_field &&
                   a.watermark_delay == b.watermark_delay && a.columns == b.columns,
               "stream round trip: fields");
    if (!a.time_field.empty()) {
      FUZZ_CHECK(a.time_format == b.time_format && a.time_zone == b.time_zone &&
                     a.time_shift == b.time_shift,
                 "stream round trip: time fields");
    }
    FUZZ_CHECK(sx::make_stream_record(b) == once, "stream record written twice differs");
  }

  // The writers, from numbers in the input.
  std::uint64_t bits = 0;
  std::memcpy(&bits, data, size < 8 ? size : 8);
  const auto id = static_cast<std::int64_t>(bits >> 1);  // non-negative
  const sx::Control e = reparse(sx::make_epoch_record(id));
  FUZZ_CHECK(e.type == sx::ControlType::kEpoch && e.epoch == id, "epoch id round trip");
  const sx::Micros span = sx::kMaxEventTime - sx::kMinEventTime + 1;
  const sx::EventTime t{sx::kMinEventTime + static_cast<sx::Micros>(bits % span)};
  const sx::Control w = reparse(sx::make_watermark_record(t));
  FUZZ_CHECK(w.type == sx::ControlType::kWatermark && w.watermark == t, "watermark round trip");
  const sx::Control inf = reparse(sx::make_watermark_record(sx::EventTime::end()));
  FUZZ_CHECK(inf.watermark == sx::EventTime::end(), "+inf watermark round trip");
  return 0;
}
