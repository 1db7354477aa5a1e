#include "source/file_source_state.h"

#include "base/error.h"
#include "io/checkpoint_file.h"

namespace sx {

std::string encode_state(const FileSourceState& s) {
  PayloadWriter w;
  w.put_i64(s.epochs.next_epoch);
  w.put_i64(s.epochs.max_time.us);
  w.put_i64(s.epochs.watermark.us);
  w.put_u64(s.done_files.size());
  for (const auto& f : s.done_files) w.put_string(f);
  w.put_u8(s.current ? 1 : 0);
  if (s.current) {
    w.put_string(s.current->path);
    w.put_u64(s.current->dev);
    w.put_u64(s.current->ino);
    w.put_u64(s.current->offset);
  }
  w.put_u64(s.files.size());
  for (const auto& [path, p] : s.files) {
    w.put_string(path);
    w.put_u64(p.dev);
    w.put_u64(p.ino);
    w.put_u64(p.offset);
  }
  // The trailer (none in a position an older sx wrote):
  for (const auto& [path, p] : s.files) w.put_u64(p.raw);
  w.put_i64(s.epochs.wm_last_epoch.us);
  for (const auto& [path, p] : s.files) w.put_string(p.tail);
  if (s.current) w.put_string(s.current->tail);
  return w.bytes();
}

FileSourceState decode_state(std::string_view payload, const std::string& where) {
  FileSourceState s;
  PayloadReader r(payload, where);
  EpochState& es = s.epochs;
  es.next_epoch = r.get_i64();
  es.max_time.us = r.get_i64();
  es.watermark.us = r.get_i64();
  for (std::size_t n = r.get_count(8); n > 0; --n) s.done_files.emplace(r.get_string());
  if (r.get_u8()) {
    FilePosition res;
    res.path = std::string(r.get_string());
    res.dev = r.get_u64();
    res.ino = r.get_u64();
    res.offset = r.get_u64();
    s.current = res;
  }
  if (r.remaining() > 0) {  // none in a position an older sx wrote
    for (std::size_t n = r.get_count(32); n > 0; --n) {
      FilePosition p;
      p.path = std::string(r.get_string());
      p.dev = r.get_u64();
      p.ino = r.get_u64();
      p.offset = r.get_u64();
      s.files[p.path] = p;
    }
  }
  es.wm_last_epoch = es.watermark;  // an older sx owes no epoch
  if (r.remaining() > 0) {          // the trailer; none in a position an older sx wrote
    for (auto& [path, p] : s.files) p.raw = r.get_u64();
    es.wm_last_epoch.us = r.get_i64();
  }
  if (r.remaining() > 0) {  // the tails; none in a position an older sx wrote
    for (auto& [path, p] : s.files) p.tail = std::string(r.get_string());
    if (s.current) s.current->tail = std::string(r.get_string());
  }
  r.expect_end();
  // What sx-read writes: no time yet, a time in sx's range, and for the
  // watermarks also +inf (a finished stream). Anything else, checksums right
  // or not, is damage: resumed, it would write records no stage accepts.
  const auto in_range = [](EventTime t) { return t.us >= kMinEventTime && t.us <= kMaxEventTime; };
  const auto watermark_ok = [&](EventTime t) {
    return t == EventTime::none() || t == EventTime::end() || in_range(t);
  };
  if (es.next_epoch < 0 || !(es.max_time == EventTime::none() || in_range(es.max_time)) ||
      !watermark_ok(es.watermark) || !watermark_ok(es.wm_last_epoch)) {
    throw data_error(where +
                     " is damaged (an epoch id or an event time out of range); restore it or "
                     "start over with a new --checkpoint directory");
  }
  return s;
}

}  // namespace sx
