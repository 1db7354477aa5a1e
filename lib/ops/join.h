// sx-join's engine: the stream-static join (Spark's stream.join(static, keys,
// how) with a static DataFrame), man sx-join. The static side is a CSV or NDJSON
// file loaded into memory once (and again at epoch boundaries with --reload);
// each stream record is probed by its key as it comes and written out at once,
// so the join keeps no stream state and does not touch event time.
//
// Output of inner and left joins: the stream record's original bytes minus
// its final '}', then ,"column":value for each static output column, then
// '}'. The static side's text for each row is built at load time, so a match
// costs one copy.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/json.h"
#include "state/static_table.h"
#include "stream/bad_input.h"
#include "stream/control_record.h"
#include "stream/stage.h"

namespace sx {

enum class JoinHow { kInner, kLeft, kSemi, kAnti };
// "inner", "left" (also "left_outer", "leftouter"), "semi" ("left_semi"),
// "anti" ("left_anti"), as Spark spells them. Throws usage_error.
JoinHow parse_join_how(const std::string& name);

// One --on key: the stream's field (a dotted path) and the static column
// (a column name; nested NDJSON keys are not reached).
struct JoinKey {
  std::string stream;
  std::string table;
};
// "KEY" (the same name on both sides) or "STREAM_KEY=STATIC_KEY". Throws
// usage_error for an empty side.
JoinKey parse_join_key(const std::string& spec);

struct JoinOptions {
  StaticSpec table;  // table.keys are filled from `on`
  std::vector<JoinKey> on;
  JoinHow how = JoinHow::kInner;
  // Put before a static column's name when the stream record has a field of
  // that name; nullopt: static_base_name + "_".
  std::optional<std::string> prefix;
  bool reload = false;
  std::string checkpoint;        // --checkpoint DIR (empty: none)
  std::string name = "sx-join";  // --name
};

class JoinOperator : public Operator {
 public:
  // Loads the static table: throws as StaticTable::load, and usage_error for
  // options that do not go together.
  JoinOperator(const JoinOptions& options, Output& out, BadInputPolicy& bad);
  ~JoinOperator() override;
  // With --checkpoint, reads it and warns when the static file is not the
  // version the checkpoint's epochs were joined with.
  void on_start(const StreamStart& start) override;
  void on_record(const Line& line, const std::string& source) override;
  // Forwards every control record. A stream header that lists its columns is
  // rewritten with the joined columns (inner, left). With --reload, an epoch
  // record is forwarded, then the file is checked and re-read if it changed:
  // the new table serves the records after that epoch record; a file that does
  // not load leaves the old table in place, with a warning.
  void on_control(const Control& control, std::string_view raw) override;
  // Warns about --on stream keys that no record had (misspelled?).
  void on_end() override;
  // The static table's rows are its state.
  StageStats stats() const override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sx
