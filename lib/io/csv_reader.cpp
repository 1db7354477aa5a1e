#include "io/csv_reader.h"

#include <cstring>

namespace sx {

void CsvParser::reset() {
  state_ = State::kFieldStart;
  buf_.clear();
  field_begin_ = 0;
  spans_.clear();
}

void CsvParser::end_field(bool quoted) {
  spans_.push_back(Span{field_begin_, buf_.size(), quoted});
}

CsvParser::Result CsvParser::feed(std::string_view line, std::string* why) {
  const char* p = line.data();
  const char* const end = p + line.size();
  if (state_ == State::kQuoted) {
    buf_ += '\n';  // the line break inside the quoted field
  } else {
    reset();
    fields_.clear();
    // The common line, without a quote: its fields are views into it.
    if (std::memchr(p, '"', line.size()) == nullptr) {
      for (;;) {
        const auto* sep =
            static_cast<const char*>(std::memchr(p, separator_, static_cast<std::size_t>(end - p)));
        const char* stop = sep ? sep : end;
        fields_.push_back(CsvField{std::string_view(p, static_cast<std::size_t>(stop - p)), false});
        if (!sep) return Result::kRecord;
        p = sep + 1;
      }
    }
  }
  auto complete = [this] {
    fields_.clear();
    for (const Span& s : spans_) {
      fields_.push_back(
          CsvField{std::string_view(buf_).substr(s.begin, s.end - s.begin), s.quoted});
    }
    spans_.clear();
    state_ = State::kFieldStart;
    return Result::kRecord;
  };
  for (;;) {
    switch (state_) {
      case State::kFieldStart: {
        field_begin_ = buf_.size();
        if (p < end && *p == '"') {
          ++p;
          state_ = State::kQuoted;
          break;
        }
        const auto* comma =
            static_cast<const char*>(std::memchr(p, separator_, static_cast<std::size_t>(end - p)));
        const char* stop = comma ? comma : end;
        buf_.append(p, stop);
        end_field(false);
        if (!comma) return complete();
        p = comma + 1;
        break;
      }
      case State::kQuoted: {
        const auto* q =
            static_cast<const char*>(std::memchr(p, '"', static_cast<std::size_t>(end - p)));
        if (!q) {
          buf_.append(p, end);
          return Result::kMore;
        }
        buf_.append(p, q);
        p = q + 1;
        state_ = State::kQuoteInQuoted;
        break;
      }
      case State::kQuoteInQuoted:
        if (p == end) {
          end_field(true);
          return complete();
        }
        if (*p == '"') {  // "" inside quotes
          buf_ += '"';
          ++p;
          state_ = State::kQuoted;
        } else if (*p == separator_) {
          end_field(true);
          ++p;
          state_ = State::kFieldStart;
        } else {
          *why = std::string("field ") + std::to_string(spans_.size() + 1) +
                 ": text after a closing quote (write a quote inside a quoted field as \"\")";
          reset();
          return Result::kError;
        }
        break;
    }
  }
}

}  // namespace sx
