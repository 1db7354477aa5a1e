#include "source/file_source.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <optional>
#include <set>

#include "base/error.h"
#include "base/signals.h"
#include "io/checkpoint_file.h"
#include "io/fs.h"
#include "source/file_position.h"
#include "source/file_source_state.h"
#include "source/stream_writer.h"
#include "source/tail.h"
#include "stream/checkpoint.h"

namespace sx {

namespace {

void sleep_micros(Micros us) {
  timespec ts{static_cast<time_t>(us / kMicrosPerSecond),
              static_cast<long>(us % kMicrosPerSecond) * 1000};
  while (::nanosleep(&ts, &ts) != 0 && errno == EINTR && !interrupted()) {
  }
}

}  // namespace

struct FileSource::Impl {
  SourceOptions opt;
  Clock& clock;
  StreamWriter w;        // lines to the stream: validation, event time, epochs
  Micros last_data = 0;  // clock of the last record (follow idleness)

  // Checkpoints (--checkpoint): the position after each epoch, so a restart
  // goes on after the last committed one.
  std::unique_ptr<CheckpointDir> ckpt;
  std::set<std::string> done_files;  // read to their end (with --follow: directories' files)
  LineReader* current = nullptr;     // the file being read to its end, if any
  std::string current_path;
  using Position = FilePosition;
  std::optional<Position> resume;  // the partly read file to go on in
  // Where reading each file stopped: the files read to their end (named or
  // found in a directory, so that a later run reads what was appended to
  // them) and, with --follow, the tailed files.
  std::map<std::string, Position> file_pos;
  std::vector<TailedFile> tails;  // --follow: the named files

  Impl(SourceOptions o, Output& out, Clock& c) : opt(std::move(o)), clock(c), w(opt, out, clock) {
    w.on_save([this](std::int64_t id) {
      if (ckpt) save_position(id);
    });
  }

  // ---- checkpoints ----

  Fingerprint fingerprint() const { return {{"time-field", opt.stream.time_field}}; }

  // The position after this epoch: the files read to their end, the file
  // being read and how far, the named (with --follow: tailed) files and how
  // far, the event-time state. Written before the epoch record (sx(7),
  // "CHECKPOINTS"); the payload: file_source_state.h.
  void save_position(std::int64_t epoch) {
    for (const auto& t : tails) {
      if (auto p = t.position()) {
        file_pos[t.path()] = std::move(*p);
      } else if (!t.waiting()) {
        file_pos.erase(t.path());  // rotated away, read to its end; nothing of a new file read yet
      }
    }
    FileSourceState state{w.epochs().state(), done_files, std::nullopt, file_pos};
    if (current) state.current = position_of(current_path, *current);
    ckpt->write(epoch, fingerprint(), encode_state(state));
  }

  // Loads the position after the newest committed epoch, if any.
  void load_position() {
    const std::int64_t c = ckpt->last_committed();
    if (c < 0) return;  // nothing committed: start from the beginning
    const auto file = ckpt->read(c);
    if (!file) {
      throw data_error("checkpoint " + ckpt->dir() + ": epoch " + std::to_string(c) +
                       " is committed but " + ckpt->stage() +
                       "'s position for it is missing; "
                       "was the checkpoint made with another --name? Start over with --reset");
    }
    const std::string where = ckpt->dir() + "/" + ckpt->stage() + "/" + std::to_string(c);
    check_fingerprint(where, file->meta, fingerprint(), ckpt->dir());
    FileSourceState state = decode_state(file->payload, where);
    done_files = std::move(state.done_files);
    resume = std::move(state.current);
    file_pos = std::move(state.files);
    w.epochs().restore(state.epochs);
  }

