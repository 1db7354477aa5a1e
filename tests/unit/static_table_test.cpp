// The static side of sx-join: key text, file formats and names, loading,
// the index, and --reload's check.
#include "state/static_table.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "base/error.h"
#include "io/json.h"
#include "test_files.h"

namespace {

// A file in a fresh temp directory, named `name`, holding `content`.
using sx_test::TempFile;

sx::StaticSpec spec_for(const TempFile& f, std::vector<std::string> keys) {
  sx::StaticSpec s;
  s.path = f.path;
  s.keys = std::move(keys);
  return s;
}

std::string key_of(std::initializer_list<std::string_view> parts) {
  std::string k;
  for (auto p : parts) sx::append_key_part(k, p);
  return k;
}

// The fragments of the rows with key `parts`, in order, joined by '|'.
std::string lookup(const sx::StaticTable& t, std::initializer_list<std::string_view> parts) {
  std::string s;
  for (auto r = t.find(key_of(parts)); r != sx::StaticTable::kNoRow; r = t.next(r)) {
    if (!s.empty()) s += '|';
    s += t.fragment(r);
  }
  return s;
}

std::string load_error(const sx::StaticSpec& spec, sx::Error::Kind* kind = nullptr) {
  try {
    sx::StaticTable::load(spec);
  } catch (const sx::Error& e) {
    if (kind) *kind = e.kind();
    return e.what();
  }
  return "";
}

}  // namespace

// ---- keys ----

TEST_CASE("join keys: canonical text") {
  std::string s;
  sx::JsonValue v;
  CHECK_FALSE(sx::join_key_text(v, &s));  // missing
  v.type = sx::JsonType::kNull;
  CHECK_FALSE(sx::join_key_text(v, &s));
  v.type = sx::JsonType::kString;
  v.text = "1";
  REQUIRE(sx::join_key_text(v, &s));
  CHECK(s == "1");
  v.type = sx::JsonType::kInt;
  v.i = -42;
  REQUIRE(sx::join_key_text(v, &s));
  CHECK(s == "-42");
  v.type = sx::JsonType::kUint;
  v.u = 18446744073709551615ULL;
  REQUIRE(sx::join_key_text(v, &s));
  CHECK(s == "18446744073709551615");
  v.type = sx::JsonType::kDouble;
  v.d = 1.0;
  REQUIRE(sx::join_key_text(v, &s));
  CHECK(s == "1");
  v.d = -0.0;
  REQUIRE(sx::join_key_text(v, &s));
  CHECK(s == "0");
  v.d = 2.5;
  REQUIRE(sx::join_key_text(v, &s));
  CHECK(s == "2.5");
  v.d = 0.1;
  REQUIRE(sx::join_key_text(v, &s));
  CHECK(s == "0.1");
  v.d = 1e20;  // whole, but beyond int64: its exact digits
  REQUIRE(sx::join_key_text(v, &s));
  CHECK(s == "100000000000000000000");
  v.type = sx::JsonType::kBool;
  v.boolean = true;
  REQUIRE(sx::join_key_text(v, &s));
  CHECK(s == "true");
  v.type = sx::JsonType::kObject;
  v.text = R"({"a":1})";
  REQUIRE(sx::join_key_text(v, &s));
  CHECK(s == R"({"a":1})");
}

TEST_CASE("join keys: composite keys cannot run together") {
  CHECK(key_of({"ab", "c"}) != key_of({"a", "bc"}));
  CHECK(key_of({"", "x"}) != key_of({"x", ""}));
}

// ---- file formats and names ----

TEST_CASE("join static table: the format and base name from the file name") {
  CHECK(sx::static_format_from_name("users.csv") == sx::StaticFormat::kCsv);
  CHECK(sx::static_format_from_name("dir.ndjson/users.CSV.zst") == sx::StaticFormat::kCsv);
  CHECK(sx::static_format_from_name("users.jsonl") == sx::StaticFormat::kNdjson);
  CHECK(sx::static_format_from_name("users.json.zst") == sx::StaticFormat::kNdjson);
  CHECK(sx::static_format_from_name("users.txt") == sx::StaticFormat::kAuto);
  CHECK(sx::static_format_from_name("/dev/fd/63") == sx::StaticFormat::kAuto);
  CHECK(sx::parse_static_format("ndjson") == sx::StaticFormat::kNdjson);
  CHECK_THROWS_AS(sx::parse_static_format("tsv"), sx::Error);

  CHECK(sx::static_base_name("data/users.csv.zst") == "users");
  CHECK(sx::static_base_name("users.csv") == "users");
  CHECK(sx::static_base_name("dim.users.csv") == "dim.users");
  CHECK(sx::static_base_name("users") == "users");
  CHECK(sx::static_base_name(".csv") == ".csv");
}

// ---- the table ----

