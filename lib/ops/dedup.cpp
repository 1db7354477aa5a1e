#include "ops/dedup.h"

#include <algorithm>
#include <array>
#include <optional>

#include "base/diag.h"
#include "base/duration.h"
#include "base/error.h"
#include "io/checkpoint_file.h"
#include "io/json.h"
#include "state/group_key.h"
#include "state/key_set.h"
#include "stream/checkpoint.h"
#include "stream/field_usage.h"

namespace sx {

namespace {

std::string time_text(Micros t) {
  char buf[kMaxTimeText];
  return std::string(buf, format_time(EventTime{t}, buf));
}

}  // namespace

struct DedupOperator::Impl {
  DedupOptions opt;
  Output& out;
  BadInputPolicy& bad;
  std::vector<FieldPath> keys;

  bool header_pending = false;  // on_start had the header: on_control forwards it
  FieldUsage usage;             // --key fields that no record had
  StreamInfo in_info;
  std::unique_ptr<EventTimeField> time;  // on a watermarked stream
  Micros delay = -1;                     // the input's watermark delay
  bool time_in_keys = false;
  // Keys expire by the watermark: --within-watermark, or the key holds the
  // event time (a key part, or the whole record, as in Spark's
  // dropDuplicates() on all columns). Otherwise they stay for the life of
  // the stream, even past the final watermark.
  bool expires = false;
  // The key parts that name the event-time field compare as instants
  // (one instant written with two offsets is one key): key_time reads them
  // (no time shift).
  std::vector<bool> time_key;
  std::unique_ptr<EventTimeField> key_time;
  EventTime wm = EventTime::none();

  std::unique_ptr<FieldSet> fields;  // [time], keys...
  std::vector<JsonValue> values;
  std::size_t keys_at = 0, time_at = 0;
  RecordReader reader;
  std::string why, key, scratch;
  ExpiringKeySet set;

  // A short pipeline hides the cache miss of each key's slot: a record's slot
  // is prefetched when it arrives and the record is decided kDepth records
  // later (in order; flushed before every control record and when input
  // would block).
  struct Pending {
    std::string line, key, source;
    std::uint64_t number = 0, hash = 0;
    Micros expiry = 0;
  };
  static constexpr std::size_t kDepth = 8;
  std::array<Pending, kDepth> ring;
  std::size_t ring_head = 0, ring_size = 0;

  std::unique_ptr<Output> duplicates_out, late_out;
  std::uint64_t records = 0, duplicates = 0, late = 0;

  std::unique_ptr<StageCheckpoint> ckpt;

  Impl(const DedupOptions& o, Output& output, BadInputPolicy& b) : opt(o), out(output), bad(b) {
    for (const auto& k : opt.keys) keys.push_back(FieldPath::parse(k));
    if (!opt.duplicates_file.empty()) duplicates_out = Output::open_file(opt.duplicates_file, true);
    if (!opt.late_file.empty()) late_out = Output::open_file(opt.late_file, true);
  }

  // A piece of the key set as a part file: entries A to B of segment S,
  // written at epoch E.
  static std::string piece_name(const ExpiringKeySet::Piece& p) {
    return "keys." + std::to_string(p.segment) + "." + std::to_string(p.from) + "-" +
           std::to_string(p.to) + "." + std::to_string(p.epoch);
  }
  // The state after an epoch: the watermark and the pieces of the key set
  // (each a part file "keys.S.A-B.E", see piece_name), so that an epoch
  // writes the keys that are new in it, not all the keys held.
  void save(std::int64_t epoch, Micros expired_at) {
    if (!ckpt->wants(epoch)) return;
    const auto write = [&](const ExpiringKeySet::Piece& p, std::string bytes) {
      ckpt->save_part(piece_name(p), epoch, bytes, kBulkCompressionLevel);
    };
    const auto pieces = set.save_pieces(epoch, expired_at, write);
    PayloadWriter w;
    w.put_i64(wm.us);
    w.put_u64(pieces.size());
    std::vector<std::string> names;
    names.reserve(pieces.size());
    for (const auto& p : pieces) {
      w.put_u64(p.segment);
      w.put_u64(p.from);
      w.put_u64(p.to);
      w.put_i64(p.epoch);
      names.push_back(piece_name(p));
    }
    ckpt->save(epoch, w.bytes(), names);
  }

