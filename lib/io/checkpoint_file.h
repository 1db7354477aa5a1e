// One checkpoint file: a stage's state snapshot for one epoch, with the
// metadata needed to refuse it when it does not fit the current run. The byte
// layout and the write protocol are specified in man/sx.7 ("Checkpoint file format");
// this header states the contract.
//
// Writing is atomic: the bytes go to ".NAME.tmp.<pid>" in the same directory,
// are fsync'd, renamed over NAME, and the directory is fsync'd (or both syncs
// are left to the sink's syncfs at commit: Durability below). A crash at any
// moment leaves NAME either absent, or the old complete file, or the new
// complete file; readers never look at temp files. The steps and their errors
// are io/fs.h's replace_file and durability policy: a failed fsync or syncfs
// is an io_error, never passed over.
//
// Reading has three outcomes: a complete, verified file; no file
// yet (std::nullopt: start fresh); or an Error. A damaged file (empty,
// truncated, bad magic, checksum mismatch, zstd error) is never loaded.
//
// Fault injection, for crash tests: when the environment variable SX_FAULT (a
// comma-separated list) contains "ckpt-before-rename", write_checkpoint_file()
// kills its own process with SIGKILL (exit status 137 in a shell) after the
// temp file is written (and fsync'd, with Durability::kNow) and before the rename.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sx {

// The flags a stage's state depends on, as (flag name without dashes, value)
// pairs in the order the stage lists them: {{"tumbling", "5m"}, {"by",
// "event_type"}, {"agg", "count"}}. A flag without a value has "" as value. A
// repeated flag is one entry per occurrence; the order among entries of one
// name matters, the order between different names does not.
using Fingerprint = std::vector<std::pair<std::string, std::string>>;

struct CheckpointMeta {
  std::string writer;       // the stage that wrote it ("sx-window", a --name)
  std::int64_t epoch = 0;   // the epoch whose state the payload is
  Fingerprint fingerprint;  // see above
};

struct CheckpointFile {
  CheckpointMeta meta;
  std::string payload;  // exactly the bytes given to write_checkpoint_file
};

// Crash-test hook: kills this process (SIGKILL) when SX_FAULT lists `point`.
// Points: ckpt-before-rename (inside write_checkpoint_file),
// commit-before-publish and mid-output (sx-sink --path).
void fault_point(std::string_view point);

// The newest format this sx writes and reads.
inline constexpr std::uint32_t kCheckpointFormat = 1;

// Atomically replaces `path` with a checkpoint of `meta` and `payload` (any
// bytes). REQUIRES: the directory of `path` exists; no other thread or process
// writes `path` at the same time (the temp name is per process). Throws
// io_error naming the file when a system call fails; the temp file is removed
// then and `path` is unchanged. `level`: zstd's; snapshots are written at
// every epoch, so speed comes before ratio (bulk state such as sx-dedup's keys
// uses kBulkCompressionLevel, about twice as fast again).
inline constexpr int kCompressionLevel = 1;
inline constexpr int kBulkCompressionLevel = -5;
//
// `durability`: kNow fsyncs the file and, after the rename, its directory;
// kAtCommit leaves both to a later sync_file_system() of the same file system
// (the sink's, before it commits the epoch: one flush per epoch instead of
// two per file; sx(7), CHECKPOINTS). A crash of the process never loses the
// file either way (the page cache keeps it); only a crash of the machine can,
// and then the epoch was not committed.
enum class Durability { kNow, kAtCommit };
void write_checkpoint_file(const std::string& path, const CheckpointMeta& meta,
                           std::string_view payload, int level = kCompressionLevel,
                           Durability durability = Durability::kNow);

// syncfs() on the file system holding `dir`: everything written there before
// the call (by any process) is durable when it returns. Throws io_error.
void sync_file_system(const std::string& dir);

// Reads and verifies `path`. Returns std::nullopt when it does not exist (no
// checkpoint yet). Throws data_error naming the file, the problem and what to
// do when it is damaged or was written by a newer sx; io_error when it cannot
// be read.
std::optional<CheckpointFile> read_checkpoint_file(const std::string& path);

// Compares the fingerprint `saved` in the checkpoint at `path` with the one
// of this run. Throws usage_error naming the first difference (in the order of
// `saved`, then the names only `now` has), e.g.
//   checkpoint DIR/sx-window/state was made with --tumbling 5m; this run has
//   --tumbling 10m. Resume with the same flags, or start over: remove DIR (or
//   use sx-read --reset)
// where DIR is `checkpoint_dir` (the --checkpoint directory).
void check_fingerprint(const std::string& path, const CheckpointMeta& saved, const Fingerprint& now,
                       const std::string& checkpoint_dir);

// CRC-32C (Castagnoli, reflected, as in iSCSI and ext4); with SSE4.2's crc32
// instruction when the CPU has it, else by tables. Pass the
// previous result as `crc` to extend it: crc32c("ab") == crc32c("b",
// crc32c("a")). crc32c("123456789") == 0xE3069283.
std::uint32_t crc32c(std::string_view data, std::uint32_t crc = 0);

// Serialises a stage's state: little-endian fixed-width integers, IEEE-754
// doubles by their bits, strings as a u64 length and the bytes. Nothing is
// self-describing; the reader must ask for the same sequence.
class PayloadWriter {
 public:
  void put_u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void put_u32(std::uint32_t v);
  void put_u64(std::uint64_t v);
  void put_i64(std::int64_t v) { put_u64(static_cast<std::uint64_t>(v)); }
  void put_f64(double v);
  void put_string(std::string_view s);
  void put_bytes(std::string_view raw) { out_.append(raw); }  // no length: the reader knows it
  void reserve(std::size_t bytes) { out_.reserve(bytes); }

  const std::string& bytes() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// Reads what a PayloadWriter wrote. Every get_ checks the remaining bytes and
// throws data_error ("<what> is malformed (...); ...") instead of reading past the
// end. `data` is not copied: it must outlive the reader and the views that
// get_string returns.
class PayloadReader {
 public:
  // `what` names the payload in messages, e.g. "checkpoint DIR/sx-dedup/state".
  explicit PayloadReader(std::string_view data, std::string what = "checkpoint payload")
      : data_(data), what_(std::move(what)) {}

  std::uint8_t get_u8();
  std::uint32_t get_u32();
  std::uint64_t get_u64();
  std::int64_t get_i64();
  double get_f64();
  std::string_view get_string();
  std::string_view get_bytes(std::size_t n);  // what put_bytes wrote, n known to the reader
  // A u64 element count, checked against the bytes left when each element
  // takes at least `min_bytes_each` (>= 1): safe to reserve() with.
  std::size_t get_count(std::size_t min_bytes_each);
  // Throws data_error unless every byte was read.
  void expect_end() const;

  std::size_t remaining() const { return data_.size() - pos_; }
  std::size_t position() const { return pos_; }

 private:
  const char* take(std::size_t n, const char* what);
  [[noreturn]] void fail(const std::string& problem) const;

  std::string_view data_;
  std::string what_;
  std::size_t pos_ = 0;
};

}  // namespace sx
