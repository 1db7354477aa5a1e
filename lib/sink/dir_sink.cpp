#include "sink/dir_sink.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <set>
#include <unordered_map>
#include <utility>

#include "base/error.h"
#include "io/checkpoint_file.h"
#include "io/fs.h"

namespace sx {

// ---- partition values -----------------------------------------------------------

namespace {

bool is_plain_byte(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::string encode_partition_value(std::string_view text) {
  if (text.empty()) return std::string(kHiveDefaultPartition);
  static constexpr char kHex[] = "0123456789ABCDEF";
  const bool leading_dot = text.front() == '.';
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const bool keep = is_plain_byte(c) && !(c == '.' && leading_dot) && !(c == '_' && i == 0);
    if (keep) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::optional<std::string> decode_partition_value(std::string_view name) {
  if (name == kHiveDefaultPartition) return std::nullopt;
  std::string out;
  out.reserve(name.size());
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '%' && i + 2 < name.size()) {
      const int hi = hex_value(name[i + 1]), lo = hex_value(name[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(name[i]);
  }
  return out;
}

SinkMode parse_sink_mode(const std::string& name) {
  if (name == "append") return SinkMode::kAppend;
  if (name == "update") return SinkMode::kUpdate;
  if (name == "complete") return SinkMode::kComplete;
  throw usage_error("--mode: unknown output mode '" + name + "' (use append, update or complete)");
}

const char* sink_mode_name(SinkMode mode) {
  switch (mode) {
    case SinkMode::kAppend:
      return "append";
    case SinkMode::kUpdate:
      return "update";
    case SinkMode::kComplete:
      return "complete";
  }
  return "append";
}

// ---- files and directories ---------------------------------------------------------

namespace {

// Creates the directories of `rel` (a relative file path) under `base` and
// adds them, and `base`, to *dirs (the directories to fsync).
void make_parents(const std::string& base, std::string_view rel, std::set<std::string>* dirs) {
  dirs->insert(base);
  for (std::size_t slash = rel.find('/'); slash != std::string_view::npos;
       slash = rel.find('/', slash + 1)) {
    std::string dir = base + "/" + std::string(rel.substr(0, slash));
    make_dir(dir, "output directory");
    dirs->insert(std::move(dir));
  }
}

// "OUT/p=a is a symbolic link ...": sx-sink never writes through a link (or
// into anything but a real directory) below --path, where a planted link
// would send records elsewhere.
[[noreturn]] void refuse_non_dir(const std::string& path) {
  struct stat st;
  std::string what = "is not a directory";
  if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    char target[4096];
    const ssize_t n = ::readlink(path.c_str(), target, sizeof target - 1);
    what =
        "is a symbolic link" +
        (n > 0 ? " (to " + std::string(target, static_cast<std::size_t>(n)) + ")" : std::string());
  }
  throw io_error(path + " " + what +
                 ": sx-sink never follows a link below the --path directory, where it could "
                 "lead records outside it; remove " +
                 path +
                 " and run again (sx-sink makes "
                 "the folders it needs, and publishes an epoch already committed)");
}

// A folder sx-sink makes below OUT (OUT/_staging, ...): created when missing,
// refused when it is a link or not a directory.
void make_real_dir(const std::string& path) {
  make_dir(path, "output directory");
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) throw io_error(errno_text("cannot read " + path));
  if (!S_ISDIR(st.st_mode)) refuse_non_dir(path);
}

// Opens the folder `rel` ("a=1/b=x"; "" for `base` itself) below `base`,
// creating what is missing, without following a symbolic link at any level
// below `base` (base, the user's --path, may be one): each level is opened
// with openat(O_NOFOLLOW | O_DIRECTORY) from the one above. Adds the paths of
// `base` and of the folders to *dirs (to fsync). Returns a descriptor (the
// caller closes it).
int open_folder_below(const std::string& base, std::string_view rel, std::set<std::string>* dirs) {
  int fd = ::open(base.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw io_error(errno_text("cannot open output directory " + base));
  dirs->insert(base);
  std::string path = base;
  for (std::size_t start = 0; start < rel.size();) {
    const std::size_t slash = std::min(rel.find('/', start), rel.size());
    const std::string name(rel.substr(start, slash - start));
    start = slash + 1;
    path += "/" + name;
    if (::mkdirat(fd, name.c_str(), 0777) != 0 && errno != EEXIST) {
      ::close(fd);
      throw io_error(errno_text("cannot create output directory " + path));
    }
    const int next = ::openat(fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    const int err = errno;
    ::close(fd);
    if (next < 0) {
      if (err == ELOOP || err == ENOTDIR) refuse_non_dir(path);
      errno = err;
      throw io_error(errno_text("cannot open output directory " + path));
    }
    fd = next;
    dirs->insert(path);
  }
  return fd;
}

bool exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

void rename_or_throw(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    throw io_error(errno_text("cannot rename " + from + " to " + to));
  }
}

void remove_tree(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  if (ec) throw io_error("cannot remove " + path + ": " + ec.message());
}

// The epoch a snapshot directory's _epoch marker names; -1 when it has none.
std::int64_t snapshot_epoch(const std::string& dir) {
  const int fd = ::open((dir + "/_epoch").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  char buf[32];
  const ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  if (n <= 0) return -1;
  std::int64_t epoch = -1;
  const auto r = std::from_chars(buf, buf + n, epoch);
  return r.ec == std::errc() ? epoch : -1;
}

std::string part_name(std::int64_t epoch, bool zstd) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "part-%08lld.ndjson%s", static_cast<long long>(epoch),
                zstd ? ".zst" : "");
  return buf;
}

std::string staged_name(std::size_t index, bool zstd) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "s-%06zu.ndjson%s", index, zstd ? ".zst" : "");
  return buf;
}

// Compresses each buffer-full of a staged file into one zstd frame (content
// size and checksum recorded): a file is a sequence of frames, which zstd -dc
// and every zstd reader decode as one stream. One context serves every file,
// so memory does not grow with the partitions held open (a streaming context
// per file costs about 3.6 MB at level 3).
class FrameCompressor {
 public:
  FrameCompressor() : cctx_(ZSTD_createCCtx()) {
    if (cctx_ == nullptr) throw io_error("zstd: cannot create a compression context");
    ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, 3);
    ZSTD_CCtx_setParameter(cctx_, ZSTD_c_checksumFlag, 1);
  }
  ~FrameCompressor() { ZSTD_freeCCtx(cctx_); }
  FrameCompressor(const FrameCompressor&) = delete;
  FrameCompressor& operator=(const FrameCompressor&) = delete;

