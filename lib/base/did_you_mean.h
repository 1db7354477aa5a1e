// "Did you mean ...?": the closest of some known names to a mistyped one.
// Used for flags (cli.cpp), aggregate functions (aggregate.cpp) and field
// names that no record had (field_usage.h).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sx {

// Edit distance: insertions, deletions, substitutions and swaps of two
// adjacent bytes (optimal string alignment).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The entry of `known` nearest to `given`, when its distance is below
// `max_distance` (and it differs from `given`); "" otherwise. The first of
// equally near entries wins.
std::string closest_name(std::string_view given, const std::vector<std::string>& known,
                         std::size_t max_distance = 3);

}  // namespace sx
