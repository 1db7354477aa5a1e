#include "ops/window_operator.h"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "base/diag.h"
#include "base/did_you_mean.h"
#include "base/duration.h"
#include "base/error.h"
#include "base/signals.h"
#include "ops/top_n.h"
#include "ops/window_aggs.h"
#include "ops/window_checkpoint.h"
#include "state/group_key.h"
#include "state/window_store.h"
#include "stream/checkpoint.h"
#include "stream/field_usage.h"

namespace sx {

namespace {

using group_key::append_key_part;
using group_key::append_key_value;
using group_key::compare_keys;
using group_key::next_part;

// A row to emit, for sorting sessions and update-mode changes.
struct Row {
  Micros start, end;
  std::string_view key;
  const std::vector<AggState>* aggs;
};

bool row_less(const Row& a, const Row& b) {
  if (a.end != b.end) return a.end < b.end;
  if (a.start != b.start) return a.start < b.start;
  return compare_keys(a.key, b.key) < 0;
}

// 4294967296 -> "4GiB", 1536 -> "1536 bytes" (for --max-state-bytes).
std::string format_bytes(std::uint64_t n) {
  static constexpr const char* kUnits[] = {"GiB", "MiB", "KiB"};
  for (int i = 0; i < 3; ++i) {
    const std::uint64_t unit = std::uint64_t{1} << (30 - 10 * i);
    if (n >= unit && n % unit == 0) return std::to_string(n / unit) + kUnits[i];
  }
  return std::to_string(n) + " bytes";
}

std::string time_text(Micros t) {
  char buf[kMaxTimeText];
  return std::string(buf, format_time(EventTime{t}, buf));
}

}  // namespace

struct WindowOperator::Impl {
  WindowOptions opt;
  OutputMode mode;
  Output& out;
  BadInputPolicy& bad;
  WindowAssigner assigner;
  const WindowKind kind;
  std::vector<AggSpec> aggs;
  std::vector<FieldPath> by;  // the plain --by fields, in order
  // Per --by entry: -1 for a plain field (the next of `by`), else its
  // expression's slot.
  std::vector<int> by_slot;
  bool by_expr = false;                 // some --by entry is an expression
  std::vector<std::string> by_prefix;   // "\"user_id\":"
  std::vector<std::string> agg_prefix;  // "\"count\":"
  std::vector<std::string> columns;     // output keys, for the stream header

  // Field plan: count aggregates need no field; sum/avg fields are read and
  // checked first (a bad value rejects the record before any state changes);
  // the other fields are read while applying.
  std::vector<std::size_t> count_aggs;
  struct FieldUse {
    FieldPath path;
    std::vector<std::size_t> aggs;
  };
  std::vector<FieldUse> num_fields, other_fields;
  std::vector<JsonValue> nums;
  // Expressions evaluated once per record (aggregate arguments, --by keys),
  // each with its own scratch so that their values live together.
  struct Slot {
    expr::Expr e;
    std::string flag;  // "--agg 'sum(a * b)'", for messages
    expr::Scratch scratch;
    std::string buf;
    JsonValue v;
    bool text = true;  // numbers need their text (not for sum and avg)
  };
  std::vector<Slot> slots;
  // Aggregates applied through the general path: an expression argument, or
  // min_by/max_by (a value and an order). A field argument is read at
  // values[..._at] (resolved by start()), an expression from slots[..._slot].
  struct SlowAgg {
    std::size_t agg;
    int val_slot = -1, ord_slot = -1;
    FieldPath val_field, ord_field;
    std::size_t val_at = 0, ord_at = 0;
    bool numeric = false;  // sum, avg: the value made a number first
    bool by = false;       // min_by, max_by
    JsonValue num;
  };
  std::vector<SlowAgg> slow_aggs;
  // --having: a condition on each output row's fields.
  std::optional<expr::Expr> having;
  std::unique_ptr<FieldSet> having_fields;
  std::vector<JsonValue> having_values;
  RecordReader having_reader;
  expr::Scratch having_scratch;
  std::string having_line;
  std::uint64_t having_dropped = 0;

  // Stream state.
  FieldUsage usage;  // fields named by flags that no record had
  bool header_seen = false;
  bool final_seen = false;
  bool bounded = false;  // the header says the stream ends (StreamInfo::bounded)
  // A bounded stream whose header names a time field ends with the final
  // watermark (+inf): without it, the input was cut (the stage before failed).
  bool bounded_ends_with_final = false;
  StreamInfo in_info;
  std::unique_ptr<EventTimeField> time;
  EventTime wm = EventTime::none();
  bool drop_late = false;
  // Records later than this may have a window that ends past the end of the
  // time range (+10000-01-01T00:00:00Z, the last instant a stage reads back):
  // past_range() decides for them.
  Micros range_edge = kMaxEventTime;
  // A running aggregation grouped by the event-time field itself (Spark's
  // groupBy("eventTime") under a watermark): a group's time is its key, so
  // it is final once the watermark reaches it (time <= watermark), and a
  // record at or before the watermark is late (Spark's StateStoreSaveExec:
  // append emits and evicts those keys, update evicts them).
  bool by_time = false;
  Micros min_group_time = kMaxEventTime;  // by_time: no group's time is below this

  // Aggregation state.
  WindowStore windows;
  SessionStore sessions{&aggs};
  GroupTable running;
  std::vector<std::pair<WindowState*, std::uint32_t>> changed;  // update mode, windows
  std::vector<std::uint32_t> changed_running;                   // update mode, running

