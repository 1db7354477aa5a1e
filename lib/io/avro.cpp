#include "io/avro.h"

#include <avro.h>
#include <fcntl.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <mutex>
#include <unordered_map>

#include "base/error.h"
#include "base/event_time.h"
#include "io/avro_api.h"
#include "io/format_text.h"
#include "io/json.h"
#include "io/schema_registry.h"

namespace sx {

using namespace sx::dl_avro;  // io/avro_api.h: loaded when first used

// ---------------------------------------------------------------------------
// AvroJson: a small recursive-descent JSON parser (schemas, registry answers).

namespace {

constexpr int kMaxJsonDepth = 256;

struct JsonParser {
  const char* p;
  const char* e;
  std::string* why;

  bool fail(const std::string& m) {
    *why = m;
    return false;
  }
  void ws() {
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) ++p;
  }
  static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
  bool hex4(unsigned* v) {
    if (e - p < 4) return false;
    *v = 0;
    for (int i = 0; i < 4; ++i) {
      const int h = hex(p[i]);
      if (h < 0) return false;
      *v = *v * 16 + static_cast<unsigned>(h);
    }
    p += 4;
    return true;
  }
  bool string(std::string* s) {
    ++p;  // the opening quote
    s->clear();
    while (true) {
      if (p >= e) return fail("a string does not end");
      const char c = *p++;
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return fail("a control character in a string");
      if (c != '\\') {
        s->push_back(c);
        continue;
      }
      if (p >= e) return fail("a string does not end");
      const char x = *p++;
      switch (x) {
        case '"':
        case '\\':
        case '/':
          s->push_back(x);
          break;
        case 'b':
          s->push_back('\b');
          break;
        case 'f':
          s->push_back('\f');
          break;
        case 'n':
          s->push_back('\n');
          break;
        case 'r':
          s->push_back('\r');
          break;
        case 't':
          s->push_back('\t');
          break;
        case 'u': {
          unsigned cp;
          if (!hex4(&cp)) return fail("a bad \\u escape");
          if (cp >= 0xD800 && cp < 0xDC00) {
            unsigned lo;
            if (e - p < 2 || p[0] != '\\' || p[1] != 'u') return fail("a lone surrogate");
            p += 2;
            if (!hex4(&lo) || lo < 0xDC00 || lo >= 0xE000) return fail("a lone surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp < 0xE000) {
            return fail("a lone surrogate");
          }
          append_utf8(*s, cp);
          break;
        }
        default:
          return fail(std::string("a bad escape \\") + x);
      }
    }
  }
  bool number(AvroJson* v) {
    const char* b = p;
    if (p < e && *p == '-') ++p;
    if (p >= e || !(*p >= '0' && *p <= '9')) return fail("a bad number");
    while (p < e && ((*p >= '0' && *p <= '9') || *p == '.' || *p == 'e' || *p == 'E' || *p == '+' ||
                     *p == '-')) {
      ++p;
    }
    v->type = AvroJson::Type::kNumber;
    v->text.assign(b, p);
    if (!is_json_number(v->text)) return fail("a bad number '" + v->text + "'");
    return true;
  }
  bool word(const char* w, std::size_t n) {
    if (static_cast<std::size_t>(e - p) < n || std::memcmp(p, w, n) != 0) {
      return fail("unexpected text");
    }
    p += n;
    return true;
  }
  bool value(AvroJson* v, int depth) {
    if (depth > kMaxJsonDepth) return fail("nested too deep");
    ws();
    if (p >= e) return fail("the text ends where a value should be");
    switch (*p) {
      case '{': {
        v->type = AvroJson::Type::kObject;
        ++p;
        ws();
        if (p < e && *p == '}') {
          ++p;
          return true;
        }
        while (true) {
          ws();
          if (p >= e || *p != '"') return fail("an object key should be a string");
          v->members.emplace_back();
          if (!string(&v->members.back().first)) return false;
          ws();
          if (p >= e || *p != ':') return fail("':' expected after an object key");
          ++p;
          if (!value(&v->members.back().second, depth + 1)) return false;
          ws();
          if (p < e && *p == ',') {
            ++p;
            continue;
          }
          if (p < e && *p == '}') {
            ++p;
            return true;
          }
          return fail("',' or '}' expected in an object");
        }
      }
      case '[': {
        v->type = AvroJson::Type::kArray;
        ++p;
        ws();
        if (p < e && *p == ']') {
          ++p;
          return true;
        }
        while (true) {
          v->items.emplace_back();
          if (!value(&v->items.back(), depth + 1)) return false;
          ws();
          if (p < e && *p == ',') {
            ++p;
            continue;
          }
          if (p < e && *p == ']') {
            ++p;
            return true;
          }
          return fail("',' or ']' expected in an array");
        }
      }
      case '"':
        v->type = AvroJson::Type::kString;
        return string(&v->text);
      case 't':
        v->type = AvroJson::Type::kBool;
        v->boolean = true;
        return word("true", 4);
      case 'f':
        v->type = AvroJson::Type::kBool;
        return word("false", 5);
      case 'n':
        v->type = AvroJson::Type::kNull;
        return word("null", 4);
      default:
        return number(v);
    }
  }
};

}  // namespace

const AvroJson* AvroJson::get(std::string_view key) const {
  for (const auto& m : members) {
    if (m.first == key) return &m.second;
  }
  return nullptr;
}

bool AvroJson::parse(std::string_view text, AvroJson* out, std::string* why) {
  *out = AvroJson();
  if (!is_valid_utf8(text)) {
    *why = "not valid UTF-8";
    return false;
  }
  JsonParser jp{text.data(), text.data() + text.size(), why};
  if (!jp.value(out, 0)) {
    *why = "not JSON: " + *why + " at byte " + std::to_string(jp.p - text.data() + 1);
    return false;
  }
  jp.ws();
  if (jp.p != jp.e) {
    *why = "not JSON: text after the value at byte " + std::to_string(jp.p - text.data() + 1);
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------
// The plan.

enum class AvroKind : std::uint8_t {
  kNull,
  kBoolean,
  kInt,
  kLong,
  kFloat,
  kDouble,
  kBytes,
  kString,
  kRecord,
  kEnum,
  kArray,
  kMap,
  kUnion,
  kFixed,
};

enum class AvroLogical : std::uint8_t {
  kNone,
  kDate,
  kTimeMillis,
  kTimeMicros,
  kTimestampMillis,
  kTimestampMicros,
  kLocalTimestampMillis,
  kLocalTimestampMicros,
  kDecimal,
  kUuid,
};

struct AvroSchema::Node {
  AvroKind kind = AvroKind::kNull;
  AvroLogical logical = AvroLogical::kNone;
  bool zero_width = false;  // a value can take no bytes (null, {} record, fixed 0)
  int scale = 0;            // decimal
  std::int64_t size = 0;    // fixed
  std::string name;         // the type's name in a union key: "int", "com.x.Ad"
  struct Field {
    std::string name;
    std::string key;  // "\"name\":" with the comma before it when not first
    const Node* type = nullptr;
  };
  std::vector<Field> fields;
  std::vector<std::string> symbols;  // as JSON strings
  const Node* items = nullptr;       // array items, map values
  std::vector<const Node*> branches;
  std::vector<std::string> branch_open;  // "{\"TYPE\":", empty for null
};

struct AvroSchema::Impl {
  std::vector<std::unique_ptr<Node>> nodes;
  std::unordered_map<std::string, Node*> named;
  const Node* root = nullptr;
};

AvroSchema::AvroSchema() : impl_(std::make_unique<Impl>()) {}
AvroSchema::~AvroSchema() = default;

namespace {

using Node = AvroSchema::Node;
using formats::append_string;
using formats::lit;

struct Primitive {
  const char* name;
  AvroKind kind;
};
constexpr Primitive kPrimitives[] = {
    {"null", AvroKind::kNull},   {"boolean", AvroKind::kBoolean}, {"int", AvroKind::kInt},
    {"long", AvroKind::kLong},   {"float", AvroKind::kFloat},     {"double", AvroKind::kDouble},
    {"bytes", AvroKind::kBytes}, {"string", AvroKind::kString},
};

const char* kind_article(AvroKind k) {
  switch (k) {
    case AvroKind::kNull:
      return "null";
    case AvroKind::kBoolean:
      return "a boolean";
    case AvroKind::kInt:
      return "an int";
    case AvroKind::kLong:
      return "a long";
    case AvroKind::kFloat:
      return "a float";
    case AvroKind::kDouble:
      return "a double";
    case AvroKind::kBytes:
      return "bytes";
    case AvroKind::kString:
      return "a string";
    case AvroKind::kRecord:
      return "a record";
    case AvroKind::kEnum:
      return "an enum";
    case AvroKind::kArray:
      return "an array";
    case AvroKind::kMap:
      return "a map";
    case AvroKind::kUnion:
      return "a union";
    case AvroKind::kFixed:
      return "a fixed";
  }
  return "?";
}

// Builds the plan from the JSON of a schema that Avro C accepted (so the
// checks here are the ones Avro C leaves to readers, and a defensive few).
class Compiler {
 public:
  Compiler(AvroSchema::Impl& impl, std::string* why) : impl_(impl), why_(why) {}

  const Node* build(const AvroJson& j, const std::string& ns) {
    switch (j.type) {
      case AvroJson::Type::kString:
        return reference(j.text, ns);
      case AvroJson::Type::kArray: {
        Node* n = make(AvroKind::kUnion);
        n->name = "union";
        for (const auto& b : j.items) {
          const Node* t = build(b, ns);
          if (!t) return nullptr;
          n->branches.push_back(t);
          if (t->kind == AvroKind::kNull) {
            n->branch_open.emplace_back();
          } else {
            std::string open = "{";
            append_json_string(open, t->name);
            open += ':';
            n->branch_open.push_back(std::move(open));
          }
        }
        if (n->branches.empty()) return fail("a union with no branches");
        return n;
      }
      case AvroJson::Type::kObject:
        return object(j, ns);
      default:
        return fail("a schema is a string, an array or an object");
    }
  }

 private:
  const Node* fail(const std::string& m) {
    if (why_->empty()) *why_ = m;
    return nullptr;
  }
  Node* make(AvroKind k) {
    impl_.nodes.push_back(std::make_unique<Node>());
    impl_.nodes.back()->kind = k;
    return impl_.nodes.back().get();
  }
  static std::string full_name(const std::string& name, const std::string& ns) {
    if (name.find('.') != std::string::npos || ns.empty()) return name;
    return ns + "." + name;
  }
  // A new node for a primitive type name, or null.
  Node* primitive(const std::string& name) {
    for (const auto& p : kPrimitives) {
      if (name == p.name) {
        Node* n = make(p.kind);
        n->name = name;
        return n;
      }
    }
    return nullptr;
  }
  const Node* reference(const std::string& name, const std::string& ns) {
    if (Node* n = primitive(name)) return n;
    auto it = impl_.named.find(full_name(name, ns));
    if (it == impl_.named.end()) it = impl_.named.find(name);
    if (it == impl_.named.end()) return fail("unknown type \"" + name + "\"");
    return it->second;
  }
  const Node* object(const AvroJson& j, const std::string& ns) {
    const AvroJson* type = j.get("type");
    if (!type) return fail("a schema object without \"type\"");
    if (type->type != AvroJson::Type::kString) {
      // {"type": {...}} or {"type": [...]}: the same as the inner schema.
      return build(*type, ns);
    }
    const std::string& t = type->text;
    const AvroJson* logical = j.get("logicalType");
    if (t == "record" || t == "error" || t == "enum" || t == "fixed") {
      const AvroJson* name = j.get("name");
      if (!name || name->type != AvroJson::Type::kString) return fail(t + " without a name");
      std::string inner_ns = ns;
      if (const AvroJson* n = j.get("namespace"); n && n->type == AvroJson::Type::kString) {
        inner_ns = n->text;
      }
      std::string full = full_name(name->text, inner_ns);
      const auto dot = full.rfind('.');
      inner_ns = dot == std::string::npos ? std::string() : full.substr(0, dot);
      Node* n = make(t == "enum"    ? AvroKind::kEnum
                     : t == "fixed" ? AvroKind::kFixed
                                    : AvroKind::kRecord);
      n->name = full;
      impl_.named[full] = n;  // before the fields: a record may refer to itself
      if (n->kind == AvroKind::kRecord) {
        const AvroJson* fields = j.get("fields");
        if (!fields || fields->type != AvroJson::Type::kArray)
          return fail("a record without fields");
        for (const auto& f : fields->items) {
          const AvroJson* fname = f.get("name");
          const AvroJson* ftype = f.get("type");
          if (!fname || fname->type != AvroJson::Type::kString || !ftype) {
            return fail("a field without a name or a type in record " + full);
          }
          Node::Field field;
          field.name = fname->text;
          if (!n->fields.empty()) field.key = ",";
          append_json_string(field.key, fname->text);
          field.key += ':';
          field.type = build(*ftype, inner_ns);
          if (!field.type) return nullptr;
          n->fields.push_back(std::move(field));
        }
      } else if (n->kind == AvroKind::kEnum) {
        const AvroJson* symbols = j.get("symbols");
        if (!symbols || symbols->type != AvroJson::Type::kArray || symbols->items.empty()) {
          return fail("enum " + full + " without symbols");
        }
        for (const auto& s : symbols->items) {
          if (s.type != AvroJson::Type::kString) return fail("enum " + full + ": a bad symbol");
          std::string text;
          append_json_string(text, s.text);
          n->symbols.push_back(std::move(text));
        }
      } else {
        const AvroJson* size = j.get("size");
        std::int64_t v = -1;
        if (size && size->type == AvroJson::Type::kNumber) {
          std::from_chars(size->text.data(), size->text.data() + size->text.size(), v);
        }
        if (v < 0) return fail("fixed " + full + " without a size");
        n->size = v;
        n->zero_width = v == 0;
        if (logical && logical->type == AvroJson::Type::kString && logical->text == "decimal") {
          decimal(j, n);
        }
      }
      return n;
    }
    if (t == "array" || t == "map") {
      const AvroJson* items = j.get(t == "array" ? "items" : "values");
      if (!items) return fail(t + " without " + (t == "array" ? "items" : "values"));
      Node* n = make(t == "array" ? AvroKind::kArray : AvroKind::kMap);
      n->name = t;
      n->items = build(*items, ns);
      return n->items ? n : nullptr;
    }
    // A primitive, maybe with a logical type.
    Node* n = primitive(t);
    if (!n) return reference(t, ns);  // {"type": "com.x.Named"}
    if (!logical || logical->type != AvroJson::Type::kString) return n;
    const std::string& lt = logical->text;
    // A logical type on the wrong underlying type, or unknown, is ignored (the
    // specification: "implementations should ignore the logical type").
    if (n->kind == AvroKind::kInt) {
      if (lt == "date") n->logical = AvroLogical::kDate;
      if (lt == "time-millis") n->logical = AvroLogical::kTimeMillis;
    } else if (n->kind == AvroKind::kLong) {
      if (lt == "time-micros") n->logical = AvroLogical::kTimeMicros;
      if (lt == "timestamp-millis") n->logical = AvroLogical::kTimestampMillis;
      if (lt == "timestamp-micros") n->logical = AvroLogical::kTimestampMicros;
      if (lt == "local-timestamp-millis") n->logical = AvroLogical::kLocalTimestampMillis;
      if (lt == "local-timestamp-micros") n->logical = AvroLogical::kLocalTimestampMicros;
    } else if (n->kind == AvroKind::kString) {
      if (lt == "uuid") n->logical = AvroLogical::kUuid;
    } else if (n->kind == AvroKind::kBytes) {
      if (lt == "decimal") decimal(j, n);
    }
    return n;
  }
  // A decimal whose precision and scale are valid (precision >= 1, 0 <=
  // scale <= precision); else the logical type is ignored, as the
  // specification says.
  // The logical types read as Spark's SchemaConverters.toSqlType and
  // AvroDeserializer do (timestamp-* as TimestampType, local-timestamp-* as
  // TimestampNTZType, date, decimal(precision, scale)); time-millis/micros,
  // which Spark leaves as numbers, as a time of day (issue 16). Unions keep
  // Avro's JSON mapping ({"TYPE": value}) where Spark would flatten
  // ["null", T] to a nullable T: the issue asks for Avro's mapping.
  static void decimal(const AvroJson& j, Node* n) {
    auto number = [&](const char* key, std::int64_t dflt) {
      const AvroJson* v = j.get(key);
      if (!v) return dflt;
      std::int64_t x = -1;
      if (v->type == AvroJson::Type::kNumber) {
        std::from_chars(v->text.data(), v->text.data() + v->text.size(), x);
      }
      return x;
    };
    const std::int64_t precision = number("precision", -1);
    const std::int64_t scale = number("scale", 0);
    // On a fixed of n bytes, at most the digits of 2^(8n-1)-1 (Avro Java's
    // Decimal.validate; Spark then reads the fixed as binary).
    const bool fits = n->kind != AvroKind::kFixed ||
                      precision <= static_cast<std::int64_t>(std::floor(
                                       static_cast<double>(8 * n->size - 1) * std::log10(2.0)));
    if (precision >= 1 && scale >= 0 && scale <= precision && precision <= 10000 && fits) {
      n->logical = AvroLogical::kDecimal;
      n->scale = static_cast<int>(scale);
    }
  }

  AvroSchema::Impl& impl_;
  std::string* why_;
};

// Whether a value of `n` can take no bytes; a record on the current path is
// taken as not (a recursive record ends in a union or an array).
bool zero_width(const Node* n, std::vector<const Node*>& path) {
  if (n->kind == AvroKind::kNull) return true;
  if (n->kind == AvroKind::kFixed) return n->size == 0;
  if (n->kind != AvroKind::kRecord) return false;
  for (const Node* p : path) {
    if (p == n) return false;
  }
  path.push_back(n);
  bool all = true;
  for (const auto& f : n->fields) all = all && zero_width(f.type, path);
  path.pop_back();
  return all;
}

}  // namespace

std::shared_ptr<const AvroSchema> AvroSchema::compile(std::string_view json, std::string* why) {
  why->clear();
  // Avro C decides what is a schema. Its error text accumulates in one
  // buffer: clear it first.
  {
    static std::mutex avro_c;  // its error buffer is shared
    std::lock_guard<std::mutex> lock(avro_c);
    avro_set_error("%s", "");
    avro_schema_t s = nullptr;
    if (avro_schema_from_json_length(json.data(), json.size(), &s) != 0) {
      std::string m = avro_strerror();
      *why =
          "not an Avro schema (Avro C: " + (m.empty() ? std::string("no reason given") : m) + ")";
      avro_set_error("%s", "");
      return nullptr;
    }
    avro_schema_decref(s);
  }
  AvroJson j;
  if (!AvroJson::parse(json, &j, why)) return nullptr;
  std::shared_ptr<AvroSchema> schema(new AvroSchema());
  Compiler c(*schema->impl_, why);
  schema->impl_->root = c.build(j, "");
  if (!schema->impl_->root) {
    *why = "not an Avro schema: " + *why;
    return nullptr;
  }
  std::vector<const Node*> path;
  for (auto& n : schema->impl_->nodes) n->zero_width = zero_width(n.get(), path);
  return schema;
}

bool AvroSchema::is_record() const { return impl_->root->kind == AvroKind::kRecord; }

std::string AvroSchema::top_type() const { return kind_article(impl_->root->kind); }

// ---------------------------------------------------------------------------
// Decoding.

namespace {

// Avro's floats are little-endian IEEE 754, copied as they are.
static_assert(std::endian::native == std::endian::little, "Avro floats are read by memcpy");

constexpr int kMaxDepth = 1000;

// "1 byte", "3 bytes".
template <typename N>
std::string count_of(N n, const char* what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}
// The most items an array of a type that takes no bytes may have (its count
// is not bounded by the bytes that are left).
constexpr std::int64_t kMaxZeroWidthItems = 1 << 20;

void put2(std::string& o, unsigned v) {
  o.push_back(static_cast<char>('0' + v / 10));
  o.push_back(static_cast<char>('0' + v % 10));
}

void put_year(std::string& o, std::int64_t y) {
  if (y >= 0 && y <= 9999) {
    put2(o, static_cast<unsigned>(y / 100));
    put2(o, static_cast<unsigned>(y % 100));
  } else {  // as format_time: a signed expanded year
    char buf[24];
    const int n = std::snprintf(buf, sizeof buf, "%+lld", static_cast<long long>(y));
    o.append(buf, static_cast<std::size_t>(n));
  }
}

// HH:MM:SS, then .fff when the time is a whole millisecond but not a whole
// second, else .ffffff when it has microseconds (as format_time).
void put_time_of_day(std::string& o, std::int64_t us) {
  const auto secs = static_cast<unsigned>(us / kMicrosPerSecond);
  const auto frac = static_cast<unsigned>(us % kMicrosPerSecond);
  o.push_back('"');
  put2(o, secs / 3600);
  o.push_back(':');
  put2(o, secs / 60 % 60);
  o.push_back(':');
  put2(o, secs % 60);
  if (frac != 0) {
    char buf[12];  // frac < 10^6 gives 6 digits, which the compiler does not know
    std::snprintf(buf, sizeof buf, "%06u", frac);
    o.push_back('.');
    o.append(buf, frac % 1000 == 0 ? 3 : 6);
  }
  o.push_back('"');
}

// Bytes as Avro's JSON encoding writes them: a string whose code points
// U+0000..U+00FF are the bytes (here in UTF-8, control characters escaped).
void put_bytes(std::string& o, const unsigned char* p, std::size_t n) {
  static const char kHex[] = "0123456789abcdef";
  o.push_back('"');
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char b = p[i];
    if (b >= 0x80) {
      o.push_back(static_cast<char>(0xC0 | (b >> 6)));
      o.push_back(static_cast<char>(0x80 | (b & 0x3F)));
    } else if (b == '"' || b == '\\') {
      o.push_back('\\');
      o.push_back(static_cast<char>(b));
    } else if (b < 0x20) {
      switch (b) {
        case '\n':
          o.append("\\n");
          break;
        case '\t':
          o.append("\\t");
          break;
        case '\r':
          o.append("\\r");
          break;
        default:
          o.append("\\u00");
          o.push_back(kHex[b >> 4]);
          o.push_back(kHex[b & 15]);
      }
    } else {
      o.push_back(static_cast<char>(b));
    }
  }
  o.push_back('"');
}

}  // namespace

namespace {

// One value's walk: the cursor, the output and the reason of a failure.
class AvroWalk {
 public:
  AvroWalk(std::string_view bytes, std::string* out, AvroReader::Scratch& scratch)
      : b_(reinterpret_cast<const unsigned char*>(bytes.data())),
        p_(b_),
        e_(b_ + bytes.size()),
        out_(*out),
        scratch_(scratch),
        limbs_(scratch.limbs),
        digits_(scratch.digits) {}

  bool value(const Node* n, int depth);
  std::size_t left() const { return static_cast<std::size_t>(e_ - p_); }
  std::size_t at() const { return static_cast<std::size_t>(p_ - b_); }
  std::size_t size() const { return static_cast<std::size_t>(e_ - b_); }
  std::string reason;
  std::vector<const std::string*> path;  // field names, innermost first

 private:
  bool fail(std::string m) {
    reason = std::move(m);
    return false;
  }
  bool truncated(const char* what) {
    return fail(std::string("the value ends early (") + what + " at byte " +
                std::to_string(at() + 1) + " of " + std::to_string(size()) + ")");
  }
  bool read_long(std::int64_t* v, const char* what) {
    if (p_ < e_ && *p_ < 0x80) {  // one byte: the common case
      const std::uint64_t r = *p_++;
      *v = static_cast<std::int64_t>((r >> 1) ^ (~(r & 1) + 1));
      return true;
    }
    const unsigned char* start = p_;
    std::uint64_t r = 0;
    for (int i = 0; i < 10; ++i) {
      if (p_ >= e_) {
        p_ = start;
        return truncated(what);
      }
      const unsigned char c = *p_++;
      if (i == 9 && c > 1) {
        p_ = start;
        return fail(std::string("a varint longer than 64 bits (") + what + " at byte " +
                    std::to_string(at() + 1) + ")");
      }
      r |= static_cast<std::uint64_t>(c & 0x7F) << (7 * i);
      if (!(c & 0x80)) {
        *v = static_cast<std::int64_t>((r >> 1) ^ (~(r & 1) + 1));
        return true;
      }
    }
    p_ = start;
    return fail(std::string("a varint longer than 10 bytes (") + what + " at byte " +
                std::to_string(at() + 1) + ")");
  }
  // A length, checked against the bytes that are left.
  bool read_length(std::int64_t* n, const char* what) {
    const unsigned char* start = p_;
    if (!read_long(n, what)) return false;
    if (*n < 0) {
      p_ = start;
      return fail(std::string("a negative length ") + std::to_string(*n) + " (" + what +
                  " at byte " + std::to_string(at() + 1) + ")");
    }
    if (static_cast<std::uint64_t>(*n) > left()) {
      const std::size_t have = left();  // after the length
      p_ = start;
      return fail(std::string("the value ends early (") + what + " of " + count_of(*n, "byte") +
                  " at byte " + std::to_string(at() + 1) + ", " + count_of(have, "byte") +
                  " left)");
    }
    return true;
  }
  void put_int(std::int64_t v) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, r.ptr);
  }
  bool put_timestamp(std::int64_t v, std::int64_t unit, bool local);
  bool put_decimal(const unsigned char* p, std::size_t n, int scale);
  bool string_value(bool key);
  bool blocks(const Node* n, int depth);

  const unsigned char* b_;
  const unsigned char* p_;
  const unsigned char* e_;
  std::string& out_;
  AvroReader::Scratch& scratch_;
  std::vector<std::uint32_t>& limbs_;
  std::string& digits_;
};

// As format_time writes it (fraction only when non-zero: 3 digits for a
// whole millisecond, else 6), with the text of the whole second kept from the
// last timestamp: a stream's timestamps are mostly close together.
bool AvroWalk::put_timestamp(std::int64_t v, std::int64_t unit, bool local) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  if (unit != 1 && (v > kMax / unit || v < -(kMax / unit))) {
    return fail("a timestamp out of range (" + std::to_string(v) + ")");
  }
  const EventTime t{v * unit};
  if (t == EventTime::end() || t == EventTime::none()) {
    return fail("a timestamp out of range (" + std::to_string(v) + ")");
  }
  const std::int64_t second = floor_div(t.us, kMicrosPerSecond);
  const auto frac = static_cast<unsigned>(t.us - second * kMicrosPerSecond);
  if (second != scratch_.second) {
    char buf[kMaxTimeText];
    const std::size_t len = format_time(EventTime{second * kMicrosPerSecond}, buf);
    scratch_.second_text.assign(buf, len - 1);  // without the 'Z'
    scratch_.second = second;
  }
  out_.push_back('"');
  out_.append(scratch_.second_text);
  if (frac != 0) {
    char f[7];
    unsigned x = frac;
    for (int i = 5; i >= 0; --i, x /= 10) f[i] = static_cast<char>('0' + x % 10);
    out_.push_back('.');
    out_.append(f, frac % 1000 == 0 ? 3 : 6);
  }
  if (!local) out_.push_back('Z');
  out_.push_back('"');
  return true;
}

