// syslog, sx-read(1) INPUT FORMATS: RFC 5424, RFC 3164 and the lines
// rsyslog writes to files (no PRI), told apart per line:
//   <PRI>VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD [MSG]   RFC 5424
//   <PRI>Mmm dd hh:mm:ss HOSTNAME TAG[PID]: MSG                       RFC 3164
//   Mmm dd hh:mm:ss HOSTNAME TAG[PID]: MSG                            no PRI
//   [<PRI>]2024-10-11T22:14:15.123+02:00 HOSTNAME TAG[PID]: MSG       rsyslog, ISO
// into {"facility","severity","timestamp","hostname","app_name","procid",
// "msgid","structured_data","message"}. RFC 3164 timestamps have no year:
// the latest year that puts the timestamp not after the input's modification
// time plus one day, or --year.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"
#include "base/event_time.h"
#include "base/time_parser.h"
#include "io/format_text.h"
#include "io/formats.h"
#include "io/json.h"

namespace sx::formats {
namespace {

constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool is_leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
unsigned days_in_month(std::int64_t y, unsigned m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }

class SyslogFormat final : public TextFormat {
 public:
  explicit SyslogFormat(int year) : year_(year) {}

  const char* name() const override { return "syslog"; }

  void start_input(const InputStart& start) override { modified_us_ = start.modified_us; }

  LineResult convert(std::string_view line, std::string* out, std::string* why) override {
    if (const LineResult r = begin(line, out, why); r != LineResult::kRecord) return r;
    std::string& o = *out;
    lit(o, "{\"facility\":");
    if (line_[0] == '<') {
      std::size_t i = 1;
      unsigned pri = 0;
      while (i < line_.size() && i < 5 && is_digit(line_[i])) pri = pri * 10 + (line_[i++] - '0');
      if (i == 1 || i >= line_.size() || line_[i] != '>' || pri > 191 ||
          (i > 2 && line_[1] == '0')) {
        return fail("a priority (0 to 191) and '>' after '<'", 1);
      }
      pos_ = i + 1;
      append_uint(o, pri / 8);
      lit(o, ",\"severity\":");
      append_uint(o, pri % 8);
      // RFC 5424: a VERSION of 1 or 2 digits and a space; else RFC 3164
      // (with rsyslog's forwarding format, an ISO timestamp after the PRI).
      const std::string_view rest = line_.substr(pos_);
      if (rest.size() >= 2 && is_digit(rest[0]) &&
          (rest[1] == ' ' || (is_digit(rest[1]) && rest.size() >= 3 && rest[2] == ' '))) {
        return rfc5424(o);
      }
    } else {
      lit(o, "null,\"severity\":null");
    }
    return rfc3164(o);
  }

 private:
  // <PRI> read: VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP
  // MSGID SP STRUCTURED-DATA [SP MSG]; "-" is the nil value (null).
  LineResult rfc5424(std::string& o) {
    while (is_digit(line_[pos_])) ++pos_;  // the version, then a space (checked)
    ++pos_;
    static constexpr const char* kNames[] = {"timestamp", "hostname", "app_name", "procid",
                                             "msgid"};
    for (const char* field : kNames) {
      const std::size_t start = pos_;
      while (pos_ < line_.size() && line_[pos_] != ' ') ++pos_;
      const std::string_view t = line_.substr(start, pos_ - start);
      if (t.empty()) return fail(std::string("the ") + field, start);
      o.append(",\"").append(field).append("\":");
      mark(o, field);
      append_nullable(o, t);
      if (!space(field)) return LineResult::kBad;
    }
    // STRUCTURED-DATA: "-" or [SD-ID *(SP NAME="VALUE")]..., where a value
    // may hold \" \\ and \]; kept as its text.
    const std::size_t sd0 = pos_;
    lit(o, ",\"structured_data\":");
    if (pos_ < line_.size() && line_[pos_] == '-') {
      ++pos_;
      lit(o, "null");
    } else if (pos_ < line_.size() && line_[pos_] == '[') {
      while (pos_ < line_.size() && line_[pos_] == '[') {
        bool in_quotes = false;
        ++pos_;
        for (;; ++pos_) {
          if (pos_ >= line_.size()) return fail("']' closing the structured data", pos_);
          const char c = line_[pos_];
          if (in_quotes && c == '\\') {
            ++pos_;
          } else if (c == '"') {
            in_quotes = !in_quotes;
          } else if (c == ']' && !in_quotes) {
            break;
          }
        }
        ++pos_;
      }
      append_string(o, line_.substr(sd0, pos_ - sd0));
    } else {
      return fail("the structured data ('-' or '[')", pos_);
    }
    lit(o, ",\"message\":");
    if (pos_ == line_.size()) {
      lit(o, "\"\"}");
      return LineResult::kRecord;
    }
    if (!space("the structured data")) return LineResult::kBad;
    std::string_view msg = line_.substr(pos_);
    if (msg.starts_with("\xEF\xBB\xBF")) msg.remove_prefix(3);
    append_string(o, msg);
    o.push_back('}');
    return LineResult::kRecord;
  }

