// Fuzz target: loading checkpoints (io/checkpoint_file.h and the state
// decoders the stages run on a checkpoint's payload). Damaged bytes must give
// an sx::Error (data_error), never a crash, undefined behaviour or a huge
// allocation (run with -malloc_limit_mb: scripts/fuzz.sh does). The first
// byte picks what the rest is:
//   0  a checkpoint file, as is (read_checkpoint_file);
//   1  a checkpoint file whose size field and both CRC-32Cs are set right
//      before it is read, so that the fuzzer gets past the checksums to the
//      metadata, the sizes and the zstd frame;
//   2  an sx-window aggregate state payload (agg_load, until the end);
//   3  an sx-dedup key piece (ExpiringKeySet::load_piece);
//   4  PayloadReader calls, in an order the input gives;
//   5  an sx-window state (tumbling, or session with every aggregate, by the
//      next byte), saved as a stage checkpoint of epoch 0 and committed, then
//      restored by a WindowOperator at the start of its stream (the path
//      sx-window takes on a restart);
//   6  the same for an sx-dedup state (its pieces' part files are absent);
//   7  the commit record of sx-sink --path, recovered by a DirSinkOperator
//      (what it names must stay inside OUT; the staged files do not exist);
//   8  sx-read's position, restored by a Source that then reads a small file.
// What loads writes back and loads again to the same thing.
#include "stream/checkpoint.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "base/error.h"
#include "fuzz_check.h"
#include "io/checkpoint_file.h"
#include "io/output.h"
#include "ops/dedup.h"
#include "ops/window_operator.h"
#include "sink/dir_sink.h"
#include "source/source.h"
#include "state/aggregate.h"
#include "state/key_set.h"
#include "stream/bad_input.h"
#include "stream/control_record.h"
#include "stream/stage.h"

namespace {

// A directory of this process's own, removed at exit. Never destroyed (the
// exit handler still uses it).
const std::string& scratch_dir() {
  static const std::string* const dir = [] {
    const char* base = std::getenv("TMPDIR");
    struct stat st;
    std::string d = stat("/dev/shm", &st) == 0 ? "/dev/shm" : (base ? base : "/tmp");
    d += "/sx-fuzz-checkpoint-" + std::to_string(getpid());
    mkdir(d.c_str(), 0700);
    return new std::string(d);
  }();
  static const bool cleanup = std::atexit([] { std::filesystem::remove_all(*dir); }) == 0;
  (void)cleanup;
  return *dir;
}

void put_le(std::string& s, std::size_t at, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) s[at + i] = static_cast<char>(v >> (8 * i));
}

void write_file(const std::string& path, std::string_view bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  FUZZ_CHECK(f.good(), "cannot write the scratch file");
}

void load_file(std::string bytes, bool fix) {
  if (fix && bytes.size() >= 24) {
    put_le(bytes, 8, bytes.size(), 8);
    put_le(bytes, 16, sx::crc32c(std::string_view(bytes.data(), 16)), 4);
    put_le(bytes, bytes.size() - 4, sx::crc32c(std::string_view(bytes.data(), bytes.size() - 4)),
           4);
  }
  const std::string path = scratch_dir() + "/state";
  write_file(path, bytes);
  std::optional<sx::CheckpointFile> file;
  try {
    file = sx::read_checkpoint_file(path);
  } catch (const sx::Error& e) {
    FUZZ_CHECK(e.kind() == sx::Error::Kind::kData, "a damaged file is not a data error");
    return;
  }
  FUZZ_CHECK(file.has_value(), "an existing file read as absent");
  // What loaded writes back and reads back the same.
  const std::string again = scratch_dir() + "/again";
  sx::write_checkpoint_file(again, file->meta, file->payload, sx::kCompressionLevel,
                            sx::Durability::kAtCommit);
  const auto back = sx::read_checkpoint_file(again);
  FUZZ_CHECK(back && back->meta.writer == file->meta.writer &&
                 back->meta.epoch == file->meta.epoch &&
                 back->meta.fingerprint == file->meta.fingerprint && back->payload == file->payload,
             "a checkpoint written back reads back different");
}

