// clf and combined (Apache / nginx access logs), sx-read(1) INPUT FORMATS:
//   clf:      remote_addr ident remote_user [time_local] "request" status body_bytes_sent
//   combined: clf "http_referer" "http_user_agent"
// Parsed by hand, one pass, no allocation on the common line: the record is
// built in *out, a quoted field with a backslash is unescaped into a reused
// scratch buffer.
#include <cstddef>
#include <string>
#include <string_view>

#include "io/format_text.h"
#include "io/formats.h"
#include "io/json.h"

namespace sx::formats {
namespace {

class ClfFormat final : public TextFormat {
 public:
  explicit ClfFormat(bool combined) : combined_(combined) {}

  const char* name() const override { return combined_ ? "combined" : "clf"; }

  LineResult convert(std::string_view line, std::string* out, std::string* why) override {
    if (const LineResult r = begin(line, out, why); r != LineResult::kRecord) return r;
    std::string& o = *out;

    std::string_view addr, ident, user, time, request, status, bytes;
    if (!token(&addr, "remote_addr") || !space("remote_addr") ||
        !token(&ident, "the ident field") || !space("the ident field") ||
        !token(&user, "remote_user")) {
      return LineResult::kBad;
    }
    (void)ident;
    if (pos_ == line_.size()) return fail("' [' and the time after remote_user", pos_);
    ++pos_;  // the space that ended remote_user
    if (!expect('[', "'[' before the time")) return LineResult::kBad;
    const std::size_t close = line_.find(']', pos_);
    if (close == std::string_view::npos) {
      return fail("']' after the time", line_.size());
    }
    time = line_.substr(pos_, close - pos_);
    pos_ = close + 1;
    if (!space("the time") || !expect('"', "'\"' before the request")) return LineResult::kBad;
    bool escaped = false;
    if (!quoted(&request, &escaped, "the request")) return LineResult::kBad;

    lit(o, "{\"remote_addr\":");
    append_string(o, addr);
    lit(o, ",\"remote_user\":");
    append_nullable(o, user);
    lit(o, ",\"time_local\":");
    mark(o, "time_local");
    append_string(o, time);
    lit(o, ",\"request\":");
    append_quoted(o, request, escaped, false);
    // METHOD PATH PROTOCOL: the method up to the first space, the protocol
    // after the last one (HTTP/...), the path between (spaces and all).
    std::string_view req = escaped ? std::string_view(scratch_) : request;
    const std::size_t sp1 = req.find(' ');
    const std::size_t sp2 = req.rfind(' ');
    bool split = sp1 != std::string_view::npos && sp1 > 0 && sp2 > sp1 + 1 &&
                 req.substr(sp2 + 1).starts_with("HTTP/");
    for (std::size_t i = 0; split && i < sp1; ++i) {
      const char c = req[i];
      split = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_';
    }
    if (split) {
      lit(o, ",\"method\":");
      append_string(o, req.substr(0, sp1));
      lit(o, ",\"path\":");
      append_string(o, req.substr(sp1 + 1, sp2 - sp1 - 1));
      lit(o, ",\"protocol\":");
      append_string(o, req.substr(sp2 + 1));
    } else {
      lit(o, ",\"method\":null,\"path\":null,\"protocol\":null");
    }

    if (!space("the request")) return LineResult::kBad;
    const std::size_t status_at = pos_;
    token(&status, nullptr);
    if (!is_number_or_dash(status)) return fail("the status (a number or '-')", status_at);
    lit(o, ",\"status\":");
    append_number(o, status);
    if (!space("the status")) return LineResult::kBad;
    const std::size_t bytes_at = pos_;
    token(&bytes, nullptr);
    if (!is_number_or_dash(bytes)) return fail("body_bytes_sent (a number or '-')", bytes_at);
    lit(o, ",\"body_bytes_sent\":");
    append_number(o, bytes);
    if (combined_) {
      std::string_view referer, agent;
      if (!space("body_bytes_sent") || !expect('"', "'\"' before http_referer") ||
          !quoted(&referer, &escaped, "http_referer")) {
        return LineResult::kBad;
      }
      lit(o, ",\"http_referer\":");
      append_quoted(o, referer, escaped, true);
      if (!space("http_referer") || !expect('"', "'\"' before http_user_agent") ||
          !quoted(&agent, &escaped, "http_user_agent")) {
        return LineResult::kBad;
      }
      lit(o, ",\"http_user_agent\":");
      append_quoted(o, agent, escaped, true);
    }
    // Fields after the last one (nginx formats that add $request_time, ...)
    // are ignored, when a space separates them.
    if (pos_ < line_.size() && line_[pos_] != ' ') {
      return fail(combined_ ? "a space or the end of the line after http_user_agent"
                            : "a space or the end of the line after body_bytes_sent",
                  pos_);
    }
    o.push_back('}');
    return LineResult::kRecord;
  }