  void start(const StreamInfo* header, HeaderlessStart how, std::string_view first_line) {
    header_pending = header != nullptr;
    // The checkpoint is read when the stream begins, not at launch: upstream,
    // sx-read --reset may still be emptying it (its header comes after that).
    if (!opt.checkpoint.empty()) {
      Fingerprint fp;
      for (const auto& k : opt.keys) fp.emplace_back("key", k);
      if (opt.within_watermark) fp.emplace_back("within-watermark", "");
      ckpt = std::make_unique<StageCheckpoint>(opt.checkpoint, opt.name, fp);
      if (const auto state = ckpt->load()) {
        PayloadReader r(*state, "checkpoint " + opt.checkpoint + "/" + opt.name + "/" +
                                    std::to_string(ckpt->resumed()));
        wm.us = r.get_i64();
        std::vector<ExpiringKeySet::Piece> pieces(r.get_count(32));
        for (auto& p : pieces) {
          p.segment = r.get_u64();
          p.from = r.get_u64();
          p.to = r.get_u64();
          p.epoch = r.get_i64();
        }
        r.expect_end();
        for (const auto& p : pieces) {
          const std::string name = piece_name(p);
          set.load_piece(ckpt->load_part(name), wm.us,
                         "checkpoint " + opt.checkpoint + "/" + opt.name + "/" + name);
        }
      }
    }

    check_time_flags(header, opt.time, "; otherwise drop it here");
    in_info = effective_time(header, opt.time);
    delay = header ? in_info.watermark_delay : -1;
    for (const auto& k : opt.keys) {
      time_key.push_back(!in_info.time_field.empty() && k == in_info.time_field);
      time_in_keys |= time_key.back();
    }
    if (time_in_keys) {
      StreamInfo instant = in_info;
      instant.time_shift = 0;
      key_time = std::make_unique<EventTimeField>(instant);
    }
    if (opt.within_watermark && delay < 0) {
      if (!header) {
        const std::string why =
            "--within-watermark needs a watermark: " +
            headerless_reason(how, first_line,
                              "read it through 'sx-read --time-field FIELD --watermark DELAY' (or "
                              "drop --within-watermark to keep every key for the life of the "
                              "stream)");
        if (how == HeaderlessStart::kEmpty) throw data_error(why);
        throw usage_error(why);
      }
      throw usage_error(
          "--within-watermark needs a watermark: this stream has none; add --watermark DELAY to "
          "sx-read (or drop --within-watermark to keep every key for the life of the stream)");
    }
    // On a watermarked stream a record at or before the watermark is late,
    // whatever the keys (Spark's dropDuplicates filters every row by the
    // watermark). State expires by it when the keys hold
    // the event time, or with --within-watermark (below).
    if (delay >= 0 && (opt.within_watermark || !in_info.time_field.empty())) {
      if (in_info.time_field.empty()) {
        throw usage_error(
            "--within-watermark needs the event time; the stream header names no "
            "time field (pass --time-field FIELD)");
      }
      time = std::make_unique<EventTimeField>(in_info);
      expires = opt.within_watermark || time_in_keys || keys.empty();
    }
    // The time field once: when it is a key too, its key part is read (a
    // path given twice would keep the set off json_scan's fast path).
    std::vector<FieldPath> paths;
    if (time && !time_in_keys) paths.push_back(time->path());
    keys_at = paths.size();
    paths.insert(paths.end(), keys.begin(), keys.end());
    time_at = 0;
    if (time_in_keys) {
      time_at = keys_at + static_cast<std::size_t>(
                              std::find(time_key.begin(), time_key.end(), true) - time_key.begin());
    }
    fields = std::make_unique<FieldSet>(paths);
    values.resize(paths.size());
    // Field names no record has (misspelled?), in the order of `paths`.
    if (time && !time_in_keys) {
      usage.add(opt.time.field_given ? "--time-field" : "the time field", time->path());
    }
    for (const auto& k : keys) usage.add("--key", k);
  }

  void on_record(const Line& line, const std::string& source) {
    if (barrier) {
      drain();
      pass_barrier(wm.us);
    }
    std::string_view k = line.text;  // no --key: the whole record
    EventTime t{0};
    if (time || !keys.empty()) {
      if (!reader.read_fields(line.text, *fields, values.data(), &why)) {
        drain();  // the records before it go first, even if this one stops the stage
        bad.handle(reader.open_failure(), source, line.number, why, line.text);
        return;
      }
      if (usage.pending()) usage.check_all(values.data(), reader);
      if (time) {
        BadKind kind;
        if (!time->convert(values[time_at], &t, &kind, &why)) {
          drain();
          bad.handle(kind, source, line.number, why, line.text);
          return;
        }
        if (t <= wm) {
          ++late;
          ++records;
          if (late_out) {
            late_out->write_line(make_reject_record(source, line.number,
                                                    "late: event time " + time_text(t.us) +
                                                        " is at or before the watermark " +
                                                        time_text(wm.us),
                                                    line.text, false));
          }
          return;
        }
      }
      if (!keys.empty()) {
        key.clear();
        for (std::size_t i = 0; i < keys.size(); ++i) {
          const JsonValue& v = values[keys_at + i];
          EventTime kt;
          BadKind kind;
          if (time_key[i] && time && in_info.time_shift == 0) {
            group_key::append_time_part(key, t.us);  // read above, unshifted
          } else if (time_key[i] && key_time->convert(v, &kt, &kind, &why)) {
            group_key::append_time_part(key, kt.us);
          } else {
            group_key::append_key_part(key, v, scratch);
          }
        }
        k = key;
      }
    }
    if (ring_size == kDepth) decide_oldest();
    Pending& p = ring[(ring_head + ring_size++) % kDepth];
    p.line.assign(line.text);
    p.key.assign(k);
    p.source.assign(source);
    p.number = line.number;
    // The key holds the event time (a key part, or the whole record, as in
    // Spark's dropDuplicates() on all columns): it expires with it.
    p.expiry = !expires ? ExpiringKeySet::kNever : opt.within_watermark ? t.us + delay : t.us;
    p.hash = ExpiringKeySet::hash(p.key);
    set.prefetch(p.hash);
  }