  std::string_view compress(std::string_view in, const std::string& path) {
    out_.resize(ZSTD_compressBound(in.size()));
    const std::size_t n = ZSTD_compress2(cctx_, out_.data(), out_.size(), in.data(), in.size());
    if (ZSTD_isError(n)) {
      throw io_error("cannot compress " + path + ": zstd: " + ZSTD_getErrorName(n));
    }
    return {out_.data(), n};
  }

 private:
  ZSTD_CCtx* cctx_;
  std::string out_;
};

// One staged output file: its lines are buffered, and written (with zstd, as
// one frame per write) when the sink says so, through a descriptor that the
// sink may close between writes (the file is then reopened to append).
class StagedFile {
 public:
  explicit StagedFile(std::string path) : path_(std::move(path)) {}
  ~StagedFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  StagedFile(const StagedFile&) = delete;
  StagedFile& operator=(const StagedFile&) = delete;

  void append(std::string_view line) {
    buf_.append(line);
    buf_.push_back('\n');
  }
  std::size_t buffered() const { return buf_.size(); }
  bool is_open() const { return fd_ >= 0; }

  // Opens the file: created (truncated) the first time, appended to after.
  void open() {
    fd_ =
        ::open(path_.c_str(),
               O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (created_ ? O_APPEND : O_TRUNC), 0666);
    if (fd_ < 0) throw io_error(errno_text("cannot create " + path_));
    created_ = true;
  }
  // Writes the buffer out; `release`: gives its memory back too (when many
  // files share the memory budget). REQUIRES: is_open().
  void write_out(FrameCompressor* zstd, bool release) {
    if (buf_.empty()) return;
    if (zstd != nullptr) {
      const std::string_view frame = zstd->compress(buf_, path_);
      write_all(fd_, frame, path_);
    } else {
      write_all(fd_, buf_, path_);
    }
    buf_.clear();
    if (release || buf_.capacity() > (std::size_t{4} << 20)) std::string().swap(buf_);
  }
  void close() {
    const int fd = fd_;
    fd_ = -1;
    if (fd >= 0 && ::close(fd) != 0) throw io_error(errno_text("cannot close " + path_));
  }
  // Makes what was written durable and closes the file. REQUIRES: nothing
  // buffered, the file created.
  void sync_close() {
    if (fd_ < 0) {
      sync_file(path_);
      return;
    }
    sync_fd(fd_, path_);
    close();
  }

