// issue 11 item 5: a stage's own --time-zone/--time-format against the
// stream header's (check_time_flags, shared by sx-window and sx-dedup).
#include <doctest/doctest.h>

#include <string>

#include "base/error.h"
#include "stream/record_time.h"

namespace {

sx::StreamInfo header(std::string zone, std::string format = "auto") {
  sx::StreamInfo h;
  h.time_field = "ts";
  h.time_zone = std::move(zone);
  h.time_format = std::move(format);
  h.source = "sx-read";
  return h;
}

sx::TimeOverride zone_flag(std::string zone) {
  sx::TimeOverride o;
  o.flags.time_zone = std::move(zone);
  o.zone_given = true;
  return o;
}

}  // namespace

TEST_CASE("issue 11 item 05: check_time_flags refuses re-reading the header's times") {
  const sx::StreamInfo utc = header("UTC");
  // Another zone: refused, with the advice appended.
  try {
    sx::check_time_flags(&utc, zone_flag("Europe/Paris"), "; ADVICE");
    FAIL("not refused");
  } catch (const sx::Error& e) {
    CHECK(e.kind() == sx::Error::Kind::kUsage);
    const std::string m = e.what();
    CHECK(m.find("pass --time-zone Europe/Paris to sx-read; ADVICE") != std::string::npos);
  }
  // Zones that read naive times alike: accepted.
  CHECK_NOTHROW(sx::check_time_flags(&utc, zone_flag("UTC"), ""));
  CHECK_NOTHROW(sx::check_time_flags(&utc, zone_flag("Z"), ""));
  CHECK_NOTHROW(sx::check_time_flags(&utc, zone_flag("+00:00"), ""));
  const sx::StreamInfo india = header("+05:30");
  CHECK_NOTHROW(sx::check_time_flags(&india, zone_flag("+0530"), ""));
  CHECK_THROWS(sx::check_time_flags(&india, zone_flag("+05:00"), ""));
  CHECK_THROWS(
      sx::check_time_flags(&india, zone_flag("Asia/Kolkata"), ""));  // a name is not an offset
  // No header (the flags stand in for it), or a --time-field of one's own.
  CHECK_NOTHROW(sx::check_time_flags(nullptr, zone_flag("Europe/Paris"), ""));
  sx::TimeOverride own = zone_flag("Europe/Paris");
  own.field_given = true;
  CHECK_NOTHROW(sx::check_time_flags(&utc, own, ""));
  // A format: the same rule.
  sx::TimeOverride fmt;
  fmt.flags.time_format = "epoch-s";
  fmt.format_given = true;
  CHECK_THROWS_AS(sx::check_time_flags(&utc, fmt, ""), sx::Error);
  fmt.flags.time_format = "auto";
  CHECK_NOTHROW(sx::check_time_flags(&utc, fmt, ""));
}
