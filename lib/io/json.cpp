#include "io/json.h"

#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstring>
#include <limits>
#include <system_error>

#include "base/error.h"
#include "base/swar.h"
#include "io/json_scan.h"

namespace sx {

static_assert(kLinePadding >= simdjson::SIMDJSON_PADDING, "line padding must cover simdjson's");

namespace dom = simdjson::dom;
namespace od = simdjson::ondemand;

FieldPath FieldPath::parse(std::string_view dotted) {
  FieldPath p;
  p.text_ = std::string(dotted);
  if (dotted.empty()) throw usage_error("empty field path (give a field name such as timestamp)");
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = dotted.find('.', start);
    std::string_view part =
        dotted.substr(start, dot == std::string_view::npos ? dotted.npos : dot - start);
    if (part.empty()) {
      throw usage_error("field path '" + p.text_ + "' has an empty component (write a.b.c)");
    }
    p.parts_.emplace_back(part);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return p;
}

const char* json_type_name(JsonType t) {
  switch (t) {
    case JsonType::kMissing:
      return "missing";
    case JsonType::kNull:
      return "null";
    case JsonType::kBool:
      return "a boolean";
    case JsonType::kInt:
    case JsonType::kUint:
    case JsonType::kDouble:
      return "a number";
    case JsonType::kString:
      return "a string";
    case JsonType::kObject:
      return "an object";
    case JsonType::kArray:
      return "an array";
  }
  return "unknown";
}

namespace {

bool hex4(const char* p, std::uint32_t* v);

}  // namespace

bool append_unescaped(std::string& out, const char*& p) {
  for (;;) {
    const char c = *p;
    if (c == '"') {
      ++p;
      return true;
    }
    if (c != '\\') {
      out.push_back(c);
      ++p;
      continue;
    }
    const char e = p[1];
    p += 2;
    switch (e) {
      case '"':
        out.push_back('"');
        break;
      case '\\':
        out.push_back('\\');
        break;
      case '/':
        out.push_back('/');
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'u': {
        std::uint32_t cp;
        if (!hex4(p, &cp)) return false;
        p += 4;
        if (cp >= 0xD800 && cp < 0xDC00) {  // a high surrogate: its low half must follow
          std::uint32_t lo;
          if (p[0] != '\\' || p[1] != 'u' || !hex4(p + 2, &lo) || lo < 0xDC00 || lo >= 0xE000) {
            return false;
          }
          p += 6;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        } else if (cp >= 0xDC00 && cp < 0xE000) {
          return false;
        }
        append_utf8(out, cp);
        break;
      }
      default:
        return false;
    }
  }
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

namespace {

std::string parse_reason(simdjson::error_code e) {
  if (e == simdjson::UTF8_ERROR) return "invalid UTF-8";
  return std::string("malformed JSON (") + simdjson::error_message(e) + ")";
}

bool hex4(const char* p, std::uint32_t* v) {
  *v = 0;
  for (int i = 0; i < 4; ++i) {
    const char c = p[i];
    std::uint32_t d;
    if (c >= '0' && c <= '9')
      d = static_cast<std::uint32_t>(c - '0');
    else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
      d = static_cast<std::uint32_t>((c | 0x20) - 'a' + 10);
    else
      return false;
    *v = *v << 4 | d;
  }
  return true;
}

// A key as text (sx(7): a key is its unescaped text). `raw` points just
// after the key's opening quote in a line On-Demand has indexed (so an
// unescaped quote ends it). A key without a backslash is a view of its
// bytes; one with escapes is unescaped into a thread-local buffer (valid
// until the next call). False for an invalid escape.
bool key_text(const char* raw, std::string_view* out) {
  std::size_t n = 0;
  while (raw[n] != '"' && raw[n] != '\\') ++n;
  if (raw[n] == '"') {
    *out = std::string_view(raw, n);
    return true;
  }
  thread_local std::string buf;
  buf.clear();
  const char* p = raw;
  if (!append_unescaped(buf, p)) return false;
  *out = buf;
  return true;
}

}  // namespace

// ---- JsonValidator (DOM) ----

namespace {

// Declared here, defined with the On-Demand code below.
simdjson::error_code check_document(od::document& doc, od::json_type* type);
JsonValue lookup(od::object obj, const std::vector<std::string>& parts, std::size_t k);

}  // namespace

struct JsonValidator::Impl {
  dom::parser parser;
  dom::element root;
  std::string raw;  // scratch for minified containers
  // A line with a number the DOM cannot hold (an integer beyond 64 bits,
  // 1e400) is valid JSON all the same: it is checked, and read, On-Demand.
  od::parser od_parser;
  od::document od_doc;
  bool on_demand = false;
};

JsonValidator::JsonValidator() : impl_(std::make_unique<Impl>()) {}
JsonValidator::~JsonValidator() = default;

bool JsonValidator::validate_object(std::string_view line, std::string* why) {
  impl_->on_demand = false;
  auto result = impl_->parser.parse(line.data(), line.size(), false);
  if (result.error() == simdjson::NUMBER_ERROR) {
    auto err = impl_->od_parser.iterate(line.data(), line.size(), line.size() + kLinePadding)
                   .get(impl_->od_doc);
    od::json_type type = od::json_type::object;
    if (!err) err = check_document(impl_->od_doc, &type);
    if (err) {
      *why = parse_reason(err);
      return false;
    }
    if (type != od::json_type::object) {
      *why = std::string("not a JSON object but ") +
             (type == od::json_type::array ? "an array" : "a number");
      return false;
    }
    impl_->on_demand = true;
    return true;
  }
  if (result.error()) {
    if (result.error() == simdjson::EMPTY) {
      *why = "empty line (expected a JSON object)";
    } else {
      *why = parse_reason(result.error());
    }
    return false;
  }
  impl_->root = result.value_unsafe();
  if (!impl_->root.is_object()) {
    dom::element_type t = impl_->root.type();
    const char* name = t == dom::element_type::ARRAY        ? "an array"
                       : t == dom::element_type::STRING     ? "a string"
                       : t == dom::element_type::NULL_VALUE ? "null"
                       : t == dom::element_type::BOOL       ? "a boolean"
                                                            : "a number";
    *why = std::string("not a JSON object but ") + name;
    return false;
  }
  return true;
}

JsonValue JsonValidator::get(const FieldPath& path) {
  if (impl_->on_demand) {
    impl_->od_doc.rewind();
    od::object obj;
    if (impl_->od_doc.get_object().get(obj)) return {};
    return lookup(obj, path.parts(), 0);
  }
  JsonValue v;
  dom::element e = impl_->root;
  for (const auto& part : path.parts()) {
    if (!e.is_object()) return v;
    // A key repeated in one object: the last value wins (sx(7)); the DOM
    // holds keys unescaped.
    bool found = false;
    dom::element last;
    dom::object obj;
    if (e.get_object().get(obj)) return v;
    for (const dom::key_value_pair field : obj) {
      if (field.key == part) last = field.value, found = true;
    }
    if (!found) return v;
    e = last;
  }
  switch (e.type()) {
    case dom::element_type::NULL_VALUE:
      v.type = JsonType::kNull;
      break;
    case dom::element_type::BOOL:
      v.type = JsonType::kBool;
      v.boolean = e.get_bool().value_unsafe();
      break;
    case dom::element_type::INT64:
      v.type = JsonType::kInt;
      v.i = e.get_int64().value_unsafe();
      break;
    case dom::element_type::UINT64:
      v.type = JsonType::kUint;
      v.u = e.get_uint64().value_unsafe();
      break;
    case dom::element_type::DOUBLE:
      v.type = JsonType::kDouble;
      v.d = e.get_double().value_unsafe();
      break;
    case dom::element_type::STRING:
      v.type = JsonType::kString;
      v.text = e.get_string().value_unsafe();
      break;
    case dom::element_type::ARRAY:
    case dom::element_type::OBJECT:
      v.type = e.is_array() ? JsonType::kArray : JsonType::kObject;
      impl_->raw = simdjson::minify(e);
      v.text = impl_->raw;
      break;
  }
  return v;
}

// ---- RecordReader (On-Demand) ----

struct RecordReader::Impl {
  od::parser parser;
  od::document doc;
  std::unique_ptr<FieldScanner> scanner;  // for read_fields' last set
  std::uint64_t scanner_set = 0;          // its id
  // The record read last, and whether `doc` is open on it: read_fields' fast
  // path leaves it closed, and get(), get_fields() and for_each_field() open
  // it when they need it.
  std::string_view line;
  bool doc_open = false;
  std::vector<std::string> copies;           // get_fields with nesting paths
  std::unique_ptr<JsonValidator> validator;  // error messages for non-objects
};

RecordReader::RecordReader() : impl_(std::make_unique<Impl>()) {}
RecordReader::~RecordReader() = default;

bool RecordReader::open(std::string_view line, std::string* why) {
  failure_ = BadKind::kMalformed;
  impl_->line = line;
  impl_->doc_open = false;
  auto err =
      impl_->parser.iterate(line.data(), line.size(), line.size() + kLinePadding).get(impl_->doc);
  if (err) {
    if (err == simdjson::UTF8_ERROR) failure_ = BadKind::kInvalidUtf8;
    *why = parse_reason(err);
    return false;
  }
  od::json_type t;
  err = impl_->doc.type().get(t);
  if (err) {
    *why = parse_reason(err);
    return false;
  }
  if (t != od::json_type::object) {
    // On-Demand saw only the first byte: a full parse (on this error path
    // only) tells valid JSON that is not an object from malformed text.
    if (!impl_->validator) impl_->validator = std::make_unique<JsonValidator>();
    impl_->validator->validate_object(line, why);
    failure_ = why->starts_with("not a JSON object") ? BadKind::kNotObject : BadKind::kMalformed;
    return false;
  }
  impl_->doc_open = true;
  return true;
}

bool is_json_number(std::string_view s) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  const auto digits = [&] {
    const std::size_t from = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    return i - from;
  };
  if (i < n && s[i] == '-') ++i;
  if (i < n && s[i] == '0') {
    ++i;
  } else if (digits() == 0) {
    return false;
  }
  if (i < n && s[i] == '.') {
    ++i;
    if (digits() == 0) return false;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == n;
}

namespace {

// On-Demand's raw text of a value runs up to the next token: drop the
// whitespace before it.
std::string_view trim_right(std::string_view s) {
  const std::size_t end = s.find_last_not_of(" \t\r\n");
  return s.substr(0, end == std::string_view::npos ? 0 : end + 1);
}

// A valid JSON number that simdjson cannot hold (see is_json_number): a
// double of the nearest value (infinite beyond the double range, zero
// below it), the text as written.
void number_beyond_range(std::string_view text, JsonValue* v) {
  v->type = JsonType::kDouble;
  v->text = text;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v->d);
  if (r.ec == std::errc::result_out_of_range) {
    // Out of range either way: the exponent's sign tells which.
    const std::size_t e = text.find_first_of("eE");
    const bool tiny = e != std::string_view::npos && e + 1 < text.size() && text[e + 1] == '-';
    v->d = tiny ? 0.0 : std::numeric_limits<double>::infinity();
    if (text[0] == '-') v->d = -v->d;
  }
}

JsonValue to_value(od::value val) {
  JsonValue v;
  od::json_type t;
  if (val.type().get(t)) return v;
  switch (t) {
    case od::json_type::null:
      v.type = JsonType::kNull;
      break;
    case od::json_type::boolean: {
      bool b;
      if (!val.get_bool().get(b)) v.type = JsonType::kBool, v.boolean = b;
      break;
    }
    case od::json_type::number: {
      od::number n;
      const std::string_view raw = val.raw_json_token();
      if (val.get_number().get(n)) {
        // simdjson 3.0.1 refuses valid numbers it cannot hold: integers
        // beyond 64 bits, doubles beyond its range. They are JSON (sx(7)):
        // a double of the nearest value, keeping the text.
        const std::string_view text = trim_right(raw);
        if (is_json_number(text)) number_beyond_range(text, &v);
        break;
      }
      v.text = trim_right(raw);
      if (n.is_int64()) {
        v.type = JsonType::kInt, v.i = n.get_int64();
      } else if (n.is_uint64()) {
        v.type = JsonType::kUint, v.u = n.get_uint64();
      } else {
        // simdjson 3.0.1's get_number() gives 0 for a double of more than 19
        // digits (get_double() and the DOM are right): read the text, which
        // from_chars rounds correctly as they do.
        v.type = JsonType::kDouble;
        const auto r = std::from_chars(v.text.data(), v.text.data() + v.text.size(), v.d);
        if (r.ec != std::errc() || r.ptr != v.text.data() + v.text.size()) v.d = n.get_double();
      }
      break;
    }
    case od::json_type::string: {
      std::string_view s;
      if (!val.get_string().get(s)) v.type = JsonType::kString, v.text = s;
      break;
    }
    case od::json_type::array:
    case od::json_type::object: {
      std::string_view raw;
      simdjson::error_code err;
      if (t == od::json_type::array) {
        od::array a;
        err = val.get_array().get(a);
        if (!err) err = a.raw_json().get(raw);
      } else {
        od::object o;
        err = val.get_object().get(o);
        if (!err) err = o.raw_json().get(raw);
      }
      if (!err) {
        v.type = t == od::json_type::array ? JsonType::kArray : JsonType::kObject;
        v.text = trim_right(raw);
      }
      break;
    }
  }
  return v;
}

}  // namespace

bool RecordReader::ensure_doc(std::string* why) {
  // A document that met malformed JSON may be abandoned by simdjson (not
  // alive), and rewind() on it dereferences null: open the record again.
  if (impl_->doc_open && impl_->doc.is_alive()) return true;
  if (impl_->line.data() == nullptr) {
    *why = "no record was read";
    return false;
  }
  return open(impl_->line, why);
}

namespace {

// The value at parts[k..] in `obj`. A key repeated in one object: the last
// value wins (sx(7)), so every field is looked at.
JsonValue lookup(od::object obj, const std::vector<std::string>& parts, std::size_t k) {
  JsonValue found;
  for (auto f : obj) {
    od::field field;
    if (std::move(f).get(field)) return {};
    std::string_view key;
    if (!key_text(field.key().raw(), &key)) return {};
    if (key != parts[k]) continue;  // the iteration skips the value
    if (k + 1 == parts.size()) {
      found = to_value(field.value());
    } else {
      found = JsonValue{};
      od::object sub;
      if (!field.value().get_object().get(sub)) found = lookup(sub, parts, k + 1);
    }
  }
  return found;
}

simdjson::error_code check_value(od::value v);

// Every key (its escapes) and value of `obj`.
simdjson::error_code check_fields(od::object obj) {
  for (auto f : obj) {
    od::field field;
    if (auto err = std::move(f).get(field)) return err;
    std::string_view key;
    if (auto err = field.unescaped_key().get(key)) return err;
    if (auto err = check_value(field.value())) return err;
  }
  return simdjson::SUCCESS;
}

// Every value below `v`, as the DOM would check it, but for numbers, which
// only need the JSON grammar (see to_value).
simdjson::error_code check_value(od::value v) {
  od::json_type t;
  if (auto err = v.type().get(t)) return err;
  switch (t) {
    case od::json_type::array: {
      od::array a;
      if (auto err = v.get_array().get(a)) return err;
      for (auto e : a) {
        od::value x;
        if (auto err = e.get(x)) return err;
        if (auto err = check_value(x)) return err;
      }
      return simdjson::SUCCESS;
    }
    case od::json_type::object: {
      od::object o;
      if (auto err = v.get_object().get(o)) return err;
      return check_fields(o);
    }
    case od::json_type::string: {
      std::string_view s;
      return v.get_string().get(s);
    }
    case od::json_type::boolean: {
      bool b;
      return v.get_bool().get(b);
    }
    case od::json_type::null: {
      bool null = false;
      if (auto err = v.is_null().get(null)) return err;
      return null ? simdjson::SUCCESS : simdjson::N_ATOM_ERROR;
    }
    case od::json_type::number: {
      od::number n;
      if (!v.get_number().get(n)) return simdjson::SUCCESS;
      return is_json_number(trim_right(v.raw_json_token())) ? simdjson::SUCCESS
                                                            : simdjson::NUMBER_ERROR;
    }
  }
  return simdjson::TAPE_ERROR;
}

// The document, checked throughout; *type is its type (the caller wants
// an object).
simdjson::error_code check_document(od::document& doc, od::json_type* type) {
  if (auto err = doc.type().get(*type)) return err;
  if (*type == od::json_type::number) {  // a scalar document: no value to check
    std::string_view raw;
    if (auto err = doc.raw_json_token().get(raw)) return err;
    return is_json_number(trim_right(raw)) ? simdjson::SUCCESS : simdjson::NUMBER_ERROR;
  }
  if (*type != od::json_type::object) {
    od::value root;
    if (auto err = doc.get_value().get(root)) return err;
    if (auto err = check_value(root)) return err;
    const char* rest;
    return doc.current_location().get(rest) == simdjson::OUT_OF_BOUNDS ? simdjson::SUCCESS
                                                                       : simdjson::TRAILING_CONTENT;
  }
  od::object obj;
  if (auto err = doc.get_object().get(obj)) return err;
  if (auto err = check_fields(obj)) return err;
  const char* rest;
  return doc.current_location().get(rest) == simdjson::OUT_OF_BOUNDS ? simdjson::SUCCESS
                                                                     : simdjson::TRAILING_CONTENT;
}

}  // namespace

JsonValue RecordReader::get(const FieldPath& path) {
  std::string why;
  if (!ensure_doc(&why)) return {};
  impl_->doc.rewind();
  od::object obj;
  if (impl_->doc.get_object().get(obj)) return {};
  return lookup(obj, path.parts(), 0);
}

FieldSet::FieldSet(const std::vector<FieldPath>& paths) : paths_(paths) {
  static std::atomic<std::uint64_t> next_id{1};
  id_ = next_id++;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    const auto same =
        std::find_if(paths.begin(), paths.begin() + static_cast<std::ptrdiff_t>(i),
                     [&](const FieldPath& p) { return p.parts() == paths[i].parts(); });
    if (same != paths.begin() + static_cast<std::ptrdiff_t>(i)) {
      aliases_.push_back({i, static_cast<std::size_t>(same - paths.begin())});
      continue;
    }
    std::vector<Node>* level = &roots_;
    const auto& parts = paths[i].parts();
    for (std::size_t k = 0; k < parts.size(); ++k) {
      auto it = std::find_if(level->begin(), level->end(),
                             [&](const Node& n) { return n.name == parts[k]; });
      if (it == level->end()) {
        level->push_back(Node{parts[k], -1, {}});
        it = level->end() - 1;
      }
      if (k + 1 == parts.size()) {
        if (it->leaf >= 0 || !it->kids.empty()) overlap_ = true;  // a repeat, or "a.b" then "a"
        it->leaf = static_cast<int>(i);
      } else {
        if (it->leaf >= 0) overlap_ = true;  // "a" then "a.b"
        level = &it->kids;
      }
    }
  }
  flat_ = !overlap_ && std::all_of(roots_.begin(), roots_.end(),
                                   [](const Node& n) { return n.leaf >= 0 && n.kids.empty(); });
}

