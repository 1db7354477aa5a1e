#include "sink/dir_sink.h"

#include <utility>

#include "base/error.h"
#include "io/checkpoint_file.h"
#include "sink/dir_publish.h"
#include "sink/dir_staging.h"

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

// ---- the sink ----------------------------------------------------------------------

struct DirSink::Impl {
  Impl(DirSinkOptions o, CheckpointDir& c, BadInputPolicy& b)
      : opt(std::move(o)),
        ckpt(c),
        bad(b),
        staging(opt.path, opt.mode, opt.zstd,
                opt.part_buffer > 0        ? opt.part_buffer
                : opt.partition_by.empty() ? std::size_t{1} << 20
                                           : std::size_t{256} << 10,
                opt.max_open_files) {
    settings.emplace_back("mode", sink_mode_name(opt.mode));
    if (opt.zstd) settings.emplace_back("compress", "zstd");
    for (const FieldPath& f : opt.partition_by) {
      settings.emplace_back("partition-by", f.text());
      field_dirs.push_back(encode_partition_value(f.text()) + "=");
    }
    if (!opt.partition_by.empty()) {
      fields = std::make_unique<FieldSet>(opt.partition_by);
      values.resize(opt.partition_by.size());
    }
  }

  void record(const Line& line, const std::string& source) {
    std::size_t idx;
    if (!fields) {
      idx = staging.size() == 0 ? staging.part_of(std::string()) : 0;
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
      if (opt.max_partitions > 0 && staging.size() >= opt.max_partitions &&
          !staging.contains(key)) {
        throw data_error(source + ":" + std::to_string(line.number) +
                         ": this record would make partition " +
                         std::to_string(staging.size() + 1) + " of its epoch (" + key +
                         "), more than --max-partitions " + std::to_string(opt.max_partitions) +
                         "; partition by fields with fewer values, or raise the limit (0: none)");
      }
      idx = staging.part_of(key);
    }
    staging.append(idx, line.text);
    if (++records == 1000) fault_point("mid-output");
  }

  // The epoch record: staged files sealed, the commit written, then published.
  void commit(std::int64_t epoch) {
    // An epoch committed before, or one after a gap: the source did not go
    // on from this directory's commits (an error saying so, not a silent
    // skip that would lose the records).
    ckpt.check_follows(epoch, committed);
    DirCommit c{settings, opt.mode, staging.seal(epoch)};
    ckpt.commit(epoch, encode_dir_commit(c));
    fault_point("commit-before-publish");
    committed = epoch;
    publish_epoch(opt.path, epoch, c, opt.rename_exchange);
  }

  static constexpr std::size_t kMaxComponent = 255;  // NAME_MAX

  DirSinkOptions opt;
  CheckpointDir& ckpt;
  BadInputPolicy& bad;
  DirStaging staging;
  std::int64_t committed = -1;  // newest committed epoch
  Fingerprint settings;         // the flags the output layout depends on
  // --partition-by
  std::unique_ptr<FieldSet> fields;
  std::vector<std::string> field_dirs;  // "field=", encoded
  std::vector<JsonValue> values;
  RecordReader reader;
  std::string key, why;
  std::uint64_t records = 0;  // this run's, for the mid-output fault point
};

DirSink::DirSink(DirSinkOptions options, CheckpointDir& ckpt, BadInputPolicy& bad)
    : impl_(std::make_unique<Impl>(std::move(options), ckpt, bad)) {}

DirSink::~DirSink() = default;

void DirSink::open(const SinkHeader&) {
  impl_->committed =
      recover_output(impl_->opt.path, impl_->ckpt, impl_->settings, impl_->opt.rename_exchange);
}

std::int64_t DirSink::last_committed() const { return impl_->committed; }

void DirSink::write(const Line& line, const std::string& source) { impl_->record(line, source); }

void DirSink::commit_epoch(std::int64_t id) { impl_->commit(id); }

void DirSink::abort_epoch() { impl_->staging.discard(); }

void DirSink::finish() { impl_->staging.discard(); }

}  // namespace sx
