#include "io/line_format.h"

#include "base/error.h"
#include "io/formats.h"
#include "io/json.h"

namespace sx {

namespace formats {
namespace {

// `lines`: each line as {"line": TEXT}, whatever it holds (sx-read(1)).
class LinesFormat final : public LineFormat {
 public:
  const char* name() const override { return "lines"; }
  LineResult convert(std::string_view line, std::string* out, std::string* why) override {
    if (!is_valid_utf8(line)) {
      *why = "invalid UTF-8";
      return LineResult::kBad;
    }
    out->assign("{\"line\":");
    append_json_string(*out, line);
    out->push_back('}');
    return LineResult::kRecord;
  }
};

}  // namespace

std::unique_ptr<LineFormat> make_lines() { return std::make_unique<LinesFormat>(); }

}  // namespace formats

std::unique_ptr<LineFormat> make_line_format(std::string_view spec, const FormatOptions& options) {
  if (spec == "ndjson" || spec == "jsonl" || spec == "json") return nullptr;
  if (spec == "lines") return formats::make_lines();
  if (spec == "csv") return formats::make_csv(',', options);
  if (spec == "tsv") return formats::make_csv('\t', options);
  if (spec == "logfmt") return formats::make_logfmt();
  if (spec == "clf") return formats::make_clf(false);
  if (spec == "combined") return formats::make_clf(true);
  if (spec == "syslog") return formats::make_syslog(options);
  if (spec.starts_with("regex:")) return formats::make_regex(spec.substr(6));
  throw usage_error("--format: unknown format '" + std::string(spec) +
                    "' (use ndjson, csv, tsv, logfmt, clf, combined, syslog, lines or "
                    "regex:PATTERN)");
}

std::string default_time_format(std::string_view format, std::string_view time_field) {
  if ((format == "clf" || format == "combined") && time_field == "time_local") {
    return "%d/%b/%Y:%H:%M:%S %z";
  }
  return "";
}

}  // namespace sx
