#include "sink/stdout_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <type_traits>

#include "base/diag.h"
#include "base/error.h"
#include "base/signals.h"
#include "io/fs.h"
#include "stream/checkpoint.h"

namespace sx {

SinkFormat parse_sink_format(const std::string& name) {
  if (name == "ndjson" || name == "jsonl" || name == "json") return SinkFormat::kNdjson;
  if (name == "table") return SinkFormat::kTable;
  if (name == "csv") return SinkFormat::kCsv;
  if (name == "tsv") return SinkFormat::kTsv;
  if (name == "markdown" || name == "md") return SinkFormat::kMarkdown;
  if (name == "bar") return SinkFormat::kBar;
  if (name == "live") return SinkFormat::kLive;
  throw usage_error("--format: unknown format '" + name +
                    "' (use ndjson, table, csv, tsv, markdown, bar or live)");
}

StdoutSink::StdoutSink(const SinkOptions& options, Output& out, BadInputPolicy& bad)
    : opt_(options), out_(out), bad_(bad) {
  if (opt_.keep_control && opt_.format != SinkFormat::kNdjson) {
    throw usage_error(
        "--keep-control goes with --format ndjson only (tables and CSV are for "
        "people and other programs; keep the stream with --format ndjson)");
  }
  if (opt_.format == SinkFormat::kBar && opt_.bar_value.empty()) {
    throw usage_error(
        "--format bar needs --value FIELD: the numeric field the bars show (e.g. --value count)");
  }
  if (opt_.format != SinkFormat::kBar && (!opt_.bar_value.empty() || !opt_.bar_label.empty())) {
    throw usage_error("--value and --label go with --format bar");
  }
  if (opt_.format != SinkFormat::kLive && !opt_.live_key.empty()) {
    throw usage_error("--key goes with --format live");
  }
  if (opt_.checkpoint) {
    // The spill file of the held output: unlinked from the start, so that
    // nothing is left behind whatever happens to this process.
    const std::string folder = opt_.checkpoint->dir() + "/" + opt_.checkpoint->stage();
    held_fd_ = make_temp_file(folder);
    held_ = std::make_unique<Output>(held_fd_, "the held rows' temporary file in " + folder);
  }
  if (opt_.format == SinkFormat::kTable) {
    table_ = std::make_unique<TableWriter>(target(), opt_.num_rows, opt_.truncate);
  } else if (opt_.format == SinkFormat::kCsv) {
    csv_ = std::make_unique<CsvWriter>(target());
  } else if (opt_.format == SinkFormat::kTsv) {
    csv_ = std::make_unique<CsvWriter>(target(), CsvWriter::Dialect::kTsv);
  } else if (opt_.format == SinkFormat::kMarkdown) {
    markdown_ = std::make_unique<MarkdownWriter>(target());
  } else if (opt_.format == SinkFormat::kBar) {
    bar_ = std::make_unique<BarWriter>(target(), opt_.terminal.columns);
    label_parts_.resize(opt_.bar_label.size());
  } else if (opt_.format == SinkFormat::kLive) {
    LiveOptions live;
    live.columns = opt_.terminal.columns;
    live.lines = opt_.terminal.lines;
    live.truncate = opt_.truncate;
    live.key = opt_.live_key;
    live.tty_fd = opt_.terminal_fd;
    live_ = std::make_unique<LiveView>(target(), std::move(live));
  }
  if (opt_.precision > kMaxPrecision) {
    throw usage_error("--precision: " + std::to_string(opt_.precision) + " is more than " +
                      std::to_string(kMaxPrecision) +
                      " digits (a double holds about 17 significant digits)");
  }
  if (!opt_.time_zone.empty()) zone_ = std::make_unique<ZoneShower>(opt_.time_zone);
}

StdoutSink::~StdoutSink() {
  table_.reset();
  csv_.reset();
  markdown_.reset();
  bar_.reset();
  live_.reset();
  if (held_) {
    held_->drop_buffered();
    held_.reset();
  }
  if (held_fd_ >= 0) ::close(held_fd_);
}

void StdoutSink::release_held() {
  if (held_->bytes_written() == held_mark_) {  // all still in memory
    out_.write(held_->buffered_bytes());
    held_->drop_buffered();
  } else {
    held_->flush();
    const std::uint64_t size = held_->bytes_written() - held_mark_;
    std::string chunk(std::min<std::uint64_t>(size, std::uint64_t{1} << 20), '\0');
    for (std::uint64_t off = 0; off < size;) {
      const ssize_t n =
          ::pread(held_fd_, chunk.data(), std::min<std::uint64_t>(chunk.size(), size - off),
                  static_cast<off_t>(off));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw io_error(errno_text("cannot read back the held rows"));
      out_.write({chunk.data(), static_cast<std::size_t>(n)});
      off += static_cast<std::uint64_t>(n);
    }
    drop_held();
  }
  held_rows_ = 0;
}

void StdoutSink::drop_held() {
  held_->drop_buffered();
  if (held_->bytes_written() != held_mark_) {
    if (::ftruncate(held_fd_, 0) != 0 || ::lseek(held_fd_, 0, SEEK_SET) != 0) {
      throw io_error(errno_text("cannot empty the held rows' temporary file"));
    }
  }
  held_mark_ = held_->bytes_written();
  held_rows_ = 0;
}

std::string_view StdoutSink::shown(std::string_view key, const JsonValue& v, JsonType* type) {
  *type = v.type;
  switch (v.type) {
    case JsonType::kNull:
      return "null";
    case JsonType::kBool:
      return v.boolean ? "true" : "false";
    default:
      break;
  }
  if (zone_) {
    const bool window = key == "window_start" || key == "window_end";
    const bool field = field_time_ && !time_field_.empty() && key == time_field_;
    EventTime t;
    bool ok = false;
    if (field) {
      if (v.type == JsonType::kString) {
        ok = field_time_->parse(v.text, &t);
      } else if (v.type == JsonType::kInt) {
        ok = field_time_->parse_number(v.i, &t);
      } else if (v.type == JsonType::kDouble) {
        ok = field_time_->parse_number(v.d, &t);
      }
    }
    if (!ok && window && v.type == JsonType::kString) ok = window_time_.parse(v.text, &t);
    if (ok) {
      char buf[kMaxTimeText];
      shown_.assign(buf, zone_->format(t, buf));
      *type = JsonType::kString;
      return shown_;
    }
  }
  if (opt_.precision >= 0 && v.type == JsonType::kDouble) {
    shown_.clear();
    if (append_rounded(shown_, v.text, opt_.precision)) return shown_;
  }
  return v.text;
}

template <class Emit>
bool StdoutSink::fields(const Line& line, const std::string& source, Emit&& emit) {
  auto each = [&](std::string_view key, const JsonValue& v) {
    JsonType type;
    const std::string_view text = shown(key, v, &type);
    if constexpr (std::is_invocable_v<Emit, std::string_view, std::string_view, JsonType>) {
      emit(key, text, type);
    } else {
      emit(key, text);
    }
  };
  const bool ok = reader_.open(line.text, &why_) && reader_.for_each_field(each, &why_);
  if (!ok) {
    bad_.handle(reader_.open_failure(), source, line.number, why_, line.text);
  }
  return ok;
}

void StdoutSink::write_rewritten(const Line& line, const std::string& source) {
  rewritten_.assign(1, '{');
  const bool ok = fields(line, source, [&](std::string_view k, std::string_view v, JsonType t) {
    if (rewritten_.size() > 1) rewritten_.push_back(',');
    append_json_string(rewritten_, k);
    rewritten_.push_back(':');
    if (t == JsonType::kString) {
      append_json_string(rewritten_, v);
    } else {
      rewritten_ += v;
    }
  });
  if (!ok) return;
  rewritten_.push_back('}');
  target().write_line(rewritten_);
}

// bar and live show fields as the other formats do (shown(): --time-zone,
// --precision), through fields().
void StdoutSink::write_bar(const Line& line, const std::string& source) {
  label_.clear();
  for (auto& p : label_parts_) p.clear();
  value_text_ = "null";
  double number = 0;
  bool is_number = false;
  const bool ok =
      fields(line, source, [&](std::string_view key, std::string_view shown, JsonType type) {
        if (key == opt_.bar_value) {
          value_text_.assign(shown);
          is_number =
              type == JsonType::kInt || type == JsonType::kUint || type == JsonType::kDouble;
          if (is_number) {
            const auto r = std::from_chars(shown.data(), shown.data() + shown.size(), number);
            is_number = r.ec == std::errc();
          }
          return;
        }
        if (opt_.bar_label.empty()) {
          if (key == "window_end") return;  // window_start names the window
          if (!label_.empty()) label_ += ' ';
          label_ += shown;
          return;
        }
        for (std::size_t i = 0; i < opt_.bar_label.size(); ++i) {
          if (opt_.bar_label[i] == key) label_parts_[i].assign(shown);
        }
      });
  if (!ok) return;
  for (const auto& p : label_parts_) {
    if (!label_.empty()) label_ += ' ';
    label_ += p;
  }
  if (!is_number) ++not_numbers_;
  bar_->row(label_, value_text_, is_number ? &number : nullptr);
}

void StdoutSink::write_live(const Line& line, const std::string& source) {
  const bool ok =
      fields(line, source, [&](std::string_view key, std::string_view shown, JsonType type) {
        const bool number =
            type == JsonType::kInt || type == JsonType::kUint || type == JsonType::kDouble;
        live_->field(key, shown, number, type == JsonType::kNull || type == JsonType::kMissing);
      });
  if (ok) live_->end_row();
}

void StdoutSink::write(const Line& line, const std::string& source) {
  ++records_;
  ++held_rows_;
  switch (opt_.format) {
    case SinkFormat::kNdjson:
      if (zone_ || opt_.precision >= 0) {
        write_rewritten(line, source);
      } else {
        target().write_line(line.text);
      }
      break;
    case SinkFormat::kTable:
      if (fields(line, source,
                 [&](std::string_view k, std::string_view v) { table_->cell(k, v); })) {
        table_->end_row();
      }
      break;
    case SinkFormat::kCsv:
    case SinkFormat::kTsv:
      if (fields(line, source, [&](std::string_view k, std::string_view v, JsonType t) {
            csv_->field(k, t == JsonType::kNull ? std::string_view() : v);
          })) {
        csv_->end_record(records_);
      }
      break;
    case SinkFormat::kMarkdown:
      if (fields(line, source, [&](std::string_view k, std::string_view v, JsonType t) {
            markdown_->cell(k, v,
                            t == JsonType::kInt || t == JsonType::kUint || t == JsonType::kDouble,
                            t == JsonType::kNull);
          })) {
        markdown_->end_row();
      }
      break;
    case SinkFormat::kBar:
      write_bar(line, source);
      break;
    case SinkFormat::kLive:
      write_live(line, source);
      break;
  }
}

void StdoutSink::open(const SinkHeader& header) {
  if (live_) live_->set_keys(header.keys);
  // At the stream's start, not at launch: upstream sx-read --reset may still
  // be emptying the directory.
  if (opt_.checkpoint) committed_ = opt_.checkpoint->last_committed();
  if (zone_ && header.stream && !header.stream->time_field.empty()) {
    // The time field is read as the stream reads it (its format and zone for
    // times without an offset); a header sx-read wrote has both right.
    try {
      field_time_ =
          std::make_unique<TimeParser>(header.stream->time_format, header.stream->time_zone);
      time_field_ = header.stream->time_field;
    } catch (const Error&) {
      field_time_.reset();  // not a time sx can read: its values stay as they are
    }
  }
}

void StdoutSink::commit_epoch(std::int64_t id) {
  if (!opt_.checkpoint) return;
  opt_.checkpoint->check_follows(id, committed_);
  release_held();
  out_.sync();
  opt_.checkpoint->commit(id, {});
  committed_ = id;
}

void StdoutSink::control(const Control& control, std::string_view raw) {
  if (opt_.format == SinkFormat::kNdjson) {
    if (opt_.keep_control) target().write_line(raw);
    return;
  }
  if (table_ && control.type == ControlType::kStream) table_->set_schema(control.stream.columns);
  if (markdown_ && control.type == ControlType::kEpoch) {
    markdown_->end_batch(control.epoch);
    saw_epoch_ = true;
    next_batch_ = control.epoch + 1;
  }
  if (live_ && control.type == ControlType::kStream) live_->set_columns(control.stream.columns);
  if (live_ && control.type == ControlType::kWatermark) live_->watermark(control.watermark);
  if (control.type == ControlType::kEpoch && (bar_ || live_)) {
    if (bar_) bar_->end_batch(control.epoch);
    if (live_) live_->epoch(control.epoch);
    next_batch_ = control.epoch + 1;
  }
  if (table_ && control.type == ControlType::kEpoch) {
    if (table_->has_rows() || !opt_.skip_empty_batches) table_->end_batch(control.epoch);
    next_batch_ = control.epoch + 1;
  }
}

void StdoutSink::abort_epoch() {
  if (!held_) {  // stdout without --checkpoint: nothing to take back
    finish();
    return;
  }
  // What came after the last epoch record belongs to an epoch this run did
  // not finish; the next run brings it again with its epoch record.
  if (held_rows_ > 0) {
    note(std::to_string(held_rows_) + (held_rows_ == 1 ? " record" : " records") +
         " after the last epoch record not written: the stream stopped before that epoch "
         "ended (the next run writes them with it)");
  }
  drop_held();
}

void StdoutSink::finish() {
  // Rows after the last epoch record (or plain NDJSON with none) form a batch.
  if (table_ && table_->has_rows()) table_->end_batch(next_batch_);
  if (markdown_ && markdown_->has_rows()) markdown_->end_batch(saw_epoch_ ? next_batch_ : -1);
  if (bar_) {
    bar_->end_batch(next_batch_);
    if (not_numbers_ > 0) {
      note(std::to_string(not_numbers_) + (not_numbers_ == 1 ? " record" : " records") +
           " without a number in " + opt_.bar_value +
           " (missing, null or text): shown without a bar");
    }
  }
  if (live_) live_->finish(interrupted() ? "stopped" : "end of stream");
  if (csv_) {
    const std::string w = csv_->finish();
    if (!w.empty()) warn(w);
  }
  if (held_) release_held();
}

}  // namespace sx
