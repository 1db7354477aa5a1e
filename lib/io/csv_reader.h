// RFC 4180 CSV records, for static tables (sx-join --static) and sx-read
// --format csv/tsv (io/format_csv.cpp). A record is fields separated by ','
// (or the separator given: '\t' for TSV) and ended by a line break; a field in double quotes
// may hold ',', line breaks and quotes written twice (""). The parser is fed
// physical lines (from a LineReader, so "\r\n" line ends are accepted; a line
// break inside a quoted field is kept as "\n") and says when a record is
// complete. Lenient where common files are: a quote inside an unquoted field
// (5'10") is taken literally. Strict where data would be lost: text after a
// closing quote ("ab"c) and an unterminated quoted field are errors.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "io/json.h"  // is_json_number

namespace sx {

struct CsvField {
  std::string_view text;  // quotes removed, "" unescaped
  bool quoted = false;    // written in quotes: tells "" (empty text) from an empty field
};

class CsvParser {
 public:
  explicit CsvParser(char separator = ',') : separator_(separator) {}

  enum class Result {
    kRecord,  // fields() holds a complete record
    kMore,    // the line ended inside a quoted field: feed the next line
    kError,   // *why says what is wrong; the parser is ready for a new record
  };

  // Parses one physical line (without its line break), which starts a record
  // or, after kMore, continues it. Views in fields() stay valid until the
  // next feed() or reset(), and while `line` does (a line without quotes is
  // split in place).
  Result feed(std::string_view line, std::string* why);

  const std::vector<CsvField>& fields() const { return fields_; }
  // True between a kMore and the feed() that completes the record: at the end
  // of the input, a quoted field is unterminated.
  bool in_record() const { return state_ != State::kFieldStart || !spans_.empty(); }
  // The bytes of the record read so far (a held record's size, after kMore).
  std::size_t size() const { return buf_.size(); }
  // Drops a partial record.
  void reset();

 private:
  enum class State { kFieldStart, kQuoted, kQuoteInQuoted };
  struct Span {
    std::size_t begin, end;
    bool quoted;
  };
  void end_field(bool quoted);

  char separator_;
  State state_ = State::kFieldStart;
  std::string buf_;  // the current record's field texts, back to back
  std::size_t field_begin_ = 0;
  std::vector<Span> spans_;  // the fields ended so far
  std::vector<CsvField> fields_;
};

}  // namespace sx