  // Issue 11 item 12: a stream that a run without --trigger ended (its final
  // watermark, committed, closed every window downstream) takes no more
  // input: every record would be late everywhere and count for nothing. A
  // run with nothing new adds nothing, as any rerun of a finished pipeline
  // (a retry after a crash, make), and succeeds; a run with new input, or
  // one that would wait for it (--follow), is refused.
  void check_ended() {
    if (w.epochs().state().watermark != EventTime::end()) return;
    std::string fresh;
    if (opt.follow) {
      fresh = "--follow";
    } else if (resume) {
      fresh = resume->path;
    } else {
      for (const auto& path : expand_inputs(opt.inputs)) {
        if (path != "-" && (!done_files.count(path) || !nothing_new(path))) {
          fresh = path;
          break;
        }
      }
    }
    if (fresh.empty()) return;
    throw usage_error(
        "checkpoint " + ckpt->dir() +
        " holds a stream that has ended: an earlier run without "
        "--trigger read its input to the end, and its final watermark closed every window, so " +
        (fresh == "--follow" ? std::string("whatever --follow reads would be late")
                             : "the records of " + fresh + " (new or grown since) would be late") +
        ". Start over with --reset (and remove what the sink wrote), or run the pipeline with "
        "--trigger available-now each time (the stream then goes on from run to run)");
  }

  // Whether a file may still grow when its reader reaches its end: yes in a
  // run that does not end the stream (--trigger available-now or once), so
  // a last line without its newline waits for the next run, as under
  // --follow; no in a continuous run, where the input's end is the stream's.
  bool may_grow(const std::string& path) const {
    return opt.trigger != SourceOptions::Trigger::kContinuous && path != "-";
  }

  // Opens `path` for reading, going on where the checkpoint left it: in the
  // file that an epoch ended in, in a file read to its end by an earlier run
  // (what was appended since), in a file tailed by --follow. A file replaced
  // or truncated since is read from its start, with a warning (open_at).
  // `rest`: see open_at.
  std::unique_ptr<LineReader> open_input(const std::string& path,
                                         std::unique_ptr<LineReader>* rest = nullptr) {
    const bool grow = may_grow(path);
    std::unique_ptr<LineReader> reader;
    if (resume && resume->path == path) {
      reader = open_at(path, *resume, grow, opt.max_line_bytes, rest);
      resume.reset();
    } else if (const auto it = file_pos.find(path); it != file_pos.end()) {
      reader = open_at(path, it->second, grow, opt.max_line_bytes, rest);
    } else {
      reader = LineReader::open(path, opt.max_line_bytes);
      reader->set_follow(grow);
    }
    return reader;
  }

  // Whether a file an earlier run read to its end has nothing new to read
  // (a file it kept no position for, read by an older sx, is not read again).
  bool nothing_new(const std::string& path) const {
    const auto it = file_pos.find(path);
    return it == file_pos.end() || nothing_new_in(path, it->second);
  }

  void file_done() {
    if (w.epochs().add_file()) w.end_epoch();
  }

  void run_finite() {
    const std::vector<std::string> files =
        expand_inputs(opt.inputs.empty() ? std::vector<std::string>{"-"} : opt.inputs);
    if (ckpt && std::find(files.begin(), files.end(), "-") != files.end()) {
      throw usage_error(
          "--checkpoint needs files or directories: a position in stdin cannot be "
          "found again after a restart");
    }
    if (opt.progress_line) {
      std::uint64_t bytes_total = 0;
      for (const auto& path : files) {
        struct stat st;
        if (path != "-" && !done_files.count(path) && ::stat(path.c_str(), &st) == 0) {
          bytes_total += static_cast<std::uint64_t>(st.st_size);
        }
      }
      w.show_progress_line(bytes_total);
    }
    for (const auto& path : files) {
      if (w.stopped()) break;
      // A file read to its end by an earlier run: read what was appended.
      if (done_files.count(path) && nothing_new(path)) continue;
      std::unique_ptr<LineReader> rest;  // the rest of a rotated file, first
      auto reader = open_input(path, &rest);
      if (rest) {
        // An epoch that ends in it saves its position (its inode, under
        // `path`): a restart finds it again by its inode.
        current = rest.get();
        current_path = path;
        w.drain(*rest);
        if (w.stopped()) break;
        w.add_bytes_done(rest->raw_bytes_read());
      }
      current = reader.get();
      current_path = path;
      if (path == "-") {
        w.epochs().default_max_records(kDefaultStdinRecords);
        if (!reader->regular_file()) {
          w.epochs().set_live(live_epoch(), opt.idle_epoch, opt.interval > 0);
          const int fd = reader->fd();
          reader->set_wait_hooks([this, fd] { wait_live(fd); }, -1, nullptr);
        }
      }
      w.drain(*reader);
      w.epochs().set_live(0, 0, false);
      if (w.stopped()) break;  // --trigger once: mid-file; the position is saved
      w.add_bytes_done(reader->raw_bytes_read());
      current = nullptr;
      if (path != "-") {  // where it ends, for a later run (--follow or not)
        file_pos[path] = position_of(path, *reader);
        done_files.insert(path);
        file_done();
      }
    }
    current = nullptr;
    if (opt.progress_line) w.show_progress(true);
  }

