#include "stream/bad_input.h"

#include "base/diag.h"
#include "base/error.h"
#include "io/json.h"

namespace sx {

std::string too_long_reason(std::size_t limit, const char* what) {
  std::string size;
  if (limit % (std::size_t{1} << 30) == 0) {
    size = std::to_string(limit >> 30) + "GiB";
  } else if (limit % (std::size_t{1} << 20) == 0) {
    size = std::to_string(limit >> 20) + "MiB";
  } else if (limit % (std::size_t{1} << 10) == 0) {
    size = std::to_string(limit >> 10) + "KiB";
  } else {
    size = std::to_string(limit) + " bytes";
  }
  return std::string(what) + " longer than --max-line-bytes (" + size +
         "); raise it with --max-line-bytes if such lines are expected";
}

BadInputPolicy::BadInputPolicy(const std::string& spec) {
  if (spec == "fail") {
    mode_ = Mode::kFail;
  } else if (spec == "skip") {
    mode_ = Mode::kSkip;
  } else if (spec.rfind("dead-letter=", 0) == 0 && spec.size() > 12) {
    mode_ = Mode::kDeadLetter;
    path_ = spec.substr(12);
    dead_letter_ = Output::open_file(path_, /*append=*/true);
  } else {
    throw usage_error("--on-error: '" + spec +
                      "' is not a policy (use fail, skip, or dead-letter=FILE)");
  }
}

std::string make_reject_record(std::string_view source, std::uint64_t line, std::string_view reason,
                               std::string_view raw, bool truncated) {
  std::string rec = "{\"source\":";
  append_json_string(rec, is_valid_utf8(source) ? source : std::string_view("(binary name)"));
  rec += ",\"line\":" + std::to_string(line) + ",\"reason\":";
  append_json_string(rec, reason);
  if (is_valid_utf8(raw)) {
    rec += ",\"raw\":";
    append_json_string(rec, raw);
  } else {
    rec += ",\"raw_base64\":\"" + base64_encode(raw) + "\"";
  }
  if (truncated) rec += ",\"raw_truncated\":true";
  rec += "}";
  return rec;
}

void BadInputPolicy::handle(BadKind kind, std::string_view source, std::uint64_t line,
                            std::string_view reason, std::string_view raw) {
  if (mode_ == Mode::kFail) {
    throw data_error(std::string(source) + ":" + std::to_string(line) + ": " + std::string(reason) +
                     " (pass --on-error skip or --on-error dead-letter=FILE to go on)");
  }
  ++counts_[static_cast<std::size_t>(kind)];
  ++total_;
  if (mode_ == Mode::kDeadLetter) {
    const std::string rec = make_reject_record(
        source, line, is_valid_utf8(reason) ? reason : std::string_view(bad_kind_name(kind)), raw,
        kind == BadKind::kTooLong);
    dead_letter_->write_line(rec);
  }
}

void BadInputPolicy::finish() {
  if (finished_) return;
  finished_ = true;
  if (dead_letter_) dead_letter_->sync();
  if (total_ == 0) return;
  std::string parts;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] == 0) continue;
    if (!parts.empty()) parts += ", ";
    parts += std::to_string(counts_[i]) + " " + bad_kind_name(static_cast<BadKind>(i));
  }
  std::string msg = (mode_ == Mode::kDeadLetter ? "wrote " : "skipped ") + std::to_string(total_) +
                    (total_ == 1 ? " bad line (" : " bad lines (") + parts + ")";
  if (mode_ == Mode::kDeadLetter) msg += " to " + path_;
  warn(msg);
}

std::string base64_encode(std::string_view bytes) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i < bytes.size()) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

}  // namespace sx
