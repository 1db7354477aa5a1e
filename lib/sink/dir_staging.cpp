#include "sink/dir_staging.h"

#include <fcntl.h>
#include <unistd.h>
#include <zstd.h>

#include <cerrno>
#include <cstdio>
#include <set>
#include <utility>

#include "base/error.h"
#include "io/fs.h"
#include "sink/dir_publish.h"

namespace sx {

namespace {

// Records held in buffers, in all: past it, every buffer is written out.
constexpr std::size_t kMaxBuffered = std::size_t{32} << 20;

std::string staged_name(std::size_t index, bool zstd) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "s-%06zu.ndjson%s", index, zstd ? ".zst" : "");
  return buf;
}

}  // namespace

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
// one frame per write) when the staging says so, through a descriptor that
// may be closed between writes (the file is then reopened to append).
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
      write_all(fd_, zstd->compress(buf_, path_), path_);
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

struct DirStaging::Part {
  std::string rel_dir;  // "a=1/b=x", "" without --partition-by
  std::string staged;   // its file in OUT/_staging/open
  std::unique_ptr<StagedFile> file;
  std::uint64_t last_use = 0;  // when it was last written out
};

DirStaging::DirStaging(std::string out, SinkMode mode, bool zstd, std::size_t part_buffer,
                       std::size_t max_open_files)
    : out_(std::move(out)),
      staging_(out_ + "/_staging"),
      open_dir_(staging_ + "/open"),
      mode_(mode),
      zstd_(zstd),
      part_buffer_(part_buffer),
      max_open_files_(max_open_files == 0 ? 1 : max_open_files) {
  if (zstd_) compressor_ = std::make_unique<FrameCompressor>();
}

DirStaging::~DirStaging() = default;

std::size_t DirStaging::part_of(const std::string& rel_dir) {
  if (!open_dir_made_) {
    make_real_dir(open_dir_);
    open_dir_made_ = true;
  }
  const auto [it, added] = index_.try_emplace(rel_dir, parts_.size());
  if (added) {
    const std::string name = staged_name(parts_.size(), zstd_);
    parts_.push_back(Part{rel_dir, name, std::make_unique<StagedFile>(open_dir_ + "/" + name)});
  }
  return it->second;
}

void DirStaging::append(std::size_t part, std::string_view line) {
  StagedFile& f = *parts_[part].file;
  f.append(line);
  buffered_ += line.size() + 1;
  if (f.buffered() >= part_buffer_) write_out(part);
  if (buffered_ > kMaxBuffered) {
    for (std::size_t i = 0; i < parts_.size(); ++i) write_out(i);
  }
}

// Writes part `idx`'s buffer to its file, opening it (and closing the least
// recently written open file when max_open_files are open).
void DirStaging::write_out(std::size_t idx) {
  Part& p = parts_[idx];
  if (p.file->buffered() == 0) return;
  if (!p.file->is_open()) {
    if (open_.size() >= max_open_files_) {
      std::size_t oldest = 0;
      for (std::size_t i = 1; i < open_.size(); ++i) {
        if (parts_[open_[i]].last_use < parts_[open_[oldest]].last_use) oldest = i;
      }
      parts_[open_[oldest]].file->close();
      open_[oldest] = open_.back();
      open_.pop_back();
    }
    p.file->open();
    open_.push_back(idx);
  }
  p.last_use = ++clock_;
  buffered_ -= p.file->buffered();
  p.file->write_out(compressor_.get(), parts_.size() > 1);
}

std::vector<std::pair<std::string, std::string>> DirStaging::seal(std::int64_t epoch) {
  const std::string name = part_name(epoch, zstd_);
  const std::string epoch_dir = "epoch-" + std::to_string(epoch);
  std::vector<std::pair<std::string, std::string>> files;
  if (parts_.empty()) return files;
  for (std::size_t i = 0; i < parts_.size(); ++i) write_out(i);
  for (Part& p : parts_) p.file->sync_close();
  open_.clear();
  if (mode_ == SinkMode::kComplete) {
    // Lay the snapshot out as it will be seen, under _staging.
    const std::string snap = open_dir_ + "/snapshot";
    make_dir(snap, "output directory");
    std::set<std::string> dirs;
    for (const Part& p : parts_) {
      const std::string rel = p.rel_dir.empty() ? name : p.rel_dir + "/" + name;
      make_parents(snap, rel, &dirs);
      rename_path(open_dir_ + "/" + p.staged, snap + "/" + rel);
      files.emplace_back(epoch_dir + "/snapshot/" + rel, "current/" + rel);
    }
    write_file(snap + "/_epoch", std::to_string(epoch) + "\n");
    for (const auto& d : dirs) sync_dir(d);
  } else {
    for (const Part& p : parts_) {
      files.emplace_back(epoch_dir + "/" + p.staged,
                         p.rel_dir.empty() ? name : p.rel_dir + "/" + name);
    }
  }
  sync_dir(open_dir_);
  rename_path(open_dir_, staging_ + "/" + epoch_dir);
  sync_dir(staging_);
  parts_.clear();
  index_.clear();
  open_dir_made_ = false;
  buffered_ = 0;
  return files;
}

void DirStaging::discard() {
  parts_.clear();  // closes the files
  index_.clear();
  open_.clear();
  buffered_ = 0;
  if (open_dir_made_) remove_tree(open_dir_);
  open_dir_made_ = false;
}

}  // namespace sx
