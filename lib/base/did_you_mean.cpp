#include "base/did_you_mean.h"

#include <algorithm>

namespace sx {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Optimal string alignment: Levenshtein plus the swap of two adjacent bytes
  // ("frist" is one edit from "first").
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] =
          std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::string closest_name(std::string_view given, const std::vector<std::string>& known,
                         std::size_t max_distance) {
  std::string best;
  std::size_t best_distance = max_distance;
  for (const auto& k : known) {
    if (k == given) continue;
    const std::size_t d = edit_distance(given, k);
    if (d < best_distance) best_distance = d, best = k;
  }
  return best;
}

}  // namespace sx