 private:
  std::string path_;
  std::string buf_;
  int fd_ = -1;
  bool created_ = false;
};

// The commit payload: kPayloadTag, the settings (a Fingerprint), the mode,
// and the (staged path relative to OUT/_staging, final path relative to OUT)
// pairs. The sink of sx 0.1.0 before --mode wrote a count (0 or 1) and file
// names staged directly in OUT/_staging; such commits are still rolled forward.
constexpr std::uint64_t kPayloadTag = 0x3276'4B4E'4953'5853;  // "SXSINKv2"

using Listing = std::vector<std::pair<std::string, std::string>>;

}  // namespace

// ---- the sink ----------------------------------------------------------------------

struct DirSinkOperator::Impl {
  struct Part {
    std::string rel_dir;  // "a=1/b=x", "" without --partition-by
    std::string staged;   // its file in OUT/_staging/open
    std::unique_ptr<StagedFile> file;
    std::uint64_t last_use = 0;  // when it was last written out
  };

  Impl(DirSinkOptions o, CheckpointDir& c, BadInputPolicy& b)
      : opt(std::move(o)),
        ckpt(c),
        bad(b),
        out(opt.path),
        staging(out + "/_staging"),
        open_dir(staging + "/open") {
    if (opt.max_open_files == 0) opt.max_open_files = 1;
    settings.emplace_back("mode", sink_mode_name(opt.mode));
    if (opt.zstd) {
      settings.emplace_back("compress", "zstd");
      zstd = std::make_unique<FrameCompressor>();
    }
    for (const FieldPath& f : opt.partition_by) {
      settings.emplace_back("partition-by", f.text());
      field_dirs.push_back(encode_partition_value(f.text()) + "=");
    }
    if (!opt.partition_by.empty()) {
      fields = std::make_unique<FieldSet>(opt.partition_by);
      values.resize(opt.partition_by.size());
    }
    part_buffer = opt.part_buffer > 0        ? opt.part_buffer
                  : opt.partition_by.empty() ? std::size_t{1} << 20
                                             : std::size_t{256} << 10;
  }

  // Recovery, when the stream begins (its first line, or its end), not at
  // launch: upstream, sx-read --reset may still be emptying the checkpoint.
  void start() {
    started = true;
    committed = ckpt.last_committed();
    make_dir(out, "output directory");
    make_real_dir(staging);
    if (committed >= 0) {
      if (const auto c = ckpt.read_commit(committed)) {
        const std::string what = ckpt.dir() + "/_commits/" + std::to_string(committed);
        PayloadReader r(c->payload, "commit " + what);
        SinkMode mode = SinkMode::kAppend;
        Fingerprint saved;
        Listing files;
        const std::uint64_t first = r.get_u64();
        if (first == kPayloadTag) {
          for (std::size_t n = r.get_count(16); n > 0; --n) {
            std::string name(r.get_string());
            saved.emplace_back(std::move(name), std::string(r.get_string()));
          }
          const std::uint8_t m = r.get_u8();
          if (m > static_cast<std::uint8_t>(SinkMode::kComplete)) {
            throw data_error("commit " + what + " names an unknown output mode (" +
                             std::to_string(m) + "); was it written by a newer sx?");
          }
          mode = static_cast<SinkMode>(m);
          for (std::size_t n = r.get_count(16); n > 0; --n) {
            std::string staged(r.get_string());
            files.emplace_back(std::move(staged), std::string(r.get_string()));
          }
        } else if (first <= 1) {  // the layout before --mode
          saved.emplace_back("mode", "append");
          for (std::uint64_t n = first; n > 0; --n) {
            const std::string name(r.get_string());
            files.emplace_back(name, name);
          }
        } else {
          throw data_error("commit " + what +
                           " is not a commit of sx-sink --path (unknown layout); "
                           "start over with a new --checkpoint directory");
        }
        r.expect_end();
        check_fingerprint(what, CheckpointMeta{c->meta.writer, committed, saved}, settings,
                          ckpt.dir());
        for (const auto& [staged, final_path] : files) check_relative(staged, what);
        for (const auto& [staged, final_path] : files) check_relative(final_path, what);
        publish(committed, mode, files);
      }
    }
    // Whatever else is staged belongs to no commit.
    std::vector<std::string> stale;
    if (DIR* d = ::opendir(staging.c_str())) {
      while (const dirent* e = ::readdir(d)) {
        const std::string name = e->d_name;
        if (name != "." && name != "..") stale.push_back(staging + "/" + name);
      }
      ::closedir(d);
    }
    for (const auto& path : stale) remove_tree(path);
  }

