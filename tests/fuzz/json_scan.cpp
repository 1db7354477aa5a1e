// Fuzz target: the fast JSON scanner (io/json_scan.h) against simdjson, the
// oracle json_scan_test uses. The input is one or more lines ('\n' between
// them, as LineReader splits them), scanned in order by one FieldScanner so
// that its shape tier sees lines that share (or almost share) the previous
// line's shape. The first byte picks the field set. For every line:
//   * FieldScanner answers kOk only for a valid JSON object (JsonValidator,
//     simdjson's DOM), with every field equal to the DOM's and On-Demand's;
//   * RecordReader::read_fields (the fast path, else simdjson) and
//     open()+get_fields() (simdjson only) give the same verdict and values;
//   * is_valid_utf8 agrees with simdjson::validate_utf8.
// Each line sits in a heap block of exactly its size + kLinePadding, the
// padding filled with a byte that would fool a scan that reads past the line:
// ASan catches a read beyond the padding.
#include "io/json_scan.h"

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "../unit/json_helpers.h"
#include "fuzz_check.h"
#include "io/json.h"

namespace {

using sx::FieldPath;
using sx::FieldSet;
using sx::JsonType;
using sx::JsonValue;

using sx_test::paths;

using sx_test::same;  // the unit tests' comparison (tests/unit/json_helpers.h)

struct Sets {
  FieldSet flat{paths({"a", "b", "value", "event_type"})};
  FieldSet nested{paths({"a.b", "c", "x.y.z", "user"})};
  FieldSet none{std::vector<FieldPath>{}};
  FieldSet shape{paths({"ts", "kind", "v"})};
  FieldSet alias{paths({"ts", "a", "ts"})};  // a path twice: aliases
  FieldSet overlap{paths({"a", "a.b", "ts"})};
  const FieldSet* all[6] = {&flat, &nested, &none, &shape, &alias, &overlap};
};

void check_line(sx::FieldScanner& scanner, sx::RecordReader& reader, const FieldSet& set,
                std::string_view text, char pad) {
  const std::size_t n = text.size();
  std::unique_ptr<char[]> buf(new char[n + sx::kLinePadding]);
  if (n > 0) std::memcpy(buf.get(), text.data(), n);
  std::memset(buf.get() + n, pad, sx::kLinePadding);
  const std::string_view line(buf.get(), n);

  const bool utf8 = sx::is_valid_utf8(line);
  FUZZ_CHECK(utf8 == simdjson::validate_utf8(line.data(), line.size()), "is_valid_utf8 disagrees");

  const std::size_t k = set.size();
  std::vector<JsonValue> fast(k + 1), slow(k + 1), read(k + 1);
  const bool answered = scanner.scan(line, fast.data()) == sx::ScanResult::kOk;

  static sx::JsonValidator dom;  // no state from one line to the next but buffers
  std::string why;
  const bool valid = dom.validate_object(line, &why);
  FUZZ_CHECK(!answered || valid, "FieldScanner answered for a line simdjson refuses");

  static sx::RecordReader od;
  const bool od_ok = od.open(line, &why) && od.get_fields(set, slow.data(), &why);
  FUZZ_CHECK(!answered || od_ok, "FieldScanner answered for a line On-Demand refuses");
  if (answered) {
    for (std::size_t i = 0; i < k; ++i) {
      FUZZ_CHECK(same(fast[i], dom.get(set.paths()[i]), false), "FieldScanner and DOM differ");
      FUZZ_CHECK(same(fast[i], slow[i], true), "FieldScanner and On-Demand differ");
    }
  }
  // The path the tools take: the fast path, else simdjson. A reader per
  // input: its scanner's shape must not carry over from one input to the next.
  const bool read_ok = reader.read_fields(line, set, read.data(), &why);
  FUZZ_CHECK(read_ok == od_ok, "read_fields and open+get_fields give different verdicts");
  if (read_ok) {
    for (std::size_t i = 0; i < k; ++i) {
      FUZZ_CHECK(same(read[i], slow[i], true), "read_fields and get_fields differ");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Sets sets;
  if (size < 2) return 0;
  const FieldSet& set = *sets.all[data[0] % 6];
  static const char kPads[] = " \"}0,]\\";
  const char pad = kPads[data[1] % (sizeof kPads - 1)];
  std::string_view rest(reinterpret_cast<const char*>(data) + 2, size - 2);
  sx::FieldScanner scanner(set);
  sx::RecordReader reader;
  while (true) {
    const std::size_t nl = rest.find('\n');
    check_line(scanner, reader, set, rest.substr(0, nl), pad);
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
  return 0;
}
