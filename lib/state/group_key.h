// Compact binary keys for grouping and deduplication (sx-window --by,
// sx-dedup --key): per field, a tag byte, a 4-byte length and the value's
// canonical text (canonical_key_text: 1, 1.0 and 1e0 are one key; the
// string "1" is another; {"a":1,"b":2} and {"b":2.0, "a":1} are one key).
// Tags order types as Spark sorts them: null (and missing), boolean,
// number, string, other JSON.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>

#include "base/event_time.h"
#include "io/json.h"

namespace sx::group_key {

inline constexpr char kTagNull = '0', kTagBool = '1', kTagNum = '2', kTagStr = '3', kTagJson = '4',
                      kTagTime = '5';

// A value's text as a key (sx(7)): strings unescaped; numbers by value (1,
// 1.0 and 1e0 alike; integers exactly, also beyond 64 bits); objects and
// arrays in one canonical JSON text (members sorted by key, no spaces, a
// repeated key's last value), so key order and spacing make no new key.
// It is also what output shows for a group.
void canonical_key_text(const JsonValue& v, std::string* out);

// Appends the part for `v`; `scratch` is reused to avoid allocation.
void append_key_part(std::string& key, const JsonValue& v, std::string& scratch);

// Appends the part for an instant (a key that names the stream's event-time
// field, sx(7)): 2024-01-01T00:00:10Z and 2024-01-01T01:00:10+01:00 are one
// key. Shown as its ISO-8601 UTC text; ordered by time.
void append_time_part(std::string& key, Micros us);

struct KeyPart {
  char tag;
  std::string_view text;
};

// The first part of `key`, which it removes.
inline KeyPart next_part(std::string_view& key) {
  std::uint32_t len;
  std::memcpy(&len, key.data() + 1, 4);
  KeyPart p{key[0], key.substr(5, len)};
  key.remove_prefix(5 + len);
  return p;
}

// Spark's order: by type as above, numbers numerically, strings byte-wise.
int compare_keys(std::string_view a, std::string_view b);

// Appends the part's value as JSON.
void append_key_value(std::string& out, const KeyPart& p);

// For unordered containers keyed by std::string and probed by string_view.
struct Hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

}  // namespace sx::group_key