  // TIMESTAMP SP HOSTNAME SP [TAG[PID]: ]MSG, the timestamp either
  // "Mmm dd hh:mm:ss" (day padded with a space or a zero) or ISO 8601
  // (rsyslog's RSYSLOG_FileFormat), kept as its text.
  LineResult rfc3164(std::string& o) {
    lit(o, ",\"timestamp\":");
    mark(o, "timestamp");
    const std::size_t ts0 = pos_;
    if (is_iso_date(line_.substr(pos_))) {
      while (pos_ < line_.size() && line_[pos_] != ' ') ++pos_;
      append_string(o, line_.substr(ts0, pos_ - ts0));
    } else if (!bsd_timestamp(o)) {
      return LineResult::kBad;
    }
    if (!space("the timestamp")) return LineResult::kBad;
    const std::size_t h0 = pos_;
    while (pos_ < line_.size() && line_[pos_] != ' ') ++pos_;
    if (pos_ == h0) return fail("the hostname", h0);
    lit(o, ",\"hostname\":");
    append_string(o, line_.substr(h0, pos_ - h0));
    if (pos_ < line_.size()) ++pos_;  // the space
    // TAG: up to 32 characters of [A-Za-z0-9_./-], then "[PID]" and ':'.
    std::string_view app;
    std::size_t i = pos_;
    while (i < line_.size() && i - pos_ < 48 &&
           (is_digit(line_[i]) || (line_[i] >= 'A' && line_[i] <= 'Z') ||
            (line_[i] >= 'a' && line_[i] <= 'z') || line_[i] == '_' || line_[i] == '.' ||
            line_[i] == '/' || line_[i] == '-')) {
      ++i;
    }
    bool tagged = i > pos_;
    std::size_t pid0 = 0, pid1 = 0;
    if (tagged && i < line_.size() && line_[i] == '[') {
      pid0 = i + 1;
      pid1 = line_.find(']', pid0);
      if (pid1 == std::string_view::npos || pid1 == pid0) {
        tagged = false;
      } else {
        for (std::size_t k = pid0; k < pid1; ++k) tagged = tagged && line_[k] != ' ';
        i = pid1 + 1;
      }
    }
    tagged = tagged && i < line_.size() && line_[i] == ':';
    lit(o, ",\"app_name\":");
    if (tagged) {
      app = line_.substr(pos_, (pid1 ? pid0 - 1 : i) - pos_);
      append_string(o, app);
      lit(o, ",\"procid\":");
      if (pid1) {
        append_string(o, line_.substr(pid0, pid1 - pid0));
      } else {
        lit(o, "null");
      }
      pos_ = i + 1;
      if (pos_ < line_.size() && line_[pos_] == ' ') ++pos_;
    } else {
      lit(o, "null,\"procid\":null");
    }
    lit(o, ",\"msgid\":null,\"structured_data\":null,\"message\":");
    append_string(o, line_.substr(pos_));
    o.push_back('}');
    return LineResult::kRecord;
  }

  // Whether s starts with YYYY-MM-DDT (the rest is the time parser's).
  static bool is_iso_date(std::string_view s) {
    if (s.size() < 11 || s[4] != '-' || s[7] != '-' || s[10] != 'T') return false;
    for (const std::size_t k : {0, 1, 2, 3, 5, 6, 8, 9}) {
      if (!is_digit(s[k])) return false;
    }
    return true;
  }