  // Scratch (no allocation per record once warm).
  RecordReader reader;
  // Every field a record is read for, found in one pass: [time], by...,
  // sum/avg fields..., other fields...
  std::unique_ptr<FieldSet> fields;
  std::vector<JsonValue> values;
  std::size_t by_at = 0, num_at = 0, other_at = 0;
  // --by fields that name the event-time field group by instant (issue 11
  // item 25), read by by_instant_field (no time shift).
  std::vector<bool> by_instant;
  std::unique_ptr<EventTimeField> by_instant_field;
  std::string why, key, scratch, row;
  std::vector<AggState*> targets;
  std::uint64_t seq = 0;
  std::uint64_t state_rows = 0;
  std::uint64_t state_bytes = 0;
  std::vector<std::uint64_t*> target_bytes;  // per target: the counter it adds to
  std::vector<std::size_t> growing_aggs;     // collect_list, count_distinct
  bool track_bytes = false;                  // !growing_aggs.empty(), read per record
  std::vector<std::uint64_t> before_bytes;   // scratch: each target's value bytes before
  std::uint64_t records_in_epoch = 0;

  // Late data.
  std::unique_ptr<Output> late_out;
  std::uint64_t late = 0, partly_late = 0;

  // --checkpoint.
  std::unique_ptr<StageCheckpoint> ckpt;

  // --top N --order-by LIST (ops/top_n.h): rows go through it, window by window.
  std::unique_ptr<TopN> top;

  Impl(const WindowOptions& o, Output& output, BadInputPolicy& b)
      : opt(o), out(output), bad(b), assigner(o.window), kind(o.window.kind) {
    const bool windowed = kind != WindowKind::kNone;
    mode = opt.mode.value_or(default_mode(kind));
    if (kind == WindowKind::kSession && mode == OutputMode::kUpdate) {
      throw usage_error(
          "--mode update is not supported for --session windows (as in Spark: merging sessions "
          "would retract rows); use --mode append (each session once, when it closes) or "
          "--mode complete");
    }
    if (opt.ttl >= 0 && windowed) {
      throw usage_error(
          "--ttl is for running aggregations (no window flag); windowed state is dropped when "
          "the watermark passes the window's end");
    }
    if (opt.ttl >= 0 && mode == OutputMode::kComplete) {
      throw usage_error(
          "--ttl does not go with --mode complete, which keeps every row for ever (as Spark); "
          "use --mode update");
    }
    // Spark's session operator drops late rows in every output mode
    // (SessionWindowStateStoreRestoreExec filters by the watermark whatever
    // the mode); the other window kinds keep them in complete mode.
    drop_late = (windowed && mode != OutputMode::kComplete) || kind == WindowKind::kSession;
    if (kind == WindowKind::kTumbling || kind == WindowKind::kSliding) {
      // A window ends at most `size` after its records (a calendar day up to
      // one more day, around a DST change or a zone's offset).
      range_edge = kMaxEventTime + 1 - opt.window.size - 2 * kMicrosPerDay;
    } else if (kind == WindowKind::kSession) {
      range_edge = kMaxEventTime + 1 - opt.window.gap;
    }
    if ((kind == WindowKind::kTumbling || kind == WindowKind::kSliding) && opt.time.zone_given &&
        !opt.window_zone_given && opt.window.size % kMicrosPerDay == 0 &&
        opt.window.slide % kMicrosPerDay == 0 &&
        !TimeParser("iso8601", opt.time.flags.time_zone).is_utc()) {
      // The old spelling: --time-zone used to align day windows as well; now
      // it would silently give UTC days.
      const std::string& z = opt.time.flags.time_zone;
      throw usage_error("--time-zone " + z +
                        " no longer aligns day windows: it only says how to read timestamps "
                        "without an offset in plain NDJSON (no sx stream header). For days "
                        "aligned to " +
                        z + " give --window-time-zone " + z + " (and keep --time-zone " + z +
                        " only if the input is plain NDJSON with naive local times); for UTC "
                        "days, --window-time-zone UTC");
    }

    std::vector<std::string> names;
    if (windowed) names = {"window_start", "window_end"};
    for (const auto& b : opt.by) {
      WindowGroup g = parse_window_group(b);
      if (g.expr) {
        by_slot.push_back(static_cast<int>(slots.size()));
        slots.push_back(Slot{std::move(*g.expr), "--by '" + b + "'", {}, {}, {}, true});
        by_expr = true;
      } else {
        by_slot.push_back(-1);
        by.push_back(std::move(g.field));
      }
      names.push_back(std::move(g.name));
    }
    const std::vector<std::string> specs =
        opt.aggs.empty() ? std::vector<std::string>{"count"} : opt.aggs;
    for (const auto& s : specs) {
      for (WindowAgg& w : parse_window_aggs(s)) {
        names.push_back(w.spec.name);
        const bool is_by = w.spec.kind == AggKind::kMinBy || w.spec.kind == AggKind::kMaxBy;
        if (w.arg || w.order || is_by) {
          SlowAgg a;
          a.agg = aggs.size();
          a.by = is_by;
          a.numeric = w.spec.kind == AggKind::kSum || w.spec.kind == AggKind::kAvg;
          const std::string flag = "--agg '" + w.spec.text + "'";
          if (w.arg) {
            a.val_slot = static_cast<int>(slots.size());
            slots.push_back(Slot{std::move(*w.arg), flag, {}, {}, {}, !a.numeric});
          } else {
            a.val_field = w.spec.field;
          }
          if (w.order) {
            a.ord_slot = static_cast<int>(slots.size());
            slots.push_back(Slot{std::move(*w.order), flag, {}, {}, {}, true});
          } else {
            a.ord_field = w.spec.order_field;
          }
          slow_aggs.push_back(std::move(a));
        }
        aggs.push_back(std::move(w.spec));
      }
    }
    columns = names;
    for (std::size_t i = 0; i < names.size(); ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        if (names[i] == names[j]) {
          throw usage_error("two output fields are named '" + names[i] +
                            "'; rename an aggregate with 'as', e.g. --agg 'sum(x) as total'");
        }
      }
    }
    check_top_n(opt, mode);
    if (opt.top > 0)
      top = std::make_unique<TopN>(opt.top, opt.order_by, columns,
                                   [this](std::string_view r) { out.write_line(r); });
    for (std::size_t i = 0; i < by_slot.size(); ++i) {
      std::string p;
      append_json_string(p, names[(windowed ? 2 : 0) + i]);
      by_prefix.push_back(p + ":");
    }
    if (!opt.having.empty()) plan_having(names);
    for (const auto& a : aggs) {
      std::string p;
      append_json_string(p, a.name);
      agg_prefix.push_back(p + ":");
    }
    for (std::size_t i = 0; i < aggs.size(); ++i) {
      const AggSpec& a = aggs[i];
      if (a.kind == AggKind::kCount) {
        count_aggs.push_back(i);
        continue;
      }
      if (std::any_of(slow_aggs.begin(), slow_aggs.end(),
                      [&](const SlowAgg& s) { return s.agg == i; }))
        continue;
      auto& list = (a.kind == AggKind::kSum || a.kind == AggKind::kAvg) ? num_fields : other_fields;
      auto it = std::find_if(list.begin(), list.end(),
                             [&](const FieldUse& f) { return f.path.text() == a.field.text(); });
      if (it == list.end()) {
        list.push_back({a.field, {}});
        it = list.end() - 1;
      }
      it->aggs.push_back(i);
    }
    for (std::size_t i = 0; i < aggs.size(); ++i) {
      if (agg_grows(aggs[i])) growing_aggs.push_back(i);
      track_bytes = !growing_aggs.empty();
    }
    nums.resize(num_fields.size());
    if (opt.max_windows_per_record != 0 && assigner.max_windows() > opt.max_windows_per_record) {
      throw usage_error(
          "--window " + format_duration(opt.window.size) + " --slide " +
          format_duration(opt.window.slide) + " puts every record in " +
          std::to_string(assigner.max_windows()) + " windows (size / slide), more than the " +
          std::to_string(opt.max_windows_per_record) +
          " allowed: each record would update that many rows of state. Use a longer --slide "
          "(at least " +
          format_duration((opt.window.size + opt.max_windows_per_record - 1) /
                          opt.max_windows_per_record) +
          "), or raise --max-windows-per-record if that many windows are meant");
    }
    windows = WindowStore(assigner.max_windows());
    if (!opt.late_file.empty()) late_out = Output::open_file(opt.late_file, /*append=*/true);
  }