 private:
  // The text up to the next space or the end; false when empty (with *why
  // "expected FIELD" unless field is null).
  bool token(std::string_view* t, const char* field) {
    const std::size_t start = pos_;
    while (pos_ < line_.size() && line_[pos_] != ' ') ++pos_;
    *t = line_.substr(start, pos_ - start);
    if (t->empty() && field) {
      fail(field, start);
      return false;
    }
    return true;
  }

  bool expect(char c, std::string_view what) {
    if (pos_ < line_.size() && line_[pos_] == c) {
      ++pos_;
      return true;
    }
    fail(what, pos_);
    return false;
  }

  // A quoted field's body, pos_ just after its opening quote. It ends at the
  // first '"' not escaped by a backslash that is followed by a space or the
  // end of the line (a bare '"' inside is kept). \" and \\ are unescaped
  // (Apache); other backslash sequences (nginx's \x22) stay as they are.
  // *escaped tells whether scratch_ holds the unescaped body.
  bool quoted(std::string_view* body, bool* escaped, std::string_view field) {
    const std::size_t start = pos_;
    *escaped = false;
    std::size_t i = pos_;
    for (;;) {
      i = find_quote_or_backslash(line_, i);
      if (i >= line_.size()) {
        std::string what = "'\"' closing ";
        what.append(field);
        fail(what, line_.size());
        return false;
      }
      if (line_[i] == '\\') {
        *escaped = true;
        i += 2;
        continue;
      }
      if (i + 1 == line_.size() || line_[i + 1] == ' ') break;
      ++i;
    }
    *body = line_.substr(start, i - start);
    pos_ = i + 1;
    if (*escaped) {
      scratch_.clear();
      for (std::size_t k = 0; k < body->size(); ++k) {
        const char c = (*body)[k];
        if (c == '\\' && k + 1 < body->size() &&
            ((*body)[k + 1] == '"' || (*body)[k + 1] == '\\')) {
          scratch_.push_back((*body)[++k]);
        } else {
          scratch_.push_back(c);
        }
      }
    }
    return true;
  }

  void append_quoted(std::string& o, std::string_view body, bool escaped, bool dash_null) {
    const std::string_view v = escaped ? std::string_view(scratch_) : body;
    if (dash_null) {
      append_nullable(o, v);
    } else {
      append_string(o, v);
    }
  }

  static void append_nullable(std::string& o, std::string_view v) {
    if (v == "-") {
      lit(o, "null");
    } else {
      append_string(o, v);
    }
  }

  static bool is_number_or_dash(std::string_view t) {
    if (t == "-") return true;
    if (t.empty() || t.size() > 18) return false;
    for (const char c : t) {
      if (c < '0' || c > '9') return false;
    }
    return true;
  }

  // A digit string (leading zeros dropped: JSON has none) or null for "-".
  static void append_number(std::string& o, std::string_view t) {
    if (t == "-") {
      lit(o, "null");
      return;
    }
    std::size_t i = 0;
    while (i + 1 < t.size() && t[i] == '0') ++i;
    o.append(t.substr(i));
  }

  bool combined_;
  std::string scratch_;
};

}  // namespace

std::unique_ptr<LineFormat> make_clf(bool combined) {
  return std::make_unique<ClfFormat>(combined);
}

}  // namespace sx::formats
