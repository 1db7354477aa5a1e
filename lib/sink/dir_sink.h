// sx-sink --path OUT: the transactional directory sink (sx(7), "CHECKPOINTS";
// man/sx-sink.1, "DIRECTORY SINK" is the user's view of what follows).
//
// The visible output is every file under OUT whose path has no component
// starting with '_' or '.' (decompressed when it ends in .zst).
//
// Writing an epoch. Records go to staged files in OUT/_staging/open/ (one per
// partition, s-NNNNNN.ndjson[.zst]); the epoch number is only known at the
// epoch record. At the epoch record N:
//   1. every staged file is finished and fsync'd (for complete mode they are
//      then renamed into the tree OUT/_staging/open/snapshot/<partition>/, with
//      the marker snapshot/_epoch holding "N\n", every directory fsync'd);
//   2. OUT/_staging/open is renamed to OUT/_staging/epoch-N (fsync'd);
//   3. the commit DIR/_commits/N is written, listing every (staged path,
//      final path) pair and the flags that shape the output;
//   4. publish: append and update rename each staged file to
//      OUT/<partition>/part-NNNNNNNN.ndjson[.zst] (N the epoch) and fsync the
//      directories; complete swaps OUT/_staging/epoch-N/snapshot with
//      OUT/current in one renameat2(RENAME_EXCHANGE) (or renames it into
//      place when there is no OUT/current yet), so a reader sees the old table
//      or the new one, never a mix; the old one, now under _staging, is
//      deleted. Where RENAME_EXCHANGE is refused (EINVAL, ENOSYS, EOPNOTSUPP)
//      the swap takes two renames (the old snapshot out, the new one in), with
//      a moment in which OUT/current is absent.
// The parts: sink/dir_staging.h (the epoch's files), sink/dir_commit.h (the
// commit record), sink/dir_publish.h (publish and recovery).
//
// Recovery (when the stream begins: Operator::on_start; not at launch,
// because upstream sx-read --reset may still be emptying the checkpoint): the
// newest commit is rolled forward idempotently (a
// staged file still present is renamed; a complete-mode swap is done unless
// OUT/current/_epoch already says N), then everything in OUT/_staging is
// deleted. An epoch committed before (a replay) is not written again.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "io/json.h"
#include "sink/epoch_sink.h"
#include "sink/sink_mode.h"
#include "sink/sink_operator.h"
#include "stream/bad_input.h"
#include "stream/checkpoint.h"
#include "stream/stage.h"

namespace sx {

struct DirSinkOptions {
  std::string path;                   // OUT
  SinkMode mode = SinkMode::kAppend;  // see man/sx-sink.1
  bool zstd = false;                  // --compress zstd
  std::vector<FieldPath> partition_by;
  // Records are buffered per staged file and written out (one zstd frame
  // each with --compress) when `part_buffer` bytes are held (0: 1 MiB, or
  // 256 KiB with --partition-by), when all buffers together hold 32 MiB, and
  // at the epoch record.
  std::size_t part_buffer = 0;
  // Partitions one epoch may write (--max-partitions; 0: no limit): more is a
  // data_error, before memory and the file system pay for a mistaken field.
  std::size_t max_partitions = 10000;
  // Staged files held open at once; beyond it the least recently written one
  // is closed, and reopened (appending) when it is written to again.
  std::size_t max_open_files = 256;
  // false: always the two-step swap (to test it where RENAME_EXCHANGE works).
  bool rename_exchange = true;
};

// Spark's name for the partition of a null, missing or empty value.
inline constexpr std::string_view kHiveDefaultPartition = "__HIVE_DEFAULT_PARTITION__";

// The directory-name form of a partition value's text (or of a field name):
// every byte outside [A-Za-z0-9._-] becomes %XX (upper-case hex); when the
// text starts with '.', every '.' becomes %2E; a leading '_' becomes %5F; ""
// becomes __HIVE_DEFAULT_PARTITION__. So "../../etc" -> "%2E%2E%2F%2E%2E%2Fetc".
// The result is never empty, ".", "..", never holds '/' or NUL and never starts
// with '.' or '_': no value can leave OUT or hide its files.
std::string encode_partition_value(std::string_view text);
// The inverse: std::nullopt for __HIVE_DEFAULT_PARTITION__ (null, missing or
// ""), else the bytes (%XX decoded; a '%' not followed by two hex digits is
// kept as is).
std::optional<std::string> decode_partition_value(std::string_view name);

// The directory sink, an EpochSink (sink/epoch_sink.h).
class DirSink final : public EpochSink {
 public:
  // `bad` takes the records --partition-by cannot place (not JSON objects,
  // values too long for a directory name); more than max_partitions in an
  // epoch is a data_error.
  DirSink(DirSinkOptions options, CheckpointDir& ckpt, BadInputPolicy& bad);
  ~DirSink() override;
  DirSink(const DirSink&) = delete;
  DirSink& operator=(const DirSink&) = delete;

  // Recovers OUT (see above): throws usage_error when the newest commit was
  // made with another --mode, --compress or --partition-by, io_error when
  // OUT cannot be prepared.
  void open(const SinkHeader& header) override;
  std::int64_t last_committed() const override;
  void begin_epoch(std::int64_t) override {}
  void write(const Line& line, const std::string& source) override;
  // Seals the staged files, writes the commit, publishes.
  void commit_epoch(std::int64_t id) override;
  // Both drop the records after the last epoch record: they belong to no
  // committed epoch (a replay brings them again with their epoch).
  void abort_epoch() override;
  void finish() override;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// sx-sink --path's operator. `out` receives nothing (the files are the
// output); it is the driver's.
class DirSinkOperator final : public SinkOperatorFor<DirSink> {
 public:
  DirSinkOperator(DirSinkOptions options, CheckpointDir& ckpt, BadInputPolicy& bad, Output& out)
      : SinkOperatorFor<DirSink>(out, std::move(options), ckpt, bad) {}
};

}  // namespace sx