  // Whether the stream is known to end (sx(7), "BOUNDED STREAMS"): files
  // (stdin redirected from one too), read without --follow, in a run whose
  // input's end ends the stream (--trigger continuous).
  bool bounded() const {
    if (opt.follow || opt.trigger != SourceOptions::Trigger::kContinuous) return false;
    for (const auto& in : opt.inputs.empty() ? std::vector<std::string>{"-"} : opt.inputs) {
      if (in == "-" && stdin_is_live()) return false;
    }
    return true;
  }

  // How long an epoch of live input stays open at most.
  Micros live_epoch() const {
    if (opt.interval > 0) return opt.interval;
    return opt.checkpoint.empty() ? kDefaultLiveEpoch : kDefaultLiveCheckpointEpoch;
  }

  // A live stdin has no data now: flush what was written, then wait for data,
  // ending the open epoch when it has been open for live_limit or (without
  // --trigger interval) the input has been quiet for --idle-epoch.
  void wait_live(int fd) {
    w.flush();
    const Micros quiet_since = clock.now();
    Micros now = quiet_since;
    for (;;) {
      const Micros deadline = w.epochs().wait_deadline(now, quiet_since);
      if (deadline == EpochPolicy::kNever) return;  // the read blocks
      if (now >= deadline) {
        w.end_epoch();
        continue;
      }
      pollfd p{fd, POLLIN, 0};
      const Micros wait = deadline - now;
      const int r = ::poll(&p, 1, static_cast<int>((wait + 999) / 1000));
      if (r > 0) return;
      if (r < 0 && errno == EINTR && interrupted()) throw interrupted_error();
      if (r < 0 && errno != EINTR) return;
      now = clock.now();
    }
  }

