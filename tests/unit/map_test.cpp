#include "ops/map.h"

#include <doctest/doctest.h>

using sx::split_top_level;
using V = std::vector<std::string>;

TEST_CASE("issue 14: sx-map --select splits its list at top-level commas only") {
  CHECK(split_top_level("a") == V{"a"});
  CHECK(split_top_level(" a , b ") == V{"a", "b"});
  CHECK(split_top_level("a, f(b, c) AS x, d") == V{"a", "f(b, c) AS x", "d"});
  CHECK(split_top_level("concat_ws(',', a, b), c") == V{"concat_ws(',', a, b)", "c"});
  CHECK(split_top_level(R"(x = "a,b", `c,d`)") == V{R"(x = "a,b")", "`c,d`"});
  CHECK(split_top_level(R"('it''s, fine', a[0])") == V{"'it''s, fine'", "a[0]"});
  CHECK(split_top_level(R"('a\', b', c)") == V{R"('a\', b')", "c"});
  CHECK(split_top_level("a,,b") == V{"a", "", "b"});
  CHECK(split_top_level("") == V{""});
}
