#include "stream/progress.h"

#include <time.h>

#include <algorithm>
#include <cstdio>

#include "io/json.h"
#include "stream/field_usage.h"

namespace sx {

namespace {

std::int64_t steady_us() {
  timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

EventTime wall_now() {
  timespec ts;
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return EventTime{static_cast<Micros>(ts.tv_sec) * kMicrosPerSecond + ts.tv_nsec / 1000};
}

}  // namespace

ProgressLine::ProgressLine(std::string tool, std::uint64_t bytes_total)
    : tool_(std::move(tool)), total_(bytes_total), started_(steady_us()), last_(started_) {}

void ProgressLine::show(std::uint64_t bytes, std::uint64_t records, bool last) {
  const std::int64_t now = steady_us();
  if (!last && now - last_ < 250000) return;
  last_ = now;
  const double secs = static_cast<double>(now - started_) / 1e6;
  const double rate = secs > 0 ? static_cast<double>(records) / secs : 0;
  const double bps = secs > 0 ? static_cast<double>(bytes) / secs : 0;
  char buf[200];
  if (total_ > 0) {
    const double left = bps > 0 ? static_cast<double>(total_ - std::min(bytes, total_)) / bps : 0;
    std::snprintf(buf, sizeof buf, "\r%s: %.1f of %.1f MB (%.0f%%), %.0f records/s, ETA %.0fs   ",
                  tool_.c_str(), static_cast<double>(bytes) / 1e6,
                  static_cast<double>(total_) / 1e6,
                  100.0 * static_cast<double>(bytes) / static_cast<double>(total_), rate, left);
  } else {
    std::snprintf(buf, sizeof buf, "\r%s: %.1f MB, %.0f records/s   ", tool_.c_str(),
                  static_cast<double>(bytes) / 1e6, rate);
  }
  std::fputs(buf, stderr);
  if (last) std::fputs("\n", stderr);
}

ProgressWriter::ProgressWriter(const std::string& path, std::string stage)
    : out_(Output::open_file(path, /*append=*/true)),
      stage_(std::move(stage)),
      last_(steady_us()) {}

ProgressWriter::~ProgressWriter() = default;

void ProgressWriter::epoch(std::int64_t id, std::uint64_t input_rows, std::uint64_t output_rows,
                           EventTime watermark, const StageStats& stats) {
  const std::int64_t now = steady_us();
  const std::int64_t us = std::max<std::int64_t>(now - last_, 1);
  last_ = now;
  const double rate = static_cast<double>(input_rows) * 1e6 / static_cast<double>(us);
  std::string rec = "{\"stage\":";
  append_json_string(rec, stage_);
  char buf[kMaxTimeText];
  rec += ",\"batchId\":" + std::to_string(id) + ",\"timestamp\":\"";
  rec.append(buf, format_time(wall_now(), buf));
  rec += "\",\"numInputRows\":" + std::to_string(input_rows) +
         ",\"numOutputRows\":" + std::to_string(output_rows);
  char num[64];
  std::snprintf(num, sizeof num, "%.1f", rate);
  rec += ",\"inputRowsPerSecond\":" + std::string(num) + ",\"processedRowsPerSecond\":" + num;
  rec += ",\"durationMs\":" + std::to_string(us / 1000);
  rec += ",\"watermark\":";
  if (watermark == EventTime::none()) {
    rec += "null";
  } else {
    rec += '"';
    rec.append(buf, format_time(watermark, buf));
    rec += '"';
  }
  rec += ",\"numRowsDroppedByWatermark\":" + std::to_string(stats.late_rows - late_before_);
  late_before_ = stats.late_rows;
  rec += ",\"numRowsTotal\":" + std::to_string(stats.state_rows) +
         ",\"memoryUsedBytes\":" + std::to_string(stats.state_bytes);
  if (stats.fields) stats.fields->append_progress(rec);
  rec += '}';
  out_->write_line(rec);
  out_->flush();
}

}  // namespace sx