  bool windowed() const { return kind != WindowKind::kNone; }
  bool needs_time() const { return windowed() || opt.ttl >= 0 || by_time; }

  // ---- start: from the input's stream header, or from the flags ----

  // Called once, by the driver (Operator::on_start), before anything else.
  void start(const StreamStart& begin) {
    const StreamInfo* header = begin.header;
    const HeaderlessStart how = begin.how;
    const std::string_view first_line = begin.first_line;
    // The checkpoint is read when the stream begins, not at launch: upstream,
    // sx-read --reset may still be emptying it (its header comes after that).
    if (!opt.checkpoint.empty()) {
      ckpt = std::make_unique<StageCheckpoint>(opt.checkpoint, opt.name, opt.fingerprint);
      if (const auto payload = ckpt->load()) {
        restore(*payload, "checkpoint " + opt.checkpoint + "/" + opt.name + "/" +
                              std::to_string(ckpt->resumed()));
      }
    }
    header_seen = header != nullptr;
    check_time_flags(header, opt.time,
                     "; to align day windows to " + opt.time.flags.time_zone +
                         " days, use --window-time-zone " + opt.time.flags.time_zone + " here");
    in_info = effective_time(header, opt.time);
    if (!windowed() && !in_info.time_field.empty()) {
      by_time = std::find(opt.by.begin(), opt.by.end(), in_info.time_field) != opt.by.end();
    }
    if (!windowed() && mode == OutputMode::kAppend && !by_time) {
      throw usage_error(
          "--mode append needs windows: a running aggregation (no --tumbling, --window or "
          "--session) never finishes a row, unless it is grouped by the event-time field itself "
          "(--by " +
          (in_info.time_field.empty() ? std::string("TIMEFIELD") : in_info.time_field) +
          ", a row final once the watermark passes it); use --mode update (the changed rows each "
          "epoch) or --mode complete (the whole table each epoch), or add a window");
    }
    if (by_time && mode != OutputMode::kComplete) drop_late = true;
    if (needs_time()) {
      if (in_info.time_field.empty()) {
        if (!header) {
          const std::string why = "sx-window cannot place records in time: " +
                                  headerless_reason(how, first_line, "pass --time-field FIELD");
          if (how == HeaderlessStart::kEmpty) throw data_error(why);
          throw usage_error(why);
        }
        throw usage_error(
            "the input's stream header names no event-time field, so sx-window cannot place "
            "records in time; read it through 'sx-read --time-field FIELD' or pass --time-field "
            "FIELD");
      }
      time = std::make_unique<EventTimeField>(in_info);
    }
    std::vector<FieldPath> paths;
    if (time) paths.push_back(time->path());
    by_at = paths.size();
    paths.insert(paths.end(), by.begin(), by.end());
    by_instant.clear();
    for (const auto& b : by)
      by_instant.push_back(!in_info.time_field.empty() && b.text() == in_info.time_field);
    if (std::find(by_instant.begin(), by_instant.end(), true) != by_instant.end()) {
      StreamInfo instant = in_info;
      instant.time_shift = 0;
      by_instant_field = std::make_unique<EventTimeField>(instant);
    }
    num_at = paths.size();
    for (const auto& f : num_fields) paths.push_back(f.path);
    other_at = paths.size();
    for (const auto& f : other_fields) paths.push_back(f.path);
    // The fields read only by expressions and by the general aggregates.
    const std::size_t extra_at = paths.size();
    std::vector<std::string> extra_flags;
    const auto add_path = [&](const FieldPath& f, const std::string& flag) {
      for (std::size_t j = 0; j < paths.size(); ++j) {
        if (paths[j].text() == f.text()) return j;
      }
      paths.push_back(f);
      extra_flags.push_back(flag);
      return paths.size() - 1;
    };
    for (const Slot& x : slots) {
      for (const FieldPath& f : x.e.fields()) add_path(f, x.flag);
    }
    for (SlowAgg& a : slow_aggs) {
      const std::string flag = "--agg '" + aggs[a.agg].text + "'";
      if (a.val_slot < 0) a.val_at = add_path(a.val_field, flag);
      if (a.by && a.ord_slot < 0) a.ord_at = add_path(a.ord_field, flag);
    }
    for (Slot& x : slots) x.e.bind(paths);
    fields = std::make_unique<FieldSet>(paths);
    // Field names no record has (misspelled?), in the order of `paths`.
    if (time) usage.add(opt.time.field_given ? "--time-field" : "the time field", time->path());
    for (std::size_t i = 0; i < by.size(); ++i) usage.add("--by", by[i]);
    for (const auto& f : num_fields) usage.add("--agg '" + aggs[f.aggs[0]].text + "'", f.path);
    for (const auto& f : other_fields) usage.add("--agg '" + aggs[f.aggs[0]].text + "'", f.path);
    for (std::size_t i = 0; i < extra_flags.size(); ++i)
      usage.add(extra_flags[i], paths[extra_at + i]);
    values.resize(paths.size());
    // A bounded stream (sx(7), BOUNDED STREAMS) is a batch: its end closes
    // every window and row (Flink's bounded streams, Spark's batch
    // groupBy(window)), so append needs no watermark delay there.
    bounded = header && header->bounded;
    bounded_ends_with_final = bounded && !header->time_field.empty();
    if (header && in_info.watermark_delay < 0) {
      if (by_time && mode == OutputMode::kAppend && !bounded) {
        throw usage_error(
            "--mode append needs a watermark: a row grouped by the event-time field is written "
            "once, when the watermark passes its time, and this stream has none and is not "
            "bounded. Add --watermark DELAY to sx-read, or use --mode update or --mode complete; "
            "a finite file read by sx-read without --follow or --trigger needs no watermark (its "
            "stream is bounded: its end closes every row)");
      }
      if (windowed() && mode == OutputMode::kAppend && !bounded) {
        throw usage_error(
            "--mode append needs a watermark: a window is written once, when the watermark "
            "passes its end, and this stream has none and is not bounded. Add --watermark DELAY "
            "to sx-read, or use --mode update or --mode complete; a finite file read by sx-read "
            "without --follow or --trigger needs no watermark (its stream is bounded: its end "
            "closes every window)");
      }
      if (opt.ttl >= 0) {
        throw usage_error("--ttl needs a watermark (add --watermark DELAY to sx-read)");
      }
    }
    StreamInfo info;
    info.source = "sx-window";
    info.columns = columns;
    // The columns that identify a row: the window bounds and the group keys.
    info.keys.assign(columns.begin(), columns.begin() + static_cast<std::ptrdiff_t>(
                                                            (windowed() ? 2 : 0) + by_slot.size()));
    info.watermark_delay = in_info.watermark_delay;
    info.bounded = bounded;  // the results end when the input does
    if (by_time && in_info.time_field.find('.') == std::string::npos) {
      // The results keep the event-time field (under its own name) and its
      // reading; none is late downstream (each is written before the
      // watermark that made it final).
      info.time_field = in_info.time_field;
      info.time_format = in_info.time_format;
      info.time_zone = in_info.time_zone;
      info.time_shift = in_info.time_shift;
    }
    if (windowed()) {
      info.time_field = "window_end";
      info.time_format = "iso8601";
      info.time_zone = "UTC";
      info.time_shift = -1;
    }
    out.write_line(make_stream_record(info));
  }

