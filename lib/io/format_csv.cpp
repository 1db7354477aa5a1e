// --format csv and tsv (sx-read(1), INPUT FORMATS): RFC 4180 records (the
// same quoting rules for both, the separator aside), the first line of each
// input the header, each record one JSON object with the header's names as
// keys, in the header's order.
//
// Cells: an unquoted empty cell is null, a quoted one "" (Spark, PostgreSQL
// COPY); a cell that is a JSON number is that number, quoted or not (Spark,
// DuckDB infer types the same way); the rest are strings. --strings: every
// cell a string, "" for an empty one.
//
// Header names: an empty one is _cN (N its column from 0, as Spark names
// it); a name seen before gets _1, _2, ... (DuckDB), skipping a name that is
// taken.
#include <string>
#include <string_view>
#include <vector>

#include "io/csv_reader.h"
#include "io/formats.h"
#include "io/json.h"

namespace sx::formats {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
class CsvFormat final : public LineFormat {
 public:
  CsvFormat(char separator, const FormatOptions& options)
      : separator_(separator),
        strings_(options.strings),
        max_held_(options.max_record_bytes),
        parser_(separator) {}

  const char* name() const override { return separator_ == '\t' ? "tsv" : "csv"; }
  bool needs_header() const override { return true; }
  void want_key(std::string_view key) override { wanted_ = key; }
  std::size_t wanted_at() const override { return wanted_at_; }

  void start_input(const InputStart& start) override {
    parser_.reset();
    keys_.clear();
    state_ = State::kNeedHeader;
    first_line_ = true;
    if (!start.resumed) return;
    // A restart inside the input: its first line is the header.
    std::string_view header = start.header;
    if (header.starts_with(kBom)) header.remove_prefix(kBom.size());
    first_line_ = false;
    std::string why;
    if (header.empty()) {
      header_bad(
          "its first line is empty (sx-read takes the header from the first line on a "
          "restart inside an input)");
      return;
    }
    switch (parser_.feed(header, &why)) {
      case CsvParser::Result::kRecord:
        set_header(&why);
        break;
      case CsvParser::Result::kMore:
        parser_.reset();
        header_bad(
            "its first line ends inside a quoted name (a header over several lines "
            "cannot be read again on a restart inside the input)");
        break;
      case CsvParser::Result::kError:
        header_bad(why);
        break;
    }
  }

  LineResult convert(std::string_view line, std::string* out, std::string* why) override {
    if (state_ == State::kHeaderBad) {
      *why = header_why_;
      return LineResult::kBad;
    }
    const bool header = state_ == State::kNeedHeader;
    if (!parser_.in_record()) {
      if (header && first_line_ && line.starts_with(kBom)) line.remove_prefix(kBom.size());
      first_line_ = false;
      // A blank line is no record (Spark, DuckDB skip them), before the
      // header as after it.
      if (line.empty()) return LineResult::kSkip;
    }
    switch (parser_.feed(line, why)) {
      case CsvParser::Result::kMore:
        // Past --max-line-bytes, a quote left open is the likely cause, and
        // holding the rest of the input in memory would not help.
        if (parser_.size() <= max_held_) return LineResult::kMore;
        parser_.reset();
        *why = "a quoted field goes on over lines for more than --max-line-bytes (" +
               std::to_string(max_held_) +
               " bytes; a quote not closed? the record from this line on to here is dropped)";
        if (header) {
          header_bad(*why);
          *why = header_why_;
        }
        return LineResult::kBad;
      case CsvParser::Result::kError:
        if (header) {
          header_bad(*why);
          *why = header_why_;
        }
        return LineResult::kBad;
      case CsvParser::Result::kRecord:
        break;
    }
    if (header) {
      if (!set_header(why)) {
        *why = header_why_;
        return LineResult::kBad;
      }
      return LineResult::kSkip;
    }
    return write_record(out, why);
  }

  bool pending() const override { return parser_.in_record(); }

  bool end_input(std::string* why) override {
    if (!parser_.in_record()) return true;
    parser_.reset();
    *why =
        "a quoted field is not closed before the end of the input (the record from this line "
        "on is lost: close the quote, or write a quote inside a quoted field as \"\")";
    return false;
  }