bool RecordReader::read_fields(std::string_view line, const FieldSet& set, JsonValue* out,
                               std::string* why) {
  if (impl_->scanner_set != set.id()) {
    impl_->scanner = std::make_unique<FieldScanner>(set);
    impl_->scanner_set = set.id();
  }
  if (impl_->scanner->scan(line, out) == ScanResult::kOk) {
    impl_->line = line;  // the doc is opened if get() or for_each_field() asks
    impl_->doc_open = false;
    return true;
  }
  return open(line, why) && get_fields(set, out, why);
}

namespace {

// One pass over `obj`: fills out[] for the paths under `nodes`; stops once
// every node of this level was seen.
simdjson::error_code scan_fields(od::object obj, const std::vector<FieldSet::Node>& nodes,
                                 JsonValue* out);

}  // namespace

bool RecordReader::get_fields(const FieldSet& set, JsonValue* out, std::string* why) {
  for (std::size_t i = 0; i < set.size(); ++i) out[i] = JsonValue{};
  if (set.overlap_) {
    // Rare: paths that nest ("a" and "a.b") need separate lookups, which
    // pass over what they do not reach: walk the whole object first, so that
    // a malformed record is refused as on the common path below.
    if (!ensure_doc(why)) return false;
    impl_->doc.rewind();
    od::object obj;
    static const std::vector<FieldSet::Node> kNoFields;
    auto err = impl_->doc.get_object().get(obj);
    if (!err) err = scan_fields(obj, kNoFields, out);
    if (err) {
      *why = parse_reason(err);
      return false;
    }
    // Keep copies of the texts, which the next lookup may overwrite.
    impl_->copies.resize(set.size());
    for (std::size_t i = 0; i < set.size(); ++i) {
      out[i] = get(set.paths_[i]);
      impl_->copies[i].assign(out[i].text);
      out[i].text = impl_->copies[i];
    }
    return true;
  }
  if (!ensure_doc(why)) return false;
  impl_->doc.rewind();
  od::object obj;
  auto err = impl_->doc.get_object().get(obj);
  if (!err) err = scan_fields(obj, set.roots_, out);
  if (err) {
    *why = parse_reason(err);
    return false;
  }
  set.apply_aliases(out);
  return true;
}

