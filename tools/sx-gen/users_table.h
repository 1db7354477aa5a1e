// The users dimension table of sx-gen: a static CSV to join the clickstream
// with (a stream-static join), deterministic for a seed:
//   user_id,name,tier
//   1,Grace_1,silver
// Names are a first name from a fixed list plus "_<user_id>", so they are
// unique and never need CSV quoting; tiers are bronze (50%), silver (30%),
// gold (15%) and platinum (5%).
#pragma once

#include <cstdint>
#include <string>

#include "io/output.h"

namespace sx::gen {

// Writes the header and users 1..users to `out`.
void write_users_table(Output& out, std::uint64_t users, std::uint64_t seed);

}  // namespace sx::gen