 private:
  enum class State { kNeedHeader, kHeaderBad, kRecords };

  void header_bad(std::string_view why) {
    state_ = State::kHeaderBad;
    header_why_.assign("the header (the input's first line) could not be read: ");
    header_why_.append(why);
  }

  // The keys from the header record in parser_.fields().
  bool set_header(std::string* why) {
    const std::vector<CsvField>& fields = parser_.fields();
    std::vector<std::string> names;
    names.reserve(fields.size());
    for (std::size_t i = 0; i < fields.size(); ++i) {
      std::string_view text = fields[i].text;
      if (!is_valid_utf8(text)) {
        header_bad("invalid UTF-8 in name " + std::to_string(i + 1));
        *why = header_why_;
        return false;
      }
      std::string name = text.empty() ? "_c" + std::to_string(i) : std::string(text);
      if (taken(names, name)) {
        for (int n = 1;; ++n) {
          std::string next = name + "_" + std::to_string(n);
          if (!taken(names, next) && !in_header(fields, next)) {
            name = std::move(next);
            break;
          }
        }
      }
      names.push_back(std::move(name));
    }
    keys_.clear();
    wanted_index_ = names.size();
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i] == wanted_) wanted_index_ = i;
      std::string key = i == 0 ? "{" : ",";
      append_json_string(key, names[i]);
      key.push_back(':');
      keys_.push_back(std::move(key));
    }
    state_ = State::kRecords;
    return true;
  }

  static bool taken(const std::vector<std::string>& names, std::string_view name) {
    for (const std::string& n : names) {
      if (n == name) return true;
    }
    return false;
  }
  // A later column's own name: "a,a,a_1" names its columns a, a_2, a_1.
  static bool in_header(const std::vector<CsvField>& fields, std::string_view name) {
    for (const CsvField& f : fields) {
      if (f.text == name) return true;
    }
    return false;
  }

  LineResult write_record(std::string* out, std::string* why) {
    const std::vector<CsvField>& fields = parser_.fields();
    if (fields.size() != keys_.size()) {
      why->assign("expected ");
      why->append(std::to_string(keys_.size()));
      why->append(keys_.size() == 1 ? " field as in the header, found "
                                    : " fields as in the "
                                      "header, found ");
      why->append(std::to_string(fields.size()));
      return LineResult::kBad;
    }
    out->clear();
    wanted_at_ = std::string::npos;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      out->append(keys_[i]);
      if (i == wanted_index_) wanted_at_ = out->size();
      const CsvField& f = fields[i];
      if (strings_) {
        if (!append_string(f.text, i, out, why)) return LineResult::kBad;
      } else if (f.text.empty() && !f.quoted) {
        out->append("null");
      } else if (is_json_number(f.text)) {
        out->append(f.text);
      } else if (!append_string(f.text, i, out, why)) {
        return LineResult::kBad;
      }
    }
    if (keys_.empty()) out->push_back('{');
    out->push_back('}');
    return LineResult::kRecord;
  }

  static bool append_string(std::string_view text, std::size_t i, std::string* out,
                            std::string* why) {
    if (!is_valid_utf8(text)) {
      why->assign("invalid UTF-8 in field ");
      why->append(std::to_string(i + 1));
      return false;
    }
    append_json_string(*out, text);
    return true;
  }

  const char separator_;
  std::string wanted_;                         // want_key
  std::size_t wanted_index_ = SIZE_MAX;        // its column
  std::size_t wanted_at_ = std::string::npos;  // wanted_at
  const bool strings_;
  const std::size_t max_held_;  // --max-line-bytes
  CsvParser parser_;
  State state_ = State::kNeedHeader;
  bool first_line_ = true;         // no line of the input seen yet (a BOM may start it)
  std::vector<std::string> keys_;  // per column: "{" or "," then the JSON name and ':'
  std::string header_why_;         // kHeaderBad: why, for every line
};

}  // namespace

std::unique_ptr<LineFormat> make_csv(char separator, const FormatOptions& options) {
  return std::make_unique<CsvFormat>(separator, options);
}

}  // namespace sx::formats