  // A path from a commit must stay inside OUT (a damaged or foreign commit
  // must not rename files elsewhere).
  static void check_relative(std::string_view path, const std::string& what) {
    bool bad_path = path.empty() || path.front() == '/';
    for (std::size_t start = 0; !bad_path && start <= path.size();) {
      const std::size_t slash = std::min(path.find('/', start), path.size());
      const std::string_view part = path.substr(start, slash - start);
      if (part.empty() || part == "." || part == "..") bad_path = true;
      start = slash + 1;
    }
    if (bad_path) {
      throw data_error("commit " + what + " names the path '" + std::string(path) +
                       "', which is not inside the output directory; start over with a new "
                       "--checkpoint directory");
    }
  }

  void record(const Line& line, const std::string& source) {
    std::size_t idx;
    if (!fields) {
      idx = parts.empty() ? part_of(std::string()) : 0;
    } else {
      if (!reader.open(line.text, &why)) {
        bad.handle(reader.open_failure(), source, line.number, why, line.text);
        return;
      }
      if (!reader.get_fields(*fields, values.data(), &why)) {
        bad.handle(BadKind::kMalformed, source, line.number, why, line.text);
        return;
      }
      key.clear();
      for (std::size_t i = 0; i < values.size(); ++i) {
        const JsonValue& v = values[i];
        std::string_view text;
        switch (v.type) {
          case JsonType::kMissing:
          case JsonType::kNull:
            break;
          case JsonType::kBool:
            text = v.boolean ? "true" : "false";
            break;
          default:
            text = v.text;
        }
        const std::string value = encode_partition_value(text);
        if (field_dirs[i].size() + value.size() > kMaxComponent) {
          bad.handle(BadKind::kBadValue, source, line.number,
                     "the --partition-by " + opt.partition_by[i].text() +
                         " value is too long for a directory name (" +
                         std::to_string(field_dirs[i].size() + value.size()) +
                         " bytes encoded, at most " + std::to_string(kMaxComponent) + ")",
                     line.text);
          return;
        }
        if (i > 0) key.push_back('/');
        key += field_dirs[i];
        key += value;
      }
      if (opt.max_partitions > 0 && parts.size() >= opt.max_partitions && !index.contains(key)) {
        throw data_error(source + ":" + std::to_string(line.number) +
                         ": this record would make partition " + std::to_string(parts.size() + 1) +
                         " of its epoch (" + key + "), more than --max-partitions " +
                         std::to_string(opt.max_partitions) +
                         "; partition by fields with fewer values, or raise the limit (0: none)");
      }
      idx = part_of(key);
    }
    StagedFile& f = *parts[idx].file;
    f.append(line.text);
    buffered += line.text.size() + 1;
    if (f.buffered() >= part_buffer) write_out(idx);
    if (buffered > kMaxBuffered) {
      for (std::size_t i = 0; i < parts.size(); ++i) write_out(i);
    }
    if (++records == 1000) fault_point("mid-output");
  }

  // The part of `rel_dir`.
  std::size_t part_of(const std::string& rel_dir) {
    if (!open_dir_made) {
      make_real_dir(open_dir);
      open_dir_made = true;
    }
    const auto [it, added] = index.try_emplace(rel_dir, parts.size());
    if (added) {
      const std::string name = staged_name(parts.size(), opt.zstd);
      parts.push_back(Part{rel_dir, name, std::make_unique<StagedFile>(open_dir + "/" + name)});
    }
    return it->second;
  }