TEST_CASE("join static table: CSV columns, values and the index") {
  TempFile f("users.csv",
             "user_id,name,tier\n"
             "1,Alice,gold\n"
             "2,\"Bob \"\"B\"\"\",\n"
             "1,Alice2,\"\"\n"
             ",Nobody,x\n"
             "\"\",Empty,x\n"
             "\n"
             "3,\"multi\nline\",bronze\r\n");
  auto t = sx::StaticTable::load(spec_for(f, {"user_id"}));
  CHECK(t->columns() == std::vector<std::string>{"name", "tier"});
  CHECK(t->rows() == 6);
  CHECK(t->keys() == 3);  // 1, 2, 3: null and empty keys are not indexed
  CHECK(lookup(*t, {"1"}) == R"(,"name":"Alice","tier":"gold"|,"name":"Alice2","tier":"")");
  CHECK(lookup(*t, {"2"}) == R"(,"name":"Bob \"B\"","tier":null)");
  CHECK(lookup(*t, {"3"}) == R"(,"name":"multi\nline","tier":"bronze")");
  CHECK(lookup(*t, {""}).empty());
  CHECK(lookup(*t, {"4"}).empty());
  const auto r = t->find(key_of({"2"}));
  CHECK(t->value(r, 0) == R"("Bob \"B\"")");
  CHECK(t->value(r, 1) == "null");
}

TEST_CASE("join static table: --select, composite keys, a byte order mark") {
  TempFile f("t.csv",
             "\xEF\xBB\xBF"
             "a,b,c,d\n1,x,2,p\n1,y,2,q\n1,x,3,r\n");
  auto spec = spec_for(f, {"a", "c"});
  spec.select = std::vector<std::string>{"d", "a"};
  auto t = sx::StaticTable::load(spec);
  CHECK(t->columns() == std::vector<std::string>{"d", "a"});
  CHECK(lookup(*t, {"1", "2"}) == R"(,"d":"p","a":"1"|,"d":"q","a":"1")");
  CHECK(lookup(*t, {"1", "3"}) == R"(,"d":"r","a":"1")");
  spec.select = std::vector<std::string>{};
  t = sx::StaticTable::load(spec);
  CHECK(t->columns().empty());
  CHECK(t->find(key_of({"1", "3"})) == 2);
  CHECK(t->fragment(2).empty());
}

TEST_CASE("join static table: NDJSON columns are the union of keys") {
  TempFile f("t.ndjson",
             "{\"@sx\":\"stream\",\"v\":1}\n"
             "{\"id\":1,\"name\":\"a\"}\n"
             "\n"
             "{\"id\":2.0,\"tags\":[1, 2],\"name\":\"b\\u0021\"}\n"
             "{\"name\":\"no key\",\"geo\":{\"x\":1}}\n"
             "{\"id\":\"3\",\"name\":null}\n");
  auto t = sx::StaticTable::load(spec_for(f, {"id"}));
  CHECK(t->columns() == std::vector<std::string>{"name", "tags", "geo"});
  CHECK(t->rows() == 4);
  CHECK(lookup(*t, {"1"}) == R"(,"name":"a","tags":null,"geo":null)");
  CHECK(lookup(*t, {"2"}) == R"(,"name":"b!","tags":[1, 2],"geo":null)");
  CHECK(lookup(*t, {"3"}) == R"(,"name":null,"tags":null,"geo":null)");
  CHECK(t->fragment(2) == R"(,"name":"no key","tags":null,"geo":{"x":1})");
  CHECK(t->value(t->find(key_of({"2"})), 1) == "[1, 2]");
}

TEST_CASE("join static table: the format is sniffed when the name does not tell") {
  TempFile nd("table.txt", "  {\"k\":\"a\",\"v\":1}\n");
  auto t = sx::StaticTable::load(spec_for(nd, {"k"}));
  CHECK(lookup(*t, {"a"}) == R"(,"v":1)");
  TempFile csv("table.txt", "\n\nk,v\na,1\n");
  t = sx::StaticTable::load(spec_for(csv, {"k"}));
  CHECK(lookup(*t, {"a"}) == R"(,"v":"1")");
  // --static-format wins over the name.
  TempFile forced("table.csv", "{\"k\":\"a\"}\n");
  auto spec = spec_for(forced, {"k"});
  spec.format = sx::StaticFormat::kNdjson;
  CHECK(sx::StaticTable::load(spec)->rows() == 1);
}

