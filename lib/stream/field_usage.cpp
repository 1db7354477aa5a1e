#include "stream/field_usage.h"

#include <algorithm>

#include "base/diag.h"
#include "base/did_you_mean.h"

namespace sx {

std::size_t FieldUsage::add(std::string flag, const FieldPath& path) {
  flags_.push_back(std::move(flag));
  paths_.push_back(path);
  seen_.push_back(0);
  ++pending_;
  return paths_.size() - 1;
}

void FieldUsage::sample(RecordReader& reader) {
  if (samples_ >= kMaxSamples) return;
  ++samples_;
  std::string why;
  reader.for_each_field(
      [this](std::string_view key, const JsonValue&) {
        if (keys_.size() >= kMaxKeys) return;
        if (std::find(keys_.begin(), keys_.end(), key) == keys_.end()) keys_.emplace_back(key);
      },
      &why);
}

void FieldUsage::check(std::size_t i, const JsonValue& v, std::string_view line) {
  if (seen_[i]) return;
  if (v.type != JsonType::kMissing) {
    seen_[i] = 1;
    --pending_;
    return;
  }
  if (samples_ >= kMaxSamples) return;
  if (!own_reader_) own_reader_ = std::make_unique<RecordReader>();
  std::string why;
  if (own_reader_->open(line, &why)) sample(*own_reader_);
}

std::string FieldUsage::nearest(std::size_t i) const {
  const FieldPath& p = paths_[i];
  const std::string& first = p.parts().front();
  if (std::find(keys_.begin(), keys_.end(), first) != keys_.end()) return "";
  // The budget grows with the name: one edit for short names, up to three.
  const std::size_t budget = std::min<std::size_t>(3, 1 + first.size() / 4) + 1;
  std::string near = closest_name(first, keys_, budget);
  if (near.empty() && p.parts().size() == 1) {
    // "user.id" for a flat key "user_id"?
    std::string flat = p.text();
    std::replace(flat.begin(), flat.end(), '.', '_');
    near = closest_name(flat, keys_, 2);
  }
  if (!near.empty() && p.parts().size() > 1) near += p.text().substr(first.size());
  return near;
}

std::string FieldUsage::suggestion(std::size_t i) const {
  if (seen_[i]) return "";
  const std::string near = nearest(i);
  return near.empty() ? "" : " (did you mean \"" + near + "\"?)";
}

std::vector<std::string> FieldUsage::unseen() const {
  std::vector<std::string> out;
  if (samples_ == 0) return out;  // every field was in every record (or no record came)
  for (std::size_t i = 0; i < paths_.size(); ++i) {
    if (seen_[i]) continue;
    const FieldPath& p = paths_[i];
    std::string msg = flags_[i] + ": no record had the field \"" + p.text() + "\"";
    // A misspelled top-level key, or a dotted path whose first key is misspelled.
    const std::string& first = p.parts().front();
    const bool first_known = std::find(keys_.begin(), keys_.end(), first) != keys_.end();
    const std::string near = nearest(i);
    if (!near.empty()) {
      msg += " (did you mean \"" + near + "\"?)";
    } else if (!first_known && !keys_.empty()) {
      std::string some;
      for (std::size_t k = 0; k < keys_.size() && k < 8; ++k) some += (k ? ", " : "") + keys_[k];
      msg += " (records have " + some + (keys_.size() > 8 ? ", ..." : "") + ")";
    }
    out.push_back(std::move(msg));
  }
  return out;
}

void FieldUsage::append_progress(std::string& rec) const {
  if (pending_ == 0 || samples_ == 0) return;
  rec += ",\"unseenFields\":[";
  bool first = true;
  for (std::size_t i = 0; i < paths_.size(); ++i) {
    if (seen_[i]) continue;
    rec += first ? "{\"field\":" : ",{\"field\":";
    first = false;
    append_json_string(rec, paths_[i].text());
    rec += ",\"namedBy\":";
    append_json_string(rec, flags_[i]);
    const std::string near = nearest(i);
    if (!near.empty()) {
      rec += ",\"didYouMean\":";
      append_json_string(rec, near);
    }
    rec += '}';
  }
  rec += ']';
}

void FieldUsage::warn_unseen() const {
  for (const auto& m : unseen()) warn(m);
}

}  // namespace sx