namespace {

// Every leaf below `nodes` back to missing.
void clear_leaves(const std::vector<FieldSet::Node>& nodes, JsonValue* out) {
  for (const auto& n : nodes) {
    if (n.leaf >= 0) out[n.leaf] = JsonValue{};
    clear_leaves(n.kids, out);
  }
}

simdjson::error_code scan_fields(od::object obj, const std::vector<FieldSet::Node>& nodes,
                                 JsonValue* out) {
  // Keys are compared as unescaped text, and a key repeated in one object
  // takes its last value (sx(7)): every field is looked at. (The fast path,
  // json_scan, leaves both cases to this one.)
  for (auto f : obj) {
    od::field field;
    if (auto err = std::move(f).get(field)) return err;
    std::string_view key;
    if (!key_text(field.key().raw(), &key)) return simdjson::STRING_ERROR;
    const FieldSet::Node* match = nullptr;
    for (const auto& n : nodes) {
      if (key == n.name) {
        match = &n;
        break;
      }
    }
    if (!match) continue;  // the iteration skips the value
    if (match->leaf >= 0) {
      out[match->leaf] = to_value(field.value());
    } else {
      clear_leaves(match->kids, out);  // an earlier value of this key is replaced
      od::object sub;
      if (!field.value().get_object().get(sub)) {
        if (auto err = scan_fields(sub, match->kids, out)) return err;
      }
    }
  }
  return simdjson::SUCCESS;
}

}  // namespace