// The unscaled value is big-endian two's complement; written with `scale`
// digits after the point, exactly (0.00, -12.50).
bool AvroWalk::put_decimal(const unsigned char* p, std::size_t n, int scale) {
  const bool negative = n > 0 && (p[0] & 0x80);
  limbs_.clear();  // base 10^9, least significant first
  // The magnitude's bytes: for a negative value, invert and add one (from
  // the least significant byte). -2^(8n-1) (0x80 00..) comes out as itself,
  // read unsigned: right.
  bool carry = true;
  digits_.assign(reinterpret_cast<const char*>(p), n);
  if (negative) {
    for (std::size_t i = n; i-- > 0;) {
      auto b = static_cast<unsigned char>(~static_cast<unsigned char>(digits_[i]));
      if (carry) {
        ++b;
        carry = b == 0;
      }
      digits_[i] = static_cast<char>(b);
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t carry = static_cast<unsigned char>(digits_[i]);
    for (auto& limb : limbs_) {
      const std::uint64_t x = static_cast<std::uint64_t>(limb) * 256 + carry;
      limb = static_cast<std::uint32_t>(x % 1000000000);
      carry = x / 1000000000;
    }
    while (carry) {
      limbs_.push_back(static_cast<std::uint32_t>(carry % 1000000000));
      carry /= 1000000000;
    }
  }
  digits_.clear();
  if (limbs_.empty()) {
    digits_.push_back('0');
  } else {
    char buf[16];
    auto r = std::to_chars(buf, buf + sizeof buf, limbs_.back());
    digits_.append(buf, r.ptr);
    for (std::size_t i = limbs_.size() - 1; i-- > 0;) {
      std::snprintf(buf, sizeof buf, "%09u", limbs_[i]);
      digits_.append(buf, 9);
    }
  }
  if (negative && !(digits_.size() == 1 && digits_[0] == '0')) out_.push_back('-');
  const auto s = static_cast<std::size_t>(scale);
  if (s == 0) {
    out_.append(digits_);
  } else if (digits_.size() > s) {
    out_.append(digits_, 0, digits_.size() - s);
    out_.push_back('.');
    out_.append(digits_, digits_.size() - s, s);
  } else {
    out_.append("0.");
    out_.append(s - digits_.size(), '0');
    out_.append(digits_);
  }
  return true;
}

bool AvroWalk::string_value(bool key) {
  std::int64_t n;
  if (!read_length(&n, key ? "a map key" : "a string")) return false;
  const std::string_view s(reinterpret_cast<const char*>(p_), static_cast<std::size_t>(n));
  if (!is_valid_utf8(s)) {
    return fail(std::string(key ? "a map key" : "a string") + " that is not valid UTF-8 (at byte " +
                std::to_string(at() + 1) + ")");
  }
  append_string(out_, s);
  p_ += n;
  return true;
}

// The blocks of an array or a map: a count (negative: its absolute value,
// then the block's size in bytes), items, ..., a zero count.
bool AvroWalk::blocks(const Node* n, int depth) {
  const bool map = n->kind == AvroKind::kMap;
  out_.push_back(map ? '{' : '[');
  std::int64_t total = 0;
  while (true) {
    const unsigned char* start = p_;
    std::int64_t count;
    if (!read_long(&count, map ? "a map block count" : "an array block count")) return false;
    if (count == 0) break;
    if (count < 0) {
      if (count == std::numeric_limits<std::int64_t>::min()) {
        p_ = start;
        return fail("a bad block count at byte " + std::to_string(at() + 1));
      }
      count = -count;
      std::int64_t bytes;
      if (!read_length(&bytes, "a block size")) return false;
    }
    // Each item takes a byte at least, unless its type takes none.
    if (map || !n->items->zero_width) {
      if (static_cast<std::uint64_t>(count) > left()) {
        const std::size_t have = left();
        p_ = start;
        return fail("the value ends early (a block of " + count_of(count, "item") + " at byte " +
                    std::to_string(at() + 1) + ", " + count_of(have, "byte") + " left)");
      }
    } else if (count > kMaxZeroWidthItems - total) {
      p_ = start;
      return fail("an array of more than " + std::to_string(kMaxZeroWidthItems) +
                  " items that take no bytes (at byte " + std::to_string(at() + 1) + ")");
    }
    for (std::int64_t i = 0; i < count; ++i, ++total) {
      if (total > 0) out_.push_back(',');
      if (map) {
        if (!string_value(true)) return false;
        out_.push_back(':');
      }
      if (!value(n->items, depth + 1)) return false;
    }
  }
  out_.push_back(map ? '}' : ']');
  return true;
}

bool AvroWalk::value(const Node* n, int depth) {
  if (depth > kMaxDepth) {
    return fail("a value nested deeper than " + std::to_string(kMaxDepth) + " levels");
  }
  switch (n->kind) {
    case AvroKind::kNull:
      out_.append("null");
      return true;
    case AvroKind::kBoolean:
      if (p_ >= e_) return truncated("a boolean");
      if (*p_ > 1) {
        return fail("a boolean byte " + std::to_string(*p_) + " (at byte " +
                    std::to_string(at() + 1) + "; 0 or 1 expected)");
      }
      if (*p_++)
        lit(out_, "true");
      else
        lit(out_, "false");
      return true;
    case AvroKind::kInt:
    case AvroKind::kLong: {
      std::int64_t v;
      if (!read_long(&v, n->kind == AvroKind::kInt ? "an int" : "a long")) return false;
      if (n->kind == AvroKind::kInt && (v < std::numeric_limits<std::int32_t>::min() ||
                                        v > std::numeric_limits<std::int32_t>::max())) {
        return fail("an int out of range (" + std::to_string(v) + ")");
      }
      switch (n->logical) {
        case AvroLogical::kNone:
          put_int(v);
          return true;
        case AvroLogical::kDate: {
          const CivilDate d = civil_from_days(v);
          out_.push_back('"');
          put_year(out_, d.year);
          out_.push_back('-');
          put2(out_, d.month);
          out_.push_back('-');
          put2(out_, d.day);
          out_.push_back('"');
          return true;
        }
        case AvroLogical::kTimeMillis:
        case AvroLogical::kTimeMicros: {
          const std::int64_t unit = n->logical == AvroLogical::kTimeMillis ? 1000 : 1;
          if (v < 0 || v >= kMicrosPerDay / unit) {
            return fail(std::string(unit == 1000 ? "a time-millis" : "a time-micros") + " of " +
                        std::to_string(v) + ", not within a day");
          }
          put_time_of_day(out_, v * unit);
          return true;
        }
        case AvroLogical::kTimestampMillis:
          return put_timestamp(v, 1000, false);
        case AvroLogical::kTimestampMicros:
          return put_timestamp(v, 1, false);
        case AvroLogical::kLocalTimestampMillis:
          return put_timestamp(v, 1000, true);
        case AvroLogical::kLocalTimestampMicros:
          return put_timestamp(v, 1, true);
        default:
          put_int(v);
          return true;
      }
    }
    case AvroKind::kFloat:
    case AvroKind::kDouble: {
      const std::size_t width = n->kind == AvroKind::kFloat ? 4 : 8;
      if (left() < width) return truncated(width == 4 ? "a float" : "a double");
      char buf[32];
      std::to_chars_result r;
      bool finite;
      if (width == 4) {
        float f;
        std::memcpy(&f, p_, 4);
        finite = std::isfinite(f);
        r = std::to_chars(buf, buf + sizeof buf, f);
      } else {
        double d;
        std::memcpy(&d, p_, 8);
        finite = std::isfinite(d);
        r = std::to_chars(buf, buf + sizeof buf, d);
      }
      p_ += width;
      if (finite)
        out_.append(buf, r.ptr);
      else
        lit(out_, "null");  // JSON has no NaN or Infinity
      return true;
    }
    case AvroKind::kString:
      return string_value(false);
    case AvroKind::kBytes: {
      std::int64_t len;
      if (!read_length(&len, "bytes")) return false;
      const auto size = static_cast<std::size_t>(len);
      if (n->logical == AvroLogical::kDecimal) {
        put_decimal(p_, size, n->scale);
      } else {
        put_bytes(out_, p_, size);
      }
      p_ += size;
      return true;
    }
    case AvroKind::kFixed: {
      const auto size = static_cast<std::size_t>(n->size);
      if (left() < size) return truncated("a fixed");
      if (n->logical == AvroLogical::kDecimal) {
        put_decimal(p_, size, n->scale);
      } else {
        put_bytes(out_, p_, size);
      }
      p_ += size;
      return true;
    }
    case AvroKind::kEnum: {
      const unsigned char* start = p_;
      std::int64_t i;
      if (!read_long(&i, "an enum index")) return false;
      if (i < 0 || static_cast<std::uint64_t>(i) >= n->symbols.size()) {
        p_ = start;
        return fail("enum index " + std::to_string(i) + " at byte " + std::to_string(at() + 1) +
                    ", but " + n->name + " has " + std::to_string(n->symbols.size()) + " symbols");
      }
      out_.append(n->symbols[static_cast<std::size_t>(i)]);
      return true;
    }
    case AvroKind::kArray:
    case AvroKind::kMap:
      return blocks(n, depth);
    case AvroKind::kUnion: {
      const unsigned char* start = p_;
      std::int64_t i;
      if (!read_long(&i, "a union branch")) return false;
      if (i < 0 || static_cast<std::uint64_t>(i) >= n->branches.size()) {
        p_ = start;
        return fail("union branch " + std::to_string(i) + " at byte " + std::to_string(at() + 1) +
                    ", but the union has " + std::to_string(n->branches.size()));
      }
      const auto k = static_cast<std::size_t>(i);
      const std::string& open = n->branch_open[k];
      if (open.empty()) {
        lit(out_, "null");
        return true;
      }
      out_.append(open);
      if (!value(n->branches[k], depth + 1)) return false;
      out_.push_back('}');
      return true;
    }
    case AvroKind::kRecord:
      out_.push_back('{');
      for (const auto& f : n->fields) {
        out_.append(f.key);
        if (!value(f.type, depth + 1)) {
          path.push_back(&f.name);
          return false;
        }
      }
      out_.push_back('}');
      return true;
  }
  return fail("an unknown type");
}

}  // namespace

