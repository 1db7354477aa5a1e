// Misspelled field names: a field that a flag names (--by,
// --agg, --key, --on, --time-field) and that no record of the stream ever had
// is reported at the end, with a "did you mean" from the top-level keys of
// the records that lacked it.
//
// Cost: check() is one predictable branch per field and record once the
// field was seen; the keys are sampled only from records that lack a field
// never seen yet, and only from the first kMaxSamples of them.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "io/json.h"

namespace sx {

class FieldUsage {
 public:
  static constexpr std::size_t kMaxSamples = 16;  // records whose keys are read
  static constexpr std::size_t kMaxKeys = 256;    // distinct keys kept

  // Registers the field `path` named by `flag` ("--by", "--agg 'sum(valu)'");
  // returns its index for check().
  std::size_t add(std::string flag, const FieldPath& path);
  std::size_t size() const { return paths_.size(); }

  // After `reader` read a record (read_fields or get_fields): `v` is field
  // i's value in it.
  void check(std::size_t i, const JsonValue& v, RecordReader& reader) {
    if (seen_[i]) return;
    if (v.type != JsonType::kMissing) {
      seen_[i] = 1;
      --pending_;
      return;
    }
    sample(reader);
  }
  // The same for a record given as its line (with LineReader's padding) when
  // no RecordReader has it open (sx-read): the line is parsed again only to
  // sample its keys.
  void check(std::size_t i, const JsonValue& v, std::string_view line);
  // " (did you mean \"ts\"?)" when field i was never seen and a sampled key is
  // near its name; "" otherwise.
  std::string suggestion(std::size_t i) const;

  // True while some field was never seen: callers skip check() otherwise.
  bool pending() const { return pending_ > 0; }
  // check() for fields 0..size()-1, whose values are values[0..size()-1].
  void check_all(const JsonValue* values, RecordReader& reader) {
    for (std::size_t i = 0; i < paths_.size(); ++i) check(i, values[i], reader);
  }

  // One message per field that no checked record had, e.g.
  // "--by: no record had the field \"user_idd\" (did you mean \"user_id\"?)".
  // Empty when no record was checked.
  std::vector<std::string> unseen() const;
  // warn() (cli.h) for each of unseen(): the end of a stage.
  void warn_unseen() const;
  // The same fields for --progress (sx(7), PROGRESS): appends
  // ,"unseenFields":[{"field":"user_idd","namedBy":"--by","didYouMean":"user_id"},...]
  // to `rec` (didYouMean only when a key is near); nothing when every field
  // was seen so far or no record was checked. Costs nothing once pending()
  // is false.
  void append_progress(std::string& rec) const;

 private:
  void sample(RecordReader& reader);
  std::string nearest(std::size_t i) const;

  std::vector<std::string> flags_;
  std::vector<FieldPath> paths_;
  std::vector<char> seen_;
  std::vector<std::string> keys_;  // top-level keys of sampled records, first seen first
  std::size_t samples_ = 0;
  std::size_t pending_ = 0;
  std::unique_ptr<RecordReader> own_reader_;  // for check(i, v, line)
};

}  // namespace sx
