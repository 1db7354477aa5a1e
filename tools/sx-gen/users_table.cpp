#include "users_table.h"

#include <charconv>
#include <string_view>

#include "rng.h"

namespace sx::gen {

namespace {

constexpr std::uint64_t kUsersStream = 4;  // see clickstream.cpp: fixed forever

constexpr std::string_view kFirstNames[] = {
    "Ada",      "Alan",    "Barbara", "Brian",   "Claude", "Dennis", "Donald", "Edsger",
    "Frances",  "Grace",   "Hedy",    "Ivan",    "John",   "Ken",    "Leslie", "Linus",
    "Margaret", "Niklaus", "Radia",   "Richard", "Rob",    "Shafi",  "Sophie", "Tim"};

struct Tier {
  std::string_view name;
  std::uint64_t cumulative_percent;
};
constexpr Tier kTiers[] = {{"bronze", 50}, {"silver", 80}, {"gold", 95}, {"platinum", 100}};

}  // namespace

void write_users_table(Output& out, std::uint64_t users, std::uint64_t seed) {
  Rng rng(seed, kUsersStream);
  out.write("user_id,name,tier\n");
  char id[24];
  for (std::uint64_t user = 1; user <= users; ++user) {
    const std::string_view digits(
        id, static_cast<std::size_t>(std::to_chars(id, id + sizeof id, user).ptr - id));
    const std::string_view first = kFirstNames[rng.below(std::size(kFirstNames))];
    const std::uint64_t percent = rng.below(100);
    std::string_view tier = kTiers[0].name;
    for (const auto& candidate : kTiers) {
      if (percent < candidate.cumulative_percent) {
        tier = candidate.name;
        break;
      }
    }
    out.write(digits);
    out.put(',');
    out.write(first);
    out.put('_');
    out.write(digits);
    out.put(',');
    out.write_line(tier);
  }
}

}  // namespace sx::gen