  // ---- records ----

  void on_record(const Line& line, const std::string& source) {
    ++records_in_epoch;
    if (!reader.read_fields(line.text, *fields, values.data(), &why)) {
      bad.handle(reader.open_failure(), source, line.number, why, line.text);
      return;
    }
    if (usage.pending()) usage.check_all(values.data(), reader);
    EventTime t{0};
    if (time) {
      BadKind k;
      if (!time->convert(values[0], &t, &k, &why)) {
        bad.handle(k, source, line.number, why, line.text);
        return;
      }
      if (t.us > range_edge && past_range(t.us)) {
        bad.handle(BadKind::kBadTime, source, line.number,
                   "event time " + time_text(t.us) +
                       " falls in a window that ends after +10000-01-01T00:00:00Z, the end of "
                       "sx's time range (sx(7), EVENT TIME): no stage could read that window back",
                   line.text);
        return;
      }
    }
    for (std::size_t i = 0; i < num_fields.size(); ++i) {
      const JsonValue& v = values[num_at + i];
      JsonValue& n = nums[i];
      n = JsonValue{};
      n.type = JsonType::kNull;
      if (v.type == JsonType::kMissing || v.type == JsonType::kNull) continue;
      if (to_number(v, &n)) continue;
      std::string shown;
      if (v.type == JsonType::kString) append_json_string(shown, v.text.substr(0, 40));
      bad.handle(BadKind::kBadValue, source, line.number,
                 "field \"" + num_fields[i].path.text() + "\" is " +
                     (v.type == JsonType::kString ? shown : json_type_name(v.type)) +
                     ", not a number (" + aggs[num_fields[i].aggs[0]].text + " needs numbers)",
                 line.text);
      return;
    }
    if (!slots.empty() && !eval_slots(source, line)) return;
    for (SlowAgg& a : slow_aggs) {
      if (a.numeric && !slow_number(a, source, line)) return;
    }
    key.clear();
    if (!by_instant_field && !by_expr) {
      for (std::size_t i = 0; i < by.size(); ++i) append_key_part(key, values[by_at + i], scratch);
    } else {
      append_key_general();
    }

    targets.clear();
    if (track_bytes) target_bytes.clear();
    switch (kind) {
      case WindowKind::kNone: {
        if (by_time && drop_late && t.us <= wm.us) {
          note_late(true, source, line,
                    "late: the watermark " + time_text(wm.us) + " had passed its event time " +
                        time_text(t.us) + " (the group of that time was final)");
          break;
        }
        if (by_time) min_group_time = std::min(min_group_time, t.us);
        const std::size_t before = running.groups.size();
        const std::uint32_t i = running.find_or_add(key, aggs.size());
        Group& g = running.groups[i];
        if (running.groups.size() != before)
          grew(source, line, state_row_bytes(key.size(), aggs.size()), &g.bytes);
        if (t.us > g.last) g.last = t.us;
        if (mode == OutputMode::kUpdate && !g.changed)
          g.changed = true, changed_running.push_back(i);
        targets.push_back(g.aggs.data());
        if (track_bytes) target_bytes.push_back(&g.bytes);
        break;
      }
      case WindowKind::kTumbling:
      case WindowKind::kSliding: {
        std::size_t hits = 0, late_hits = 0;
        Micros late_end = 0;
        assigner.assign(t.us, [&](Micros s, Micros e) {
          const std::size_t k = hits++;
          if (drop_late && e <= wm.us) {
            ++late_hits;
            late_end = std::max(late_end, e);
            return;
          }
          WindowState& w = window_at(s, e, k, source, line);
          const std::size_t before = w.table.groups.size();
          const std::uint32_t i = w.table.find_or_add(key, aggs.size());
          if (w.table.groups.size() != before)
            grew(source, line, state_row_bytes(key.size(), aggs.size()), &w.bytes);
          Group& g = w.table.groups[i];
          if (mode == OutputMode::kUpdate && !g.changed)
            g.changed = true, changed.emplace_back(&w, i);
          targets.push_back(g.aggs.data());
          if (track_bytes) target_bytes.push_back(&w.bytes);
        });
        if (late_hits > 0) {
          std::string reason = late_hits == hits
                                   ? "late: the watermark " + time_text(wm.us) + " had closed " +
                                         (hits == 1 ? "its window" : "all its windows") +
                                         " (event time " + time_text(t.us) + ")"
                                   : "partly late: the watermark " + time_text(wm.us) +
                                         " had closed " + std::to_string(late_hits) + " of its " +
                                         std::to_string(hits) + " windows (those ending by " +
                                         time_text(late_end) + "); applied to the others";
          note_late(late_hits == hits, source, line, reason);
        }
        break;
      }
      case WindowKind::kSession: {
        if (drop_late && t.us + opt.window.gap <= wm.us) {
          note_late(true, source, line,
                    "late: the watermark " + time_text(wm.us) + " had closed its session window [" +
                        time_text(t.us) + ", " + time_text(t.us + opt.window.gap) + ")");
          break;
        }
        Session& x = session_add(t.us, source, line);
        targets.push_back(x.aggs.data());
        if (track_bytes) target_bytes.push_back(&x.bytes);
        break;
      }
    }
    if (targets.empty()) return;
    ++seq;
    if (track_bytes) note_growing_bytes();
    try {
      for (const std::size_t a : count_aggs) {
        for (AggState* s : targets) ++s[a].n;
      }
      for (std::size_t f = 0; f < num_fields.size(); ++f) {
        for (const std::size_t a : num_fields[f].aggs) {
          if (nums[f].type == JsonType::kNull) break;  // sum and avg skip nulls
          for (AggState* s : targets) agg_add_number(aggs[a], s[a], nums[f]);
        }
      }
      for (std::size_t f = 0; f < other_fields.size(); ++f) {
        const JsonValue& v = values[other_at + f];
        for (const std::size_t a : other_fields[f].aggs) {
          for (AggState* s : targets) agg_update(aggs[a], s[a], v, seq);
        }
      }
      for (const SlowAgg& a : slow_aggs) apply_slow(a);
    } catch (const Error& e) {
      throw data_error(source + ":" + std::to_string(line.number) + ": " + e.what());
    }
    if (track_bytes) {
      // Charge each target's counter (a window, a session, a running key;
      // the targets of one record are distinct) with its values' growth.
      for (std::size_t j = 0; j < targets.size(); ++j) {
        const std::uint64_t grown = growing_bytes(targets[j]) - before_bytes[j];
        *target_bytes[j] += grown;
        state_bytes += grown;
      }
      if (state_bytes > opt.max_state_bytes && opt.max_state_bytes != 0)
        too_many_bytes(source, line);
    }
  }

