// Turning a time field's text or number into an EventTime, for every input
// form in sx(7): RFC 3339 / ISO-8601 with Z or an offset (+05:30, +0530, +05),
// with or without fractional seconds (up to 9 digits; beyond microseconds is
// truncated), a 'T' or a space between date and time; naive
// "YYYY-MM-DD HH:MM:SS[.f]" and "YYYY-MM-DDTHH:MM:SS[.f]" read in the parser's
// zone; a bare date "YYYY-MM-DD" (midnight in the zone); epoch seconds,
// milliseconds or microseconds as JSON numbers or digit strings (fractions
// allowed); and strftime-style patterns through the date library.
//
// The ISO-8601 grammar, exactly (the fast path, hand-written):
//   YYYY-MM-DD [ ('T' | 't' | ' ') HH:MM:SS [ ('.' | ',') 1-9 digits ] [ zone ] ]
//   zone = 'Z' | 'z' | ('+' | '-') HH [ [':'] MM ]
// Every field has exactly the width shown; the month's day count follows the
// proleptic Gregorian calendar (2024-02-29 exists, 2023-02-29 does not); hour
// 0-23, minute and second 0-59: a leap second (:60) is refused, because an
// instant in microseconds since the epoch has no place for it (as in Spark).
// Offset hours 0-23, minutes 0-59. Nothing may follow.
//
// Naive times in an IANA zone follow java.time (and so Spark): in a
// fall-back overlap (Europe/Paris 2023-10-29 02:30 happens twice) the EARLIER
// instant is taken, i.e. the offset before the transition (02:30+02:00); a
// time in a spring-forward gap (Europe/Paris 2023-03-26 02:30 never happens)
// is moved forward by the length of the gap (03:30+02:00).
// Limitation: the date library reads /usr/share/zoneinfo but not the rule at
// the end of each file, so past a zone's last listed transition (2037 for
// zones that still change their clocks) it keeps the last listed offset:
// Europe/Paris 2050-07-01 12:00 is read as +01:00, where GNU date says +02:00.
//
// Every result lies in 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59.999999Z
// (kMinEventTime..kMaxEventTime) after its offset or zone is applied, or is
// the one instant after, +10000-01-01T00:00:00Z (ISO 8601's expanded year:
// the end of the last windows, as format_time writes it; a window result's
// time is 1us before, which EventTimeField checks); anything else is refused.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/event_time.h"

namespace sx {

// The proleptic Gregorian calendar (as java.time and Spark): leap years, and
// the days of month m (1-12) of year y.
bool is_leap(std::int64_t y);
unsigned days_in_month(std::int64_t y, unsigned m);

class TimeParser {
 public:
  // `format`: "auto", "iso8601", "epoch-s", "epoch-ms", "epoch-us", or a
  // strftime pattern (anything containing '%'), e.g. "%d/%b/%Y:%H:%M:%S %z".
  // `zone`: "UTC" (also "utc", "Z", "Etc/UTC", "GMT"), an IANA name
  // ("Europe/Paris", looked up here, once) or a fixed offset ("+05:30",
  // "-0800", "+05"); it applies only to timestamps that carry no offset of
  // their own. Throws usage_error naming the bad format or zone and what is
  // accepted.
  explicit TimeParser(std::string_view format = "auto", std::string_view zone = "UTC");
  ~TimeParser();
  TimeParser(TimeParser&&) noexcept;
  TimeParser& operator=(TimeParser&&) noexcept;

  // Parses the (unescaped) content of a JSON string. Returns true and sets
  // *out, or returns false and, when `why` is not null, sets *why to a short
  // reason such as "'2023-13-01' is not a valid time (month 13)"; *out is
  // left alone on failure. The ISO-8601 and epoch paths allocate nothing
  // (except for *why on failure).
  //   "auto": the ISO-8601 forms above, else an optionally signed decimal
  //     ("1690711200", "-12", "1690711200.5") as epoch seconds, milliseconds
  //     or microseconds by the magnitude of its whole part, as parse_number.
  //   "iso8601": the ISO-8601 forms only.
  //   "epoch-s", "epoch-ms", "epoch-us": an optionally signed decimal in that
  //     unit; digits below a microsecond are truncated.
  //   a pattern: date::parse must consume the whole text. With %z (or %Ez) in
  //     the pattern the parsed offset wins; without it the time is local in
  //     the parser's zone (overlaps and gaps as above).
  //     "%d/%b/%Y:%H:%M:%S %z" (clf's time_local) has a hand-written fast
  //     path for its usual form ("10/Oct/2024:13:55:36 +0200") with the same
  //     results; anything else it leaves to date::parse, so the messages are
  //     the same too.
  // Safe to call concurrently on one parser (the zone's offset cache is per
  // thread).
  bool parse(std::string_view text, EventTime* out, std::string* why = nullptr) const;

  // JSON numbers: epoch values in the format's unit; "auto" and "iso8601"
  // choose by magnitude (|v| < 1e11: seconds, < 1e14: milliseconds, else
  // microseconds). A double is rounded to the nearest microsecond (its binary
  // value of 1690711200.123 s lies just below .123); NaN and infinities are
  // refused. A pattern format rejects numbers.
  bool parse_number(std::int64_t v, EventTime* out, std::string* why = nullptr) const;
  bool parse_number(double v, EventTime* out, std::string* why = nullptr) const;

  // The zone's clock, for calendar windows: local wall-clock micros -> UTC
  // (gaps and overlaps resolved as above), and the offset (micros east of
  // UTC) in force at a UTC instant. A pure UTC parser answers without lookups.
  Micros local_to_utc(Micros local) const;
  Micros utc_offset(Micros utc) const;
  bool is_utc() const;

  const std::string& format() const;  // as given, e.g. "auto"
  const std::string& zone() const;    // as given, e.g. "UTC"

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sx