  // Writes part `idx`'s buffer to its file, opening it (and closing the least
  // recently written open file when max_open_files are open).
  void write_out(std::size_t idx) {
    Part& p = parts[idx];
    if (p.file->buffered() == 0) return;
    if (!p.file->is_open()) {
      if (open.size() >= opt.max_open_files) {
        std::size_t oldest = 0;
        for (std::size_t i = 1; i < open.size(); ++i) {
          if (parts[open[i]].last_use < parts[open[oldest]].last_use) oldest = i;
        }
        parts[open[oldest]].file->close();
        open[oldest] = open.back();
        open.pop_back();
      }
      p.file->open();
      open.push_back(idx);
    }
    p.last_use = ++clock;
    buffered -= p.file->buffered();
    p.file->write_out(zstd.get(), parts.size() > 1);
  }

  void commit(std::int64_t epoch) {
    // An epoch committed before, or one after a gap: the source did not go
    // on from this directory's commits (an error saying so, not a silent
    // skip that would lose the records).
    ckpt.check_follows(epoch, committed);
    const std::string name = part_name(epoch, opt.zstd);
    const std::string epoch_dir = "epoch-" + std::to_string(epoch);
    Listing files;
    if (!parts.empty()) {
      for (std::size_t i = 0; i < parts.size(); ++i) write_out(i);
      for (Part& p : parts) p.file->sync_close();
      open.clear();
      if (opt.mode == SinkMode::kComplete) {
        // Lay the snapshot out as it will be seen, under _staging.
        const std::string snap = open_dir + "/snapshot";
        make_dir(snap, "output directory");
        std::set<std::string> dirs;
        for (const Part& p : parts) {
          const std::string rel = p.rel_dir.empty() ? name : p.rel_dir + "/" + name;
          make_parents(snap, rel, &dirs);
          rename_or_throw(open_dir + "/" + p.staged, snap + "/" + rel);
          files.emplace_back(epoch_dir + "/snapshot/" + rel, "current/" + rel);
        }
        write_file(snap + "/_epoch", std::to_string(epoch) + "\n");
        for (const auto& d : dirs) sync_dir(d);
      } else {
        for (const Part& p : parts) {
          files.emplace_back(epoch_dir + "/" + p.staged,
                             p.rel_dir.empty() ? name : p.rel_dir + "/" + name);
        }
      }
      sync_dir(open_dir);
      rename_or_throw(open_dir, staging + "/" + epoch_dir);
      sync_dir(staging);
    }
    PayloadWriter w;
    w.put_u64(kPayloadTag);
    w.put_u64(settings.size());
    for (const auto& [k, v] : settings) {
      w.put_string(k);
      w.put_string(v);
    }
    w.put_u8(static_cast<std::uint8_t>(opt.mode));
    w.put_u64(files.size());
    for (const auto& [staged, final_path] : files) {
      w.put_string(staged);
      w.put_string(final_path);
    }
    ckpt.commit(epoch, w.bytes());
    fault_point("commit-before-publish");
    committed = epoch;
    parts.clear();
    index.clear();
    open_dir_made = false;
    publish(epoch, opt.mode, files);
  }

  // Makes committed epoch N's files visible; safe to repeat after a crash at
  // any point of an earlier attempt.
  void publish(std::int64_t epoch, SinkMode mode, const Listing& files) {
    const std::string from = staging + "/epoch-" + std::to_string(epoch);
    if (files.empty()) return;  // complete: an epoch without records keeps the table
    if (mode == SinkMode::kComplete) {
      swap_in(from, epoch);
    } else {
      std::set<std::string> dirs;
      std::unordered_map<std::string, int> folders;  // rel folder -> descriptor
      struct Closer {
        std::unordered_map<std::string, int>& m;
        ~Closer() {
          for (const auto& [rel, fd] : m) ::close(fd);
        }
      } closer{folders};
      bool first = true;
      for (const auto& [staged, final_path] : files) {
        // Into the folder opened level by level without following links
        // (a planted OUT/p=a -> /elsewhere is refused, not written through).
        const std::size_t slash = final_path.rfind('/');
        const std::string rel = slash == std::string::npos ? "" : final_path.substr(0, slash);
        const std::string name = final_path.substr(slash == std::string::npos ? 0 : slash + 1);
        auto it = folders.find(rel);
        if (it == folders.end())
          it = folders.emplace(rel, open_folder_below(out, rel, &dirs)).first;
        const std::string src = staging + "/" + staged;
        if (exists(src) && ::renameat(AT_FDCWD, src.c_str(), it->second, name.c_str()) != 0) {
          throw io_error(errno_text("cannot rename " + src + " to " + out + "/" + final_path));
        }
        if (first) {
          first = false;
          fault_point("mid-publish");
        }
      }
      for (const auto& d : dirs) sync_dir(d);
    }
    if (exists(from)) remove_tree(from);
  }

