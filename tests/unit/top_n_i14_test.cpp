#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "base/error.h"
#include "ops/top_n.h"
#include "state/group_key.h"

namespace {

using V = std::vector<std::string>;

// A group key of one string part, as sx-window builds it for --by.
std::string key_of(const std::string& text) {
  sx::JsonValue v;
  v.type = sx::JsonType::kString;
  v.text = text;
  std::string key, scratch;
  sx::group_key::append_key_part(key, v, scratch);
  return key;
}

// Offers rows {"k":K,...} of one window and returns the rows written.
V top(std::uint64_t n, const std::string& order_by, const std::vector<std::string>& columns,
      const std::vector<std::pair<std::string, std::string>>& rows) {
  V written;
  sx::TopN t(n, order_by, columns, [&](std::string_view r) { written.emplace_back(r); });
  for (const auto& [k, row] : rows) t.offer(0, 0, row, key_of(k));
  t.flush();
  return written;
}

const std::vector<std::string> kCols{"k", "n", "x"};

}  // namespace

TEST_CASE("issue 14: --order-by parses directions and null placement as Spark") {
  const auto terms = sx::parse_order_by("n DESC, x, k asc nulls last, abs(x) desc Nulls First");
  REQUIRE(terms.size() == 4);
  CHECK(terms[0].expr.text() == "n");
  CHECK((terms[0].desc && !terms[0].nulls_first));  // DESC: nulls last
  CHECK((!terms[1].desc && terms[1].nulls_first));  // ASC: nulls first
  CHECK((!terms[2].desc && !terms[2].nulls_first));
  CHECK(terms[3].expr.text() == "abs(x)");
  CHECK((terms[3].desc && terms[3].nulls_first));
  CHECK_THROWS_AS(sx::parse_order_by("n DESC,"), sx::Error);
  CHECK_THROWS_AS(sx::parse_order_by("DESC"), sx::Error);
  CHECK_THROWS_AS(sx::parse_order_by("n FIRST"), sx::Error);
  CHECK_THROWS_AS(sx::parse_order_by("n AS m"), sx::Error);
  CHECK_THROWS_AS(sx::parse_order_by("n +"), sx::Error);
}

TEST_CASE("issue 14: top-N keeps the N first rows in rank order") {
  const std::vector<std::pair<std::string, std::string>> rows{{"a", R"({"k":"a","n":3,"x":1.5})"},
                                                              {"b", R"({"k":"b","n":9,"x":-2})"},
                                                              {"c", R"({"k":"c","n":1,"x":7})"},
                                                              {"d", R"({"k":"d","n":5,"x":0})"},
                                                              {"e", R"({"k":"e","n":7,"x":2})"}};
  CHECK(top(2, "n DESC", kCols, rows) == V{rows[1].second, rows[4].second});
  CHECK(top(3, "n", kCols, rows) == V{rows[2].second, rows[0].second, rows[3].second});
  CHECK(top(1, "x", kCols, rows) == V{rows[1].second});
  CHECK(top(2, "x > 0 DESC, n DESC", kCols, rows) == V{rows[4].second, rows[0].second});
  // N larger than the groups: all of them, ranked.
  CHECK(top(100, "x DESC", kCols, rows) ==
        V{rows[2].second, rows[4].second, rows[0].second, rows[3].second, rows[1].second});
}

TEST_CASE("issue 14: top-N puts nulls first for ASC and last for DESC unless told") {
  const std::vector<std::pair<std::string, std::string>> rows{
      {"a", R"({"k":"a","n":2})"}, {"b", R"({"k":"b","n":null})"}, {"c", R"({"k":"c","n":1})"}};
  CHECK(top(3, "n", kCols, rows) == V{rows[1].second, rows[2].second, rows[0].second});
  CHECK(top(3, "n DESC", kCols, rows) == V{rows[0].second, rows[2].second, rows[1].second});
  CHECK(top(3, "n NULLS LAST", kCols, rows) == V{rows[2].second, rows[0].second, rows[1].second});
  CHECK(top(1, "n DESC NULLS FIRST", kCols, rows) == V{rows[1].second});
  // A missing field is null too.
  CHECK(top(1, "x", kCols, rows) == V{rows[0].second});
}