bool AvroReader::to_json(const AvroSchema& schema, std::string_view bytes, std::string* out,
                         std::string* why) {
  AvroWalk w(bytes, out, scratch_);
  if (!w.value(schema.impl_->root, 0)) {
    why->clear();
    if (!w.path.empty()) {
      *why = "field ";
      for (std::size_t i = w.path.size(); i-- > 0;) {
        *why += *w.path[i];
        if (i > 0) *why += '.';
      }
      *why += ": ";
    }
    *why += w.reason;
    return false;
  }
  if (w.left() != 0) {
    *why = count_of(w.left(), "byte") + " left over after the value (it ends at byte " +
           std::to_string(w.at()) + " of " + std::to_string(w.size()) +
           "): not written with this schema?";
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------
// The decoders.

namespace {

class FileSchemaDecoder : public AvroDecoder {
 public:
  explicit FileSchemaDecoder(std::shared_ptr<const AvroSchema> s) : schema_(std::move(s)) {}
  bool decode(std::string_view value, std::string* out, std::string* why) override {
    out->clear();
    return reader_.to_json(*schema_, value, out, why);
  }

 private:
  std::shared_ptr<const AvroSchema> schema_;
  AvroReader reader_;
};

class RegistryDecoder : public AvroDecoder {
 public:
  RegistryDecoder(const std::string& url, long timeout_ms) : registry_(url, timeout_ms) {}

  bool decode(std::string_view value, std::string* out, std::string* why) override {
    out->clear();
    if (value.size() < 5) {
      *why = count_of(value.size(), "byte") +
             ": too short for Confluent's wire format (a magic byte 0 and a 4-byte schema id "
             "before the Avro data)";
      return false;
    }
    const auto* b = reinterpret_cast<const unsigned char*>(value.data());
    if (b[0] != 0) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02x", b[0]);
      *why = std::string("magic byte ") + hex +
             ", not Confluent's 0: not written by a schema-registry serializer (for plain Avro "
             "binary, give --avro-schema FILE)";
      return false;
    }
    const auto id =
        static_cast<std::int32_t>((std::uint32_t{b[1]} << 24) | (std::uint32_t{b[2]} << 16) |
                                  (std::uint32_t{b[3]} << 8) | std::uint32_t{b[4]});
    const AvroSchema* schema = last_;
    if (id != last_id_ || !schema) {
      schema = lookup(id, why);
      if (!schema) return false;
      last_id_ = id;
      last_ = schema;
    }
    return reader_.to_json(*schema, value.substr(5), out, why);
  }

 private:
  struct Entry {
    std::shared_ptr<const AvroSchema> schema;
    std::string error;  // a failure that will not change (404, not a record)
  };

  const AvroSchema* lookup(std::int32_t id, std::string* why) {
    auto it = cache_.find(id);
    if (it == cache_.end()) {
      std::string text;
      const auto got = registry_.schema_by_id(id, &text, why);
      if (got == SchemaRegistry::Fetch::kFailed) return nullptr;  // not cached: retried later
      Entry e;
      if (got == SchemaRegistry::Fetch::kOk) {
        std::string reason;
        e.schema = AvroSchema::compile(text, &reason);
        if (!e.schema) {
          e.error =
              "schema id " + std::to_string(id) + " from " + registry_.url() + " is " + reason;
        } else if (!e.schema->is_record()) {
          e.error = "schema id " + std::to_string(id) + " from " + registry_.url() + " is " +
                    e.schema->top_type() + ", not a record: sx reads records";
          e.schema.reset();
        }
      } else {
        e.error = *why;
      }
      it = cache_.emplace(id, std::move(e)).first;
    }
    if (!it->second.schema) {
      *why = it->second.error;
      return nullptr;
    }
    return it->second.schema.get();
  }

  SchemaRegistry registry_;
  std::unordered_map<std::int32_t, Entry> cache_;
  std::int32_t last_id_ = -1;
  const AvroSchema* last_ = nullptr;
  AvroReader reader_;
};

}  // namespace

std::unique_ptr<AvroDecoder> avro_from_schema_file(const std::string& path) {
  std::string text;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw usage_error("--avro-schema: " + errno_text(path));
  char buf[65536];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string m = errno_text(path);
      ::close(fd);
      throw usage_error("--avro-schema: " + m);
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  std::string why;
  auto schema = AvroSchema::compile(text, &why);
  if (!schema) throw usage_error("--avro-schema " + path + ": " + why);
  if (!schema->is_record()) {
    throw usage_error("--avro-schema " + path + ": the schema is " + schema->top_type() +
                      ", not a record (sx reads each value as one record)");
  }
  return std::make_unique<FileSchemaDecoder>(std::move(schema));
}

std::unique_ptr<AvroDecoder> avro_from_registry(const std::string& url, long timeout_ms) {
  return std::make_unique<RegistryDecoder>(url, timeout_ms);
}

}  // namespace sx

