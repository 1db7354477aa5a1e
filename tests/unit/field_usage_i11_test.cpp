// issue 11 item 4: fields named by flags that no record had.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "io/json.h"
#include "stream/field_usage.h"

namespace {

// Reads `lines` as a stage does and checks the fields of `paths`.
std::vector<std::string> unseen_after(const std::vector<std::string>& paths,
                                      const std::vector<std::string>& lines) {
  sx::FieldUsage usage;
  std::vector<sx::FieldPath> fps;
  for (const auto& p : paths) {
    fps.push_back(sx::FieldPath::parse(p));
    usage.add("--by", fps.back());
  }
  sx::FieldSet set(fps);
  sx::RecordReader reader;
  std::vector<sx::JsonValue> values(paths.size());
  for (const auto& l : lines) {
    sx::PaddedLine line(l);
    std::string why;
    REQUIRE(reader.read_fields(line.view(), set, values.data(), &why));
    if (usage.pending()) usage.check_all(values.data(), reader);
  }
  return usage.unseen();
}

}  // namespace

TEST_CASE("issue 11 item 04: FieldUsage reports fields no record had, with a did-you-mean") {
  CHECK(unseen_after({"user_idd"}, {R"({"user_id":1})"}) ==
        std::vector<std::string>{
            "--by: no record had the field \"user_idd\" (did you mean \"user_id\"?)"});
  // Seen in a later record, or null: not reported.
  CHECK(unseen_after({"a"}, {R"({"b":1})", R"({"b":2})", R"({"a":null})"}).empty());
  // No record at all: nothing to say.
  CHECK(unseen_after({"a"}, {}).empty());
  // A nested path with a misspelled first key; a dotted name for a flat key.
  CHECK(unseen_after({"devv.os"}, {R"({"dev":{"os":"ios"}})"}) ==
        std::vector<std::string>{
            "--by: no record had the field \"devv.os\" (did you mean \"dev.os\"?)"});
  CHECK(unseen_after({"dev.oss"}, {R"({"dev":{"os":"ios"}})"}) ==
        std::vector<std::string>{"--by: no record had the field \"dev.oss\""});
  // Nothing near: the keys the records have.
  CHECK(unseen_after({"zzz"}, {R"({"a":1,"b":2})"}) ==
        std::vector<std::string>{"--by: no record had the field \"zzz\" (records have a, b)"});
  // Short names get one edit: "id" is not "x".
  CHECK(unseen_after({"ix"}, {R"({"id":1})"}) ==
        std::vector<std::string>{"--by: no record had the field \"ix\" (did you mean \"id\"?)"});
  CHECK(unseen_after({"xy"}, {R"({"id":1})"}) ==
        std::vector<std::string>{"--by: no record had the field \"xy\" (records have id)"});
}
