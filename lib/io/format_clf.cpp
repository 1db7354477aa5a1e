// clf and combined (Apache / nginx access logs), sx-read(1) INPUT FORMATS:
//   clf:      remote_addr ident remote_user [time_local] "request" status body_bytes_sent
//   combined: clf "http_referer" "http_user_agent"
// Parsed by hand, one pass, no allocation on the common line: the record is
// built in *out, a quoted field with a backslash is unescaped into a reused
// scratch buffer.
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

#include "io/format_text.h"
#include "io/formats.h"
#include "io/json.h"

namespace sx::formats {
namespace {

class ClfFormat final : public TextFormat {
 public:
  ClfFormat(bool combined, bool fast) : combined_(combined), fast_(fast) {}

  const char* name() const override { return combined_ ? "combined" : "clf"; }

  LineResult convert(std::string_view line, std::string* out, std::string* why) override {
    if (fast_) {
      std::string_view l = line;
      if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
      if (!l.empty() && convert_clean(l, out)) return LineResult::kRecord;
    }
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
    std::size_t sp1, sp2;
    if (split_request(req, &sp1, &sp2)) {
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
  // METHOD PATH PROTOCOL: the method up to the first space (*sp1), the
  // protocol after the last one (*sp2, HTTP/...), the path between (spaces
  // and all). False when the request has not that shape.
  static bool split_request(std::string_view req, std::size_t* sp1, std::size_t* sp2) {
    *sp1 = req.find(' ');
    *sp2 = req.rfind(' ');
    bool split = *sp1 != std::string_view::npos && *sp1 > 0 && *sp2 > *sp1 + 1 &&
                 req.substr(*sp2 + 1).starts_with("HTTP/");
    for (std::size_t i = 0; split && i < *sp1; ++i) {
      const char c = req[i];
      split = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_';
    }
    return split;
  }

  // The common line (is_clean_line: no field needs an escape, and its quotes
  // are those of the quoted fields), converted in one pass into a buffer on
  // the stack: the same record as the general path makes. False, with *out
  // untouched, for any line this path does not take whole; the general path
  // then converts it and words the message.
  bool convert_clean(std::string_view line, std::string* out) {
    constexpr std::size_t kMax = 4096;
    const unsigned n_quotes = combined_ ? 6 : 2;
    std::size_t quote[6];
    if (line.size() > kMax || !is_clean_line(line, n_quotes, quote)) return false;
    const char* const b = line.data();
    const char* const end = b + line.size();
    const char* p = b;
    // A token up to the next space (or the end, when `last`), not empty.
    const auto token = [&p, end](std::string_view* t, bool last) {
      const char* e = p;
      while (e < end && *e != ' ') ++e;
      if (e == p || (e == end && !last)) return false;
      *t = std::string_view(p, static_cast<std::size_t>(e - p));
      p = e == end ? end : e + 1;
      return true;
    };
    std::string_view addr, ident, user, time, request, status, bytes, referer, agent;
    if (!token(&addr, false) || !token(&ident, false) || !token(&user, false) || p == end ||
        *p != '[') {
      return false;
    }
    ++p;
    // The time ends at the first ']', then ' "' opens the request: the first quote.
    const char* close =
        static_cast<const char*>(std::memchr(p, ']', static_cast<std::size_t>(end - p)));
    if (!close || close + 3 != b + quote[0] + 1 || close[1] != ' ') return false;
    time = std::string_view(p, static_cast<std::size_t>(close - p));
    // Each quoted field ends at the next quote, then a space (and the next
    // field's quote) or the end of the line.
    const auto quoted = [&](unsigned k, std::string_view* t) {
      const char* q = b + quote[k + 1];
      *t = std::string_view(b + quote[k] + 1, quote[k + 1] - quote[k] - 1);
      return q + 1 == end || q[1] == ' ';
    };
    if (!quoted(0, &request) || b + quote[1] + 1 == end) return false;
    p = b + quote[1] + 2;
    if (!token(&status, false) || !is_number_or_dash(status) || !token(&bytes, !combined_) ||
        !is_number_or_dash(bytes)) {
      return false;
    }
    if (combined_ && (p != b + quote[2] || !quoted(2, &referer) || quote[4] != quote[3] + 2 ||
                      !quoted(4, &agent))) {
      return false;
    }

    char buf[2 * kMax + 256];  // keys and punctuation under 256 bytes; the request twice
    CleanWriter o{buf, end};
    o.lit("{\"remote_addr\":");
    o.str(addr);
    o.lit(",\"remote_user\":");
    o.nullable(user);
    o.lit(",\"time_local\":");
    mark_at(static_cast<std::size_t>(o.o - buf), "time_local");
    o.str(time);
    o.lit(",\"request\":");
    o.str(request);
    std::size_t sp1, sp2;
    if (split_request(request, &sp1, &sp2)) {
      o.lit(",\"method\":");
      o.str(request.substr(0, sp1));
      o.lit(",\"path\":");
      o.str(request.substr(sp1 + 1, sp2 - sp1 - 1));
      o.lit(",\"protocol\":");
      o.str(request.substr(sp2 + 1));
    } else {
      o.lit(",\"method\":null,\"path\":null,\"protocol\":null");
    }
    o.lit(",\"status\":");
    o.number(status);
    o.lit(",\"body_bytes_sent\":");
    o.number(bytes);
    if (combined_) {
      o.lit(",\"http_referer\":");
      o.nullable(referer);
      o.lit(",\"http_user_agent\":");
      o.nullable(agent);
    }
    *o.o++ = '}';
    out->assign(buf, static_cast<std::size_t>(o.o - buf));
    return true;
  }

  // Writes convert_clean's record. Copies of the line's fields go 16 bytes
  // at a time, the last 16 over-copied when the line has them (the buffer
  // has room): no call per field.
  struct CleanWriter {
    char* o;
    const char* line_end;

    template <std::size_t N>
    [[gnu::always_inline]] void lit(const char (&s)[N]) {
      std::memcpy(o, s, N - 1);
      o += N - 1;
    }
    [[gnu::always_inline]] void put(std::string_view t) {
      const char* src = t.data();
      std::size_t n = t.size();
      if (line_end - src >= 16) {
        for (;;) {
          std::memcpy(o, src, 16);
          if (n <= 16) break;
          o += 16, src += 16, n -= 16;
          if (line_end - src < 16) {
            std::memcpy(o, src, n);
            break;
          }
        }
        o += n;
        return;
      }
      std::memcpy(o, src, n);
      o += n;
    }
    [[gnu::always_inline]] void str(std::string_view t) {
      *o++ = '"';
      put(t);
      *o++ = '"';
    }
    [[gnu::always_inline]] void nullable(std::string_view t) {
      if (t.size() == 1 && t[0] == '-') {
        lit("null");
      } else {
        str(t);
      }
    }
    [[gnu::always_inline]] void number(std::string_view t) {
      if (t.size() == 1 && t[0] == '-') {
        lit("null");
        return;
      }
      std::size_t i = 0;
      while (i + 1 < t.size() && t[i] == '0') ++i;
      put(t.substr(i));
    }
  };

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
  bool fast_;  // convert_clean first (off only to test it against the general path)
  std::string scratch_;
};

}  // namespace

std::unique_ptr<LineFormat> make_clf(bool combined, bool fast) {
  return std::make_unique<ClfFormat>(combined, fast);
}

}  // namespace sx::formats
