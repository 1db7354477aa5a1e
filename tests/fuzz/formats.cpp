// Fuzz target: the input formats of sx-read (io/line_format.h). The first
// byte picks a format (csv, tsv, logfmt, clf, combined, syslog, lines, a
// regex); the rest is the input, cut into lines at '\n' and fed to it as
// sx-read does (start_input, convert per line, end_input).
//   * convert never crashes and has no undefined behaviour, whatever the bytes;
//   * a record is one valid JSON object (what every stage after reads);
//   * a bad line has a reason; kMore leaves the format pending, a record or a
//     bad line does not;
//   * guess_line_format answers for any line with a format name or "".
//   * clf and combined: the clean-line fast path gives what the general path
//     gives (record, reason and the time field's place).
#include "io/formats.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "io/json.h"
#include "io/line_format.h"
#include "io/line_reader.h"

namespace {

constexpr const char* kFormats[] = {
    "csv",      "tsv",
    "logfmt",   "clf",
    "combined", "syslog",
    "lines",    R"re(regex:^(?P<ip>\S+) (?P<n>\d+)? ?"(?P<q>[^"]*)"(?: (?P<rest>.*))?$)re"};

struct Formats {
  std::unique_ptr<sx::LineFormat> formats[std::size(kFormats)];
  sx::JsonValidator validator;
  std::unique_ptr<sx::LineFormat> general[2] = {sx::formats::make_clf(false, false),
                                                sx::formats::make_clf(true, false)};
  Formats() {
    sx::FormatOptions options;
    options.max_record_bytes = 4096;
    for (std::size_t i = 0; i < std::size(kFormats); ++i) {
      formats[i] = sx::make_line_format(kFormats[i], options);
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Formats f;
  if (size == 0) return 0;
  sx::LineFormat& format = *f.formats[data[0] % std::size(kFormats)];
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  sx::InputStart start;
  start.modified_us = 1733000000000000;  // 2024-11-30: syslog's year
  format.start_input(start);
  std::string out;
  std::string why;
  std::string padded;
  std::size_t pos = 0;
  while (pos < input.size()) {
    std::size_t end = input.find('\n', pos);
    if (end == std::string_view::npos) end = input.size();
    const std::string_view line = input.substr(pos, end - pos);
    pos = end + 1;
    const std::string guess = sx::guess_line_format(line);
    FUZZ_CHECK(guess.size() < 16, "a guess is a format name or empty");
    why.clear();
    const sx::LineResult result = format.convert(line, &out, &why);
    const std::string_view name = format.name();
    if (name == "clf" || name == "combined") {
      sx::LineFormat& general = *f.general[name == "combined"];
      std::string out2, why2;
      const sx::LineResult result2 = general.convert(line, &out2, &why2);
      FUZZ_CHECK(result == result2, "the fast path and the general path agree");
      FUZZ_CHECK(result != sx::LineResult::kRecord || out == out2, "the same record");
      FUZZ_CHECK(result != sx::LineResult::kBad || why == why2, "the same reason");
    }
    switch (result) {
      case sx::LineResult::kRecord:
        FUZZ_CHECK(!format.pending(), "a record leaves nothing held");
        padded = out;
        padded.append(sx::kLinePadding, ' ');
        if (!f.validator.validate_object({padded.data(), out.size()}, &why)) {
          std::fprintf(stderr, "format %s, line '%.*s' -> '%s': %s\n", format.name(),
                       static_cast<int>(line.size()), line.data(), out.c_str(), why.c_str());
          FUZZ_CHECK(false, "a record is one JSON object");
        }
        break;
      case sx::LineResult::kBad:
        FUZZ_CHECK(!why.empty(), "a bad line has a reason");
        FUZZ_CHECK(!format.pending(), "a bad line leaves nothing held");
        break;
      case sx::LineResult::kMore:
        FUZZ_CHECK(format.pending(), "kMore holds the record");
        break;
      case sx::LineResult::kSkip:
        break;
    }
  }
  why.clear();
  if (!format.end_input(&why)) FUZZ_CHECK(!why.empty(), "an unended record has a reason");
  FUZZ_CHECK(!format.pending(), "nothing held after the input's end");
  return 0;
}
