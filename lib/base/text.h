// Small text helpers of the flag and spec parsers.
#pragma once

#include <string_view>

namespace sx {

// Whether c is a blank of a flag's text: a space, a tab, CR or LF.
constexpr bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// `s` without its leading and trailing blanks.
constexpr std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace sx