  // --follow: tail files (surviving rotation and truncation) and pick up new
  // files in directories; never returns unless every input is stdin. With
  // --checkpoint, a restart goes on in each tailed file at the checkpoint's
  // offset, and reads the directories' files not read to their end (the one
  // being read when the epoch ended from its offset).
  void run_follow() {
    std::vector<std::string> dirs;
    const auto inputs = opt.inputs.empty() ? std::vector<std::string>{"-"} : opt.inputs;
    bool has_stdin = false;
    for (const auto& in : inputs) {
      if (in == "-") {
        has_stdin = true;
      } else if (is_dir(in)) {
        dirs.push_back(in);
      } else {
        tails.emplace_back(in, opt.max_line_bytes);
      }
    }
    if (has_stdin && (inputs.size() > 1)) {
      throw usage_error("--follow reads either stdin or files and directories, not both");
    }
    if (has_stdin) {  // a pipe: block on it, idle epochs through the wait hooks
      run_finite();
      return;
    }
    for (auto& t : tails) {
      if (resume && resume->path == t.path()) {  // partly read by a run without --follow
        t.go_on_at(*resume);
        resume.reset();
      } else if (const auto it = file_pos.find(t.path()); it != file_pos.end()) {
        t.go_on_at(it->second);
      } else if (done_files.count(t.path())) {
        throw data_error("checkpoint " + ckpt->dir() + ": " + t.path() +
                         " was read to its end by a run without --follow, by an sx that did "
                         "not record where that end was, so --follow cannot go on in it; start "
                         "over with --reset");
      }
    }
    const Micros idle = opt.idle_epoch;
    const Micros live = live_epoch();
    const Micros poll = std::clamp<Micros>(
        std::min(live, idle > 0 && opt.interval == 0 ? idle : live) / 2, 5000, 50000);
    w.epochs().set_live(live, idle, opt.interval > 0);
    last_data = clock.now();
    const TailedFile::Drain tail_drain = [this](LineReader& r, std::uint64_t* offset) {
      w.drain(r, offset);
    };
    for (;;) {
      // SIGINT/SIGTERM (signals.h): stop between lines, the open epoch not ended.
      if (interrupted()) throw interrupted_error();
      w.epochs().before_poll(clock.now());
      bool got = false;
      // New files in directories, in name order, each read once (Spark's file source).
      for (const auto& dir : dirs) {
        for (const auto& f : list_dir(dir)) {
          if (done_files.count(f)) continue;
          auto reader = open_input(f);
          current = reader.get();
          current_path = f;
          const std::uint64_t before = w.epochs().records();
          w.drain(*reader);
          current = nullptr;
          got |= w.epochs().records() != before;
          file_pos[f] = position_of(f, *reader);
          done_files.insert(f);
          file_done();
        }
      }
      const std::uint64_t before_tails = w.epochs().records();
      for (auto& t : tails) t.poll(tail_drain);
      got |= w.epochs().records() != before_tails;
      const Micros now = clock.now();
      if (got) last_data = now;
      if (w.epochs().after_poll(now, last_data, got)) w.end_epoch();
      w.flush();
      if (!got) sleep_micros(poll);
    }
  }
};

bool stdin_is_live() {
  struct stat st {};
  return ::fstat(0, &st) != 0 || !S_ISREG(st.st_mode);
}

FileSource::FileSource(SourceOptions options, Output& out, Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(options), out, clock)) {}
FileSource::~FileSource() = default;

std::uint64_t FileSource::records() const { return impl_->w.epochs().records(); }

void FileSource::run() {
  Impl& s = *impl_;
  if (!s.opt.checkpoint.empty()) {
    if (s.opt.reset) CheckpointDir::reset(s.opt.checkpoint);
    s.ckpt = std::make_unique<CheckpointDir>(s.opt.checkpoint, s.opt.name);
    s.load_position();
    s.check_ended();
  } else if (s.opt.trigger != SourceOptions::Trigger::kContinuous) {
    throw usage_error(
        "--trigger available-now and once need --checkpoint DIR: the next run "
        "goes on where this one stopped");
  }
  if (s.opt.interval > 0 && !s.opt.follow) {
    for (const auto& in : s.opt.inputs.empty() ? std::vector<std::string>{"-"} : s.opt.inputs) {
      if (in != "-" || !stdin_is_live()) {
        throw usage_error(
            "--trigger interval=D is for live input (--follow, or a stdin pipe or terminal); "
            "the epochs of " +
            std::string(in == "-" ? "stdin redirected from a file" : in) +
            " are cut by --max-files-per-trigger or --max-records-per-trigger (or add --follow "
            "to keep reading it)");
      }
    }
  }
  if (!s.opt.progress.empty()) s.w.write_progress(s.opt.progress, s.opt.name);
  s.w.write_header(s.bounded());
  try {
    if (s.opt.follow) {
      s.run_follow();
    } else {
      s.run_finite();
    }
    s.w.finish();
  } catch (...) {
    s.w.finish_bad();
    throw;
  }
  s.w.finish_bad();
}

}  // namespace sx