// ---------------------------------------------------------------------------
// AvroCEncoder.

namespace sx {

using namespace sx::dl_avro;  // io/avro_api.h: loaded when first used

struct AvroCEncoder::Impl {
  avro_schema_t schema = nullptr;
  avro_value_iface_t* iface = nullptr;
  avro_value_t value{};
  std::string buf;
  ~Impl() {
    if (value.iface) avro_value_decref(&value);
    if (iface) avro_value_iface_decref(iface);
    if (schema) avro_schema_decref(schema);
  }
};

AvroCEncoder::~AvroCEncoder() = default;

std::unique_ptr<AvroCEncoder> AvroCEncoder::make(std::string_view schema_json, std::string* why) {
  std::unique_ptr<AvroCEncoder> enc(new AvroCEncoder());
  enc->impl_ = std::make_unique<Impl>();
  Impl& m = *enc->impl_;
  avro_set_error("%s", "");
  if (avro_schema_from_json_length(schema_json.data(), schema_json.size(), &m.schema) != 0) {
    *why = std::string("not an Avro schema (Avro C: ") + avro_strerror() + ")";
    m.schema = nullptr;
    return nullptr;
  }
  m.iface = avro_generic_class_from_schema(m.schema);
  if (!m.iface || avro_generic_value_new(m.iface, &m.value) != 0) {
    *why = std::string("Avro C: ") + avro_strerror();
    return nullptr;
  }
  return enc;
}

namespace {

std::string branch_name(avro_schema_t b) {
  if (is_avro_link(b)) b = avro_schema_link_target(b);  // a reference to a named type
  if (is_avro_named_type(b)) {
    const char* ns = avro_schema_namespace(b);
    return ns && *ns ? std::string(ns) + "." + avro_schema_name(b) : avro_schema_name(b);
  }
  return avro_schema_type_name(b);
}

// A JSON string of code points U+0000..U+00FF as bytes.
bool latin1(const std::string& utf8, std::string* bytes) {
  bytes->clear();
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      bytes->push_back(static_cast<char>(c));
    } else if ((c == 0xC2 || c == 0xC3) && i + 1 < utf8.size()) {
      bytes->push_back(
          static_cast<char>(((c & 0x03) << 6) | (static_cast<unsigned char>(utf8[++i]) & 0x3F)));
    } else {
      return false;
    }
  }
  return true;
}

