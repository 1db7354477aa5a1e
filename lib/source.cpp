#include "source.h"

#include <dirent.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <set>

#include "bad_input.h"
#include "error.h"
#include "json.h"
#include "line_reader.h"
#include "record_time.h"
#include "time_parser.h"

namespace sx {

namespace {

bool hidden_name(const std::string& name) {
  return name.empty() || name[0] == '.' || name[0] == '_';
}

// A directory's visible regular files, sorted by name (full paths).
std::vector<std::string> list_dir(const std::string& dir) {
  std::vector<std::string> files;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) throw io_error("cannot read directory " + errno_text(dir));
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (hidden_name(name)) continue;
    std::string path = dir + (dir.ends_with('/') ? "" : "/") + name;
    struct stat st;
    if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) files.push_back(std::move(path));
  }
  ::closedir(d);
  std::sort(files.begin(), files.end());
  return files;
}

bool is_dir(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

void sleep_micros(Micros us) {
  timespec ts{static_cast<time_t>(us / kMicrosPerSecond),
              static_cast<long>(us % kMicrosPerSecond) * 1000};
  while (::nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

Micros steady_now() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs) {
  std::vector<std::string> files;
  for (const auto& in : inputs) {
    if (in == "-") {
      files.push_back(in);
      continue;
    }
    struct stat st;
    if (::stat(in.c_str(), &st) != 0) throw io_error("cannot read " + errno_text(in));
    if (S_ISDIR(st.st_mode)) {
      for (auto& f : list_dir(in)) files.push_back(std::move(f));
    } else {
      files.push_back(in);
    }
  }
  return files;
}

struct Source::Impl {
  SourceOptions opt;
  Output& out;
  BadInputPolicy bad;
  std::unique_ptr<EventTimeField> time;
  bool has_time = false;
  JsonValidator validator;
  std::string why;

  std::int64_t epoch = 0;
  std::uint64_t records_in_epoch = 0;
  std::uint64_t files_in_epoch = 0;
  std::uint64_t records = 0;
  std::uint64_t max_records = 0;  // effective limit, 0 = none
  std::uint64_t max_files = 0;    // effective limit, 0 = none
  EventTime max_time = EventTime::none();
  EventTime watermark = EventTime::none();
  Micros last_data = 0;  // steady clock of the last record (follow idleness)

  Impl(SourceOptions o, Output& output)
      : opt(std::move(o)),
        out(output),
        bad(opt.on_error) {
    if (!opt.stream.time_field.empty()) {
      time = std::make_unique<EventTimeField>(opt.stream);
      has_time = true;
    } else if (opt.stream.watermark_delay >= 0) {
      throw usage_error("--watermark needs --time-field: the watermark follows event time");
    }
    max_records = opt.max_records_per_trigger;
    max_files = opt.max_files_per_trigger;
    if (max_records == 0 && max_files == 0) max_files = 1;
  }

  void end_epoch() {
    if (records_in_epoch == 0) return;
    out.write_line(make_epoch_record(epoch));
    ++epoch;
    records_in_epoch = 0;
    files_in_epoch = 0;
    if (has_time && opt.stream.watermark_delay >= 0 && max_time != EventTime::none()) {
      const EventTime wm{max_time.us - opt.stream.watermark_delay};
      if (wm > watermark) {
        watermark = wm;
        out.write_line(make_watermark_record(watermark));
      }
    }
    out.flush();
  }

  void finish_stream() {
    end_epoch();
    if (has_time) {
      // A finite input is over: a final watermark closes everything
      // downstream, and a last epoch carries what it made final.
      out.write_line(make_watermark_record(EventTime::end()));
      out.write_line(make_epoch_record(epoch));
      ++epoch;
    }
    out.flush();
  }

  // One line of input: validate, extract time, forward.
  void on_line(const Line& line, const std::string& source) {
    if (line.too_long) {
      bad.handle(BadKind::kTooLong, source, line.number,
                 "line longer than --max-line-bytes (" + std::to_string(opt.max_line_bytes) +
                     " bytes; raise the limit if such records are expected)",
                 line.text);
      return;
    }
    if (line.unterminated) {
      bad.handle(BadKind::kUnterminated, source, line.number,
                 "last line has no final newline (a truncated file?)", line.text);
      return;
    }
    if (!validator.validate_object(line.text, &why)) {
      const BadKind kind = why.starts_with("not a JSON object") || why.starts_with("empty")
                               ? BadKind::kNotObject
                           : why == "invalid UTF-8" ? BadKind::kInvalidUtf8
                                                    : BadKind::kMalformed;
      bad.handle(kind, source, line.number, why, line.text);
      return;
    }
    if (is_control(line.text)) {
      bad.handle(BadKind::kNotObject, source, line.number,
                 "a control record in sx-read's input (the key \"@sx\" is reserved for sx; "
                 "strip control records with sx-sink first)",
                 line.text);
      return;
    }
    if (has_time) {
      EventTime t;
      if (!extract_time(line, source, &t)) return;
      if (t > max_time) max_time = t;
    }
    out.write_line(line.text);
    ++records;
    ++records_in_epoch;
    if (max_records != 0 && records_in_epoch >= max_records) end_epoch();
  }

  bool extract_time(const Line& line, const std::string& source, EventTime* t) {
    BadKind kind;
    if (time->convert(validator.get(time->path()), t, &kind, &why)) return true;
    bad.handle(kind, source, line.number, why, line.text);
    return false;
  }

  // Reads `reader` to its end (for now, in follow mode).
  void drain(LineReader& reader) {
    Line line;
    while (reader.next(&line)) on_line(line, reader.name());
  }

  void file_done() {
    ++files_in_epoch;
    if (max_files != 0 && files_in_epoch >= max_files) end_epoch();
  }

  void run_finite() {
    const std::vector<std::string> files =
        expand_inputs(opt.inputs.empty() ? std::vector<std::string>{"-"} : opt.inputs);
    for (const auto& path : files) {
      auto reader = LineReader::open(path, opt.max_line_bytes);
      if (path == "-") {
        if (opt.max_records_per_trigger == 0) max_records = kDefaultStdinRecords;
        reader->set_wait_hooks([this] { out.flush(); },
                               opt.idle_epoch > 0 ? static_cast<int>(opt.idle_epoch / 1000) : -1,
                               [this] { end_epoch(); });
      }
      drain(*reader);
      if (path != "-") file_done();
    }
  }

  // --follow: tail files (surviving rotation and truncation) and pick up new
  // files in directories; never returns unless every input is stdin.
  void run_follow() {
    struct Tail {
      std::string path;
      std::unique_ptr<LineReader> reader;
      ino_t inode = 0;
      dev_t dev = 0;
    };
    std::vector<Tail> tails;
    std::vector<std::string> dirs;
    std::set<std::string> seen;  // files of directories already read
    const auto inputs = opt.inputs.empty() ? std::vector<std::string>{"-"} : opt.inputs;
    bool has_stdin = false;
    for (const auto& in : inputs) {
      if (in == "-") has_stdin = true;
      else if (is_dir(in)) dirs.push_back(in);
      else tails.push_back({in, nullptr, 0, 0});
    }
    if (has_stdin && (inputs.size() > 1)) {
      throw usage_error("--follow reads either stdin or files and directories, not both");
    }
    if (has_stdin) {  // a pipe: block on it, idle epochs through the wait hooks
      run_finite();
      return;
    }
    const Micros idle = opt.idle_epoch;
    const Micros poll = std::clamp<Micros>(idle > 0 ? idle / 4 : 50000, 5000, 50000);
    last_data = steady_now();
    for (;;) {
      bool got = false;
      // New files in directories, in name order, each read once (Spark's file source).
      for (const auto& dir : dirs) {
        for (const auto& f : list_dir(dir)) {
          if (!seen.insert(f).second) continue;
          auto reader = LineReader::open(f, opt.max_line_bytes);
          const std::uint64_t before = records;
          drain(*reader);
          got |= records != before;
          file_done();
        }
      }
      for (auto& t : tails) got |= poll_tail(t.path, t.reader, t.inode, t.dev);
      const Micros now = steady_now();
      if (got) {
        last_data = now;
      } else if (records_in_epoch > 0 && (idle == 0 || now - last_data >= idle)) {
        end_epoch();
      }
      out.flush();
      if (!got) sleep_micros(poll);
    }
  }

  // Reads what is new in a followed file. Returns true if records were read.
  bool poll_tail(const std::string& path, std::unique_ptr<LineReader>& reader, ino_t& inode,
                 dev_t& dev) {
    const std::uint64_t before = records;
    struct stat st;
    const bool exists = ::stat(path.c_str(), &st) == 0;
    if (reader) {
      drain(*reader);
      const bool replaced = exists && (st.st_ino != inode || st.st_dev != dev);
      const bool truncated = exists && !replaced && !reader->compressed() &&
                             static_cast<std::uint64_t>(st.st_size) < reader->raw_bytes_read();
      if (replaced || truncated) {
        // Rotation: finish the old file (a partial last line is reported),
        // then read the new one from its start.
        reader->set_follow(false);
        drain(*reader);
        reader.reset();
      }
    }
    if (!reader && exists) {
      reader = LineReader::open(path, opt.max_line_bytes);
      reader->set_follow(true);
      inode = st.st_ino;
      dev = st.st_dev;
      drain(*reader);
    }
    return records != before;
  }
};

Source::Source(SourceOptions options, Output& out)
    : impl_(std::make_unique<Impl>(std::move(options), out)) {}
Source::~Source() = default;

std::uint64_t Source::records() const { return impl_->records; }

void Source::run() {
  Impl& s = *impl_;
  StreamInfo header = s.opt.stream;
  header.source = "sx-read";
  s.out.write_line(make_stream_record(header));
  try {
    if (s.opt.follow) {
      s.run_follow();
    } else {
      s.run_finite();
    }
    s.finish_stream();
  } catch (...) {
    s.bad.finish();
    throw;
  }
  s.bad.finish();
}

}  // namespace sx
