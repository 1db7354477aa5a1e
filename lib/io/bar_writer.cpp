#include "io/bar_writer.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "io/table_writer.h"

namespace sx {

namespace {

// A positive number from the environment variable `name`, else 0.
std::size_t env_size(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return 0;
  char* end = nullptr;
  const long n = std::strtol(v, &end, 10);
  if (*end != '\0' || n <= 0 || n > 100000) return 0;
  return static_cast<std::size_t>(n);
}

// U+2588 FULL BLOCK, then U+258F..U+2589: one to seven eighths.
constexpr const char* kFull = "\u2588";
constexpr const char* kEighths[8] = {"",       "\u258F", "\u258E", "\u258D",
                                     "\u258C", "\u258B", "\u258A", "\u2589"};

}  // namespace

TerminalSize terminal_size(int fd) {
  TerminalSize size;
  winsize ws{};
  const bool tty = ::isatty(fd) && ::ioctl(fd, TIOCGWINSZ, &ws) == 0;
  if (tty && ws.ws_col > 0) size.columns = ws.ws_col;
  if (tty && ws.ws_row > 0) size.lines = ws.ws_row;
  if (const std::size_t c = env_size("COLUMNS")) size.columns = c;
  if (const std::size_t l = env_size("LINES")) size.lines = l;
  return size;
}

std::string terminal_safe(std::string_view text) {
  std::string s;
  s.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7F) {
      s += '?';
    } else if (c == 0xC2 && i + 1 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
      s += '?';
      ++i;
    } else {
      s += static_cast<char>(c);
    }
  }
  return s;
}

std::string bar_blocks(double cells) {
  std::string s;
  if (!(cells > 0)) return s;
  double e = std::round(cells * 8);
  if (e < 1) e = 1;
  if (e > 8e6) e = 8e6;
  const auto eighths = static_cast<std::size_t>(e);
  for (std::size_t i = 0; i < eighths / 8; ++i) s += kFull;
  s += kEighths[eighths % 8];
  return s;
}

BarWriter::BarWriter(Output& out, std::size_t width)
    : out_(out), width_(std::max<std::size_t>(width, 20)) {}

void BarWriter::row(std::string_view label, std::string_view text, const double* number) {
  Row r;
  r.label = terminal_safe(label);
  r.text = terminal_safe(text);
  if (number != nullptr && std::isfinite(*number)) {
    r.is_number = true;
    r.value = *number;
  }
  rows_.push_back(std::move(r));
}

void BarWriter::end_batch(std::int64_t batch_id) {
  if (rows_.empty()) return;
  out_.write(render(batch_id));
}

std::string BarWriter::render(std::int64_t batch_id) {
  std::string s;
  if (rows_.empty()) return s;
  std::size_t value_w = 0;
  for (const Row& r : rows_) value_w = std::max(value_w, display_width(r.text));
  // Labels take at most half the line, and leave 10 cells for the bars.
  const std::size_t max_label = std::max<std::size_t>(
      4, std::min(width_ / 2, width_ > value_w + 12 ? width_ - value_w - 12 : 0));
  std::size_t label_w = 0;
  double max_pos = 0, max_neg = 0;
  for (Row& r : rows_) {
    if (display_width(r.label) > max_label) {
      r.label = std::string(prefix_chars(r.label, max_label - 3)) + "...";
    }
    label_w = std::max(label_w, display_width(r.label));
    if (r.is_number) {
      max_pos = std::max(max_pos, r.value);
      max_neg = std::max(max_neg, -r.value);
    }
  }
  // label, space, bar area, space, value: the bar area takes what is left,
  // at least 10 cells (a line may then be wider than the terminal).
  const std::size_t used = label_w + 1 + 1 + value_w;
  std::size_t area = width_ >= used + 10 ? width_ - used : 10;
  // With negatives: left part | right part, on one scale that fits both.
  std::size_t left = 0;
  double scale = 0;
  if (max_neg > 0) {
    area -= 1;  // the axis
    // max_neg / (max_neg + max_pos), without overflowing to inf/inf.
    const double share = 1 / (1 + max_pos / max_neg);
    left = static_cast<std::size_t>(static_cast<double>(area) * share);
    left = std::clamp<std::size_t>(left, 1, area - (max_pos > 0 ? 1 : 0));
    scale = static_cast<double>(left) / max_neg;
    if (max_pos > 0) scale = std::min(scale, static_cast<double>(area - left) / max_pos);
  } else if (max_pos > 0) {
    scale = static_cast<double>(area) / max_pos;
  }
  s += "Batch: " + std::to_string(batch_id) + "\n";
  for (const Row& r : rows_) {
    s += r.label;
    s.append(label_w - display_width(r.label) + 1, ' ');
    std::size_t bar_w = 0;  // display cells written in the bar area
    if (max_neg > 0) {
      std::size_t neg = 0;
      if (r.is_number && r.value < 0) {
        neg = static_cast<std::size_t>(std::lround(-r.value * scale));
        if (neg == 0) neg = 1;
        neg = std::min(neg, left);
      }
      s.append(left - neg, ' ');
      for (std::size_t i = 0; i < neg; ++i) s += kFull;
      s += '|';
      bar_w = left + 1;
    }
    if (r.is_number && r.value > 0) {
      const std::string bar = bar_blocks(r.value * scale);
      s += bar;
      bar_w += display_width(bar);
    }
    const std::size_t end = area + (max_neg > 0 ? 1 : 0);
    s.append(end > bar_w ? end - bar_w : 0, ' ');
    s += ' ';
    s.append(value_w - display_width(r.text), ' ');
    s += r.text;
    s += '\n';
  }
  rows_.clear();
  return s;
}

}  // namespace sx
