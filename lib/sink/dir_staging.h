// Staging of the directory sink (sx-sink --path; the protocol is in
// sink/dir_sink.h): the current epoch's records, buffered per partition and
// written to staged files in OUT/_staging/open/ (s-NNNNNN.ndjson[.zst]), then
// sealed at the epoch record into OUT/_staging/epoch-N, ready for the commit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sink/dir_commit.h"

namespace sx {

class FrameCompressor;
class StagedFile;

class DirStaging {
 public:
  // `part_buffer`: a partition's records are written out (one zstd frame
  // each with `zstd`) when that many bytes are held, and all of them when all
  // buffers hold 32 MiB. At most `max_open_files` staged files are open at
  // once (the least recently written is closed, and reopened to append).
  DirStaging(std::string out, SinkMode mode, bool zstd, std::size_t part_buffer,
             std::size_t max_open_files);
  ~DirStaging();
  DirStaging(const DirStaging&) = delete;
  DirStaging& operator=(const DirStaging&) = delete;

  // The partitions (staged files) of this epoch so far.
  std::size_t size() const { return index_.size(); }
  bool contains(const std::string& rel_dir) const { return index_.contains(rel_dir); }
  // The partition of `rel_dir` ("a=1/b=x", "" without --partition-by),
  // added (with its staged file name) when new.
  std::size_t part_of(const std::string& rel_dir);
  // Appends `line` and a newline to partition `part`.
  void append(std::size_t part, std::string_view line);

  // The epoch record N: every staged file is written out and fsync'd; for
  // complete mode they are laid out as OUT/_staging/open/snapshot/<rel>/
  // part-N with the marker snapshot/_epoch ("N\n"); then open/ becomes
  // OUT/_staging/epoch-N (directories fsync'd). Returns the commit's
  // (staged, final) pairs: none when the epoch had no records. The staging
  // is empty after it.
  std::vector<std::pair<std::string, std::string>> seal(std::int64_t epoch);

  // Drops the records staged since the last seal.
  void discard();

 private:
  struct Part;
  void write_out(std::size_t idx);

  std::string out_, staging_, open_dir_;
  SinkMode mode_;
  bool zstd_;
  std::size_t part_buffer_, max_open_files_;
  std::unique_ptr<FrameCompressor> compressor_;
  std::vector<Part> parts_;
  std::unordered_map<std::string, std::size_t> index_;  // rel_dir -> parts_
  std::vector<std::size_t> open_;                       // parts whose file is open
  bool open_dir_made_ = false;
  std::size_t buffered_ = 0;  // bytes in all buffers
  std::uint64_t clock_ = 0;
};

}  // namespace sx
