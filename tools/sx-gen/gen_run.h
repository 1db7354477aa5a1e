// sx-gen's run: its flags as given, checked and turned into a Clickstream
// (clickstream.h) written to stdout or a BatchDir (batch_dir.h).
#pragma once

#include <string>

namespace sx::gen {

struct GenFlags {
  std::string seed = "1";
  std::string events = "1000";
  std::string start = "2024-01-01T00:00:00Z";
  std::string time_step;  // default: 100ms, or 1/rate with --rate
  std::string rate = "0";
  std::string late_fraction = "0";
  std::string late_max = "10m";
  std::string duplicate_fraction = "0";
  std::string users = "1000";
  std::string users_table;
  std::string batch_dir;
  std::string batch_size = "100";
  bool wall_clock = false;
  std::string format = "ndjson";
  bool batch_size_given = false;  // --batch-size on the command line
};

// Checks the flags (usage_error naming the flag), writes the users table
// and the events. Returns kExitOk, or kExitInterrupted after SIGINT/SIGTERM
// (the lines so far written and the last batch file published).
int run_gen(const GenFlags& f);

}  // namespace sx::gen
