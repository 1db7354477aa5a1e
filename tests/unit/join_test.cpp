// sx-join: the CSV parser, key equality, the static table and the operator.
#include "ops/join.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "base/error.h"
#include "io/csv_reader.h"
#include "io/json.h"
#include "io/output.h"
#include "stream/bad_input.h"
#include "stream/control_record.h"
#include "test_files.h"

namespace {

using sx::CsvParser;

std::vector<std::string> texts(const CsvParser& p) {
  std::vector<std::string> v;
  for (const auto& f : p.fields()) v.emplace_back(f.text);
  return v;
}

// A file in a fresh temp directory, named `name`, holding `content`.
struct TempFile {
  std::string dir, path;
  TempFile(const std::string& name, const std::string& content) {
    char tmpl[] = "/tmp/sx_join_XXXXXX";
    dir = ::mkdtemp(tmpl);
    path = dir + "/" + name;
    write(content);
  }
  void write(const std::string& content) const {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    std::fwrite(content.data(), 1, content.size(), f);
    std::fclose(f);
  }
  // Replaces the file by rename, as a writer should (a new inode).
  void replace(const std::string& content) const {
    const std::string tmp = dir + "/.new";
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    std::fwrite(content.data(), 1, content.size(), f);
    std::fclose(f);
    std::rename(tmp.c_str(), path.c_str());
  }
  ~TempFile() {
    std::remove(path.c_str());
    std::remove((dir + "/.new").c_str());
    ::rmdir(dir.c_str());
  }
};

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

// Runs an operator over `lines` (control records recognised by prefix) and
// returns what it wrote.
std::string run_join(const sx::JoinOptions& opt, const std::vector<std::string>& lines,
                     const std::function<void(std::size_t)>& before = nullptr) {
  char path[] = "/tmp/sx_join_out_XXXXXX";
  const int fd = ::mkstemp(path);
  {
    sx::Output out(fd, "test");
    sx::BadInputPolicy bad("fail");
    sx::JoinOperator op(opt, out, bad);
    sx_test::feed(op, lines, before);
    op.on_end();
    out.flush();
  }
  std::string s;
  std::FILE* f = std::fopen(path, "rb");
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
  std::fclose(f);
  ::close(fd);
  ::unlink(path);
  return s;
}

sx::JoinOptions options(const TempFile& f, const std::string& on,
                        sx::JoinHow how = sx::JoinHow::kInner) {
  sx::JoinOptions o;
  o.table.path = f.path;
  o.on.push_back(sx::parse_join_key(on));
  o.how = how;
  return o;
}

}  // namespace

// ---- CSV ----