  // Complete mode: replaces OUT/current with FROM/snapshot, epoch N's table.
  void swap_in(const std::string& from, std::int64_t epoch) {
    const std::string snap = from + "/snapshot";
    const std::string cur = out + "/current";
    // Swapped before a crash: OUT/current is N's table, FROM/snapshot (if
    // there) the old one, which must not come back.
    struct stat st;
    if (::lstat(cur.c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) refuse_non_dir(cur);
    if (snapshot_epoch(cur) == epoch || snapshot_epoch(snap) != epoch) return;
    if (!exists(cur)) {
      rename_or_throw(snap, cur);
    } else if (opt.rename_exchange &&
               ::renameat2(AT_FDCWD, snap.c_str(), AT_FDCWD, cur.c_str(), RENAME_EXCHANGE) == 0) {
      // One step: the old table is now FROM/snapshot.
    } else if (!opt.rename_exchange || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP) {
      rename_or_throw(cur, from + "/old");
      rename_or_throw(snap, cur);
    } else {
      throw io_error(errno_text("cannot exchange " + snap + " with " + cur));
    }
    sync_dir(out);
    fault_point("mid-publish");
  }

  // Drops the records staged since the last epoch record.
  void discard() {
    parts.clear();  // closes the files
    index.clear();
    open.clear();
    buffered = 0;
    if (open_dir_made) remove_tree(open_dir);
    open_dir_made = false;
  }

  static constexpr std::size_t kMaxComponent = 255;  // NAME_MAX
  // Records held in buffers, in all: past it, every buffer is written out.
  static constexpr std::size_t kMaxBuffered = std::size_t{32} << 20;

  DirSinkOptions opt;
  CheckpointDir& ckpt;
  BadInputPolicy& bad;
  std::string out, staging, open_dir;
  bool started = false;
  std::int64_t committed = -1;  // newest committed epoch
  Fingerprint settings;         // the flags the output layout depends on
  std::unique_ptr<FrameCompressor> zstd;
  std::size_t part_buffer = 0;  // a partition's buffer is written out when this full
  std::size_t buffered = 0;     // bytes in all buffers
  // --partition-by
  std::unique_ptr<FieldSet> fields;
  std::vector<std::string> field_dirs;  // "field=", encoded
  std::vector<JsonValue> values;
  RecordReader reader;
  std::string key, why;
  // This epoch's staged files.
  std::vector<Part> parts;
  std::unordered_map<std::string, std::size_t> index;  // rel_dir -> parts
  std::vector<std::size_t> open;                       // parts whose file is open
  bool open_dir_made = false;
  std::uint64_t clock = 0;
  std::uint64_t records = 0;  // this run's, for the mid-output fault point
};

DirSinkOperator::DirSinkOperator(DirSinkOptions options, CheckpointDir& ckpt, BadInputPolicy& bad,
                                 Output& out)
    : Operator(out), impl_(std::make_unique<Impl>(std::move(options), ckpt, bad)) {}

DirSinkOperator::~DirSinkOperator() = default;

void DirSinkOperator::on_record(const Line& line, const std::string& source) {
  if (!impl_->started) impl_->start();
  impl_->record(line, source);
}

void DirSinkOperator::on_control(const Control& control, std::string_view) {
  if (!impl_->started) impl_->start();
  if (control.type == ControlType::kEpoch) impl_->commit(control.epoch);
}

void DirSinkOperator::on_end() {
  if (!impl_->started) impl_->start();
  // Records after the last epoch record belong to no committed epoch: they
  // are not made visible (a replay brings them again with their epoch).
  impl_->discard();
}

}  // namespace sx
