// --format regex:PATTERN (sx-read(1), INPUT FORMATS): each named group of a
// PCRE2 pattern, matched against the whole line, becomes a field. PCRE2 with
// its JIT was chosen over RE2 by a benchmark (bench/README.md, regex_libs):
// an nginx combined pattern with named groups ran about 10 times faster.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>
#include <string>
#include <vector>

#include "base/error.h"
#include "io/formats.h"
#include "io/json.h"

namespace sx::formats {

namespace {

// A match that needs more steps than this on one line (a pattern that
// backtracks catastrophically, as (a+)+b does) makes the line bad instead of
// stalling sx-read. Log lines matched by a sane pattern need a few hundred.
constexpr std::uint32_t kMatchLimit = 1000000;
constexpr std::size_t kJitStackMax = std::size_t{1} << 20;

std::string pcre2_message(int code) {
  PCRE2_UCHAR buf[256];
  const int n = pcre2_get_error_message(code, buf, sizeof buf);
  if (n < 0) return "error " + std::to_string(code);
  return std::string(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n));
}

class RegexFormat final : public LineFormat {
 public:
  explicit RegexFormat(std::string_view pattern) {
    const std::string shown = "--format regex:" + std::string(pattern);
    int error = 0;
    PCRE2_SIZE offset = 0;
    // The whole line (ANCHORED, ENDANCHORED), in UTF-8 (checked per line
    // before matching: the record must be valid UTF-8 anyway).
    code_ = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                          PCRE2_ANCHORED | PCRE2_ENDANCHORED | PCRE2_UTF, &error, &offset, nullptr);
    if (code_ == nullptr) {
      throw usage_error(shown + ": the pattern does not compile: " + pcre2_message(error) +
                        " at offset " + std::to_string(offset) +
                        " (PCRE2 syntax; see sx-read(1), INPUT FORMATS)");
    }
    read_names();
    if (fields_.empty()) {
      pcre2_code_free(code_);
      code_ = nullptr;
      throw usage_error(shown +
                        ": the pattern has no named group; name each group that becomes a "
                        "field, as in (?<status>[0-9]+) (see sx-read(1), INPUT FORMATS)");
    }
    // The JIT where the platform has it; the interpreter gives the same results.
    if (pcre2_jit_compile(code_, PCRE2_JIT_COMPLETE) == 0) {
      jit_stack_ = pcre2_jit_stack_create(32 * 1024, kJitStackMax, nullptr);
    }
    match_ = pcre2_match_data_create_from_pattern(code_, nullptr);
    context_ = pcre2_match_context_create(nullptr);
    if (match_ == nullptr || context_ == nullptr) throw usage_error(shown + ": out of memory");
    pcre2_set_match_limit(context_, kMatchLimit);
    if (jit_stack_ != nullptr) pcre2_jit_stack_assign(context_, nullptr, jit_stack_);
  }
  ~RegexFormat() override {
    pcre2_match_context_free(context_);
    pcre2_jit_stack_free(jit_stack_);
    pcre2_match_data_free(match_);
    pcre2_code_free(code_);
  }
  RegexFormat(const RegexFormat&) = delete;
  RegexFormat& operator=(const RegexFormat&) = delete;

  const char* name() const override { return "regex"; }

  LineResult convert(std::string_view line, std::string* out, std::string* why) override {
    if (!is_valid_utf8(line)) {
      *why = "invalid UTF-8";
      return LineResult::kBad;
    }
    const int rc = pcre2_match(code_, reinterpret_cast<PCRE2_SPTR>(line.data()), line.size(), 0,
                               PCRE2_NO_UTF_CHECK, match_, context_);
    if (rc < 0) {
      if (rc == PCRE2_ERROR_NOMATCH) {
        *why = "does not match the pattern";
      } else if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
                 rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT) {
        *why = "the pattern needs too many steps on this line (" + pcre2_message(rc) +
               "): make it backtrack less, e.g. [^ ]* instead of .* between fields";
      } else {
        *why = "the pattern cannot be matched: " + pcre2_message(rc);
      }
      return LineResult::kBad;
    }
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(match_);
    const auto pairs = static_cast<std::size_t>(rc);  // groups set: 0 .. rc-1
    out->clear();
    out->push_back('{');
    for (const Field& f : fields_) {
      if (out->size() > 1) out->push_back(',');
      out->append(f.key);
      // The first group of that name that took part (duplicate names, (?J)).
      std::size_t g = 0;
      for (const std::size_t number : f.groups) {
        if (number < pairs && ov[2 * number] != PCRE2_UNSET) {
          g = number;
          break;
        }
      }
      if (g == 0) {
        out->append("null");
        continue;
      }
      // (\K can put a group's end before its start: read as empty.)
      const std::size_t from = std::min<std::size_t>(ov[2 * g], line.size());
      const std::size_t to = std::clamp<std::size_t>(ov[2 * g + 1], from, line.size());
      const std::string_view value = line.substr(from, to - from);
      if (is_json_number(value)) {
        out->append(value);
      } else {
        append_json_string(*out, value);
      }
    }
    out->push_back('}');
    return LineResult::kRecord;
  }

 private:
  struct Field {
    std::string key;                  // "name": as JSON
    std::vector<std::size_t> groups;  // its group numbers, ascending
  };

  // The named groups, in the order they open in the pattern; a name used
  // twice ((?J)) is one field.
  void read_names() {
    std::uint32_t count = 0, entry_size = 0;
    PCRE2_SPTR table = nullptr;
    pcre2_pattern_info(code_, PCRE2_INFO_NAMECOUNT, &count);
    pcre2_pattern_info(code_, PCRE2_INFO_NAMEENTRYSIZE, &entry_size);
    pcre2_pattern_info(code_, PCRE2_INFO_NAMETABLE, &table);
    std::vector<std::pair<std::size_t, std::string>> named;  // (group, name)
    for (std::uint32_t i = 0; i < count && table != nullptr; ++i) {
      const PCRE2_SPTR e = table + static_cast<std::size_t>(i) * entry_size;
      const std::size_t number = (static_cast<std::size_t>(e[0]) << 8) | e[1];
      named.emplace_back(number, reinterpret_cast<const char*>(e + 2));
    }
    std::sort(named.begin(), named.end());
    for (const auto& [number, name] : named) {
      std::string key;
      append_json_string(key, name);
      key.push_back(':');
      auto it = std::find_if(fields_.begin(), fields_.end(),
                             [&](const Field& f) { return f.key == key; });
      if (it == fields_.end()) {
        fields_.push_back(Field{key, {number}});
      } else {
        it->groups.push_back(number);
      }
    }
  }

  pcre2_code* code_ = nullptr;
  pcre2_match_data* match_ = nullptr;  // reused for every line
  pcre2_match_context* context_ = nullptr;
  pcre2_jit_stack* jit_stack_ = nullptr;
  std::vector<Field> fields_;
};

}  // namespace

std::unique_ptr<LineFormat> make_regex(std::string_view pattern) {
  return std::make_unique<RegexFormat>(pattern);
}

}  // namespace sx::formats