TEST_CASE("join CSV parser: plain, quoted, escaped and empty fields") {
  CsvParser p;
  std::string why;
  REQUIRE(p.feed("a,b,c", &why) == CsvParser::Result::kRecord);
  CHECK(texts(p) == std::vector<std::string>{"a", "b", "c"});
  REQUIRE(p.feed(R"("x, y","say ""hi""",z)", &why) == CsvParser::Result::kRecord);
  CHECK(texts(p) == std::vector<std::string>{"x, y", "say \"hi\"", "z"});
  REQUIRE(p.feed(R"(,"",)", &why) == CsvParser::Result::kRecord);
  REQUIRE(p.fields().size() == 3);
  CHECK(p.fields()[0].text.empty());
  CHECK_FALSE(p.fields()[0].quoted);
  CHECK(p.fields()[1].text.empty());
  CHECK(p.fields()[1].quoted);
  CHECK_FALSE(p.fields()[2].quoted);
  // A lone empty line is one empty field; a quote inside an unquoted field is literal.
  REQUIRE(p.feed("", &why) == CsvParser::Result::kRecord);
  CHECK(p.fields().size() == 1);
  REQUIRE(p.feed(R"(5'10",x)", &why) == CsvParser::Result::kRecord);
  CHECK(texts(p) == std::vector<std::string>{"5'10\"", "x"});
  // """" is one quote.
  REQUIRE(p.feed(R"("""")", &why) == CsvParser::Result::kRecord);
  CHECK(texts(p) == std::vector<std::string>{"\""});
}

TEST_CASE("join CSV parser: a quoted field spans lines") {
  CsvParser p;
  std::string why;
  CHECK_FALSE(p.in_record());
  REQUIRE(p.feed(R"(1,"first)", &why) == CsvParser::Result::kMore);
  CHECK(p.in_record());
  REQUIRE(p.feed("", &why) == CsvParser::Result::kMore);
  REQUIRE(p.feed(R"(third",x)", &why) == CsvParser::Result::kRecord);
  CHECK_FALSE(p.in_record());
  CHECK(texts(p) == std::vector<std::string>{"1", "first\n\nthird", "x"});
  // The next record starts afresh.
  REQUIRE(p.feed("2,b", &why) == CsvParser::Result::kRecord);
  CHECK(texts(p) == std::vector<std::string>{"2", "b"});
}

TEST_CASE("join CSV parser: text after a closing quote is an error") {
  CsvParser p;
  std::string why;
  CHECK(p.feed(R"(a,"b"c,d)", &why) == CsvParser::Result::kError);
  CHECK(why.find("field 2") != std::string::npos);
  CHECK_FALSE(p.in_record());
  REQUIRE(p.feed("e", &why) == CsvParser::Result::kRecord);
  CHECK(texts(p) == std::vector<std::string>{"e"});
}

// ---- keys and flags ----

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
  v.d = 1e20;  // whole, but beyond int64: its exact digits (issue 11 items 6, 26)
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

TEST_CASE("join flags: --on, --how, formats and prefixes") {
  auto k = sx::parse_join_key("user_id");
  CHECK(k.stream == "user_id");
  CHECK(k.table == "user_id");
  k = sx::parse_join_key("user.id=id");
  CHECK(k.stream == "user.id");
  CHECK(k.table == "id");
  CHECK_THROWS_AS(sx::parse_join_key("=id"), sx::Error);
  CHECK_THROWS_AS(sx::parse_join_key("id="), sx::Error);
  CHECK_THROWS_AS(sx::parse_join_key("a..b=c"), sx::Error);

  CHECK(sx::parse_join_how("inner") == sx::JoinHow::kInner);
  CHECK(sx::parse_join_how("left_outer") == sx::JoinHow::kLeft);
  CHECK(sx::parse_join_how("left_semi") == sx::JoinHow::kSemi);
  CHECK(sx::parse_join_how("anti") == sx::JoinHow::kAnti);
  try {
    sx::parse_join_how("right");
    FAIL("right join accepted");
  } catch (const sx::Error& e) {
    CHECK(e.kind() == sx::Error::Kind::kUsage);
    CHECK(std::string(e.what()).find("use inner, left, semi or anti") != std::string::npos);
  }

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

// ---- the static table ----

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

// ---- the operator ----

TEST_CASE("join operator: inner, left, semi and anti (the seed's fruit example)") {
  TempFile f("categories.csv", "id,category\n1,fruit\n2,fruit\n4,vegetable\n");
  const std::vector<std::string> in = {R"({"id":"1","value":"apple"})",
                                       R"({"id":"2","value":"banana"})",
                                       R"({"id":"3","value":"carrot"})"};
  CHECK(run_join(options(f, "id"), in) ==
        "{\"id\":\"1\",\"value\":\"apple\",\"category\":\"fruit\"}\n"
        "{\"id\":\"2\",\"value\":\"banana\",\"category\":\"fruit\"}\n");
  CHECK(run_join(options(f, "id", sx::JoinHow::kLeft), in) ==
        "{\"id\":\"1\",\"value\":\"apple\",\"category\":\"fruit\"}\n"
        "{\"id\":\"2\",\"value\":\"banana\",\"category\":\"fruit\"}\n"
        "{\"id\":\"3\",\"value\":\"carrot\",\"category\":null}\n");
  CHECK(run_join(options(f, "id", sx::JoinHow::kSemi), in) == in[0] + "\n" + in[1] + "\n");
  CHECK(run_join(options(f, "id", sx::JoinHow::kAnti), in) == in[2] + "\n");
}

TEST_CASE("join operator: 1, 1.0, \"1\" and true match; null and missing keys never do") {
  TempFile f("t.csv", "k,v\n1,one\ntrue,yes\n,nothing\n");
  const std::vector<std::string> in = {R"({"k":1})",    R"({"k":1.0})",  R"({"k":"1"})",
                                       R"({"k":1e0})",  R"({"k":true})", R"({"k":"01"})",
                                       R"({"k":null})", R"({"x":1})",    R"({"k":""})"};
  CHECK(run_join(options(f, "k", sx::JoinHow::kLeft), in) ==
        "{\"k\":1,\"v\":\"one\"}\n"
        "{\"k\":1.0,\"v\":\"one\"}\n"
        "{\"k\":\"1\",\"v\":\"one\"}\n"
        "{\"k\":1e0,\"v\":\"one\"}\n"
        "{\"k\":true,\"v\":\"yes\"}\n"
        "{\"k\":\"01\",\"v\":null}\n"
        "{\"k\":null,\"v\":null}\n"
        "{\"x\":1,\"v\":null}\n"
        "{\"k\":\"\",\"v\":null}\n");
  CHECK(run_join(options(f, "k", sx::JoinHow::kAnti), in) ==
        "{\"k\":\"01\"}\n{\"k\":null}\n{\"x\":1}\n{\"k\":\"\"}\n");
}

TEST_CASE("join operator: clashing names get the prefix, per record") {
  TempFile f("users.csv", "id,name,tier\n1,Alice,gold\n");
  const std::vector<std::string> in = {R"({"id":1,"name":"a1"})", R"({"id":1})",
                                       R"({"name":"x","id":1,"tier":null})"};
  CHECK(
      run_join(options(f, "id"), in) ==
      "{\"id\":1,\"name\":\"a1\",\"users_name\":\"Alice\",\"tier\":\"gold\"}\n"
      "{\"id\":1,\"name\":\"Alice\",\"tier\":\"gold\"}\n"
      "{\"name\":\"x\",\"id\":1,\"tier\":null,\"users_name\":\"Alice\",\"users_tier\":\"gold\"}\n");
  auto o = options(f, "id", sx::JoinHow::kLeft);
  o.prefix = "u_";
  CHECK(run_join(o, {R"({"id":2,"tier":0})"}) ==
        "{\"id\":2,\"tier\":0,\"name\":null,\"u_tier\":null}\n");
}

// Spark's df.join(static, df.a == static.b) keeps both columns (issue 11 item 19).
TEST_CASE("join operator: --on a=b keeps b; dotted stream keys; spaces and {}") {
  TempFile f("t.ndjson", "{\"uid\":7,\"name\":\"Gus\"}\n");
  auto o = options(f, "user.id=uid", sx::JoinHow::kLeft);
  CHECK(run_join(o, {R"({"user":{"id":7},"n":1})", R"(  { "user" : { "id" : "7" } }  )", "{}",
                     " { } "}) ==
        "{\"user\":{\"id\":7},\"n\":1,\"uid\":7,\"name\":\"Gus\"}\n"
        "  { \"user\" : { \"id\" : \"7\" } ,\"uid\":7,\"name\":\"Gus\"}\n"
        "{\"uid\":null,\"name\":null}\n"
        " { \"uid\":null,\"name\":null}\n");
}

TEST_CASE("join operator: several static rows give several records in file order") {
  TempFile f("t.csv", "k,v\na,1\nb,2\na,3\n");
  CHECK(run_join(options(f, "k"), {R"({"k":"a"})", R"({"k":"b"})"}) ==
        "{\"k\":\"a\",\"v\":\"1\"}\n{\"k\":\"a\",\"v\":\"3\"}\n{\"k\":\"b\",\"v\":\"2\"}\n");
  // semi writes a record once, however many rows match.
  CHECK(run_join(options(f, "k", sx::JoinHow::kSemi), {R"({"k":"a"})"}) == "{\"k\":\"a\"}\n");
}

TEST_CASE("join operator: control records pass through in order") {
  TempFile f("t.csv", "k,v\na,1\n");
  const std::vector<std::string> in = {
      R"({"@sx":"stream","v":1,"source":"sx-read","time_field":"t","time_format":"auto","time_zone":"UTC"})",
      R"({"k":"a","t":1})",
      R"({"@sx":"epoch","id":0})",
      R"({"@sx":"watermark","t":"2023-07-30T10:00:00Z"})",
      R"({"@sx":"custom","x":[1]})",
      R"({"k":"b","t":2})",
      R"({"@sx":"epoch","id":1})"};
  CHECK(run_join(options(f, "k"), in) == in[0] + "\n" + R"({"k":"a","t":1,"v":"1"})" + "\n" +
                                             in[2] + "\n" + in[3] + "\n" + in[4] + "\n" + in[6] +
                                             "\n");
}

TEST_CASE("join operator: a header that lists columns is announced with the joined columns") {
  TempFile f("users.csv", "user_id,count,tier\n1,9,gold\n");
  const std::string header =
      R"({"@sx":"stream","v":1,"source":"sx-window","time_field":"window_end","time_format":"iso8601","time_zone":"UTC","time_shift_us":-1,"columns":["window_end","user_id","count"]})";
  const std::string out =
      run_join(options(f, "user_id"), {header, R"({"window_end":"x","user_id":1,"count":2})"});
  CHECK(
      out ==
      R"({"@sx":"stream","v":1,"source":"sx-join","time_field":"window_end","time_format":"iso8601","time_zone":"UTC","time_shift_us":-1,"columns":["window_end","user_id","count","users_count","tier"]})"
      "\n"
      R"({"window_end":"x","user_id":1,"count":2,"users_count":"9","tier":"gold"})"
      "\n");
  // semi and anti do not change the records, nor the header.
  CHECK(run_join(options(f, "user_id", sx::JoinHow::kSemi), {header}) == header + "\n");
}

TEST_CASE("join operator: --reload swaps the table at an epoch, atomically") {
  TempFile f("t.csv", "k,v\na,1\n");
  auto o = options(f, "k", sx::JoinHow::kLeft);
  o.reload = true;
  const std::vector<std::string> in = {
      R"({"k":"a"})",               // 0: old table
      R"({"@sx":"epoch","id":0})",  // 1: replaced before: reloads after forwarding
      R"({"k":"a"})",               // 2: new table
      R"({"@sx":"epoch","id":1})",  // 3: replaced by a broken file before: kept
      R"({"k":"a"})",               // 4: still the table of epoch 0
      R"({"@sx":"epoch","id":2})",  // 5: unchanged broken file: not read again
      R"({"k":"a"})",               // 6
      R"({"@sx":"epoch","id":3})",  // 7: fixed: reloads, with a new column
      R"({"k":"a"})"};              // 8
  const std::string out = run_join(o, in, [&](std::size_t i) {
    if (i == 1) f.replace("k,v\na,2\n");
    if (i == 3) f.replace("k,v\na,3\nb,\"half");
    if (i == 7) f.replace("k,w,v\na,x,4\n");
  });
  CHECK(out ==
        "{\"k\":\"a\",\"v\":\"1\"}\n"
        "{\"@sx\":\"epoch\",\"id\":0}\n"
        "{\"k\":\"a\",\"v\":\"2\"}\n"
        "{\"@sx\":\"epoch\",\"id\":1}\n"
        "{\"k\":\"a\",\"v\":\"2\"}\n"
        "{\"@sx\":\"epoch\",\"id\":2}\n"
        "{\"k\":\"a\",\"v\":\"2\"}\n"
        "{\"@sx\":\"epoch\",\"id\":3}\n"
        "{\"k\":\"a\",\"w\":\"x\",\"v\":\"4\"}\n");
}

TEST_CASE("join operator: records that are not objects go to the bad-input policy") {
  TempFile f("t.csv", "k,v\na,1\n");
  try {
    run_join(options(f, "k"), {R"({"k":"a"})", "[1,2]"});
    FAIL("accepted an array");
  } catch (const sx::Error& e) {
    CHECK(std::string(e.what()).starts_with("stream:2: not a JSON object"));
  }
}

TEST_CASE("join operator: options that do not go together") {
  TempFile f("t.csv", "k,v\na,1\n");
  auto o = options(f, "k", sx::JoinHow::kSemi);
  o.table.select = std::vector<std::string>{"v"};
  CHECK_THROWS_AS(run_join(o, {}), sx::Error);
  o = options(f, "k");
  o.prefix = "";
  CHECK_THROWS_AS(run_join(o, {}), sx::Error);
  o = options(f, "k");
  o.table.select = std::vector<std::string>{"v", "v"};
  CHECK_THROWS_AS(run_join(o, {}), sx::Error);
}