  // The oldest pending record: passes if its key is new, else is a duplicate.
  void decide_oldest() {
    Pending& p = ring[ring_head];
    ring_head = (ring_head + 1) % kDepth;
    --ring_size;
    ++records;
    if (set.insert(p.key, p.hash, p.expiry, wm.us)) {
      if (opt.max_keys != 0 && set.size() > opt.max_keys) {
        throw data_error(
            p.source + ":" + std::to_string(p.number) + ": more than " +
            std::to_string(opt.max_keys) +
            " keys held (--max-keys); raise it, or bound the state: put the event-time "
            "field among the keys or use --within-watermark, with a watermark");
      }
      out.write_line(p.line);
      return;
    }
    ++duplicates;
    if (duplicates_out) {
      duplicates_out->write_line(
          make_reject_record(p.source, p.number, "duplicate", p.line, false));
    }
  }

  void drain() {
    while (ring_size > 0) decide_oldest();
  }

  // The epoch barrier, one line late. The state for epoch N is saved when
  // the line after N's epoch record arrives: when it is the watermark record
  // sx-read writes right after it, every key expired at that watermark is
  // left out of the snapshot (with the event time in the keys, nearly all of
  // the epoch's keys), since a restart hands that watermark on before any
  // record. Anything else comes first: the whole state is saved. Either way
  // the epoch record goes on only after its state is saved.
  std::optional<std::int64_t> barrier;
  std::string barrier_raw;
  void pass_barrier(Micros expired_at) {
    if (!barrier) return;
    save(*barrier, expired_at);
    barrier.reset();
    out.write_line(barrier_raw);
  }

  void on_control(const Control& c, std::string_view raw) {
    drain();
    pass_barrier(c.type == ControlType::kWatermark ? std::max(c.watermark.us, wm.us) : wm.us);
    if (c.type == ControlType::kStream) {
      // A header after data records: the settings from on_start hold.
      if (!header_pending) return;
      header_pending = false;
      out.write_line(raw);  // sx-dedup leaves event time alone
      return;
    }
    if (c.type == ControlType::kWatermark && c.watermark > wm) {
      wm = c.watermark;
      if (expires) set.expire(wm.us);
    }
    if (ckpt && c.type == ControlType::kEpoch) {  // saved, and sent on, with the next line
      barrier = c.epoch;
      barrier_raw.assign(raw);
      return;
    }
    out.write_line(raw);
  }

  void on_idle() {
    drain();
    pass_barrier(wm.us);  // input paused: do not keep the epoch record waiting
  }

  void on_end() {
    usage.warn_unseen();
    drain();
    pass_barrier(wm.us);
    if (duplicates_out) duplicates_out->flush();
    if (late_out) late_out->flush();
    if (duplicates > 0) {
      note("dropped " + std::to_string(duplicates) +
           (duplicates == 1 ? " duplicate" : " duplicates") + " of " + std::to_string(records) +
           " records" + (duplicates_out ? "; see " + opt.duplicates_file : ""));
    }
    if (late > 0) {
      warn(std::to_string(late) + (late == 1 ? " late record" : " late records") +
           " dropped (at or before the watermark)" +
           (late_out ? "; see " + opt.late_file : "; keep them with --late FILE"));
    }
  }
};

DedupOperator::DedupOperator(const DedupOptions& options, Output& out, BadInputPolicy& bad)
    : Operator(out), impl_(std::make_unique<Impl>(options, out, bad)) {}
DedupOperator::~DedupOperator() = default;
void DedupOperator::on_start(const StreamStart& s) { impl_->start(s.header, s.how, s.first_line); }
void DedupOperator::on_record(const Line& line, const std::string& source) {
  impl_->on_record(line, source);
}
void DedupOperator::on_control(const Control& control, std::string_view raw) {
  impl_->on_control(control, raw);
}
void DedupOperator::on_idle() { impl_->on_idle(); }
void DedupOperator::on_end() { impl_->on_end(); }
StageStats DedupOperator::stats() const {
  return {impl_->late, impl_->set.size(), impl_->set.memory_bytes(), &impl_->usage};
}

}  // namespace sx