  // The value bytes of the growing aggregates of one target.
  std::uint64_t growing_bytes(const AggState* target) const {
    std::uint64_t b = 0;
    for (const std::size_t a : growing_aggs) b += target[a].value_bytes;
    return b;
  }

  // Before applying a record: each target's value bytes, in before_bytes.
  void note_growing_bytes() {
    before_bytes.resize(targets.size());
    for (std::size_t j = 0; j < targets.size(); ++j) before_bytes[j] = growing_bytes(targets[j]);
  }

  [[noreturn]] void too_many_bytes(const std::string& source, const Line& line) const {
    throw data_error(source + ":" + std::to_string(line.number) + ": the state holds more than " +
                     format_bytes(opt.max_state_bytes) +
                     " (open windows x groups, sessions or keys, with the values that "
                     "collect_list, count_distinct, percentile and the sketches keep); raise "
                     "--max-state-bytes, lower the "
                     "watermark delay, or add --ttl to a running aggregation");
  }

  // The --by key parts when one names the event-time field (item 25): that
  // part as its instant, the others as values; or when some are expressions:
  // their values (null groups with null, as Spark).
  void append_key_general() {
    std::size_t p = 0;
    for (const int slot : by_slot) {
      if (slot >= 0) {
        append_key_part(key, slots[static_cast<std::size_t>(slot)].v, scratch);
        continue;
      }
      const std::size_t i = p++;
      EventTime kt;
      BadKind bad_kind;
      std::string unused;
      if (by_instant_field && by_instant[i] &&
          by_instant_field->convert(values[by_at + i], &kt, &bad_kind, &unused)) {
        group_key::append_time_part(key, kt.us);
      } else {
        append_key_part(key, values[by_at + i], scratch);
      }
    }
  }