bool RecordReader::for_each_field(const std::function<void(std::string_view, const JsonValue&)>& fn,
                                  std::string* why) {
  if (!ensure_doc(why)) return false;
  impl_->doc.rewind();
  od::object obj;
  auto err = impl_->doc.get_object().get(obj);
  if (err) {
    *why = parse_reason(err);
    return false;
  }
  for (auto field : obj) {
    std::string_view key;
    err = field.unescaped_key().get(key);
    if (err) {
      *why = parse_reason(err);
      return false;
    }
    // The key view points into the parser's string buffer, which the value's
    // own string may overwrite after it: keep a copy.
    std::string key_copy(key);
    od::value val;
    err = field.value().get(val);
    if (err) {
      *why = parse_reason(err);
      return false;
    }
    JsonValue v = to_value(val);
    if (v.type == JsonType::kMissing) {
      *why = "malformed JSON value for key \"" + key_copy + "\"";
      return false;
    }
    fn(key_copy, v);
  }
  return true;
}

// ---- writing ----

void append_json_string(std::string& out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  out.push_back('"');
  // The runs between bytes to escape go in whole (most strings are one run).
  for (std::size_t i = 0;;) {
    const std::size_t j = swar::find_json_escape(s.data(), s.size(), i);
    out.append(s.data() + i, j - i);
    if (j == s.size()) break;
    const char c = s[j];
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default: {
        const auto u = static_cast<unsigned char>(c);
        out += "\\u00";
        out.push_back(kHex[u >> 4]);
        out.push_back(kHex[u & 15]);
      }
    }
    i = j + 1;
  }
  out.push_back('"');
}

