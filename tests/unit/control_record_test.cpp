#include "stream/control_record.h"

#include <doctest/doctest.h>

#include "io/json.h"

using sx::ControlType;

namespace {
std::optional<sx::Control> parse(const std::string& s, std::string* why) {
  sx::PaddedLine p(s);
  return sx::parse_control(p.view(), why);
}
}  // namespace

TEST_CASE("control records are recognised by their exact prefix") {
  CHECK(sx::is_control(R"({"@sx":"epoch","id":1})"));
  CHECK_FALSE(sx::is_control(R"({ "@sx":"epoch","id":1})"));
  CHECK_FALSE(sx::is_control(R"({"a":1,"@sx":"epoch"})"));
  CHECK_FALSE(sx::is_control(R"({"@sxx":1})"));
  CHECK_FALSE(sx::is_control(""));
}

TEST_CASE("writers and parser agree") {
  std::string why;
  auto e = parse(sx::make_epoch_record(42), &why);
  REQUIRE(e);
  CHECK(e->type == ControlType::kEpoch);
  CHECK(e->epoch == 42);
  CHECK(sx::make_epoch_record(42) == R"({"@sx":"epoch","id":42})");

  const sx::EventTime t{1690711200LL * 1000000};
  CHECK(sx::make_watermark_record(t) == R"({"@sx":"watermark","t":"2023-07-30T10:00:00Z"})");
  auto w = parse(sx::make_watermark_record(t), &why);
  REQUIRE(w);
  CHECK(w->type == ControlType::kWatermark);
  CHECK(w->watermark == t);

  auto f = parse(sx::make_watermark_record(sx::EventTime::end()), &why);
  REQUIRE(f);
  CHECK(f->watermark == sx::EventTime::end());

  sx::StreamInfo info;
  info.time_field = "ts";
  info.watermark_delay = 10 * sx::kMicrosPerMinute;
  info.source = "sx-read";
  const std::string rec = sx::make_stream_record(info);
  CHECK(
      rec ==
      R"({"@sx":"stream","v":1,"source":"sx-read","time_field":"ts","time_format":"auto","time_zone":"UTC","watermark_delay":"10m"})");
  auto s = parse(rec, &why);
  REQUIRE(s);
  CHECK(s->type == ControlType::kStream);
  CHECK(s->stream.time_field == "ts");
  CHECK(s->stream.watermark_delay == 10 * sx::kMicrosPerMinute);
  CHECK_FALSE(s->stream.bounded);
}

TEST_CASE("issue 12: a bounded stream says so in its header, and only then") {
  std::string why;
  sx::StreamInfo info;
  info.source = "sx-read";
  info.bounded = true;
  const std::string rec = sx::make_stream_record(info);
  CHECK(rec == R"({"@sx":"stream","v":1,"source":"sx-read","bounded":true})");
  auto s = parse(rec, &why);
  REQUIRE(s);
  CHECK(s->stream.bounded);
  auto u = parse(R"({"@sx":"stream","v":1,"bounded":false})", &why);
  REQUIRE(u);
  CHECK_FALSE(u->stream.bounded);
}

TEST_CASE("unknown control types parse as other, to be forwarded") {
  std::string why;
  auto c = parse(R"({"@sx":"checkpoint","x":[1,2]})", &why);
  REQUIRE(c);
  CHECK(c->type == ControlType::kOther);
  CHECK(c->type_name == "checkpoint");
}

TEST_CASE("malformed control records are refused with a reason") {
  std::string why;
  CHECK_FALSE(parse(R"({"@sx":"epoch"})", &why));
  CHECK(why.find("id") != std::string::npos);
  CHECK_FALSE(parse(R"({"@sx":"epoch","id":-1})", &why));
  CHECK_FALSE(parse(R"({"@sx":"watermark","t":"yesterday"})", &why));
  CHECK_FALSE(parse(R"({"@sx":"watermark","t":5})", &why));
  CHECK_FALSE(parse(R"({"@sx":"epoch","id":1)", &why));
  CHECK(why.find("malformed") != std::string::npos);
  CHECK_FALSE(parse(R"({"@sx":7})", &why));
}
