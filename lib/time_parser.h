// Turning a time field's text or number into an EventTime, for every input
// form in sx(7): RFC 3339 / ISO-8601 with Z or an offset (+05:30, +0530, +05),
// with or without fractional seconds (up to 9 digits; beyond microseconds is
// truncated), a 'T' or a space between date and time; naive
// "YYYY-MM-DD HH:MM:SS[.f]" and "YYYY-MM-DDTHH:MM:SS[.f]" read in the parser's
// zone; a bare date "YYYY-MM-DD" (midnight in the zone); epoch seconds,
// milliseconds or microseconds as JSON numbers or digit strings (fractions
// allowed); and strftime-style patterns through the date library.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "event_time.h"

namespace sx {

class TimeParser {
 public:
  // `format`: "auto", "iso8601", "epoch-s", "epoch-ms", "epoch-us", or a
  // strftime pattern (anything containing '%'), e.g. "%d/%b/%Y:%H:%M:%S %z".
  // `zone`: "UTC", an IANA name ("Europe/Paris") or a fixed offset ("+05:30");
  // it applies only to timestamps that carry no offset of their own.
  // Throws usage_error naming the bad format or zone and what is accepted.
  explicit TimeParser(std::string_view format = "auto", std::string_view zone = "UTC");
  ~TimeParser();
  TimeParser(TimeParser&&) noexcept;
  TimeParser& operator=(TimeParser&&) noexcept;

  // Parses the (unescaped) content of a JSON string. Returns true and sets
  // *out, or returns false and, when `why` is not null, sets *why to a short
  // reason such as "'2023-13-01' is not a valid time (month 13)". The ISO-8601
  // and epoch paths allocate nothing.
  bool parse(std::string_view text, EventTime* out, std::string* why = nullptr) const;

  // JSON numbers: epoch values in the format's unit; "auto" and "iso8601"
  // choose by magnitude (|v| < 1e11: seconds, < 1e14: milliseconds, else
  // microseconds). A pattern format rejects numbers.
  bool parse_number(std::int64_t v, EventTime* out, std::string* why = nullptr) const;
  bool parse_number(double v, EventTime* out, std::string* why = nullptr) const;

  const std::string& format() const;  // as given, e.g. "auto"
  const std::string& zone() const;    // as given, e.g. "UTC"

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sx