  // Evaluates every expression of the record (aggregate arguments, --by
  // keys). A type error is bad input (false), before any state changes.
  bool eval_slots(const std::string& source, const Line& line) {
    for (Slot& x : slots) {
      try {
        value_to_json(x.e.eval(values.data(), x.scratch), &x.v, &x.buf, x.text);
      } catch (const Error& e) {
        if (e.kind() != Error::Kind::kData) throw;
        bad.handle(BadKind::kBadValue, source, line.number, x.flag + ": " + e.what(), line.text);
        return false;
      }
    }
    return true;
  }

  const JsonValue& slow_value(const SlowAgg& a) const {
    return a.val_slot >= 0 ? slots[static_cast<std::size_t>(a.val_slot)].v : values[a.val_at];
  }

  // sum/avg through the general path: the value as a number (a.num; kNull to
  // skip), or bad input (false) as for a field.
  bool slow_number(SlowAgg& a, const std::string& source, const Line& line) {
    const JsonValue& v = slow_value(a);
    a.num = JsonValue{};
    a.num.type = JsonType::kNull;
    if (v.type == JsonType::kMissing || v.type == JsonType::kNull) return true;
    if (to_number(v, &a.num)) return true;
    std::string shown;
    if (v.type == JsonType::kString) append_json_string(shown, v.text.substr(0, 40));
    bad.handle(BadKind::kBadValue, source, line.number,
               "--agg '" + aggs[a.agg].text + "': the value is " +
                   (v.type == JsonType::kString ? shown : json_type_name(v.type)) +
                   ", not a number",
               line.text);
    return false;
  }

  void apply_slow(const SlowAgg& a) {
    const AggSpec& spec = aggs[a.agg];
    if (a.numeric) {
      if (a.num.type == JsonType::kNull) return;  // sum and avg skip nulls
      for (AggState* s : targets) agg_add_number(spec, s[a.agg], a.num);
      return;
    }
    const JsonValue& v = slow_value(a);
    if (a.by) {
      const JsonValue& o =
          a.ord_slot >= 0 ? slots[static_cast<std::size_t>(a.ord_slot)].v : values[a.ord_at];
      for (AggState* s : targets) agg_update_by(spec, s[a.agg], v, o, seq);
      return;
    }
    for (AggState* s : targets) agg_update(spec, s[a.agg], v, seq);
  }

  // True when a window of a record at `t` would end after the end of the
  // time range (kMaxEventTime + 1). REQUIRES: windowed.
  bool past_range(Micros t) const {
    if (kind == WindowKind::kSession) return t + opt.window.gap > kMaxEventTime + 1;
    Micros last_end = kMinEventTime;
    assigner.assign(t, [&](Micros, Micros e) { last_end = std::max(last_end, e); });
    return last_end > kMaxEventTime + 1;
  }

  // One more row of state (a window's group, a session, a running key) of
  // `bytes`, charged to *counter as well.
  void grew(const std::string& source, const Line& line, std::uint64_t bytes,
            std::uint64_t* counter) {
    *counter += bytes;
    state_bytes += bytes;
    if (state_bytes > opt.max_state_bytes && opt.max_state_bytes != 0) too_many_bytes(source, line);
    if (++state_rows <= opt.max_state_rows || opt.max_state_rows == 0) return;
    throw data_error(source + ":" + std::to_string(line.number) + ": the state holds more than " +
                     std::to_string(opt.max_state_rows) +
                     " rows (open windows x groups, sessions or keys); raise --max-state-rows, "
                     "lower the watermark delay, or add --ttl to a running aggregation");
  }

