#include "clickstream.h"

#include <charconv>
#include <cstring>

#include "base/error.h"

namespace sx::gen {

namespace {

// Stream numbers for Rng: fixed forever, or old seeds would change meaning.
constexpr std::uint64_t kEventsStream = 1;
constexpr std::uint64_t kLateStream = 2;
constexpr std::uint64_t kDuplicatesStream = 3;

struct EventType {
  std::string_view name;
  std::uint64_t cumulative_percent;
};
constexpr EventType kEventTypes[] = {
    {"view", 50}, {"click", 80}, {"add_to_cart", 95}, {"purchase", 100}};

constexpr std::int64_t kMinCents = 1000;    // 10.00
constexpr std::int64_t kMaxCents = 100000;  // 1000.00

char* put(char* p, std::string_view s) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

char* put_uint(char* p, std::uint64_t v) { return std::to_chars(p, p + 20, v).ptr; }

constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::string_view kAgents[] = {
    "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0", "curl/8.4.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 Safari/604.1"};

// The event as nginx's "combined" log line: the user's address 10.0.U/256.U%256,
// the time in seconds (UTC, as [01/Jan/2024:00:00:00 +0000]), a request by
// event type, status 500 for 2% of events and 404 for 2% (by the value's
// cents), the value in cents as body_bytes_sent, a referer but for views,
// one of three user agents by user. Nothing random beyond the event's fields.
char* combined_line(char* p, std::string_view iso, std::uint64_t user, std::string_view type,
                    std::uint64_t cents, std::uint64_t session) {
  p = put(p, "10.0.");
  p = put_uint(p, user / 256);
  *p++ = '.';
  p = put_uint(p, user % 256);
  p = put(p, " - - [");
  // iso: YYYY-MM-DDTHH:MM:SS[.ffffff]Z
  p = put(p, iso.substr(8, 2));
  *p++ = '/';
  p = put(p, kMonths[(iso[5] - '0') * 10 + (iso[6] - '0') - 1]);
  *p++ = '/';
  p = put(p, iso.substr(0, 4));
  *p++ = ':';
  p = put(p, iso.substr(11, 8));
  p = put(p, " +0000] \"");
  if (type == "view") {
    p = put(p, "GET /products/");
    p = put_uint(p, session);
  } else if (type == "click") {
    p = put(p, "GET /search?q=item+");
    p = put_uint(p, session);
  } else if (type == "add_to_cart") {
    p = put(p, "POST /cart");
  } else {
    p = put(p, "POST /checkout");
  }
  p = put(p, " HTTP/1.1\" ");
  p = put(p, cents % 50 == 0 ? "500" : cents % 50 == 1 ? "404" : "200");
  *p++ = ' ';
  p = put_uint(p, cents);
  p = put(p, type == "view" ? " \"-\" \"" : " \"https://shop.example/\" \"");
  p = put(p, kAgents[user % 3]);
  return put(p, "\"\n");
}

}  // namespace

std::string_view Clickstream::header() const {
  return opt_.format == GenFormat::kCsv ? "event_id,timestamp,user_id,event_type,value,session_id\n"
                                        : "";
}

Clickstream::Clickstream(const ClickstreamOptions& options)
    : opt_(options),
      events_(options.seed, kEventsStream),
      late_(options.seed, kLateStream),
      duplicates_(options.seed, kDuplicatesStream),
      late_threshold_(chance_threshold(options.late_fraction)),
      duplicate_threshold_(chance_threshold(options.duplicate_fraction)),
      now_(options.start.us) {}

std::string_view Clickstream::next() {
  // A duplicate: a producer retrying, re-sending one of its recent events.
  if (duplicate_threshold_ != 0 && recent_count_ != 0 && duplicates_.chance(duplicate_threshold_)) {
    const std::size_t back = 1 + duplicates_.below(recent_count_);  // 1 = the latest
    const Slot& slot = recent_[(recent_next_ + kRecent - back) % kRecent];
    return {slot.bytes, slot.len};
  }
  return make_original();
}

std::string_view Clickstream::make_original() {
  ++originals_;
  // Event time moves forward for every original event, late ones included (the
  // world's clock runs on); e1 is at --start exactly.
  if (originals_ > 1) {
    const Micros gap = events_.between(0, 2 * opt_.time_step);
    if (!clocked_) now_ += gap;
  }
  Micros t = now_;
  if (late_threshold_ != 0 && late_.chance(late_threshold_)) {
    t -= late_.between(kMicrosPerSecond, opt_.late_max);
  }
  if (now_ > kMaxEventTime || t < kMinEventTime) {
    throw data_error("event e" + std::to_string(originals_) +
                     " falls outside years 0001..9999 (move --start, or lower --time-step, "
                     "--late-max or --events)");
  }
  const std::uint64_t user = 1 + events_.below(opt_.users);
  const std::uint64_t percent = events_.below(100);
  std::string_view type = kEventTypes[0].name;
  for (const auto& candidate : kEventTypes) {
    if (percent < candidate.cumulative_percent) {
      type = candidate.name;
      break;
    }
  }
  const auto cents = static_cast<std::uint64_t>(events_.between(kMinCents, kMaxCents));
  const std::uint64_t session = 1 + events_.below(kSessions);

  Slot& slot = recent_[recent_next_];
  recent_next_ = (recent_next_ + 1) % kRecent;
  if (recent_count_ < kRecent) ++recent_count_;

  char* p = slot.bytes;
  if (opt_.format != GenFormat::kNdjson) {
    char iso[48];
    const std::size_t n = format_time(EventTime{t}, iso);
    if (opt_.format == GenFormat::kCombined) {
      p = combined_line(p, {iso, n}, user, type, cents, session);
    } else {
      *p++ = 'e';
      p = put_uint(p, originals_);
      *p++ = ',';
      p = put(p, {iso, n});
      *p++ = ',';
      p = put_uint(p, user);
      *p++ = ',';
      p = put(p, type);
      *p++ = ',';
      p = put_uint(p, cents / 100);
      *p++ = '.';
      *p++ = static_cast<char>('0' + cents / 10 % 10);
      *p++ = static_cast<char>('0' + cents % 10);
      p = put(p, ",session_");
      p = put_uint(p, session);
      *p++ = '\n';
    }
    slot.len = static_cast<std::size_t>(p - slot.bytes);
    return {slot.bytes, slot.len};
  }
  p = put(p, R"({"event_id":"e)");
  p = put_uint(p, originals_);
  p = put(p, R"(","timestamp":")");
  p += format_time(EventTime{t}, p);
  p = put(p, R"(","user_id":)");
  p = put_uint(p, user);
  p = put(p, R"(,"event_type":")");
  p = put(p, type);
  p = put(p, R"(","value":)");
  p = put_uint(p, cents / 100);
  *p++ = '.';
  *p++ = static_cast<char>('0' + cents / 10 % 10);
  *p++ = static_cast<char>('0' + cents % 10);
  p = put(p, R"(,"session_id":"session_)");
  p = put_uint(p, session);
  p = put(p, "\"}\n");
  slot.len = static_cast<std::size_t>(p - slot.bytes);
  return {slot.bytes, slot.len};
}

}  // namespace sx::gen