std::string save_aggs(std::string_view payload, std::size_t* states) {
  sx::PayloadReader r(payload, "fuzz payload");
  sx::PayloadWriter w;
  *states = 0;
  while (r.remaining() > 0) {
    sx::AggState s;
    sx::agg_load(r, s);
    sx::agg_save(s, w);
    ++*states;
  }
  return w.take();
}

void load_aggs(std::string_view payload) {
  std::string once;
  std::size_t n = 0;
  try {
    once = save_aggs(payload, &n);
  } catch (const sx::Error& e) {
    FUZZ_CHECK(e.kind() == sx::Error::Kind::kData, "a malformed state is not a data error");
    return;
  }
  FUZZ_CHECK(once.size() >= n * sx::kAggSavedMinBytes, "agg_save wrote less than its minimum");
  std::size_t m = 0;
  const std::string twice = save_aggs(once, &m);  // throws (a crash) if it does not load
  FUZZ_CHECK(m == n && twice == once, "an aggregate state saved twice differs");
}

void load_piece(std::string_view payload) {
  sx::ExpiringKeySet set;
  try {
    set.load_piece(payload, 0, "fuzz piece");
  } catch (const sx::Error& e) {
    FUZZ_CHECK(e.kind() == sx::Error::Kind::kData, "a malformed piece is not a data error");
  }
}

void reader_calls(std::string_view in) {
  if (in.empty()) return;
  const std::size_t ops = std::min<std::size_t>(in[0] & 0x3F, in.size() - 1);
  sx::PayloadReader r(in.substr(1 + ops), "fuzz payload");
  try {
    for (std::size_t i = 0; i < ops; ++i) {
      const auto op = static_cast<unsigned char>(in[1 + i]);
      const std::size_t before = r.remaining();
      switch (op % 9) {
        case 0:
          r.get_u8();
          break;
        case 1:
          r.get_u32();
          break;
        case 2:
          r.get_u64();
          break;
        case 3:
          r.get_i64();
          break;
        case 4:
          r.get_f64();
          break;
        case 5: {
          const std::string_view s = r.get_string();
          FUZZ_CHECK(s.size() <= before, "get_string past the end");
          break;
        }
        case 6:
          r.get_bytes(op / 9);
          break;
        case 7: {
          const std::size_t each = 1 + op / 9;
          const std::size_t n = r.get_count(each);
          FUZZ_CHECK(n <= r.remaining() / each, "get_count beyond the bytes left");
          break;
        }
        default:
          r.expect_end();
          break;
      }
      FUZZ_CHECK(r.remaining() <= before, "the reader went back");
    }
  } catch (const sx::Error& e) {
    FUZZ_CHECK(e.kind() == sx::Error::Kind::kData, "a short payload is not a data error");
  }
}

// Starts `op` on a stream with a header (time field ts, watermark delay 1m)
// and ends it: a stage restores its checkpoint when its stream begins.
void start_and_end(sx::Operator& op) {
  sx::StreamInfo info;
  info.time_field = "ts";
  info.watermark_delay = sx::kMicrosPerMinute;
  info.source = "sx-read";
  const std::string raw = sx::make_stream_record(info);
  const sx::PaddedLine line(raw);
  std::string why;
  const auto header = sx::parse_control(line.view(), &why);
  FUZZ_CHECK(header.has_value(), "the stream header does not parse");
  sx::StreamStart start;
  start.header = &header->stream;
  op.on_start(start);
  op.on_control(*header, raw);
  op.on_end();
}

// Saves `payload` as stage `stage`'s state for epoch 0 and commits epoch 0.
void save_state(const std::string& stage, const sx::Fingerprint& fp, std::string_view payload) {
  sx::CheckpointDir(scratch_dir(), stage).write(0, fp, payload);
  sx::CheckpointDir(scratch_dir(), "sx-sink").commit(0, {});
}

