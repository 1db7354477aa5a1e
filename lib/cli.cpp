#include "cli.h"

#include <csignal>
#include <cstdio>
#include <iostream>
#include <new>
#include <vector>

#include "error.h"
#include "record_time.h"
#include "signals.h"

namespace sx {

namespace {

const char* g_tool = "sx";

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1])});
      diag = up;
    }
  }
  return row[b.size()];
}

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

const char* tool_name() { return g_tool; }

void warn(const std::string& message) {
  std::fprintf(stderr, "%s: warning: %s\n", g_tool, message.c_str());
}

void note(const std::string& message) { std::fprintf(stderr, "%s: %s\n", g_tool, message.c_str()); }

int tool_main(const ToolInfo& info, int argc, char** argv,
              const std::function<void(CLI::App&)>& define, const std::function<int()>& run) {
  g_tool = info.name;
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
    std::fprintf(stderr, "%s: error: %s%s\nTry '%s --help'.\n", g_tool, e.what(),
                 suggestion(app, app.remaining()).c_str(), g_tool);
    return kExitUsage;
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "%s: error: %s\nTry '%s --help'.\n", g_tool, e.what(), g_tool);
    return kExitUsage;
  } catch (const Error& e) {
    std::fprintf(stderr, "%s: error: %s\n", g_tool, e.what());
    return e.exit_code();
  }
  try {
    return run();
  } catch (const BrokenPipe&) {
    // The reader went away: quiet success, unless a signal stopped the
    // pipeline (the reader was stopped by it too).
    return interrupted() ? kExitInterrupted : kExitOk;
  } catch (const Error& e) {
    std::fflush(stdout);
    if (e.kind() == Error::Kind::kInterrupted) {
      std::fprintf(stderr, "%s: %s\n", g_tool, e.what());  // asked for: not an error
    } else {
      std::fprintf(stderr, "%s: error: %s\n", g_tool, e.what());
    }
    return e.exit_code();
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "%s: error: out of memory (lower a limit such as --max-line-bytes)\n",
                 g_tool);
    return kExitError;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: error: %s\n", g_tool, e.what());
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
      ->type_name("FILE");
}

void add_name_flag(CLI::App& app, std::string& name) {
  app.add_option("--name", name,
                 std::string("This stage's name in the checkpoint (default ") + g_tool + ")")
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
      ->type_name("PATH");
  app.add_option("--time-format", flags.time_format,
                 "auto, iso8601, epoch-s, epoch-ms, epoch-us, or a strftime pattern such as "
                 "'%d/%b/%Y:%H:%M:%S %z'")
      ->default_val("auto")
      ->type_name("FORMAT");
  app.add_option("--time-zone", flags.time_zone,
                 "Zone of timestamps that carry no offset: UTC, an IANA name (Europe/Paris) "
                 "or an offset (+05:30)")
      ->default_val("UTC")
      ->type_name("ZONE");
}

std::size_t parse_byte_size(const std::string& flag, const std::string& text) {
  std::size_t pos = 0;
  unsigned long long value = 0;
  try {
    value = std::stoull(text, &pos);
  } catch (const std::exception&) {
    throw usage_error(flag + ": '" + text + "' is not a size (examples: 4096, 64KiB, 16MiB)");
  }
  std::string unit = text.substr(pos);
  unsigned long long mult = 1;
  if (unit.empty() || unit == "B") mult = 1;
  else if (unit == "k" || unit == "K" || unit == "KiB" || unit == "KB") mult = 1ULL << 10;
  else if (unit == "M" || unit == "MiB" || unit == "MB") mult = 1ULL << 20;
  else if (unit == "G" || unit == "GiB" || unit == "GB") mult = 1ULL << 30;
  else throw usage_error(flag + ": unknown size unit in '" + text + "' (use B, KiB, MiB or GiB)");
  if (value == 0) throw usage_error(flag + ": size must be greater than zero");
  return static_cast<std::size_t>(value * mult);
}

}  // namespace sx