bool is_valid_utf8(std::string_view s) {
  // ASCII, the common line, without the call into simdjson.
  return swar::all_ascii(s.data(), s.size()) || simdjson::validate_utf8(s.data(), s.size());
}

namespace {

// Whether '"key":' starts at q, after the '{' or a ','.
bool key_at(std::string_view record, std::string_view key, std::size_t q) {
  const std::size_t n = key.size();
  return q >= 1 && q + n + 3 <= record.size() && record[q] == '"' &&
         (record[q - 1] == '{' || record[q - 1] == ',') && record.compare(q + 1, n, key) == 0 &&
         record[q + 1 + n] == '"' && record[q + 2 + n] == ':';
}

}  // namespace

JsonValue made_record_field(std::string_view record, std::string_view key, std::string& scratch,
                            std::size_t hint) {
  JsonValue v;
  const std::size_t n = key.size();
  const bool hinted = hint != std::string_view::npos && hint >= n + 4 && hint < record.size() &&
                      key_at(record, key, hint - n - 3);
  for (std::size_t at = 1; hinted || at + n + 3 <= record.size();) {
    std::size_t q;
    if (hinted) {
      q = hint - n - 3;
    } else {
      q = record.find('"', at);
      if (q == std::string_view::npos || q + n + 3 > record.size()) break;
      at = q + 1;
      if (!key_at(record, key, q)) continue;
    }
    const std::size_t start = q + n + 3;
    const char c = record[start];
    if (c == '"') {
      const std::size_t body = start + 1;
      std::size_t end = body;
      while (end < record.size() && record[end] != '"' && record[end] != '\\') ++end;
      if (end < record.size() && record[end] == '"') {
        v.text = record.substr(body, end - body);
      } else {
        scratch.clear();
        const char* p = record.data() + body;
        if (!append_unescaped(scratch, p)) return v;  // not sx-made: missing
        v.text = scratch;
      }
      v.type = JsonType::kString;
    } else if (c == 't' || c == 'f') {
      v.type = JsonType::kBool;
      v.boolean = c == 't';
    } else if (c == 'n') {
      v.type = JsonType::kNull;
    } else if (c == '{' || c == '[') {
      v.type = c == '{' ? JsonType::kObject : JsonType::kArray;
    } else {
      std::size_t end = start;
      bool integral = true;
      while (end < record.size() && record[end] != ',' && record[end] != '}') {
        integral &= record[end] == '-' || (record[end] >= '0' && record[end] <= '9');
        ++end;
      }
      const char* b = record.data() + start;
      const char* e = record.data() + end;
      v.text = record.substr(start, end - start);
      if (integral && std::from_chars(b, e, v.i).ec == std::errc()) {
        v.type = JsonType::kInt;
      } else if (integral && *b != '-' && std::from_chars(b, e, v.u).ec == std::errc()) {
        v.type = JsonType::kUint;
      } else {
        v.type = JsonType::kDouble;
        if (std::from_chars(b, e, v.d).ec != std::errc()) v.type = JsonType::kMissing;
      }
    }
    return v;
  }
  return v;
}

}  // namespace sx