sx::Output& null_output() {
  static sx::Output out(::open("/dev/null", O_WRONLY), "/dev/null");
  return out;
}

void restore_window(std::string_view in) {
  if (in.empty()) return;
  sx::WindowOptions opt;
  if (in[0] & 1) {
    opt.window.kind = sx::WindowKind::kSession;
    opt.window.gap = sx::kMicrosPerMinute;
    opt.aggs = {"count",   "sum(v)",          "avg(v)",
                "min(v)",  "max(v)",          "first(s)",
                "last(s)", "collect_list(s)", "count_distinct(v) as dv"};
  } else {
    opt.window.kind = sx::WindowKind::kTumbling;
    opt.window.size = opt.window.slide = sx::kMicrosPerMinute;
    opt.aggs = {"count", "max(v)"};
  }
  opt.by = {"k"};
  opt.fingerprint = {{"by", "k"}};
  opt.checkpoint = scratch_dir();
  save_state("sx-window", opt.fingerprint, in.substr(1));
  sx::BadInputPolicy bad("fail");
  try {
    sx::WindowOperator op(opt, null_output(), bad);
    start_and_end(op);
  } catch (const sx::Error& e) {
    FUZZ_CHECK(e.kind() == sx::Error::Kind::kData, "a damaged window state is not a data error");
  }
}

void restore_dedup(std::string_view in) {
  sx::DedupOptions opt;
  opt.keys = {"id"};
  opt.checkpoint = scratch_dir();
  save_state("sx-dedup", {{"key", "id"}}, in);
  sx::BadInputPolicy bad("fail");
  try {
    sx::DedupOperator op(opt, null_output(), bad);
    start_and_end(op);
  } catch (const sx::Error& e) {
    FUZZ_CHECK(e.kind() == sx::Error::Kind::kData, "a damaged dedup state is not a data error");
  }
}

void recover_sink(std::string_view in) {
  std::filesystem::remove_all(scratch_dir() + "/out");
  sx::CheckpointDir ckpt(scratch_dir(), "sx-sink");
  ckpt.commit(0, in);
  sx::DirSinkOptions opt;
  opt.path = scratch_dir() + "/out";
  sx::BadInputPolicy bad("fail");
  try {
    sx::DirSinkOperator op(opt, ckpt, bad, null_output());
    start_and_end(op);
  } catch (const sx::Error&) {
    // A usage_error (the commit was made with other flags), a data_error
    // (damage) or an io_error (a staged file it names is missing): all fine.
  }
}

void restore_source(std::string_view in) {
  const std::string input = scratch_dir() + "/in.ndjson";
  static const bool written = [&] {
    write_file(input,
               "{\"ts\":\"2024-01-01T00:00:00Z\",\"k\":1}\n"
               "{\"ts\":\"2024-01-01T00:01:00Z\",\"k\":2}\n"
               "{\"ts\":\"2024-01-01T00:02:00Z\",\"k\":3}\n");
    return true;
  }();
  (void)written;
  sx::SourceOptions opt;
  opt.inputs = {input};
  opt.stream.time_field = "ts";
  opt.stream.watermark_delay = sx::kMicrosPerMinute;
  opt.checkpoint = scratch_dir();
  opt.max_records_per_trigger = 2;
  save_state("sx-read", {{"time-field", "ts"}}, in);
  try {
    const auto source = sx::make_source(opt, null_output());
    source->run();
  } catch (const sx::Error&) {
    // A data_error for damage; also a usage_error or io_error for a position
    // that names another file or one that changed.
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 9) {
    case 0:
      load_file(std::string(rest), false);
      break;
    case 1:
      load_file(std::string(rest), true);
      break;
    case 2:
      load_aggs(rest);
      break;
    case 3:
      load_piece(rest);
      break;
    case 4:
      reader_calls(rest);
      break;
    case 5:
      restore_window(rest);
      break;
    case 6:
      restore_dedup(rest);
      break;
    case 7:
      recover_sink(rest);
      break;
    default:
      restore_source(rest);
      break;
  }
  return 0;
}