  void note_late(bool whole, const std::string& source, const Line& line,
                 const std::string& reason) {
    ++(whole ? late : partly_late);
    if (late_out)
      late_out->write_line(make_reject_record(source, line.number, reason, line.text, false));
  }

  WindowState& window_at(Micros s, Micros e, std::size_t k, const std::string& source,
                         const Line& line) {
    return windows.at(s, e, k, [&](WindowState&) {
      state_bytes += kWindowStateBytes;
      if (state_bytes > opt.max_state_bytes && opt.max_state_bytes != 0)
        too_many_bytes(source, line);
    });
  }

  Session& session_add(Micros t, const std::string& source, const Line& line) {
    const SessionStore::Added added = sessions.add(key, t, t + opt.window.gap);
    state_rows -= added.merged;
    if (added.created)
      grew(source, line, state_row_bytes(key.size(), aggs.size()), &added.session->bytes);
    return *added.session;
  }

  // ---- output ----

  void write_row(const Micros* start, Micros end, std::string_view k,
                 const std::vector<AggState>& a) {
    const std::string_view group = k;
    row.assign("{");
    if (start) {
      char buf[kMaxTimeText];
      row += "\"window_start\":\"";
      row.append(buf, assigner.format_bound(*start, buf));
      row += "\",\"window_end\":\"";
      row.append(buf, assigner.format_bound(end, buf));
      row += "\",";
    }
    for (const auto& prefix : by_prefix) {
      row += prefix;
      append_key_value(row, next_part(k));
      row += ',';
    }
    for (std::size_t i = 0; i < aggs.size(); ++i) {
      row += agg_prefix[i];
      agg_result(aggs[i], a[i], row);
      row += ',';
    }
    row.back() = '}';
    if (having && !passes_having()) return;
    if (top)
      top->offer(start ? *start : 0, end, row, group);
    else
      out.write_line(row);
  }

  // --having: the expression, its fields checked against the output columns
  // (a usage error with "did you mean" for one no row has).
  void plan_having(const std::vector<std::string>& names) {
    try {
      having = expr::Expr::parse(opt.having);
    } catch (const Error& e) {
      throw usage_error(std::string("--having: ") + e.what());
    }
    for (const FieldPath& f : having->fields()) {
      const std::string& first = f.parts()[0];
      if (std::find(names.begin(), names.end(), first) != names.end()) continue;
      const std::string near = closest_name(first, names, 3);
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      throw usage_error("--having '" + opt.having + "': the result rows have no field \"" + first +
                        "\"" + (near.empty() ? "" : " (did you mean \"" + near + "\"?)") +
                        "; --having reads the output fields: " + list);
    }
    having->bind(having->fields());
    having_fields = std::make_unique<FieldSet>(having->fields());
    having_values.resize(having->fields().size());
  }

  // The row just built passes --having (Spark's HAVING: only true passes);
  // a row filtered out is counted.
  bool passes_having() {
    having_line.assign(row);
    having_line.append(kLinePadding, ' ');
    const std::string_view line(having_line.data(), row.size());
    bool pass = false;
    if (having_reader.read_fields(line, *having_fields, having_values.data(), &why)) {
      try {
        pass = expr::is_true(having->eval(having_values.data(), having_scratch));
      } catch (const Error& e) {
        if (e.kind() != Error::Kind::kData) throw;
        throw data_error("--having '" + opt.having + "': " + e.what() + " (on the row " + row +
                         ")");
      }
    }
    if (!pass) ++having_dropped;
    return pass;
  }

  void emit_window(const WindowState& w) {
    for (const std::uint32_t i : w.table.sorted()) {
      const Group& g = w.table.groups[i];
      write_row(&w.start, w.end, g.key, g.aggs);
    }
    if (top) top->flush();
  }

  void emit_rows(std::vector<Row>& rows) {
    std::sort(rows.begin(), rows.end(), row_less);
    for (const Row& r : rows) write_row(windowed() ? &r.start : nullptr, r.end, r.key, *r.aggs);
    if (top) top->flush();
  }

  // Update mode: the rows changed since the last epoch.
  void emit_changes() {
    std::vector<Row> rows;
    for (auto& [w, i] : changed) {
      Group& g = w->table.groups[i];
      g.changed = false;
      rows.push_back({w->start, w->end, g.key, &g.aggs});
    }
    for (const std::uint32_t i : changed_running) {
      Group& g = running.groups[i];
      g.changed = false;
      rows.push_back({0, 0, g.key, &g.aggs});
    }
    emit_rows(rows);
    changed.clear();
    changed_running.clear();
  }

  // Complete mode: the whole result table.
  void emit_all() {
    std::vector<Row> rows;
    for (const auto& [id, w] : windows.windows()) {
      for (const Group& g : w.table.groups) rows.push_back({w.start, w.end, g.key, &g.aggs});
    }
    for (const auto& [k, list] : sessions.keys()) {
      for (const Session& s : list) rows.push_back({s.start, s.end, k, &s.aggs});
    }
    for (const Group& g : running.groups) rows.push_back({0, 0, g.key, &g.aggs});
    emit_rows(rows);
  }

  // The watermark moved to `w`: close (append) or drop (update) what it
  // made final; expire running keys past their TTL.
  void advance(EventTime w) {
    if (w <= wm && w != EventTime::end()) return;
    wm = std::max(wm, w);
    if (mode == OutputMode::kComplete) return;
    if (mode == OutputMode::kUpdate && (!changed.empty() || !changed_running.empty()))
      emit_changes();
    windows.close_until(wm.us, [&](const WindowState& w) {
      if (mode == OutputMode::kAppend) emit_window(w);
      state_rows -= w.table.groups.size();
      state_bytes -= w.bytes;
    });
    if (kind == WindowKind::kSession && wm.us >= sessions.min_end()) close_sessions();
    if (by_time && wm.us >= min_group_time) close_time_groups();
    if (opt.ttl >= 0) {
      for (std::uint32_t i = 0; i < running.groups.size();) {
        // Expired once the watermark is past last event + TTL (Spark's event-time timeout).
        if (running.groups[i].last + opt.ttl < wm.us) {
          state_bytes -= running.groups[i].bytes;
          running.remove(i), --state_rows;
        } else
          ++i;
      }
    }
  }