TEST_CASE("join static table: malformed files name the file and line") {
  sx::Error::Kind kind{};
  TempFile a("a.csv", "id,x\n1,2\n3\n");
  CHECK(load_error(spec_for(a, {"id"}), &kind) == a.path + ":3: 1 field, but the header has 2");
  CHECK(kind == sx::Error::Kind::kData);
  TempFile b("b.csv", "id,x\n1,\"open\n2,3\n");
  CHECK(load_error(spec_for(b, {"id"})).starts_with(b.path + ":2: unterminated quoted field"));
  TempFile c("c.csv", "id,x\n1,\"a\"b\n");
  CHECK(load_error(spec_for(c, {"id"}))
            .starts_with(c.path + ":2: field 2: text after a closing quote"));
  TempFile d("d.csv", "id,x,id\n");
  CHECK(load_error(spec_for(d, {"id"})) == d.path + ":1: the header names column \"id\" twice");
  TempFile e("e.csv", "id,,x\n");
  CHECK(load_error(spec_for(e, {"id"})) == e.path + ":1: column 2 of the header has no name");
  TempFile g("g.csv", "");
  CHECK(load_error(spec_for(g, {"id"})) == g.path + ": empty CSV file (expected a header line)");
  TempFile h("h.csv", "id,x\n1,\xff\n");
  CHECK(load_error(spec_for(h, {"id"})) == h.path + ":2: invalid UTF-8");
  TempFile i("i.ndjson", "{\"id\":1}\n[1]\n");
  CHECK(load_error(spec_for(i, {"id"}), &kind).starts_with(i.path + ":2: not a JSON object"));
  CHECK(kind == sx::Error::Kind::kData);
  TempFile j("j.ndjson", "{\"id\":1}\n{\"id\":\n");
  CHECK(load_error(spec_for(j, {"id"})).starts_with(j.path + ":2: malformed JSON"));
  TempFile k("k.csv", "id,x\n1,0123456789\n");
  auto spec = spec_for(k, {"id"});
  spec.max_line_bytes = 8;
  CHECK(load_error(spec) == k.path +
                                ":2: line longer than --max-line-bytes (8 bytes); raise it with "
                                "--max-line-bytes if such lines are expected");
}

TEST_CASE("join static table: a missing key or --select column is a usage error") {
  sx::Error::Kind kind{};
  TempFile a("users.csv", "user_id,name\n1,a\n");
  CHECK(load_error(spec_for(a, {"uid"}), &kind) ==
        "--on: " + a.path + " has no column \"uid\" (its columns: user_id, name)");
  CHECK(kind == sx::Error::Kind::kUsage);
  auto spec = spec_for(a, {"user_id"});
  spec.select = std::vector<std::string>{"tier"};
  CHECK(load_error(spec, &kind) ==
        "--select: " + a.path + " has no column \"tier\" (its columns: user_id, name)");
  CHECK(kind == sx::Error::Kind::kUsage);
  TempFile b("users.ndjson", "{\"user_id\":1}\n{\"name\":\"x\"}\n");
  CHECK(load_error(spec_for(b, {"uid"}), &kind) ==
        "--on: " + b.path + " has no column \"uid\" (its columns: user_id, name)");
  CHECK(kind == sx::Error::Kind::kUsage);
  // An empty NDJSON table has no columns to check: it loads, and matches nothing.
  TempFile c("empty.ndjson", "\n");
  CHECK(sx::StaticTable::load(spec_for(c, {"uid"}))->rows() == 0);
}

TEST_CASE("join static table: many rows and keys") {
  std::string csv = "k,v\n";
  for (int i = 0; i < 20000; ++i) csv += std::to_string(i % 5000) + "," + std::to_string(i) + "\n";
  TempFile f("many.csv", csv);
  auto t = sx::StaticTable::load(spec_for(f, {"k"}));
  CHECK(t->rows() == 20000);
  CHECK(t->keys() == 5000);
  CHECK(lookup(*t, {"4999"}) == R"(,"v":"4999"|,"v":"9999"|,"v":"14999"|,"v":"19999")");
  CHECK(lookup(*t, {"5000"}).empty());
}

// ---- --reload ----

TEST_CASE("issue 12: StaticReload loads a changed file, keeps the table for a bad or missing one") {
  TempFile f("users.csv", "id,name\n1,a\n");
  const auto spec = spec_for(f, {"id"});
  std::unique_ptr<sx::StaticTable> table = sx::StaticTable::load(spec);
  sx::StaticReload reload;
  int installs = 0;
  const auto check = [&] {
    reload.check(spec, table->identity(), [&](std::unique_ptr<sx::StaticTable> t) {
      ++installs;
      table = std::move(t);
    });
  };
  check();  // unchanged: nothing read
  CHECK(installs == 0);
  f.replace("id,name\n1,b\n");
  check();
  CHECK(installs == 1);
  CHECK(lookup(*table, {"1"}) == R"(,"name":"b")");
  f.replace("id,name\n1,\"open\n");  // does not load: the table in use stays
  check();
  check();  // the same bad version is not read again
  CHECK(installs == 1);
  CHECK(lookup(*table, {"1"}) == R"(,"name":"b")");
  std::remove(f.path.c_str());  // missing: the table in use stays
  check();
  CHECK(installs == 1);
  f.replace("id,name\n1,c\n");
  check();
  CHECK(installs == 2);
  CHECK(lookup(*table, {"1"}) == R"(,"name":"c")");
  // A table that `install` refuses (throws an Error) counts as a failed version.
  f.replace("id,name\n1,d\n");
  reload.check(spec, table->identity(),
               [](std::unique_ptr<sx::StaticTable>) { throw sx::data_error("refused"); });
  check();
  CHECK(installs == 2);
}