bool set_value(avro_value_t* v, const AvroJson& j, std::string* why) {
  using T = AvroJson::Type;
  const avro_type_t type = avro_value_get_type(v);
  auto bad = [&](const char* want) {
    *why =
        std::string("expected ") + want + " for an Avro " + branch_name(avro_value_get_schema(v));
    return false;
  };
  auto integer = [&](std::int64_t* x) {
    if (j.type != T::kNumber) return false;
    const auto r = std::from_chars(j.text.data(), j.text.data() + j.text.size(), *x);
    return r.ec == std::errc() && r.ptr == j.text.data() + j.text.size();
  };
  auto real = [&](double* x) {
    if (j.type == T::kNumber) {
      *x = std::strtod(j.text.c_str(), nullptr);
      return true;
    }
    if (j.type != T::kString) return false;
    if (j.text == "NaN")
      *x = std::numeric_limits<double>::quiet_NaN();
    else if (j.text == "Infinity")
      *x = std::numeric_limits<double>::infinity();
    else if (j.text == "-Infinity")
      *x = -std::numeric_limits<double>::infinity();
    else
      return false;
    return true;
  };
  int rc = 0;
  switch (type) {
    case AVRO_NULL:
      if (j.type != T::kNull) return bad("null");
      rc = avro_value_set_null(v);
      break;
    case AVRO_BOOLEAN:
      if (j.type != T::kBool) return bad("true or false");
      rc = avro_value_set_boolean(v, j.boolean);
      break;
    case AVRO_INT32: {
      std::int64_t x;
      if (!integer(&x) || x < std::numeric_limits<std::int32_t>::min() ||
          x > std::numeric_limits<std::int32_t>::max()) {
        return bad("a 32-bit integer");
      }
      rc = avro_value_set_int(v, static_cast<std::int32_t>(x));
      break;
    }
    case AVRO_INT64: {
      std::int64_t x;
      if (!integer(&x)) return bad("a 64-bit integer");
      rc = avro_value_set_long(v, x);
      break;
    }
    case AVRO_FLOAT:
    case AVRO_DOUBLE: {
      double x;
      if (!real(&x)) return bad("a number");
      rc = type == AVRO_FLOAT ? avro_value_set_float(v, static_cast<float>(x))
                              : avro_value_set_double(v, x);
      break;
    }
    case AVRO_STRING:
      if (j.type != T::kString) return bad("a string");
      rc = avro_value_set_string_len(v, j.text.c_str(), j.text.size() + 1);
      break;
    case AVRO_BYTES:
    case AVRO_FIXED: {
      std::string bytes;
      if (j.type != T::kString || !latin1(j.text, &bytes)) {
        return bad("a string of code points U+0000..U+00FF");
      }
      if (type == AVRO_FIXED && static_cast<std::int64_t>(bytes.size()) !=
                                    avro_schema_fixed_size(avro_value_get_schema(v))) {
        return bad("a string of the fixed's size");
      }
      rc = type == AVRO_BYTES ? avro_value_set_bytes(v, bytes.data(), bytes.size())
                              : avro_value_set_fixed(v, bytes.data(), bytes.size());
      break;
    }
    case AVRO_ENUM: {
      if (j.type != T::kString) return bad("a symbol");
      const int i = avro_schema_enum_get_by_name(avro_value_get_schema(v), j.text.c_str());
      if (i < 0) return bad("one of its symbols");
      rc = avro_value_set_enum(v, i);
      break;
    }
    case AVRO_RECORD: {
      if (j.type != T::kObject) return bad("an object");
      std::size_t n = 0;
      avro_value_get_size(v, &n);
      for (std::size_t i = 0; i < n; ++i) {
        avro_value_t child;
        const char* name = nullptr;
        avro_value_get_by_index(v, i, &child, &name);
        const AvroJson* f = j.get(name);
        if (!f) {
          *why = std::string("no field \"") + name + "\"";
          return false;
        }
        if (!set_value(&child, *f, why)) {
          *why = std::string("field ") + name + ": " + *why;
          return false;
        }
      }
      break;
    }
    case AVRO_ARRAY:
      if (j.type != T::kArray) return bad("an array");
      avro_value_reset(v);
      for (const auto& item : j.items) {
        avro_value_t child;
        avro_value_append(v, &child, nullptr);
        if (!set_value(&child, item, why)) return false;
      }
      break;
    case AVRO_MAP:
      if (j.type != T::kObject) return bad("an object");
      avro_value_reset(v);
      for (const auto& m : j.members) {
        avro_value_t child;
        avro_value_add(v, m.first.c_str(), &child, nullptr, nullptr);
        if (!set_value(&child, m.second, why)) return false;
      }
      break;
    case AVRO_UNION: {
      avro_schema_t u = avro_value_get_schema(v);
      std::string want;
      const AvroJson* inner = &j;
      if (j.type == T::kNull) {
        want = "null";
      } else if (j.type == T::kObject && j.members.size() == 1) {
        want = j.members[0].first;
        inner = &j.members[0].second;
      } else {
        return bad("null or {\"TYPE\": value}");
      }
      for (std::size_t i = 0; i < avro_schema_union_size(u); ++i) {
        if (branch_name(avro_schema_union_branch(u, static_cast<int>(i))) == want) {
          avro_value_t branch;
          rc = avro_value_set_branch(v, static_cast<int>(i), &branch);
          if (rc == 0) return set_value(&branch, *inner, why);
          break;
        }
      }
      if (rc == 0) {
        *why = "the union has no branch \"" + want + "\"";
        return false;
      }
      break;
    }
    default:
      return bad("a supported type");
  }
  if (rc != 0) {
    *why = std::string("Avro C: ") + avro_strerror();
    return false;
  }
  return true;
}

}  // namespace

bool AvroCEncoder::encode(const AvroJson& value, std::string* out, std::string* why) {
  Impl& m = *impl_;
  avro_value_reset(&m.value);
  if (!set_value(&m.value, value, why)) return false;
  std::size_t size = 0;
  avro_value_sizeof(&m.value, &size);
  m.buf.resize(size);
  avro_writer_t w = avro_writer_memory(m.buf.data(), static_cast<int64_t>(size));
  const int rc = avro_value_write(w, &m.value);
  avro_writer_free(w);
  if (rc != 0) {
    *why = std::string("Avro C: ") + avro_strerror();
    return false;
  }
  out->append(m.buf);
  return true;
}

}  // namespace sx