  // by_time: the groups whose time is at or before the watermark are final:
  // append writes them (by time, then key), both modes drop them.
  void close_time_groups() {
    std::vector<Group> closed;
    min_group_time = kMaxEventTime;
    for (std::uint32_t i = 0; i < running.groups.size();) {
      Group& g = running.groups[i];
      if (g.last <= wm.us) {
        if (mode == OutputMode::kAppend)
          closed.push_back(Group{g.key, std::move(g.aggs), g.last, false, 0});
        state_bytes -= g.bytes;
        running.remove(i);
        --state_rows;
      } else {
        min_group_time = std::min(min_group_time, g.last);
        ++i;
      }
    }
    std::vector<Row> rows;
    rows.reserve(closed.size());
    for (const Group& g : closed) rows.push_back({g.last, g.last, g.key, &g.aggs});
    emit_rows(rows);
  }

  void close_sessions() {
    std::vector<std::pair<std::string, Session>> closed;
    sessions.close_until(wm.us, &closed);
    std::vector<Row> rows;
    rows.reserve(closed.size());
    for (const auto& [k, x] : closed) {
      state_bytes -= x.bytes;
      --state_rows;
      rows.push_back({x.start, x.end, k, &x.aggs});
    }
    emit_rows(rows);
  }

  void on_control(const Control& c, std::string_view raw) {
    if (c.type == ControlType::kStream) {
      return;  // replaced by this stage's own header (written by start)
    }
    if (c.type == ControlType::kWatermark) {
      advance(c.watermark);
      if (c.watermark == EventTime::end()) final_seen = true;
    } else if (c.type == ControlType::kEpoch) {
      if (mode == OutputMode::kUpdate) emit_changes();
      if (mode == OutputMode::kComplete && records_in_epoch > 0) emit_all();
      records_in_epoch = 0;
      if (ckpt) {
        PayloadWriter w;
        save_window_state(checkpoint_state(), w);
        ckpt->save(c.epoch, w.bytes());
      }
    }
    out.write_line(raw);
  }

  // ---- checkpoints (ops/window_checkpoint.h) ----

  WindowCheckpointState checkpoint_state() {
    return {kind, mode, aggs, wm, seq, windows, sessions, running, state_rows, state_bytes};
  }

  void restore(std::string_view payload, const std::string& what) {
    restore_window_state(payload, what, checkpoint_state());
    min_group_time = kMinEventTime;  // by_time: unknown until the next scan
  }

  void on_end() {
    usage.warn_unseen();
    if (bounded_ends_with_final && !final_seen && !interrupted()) {
      // sx-read ends a bounded stream with the final watermark; an end
      // without it is the stage before stopping early, and its windows are
      // not complete: written as final, they would be wrong for good.
      throw data_error(
          "the bounded stream ended before its final watermark (+inf): the stage before this one "
          "stopped early (see its error), so the windows still open are incomplete and none is "
          "written as final; run the pipeline again once its input reads to the end");
    } else if ((!header_seen || bounded) && !final_seen && !interrupted()) {
      // Plain NDJSON and a bounded stream without a time of its own are
      // finite batches: their end closes every window (not when a signal
      // stopped the input before its end: signals.h).
      if (mode == OutputMode::kUpdate) emit_changes();
      if (mode == OutputMode::kComplete && records_in_epoch > 0) emit_all();
      if (mode == OutputMode::kAppend) {
        advance(EventTime::end());
        out.write_line(make_watermark_record(EventTime::end()));
      }
    }
    if (late + partly_late > 0) {
      std::string msg;
      if (late > 0) {
        msg = std::to_string(late) + (late == 1 ? " late record" : " late records") +
              (windowed() ? " not applied (the watermark had closed their windows)"
                          : " not applied (the watermark had passed their event times)");
      }
      if (partly_late > 0) {
        msg += (late > 0 ? ", " : "") + std::to_string(partly_late) +
               (partly_late == 1 ? " partly late record" : " partly late records") +
               " applied to only the windows still open";
      }
      msg += late_out ? "; see " + opt.late_file : "; keep them with --late FILE";
      warn(msg);
    }
    if (late_out) late_out->flush();
  }
};

WindowOperator::WindowOperator(const WindowOptions& options, Output& out, BadInputPolicy& bad)
    : Operator(out), impl_(std::make_unique<Impl>(options, out, bad)) {}
WindowOperator::~WindowOperator() = default;

void WindowOperator::on_start(const StreamStart& start) { impl_->start(start); }
void WindowOperator::on_record(const Line& line, const std::string& source) {
  impl_->on_record(line, source);
}
void WindowOperator::on_control(const Control& control, std::string_view raw) {
  impl_->on_control(control, raw);
}
void WindowOperator::on_end() { impl_->on_end(); }

StageStats WindowOperator::stats() const {
  // Memory: the estimate --max-state-bytes bounds (rows, keys, kept values).
  return {impl_->late + impl_->partly_late, impl_->state_rows, impl_->state_bytes, &impl_->usage};
}

}  // namespace sx