TEST_CASE("issue 14: top-N breaks ties by the group key, whatever the input order") {
  const std::vector<std::pair<std::string, std::string>> rows{{"c", R"({"k":"c","n":1})"},
                                                              {"a", R"({"k":"a","n":1})"},
                                                              {"b", R"({"k":"b","n":1})"},
                                                              {"d", R"({"k":"d","n":0})"}};
  CHECK(top(2, "n DESC", kCols, rows) == V{rows[1].second, rows[2].second});
  std::vector<std::pair<std::string, std::string>> reversed(rows.rbegin(), rows.rend());
  CHECK(top(2, "n DESC", kCols, reversed) == V{rows[1].second, rows[2].second});
  CHECK(top(4, "1", kCols, rows) ==
        V{rows[1].second, rows[2].second, rows[0].second, rows[3].second});
}

TEST_CASE("issue 14: top-N compares numbers across int and double, NaN above all") {
  const std::vector<std::pair<std::string, std::string>> rows{
      {"a", R"({"k":"a","x":2})"}, {"b", R"({"k":"b","x":1.5})"}, {"c", R"({"k":"c","x":10})"}};
  CHECK(top(3, "x", kCols, rows) == V{rows[1].second, rows[0].second, rows[2].second});
  const std::vector<std::pair<std::string, std::string>> nan{{"a", R"({"k":"a","x":1})"},
                                                             {"b", R"({"k":"b","x":"NaN"})"}};
  CHECK(top(1, "CAST(x AS DOUBLE) DESC", kCols, nan) == V{nan[1].second});
}

TEST_CASE("issue 14: top-N ranks each window apart") {
  V written;
  sx::TopN t(1, "n DESC", kCols, [&](std::string_view r) { written.emplace_back(r); });
  t.offer(0, 10, R"({"k":"a","n":1})", key_of("a"));
  t.offer(0, 10, R"({"k":"b","n":2})", key_of("b"));
  t.offer(10, 20, R"({"k":"a","n":5})", key_of("a"));
  t.offer(10, 20, R"({"k":"b","n":4})", key_of("b"));
  t.flush();
  t.flush();  // nothing left
  CHECK(written == V{R"({"k":"b","n":2})", R"({"k":"a","n":5})"});
}

TEST_CASE("issue 14: top-N refuses fields the rows lack, and expressions that fail") {
  CHECK_THROWS_WITH_AS(sx::TopN(1, "hits DESC", kCols, [](std::string_view) {}),
                       doctest::Contains("no field 'hits'"), sx::Error);
  // A --by key named by a dotted path cannot be named by an expression: rename it.
  CHECK_THROWS_WITH_AS(sx::TopN(1, "u.id", {"u.id", "count"}, [](std::string_view) {}),
                       doctest::Contains("--by 'u.id as id'"), sx::Error);
  sx::TopN t(1, "k + 1", kCols, [](std::string_view) {});
  // A JSON object cannot be added to: a data error naming the ordering.
  CHECK_THROWS_WITH_AS(t.offer(0, 0, R"({"k":{"a":1}})", key_of("x")),
                       doctest::Contains("--order-by 'k + 1'"), sx::Error);
}

TEST_CASE("issue 14: top-N is refused where it has no meaning") {
  sx::WindowOptions opt;
  opt.window.kind = sx::WindowKind::kTumbling;
  CHECK_NOTHROW(sx::check_top_n(opt, sx::OutputMode::kUpdate));  // no --top: nothing to check
  opt.top = 3;
  CHECK_THROWS_AS(sx::check_top_n(opt, sx::OutputMode::kAppend), sx::Error);  // no --order-by
  opt.order_by = "count DESC";
  CHECK_NOTHROW(sx::check_top_n(opt, sx::OutputMode::kAppend));
  CHECK_NOTHROW(sx::check_top_n(opt, sx::OutputMode::kComplete));
  CHECK_THROWS_WITH_AS(sx::check_top_n(opt, sx::OutputMode::kUpdate),
                       doctest::Contains("--mode append"), sx::Error);
  opt.window.kind = sx::WindowKind::kSession;
  CHECK_THROWS_AS(sx::check_top_n(opt, sx::OutputMode::kAppend), sx::Error);
  opt.window.kind = sx::WindowKind::kNone;
  CHECK_NOTHROW(sx::check_top_n(opt, sx::OutputMode::kComplete));
  CHECK_THROWS_WITH_AS(sx::check_top_n(opt, sx::OutputMode::kUpdate),
                       doctest::Contains("--mode complete"), sx::Error);
  opt.top = 0;
  CHECK_THROWS_AS(sx::check_top_n(opt, sx::OutputMode::kComplete), sx::Error);  // no --top
}