  // "Mmm dd hh:mm:ss" at pos_, written as YYYY-MM-DDTHH:MM:SS with the year
  // inferred (or --year).
  bool bsd_timestamp(std::string& o) {
    const std::size_t at = pos_;
    const std::string_view s = line_.substr(pos_);
    auto bad = [&] {
      fail("a timestamp (Mmm dd hh:mm:ss, or ISO 8601)", at);
      return false;
    };
    if (s.size() < 15 || s[3] != ' ' || s[6] != ' ' || s[9] != ':' || s[12] != ':') return bad();
    unsigned month = 0;
    for (unsigned m = 0; m < 12; ++m) {
      if (s.substr(0, 3) == kMonths[m]) month = m + 1;
    }
    if (month == 0) return bad();
    if (!(s[4] == ' ' || is_digit(s[4])) || !is_digit(s[5])) return bad();
    for (const std::size_t k : {7, 8, 10, 11, 13, 14}) {
      if (!is_digit(s[k])) return bad();
    }
    const unsigned day = (s[4] == ' ' ? 0 : s[4] - '0') * 10 + (s[5] - '0');
    const unsigned h = (s[7] - '0') * 10 + (s[8] - '0');
    const unsigned mi = (s[10] - '0') * 10 + (s[11] - '0');
    const unsigned sec = (s[13] - '0') * 10 + (s[14] - '0');
    if (day < 1 || day > 31 || h > 23 || mi > 59 || sec > 60) return bad();
    std::int64_t year = year_;
    if (year == 0) {
      // The latest year that puts the timestamp at most one day after the
      // input's modification time (read as UTC: the day covers any offset).
      const Micros limit = modified_us_ + kMicrosPerDay;
      const Micros in_year = ((h * 60 + mi) * 60 + sec) * kMicrosPerSecond;
      std::int64_t y = civil_from_days(floor_div(limit, kMicrosPerDay)).year;
      for (int tries = 0; tries < 9; ++tries, --y) {
        if (day <= days_in_month(y, month) &&
            days_from_civil(y, month, day) * kMicrosPerDay + in_year <= limit) {
          break;
        }
      }
      year = y;
    }
    if (year < 1 || year > 9999 || day > days_in_month(year, month)) {
      why_->clear();
      why_->push_back('\'');
      why_->append(s.substr(0, 6));
      why_->append("' is not a date in ");
      why_->append(std::to_string(year));
      return false;
    }
    char buf[24];
    buf[0] = '"';
    put(buf + 1, static_cast<unsigned>(year), 4);
    buf[5] = '-';
    put(buf + 6, month, 2);
    buf[8] = '-';
    put(buf + 9, day, 2);
    buf[11] = 'T';
    put(buf + 12, h, 2);
    buf[14] = ':';
    put(buf + 15, mi, 2);
    buf[17] = ':';
    put(buf + 18, sec, 2);
    buf[20] = '"';
    o.append(buf, 21);
    pos_ += 15;
    return true;
  }

  static void put(char* p, unsigned v, int width) {
    for (int k = width - 1; k >= 0; --k, v /= 10) p[k] = static_cast<char>('0' + v % 10);
  }

  static void append_uint(std::string& o, unsigned v) { o.append(std::to_string(v)); }

  static void append_nullable(std::string& o, std::string_view v) {
    if (v == "-") {
      lit(o, "null");
    } else {
      append_string(o, v);
    }
  }

  int year_;  // --year, or 0 to infer it
  Micros modified_us_ = 0;
};

}  // namespace

std::unique_ptr<LineFormat> make_syslog(const FormatOptions& options) {
  int year = 0;
  if (!options.year.empty()) {
    bool ok = options.year.size() <= 4;
    for (const char c : options.year) ok = ok && is_digit(c);
    if (ok) year = std::stoi(options.year);
    if (!ok || year < 1) {
      throw usage_error("--year: expected a year from 1 to 9999 such as 2024, got '" +
                        options.year + "'");
    }
  }
  return std::make_unique<SyslogFormat>(year);
}

}  // namespace sx::formats
