#include "cli/cli.h"

#include <charconv>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <new>
#include <vector>

#include "base/diag.h"
#include "base/did_you_mean.h"
#include "base/duration.h"
#include "base/error.h"
#include "base/signals.h"
#include "stream/record_time.h"

namespace sx {

namespace {

// "did you mean --time-field?" for an unknown flag close to a known one.
std::string suggestion(const CLI::App& app, const std::vector<std::string>& extras) {
  for (const auto& extra : extras) {
    if (extra.rfind("--", 0) != 0) continue;
    const std::string given = extra.substr(0, extra.find('='));
    std::string best;
    std::size_t best_distance = 3;  // suggest only near misses
    for (const CLI::Option* opt : app.get_options()) {
      for (const auto& lname : opt->get_lnames()) {
        const std::string known = "--" + lname;
        const std::size_t d = edit_distance(given, known);
        if (d < best_distance) best_distance = d, best = known;
      }
    }
    if (!best.empty()) return " (did you mean " + best + "?)";
  }
  return "";
}

}  // namespace

int tool_main(const ToolInfo& info, int argc, char** argv,
              const std::function<void(CLI::App&)>& define,
              const std::function<int(const CLI::App&)>& run) {
  set_tool_name(info.name);
  const char* tool = info.name;
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{info.about, info.name};
  app.footer(info.examples);
  app.set_version_flag("--version", std::string(info.name) + " " + SX_VERSION);
  app.get_formatter()->column_width(34);
  try {
    define(app);
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return kExitOk;
  } catch (const CLI::CallForVersion&) {
    std::cout << info.name << " " << SX_VERSION << "\n";
    return kExitOk;
  } catch (const CLI::ExtrasError& e) {
    std::fprintf(stderr, "%s: error: %s%s\nTry '%s --help'.\n", tool, e.what(),
                 suggestion(app, app.remaining()).c_str(), tool);
    return kExitUsage;
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "%s: error: %s\nTry '%s --help'.\n", tool, e.what(), tool);
    return kExitUsage;
  } catch (const Error& e) {
    std::fprintf(stderr, "%s: error: %s\n", tool, e.what());
    return e.exit_code();
  }
  try {
    return run(app);
  } catch (const BrokenPipe&) {
    // The reader went away: quiet success, unless a signal stopped the
    // pipeline (the reader was stopped by it too).
    return interrupted() ? kExitInterrupted : kExitOk;
  } catch (const Error& e) {
    std::fflush(stdout);
    if (e.kind() == Error::Kind::kInterrupted) {
      std::fprintf(stderr, "%s: %s\n", tool, e.what());  // asked for: not an error
    } else {
      std::fprintf(stderr, "%s: error: %s\n", tool, e.what());
    }
    return e.exit_code();
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "%s: error: out of memory (lower a limit such as --max-line-bytes)\n",
                 tool);
    return kExitError;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: error: %s\n", tool, e.what());
    return kExitError;
  }
}

void add_input_flags(CLI::App& app, InputFlags& flags) {
  app.add_option("--on-error", flags.on_error,
                 "Bad input lines: fail (stop at the first), skip (count them, summary on "
                 "stderr), or dead-letter=FILE (append them to FILE as NDJSON with file, line "
                 "and reason)")
      ->default_val("fail")
      ->type_name("POLICY");
  app.add_option_function<std::string>(
         "--max-line-bytes",
         [&flags](const std::string& v) {
           flags.max_line_bytes = parse_byte_size("--max-line-bytes", v);
         },
         "Longest accepted line; a longer one is bad input (default 16MiB)")
      ->type_name("SIZE");
}

void time_override(const CLI::App& app, const TimeFlags& flags, TimeOverride* out) {
  out->flags.time_field = flags.time_field;
  out->flags.time_format = flags.time_format;
  out->flags.time_zone = flags.time_zone;
  out->field_given = app.get_option("--time-field")->count() > 0;
  out->format_given = app.get_option("--time-format")->count() > 0;
  out->zone_given = app.get_option("--time-zone")->count() > 0;
}

void add_progress_flag(CLI::App& app, std::string& path) {
  app.add_option("--progress", path,
                 "Append a progress record per epoch to FILE (NDJSON, as Spark's "
                 "StreamingQueryProgress: rows in and out, rows/s, duration, watermark, state)")
      ->check(non_empty_check("a file name"))
      ->type_name("FILE");
}

void add_name_flag(CLI::App& app, std::string& name) {
  app.add_option("--name", name,
                 std::string("This stage's name in the checkpoint (default ") + tool_name() + ")")
      ->check(non_empty_check("a name"))
      ->type_name("NAME");
}

