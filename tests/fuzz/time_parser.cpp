// Fuzz target: the time parser (base/time_parser.h). The first byte picks a
// parser (a format and a zone); the rest is the text, also read as numbers.
//   * parse, parse_number never crash and have no undefined behaviour;
//   * an accepted time lies in kMinEventTime..kMaxEventTime, or is the one
//     instant after (+10000-01-01T00:00:00Z);
//   * a refusal gives a reason;
//   * an accepted time written by format_time (and format_time_at_offset with
//     the zone's offset at that instant) parses back, as ISO-8601, to the same
//     instant;
//   * local_to_utc and utc_offset answer for any instant in range;
//   * format_time and format_time_at_offset write any int64 (no overflow).
#include "base/time_parser.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "base/event_time.h"
#include "fuzz_check.h"

namespace {

struct Choice {
  const char* format;
  const char* zone;
};
constexpr Choice kChoices[] = {
    {"auto", "UTC"},
    {"iso8601", "UTC"},
    {"auto", "Europe/Paris"},
    {"iso8601", "America/New_York"},
    {"auto", "+05:30"},
    {"iso8601", "-0800"},
    {"epoch-s", "UTC"},
    {"epoch-ms", "UTC"},
    {"epoch-us", "UTC"},
    {"%d/%b/%Y:%H:%M:%S %z", "UTC"},
    {"%Y-%m-%d %H:%M:%S", "Europe/Paris"},
    {"%s", "UTC"},
    {"%Y%m%d%H%M%S", "Australia/Lord_Howe"},
    {"auto", "Asia/Kathmandu"},
};
constexpr std::size_t kCount = sizeof kChoices / sizeof *kChoices;

const sx::TimeParser& parser(std::size_t i) {
  static std::unique_ptr<sx::TimeParser> parsers[kCount];
  if (!parsers[i]) {
    parsers[i] = std::make_unique<sx::TimeParser>(kChoices[i].format, kChoices[i].zone);
  }
  return *parsers[i];
}

void check_time(const sx::TimeParser& p, sx::EventTime t) {
  constexpr sx::Micros kAfter = sx::kMaxEventTime + 1;
  FUZZ_CHECK(t.us >= sx::kMinEventTime && t.us <= kAfter, "a time out of range was accepted");
  static const sx::TimeParser iso("iso8601", "UTC");
  char buf[sx::kMaxTimeText];
  const std::size_t n = sx::format_time(t, buf);
  FUZZ_CHECK(n > 0 && n < sx::kMaxTimeText, "format_time length");
  sx::EventTime back{0};
  std::string why;
  if (!iso.parse(std::string_view(buf, n), &back, &why)) {
    std::fprintf(stderr, "text: %.*s\nreason: %s\n", static_cast<int>(n), buf, why.c_str());
  }
  FUZZ_CHECK(back == t, "format_time does not parse back to the same instant");
  if (t.us <= sx::kMaxEventTime) {
    const sx::Micros offset = p.utc_offset(t.us);
    const std::size_t m = sx::format_time_at_offset(t, offset, buf);
    FUZZ_CHECK(m > 0 && m < sx::kMaxTimeText, "format_time_at_offset length");
    back = sx::EventTime{0};
    if (!iso.parse(std::string_view(buf, m), &back, &why)) {
      std::fprintf(stderr, "text: %.*s\nreason: %s\n", static_cast<int>(m), buf, why.c_str());
    }
    FUZZ_CHECK(back == t, "format_time_at_offset does not parse back to the same instant");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const sx::TimeParser& p = parser(data[0] % kCount);
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);

  sx::EventTime t{0};
  std::string why;
  const bool ok = p.parse(text, &t, &why);
  if (ok) {
    check_time(p, t);
  } else {
    FUZZ_CHECK(!why.empty(), "a refusal without a reason");
  }
  // The same text without asking why: the same verdict and time.
  sx::EventTime u{0};
  FUZZ_CHECK(p.parse(text, &u) == ok && (!ok || u == t), "the verdict depends on `why`");

  // The bytes as numbers.
  std::int64_t i = 0;
  double d = 0;
  std::memcpy(&i, text.data(), text.size() < 8 ? text.size() : 8);
  std::memcpy(&d, text.data(), text.size() < 8 ? text.size() : 8);
  why.clear();
  if (p.parse_number(i, &t, &why)) check_time(p, t);
  why.clear();
  if (p.parse_number(d, &t, &why)) check_time(p, t);

  // format_time on any int64 (a damaged checkpoint can hold any time), and
  // format_time_at_offset with an offset within two days (zones' offsets).
  char buf[sx::kMaxTimeText];
  const std::size_t n = sx::format_time(sx::EventTime{i}, buf);
  FUZZ_CHECK(n > 0 && n <= sx::kMaxTimeText, "format_time length, any int64");
  std::uint64_t more = 0;
  if (text.size() > 8)
    std::memcpy(&more, text.data() + 8, std::min<std::size_t>(text.size() - 8, 8));
  const sx::Micros offset =
      static_cast<sx::Micros>(more % static_cast<std::uint64_t>(4 * sx::kMicrosPerDay)) -
      2 * sx::kMicrosPerDay;
  const std::size_t m = sx::format_time_at_offset(sx::EventTime{i}, offset, buf);
  FUZZ_CHECK(m > 0 && m <= sx::kMaxTimeText, "format_time_at_offset length, any int64");

  // The zone's clock on an instant in range.
  const sx::Micros span = sx::kMaxEventTime - sx::kMinEventTime + 1;
  const sx::Micros at =
      sx::kMinEventTime + static_cast<sx::Micros>(static_cast<std::uint64_t>(i) % span);
  const sx::Micros off = p.utc_offset(at);
  FUZZ_CHECK(off > -sx::kMicrosPerDay && off < sx::kMicrosPerDay, "utc_offset out of range");
  (void)p.local_to_utc(at);
  return 0;
}