void add_lock_flag(CLI::App& app, bool& wait) {
  app.add_flag("--wait-lock", wait,
               "With --checkpoint: when another run of the pipeline still holds the checkpoint, "
               "wait for it to end instead of stopping at once (exit status 75)");
}

void add_time_flags(CLI::App& app, TimeFlags& flags) {
  app.add_option("--time-field", flags.time_field,
                 "Field holding the event time; a dotted path (a.b.c) reaches into objects")
      ->check(non_empty_check("the field holding the event time, e.g. --time-field ts"))
      ->type_name("PATH");
  app.add_option("--time-format", flags.time_format,
                 "auto, iso8601, epoch-s, epoch-ms, epoch-us, or a strftime pattern such as "
                 "'%d/%b/%Y:%H:%M:%S %z'")
      ->default_val("auto")
      ->check(non_empty_check("a format such as auto or iso8601"))
      ->type_name("FORMAT");
  app.add_option("--time-zone", flags.time_zone,
                 "Zone of timestamps that carry no offset: UTC, an IANA name (Europe/Paris) "
                 "or an offset (+05:30)")
      ->default_val("UTC")
      ->check(non_empty_check("a zone such as UTC or Europe/Paris"))
      ->type_name("ZONE");
}

std::size_t parse_byte_size(const std::string& flag, const std::string& text) {
  const std::string example = " (examples: 4096, 64KiB, 16MiB)";
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0) {
    throw usage_error(flag + ": '" + text + "' is not a size: give a whole number of bytes, " +
                      "optionally with a unit" + example);
  }
  const std::string unit = text.substr(digits);
  unsigned long long mult = 1;
  if (unit.empty() || unit == "B")
    mult = 1;
  else if (unit == "k" || unit == "K" || unit == "KiB" || unit == "KB")
    mult = 1ULL << 10;
  else if (unit == "M" || unit == "MiB" || unit == "MB")
    mult = 1ULL << 20;
  else if (unit == "G" || unit == "GiB" || unit == "GB")
    mult = 1ULL << 30;
  else if (unit == "T" || unit == "TiB" || unit == "TB")
    mult = 1ULL << 40;
  else
    throw usage_error(flag + ": unknown size unit in '" + text + "' (use B, KiB, MiB, GiB or TiB)");
  constexpr unsigned long long kMax = 1ULL << 40;
  unsigned long long value = 0;
  bool big = false;
  for (std::size_t i = 0; i < digits; ++i) {
    value = value * 10 + static_cast<unsigned long long>(text[i] - '0');
    if (value > kMax) big = true, value = kMax + 1;
  }
  if (value == 0) throw usage_error(flag + ": size must be greater than zero");
  if (big || value > kMax / mult) {
    throw usage_error(flag + ": '" + text + "' is too large (at most 1TiB)");
  }
  return static_cast<std::size_t>(value * mult);
}

std::int64_t flag_duration(const std::string& flag, const std::string& text, bool allow_zero) {
  try {
    return parse_duration(text, allow_zero);
  } catch (const Error& e) {
    throw usage_error(flag + ": " + e.what());
  }
}

CLI::Validator count_check(std::uint64_t min, std::uint64_t max) {
  const std::string range = max == UINT64_MAX ? "a whole number >= " + std::to_string(min)
                                              : "a whole number from " + std::to_string(min) +
                                                    " to " + std::to_string(max);
  return CLI::Validator(
      [min, max, range](std::string& text) -> std::string {
        std::uint64_t v = 0;
        const char* end = text.data() + text.size();
        const auto [ptr, ec] = std::from_chars(text.data(), end, v);
        const bool digits = !text.empty() && text[0] >= '0' && text[0] <= '9';
        if (!digits || ptr != end || ec == std::errc::invalid_argument) {
          return "'" + text + "' is not a count; give " + range + " (decimal digits)";
        }
        if (ec == std::errc::result_out_of_range || v < min || v > max) {
          return "'" + text + "' is out of range; give " + range;
        }
        text = std::to_string(v);  // CLI11 would read "010" as octal
        return "";
      },
      "");
}

CLI::Validator non_empty_check(const std::string& what) {
  return CLI::Validator(
      [what](std::string& text) -> std::string {
        if (text.find_first_not_of(" \t") == std::string::npos) {
          return "an empty value; give " + what + " (leave the flag out for none)";
        }
        return "";
      },
      "");
}

}  // namespace sx
